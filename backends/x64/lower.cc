// lower.cc: the x64 lowering rules (see lower.h for the patterns).
//
// Invariants while lowering block b:
//   - every non-constant IR value defined in an already-lowered block (or earlier in b) has a
//     vreg; constants never do (they are rematerialized per use);
//   - `sunk_[i]` marks instructions folded into their single user; they emit nothing at their
//     own position, and their operands stay live until the user because the user names them.
#include "backends/x64/lower.h"

#include <string>

#include "artifact/builtin.h"
#include "backends/common/lower_order.h"
#include "backends/x64/abi.h"
#include "backends/x64/amode.h"
#include "backends/x64/inst.h"

namespace egret::x64 {
namespace {

using ir::Opcode;
using ir::Type;
using regalloc::Constraint;
using regalloc::Operand;
using regalloc::VReg;

OpSize SizeOf(Type t) {
  switch (t) {
    case Type::kI8:
      return OpSize::k8;
    case Type::kI16:
      return OpSize::k16;
    case Type::kI32:
    case Type::kF32:
      return OpSize::k32;
    default:
      return OpSize::k64;
  }
}

// Integer ops narrower than 32 bits are done at 32 bits (the upper bits are don't-care for
// i8/i16 values, which only feed extensions and narrow stores).
OpSize AluSize(Type t) { return t == Type::kI64 ? OpSize::k64 : OpSize::k32; }

CondCode IntCond(ir::IntCC cc) {
  switch (cc) {
    case ir::IntCC::kEq:
      return CondCode::kE;
    case ir::IntCC::kNe:
      return CondCode::kNe;
    case ir::IntCC::kSlt:
      return CondCode::kL;
    case ir::IntCC::kSle:
      return CondCode::kLe;
    case ir::IntCC::kSgt:
      return CondCode::kG;
    case ir::IntCC::kSge:
      return CondCode::kGe;
    case ir::IntCC::kUlt:
      return CondCode::kB;
    case ir::IntCC::kUle:
      return CondCode::kBe;
    case ir::IntCC::kUgt:
      return CondCode::kA;
    case ir::IntCC::kUge:
      return CondCode::kAe;
  }
  return CondCode::kE;
}

// The immediate `v` truncated to the operation width and sign-extended back, if it can be an
// imm32 operand of an instruction of that width.
bool ImmOperand(int64_t v, OpSize size, int32_t* out) {
  if (size != OpSize::k64) {
    *out = static_cast<int32_t>(static_cast<uint32_t>(v));
    return true;
  }
  if (!FitsSimm32(v)) return false;
  *out = static_cast<int32_t>(v);
  return true;
}

class Lowerer {
 public:
  Lowerer(const ir::Function& f, const backend::ModuleContext& module, const CpuFeatures& features)
      : f_(f), dfg_(f.dfg), module_(module), features_(features) {}

  Expected<VCode> Run();

 private:
  struct Cond {
    CondKind kind = CondKind::kNonZero;
    CondCode cc = CondCode::kNe;
    uint8_t fcc = 0;
    bool fp64 = false;
    OpSize size = OpSize::k32;
    VReg a, b;
    int64_t imm = 0;
  };

  Status Unsupported(const std::string& what) const {
    return Error("x64: not supported: " + what + " (function " + f_.name + ")");
  }
  ir::Value Resolve(ir::Value v) const { return dfg_.ResolveAliases(v); }
  const ir::InstData* DefInst(ir::Value v) const {
    const ir::ValueData& vd = dfg_.ValueInfo(Resolve(v));
    if (vd.kind != ir::ValueKind::kResult) return nullptr;
    return &dfg_[ir::Inst(vd.def)];
  }
  ir::Inst DefInstId(ir::Value v) const {
    const ir::ValueData& vd = dfg_.ValueInfo(Resolve(v));
    return vd.kind == ir::ValueKind::kResult ? ir::Inst(vd.def) : ir::Inst();
  }
  // The constant an iconst defines (false if `v` is not one).
  bool IsIconst(ir::Value v, int64_t* imm) const {
    const ir::InstData* d = DefInst(v);
    if (d == nullptr || d->opcode != Opcode::kIconst) return false;
    *imm = d->imm;
    return true;
  }
  bool IsConst(ir::Value v) const {
    const ir::InstData* d = DefInst(v);
    return d != nullptr && (d->opcode == Opcode::kIconst || d->opcode == Opcode::kF32const ||
                            d->opcode == Opcode::kF64const);
  }
  regalloc::RegClass ClassOf(Type t) const {
    return ir::IsFloat(t) ? regalloc::RegClass::kFloat : regalloc::RegClass::kInt;
  }
  VReg NewVReg(Type t) { return v_.ra.AddVReg(ClassOf(t)); }
  VReg DefVReg(ir::Value v) {
    v = Resolve(v);
    VReg& r = vreg_of_[v.index];
    if (!r.valid()) r = NewVReg(dfg_.ValueType(v));
    return r;
  }

  // Appends an MInst with its operands.
  void Emit(const MInst& mi, std::initializer_list<Operand> ops,
            regalloc::PRegSet clobbers = regalloc::PRegSet()) {
    EmitSpan(mi, std::span<const Operand>(ops.begin(), ops.size()), clobbers);
  }
  void EmitSpan(const MInst& mi, std::span<const Operand> ops,
                regalloc::PRegSet clobbers = regalloc::PRegSet()) {
    v_.insts.push_back(mi);
    v_.srclocs.push_back(srcloc_);
    v_.ra.AddInst(ops, clobbers);
  }

  // A register holding `v` (constants are materialized here, right before the user).
  VReg Use(ir::Value v);
  Cond CondOf(ir::Value c);
  void PushCondOperands(const Cond& c, MInst* m, std::vector<Operand>* ops);

  // Marks an address computation foldable into the addressing mode of its single user.
  void MarkFoldableAddress(ir::Value addr, ir::Block b) {
    ir::Inst ai = DefInstId(addr);
    if (!ai.valid() || lo_.use_count[Resolve(addr).index] != 1) return;
    const ir::InstData& a = dfg_[ai];
    if (a.opcode != Opcode::kIadd || f_.layout.InstBlock(ai) != b) return;
    if (IsConst(a.args[0]) || IsConst(a.args[1])) return;
    sunk_[ai.index] = 1;
    // The iadd disappears into the addressing mode, so a load folded into it needs a register.
    for (ir::Value arg : {a.args[0], a.args[1]}) {
      if (IsFoldedLoad(arg)) sunk_[DefInstId(arg).index] = 0;
    }
    ir::Inst si = DefInstId(a.args[1]);
    if (si.valid() && dfg_[si].opcode == Opcode::kIshlImm && dfg_[si].imm >= 0 &&
        dfg_[si].imm <= 3 && f_.layout.InstBlock(si) == b && !IsConst(dfg_[si].args[0]) &&
        lo_.use_count[Resolve(a.args[1]).index] == 1)
      sunk_[si.index] = 1;
  }

  Status LowerInst(ir::Inst i);
  Status LowerBranch(ir::Inst i, ir::Block b);
  Status LowerCall(ir::Inst i);
  void LowerMemory(ir::Inst i);
  // Pushes the operands of the addressing mode for `addr` and records them in `m`.
  void AddressOperands(ir::Value addr, MInst* m);
  // Whether `v` is an integer load that was folded into its single user (see Run()).
  bool IsFoldedLoad(ir::Value v) const {
    ir::Inst li = DefInstId(v);
    return li.valid() && sunk_[li.index] == kFoldedLoad;
  }
  static constexpr uint8_t kFoldedLoad = 2;
  // Marks the load defining args[k] of ALU instruction `user` foldable when nothing between
  // them can observe or change memory or trap.
  void MarkFoldableLoad(ir::Inst user, ir::Value v) {
    ir::Inst li = DefInstId(v);
    if (!li.valid() || sunk_[li.index] || lo_.use_count[Resolve(v).index] != 1) return;
    const ir::InstData& l = dfg_[li];
    if (l.opcode != Opcode::kLoad || !ir::IsInt(dfg_.ValueType(Resolve(v)))) return;
    if (f_.layout.InstBlock(li) != f_.layout.InstBlock(user)) return;
    for (ir::Inst k = f_.layout.NextInst(li); k != user; k = f_.layout.NextInst(k)) {
      if (!k.valid() || !ir::Info(dfg_[k].opcode).Has(ir::kPure)) return;
    }
    sunk_[li.index] = kFoldedLoad;
  }

  const ir::Function& f_;
  const ir::DataFlowGraph& dfg_;
  const backend::ModuleContext& module_;
  CpuFeatures features_;
  backend::LowerOrder lo_;
  VCode v_;
  std::vector<VReg> vreg_of_;
  std::vector<uint8_t> sunk_;
  uint32_t srcloc_ = UINT32_MAX;
  std::vector<Operand> ops_;
};

VReg Lowerer::Use(ir::Value v) {
  v = Resolve(v);
  const ir::InstData* d = DefInst(v);
  if (d != nullptr && d->opcode == Opcode::kIconst) {
    VReg r = NewVReg(dfg_.ValueType(v));
    MInst m;
    m.op = MOp::kIconst;
    m.size = AluSize(dfg_.ValueType(v));
    m.imm = m.size == OpSize::k64 ? d->imm : static_cast<int64_t>(static_cast<uint32_t>(d->imm));
    Emit(m, {Operand::Def(r)});
    return r;
  }
  if (d != nullptr && (d->opcode == Opcode::kF32const || d->opcode == Opcode::kF64const)) {
    VReg r = NewVReg(dfg_.ValueType(v));
    MInst m;
    m.op = MOp::kFconst;
    m.fp = true;
    m.fp64 = d->opcode == Opcode::kF64const;
    m.imm = d->imm;
    Emit(m, {Operand::Def(r)});
    return r;
  }
  VReg r = vreg_of_[v.index];
  EGRET_CHECK(r.valid());
  return r;
}

Lowerer::Cond Lowerer::CondOf(ir::Value c) {
  Cond out;
  ir::Inst di = DefInstId(c);
  if (di.valid() && sunk_[di.index]) {
    const ir::InstData& d = dfg_[di];
    if (d.opcode == Opcode::kIcmp) {
      out.kind = CondKind::kIntRR;
      out.cc = IntCond(static_cast<ir::IntCC>(d.cond));
      out.size = AluSize(dfg_.ValueType(d.args[0]));
      int64_t imm;
      int32_t imm32;
      if (IsIconst(d.args[1], &imm) && ImmOperand(imm, out.size, &imm32)) {
        out.kind = CondKind::kIntRI;
        out.imm = imm32;
        out.a = Use(d.args[0]);
      } else {
        out.a = Use(d.args[0]);
        out.b = Use(d.args[1]);
      }
      return out;
    }
    if (d.opcode == Opcode::kIcmpImm) {
      out.kind = CondKind::kIntRI;
      out.cc = IntCond(static_cast<ir::IntCC>(d.cond));
      out.size = AluSize(dfg_.ValueType(d.args[0]));
      int32_t imm32;
      if (ImmOperand(d.imm, out.size, &imm32)) {
        out.imm = imm32;
        out.a = Use(d.args[0]);
      } else {
        out.kind = CondKind::kIntRR;
        out.a = Use(d.args[0]);
        VReg k = NewVReg(Type::kI64);
        MInst m;
        m.op = MOp::kIconst;
        m.imm = d.imm;
        Emit(m, {Operand::Def(k)});
        out.b = k;
      }
      return out;
    }
    if (d.opcode == Opcode::kFcmp) {
      out.kind = CondKind::kFloat;
      out.fcc = d.cond;
      out.fp64 = dfg_.ValueType(d.args[0]) == Type::kF64;
      out.a = Use(d.args[0]);
      out.b = Use(d.args[1]);
      return out;
    }
  }
  out.kind = CondKind::kNonZero;
  out.cc = CondCode::kNe;
  out.size = AluSize(dfg_.ValueType(Resolve(c)));
  out.a = Use(c);
  return out;
}

void Lowerer::PushCondOperands(const Cond& c, MInst* m, std::vector<Operand>* ops) {
  m->cond = c.kind;
  m->cc = c.cc;
  m->fcc = c.fcc;
  m->fp64 = c.fp64;
  m->size = c.size;
  m->imm = c.imm;
  ops->push_back(Operand::Use(c.a));
  if (c.kind == CondKind::kIntRR || c.kind == CondKind::kFloat) ops->push_back(Operand::Use(c.b));
}

Expected<VCode> Lowerer::Run() {
  lo_ = backend::LowerOrder::Compute(f_);
  vreg_of_.assign(dfg_.NumValues(), VReg());
  sunk_.assign(dfg_.NumInsts(), 0);
  if (lo_.order.empty()) return Unsupported("empty function").error();
  if (lo_.num_preds[f_.EntryBlock().index] != 0)
    return Unsupported("branch to the entry block").error();

  // Which compares fold into their single user.
  for (ir::Block b : lo_.order) {
    for (ir::Inst i : f_.layout.Insts(b)) {
      const ir::InstData& d = dfg_[i];
      ir::Value c;
      bool allow_float = false;
      const ir::InstFormat fmt = ir::Info(d.opcode).format;
      if (fmt == ir::InstFormat::kLoad || fmt == ir::InstFormat::kStore) {
        MarkFoldableAddress(fmt == ir::InstFormat::kStore ? d.args[1] : d.args[0], b);
        continue;
      }
      switch (d.opcode) {
        case Opcode::kIadd:
        case Opcode::kBand:
        case Opcode::kBor:
        case Opcode::kBxor:
        case Opcode::kImul:
          // Only register-register forms fold (a constant operand takes the immediate form).
          if (IsConst(d.args[0]) || IsConst(d.args[1])) continue;
          MarkFoldableLoad(i, d.args[1]);
          if (!IsFoldedLoad(d.args[1])) MarkFoldableLoad(i, d.args[0]);
          continue;
        case Opcode::kIsub:
          if (!IsConst(d.args[0]) && !IsConst(d.args[1])) MarkFoldableLoad(i, d.args[1]);
          continue;
        case Opcode::kBrif:
          c = d.args[0];
          allow_float = true;
          break;
        case Opcode::kSelect:
        case Opcode::kTrapz:
        case Opcode::kTrapnz:
          c = d.args[0];
          break;
        default:
          continue;
      }
      ir::Inst di = DefInstId(c);
      if (!di.valid() || f_.layout.InstBlock(di) != b) continue;
      if (lo_.use_count[Resolve(c).index] != 1) continue;
      const Opcode op = dfg_[di].opcode;
      if (op == Opcode::kIcmp || op == Opcode::kIcmpImm || (allow_float && op == Opcode::kFcmp))
        sunk_[di.index] = 1;
    }
  }

  // Frame facts for this function's own signature.
  CallLayout self = ComputeCallLayout(f_.signature.params, f_.signature.results);
  v_.frame.stack_args = self.stack_args;

  std::vector<const ir::BlockCall*> dests;
  std::vector<uint32_t> slots;
  for (ir::Block b : lo_.order) {
    v_.ra.StartBlock();
    const bool is_entry = b == f_.EntryBlock();
    if (is_entry) {
      std::span<const ir::Value> params = dfg_.BlockParams(b);
      ops_.clear();
      for (size_t k = 0; k < params.size(); ++k) {
        if (self.params[k].on_stack) continue;
        ops_.push_back(Operand::FixedDef(DefVReg(params[k]), LocPReg(self.params[k])));
      }
      MInst m;
      m.op = MOp::kArgs;
      EmitSpan(m, ops_);
      for (size_t k = 0; k < params.size(); ++k) {
        if (!self.params[k].on_stack) continue;
        MInst l;
        l.op = MOp::kLoadArg;
        l.fp = self.params[k].fp;
        l.fp64 = dfg_.ValueType(params[k]) == Type::kF64;
        l.disp = 16 + 8 * static_cast<int32_t>(self.params[k].slot);
        Emit(l, {Operand::Def(DefVReg(params[k]))});
      }
    } else {
      for (ir::Value p : dfg_.BlockParams(b)) v_.ra.AddBlockParam(DefVReg(p));
    }
    for (ir::Inst i : f_.layout.Insts(b)) {
      srcloc_ = f_.SrcLoc(i);
      if (sunk_[i.index]) continue;
      if (ir::IsTerminator(dfg_[i].opcode)) {
        EGRET_TRY(LowerBranch(i, b));
      } else {
        EGRET_TRY(LowerInst(i));
      }
    }
    // Edge blocks for this block's multi-successor terminator.
    ir::Inst term = f_.layout.LastInst(b);
    dests.clear();
    dfg_.ForEachDest(term, [&](const ir::BlockCall& bc) { dests.push_back(&bc); });
    if (dests.size() > 1) {
      const uint32_t n = backend::PlanEdgeBlocks(f_, lo_, dests, &slots);
      std::vector<const ir::BlockCall*> first(n, nullptr);
      for (size_t k = 0; k < dests.size(); ++k)
        if (slots[k] != UINT32_MAX && first[slots[k]] == nullptr) first[slots[k]] = dests[k];
      for (uint32_t e = 0; e < n; ++e) {
        v_.ra.StartBlock();
        std::vector<VReg> args;
        for (ir::Value a : dfg_.pool().Get(first[e]->args)) args.push_back(Use(a));
        MInst j;
        j.op = MOp::kJmp;
        j.target[0] = lo_.vblock_of[first[e]->block.index];
        Emit(j, {});
        v_.ra.AddSucc(regalloc::Block(j.target[0]), args);
      }
    }
  }
  v_.ra.Finish();
  return std::move(v_);
}

Status Lowerer::LowerBranch(ir::Inst i, ir::Block b) {
  const ir::InstData& d = dfg_[i];
  const uint32_t self = lo_.vblock_of[b.index];
  switch (d.opcode) {
    case Opcode::kReturn: {
      std::span<const ir::Value> vals = dfg_.pool().Get(d.vargs);
      CallLayout l = ComputeCallLayout(f_.signature.params, f_.signature.results);
      ops_.clear();
      std::vector<Operand> ret_ops;
      for (size_t k = 0; k < vals.size(); ++k) {
        VReg r = Use(vals[k]);
        if (l.results[k].on_stack) {
          MInst s;
          s.op = MOp::kStoreRet;
          s.fp = l.results[k].fp;
          s.fp64 = dfg_.ValueType(vals[k]) == Type::kF64;
          s.disp = 16 + 8 * static_cast<int32_t>(l.results[k].slot);
          Emit(s, {Operand::Use(r)});
        } else {
          ret_ops.push_back(Operand::FixedUse(r, LocPReg(l.results[k])));
        }
      }
      MInst m;
      m.op = MOp::kRet;
      EmitSpan(m, ret_ops);
      return Status::Ok();
    }
    case Opcode::kTrap: {
      MInst m;
      m.op = MOp::kTrap;
      m.trap = d.trap;
      Emit(m, {});
      return Status::Ok();
    }
    case Opcode::kJump: {
      std::vector<VReg> args;
      for (ir::Value a : dfg_.pool().Get(d.dest[0].args)) args.push_back(Use(a));
      MInst m;
      m.op = MOp::kJmp;
      m.target[0] = lo_.vblock_of[d.dest[0].block.index];
      Emit(m, {});
      v_.ra.AddSucc(regalloc::Block(m.target[0]), args);
      return Status::Ok();
    }
    case Opcode::kBrif:
    case Opcode::kBrTable: {
      std::vector<const ir::BlockCall*> dests;
      dfg_.ForEachDest(i, [&](const ir::BlockCall& bc) { dests.push_back(&bc); });
      // Edge blocks exist only for terminators with several destinations (Run() emits them
      // under the same condition); a br_table with only a default is a plain jump.
      std::vector<uint32_t> slots(dests.size(), UINT32_MAX);
      if (dests.size() > 1) backend::PlanEdgeBlocks(f_, lo_, dests, &slots);
      // A br_table with no targets has one destination: LowerOrder plans (and Lower emits) edge
      // blocks only for terminators with several, so it jumps straight to its target.
      if (dests.size() == 1) slots.assign(1, UINT32_MAX);
      std::vector<uint32_t> target(dests.size());
      for (size_t k = 0; k < dests.size(); ++k)
        target[k] =
            slots[k] != UINT32_MAX ? self + 1 + slots[k] : lo_.vblock_of[dests[k]->block.index];
      // Distinct successors, each with its arguments (edge blocks carry their own).
      std::vector<uint32_t> distinct;
      std::vector<std::vector<VReg>> distinct_args;
      for (size_t k = 0; k < dests.size(); ++k) {
        bool seen = false;
        for (uint32_t t : distinct) seen |= t == target[k];
        if (seen) continue;
        distinct.push_back(target[k]);
        std::vector<VReg> args;
        if (slots[k] == UINT32_MAX)
          for (ir::Value a : dfg_.pool().Get(dests[k]->args)) args.push_back(Use(a));
        distinct_args.push_back(std::move(args));
        if (distinct.size() > 64 && d.opcode == Opcode::kBrTable) {
          // Linear scan above is only for small terminators; large tables dedup by edge blocks.
        }
      }
      if (distinct.size() == 1) {
        // Every destination is the same edge: the condition does not matter.
        MInst m;
        m.op = MOp::kJmp;
        m.target[0] = distinct[0];
        Emit(m, {});
        v_.ra.AddSucc(regalloc::Block(distinct[0]), distinct_args[0]);
        return Status::Ok();
      }
      MInst m;
      ops_.clear();
      if (d.opcode == Opcode::kBrif) {
        Cond c = CondOf(d.args[0]);
        m.op = MOp::kBrif;
        PushCondOperands(c, &m, &ops_);
        m.target[0] = target[0];
        m.target[1] = target[1];
      } else {
        m.op = MOp::kBrTable;
        ops_.push_back(Operand::Use(Use(d.args[0])));
        // Jump table: entries then default (ForEachDest gives default first).
        std::vector<uint32_t> table;
        for (size_t k = 1; k < target.size(); ++k) table.push_back(target[k]);
        table.push_back(target[0]);
        m.aux = static_cast<uint32_t>(v_.jump_tables.size());
        v_.jump_tables.push_back(std::move(table));
      }
      EmitSpan(m, ops_);
      for (size_t k = 0; k < distinct.size(); ++k)
        v_.ra.AddSucc(regalloc::Block(distinct[k]), distinct_args[k]);
      return Status::Ok();
    }
    default:
      return Unsupported(std::string("terminator ") + std::string(ir::OpcodeName(d.opcode)));
  }
}

Status Lowerer::LowerCall(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const ir::Signature& sig = dfg_.signature(dfg_.CallSignature(i));
  CallLayout l = ComputeCallLayout(sig.params, sig.results);
  v_.frame.has_calls = true;
  v_.frame.outgoing_bytes = std::max(v_.frame.outgoing_bytes, l.AreaBytes());
  std::span<const ir::Value> args = dfg_.pool().Get(d.vargs);
  MInst m;
  ops_.clear();
  if (d.opcode == Opcode::kCall) {
    const ir::ExtFuncData& ext = dfg_.ext_func(ir::FuncRef(d.ref));
    auto it = module_.callees.find(ext.name);
    if (it == module_.callees.end()) return Unsupported("call to unknown function %" + ext.name);
    m.op = it->second.kind == backend::CallTarget::Kind::kBuiltin ? MOp::kCallBuiltin : MOp::kCall;
    m.aux = it->second.index;
  } else {
    m.op = MOp::kCallInd;
    ops_.push_back(Operand::Use(Use(d.args[0])));
  }
  // Stack arguments first (plain stores into the outgoing area), then the register ones as
  // fixed uses of the call itself.
  for (size_t k = 0; k < args.size(); ++k) {
    if (!l.params[k].on_stack) continue;
    MInst s;
    s.op = MOp::kStoreOutArg;
    s.fp = l.params[k].fp;
    s.fp64 = dfg_.ValueType(args[k]) == Type::kF64;
    s.disp = 8 * static_cast<int32_t>(l.params[k].slot);
    VReg r = Use(args[k]);
    Emit(s, {Operand::Use(r)});
  }
  std::vector<Operand> call_ops = ops_;
  for (size_t k = 0; k < args.size(); ++k)
    if (!l.params[k].on_stack)
      call_ops.push_back(Operand::FixedUse(Use(args[k]), LocPReg(l.params[k])));
  std::span<const ir::Value> results = dfg_.InstResults(i);
  for (size_t k = 0; k < results.size(); ++k)
    if (!l.results[k].on_stack)
      call_ops.push_back(Operand::FixedDef(DefVReg(results[k]), LocPReg(l.results[k])));
  EmitSpan(m, call_ops, CallClobbers());
  for (size_t k = 0; k < results.size(); ++k) {
    if (!l.results[k].on_stack) continue;
    MInst r;
    r.op = MOp::kLoadOutRet;
    r.fp = l.results[k].fp;
    r.fp64 = dfg_.ValueType(results[k]) == Type::kF64;
    r.disp = 8 * static_cast<int32_t>(l.results[k].slot);
    Emit(r, {Operand::Def(DefVReg(results[k]))});
  }
  return Status::Ok();
}

void Lowerer::AddressOperands(ir::Value addr, MInst* m) {
  // Address folding (decided by MarkFoldableAddress): iadd(base, index) or
  // iadd(base, ishl_imm(index, s)) used only here.
  ir::Inst ai = DefInstId(addr);
  if (ai.valid() && sunk_[ai.index]) {
    ir::Value base = dfg_[ai].args[0], index = dfg_[ai].args[1];
    uint8_t scale = 0;
    ir::Inst si = DefInstId(index);
    if (si.valid() && sunk_[si.index]) {
      scale = static_cast<uint8_t>(dfg_[si].imm);
      index = dfg_[si].args[0];
    }
    m->base_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(base)));
    m->index_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(index)));
    m->scale_log2 = scale;
    return;
  }
  m->base_op = static_cast<int8_t>(ops_.size());
  ops_.push_back(Operand::Use(Use(addr)));
}

void Lowerer::LowerMemory(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
  const ir::Value addr = store ? d.args[1] : d.args[0];
  MInst m;
  m.op = store ? MOp::kStore : MOp::kLoad;
  m.disp = static_cast<int32_t>(d.imm);
  m.can_trap = !d.flags.Has(ir::MemFlags::kNotrap);
  m.trap = d.trap;
  ops_.clear();
  if (store) {
    const Type vt = dfg_.ValueType(d.args[0]);
    m.fp = ir::IsFloat(vt);
    m.fp64 = vt == Type::kF64;
    m.size = d.opcode == Opcode::kIstore8    ? OpSize::k8
             : d.opcode == Opcode::kIstore16 ? OpSize::k16
             : d.opcode == Opcode::kIstore32 ? OpSize::k32
                                             : SizeOf(vt);
    ops_.push_back(Operand::Use(Use(d.args[0])));
  }
  AddressOperands(addr, &m);
  if (!store) {
    const Type rt = dfg_.ValueType(dfg_.FirstResult(i));
    m.fp = ir::IsFloat(rt);
    m.fp64 = rt == Type::kF64;
    m.size = AluSize(rt);
    LoadKind k = LoadKind::kInt;
    switch (d.opcode) {
      case Opcode::kLoad:
        k = rt == Type::kF32   ? LoadKind::kFloat32
            : rt == Type::kF64 ? LoadKind::kFloat64
                               : LoadKind::kInt;
        if (rt == Type::kI8) k = LoadKind::kZext8;
        if (rt == Type::kI16) k = LoadKind::kZext16;
        break;
      case Opcode::kUload8:
        k = LoadKind::kZext8;
        break;
      case Opcode::kSload8:
        k = LoadKind::kSext8;
        break;
      case Opcode::kUload16:
        k = LoadKind::kZext16;
        break;
      case Opcode::kSload16:
        k = LoadKind::kSext16;
        break;
      case Opcode::kUload32:
        k = LoadKind::kZext32;
        break;
      case Opcode::kSload32:
        k = LoadKind::kSext32;
        break;
      default:
        break;
    }
    m.sub = static_cast<uint8_t>(k);
    ops_.push_back(Operand::Def(DefVReg(dfg_.FirstResult(i))));
  }
  EmitSpan(m, ops_);
}

Status Lowerer::LowerInst(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  auto result = [&] { return DefVReg(dfg_.FirstResult(i)); };
  auto rtype = [&] { return dfg_.ValueType(dfg_.FirstResult(i)); };
  MInst m;
  switch (op) {
    case Opcode::kIconst:
    case Opcode::kF32const:
    case Opcode::kF64const:
      return Status::Ok();  // rematerialized at each use
    case Opcode::kIadd:
    case Opcode::kIsub:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
    case Opcode::kImul:
    case Opcode::kIaddImm:
    case Opcode::kBandImm:
    case Opcode::kBorImm:
    case Opcode::kBxorImm:
    case Opcode::kImulImm: {
      const bool is_mul = op == Opcode::kImul || op == Opcode::kImulImm;
      m.op = is_mul ? MOp::kImul : MOp::kAlu;
      m.size = AluSize(rtype());
      switch (op) {
        case Opcode::kIadd:
        case Opcode::kIaddImm:
          m.sub = static_cast<uint8_t>(AluOp::kAdd);
          break;
        case Opcode::kIsub:
          m.sub = static_cast<uint8_t>(AluOp::kSub);
          break;
        case Opcode::kBand:
        case Opcode::kBandImm:
          m.sub = static_cast<uint8_t>(AluOp::kAnd);
          break;
        case Opcode::kBor:
        case Opcode::kBorImm:
          m.sub = static_cast<uint8_t>(AluOp::kOr);
          break;
        case Opcode::kBxor:
        case Opcode::kBxorImm:
          m.sub = static_cast<uint8_t>(AluOp::kXor);
          break;
        default:
          break;
      }
      const bool imm_form = ir::Info(op).format == ir::InstFormat::kBinaryImm;
      int64_t imm = d.imm;
      int32_t imm32;
      bool have_imm = imm_form || IsIconst(d.args[1], &imm);
      if (have_imm && ImmOperand(imm, m.size, &imm32)) {
        m.has_imm = true;
        m.imm = imm32;
        VReg a = Use(d.args[0]);
        Emit(m, {Operand::Use(a), Operand::ReuseDef(result(), 0)});
        return Status::Ok();
      }
      if (!imm_form && (IsFoldedLoad(d.args[1]) || IsFoldedLoad(d.args[0]))) {
        // The load becomes the instruction's memory operand (commutative ops may swap).
        const bool rhs = IsFoldedLoad(d.args[1]);
        const ir::Value mem = rhs ? d.args[1] : d.args[0];
        const ir::InstData& l = dfg_[DefInstId(mem)];
        VReg a = Use(rhs ? d.args[0] : d.args[1]);
        ops_.clear();
        ops_.push_back(Operand::Use(a));
        AddressOperands(l.args[0], &m);
        m.disp = static_cast<int32_t>(l.imm);
        m.can_trap = !l.flags.Has(ir::MemFlags::kNotrap);
        m.trap = l.trap;
        ops_.push_back(Operand::ReuseDef(result(), 0));
        EmitSpan(m, ops_);
        return Status::Ok();
      }
      VReg a = Use(d.args[0]);
      VReg b;
      if (imm_form) {
        b = NewVReg(Type::kI64);
        MInst k;
        k.op = MOp::kIconst;
        k.imm = imm;
        Emit(k, {Operand::Def(b)});
      } else {
        b = Use(d.args[1]);
      }
      Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(result(), 0)});
      return Status::Ok();
    }
    case Opcode::kSdiv:
    case Opcode::kUdiv:
    case Opcode::kSrem:
    case Opcode::kUrem: {
      m.op = MOp::kDiv;
      m.size = AluSize(rtype());
      m.sub = op == Opcode::kSdiv ? 0 : op == Opcode::kUdiv ? 1 : op == Opcode::kSrem ? 2 : 3;
      VReg a = Use(d.args[0]);
      VReg b = Use(d.args[1]);
      const regalloc::PReg rax = IntPReg(Gpr::kRax), rdx = IntPReg(Gpr::kRdx);
      if (m.sub < 2) {
        VReg tmp = NewVReg(Type::kI64);
        Emit(m, {Operand::FixedUse(a, rax), Operand::Use(b),
                 [&] {
                   Operand o = Operand::EarlyDef(tmp, Constraint::kFixedReg);
                   o.fixed = rdx;
                   return o;
                 }(),
                 Operand::FixedDef(result(), rax)});
      } else {
        regalloc::PRegSet clob;
        clob.Add(rax);
        Operand o = Operand::EarlyDef(result(), Constraint::kFixedReg);
        o.fixed = rdx;
        Emit(m, {Operand::FixedUse(a, rax), Operand::Use(b), o}, clob);
      }
      return Status::Ok();
    }
    case Opcode::kIshl:
    case Opcode::kUshr:
    case Opcode::kSshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
    case Opcode::kIshlImm:
    case Opcode::kUshrImm:
    case Opcode::kSshrImm:
    case Opcode::kRotlImm:
    case Opcode::kRotrImm: {
      m.op = MOp::kShift;
      m.size = AluSize(rtype());
      ShiftOp s = ShiftOp::kShl;
      if (op == Opcode::kUshr || op == Opcode::kUshrImm) s = ShiftOp::kShr;
      if (op == Opcode::kSshr || op == Opcode::kSshrImm) s = ShiftOp::kSar;
      if (op == Opcode::kRotl || op == Opcode::kRotlImm) s = ShiftOp::kRol;
      if (op == Opcode::kRotr || op == Opcode::kRotrImm) s = ShiftOp::kRor;
      m.sub = static_cast<uint8_t>(s);
      int64_t imm = d.imm;
      const bool imm_form = ir::Info(op).format == ir::InstFormat::kBinaryImm;
      if (imm_form || IsIconst(d.args[1], &imm)) {
        m.has_imm = true;
        m.imm = imm & (m.size == OpSize::k64 ? 63 : 31);
        VReg a = Use(d.args[0]);
        Emit(m, {Operand::Use(a), Operand::ReuseDef(result(), 0)});
        return Status::Ok();
      }
      VReg a = Use(d.args[0]);
      VReg c = Use(d.args[1]);
      Emit(m, {Operand::Use(a), Operand::FixedUse(c, IntPReg(Gpr::kRcx)),
               Operand::ReuseDef(result(), 0)});
      return Status::Ok();
    }
    case Opcode::kClz:
    case Opcode::kCtz:
    case Opcode::kPopcnt: {
      m.op = MOp::kBitCount;
      m.size = AluSize(rtype());
      m.sub = op == Opcode::kClz ? 0 : op == Opcode::kCtz ? 1 : 2;
      m.has_imm = op == Opcode::kClz   ? features_.lzcnt
                  : op == Opcode::kCtz ? features_.bmi1
                                       : features_.popcnt;
      VReg a = Use(d.args[0]);
      Emit(m, {Operand::Use(a), Operand::Def(result())});
      return Status::Ok();
    }
    case Opcode::kIneg:
    case Opcode::kBnot: {
      m.op = MOp::kUnary;
      m.size = AluSize(rtype());
      m.sub = static_cast<uint8_t>(op == Opcode::kIneg ? UnaryOp::kNeg : UnaryOp::kNot);
      VReg a = Use(d.args[0]);
      Emit(m, {Operand::Use(a), Operand::ReuseDef(result(), 0)});
      return Status::Ok();
    }
    case Opcode::kIcmp:
    case Opcode::kIcmpImm: {
      sunk_[i.index] = 1;  // reuse CondOf's operand selection
      Cond c = CondOf(dfg_.FirstResult(i));
      sunk_[i.index] = 0;
      m.op = MOp::kCmpSet;
      ops_.clear();
      PushCondOperands(c, &m, &ops_);
      ops_.push_back(Operand::EarlyDef(result()));
      EmitSpan(m, ops_);
      return Status::Ok();
    }
    case Opcode::kFcmp: {
      m.op = MOp::kFcmpSet;
      m.fcc = d.cond;
      m.fp64 = dfg_.ValueType(d.args[0]) == Type::kF64;
      VReg a = Use(d.args[0]), b = Use(d.args[1]);
      VReg tmp = NewVReg(Type::kI64);
      Emit(m,
           {Operand::Use(a), Operand::Use(b), Operand::EarlyDef(result()), Operand::EarlyDef(tmp)});
      return Status::Ok();
    }
    case Opcode::kSelect: {
      Cond c = CondOf(d.args[0]);
      m.op = MOp::kSelect;
      ops_.clear();
      PushCondOperands(c, &m, &ops_);
      const Type t = rtype();
      m.fp = ir::IsFloat(t);
      m.fp64 = t == Type::kF64;
      m.aux = AluSize(t) == OpSize::k64 ? 1 : 0;  // value width (the cond's size is in `size`)
      const uint8_t x_index = static_cast<uint8_t>(ops_.size());
      ops_.push_back(Operand::Use(Use(d.args[1])));
      ops_.push_back(Operand::Use(Use(d.args[2])));
      ops_.push_back(Operand::ReuseDef(result(), x_index));
      EmitSpan(m, ops_);
      return Status::Ok();
    }
    case Opcode::kUextend:
    case Opcode::kSextend:
    case Opcode::kIreduce: {
      const Type from = dfg_.ValueType(d.args[0]);
      const Type to = rtype();
      VReg a = Use(d.args[0]);
      m.op = MOp::kExtend;
      m.size = AluSize(to);
      m.is_unsigned = op != Opcode::kSextend;
      m.sub = static_cast<uint8_t>(op == Opcode::kIreduce ? 64 : ir::TypeBits(from));
      if (op == Opcode::kIreduce) {
        // Narrowing keeps the low bits: a 32-bit move (i8/i16 results are don't-care above).
        m.sub = 32;
        m.is_unsigned = true;
      }
      Emit(m, {Operand::Use(a), Operand::Def(result())});
      return Status::Ok();
    }
    case Opcode::kFadd:
    case Opcode::kFsub:
    case Opcode::kFmul:
    case Opcode::kFdiv: {
      const bool f64 = rtype() == Type::kF64;
      SseOp s = op == Opcode::kFadd   ? (f64 ? SseOp::kAddsd : SseOp::kAddss)
                : op == Opcode::kFsub ? (f64 ? SseOp::kSubsd : SseOp::kSubss)
                : op == Opcode::kFmul ? (f64 ? SseOp::kMulsd : SseOp::kMulss)
                                      : (f64 ? SseOp::kDivsd : SseOp::kDivss);
      m.op = MOp::kSseBin;
      m.sub = static_cast<uint8_t>(s);
      m.fp = true;
      m.fp64 = f64;
      VReg a = Use(d.args[0]), b = Use(d.args[1]);
      Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(result(), 0)});
      return Status::Ok();
    }
    case Opcode::kFmin:
    case Opcode::kFmax: {
      m.op = MOp::kFminmax;
      m.sub = op == Opcode::kFmin ? 0 : 1;
      m.fp = true;
      m.fp64 = rtype() == Type::kF64;
      VReg a = Use(d.args[0]), b = Use(d.args[1]);
      Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(result(), 0)});
      return Status::Ok();
    }
    case Opcode::kFneg:
    case Opcode::kFabs:
    case Opcode::kFcopysign: {
      m.op = MOp::kFsign;
      m.sub = op == Opcode::kFneg ? 0 : op == Opcode::kFabs ? 1 : 2;
      m.fp = true;
      m.fp64 = rtype() == Type::kF64;
      VReg a = Use(d.args[0]);
      if (op == Opcode::kFcopysign) {
        VReg b = Use(d.args[1]);
        Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(result(), 0)});
      } else {
        Emit(m, {Operand::Use(a), Operand::ReuseDef(result(), 0)});
      }
      return Status::Ok();
    }
    case Opcode::kSqrt:
    case Opcode::kCeil:
    case Opcode::kFloor:
    case Opcode::kTrunc:
    case Opcode::kNearest:
    case Opcode::kFpromote:
    case Opcode::kFdemote: {
      const bool f64 = dfg_.ValueType(d.args[0]) == Type::kF64;
      m.op = MOp::kSseUnary;
      m.fp = true;
      m.fp64 = f64;
      SseOp s = f64 ? SseOp::kSqrtsd : SseOp::kSqrtss;
      if (op == Opcode::kCeil || op == Opcode::kFloor || op == Opcode::kTrunc ||
          op == Opcode::kNearest) {
        if (!features_.sse41) {
          // No roundss/roundsd: call the runtime's libm-style builtin (System V: the value in
          // xmm0, the result in xmm0). The call site loads the builtin table through the
          // VMContext, so the vmctx goes to %rdi as for any builtin.
          using artifact::Builtin;
          const Builtin id = op == Opcode::kFloor  ? (f64 ? Builtin::kFloorF64 : Builtin::kFloorF32)
                             : op == Opcode::kCeil ? (f64 ? Builtin::kCeilF64 : Builtin::kCeilF32)
                             : op == Opcode::kTrunc
                                 ? (f64 ? Builtin::kTruncF64 : Builtin::kTruncF32)
                                 : (f64 ? Builtin::kNearestF64 : Builtin::kNearestF32);
          MInst c;
          c.op = MOp::kCallBuiltin;
          c.aux = static_cast<uint32_t>(id);
          v_.frame.has_calls = true;
          VReg vmctx = Use(dfg_.BlockParams(f_.EntryBlock())[0]);
          VReg a = Use(d.args[0]);
          Emit(c,
               {Operand::FixedUse(vmctx, IntPReg(Gpr::kRdi)),
                Operand::FixedUse(a, FloatPReg(Xmm::kXmm0)),
                Operand::FixedDef(result(), FloatPReg(Xmm::kXmm0))},
               CallClobbers());
          return Status::Ok();
        }
        s = f64 ? SseOp::kRoundsd : SseOp::kRoundss;
        m.imm = (op == Opcode::kNearest ? 0
                 : op == Opcode::kFloor ? 1
                 : op == Opcode::kCeil  ? 2
                                        : 3) |
                8;
      }
      if (op == Opcode::kFpromote) s = SseOp::kCvtss2sd;
      if (op == Opcode::kFdemote) s = SseOp::kCvtsd2ss;
      m.sub = static_cast<uint8_t>(s);
      VReg a = Use(d.args[0]);
      Emit(m, {Operand::Use(a), Operand::Def(result())});
      return Status::Ok();
    }
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat: {
      m.op = MOp::kFpToInt;
      m.fp64 = dfg_.ValueType(d.args[0]) == Type::kF64;
      m.size = AluSize(rtype());
      m.is_unsigned = op == Opcode::kFcvtToUint || op == Opcode::kFcvtToUintSat;
      m.saturating = op == Opcode::kFcvtToSintSat || op == Opcode::kFcvtToUintSat;
      VReg a = Use(d.args[0]);
      Emit(m, {Operand::Use(a), Operand::Def(result())});
      return Status::Ok();
    }
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint: {
      m.op = MOp::kIntToFp;
      m.fp = true;
      m.fp64 = rtype() == Type::kF64;
      m.size = AluSize(dfg_.ValueType(d.args[0]));
      m.is_unsigned = op == Opcode::kFcvtFromUint;
      VReg a = Use(d.args[0]);
      Emit(m, {Operand::Use(a), Operand::Def(result())});
      return Status::Ok();
    }
    case Opcode::kBitcast: {
      const Type from = dfg_.ValueType(d.args[0]);
      const Type to = rtype();
      VReg a = Use(d.args[0]);
      if (ir::IsFloat(from) == ir::IsFloat(to)) {
        m.op = MOp::kCopy;
        m.fp = ir::IsFloat(to);
      } else {
        m.op = MOp::kBitcast;
        m.fp = ir::IsFloat(to);  // direction: into xmm
        m.size = SizeOf(to);
      }
      Emit(m, {Operand::Use(a), Operand::Def(result())});
      return Status::Ok();
    }
    case Opcode::kLoad:
    case Opcode::kUload8:
    case Opcode::kSload8:
    case Opcode::kUload16:
    case Opcode::kSload16:
    case Opcode::kUload32:
    case Opcode::kSload32:
    case Opcode::kStore:
    case Opcode::kIstore8:
    case Opcode::kIstore16:
    case Opcode::kIstore32:
      LowerMemory(i);
      return Status::Ok();
    case Opcode::kCall:
    case Opcode::kCallIndirect:
      return LowerCall(i);
    case Opcode::kTrapz:
    case Opcode::kTrapnz: {
      Cond c = CondOf(d.args[0]);
      m.op = MOp::kTrapIf;
      m.trap = d.trap;
      ops_.clear();
      PushCondOperands(c, &m, &ops_);
      // trapz traps when the condition is false: invert integer conditions (exact for ints).
      if (op == Opcode::kTrapz) m.cc = Invert(m.cc);
      EmitSpan(m, ops_);
      return Status::Ok();
    }
    default:
      return Unsupported(std::string("opcode ") + std::string(ir::OpcodeName(op)));
  }
}

}  // namespace

Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module,
                      const CpuFeatures& features) {
  Lowerer l(f, module, features);
  return l.Run();
}

}  // namespace egret::x64
