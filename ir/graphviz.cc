// graphviz.cc: dot output for a function's CFG with optional dominator and loop overlays.
#include "ir/graphviz.h"

#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/loop_analysis.h"
#include "ir/printer.h"

namespace egret::ir {

std::string EscapeRecordLabel(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '{':
      case '}':
      case '|':
      case '<':
      case '>':
      case '"':
      case '\\':
        out += '\\';
        out += c;
        break;
      case '\n':
        out += "\\l";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

void EmitNode(std::string& out, const Function& f, Block b, const std::string& indent) {
  out += indent + BlockName(b) + " [label=\"{" + EscapeRecordLabel(PrintBlockHeader(f, b)) + "|";
  for (Inst i : f.layout.Insts(b)) out += EscapeRecordLabel(PrintInst(f, i)) + "\\l";
  out += "}\"];\n";
}

}  // namespace

std::string WriteDot(const Function& f, const DotOptions& options) {
  ControlFlowGraph cfg(f);
  DominatorTree domtree(f, cfg);
  std::string out = "digraph \"%" + f.name + "\" {\n";
  out += "  node [shape=record, fontname=\"monospace\", fontsize=10];\n";
  if (options.loops) {
    LoopAnalysis loops;
    loops.Compute(f, cfg, domtree);
    // Children of each loop, and the blocks directly in each loop.
    const size_t n = loops.NumLoops();
    std::vector<std::vector<Loop>> kids(n);
    std::vector<std::vector<Block>> members(n);
    std::vector<Loop> roots;
    for (uint32_t k = 0; k < n; ++k) {
      Loop p = loops.Parent(Loop(k));
      (p.valid() ? kids[p.index] : roots).push_back(Loop(k));
    }
    for (Block b : f.layout.Blocks()) {
      Loop l = loops.InnermostLoop(b);
      if (l.valid()) {
        members[l.index].push_back(b);
      } else {
        EmitNode(out, f, b, "  ");
      }
    }
    // Clusters, outermost first, with an explicit stack of (loop, closing).
    std::vector<std::pair<Loop, bool>> stack;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back({*it, false});
    while (!stack.empty()) {
      auto [l, closing] = stack.back();
      stack.pop_back();
      const std::string indent(2 * (loops.Depth(l) + 1), ' ');
      if (closing) {
        out += indent.substr(2) + "}\n";
        continue;
      }
      out += indent.substr(2) + "subgraph cluster_loop" + std::to_string(l.index) + " {\n";
      out += indent + "label=\"loop" + std::to_string(l.index) + " (header " +
             BlockName(loops.Header(l)) + ", depth " + std::to_string(loops.Depth(l)) + ")\";\n";
      out += indent + "style=dashed;\n";
      for (Block b : members[l.index]) EmitNode(out, f, b, indent);
      stack.push_back({l, true});
      for (auto it = kids[l.index].rbegin(); it != kids[l.index].rend(); ++it)
        stack.push_back({*it, false});
    }
  } else {
    for (Block b : f.layout.Blocks()) EmitNode(out, f, b, "  ");
  }
  for (Block b : f.layout.Blocks()) {
    Inst term = f.layout.LastInst(b);
    const bool is_brif = term.valid() && f.dfg[term].opcode == Opcode::kBrif;
    if (is_brif) {
      const InstData& d = f.dfg[term];
      out += "  " + BlockName(b) + " -> " + BlockName(d.dest[0].block) + " [label=\"nz\"];\n";
      out += "  " + BlockName(b) + " -> " + BlockName(d.dest[1].block) + " [label=\"z\"];\n";
      continue;
    }
    for (Block s : cfg.Succs(b)) out += "  " + BlockName(b) + " -> " + BlockName(s) + ";\n";
  }
  if (options.domtree) {
    for (Block b : domtree.Rpo()) {
      Block idom = domtree.Idom(b);
      if (!idom.valid()) continue;
      out += "  " + BlockName(idom) + " -> " + BlockName(b) +
             " [style=dashed, color=blue, constraint=false];\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace egret::ir
