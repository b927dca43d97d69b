// lower.cc: the x64 lowering rules (see lower.h for the patterns).
//
// The walk, the value -> vreg map, use counts and the sinking preconditions are the shared
// lowering context's (backends/common/lower_ctx.h). Here: one rule per opcode family, and the
// matchers that decide folding at the use; a definition asks its only user's matcher (IsSunk),
// so no decision is recorded ahead of time.
#include "backends/x64/lower.h"

#include <string>

#include "artifact/builtin.h"
#include "backends/common/lower_ctx.h"
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

// The x64 rules: one function per opcode family; folding decided by matchers asked at the use
// (SinkableCompare, MatchAddress, FoldedLoadOperand), which IsSunk asks of a definition's only
// user so that the definition emits nothing.
class Lowerer final : public backend::LowerRules {
 public:
  Lowerer(const ir::Function& f, const backend::ModuleContext& module, const CpuFeatures& features)
      : f_(f), dfg_(f.dfg), module_(module), features_(features), ctx_(f, v_.ra, "x64") {}

  Expected<VCode> Run();

  // backend::LowerRules.
  VReg Rematerialize(ir::Value v, const ir::InstData& d) override;
  bool IsSunk(ir::Inst i) const override;
  Status LowerEntry(ir::Block entry) override;
  Status LowerInst(ir::Inst i) override;
  Status LowerTerminator(ir::Inst i, ir::Block b) override;
  void EmitJump(uint32_t target, std::span<const VReg> args) override;

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
  // An address computation folded into a memory access: `add` = iadd(base, index) (invalid: no
  // folding), `shift` = ishl_imm(index', 0..3) as that index (invalid: scale 1).
  struct AddressMatch {
    ir::Inst add, shift;
  };

  Status Unsupported(const std::string& what) const { return ctx_.Unsupported(what); }
  ir::Value Resolve(ir::Value v) const { return ctx_.Resolve(v); }
  const ir::InstData* DefInst(ir::Value v) const { return ctx_.DefInst(v); }
  ir::Inst DefInstId(ir::Value v) const { return ctx_.DefInstId(v); }
  bool IsIconst(ir::Value v, int64_t* imm) const { return ctx_.IsIconst(v, imm); }
  bool IsConst(ir::Value v) const { return ctx_.IsConst(v); }
  VReg NewVReg(Type t) { return ctx_.NewVReg(t); }
  VReg DefVReg(ir::Value v) { return ctx_.DefVReg(v); }
  // A register holding `v` (constants are materialized here, right before the user).
  VReg Use(ir::Value v) { return ctx_.Use(v); }
  VReg Result(ir::Inst i) { return DefVReg(dfg_.FirstResult(i)); }
  Type ResultType(ir::Inst i) const { return dfg_.ValueType(dfg_.FirstResult(i)); }

  // Appends an MInst with its operands.
  void Emit(const MInst& mi, std::initializer_list<Operand> ops,
            regalloc::PRegSet clobbers = regalloc::PRegSet()) {
    EmitSpan(mi, std::span<const Operand>(ops.begin(), ops.size()), clobbers);
  }
  void EmitSpan(const MInst& mi, std::span<const Operand> ops,
                regalloc::PRegSet clobbers = regalloc::PRegSet()) {
    // The operands must be where the kind's named slots say (minst.h, SlotsOf).
    EGRET_DCHECK([&] {
      const OperandSlots o = SlotsOf(mi, static_cast<uint32_t>(ops.size()));
      for (int8_t k : {o.a, o.b, o.x, o.y, o.dst, o.tmp, o.value, mi.base_op, mi.index_op})
        if (k >= static_cast<int>(ops.size())) return false;
      return o.dst < 0 || ops[o.dst].is_def();
    }());
    v_.insts.push_back(mi);
    v_.srclocs.push_back(ctx_.srcloc());
    v_.ra.AddInst(ops, clobbers);
  }

  // The shape `d = op a` over the IR instruction's first argument.
  void EmitUnary(ir::Inst i, const MInst& m) {
    const VReg a = Use(dfg_[i].args[0]);
    Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
  }
  // The two-address shape `d = reuse(a) op b` over the IR instruction's two arguments.
  void EmitReuseBinary(ir::Inst i, const MInst& m) {
    const VReg a = Use(dfg_[i].args[0]), b = Use(dfg_[i].args[1]);
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(Result(i), 0)});
  }

  // ---- Matchers, asked at the use.
  // The compare that `user` (brif, select, trapz, trapnz) tests on the flags instead of a
  // materialized boolean: an icmp/icmp_imm (or, for brif, an fcmp) in the same block whose only
  // use is `user`'s condition. Invalid when there is none.
  ir::Inst SinkableCompare(ir::Inst user) const;
  // The address arithmetic memory access `mem` folds into its addressing mode: an iadd of two
  // non-constants in the same block used only as this address, and an ishl_imm by 0..3 (used
  // only there) as its index.
  AddressMatch MatchAddress(ir::Inst mem) const;
  // The operand of ALU instruction `user` whose integer load becomes its memory operand (the
  // right operand first; register-register forms only), or an invalid value.
  ir::Value FoldedLoadOperand(ir::Inst user) const;
  // Whether load result `v` can move to `user`: a plain integer load, only used there, with only
  // pure instructions in between.
  bool LoadFoldableInto(ir::Value v, ir::Inst user) const;
  static bool IsMemory(const ir::InstData& d) {
    const ir::InstFormat fmt = ir::Info(d.opcode).format;
    return fmt == ir::InstFormat::kLoad || fmt == ir::InstFormat::kStore;
  }

  // The condition `c` (the condition operand of its user); `fold`: its compare is folded.
  Cond CondOf(ir::Value c, bool fold);
  void PushCondOperands(const Cond& c, MInst* m, std::vector<Operand>* ops);
  // Pushes the operands of the addressing mode of memory access `mem` and records them in `m`.
  void AddressOperands(ir::Inst mem, MInst* m);

  // ---- Rules, one per opcode family.
  Status LowerAlu(ir::Inst i);
  Status LowerDivRem(ir::Inst i);
  Status LowerMulHi(ir::Inst i);
  Status LowerShift(ir::Inst i);
  Status LowerBitCount(ir::Inst i);
  Status LowerUnary(ir::Inst i);
  Status LowerIcmp(ir::Inst i);
  Status LowerFcmp(ir::Inst i);
  Status LowerSelect(ir::Inst i);
  Status LowerExtend(ir::Inst i);
  Status LowerFloatArith(ir::Inst i);
  Status LowerFminmax(ir::Inst i);
  Status LowerFsign(ir::Inst i);
  Status LowerFloatUnary(ir::Inst i);
  Status LowerFpToInt(ir::Inst i);
  Status LowerIntToFp(ir::Inst i);
  Status LowerBitcast(ir::Inst i);
  void LowerMemory(ir::Inst i);
  Status LowerCall(ir::Inst i);
  Status LowerTrapIf(ir::Inst i);

  const ir::Function& f_;
  const ir::DataFlowGraph& dfg_;
  const backend::ModuleContext& module_;
  CpuFeatures features_;
  VCode v_;  // before ctx_, which refers to v_.ra
  backend::LowerCtx ctx_;
  std::vector<Operand> ops_;
};

VReg Lowerer::Rematerialize(ir::Value v, const ir::InstData& d) {
  VReg r = NewVReg(dfg_.ValueType(v));
  MInst m;
  if (d.opcode == Opcode::kIconst) {
    m.op = MOp::kIconst;
    m.size = AluSize(dfg_.ValueType(v));
    m.imm = m.size == OpSize::k64 ? d.imm : static_cast<int64_t>(static_cast<uint32_t>(d.imm));
  } else {
    m.op = MOp::kFconst;
    m.fp = true;
    m.fp64 = d.opcode == Opcode::kF64const;
    m.imm = d.imm;
  }
  Emit(m, {Operand::Def(r)});
  return r;
}

ir::Inst Lowerer::SinkableCompare(ir::Inst user) const {
  const ir::InstData& d = dfg_[user];
  bool allow_float = false;
  switch (d.opcode) {
    case Opcode::kBrif:
      allow_float = true;
      break;
    case Opcode::kSelect:
    case Opcode::kTrapz:
    case Opcode::kTrapnz:
      break;
    default:
      return ir::Inst();
  }
  const ir::Value c = d.args[0];
  if (!ctx_.CanSinkInto(c, user)) return ir::Inst();
  const ir::Inst di = DefInstId(c);
  const Opcode op = dfg_[di].opcode;
  if (op == Opcode::kIcmp || op == Opcode::kIcmpImm || (allow_float && op == Opcode::kFcmp))
    return di;
  return ir::Inst();
}

Lowerer::AddressMatch Lowerer::MatchAddress(ir::Inst mem) const {
  const ir::InstData& d = dfg_[mem];
  const ir::Value addr =
      ir::Info(d.opcode).format == ir::InstFormat::kStore ? d.args[1] : d.args[0];
  AddressMatch m;
  if (!ctx_.CanSinkInto(addr, mem)) return m;
  const ir::Inst ai = DefInstId(addr);
  const ir::InstData& a = dfg_[ai];
  if (a.opcode != Opcode::kIadd || IsConst(a.args[0]) || IsConst(a.args[1])) return m;
  m.add = ai;
  const ir::Inst si = DefInstId(a.args[1]);
  if (si.valid() && dfg_[si].opcode == Opcode::kIshlImm && dfg_[si].imm >= 0 && dfg_[si].imm <= 3 &&
      ctx_.BlockOf(si) == ctx_.BlockOf(mem) && !IsConst(dfg_[si].args[0]) &&
      ctx_.UseCount(a.args[1]) == 1)
    m.shift = si;
  return m;
}

bool Lowerer::LoadFoldableInto(ir::Value v, ir::Inst user) const {
  if (!ctx_.CanSinkInto(v, user)) return false;
  const ir::Inst li = DefInstId(v);
  if (dfg_[li].opcode != Opcode::kLoad || !ir::IsInt(dfg_.ValueType(Resolve(v)))) return false;
  return ctx_.OnlyPureBetween(li, user);
}

ir::Value Lowerer::FoldedLoadOperand(ir::Inst user) const {
  const ir::InstData& d = dfg_[user];
  switch (d.opcode) {
    case Opcode::kIadd:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
    case Opcode::kImul:
      // Only register-register forms fold (a constant operand takes the immediate form).
      if (IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
      if (LoadFoldableInto(d.args[1], user)) return d.args[1];
      if (LoadFoldableInto(d.args[0], user)) return d.args[0];
      return ir::Value();
    case Opcode::kIsub:
      if (IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
      if (LoadFoldableInto(d.args[1], user)) return d.args[1];
      return ir::Value();
    default:
      return ir::Value();
  }
}

bool Lowerer::IsSunk(ir::Inst i) const {
  const ir::InstData& d = dfg_[i];
  switch (d.opcode) {
    case Opcode::kIcmp:
    case Opcode::kIcmpImm:
    case Opcode::kFcmp: {
      const ir::Inst u = ctx_.SoleUser(dfg_.FirstResult(i));
      return u.valid() && SinkableCompare(u) == i;
    }
    case Opcode::kIadd: {
      const ir::Inst u = ctx_.SoleUser(dfg_.FirstResult(i));
      return u.valid() && IsMemory(dfg_[u]) && MatchAddress(u).add == i;
    }
    case Opcode::kIshlImm: {
      const ir::Inst add = ctx_.SoleUser(dfg_.FirstResult(i));
      if (!add.valid() || dfg_[add].opcode != Opcode::kIadd) return false;
      const ir::Inst u = ctx_.SoleUser(dfg_.FirstResult(add));
      if (!u.valid() || !IsMemory(dfg_[u])) return false;
      const AddressMatch m = MatchAddress(u);
      return m.add == add && m.shift == i;
    }
    case Opcode::kLoad: {
      // Folded into its ALU user, unless that user is itself an address folded into an
      // addressing mode (then the load needs a register).
      const ir::Inst u = ctx_.SoleUser(dfg_.FirstResult(i));
      if (!u.valid()) return false;
      const ir::Value v = FoldedLoadOperand(u);
      return v.valid() && DefInstId(v) == i && !IsSunk(u);
    }
    default:
      return false;
  }
}

Lowerer::Cond Lowerer::CondOf(ir::Value c, bool fold) {
  Cond out;
  if (fold) {
    const ir::InstData& d = dfg_[DefInstId(c)];
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
  EGRET_TRY(backend::LowerFunction(ctx_, *this));
  return std::move(v_);
}

Status Lowerer::LowerEntry(ir::Block b) {
  // Frame facts for this function's own signature.
  CallLayout self = ComputeCallLayout(f_.signature.params, f_.signature.results);
  v_.frame.stack_args = self.stack_args;
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
  return Status::Ok();
}

void Lowerer::EmitJump(uint32_t target, std::span<const VReg> args) {
  MInst j;
  j.op = MOp::kJmp;
  j.target[0] = target;
  Emit(j, {});
  v_.ra.AddSucc(regalloc::Block(target), args);
}

Status Lowerer::LowerTerminator(ir::Inst i, ir::Block b) {
  const ir::InstData& d = dfg_[i];
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
      m.target[0] = ctx_.order().vblock_of[d.dest[0].block.index];
      Emit(m, {});
      v_.ra.AddSucc(regalloc::Block(m.target[0]), args);
      return Status::Ok();
    }
    case Opcode::kBrif:
    case Opcode::kBrTable: {
      const backend::BranchTargets t = ctx_.PlanBranch(i, b);
      if (t.distinct.size() == 1) {
        // Every destination is the same edge: the condition does not matter.
        EmitJump(t.distinct[0], t.distinct_args[0]);
        return Status::Ok();
      }
      MInst m;
      ops_.clear();
      if (d.opcode == Opcode::kBrif) {
        Cond c = CondOf(d.args[0], SinkableCompare(i).valid());
        m.op = MOp::kBrif;
        PushCondOperands(c, &m, &ops_);
        m.target[0] = t.target[0];
        m.target[1] = t.target[1];
      } else {
        m.op = MOp::kBrTable;
        ops_.push_back(Operand::Use(Use(d.args[0])));
        // Jump table: entries then default (ForEachDest gives default first).
        std::vector<uint32_t> table;
        for (size_t k = 1; k < t.target.size(); ++k) table.push_back(t.target[k]);
        table.push_back(t.target[0]);
        m.jump_table = static_cast<uint32_t>(v_.jump_tables.size());
        v_.jump_tables.push_back(std::move(table));
      }
      EmitSpan(m, ops_);
      for (size_t k = 0; k < t.distinct.size(); ++k)
        v_.ra.AddSucc(regalloc::Block(t.distinct[k]), t.distinct_args[k]);
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
    if (m.op == MOp::kCall) {
      m.callee = it->second.index;
    } else {
      m.builtin = it->second.index;
    }
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

void Lowerer::AddressOperands(ir::Inst mem, MInst* m) {
  const AddressMatch match = MatchAddress(mem);
  if (match.add.valid()) {
    ir::Value base = dfg_[match.add].args[0], index = dfg_[match.add].args[1];
    uint8_t scale = 0;
    if (match.shift.valid()) {
      scale = static_cast<uint8_t>(dfg_[match.shift].imm);
      index = dfg_[match.shift].args[0];
    }
    m->base_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(base)));
    m->index_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(index)));
    m->scale_log2 = scale;
    return;
  }
  const ir::InstData& d = dfg_[mem];
  const ir::Value addr =
      ir::Info(d.opcode).format == ir::InstFormat::kStore ? d.args[1] : d.args[0];
  m->base_op = static_cast<int8_t>(ops_.size());
  ops_.push_back(Operand::Use(Use(addr)));
}

void Lowerer::LowerMemory(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
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
  AddressOperands(i, &m);
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
    m.load = k;
    ops_.push_back(Operand::Def(DefVReg(dfg_.FirstResult(i))));
  }
  EmitSpan(m, ops_);
}

Status Lowerer::LowerInst(ir::Inst i) {
  const Opcode op = dfg_[i].opcode;
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
    case Opcode::kImulImm:
      return LowerAlu(i);
    case Opcode::kSdiv:
    case Opcode::kUdiv:
    case Opcode::kSrem:
    case Opcode::kUrem:
      return LowerDivRem(i);
    case Opcode::kUmulhi:
    case Opcode::kSmulhi:
      return LowerMulHi(i);
    case Opcode::kIshl:
    case Opcode::kUshr:
    case Opcode::kSshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
    case Opcode::kIshlImm:
    case Opcode::kUshrImm:
    case Opcode::kSshrImm:
    case Opcode::kRotlImm:
    case Opcode::kRotrImm:
      return LowerShift(i);
    case Opcode::kClz:
    case Opcode::kCtz:
    case Opcode::kPopcnt:
      return LowerBitCount(i);
    case Opcode::kIneg:
    case Opcode::kBnot:
      return LowerUnary(i);
    case Opcode::kIcmp:
    case Opcode::kIcmpImm:
      return LowerIcmp(i);
    case Opcode::kFcmp:
      return LowerFcmp(i);
    case Opcode::kSelect:
      return LowerSelect(i);
    case Opcode::kUextend:
    case Opcode::kSextend:
    case Opcode::kIreduce:
      return LowerExtend(i);
    case Opcode::kFadd:
    case Opcode::kFsub:
    case Opcode::kFmul:
    case Opcode::kFdiv:
      return LowerFloatArith(i);
    case Opcode::kFmin:
    case Opcode::kFmax:
      return LowerFminmax(i);
    case Opcode::kFneg:
    case Opcode::kFabs:
    case Opcode::kFcopysign:
      return LowerFsign(i);
    case Opcode::kSqrt:
    case Opcode::kCeil:
    case Opcode::kFloor:
    case Opcode::kTrunc:
    case Opcode::kNearest:
    case Opcode::kFpromote:
    case Opcode::kFdemote:
      return LowerFloatUnary(i);
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat:
      return LowerFpToInt(i);
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint:
      return LowerIntToFp(i);
    case Opcode::kBitcast:
      return LowerBitcast(i);
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
    case Opcode::kTrapnz:
      return LowerTrapIf(i);
    default:
      return Unsupported(std::string("opcode ") + std::string(ir::OpcodeName(op)));
  }
}

Status Lowerer::LowerAlu(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  const bool is_mul = op == Opcode::kImul || op == Opcode::kImulImm;
  m.op = is_mul ? MOp::kImul : MOp::kAlu;
  m.size = AluSize(ResultType(i));
  switch (op) {
    case Opcode::kIadd:
    case Opcode::kIaddImm:
      m.alu = AluOp::kAdd;
      break;
    case Opcode::kIsub:
      m.alu = AluOp::kSub;
      break;
    case Opcode::kBand:
    case Opcode::kBandImm:
      m.alu = AluOp::kAnd;
      break;
    case Opcode::kBor:
    case Opcode::kBorImm:
      m.alu = AluOp::kOr;
      break;
    case Opcode::kBxor:
    case Opcode::kBxorImm:
      m.alu = AluOp::kXor;
      break;
    default:
      break;
  }
  const bool imm_form = ir::Info(op).format == ir::InstFormat::kBinaryImm;
  int64_t imm = d.imm;
  int32_t imm32;
  bool have_imm = imm_form || IsIconst(d.args[1], &imm);
  if (have_imm && ImmOperand(imm, m.size, &imm32)) {
    m.imm_operand = true;
    m.imm = imm32;
    VReg a = Use(d.args[0]);
    Emit(m, {Operand::Use(a), Operand::ReuseDef(Result(i), 0)});
    return Status::Ok();
  }
  const ir::Value folded = imm_form ? ir::Value() : FoldedLoadOperand(i);
  if (folded.valid()) {
    // The load becomes the instruction's memory operand (commutative ops may swap).
    const bool rhs = folded == d.args[1];
    const ir::Inst load = DefInstId(folded);
    const ir::InstData& l = dfg_[load];
    VReg a = Use(rhs ? d.args[0] : d.args[1]);
    ops_.clear();
    ops_.push_back(Operand::Use(a));
    AddressOperands(load, &m);
    m.disp = static_cast<int32_t>(l.imm);
    m.can_trap = !l.flags.Has(ir::MemFlags::kNotrap);
    m.trap = l.trap;
    ops_.push_back(Operand::ReuseDef(Result(i), 0));
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
  Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(Result(i), 0)});
  return Status::Ok();
}

Status Lowerer::LowerDivRem(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kDiv;
  m.size = AluSize(ResultType(i));
  m.div = op == Opcode::kSdiv   ? DivKind::kSdiv
          : op == Opcode::kUdiv ? DivKind::kUdiv
          : op == Opcode::kSrem ? DivKind::kSrem
                                : DivKind::kUrem;
  VReg a = Use(d.args[0]);
  VReg b = Use(d.args[1]);
  const regalloc::PReg rax = IntPReg(Gpr::kRax), rdx = IntPReg(Gpr::kRdx);
  if (m.div == DivKind::kSdiv || m.div == DivKind::kUdiv) {
    VReg tmp = NewVReg(Type::kI64);
    Emit(m, {Operand::FixedUse(a, rax), Operand::Use(b),
             [&] {
               Operand o = Operand::EarlyDef(tmp, Constraint::kFixedReg);
               o.fixed = rdx;
               return o;
             }(),
             Operand::FixedDef(Result(i), rax)});
  } else {
    regalloc::PRegSet clob;
    clob.Add(rax);
    Operand o = Operand::EarlyDef(Result(i), Constraint::kFixedReg);
    o.fixed = rdx;
    Emit(m, {Operand::FixedUse(a, rax), Operand::Use(b), o}, clob);
  }
  return Status::Ok();
}

// umulhi/smulhi: one-operand mul/imul multiplies rax by b into rdx:rax; the result is rdx.
Status Lowerer::LowerMulHi(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  MInst m;
  m.op = MOp::kMulHi;
  m.size = AluSize(ResultType(i));
  m.is_unsigned = d.opcode == Opcode::kUmulhi;
  // The product commutes: a constant (a division's magic number) goes straight into rax.
  int64_t imm = 0;
  const bool swap = IsIconst(d.args[1], &imm) && !IsIconst(d.args[0], &imm);
  VReg a = Use(d.args[swap ? 1 : 0]);
  VReg b = Use(d.args[swap ? 0 : 1]);
  const regalloc::PReg rax = IntPReg(Gpr::kRax), rdx = IntPReg(Gpr::kRdx);
  regalloc::PRegSet clob;
  clob.Add(rax);
  Operand o = Operand::EarlyDef(Result(i), Constraint::kFixedReg);
  o.fixed = rdx;
  Emit(m, {Operand::FixedUse(a, rax), Operand::Use(b), o}, clob);
  return Status::Ok();
}

Status Lowerer::LowerShift(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kShift;
  m.size = AluSize(ResultType(i));
  ShiftOp s = ShiftOp::kShl;
  if (op == Opcode::kUshr || op == Opcode::kUshrImm) s = ShiftOp::kShr;
  if (op == Opcode::kSshr || op == Opcode::kSshrImm) s = ShiftOp::kSar;
  if (op == Opcode::kRotl || op == Opcode::kRotlImm) s = ShiftOp::kRol;
  if (op == Opcode::kRotr || op == Opcode::kRotrImm) s = ShiftOp::kRor;
  m.shift = s;
  int64_t imm = d.imm;
  const bool imm_form = ir::Info(op).format == ir::InstFormat::kBinaryImm;
  if (imm_form || IsIconst(d.args[1], &imm)) {
    m.imm_operand = true;
    m.imm = imm & (m.size == OpSize::k64 ? 63 : 31);
    VReg a = Use(d.args[0]);
    Emit(m, {Operand::Use(a), Operand::ReuseDef(Result(i), 0)});
    return Status::Ok();
  }
  VReg a = Use(d.args[0]);
  VReg c = Use(d.args[1]);
  Emit(m, {Operand::Use(a), Operand::FixedUse(c, IntPReg(Gpr::kRcx)),
           Operand::ReuseDef(Result(i), 0)});
  return Status::Ok();
}

Status Lowerer::LowerBitCount(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kBitCount;
  m.size = AluSize(ResultType(i));
  m.bitcount = op == Opcode::kClz   ? BitCountKind::kClz
               : op == Opcode::kCtz ? BitCountKind::kCtz
                                    : BitCountKind::kPopcnt;
  m.native = op == Opcode::kClz   ? features_.lzcnt
             : op == Opcode::kCtz ? features_.bmi1
                                  : features_.popcnt;
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerUnary(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kUnary;
  m.size = AluSize(ResultType(i));
  m.unary = op == Opcode::kIneg ? UnaryOp::kNeg : UnaryOp::kNot;
  VReg a = Use(d.args[0]);
  Emit(m, {Operand::Use(a), Operand::ReuseDef(Result(i), 0)});
  return Status::Ok();
}

Status Lowerer::LowerIcmp(ir::Inst i) {
  MInst m;
  Cond c = CondOf(dfg_.FirstResult(i), /*fold=*/true);  // CondOf's operand selection
  m.op = MOp::kCmpSet;
  ops_.clear();
  PushCondOperands(c, &m, &ops_);
  ops_.push_back(Operand::EarlyDef(Result(i)));
  EmitSpan(m, ops_);
  return Status::Ok();
}

Status Lowerer::LowerFcmp(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  MInst m;
  m.op = MOp::kFcmpSet;
  m.fcc = d.cond;
  m.fp64 = dfg_.ValueType(d.args[0]) == Type::kF64;
  VReg a = Use(d.args[0]), b = Use(d.args[1]);
  VReg tmp = NewVReg(Type::kI64);
  Emit(m, {Operand::Use(a), Operand::Use(b), Operand::EarlyDef(Result(i)), Operand::EarlyDef(tmp)});
  return Status::Ok();
}

Status Lowerer::LowerSelect(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  MInst m;
  Cond c = CondOf(d.args[0], SinkableCompare(i).valid());
  m.op = MOp::kSelect;
  ops_.clear();
  PushCondOperands(c, &m, &ops_);
  const Type t = ResultType(i);
  m.fp = ir::IsFloat(t);
  m.fp64 = t == Type::kF64;
  m.wide_value = AluSize(t) == OpSize::k64;  // (the condition's width is in `size`)
  const uint8_t x_index = static_cast<uint8_t>(ops_.size());
  ops_.push_back(Operand::Use(Use(d.args[1])));
  ops_.push_back(Operand::Use(Use(d.args[2])));
  ops_.push_back(Operand::ReuseDef(Result(i), x_index));
  EmitSpan(m, ops_);
  return Status::Ok();
}

Status Lowerer::LowerExtend(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  const Type from = dfg_.ValueType(d.args[0]);
  const Type to = ResultType(i);
  VReg a = Use(d.args[0]);
  m.op = MOp::kExtend;
  m.size = AluSize(to);
  m.is_unsigned = op != Opcode::kSextend;
  m.extend_from = static_cast<uint8_t>(op == Opcode::kIreduce ? 64 : ir::TypeBits(from));
  if (op == Opcode::kIreduce) {
    // Narrowing keeps the low bits: a 32-bit move (i8/i16 results are don't-care above).
    m.extend_from = 32;
    m.is_unsigned = true;
  }
  Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
  return Status::Ok();
}

Status Lowerer::LowerFloatArith(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  const bool f64 = ResultType(i) == Type::kF64;
  SseOp s = op == Opcode::kFadd   ? (f64 ? SseOp::kAddsd : SseOp::kAddss)
            : op == Opcode::kFsub ? (f64 ? SseOp::kSubsd : SseOp::kSubss)
            : op == Opcode::kFmul ? (f64 ? SseOp::kMulsd : SseOp::kMulss)
                                  : (f64 ? SseOp::kDivsd : SseOp::kDivss);
  m.op = MOp::kSseBin;
  m.sse = s;
  m.fp = true;
  m.fp64 = f64;
  EmitReuseBinary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerFminmax(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kFminmax;
  m.minmax = op == Opcode::kFmin ? MinMax::kMin : MinMax::kMax;
  m.fp = true;
  m.fp64 = ResultType(i) == Type::kF64;
  EmitReuseBinary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerFsign(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kFsign;
  m.fsign = op == Opcode::kFneg   ? FsignKind::kNeg
            : op == Opcode::kFabs ? FsignKind::kAbs
                                  : FsignKind::kCopysign;
  m.fp = true;
  m.fp64 = ResultType(i) == Type::kF64;
  if (op == Opcode::kFcopysign) {
    EmitReuseBinary(i, m);
  } else {
    VReg a = Use(d.args[0]);
    Emit(m, {Operand::Use(a), Operand::ReuseDef(Result(i), 0)});
  }
  return Status::Ok();
}

Status Lowerer::LowerFloatUnary(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
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
      c.builtin = static_cast<uint32_t>(id);
      v_.frame.has_calls = true;
      VReg vmctx = Use(dfg_.BlockParams(f_.EntryBlock())[0]);
      VReg a = Use(d.args[0]);
      Emit(c,
           {Operand::FixedUse(vmctx, IntPReg(Gpr::kRdi)),
            Operand::FixedUse(a, FloatPReg(Xmm::kXmm0)),
            Operand::FixedDef(Result(i), FloatPReg(Xmm::kXmm0))},
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
  m.sse = s;
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerFpToInt(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kFpToInt;
  m.fp64 = dfg_.ValueType(d.args[0]) == Type::kF64;
  m.size = AluSize(ResultType(i));
  m.is_unsigned = op == Opcode::kFcvtToUint || op == Opcode::kFcvtToUintSat;
  m.saturating = op == Opcode::kFcvtToSintSat || op == Opcode::kFcvtToUintSat;
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerIntToFp(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kIntToFp;
  m.fp = true;
  m.fp64 = ResultType(i) == Type::kF64;
  m.size = AluSize(dfg_.ValueType(d.args[0]));
  m.is_unsigned = op == Opcode::kFcvtFromUint;
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerBitcast(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  MInst m;
  const Type from = dfg_.ValueType(d.args[0]);
  const Type to = ResultType(i);
  VReg a = Use(d.args[0]);
  if (ir::IsFloat(from) == ir::IsFloat(to)) {
    m.op = MOp::kCopy;
    m.fp = ir::IsFloat(to);
  } else {
    m.op = MOp::kBitcast;
    m.fp = ir::IsFloat(to);  // direction: into xmm
    m.size = SizeOf(to);
  }
  Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
  return Status::Ok();
}

Status Lowerer::LowerTrapIf(ir::Inst i) {
  const ir::InstData& d = dfg_[i];
  const Opcode op = d.opcode;
  MInst m;
  Cond c = CondOf(d.args[0], SinkableCompare(i).valid());
  m.op = MOp::kTrapIf;
  m.trap = d.trap;
  ops_.clear();
  PushCondOperands(c, &m, &ops_);
  // trapz traps when the condition is false: invert integer conditions (exact for ints).
  if (op == Opcode::kTrapz) m.cc = Invert(m.cc);
  EmitSpan(m, ops_);
  return Status::Ok();
}

}  // namespace

Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module,
                      const CpuFeatures& features) {
  Lowerer l(f, module, features);
  return l.Run();
}

}  // namespace egret::x64
