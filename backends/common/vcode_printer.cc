// vcode_printer.cc: the shared VCode text and Graphviz printers (see vcode_printer.h).
#include "backends/common/vcode_printer.h"

#include <span>
#include <string>

namespace egret::backend {
namespace {

std::string AllocText(const VCodeSyntax& syntax, const regalloc::Allocation& a) {
  if (a.is_reg()) return syntax.RegName(a.reg());
  return a.ToString();
}

}  // namespace

std::string PrintVCodeText(const regalloc::Function& f, const VCodeSyntax& syntax,
                           const std::vector<regalloc::Allocation>* allocs) {
  std::string out;
  for (uint32_t b = 0; b < f.num_blocks(); ++b) {
    out += "block" + std::to_string(b);
    std::span<const regalloc::VReg> params = f.Params(regalloc::Block(b));
    if (!params.empty()) {
      out += '(';
      for (size_t k = 0; k < params.size(); ++k)
        out += (k ? ", v" : "v") + std::to_string(params[k].index);
      out += ')';
    }
    out += ":\n";
    for (uint32_t i = f.blocks[b].inst_begin; i < f.blocks[b].inst_end; ++i) {
      out += "  ";
      out += syntax.InstHead(i);
      std::span<const regalloc::Operand> ops = f.InstOperands(i);
      for (size_t k = 0; k < ops.size(); ++k) {
        out += k ? ", " : " ";
        if (ops[k].is_def()) out += "def ";
        out += 'v' + std::to_string(ops[k].vreg.index);
        if (allocs != nullptr) {
          out += '=';
          out += AllocText(syntax, (*allocs)[f.insts[i].operand_begin + k]);
        }
      }
      if (syntax.IsBranch(i)) {
        out += " ->";
        for (const regalloc::SuccEdge& e : f.Succs(regalloc::Block(b))) {
          out += " block" + std::to_string(e.block.index);
          std::span<const regalloc::VReg> args = f.Args(e);
          if (!args.empty()) {
            out += '(';
            for (size_t k = 0; k < args.size(); ++k)
              out += (k ? ", v" : "v") + std::to_string(args[k].index);
            out += ')';
          }
        }
      }
      out += '\n';
    }
  }
  return out;
}

std::string PrintVCodeDot(const std::string& text, const regalloc::Function& f,
                          const std::string& name, const regalloc::Liveness* live) {
  // Split the text into per-block record labels.
  std::string out = "digraph \"" + name + "\" {\n  node [shape=record, fontname=monospace];\n";
  auto escape = [](const std::string& line) {
    std::string e;
    for (char c : line) {
      if (c == '{' || c == '}' || c == '<' || c == '>' || c == '|' || c == '"' || c == '\\')
        e += '\\';
      e += c;
    }
    return e;
  };
  // The live-in/live-out fields closing block b's record (empty without `live`).
  auto live_fields = [&](uint32_t b) {
    std::string fields;
    if (live == nullptr || b >= f.num_blocks()) return fields;
    auto list = [&](const char* what, std::span<const regalloc::VReg> vregs) {
      fields += std::string("|") + what + ":";
      for (regalloc::VReg r : vregs) fields += " v" + std::to_string(r.index);
      fields += "\\l";
    };
    list("live-in", live->LiveIn(regalloc::Block(b)));
    list("live-out", live->LiveOut(regalloc::Block(b)));
    return fields;
  };
  uint32_t block = 0;
  bool open = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("block", 0) == 0) {
      if (open) out += live_fields(block - 1) + "}\"];\n";
      out += "  b" + std::to_string(block++) + " [label=\"{" + escape(line);
      open = true;
    } else {
      out += "|" + escape(line) + "\\l";
    }
  }
  if (open) out += live_fields(block - 1) + "}\"];\n";
  for (uint32_t b = 0; b < f.num_blocks(); ++b)
    for (const regalloc::SuccEdge& e : f.Succs(regalloc::Block(b)))
      out += "  b" + std::to_string(b) + " -> b" + std::to_string(e.block.index) + ";\n";
  out += "}\n";
  return out;
}

}  // namespace egret::backend
