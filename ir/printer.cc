// printer.cc: writes functions in the .eir text format (see printer.h for the invariants).
#include "ir/printer.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "ir/literal.h"

namespace egret::ir {
namespace {

void AppendValueList(std::string& out, std::span<const Value> vs) {
  for (size_t k = 0; k < vs.size(); ++k) {
    if (k) out += ", ";
    out += ValueName(vs[k]);
  }
}

void AppendBlockCall(std::string& out, const Function& f, const BlockCall& bc) {
  out += BlockName(bc.block);
  auto args = f.dfg.pool().Get(bc.args);
  if (!args.empty()) {
    out += '(';
    AppendValueList(out, args);
    out += ')';
  }
}

void AppendOffset(std::string& out, int64_t offset) {
  if (offset > 0) {
    out += '+';
    out += std::to_string(offset);
  } else if (offset < 0) {
    out += std::to_string(offset);
  }
}

std::string FuncName(const Function& f, uint32_t ref) {
  FuncRef fr(ref);
  if (!f.dfg.IsValidFuncRef(fr)) return "fn" + std::to_string(ref);
  return "%" + f.dfg.ext_func(fr).name;
}

}  // namespace

std::string PrintSignature(const Signature& sig) {
  std::string out = "(";
  for (size_t k = 0; k < sig.params.size(); ++k) {
    if (k) out += ", ";
    out += TypeName(sig.params[k]);
  }
  out += ')';
  if (!sig.results.empty()) {
    out += " -> ";
    for (size_t k = 0; k < sig.results.size(); ++k) {
      if (k) out += ", ";
      out += TypeName(sig.results[k]);
    }
  }
  return out;
}

std::string PrintBlockHeader(const Function& f, Block b) {
  std::string out = BlockName(b);
  auto params = f.dfg.BlockParams(b);
  if (!params.empty()) {
    out += '(';
    for (size_t k = 0; k < params.size(); ++k) {
      if (k) out += ", ";
      out += ValueName(params[k]);
      out += ": ";
      out += TypeName(f.dfg.ValueType(params[k]));
    }
    out += ')';
  }
  return out;
}

std::string PrintInst(const Function& f, Inst i) {
  const InstData& d = f.dfg[i];
  const OpcodeInfo& info = Info(d.opcode);
  std::string out;
  auto results = f.dfg.InstResults(i);
  if (!results.empty()) {
    AppendValueList(out, results);
    out += " = ";
  }
  out += info.name;
  if (HasCtrlTypeSuffix(d.opcode)) {
    out += '.';
    out += TypeName(d.type);
  }
  auto arg = [&](int k) { return ValueName(d.args[k]); };
  switch (info.format) {
    case InstFormat::kUnaryImm:
      out += ' ' + std::to_string(d.imm);
      break;
    case InstFormat::kUnaryF32:
      out += ' ' + FormatF32(static_cast<uint32_t>(d.imm));
      break;
    case InstFormat::kUnaryF64:
      out += ' ' + FormatF64(static_cast<uint64_t>(d.imm));
      break;
    case InstFormat::kUnary:
      out += ' ' + arg(0);
      break;
    case InstFormat::kBinary:
      out += ' ' + arg(0) + ", " + arg(1);
      break;
    case InstFormat::kBinaryImm:
      out += ' ' + arg(0) + ", " + std::to_string(d.imm);
      break;
    case InstFormat::kTernary:
      out += ' ' + arg(0) + ", " + arg(1) + ", " + arg(2);
      break;
    case InstFormat::kIntCompare:
      out += ' ';
      out += IntCCName(static_cast<IntCC>(d.cond));
      out += ' ' + arg(0) + ", " + arg(1);
      break;
    case InstFormat::kIntCompareImm:
      out += ' ';
      out += IntCCName(static_cast<IntCC>(d.cond));
      out += ' ' + arg(0) + ", " + std::to_string(d.imm);
      break;
    case InstFormat::kFloatCompare:
      out += ' ';
      out += FloatCCName(static_cast<FloatCC>(d.cond));
      out += ' ' + arg(0) + ", " + arg(1);
      break;
    case InstFormat::kLoad:
    case InstFormat::kStore: {
      std::string flags = d.flags.ToString();
      if (!flags.empty()) out += ' ' + flags;
      if (!d.flags.Has(MemFlags::kNotrap) && d.trap != TrapCode::kHeapOutOfBounds) {
        out += ' ';
        out += TrapCodeName(d.trap);
      }
      if (info.format == InstFormat::kStore) {
        out += ' ' + arg(0) + ", " + arg(1);
      } else {
        out += ' ' + arg(0);
      }
      AppendOffset(out, d.imm);
      break;
    }
    case InstFormat::kStackLoad:
    case InstFormat::kStackAddr:
      out += " ss" + std::to_string(d.ref);
      AppendOffset(out, d.imm);
      break;
    case InstFormat::kStackStore:
      out += ' ' + arg(0) + ", ss" + std::to_string(d.ref);
      AppendOffset(out, d.imm);
      break;
    case InstFormat::kFuncAddr:
      out += ' ' + FuncName(f, d.ref);
      break;
    case InstFormat::kCall:
      out += ' ' + FuncName(f, d.ref) + '(';
      AppendValueList(out, f.dfg.VarArgs(i));
      out += ')';
      break;
    case InstFormat::kCallIndirect:
      out += " sig" + std::to_string(d.ref) + ", " + arg(0) + '(';
      AppendValueList(out, f.dfg.VarArgs(i));
      out += ')';
      break;
    case InstFormat::kJump:
      out += ' ';
      AppendBlockCall(out, f, d.dest[0]);
      break;
    case InstFormat::kBrif:
      out += ' ' + arg(0) + ", ";
      AppendBlockCall(out, f, d.dest[0]);
      out += ", ";
      AppendBlockCall(out, f, d.dest[1]);
      break;
    case InstFormat::kBrTable: {
      out += ' ' + arg(0) + ", ";
      JumpTable jt(d.ref);
      if (!f.dfg.IsValidJumpTable(jt)) {
        out += "jt" + std::to_string(d.ref);
        break;
      }
      const JumpTableData& data = f.dfg.jump_table(jt);
      AppendBlockCall(out, f, data.default_dest);
      out += ", [";
      for (size_t k = 0; k < data.entries.size(); ++k) {
        if (k) out += ", ";
        AppendBlockCall(out, f, data.entries[k]);
      }
      out += ']';
      break;
    }
    case InstFormat::kMultiAry:
      if (d.vargs.size) {
        out += ' ';
        AppendValueList(out, f.dfg.VarArgs(i));
      }
      break;
    case InstFormat::kTrap:
      out += ' ';
      out += TrapCodeName(d.trap);
      break;
    case InstFormat::kCondTrap:
      out += ' ' + arg(0) + ", ";
      out += TrapCodeName(d.trap);
      break;
    case InstFormat::kAtomicLoad:
    case InstFormat::kAtomicStore:
    case InstFormat::kAtomicRmw:
    case InstFormat::kAtomicCas: {
      if (info.format == InstFormat::kAtomicRmw) {
        out += ' ';
        out += AtomicRmwOpName(static_cast<AtomicRmwOp>(d.cond));
      }
      const Type t = info.format == InstFormat::kAtomicStore ? f.dfg.ValueType(d.args[0]) : d.type;
      if (d.imm > 0 && static_cast<uint64_t>(d.imm) * 8 < TypeBits(t))
        out += " u" + std::to_string(d.imm * 8);
      std::string flags = d.flags.ToString();
      if (!flags.empty()) out += ' ' + flags;
      if (!d.flags.Has(MemFlags::kNotrap) && d.trap != TrapCode::kHeapOutOfBounds) {
        out += ' ';
        out += TrapCodeName(d.trap);
      }
      out += ' ' + arg(0);
      if (info.format != InstFormat::kAtomicLoad) out += ", " + arg(1);
      if (info.format == InstFormat::kAtomicCas) out += ", " + arg(2);
      break;
    }
    case InstFormat::kNullary:
      break;
    case InstFormat::kVconst:
      if (f.dfg.IsValidConstant(d.ref) && IsVector(d.type)) {
        out += ' ' + FormatVectorLiteral(d.type, f.dfg.constant(d.ref));
      } else {
        out += " const" + std::to_string(d.ref);  // invalid IR, printed for the verifier
      }
      break;
    case InstFormat::kExtractLane:
      out += ' ' + arg(0) + ", " + std::to_string(d.imm);
      break;
    case InstFormat::kInsertLane:
      out += ' ' + arg(0) + ", " + arg(1) + ", " + std::to_string(d.imm);
      break;
    case InstFormat::kShuffle:
      out += ' ' + arg(0) + ", " + arg(1) + ", ";
      if (f.dfg.IsValidConstant(d.ref)) {
        out += '[';
        for (uint32_t k = 0; k < 16; ++k) {
          if (k) out += ' ';
          out += std::to_string(f.dfg.constant(d.ref).Byte(k));
        }
        out += ']';
      } else {
        out += "const" + std::to_string(d.ref);
      }
      break;
  }
  return out;
}

std::string PrintFunction(const Function& f, const PrintOptions& options) {
  std::string out = "function %" + f.name + PrintSignature(f.signature) + " {\n";
  for (StackSlot ss : f.stack_slots.Keys()) {
    const StackSlotData& sd = f.stack_slots[ss];
    out += "    ss" + std::to_string(ss.index) + " = stack_slot " + std::to_string(sd.size) +
           ", align " + std::to_string(sd.align) + "\n";
  }
  for (uint32_t s = 0; s < f.dfg.NumSignatures(); ++s) {
    out +=
        "    sig" + std::to_string(s) + " = " + PrintSignature(f.dfg.signature(SigRef(s))) + "\n";
  }
  for (uint32_t k = 0; k < f.dfg.NumExtFuncs(); ++k) {
    const ExtFuncData& e = f.dfg.ext_func(FuncRef(k));
    out += "    fn" + std::to_string(k) + " = %" + e.name + " sig" + std::to_string(e.sig.index) +
           "\n";
  }
  for (Block b : f.layout.Blocks()) {
    out += PrintBlockHeader(f, b) + ":\n";
    for (Inst i : f.layout.Insts(b)) {
      const uint32_t loc = f.SrcLoc(i);
      if (options.srclocs && loc != kNoSrcLoc) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "@%04x ", loc);
        out += buf;
      } else {
        out += "    ";
      }
      out += PrintInst(f, i);
      out += '\n';
    }
  }
  out += "}\n";
  return out;
}

std::string PrintModule(const Module& m, const PrintOptions& options) {
  std::string out;
  for (size_t k = 0; k < m.functions.size(); ++k) {
    if (k) out += '\n';
    out += PrintFunction(m.functions[k], options);
  }
  return out;
}

}  // namespace egret::ir
