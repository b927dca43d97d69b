// vcode.cc: the VCode printer behind --emit=vcode.
//
// One line per MInst: `  i3: alu.add32 v1, v2 -> v3` before allocation, the same with the
// allocated registers after (`%rax`, `%xmm1`, `stack2`); blocks start with `block2:` and list
// their successors and branch arguments.
#include "backends/x64/vcode.h"

#include <string>

#include "backends/x64/inst.h"

namespace egret::x64 {
namespace {

const char* MOpName(MOp op) {
  switch (op) {
    case MOp::kArgs:
      return "args";
    case MOp::kLoadArg:
      return "load_arg";
    case MOp::kCopy:
      return "copy";
    case MOp::kIconst:
      return "iconst";
    case MOp::kFconst:
      return "fconst";
    case MOp::kAlu:
      return "alu";
    case MOp::kImul:
      return "imul";
    case MOp::kUnary:
      return "unary";
    case MOp::kShift:
      return "shift";
    case MOp::kBitCount:
      return "bitcount";
    case MOp::kDiv:
      return "div";
    case MOp::kCmpSet:
      return "cmpset";
    case MOp::kFcmpSet:
      return "fcmpset";
    case MOp::kSelect:
      return "select";
    case MOp::kLoad:
      return "load";
    case MOp::kStore:
      return "store";
    case MOp::kLea:
      return "lea";
    case MOp::kExtend:
      return "extend";
    case MOp::kSseBin:
      return "sse";
    case MOp::kSseUnary:
      return "sse_unary";
    case MOp::kFsign:
      return "fsign";
    case MOp::kFminmax:
      return "fminmax";
    case MOp::kIntToFp:
      return "int_to_fp";
    case MOp::kFpToInt:
      return "fp_to_int";
    case MOp::kBitcast:
      return "bitcast";
    case MOp::kCall:
      return "call";
    case MOp::kCallBuiltin:
      return "call_builtin";
    case MOp::kCallInd:
      return "call_indirect";
    case MOp::kStoreOutArg:
      return "store_out_arg";
    case MOp::kLoadOutRet:
      return "load_out_ret";
    case MOp::kStoreRet:
      return "store_ret";
    case MOp::kRet:
      return "ret";
    case MOp::kJmp:
      return "jmp";
    case MOp::kBrif:
      return "brif";
    case MOp::kBrTable:
      return "br_table";
    case MOp::kTrap:
      return "trap";
    case MOp::kTrapIf:
      return "trap_if";
  }
  return "?";
}

std::string AllocText(const regalloc::Allocation& a) {
  if (a.is_reg()) {
    if (a.reg().cls() == regalloc::RegClass::kInt)
      return std::string(GprName(GprFromEnc(a.reg().hw()), OpSize::k64));
    return std::string(XmmName(XmmFromEnc(a.reg().hw())));
  }
  return a.ToString();
}

}  // namespace

std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs) {
  std::string out;
  const regalloc::Function& f = v.ra;
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
      const MInst& m = v.insts[i];
      out += "  ";
      out += MOpName(m.op);
      if (m.op == MOp::kAlu) {
        out += '.';  // appended piecewise: g++-12 -O3 misreports "lit" + string (-Wrestrict)
        out += std::to_string(m.sub);
      }
      if (!m.fp && m.op != MOp::kArgs && m.op != MOp::kRet && m.op != MOp::kJmp)
        out += std::to_string(8 << static_cast<int>(m.size));
      if (m.has_imm || m.op == MOp::kIconst) out += " $" + std::to_string(m.imm);
      std::span<const regalloc::Operand> ops = f.InstOperands(i);
      for (size_t k = 0; k < ops.size(); ++k) {
        out += k ? ", " : " ";
        if (ops[k].is_def()) out += "def ";
        out += 'v' + std::to_string(ops[k].vreg.index);
        if (allocs != nullptr) {
          out += '=';
          out += AllocText((*allocs)[f.insts[i].operand_begin + k]);
        }
      }
      if (m.op == MOp::kJmp || m.op == MOp::kBrif || m.op == MOp::kBrTable) {
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

std::string PrintVCodeDot(const VCode& v, const std::vector<regalloc::Allocation>* allocs,
                          const std::string& name, const regalloc::Liveness* live) {
  // Reuse the text printer and split it into per-block record labels.
  const std::string text = PrintVCode(v, allocs);
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
    std::string f;
    if (live == nullptr || b >= v.ra.num_blocks()) return f;
    auto list = [&](const char* what, std::span<const regalloc::VReg> vregs) {
      f += std::string("|") + what + ":";
      for (regalloc::VReg r : vregs) f += " v" + std::to_string(r.index);
      f += "\\l";
    };
    list("live-in", live->LiveIn(regalloc::Block(b)));
    list("live-out", live->LiveOut(regalloc::Block(b)));
    return f;
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
  for (uint32_t b = 0; b < v.ra.num_blocks(); ++b)
    for (const regalloc::SuccEdge& e : v.ra.Succs(regalloc::Block(b)))
      out += "  b" + std::to_string(b) + " -> b" + std::to_string(e.block.index) + ";\n";
  out += "}\n";
  return out;
}

}  // namespace egret::x64
