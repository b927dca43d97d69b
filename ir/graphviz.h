// graphviz.h: the control-flow graph of a function in Graphviz dot syntax.
//
// Each block is a record node: its header, then its instructions, one per line. Characters dot
// gives meaning to inside record labels ({ } | < > " \) are escaped, so any instruction text is
// safe. Options overlay the dominator tree (dashed blue edges from each immediate dominator,
// ignored for layout) and the loop nest (nested clusters labelled with header and depth).
// Render with `dot -Tsvg`.
#ifndef EGRET_IR_GRAPHVIZ_H_
#define EGRET_IR_GRAPHVIZ_H_

#include <string>

#include "ir/function.h"

namespace egret::ir {

struct DotOptions {
  bool domtree = false;
  bool loops = false;
};

std::string WriteDot(const Function& f, const DotOptions& options = {});

// Escapes text for use inside a record label.
std::string EscapeRecordLabel(std::string_view text);

}  // namespace egret::ir

#endif  // EGRET_IR_GRAPHVIZ_H_
