// lower.cc: the x64 lowering rules (see lower.h for the patterns).
//
// The walk, the value -> vreg map, use counts and the sinking preconditions are the shared
// lowering context's (backends/common/lower_ctx.h). Here: one rule per opcode family, and the
// matchers that decide folding at the use; a definition asks its only user's matcher (IsSunk),
// so no decision is recorded ahead of time.
#include "backends/x64/lower.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "artifact/builtin.h"
#include "backends/common/lower_ctx.h"
#include "backends/x64/abi.h"
#include "backends/x64/amode.h"
#include "backends/x64/inst.h"
#include "ir/simd.h"

namespace egret::x64 {
namespace {

using ir::Opcode;
using ir::Type;
using regalloc::Constraint;

// The two-operand ALU instruction of an integer add/sub/and/or/xor (register or immediate
// form), or nothing for any other opcode.
std::optional<AluOp> AluOpOf(Opcode op) {
  switch (op) {
    case Opcode::kIadd:
    case Opcode::kIaddImm:
      return AluOp::kAdd;
    case Opcode::kIsub:
      return AluOp::kSub;
    case Opcode::kBand:
    case Opcode::kBandImm:
      return AluOp::kAnd;
    case Opcode::kBor:
    case Opcode::kBorImm:
      return AluOp::kOr;
    case Opcode::kBxor:
    case Opcode::kBxorImm:
      return AluOp::kXor;
    default:
      return std::nullopt;
  }
}
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
// References (r64) are 64-bit pointers.
OpSize AluSize(Type t) { return t == Type::kI64 || t == Type::kR64 ? OpSize::k64 : OpSize::k32; }

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

// The constant `v` as the immediate of a store of `size` bytes (its low bytes, sign-extended from
// that width; a 64-bit store takes a sign-extended imm32 only).
bool StoreImmediate(int64_t v, OpSize size, int64_t* out) {
  switch (size) {
    case OpSize::k8:
      *out = static_cast<int8_t>(v);
      return true;
    case OpSize::k16:
      *out = static_cast<int16_t>(v);
      return true;
    case OpSize::k32:
      *out = static_cast<int32_t>(v);
      return true;
    case OpSize::k64:
      *out = v;
      return FitsSimm32(v);
  }
  return false;
}

// The x64 rules: one function per opcode family; folding decided by matchers asked at the use
// (SinkableCompare, MatchAddress, FoldedLoadOperand), which IsSunk asks of a definition's only
// user so that the definition emits nothing.
class Lowerer final : public backend::LowerRules {
 public:
  // One Lowerer per thread (Lower), aimed at each function in turn: its tables keep their
  // storage in it across functions, so starting a function costs clearing them, not taking them
  // from a spare and giving them back (about 2,000 Ir per function on lz20, docs/backend.md).
  Lowerer() : ctx_(v_.ra, "x64") {}
  Lowerer(const Lowerer&) = delete;
  Lowerer& operator=(const Lowerer&) = delete;

  // Aims the Lowerer at `f`: afterwards it is as a fresh one made for `f` would be (every table
  // empty, but memo_slot_ all UINT32_MAX and iv_max_ stale, the invariants at their members).
  void Reset(const ir::Function& f, const backend::ModuleContext& module,
             const CpuFeatures& features);

  Expected<VCode> Run();

  // backend::LowerRules.
  VReg Rematerialize(ir::Value v, const ir::InstData& d) override;
  bool IsSunk(ir::Inst i) const override;
  // IsSunk's decision, uncached: the rule of the instruction's opcode family (SinkTable).
  bool ComputeIsSunk(ir::Inst i) const;
  friend struct SinkTable;
  bool NeverSunk(ir::Inst i) const;
  bool BandIsSunk(ir::Inst i) const;
  bool BorIsSunk(ir::Inst i) const;
  bool ByteMoveIsSunk(ir::Inst i) const;
  bool IaddImmIsSunk(ir::Inst i) const;
  bool UextendIsSunk(ir::Inst i) const;
  bool RmwAluIsSunk(ir::Inst i) const;
  bool CompareIsSunk(ir::Inst i) const;
  bool IaddIsSunk(ir::Inst i) const;
  bool ShlIsSunk(ir::Inst i) const;
  bool BnotIsSunk(ir::Inst i) const;
  bool NarrowLoadIsSunk(ir::Inst i) const;
  bool LoadIsSunk(ir::Inst i) const;
  // Whether value `r` is a leaf of the add tree of `root` that the tree takes as a memory
  // operand (AddTreeLeaves' `mem`).
  bool AddTreeLeafIsMemory(ir::Inst root, ir::Value r) const;
  Status LowerEntry(ir::Block entry) override;
  Status LowerInst(ir::Inst i) override;
  Status LowerTerminator(ir::Inst i, ir::Block b) override;
  void EmitJump(uint32_t target, std::span<const VReg> args) override;
  bool LowersVectors() const override { return true; }
  const uint8_t* WalkPlan() const override;

 private:
  struct Cond {
    CondKind kind = CondKind::kNonZero;
    CondCode cc = CondCode::kNe;
    uint8_t fcc = 0;
    bool fp64 = false;
    OpSize size = OpSize::k32;
    VReg a, b;
    int64_t imm = 0;
    ir::Inst load;  // kIntRM, kIntMI: the load folded into the compare
  };
  // An address computation folded into a memory access: `add` = iadd(base, index) (invalid: no
  // folding), `shift` = ishl_imm(index', 0..3) as that index (invalid: scale 1).
  //
  // A Wasm heap address `iadd(base, uextend.i64(iadd_imm(ishl_imm(x, k), c)))` (or without the
  // shift) also folds when the 32-bit offset arithmetic provably cannot wrap (UpperBoundI32(x)
  // << k + c < 2^32, c >= 0) and x's register is zero-extended: `offset` is that iadd_imm, `ext`
  // the uextend, `shift` the ishl_imm (k <= 3), the index x, and c joins the displacement
  // (`disp`). Only for an iadd used by this access alone (the fold depends on its offset).
  struct AddressMatch {
    ir::Inst add, shift;
    ir::Inst ext, offset;
    int32_t disp = 0;
  };
  // A read-modify-write store: `store (alu (load p+off), x), p+off` as one `alu x, off(p)`.
  // `alu` and `load` emit nothing; the other operand is `other` (a register), or `imm` when
  // `imm_operand`. Invalid `alu`: no match.
  struct RmwMatch {
    ir::Inst alu, load;
    AluOp op = AluOp::kAdd;
    ir::Value other;
    bool imm_operand = false;
    int32_t imm = 0;
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
  // The first result of `i` (ir::DataFlowGraph::FirstResult, inline: the matchers ask it of
  // nearly every instruction they look at).
  [[gnu::always_inline]] ir::Value FirstResult(ir::Inst i) const {
    const ir::InstData& d = (*dfg_)[i];
    EGRET_CHECK(d.results.size > 0);
    return dfg_->pool().Get(d.results)[0];
  }
  VReg Result(ir::Inst i) { return DefVReg(FirstResult(i)); }
  Type ResultType(ir::Inst i) const { return dfg_->ValueType(FirstResult(i)); }

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
    // Every call is a safepoint: the collector may run below it (a host function or builtin), so
    // references live across it must be in stack slots its stack map lists.
    const bool safepoint =
        mi.op == MOp::kCall || mi.op == MOp::kCallBuiltin || mi.op == MOp::kCallInd;
    v_.Append(mi, ctx_.srcloc(), ops, clobbers, safepoint);
    // The kinds whose vregs the allocator may rematerialize or whose operands commute get their
    // marks out of line: most instructions are none of them, and the marking's stack frame
    // would otherwise be paid by every append.
    switch (mi.op) {
      case MOp::kIconst:
      case MOp::kFconst:
      case MOp::kLea:
      case MOp::kAlu:
      case MOp::kImul:
        MarkAppended(mi, ops.size(), clobbers);
        break;
      default:
        break;
    }
  }
  // The allocator's marks for the instruction EmitSpan just appended (`mi`, with `num_ops`
  // operands and `clobbers`).
  [[gnu::noinline]] void MarkAppended(const MInst& mi, size_t num_ops, regalloc::PRegSet clobbers) {
    switch (mi.op) {
      case MOp::kIconst:
      case MOp::kFconst: {
        // A constant's vreg is rematerializable: the allocator may recompute it (the emitter
        // re-emits this instruction, EmitEdit) instead of spilling and reloading it.
        if (num_ops != 1 || !clobbers.Empty()) break;
        const VReg d = v_.ra.operands[v_.ra.insts.back().operand_begin].vreg;
        if (!v_.ra.vregs[d.index].is_ref) v_.ra.vregs[d.index].remat = true;
        break;
      }
      case MOp::kLea:
        // `lea disp(u), d` can be recomputed from u's register (EmitEdit: a `lea`).
        if (mi.base_op == 0 && mi.index_op < 0 && clobbers.Empty()) MarkRematFromOperand();
        break;
      case MOp::kAlu: {
        // So can `add/sub $imm, d=u` (as a `lea`, which leaves the flags alone).
        const bool add_imm = mi.imm_operand && !mi.vex && mi.base_op < 0 &&
                             (mi.alu == AluOp::kAdd || mi.alu == AluOp::kSub) &&
                             (mi.size == OpSize::k32 || mi.size == OpSize::k64) &&
                             mi.imm > INT32_MIN && mi.imm <= INT32_MAX;
        if (add_imm && clobbers.Empty()) MarkRematFromOperand();
        MarkCommutative(mi);
        break;
      }
      case MOp::kImul:
        MarkCommutative(mi);
        break;
      default:
        break;
    }
  }
  // The last instruction, if it is `d = op(u)` with u in a register and nothing else, defines a
  // value the allocator may recompute from u's register (VRegData::remat_reads_operand).
  void MarkRematFromOperand() {
    const regalloc::InstData& d = v_.ra.insts.back();
    if (d.operand_end - d.operand_begin != 2 || d.safepoint) return;
    const Operand& u = v_.ra.operands[d.operand_begin];
    const Operand& def = v_.ra.operands[d.operand_begin + 1];
    if (!u.is_use() || !u.is_early() || u.constraint != Constraint::kReg || !def.is_def() ||
        def.constraint == Constraint::kStack || v_.ra.vregs[u.vreg.index].is_ref ||
        v_.ra.vregs[def.vreg.index].is_ref)
      return;
    v_.ra.vregs[def.vreg.index].remat = true;
    v_.ra.vregs[def.vreg.index].remat_reads_operand = true;
  }

  // A two-address add/and/or/xor/imul of two registers (a, b, d = reuse(a)) may reuse either
  // input: the allocator picks the one that dies (regalloc::ChooseCommutedReuse), the emitter
  // reads its choice back.
  void MarkCommutative(const MInst& mi) {
    const bool alu = mi.op == MOp::kAlu && !mi.vex &&
                     (mi.alu == AluOp::kAdd || mi.alu == AluOp::kAnd || mi.alu == AluOp::kOr ||
                      mi.alu == AluOp::kXor);
    if (!(alu || mi.op == MOp::kImul) || mi.imm_operand || mi.base_op >= 0) return;
    const regalloc::InstData& d = v_.ra.insts.back();
    if (d.operand_end - d.operand_begin != 3) return;
    regalloc::Operand& def = v_.ra.operands[d.operand_begin + 2];
    if (def.constraint == Constraint::kReuse && def.reuse_index == 0 &&
        v_.ra.operands[d.operand_begin + 1].constraint == Constraint::kReg)
      def.commutes_with = 1;
  }

  // Whether `v` may still be live after `user`, which uses it: it has other uses, or it is
  // defined in another block (a loop-invariant operand of a loop body lives around the loop even
  // with one static use). Then a two-address form would need a copy of it.
  bool LivesOn(ir::Value v, ir::Inst user) const {
    if (ctx_.UseCount(v) > 1) return true;
    const ir::Value r = Resolve(v);
    if (IsConst(r)) return false;
    const ir::ValueData& vd = dfg_->ValueInfo(r);
    const ir::Block def_block =
        vd.kind == ir::ValueKind::kResult ? ctx_.BlockOf(ir::Inst(vd.def)) : ir::Block(vd.def);
    return def_block != ctx_.BlockOf(user);
  }

  // The shape `d = op a` over the IR instruction's first argument.
  void EmitUnary(ir::Inst i, const MInst& m) {
    const VReg a = Use((*dfg_)[i].args[0]);
    Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
  }
  // The two-address shape `d = reuse(a) op b` over the IR instruction's two arguments.
  void EmitReuseBinary(ir::Inst i, const MInst& m) {
    const VReg a = Use((*dfg_)[i].args[0]), b = Use((*dfg_)[i].args[1]);
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(Result(i), 0)});
  }

  // Result of `i` = base + index << scale + disp with one lea at the result's width (32-bit lea
  // truncates the address to 32 bits and zero-extends, exactly i32 addition).
  // An invalid `base` gives `lea disp(, index, 2^scale)` (no base register).
  void EmitLea(ir::Inst i, ir::Value base, ir::Value index, uint8_t scale_log2, int32_t disp) {
    MInst m;
    m.op = MOp::kLea;
    m.size = AluSize(ResultType(i));
    m.disp = disp;
    m.scale_log2 = scale_log2;
    ops_.clear();
    if (base.valid()) {
      m.base_op = static_cast<int8_t>(ops_.size());
      ops_.push_back(Operand::Use(Use(base)));
    }
    if (index.valid()) {
      m.index_op = static_cast<int8_t>(ops_.size());
      ops_.push_back(Operand::Use(Use(index)));
    }
    ops_.push_back(Operand::Def(Result(i)));
    EmitSpan(m, ops_);
  }

  // d = a zero-extended from 32 bits (`movl %a, %d`).
  void EmitZeroExtend(VReg a, VReg d) {
    MInst e;
    e.op = MOp::kExtend;
    e.size = OpSize::k64;
    e.is_unsigned = true;
    e.extend_from = 32;
    Emit(e, {Operand::Use(a), Operand::Def(d)});
  }

  // ---- Matchers, asked at the use.
  // The compare that `user` (brif, select, trapz, trapnz) tests on the flags instead of a
  // materialized boolean: an icmp/icmp_imm (or, for brif and an f32/f64 select, an fcmp) whose
  // only use is `user`'s condition, in the same block or in the block that branches to `user`'s
  // block as its only predecessor (CompareReachesBlock: the compare is re-emitted at the user,
  // its operands kept live across the edge). Invalid when there is none.
  ir::Inst SinkableCompare(ir::Inst user) const;
  ir::Inst ComputeSinkableCompare(ir::Inst user) const;  // uncached
  // Whether compare `cmp` (or a tested band: TestedAnd) may be re-emitted in block `b`, the
  // block of its only user, when they differ: `b`'s only predecessor edge comes from the jump or
  // brif ending `cmp`'s block
  // (SSA already makes the operands available there; this bounds how far their live ranges
  // grow).
  bool CompareReachesBlock(ir::Inst cmp, ir::Block b) const;
  // Where compare `cmp` executes: its user when SinkableCompare sinks it there, else itself.
  ir::Inst CompareSite(ir::Inst cmp) const;
  // The operand of icmp/icmp_imm `cmp` that is a plain i32/i64 load folded into the compare as
  // its memory operand (`cmpl mem, %a`, `cmpl $imm, mem`): the load is used only there, in the
  // same block, with only pure instructions up to the compare's site; at a conditional trap
  // (whose trap record is its own) only a load that cannot trap. Invalid when none.
  ir::Value CompareLoadOperand(ir::Inst cmp) const;
  // The condition of brif/select/trapz/trapnz `user` when it is a plain i32/i64 load used only
  // there (not a compare), in the same block, with only pure instructions up to `user`, which
  // then tests memory directly (`cmpl $0, mem`); at a conditional trap only a load that cannot
  // trap. Invalid when none.
  ir::Value TestedLoad(ir::Inst user) const;
  // The band/band_imm whose result the condition of `user` (brif, select, trapz, trapnz) only
  // tests against zero, which then emits nothing: the user does `test a, b` / `test $imm, a`
  // (the flags of the and without writing it, so no copy of a live operand). The condition is
  // the band itself (holds when non-zero) or a sunk icmp/icmp_imm eq/ne of it against 0; the
  // band is used only there, in the block of what consumes it or in the block whose edge is the
  // only way into the user's (CompareReachesBlock), not an andn (AndnOperand) and, with a
  // constant, one that fits an imm32 at its width. Invalid when none.
  ir::Inst TestedAnd(ir::Inst user) const;
  // Whether band/band_imm `i` is TestedAnd of its user (or of its icmp's user).
  bool IsTestedAnd(ir::Inst i) const;
  // The width a load instruction reads: its type's for `load` (i32: k32, else k64), the memory
  // width for the extending loads, k64 for anything else.
  OpSize LoadWidth(ir::Inst li) const;
  // The address arithmetic memory access `mem` folds into its addressing mode: an iadd of two
  // non-constants in the same block used only as this address, and an ishl_imm by 0..3 (used
  // only there) as its index.
  AddressMatch MatchAddress(ir::Inst mem) const;
  AddressMatch ComputeMatchAddress(ir::Inst mem) const;  // uncached
  // Whether address `addr` (an iadd of two non-constants) is folded into the addressing mode of
  // each of its users although they are not all in its block: every use is the address of a
  // load or store (addr_uses_), and one of the add's operands has other uses (directly or
  // through a free uextend). That operand is then usually live at the users anyway, so holding
  // base and index instead of the sum costs at most the one register the sum's own live range
  // took (a heuristic; Cranelift folds unconditionally). Quicksort's `while (a[i] < p) i++`
  // loads a[i] in the loop and swaps it after: heap base + the loop-carried offset.
  bool AddressFoldsEverywhere(ir::Value addr) const;
  // Whether `i` is the offset add, uextend or shift of a Wasm heap address that a memory
  // access's MatchAddress folds (AddressMatch::offset valid; MarkFoldedMemoryOperands).
  bool IsHeapOffsetPart(ir::Inst i) const { return (sunk_[i.index] & kHeapOffsetPart) != 0; }
  // Whether iadd `i` is the address arithmetic (AddressMatch::add) of the memory accesses using
  // its result (MarkFoldedMemoryOperands; when one access folds it, every one does).
  bool IsFoldedAddressAdd(ir::Inst i) const { return (sunk_[i.index] & kFoldedAdd) != 0; }
  // An upper bound on the unsigned value of i32 `v` from its definition (masks, narrow loads,
  // right shifts, or/xor of bounded values; `depth` limits the walk), 0xffffffff when unknown.
  uint64_t UpperBoundI32(ir::Value v, int depth = 4) const;
  // The read-modify-write shape of store `st`: an integer store whose value is an
  // add/sub/and/or/xor used only there, one operand of which (the left one for sub) is a load of
  // the same width (a plain load for `store`, an extending load for istore8/16/32) from the same
  // address value and offset, used only by that ALU op, with only pure instructions between the
  // load and the store (so no access in between can observe or change the memory, and the load
  // traps first exactly when the RMW does).
  RmwMatch MatchRmwStore(ir::Inst st) const;
  RmwMatch ComputeMatchRmwStore(ir::Inst st) const;  // uncached
  // Whether `i` is the ALU op (IsRmwLoad: the load) of a read-modify-write store
  // (MatchRmwStore of the store using its result; MarkFoldedMemoryOperands).
  bool IsRmwAlu(ir::Inst i) const { return (sunk_[i.index] & kRmwAlu) != 0; }
  bool IsRmwLoad(ir::Inst i) const { return (sunk_[i.index] & kRmwLoad) != 0; }
  // Runs MatchAddress and MatchRmwStore on every reachable load and store once, in LowerEntry
  // after the analyses they read, and marks what they fold in sunk_ (IsFoldedAddressAdd,
  // IsHeapOffsetPart, IsRmwAlu, IsRmwLoad): a definition then asks a bit instead of walking its
  // chain of sole users to the access and asking the access's matcher.
  void MarkFoldedMemoryOperands();
  // The operand of ALU instruction `user` whose integer load becomes its memory operand (the
  // right operand first; register-register forms only), or an invalid value.
  ir::Value FoldedLoadOperand(ir::Inst user) const;
  ir::Value ComputeFoldedLoadOperand(ir::Inst user) const;  // uncached
  // Whether load result `v` can move to `user`: a plain load of `v`'s type (integer, or float
  // for the SSE arithmetic users), only used there, with only pure instructions in between.
  bool LoadFoldableInto(ir::Value v, ir::Inst user) const;
  // The `ishl_imm x, 1..3` operand that iadd `add` folds into a three-address
  // `lea (other, x, 2^k)` (invalid when none: the shift emits its own instruction).
  ir::Value LeaShiftOperand(ir::Inst add) const;
  // The iadd of two non-constants that iadd_imm `user` folds into one three-address
  // `lea imm(a, b), d` (or `lea imm(a, x, 2^k), d` with the add's LeaShiftOperand), or the
  // shift by 1..3 it folds into `lea imm(, x, 2^k), d`: used only there, in the same block, and
  // `user` itself is not folded elsewhere (a read-modify-write store, a heap offset). Invalid
  // when none.
  ir::Inst LeaImmAdd(ir::Inst user) const;
  // With BMI1, the `bnot y` operand of band `user` that folds into `andn` (d = ~y & other), or
  // an invalid value.
  ir::Value AndnOperand(ir::Inst user) const;
  // Add trees reassociated by readiness. `root` is an iadd (i32/i64) that is not itself sunk
  // and not a scaled-index lea, whose operands that are iadds used only there (in its block) are
  // interior nodes, recursively; the other operands are leaves (no constants). With 3 to
  // kMaxAddLeaves leaves, `leaves` receives them ordered by Depth (stable), the deepest last, so
  // the value computed last joins the sum last (sha256's t1 = h + S1 + ch + K + w as written
  // puts S1 first and four adds after it on the round's critical path). Returns the count, 0
  // when `root` is no such tree. Every interior node emits nothing (IsSunk).
  static constexpr int kMaxAddLeaves = 8;
  // `mem[k]` (when not null) says leaf k is a plain load of the tree's type used only there with
  // only pure instructions up to the root: a memory operand of its add (the load is sunk). The
  // first two leaves are registers (the lea or add that starts the sum).
  int AddTreeLeaves(ir::Inst root, ir::Value* leaves, uint8_t* mem = nullptr) const;
  // Whether iadd `i` is an interior node of an AddTreeLeaves tree.
  bool InAddTree(ir::Inst i) const;
  // The root of the AddTreeLeaves tree that iadd `i` belongs to (as root or interior node) when
  // that root emits the sum, else an invalid instruction.
  ir::Inst AddTreeRoot(ir::Inst i) const;
  // An estimate of when `v` is ready within its block, in dependent steps from the block's
  // inputs (values from other blocks, parameters and constants: 0; a load: 1, as out-of-order
  // execution issues it early), memoized in depth_, bounded by 32.
  uint32_t Depth(ir::Value v, int budget = 32) const;
  // A byte-reversing bor tree: the value x when bor `root` computes bswap(x) at its width
  // (i32 or i64) as an OR of byte-lane moves of x, each leaf a chain of at most three
  // shifts/rotates by multiples of 8 and masks of whole bytes (`x << 24 | (x << 8) & 0xff0000 |
  // (x >> 8) & 0xff00 | x >> 24`), every output byte supplied by exactly one leaf from the mirrored
  // input byte. Every instruction of the tree but x is used only by its parent in the same block
  // (CanSinkInto), so all of them emit nothing and `root` is one bswap. `members` (when not
  // null) receives the tree's instructions below the root (the other bors and every lane move
  // and mask; only meaningful on a match). Invalid when no match.
  ir::Value BswapSource(ir::Inst root, std::vector<ir::Inst>* members = nullptr) const;
  // Whether `i` lies below the root of a matched bswap tree (BswapSource of an ancestor along its
  // chain of sole users).
  bool InBswapTree(ir::Inst i) const;
  // Whether bor `root` is the root of a bswap tree (BswapSource(root) valid), memoized per
  // function in bswap_root_ (InBswapTree asks it of every bor above each lane move and mask of
  // a bor tree; the answer is a pure function of the IR and the use counts). A root marks its
  // tree's members there as it is found, so that InBswapTree reads a bit where it matched the
  // whole tree again for every member.
  bool IsBswapRoot(ir::Inst root) const;
  // Whether `i` is a left shift by a constant (ishl_imm, or ishl of an iconst amount) of the
  // non-constant `x`; `amount` is taken modulo the width.
  bool ShlByConst(ir::Inst i, ir::Value* x, int64_t* amount) const;
  // How many low bits of integer `v` are known zero from its definition (a left shift by a
  // constant: the amount), 0 when unknown.
  int KnownZeroLowBits(ir::Value v) const;
  // Whether i32 value `v` is defined by an instruction whose lowering writes its result with a
  // 32-bit operation, which zeroes bits 32..63 of the register: then `uextend.i64 v` is `v`'s
  // register itself. Function parameters and call results give no such guarantee (a caller or
  // the host may leave garbage above an i32); a block parameter does when every argument passed
  // to it does (ResolveZeroExtendedParam).
  bool ZeroExtendedI32(ir::Value v) const;
  // ZeroExtendedI32 of block parameter `q` (zext_param_[q] unknown): the greatest fixpoint of
  // "every incoming argument is zero-extended" over the block parameters (loop-carried counters
  // and indices are, unless fed by a function parameter or a call result), restricted to the
  // parameters `q` reaches backwards through its incoming arguments. A parameter is not
  // zero-extended exactly when a chain of (argument -> parameter) edges leads to it from a bad
  // source: a result ZeroExtendedI32 rejects, an entry parameter not zero-extended at its
  // definition, a parameter of a block outside the order. That depends only on the parameters
  // behind it, so the fixpoint over that closure (with answers already known taken as they are)
  // gives the whole function's answer for every member, and each parameter is resolved once
  // per function: linear in the edges into the blocks of the parameters asked about, where the
  // whole-function fixpoint walked every edge of every function that asked about one
  // parameter. Reads only the IR, the order and zext_def_, all complete once LowerEntry's
  // demand walk is done, so the answer does not depend on when it is asked.
  void ResolveZeroExtendedParam(ir::Value q) const;
  // zext_param_'s states, by IR value index (a parameter's entry is unknown until it is asked
  // about or reached from one that is).
  static constexpr uint8_t kZextUnknown = 0, kZextYes = 1, kZextNo = 2, kZextVisiting = 3;
  // The whole-function fixpoint ResolveZeroExtendedParam replaced, into `out` (by value index, 1
  // for a zero-extended block parameter): Debug builds check every answer against it.
  void ComputeZeroExtendedParamsForCheck(std::vector<uint8_t>* out) const;
  // Fills zext_def_: the i32 register parameters of the entry block and i32 register results of
  // calls (which carry no guarantee above bit 31) that reach a `uextend.i64`, directly or through
  // block parameters. Each is zero-extended once where it is defined (LowerEntry, LowerCall: one
  // `movl`), so it and every block parameter it feeds count as zero-extended, and the uextends
  // (heap addresses in a loop over a malloc'ed pointer) emit nothing.
  void ComputeZeroExtendDemand(const CallLayout& self);
  // For an i32 block parameter that counts a loop, an unsigned upper bound (else UINT32_MAX). A
  // parameter qualifies when every incoming argument is a constant or `iadd_imm p, s`
  // (0 < s < 2^16) of the parameter itself, passed only on an edge that a compare of that sum
  // against a constant B guards: taken only when sum <u B (bound max(constants, B - 1)), or only
  // when sum != B with every constant c < B and (B - c) % s == 0 (the count steps exactly onto
  // B: bound B - s), or only when sum <s B with the bound plus s below 2^31 (the sum never
  // reaches the sign bit). Per parameter, on its first question (IndexOffset asks only of the
  // counters under a heap index; a function has few), from the parameter's in-edges, memoized
  // in iv_max_ / iv_known_.
  uint32_t IvBound(ir::Value p) const;
  // An edge into a block: the destination `call` of block `src`'s terminator, its `which`-th.
  struct InEdge {
    const ir::BlockCall* call;
    ir::Block src;
    uint32_t which;
  };
  // The edges into block `b` from the reachable blocks, in the order's block and destination
  // order (a table by block, CSR, built on the first call: ComputeZeroExtendDemand's walk and
  // IvBound ask for it).
  std::span<const InEdge> InEdges(ir::Block b) const;
  // The folding of a heap index `uextend.i64 (iadd_imm p, c)` into the addressing mode as index
  // p and displacement c: valid when the iadd_imm is used only by the uextend, which is used
  // only as the index operand of an address iadd folded into its memory users (IsSunk), p is
  // zero-extended (ZeroExtendedI32) and IvBound(p) + c < 2^32 (the i32 add cannot wrap, so
  // zext(p + c) = zext(p) + c), and 0 <= c with c plus any access offset within int32.
  // Returns the iadd_imm (invalid: no folding) and its p and c.
  ir::Inst IndexOffset(ir::Value index, ir::Value* p, int64_t* c) const;
  // Whether i32 value `v` (an entry parameter or a call result) is zero-extended at its
  // definition (zext_def_).
  bool ZeroExtendedAtDef(ir::Value v) const {
    return v.index < zext_def_.size() && zext_def_[v.index];
  }
  // The vreg an instruction defining `v` in a fixed register writes: v's own, or, when v is
  // zero-extended at its definition, a fresh temporary recorded in `widen` as (temporary, v's
  // vreg), for EmitZeroExtend after the instruction.
  VReg FixedDefVReg(ir::Value v, std::vector<std::pair<VReg, VReg>>* widen) {
    const VReg r = DefVReg(v);
    if (!ZeroExtendedAtDef(v)) return r;
    widen->emplace_back(NewVReg(Type::kI32), r);
    return widen->back().first;
  }
  static bool IsMemory(const ir::InstData& d) {
    const ir::InstFormat fmt = ir::Info(d.opcode).format;
    return fmt == ir::InstFormat::kLoad || fmt == ir::InstFormat::kStore;
  }

  // The condition `c` (the condition operand of `user`); `fold`: its compare is folded.
  Cond CondOf(ir::Value c, bool fold, ir::Inst user = ir::Inst());
  void PushCondOperands(const Cond& c, MInst* m, std::vector<Operand>* ops);
  // The compare `c` and a setcc of its condition into `i`'s result (MOp::kCmpSet).
  Status EmitCmpSet(const Cond& c, ir::Inst i);
  // Pushes the operands of the addressing mode of memory access `mem` and records them in `m`.
  void AddressOperands(ir::Inst mem, MInst* m);

  // ---- Rules, one per opcode family (LowerInst's table, RuleTable, names them).
  friend struct RuleTable;
  Status LowerNothing(ir::Inst i);
  Status LowerIsNull(ir::Inst i);
  Status LowerMemoryRule(ir::Inst i);
  Status LowerAtomicRule(ir::Inst i);
  Status LowerUnsupported(ir::Inst i);
  Status LowerAlu(ir::Inst i);
  // The sum of AddTreeLeaves' `n` leaves of `root`, in their order: lea (or add) of the first
  // two, then one add per leaf into the running sum (a load the root folds, FoldedLoadOperand,
  // as a memory operand).
  void LowerAddTree(ir::Inst root, const ir::Value* leaves, const uint8_t* mem, int n);
  Status LowerDivRem(ir::Inst i);
  Status LowerMulHi(ir::Inst i);
  Status LowerShift(ir::Inst i);
  Status LowerBitCount(ir::Inst i);
  Status LowerUnary(ir::Inst i);
  Status LowerIcmp(ir::Inst i);
  Status LowerFcmp(ir::Inst i);
  Status LowerSelect(ir::Inst i);
  // select `i` of an f32/f64 on fcmp `cmp` of the same type, without a branch: the mask
  // cmpss/cmpsd(a, b) (kSseBin), then d = y ^ ((x ^ y) & mask) (kSelect, CondKind::kMask).
  void LowerFloatMaskSelect(ir::Inst i, ir::Inst cmp);
  // Whether float select `i` on fcmp `cmp` is a loop-carried min/max: a compared value is also
  // a selected one, a block parameter, and the select's only use is the branch passing the
  // result back as that parameter (`m = select(x, m, x > m)` around a loop). A mask would put
  // cmpsd+xor+and+xor (about 7 cycles) on that recurrence every iteration; a branch that is
  // predicted costs nothing there, and a running min/max rarely changes (measured: docs/x64.md,
  // "Float select").
  bool LoopCarriedSelect(ir::Inst i, ir::Inst cmp) const;
  Status LowerExtend(ir::Inst i);
  Status LowerFloatArith(ir::Inst i);
  Status LowerFminmax(ir::Inst i);
  Status LowerFsign(ir::Inst i);
  Status LowerFloatUnary(ir::Inst i);
  Status LowerFpToInt(ir::Inst i);
  Status LowerIntToFp(ir::Inst i);
  Status LowerBitcast(ir::Inst i);
  void LowerMemory(ir::Inst i);
  void LowerRmwStore(ir::Inst st, const RmwMatch& r);
  Status LowerCall(ir::Inst i);
  void LowerAtomic(ir::Inst i);
  Status LowerTailCall(ir::Inst i);
  Status LowerTrapIf(ir::Inst i);
  // SIMD: every vector opcode (ir/simd.h), needing SSE4.1.
  Status LowerVector(ir::Inst i);
  // The 32/64-bit scalar load that vscalar_to_vector or vsplat `user` reads straight into an xmm
  // register (movss/movsd from memory zero the upper lanes), or an invalid value.
  ir::Value VectorLoadOperand(ir::Inst user) const;
  // movss/movsd (by `f64`) of the memory operand of load `load` into `dst`.
  void EmitXmmLoad(ir::Inst load, bool f64, VReg dst);
  // d = reuse(a) op b (or VEX d = a op b); `swap`: the IR operands in the other order.
  void EmitVecBin(ir::Inst i, SseOp op, bool swap = false);
  // d = op a [, $imm].
  void EmitVecUnary(ir::Inst i, SseOp op, uint8_t imm = 0);
  // An MOp::kVec sequence: `uses` as a, b, c, the result an early def, then `xtmps` xmm and
  // (gtmp) one GPR early-def temporaries. `m` carries the payload fields already set.
  void EmitVecSeq(ir::Inst i, VecOp op, OpSize lane, std::initializer_list<ir::Value> uses,
                  int xtmps, bool gtmp, bool float_lanes, MInst m);

  const ir::Function* f_ = nullptr;
  const ir::DataFlowGraph* dfg_ = nullptr;
  const backend::ModuleContext* module_ = nullptr;
  CpuFeatures features_;
  VCode v_;  // before ctx_, which refers to v_.ra
  backend::LowerCtx ctx_;
  std::vector<Operand> ops_;
  std::vector<Operand> ret_ops_;  // a return's register operands (LowerTerminator)
  std::vector<VReg> jump_args_;   // a jump's argument vregs (LowerTerminator's scratch)
  std::vector<std::pair<VReg, VReg>> entry_widen_;  // LowerEntry's zero-extended parameters
  CallLayout self_layout_;                          // this function's own signature (LowerEntry)
  mutable std::vector<uint8_t> zext_param_;         // by IR value index: ZeroExtendedI32 for block
                                                    // parameters (kZext*, ResolveZeroExtendedParam)
  mutable std::vector<uint8_t> zext_check_;  // Debug builds: ComputeZeroExtendedParamsForCheck
  std::vector<uint8_t> zext_def_;            // by IR value index: ComputeZeroExtendDemand
  bool has_uextend_ = false;                 // some uextend.i64 of an i32 (ComputeZeroExtendDemand)
  // By IR value index: IvBound's answers. Read only where iv_known_ is set, so its stale
  // entries from earlier functions are never cleared: the table only grows (kept as it is by
  // Reset).
  mutable std::vector<uint32_t> iv_max_;
  mutable std::vector<uint8_t> iv_known_;   // by IR value index: iv_max_ holds the answer
  mutable std::vector<uint32_t> in_begin_;  // by IR block index: InEdges, CSR
  mutable std::vector<InEdge> in_edges_;
  // Whether the on-demand analyses and tables were made for this function (reset by
  // LowerEntry).
  mutable bool zext_params_started_ = false, iv_bounds_started_ = false, in_edges_built_ = false;
  mutable std::vector<uint8_t> depth_;  // by IR value index: Depth + 1 (0: not computed)
  // By IR instruction index: IsBswapRoot's answer in bits 0-1 (0 not computed, 1 no, 2 yes)
  // and kBswapMember for a member of a root's tree found so far; sized (and cleared) at the
  // function's first question (bswap_roots_started_, reset by LowerEntry).
  mutable std::vector<uint8_t> bswap_root_;
  mutable std::vector<ir::Inst> bswap_members_;  // IsBswapRoot's scratch
  mutable bool bswap_roots_started_ = false;
  static constexpr uint8_t kBswapMember = 4;
  // By IR instruction index: IsSunk's answer in bits 0-1, 0 not computed yet, 1 no, 2 yes, and
  // SinkableCompare's in bits 2-3 the same way. Sized (and cleared) by LowerEntry once its
  // analyses are done: every matcher IsSunk asks is a pure function of the IR, the walk's use
  // counts and those analyses, none of which change while the blocks are lowered, so an answer
  // computed once holds for the whole function. Bits 4-7 are what the memory accesses' matchers
  // fold (MarkFoldedMemoryOperands, complete before the first IsSunk).
  mutable std::vector<uint8_t> sunk_;
  static constexpr uint8_t kFoldedAdd = 1 << 4, kHeapOffsetPart = 1 << 5, kRmwAlu = 1 << 6,
                           kRmwLoad = 1 << 7;
  // The same for the matchers asked both where a definition decides whether it is sunk and
  // where its user is lowered (MatchAddress, MatchRmwStore, FoldedLoadOperand): one MatchMemo
  // per instruction asked, found through memo_slot_ (by IR instruction index, UINT32_MAX: none
  // yet), `known` saying which of its answers are filled in. Reset by LowerEntry.
  static constexpr uint8_t kAddressKnown = 1, kRmwKnown = 2, kFoldedKnown = 4;
  struct MatchMemo {
    AddressMatch address;
    RmwMatch rmw;
    ir::Value folded;
    uint8_t known = 0;
    ir::Inst inst;  // whose memo this is
  };
  // Invariant when a function starts (Reset): every entry is UINT32_MAX. A function sets only
  // the entries of the instructions it makes memos for, and the next Reset resets exactly those
  // (by memos_), so a function costs O(memos), not O(instructions), here; LowerEntry only grows
  // the table.
  mutable std::vector<uint32_t> memo_slot_;
  mutable std::vector<MatchMemo> memos_;
  // The memo of `i` when its answer `what` is known, else null.
  const MatchMemo* FindMemo(ir::Inst i, uint8_t what) const {
    EGRET_DCHECK(i.index < dfg_->NumInsts() && i.index < memo_slot_.size());  // after LowerEntry
    const uint32_t slot = memo_slot_[i.index];
    return slot != UINT32_MAX && (memos_[slot].known & what) ? &memos_[slot] : nullptr;
  }
  // The memo of `i`, created empty if it has none (valid until the next MemoOf).
  MatchMemo& MemoOf(ir::Inst i) const {
    uint32_t& slot = memo_slot_[i.index];
    if (slot == UINT32_MAX) {
      slot = static_cast<uint32_t>(memos_.size());
      memos_.emplace_back().inst = i;
    }
    return memos_[slot];
  }
  // The answer `Field` of `i` (known bit `What`): compute() on the first ask, the memo after.
  template <auto Field, uint8_t What, class F>
  auto Memoized(ir::Inst i, F&& compute) const {
    if (const MatchMemo* memo = FindMemo(i, What)) return memo->*Field;
    const auto answer = compute();
    MatchMemo& memo = MemoOf(i);
    memo.*Field = answer;
    memo.known |= What;
    return answer;
  }
  // The largest offset of the loads and stores addressing through `addr` (INT64_MAX when one is
  // negative; -1 when none does). A value used once asks its user; the first question about
  // one used more often fills addr_max_off_ for every value (most heap addresses have one use).
  int64_t MaxAccessOffset(ir::Value addr) const;
  // By IR value index: MaxAccessOffset of a value used more than once.
  mutable std::vector<int64_t> addr_max_off_;
  mutable bool addr_max_off_built_ = false;
  // By IR value index: how many loads and stores, in any block, use it as their address.
  // Filled by AddressFoldsEverywhere when first asked (most functions at --opt-level=none
  // never ask: each access has its own address).
  mutable std::vector<uint32_t> addr_uses_;
};

VReg Lowerer::Rematerialize(ir::Value v, const ir::InstData& d) {
  VReg r = NewVReg(dfg_->ValueType(v));
  MInst m;
  if (d.opcode == Opcode::kIconst) {
    m.op = MOp::kIconst;
    m.size = AluSize(dfg_->ValueType(v));
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
  // Memoized in bits 2-3 of sunk_ (0: not computed yet, 1: none, 2: the definition of the
  // condition): asked of a branch by its compare's IsSunk, TestedAnd, TestedLoad and its rule.
  EGRET_DCHECK(user.index < sunk_.size());  // asked only after LowerEntry
  const uint8_t known = (sunk_[user.index] >> 2) & 3;
  if (known == 2) return DefInstId((*dfg_)[user].args[0]);
  if (known == 1) return ir::Inst();
  const ir::Inst cmp = ComputeSinkableCompare(user);
  sunk_[user.index] |= (cmp.valid() ? 2 : 1) << 2;
  return cmp;
}

ir::Inst Lowerer::ComputeSinkableCompare(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  bool allow_float = false;
  switch (d.opcode) {
    case Opcode::kBrif:
      allow_float = true;
      break;
    case Opcode::kSelect: {
      // An f32/f64 select on a compare of its own type is a branchless mask (LowerSelect).
      const Type t = dfg_->ValueType(FirstResult(user));
      const ir::Inst di = DefInstId(d.args[0]);
      allow_float = (t == Type::kF32 || t == Type::kF64) && di.valid() &&
                    (*dfg_)[di].opcode == Opcode::kFcmp &&
                    dfg_->ValueType((*dfg_)[di].args[0]) == t;
      break;
    }
    case Opcode::kTrapz:
    case Opcode::kTrapnz:
      break;
    default:
      return ir::Inst();
  }
  const ir::Value c = d.args[0];
  const ir::Inst di = DefInstId(c);
  if (!di.valid() || ctx_.UseCount(c) != 1) return ir::Inst();
  if (ctx_.BlockOf(di) != ctx_.BlockOf(user) && !CompareReachesBlock(di, ctx_.BlockOf(user)))
    return ir::Inst();
  const Opcode op = (*dfg_)[di].opcode;
  if (op == Opcode::kIcmp || op == Opcode::kIcmpImm || (allow_float && op == Opcode::kFcmp))
    return di;
  return ir::Inst();
}

bool Lowerer::CompareReachesBlock(ir::Inst cmp, ir::Block b) const {
  // `b` must have exactly one predecessor edge, from the terminator of the compare's block (a
  // jump or a brif): then every path to the user passes the compare's block right before it,
  // and the operands' live ranges grow only over that block's tail and the edge (never around a
  // loop: a block with a single predecessor is not a loop header).
  if (ctx_.order().num_preds[b.index] != 1) return false;
  const ir::Inst term = f_->layout.LastInst(ctx_.BlockOf(cmp));
  if (!term.valid()) return false;
  const ir::InstData& t = (*dfg_)[term];
  if (t.opcode == Opcode::kJump) return t.dest[0].block == b;
  if (t.opcode == Opcode::kBrif) return t.dest[0].block == b || t.dest[1].block == b;
  return false;
}

ir::Inst Lowerer::CompareSite(ir::Inst cmp) const {
  const ir::Inst u = ctx_.SoleUser(FirstResult(cmp));
  return u.valid() && SinkableCompare(u) == cmp ? u : cmp;
}

ir::Value Lowerer::CompareLoadOperand(ir::Inst cmp) const {
  const ir::InstData& d = (*dfg_)[cmp];
  if (d.opcode != Opcode::kIcmp && d.opcode != Opcode::kIcmpImm) return ir::Value();
  const ir::Inst site = CompareSite(cmp);
  const Opcode so = (*dfg_)[site].opcode;
  // A conditional trap's MInst records its own trap code, so only a load that cannot trap
  // (a VMContext or table field) folds into its compare.
  const bool trap_site = so == Opcode::kTrapz || so == Opcode::kTrapnz;
  const Type t = dfg_->ValueType(Resolve(d.args[0]));
  if (t != Type::kI32 && t != Type::kI64) return ir::Value();
  int32_t imm32;
  if (d.opcode == Opcode::kIcmpImm && !ImmOperand(d.imm, SizeOf(t), &imm32)) return ir::Value();
  const int n = d.opcode == Opcode::kIcmp ? 2 : 1;
  for (int k = 0; k < n; ++k) {
    const ir::Value v = d.args[k];
    if (n == 2 && Resolve(d.args[0]) == Resolve(d.args[1])) break;
    if (!ctx_.CanSinkInto(v, cmp)) continue;
    const ir::Inst li = DefInstId(v);
    const OpSize width = LoadWidth(li);
    if (width == OpSize::k64 && (*dfg_)[li].opcode != Opcode::kLoad) continue;  // not a load
    if (width != SizeOf(t)) {
      // An extending load compares at its own width only for == / != 0 (the extension is zero
      // exactly when the loaded bits are), as the left operand.
      int64_t zero = d.imm;
      const auto cc = static_cast<ir::IntCC>(d.cond);
      if (k != 0 || (cc != ir::IntCC::kEq && cc != ir::IntCC::kNe)) continue;
      if (d.opcode == Opcode::kIcmp ? !IsIconst(d.args[1], &zero) || zero != 0 : zero != 0)
        continue;
    }
    if (trap_site && !(*dfg_)[li].flags.Has(ir::MemFlags::kNotrap)) continue;
    if (ctx_.OnlyPureBetween(li, site)) return Resolve(v);
  }
  return ir::Value();
}

ir::Inst Lowerer::TestedAnd(ir::Inst user) const {
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
  ir::Value v = d.args[0];
  ir::Inst anchor = user;
  const ir::Inst cmp = SinkableCompare(user);
  if (cmp.valid()) {
    const ir::InstData& c = (*dfg_)[cmp];
    if (c.opcode == Opcode::kFcmp) return ir::Inst();
    const auto cc = static_cast<ir::IntCC>(c.cond);
    if (cc != ir::IntCC::kEq && cc != ir::IntCC::kNe) return ir::Inst();
    int64_t zero = c.imm;
    if (c.opcode == Opcode::kIcmp && !IsIconst(c.args[1], &zero)) return ir::Inst();
    if (zero != 0) return ir::Inst();
    v = c.args[0];
    anchor = cmp;
  }
  const ir::Inst a = DefInstId(v);
  if (!ctx_.CanSinkInto(v, anchor) &&
      !(a.valid() && ctx_.UseCount(v) == 1 && CompareReachesBlock(a, ctx_.BlockOf(anchor))))
    return ir::Inst();
  const ir::InstData& ad = (*dfg_)[a];
  const Type t = dfg_->ValueType(Resolve(v));
  if (t != Type::kI32 && t != Type::kI64) return ir::Inst();
  int32_t imm32;
  if (ad.opcode == Opcode::kBandImm) return ImmOperand(ad.imm, SizeOf(t), &imm32) ? a : ir::Inst();
  if (ad.opcode != Opcode::kBand || AndnOperand(a).valid()) return ir::Inst();
  for (int k = 0; k < 2; ++k) {
    int64_t imm;
    if (IsIconst(ad.args[k], &imm) && !ImmOperand(imm, SizeOf(t), &imm32)) return ir::Inst();
  }
  return a;
}

bool Lowerer::IsTestedAnd(ir::Inst i) const {
  ir::Inst u = ctx_.SoleUser(FirstResult(i));
  if (!u.valid()) return false;
  const Opcode op = (*dfg_)[u].opcode;
  if (op == Opcode::kIcmp || op == Opcode::kIcmpImm) {
    u = ctx_.SoleUser(FirstResult(u));
    if (!u.valid()) return false;
  }
  return TestedAnd(u) == i;
}

OpSize Lowerer::LoadWidth(ir::Inst li) const {
  const ir::InstData& l = (*dfg_)[li];
  switch (l.opcode) {
    case Opcode::kLoad: {
      const Type t = dfg_->ValueType(FirstResult(li));
      return t == Type::kI32 ? OpSize::k32 : OpSize::k64;  // callers check the type
    }
    case Opcode::kUload8:
    case Opcode::kSload8:
      return OpSize::k8;
    case Opcode::kUload16:
    case Opcode::kSload16:
      return OpSize::k16;
    case Opcode::kUload32:
    case Opcode::kSload32:
      return OpSize::k32;
    default:
      return OpSize::k64;
  }
}

ir::Value Lowerer::TestedLoad(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  const bool trap_site = d.opcode == Opcode::kTrapz || d.opcode == Opcode::kTrapnz;
  if (!trap_site && d.opcode != Opcode::kBrif && d.opcode != Opcode::kSelect) return ir::Value();
  if (SinkableCompare(user).valid()) return ir::Value();
  const ir::Value c = d.args[0];
  if (!ctx_.CanSinkInto(c, user)) return ir::Value();
  const ir::Inst li = DefInstId(c);
  const ir::InstData& l = (*dfg_)[li];
  const Type t = dfg_->ValueType(Resolve(c));
  if (t != Type::kI32 && t != Type::kI64) return ir::Value();
  // A plain or extending integer load (tested at the width it reads).
  if (LoadWidth(li) == OpSize::k64 && l.opcode != Opcode::kLoad) return ir::Value();
  if (trap_site && !l.flags.Has(ir::MemFlags::kNotrap)) return ir::Value();
  return ctx_.OnlyPureBetween(li, user) ? Resolve(c) : ir::Value();
}

Lowerer::AddressMatch Lowerer::MatchAddress(ir::Inst mem) const {
  return Memoized<&MatchMemo::address, kAddressKnown>(mem,
                                                      [&] { return ComputeMatchAddress(mem); });
}

Lowerer::AddressMatch Lowerer::ComputeMatchAddress(ir::Inst mem) const {
  const ir::InstData& d = (*dfg_)[mem];
  const ir::Value addr =
      ir::Info(d.opcode).format == ir::InstFormat::kStore ? d.args[1] : d.args[0];
  AddressMatch m;
  // Folded when this access is its only use, or when every use is an address in the same block
  // (each access then recomputes it in its addressing mode: no instruction, no register), or
  // in any block (AddressFoldsEverywhere: then only base and index, no shift and no heap
  // offset, so that every user folds the same operands whatever its block).
  const ir::Inst ai = DefInstId(addr);
  if (!ai.valid()) return m;
  const ir::InstData& a = (*dfg_)[ai];
  if (a.opcode != Opcode::kIadd || IsConst(a.args[0]) || IsConst(a.args[1])) return m;
  const bool everywhere = !ctx_.CanSinkInto(addr, mem) && !ctx_.OnlyAddressUsesInBlock(addr);
  if (everywhere && !AddressFoldsEverywhere(addr)) return m;
  m.add = ai;
  if (everywhere) return m;
  const ir::Inst si = DefInstId(a.args[1]);
  ir::Value x;
  int64_t amount;
  if (si.valid() && ShlByConst(si, &x, &amount) && amount <= 3 &&
      ctx_.BlockOf(si) == ctx_.BlockOf(mem) && ctx_.UseCount(a.args[1]) == 1) {
    m.shift = si;
    return m;
  }
  // The Wasm heap shape: index = uextend.i64 (iadd_imm (ishl_imm x, k) c), each used once in
  // this block, the add used only by this access.
  if (!si.valid() || (*dfg_)[si].opcode != Opcode::kUextend || !ctx_.CanSinkInto(addr, mem) ||
      !ctx_.CanSinkInto(a.args[1], ai))
    return m;
  const ir::Value off = (*dfg_)[si].args[0];
  const ir::Inst oi = DefInstId(off);
  if (!oi.valid() || (*dfg_)[oi].opcode != Opcode::kIaddImm || dfg_->ValueType(off) != Type::kI32 ||
      !ctx_.CanSinkInto(off, si))
    return m;
  const int64_t c = static_cast<int64_t>(static_cast<uint32_t>((*dfg_)[oi].imm));
  const int64_t disp = c + (*dfg_)[mem].imm;
  if (c >= (int64_t{1} << 31) || disp > INT32_MAX || disp < INT32_MIN) return m;
  ir::Value index = (*dfg_)[oi].args[0];
  ir::Inst shift;
  amount = 0;
  const ir::Inst ki = DefInstId(index);
  if (ki.valid() && ctx_.CanSinkInto(index, oi) && ShlByConst(ki, &x, &amount) && amount <= 3) {
    shift = ki;
    index = x;
  } else {
    amount = 0;
  }
  if (IsConst(index) || !ZeroExtendedI32(index) ||
      (UpperBoundI32(index) << amount) + static_cast<uint64_t>(c) > 0xffffffffu)
    return m;
  m.shift = shift;
  m.ext = si;
  m.offset = oi;
  m.disp = static_cast<int32_t>(c);
  return m;
}

void Lowerer::MarkFoldedMemoryOperands() {
  // Every access's matchers, once: what they fold is marked on the folded definitions. The
  // definitions' own queries (IsSunk, AddTreeRoot, InAddTree, LeaImmAdd) read the marks, which
  // says the same as asking the matcher of the access at the end of the definition's chain of
  // sole users (OffsetFoldingAccess and RmwStoreOf did that walk per definition):
  //  - AddressMatch::add: when one access folds the add, every access using it does (MatchAddress
  //    decides from the add alone whether it folds: sole use, only addresses in its block, or
  //    AddressFoldsEverywhere), so a mark from any of them is the answer of its last user;
  //  - AddressMatch::offset, ext, shift (with a valid offset): each is used once, by the next one
  //    on the chain, up to the add and the access;
  //  - RmwMatch::alu, load: the ALU op is used once, by the store; the load once, by the ALU op.
  // The memos MatchAddress and MatchRmwStore keep serve the accesses' own rules later.
  for (ir::Inst mem : ctx_.order().mem_insts) {
    if (ir::Info((*dfg_)[mem].opcode).format == ir::InstFormat::kStore) {
      const RmwMatch r = MatchRmwStore(mem);
      if (r.alu.valid()) {
        sunk_[r.alu.index] |= kRmwAlu;
        sunk_[r.load.index] |= kRmwLoad;
      }
    }
    const AddressMatch m = MatchAddress(mem);
    if (!m.add.valid()) continue;
    sunk_[m.add.index] |= kFoldedAdd;
    if (!m.offset.valid()) continue;
    sunk_[m.offset.index] |= kHeapOffsetPart;
    sunk_[m.ext.index] |= kHeapOffsetPart;
    if (m.shift.valid()) sunk_[m.shift.index] |= kHeapOffsetPart;
  }
}

bool Lowerer::AddressFoldsEverywhere(ir::Value addr) const {
  const ir::Value r = Resolve(addr);
  const ir::InstData* a = DefInst(r);
  if (a == nullptr || a->opcode != Opcode::kIadd) return false;
  // Its last user must address through it (O(1), before anything else: most iadds are not
  // addresses at all).
  const ir::Inst lu = ctx_.order().last_user[r.index];
  if (!lu.valid() || !IsMemory((*dfg_)[lu])) return false;
  const ir::InstData& ld = (*dfg_)[lu];
  if (Resolve(ir::Info(ld.opcode).format == ir::InstFormat::kStore ? ld.args[1] : ld.args[0]) != r)
    return false;
  // An operand lives on when it has other uses, or when it is a free uextend (the register of
  // its zero-extended i32 operand, LowerExtend) of a value that has.
  auto lives_on = [&](ir::Value v) {
    if (ctx_.UseCount(v) > 1) return true;
    const ir::InstData* e = DefInst(v);
    return e != nullptr && e->opcode == Opcode::kUextend &&
           dfg_->ValueType(e->args[0]) == Type::kI32 && ZeroExtendedI32(e->args[0]) &&
           ctx_.UseCount(e->args[0]) > 1;
  };
  if (!lives_on(a->args[0]) && !lives_on(a->args[1])) return false;
  if (ctx_.UseCount(r) == 1) return true;  // that last user is the only one
  if (addr_uses_.empty()) {
    // Over the loads and stores the order listed (every one of the reachable blocks), not a
    // second walk over all instructions.
    addr_uses_.assign(dfg_->NumValues(), 0);
    for (ir::Inst i : ctx_.order().mem_insts) {
      const ir::InstData& d = (*dfg_)[i];
      const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
      ++addr_uses_[Resolve(store ? d.args[1] : d.args[0]).index];
    }
  }
  return addr_uses_[r.index] == ctx_.UseCount(r);
}

uint64_t Lowerer::UpperBoundI32(ir::Value v, int depth) const {
  constexpr uint64_t kAll = 0xffffffffu;
  int64_t k;
  if (IsIconst(v, &k)) return static_cast<uint32_t>(k);
  const ir::InstData* d = DefInst(v);
  if (d == nullptr || depth == 0 || dfg_->ValueType(Resolve(v)) != Type::kI32) return kAll;
  auto ones_up_to = [](uint64_t b) {  // the smallest 2^n - 1 >= b
    uint64_t r = 0;
    while (r < b) r = r << 1 | 1;
    return r;
  };
  switch (d->opcode) {
    case Opcode::kUload8:
      return 0xff;
    case Opcode::kUload16:
      return 0xffff;
    case Opcode::kBandImm:
      return std::min<uint64_t>(static_cast<uint32_t>(d->imm),
                                UpperBoundI32(d->args[0], depth - 1));
    case Opcode::kBand:
      return std::min(UpperBoundI32(d->args[0], depth - 1), UpperBoundI32(d->args[1], depth - 1));
    case Opcode::kBor:
    case Opcode::kBxor:
      return ones_up_to(
          std::max(UpperBoundI32(d->args[0], depth - 1), UpperBoundI32(d->args[1], depth - 1)));
    case Opcode::kBorImm:
    case Opcode::kBxorImm:
      return ones_up_to(
          std::max<uint64_t>(static_cast<uint32_t>(d->imm), UpperBoundI32(d->args[0], depth - 1)));
    case Opcode::kUshrImm:
      return UpperBoundI32(d->args[0], depth - 1) >> (d->imm & 31);
    default:
      return kAll;
  }
}

Lowerer::RmwMatch Lowerer::MatchRmwStore(ir::Inst st) const {
  // Most stores store no ALU result: that answer needs no memo (ComputeMatchRmwStore's first
  // requirement, checked here so that only candidates get one).
  const ir::InstData* a = DefInst((*dfg_)[st].args[0]);
  if (a == nullptr || !AluOpOf(a->opcode)) return RmwMatch();
  return Memoized<&MatchMemo::rmw, kRmwKnown>(st, [&] { return ComputeMatchRmwStore(st); });
}

Lowerer::RmwMatch Lowerer::ComputeMatchRmwStore(ir::Inst st) const {
  RmwMatch r;
  const ir::InstData& s = (*dfg_)[st];
  // The width written: a full-width store pairs with a plain load, a narrow store
  // (istore8/16/32) with an extending load of that width. The low bits of add, sub, and, or and
  // xor depend only on the low bits of their operands, so the narrow RMW is exact.
  OpSize width;
  switch (s.opcode) {
    case Opcode::kStore:
      width = OpSize::k64;  // the value's size, below
      break;
    case Opcode::kIstore8:
      width = OpSize::k8;
      break;
    case Opcode::kIstore16:
      width = OpSize::k16;
      break;
    case Opcode::kIstore32:
      width = OpSize::k32;
      break;
    default:
      return r;
  }
  const bool narrow = s.opcode != Opcode::kStore;
  const ir::Value v = s.args[0];
  const Type t = dfg_->ValueType(Resolve(v));
  if ((t != Type::kI32 && t != Type::kI64) || !ctx_.CanSinkInto(v, st)) return r;
  if (s.opcode == Opcode::kStore) width = SizeOf(t);
  const ir::Inst ai = DefInstId(v);
  const ir::InstData& a = (*dfg_)[ai];
  const std::optional<AluOp> alu = AluOpOf(a.opcode);
  if (!alu) return r;
  r.op = *alu;
  const bool commutative = a.opcode != Opcode::kIsub;
  const bool imm_form = ir::Info(a.opcode).format == ir::InstFormat::kBinaryImm;
  const OpSize size = SizeOf(t);
  for (int k = 0; k < (imm_form || !commutative ? 1 : 2); ++k) {
    const ir::Value lv = a.args[k];
    if (!ctx_.CanSinkInto(lv, ai)) continue;
    const ir::Inst li = DefInstId(lv);
    const ir::InstData& l = (*dfg_)[li];
    if (dfg_->ValueType(Resolve(lv)) != t || LoadWidth(li) != width) continue;
    if ((l.opcode == Opcode::kLoad) == narrow) continue;  // plain load: full width only
    if (narrow && width == OpSize::k64) continue;
    if (Resolve(l.args[0]) != Resolve(s.args[1]) || l.imm != s.imm) continue;
    if (!ctx_.OnlyPureBetween(li, st)) continue;
    int64_t imm = a.imm;
    int32_t imm32;
    if (narrow && (imm_form || IsIconst(a.args[1 - k], &imm))) {
      r.imm_operand = true;  // only its low `width` bytes matter
      r.imm = static_cast<int32_t>(imm);
    } else if ((imm_form || IsIconst(a.args[1 - k], &imm)) && ImmOperand(imm, size, &imm32)) {
      r.imm_operand = true;
      r.imm = imm32;
    } else if (imm_form) {
      continue;  // a 64-bit immediate with no imm32 form and no value to put in a register
    } else {
      r.other = a.args[1 - k];  // a register (a wide constant is materialized)
    }
    r.alu = ai;
    r.load = li;
    return r;
  }
  return r;
}

bool Lowerer::LoadFoldableInto(ir::Value v, ir::Inst user) const {
  if (!ctx_.CanSinkInto(v, user)) return false;
  const ir::Inst li = DefInstId(v);
  if ((*dfg_)[li].opcode != Opcode::kLoad) return false;
  const Type t = dfg_->ValueType(Resolve(v));
  const bool float_user = ir::Info((*dfg_)[user].opcode).format != ir::InstFormat::kBinary ||
                          ir::IsFloat(dfg_->ValueType(FirstResult(user)));
  if (ir::IsFloat(t) != float_user || t == Type::kI8 || t == Type::kI16) return false;
  return ctx_.OnlyPureBetween(li, user);
}

ir::Value Lowerer::AndnOperand(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  if (!features_.bmi1 || d.opcode != Opcode::kBand) return ir::Value();
  if (IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
  for (int k = 1; k >= 0; --k) {
    const ir::Value v = d.args[k];
    if (!ctx_.CanSinkInto(v, user)) continue;
    const ir::InstData& n = (*dfg_)[DefInstId(v)];
    if (n.opcode == Opcode::kBnot && !IsConst(n.args[0])) return v;
  }
  return ir::Value();
}

namespace {

// Whether `op` moves whole byte lanes when its amount or mask qualifies (BswapSource).
bool IsLaneOp(Opcode op) {
  switch (op) {
    case Opcode::kIshl:
    case Opcode::kUshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
    case Opcode::kIshlImm:
    case Opcode::kUshrImm:
    case Opcode::kRotlImm:
    case Opcode::kRotrImm:
    case Opcode::kBand:
    case Opcode::kBandImm:
      return true;
    default:
      return false;
  }
}

}  // namespace

ir::Value Lowerer::BswapSource(ir::Inst root, std::vector<ir::Inst>* members) const {
  const ir::InstData& rd = (*dfg_)[root];
  if (rd.opcode != Opcode::kBor) return ir::Value();
  const Type t = ResultType(root);
  if (t != Type::kI32 && t != Type::kI64) return ir::Value();
  const int n = t == Type::kI64 ? 8 : 4;
  // out[k]: the input byte that output byte k holds so far (-1: none yet).
  int8_t out[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
  ir::Value x;
  // Depth-first over the bors (fixed storage: IsSunk asks this for every member).
  constexpr int kMaxNodes = 16;
  ir::Value stack_v[kMaxNodes];
  ir::Inst stack_p[kMaxNodes];
  int sp = 0, nodes = 0;
  stack_v[sp] = rd.args[1], stack_p[sp++] = root;
  stack_v[sp] = rd.args[0], stack_p[sp++] = root;
  while (sp > 0) {
    --sp;
    const ir::Value v = stack_v[sp];
    const ir::Inst parent = stack_p[sp];
    if (++nodes > kMaxNodes || IsConst(v) || !ctx_.CanSinkInto(v, parent)) return ir::Value();
    const ir::Inst vi = DefInstId(v);
    const ir::InstData& vd = (*dfg_)[vi];
    if (vd.opcode == Opcode::kBor) {
      if (members != nullptr) members->push_back(vi);
      if (sp + 2 > kMaxNodes) return ir::Value();
      stack_v[sp] = vd.args[1], stack_p[sp++] = vi;
      stack_v[sp] = vd.args[0], stack_p[sp++] = vi;
      continue;
    }
    // A leaf: up to three lane moves, outermost first, down to x.
    ir::Inst chain[3];
    int len = 0;
    ir::Value cur = v;
    while (len < 3) {
      const ir::InstData* cd = DefInst(cur);
      if (cd == nullptr || !IsLaneOp(cd->opcode)) break;
      const ir::Inst ci = DefInstId(cur);
      if (len > 0 && !ctx_.CanSinkInto(cur, chain[len - 1])) break;
      ir::Value next = cd->args[0];
      int64_t k;
      if (ir::Info(cd->opcode).format != ir::InstFormat::kBinaryImm) {
        if (IsIconst(cd->args[1], &k)) {
        } else if ((cd->opcode == Opcode::kBand) && IsIconst(cd->args[0], &k)) {
          next = cd->args[1];
        } else {
          break;
        }
      }
      if (IsConst(next)) break;
      chain[len++] = ci;
      if (members != nullptr) members->push_back(ci);
      cur = next;
    }
    if (len == 0) return ir::Value();  // x itself keeps its bytes in place: not a bswap leaf
    cur = Resolve(cur);
    if (!x.valid()) x = cur;
    if (cur != x || dfg_->ValueType(x) != t) return ir::Value();
    int8_t m[8];
    for (int k = 0; k < n; ++k) m[k] = static_cast<int8_t>(k);
    for (int j = len - 1; j >= 0; --j) {
      const ir::InstData& cd = (*dfg_)[chain[j]];
      int64_t amount = cd.imm;
      if (ir::Info(cd.opcode).format != ir::InstFormat::kBinaryImm &&
          !IsIconst(cd.args[1], &amount))
        IsIconst(cd.args[0], &amount);  // band with the mask on the left
      int8_t r[8];
      if (cd.opcode == Opcode::kBand || cd.opcode == Opcode::kBandImm) {
        for (int k = 0; k < n; ++k) {
          const uint8_t byte = static_cast<uint8_t>(static_cast<uint64_t>(amount) >> (8 * k));
          if (byte != 0 && byte != 0xff) return ir::Value();
          r[k] = byte == 0xff ? m[k] : -1;
        }
      } else {
        amount &= 8 * n - 1;
        if (amount % 8 != 0) return ir::Value();
        const int b = static_cast<int>(amount / 8);
        for (int k = 0; k < n; ++k) {
          switch (cd.opcode) {
            case Opcode::kIshl:
            case Opcode::kIshlImm:
              r[k] = k >= b ? m[k - b] : -1;
              break;
            case Opcode::kUshr:
            case Opcode::kUshrImm:
              r[k] = k + b < n ? m[k + b] : -1;
              break;
            case Opcode::kRotl:
            case Opcode::kRotlImm:
              r[k] = m[(k - b + n) % n];
              break;
            default:  // rotr
              r[k] = m[(k + b) % n];
              break;
          }
        }
      }
      std::copy(r, r + n, m);
    }
    bool supplies = false;
    for (int k = 0; k < n; ++k) {
      if (m[k] < 0) continue;
      if (out[k] >= 0) return ir::Value();  // two leaves supply byte k
      out[k] = m[k];
      supplies = true;
    }
    if (!supplies) return ir::Value();
  }
  for (int k = 0; k < n; ++k)
    if (out[k] != n - 1 - k) return ir::Value();
  return x;
}

bool Lowerer::InBswapTree(ir::Inst i) const {
  const Type t = ResultType(i);
  if (t != Type::kI32 && t != Type::kI64) return false;
  // A tree has at most 15 bors and leaves of three moves: its root is within 18 sole users.
  ir::Inst cur = i;
  for (int depth = 0; depth < 18; ++depth) {
    const ir::Inst u = ctx_.SoleUser(FirstResult(cur));
    if (!u.valid()) return false;
    const Opcode op = (*dfg_)[u].opcode;
    if (op == Opcode::kBor) {
      // A root marks its members: `i` is one of a root on its chain of sole users (members reach
      // their root through bors and lane moves only, so this walk meets it).
      if (IsBswapRoot(u) && (bswap_root_[i.index] & kBswapMember) != 0) return true;
    } else if (!IsLaneOp(op)) {
      return false;
    }
    cur = u;
  }
  return false;
}

bool Lowerer::IsBswapRoot(ir::Inst root) const {
  if (!bswap_roots_started_) {
    bswap_roots_started_ = true;
    bswap_root_.assign(dfg_->NumInsts(), 0);
  }
  if ((bswap_root_[root.index] & 3) == 0) {
    bswap_members_.clear();
    const bool is_root = BswapSource(root, &bswap_members_).valid();
    bswap_root_[root.index] |= is_root ? 2 : 1;
    if (is_root)
      for (ir::Inst m : bswap_members_) bswap_root_[m.index] |= kBswapMember;
  }
  return (bswap_root_[root.index] & 3) == 2;
}

uint32_t Lowerer::Depth(ir::Value v, int budget) const {
  v = Resolve(v);
  if (v.index >= depth_.size()) depth_.resize(dfg_->NumValues(), 0);
  if (depth_[v.index] != 0) return depth_[v.index] - 1u;
  const ir::ValueData& vd = dfg_->ValueInfo(v);
  if (vd.kind != ir::ValueKind::kResult || budget <= 0) return 0;
  const ir::Inst di(vd.def);
  const ir::InstData& d = (*dfg_)[di];
  const ir::InstFormat fmt = ir::Info(d.opcode).format;
  if (fmt != ir::InstFormat::kBinary && fmt != ir::InstFormat::kBinaryImm &&
      fmt != ir::InstFormat::kUnary && fmt != ir::InstFormat::kLoad)
    return 0;
  if (fmt == ir::InstFormat::kLoad) {
    // Out-of-order execution issues a load as soon as its address is known, which in a loop is
    // mostly early (an index): count it as one step, whatever computes the address.
    depth_[v.index] = 2;
    return 1;
  }
  uint32_t m = 0;
  const int nargs = fmt == ir::InstFormat::kBinary ? 2 : 1;
  for (int k = 0; k < nargs; ++k) {
    const ir::Value a = Resolve(d.args[k]);
    if (IsConst(a)) continue;
    const ir::ValueData& ad = dfg_->ValueInfo(a);
    if (ad.kind != ir::ValueKind::kResult || ctx_.BlockOf(ir::Inst(ad.def)) != ctx_.BlockOf(di))
      continue;
    m = std::max(m, Depth(a, budget - 1));
  }
  const uint32_t r = std::min<uint32_t>(m + 1, 32);
  depth_[v.index] = static_cast<uint8_t>(r + 1);
  return r;
}

int Lowerer::AddTreeLeaves(ir::Inst root, ir::Value* leaves, uint8_t* mem) const {
  const ir::InstData& rd = (*dfg_)[root];
  if (rd.opcode != Opcode::kIadd) return 0;
  const Type t = ResultType(root);
  if (t != Type::kI32 && t != Type::kI64) return 0;
  if (LeaShiftOperand(root).valid()) return 0;
  // The root's own operands must not be interior nodes of a bigger tree: it is not one itself.
  const ir::Inst up = ctx_.SoleUser(FirstResult(root));
  if (up.valid() && (*dfg_)[up].opcode == Opcode::kIadd &&
      ctx_.CanSinkInto(FirstResult(root), up) && ResultType(up) == t)
    return 0;
  ir::Value stack[kMaxAddLeaves + 2];
  int sp = 0, n = 0, interior = 0;
  stack[sp++] = rd.args[1];
  stack[sp++] = rd.args[0];
  while (sp > 0) {
    const ir::Value v = stack[--sp];
    if (IsConst(v)) return 0;
    const ir::Inst parent_hint = ir::Inst();
    (void)parent_hint;
    const ir::InstData* vd = DefInst(v);
    if (vd != nullptr && vd->opcode == Opcode::kIadd && ResultType(DefInstId(v)) == t &&
        ctx_.UseCount(v) == 1 && ctx_.BlockOf(DefInstId(v)) == ctx_.BlockOf(root) &&
        !IsRmwAlu(DefInstId(v)) && !LeaShiftOperand(DefInstId(v)).valid()) {
      if (sp + 2 > kMaxAddLeaves + 2 || ++interior >= kMaxAddLeaves) return 0;
      stack[sp++] = vd->args[1];
      stack[sp++] = vd->args[0];
      continue;
    }
    if (n == kMaxAddLeaves) return 0;
    leaves[n++] = v;
  }
  if (n < 3) return 0;
  // Stable insertion sort by readiness (at most 8 leaves).
  uint32_t depth[kMaxAddLeaves];
  uint32_t max_depth = 0;
  for (int k = 0; k < n; ++k) max_depth = std::max(max_depth, depth[k] = Depth(leaves[k]));
  // Nothing to gain when a leaf the root adds directly is already among the last ready: the sum
  // as written ends with it (and keeps its folded loads where they are).
  for (int k = 0; k < 2; ++k) {
    const ir::Value a = rd.args[k];
    const ir::InstData* ad = DefInst(a);
    const bool interior = ad != nullptr && ad->opcode == Opcode::kIadd &&
                          ResultType(DefInstId(a)) == t && ctx_.UseCount(a) == 1 &&
                          ctx_.BlockOf(DefInstId(a)) == ctx_.BlockOf(root) &&
                          !LeaShiftOperand(DefInstId(a)).valid();
    if (!interior && Depth(a) >= max_depth) return 0;
  }
  for (int k = 1; k < n; ++k)
    for (int j = k; j > 0 && depth[j - 1] > depth[j]; --j) {
      std::swap(depth[j - 1], depth[j]);
      std::swap(leaves[j - 1], leaves[j]);
    }
  if (mem == nullptr) return n;
  int regs = 0;
  for (int k = 0; k < n; ++k) {
    const ir::Inst li = DefInstId(leaves[k]);
    mem[k] = li.valid() && (*dfg_)[li].opcode == Opcode::kLoad && ctx_.UseCount(leaves[k]) == 1 &&
             ctx_.BlockOf(li) == ctx_.BlockOf(root) && dfg_->ValueType(Resolve(leaves[k])) == t &&
             ctx_.OnlyPureBetween(li, root);
    regs += !mem[k];
  }
  for (int k = 0; k < n && regs < 2; ++k)
    if (mem[k]) mem[k] = 0, ++regs;  // the shallowest loads start the sum in registers
  // The first two register leaves to the front, the rest in readiness order.
  for (int front = 0; front < 2; ++front) {
    int k = front;
    while (mem[k]) ++k;
    for (; k > front; --k) {
      std::swap(leaves[k - 1], leaves[k]);
      std::swap(mem[k - 1], mem[k]);
    }
  }
  return n;
}

ir::Inst Lowerer::AddTreeRoot(ir::Inst i) const {
  ir::Value leaves[kMaxAddLeaves];
  if (InAddTree(i)) {
    ir::Inst cur = i;
    for (;;) {  // InAddTree walked the same chain
      const ir::Inst u = ctx_.SoleUser(FirstResult(cur));
      if (!u.valid() || (*dfg_)[u].opcode != Opcode::kIadd || !InAddTree(cur)) return cur;
      cur = u;
    }
  }
  if (AddTreeLeaves(i, leaves) == 0) return ir::Inst();
  if (IsRmwAlu(i)) return ir::Inst();
  if (IsFoldedAddressAdd(i)) return ir::Inst();
  return i;
}

bool Lowerer::InAddTree(ir::Inst i) const {
  // Up the chain of sole iadd users to the root; i is interior when that root is a tree (and not
  // sunk itself: then it emits the whole sum).
  ir::Inst cur = i;
  const Type t = ResultType(i);
  for (int depth = 0; depth < kMaxAddLeaves; ++depth) {
    const ir::Inst u = ctx_.SoleUser(FirstResult(cur));
    if (!u.valid() || (*dfg_)[u].opcode != Opcode::kIadd || ResultType(u) != t ||
        ctx_.BlockOf(u) != ctx_.BlockOf(cur) || IsRmwAlu(cur) || LeaShiftOperand(cur).valid())
      break;
    cur = u;
  }
  if (cur == i) return false;
  ir::Value leaves[kMaxAddLeaves];
  if (AddTreeLeaves(cur, leaves) == 0) return false;
  // The root must emit (not an address or a read-modify-write store).
  if (IsRmwAlu(cur)) return false;
  if (IsFoldedAddressAdd(cur)) return false;
  return true;
}

int Lowerer::KnownZeroLowBits(ir::Value v) const {
  const ir::Inst k = DefInstId(v);
  ir::Value x;
  int64_t amount = 0;
  return k.valid() && ShlByConst(k, &x, &amount) ? static_cast<int>(amount) : 0;
}

bool Lowerer::ShlByConst(ir::Inst i, ir::Value* x, int64_t* amount) const {
  const ir::InstData& s = (*dfg_)[i];
  int64_t k = s.imm;
  if (s.opcode != Opcode::kIshlImm && !(s.opcode == Opcode::kIshl && IsIconst(s.args[1], &k)))
    return false;
  if (IsConst(s.args[0])) return false;
  *x = s.args[0];
  *amount = k & (AluSize(ResultType(i)) == OpSize::k64 ? 63 : 31);
  return true;
}

ir::Value Lowerer::LeaShiftOperand(ir::Inst add) const {
  const ir::InstData& d = (*dfg_)[add];
  if (d.opcode != Opcode::kIadd || IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
  for (int k = 1; k >= 0; --k) {
    const ir::Value v = d.args[k];
    if (!ctx_.CanSinkInto(v, add)) continue;
    ir::Value x;
    int64_t amount;
    if (ShlByConst(DefInstId(v), &x, &amount) && amount >= 1 && amount <= 3) return v;
  }
  return ir::Value();
}

ir::Inst Lowerer::LeaImmAdd(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  int32_t imm32;
  if (d.opcode != Opcode::kIaddImm || !ImmOperand(d.imm, AluSize(ResultType(user)), &imm32) ||
      !ctx_.CanSinkInto(d.args[0], user))
    return ir::Inst();
  const ir::Inst add = DefInstId(d.args[0]);
  const ir::InstData& a = (*dfg_)[add];
  ir::Value x;
  int64_t amount;
  const bool scaled = ShlByConst(add, &x, &amount) && amount >= 1 && amount <= 3;
  if (!scaled && (a.opcode != Opcode::kIadd || IsConst(a.args[0]) || IsConst(a.args[1])))
    return ir::Inst();
  if (!scaled)  // not the root of a reassociated add tree (its interior nodes emit nothing)
    for (const ir::Value v : {a.args[0], a.args[1]}) {
      const ir::Inst vi = DefInstId(v);
      if (vi.valid() && (*dfg_)[vi].opcode == Opcode::kIadd && InAddTree(vi)) return ir::Inst();
    }
  if (IsRmwAlu(user) || IsHeapOffsetPart(user)) return ir::Inst();
  return add;
}

bool Lowerer::ZeroExtendedI32(ir::Value v) const {
  v = Resolve(v);
  if (dfg_->ValueType(v) != Type::kI32) return false;
  const ir::InstData* d = DefInst(v);
  if (d == nullptr) {
    if (!zext_params_started_) {
      zext_params_started_ = true;
      zext_param_.assign(dfg_->NumValues(), kZextUnknown);
#ifdef EGRET_DEBUG
      ComputeZeroExtendedParamsForCheck(&zext_check_);
#endif
    }
    if (zext_param_[v.index] == kZextUnknown) ResolveZeroExtendedParam(v);
    EGRET_DCHECK((zext_check_[v.index] != 0) == (zext_param_[v.index] == kZextYes));
    return zext_param_[v.index] == kZextYes;
  }
  switch (d->opcode) {
    case Opcode::kIconst:  // movl $imm / xorl
    case Opcode::kIadd:    // add or lea at 32 bits
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
    case Opcode::kIneg:
    case Opcode::kBnot:
    case Opcode::kIshl:
    case Opcode::kUshr:
    case Opcode::kSshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
    case Opcode::kIshlImm:  // a shift by 0 is a 32-bit mov (the emitter's kShift)
    case Opcode::kUshrImm:
    case Opcode::kSshrImm:
    case Opcode::kRotlImm:
    case Opcode::kRotrImm:
    case Opcode::kClz:
    case Opcode::kCtz:
    case Opcode::kPopcnt:
    case Opcode::kIcmp:  // xorl then setcc
    case Opcode::kIcmpImm:
    case Opcode::kLoad:  // movl
    case Opcode::kUload8:
    case Opcode::kUload16:
      return true;
    // Not kIreduce: it is the 64-bit register itself (LowerExtend), upper half unchanged.
    case Opcode::kCall:
    case Opcode::kCallIndirect:
      return ZeroExtendedAtDef(v);  // movl after the call
    default:
      return false;
  }
}

ir::Value Lowerer::FoldedLoadOperand(ir::Inst user) const {
  return Memoized<&MatchMemo::folded, kFoldedKnown>(user,
                                                    [&] { return ComputeFoldedLoadOperand(user); });
}

ir::Value Lowerer::ComputeFoldedLoadOperand(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  switch (d.opcode) {
    case Opcode::kIadd:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
    case Opcode::kImul:
      // Only register-register forms fold (a constant operand takes the immediate form), and
      // not into an add that becomes a lea with a scaled index (LowerAlu prefers that).
      if (IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
      if (d.opcode == Opcode::kIadd && LeaShiftOperand(user).valid()) return ir::Value();
      if (AndnOperand(user).valid()) return ir::Value();
      if (LoadFoldableInto(d.args[1], user)) return d.args[1];
      if (LoadFoldableInto(d.args[0], user)) return d.args[0];
      return ir::Value();
    case Opcode::kIsub:
    case Opcode::kFsub:
    case Opcode::kFdiv:
      if (IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
      if (LoadFoldableInto(d.args[1], user)) return d.args[1];
      return ir::Value();
    case Opcode::kFadd:
    case Opcode::kFmul:
      if (IsConst(d.args[0]) || IsConst(d.args[1])) return ir::Value();
      if (LoadFoldableInto(d.args[1], user)) return d.args[1];
      if (LoadFoldableInto(d.args[0], user)) return d.args[0];
      return ir::Value();
    default:
      return ir::Value();
  }
}

const uint8_t* Lowerer::WalkPlan() const {
  // The opcodes ComputeIsSunk may answer yes for (SinkTable's; Debug builds check the rest).
  static const backend::WalkPlanTable kPlan({
      Opcode::kBand,    Opcode::kBandImm, Opcode::kBor,     Opcode::kUshr,    Opcode::kUshrImm,
      Opcode::kRotl,    Opcode::kRotr,    Opcode::kRotlImm, Opcode::kRotrImm, Opcode::kIaddImm,
      Opcode::kUextend, Opcode::kIsub,    Opcode::kBxor,    Opcode::kBorImm,  Opcode::kBxorImm,
      Opcode::kIcmp,    Opcode::kIcmpImm, Opcode::kFcmp,    Opcode::kIadd,    Opcode::kIshl,
      Opcode::kIshlImm, Opcode::kBnot,    Opcode::kUload8,  Opcode::kSload8,  Opcode::kUload16,
      Opcode::kSload16, Opcode::kUload32, Opcode::kSload32, Opcode::kLoad,
  });
  return kPlan.plan;
}

bool Lowerer::IsSunk(ir::Inst i) const {
  // Memoized: the walk asks every instruction once, and the matchers ask again of the users
  // they fold into (a load's ALU user, a shift's add), usually before the walk reaches them.
  EGRET_DCHECK(i.index < sunk_.size());  // asked only after LowerEntry
  // (Bits 0-1 of sunk_; SinkableCompare keeps its own answer in bits 2-3.)
  if ((sunk_[i.index] & 3) == 0) {
    const bool sunk = ComputeIsSunk(i);
    sunk_[i.index] |= sunk ? 2 : 1;
  }
  return (sunk_[i.index] & 3) == 2;
}

// IsSunk's rule of each opcode family, asked through a table (SinkTable) so that the common
// answers do not pay the stack frame of the heaviest (a load's add-tree leaves).
using SinkRule = bool (Lowerer::*)(ir::Inst) const;
struct SinkTable {
  SinkRule rule[ir::kNumOpcodes];
  SinkTable();
};
extern const SinkTable kSinkRules;  // (at namespace scope: no initialization guard per call)

bool Lowerer::ComputeIsSunk(ir::Inst i) const {
  return (this->*kSinkRules.rule[static_cast<size_t>((*dfg_)[i].opcode)])(i);
}

bool Lowerer::NeverSunk(ir::Inst) const { return false; }

bool Lowerer::BandIsSunk(ir::Inst i) const {
  // Tested by its user's `test`, the operation of a read-modify-write store, or a byte-lane
  // mask of a bswap tree.
  return IsTestedAnd(i) || IsRmwAlu(i) || InBswapTree(i);
}

bool Lowerer::BorIsSunk(ir::Inst i) const { return IsRmwAlu(i) || InBswapTree(i); }

bool Lowerer::ByteMoveIsSunk(ir::Inst i) const {
  return InBswapTree(i);  // a byte-lane move of a bswap tree
}

bool Lowerer::IaddImmIsSunk(ir::Inst i) const {
  // The operation of a read-modify-write store, or the offset of a heap index folded into
  // the displacement (IndexOffset).
  if (IsRmwAlu(i)) return true;
  if (IsHeapOffsetPart(i)) return true;  // a bounded heap offset (MatchAddress)
  const ir::Inst u = ctx_.SoleUser(FirstResult(i));
  if (!u.valid() || (*dfg_)[u].opcode != Opcode::kUextend) return false;
  ir::Value p;
  int64_t c;
  return IndexOffset(FirstResult(u), &p, &c) == i;
}

bool Lowerer::UextendIsSunk(ir::Inst i) const {
  if (IsHeapOffsetPart(i)) return true;  // a bounded heap offset (MatchAddress)
  ir::Value p;
  int64_t c;
  return IndexOffset(FirstResult(i), &p, &c).valid();
}

bool Lowerer::RmwAluIsSunk(ir::Inst i) const {
  return IsRmwAlu(i);  // the operation of a read-modify-write store
}

bool Lowerer::CompareIsSunk(ir::Inst i) const {
  const ir::Inst u = ctx_.SoleUser(FirstResult(i));
  return u.valid() && SinkableCompare(u) == i;
}

bool Lowerer::IaddIsSunk(ir::Inst i) const {
  if (IsRmwAlu(i)) return true;
  {  // The base and index of its iadd_imm user's lea.
    const ir::Inst u = ctx_.SoleUser(FirstResult(i));
    if (u.valid() && LeaImmAdd(u) == i) return true;
  }
  if (InAddTree(i)) return true;  // an interior node of a reassociated add tree
  // Every user is a memory access folding it (MatchAddress gives the same of each).
  return IsFoldedAddressAdd(i);
}

bool Lowerer::ShlIsSunk(ir::Inst i) const {
  // Folded into its add's lea, or with that add into the addressing modes of its users, or
  // a byte-lane move of a bswap tree.
  const ir::Inst add = ctx_.SoleUser(FirstResult(i));
  if (!add.valid()) return false;
  if ((*dfg_)[add].opcode == Opcode::kIaddImm && (IsHeapOffsetPart(i) || LeaImmAdd(add) == i))
    return true;
  if ((*dfg_)[add].opcode != Opcode::kIadd) return InBswapTree(i);
  const ir::Inst add_user = ctx_.SoleUser(FirstResult(add));
  if (!IsSunk(add) || (add_user.valid() && LeaImmAdd(add_user) == add))
    return LeaShiftOperand(add) == FirstResult(i);
  const ir::Inst u = ctx_.order().last_user[Resolve(FirstResult(add)).index];
  const AddressMatch m = MatchAddress(u);
  return m.add == add && m.shift == i;
}

bool Lowerer::BnotIsSunk(ir::Inst i) const {
  // Folded into its band user's andn.
  const ir::Inst u = ctx_.SoleUser(FirstResult(i));
  return u.valid() && AndnOperand(u) == FirstResult(i);
}

bool Lowerer::NarrowLoadIsSunk(ir::Inst i) const {
  // Folded into the compare or test of its only user at the width it reads, or into a
  // narrow read-modify-write store.
  const ir::Inst u = ctx_.SoleUser(FirstResult(i));
  if (!u.valid()) return false;
  const ir::Value r = FirstResult(i);
  return CompareLoadOperand(u) == r || TestedLoad(u) == r || IsRmwLoad(i);
}

bool Lowerer::LoadIsSunk(ir::Inst i) const {
  // Folded into its ALU user, unless that user is itself an address folded into an
  // addressing mode (then the load needs a register).
  const ir::Inst u = ctx_.SoleUser(FirstResult(i));
  if (!u.valid()) return false;
  if (IsRmwLoad(i)) return true;
  const ir::Value r = FirstResult(i);  // both matchers return resolved values
  if ((*dfg_)[u].opcode == Opcode::kIadd) {
    // A leaf of a reassociated add tree: a memory operand when the tree says so.
    const ir::Inst root = AddTreeRoot(u);
    if (root.valid()) return AddTreeLeafIsMemory(root, r);
  }
  if (CompareLoadOperand(u) == r || TestedLoad(u) == r) return true;
  const ir::Value vl = VectorLoadOperand(u);
  if (vl.valid()) return DefInstId(vl) == i;
  const ir::Value v = FoldedLoadOperand(u);
  return v.valid() && DefInstId(v) == i && !IsSunk(u);
}

bool Lowerer::AddTreeLeafIsMemory(ir::Inst root, ir::Value r) const {
  ir::Value leaves[kMaxAddLeaves];
  uint8_t mem[kMaxAddLeaves];
  const int n = AddTreeLeaves(root, leaves, mem);
  for (int k = 0; k < n; ++k)
    if (Resolve(leaves[k]) == Resolve(r)) return mem[k] != 0;
  return false;
}

const SinkTable kSinkRules;

SinkTable::SinkTable() {
  for (SinkRule& r : rule) r = &Lowerer::NeverSunk;
  auto set = [&](SinkRule r, std::initializer_list<Opcode> ops) {
    for (Opcode op : ops) rule[static_cast<size_t>(op)] = r;
  };
  set(&Lowerer::BandIsSunk, {Opcode::kBand, Opcode::kBandImm});
  set(&Lowerer::BorIsSunk, {Opcode::kBor});
  set(&Lowerer::ByteMoveIsSunk, {Opcode::kUshr, Opcode::kUshrImm, Opcode::kRotl, Opcode::kRotr,
                                 Opcode::kRotlImm, Opcode::kRotrImm});
  set(&Lowerer::IaddImmIsSunk, {Opcode::kIaddImm});
  set(&Lowerer::UextendIsSunk, {Opcode::kUextend});
  set(&Lowerer::RmwAluIsSunk, {Opcode::kIsub, Opcode::kBxor, Opcode::kBorImm, Opcode::kBxorImm});
  set(&Lowerer::CompareIsSunk, {Opcode::kIcmp, Opcode::kIcmpImm, Opcode::kFcmp});
  set(&Lowerer::IaddIsSunk, {Opcode::kIadd});
  set(&Lowerer::ShlIsSunk, {Opcode::kIshl, Opcode::kIshlImm});
  set(&Lowerer::BnotIsSunk, {Opcode::kBnot});
  set(&Lowerer::NarrowLoadIsSunk, {Opcode::kUload8, Opcode::kSload8, Opcode::kUload16,
                                   Opcode::kSload16, Opcode::kUload32, Opcode::kSload32});
  set(&Lowerer::LoadIsSunk, {Opcode::kLoad});
}

Lowerer::Cond Lowerer::CondOf(ir::Value c, bool fold, ir::Inst user) {
  Cond out;
  const ir::Inst tested = user.valid() ? TestedAnd(user) : ir::Inst();
  if (tested.valid()) {
    // `test a, b` / `test $imm, a`: holds when a & b != 0, or == 0 for a sunk icmp eq.
    const ir::InstData& ad = (*dfg_)[tested];
    out.cc = CondCode::kNe;
    if (fold && static_cast<ir::IntCC>((*dfg_)[DefInstId(c)].cond) == ir::IntCC::kEq)
      out.cc = CondCode::kE;
    const Type t = dfg_->ValueType(FirstResult(tested));
    out.size = AluSize(t);
    int64_t imm = ad.imm;
    int32_t imm32 = 0;
    ir::Value reg = ad.args[0];
    bool has_imm = ad.opcode == Opcode::kBandImm;
    if (!has_imm && IsIconst(ad.args[1], &imm)) {
      has_imm = true;
    } else if (!has_imm && IsIconst(ad.args[0], &imm)) {
      has_imm = true;
      reg = ad.args[1];
    }
    if (has_imm) {
      EGRET_CHECK(ImmOperand(imm, out.size, &imm32));  // TestedAnd checked it
      out.kind = CondKind::kTestRI;
      out.imm = imm32;
      out.a = Use(reg);
    } else {
      out.kind = CondKind::kTestRR;
      out.a = Use(ad.args[0]);
      out.b = Use(ad.args[1]);
    }
    return out;
  }
  if (!fold && user.valid() && TestedLoad(user).valid()) {  // `cmp $0, mem`: holds when != 0
    out.kind = CondKind::kIntMI;
    out.cc = CondCode::kNe;
    out.size = LoadWidth(DefInstId(c));
    out.imm = 0;
    out.load = DefInstId(c);
    return out;
  }
  if (fold) {
    const ir::InstData& d = (*dfg_)[DefInstId(c)];
    const ir::Value lv = CompareLoadOperand(DefInstId(c));
    if (lv.valid()) {
      // cmp with the load as the memory operand: `cmp $imm, mem` when the other side is an
      // immediate, else `cmp mem, a`, whose flags are those of a - mem (the condition swaps
      // when the load is the left operand).
      out.cc = IntCond(static_cast<ir::IntCC>(d.cond));
      out.size = LoadWidth(DefInstId(lv));  // the compare's width, or a narrower load's
      out.load = DefInstId(lv);
      const bool left = Resolve(lv) == Resolve(d.args[0]);
      int64_t imm = d.imm;
      int32_t imm32;
      if (left && (d.opcode == Opcode::kIcmpImm || IsIconst(d.args[1], &imm)) &&
          ImmOperand(imm, out.size, &imm32)) {
        out.kind = CondKind::kIntMI;
        out.imm = imm32;
      } else {
        out.kind = CondKind::kIntRM;
        out.a = Use(left ? d.args[1] : d.args[0]);
        if (left) out.cc = Swap(out.cc);
      }
      return out;
    }
    if (d.opcode == Opcode::kIcmp) {
      out.kind = CondKind::kIntRR;
      out.cc = IntCond(static_cast<ir::IntCC>(d.cond));
      out.size = AluSize(dfg_->ValueType(d.args[0]));
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
      out.size = AluSize(dfg_->ValueType(d.args[0]));
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
      out.fp64 = dfg_->ValueType(d.args[0]) == Type::kF64;
      out.a = Use(d.args[0]);
      out.b = Use(d.args[1]);
      return out;
    }
  }
  out.kind = CondKind::kNonZero;
  out.cc = CondCode::kNe;
  out.size = AluSize(dfg_->ValueType(Resolve(c)));
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
  if (c.kind != CondKind::kIntMI) ops->push_back(Operand::Use(c.a));
  if (c.kind == CondKind::kIntRR || c.kind == CondKind::kFloat || c.kind == CondKind::kTestRR)
    ops->push_back(Operand::Use(c.b));
  if (c.load.valid()) {  // the folded load's addressing mode (AddressOperands pushes to ops_)
    EGRET_CHECK(ops == &ops_);
    const ir::InstData& l = (*dfg_)[c.load];
    AddressOperands(c.load, m);                 // sets the displacement
    if (!l.flags.Has(ir::MemFlags::kNotrap)) {  // never for kTrapIf (CompareLoadOperand)
      EGRET_CHECK(m->op != MOp::kTrapIf);
      m->can_trap = true;
      m->trap = l.trap;
    }
  }
}

void Lowerer::ResolveZeroExtendedParam(ir::Value q) const {
  struct Edge {
    uint32_t from, to;  // value indices: argument -> block parameter, both in the closure
  };
  // Per thread (storage reused across functions; never re-entered: the ZeroExtendedI32 asked
  // below is of results, which asks nothing here).
  thread_local std::vector<uint32_t> closure;
  thread_local std::vector<Edge> edges;
  thread_local std::vector<uint32_t> worklist;
  closure.clear();
  edges.clear();
  worklist.clear();
  const ir::Block entry = f_->EntryBlock();
  // The closure, breadth first from q: each member's incoming arguments. A bad source makes its
  // parameter not zero-extended at once (kZextNo, on the worklist to pass it on); an argument
  // that is a parameter not yet known joins the closure with an edge to the parameter it feeds.
  zext_param_[q.index] = kZextVisiting;
  closure.push_back(q.index);
  for (size_t n = 0; n < closure.size(); ++n) {
    const ir::Value p(closure[n]);
    const ir::ValueData& vd = dfg_->ValueInfo(p);
    const ir::Block pb(vd.def);
    bool bad = false;
    if (pb == entry) {
      bad = !ZeroExtendedAtDef(p);  // zero-extended by a `movl` at entry, or not at all
    } else if (ctx_.order().vblock_of[pb.index] == backend::kNoBlock) {
      bad = true;  // never lowered: no argument was checked
    } else {
      for (const InEdge& e : InEdges(pb)) {
        const std::span<const ir::Value> args = dfg_->pool().Get(e.call->args);
        if (vd.num >= args.size()) continue;
        const ir::Value a = Resolve(args[vd.num]);
        if (dfg_->ValueInfo(a).kind != ir::ValueKind::kParam) {
          if (!ZeroExtendedI32(a)) bad = true;
          continue;
        }
        uint8_t& s = zext_param_[a.index];
        if (s == kZextNo) {
          bad = true;
        } else if (s != kZextYes) {
          if (s == kZextUnknown) {
            s = kZextVisiting;
            closure.push_back(a.index);
          }
          edges.push_back({a.index, p.index});
        }
      }
    }
    if (bad) {
      zext_param_[p.index] = kZextNo;
      worklist.push_back(p.index);
    }
  }
  // The bad parameters pass it on along the edges; every other member is zero-extended. Edges
  // sorted by source: each value's out-edges are one run, found by binary search.
  std::sort(edges.begin(), edges.end(),
            [](const Edge& x, const Edge& y) { return x.from < y.from; });
  while (!worklist.empty()) {
    const uint32_t v = worklist.back();
    worklist.pop_back();
    auto e = std::lower_bound(edges.begin(), edges.end(), v,
                              [](const Edge& x, uint32_t from) { return x.from < from; });
    for (; e != edges.end() && e->from == v; ++e)
      if (zext_param_[e->to] == kZextVisiting) {
        zext_param_[e->to] = kZextNo;
        worklist.push_back(e->to);
      }
  }
  for (uint32_t v : closure)
    if (zext_param_[v] == kZextVisiting) zext_param_[v] = kZextYes;
}

#ifdef EGRET_DEBUG
void Lowerer::ComputeZeroExtendedParamsForCheck(std::vector<uint8_t>* out) const {
  // Optimistic: every i32 parameter of a non-entry block is zero-extended until an incoming
  // argument is not; a parameter found not to be makes every parameter it flows into not.
  std::vector<uint8_t>& zext = *out;
  zext.assign(dfg_->NumValues(), 0);
  struct Edge {
    uint32_t from, to;
  };
  std::vector<Edge> edges;
  std::vector<uint32_t> worklist;
  const ir::Block entry = f_->EntryBlock();
  for (ir::Block b : ctx_.order().order) {
    if (b == entry) continue;
    for (ir::Value p : dfg_->BlockParams(b))
      if (dfg_->ValueType(p) == Type::kI32) zext[p.index] = 1;
  }
  for (ir::Block b : ctx_.order().order) {
    for (const ir::BlockCall* bc : ctx_.order().DestsOf(b)) {
      std::span<const ir::Value> params = dfg_->BlockParams(bc->block);
      std::span<const ir::Value> args = dfg_->pool().Get(bc->args);
      for (size_t k = 0; k < params.size() && k < args.size(); ++k) {
        const uint32_t p = params[k].index;
        if (!zext[p]) continue;
        const ir::Value a = Resolve(args[k]);
        if (dfg_->ValueInfo(a).kind == ir::ValueKind::kParam) {
          edges.push_back({a.index, p});
        } else if (!ZeroExtendedI32(a)) {
          zext[p] = 0;
          worklist.push_back(p);
        }
      }
    }
  }
  for (ir::Value p : dfg_->BlockParams(entry)) {
    if (ZeroExtendedAtDef(p)) {
      zext[p.index] = 1;
    } else {
      worklist.push_back(p.index);
    }
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& x, const Edge& y) { return x.from < y.from; });
  for (const Edge& e : edges)
    if (!zext[e.from] && zext[e.to]) {
      zext[e.to] = 0;
      worklist.push_back(e.to);
    }
  while (!worklist.empty()) {
    const uint32_t v = worklist.back();
    worklist.pop_back();
    auto e = std::lower_bound(edges.begin(), edges.end(), v,
                              [](const Edge& x, uint32_t from) { return x.from < from; });
    for (; e != edges.end() && e->from == v; ++e)
      if (zext[e->to]) {
        zext[e->to] = 0;
        worklist.push_back(e->to);
      }
  }
}
#endif  // EGRET_DEBUG

void Lowerer::ComputeZeroExtendDemand(const CallLayout& self) {
  // The uextended i32 values first: most functions have none, and then nothing else is needed
  // (zext_def_ stays empty, and IvBound is never asked: IndexOffset needs a uextend).
  thread_local std::vector<uint32_t> worklist;  // per thread: storage reused
  worklist.clear();
  for (ir::Inst i : ctx_.order().uextends) {
    const ir::InstData& d = (*dfg_)[i];
    if (ResultType(i) == Type::kI64 && dfg_->ValueType(d.args[0]) == Type::kI32)
      worklist.push_back(Resolve(d.args[0]).index);
  }
  has_uextend_ = !worklist.empty();
  if (!has_uextend_) return;
  const size_t nvalues = dfg_->NumValues();
  zext_def_.assign(nvalues, 0);
  // The arguments of parameter k of a block are argument k of each of its in-edges
  // (InEdges; every value on the worklist is an i32, so these are the i32 parameters' edges).
  thread_local std::vector<uint8_t> seen;  // per thread: storage reused
  const ir::Block entry = f_->EntryBlock();
  seen.assign(nvalues, 0);
  while (!worklist.empty()) {
    const uint32_t v = worklist.back();
    worklist.pop_back();
    if (seen[v]) continue;
    seen[v] = 1;
    const ir::Value val(v);
    const ir::ValueData& vd = dfg_->ValueInfo(val);
    if (vd.kind == ir::ValueKind::kParam) {
      if (ir::Block(vd.def) == entry) {
        if (!self.params[vd.num].on_stack) zext_def_[v] = 1;
        continue;
      }
      for (const InEdge& e : InEdges(ir::Block(vd.def))) {
        std::span<const ir::Value> args = dfg_->pool().Get(e.call->args);
        if (vd.num < args.size()) worklist.push_back(Resolve(args[vd.num]).index);
      }
      continue;
    }
    if (vd.kind != ir::ValueKind::kResult) continue;
    const ir::Inst di(vd.def);
    const Opcode op = (*dfg_)[di].opcode;
    if (op != Opcode::kCall && op != Opcode::kCallIndirect) continue;
    const CallLayout& layout = ctx_.CallLayoutOf(dfg_->CallSignature(di), WasmCallConv());
    if (!layout.results[vd.num].on_stack) zext_def_[v] = 1;
  }
}

ir::Inst Lowerer::IndexOffset(ir::Value index, ir::Value* p, int64_t* c) const {
  const ir::Inst ui = DefInstId(index);
  if (!ui.valid() || (*dfg_)[ui].opcode != Opcode::kUextend || ResultType(ui) != Type::kI64)
    return ir::Inst();
  const ir::Value x = (*dfg_)[ui].args[0];
  if (dfg_->ValueType(x) != Type::kI32 || !ctx_.CanSinkInto(x, ui)) return ir::Inst();
  const ir::Inst xi = DefInstId(x);
  const ir::InstData& xd = (*dfg_)[xi];
  int64_t k = xd.imm;
  if (xd.opcode != Opcode::kIaddImm && !(xd.opcode == Opcode::kIadd && IsIconst(xd.args[1], &k)))
    return ir::Inst();
  const ir::Value base = Resolve(xd.args[0]);
  k = static_cast<int64_t>(static_cast<uint32_t>(k));  // the i32 constant, unsigned
  if (IsConst(base) || !ZeroExtendedI32(base) || !has_uextend_ ||
      static_cast<uint64_t>(IvBound(base)) + static_cast<uint64_t>(k) > UINT32_MAX ||
      k > INT32_MAX / 2)
    return ir::Inst();
  // The address add: the uextend is its index, and it folds into every memory user.
  const ir::Inst add = ctx_.SoleUser(index);
  if (!add.valid() || (*dfg_)[add].opcode != Opcode::kIadd ||
      Resolve((*dfg_)[add].args[1]) != Resolve(index) || ctx_.BlockOf(add) != ctx_.BlockOf(ui) ||
      !IsSunk(add))
    return ir::Inst();
  // Every access through it keeps its displacement within int32.
  if (MaxAccessOffset(FirstResult(add)) > INT32_MAX - k) return ir::Inst();
  *p = base;
  *c = k;
  return xi;
}

int64_t Lowerer::MaxAccessOffset(ir::Value addr) const {
  auto address_of = [&](const ir::InstData& d) {
    return Resolve(ir::Info(d.opcode).format == ir::InstFormat::kStore ? d.args[1] : d.args[0]);
  };
  const ir::Value r = Resolve(addr);
  const uint32_t uses = ctx_.order().use_count[r.index];
  if (uses == 0) return -1;
  if (uses == 1) {
    const ir::InstData& d = (*dfg_)[ctx_.order().last_user[r.index]];
    if (!IsMemory(d) || address_of(d) != r) return -1;
    return d.imm < 0 ? INT64_MAX : d.imm;
  }
  if (!addr_max_off_built_) {
    addr_max_off_built_ = true;
    addr_max_off_.assign(dfg_->NumValues(), -1);
    for (ir::Inst i : ctx_.order().mem_insts) {  // in layout order
      const ir::InstData& d = (*dfg_)[i];
      int64_t& m = addr_max_off_[address_of(d).index];
      m = d.imm < 0 ? INT64_MAX : std::max(m, d.imm);
    }
  }
  return addr_max_off_[r.index];
}

std::span<const Lowerer::InEdge> Lowerer::InEdges(ir::Block b) const {
  if (!in_edges_built_) {
    in_edges_built_ = true;
    // (The order counted these edges per target already: num_preds counts the destinations of
    // every reachable block's terminator, as the fill below walks them.)
    const size_t nblocks = dfg_->NumBlocks();
    const std::vector<uint32_t>& num_preds = ctx_.order().num_preds;
    in_begin_.resize(nblocks + 1);
    in_begin_[0] = 0;
    for (size_t k = 0; k < nblocks; ++k) in_begin_[k + 1] = in_begin_[k] + num_preds[k];
    in_edges_.resize(in_begin_[nblocks]);
    thread_local std::vector<uint32_t> fill;  // per thread: storage reused
    fill.assign(in_begin_.begin(), in_begin_.end() - 1);
    for (ir::Block src : ctx_.order().order) {
      const std::span<const ir::BlockCall* const> dests = ctx_.order().DestsOf(src);
      for (uint32_t which = 0; which < dests.size(); ++which)
        in_edges_[fill[dests[which]->block.index]++] = {dests[which], src, which};
    }
    EGRET_DCHECK(std::equal(fill.begin(), fill.end(), in_begin_.begin() + 1));
  }
  return {in_edges_.data() + in_begin_[b.index], in_begin_[b.index + 1] - in_begin_[b.index]};
}

uint32_t Lowerer::IvBound(ir::Value pv) const {
  if (!iv_bounds_started_) {
    iv_bounds_started_ = true;
    const size_t nvalues = dfg_->NumValues();
    iv_known_.assign(nvalues, 0);
    if (iv_max_.size() < nvalues) iv_max_.resize(nvalues);
  }
  if (iv_known_[pv.index]) return iv_max_[pv.index];
  iv_known_[pv.index] = 1;
  uint32_t& result = iv_max_[pv.index];
  result = UINT32_MAX;
  // Only i32 parameters of reachable blocks other than the entry count loops.
  const ir::ValueData& vd = dfg_->ValueInfo(pv);
  if (vd.kind != ir::ValueKind::kParam || dfg_->ValueType(pv) != Type::kI32 ||
      ir::Block(vd.def) == f_->EntryBlock() || ctx_.order().vblock_of[vd.def] == backend::kNoBlock)
    return result;
  // The constants' maximum and the guarded step (one kind only) over the incoming arguments.
  // kUlt/kNe/kSlt: the sum is compared; kPUlt/kPNe/kPSlt: the parameter itself, before the step.
  // (The answer does not depend on the order of the edges: kBad absorbs, two guards must agree,
  // and the constants are a maximum and a set.)
  enum class Guard : uint8_t { kNone, kUlt, kNe, kSlt, kPUlt, kPNe, kPSlt, kBad };
  Guard guard = Guard::kNone;
  uint32_t max_c = 0, bound = 0, step = 0;
  bool any_c = false;
  thread_local std::vector<uint32_t> consts;  // per thread: storage reused
  consts.clear();
  for (const InEdge& e : InEdges(ir::Block(vd.def))) {
    std::span<const ir::Value> args = dfg_->pool().Get(e.call->args);
    if (vd.num >= args.size()) continue;
    const ir::Value a = Resolve(args[vd.num]);
    int64_t cv;
    if (IsIconst(a, &cv)) {
      const uint32_t c = static_cast<uint32_t>(cv);
      max_c = std::max(max_c, c);
      any_c = true;
      consts.push_back(c);
      continue;
    }
    // a = iadd_imm p, step, guarded by the brif on a compare of a against a constant: the brif
    // ending the edge's block, or, for a jump, the brif whose edge is the only way into it.
    const ir::InstData& td = (*dfg_)[f_->layout.LastInst(e.src)];
    ir::Inst gt;
    bool holds = false;
    if (td.opcode == Opcode::kBrif) {
      gt = f_->layout.LastInst(e.src);
      holds = e.which == 0;
    } else if (td.opcode == Opcode::kJump && ctx_.order().num_preds[e.src.index] == 1) {
      const InEdge& in = InEdges(e.src)[0];
      const ir::Inst pt = f_->layout.LastInst(in.src);
      if ((*dfg_)[pt].opcode == Opcode::kBrif) {
        gt = pt;
        holds = in.which == 0;
      }
    }
    const ir::InstData* ad = DefInst(a);
    Guard g = Guard::kBad;
    uint32_t b = 0, st = 0;
    if (ad != nullptr && ad->opcode == Opcode::kIaddImm && Resolve(ad->args[0]) == pv &&
        ad->imm > 0 && ad->imm < (1 << 16) && gt.valid()) {
      st = static_cast<uint32_t>(ad->imm);
      const ir::InstData* cd = DefInst((*dfg_)[gt].args[0]);
      // (Only an icmp_imm's args[0] is read: the condition may be a call or a constant.)
      const bool is_cmp = cd != nullptr && cd->opcode == Opcode::kIcmpImm;
      const ir::Value cmp_v = is_cmp ? Resolve(cd->args[0]) : ir::Value();
      if (is_cmp && (cmp_v == a || cmp_v == pv)) {
        const bool on_param = cmp_v == pv;
        const auto cc = static_cast<ir::IntCC>(cd->cond);
        b = static_cast<uint32_t>(cd->imm);
        if ((cc == ir::IntCC::kUlt && holds) || (cc == ir::IntCC::kUge && !holds)) {
          g = on_param ? Guard::kPUlt : Guard::kUlt;
        } else if ((cc == ir::IntCC::kNe && holds) || (cc == ir::IntCC::kEq && !holds)) {
          g = on_param ? Guard::kPNe : Guard::kNe;
        } else if (((cc == ir::IntCC::kSlt && holds) || (cc == ir::IntCC::kSge && !holds)) &&
                   static_cast<int32_t>(b) > 0) {
          g = on_param ? Guard::kPSlt : Guard::kSlt;
        }
      }
    }
    if (g == Guard::kBad || (guard != Guard::kNone && (guard != g || bound != b || step != st)))
      return result;  // kBad: no bound
    guard = g;
    bound = b;
    step = st;
  }
  // kNe: every constant must be below the bound and congruent to it modulo the step.
  for (uint32_t c : consts) {
    if (guard == Guard::kNe && (c >= bound || (bound - c) % step != 0)) return result;
    if (guard == Guard::kPNe && (c > bound || (bound - c) % step != 0)) return result;
  }
  uint64_t m = UINT32_MAX;
  switch (guard) {
    case Guard::kNone:
      if (!any_c) return result;  // no incoming edge seen
      m = max_c;
      break;
    case Guard::kUlt:
      m = bound == 0 ? UINT32_MAX : std::max<uint64_t>(max_c, bound - 1);
      break;
    case Guard::kNe:
      m = bound >= step ? bound - step : UINT32_MAX;  // constants checked above
      break;
    case Guard::kSlt: {
      const uint64_t x = std::max<uint64_t>(max_c, bound - 1);
      m = x + step < (uint64_t{1} << 31) ? x : UINT32_MAX;
      break;
    }
    // Guards on the parameter: p passes the test, then steps once more.
    case Guard::kPUlt:
      m = bound == 0 ? UINT32_MAX : std::max<uint64_t>(max_c, bound - 1 + step);
      break;
    case Guard::kPNe:
      m = bound;  // p steps onto B and stops there (constants checked above)
      break;
    case Guard::kPSlt: {
      // p passes only when 0 <= p < B as a signed value: the sum stays below 2^31.
      const uint64_t x = std::max<uint64_t>(max_c, bound - 1 + step);
      m = x < (uint64_t{1} << 31) ? x : UINT32_MAX;
      break;
    }
    default:
      break;
  }
  result = static_cast<uint32_t>(std::min<uint64_t>(m, UINT32_MAX));
  return result;
}

void Lowerer::Reset(const ir::Function& f, const backend::ModuleContext& module,
                    const CpuFeatures& features) {
  f_ = &f;
  dfg_ = &f.dfg;
  module_ = &module;
  features_ = features;
  backend::TakeRecycledVCodeInto(&v_);  // the last function's was moved out (Run)
  ctx_.Reset(f);
  // The tables as a fresh Lowerer has them: empty (LowerEntry and the matchers' first
  // questions size them), except memo_slot_, back to all UINT32_MAX through the last
  // function's memos (also after a function that failed part-way), and iv_max_, read only
  // where iv_known_ is set.
  for (const MatchMemo& m : memos_) memo_slot_[m.inst.index] = UINT32_MAX;
  auto clear = [](auto&... vs) { (vs.clear(), ...); };
  clear(ops_, ret_ops_, jump_args_, self_layout_.params, self_layout_.results, zext_param_,
        zext_check_, zext_def_, depth_, bswap_root_, bswap_members_, sunk_, iv_known_, in_begin_,
        in_edges_, addr_uses_, memos_, addr_max_off_);
  has_uextend_ = false;
  zext_params_started_ = iv_bounds_started_ = in_edges_built_ = false;
  bswap_roots_started_ = addr_max_off_built_ = false;
}

Expected<VCode> Lowerer::Run() {
  EGRET_TRY(backend::LowerFunction(ctx_, *this));
  v_.frame.wide_float_slots = ctx_.has_vector_vregs();
  return std::move(v_);
}

Status Lowerer::LowerEntry(ir::Block b) {
  // Frame facts for this function's own signature (its layout kept for the returns).
  backend::ComputeCallLayoutInto(WasmCallConv(), f_->signature.params, f_->signature.results,
                                 &self_layout_);
  const CallLayout& self = self_layout_;
  v_.Reserve(dfg_->NumInsts(), dfg_->NumValues(), ctx_.order().num_vblocks);
  // ZeroExtendedI32 of a parameter, IvBound and InEdges make their tables on their first
  // question.
  zext_params_started_ = false;
  bswap_roots_started_ = false;
  iv_bounds_started_ = false;
  in_edges_built_ = false;
  addr_max_off_built_ = false;
  ComputeZeroExtendDemand(self);
  sunk_.assign(dfg_->NumInsts(), 0);  // IsSunk's answers depend on the analyses above
  // (The other matchers' memos too: memo_slot_ is all UINT32_MAX here, and memos_ empty.)
  EGRET_DCHECK(memos_.empty());
  if (memo_slot_.size() < dfg_->NumInsts()) memo_slot_.resize(dfg_->NumInsts(), UINT32_MAX);
  MarkFoldedMemoryOperands();  // before the first IsSunk, which reads its marks
  v_.frame.stack_args = self.stack_args;
  v_.frame.arg_area_slots = ctx_.order().has_tail_call
                                ? backend::ArgAreaSlots(*f_, WasmCallConv())
                                : backend::StackArgSlots(WasmCallConv(), f_->signature.params);
  std::span<const ir::Value> params = dfg_->BlockParams(b);
  ops_.clear();
  // A parameter zero-extended at entry arrives in a temporary: (temporary, parameter's vreg).
  std::vector<std::pair<VReg, VReg>>& widen = entry_widen_;
  widen.clear();
  for (size_t k = 0; k < params.size(); ++k) {
    if (self.params[k].on_stack) continue;
    ops_.push_back(Operand::FixedDef(FixedDefVReg(params[k], &widen), LocPReg(self.params[k])));
  }
  MInst m;
  m.op = MOp::kArgs;
  EmitSpan(m, ops_);
  for (const auto& [tmp, r] : widen) EmitZeroExtend(tmp, r);
  for (size_t k = 0; k < params.size(); ++k) {
    if (!self.params[k].on_stack) continue;
    MInst l;
    l.op = MOp::kLoadArg;
    l.fp = self.params[k].fp;
    l.fp64 = dfg_->ValueType(params[k]) == Type::kF64;
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
      const CallLayout& l = self_layout_;
      ops_.clear();
      std::vector<Operand>& ret_ops = ret_ops_;
      ret_ops.clear();
      for (size_t k = 0; k < vals.size(); ++k) {
        VReg r = Use(vals[k]);
        if (l.results[k].on_stack) {
          MInst s;
          s.op = MOp::kStoreRet;
          s.fp = l.results[k].fp;
          s.fp64 = dfg_->ValueType(vals[k]) == Type::kF64;
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
      MInst m;
      m.op = MOp::kJmp;
      m.target[0] = ctx_.order().vblock_of[d.dest[0].block.index];
      Emit(m, {});
      v_.ra.AddSucc(regalloc::Block(m.target[0]), args);
      return Status::Ok();
    }
    case Opcode::kBrif:
    case Opcode::kBrTable: {
      const backend::BranchTargets& t = ctx_.PlanBranch(i, b);
      if (t.distinct.size() == 1) {
        // Every destination is the same edge: the condition does not matter.
        EmitJump(t.distinct[0], t.distinct_args[0]);
        return Status::Ok();
      }
      MInst m;
      ops_.clear();
      if (d.opcode == Opcode::kBrif) {
        Cond c = CondOf(d.args[0], SinkableCompare(i).valid(), i);
        m.op = MOp::kBrif;
        PushCondOperands(c, &m, &ops_);
        m.target[0] = t.target[0];
        m.target[1] = t.target[1];
      } else {
        m.op = MOp::kBrTable;
        m.wide_value = ZeroExtendedI32(d.args[0]);
        ops_.push_back(Operand::Use(Use(d.args[0])));
        // Jump table: entries then default (ForEachDest gives default first).
        std::vector<uint32_t> table;
        for (size_t k = 1; k < t.target.size(); ++k) table.push_back(t.target[k]);
        table.push_back(t.target[0]);
        m.jump_table = static_cast<uint32_t>(v_.jump_tables.size());
        v_.jump_tables.push_back(std::move(table));
      }
      regalloc::PRegSet clobbers;  // br_table's temporaries (abi.h)
      if (m.op == MOp::kBrTable)
        for (Gpr r : kBrTableTmp) clobbers.Add(IntPReg(r));
      EmitSpan(m, ops_, clobbers);
      for (size_t k = 0; k < t.distinct.size(); ++k)
        v_.ra.AddSucc(regalloc::Block(t.distinct[k]), t.distinct_args[k]);
      return Status::Ok();
    }
    default:
      return Unsupported(std::string("terminator ") + std::string(ir::OpcodeName(d.opcode)));
  }
}

// A tail call (backend::PlanTailCall says where each argument goes): stack arguments are stored
// so that they end at the top of this function's argument area (frame-pointer-relative; the
// prologue grew the area if this call needs more slots than the function received), register
// arguments are fixed uses, and the target of an indirect one is in rax (neither an argument
// register nor callee-saved, so the epilogue leaves it alone). Emission restores the
// callee-saved registers and rbp, releases `imm` bytes of the area below the callee's arguments
// (moving the return address up), then jumps: the callee returns to this function's caller.
Status Lowerer::LowerTailCall(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const ir::Signature& sig = dfg_->signature(dfg_->CallSignature(i));
  const backend::TailCallPlan plan =
      backend::PlanTailCall(ComputeCallLayout(sig.params, sig.results), v_.frame.arg_area_slots);
  const CallLayout l = ComputeCallLayout(sig.params, sig.results);
  std::span<const ir::Value> args = dfg_->pool().Get(d.vargs);
  MInst m;
  m.imm = plan.pop_bytes;
  std::vector<Operand> ops;
  if (d.opcode == Opcode::kReturnCall) {
    const backend::CallTarget* t = ctx_.Callee(ir::FuncRef(d.ref), *module_);
    if (t == nullptr || t->kind == backend::CallTarget::Kind::kBuiltin)
      return Unsupported("tail call to %" + dfg_->ext_func(ir::FuncRef(d.ref)).name +
                         ", which is not a defined function");
    m.op = MOp::kReturnCall;
    m.callee = t->index;
  } else {
    m.op = MOp::kReturnCallInd;
    ops.push_back(Operand::FixedUse(Use(d.args[0]), IntPReg(Gpr::kRax)));
  }
  for (const backend::TailCallStore& st : plan.stores) {
    MInst s;
    s.op = MOp::kStoreRet;
    s.fp = st.kind != backend::ValueKind::kInt;
    s.fp64 = st.kind == backend::ValueKind::kF64;
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
  // Per thread, reused by every call site (LowerCall does not nest): the call's operands and
  // its zero-extended results keep their capacity.
  struct CallScratch {
    std::vector<Operand> ops;
    std::vector<std::pair<VReg, VReg>> widen;
  };
  thread_local CallScratch scratch;
  const CallLayout& l = ctx_.CallLayoutOf(dfg_->CallSignature(i), WasmCallConv());
  v_.frame.has_calls = true;
  v_.frame.outgoing_bytes = std::max(v_.frame.outgoing_bytes, l.AreaBytes());
  std::span<const ir::Value> args = dfg_->pool().Get(d.vargs);
  MInst m;
  ops_.clear();
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
    ops_.push_back(Operand::Use(Use(d.args[0])));
  }
  // A Wasm callee pops its stack arguments; the call re-reserves them (builtins are C calls).
  if (m.op != MOp::kCallBuiltin) m.imm = 8 * l.stack_args;
  // Stack arguments first (plain stores into the outgoing area), then the register ones as
  // fixed uses of the call itself.
  for (size_t k = 0; k < args.size(); ++k) {
    if (!l.params[k].on_stack) continue;
    MInst s;
    s.op = MOp::kStoreOutArg;
    s.fp = l.params[k].fp;
    s.fp64 = dfg_->ValueType(args[k]) == Type::kF64;
    s.vec = l.params[k].kind == backend::ValueKind::kV128;
    s.disp = 8 * static_cast<int32_t>(l.params[k].slot);
    VReg r = Use(args[k]);
    Emit(s, {Operand::Use(r)});
  }
  std::vector<Operand>& call_ops = scratch.ops;
  call_ops.assign(ops_.begin(), ops_.end());
  for (size_t k = 0; k < args.size(); ++k)
    if (!l.params[k].on_stack)
      call_ops.push_back(Operand::FixedUse(Use(args[k]), LocPReg(l.params[k])));
  std::span<const ir::Value> results = dfg_->InstResults(i);
  // A result zero-extended after the call arrives in a temporary: (temporary, result's vreg).
  std::vector<std::pair<VReg, VReg>>& widen = scratch.widen;
  widen.clear();
  for (size_t k = 0; k < results.size(); ++k) {
    if (l.results[k].on_stack) continue;
    call_ops.push_back(Operand::FixedDef(FixedDefVReg(results[k], &widen), LocPReg(l.results[k])));
  }
  EmitSpan(m, call_ops, CallClobbers());
  for (const auto& [tmp, r] : widen) EmitZeroExtend(tmp, r);
  for (size_t k = 0; k < results.size(); ++k) {
    if (!l.results[k].on_stack) continue;
    MInst r;
    r.op = MOp::kLoadOutRet;
    r.fp = l.results[k].fp;
    r.fp64 = dfg_->ValueType(results[k]) == Type::kF64;
    r.vec = l.results[k].kind == backend::ValueKind::kV128;
    r.disp = 8 * static_cast<int32_t>(l.results[k].slot);
    Emit(r, {Operand::Def(DefVReg(results[k]))});
  }
  return Status::Ok();
}

void Lowerer::AddressOperands(ir::Inst mem, MInst* m) {
  const AddressMatch match = MatchAddress(mem);
  m->disp = static_cast<int32_t>((*dfg_)[mem].imm);
  if (match.add.valid()) {
    ir::Value base = (*dfg_)[match.add].args[0], index = (*dfg_)[match.add].args[1];
    uint8_t scale = 0;
    if (match.shift.valid()) {
      int64_t amount = 0;
      ShlByConst(match.shift, &index, &amount);
      scale = static_cast<uint8_t>(amount);
    } else if (!match.offset.valid()) {
      // zext(p + c) as index p, displacement + c. Only a uextend that is sunk can be one: its
      // IsSunk (memoized; the walk reached it before this user) is IndexOffset's answer here,
      // since it is no heap-offset part (that would be this match's, with a valid offset).
      const ir::Inst ui = DefInstId(index);
      ir::Value p;
      int64_t c = 0;
      if (ui.valid() && (*dfg_)[ui].opcode == Opcode::kUextend && IsSunk(ui) &&
          IndexOffset(index, &p, &c).valid()) {
        index = p;
        m->disp = static_cast<int32_t>(m->disp + c);
      }
    }
    if (match.offset.valid()) {  // the Wasm heap shape: the index below the offset add
      if (!match.shift.valid()) index = (*dfg_)[match.offset].args[0];
      m->disp += match.disp;
    }
    m->base_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(base)));
    m->index_op = static_cast<int8_t>(ops_.size());
    ops_.push_back(Operand::Use(Use(index)));
    m->scale_log2 = scale;
    return;
  }
  const ir::InstData& d = (*dfg_)[mem];
  const ir::Value addr =
      ir::Info(d.opcode).format == ir::InstFormat::kStore ? d.args[1] : d.args[0];
  m->base_op = static_cast<int8_t>(ops_.size());
  ops_.push_back(Operand::Use(Use(addr)));
}

void Lowerer::LowerRmwStore(ir::Inst st, const RmwMatch& r) {
  const ir::InstData& s = (*dfg_)[st];
  const ir::InstData& l = (*dfg_)[r.load];
  MInst m;
  m.op = MOp::kAluStore;
  m.alu = r.op;
  m.size = LoadWidth(r.load);  // the width the load reads and the store writes
  m.disp = static_cast<int32_t>(s.imm);
  // The read comes first: a trapping load reports its trap, else the store's.
  m.can_trap = !l.flags.Has(ir::MemFlags::kNotrap) || !s.flags.Has(ir::MemFlags::kNotrap);
  m.trap = !l.flags.Has(ir::MemFlags::kNotrap) ? l.trap : s.trap;
  ops_.clear();
  if (r.imm_operand) {
    m.imm_operand = true;
    m.imm = ImmAtSize(r.imm, m.size);  // a narrow RMW takes the immediate's low bytes
  } else {
    ops_.push_back(Operand::Use(Use(r.other)));
  }
  AddressOperands(st, &m);
  EmitSpan(m, ops_);
}

void Lowerer::LowerMemory(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
  if (store) {
    const RmwMatch r = MatchRmwStore(i);
    if (r.alu.valid()) {
      LowerRmwStore(i, r);
      return;
    }
  }
  MInst m;
  m.op = store ? MOp::kStore : MOp::kLoad;
  m.disp = static_cast<int32_t>(d.imm);
  m.can_trap = !d.flags.Has(ir::MemFlags::kNotrap);
  m.trap = d.trap;
  ops_.clear();
  if (store) {
    const Type vt = dfg_->ValueType(d.args[0]);
    m.fp = backend::IsFloatClass(vt);
    m.fp64 = vt == Type::kF64;
    m.vec = backend::IsVectorType(vt);
    m.size = d.opcode == Opcode::kIstore8    ? OpSize::k8
             : d.opcode == Opcode::kIstore16 ? OpSize::k16
             : d.opcode == Opcode::kIstore32 ? OpSize::k32
                                             : SizeOf(vt);
    int64_t k;
    if (!m.fp && IsIconst(d.args[0], &k) && StoreImmediate(k, m.size, &m.imm)) {
      m.imm_operand = true;  // `movl $k, mem`: no register for the constant
    } else {
      ops_.push_back(Operand::Use(Use(d.args[0])));
    }
  }
  AddressOperands(i, &m);
  if (!store) {
    const Type rt = dfg_->ValueType(FirstResult(i));
    m.fp = backend::IsFloatClass(rt);
    m.fp64 = rt == Type::kF64;
    m.vec = backend::IsVectorType(rt);
    m.size = AluSize(rt);
    LoadKind k = LoadKind::kInt;
    switch (d.opcode) {
      case Opcode::kLoad:
        k = rt == Type::kF32   ? LoadKind::kFloat32
            : rt == Type::kF64 ? LoadKind::kFloat64
            : m.vec            ? LoadKind::kVector
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
    ops_.push_back(Operand::Def(DefVReg(FirstResult(i))));
  }
  EmitSpan(m, ops_);
  // A load that cannot trap from memory nothing writes while the function runs (`readonly`),
  // at disp(u): reloading it from u's register is as good as reloading a spill slot.
  if (!store && !m.can_trap && m.index_op < 0 && d.flags.Has(ir::MemFlags::kReadonly))
    MarkRematFromOperand();
}

// Atomics (docs/x64.md, "Atomics"). x86-64 is TSO: a plain load is a sequentially consistent
// load as long as every seq-cst store is an xchg (or a locked instruction), which drains the
// store buffer. So: atomic_load = mov/movzx; atomic_store = xchg; add/sub = lock xadd (sub
// negates first); xchg = xchg; and/or/xor = a lock cmpxchg loop; cas = lock cmpxchg; fence =
// mfence. Results narrower than 32 bits are zero-extended (32-bit writes already are).
void Lowerer::LowerAtomic(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  switch (d.imm) {
    case 1:
      m.size = OpSize::k8;
      break;
    case 2:
      m.size = OpSize::k16;
      break;
    case 4:
      m.size = OpSize::k32;
      break;
    default:
      m.size = OpSize::k64;
      break;
  }
  const regalloc::PReg rax = IntPReg(Gpr::kRax);
  switch (d.opcode) {
    case Opcode::kFence:
      m.op = MOp::kFence;
      Emit(m, {});
      return;
    case Opcode::kAtomicLoad: {
      m.op = MOp::kLoad;
      m.load = d.imm == 1   ? LoadKind::kZext8
               : d.imm == 2 ? LoadKind::kZext16
               : d.imm == 4 ? LoadKind::kZext32
                            : LoadKind::kInt;
      m.size = AluSize(ResultType(i));
      m.base_op = 0;
      const VReg addr = Use(d.args[0]);
      Emit(m, {Operand::Use(addr), Operand::Def(Result(i))});
      return;
    }
    case Opcode::kAtomicStore: {
      m.op = MOp::kAtomicRmw;
      m.rmw = static_cast<uint8_t>(ir::AtomicRmwOp::kXchg);
      m.base_op = 0;
      const VReg addr = Use(d.args[1]), value = Use(d.args[0]);
      const VReg old = NewVReg(Type::kI64);  // xchg's old value, unused
      Emit(m, {Operand::Use(addr), Operand::Use(value), Operand::ReuseDef(old, 1)});
      return;
    }
    case Opcode::kAtomicRmw: {
      m.rmw = d.cond;
      m.base_op = 0;
      const auto op = static_cast<ir::AtomicRmwOp>(d.cond);
      const VReg addr = Use(d.args[0]), value = Use(d.args[1]);
      if (op == ir::AtomicRmwOp::kAdd || op == ir::AtomicRmwOp::kSub ||
          op == ir::AtomicRmwOp::kXchg) {
        m.op = MOp::kAtomicRmw;
        Emit(m, {Operand::Use(addr), Operand::Use(value), Operand::ReuseDef(Result(i), 1)});
        return;
      }
      m.op = MOp::kAtomicLoop;
      Operand dst = Operand::EarlyDef(Result(i), Constraint::kFixedReg);
      dst.fixed = rax;
      const VReg tmp = NewVReg(Type::kI64);
      Emit(m, {Operand::Use(addr), Operand::Use(value), dst, Operand::EarlyDef(tmp)});
      return;
    }
    case Opcode::kAtomicCas: {
      m.op = MOp::kAtomicCas;
      m.base_op = 0;
      const VReg addr = Use(d.args[0]), expected = Use(d.args[1]), replacement = Use(d.args[2]);
      Emit(m, {Operand::Use(addr), Operand::FixedUse(expected, rax), Operand::Use(replacement),
               Operand::FixedDef(Result(i), rax)});
      return;
    }
    default:
      EGRET_CHECK(false);
  }
}

// LowerInst's rule of each opcode (a table, so that LowerInst is one indirect call: a switch in
// LowerInst inlined the smaller rules and made every instruction pay their stack frame).
using Rule = Status (Lowerer::*)(ir::Inst);
struct RuleTable {
  Rule rule[ir::kNumOpcodes];
  RuleTable();
};
extern const RuleTable kRules;  // (at namespace scope: no initialization guard per call)

Status Lowerer::LowerInst(ir::Inst i) {
  return (this->*kRules.rule[static_cast<size_t>((*dfg_)[i].opcode)])(i);
}

Status Lowerer::LowerNothing(ir::Inst) { return Status::Ok(); }

Status Lowerer::LowerIsNull(ir::Inst i) {  // cmp $0, ref (64-bit); sete
  Cond c;
  c.kind = CondKind::kIntRI;
  c.cc = CondCode::kE;
  c.size = OpSize::k64;
  c.a = Use((*dfg_)[i].args[0]);
  return EmitCmpSet(c, i);
}

Status Lowerer::EmitCmpSet(const Cond& c, ir::Inst i) {
  MInst m;
  m.op = MOp::kCmpSet;
  ops_.clear();
  PushCondOperands(c, &m, &ops_);
  ops_.push_back(Operand::EarlyDef(Result(i)));
  EmitSpan(m, ops_);
  return Status::Ok();
}

Status Lowerer::LowerMemoryRule(ir::Inst i) {
  LowerMemory(i);
  return Status::Ok();
}

Status Lowerer::LowerAtomicRule(ir::Inst i) {
  LowerAtomic(i);
  return Status::Ok();
}

Status Lowerer::LowerUnsupported(ir::Inst i) {
  return Unsupported(std::string("opcode ") + std::string(ir::OpcodeName((*dfg_)[i].opcode)));
}

const RuleTable kRules;

RuleTable::RuleTable() {
  for (Rule& r : rule) r = &Lowerer::LowerUnsupported;
  auto set = [&](Rule r, std::initializer_list<Opcode> ops) {
    for (Opcode op : ops) rule[static_cast<size_t>(op)] = r;
  };
  // Rematerialized at each use (the walk skips them: WalkPlan).
  set(&Lowerer::LowerNothing, {Opcode::kIconst, Opcode::kF32const, Opcode::kF64const});
  set(&Lowerer::LowerAlu,
      {Opcode::kIadd, Opcode::kIsub, Opcode::kBand, Opcode::kBor, Opcode::kBxor, Opcode::kImul,
       Opcode::kIaddImm, Opcode::kBandImm, Opcode::kBorImm, Opcode::kBxorImm, Opcode::kImulImm});
  set(&Lowerer::LowerDivRem, {Opcode::kSdiv, Opcode::kUdiv, Opcode::kSrem, Opcode::kUrem});
  set(&Lowerer::LowerMulHi, {Opcode::kUmulhi, Opcode::kSmulhi});
  set(&Lowerer::LowerShift,
      {Opcode::kIshl, Opcode::kUshr, Opcode::kSshr, Opcode::kRotl, Opcode::kRotr, Opcode::kIshlImm,
       Opcode::kUshrImm, Opcode::kSshrImm, Opcode::kRotlImm, Opcode::kRotrImm});
  set(&Lowerer::LowerBitCount, {Opcode::kClz, Opcode::kCtz, Opcode::kPopcnt});
  set(&Lowerer::LowerUnary, {Opcode::kIneg, Opcode::kBnot});
  set(&Lowerer::LowerIcmp, {Opcode::kIcmp, Opcode::kIcmpImm});
  set(&Lowerer::LowerIsNull, {Opcode::kIsNull});
  set(&Lowerer::LowerFcmp, {Opcode::kFcmp});
  set(&Lowerer::LowerSelect, {Opcode::kSelect});
  set(&Lowerer::LowerExtend, {Opcode::kUextend, Opcode::kSextend, Opcode::kIreduce});
  set(&Lowerer::LowerFloatArith, {Opcode::kFadd, Opcode::kFsub, Opcode::kFmul, Opcode::kFdiv});
  set(&Lowerer::LowerFminmax, {Opcode::kFmin, Opcode::kFmax});
  set(&Lowerer::LowerFsign, {Opcode::kFneg, Opcode::kFabs, Opcode::kFcopysign});
  set(&Lowerer::LowerFloatUnary, {Opcode::kSqrt, Opcode::kCeil, Opcode::kFloor, Opcode::kTrunc,
                                  Opcode::kNearest, Opcode::kFpromote, Opcode::kFdemote});
  set(&Lowerer::LowerFpToInt,
      {Opcode::kFcvtToSint, Opcode::kFcvtToUint, Opcode::kFcvtToSintSat, Opcode::kFcvtToUintSat});
  set(&Lowerer::LowerIntToFp, {Opcode::kFcvtFromSint, Opcode::kFcvtFromUint});
  set(&Lowerer::LowerBitcast, {Opcode::kBitcast});
  set(&Lowerer::LowerMemoryRule,
      {Opcode::kLoad, Opcode::kUload8, Opcode::kSload8, Opcode::kUload16, Opcode::kSload16,
       Opcode::kUload32, Opcode::kSload32, Opcode::kStore, Opcode::kIstore8, Opcode::kIstore16,
       Opcode::kIstore32});
  set(&Lowerer::LowerAtomicRule, {Opcode::kAtomicLoad, Opcode::kAtomicStore, Opcode::kAtomicRmw,
                                  Opcode::kAtomicCas, Opcode::kFence});
  set(&Lowerer::LowerCall, {Opcode::kCall, Opcode::kCallIndirect});
  set(&Lowerer::LowerTrapIf, {Opcode::kTrapz, Opcode::kTrapnz});
  // Every vector opcode, whatever the entries above say (LowerVector decides).
  for (int op = 0; op < ir::kNumOpcodes; ++op)
    if (ir::IsVectorOp(static_cast<Opcode>(op))) rule[op] = &Lowerer::LowerVector;
}

Status Lowerer::LowerAlu(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  const bool is_mul = op == Opcode::kImul || op == Opcode::kImulImm;
  m.op = is_mul ? MOp::kImul : MOp::kAlu;
  m.size = AluSize(ResultType(i));
  if (const std::optional<AluOp> alu = AluOpOf(op)) m.alu = *alu;
  const bool imm_form = ir::Info(op).format == ir::InstFormat::kBinaryImm;
  int64_t imm = d.imm;
  int32_t imm32;
  bool have_imm = imm_form || IsIconst(d.args[1], &imm);
  const bool is_add = op == Opcode::kIadd || op == Opcode::kIaddImm;
  if (op == Opcode::kBor) {
    // A byte-reversing bor tree (every other member emits nothing): d = reuse(x); bswap d.
    const ir::Value x = IsBswapRoot(i) ? BswapSource(i) : ir::Value();
    if (x.valid()) {
      MInst b;
      b.op = MOp::kBswap;
      b.size = m.size;
      Emit(b, {Operand::Use(Use(x)), Operand::ReuseDef(Result(i), 0)});
      return Status::Ok();
    }
  }
  if (have_imm && (op == Opcode::kBand || op == Opcode::kBandImm)) {
    // x & 0xff / 0xffff (/ 0xffffffff at 64 bits) is a zero extension: movzbl, movzwl, movl,
    // three-address (no copy when x lives on; the 64-bit mask has no imm32 form at all).
    const uint64_t mask = m.size == OpSize::k32 ? static_cast<uint32_t>(imm) : imm;
    const uint8_t from = mask == 0xff ? 8 : mask == 0xffff ? 16 : mask == 0xffffffff ? 32 : 0;
    if (from != 0 && (from < 32 || m.size == OpSize::k64)) {
      MInst e;
      e.op = MOp::kExtend;
      e.size = m.size;
      e.is_unsigned = true;
      e.extend_from = from;
      Emit(e, {Operand::Use(Use(d.args[0])), Operand::Def(Result(i))});
      return Status::Ok();
    }
  }
  if (have_imm && ImmOperand(imm, m.size, &imm32)) {
    if (const ir::Inst add = LeaImmAdd(i); add.valid()) {
      // (a + b) + imm, (a + x << k) + imm or (x << k) + imm: one `lea imm(a, b|x, 1|2^k), d`.
      const ir::InstData& a = (*dfg_)[add];
      const ir::Value shifted = LeaShiftOperand(add);
      ir::Value x;
      int64_t amount = 0;
      if (a.opcode != Opcode::kIadd) {
        ShlByConst(add, &x, &amount);
        EmitLea(i, ir::Value(), x, static_cast<uint8_t>(amount), imm32);
      } else if (shifted.valid()) {
        ShlByConst(DefInstId(shifted), &x, &amount);
        const ir::Value other = shifted == a.args[1] ? a.args[0] : a.args[1];
        EmitLea(i, other, x, static_cast<uint8_t>(amount), imm32);
      } else {
        EmitLea(i, a.args[0], a.args[1], 0, imm32);
      }
      return Status::Ok();
    }
    if (is_add && LivesOn(d.args[0], i)) {
      // The operand lives on: `lea imm(a), d` instead of a copy and an add. At 32 bits lea
      // wraps and zero-extends like addl.
      EmitLea(i, d.args[0], ir::Value(), 0, imm32);
      return Status::Ok();
    }
    if ((op == Opcode::kBor || op == Opcode::kBorImm || op == Opcode::kBxor ||
         op == Opcode::kBxorImm) &&
        imm32 > 0 && LivesOn(d.args[0], i) &&
        (static_cast<uint64_t>(imm32) >> KnownZeroLowBits(d.args[0])) == 0) {
      // The operand's low bits under the constant are zero (`2 * c | 1`), so or and xor add it
      // without carries: `lea imm(a), d` instead of a copy of the operand that lives on.
      EmitLea(i, d.args[0], ir::Value(), 0, imm32);
      return Status::Ok();
    }
    if (is_mul && (imm32 == 3 || imm32 == 5 || imm32 == 9)) {
      // a * (2^k + 1) = a + a << k.
      EmitLea(i, d.args[0], d.args[0], imm32 == 3 ? 1 : imm32 == 5 ? 2 : 3, 0);
      return Status::Ok();
    }
    m.imm_operand = true;
    m.imm = imm32;
    VReg a = Use(d.args[0]);
    // imul $imm has a three-address form: no reuse constraint (no copy when `a` lives on).
    Emit(m, {Operand::Use(a), is_mul ? Operand::Def(Result(i)) : Operand::ReuseDef(Result(i), 0)});
    return Status::Ok();
  }
  if (op == Opcode::kIadd) {
    ir::Value leaves[kMaxAddLeaves];
    uint8_t mem[kMaxAddLeaves];
    const int n = AddTreeLeaves(i, leaves, mem);
    if (n > 0) {
      LowerAddTree(i, leaves, mem, n);
      return Status::Ok();
    }
  }
  if (op == Opcode::kIadd) {
    const ir::Value shifted = LeaShiftOperand(i);
    if (shifted.valid()) {  // a + x << k: `lea (a, x, 2^k), d`
      ir::Value x;
      int64_t amount = 0;
      ShlByConst(DefInstId(shifted), &x, &amount);
      const ir::Value other = shifted == d.args[1] ? d.args[0] : d.args[1];
      EmitLea(i, other, x, static_cast<uint8_t>(amount), 0);
      return Status::Ok();
    }
  }
  if (op == Opcode::kBand) {
    const ir::Value inverted = AndnOperand(i);
    if (inverted.valid()) {  // x & ~y: `andn x, y, d` (BMI1), three-address
      const ir::Value other = inverted == d.args[1] ? d.args[0] : d.args[1];
      m.vex = true;
      const VReg y = Use((*dfg_)[DefInstId(inverted)].args[0]), x = Use(other);
      Emit(m, {Operand::Use(x), Operand::Use(y), Operand::Def(Result(i))});
      return Status::Ok();
    }
  }
  const ir::Value folded = imm_form ? ir::Value() : FoldedLoadOperand(i);
  if (folded.valid()) {
    // The load becomes the instruction's memory operand (commutative ops may swap).
    const bool rhs = folded == d.args[1];
    const ir::Inst load = DefInstId(folded);
    const ir::InstData& l = (*dfg_)[load];
    VReg a = Use(rhs ? d.args[0] : d.args[1]);
    ops_.clear();
    ops_.push_back(Operand::Use(a));
    AddressOperands(load, &m);  // sets the displacement
    m.can_trap = !l.flags.Has(ir::MemFlags::kNotrap);
    m.trap = l.trap;
    ops_.push_back(Operand::ReuseDef(Result(i), 0));
    EmitSpan(m, ops_);
    return Status::Ok();
  }
  if (op == Opcode::kIadd && LivesOn(d.args[0], i)) {
    if (LivesOn(d.args[1], i)) {
      // Both operands live on: `lea (a, b), d`.
      EmitLea(i, d.args[0], d.args[1], 0, 0);
      return Status::Ok();
    }
    // Only b dies here: the two-address add reuses b's register.
    VReg a = Use(d.args[1]), b = Use(d.args[0]);
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(Result(i), 0)});
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

void Lowerer::LowerAddTree(ir::Inst root, const ir::Value* leaves, const uint8_t* mem, int n) {
  const Type t = ResultType(root);
  const OpSize size = AluSize(t);
  VReg acc = NewVReg(t);
  {
    const ir::Value a = leaves[0], b = leaves[1];
    if (LivesOn(a, root) && LivesOn(b, root)) {
      MInst m;
      m.op = MOp::kLea;
      m.size = size;
      m.base_op = 0;
      m.index_op = 1;
      Emit(m, {Operand::Use(Use(a)), Operand::Use(Use(b)), Operand::Def(acc)});
    } else {
      MInst m;
      m.op = MOp::kAlu;
      m.alu = AluOp::kAdd;
      m.size = size;
      const bool b_dies = !LivesOn(b, root) && LivesOn(a, root);
      const VReg x = Use(b_dies ? b : a), y = Use(b_dies ? a : b);
      Emit(m, {Operand::Use(x), Operand::Use(y), Operand::ReuseDef(acc, 0)});
    }
  }
  for (int k = 2; k < n; ++k) {
    const VReg next = k == n - 1 ? Result(root) : NewVReg(t);
    MInst m;
    m.op = MOp::kAlu;
    m.alu = AluOp::kAdd;
    m.size = size;
    if (mem[k]) {
      const ir::Inst load = DefInstId(leaves[k]);
      const ir::InstData& l = (*dfg_)[load];
      ops_.clear();
      ops_.push_back(Operand::Use(acc));
      AddressOperands(load, &m);  // sets the displacement
      m.can_trap = !l.flags.Has(ir::MemFlags::kNotrap);
      m.trap = l.trap;
      ops_.push_back(Operand::ReuseDef(next, 0));
      EmitSpan(m, ops_);
    } else {
      Emit(m, {Operand::Use(acc), Operand::Use(Use(leaves[k])), Operand::ReuseDef(next, 0)});
    }
    acc = next;
  }
}

Status Lowerer::LowerDivRem(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
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
  const ir::InstData& d = (*dfg_)[i];
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
  const ir::InstData& d = (*dfg_)[i];
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
  const int bits = m.size == OpSize::k64 ? 64 : 32;
  if (imm_form || IsIconst(d.args[1], &imm)) {
    m.imm_operand = true;
    m.imm = imm & (bits - 1);
    if (s == ShiftOp::kShl && m.imm >= 1 && m.imm <= 3 && LivesOn(d.args[0], i)) {
      // The operand lives on: a three-address lea instead of a copy and a shift (at 32 bits
      // truncated and zero-extended alike): `leal (%a,%a), %d` for 1, `leal 0(,%a,4|8), %d`.
      if (m.imm == 1)
        EmitLea(i, d.args[0], d.args[0], 0, 0);
      else
        EmitLea(i, ir::Value(), d.args[0], static_cast<uint8_t>(m.imm), 0);
      return Status::Ok();
    }
    VReg a = Use(d.args[0]);
    if (features_.bmi2 && (s == ShiftOp::kRol || s == ShiftOp::kRor) && m.imm != 0) {
      // rorx: three-address (no copy when `a` lives on); a left rotation by k is a right one by
      // bits - k.
      m.vex = true;
      if (s == ShiftOp::kRol) m.imm = bits - m.imm;
      Emit(m, {Operand::Use(a), Operand::Def(Result(i))});
      return Status::Ok();
    }
    Emit(m, {Operand::Use(a), Operand::ReuseDef(Result(i), 0)});
    return Status::Ok();
  }
  VReg a = Use(d.args[0]);
  VReg c = Use(d.args[1]);
  if (features_.bmi2 && (s == ShiftOp::kShl || s == ShiftOp::kShr || s == ShiftOp::kSar)) {
    // shlx/shrx/sarx: the count in any register (no %rcx), three-address.
    m.vex = true;
    Emit(m, {Operand::Use(a), Operand::Use(c), Operand::Def(Result(i))});
    return Status::Ok();
  }
  Emit(m, {Operand::Use(a), Operand::FixedUse(c, IntPReg(Gpr::kRcx)),
           Operand::ReuseDef(Result(i), 0)});
  return Status::Ok();
}

Status Lowerer::LowerBitCount(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
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
  if (m.native) {
    EmitUnary(i, m);
  } else {  // the fallback sequences' GPR temporaries (popcount: two)
    const VReg a = Use(d.args[0]);
    if (m.bitcount == BitCountKind::kPopcnt) {
      Emit(m, {Operand::Use(a), Operand::Def(Result(i)), Operand::EarlyDef(NewVReg(Type::kI64)),
               Operand::EarlyDef(NewVReg(Type::kI64))});
    } else {
      Emit(m, {Operand::Use(a), Operand::Def(Result(i)), Operand::EarlyDef(NewVReg(Type::kI64))});
    }
  }
  return Status::Ok();
}

Status Lowerer::LowerUnary(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
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
  return EmitCmpSet(CondOf(FirstResult(i), /*fold=*/true), i);  // CondOf's operand selection
}

Status Lowerer::LowerFcmp(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  m.op = MOp::kFcmpSet;
  m.fcc = d.cond;
  m.fp64 = dfg_->ValueType(d.args[0]) == Type::kF64;
  VReg a = Use(d.args[0]), b = Use(d.args[1]);
  VReg tmp = NewVReg(Type::kI64);
  Emit(m, {Operand::Use(a), Operand::Use(b), Operand::EarlyDef(Result(i)), Operand::EarlyDef(tmp)});
  return Status::Ok();
}

Status Lowerer::LowerSelect(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const ir::Inst sunk = SinkableCompare(i);
  if (sunk.valid() && (*dfg_)[sunk].opcode == Opcode::kFcmp) {
    const auto fcc = static_cast<ir::FloatCC>((*dfg_)[sunk].cond);
    if (fcc == ir::FloatCC::kEq || fcc == ir::FloatCC::kNe || !LoopCarriedSelect(i, sunk)) {
      LowerFloatMaskSelect(i, sunk);
      return Status::Ok();
    }
    // A loop-carried min/max keeps the branch, on the flags of one ucomis (emit.cc).
  }
  MInst m;
  Cond c = CondOf(d.args[0], sunk.valid(), i);
  m.op = MOp::kSelect;
  ops_.clear();
  PushCondOperands(c, &m, &ops_);
  const Type t = ResultType(i);
  m.fp = backend::IsFloatClass(t);  // vectors too: the whole xmm register is moved
  m.fp64 = t == Type::kF64;
  m.wide_value = AluSize(t) == OpSize::k64;  // (the condition's width is in `size`)
  const uint8_t x_index = static_cast<uint8_t>(ops_.size());
  ops_.push_back(Operand::Use(Use(d.args[1])));
  ops_.push_back(Operand::Use(Use(d.args[2])));
  ops_.push_back(Operand::ReuseDef(Result(i), x_index));
  EmitSpan(m, ops_);
  return Status::Ok();
}

bool Lowerer::LoopCarriedSelect(ir::Inst i, ir::Inst cmp) const {
  const ir::InstData& d = (*dfg_)[i];
  const ir::InstData& cd = (*dfg_)[cmp];
  // The result's only use passes it back as the compared block parameter itself.
  const ir::Value r = FirstResult(i);
  const ir::Inst u = ctx_.SoleUser(r);
  if (!u.valid()) return false;
  const ir::InstData& ud = (*dfg_)[u];
  const int num_dests = ud.opcode == Opcode::kJump ? 1 : ud.opcode == Opcode::kBrif ? 2 : 0;
  for (int k = 0; k < 2; ++k) {
    const ir::Value v = Resolve(cd.args[k]);
    if (v != Resolve(d.args[1]) && v != Resolve(d.args[2])) continue;
    const ir::ValueData& vd = dfg_->ValueInfo(v);
    if (vd.kind != ir::ValueKind::kParam) continue;
    for (int e = 0; e < num_dests; ++e) {
      if (ud.dest[e].block.index != vd.def) continue;
      const auto args = dfg_->pool().Get(ud.dest[e].args);
      if (vd.num < args.size() && Resolve(args[vd.num]) == Resolve(r)) return true;
    }
  }
  return false;
}

void Lowerer::LowerFloatMaskSelect(ir::Inst i, ir::Inst cmp) {
  const ir::InstData& d = (*dfg_)[i];
  const ir::InstData& cd = (*dfg_)[cmp];
  const bool f64 = ResultType(i) == Type::kF64;  // the compare's type too (SinkableCompare)
  bool swap = false;
  const uint8_t pred = SseCmpPredicate(static_cast<ir::FloatCC>(cd.cond), &swap);
  MInst k;
  k.op = MOp::kSseBin;
  k.sse = f64 ? SseOp::kCmpsd : SseOp::kCmpss;
  k.fp = true;
  k.fp64 = f64;
  k.imm = pred;
  const VReg a = Use(cd.args[swap ? 1 : 0]), b = Use(cd.args[swap ? 0 : 1]);
  const VReg mask = NewVReg(ResultType(i));
  Emit(k, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(mask, 0)});
  MInst m;
  m.op = MOp::kSelect;
  m.cond = CondKind::kMask;
  m.fp = true;
  m.fp64 = f64;
  const VReg x = Use(d.args[1]), y = Use(d.args[2]);
  Emit(m, {Operand::Use(mask), Operand::Use(x), Operand::Use(y), Operand::ReuseDef(Result(i), 1)});
}

Status Lowerer::LowerExtend(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  const Type from = dfg_->ValueType(d.args[0]);
  const Type to = ResultType(i);
  if (op == Opcode::kUextend && from == Type::kI32 && to == Type::kI64 &&
      ZeroExtendedI32(d.args[0])) {
    // The 32-bit definition already zeroed the upper half: no instruction.
    ctx_.AliasVReg(FirstResult(i), Use(d.args[0]));
    return Status::Ok();
  }
  if (op == Opcode::kIreduce) {
    // Every consumer of a narrower value reads only its low bits (32-bit operations, narrow
    // stores, movzx/movsx); none relies on the upper half being zero except through
    // ZeroExtendedI32, which says no for an ireduce. So the wide register itself is the result:
    // no instruction (`leal (%rax, %rdx), %ecx` reads the i64 counter in %rdx directly).
    ctx_.AliasVReg(FirstResult(i), Use(d.args[0]));
    return Status::Ok();
  }
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
  const ir::InstData& d = (*dfg_)[i];
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
  // With AVX, `vaddsd b, a, d` writes a third register: a plain def, no copy when `a` lives on.
  m.vex = features_.avx;
  auto def = [&] { return m.vex ? Operand::Def(Result(i)) : Operand::ReuseDef(Result(i), 0); };
  const bool commutative = op == Opcode::kFadd || op == Opcode::kFmul;
  ir::Value a = d.args[0], b = d.args[1];
  if (commutative && IsConst(a) && !IsConst(b)) std::swap(a, b);
  if (IsConst(b) && !IsConst(a)) {
    // A constant right operand is read from the constant pool: `mulsd c(%rip), d`.
    m.imm_operand = true;
    m.imm = DefInst(b)->imm;
    Emit(m, {Operand::Use(Use(a)), def()});
    return Status::Ok();
  }
  const ir::Value folded = FoldedLoadOperand(i);
  if (folded.valid()) {
    // The load becomes the memory operand: `subsd 8(%rcx,%rax), d`.
    const ir::Inst load = DefInstId(folded);
    const ir::InstData& l = (*dfg_)[load];
    ops_.clear();
    ops_.push_back(Operand::Use(Use(folded == d.args[1] ? d.args[0] : d.args[1])));
    AddressOperands(load, &m);  // sets the displacement
    m.can_trap = !l.flags.Has(ir::MemFlags::kNotrap);
    m.trap = l.trap;
    ops_.push_back(def());
    EmitSpan(m, ops_);
    return Status::Ok();
  }
  if (m.vex) {
    const VReg va = Use(d.args[0]), vb = Use(d.args[1]);
    Emit(m, {Operand::Use(va), Operand::Use(vb), def()});
    return Status::Ok();
  }
  EmitReuseBinary(i, m);
  return Status::Ok();
}

Status Lowerer::LowerFminmax(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
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
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kFsign;
  m.fsign = op == Opcode::kFneg   ? FsignKind::kNeg
            : op == Opcode::kFabs ? FsignKind::kAbs
                                  : FsignKind::kCopysign;
  m.fp = true;
  m.fp64 = ResultType(i) == Type::kF64;
  if (op == Opcode::kFcopysign) {  // with an xmm temporary for the masked sign
    const VReg a = Use(d.args[0]), b = Use(d.args[1]);
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(Result(i), 0),
             Operand::EarlyDef(NewVReg(Type::kF64))});
  } else {
    VReg a = Use(d.args[0]);
    Emit(m, {Operand::Use(a), Operand::ReuseDef(Result(i), 0)});
  }
  return Status::Ok();
}

Status Lowerer::LowerFloatUnary(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  const bool f64 = dfg_->ValueType(d.args[0]) == Type::kF64;
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
      VReg vmctx = Use(dfg_->BlockParams(f_->EntryBlock())[0]);
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
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kFpToInt;
  m.fp64 = dfg_->ValueType(d.args[0]) == Type::kF64;
  m.size = AluSize(ResultType(i));
  m.is_unsigned = op == Opcode::kFcvtToUint || op == Opcode::kFcvtToUintSat;
  m.saturating = op == Opcode::kFcvtToSintSat || op == Opcode::kFcvtToUintSat;
  if (m.is_unsigned && m.size == OpSize::k64) {  // an xmm temporary for a - 2^63
    Emit(m, {Operand::Use(Use(d.args[0])), Operand::Def(Result(i)),
             Operand::EarlyDef(NewVReg(Type::kF64))});
  } else {
    EmitUnary(i, m);
  }
  return Status::Ok();
}

Status Lowerer::LowerIntToFp(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  m.op = MOp::kIntToFp;
  m.fp = true;
  m.fp64 = ResultType(i) == Type::kF64;
  m.size = AluSize(dfg_->ValueType(d.args[0]));
  m.is_unsigned = op == Opcode::kFcvtFromUint;
  if (m.is_unsigned) {  // a GPR temporary (zero extension, or halving with the sticky bit)
    Emit(m, {Operand::Use(Use(d.args[0])), Operand::Def(Result(i)),
             Operand::EarlyDef(NewVReg(Type::kI64))});
  } else {
    EmitUnary(i, m);
  }
  return Status::Ok();
}

Status Lowerer::LowerBitcast(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  MInst m;
  const Type from = dfg_->ValueType(d.args[0]);
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
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  MInst m;
  Cond c = CondOf(d.args[0], SinkableCompare(i).valid(), i);
  m.op = MOp::kTrapIf;
  m.trap = d.trap;
  ops_.clear();
  PushCondOperands(c, &m, &ops_);
  // trapz traps when the condition is false: invert integer conditions (exact for ints).
  if (op == Opcode::kTrapz) m.cc = Invert(m.cc);
  EmitSpan(m, ops_);
  return Status::Ok();
}

// ---- SIMD.

namespace {

// Per integer lane width (k8..k64): an SSE op, or kNoVecOp where SSE4.1 has none.
constexpr SseOp kNoVecOp = SseOp::kMovss;
SseOp ByLane(OpSize lane, SseOp b, SseOp w, SseOp d, SseOp q) {
  switch (lane) {
    case OpSize::k8:
      return b;
    case OpSize::k16:
      return w;
    case OpSize::k32:
      return d;
    case OpSize::k64:
      return q;
  }
  return kNoVecOp;
}

}  // namespace

void Lowerer::EmitVecBin(ir::Inst i, SseOp op, bool swap) {
  const ir::InstData& d = (*dfg_)[i];
  const VReg a = Use(d.args[swap ? 1 : 0]), b = Use(d.args[swap ? 0 : 1]);
  MInst m;
  m.op = MOp::kVecBin;
  m.fp = true;
  m.sse = op;
  if (features_.avx && HasVexForm(op)) {
    m.vex = true;
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::Def(Result(i))});
  } else {
    Emit(m, {Operand::Use(a), Operand::Use(b), Operand::ReuseDef(Result(i), 0)});
  }
}

void Lowerer::EmitVecUnary(ir::Inst i, SseOp op, uint8_t imm) {
  MInst m;
  m.op = MOp::kVecUnary;
  m.fp = true;
  m.sse = op;
  m.imm = imm;
  EmitUnary(i, m);
}

void Lowerer::EmitVecSeq(ir::Inst i, VecOp op, OpSize lane, std::initializer_list<ir::Value> uses,
                         int xtmps, bool gtmp, bool float_lanes, MInst m) {
  m.op = MOp::kVec;
  m.vop = op;
  m.size = lane;
  m.fp = float_lanes;
  m.vec_uses = static_cast<uint8_t>(uses.size());
  m.vec_xtmps = static_cast<uint8_t>(xtmps);
  m.vec_gtmp = gtmp;
  ops_.clear();
  for (ir::Value v : uses) ops_.push_back(Operand::Use(Use(v)));
  // The result is an early def (never an input's register), since most sequences write it
  // before their last read of an input. These read every input before writing the result (or the
  // result is a GPR while the inputs are xmm, or the reverse), so with no temporaries it may take
  // a dying input's register.
  const bool late = xtmps == 0 && !gtmp &&
                    (op == VecOp::kExtractLaneS || op == VecOp::kExtractLaneU ||
                     op == VecOp::kAnyTrue || op == VecOp::kBitmask || op == VecOp::kSplat ||
                     (op == VecOp::kScalarToVector && !float_lanes) || op == VecOp::kAbs ||
                     op == VecOp::kExtendHighS || op == VecOp::kExtendHighU ||
                     op == VecOp::kFcvtLowFromUint || op == VecOp::kExtAddPairwiseU);
  // `mov d, a; op d, b` with nothing else reading an input: the result may reuse a's register
  // (b is read by the op itself; if b is a's vreg too, it reads the same value).
  const bool reuse = op == VecOp::kFcmp ||
                     (op == VecOp::kIcmp &&
                      (m.cc == CondCode::kE || (m.cc == CondCode::kG && lane != OpSize::k64)));
  if (reuse) {
    ops_.push_back(Operand::ReuseDef(Result(i), 0));
  } else {
    ops_.push_back(late ? Operand::Def(Result(i)) : Operand::EarlyDef(Result(i)));
  }
  for (int k = 0; k < xtmps; ++k) ops_.push_back(Operand::EarlyDef(NewVReg(Type::kF64)));
  if (gtmp) ops_.push_back(Operand::EarlyDef(NewVReg(Type::kI64)));
  EmitSpan(m, ops_);
}

ir::Value Lowerer::VectorLoadOperand(ir::Inst user) const {
  const ir::InstData& d = (*dfg_)[user];
  if (!features_.sse41) return ir::Value();  // the user is refused anyway
  if (d.opcode != Opcode::kVscalarToVector && d.opcode != Opcode::kVsplat) return ir::Value();
  const ir::Value v = d.args[0];
  if (!ctx_.CanSinkInto(v, user)) return ir::Value();
  const ir::Inst li = DefInstId(v);
  if ((*dfg_)[li].opcode != Opcode::kLoad) return ir::Value();
  const Type t = dfg_->ValueType(Resolve(v));
  if (ir::TypeBits(t) != 32 && ir::TypeBits(t) != 64) return ir::Value();
  // A splat's lane type must be the loaded one (i8/i16 splats take an i32 and truncate it).
  if (d.opcode == Opcode::kVsplat && ir::LaneType(d.type) != t) return ir::Value();
  return ctx_.OnlyPureBetween(li, user) ? v : ir::Value();
}

void Lowerer::EmitXmmLoad(ir::Inst load, bool f64, VReg dst) {
  const ir::InstData& ld = (*dfg_)[load];
  MInst m;
  m.op = MOp::kLoad;
  m.disp = static_cast<int32_t>(ld.imm);
  m.can_trap = !ld.flags.Has(ir::MemFlags::kNotrap);
  m.trap = ld.trap;
  m.fp = true;
  m.fp64 = f64;
  m.load = f64 ? LoadKind::kFloat64 : LoadKind::kFloat32;
  ops_.clear();
  AddressOperands(load, &m);
  ops_.push_back(Operand::Def(dst));
  EmitSpan(m, ops_);
}

Status Lowerer::LowerVector(ir::Inst i) {
  const ir::InstData& d = (*dfg_)[i];
  const Opcode op = d.opcode;
  if (!features_.sse41) {
    char at[48] = "";
    if (ctx_.srcloc() != backend::kNoSrcLoc)
      std::snprintf(at, sizeof at, " at wasm byte offset 0x%x", ctx_.srcloc());
    return Unsupported("vector op " + std::string(ir::OpcodeName(op)) + at +
                       " needs SSE4.1, which the target features exclude");
  }
  const Type arg0 =
      ir::Info(op).format == ir::InstFormat::kVconst ? Type::kInvalid : dfg_->ValueType(d.args[0]);
  const Type shape = ir::VectorShapeOf(op, d.type, arg0);
  const Type lane_type = ir::LaneType(shape);
  const OpSize lane = SizeOf(lane_type);
  const bool fl = ir::IsFloat(lane_type);
  const bool f64 = lane_type == Type::kF64;
  const ir::Value a = ir::Info(op).format == ir::InstFormat::kVconst ? ir::Value() : d.args[0];
  const ir::Value b = d.args[1], c = d.args[2];
  MInst m;
  m.fp64 = f64;
  switch (op) {
    case Opcode::kVconst: {
      const ir::V128& k = dfg_->constant(d.ref);
      m.op = MOp::kVecConst;
      m.fp = true;
      m.imm = static_cast<int64_t>(k.lo);
      m.imm_hi = static_cast<int64_t>(k.hi);
      Emit(m, {Operand::Def(Result(i))});
      return Status::Ok();
    }
    case Opcode::kVbitcast:
      ctx_.AliasVReg(FirstResult(i), Use(a));
      return Status::Ok();
    case Opcode::kVsplat:
      if (VectorLoadOperand(i).valid()) {  // movss/movsd from memory, then pshufd
        const VReg t = NewVReg(Type::kF64);
        EmitXmmLoad(DefInstId(a), lane == OpSize::k64, t);
        m.op = MOp::kVec;
        m.vop = VecOp::kSplat;
        m.size = lane;
        m.fp = true;  // the lane is in an xmm register now: pshufd by its width
        m.fp64 = lane == OpSize::k64;
        m.vec_uses = 1;
        Emit(m, {Operand::Use(t), Operand::Def(Result(i))});
        return Status::Ok();
      }
      EmitVecSeq(i, VecOp::kSplat, lane, {a}, lane == OpSize::k8 ? 1 : 0, false, fl, m);
      return Status::Ok();
    case Opcode::kVscalarToVector:
      if (VectorLoadOperand(i).valid()) {  // movss/movsd from memory zero the upper lanes
        EmitXmmLoad(DefInstId(a), lane == OpSize::k64, Result(i));
        return Status::Ok();
      }
      EmitVecSeq(i, VecOp::kScalarToVector, lane, {a}, 0, false, fl, m);
      return Status::Ok();
    case Opcode::kVextractlane:
    case Opcode::kVextractlaneU:
    case Opcode::kVextractlaneS:
      m.imm = d.imm;
      EmitVecSeq(i, op == Opcode::kVextractlaneS ? VecOp::kExtractLaneS : VecOp::kExtractLaneU,
                 lane, {a}, 0, false, fl, m);
      return Status::Ok();
    case Opcode::kVinsertlane:
      m.imm = d.imm;
      EmitVecSeq(i, VecOp::kInsertLane, lane, {a, b}, 0, false, fl, m);
      return Status::Ok();
    case Opcode::kVshuffle: {
      const ir::V128& k = dfg_->constant(d.ref);
      m.imm = static_cast<int64_t>(k.lo);
      m.imm_hi = static_cast<int64_t>(k.hi);
      EmitVecSeq(i, VecOp::kShuffle, OpSize::k8, {a, b}, 1, false, false, m);
      return Status::Ok();
    }
    case Opcode::kVswizzle:
      EmitVecSeq(i, VecOp::kSwizzle, OpSize::k8, {a, b}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVand:
      EmitVecBin(i, SseOp::kPand);
      return Status::Ok();
    case Opcode::kVor:
      EmitVecBin(i, SseOp::kPor);
      return Status::Ok();
    case Opcode::kVxor:
      EmitVecBin(i, SseOp::kPxor);
      return Status::Ok();
    case Opcode::kVandnot:  // a & ~b = pandn(b, a)
      EmitVecBin(i, SseOp::kPandn, /*swap=*/true);
      return Status::Ok();
    case Opcode::kVnot:
      EmitVecSeq(i, VecOp::kNot, lane, {a}, 0, false, false, m);
      return Status::Ok();
    case Opcode::kVbitselect:  // vbitselect c, x, y: the sequence's a = x, b = y, c = mask
      EmitVecSeq(i, VecOp::kBitselect, lane, {b, c, a}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVanyTrue:
      EmitVecSeq(i, VecOp::kAnyTrue, lane, {a}, 0, false, false, m);
      return Status::Ok();
    case Opcode::kValltrue:
      EmitVecSeq(i, VecOp::kAllTrue, lane, {a}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVbitmask:
      EmitVecSeq(i, VecOp::kBitmask, lane, {a}, lane == OpSize::k16 ? 1 : 0, false, false, m);
      return Status::Ok();
    case Opcode::kViadd:
      EmitVecBin(i, ByLane(lane, SseOp::kPaddb, SseOp::kPaddw, SseOp::kPaddd, SseOp::kPaddq));
      return Status::Ok();
    case Opcode::kVisub:
      EmitVecBin(i, ByLane(lane, SseOp::kPsubb, SseOp::kPsubw, SseOp::kPsubd, SseOp::kPsubq));
      return Status::Ok();
    case Opcode::kVimul:
      if (lane == OpSize::k64) {
        EmitVecSeq(i, VecOp::kMul64, lane, {a, b}, 2, false, false, m);
      } else if (lane != OpSize::k8) {
        EmitVecBin(i, lane == OpSize::k16 ? SseOp::kPmullw : SseOp::kPmulld);
      } else {
        break;
      }
      return Status::Ok();
    case Opcode::kVineg:
      EmitVecSeq(i, VecOp::kNeg, lane, {a}, 0, false, false, m);
      return Status::Ok();
    case Opcode::kViabs:
      EmitVecSeq(i, VecOp::kAbs, lane, {a}, lane == OpSize::k64 ? 1 : 0, false, false, m);
      return Status::Ok();
    case Opcode::kVsaddSat:
    case Opcode::kVuaddSat:
    case Opcode::kVssubSat:
    case Opcode::kVusubSat: {
      if (lane != OpSize::k8 && lane != OpSize::k16) break;
      const bool w = lane == OpSize::k16;
      const SseOp s = op == Opcode::kVsaddSat   ? (w ? SseOp::kPaddsw : SseOp::kPaddsb)
                      : op == Opcode::kVuaddSat ? (w ? SseOp::kPaddusw : SseOp::kPaddusb)
                      : op == Opcode::kVssubSat ? (w ? SseOp::kPsubsw : SseOp::kPsubsb)
                                                : (w ? SseOp::kPsubusw : SseOp::kPsubusb);
      EmitVecBin(i, s);
      return Status::Ok();
    }
    case Opcode::kVsmin:
    case Opcode::kVumin:
    case Opcode::kVsmax:
    case Opcode::kVumax: {
      if (lane == OpSize::k64) break;
      const SseOp s = op == Opcode::kVsmin
                          ? ByLane(lane, SseOp::kPminsb, SseOp::kPminsw, SseOp::kPminsd, kNoVecOp)
                      : op == Opcode::kVumin
                          ? ByLane(lane, SseOp::kPminub, SseOp::kPminuw, SseOp::kPminud, kNoVecOp)
                      : op == Opcode::kVsmax
                          ? ByLane(lane, SseOp::kPmaxsb, SseOp::kPmaxsw, SseOp::kPmaxsd, kNoVecOp)
                          : ByLane(lane, SseOp::kPmaxub, SseOp::kPmaxuw, SseOp::kPmaxud, kNoVecOp);
      EmitVecBin(i, s);
      return Status::Ok();
    }
    case Opcode::kVavgrU:
      if (lane != OpSize::k8 && lane != OpSize::k16) break;
      EmitVecBin(i, lane == OpSize::k8 ? SseOp::kPavgb : SseOp::kPavgw);
      return Status::Ok();
    case Opcode::kVishl:
    case Opcode::kVushr:
    case Opcode::kVsshr: {
      const VecOp v = op == Opcode::kVishl   ? VecOp::kShl
                      : op == Opcode::kVushr ? VecOp::kUshr
                                             : VecOp::kSshr;
      const bool two = lane == OpSize::k8 || (lane == OpSize::k64 && v == VecOp::kSshr);
      int64_t amount = 0;
      if (!two && IsIconst(b, &amount)) {  // psll/psrl/psra by an immediate
        m.imm_operand = true;
        m.imm = amount & (ir::TypeBits(lane_type) - 1);
        EmitVecSeq(i, v, lane, {a}, 0, false, false, m);
        return Status::Ok();
      }
      EmitVecSeq(i, v, lane, {a, b}, two ? 2 : 1, true, false, m);
      return Status::Ok();
    }
    case Opcode::kVpopcnt:
      EmitVecSeq(i, VecOp::kPopcnt, lane, {a}, 2, false, false, m);
      return Status::Ok();
    case Opcode::kVq15mulrSatS:
      EmitVecSeq(i, VecOp::kQ15MulrSat, lane, {a, b}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVicmp: {
      m.cc = IntCond(static_cast<ir::IntCC>(d.cond));
      const bool eq = m.cc == CondCode::kE || m.cc == CondCode::kNe;
      if (m.cc == CondCode::kL && lane != OpSize::k64) {  // a < b as b > a: pcmpgt reusing b
        m.cc = CondCode::kG;
        EmitVecSeq(i, VecOp::kIcmp, lane, {b, a}, 1, false, false, m);
        return Status::Ok();
      }
      m.native = features_.sse42;  // i64x2 gt/lt/le/ge: pcmpgtq
      EmitVecSeq(i, VecOp::kIcmp, lane, {a, b}, lane == OpSize::k64 && !eq && !m.native ? 2 : 1,
                 false, false, m);
      return Status::Ok();
    }
    case Opcode::kVfadd:
      EmitVecBin(i, f64 ? SseOp::kAddpd : SseOp::kAddps);
      return Status::Ok();
    case Opcode::kVfsub:
      EmitVecBin(i, f64 ? SseOp::kSubpd : SseOp::kSubps);
      return Status::Ok();
    case Opcode::kVfmul:
      EmitVecBin(i, f64 ? SseOp::kMulpd : SseOp::kMulps);
      return Status::Ok();
    case Opcode::kVfdiv:
      EmitVecBin(i, f64 ? SseOp::kDivpd : SseOp::kDivps);
      return Status::Ok();
    case Opcode::kVfmin:
    case Opcode::kVfmax:
      EmitVecSeq(i, op == Opcode::kVfmin ? VecOp::kFmin : VecOp::kFmax, lane, {a, b}, 2, false,
                 true, m);
      return Status::Ok();
    case Opcode::kVfpmin:  // b < a ? b : a = minps(b, a)
      EmitVecBin(i, f64 ? SseOp::kMinpd : SseOp::kMinps, /*swap=*/true);
      return Status::Ok();
    case Opcode::kVfpmax:  // a < b ? b : a = maxps(b, a)
      EmitVecBin(i, f64 ? SseOp::kMaxpd : SseOp::kMaxps, /*swap=*/true);
      return Status::Ok();
    case Opcode::kVfabs:
    case Opcode::kVfneg:
      EmitVecSeq(i, op == Opcode::kVfabs ? VecOp::kFabs : VecOp::kFneg, lane, {a}, 0, false, true,
                 m);
      return Status::Ok();
    case Opcode::kVfsqrt:
      EmitVecUnary(i, f64 ? SseOp::kSqrtpd : SseOp::kSqrtps);
      return Status::Ok();
    case Opcode::kVfceil:
    case Opcode::kVffloor:
    case Opcode::kVftrunc:
    case Opcode::kVfnearest: {
      const uint8_t mode = op == Opcode::kVfceil    ? kRoundUp
                           : op == Opcode::kVffloor ? kRoundDown
                           : op == Opcode::kVftrunc ? kRoundTowardZero
                                                    : kRoundNearest;
      EmitVecUnary(i, f64 ? SseOp::kRoundpd : SseOp::kRoundps, mode);
      return Status::Ok();
    }
    case Opcode::kVfcmp: {
      // gt/ge as lt/le with the operands swapped, so the sequence is `cmpps d=reuse(first)`.
      const auto cc = static_cast<ir::FloatCC>(d.cond);
      const bool swap = cc == ir::FloatCC::kGt || cc == ir::FloatCC::kGe;
      m.fcc = static_cast<uint8_t>(cc == ir::FloatCC::kGt   ? ir::FloatCC::kLt
                                   : cc == ir::FloatCC::kGe ? ir::FloatCC::kLe
                                                            : cc);
      if (swap) {
        EmitVecSeq(i, VecOp::kFcmp, lane, {b, a}, 0, false, true, m);
      } else {
        EmitVecSeq(i, VecOp::kFcmp, lane, {a, b}, 0, false, true, m);
      }
      return Status::Ok();
    }
    case Opcode::kVnarrowS:
    case Opcode::kVnarrowU: {
      const bool bytes = lane == OpSize::k8;  // the result's lanes
      EmitVecBin(i, op == Opcode::kVnarrowS ? (bytes ? SseOp::kPacksswb : SseOp::kPackssdw)
                                            : (bytes ? SseOp::kPackuswb : SseOp::kPackusdw));
      return Status::Ok();
    }
    case Opcode::kVextendLowS:
    case Opcode::kVextendLowU: {
      const bool s = op == Opcode::kVextendLowS;
      EmitVecUnary(i, ByLane(lane, kNoVecOp, s ? SseOp::kPmovsxbw : SseOp::kPmovzxbw,
                             s ? SseOp::kPmovsxwd : SseOp::kPmovzxwd,
                             s ? SseOp::kPmovsxdq : SseOp::kPmovzxdq));
      return Status::Ok();
    }
    case Opcode::kVextendHighS:
    case Opcode::kVextendHighU:
      EmitVecSeq(i, op == Opcode::kVextendHighS ? VecOp::kExtendHighS : VecOp::kExtendHighU, lane,
                 {a}, 0, false, false, m);
      return Status::Ok();
    case Opcode::kVextmulLowS:
    case Opcode::kVextmulLowU:
    case Opcode::kVextmulHighS:
    case Opcode::kVextmulHighU: {
      const VecOp v = op == Opcode::kVextmulLowS    ? VecOp::kExtMulLowS
                      : op == Opcode::kVextmulLowU  ? VecOp::kExtMulLowU
                      : op == Opcode::kVextmulHighS ? VecOp::kExtMulHighS
                                                    : VecOp::kExtMulHighU;
      EmitVecSeq(i, v, lane, {a, b}, 1, false, false, m);
      return Status::Ok();
    }
    case Opcode::kVextaddPairwiseS:
    case Opcode::kVextaddPairwiseU:
      EmitVecSeq(
          i, op == Opcode::kVextaddPairwiseS ? VecOp::kExtAddPairwiseS : VecOp::kExtAddPairwiseU,
          lane, {a}, 0, false, false, m);
      return Status::Ok();
    case Opcode::kVdotS:
      EmitVecBin(i, SseOp::kPmaddwd);
      return Status::Ok();
    case Opcode::kVfcvtFromSint:
      EmitVecUnary(i, SseOp::kCvtdq2ps);
      return Status::Ok();
    case Opcode::kVfcvtFromUint:
      EmitVecSeq(i, VecOp::kFcvtFromUint, lane, {a}, 1, false, true, m);
      return Status::Ok();
    case Opcode::kVfcvtLowFromSint:
      EmitVecUnary(i, SseOp::kCvtdq2pd);
      return Status::Ok();
    case Opcode::kVfcvtLowFromUint:
      EmitVecSeq(i, VecOp::kFcvtLowFromUint, lane, {a}, 0, false, true, m);
      return Status::Ok();
    case Opcode::kVtruncSatS:
      EmitVecSeq(i, VecOp::kTruncSatS, lane, {a}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVtruncSatU:
      EmitVecSeq(i, VecOp::kTruncSatU, lane, {a}, 2, false, false, m);
      return Status::Ok();
    case Opcode::kVtruncSatZeroS:
      EmitVecSeq(i, VecOp::kTruncSatZeroS, lane, {a}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVtruncSatZeroU:
      EmitVecSeq(i, VecOp::kTruncSatZeroU, lane, {a}, 1, false, false, m);
      return Status::Ok();
    case Opcode::kVdemoteZero:
      EmitVecUnary(i, SseOp::kCvtpd2ps);
      return Status::Ok();
    case Opcode::kVpromoteLow:
      EmitVecUnary(i, SseOp::kCvtps2pd);
      return Status::Ok();
    default:
      break;
  }
  return Unsupported("cannot lower vector op " + std::string(ir::OpcodeName(op)) + "." +
                     std::string(ir::TypeName(shape)) + " on x86_64");
}

}  // namespace

Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module,
                      const CpuFeatures& features) {
  // Per thread: lowering never starts another function's lowering on the same thread.
  thread_local Lowerer lowerer;
  lowerer.Reset(f, module, features);
  return lowerer.Run();
}

}  // namespace egret::x64
