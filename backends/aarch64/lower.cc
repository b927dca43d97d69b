// lower.cc: the AArch64 lowering rules (see lower.h for the patterns).
//
// The walk, the value -> vreg map, use counts and the sinking preconditions are the shared
// lowering context's (backends/common/lower_ctx.h). Here: one rule per opcode family and the
// matchers that decide folding at the use; IsSunk asks a definition's only user's matcher.
#include "backends/aarch64/lower.h"

#include <optional>
#include <span>
#include <string>

#include "backends/aarch64/abi.h"
#include "backends/aarch64/encoder.h"
#include "backends/common/lower_ctx.h"
#include "ir/simd.h"

namespace egret::aarch64 {
namespace {

using ir::Opcode;
using ir::Type;
using regalloc::Operand;
using regalloc::VReg;

bool Is64(Type t) { return t == Type::kI64 || t == Type::kF64 || t == Type::kR64; }
// A value in a 64-bit X register: i64, or a reference (r64, a 64-bit pointer).
bool IsX(Type t) { return t == Type::kI64 || t == Type::kR64; }

Cond IntCond(ir::IntCC cc) {
  switch (cc) {
    case ir::IntCC::kEq:
      return Cond::kEq;
    case ir::IntCC::kNe:
      return Cond::kNe;
    case ir::IntCC::kSlt:
      return Cond::kLt;
    case ir::IntCC::kSle:
      return Cond::kLe;
    case ir::IntCC::kSgt:
      return Cond::kGt;
    case ir::IntCC::kSge:
      return Cond::kGe;
    case ir::IntCC::kUlt:
      return Cond::kLo;
    case ir::IntCC::kUle:
      return Cond::kLs;
    case ir::IntCC::kUgt:
      return Cond::kHi;
    case ir::IntCC::kUge:
      return Cond::kHs;
  }
  return Cond::kEq;
}

// After `fcmp a, b` every IR float condition is one condition code: unordered sets NZCV = 0011,
// which fails eq, mi (lt), ls (le), gt, ge and vc (ord) and passes ne and vs (uno).
Cond FloatCond(ir::FloatCC cc) {
  switch (cc) {
    case ir::FloatCC::kEq:
      return Cond::kEq;
    case ir::FloatCC::kNe:
      return Cond::kNe;
    case ir::FloatCC::kLt:
      return Cond::kMi;
    case ir::FloatCC::kLe:
      return Cond::kLs;
    case ir::FloatCC::kGt:
      return Cond::kGt;
    case ir::FloatCC::kGe:
      return Cond::kGe;
    case ir::FloatCC::kOrd:
      return Cond::kVc;
    case ir::FloatCC::kUno:
      return Cond::kVs;
  }
  return Cond::kEq;
}

// The constant as the operation of width is64 sees it (32-bit: sign-extended low half).
int64_t AtWidth(int64_t v, bool is64) {
  return is64 ? v : static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v)));
}

bool IsNarrow(Type t) { return t == Type::kI8 || t == Type::kI16; }

// Whether `op`'s result keeps the low N bits right when its narrow (i8/i16) operands sit in 32-bit
// registers with unspecified upper bits: the modular arithmetic, logic, the extends and reduce,
// and moves of the bits (memory, calls, returns, block arguments, select's values).
bool NarrowOperandsAreExact(Opcode op) {
  switch (op) {
    case Opcode::kIconst:
    case Opcode::kIadd:
    case Opcode::kIsub:
    case Opcode::kImul:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
    case Opcode::kIaddImm:
    case Opcode::kImulImm:
    case Opcode::kBandImm:
    case Opcode::kBorImm:
    case Opcode::kBxorImm:
    case Opcode::kIneg:
    case Opcode::kBnot:
    case Opcode::kUextend:
    case Opcode::kSextend:
    case Opcode::kIreduce:
    case Opcode::kLoad:
    case Opcode::kUload8:
    case Opcode::kSload8:
    case Opcode::kUload16:
    case Opcode::kSload16:
    case Opcode::kStore:
    case Opcode::kIstore8:
    case Opcode::kIstore16:
    case Opcode::kCall:
    case Opcode::kCallIndirect:
    case Opcode::kReturnCall:
    case Opcode::kReturnCallIndirect:
    case Opcode::kReturn:
    case Opcode::kJump:
    case Opcode::kSelect:
    case Opcode::kBrif:
    case Opcode::kBrTable:
    case Opcode::kVextractlane:  // umov zero-extends the lane
      return true;
    default:
      return false;
  }
}

class Lowerer final : public backend::LowerRules {
 public:
  // One Lowerer per thread (Lower), aimed at each function in turn: its vectors keep their
  // storage in it across functions, so starting a function costs clearing them, not taking them
  // from a spare and giving them back (docs/backend.md).
  Lowerer() : ctx_(v_.ra, "aarch64") {}
  Lowerer(const Lowerer&) = delete;
  Lowerer& operator=(const Lowerer&) = delete;

  // Aims the Lowerer at `f`: afterwards it is as a fresh one made for `f` would be (every
  // vector empty, no address match remembered).
  void Reset(const ir::Function& f, const backend::ModuleContext& module,
             const CpuFeatures& features) {
    f_ = &f;
    dfg_ = &f.dfg;
    module_ = &module;
    features_ = features;
    v_ = backend::TakeRecycledVCode<MInst>();  // the last function's was moved out (Run)
    ctx_.Reset(f);
    auto clear = [](auto&... vs) { (vs.clear(), ...); };
    clear(ops_, ret_ops_, call_ops_, jump_args_, self_layout_.params, self_layout_.results,
          call_layout_.params, call_layout_.results);
    last_address_mem_ = ir::Inst();
    has_vectors_ = false;
  }

  Expected<VCode> Run() {
    // The value table holds every value the layout walks below can meet (and dead ones too), so
    // when none of its types is narrow or a vector, neither walk can find one: most functions
    // skip both.
    // (One bit per type seen, then the two questions of the set: one OR per value.)
    uint32_t types_seen = 0;
    const uint32_t nvalues = static_cast<uint32_t>(dfg_->NumValues());
    for (uint32_t k = 0; k < nvalues; ++k)
      types_seen |= uint32_t{1} << static_cast<uint32_t>(dfg_->ValueType(ir::Value(k)));
    static_assert(ir::kNumTypes <= 32 &&
                  ir::kFirstVectorType + ir::kNumVectorTypes - 1 == static_cast<int>(Type::kF64x2));
    constexpr uint32_t kNarrowTypes = uint32_t{1} << static_cast<uint32_t>(Type::kI8) |
                                      uint32_t{1} << static_cast<uint32_t>(Type::kI16);
    constexpr uint32_t kVectorTypes = ((uint32_t{1} << ir::kNumVectorTypes) - 1)
                                      << ir::kFirstVectorType;
    const bool maybe_narrow = (types_seen & kNarrowTypes) != 0;
    const bool maybe_vector = (types_seen & kVectorTypes) != 0;
    if (maybe_narrow) EGRET_TRY(CheckNarrowIntegers());
    has_vectors_ = maybe_vector && HasVectorValues();
    EGRET_TRY(backend::LowerFunction(ctx_, *this));
    v_.frame.wide_float_slots = has_vectors_;
    return std::move(v_);
  }

  // Whether any value of the function is a 128-bit vector: then its float-class spill slots are
  // 16 bytes and its calls clobber v8-v15 whole (CallClobbers). Known before lowering, because a
  // call may be lowered before the first vector value.
  bool HasVectorValues() const {
    for (ir::Block b : f_->layout.Blocks()) {
      for (ir::Value v : dfg_->BlockParams(b))
        if (backend::IsVectorType(dfg_->ValueType(v))) return true;
      for (ir::Inst i : f_->layout.Insts(b))
        for (ir::Value v : dfg_->InstResults(i))
          if (backend::IsVectorType(dfg_->ValueType(v))) return true;
    }
    return false;
  }

  // Wasm has no i8/i16 values; the frontend makes them only as ireduce results on their way to
  // an extend or a narrow store. An i8/i16 value lives in a 32-bit register whose upper bits are
  // unspecified, so an operation whose result depends on them (division, shifts, rotates, bit
  // counts, compares, conversions, and the condition of select, brif, br_table, trapz, trapnz) is
  // refused with an error naming it rather than computed at the wrong width.
  Status CheckNarrowIntegers() const {
    for (ir::Block b : f_->layout.Blocks()) {
      for (ir::Inst i : f_->layout.Insts(b)) {
        const Opcode op = (*dfg_)[i].opcode;
        const std::span<const ir::Value> args = dfg_->FixedArgs(i);
        const bool has_condition =
            op == Opcode::kSelect || op == Opcode::kBrif || op == Opcode::kBrTable;
        if (NarrowOperandsAreExact(op) && !(has_condition && IsNarrow(dfg_->ValueType(args[0]))))
          continue;
        std::optional<Type> narrow;
        for (ir::Value v : args)
          if (IsNarrow(dfg_->ValueType(v))) narrow = dfg_->ValueType(v);
        for (ir::Value v : dfg_->InstResults(i))
          if (IsNarrow(dfg_->ValueType(v))) narrow = dfg_->ValueType(v);
        if (narrow)
          return Unsupported(
              std::string(ir::TypeName(*narrow)) + " " + std::string(ir::OpcodeName(op)) +
              " (Wasm has no i8/i16 values; at those widths only add, sub, mul, logic, "
              "extends, loads and stores are lowered)");
      }
    }
    return Status::Ok();
  }

  VReg Rematerialize(ir::Value v, const ir::InstData& d) override;
  bool LowersVectors() const override { return true; }
  const uint8_t* WalkPlan() const override;
  bool IsSunk(ir::Inst i) const override;
  Status LowerEntry(ir::Block entry) override;
  Status LowerInst(ir::Inst i) override;
  Status LowerTerminator(ir::Inst i, ir::Block b) override;
  void EmitJump(uint32_t target, std::span<const VReg> args) override;

 private:
  struct Cond2 {
    CondKind kind = CondKind::kNonZero;
    Cond cc = Cond::kNe;
    bool is64 = false;
    bool f64 = false;
    VReg a, b;
    int64_t imm = 0;
  };
  // An address folded into a register-offset access: `add` = iadd(base, index); the index is
  // `shift` = ishl_imm(i, log2 size) (scaled) or `extend` = uextend(i32) (uxtw), or neither.
  struct AddressMatch {
    ir::Inst add, shift, extend;
    bool swapped = false;  // the index is the iadd's first operand
  };

  Status Unsupported(const std::string& what) const { return ctx_.Unsupported(what); }
  const ir::InstData* DefInst(ir::Value v) const { return ctx_.DefInst(v); }
  ir::Inst DefInstId(ir::Value v) const { return ctx_.DefInstId(v); }
  bool IsIconst(ir::Value v, int64_t* imm) const { return ctx_.IsIconst(v, imm); }
  bool IsConst(ir::Value v) const { return ctx_.IsConst(v); }
  VReg NewVReg(Type t) { return ctx_.NewVReg(t); }
  VReg DefVReg(ir::Value v) { return ctx_.DefVReg(v); }
  VReg Use(ir::Value v) { return ctx_.Use(v); }
  VReg Result(ir::Inst i) { return DefVReg(dfg_->FirstResult(i)); }
  Type ResultType(ir::Inst i) const { return dfg_->ValueType(dfg_->FirstResult(i)); }
  Type ValueType(ir::Value v) const { return dfg_->ValueType(ctx_.Resolve(v)); }
  Opcode OpcodeOf(ir::Value v) const {
    const ir::Inst d = DefInstId(v);
    return d.valid() ? (*dfg_)[d].opcode : Opcode::kJump;  // kJump: "no defining instruction"
  }

  void Emit(const MInst& mi, std::initializer_list<Operand> ops,
            regalloc::PRegSet clobbers = regalloc::PRegSet()) {
    EmitSpan(mi, std::span<const Operand>(ops.begin(), ops.size()), clobbers);
  }
  void EmitSpan(const MInst& mi, std::span<const Operand> ops,
                regalloc::PRegSet clobbers = regalloc::PRegSet()) {
    EGRET_DCHECK([&] {
      const OperandSlots o = SlotsOf(mi, static_cast<uint32_t>(ops.size()));
      for (int8_t k : {o.a, o.b, o.c, o.x, o.y, o.dst, o.value, mi.base_op, mi.index_op})
        if (k >= static_cast<int>(ops.size())) return false;
      return o.dst < 0 || ops[o.dst].is_def();
    }());
    v_.insts.push_back(mi);
    v_.srclocs.push_back(ctx_.srcloc());
    // Every call is a safepoint: the collector may run below it (a host function or builtin), so
    // references live across it must be in stack slots its stack map lists.
    const bool safepoint =
        mi.op == MOp::kCall || mi.op == MOp::kCallBuiltin || mi.op == MOp::kCallInd;
    v_.ra.AddInst(ops, clobbers, safepoint);
    // A constant's vreg is rematerializable: the allocator may recompute it (the emitter
    // re-emits this instruction, EmitEdit) instead of spilling and reloading it.
    if ((mi.op == MOp::kIconst || mi.op == MOp::kFconst) && ops.size() == 1 && clobbers.Empty() &&
        !v_.ra.vregs[ops[0].vreg.index].is_ref)
      v_.ra.vregs[ops[0].vreg.index].remat = true;
    // An ALU operation with an immediate (add/sub/and/orr/eor/shifts, none of which sets flags)
    // can be recomputed from its one register operand (EmitEdit re-emits it).
    if (mi.op == MOp::kAluImm && clobbers.Empty()) MarkRematFromOperand();
  }
  // The last instruction, if it is `d = op(u)` with u in a register and nothing else, defines a
  // value the allocator may recompute from u's register (VRegData::remat_reads_operand).
  void MarkRematFromOperand() {
    const regalloc::InstData& d = v_.ra.insts.back();
    if (d.operand_end - d.operand_begin != 2 || d.safepoint) return;
    const Operand& u = v_.ra.operands[d.operand_begin];
    const Operand& def = v_.ra.operands[d.operand_begin + 1];
    if (!u.is_use() || !u.is_early() || u.constraint != regalloc::Constraint::kReg ||
        !def.is_def() || def.constraint == regalloc::Constraint::kStack ||
        v_.ra.vregs[u.vreg.index].is_ref || v_.ra.vregs[def.vreg.index].is_ref)
      return;
    v_.ra.vregs[def.vreg.index].remat = true;
    v_.ra.vregs[def.vreg.index].remat_reads_operand = true;
  }
  void EmitUnary(ir::Inst i, const MInst& m) {
    const VReg a = Use((*dfg_)[i].args[0]);
    Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
  }
  void EmitBinary(ir::Inst i, const MInst& m) {
    const VReg a = Use((*dfg_)[i].args[0]), b = Use((*dfg_)[i].args[1]);
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::Def(Result(i))});
  }
  VReg Const(int64_t imm, bool is64) {
    const VReg r = NewVReg(is64 ? Type::kI64 : Type::kI32);
    MInst k;
    k.op = MOp::kIconst;
    k.is64 = is64;
    k.imm = is64 ? imm : static_cast<int64_t>(static_cast<uint32_t>(imm));
    Emit(k, {Operand::Def(r)});
    return r;
  }

  // ---- Matchers, asked at the use.
  ir::Inst SinkableCompare(ir::Inst user) const;
  // brif on `band_imm x, 2^k` or `band x, iconst 2^k` (single use, same block): the band.
  ir::Inst MatchBitTest(ir::Inst user) const;
  // The tested value and the one-bit mask of a band matched by MatchBitTest.
  bool BitTestOperands(ir::Inst band, ir::Value* x, uint64_t* mask) const;
  // Operand index (0/1) of an add/sub/and/orr/eor whose `ishl_imm` folds as a shifted register.
  int MatchShiftedOperand(ir::Inst user) const;
  // How an ALU instruction folds an operand: as a shifted register, else (i64 add/sub) as an
  // extended register (a uextend/sextend from i32: uxtw/sxtw), else (add, or sub's right
  // operand) as the product of a madd/msub. At most one index is >= 0, in that precedence, so
  // the user's lowering and IsSunk of the folded definition agree; one call asks each matcher
  // once.
  struct AluFold {
    int shifted = -1, extended = -1, mul_add = -1;
  };
  AluFold MatchAluFold(ir::Inst user) const;
  // The extended-register and madd candidates on their own (MatchAluFold applies the precedence).
  int ExtendableOperand(ir::Inst user) const;
  int MulAddOperand(ir::Inst user) const;
  // The address match of a load or store. IsSunk asks it of the add (and of the add's index)
  // shortly before LowerMemory asks it of the access, so the last answer is kept: the match is
  // a pure function of the IR and the walk's use counts, which do not change while lowering.
  AddressMatch MatchAddress(ir::Inst mem) const {
    if (mem != last_address_mem_) {
      last_address_ = ComputeAddressMatch(mem);
      last_address_mem_ = mem;
    }
    return last_address_;
  }
  AddressMatch ComputeAddressMatch(ir::Inst mem) const;
  // When `add` is an iadd sunk into its only user's address (IsSunk(add)), that address's match.
  std::optional<AddressMatch> SunkAddress(ir::Inst add) const {
    if ((*dfg_)[add].opcode != Opcode::kIadd) return std::nullopt;
    const ir::Inst mem = ctx_.SoleUser(dfg_->FirstResult(add));
    if (!mem.valid() || !IsMemory((*dfg_)[mem])) return std::nullopt;
    const AddressMatch m = MatchAddress(mem);
    if (m.add != add) return std::nullopt;
    return m;
  }
  bool Foldable(ir::Value v, ir::Inst user, Opcode op) const {
    // The defining opcode first: it rejects most candidates with one lookup, where the sinking
    // preconditions take several (the matchers ask this of nearly every ALU operand and brif).
    const ir::InstData* d = DefInst(v);
    if (d == nullptr || d->opcode != op) return false;
    return !IsConst(v) && ctx_.CanSinkInto(v, user);
  }
  static bool IsMemory(const ir::InstData& d) {
    const ir::InstFormat fmt = ir::Info(d.opcode).format;
    return fmt == ir::InstFormat::kLoad || fmt == ir::InstFormat::kStore;
  }

  Cond2 CondOf(ir::Value c, bool fold, ir::Inst bit_test = ir::Inst());
  void PushCond(const Cond2& c, MInst* m, std::vector<Operand>* ops);

  Status LowerAlu(ir::Inst i);
  Status LowerMulHi(ir::Inst i);
  Status LowerDivRem(ir::Inst i);
  Status LowerShift(ir::Inst i);
  Status LowerUnary(ir::Inst i, UnaryOp op);
  Status LowerCmp(ir::Inst i);
  Status LowerSelect(ir::Inst i);
  Status LowerExtend(ir::Inst i);
  Status LowerFloat(ir::Inst i);
  Status LowerConvert(ir::Inst i);
  Status LowerBitcast(ir::Inst i);
  void LowerMemory(ir::Inst i);
  void LowerAtomic(ir::Inst i);
  Status LowerCall(ir::Inst i);
  Status LowerTailCall(ir::Inst i);
  Status LowerTrapIf(ir::Inst i);
  Status LowerVector(ir::Inst i);

  const ir::Function* f_ = nullptr;
  const ir::DataFlowGraph* dfg_ = nullptr;
  const backend::ModuleContext* module_ = nullptr;
  CpuFeatures features_;
  VCode v_;  // before ctx_, which refers to v_.ra
  backend::LowerCtx ctx_;
  std::vector<Operand> ops_;
  std::vector<Operand> ret_ops_;   // a return's register operands (LowerTerminator)
  std::vector<Operand> call_ops_;  // a call's operands (LowerCall, LowerTailCall; neither nests)
  std::vector<VReg> jump_args_;    // a jump's argument vregs (LowerTerminator)
  CallLayout self_layout_;         // this function's own signature (LowerEntry, returns)
  CallLayout call_layout_;         // the callee's layout (LowerCall, LowerTailCall)
  mutable ir::Inst last_address_mem_;  // MatchAddress's last question (invalid: none yet)
  mutable AddressMatch last_address_;  // and its answer
  bool has_vectors_ = false;
};

VReg Lowerer::Rematerialize(ir::Value v, const ir::InstData& d) {
  const Type t = dfg_->ValueType(v);
  if (d.opcode == Opcode::kIconst) return Const(d.imm, IsX(t));
  VReg r = NewVReg(t);
  MInst m;
  m.op = MOp::kFconst;
  m.fp = true;
  m.f64 = d.opcode == Opcode::kF64const;
  m.imm = d.imm;
  Emit(m, {Operand::Def(r)});
  return r;
}

ir::Inst Lowerer::SinkableCompare(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  switch (d.opcode) {
    case Opcode::kBrif:
    case Opcode::kSelect:
    case Opcode::kTrapz:
    case Opcode::kTrapnz:
      break;
    default:
      return ir::Inst();
  }
  const ir::Value c = d.args[0];
  if (!ctx_.CanSinkInto(c, user)) return ir::Inst();
  const Opcode op = OpcodeOf(c);
  if (op == Opcode::kIcmp || op == Opcode::kIcmpImm || op == Opcode::kFcmp) return DefInstId(c);
  return ir::Inst();
}

ir::Inst Lowerer::MatchBitTest(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  if (d.opcode != Opcode::kBrif) return ir::Inst();
  const ir::Value c = d.args[0];
  if (!Foldable(c, user, Opcode::kBandImm) && !Foldable(c, user, Opcode::kBand)) return ir::Inst();
  const ir::Inst bi = DefInstId(c);
  uint64_t mask;
  ir::Value x;
  if (!BitTestOperands(bi, &x, &mask)) return ir::Inst();
  return bi;
}

bool Lowerer::BitTestOperands(ir::Inst band, ir::Value* x, uint64_t* mask) const {
  const ir::InstData& b = (*dfg_)[band];
  int64_t imm = b.imm;
  *x = b.args[0];
  if (b.opcode == Opcode::kBand) {
    if (IsIconst(b.args[1], &imm)) {
      *x = b.args[0];
    } else if (IsIconst(b.args[0], &imm)) {
      *x = b.args[1];
    } else {
      return false;
    }
  }
  const bool is64 = IsX(ValueType(*x));
  *mask = is64 ? static_cast<uint64_t>(imm) : static_cast<uint32_t>(imm);
  return *mask != 0 && (*mask & (*mask - 1)) == 0 && !IsConst(*x);
}

int Lowerer::MatchShiftedOperand(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  bool commutative = true;
  switch (d.opcode) {
    case Opcode::kIadd:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
      break;
    case Opcode::kIsub:
      commutative = false;
      break;
    default:
      return -1;
  }
  if (IsConst(d.args[0]) || IsConst(d.args[1])) return -1;  // the immediate forms win
  const uint32_t bits = ir::TypeBits(ResultType(user)) == 64 ? 64 : 32;
  for (int k : {1, 0}) {
    if (k == 0 && !commutative) break;
    if (!Foldable(d.args[k], user, Opcode::kIshlImm)) continue;
    const ir::InstData& s = (*dfg_)[DefInstId(d.args[k])];
    const int64_t amount = s.imm & (bits - 1);
    if (amount == 0 || IsConst(s.args[0])) continue;
    return k;
  }
  return -1;
}

Lowerer::AluFold Lowerer::MatchAluFold(ir::Inst user) const {
  AluFold f;
  f.shifted = MatchShiftedOperand(user);
  if (f.shifted >= 0) return f;
  f.extended = ExtendableOperand(user);
  if (f.extended >= 0) return f;
  f.mul_add = MulAddOperand(user);
  return f;
}

int Lowerer::ExtendableOperand(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  if (d.opcode != Opcode::kIadd && d.opcode != Opcode::kIsub) return -1;
  if (ResultType(user) != Type::kI64 || IsConst(d.args[0]) || IsConst(d.args[1])) return -1;
  for (int k : {1, 0}) {
    if (k == 0 && d.opcode == Opcode::kIsub) break;
    const ir::Value v = d.args[k];
    if (!Foldable(v, user, Opcode::kUextend) && !Foldable(v, user, Opcode::kSextend)) continue;
    const ir::InstData& e = (*dfg_)[DefInstId(v)];
    if (ValueType(e.args[0]) != Type::kI32 || IsConst(e.args[0])) continue;
    // A sub of the extended value is only foldable on the right; an add either way (swapped).
    return k;
  }
  return -1;
}

int Lowerer::MulAddOperand(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  if (d.opcode != Opcode::kIadd && d.opcode != Opcode::kIsub) return -1;
  for (int k : {1, 0}) {
    if (k == 0 && d.opcode == Opcode::kIsub) break;
    if (!Foldable(d.args[k], user, Opcode::kImul)) continue;
    const ir::InstData& m = (*dfg_)[DefInstId(d.args[k])];
    if (IsConst(m.args[0]) || IsConst(m.args[1])) continue;
    return k;
  }
  return -1;
}

Lowerer::AddressMatch Lowerer::ComputeAddressMatch(ir::Inst mem) const {
  const ir::InstData& d = (*dfg_)[mem];
  AddressMatch m;
  if (d.imm != 0) return m;  // the register-offset form has no displacement
  const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
  const ir::Value addr = store ? d.args[1] : d.args[0];
  if (!Foldable(addr, mem, Opcode::kIadd)) return m;
  const ir::Inst ai = DefInstId(addr);
  const ir::InstData& a = (*dfg_)[ai];
  if (IsConst(a.args[0]) || IsConst(a.args[1]) || ValueType(addr) != Type::kI64) return m;
  m.add = ai;
  // index = ishl_imm i, log2(access size): the scaled register offset.
  const Type vt = store ? ValueType(d.args[0]) : ResultType(mem);
  uint32_t bytes = ir::TypeBytes(vt);
  if (d.opcode == Opcode::kIstore8 || d.opcode == Opcode::kUload8 || d.opcode == Opcode::kSload8)
    bytes = 1;
  if (d.opcode == Opcode::kIstore16 || d.opcode == Opcode::kUload16 || d.opcode == Opcode::kSload16)
    bytes = 2;
  if (d.opcode == Opcode::kIstore32 || d.opcode == Opcode::kUload32 || d.opcode == Opcode::kSload32)
    bytes = 4;
  if (bytes > 1 && ctx_.CanSinkInto(a.args[1], ai) && OpcodeOf(a.args[1]) == Opcode::kIshlImm) {
    const ir::Inst si = DefInstId(a.args[1]);
    if ((int64_t{1} << ((*dfg_)[si].imm & 63)) == bytes && !IsConst((*dfg_)[si].args[0]))
      m.shift = si;
  }
  // A zero-extended i32 index (Wasm's heap addresses): [base, w_index, uxtw].
  if (!m.shift.valid()) {
    for (int k : {1, 0}) {
      const ir::Value idx = a.args[k];
      if (!ctx_.CanSinkInto(idx, ai) || OpcodeOf(idx) != Opcode::kUextend) continue;
      const ir::Inst ei = DefInstId(idx);
      if (ValueType((*dfg_)[ei].args[0]) != Type::kI32 || IsConst((*dfg_)[ei].args[0])) continue;
      m.extend = ei;
      m.swapped = k == 0;
      break;
    }
  }
  return m;
}

const uint8_t* Lowerer::WalkPlan() const {
  // The opcodes IsSunk may answer yes for (its first switch; Debug builds check the rest).
  static const backend::WalkPlanTable kPlan({
      Opcode::kIcmp,
      Opcode::kIcmpImm,
      Opcode::kFcmp,
      Opcode::kBandImm,
      Opcode::kBand,
      Opcode::kIadd,
      Opcode::kIshlImm,
      Opcode::kUextend,
      Opcode::kSextend,
      Opcode::kImul,
  });
  return kPlan.plan;
}

bool Lowerer::IsSunk(ir::Inst i) const {
  const ir::InstData& d = (*dfg_)[i];
  switch (d.opcode) {
    case Opcode::kIcmp:
    case Opcode::kIcmpImm:
    case Opcode::kFcmp:
    case Opcode::kBandImm:
    case Opcode::kBand:
    case Opcode::kIadd:
    case Opcode::kIshlImm:
    case Opcode::kUextend:
    case Opcode::kSextend:
    case Opcode::kImul:
      break;
    default:
      return false;  // only these fold into a user (and only these are sure to have a result)
  }
  const ir::Inst u = ctx_.SoleUser(dfg_->FirstResult(i));
  if (!u.valid()) return false;
  auto arg_is = [&](int k) { return k >= 0 && DefInstId((*dfg_)[u].args[k]) == i; };
  switch (d.opcode) {
    case Opcode::kIcmp:
    case Opcode::kIcmpImm:
    case Opcode::kFcmp:
      return SinkableCompare(u) == i;
    case Opcode::kBandImm:
    case Opcode::kBand:
      return MatchBitTest(u) == i;
    case Opcode::kIadd:
      return IsMemory((*dfg_)[u]) && MatchAddress(u).add == i;
    // When the user is an add sunk into an address (IsSunk(u), whose one MatchAddress also
    // names the index's shift or extend), the address decides; otherwise the user's own form.
    case Opcode::kIshlImm: {
      if (const std::optional<AddressMatch> am = SunkAddress(u)) return am->shift == i;
      return arg_is(MatchShiftedOperand(u));
    }
    // Their users are adds/subs, which are only sunk into an address (and then lower nothing).
    // Asking IsSunk of other users would recurse down chains such as x * c * c * ...
    case Opcode::kUextend:
    case Opcode::kSextend:
      if (const std::optional<AddressMatch> am = SunkAddress(u)) return am->extend == i;
      return arg_is(MatchAluFold(u).extended);
    case Opcode::kImul:
      return arg_is(MatchAluFold(u).mul_add) && !IsSunk(u);
    default:
      return false;
  }
}

Lowerer::Cond2 Lowerer::CondOf(ir::Value c, bool fold, ir::Inst bit_test) {
  Cond2 out;
  if (bit_test.valid()) {
    ir::Value x;
    uint64_t mask = 0;
    EGRET_CHECK(BitTestOperands(bit_test, &x, &mask));
    out.kind = CondKind::kBitSet;
    out.is64 = IsX(ValueType(x));
    out.imm = std::countr_zero(mask);
    out.a = Use(x);
    return out;
  }
  if (fold) {
    const ir::InstData& d = (*dfg_)[DefInstId(c)];
    if (d.opcode == Opcode::kFcmp) {
      out.kind = CondKind::kFloat;
      out.cc = FloatCond(static_cast<ir::FloatCC>(d.cond));
      out.f64 = ValueType(d.args[0]) == Type::kF64;
      out.a = Use(d.args[0]);
      out.b = Use(d.args[1]);
      return out;
    }
    out.cc = IntCond(static_cast<ir::IntCC>(d.cond));
    out.is64 = IsX(ValueType(d.args[0]));
    int64_t imm = d.imm;
    const bool have_imm = d.opcode == Opcode::kIcmpImm || IsIconst(d.args[1], &imm);
    imm = AtWidth(imm, out.is64);
    out.a = Use(d.args[0]);
    if (have_imm && (IsAddSubImm(imm) || imm == 0 || (imm != INT64_MIN && IsAddSubImm(-imm)))) {
      out.kind = CondKind::kIntRI;
      out.imm = imm;
    } else {
      out.kind = CondKind::kIntRR;
      out.b = have_imm ? Const(imm, out.is64) : Use(d.args[1]);
    }
    return out;
  }
  out.kind = CondKind::kNonZero;
  out.cc = Cond::kNe;
  out.is64 = IsX(ValueType(c));
  out.a = Use(c);
  return out;
}

void Lowerer::PushCond(const Cond2& c, MInst* m, std::vector<Operand>* ops) {
  m->cond = c.kind;
  m->cc = c.cc;
  m->is64 = c.is64;
  m->f64 = c.f64;
  m->imm = c.imm;
  ops->push_back(Operand::Use(c.a));
  if (c.kind == CondKind::kIntRR || c.kind == CondKind::kFloat) ops->push_back(Operand::Use(c.b));
}

Status Lowerer::LowerEntry(ir::Block b) {
  backend::ComputeCallLayoutInto(WasmCallConv(), f_->signature.params, f_->signature.results,
                                 &self_layout_);
  const CallLayout& self = self_layout_;
  v_.Reserve(dfg_->NumInsts(), dfg_->NumValues(), ctx_.order().num_vblocks);
  v_.frame.stack_args = self.stack_args;
  v_.frame.arg_area_slots = ctx_.order().has_tail_call
                                ? backend::ArgAreaSlots(*f_, WasmCallConv())
                                : backend::StackArgSlots(WasmCallConv(), f_->signature.params);
  std::span<const ir::Value> params = dfg_->BlockParams(b);
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
    l.f64 = dfg_->ValueType(params[k]) == Type::kF64;
    l.vec = self.params[k].kind == backend::ValueKind::kV128;
    l.disp = backend::IncomingArgDisp(self, v_.frame.arg_area_slots, self.params[k].slot);
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
  const ir::InstData& d = (*dfg_)[i];
  switch (d.opcode) {
    case Opcode::kReturn: {
      std::span<const ir::Value> vals = dfg_->pool().Get(d.vargs);
      const CallLayout& l = self_layout_;  // LowerEntry computed it
      std::vector<Operand>& ret_ops = ret_ops_;
      ret_ops.clear();
      for (size_t k = 0; k < vals.size(); ++k) {
        VReg r = Use(vals[k]);
        if (l.results[k].on_stack) {
          MInst s;
          s.op = MOp::kStoreRet;
          s.fp = l.results[k].fp;
          s.f64 = ValueType(vals[k]) == Type::kF64;
          s.vec = l.results[k].kind == backend::ValueKind::kV128;
          s.disp = backend::StackResultDisp(l, v_.frame.arg_area_slots, l.results[k].slot);
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
    case Opcode::kReturnCall:
    case Opcode::kReturnCallIndirect:
      return LowerTailCall(i);
    case Opcode::kTrap: {
      MInst m;
      m.op = MOp::kTrap;
      m.trap = d.trap;
      Emit(m, {});
      return Status::Ok();
    }
    case Opcode::kJump: {
      std::vector<VReg>& args = jump_args_;
      args.clear();
      for (ir::Value a : dfg_->pool().Get(d.dest[0].args)) args.push_back(Use(a));
      EmitJump(ctx_.order().vblock_of[d.dest[0].block.index], args);
      return Status::Ok();
    }
    case Opcode::kBrif:
    case Opcode::kBrTable: {
      const backend::BranchTargets& t = ctx_.PlanBranch(i, b);
      if (t.distinct.size() == 1) {
        EmitJump(t.distinct[0], t.distinct_args[0]);
        return Status::Ok();
      }
      MInst m;
      ops_.clear();
      if (d.opcode == Opcode::kBrif) {
        Cond2 c = CondOf(d.args[0], SinkableCompare(i).valid(), MatchBitTest(i));
        m.op = MOp::kBrif;
        PushCond(c, &m, &ops_);
        m.target[0] = t.target[0];
        m.target[1] = t.target[1];
      } else {
        m.op = MOp::kBrTable;
        ops_.push_back(Operand::Use(Use(d.args[0])));
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

Status Lowerer::LowerInst(ir::Inst i) {
  const Opcode op = (*dfg_)[i].opcode;
  switch (op) {
    case Opcode::kIconst:
    case Opcode::kF32const:
    case Opcode::kF64const:
      return Status::Ok();  // rematerialized at each use
    case Opcode::kIadd:
    case Opcode::kIsub:
    case Opcode::kImul:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
    case Opcode::kIaddImm:
    case Opcode::kImulImm:
    case Opcode::kBandImm:
    case Opcode::kBorImm:
    case Opcode::kBxorImm:
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
      return LowerUnary(i, UnaryOp::kClz);
    case Opcode::kCtz:
      return LowerUnary(i, UnaryOp::kCtz);
    case Opcode::kPopcnt:
      return LowerUnary(i, UnaryOp::kPopcnt);
    case Opcode::kIneg:
      return LowerUnary(i, UnaryOp::kNeg);
    case Opcode::kBnot:
      return LowerUnary(i, UnaryOp::kMvn);
    case Opcode::kIcmp:
    case Opcode::kIcmpImm:
    case Opcode::kFcmp:
      return LowerCmp(i);
    case Opcode::kIsNull: {  // cmp xN, #0; cset
      Cond2 c;
      c.kind = CondKind::kIntRI;
      c.cc = Cond::kEq;
      c.is64 = true;
      c.imm = 0;
      c.a = Use((*dfg_)[i].args[0]);
      MInst m;
      m.op = MOp::kCmpSet;
      ops_.clear();
      PushCond(c, &m, &ops_);
      ops_.push_back(Operand::Def(Result(i)));
      EmitSpan(m, ops_);
      return Status::Ok();
    }
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
    case Opcode::kFmin:
    case Opcode::kFmax:
    case Opcode::kFcopysign:
    case Opcode::kFneg:
    case Opcode::kFabs:
    case Opcode::kSqrt:
    case Opcode::kCeil:
    case Opcode::kFloor:
    case Opcode::kTrunc:
    case Opcode::kNearest:
    case Opcode::kFpromote:
    case Opcode::kFdemote:
      return LowerFloat(i);
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat:
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint:
      return LowerConvert(i);
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
    case Opcode::kAtomicLoad:
    case Opcode::kAtomicStore:
    case Opcode::kAtomicRmw:
    case Opcode::kAtomicCas:
    case Opcode::kFence:
      LowerAtomic(i);
      return Status::Ok();
    case Opcode::kCall:
    case Opcode::kCallIndirect:
      return LowerCall(i);
    case Opcode::kTrapz:
    case Opcode::kTrapnz:
      return LowerTrapIf(i);
    default:
      if (ir::IsVectorOp(op)) return LowerVector(i);
      return Unsupported(std::string("opcode ") + std::string(ir::OpcodeName(op)));
  }
}

// Every vector op is one kVec MInst (the IR opcode and shape; emission picks the NEON sequence),
// with the operands in IR order. Folded here: vconst's bytes (kVconst), vshuffle's mask, the
// lane of the lane ops, the condition of the compares, and a constant shift amount.
Status Lowerer::LowerVector(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  const std::span<const ir::Value> args = dfg_->FixedArgs(i);
  if (op == Opcode::kVconst) {
    const ir::V128& c = dfg_->constant(d.ref);
    MInst m;
    m.op = MOp::kVconst;
    m.fp = m.vec = true;
    m.imm = static_cast<int64_t>(c.lo);
    m.imm_hi = static_cast<int64_t>(c.hi);
    Emit(m, {Operand::Def(Result(i))});
    return Status::Ok();
  }
  if (op == Opcode::kVbitcast) {
    // The same 128 bits in the same register: no instruction.
    ctx_.AliasVReg(dfg_->FirstResult(i), Use(args[0]));
    return Status::Ok();
  }
  MInst m;
  m.op = MOp::kVec;
  m.vop = op;
  m.shape =
      ir::VectorShapeOf(op, ResultType(i), args.empty() ? Type::kInvalid : ValueType(args[0]));
  m.vcc = d.cond;
  switch (op) {
    case Opcode::kVextractlane:
    case Opcode::kVextractlaneS:
    case Opcode::kVextractlaneU:
    case Opcode::kVinsertlane:
      m.imm = d.imm;
      break;
    case Opcode::kVshuffle: {
      const ir::V128& mask = dfg_->constant(d.ref);
      m.imm = static_cast<int64_t>(mask.lo);
      m.imm_hi = static_cast<int64_t>(mask.hi);
      break;
    }
    default:
      break;
  }
  if (!ir::IsVector(m.shape))
    return Unsupported("cannot lower vector op " + std::string(ir::OpcodeName(op)) +
                       " without a vector shape on aarch64");
  ops_.clear();
  int64_t amount = 0;
  const bool shift = op == Opcode::kVishl || op == Opcode::kVushr || op == Opcode::kVsshr;
  if (shift && IsIconst(args[1], &amount)) {
    m.imm_amount = true;
    m.imm = amount & (ir::TypeBits(ir::LaneType(m.shape)) - 1);
    ops_.push_back(Operand::Use(Use(args[0])));
  } else {
    for (ir::Value a : args) ops_.push_back(Operand::Use(Use(a)));
  }
  ops_.push_back(Operand::Def(Result(i)));
  EmitSpan(m, ops_);
  return Status::Ok();
}

// umulhi/smulhi: umulh/smulh (64-bit), or a widening multiply for 32 bits (EmitAlu).
Status Lowerer::LowerMulHi(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  m.op = MOp::kAlu;
  m.is64 = IsX(ResultType(i));
  m.alu = d.opcode == Opcode::kUmulhi ? AluOp::kUmulh : AluOp::kSmulh;
  const VReg a = Use(d.args[0]), b = Use(d.args[1]);
  Emit(m, {Operand::Use(a), Operand::Use(b), Operand::Def(Result(i))});
  return Status::Ok();
}

Status Lowerer::LowerAlu(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  m.is64 = IsX(ResultType(i));
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
      m.alu = AluOp::kOrr;
      break;
    case Opcode::kBxor:
    case Opcode::kBxorImm:
      m.alu = AluOp::kEor;
      break;
    default:
      m.alu = AluOp::kMul;
      break;
  }
  const AluFold fold = MatchAluFold(i);
  // madd/msub: c +/- a * b.
  if (const int k = fold.mul_add; k >= 0) {
    const ir::InstData& mul = (*dfg_)[DefInstId(d.args[k])];
    const VReg a = Use(mul.args[0]), b = Use(mul.args[1]), c = Use(d.args[1 - k]);
    MInst ma;
    ma.op = MOp::kMadd;
    ma.is64 = m.is64;
    ma.is_sub = op == Opcode::kIsub;
    Emit(ma, {Operand::Use(a), Operand::Use(b), Operand::Use(c), Operand::Def(Result(i))});
    return Status::Ok();
  }
  const bool imm_form = ir::Info(op).format == ir::InstFormat::kBinaryImm;
  int64_t imm = d.imm;
  const bool have_imm = imm_form || IsIconst(d.args[1], &imm);
  if (have_imm && m.alu != AluOp::kMul) {
    imm = AtWidth(imm, m.is64);
    bool fits = false;
    if (m.alu == AluOp::kAdd || m.alu == AluOp::kSub) {
      if (IsAddSubImm(imm)) {
        fits = true;
      } else if (imm != INT64_MIN && IsAddSubImm(-imm)) {
        fits = true;
        imm = -imm;
        m.alu = m.alu == AluOp::kAdd ? AluOp::kSub : AluOp::kAdd;
      }
    } else {
      uint32_t bits;
      const uint64_t u = m.is64 ? static_cast<uint64_t>(imm) : static_cast<uint32_t>(imm);
      fits = EncodeLogicalImm(u, m.is64, &bits);
      imm = static_cast<int64_t>(u);
    }
    if (fits || imm == 0) {
      if (imm == 0 && !fits) {
        // x + 0, x | 0, x ^ 0 = x; x & 0 = 0 (no bitmask encodes 0).
        if (m.alu == AluOp::kAnd) {
          MInst c;
          c.op = MOp::kCopy;
          Emit(c, {Operand::Use(Const(0, m.is64)), Operand::Def(Result(i))});
        } else {
          MInst c;
          c.op = MOp::kCopy;
          Emit(c, {Operand::Use(Use(d.args[0])), Operand::Def(Result(i))});
        }
        return Status::Ok();
      }
      m.op = MOp::kAluImm;
      m.imm = imm;
      VReg a = Use(d.args[0]);
      Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
      return Status::Ok();
    }
  }
  m.op = MOp::kAlu;
  ir::Value lhs = d.args[0], rhs = d.args[1];
  VReg a, b;
  if (imm_form) {
    a = Use(lhs);
    b = Const(imm, m.is64);
  } else if (const int k = fold.shifted; k >= 0) {
    const ir::InstData& s = (*dfg_)[DefInstId(d.args[k])];
    m.opnd_shift = Shift::kLsl;
    m.opnd_amount = static_cast<uint8_t>(s.imm & (m.is64 ? 63 : 31));
    a = Use(d.args[1 - k]);
    b = Use(s.args[0]);
  } else if (const int e = fold.extended; e >= 0) {
    const ir::InstData& x = (*dfg_)[DefInstId(d.args[e])];
    m.opnd_extend = true;
    m.opnd_ext = x.opcode == Opcode::kUextend ? Extend::kUxtw : Extend::kSxtw;
    a = Use(d.args[1 - e]);
    b = Use(x.args[0]);
  } else {
    a = Use(lhs);
    b = Use(rhs);
  }
  Emit(m, {Operand::Use(a), Operand::Use(b), Operand::Def(Result(i))});
  return Status::Ok();
}

Status Lowerer::LowerDivRem(ir::Inst i) {
  const Opcode op = (*dfg_)[i].opcode;
  MInst m;
  m.op = MOp::kDivRem;
  m.is64 = IsX(ResultType(i));
  m.div = op == Opcode::kSdiv   ? DivKind::kSdiv
          : op == Opcode::kUdiv ? DivKind::kUdiv
          : op == Opcode::kSrem ? DivKind::kSrem
                                : DivKind::kUrem;
  EmitBinary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerShift(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  m.is64 = IsX(ResultType(i));
  const int64_t bits = m.is64 ? 64 : 32;
  AluOp a = AluOp::kLsl;
  if (op == Opcode::kUshr || op == Opcode::kUshrImm) a = AluOp::kLsr;
  if (op == Opcode::kSshr || op == Opcode::kSshrImm) a = AluOp::kAsr;
  if (op == Opcode::kRotr || op == Opcode::kRotrImm) a = AluOp::kRor;
  if (op == Opcode::kRotl || op == Opcode::kRotlImm) a = AluOp::kRotl;
  m.alu = a;
  int64_t imm = d.imm;
  if (ir::Info(op).format == ir::InstFormat::kBinaryImm || IsIconst(d.args[1], &imm)) {
    imm &= bits - 1;
    if (a == AluOp::kRotl) {
      m.alu = AluOp::kRor;
      imm = (bits - imm) & (bits - 1);
    }
    const VReg x = Use(d.args[0]);
    if (imm == 0) {
      MInst c;
      c.op = MOp::kCopy;
      Emit(c, {Operand::Use(x), Operand::Def(Result(i))});
      return Status::Ok();
    }
    m.op = MOp::kAluImm;
    m.imm = imm;
    Emit(m, {Operand::Use(x), Operand::Def(Result(i))});
    return Status::Ok();
  }
  m.op = MOp::kAlu;
  EmitBinary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerUnary(ir::Inst i, UnaryOp op) {
  MInst m;
  m.op = MOp::kUnary;
  m.unary = op;
  m.is64 = IsX(ResultType(i));
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerCmp(ir::Inst i) {
  MInst m;
  m.op = MOp::kCmpSet;
  Cond2 c = CondOf(dfg_->FirstResult(i), /*fold=*/true);
  ops_.clear();
  PushCond(c, &m, &ops_);
  ops_.push_back(Operand::Def(Result(i)));
  EmitSpan(m, ops_);
  return Status::Ok();
}

Status Lowerer::LowerSelect(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  m.op = MOp::kSelect;
  Cond2 c = CondOf(d.args[0], SinkableCompare(i).valid());
  ops_.clear();
  PushCond(c, &m, &ops_);
  const Type t = ResultType(i);
  m.vec = backend::IsVectorType(t);
  m.fp = ir::IsFloat(t) || m.vec;
  m.f64 = m.fp ? t == Type::kF64 : m.f64;
  m.wide_value = IsX(t);
  ops_.push_back(Operand::Use(Use(d.args[1])));
  ops_.push_back(Operand::Use(Use(d.args[2])));
  ops_.push_back(Operand::Def(Result(i)));
  EmitSpan(m, ops_);
  return Status::Ok();
}

Status Lowerer::LowerExtend(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Type from = ValueType(d.args[0]);
  const Type to = ResultType(i);
  MInst m;
  m.op = MOp::kExtend;
  m.is64 = IsX(to);
  const uint32_t bits = ir::TypeBits(from);
  if (d.opcode == Opcode::kSextend) {
    m.extend = bits == 8 ? ExtendKind::kSxtb : bits == 16 ? ExtendKind::kSxth : ExtendKind::kSxtw;
    if (bits == 32 && !m.is64) m.extend = ExtendKind::kUxtw;  // i32 -> i32: a move
  } else if (d.opcode == Opcode::kUextend) {
    m.extend = bits == 8 ? ExtendKind::kUxtb : bits == 16 ? ExtendKind::kUxth : ExtendKind::kUxtw;
  } else {
    // ireduce keeps the low bits; a 32-bit move also clears the upper half, which every i32
    // value in a register has clear.
    m.extend = ExtendKind::kUxtw;
  }
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerFloat(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  m.fp = true;
  m.f64 = ResultType(i) == Type::kF64;
  bool binary = true;
  switch (d.opcode) {
    case Opcode::kFadd:
      m.fpu = FpuOp::kAdd;
      break;
    case Opcode::kFsub:
      m.fpu = FpuOp::kSub;
      break;
    case Opcode::kFmul:
      m.fpu = FpuOp::kMul;
      break;
    case Opcode::kFdiv:
      m.fpu = FpuOp::kDiv;
      break;
    case Opcode::kFmin:
      m.fpu = FpuOp::kMin;
      break;
    case Opcode::kFmax:
      m.fpu = FpuOp::kMax;
      break;
    case Opcode::kFcopysign:
      m.fpu = FpuOp::kCopysign;
      break;
    default:
      binary = false;
      break;
  }
  if (binary) {
    m.op = MOp::kFpuBin;
    EmitBinary(i, m);
    return Status::Ok();
  }
  m.op = MOp::kFpuUnary;
  switch (d.opcode) {
    case Opcode::kFneg:
      m.fpu = FpuOp::kNeg;
      break;
    case Opcode::kFabs:
      m.fpu = FpuOp::kAbs;
      break;
    case Opcode::kSqrt:
      m.fpu = FpuOp::kSqrt;
      break;
    case Opcode::kCeil:
      m.fpu = FpuOp::kCeil;
      break;
    case Opcode::kFloor:
      m.fpu = FpuOp::kFloor;
      break;
    case Opcode::kTrunc:
      m.fpu = FpuOp::kTrunc;
      break;
    case Opcode::kNearest:
      m.fpu = FpuOp::kNearest;
      break;
    case Opcode::kFpromote:
      m.fpu = FpuOp::kPromote;
      break;
    default:
      m.fpu = FpuOp::kDemote;
      break;
  }
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerConvert(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  if (op == Opcode::kFcvtFromSint || op == Opcode::kFcvtFromUint) {
    m.op = MOp::kIntToFp;
    m.fp = true;
    m.f64 = ResultType(i) == Type::kF64;
    m.is64 = IsX(ValueType(d.args[0]));
    m.is_unsigned = op == Opcode::kFcvtFromUint;
  } else {
    m.op = MOp::kFpToInt;
    m.f64 = ValueType(d.args[0]) == Type::kF64;
    m.is64 = IsX(ResultType(i));
    m.is_unsigned = op == Opcode::kFcvtToUint || op == Opcode::kFcvtToUintSat;
    m.saturating = op == Opcode::kFcvtToSintSat || op == Opcode::kFcvtToUintSat;
  }
  EmitUnary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerBitcast(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Type from = ValueType(d.args[0]);
  const Type to = ResultType(i);
  MInst m;
  if (ir::IsFloat(from) == ir::IsFloat(to)) {
    m.op = MOp::kCopy;
    m.fp = ir::IsFloat(to);
  } else {
    m.op = MOp::kBitcast;
    m.fp = ir::IsFloat(to);  // direction: into the float register file
    m.is64 = Is64(to);
    m.f64 = Is64(to);
  }
  EmitUnary(i, m);
  return Status::Ok();
}

// Atomics (docs/aarch64.md, "Atomics"): ldar/stlr for loads and stores (sequentially consistent
// together with the acquire-release read-modify-writes); with FEAT_LSE one ldaddal / ldclral
// (and = clear of the complement) / ldsetal / ldeoral / swpal / casal, else an ldaxr/stlxr loop
// that retries until the store-exclusive succeeds. Narrow forms zero-extend their result, so no
// extension follows. The result is an early def: it is written before the base is last read.
void Lowerer::LowerAtomic(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  m.mem = d.imm == 1   ? MemKind::kB
          : d.imm == 2 ? MemKind::kH
          : d.imm == 4 ? MemKind::kW
                       : MemKind::kX;
  m.is64 = d.imm == 8;
  m.lse = features_.lse;
  switch (d.opcode) {
    case Opcode::kFence:
      m.op = MOp::kFence;
      Emit(m, {});
      return;
    case Opcode::kAtomicLoad:
      m.op = MOp::kAtomicLoad;
      m.base_op = 0;
      Emit(m, {Operand::Use(Use(d.args[0])), Operand::Def(Result(i))});
      return;
    case Opcode::kAtomicStore:
      m.op = MOp::kAtomicStore;
      m.base_op = 1;
      Emit(m, {Operand::Use(Use(d.args[0])), Operand::Use(Use(d.args[1]))});
      return;
    case Opcode::kAtomicRmw: {
      m.op = MOp::kAtomicRmw;
      m.rmw = d.cond;
      m.base_op = 0;
      const VReg base = Use(d.args[0]), a = Use(d.args[1]);
      if (m.lse) {
        Emit(m, {Operand::Use(base), Operand::Use(a), Operand::EarlyDef(Result(i))});
      } else {
        Emit(m, {Operand::Use(base), Operand::Use(a), Operand::EarlyDef(Result(i)),
                 Operand::EarlyDef(NewVReg(Type::kI64)), Operand::EarlyDef(NewVReg(Type::kI32))});
      }
      return;
    }
    case Opcode::kAtomicCas: {
      m.op = MOp::kAtomicCas;
      m.base_op = 0;
      const VReg base = Use(d.args[0]), a = Use(d.args[1]), b = Use(d.args[2]);
      if (m.lse) {
        Emit(m,
             {Operand::Use(base), Operand::Use(a), Operand::Use(b), Operand::EarlyDef(Result(i))});
      } else {
        Emit(m, {Operand::Use(base), Operand::Use(a), Operand::Use(b), Operand::EarlyDef(Result(i)),
                 Operand::EarlyDef(NewVReg(Type::kI32))});
      }
      return;
    }
    default:
      EGRET_CHECK(false);
  }
}

void Lowerer::LowerMemory(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
  MInst m;
  m.op = store ? MOp::kStore : MOp::kLoad;
  m.disp = static_cast<int32_t>(d.imm);
  EGRET_CHECK(m.disp == d.imm);
  m.can_trap = !d.flags.Has(ir::MemFlags::kNotrap);
  m.trap = d.trap;
  ops_.clear();
  if (store) {
    const Type vt = ValueType(d.args[0]);
    m.vec = backend::IsVectorType(vt);
    m.fp = ir::IsFloat(vt) || m.vec;
    m.f64 = vt == Type::kF64;
    m.mem = d.opcode == Opcode::kIstore8    ? MemKind::kB
            : d.opcode == Opcode::kIstore16 ? MemKind::kH
            : d.opcode == Opcode::kIstore32 ? MemKind::kW
            : vt == Type::kI8               ? MemKind::kB
            : vt == Type::kI16              ? MemKind::kH
            : IsX(vt)                       ? MemKind::kX
                                            : MemKind::kW;
    ops_.push_back(Operand::Use(Use(d.args[0])));
  } else {
    const Type rt = ResultType(i);
    m.vec = backend::IsVectorType(rt);
    m.fp = ir::IsFloat(rt) || m.vec;
    m.f64 = rt == Type::kF64;
    m.is64 = IsX(rt);
    switch (d.opcode) {
      case Opcode::kUload8:
        m.mem = MemKind::kB;
        break;
      case Opcode::kSload8:
        m.mem = MemKind::kSB;
        break;
      case Opcode::kUload16:
        m.mem = MemKind::kH;
        break;
      case Opcode::kSload16:
        m.mem = MemKind::kSH;
        break;
      case Opcode::kUload32:
        m.mem = MemKind::kW;
        break;
      case Opcode::kSload32:
        m.mem = MemKind::kSW;
        break;
      default:
        m.mem = rt == Type::kI8    ? MemKind::kB
                : rt == Type::kI16 ? MemKind::kH
                : IsX(rt)          ? MemKind::kX
                                   : MemKind::kW;
        break;
    }
    if (m.mem == MemKind::kW || m.mem == MemKind::kB || m.mem == MemKind::kH) m.is64 = false;
  }
  const AddressMatch match = MatchAddress(i);
  if (match.add.valid()) {
    ir::Value base = (*dfg_)[match.add].args[match.swapped ? 1 : 0],
              index = (*dfg_)[match.add].args[match.swapped ? 0 : 1];
    if (match.shift.valid()) {
      m.index_shift = static_cast<uint8_t>((*dfg_)[match.shift].imm);
      index = (*dfg_)[match.shift].args[0];
    } else if (match.extend.valid()) {
      m.index_uxtw = true;
      index = (*dfg_)[match.extend].args[0];
    }
    m.base_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(base)));
    m.index_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(index)));
  } else {
    m.base_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(store ? d.args[1] : d.args[0])));
  }
  if (!store) ops_.push_back(Operand::Def(Result(i)));
  EmitSpan(m, ops_);
  // A load that cannot trap from memory nothing writes while the function runs (`readonly`),
  // at disp(u): reloading it from u's register is as good as reloading a spill slot.
  if (!store && !m.can_trap && m.index_op < 0 && d.flags.Has(ir::MemFlags::kReadonly))
    MarkRematFromOperand();
}

// A tail call (backend::PlanTailCall says where each argument goes): stack arguments are stored
// so that they end at the top of this function's argument area (fp-relative; the prologue grew
// the area if this call needs more slots than the function received), register arguments are
// fixed uses, and the target of an indirect one is in x9 (neither an argument register nor
// callee-saved, and untouched by the epilogue). Emission restores the callee-saved pairs, fp and
// lr, releases `imm` bytes of the area below the callee's arguments, then branches: the callee
// returns to this function's caller through the restored lr.
Status Lowerer::LowerTailCall(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const ir::Signature& sig = dfg_->signature(dfg_->CallSignature(i));
  backend::ComputeCallLayoutInto(WasmCallConv(), sig.params, sig.results, &call_layout_);
  const CallLayout& l = call_layout_;
  const backend::TailCallPlan plan = backend::PlanTailCall(l, v_.frame.arg_area_slots);
  std::span<const ir::Value> args = dfg_->pool().Get(d.vargs);
  MInst m;
  m.imm = plan.pop_bytes;
  std::vector<Operand>& ops = call_ops_;
  ops.clear();
  if (d.opcode == Opcode::kReturnCall) {
    const backend::CallTarget* t = ctx_.Callee(ir::FuncRef(d.ref), *module_);
    if (t == nullptr || t->kind == backend::CallTarget::Kind::kBuiltin)
      return Unsupported("tail call to %" + dfg_->ext_func(ir::FuncRef(d.ref)).name +
                         ", which is not a defined function");
    m.op = MOp::kReturnCall;
    m.callee = t->index;
  } else {
    m.op = MOp::kReturnCallInd;
    ops.push_back(Operand::FixedUse(Use(d.args[0]), IntPReg(Gpr::kX9)));
  }
  for (const backend::TailCallStore& st : plan.stores) {
    MInst s;
    s.op = MOp::kStoreRet;
    s.fp = st.kind != backend::ValueKind::kInt;
    s.f64 = st.kind == backend::ValueKind::kF64;
    s.vec = st.kind == backend::ValueKind::kV128;
    s.disp = st.disp;
    Emit(s, {Operand::Use(Use(args[st.arg]))});
  }
  for (uint32_t k : plan.reg_args)
    ops.push_back(Operand::FixedUse(Use(args[k]), LocPReg(l.params[k])));
  EmitSpan(m, ops);
  return Status::Ok();
}

Status Lowerer::LowerCall(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const CallLayout& l = ctx_.CallLayoutOf(dfg_->CallSignature(i), WasmCallConv());
  v_.frame.has_calls = true;
  v_.frame.outgoing_bytes = std::max(v_.frame.outgoing_bytes, l.AreaBytes());
  std::span<const ir::Value> args = dfg_->pool().Get(d.vargs);
  MInst m;
  std::vector<Operand>& call_ops = call_ops_;
  call_ops.clear();
  if (d.opcode == Opcode::kCall) {
    const backend::CallTarget* t = ctx_.Callee(ir::FuncRef(d.ref), *module_);
    if (t == nullptr)
      return Unsupported("call to unknown function %" + dfg_->ext_func(ir::FuncRef(d.ref)).name);
    m.op = t->kind == backend::CallTarget::Kind::kBuiltin ? MOp::kCallBuiltin : MOp::kCall;
    if (m.op == MOp::kCall) {
      m.callee = t->index;
    } else {
      m.builtin = t->index;
    }
  } else {
    m.op = MOp::kCallInd;
    call_ops.push_back(Operand::Use(Use(d.args[0])));
  }
  // A Wasm callee pops its stack arguments; the call re-reserves them (builtins are C calls).
  if (m.op != MOp::kCallBuiltin) m.imm = 8 * l.stack_args;
  for (size_t k = 0; k < args.size(); ++k) {
    if (!l.params[k].on_stack) continue;
    MInst s;
    s.op = MOp::kStoreOutArg;
    s.fp = l.params[k].fp;
    s.f64 = ValueType(args[k]) == Type::kF64;
    s.vec = l.params[k].kind == backend::ValueKind::kV128;
    s.disp = 8 * static_cast<int32_t>(l.params[k].slot);
    VReg r = Use(args[k]);
    Emit(s, {Operand::Use(r)});
  }
  for (size_t k = 0; k < args.size(); ++k)
    if (!l.params[k].on_stack)
      call_ops.push_back(Operand::FixedUse(Use(args[k]), LocPReg(l.params[k])));
  std::span<const ir::Value> results = dfg_->InstResults(i);
  for (size_t k = 0; k < results.size(); ++k)
    if (!l.results[k].on_stack)
      call_ops.push_back(Operand::FixedDef(DefVReg(results[k]), LocPReg(l.results[k])));
  EmitSpan(m, call_ops, CallClobbers(has_vectors_));
  for (size_t k = 0; k < results.size(); ++k) {
    if (!l.results[k].on_stack) continue;
    MInst r;
    r.op = MOp::kLoadOutRet;
    r.fp = l.results[k].fp;
    r.f64 = ValueType(results[k]) == Type::kF64;
    r.vec = l.results[k].kind == backend::ValueKind::kV128;
    r.disp = 8 * static_cast<int32_t>(l.results[k].slot);
    Emit(r, {Operand::Def(DefVReg(results[k]))});
  }
  return Status::Ok();
}

Status Lowerer::LowerTrapIf(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  m.op = MOp::kTrapIf;
  m.trap = d.trap;
  Cond2 c = CondOf(d.args[0], SinkableCompare(i).valid());
  ops_.clear();
  PushCond(c, &m, &ops_);
  // trapz traps when the condition is false. Inverting the code is exact at the flag level,
  // float conditions included (the inverse of mi after fcmp is "not less than", unordered too).
  if (d.opcode == Opcode::kTrapz) m.cc = Invert(m.cc);
  EmitSpan(m, ops_);
  return Status::Ok();
}

}  // namespace

Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module,
                      const CpuFeatures& features) {
  // Per thread: lowering never starts another function's lowering on the same thread.
  thread_local Lowerer lowerer;
  lowerer.Reset(f, module, features);
  return lowerer.Run();
}

}  // namespace egret::aarch64
