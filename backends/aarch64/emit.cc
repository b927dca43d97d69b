// emit.cc: expansion of allocated MInsts into AArch64 code (see emit.h).
#include "backends/aarch64/emit.h"

#include <algorithm>
#include <cstring>

#include "backends/aarch64/abi.h"
#include "backends/aarch64/encoder.h"
#include "backends/aarch64/encoder_fast.h"
#include "backends/common/emit_loop.h"
#include "backends/common/emit_order.h"
#include "ir/opcode.h"

namespace egret::aarch64 {
namespace {

using regalloc::Allocation;

// The word of `i`: the common forms inline (encoder_fast.h), the others through Encode.
uint32_t EncodeWord(const Inst& i) {
  uint32_t w;
  return EncodeFast(i, &w) ? w : Encode(i);
}

void Put(A64MachBuffer& buf, const Inst& i) { buf.Put4(EncodeWord(i)); }

uint8_t R(Gpr g) { return static_cast<uint8_t>(g); }
uint8_t R(Fpr v) { return static_cast<uint8_t>(v); }

}  // namespace

void EmitSlotAccess(A64MachBuffer& buf, bool load, bool fp, bool f64, uint8_t reg, Gpr base,
                    int64_t off) {
  const int size = fp && !f64 ? 2 : 3;
  Inst i;
  i.f64 = f64;
  i.is64 = true;
  i.mem = MemKind::kX;
  i.d = reg;
  i.n = R(base);
  i.imm = off;
  if (IsScaledOffset(off, size)) {
    i.form = fp ? (load ? Form::kLdrF : Form::kStrF) : (load ? Form::kLdr : Form::kStr);
  } else if (IsUnscaledOffset(off)) {
    i.form = fp ? (load ? Form::kLdurF : Form::kSturF) : (load ? Form::kLdur : Form::kStur);
  } else {
    EmitMovImm(buf, kTmp0, static_cast<uint64_t>(off), true);
    i.form = fp ? (load ? Form::kLdrFReg : Form::kStrFReg) : (load ? Form::kLdrReg : Form::kStrReg);
    i.m = R(kTmp0);
    i.imm = 0;
    i.extend = Extend::kUxtx;
  }
  Put(buf, i);
}

void EmitQAccess(A64MachBuffer& buf, bool load, uint8_t reg, Gpr base, int64_t off) {
  Inst i;
  i.d = reg;
  i.n = R(base);
  i.imm = off;
  if (IsScaledOffset(off, 4)) {
    i.form = load ? Form::kLdrQ : Form::kStrQ;
  } else if (IsUnscaledOffset(off)) {
    i.form = load ? Form::kLdurQ : Form::kSturQ;
  } else {
    EmitMovImm(buf, kTmp0, static_cast<uint64_t>(off), true);
    i.form = load ? Form::kLdrQReg : Form::kStrQReg;
    i.m = R(kTmp0);
    i.imm = 0;
    i.extend = Extend::kUxtx;
  }
  Put(buf, i);
}

Inst VMov(Fpr d, Fpr n) { return Vec(Form::kVOrr, VArr::k16B, d, n, n); }

void EmitMovImm(A64MachBuffer& buf, Gpr d, uint64_t value, bool is64) {
  if (!is64) value &= 0xffffffffu;
  const int halves = is64 ? 4 : 2;
  const uint64_t ones = 0xffff;
  if (value == 0 || value == (is64 ? ~uint64_t{0} : 0xffffffffu)) {
    Inst i;
    i.form = value == 0 ? Form::kMovz : Form::kMovn;
    i.is64 = is64;
    i.d = R(d);
    Put(buf, i);
    return;
  }
  int zero = 0, full = 0;
  for (int h = 0; h < halves; ++h) {
    const uint64_t part = (value >> (16 * h)) & 0xffff;
    zero += part == 0;
    full += part == ones;
  }
  // One orr from the zero register when a bitmask encodes it and movz/movn would take more.
  uint32_t bits;
  if (zero < halves - 1 && full < halves - 1 && EncodeLogicalImm(value, is64, &bits)) {
    Inst i = RRI(Form::kOrrImm, is64, d, Gpr::kZr, static_cast<int64_t>(value));
    Put(buf, i);
    return;
  }
  const bool inverted = full > zero;  // start from movn when more halves are all-ones
  bool first = true;
  for (int h = 0; h < halves; ++h) {
    const uint64_t part = (value >> (16 * h)) & 0xffff;
    const uint64_t skip = inverted ? 0xffff : 0;
    if (part == skip) continue;
    Inst i;
    i.is64 = is64;
    i.d = R(d);
    i.amount = static_cast<uint8_t>(16 * h);
    if (first) {
      i.form = inverted ? Form::kMovn : Form::kMovz;
      i.imm = static_cast<int64_t>(inverted ? (~part & 0xffff) : part);
      first = false;
    } else {
      i.form = Form::kMovk;
      i.imm = static_cast<int64_t>(part);
    }
    Put(buf, i);
  }
}

namespace {

// ---- Vectors (NEON). The arrangement of each IR shape; kVec's expansions (docs/aarch64.md,
// "SIMD"). Defs are late, so a def may share a register with any use: an expansion that writes
// before its last read goes through v30 (and v31, the allocator's scratch, which holds nothing
// inside an MInst: only edits between MInsts use it) and moves the result last.

VArr ArrOf(ir::Type shape) {
  switch (shape) {
    case ir::Type::kI8x16:
      return VArr::k16B;
    case ir::Type::kI16x8:
      return VArr::k8H;
    case ir::Type::kI32x4:
    case ir::Type::kF32x4:
      return VArr::k4S;
    default:
      return VArr::k2D;
  }
}
// The 64-bit half of an arrangement (8b for 16b): the source of the widening forms.
VArr HalfOf(VArr a) { return MakeVArr(VSize(a), false); }

// umov/smov/ins/dup of element `lane` of size log2 `size`.
Inst Elem(Form f, uint32_t size, uint8_t d, uint8_t n, int64_t lane) {
  Inst i;
  i.form = f;
  i.arr = MakeVArr(size, true);
  i.d = d;
  i.n = n;
  i.imm = lane;
  return i;
}

// A shuffle that one permute instruction does: dup (element), zip1/2, uzp1/2, trn1/2 or ext.
struct ShufflePlan {
  Form form = Form::kVTbl1;
  VArr arr = VArr::k16B;
  int64_t imm = 0;      // dup: the lane; ext: the byte offset
  bool swap = false;    // the instruction's operands are (b, a)
  bool from_b = false;  // dup: the lane is b's
};

// Finds a plan for the byte mask `m` (indices 0-15 pick a's bytes, 16-31 b's). With
// `one_source` both operands are the same value, so indices are compared modulo 16. Larger
// lanes first: a mask that moves whole 8-, 4- or 2-byte lanes is matched at that lane size.
bool PlanShuffle(const uint8_t (&m)[16], bool one_source, ShufflePlan* p) {
  for (int size = 3; size >= 0; --size) {
    const int bytes = 1 << size, n = 16 / bytes;
    int lane[16];
    bool structured = true;
    for (int k = 0; k < n && structured; ++k) {
      const int base = m[k * bytes];
      structured = base % bytes == 0;
      for (int j = 1; j < bytes && structured; ++j) structured = m[k * bytes + j] == base + j;
      lane[k] = base / bytes;
    }
    if (!structured) continue;
    auto eq = [&](int want, int got) { return one_source ? want % n == got % n : want == got; };
    p->arr = MakeVArr(static_cast<uint32_t>(size), true);
    bool dup = true;
    for (int k = 1; k < n; ++k) dup &= eq(lane[0], lane[k]);
    if (dup) {
      p->form = Form::kVDupElem;
      p->imm = lane[0] % n;
      p->from_b = !one_source && lane[0] >= n;
      return true;
    }
    for (bool swap : {false, true}) {
      auto x = [&](int k) { return swap ? lane[k] ^ n : lane[k]; };
      auto all = [&](auto&& want) {
        for (int k = 0; k < n; ++k)
          if (!eq(want(k), x(k))) return false;
        return true;
      };
      struct {
        Form form;
        int (*want)(int k, int n);
      } const kPatterns[] = {
          {Form::kVZip1, [](int k, int n) { return (k & 1) * n + k / 2; }},
          {Form::kVZip2, [](int k, int n) { return (k & 1) * n + n / 2 + k / 2; }},
          {Form::kVUzp1, [](int k, int) { return 2 * k; }},
          {Form::kVUzp2, [](int k, int) { return 2 * k + 1; }},
          {Form::kVTrn1, [](int k, int n) { return (k & ~1) + (k & 1) * n; }},
          {Form::kVTrn2, [](int k, int n) { return (k & ~1) + 1 + (k & 1) * n; }},
      };
      for (const auto& pat : kPatterns) {
        if (all([&](int k) { return pat.want(k, n); })) {
          p->form = pat.form;
          p->swap = swap;
          return true;
        }
      }
    }
  }
  // ext: bytes c..c+15 of the concatenation a:b (or b:a).
  for (bool swap : {false, true}) {
    for (int c = 1; c < 16; ++c) {
      bool ok = true;
      for (int k = 0; k < 16 && ok; ++k) {
        const int got = swap ? m[k] ^ 16 : m[k];
        ok = one_source ? (c + k) % 16 == got % 16 : c + k == got;
      }
      if (ok) {
        p->form = Form::kVExt;
        p->arr = VArr::k16B;
        p->imm = c;
        p->swap = swap;
        return true;
      }
    }
  }
  return false;
}

class Emitter final : public backend::InstEmitter {
 public:
  Emitter(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
          A64MachBuffer* buf, const backend::EmitOptions& options)
      : v_(v), ra_(ra), module_(module), buf_(*buf), options_(options) {}

  void Run();

  // The InstEmitter interface (public: the shared emission loop calls it directly).
  void BeginBlock(uint32_t b) override { cur_block_ = b; }
  void EmitEdit(const regalloc::Edit& e) override;
  backend::CopyInfo CopyInfoOf(uint32_t i) const override;
  void Prologue() override;
  void EmitInst(uint32_t i) override;

 private:
  void Put(const Inst& i) {
    EGRET_DCHECK(!checking_ || WritesOnlyAllowed(i));
    aarch64::Put(buf_, i);
  }
  // The expansion invariant (register-use collector ForEachReg over the form table): inside an
  // MInst's expansion, an instruction writes only that MInst's allocated defs, x16/x17, v30, or
  // the zero register; never a register the allocator believes preserved.
  bool WritesOnlyAllowed(const Inst& i) const {
    bool ok = true;
    ForEachReg(i, [&](SlotKind kind, uint8_t r, bool is_def) {
      if (!is_def || (kind != SlotKind::kV && r == static_cast<uint8_t>(Gpr::kZr))) return;
      const uint64_t allowed = kind == SlotKind::kV ? allowed_fp_ : allowed_int_;
      if (r > 31 || ((allowed >> r) & 1) == 0) ok = false;
    });
    return ok;
  }
  void Trap(TrapCode code) {
    buf_.AddTrap(code);
    Inst u;
    u.form = Form::kUdf;
    Put(u);
  }
  // `b.<cc> +8; udf`: traps with `code` unless `cc` holds.
  void TrapUnless(Cond cc, TrapCode code) {
    Inst b;
    b.form = Form::kBCond;
    b.cond = cc;
    b.imm = 8;
    Put(b);
    Trap(code);
  }
  void MovImm(Gpr d, uint64_t v, bool is64) { EmitMovImm(buf_, d, v, is64); }
  // ldr (literal) of a constant-pool entry: the MachBuffer places the constant in an island
  // within the load's 1 MiB reach (Ldr19).
  void LoadFpConst(Fpr d, uint64_t bits, bool f64) {
    uint8_t bytes[8];
    std::memcpy(bytes, &bits, 8);
    const MachLabel l =
        buf_.ConstantLabel(std::span<const uint8_t>(bytes, f64 ? 8 : 4), f64 ? 8 : 4);
    Inst ld;
    ld.form = Form::kLdrFLit;
    ld.f64 = f64;
    ld.d = R(d);
    Put(ld);
    buf_.UseLabelAtOffset(buf_.CurOffset() - 4, l, A64LabelUse::kLdr19);
  }
  // sp += n (add) or sp -= n.
  void SpAdjust(bool add, uint32_t n) {
    if (n == 0) return;
    const Form f = add ? Form::kAddImm : Form::kSubImm;
    if (n < (1u << 24)) {
      if (n & ~0xfffu) Put(RRI(f, true, Gpr::kSp, Gpr::kSp, n & ~0xfffu));
      if (n & 0xfffu) Put(RRI(f, true, Gpr::kSp, Gpr::kSp, n & 0xfffu));
      return;
    }
    MovImm(kTmp0, n, true);
    Inst i = RRR(add ? Form::kAddExt : Form::kSubExt, true, Gpr::kSp, Gpr::kSp, kTmp0);
    i.extend = Extend::kUxtx;
    Put(i);
  }
  // After a call to a Wasm function, which popped its stack arguments: reserve them again (the
  // outgoing area is part of this frame). Frame bookkeeping, not a write the allocator sees.
  void ReserveOutgoingArgs(const MInst& m) {
    const bool checking = checking_;
    checking_ = false;
    SpAdjust(false, static_cast<uint32_t>(m.imm));
    checking_ = checking;
  }
  void SlotAccess(bool load, bool fp, bool f64, uint8_t reg, Gpr base, int64_t off) {
    EmitSlotAccess(buf_, load, fp, f64, reg, base, off);
  }

  [[gnu::always_inline]] Allocation AllocOf(uint32_t inst, int k) const {
    return ra_.allocs[v_.ra.insts[inst].operand_begin + static_cast<uint32_t>(k)];
  }
  [[gnu::always_inline]] Gpr G(uint32_t inst, int k) const {
    EGRET_CHECK(k >= 0);
    Allocation a = AllocOf(inst, k);
    EGRET_CHECK(a.is_reg() && a.reg().cls() == regalloc::RegClass::kInt);
    return GprFromEnc(a.reg().hw());
  }
  [[gnu::always_inline]] Fpr V(uint32_t inst, int k) const {
    EGRET_CHECK(k >= 0);
    Allocation a = AllocOf(inst, k);
    EGRET_CHECK(a.is_reg() && a.reg().cls() == regalloc::RegClass::kFloat);
    return FprFromEnc(a.reg().hw());
  }
  uint32_t NumOps(uint32_t inst) const {
    return v_.ra.insts[inst].operand_end - v_.ra.insts[inst].operand_begin;
  }
  OperandSlots Slots(uint32_t inst) const { return SlotsOf(v_.insts[inst], NumOps(inst)); }
  int64_t SpillOffset(uint32_t slot) const { return frame_.SlotOffset(slot); }
  // A value move between the register files' slots: q for vectors (vec), else SlotAccess.
  void ValueAccess(bool load, const MInst& m, uint8_t reg, Gpr base, int64_t off) {
    if (m.vec) return EmitQAccess(buf_, load, reg, base, off);
    SlotAccess(load, m.fp, m.f64, reg, base, off);
  }

  // Right after call instruction i (a safepoint): its stack map at the return address, slots as
  // 8-byte words from sp at the call, the frame (x29 - sp) being the saved register pairs and
  // the fixed frame (sp does not move between prologue and epilogue).
  void StackMapHere(uint32_t i) {
    // Sorted by instruction. Blocks are emitted out of layout order (backend::EmitOrder), but a
    // block's calls come in order: the map after the previous one is the usual answer, and a
    // search finds the others.
    if (next_map_ >= ra_.stack_maps.size() || ra_.stack_maps[next_map_].inst != i) {
      next_map_ = static_cast<size_t>(
          std::lower_bound(ra_.stack_maps.begin(), ra_.stack_maps.end(), i,
                           [](const regalloc::StackMap& m, uint32_t at) { return m.inst < at; }) -
          ra_.stack_maps.begin());
    }
    EGRET_CHECK(next_map_ < ra_.stack_maps.size() && ra_.stack_maps[next_map_].inst == i);
    map_words_.clear();
    for (uint32_t slot : ra_.StackMapSlots(ra_.stack_maps[next_map_])) {
      const uint32_t off = frame_.SlotOffset(slot);
      EGRET_CHECK(off % 8 == 0);
      map_words_.push_back(off / 8);
    }
    // (Usually sorted already: SlotOffset grows with the slot outside wide frames.)
    if (!std::is_sorted(map_words_.begin(), map_words_.end()))
      std::sort(map_words_.begin(), map_words_.end());
    const uint32_t saved =
        8 * static_cast<uint32_t>(frame_.gpr_pairs.size() + frame_.fpr_pairs.size());
    buf_.AddStackMap(map_words_, saved + frame_.frame_bytes);
    ++next_map_;
  }
  void Epilogue();
  void TearDownFrame();
  void EndEpilogueRange();
  Cond Compare(uint32_t i, const MInst& m, const OperandSlots& o);
  // Instruction i by kind: EmitInstByKind calls the commonest kinds' functions directly and
  // EmitInstBody (one switch over every kind) for the others. Out of line on purpose: with
  // every case inlined into one function, each instruction paid the largest case's frame (six
  // saved registers, 184 bytes) and unpacked its operand slots before the switch.
  [[gnu::always_inline]] inline void EmitInstByKind(uint32_t i);
  [[gnu::noinline]] void EmitInstBody(uint32_t i, const MInst& m, const OperandSlots& o);
  // A jump to the block emitted next is left out (see EmitBrif).
  [[gnu::noinline]] void EmitJmp(const MInst& m) {
    if (m.target[0] == (*next_block_)[cur_block_]) return;
    const uint8_t b[4] = {0, 0, 0, 0x14};
    buf_.EmitUncondBranch(b, 0, block_label_[m.target[0]], A64LabelUse::kBranch26);
  }
  [[gnu::noinline]] void EmitAlu(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitAluImm(uint32_t i, const MInst& m, const OperandSlots& o);
  // kAluImm `m` as d = a op imm.
  void PutAluImm(const MInst& m, Gpr d, Gpr a);
  // kLoad/kStore `m` of register number `reg` at [base, index or disp] (`index` read only when
  // m.index_op >= 0).
  void PutMemory(const MInst& m, uint8_t reg, Gpr base, Gpr index);
  void EmitUnary(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitDivRem(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitAtomic(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitMemory(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitFpu(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitFpToInt(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitBrif(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitBrTable(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitTrapIf(uint32_t i, const MInst& m, const OperandSlots& o);
  void EmitVec(uint32_t i, const MInst& m, const OperandSlots& o);
  void LoadVecConst(Fpr d, uint64_t lo, uint64_t hi);

  const VCode& v_;
  const regalloc::Output& ra_;
  const backend::ModuleContext& module_;
  A64MachBuffer& buf_;
  const backend::EmitOptions options_;
  FrameInfo frame_;
  bool frameless_ = false;  // NeedsNoFrame: no frame record, no stack check, one frame range
  std::vector<MachLabel> block_label_;
  uint32_t cur_block_ = 0;  // the block whose instructions are being emitted (BeginBlock)
  const std::vector<uint32_t>* next_block_ = nullptr;  // by block: the block emitted after it
  // By jump table: the base label of its last emitted copy. Copies of a dispatch block
  // (dispatch_copies.h) share it while it is bound and within adr's reach, else emit their own.
  std::vector<MachLabel> table_label_;
  size_t next_map_ = 0;              // the ra_.stack_maps entry being emitted
  std::vector<uint32_t> map_words_;  // scratch for StackMapHere
  backend::RematDefs remat_defs_;    // the constants that remat edits re-emit
  // WritesOnlyAllowed's state: on inside an expansion (not in edits, prologue or epilogue);
  // Debug builds only (EmitInst).
  bool checking_ = false;
  uint64_t allowed_int_ = 0, allowed_fp_ = 0;
};

// Float-class moves, spills and reloads are full width (mov v.16b, str/ldr q) when the function
// holds vectors (the edit does not say which value it moves), else d-register ones.
void Emitter::EmitEdit(const regalloc::Edit& e) {
  const bool wide = frame_.wide_float_slots;
  if (e.from.is_remat() && e.remat_src.valid()) {
    // A value computed from one register (lowering's MarkRematFromOperand), recomputed from the
    // register holding that operand now: the immediate ALU operation (no flags) or the readonly
    // load again.
    const MInst& m = v_.insts[remat_defs_.Of(v_.ra, e.from.remat_vreg())];
    EGRET_CHECK(e.to.is_reg() && e.remat_src.cls() == regalloc::RegClass::kInt);
    const Gpr src = GprFromEnc(e.remat_src.hw());
    if (m.op == MOp::kAluImm) return PutAluImm(m, GprFromEnc(e.to.reg().hw()), src);
    EGRET_CHECK(m.op == MOp::kLoad && !m.can_trap && m.index_op < 0);
    const uint8_t d = m.fp ? R(FprFromEnc(e.to.reg().hw())) : R(GprFromEnc(e.to.reg().hw()));
    return PutMemory(m, d, src, Gpr::kZr);
  }
  if (e.from.is_remat()) {
    // Re-run the constant's definition into the edit's register: movz/movn/movk or orr (no
    // flags), fmov from xzr for +0.0, else an ldr literal from the constant pool.
    const MInst& m = v_.insts[remat_defs_.Of(v_.ra, e.from.remat_vreg())];
    EGRET_CHECK(e.to.is_reg());
    if (m.op == MOp::kIconst)
      return MovImm(GprFromEnc(e.to.reg().hw()), static_cast<uint64_t>(m.imm), m.is64);
    EGRET_CHECK(m.op == MOp::kFconst);
    const Fpr d = FprFromEnc(e.to.reg().hw());
    const uint64_t bits = static_cast<uint64_t>(m.imm);
    if (bits != 0) return LoadFpConst(d, bits, m.f64);
    Inst t;
    t.form = Form::kFmovFromGpr;
    t.is64 = t.f64 = m.f64;
    t.d = R(d);
    t.n = R(Gpr::kZr);
    return Put(t);
  }
  if (e.from.is_reg() && e.to.is_reg()) {
    if (e.from.reg().cls() == regalloc::RegClass::kInt) {
      Put(MovReg(true, GprFromEnc(e.to.reg().hw()), GprFromEnc(e.from.reg().hw())));
    } else if (wide) {
      Put(VMov(FprFromEnc(e.to.reg().hw()), FprFromEnc(e.from.reg().hw())));
    } else {
      Put(VV(Form::kFmovReg, true, FprFromEnc(e.to.reg().hw()), FprFromEnc(e.from.reg().hw())));
    }
  } else if (e.from.is_reg()) {
    const bool fp = e.from.reg().cls() == regalloc::RegClass::kFloat;
    const uint8_t reg = static_cast<uint8_t>(e.from.reg().hw());
    if (fp && wide) return EmitQAccess(buf_, false, reg, Gpr::kSp, SpillOffset(e.to.slot()));
    SlotAccess(false, fp, true, reg, Gpr::kSp, SpillOffset(e.to.slot()));
  } else {
    EGRET_CHECK(e.from.is_stack() && e.to.is_reg());
    const bool fp = e.to.reg().cls() == regalloc::RegClass::kFloat;
    const uint8_t reg = static_cast<uint8_t>(e.to.reg().hw());
    if (fp && wide) return EmitQAccess(buf_, true, reg, Gpr::kSp, SpillOffset(e.from.slot()));
    SlotAccess(true, fp, true, reg, Gpr::kSp, SpillOffset(e.from.slot()));
  }
}

void Emitter::Prologue() {
  // A frameless leaf (NeedsNoFrame) keeps its caller's x29 and its return address in x30 for its
  // whole body: one frame range, closed when the buffer finishes. It skips the stack-limit check
  // too: it stores nothing on the stack (bl leaves sp alone), which the runtime's red zone covers
  // a fortiori (docs/aarch64.md).
  if (frameless_) return buf_.BeginNoFrame(MachFrameKind::kReturnInLr);
  // Until `mov x29, sp` has run, x29 is the caller's and x30 holds the return address.
  buf_.BeginNoFrame(MachFrameKind::kReturnInLr);
  // A function whose tail calls need more stack-argument slots than it received grows its
  // argument area downwards (backend::ArgAreaSlots); the arguments stay where the caller put
  // them, so they are at fp + 16 + the growth.
  SpAdjust(false, 8 * (v_.frame.arg_area_slots - v_.frame.stack_args));
  Inst fr;
  fr.form = Form::kStpPre;
  fr.d = R(kFp);
  fr.m = R(kLr);
  fr.n = R(Gpr::kSp);
  fr.imm = -16;
  Put(fr);
  Inst mov;
  mov.form = Form::kMovSp;
  mov.d = R(kFp);
  mov.n = R(Gpr::kSp);
  Put(mov);
  buf_.EndNoFrame();
  for (size_t k = 0; k < frame_.gpr_pairs.size(); k += 2) {
    Inst p = fr;
    p.d = R(frame_.gpr_pairs[k]);
    p.m = R(frame_.gpr_pairs[k + 1]);
    Put(p);
  }
  for (size_t k = 0; k < frame_.fpr_pairs.size(); k += 2) {
    Inst p = fr;
    p.form = Form::kStpFPre;
    p.d = R(frame_.fpr_pairs[k]);
    p.m = R(frame_.fpr_pairs[k + 1]);
    Put(p);
  }
  SpAdjust(false, frame_.frame_bytes);
  // Stack limit, in the store's limits record: the VMContext is still in x0 (the first
  // argument).
  Put(Mem(Form::kLdr, MemKind::kX, true, kTmp0, kVmctxReg, module_.store_limits_offset));
  Put(Mem(Form::kLdr, MemKind::kX, true, kTmp0, kTmp0, module_.stack_limit_offset));
  Inst cmp = RRR(Form::kSubsExt, true, Gpr::kZr, Gpr::kSp, kTmp0);
  cmp.extend = Extend::kUxtx;
  Put(cmp);
  TrapUnless(Cond::kHs, TrapCode::kStackOverflow);
}

void Emitter::Epilogue() {
  TearDownFrame();
  SpAdjust(true, 8 * v_.frame.arg_area_slots);  // callee pops its whole argument area
  Inst ret;
  ret.form = Form::kRet;
  ret.n = R(kLr);
  Put(ret);
  EndEpilogueRange();
}

// Leaves sp where it was at entry, the callee-saved pairs, fp and lr restored: what a return and
// a tail call's branch both need. From the reload of x29/x30 on, x29 is the caller's and x30 the
// return address: a frame range the return (or the tail call's branch) ends with
// EndEpilogueRange. A frameless function has nothing to tear down.
void Emitter::TearDownFrame() {
  if (frameless_) return;
  SpAdjust(true, frame_.frame_bytes);
  Inst p;
  p.n = R(Gpr::kSp);
  p.imm = 16;
  for (size_t k = frame_.fpr_pairs.size(); k > 0; k -= 2) {
    p.form = Form::kLdpFPost;
    p.d = R(frame_.fpr_pairs[k - 2]);
    p.m = R(frame_.fpr_pairs[k - 1]);
    Put(p);
  }
  for (size_t k = frame_.gpr_pairs.size(); k > 0; k -= 2) {
    p.form = Form::kLdpPost;
    p.d = R(frame_.gpr_pairs[k - 2]);
    p.m = R(frame_.gpr_pairs[k - 1]);
    Put(p);
  }
  p.form = Form::kLdpPost;
  p.d = R(kFp);
  p.m = R(kLr);
  Put(p);
  buf_.BeginNoFrame(MachFrameKind::kReturnInLr);
}

void Emitter::EndEpilogueRange() {
  if (!frameless_) buf_.EndNoFrame();
}

Cond Emitter::Compare(uint32_t i, const MInst& m, const OperandSlots& o) {
  switch (m.cond) {
    case CondKind::kNonZero:
      Put(RRI(Form::kSubsImm, m.is64, Gpr::kZr, G(i, o.a), 0));
      return m.cc;
    case CondKind::kIntRR:
      Put(RRR(Form::kSubsReg, m.is64, Gpr::kZr, G(i, o.a), G(i, o.b)));
      return m.cc;
    case CondKind::kIntRI:
      if (m.imm >= 0) {
        Put(RRI(Form::kSubsImm, m.is64, Gpr::kZr, G(i, o.a), m.imm));
      } else {
        Put(RRI(Form::kAddsImm, m.is64, Gpr::kZr, G(i, o.a), -m.imm));
      }
      return m.cc;
    case CondKind::kFloat: {
      Inst c = VVV(Form::kFcmp, m.f64, Fpr::kV0, V(i, o.a), V(i, o.b));
      c.d = 0;
      Put(c);
      return m.cc;
    }
    case CondKind::kBitSet:
      Put(RRI(Form::kAndsImm, m.is64, Gpr::kZr, G(i, o.a), int64_t{1} << m.imm));
      return Cond::kNe;
  }
  EGRET_CHECK(false);
  return Cond::kEq;
}

FrameInfo ComputeFrameImpl(const VCode& v, const regalloc::Output& ra) {
  FrameInfo fi;
  regalloc::PRegSet used;
  for (const Allocation& a : ra.allocs)
    if (a.is_reg()) used.Add(a.reg());
  for (const regalloc::Edit& e : ra.edits) {
    if (e.from.is_reg()) used.Add(e.from.reg());
    if (e.to.is_reg()) used.Add(e.to.reg());
  }
  for (Gpr r : kCalleeSavedGprs)
    if (used.Contains(IntPReg(r))) fi.gpr_pairs.push_back(r);
  if (fi.gpr_pairs.size() % 2 != 0) fi.gpr_pairs.push_back(Gpr::kZr);  // stp/ldp xzr pads
  for (Fpr r : kCalleeSavedFprs)
    if (used.Contains(FloatPReg(r))) fi.fpr_pairs.push_back(r);
  if (fi.fpr_pairs.size() % 2 != 0) {
    // No zero register among the floats: save one more callee-saved register.
    for (Fpr r : kCalleeSavedFprs) {
      if (!used.Contains(FloatPReg(r))) {
        fi.fpr_pairs.push_back(r);
        break;
      }
    }
  }
  fi.spill_base = v.frame.outgoing_bytes;
  uint32_t spill_bytes = 8 * ra.num_spill_slots;
  if (v.frame.wide_float_slots) {
    // 16-byte float-class slots first (the outgoing area is a multiple of 16 and sp is 16-byte
    // aligned in the body, so they are aligned), then the 8-byte integer ones.
    fi.wide_float_slots = true;
    fi.slot_offset.resize(ra.num_spill_slots);
    uint32_t at = fi.spill_base;
    for (uint32_t s = 0; s < ra.num_spill_slots; ++s)
      if (ra.spill_slot_class[s] == regalloc::RegClass::kFloat) {
        fi.slot_offset[s] = at;
        at += 16;
      }
    for (uint32_t s = 0; s < ra.num_spill_slots; ++s)
      if (ra.spill_slot_class[s] != regalloc::RegClass::kFloat) {
        fi.slot_offset[s] = at;
        at += 8;
      }
    spill_bytes = at - fi.spill_base;
  }
  fi.frame_bytes = (v.frame.outgoing_bytes + spill_bytes + 15) & ~15u;
  return fi;
}

// The longest expansion of one MInst with its edits is far below this (jump tables ask for
// their own size).
constexpr uint32_t kMaxInstBytes = 1024;

void Emitter::Run() {
  frame_ = ComputeFrameImpl(v_, ra_);
  frameless_ = backend::NeedsNoFrame(
      v_, frame_.gpr_pairs.empty() && frame_.fpr_pairs.empty() && frame_.frame_bytes == 0);
  table_label_.assign(v_.jump_tables.size(), MachLabel());
  thread_local backend::EmitOrder order;  // storage reused across functions
  order.want_loop_tops = options_.loop_align > 1;
  order.Compute(v_.ra, ra_);
  next_block_ = &order.next;
  thread_local backend::DispatchCopies copies;  // only functions with a jump table get copies
  backend::EmitBlocks(v_.ra, v_.srclocs, ra_, kMaxInstBytes, buf_, block_label_, *this, order.order,
                      order.next,
                      options_.duplicate_dispatch && !v_.jump_tables.empty() ? &copies : nullptr,
                      order.loop_top, options_.loop_align);
}

backend::CopyInfo Emitter::CopyInfoOf(uint32_t i) const {
  using backend::CopyKind;
  // Kinds whose expansion depends only on the instruction and its allocation, with the machine
  // instructions each expands to at most.
  const MInst& m = v_.insts[i];
  switch (m.op) {
    case MOp::kJmp:
      return {CopyKind::kJump, 1};
    case MOp::kBrTable:  // subs (or a constant and subs), b.hs, adr, add, ldrsw, add, br
      return {CopyKind::kIndirect, v_.jump_tables[m.jump_table].size() - 1 <= 4095 ? 7u : 10u};
    case MOp::kCopy:
    case MOp::kAlu:
    case MOp::kAluImm:
    case MOp::kMadd:
    case MOp::kUnary:
    case MOp::kExtend:
    case MOp::kBitcast:
      return {CopyKind::kPlain, 1};
    case MOp::kCmpSet:  // cmp, cset
    case MOp::kSelect:  // cmp, csel
      return {CopyKind::kPlain, 2};
    case MOp::kLoad:
    case MOp::kStore: {
      // An offset beyond the immediate forms is built in x16 first (up to four instructions).
      const int size = m.vec ? 4 : m.fp ? (m.f64 ? 3 : 2) : MemSizeLog2(m.mem);
      const bool direct =
          m.index_op >= 0 || IsScaledOffset(m.disp, size) || IsUnscaledOffset(m.disp);
      return {CopyKind::kPlain, direct ? 1u : 5u};
    }
    case MOp::kIconst: {  // movz/movn and a movk per other half that is not all zeros or ones
      const int halves = m.is64 ? 4 : 2;
      const uint64_t value = m.is64 ? static_cast<uint64_t>(m.imm) : m.imm & 0xffffffffu;
      int zero = 0, full = 0;
      for (int h = 0; h < halves; ++h) {
        zero += ((value >> (16 * h)) & 0xffff) == 0;
        full += ((value >> (16 * h)) & 0xffff) == 0xffff;
      }
      return {CopyKind::kPlain, static_cast<uint32_t>(std::max(1, halves - std::max(zero, full)))};
    }
    default:
      return {};
  }
}

void Emitter::EmitAlu(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Gpr a = G(i, o.a), b = G(i, o.b), d = G(i, o.dst);
  auto shifted = [&](Form f) {
    Inst x = RRR(f, m.is64, d, a, b);
    x.shift = m.opnd_shift;
    x.amount = m.opnd_amount;
    Put(x);
  };
  auto extended = [&](Form f) {
    Inst x = RRR(f, m.is64, d, a, b);
    x.extend = m.opnd_ext;
    x.amount = m.opnd_amount;
    Put(x);
  };
  switch (m.alu) {
    case AluOp::kAdd:
      return m.opnd_extend ? extended(Form::kAddExt) : shifted(Form::kAddReg);
    case AluOp::kSub:
      return m.opnd_extend ? extended(Form::kSubExt) : shifted(Form::kSubReg);
    case AluOp::kAnd:
      return shifted(Form::kAndReg);
    case AluOp::kOrr:
      return shifted(Form::kOrrReg);
    case AluOp::kEor:
      return shifted(Form::kEorReg);
    case AluOp::kMul: {
      Inst x = RRR(Form::kMadd, m.is64, d, a, b);
      x.a = R(Gpr::kZr);
      return Put(x);
    }
    case AluOp::kLsl:
      return Put(RRR(Form::kLslv, m.is64, d, a, b));
    case AluOp::kLsr:
      return Put(RRR(Form::kLsrv, m.is64, d, a, b));
    case AluOp::kAsr:
      return Put(RRR(Form::kAsrv, m.is64, d, a, b));
    case AluOp::kRor:
      return Put(RRR(Form::kRorv, m.is64, d, a, b));
    case AluOp::kUmulh:
    case AluOp::kSmulh: {
      const bool is_signed = m.alu == AluOp::kSmulh;
      if (m.is64) return Put(RRR(is_signed ? Form::kSmulh : Form::kUmulh, true, d, a, b));
      // 32 bits: extend both to 64, multiply, keep bits 63..32 (zero-extended).
      if (is_signed) {
        Put(RRR(Form::kSxtw, true, kTmp0, a, Gpr::kX0));
        Put(RRR(Form::kSxtw, true, kTmp1, b, Gpr::kX0));
      } else {
        Put(MovReg(false, kTmp0, a));
        Put(MovReg(false, kTmp1, b));
      }
      Inst x = RRR(Form::kMadd, true, d, kTmp0, kTmp1);
      x.a = R(Gpr::kZr);
      Put(x);
      return Put(RRI(Form::kLsrImm, true, d, d, 32));
    }
    case AluOp::kRotl:
      // rotl by b = ror by -b (rorv uses the count modulo the width).
      Put(RRR(Form::kSubReg, m.is64, kTmp0, Gpr::kZr, b));
      return Put(RRR(Form::kRorv, m.is64, d, a, kTmp0));
  }
}

void Emitter::EmitAluImm(uint32_t i, const MInst& m, const OperandSlots& o) {
  PutAluImm(m, G(i, o.dst), G(i, o.a));
}

void Emitter::PutAluImm(const MInst& m, Gpr d, Gpr a) {
  Form f = Form::kAddImm;
  switch (m.alu) {
    case AluOp::kAdd:
      f = Form::kAddImm;
      break;
    case AluOp::kSub:
      f = Form::kSubImm;
      break;
    case AluOp::kAnd:
      f = Form::kAndImm;
      break;
    case AluOp::kOrr:
      f = Form::kOrrImm;
      break;
    case AluOp::kEor:
      f = Form::kEorImm;
      break;
    case AluOp::kLsl:
      f = Form::kLslImm;
      break;
    case AluOp::kLsr:
      f = Form::kLsrImm;
      break;
    case AluOp::kAsr:
      f = Form::kAsrImm;
      break;
    case AluOp::kRor:
      f = Form::kRorImm;
      break;
    case AluOp::kMul:
    case AluOp::kRotl:
    case AluOp::kUmulh:
    case AluOp::kSmulh:
      EGRET_CHECK(false);  // lowering materializes these operands
      break;
  }
  Put(RRI(f, m.is64, d, a, m.imm));
}

void Emitter::EmitUnary(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Gpr a = G(i, o.a), d = G(i, o.dst);
  switch (m.unary) {
    case UnaryOp::kNeg:
      return Put(RRR(Form::kSubReg, m.is64, d, Gpr::kZr, a));
    case UnaryOp::kMvn:
      return Put(RRR(Form::kOrnReg, m.is64, d, Gpr::kZr, a));
    case UnaryOp::kClz:
      return Put(RRR(Form::kClz, m.is64, d, a, Gpr::kX0));
    case UnaryOp::kCtz:
      Put(RRR(Form::kRbit, m.is64, kTmp0, a, Gpr::kX0));
      return Put(RRR(Form::kClz, m.is64, d, kTmp0, Gpr::kX0));
    case UnaryOp::kPopcnt: {
      // Through NEON: count bits per byte, add the bytes.
      Inst to;
      to.form = Form::kFmovFromGpr;
      to.is64 = to.f64 = m.is64;
      to.d = R(kFpTmp);
      to.n = R(a);
      Put(to);
      Put(VV(Form::kCnt8b, true, kFpTmp, kFpTmp));
      Put(VV(Form::kAddv8b, true, kFpTmp, kFpTmp));
      Inst back;
      back.form = Form::kFmovToGpr;
      back.is64 = back.f64 = false;
      back.d = R(d);
      back.n = R(kFpTmp);
      return Put(back);
    }
  }
}

// An atomic memory instruction on [base]: `t` is Rt (or Rs for casal / the status for stlxr).
Inst AtomicMem(Form f, MemKind k, Gpr t, Gpr base, Gpr m = Gpr::kZr) {
  Inst a;
  a.form = f;
  a.mem = k;
  a.is64 = k == MemKind::kX;
  a.d = static_cast<uint8_t>(t);
  a.n = static_cast<uint8_t>(base);
  a.m = static_cast<uint8_t>(m);
  return a;
}

void Emitter::EmitAtomic(uint32_t i, const MInst& m, const OperandSlots& o) {
  if (m.op == MOp::kFence) {
    Inst dmb;
    dmb.form = Form::kDmbIsh;
    return Put(dmb);
  }
  const Gpr base = G(i, m.base_op);
  if (m.op == MOp::kAtomicLoad) return Put(AtomicMem(Form::kLdar, m.mem, G(i, o.dst), base));
  if (m.op == MOp::kAtomicStore) return Put(AtomicMem(Form::kStlr, m.mem, G(i, o.value), base));
  const Gpr a = G(i, o.a), d = G(i, o.dst);
  // Backward branches inside the expansion: the displacement from the branch to the ldaxr.
  auto cbnz_back = [&](Gpr status, int64_t back) {
    Inst c;
    c.form = Form::kCbnz;
    c.is64 = false;
    c.d = R(status);
    c.imm = -back;
    Put(c);
  };
  if (m.op == MOp::kAtomicCas) {
    const Gpr b = G(i, o.b);
    if (m.lse) {  // casal: d = expected in, old value out
      Put(MovReg(true, d, a));
      return Put(AtomicMem(Form::kCasal, m.mem, d, base, b));
    }
    // L: ldaxr d, [base]; cmp d, a (the low bits of a); b.ne done; stlxr s, b, [base];
    //    cbnz s, L; done:
    const Gpr status = G(i, o.status);
    Put(AtomicMem(Form::kLdaxr, m.mem, d, base));
    if (m.mem == MemKind::kB || m.mem == MemKind::kH) {
      Inst cmp = RRR(Form::kSubsExt, false, Gpr::kZr, d, a);
      cmp.extend = m.mem == MemKind::kB ? Extend::kUxtb : Extend::kUxth;
      Put(cmp);
    } else {
      Put(RRR(Form::kSubsReg, m.is64, Gpr::kZr, d, a));
    }
    Inst bne;
    bne.form = Form::kBCond;
    bne.cond = Cond::kNe;
    bne.imm = 12;
    Put(bne);
    Put(AtomicMem(Form::kStlxr, m.mem, status, base, b));
    return cbnz_back(status, 16);
  }
  const auto rmw = static_cast<ir::AtomicRmwOp>(m.rmw);
  if (m.lse) {
    switch (rmw) {
      case ir::AtomicRmwOp::kAdd:
        return Put(AtomicMem(Form::kLdaddal, m.mem, d, base, a));
      case ir::AtomicRmwOp::kSub:  // add the negation
        Put(RRR(Form::kSubReg, true, d, Gpr::kZr, a));
        return Put(AtomicMem(Form::kLdaddal, m.mem, d, base, d));
      case ir::AtomicRmwOp::kAnd:  // clear the complement
        Put(RRR(Form::kOrnReg, true, d, Gpr::kZr, a));
        return Put(AtomicMem(Form::kLdclral, m.mem, d, base, d));
      case ir::AtomicRmwOp::kOr:
        return Put(AtomicMem(Form::kLdsetal, m.mem, d, base, a));
      case ir::AtomicRmwOp::kXor:
        return Put(AtomicMem(Form::kLdeoral, m.mem, d, base, a));
      case ir::AtomicRmwOp::kXchg:
        return Put(AtomicMem(Form::kSwpal, m.mem, d, base, a));
    }
  }
  // L: ldaxr d, [base]; tmp = d op a; stlxr s, tmp, [base]; cbnz s, L (xchg stores a itself).
  const Gpr tmp = G(i, o.tmp), status = G(i, o.status);
  Put(AtomicMem(Form::kLdaxr, m.mem, d, base));
  if (rmw == ir::AtomicRmwOp::kXchg) {
    Put(AtomicMem(Form::kStlxr, m.mem, status, base, a));
    return cbnz_back(status, 8);
  }
  const Form op = rmw == ir::AtomicRmwOp::kAdd   ? Form::kAddReg
                  : rmw == ir::AtomicRmwOp::kSub ? Form::kSubReg
                  : rmw == ir::AtomicRmwOp::kAnd ? Form::kAndReg
                  : rmw == ir::AtomicRmwOp::kOr  ? Form::kOrrReg
                                                 : Form::kEorReg;
  Put(RRR(op, m.is64, tmp, d, a));
  Put(AtomicMem(Form::kStlxr, m.mem, status, base, tmp));
  cbnz_back(status, 12);
}

void Emitter::EmitDivRem(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Gpr a = G(i, o.a), b = G(i, o.b), d = G(i, o.dst);
  Inst cbnz;
  cbnz.form = Form::kCbnz;
  cbnz.is64 = m.is64;
  cbnz.d = R(b);
  cbnz.imm = 8;
  Put(cbnz);
  Trap(TrapCode::kIntegerDivisionByZero);
  switch (m.div) {
    case DivKind::kSdiv: {
      // INT_MIN / -1 overflows: b == -1 (cmn b, #1) and a == INT_MIN (a - 1 overflows).
      Put(RRI(Form::kAddsImm, m.is64, Gpr::kZr, b, 1));
      Inst bne;
      bne.form = Form::kBCond;
      bne.cond = Cond::kNe;
      bne.imm = 16;
      Put(bne);
      Put(RRI(Form::kSubsImm, m.is64, Gpr::kZr, a, 1));
      TrapUnless(Cond::kVc, TrapCode::kIntegerOverflow);
      return Put(RRR(Form::kSdiv, m.is64, d, a, b));
    }
    case DivKind::kUdiv:
      return Put(RRR(Form::kUdiv, m.is64, d, a, b));
    case DivKind::kSrem:
    case DivKind::kUrem: {
      // a - (a / b) * b; sdiv gives INT_MIN for INT_MIN / -1 without trapping, so the
      // remainder is INT_MIN - INT_MIN = 0, as Wasm requires.
      Put(RRR(m.div == DivKind::kSrem ? Form::kSdiv : Form::kUdiv, m.is64, kTmp0, a, b));
      Inst ms = RRR(Form::kMsub, m.is64, d, kTmp0, b);
      ms.a = R(a);
      return Put(ms);
    }
  }
}

void Emitter::EmitMemory(uint32_t i, const MInst& m, const OperandSlots& o) {
  const bool load = m.op == MOp::kLoad;
  const uint8_t reg = load ? (m.fp ? R(V(i, o.dst)) : R(G(i, o.dst)))
                           : (m.fp ? R(V(i, o.value)) : R(G(i, o.value)));
  PutMemory(m, reg, G(i, m.base_op), m.index_op >= 0 ? G(i, m.index_op) : Gpr::kZr);
}

void Emitter::PutMemory(const MInst& m, uint8_t reg, Gpr base, Gpr index) {
  const bool load = m.op == MOp::kLoad;
  const int size = m.vec ? 4 : m.fp ? (m.f64 ? 3 : 2) : MemSizeLog2(m.mem);
  Inst x;
  x.is64 = load ? m.is64 : m.mem == MemKind::kX;
  x.f64 = m.f64;
  x.mem = m.mem;
  x.d = reg;
  x.n = R(base);
  // Vector accesses take the q forms (the scaled offset in 16-byte units).
  auto pick = [&](Form ld, Form st, Form ldf, Form stf) {
    if (m.vec) {
      switch (ldf) {
        case Form::kLdrFReg:
          return load ? Form::kLdrQReg : Form::kStrQReg;
        case Form::kLdrF:
          return load ? Form::kLdrQ : Form::kStrQ;
        default:
          return load ? Form::kLdurQ : Form::kSturQ;
      }
    }
    return m.fp ? (load ? ldf : stf) : (load ? ld : st);
  };
  if (m.index_op >= 0) {
    x.form = pick(Form::kLdrReg, Form::kStrReg, Form::kLdrFReg, Form::kStrFReg);
    x.m = R(index);
    x.extend = m.index_uxtw ? Extend::kUxtw : Extend::kUxtx;
    x.amount = m.index_shift;
    EGRET_CHECK(m.index_shift == 0 || m.index_shift == size);
  } else if (IsScaledOffset(m.disp, size)) {
    x.form = pick(Form::kLdr, Form::kStr, Form::kLdrF, Form::kStrF);
    x.imm = m.disp;
  } else if (IsUnscaledOffset(m.disp)) {
    x.form = pick(Form::kLdur, Form::kStur, Form::kLdurF, Form::kSturF);
    x.imm = m.disp;
  } else {
    MovImm(kTmp0, static_cast<uint64_t>(int64_t{m.disp}), true);
    x.form = pick(Form::kLdrReg, Form::kStrReg, Form::kLdrFReg, Form::kStrFReg);
    x.m = R(kTmp0);
    x.extend = Extend::kUxtx;
  }
  // A 16-byte store that may fault (guard pages) first loads the same 16 bytes into the scratch
  // register: a store straddling the end of the accessible memory must write nothing (Wasm), but
  // AArch64 may perform the in-bounds part of a faulting vector store (its bytes are separate
  // accesses; qemu writes the first 8 of 16), while a faulting load has no effect. The load is a
  // trap site with the store's code, so the store runs only when all 16 bytes are accessible.
  if (m.vec && !load && m.can_trap) {
    Inst probe = x;
    probe.form = x.form == Form::kStrQReg ? Form::kLdrQReg
                 : x.form == Form::kStrQ  ? Form::kLdrQ
                                          : Form::kLdurQ;
    probe.d = R(kFpTmp);
    buf_.AddTrap(m.trap);
    Put(probe);
  }
  if (m.can_trap) buf_.AddTrap(m.trap);
  Put(x);
}

void Emitter::EmitFpu(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Fpr a = V(i, o.a), d = V(i, o.dst);
  auto bin = [&](Form f) { Put(VVV(f, m.f64, d, a, V(i, o.b))); };
  auto un = [&](Form f) { Put(VV(f, m.f64, d, a)); };
  switch (m.fpu) {
    case FpuOp::kAdd:
      return bin(Form::kFadd);
    case FpuOp::kSub:
      return bin(Form::kFsub);
    case FpuOp::kMul:
      return bin(Form::kFmul);
    case FpuOp::kDiv:
      return bin(Form::kFdiv);
    // fmin/fmax already have Wasm's semantics: a NaN operand gives a NaN, and -0 < +0.
    case FpuOp::kMin:
      return bin(Form::kFmin);
    case FpuOp::kMax:
      return bin(Form::kFmax);
    case FpuOp::kCopysign: {
      // (bits(a) & ~sign) | (bits(b) & sign), in x16/x17.
      const Fpr b = V(i, o.b);
      const uint64_t sign = m.f64 ? uint64_t{1} << 63 : uint64_t{1} << 31;
      auto fmov_to = [&](Gpr g, Fpr v) {
        Inst t;
        t.form = Form::kFmovToGpr;
        t.is64 = t.f64 = m.f64;
        t.d = R(g);
        t.n = R(v);
        Put(t);
      };
      fmov_to(kTmp0, a);
      fmov_to(kTmp1, b);
      Put(RRI(Form::kAndImm, m.f64, kTmp0, kTmp0, static_cast<int64_t>(sign - 1)));
      Put(RRI(Form::kAndImm, m.f64, kTmp1, kTmp1, static_cast<int64_t>(sign)));
      Put(RRR(Form::kOrrReg, m.f64, kTmp0, kTmp0, kTmp1));
      Inst back;
      back.form = Form::kFmovFromGpr;
      back.is64 = back.f64 = m.f64;
      back.d = R(d);
      back.n = R(kTmp0);
      return Put(back);
    }
    case FpuOp::kSqrt:
      return un(Form::kFsqrt);
    case FpuOp::kNeg:
      return un(Form::kFneg);
    case FpuOp::kAbs:
      return un(Form::kFabs);
    case FpuOp::kFloor:
      return un(Form::kFrintm);
    case FpuOp::kCeil:
      return un(Form::kFrintp);
    case FpuOp::kTrunc:
      return un(Form::kFrintz);
    case FpuOp::kNearest:
      return un(Form::kFrintn);
    case FpuOp::kPromote:
      return Put(VV(Form::kFcvt, true, d, a));
    case FpuOp::kDemote:
      return Put(VV(Form::kFcvt, false, d, a));
  }
}

void Emitter::EmitFpToInt(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Fpr a = V(i, o.a);
  const Gpr d = G(i, o.dst);
  Inst cvt;
  cvt.form = m.is_unsigned ? Form::kFcvtzu : Form::kFcvtzs;
  cvt.is64 = m.is64;
  cvt.f64 = m.f64;
  cvt.d = R(d);
  cvt.n = R(a);
  if (m.saturating) {
    // fcvtz* already saturate and map NaN to 0, as the _sat conversions require.
    Put(cvt);
    return;
  }
  Inst self = VVV(Form::kFcmp, m.f64, Fpr::kV0, a, a);
  self.d = 0;
  Put(self);
  TrapUnless(Cond::kVc, TrapCode::kBadConversionToInteger);
  // The range check: lo < a (or lo <= a when lo itself converts) and a < hi.
  const int bits = m.is64 ? 64 : 32;
  double lo, hi;
  bool lo_inclusive;
  if (m.is_unsigned) {
    lo = -1.0;
    lo_inclusive = false;
    hi = bits == 64 ? 18446744073709551616.0 : 4294967296.0;
  } else {
    hi = bits == 64 ? 9223372036854775808.0 : 2147483648.0;
    // -2^(n-1) - 1 is exact only in f64 for n = 32.
    lo_inclusive = !(m.f64 && bits == 32);
    lo = lo_inclusive ? -hi : -hi - 1.0;
  }
  auto load_bound = [&](double v) {
    uint64_t b;
    if (m.f64) {
      std::memcpy(&b, &v, 8);
    } else {
      const float f = static_cast<float>(v);
      uint32_t w;
      std::memcpy(&w, &f, 4);
      b = w;
    }
    LoadFpConst(kFpTmp, b, m.f64);
    Inst c = VVV(Form::kFcmp, m.f64, Fpr::kV0, a, kFpTmp);
    c.d = 0;
    Put(c);
  };
  load_bound(lo);
  TrapUnless(lo_inclusive ? Cond::kGe : Cond::kGt, TrapCode::kIntegerOverflow);
  load_bound(hi);
  TrapUnless(Cond::kMi, TrapCode::kIntegerOverflow);
  Put(cvt);
}

// `b.<cc> t; b f`, with the `b` (or, by inverting the condition, the `b.<cc>`) left out when its
// target is the block emitted next (EmitOrder::next): the MachBuffer would remove or invert the
// pair when that block's label is bound (nothing is emitted in between, and a label not yet
// bound is never observed), so the bytes are the same without its bookkeeping.
void Emitter::EmitBrif(uint32_t i, const MInst& m, const OperandSlots& o) {
  EGRET_DCHECK(i >= v_.ra.blocks[cur_block_].inst_begin && i < v_.ra.blocks[cur_block_].inst_end);
  const uint32_t next = (*next_block_)[cur_block_];
  const uint32_t t = m.target[0], f = m.target[1];
  // The conditional branch: `bytes` to t, or, when t is next, `inverted` to f.
  auto cond_branch = [&](std::span<const uint8_t> bytes, std::span<const uint8_t> inverted,
                         A64LabelUse kind) {
    if (t == next) {
      buf_.EmitCondBranch(inverted, bytes, 0, block_label_[f], kind);
    } else {
      buf_.EmitCondBranch(bytes, inverted, 0, block_label_[t], kind);
    }
  };
  if (m.cond == CondKind::kNonZero || m.cond == CondKind::kBitSet) {
    const bool bit = m.cond == CondKind::kBitSet;
    Inst br;
    br.form = bit ? Form::kTbnz : Form::kCbnz;
    br.is64 = m.is64;
    br.d = R(G(i, o.a));
    br.amount = static_cast<uint8_t>(bit ? m.imm : 0);
    Inst inv = br;
    inv.form = bit ? Form::kTbz : Form::kCbz;
    const uint32_t w = EncodeWord(br), iw = EncodeWord(inv);
    uint8_t bytes[4], inverted[4];
    std::memcpy(bytes, &w, 4);
    std::memcpy(inverted, &iw, 4);
    cond_branch(bytes, inverted, bit ? A64LabelUse::kBranch14 : A64LabelUse::kBranch19);
  } else {
    const Cond cc = Compare(i, m, o);
    const uint32_t w = 0x54000000u | static_cast<uint32_t>(cc);
    const uint32_t iw = 0x54000000u | static_cast<uint32_t>(Invert(cc));
    uint8_t bytes[4], inverted[4];
    std::memcpy(bytes, &w, 4);
    std::memcpy(inverted, &iw, 4);
    cond_branch(bytes, inverted, A64LabelUse::kBranch19);
  }
  if (t == next || f == next) return;
  const uint8_t b[4] = {0, 0, 0, 0x14};
  buf_.EmitUncondBranch(b, 0, block_label_[f], A64LabelUse::kBranch26);
}

void Emitter::EmitBrTable(uint32_t i, const MInst& m, const OperandSlots& o) {
  const std::vector<uint32_t>& table = v_.jump_tables[m.jump_table];
  const uint32_t n = static_cast<uint32_t>(table.size() - 1);
  // The bounds check and the dispatch (at most 9 words) are not split by an island.
  if (buf_.IslandNeeded(9 * 4)) buf_.EmitIsland(9 * 4);
  const Gpr idx = G(i, o.value);
  if (n <= 4095) {
    Put(RRI(Form::kSubsImm, false, Gpr::kZr, idx, n));
  } else {
    MovImm(kTmp0, n, false);
    Put(RRR(Form::kSubsReg, false, Gpr::kZr, idx, kTmp0));
  }
  buf_.Put4(0x54000000u | static_cast<uint32_t>(Cond::kHs));  // b.hs default
  buf_.UseLabelAtOffset(buf_.CurOffset() - 4, block_label_[table[n]], A64LabelUse::kBranch19);
  // A copy of a dispatch block (dispatch_copies.h) uses the table of an earlier copy when adr
  // reaches it from here (it is behind us, so its offset is final), else it emits its own.
  MachLabel& base = table_label_[m.jump_table];
  bool share = false;
  if (base.valid()) {
    const uint32_t at = buf_.LabelOffset(base);
    share = at != UINT32_MAX &&
            int64_t{buf_.CurOffset()} - at < buf_.MaxBackward(A64LabelUse::kAdr21) - 64;
  }
  if (!share) base = buf_.NewLabel();
  Inst adr;
  adr.form = Form::kAdr;
  adr.d = R(kTmp1);
  Put(adr);
  buf_.UseLabelAtOffset(buf_.CurOffset() - 4, base, A64LabelUse::kAdr21);
  Inst add = RRR(Form::kAddExt, true, kTmp1, kTmp1, idx);
  add.extend = Extend::kUxtw;
  add.amount = 2;
  Put(add);
  Put(Mem(Form::kLdr, MemKind::kSW, true, kTmp0, kTmp1, 0));
  Put(RRR(Form::kAddReg, true, kTmp1, kTmp1, kTmp0));
  Inst br;
  br.form = Form::kBr;
  br.n = R(kTmp1);
  Put(br);
  if (share) return;
  // A table longer than kMaxInstBytes: the b.hs above (and older branches) may not wait for the
  // island after it, so one goes here, where nothing falls into it (only under
  // --debug-branch-range-shrink or for tables of more than 256 entries).
  if (buf_.IslandNeeded(4 * n)) buf_.EmitIsland(4 * n, /*reachable=*/false);
  // Each entry holds target - (its own address): x17 points at the entry when it is added.
  buf_.BindLabel(base);
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t at = buf_.CurOffset();
    buf_.Put4(0);
    buf_.UseLabelAtOffset(at, block_label_[table[k]], A64LabelUse::kPcRel32);
  }
}

void Emitter::EmitTrapIf(uint32_t i, const MInst& m, const OperandSlots& o) {
  if (m.cond == CondKind::kNonZero) {
    // Trap when a != 0 (ne) or a == 0 (eq): skip the udf with cbz / cbnz.
    Inst skip;
    skip.form = m.cc == Cond::kNe ? Form::kCbz : Form::kCbnz;
    skip.is64 = m.is64;
    skip.d = R(G(i, o.a));
    skip.imm = 8;
    Put(skip);
    Trap(m.trap);
    return;
  }
  const Cond cc = Compare(i, m, o);
  TrapUnless(Invert(cc), m.trap);
}

void Emitter::LoadVecConst(Fpr d, uint64_t lo, uint64_t hi) {
  // movi when every byte is 0x00 or 0xff in both halves alike (0 and all-ones included), or when
  // all 16 bytes are equal; else ldr q from the constant pool.
  auto byte_mask = [](uint64_t v) {
    for (int b = 0; b < 8; ++b) {
      const uint64_t x = (v >> (8 * b)) & 0xff;
      if (x != 0 && x != 0xff) return false;
    }
    return true;
  };
  Inst mv;
  mv.form = Form::kVMovi;
  mv.d = R(d);
  if (lo == hi && byte_mask(lo)) {
    mv.arr = VArr::k2D;
    mv.imm = static_cast<int64_t>(lo);
    return Put(mv);
  }
  if (lo == hi && lo == (lo & 0xff) * 0x0101010101010101ull) {
    mv.arr = VArr::k16B;
    mv.imm = static_cast<int64_t>(lo & 0xff);
    return Put(mv);
  }
  uint8_t bytes[16];
  std::memcpy(bytes, &lo, 8);
  std::memcpy(bytes + 8, &hi, 8);
  const MachLabel l = buf_.ConstantLabel(std::span<const uint8_t>(bytes, 16), 16);
  Inst ld;
  ld.form = Form::kLdrQLit;
  ld.d = R(d);
  Put(ld);
  buf_.UseLabelAtOffset(buf_.CurOffset() - 4, l, A64LabelUse::kLdr19);
}

void Emitter::EmitVec(uint32_t i, const MInst& m, const OperandSlots& o) {
  using ir::Opcode;
  const VArr arr = ArrOf(m.shape);
  const uint32_t size = VSize(arr);
  const uint32_t lane_bits = 8u << size;
  auto VA = [&] { return V(i, o.a); };
  auto VB = [&] { return V(i, o.b); };
  auto VD = [&] { return V(i, o.dst); };
  // d = f(a, b) / f(a) at the shape's arrangement.
  auto bin = [&](Form f, VArr a = VArr::k16B, bool use_shape = true) {
    Put(Vec(f, use_shape ? arr : a, VD(), VA(), VB()));
  };
  auto un = [&](Form f) { Put(Vec(f, arr, VD(), VA())); };
  auto mov_result = [&](Fpr from) {
    if (from != VD()) Put(VMov(VD(), from));
  };
  auto shift_imm = [&](Form f, VArr a, Fpr d, Fpr n, int64_t amount) {
    Inst x = Vec(f, a, d, n);
    x.imm = amount;
    Put(x);
  };
  switch (m.vop) {
    // ---- Lanes.
    case Opcode::kVsplat: {
      const ir::Type lane = ir::LaneType(m.shape);
      if (ir::IsFloat(lane)) return Put(Elem(Form::kVDupElem, size, R(VD()), R(VA()), 0));
      Inst x;
      x.form = Form::kVDupGen;
      x.arr = arr;
      x.d = R(VD());
      x.n = R(G(i, o.a));
      return Put(x);
    }
    case Opcode::kVscalarToVector: {
      const ir::Type lane = ir::LaneType(m.shape);
      if (ir::IsFloat(lane)) {
        // A scalar fmov writes the whole register: the other lanes become 0.
        return Put(VV(Form::kFmovReg, lane == ir::Type::kF64, VD(), VA()));
      }
      Gpr src = G(i, o.a);
      if (size < 2) {
        Put(RRI(Form::kAndImm, false, kTmp0, src, size == 0 ? 0xff : 0xffff));
        src = kTmp0;
      }
      Inst x;
      x.form = Form::kFmovFromGpr;
      x.is64 = x.f64 = size == 3;
      x.d = R(VD());
      x.n = R(src);
      return Put(x);
    }
    case Opcode::kVextractlane:
    case Opcode::kVextractlaneU:
    case Opcode::kVextractlaneS: {
      if (ir::IsFloat(ir::LaneType(m.shape))) {
        // The scalar's register takes the lane in its low bits (the rest is don't-care).
        Inst x = Elem(Form::kVInsElem, size, R(VD()), R(VA()), 0);
        x.amount = static_cast<uint8_t>(m.imm);
        return Put(x);
      }
      const Gpr d = G(i, o.dst);
      if (m.vop == Opcode::kVextractlaneS) {
        Inst x = Elem(Form::kVSmov, size, R(d), R(VA()), m.imm);
        x.is64 = false;
        return Put(x);
      }
      return Put(Elem(Form::kVUmov, size, R(d), R(VA()), m.imm));
    }
    case Opcode::kVinsertlane: {
      const bool fl = ir::IsFloat(ir::LaneType(m.shape));
      const Fpr x = VA();
      Fpr d = VD();
      // d = x with lane imm = y; when d is y's register (a float lane), build it in v30.
      if (fl && V(i, o.b) == d) d = kFpTmp;
      if (d != x) Put(VMov(d, x));
      if (fl) {
        Inst ins = Elem(Form::kVInsElem, size, R(d), R(V(i, o.b)), m.imm);
        ins.amount = 0;
        Put(ins);
      } else {
        Put(Elem(Form::kVInsGen, size, R(d), R(G(i, o.b)), m.imm));
      }
      return mov_result(d);
    }
    case Opcode::kVshuffle: {
      const uint64_t lo = static_cast<uint64_t>(m.imm), hi = static_cast<uint64_t>(m.imm_hi);
      bool only_a = true, only_b = true;
      for (int k = 0; k < 16; ++k) {
        const uint8_t idx = static_cast<uint8_t>((k < 8 ? lo >> (8 * k) : hi >> (8 * (k - 8))));
        only_a &= idx < 16;
        only_b &= idx >= 16 && idx < 32;
      }
      const bool one_source = only_a || only_b || VA() == VB();
      uint8_t mask[16];
      std::memcpy(mask, &lo, 8);
      std::memcpy(mask + 8, &hi, 8);
      ShufflePlan plan;
      if (PlanShuffle(mask, one_source, &plan)) {
        // With one source, both operands are that register.
        const Fpr a = one_source && only_b ? VB() : VA();
        const Fpr b = one_source ? a : VB();
        if (plan.form == Form::kVDupElem) {
          Inst dup = Vec(Form::kVDupElem, plan.arr, VD(), plan.from_b ? b : a);
          dup.imm = plan.imm;
          return Put(dup);
        }
        Inst x = Vec(plan.form, plan.arr, VD(), plan.swap ? b : a, plan.swap ? a : b);
        x.imm = plan.imm;
        return Put(x);
      }
      if (one_source) {
        // One table register: indices modulo 16 (a shuffle of x with itself reads the same).
        const Fpr src = only_b ? VB() : VA();
        LoadVecConst(kFpTmp, lo & 0x0f0f0f0f0f0f0f0full, hi & 0x0f0f0f0f0f0f0f0full);
        return Put(Vec(Form::kVTbl1, VArr::k16B, VD(), src, kFpTmp));
      }
      // tbl with the two-register table {v30, v31} (consecutive, as tbl needs).
      Put(VMov(kFpTmp, VA()));
      Put(VMov(kFpScratch, VB()));
      LoadVecConst(VD(), lo, hi);
      return Put(Vec(Form::kVTbl2, VArr::k16B, VD(), kFpTmp, VD()));
    }
    case Opcode::kVswizzle:
      // tbl gives 0 for an index out of range, as Wasm's swizzle.
      return Put(Vec(Form::kVTbl1, VArr::k16B, VD(), VA(), VB()));
    // ---- Bitwise.
    case Opcode::kVand:
      return bin(Form::kVAnd, VArr::k16B, false);
    case Opcode::kVor:
      return bin(Form::kVOrr, VArr::k16B, false);
    case Opcode::kVxor:
      return bin(Form::kVEor, VArr::k16B, false);
    case Opcode::kVandnot:
      return bin(Form::kVBic, VArr::k16B, false);
    case Opcode::kVnot:
      return Put(Vec(Form::kVNot, VArr::k16B, VD(), VA()));
    case Opcode::kVbitselect: {
      // vbitselect c, a, b = (a & c) | (b & ~c): bsl with the mask c in the destination.
      Put(VMov(kFpTmp, VA()));
      Put(Vec(Form::kVBsl, VArr::k16B, kFpTmp, VB(), V(i, o.c)));
      return mov_result(kFpTmp);
    }
    case Opcode::kVanyTrue:
    case Opcode::kValltrue: {
      const Gpr d = G(i, o.dst);
      bool nonzero = true;  // the condition: the reduced value is nonzero
      if (m.vop == Opcode::kVanyTrue) {
        Put(Vec(Form::kVUmaxv, VArr::k4S, kFpTmp, VA()));
      } else if (size == 3) {
        // Some 64-bit lane is zero exactly when a cmeq #0 lane is all-ones.
        Put(Vec(Form::kVCmeq0, VArr::k2D, kFpTmp, VA()));
        Put(Vec(Form::kVUmaxv, VArr::k4S, kFpTmp, kFpTmp));
        nonzero = false;
      } else {
        Put(Vec(Form::kVUminv, arr, kFpTmp, VA()));
      }
      Inst f;
      f.form = Form::kFmovToGpr;
      f.is64 = f.f64 = false;
      f.d = R(d);
      f.n = R(kFpTmp);
      Put(f);
      Put(RRI(Form::kSubsImm, false, Gpr::kZr, d, 0));
      Inst c;
      c.form = Form::kCset;
      c.is64 = false;
      c.d = R(d);
      c.cond = nonzero ? Cond::kNe : Cond::kEq;
      return Put(c);
    }
    case Opcode::kVbitmask: {
      // Each lane's sign bit to 0/1 (ushr), then usra folds neighbours into the low byte of each
      // 64-bit half: 16b: 8 bits per half, 8h: 4, 4s: 2, 2d: 1. Then the two low bytes.
      const Gpr d = G(i, o.dst);
      shift_imm(Form::kVUshr, arr, kFpTmp, VA(), lane_bits - 1);
      uint32_t per_half = 64 / lane_bits;
      for (uint32_t s = size; s < 3; ++s) {
        const VArr wide = MakeVArr(s + 1, true);
        // Lanes of 2^s bytes hold (2^(s-size)) bits each: fold pairs into the wider lane.
        const uint32_t bits_per_lane = 1u << (s - size);
        shift_imm(Form::kVUsra, wide, kFpTmp, kFpTmp, (8u << s) - bits_per_lane);
      }
      Put(Elem(Form::kVUmov, 0, R(kTmp0), R(kFpTmp), 8));
      Put(Elem(Form::kVUmov, 0, R(d), R(kFpTmp), 0));
      Inst orr = RRR(Form::kOrrReg, false, d, d, kTmp0);
      orr.amount = static_cast<uint8_t>(per_half);
      return Put(orr);
    }
    // ---- Integer lanewise.
    case Opcode::kViadd:
      return bin(Form::kVAdd);
    case Opcode::kVisub:
      return bin(Form::kVSub);
    case Opcode::kVimul: {
      if (size < 3) return bin(Form::kVMul);
      // No 64-bit lane multiply in NEON: each half through x16/x17.
      for (int k = 0; k < 2; ++k) {
        Put(Elem(Form::kVUmov, 3, R(kTmp0), R(VA()), k));
        Put(Elem(Form::kVUmov, 3, R(kTmp1), R(VB()), k));
        Inst mul = RRR(Form::kMadd, true, kTmp0, kTmp0, kTmp1);
        mul.a = R(Gpr::kZr);
        Put(mul);
        Put(Elem(Form::kVInsGen, 3, R(kFpTmp), R(kTmp0), k));
      }
      return mov_result(kFpTmp);
    }
    case Opcode::kVineg:
      return un(Form::kVNeg);
    case Opcode::kViabs:
      return un(Form::kVAbs);
    case Opcode::kVsaddSat:
      return bin(Form::kVSqadd);
    case Opcode::kVuaddSat:
      return bin(Form::kVUqadd);
    case Opcode::kVssubSat:
      return bin(Form::kVSqsub);
    case Opcode::kVusubSat:
      return bin(Form::kVUqsub);
    case Opcode::kVsmin:
      return bin(Form::kVSmin);
    case Opcode::kVumin:
      return bin(Form::kVUmin);
    case Opcode::kVsmax:
      return bin(Form::kVSmax);
    case Opcode::kVumax:
      return bin(Form::kVUmax);
    case Opcode::kVavgrU:
      return bin(Form::kVUrhadd);
    case Opcode::kVpopcnt:
      return Put(Vec(Form::kVCnt, VArr::k16B, VD(), VA()));
    case Opcode::kVq15mulrSatS:
      return bin(Form::kVSqrdmulh);
    case Opcode::kVishl:
    case Opcode::kVushr:
    case Opcode::kVsshr: {
      const bool left = m.vop == Opcode::kVishl;
      if (m.imm_amount) {
        if (m.imm == 0) return mov_result(VA());
        const Form f = left ? Form::kVShl : m.vop == Opcode::kVushr ? Form::kVUshr : Form::kVSshr;
        return shift_imm(f, arr, VD(), VA(), m.imm);
      }
      // ushl/sshl shift each lane by the signed low byte of the other operand's lane: the
      // amount modulo the lane width, negated for right shifts, in every lane of v30.
      Put(RRI(Form::kAndImm, false, kTmp0, G(i, o.b), lane_bits - 1));
      if (!left) Put(RRR(Form::kSubReg, false, kTmp0, Gpr::kZr, kTmp0));
      Inst dup;
      dup.form = Form::kVDupGen;
      dup.arr = arr;
      dup.d = R(kFpTmp);
      dup.n = R(kTmp0);
      Put(dup);
      return Put(
          Vec(m.vop == Opcode::kVsshr ? Form::kVSshl : Form::kVUshl, arr, VD(), VA(), kFpTmp));
    }
    case Opcode::kVicmp:
    case Opcode::kVfcmp: {
      const bool fl = m.vop == Opcode::kVfcmp;
      const Fpr a = VA(), b = VB(), d = VD();
      auto cmp = [&](Form f, Fpr x, Fpr y) { Put(Vec(f, arr, d, x, y)); };
      auto invert = [&] { Put(Vec(Form::kVNot, VArr::k16B, d, d)); };
      if (fl) {
        switch (static_cast<ir::FloatCC>(m.vcc)) {
          case ir::FloatCC::kEq:
            return cmp(Form::kVFcmeq, a, b);
          case ir::FloatCC::kNe:
            cmp(Form::kVFcmeq, a, b);
            return invert();
          case ir::FloatCC::kLt:
            return cmp(Form::kVFcmgt, b, a);
          case ir::FloatCC::kLe:
            return cmp(Form::kVFcmge, b, a);
          case ir::FloatCC::kGt:
            return cmp(Form::kVFcmgt, a, b);
          case ir::FloatCC::kGe:
            return cmp(Form::kVFcmge, a, b);
          case ir::FloatCC::kOrd:
          case ir::FloatCC::kUno:
            // Ordered: both equal themselves.
            Put(Vec(Form::kVFcmeq, arr, kFpTmp, a, a));
            cmp(Form::kVFcmeq, b, b);
            Put(Vec(Form::kVAnd, VArr::k16B, d, d, kFpTmp));
            if (static_cast<ir::FloatCC>(m.vcc) == ir::FloatCC::kUno) invert();
            return;
        }
        return;
      }
      switch (static_cast<ir::IntCC>(m.vcc)) {
        case ir::IntCC::kEq:
          return cmp(Form::kVCmeq, a, b);
        case ir::IntCC::kNe:
          cmp(Form::kVCmeq, a, b);
          return invert();
        case ir::IntCC::kSlt:
          return cmp(Form::kVCmgt, b, a);
        case ir::IntCC::kSle:
          return cmp(Form::kVCmge, b, a);
        case ir::IntCC::kSgt:
          return cmp(Form::kVCmgt, a, b);
        case ir::IntCC::kSge:
          return cmp(Form::kVCmge, a, b);
        case ir::IntCC::kUlt:
          return cmp(Form::kVCmhi, b, a);
        case ir::IntCC::kUle:
          return cmp(Form::kVCmhs, b, a);
        case ir::IntCC::kUgt:
          return cmp(Form::kVCmhi, a, b);
        case ir::IntCC::kUge:
          return cmp(Form::kVCmhs, a, b);
      }
      return;
    }
    // ---- Float lanewise. fmin/fmax already have Wasm's semantics (NaN in, NaN out; -0 < +0).
    case Opcode::kVfadd:
      return bin(Form::kVFadd);
    case Opcode::kVfsub:
      return bin(Form::kVFsub);
    case Opcode::kVfmul:
      return bin(Form::kVFmul);
    case Opcode::kVfdiv:
      return bin(Form::kVFdiv);
    case Opcode::kVfmin:
      return bin(Form::kVFmin);
    case Opcode::kVfmax:
      return bin(Form::kVFmax);
    case Opcode::kVfpmin:
    case Opcode::kVfpmax: {
      // pmin: b < a ? b : a; pmax: a < b ? b : a. The mask selects b.
      const Fpr a = VA(), b = VB();
      if (m.vop == Opcode::kVfpmin) {
        Put(Vec(Form::kVFcmgt, arr, kFpTmp, a, b));
      } else {
        Put(Vec(Form::kVFcmgt, arr, kFpTmp, b, a));
      }
      Put(Vec(Form::kVBsl, VArr::k16B, kFpTmp, b, a));
      return mov_result(kFpTmp);
    }
    case Opcode::kVfabs:
      return un(Form::kVFabs);
    case Opcode::kVfneg:
      return un(Form::kVFneg);
    case Opcode::kVfsqrt:
      return un(Form::kVFsqrt);
    case Opcode::kVfceil:
      return un(Form::kVFrintp);
    case Opcode::kVffloor:
      return un(Form::kVFrintm);
    case Opcode::kVftrunc:
      return un(Form::kVFrintz);
    case Opcode::kVfnearest:
      return un(Form::kVFrintn);
    // ---- Widening and narrowing (shape: the result).
    case Opcode::kVnarrowS:
    case Opcode::kVnarrowU: {
      // The low half from a, the high half from b (sqxtn2 keeps the low half).
      const Form f = m.vop == Opcode::kVnarrowS ? Form::kVSqxtn : Form::kVSqxtun;
      const Fpr d = VD() == VB() ? kFpTmp : VD();
      Put(Vec(f, HalfOf(arr), d, VA()));
      Put(Vec(f, arr, d, VB()));
      return mov_result(d);
    }
    case Opcode::kVextendLowS:
    case Opcode::kVextendLowU:
    case Opcode::kVextendHighS:
    case Opcode::kVextendHighU: {
      const bool high = m.vop == Opcode::kVextendHighS || m.vop == Opcode::kVextendHighU;
      const bool u = m.vop == Opcode::kVextendLowU || m.vop == Opcode::kVextendHighU;
      const VArr src = MakeVArr(size - 1, high);
      return shift_imm(u ? Form::kVUshll : Form::kVSshll, src, VD(), VA(), 0);
    }
    case Opcode::kVextmulLowS:
    case Opcode::kVextmulLowU:
    case Opcode::kVextmulHighS:
    case Opcode::kVextmulHighU: {
      const bool high = m.vop == Opcode::kVextmulHighS || m.vop == Opcode::kVextmulHighU;
      const bool u = m.vop == Opcode::kVextmulLowU || m.vop == Opcode::kVextmulHighU;
      return Put(
          Vec(u ? Form::kVUmull : Form::kVSmull, MakeVArr(size - 1, high), VD(), VA(), VB()));
    }
    case Opcode::kVextaddPairwiseS:
    case Opcode::kVextaddPairwiseU:
      return Put(Vec(m.vop == Opcode::kVextaddPairwiseS ? Form::kVSaddlp : Form::kVUaddlp,
                     MakeVArr(size - 1, true), VD(), VA()));
    case Opcode::kVdotS: {
      // Products of the low and the high four lanes, then pairwise sums.
      Put(Vec(Form::kVSmull, VArr::k4H, kFpTmp, VA(), VB()));
      Put(Vec(Form::kVSmull, VArr::k8H, VD(), VA(), VB()));
      return Put(Vec(Form::kVAddp, VArr::k4S, VD(), kFpTmp, VD()));
    }
    // ---- Conversions (shape: the result).
    case Opcode::kVfcvtFromSint:
      return un(Form::kVScvtf);
    case Opcode::kVfcvtFromUint:
      return un(Form::kVUcvtf);
    case Opcode::kVfcvtLowFromSint:
    case Opcode::kVfcvtLowFromUint: {
      const bool u = m.vop == Opcode::kVfcvtLowFromUint;
      shift_imm(u ? Form::kVUshll : Form::kVSshll, VArr::k2S, VD(), VA(), 0);
      return Put(Vec(u ? Form::kVUcvtf : Form::kVScvtf, VArr::k2D, VD(), VD()));
    }
    case Opcode::kVtruncSatS:
      return un(Form::kVFcvtzs);  // saturating, NaN -> 0
    case Opcode::kVtruncSatU:
      return un(Form::kVFcvtzu);
    case Opcode::kVtruncSatZeroS:
    case Opcode::kVtruncSatZeroU: {
      // To 64-bit integers (saturating), then narrow with saturation; the .2s write zeroes the
      // upper lanes.
      const bool u = m.vop == Opcode::kVtruncSatZeroU;
      Put(Vec(u ? Form::kVFcvtzu : Form::kVFcvtzs, VArr::k2D, kFpTmp, VA()));
      return Put(Vec(u ? Form::kVUqxtn : Form::kVSqxtn, VArr::k2S, VD(), kFpTmp));
    }
    case Opcode::kVdemoteZero:
      return Put(Vec(Form::kVFcvtn, VArr::k2S, VD(), VA()));
    case Opcode::kVpromoteLow:
      return Put(Vec(Form::kVFcvtl, VArr::k2S, VD(), VA()));
    default:
      break;
  }
  // Lowering only emits kVec for the ops above; anything else is a lowering bug.
  EGRET_CHECK(false && "aarch64: vector op without an expansion");
}

void Emitter::EmitInst(uint32_t i) {
#ifdef EGRET_DEBUG
  // WritesOnlyAllowed's sets. Its check is a Debug one (EGRET_DCHECK in Put), so only Debug
  // builds compute them: a Release build walked every instruction's operands for nothing.
  const regalloc::InstData& ri = v_.ra.insts[i];
  allowed_int_ = (uint64_t{1} << Enc(kTmp0)) | (uint64_t{1} << Enc(kTmp1));
  // v31, the allocator's scratch, holds nothing inside an MInst (only edits use it).
  allowed_fp_ = uint64_t{1} << Enc(kFpTmp) | uint64_t{1} << Enc(kFpScratch);
  for (uint32_t k = ri.operand_begin; k < ri.operand_end; ++k) {
    const Allocation a = ra_.allocs[k];
    if (!v_.ra.operands[k].is_def() || !a.is_reg()) continue;
    (a.reg().cls() == regalloc::RegClass::kInt ? allowed_int_ : allowed_fp_) |= uint64_t{1}
                                                                                << a.reg().hw();
  }
  // The epilogue (of a return or a tail call) restores the frame.
  const MOp op = v_.insts[i].op;
  checking_ = op != MOp::kRet && op != MOp::kReturnCall && op != MOp::kReturnCallInd;
  EmitInstByKind(i);
  checking_ = false;
#else
  EmitInstByKind(i);
#endif
}

void Emitter::EmitInstByKind(uint32_t i) {
  const MInst& m = v_.insts[i];
  if (m.op == MOp::kJmp) return EmitJmp(m);  // the commonest kind, and it has no operand slots
  const OperandSlots o = Slots(i);
  switch (m.op) {
    case MOp::kAlu:
      return EmitAlu(i, m, o);
    case MOp::kAluImm:
      return EmitAluImm(i, m, o);
    case MOp::kLoad:
    case MOp::kStore:
      return EmitMemory(i, m, o);
    case MOp::kBrif:
      return EmitBrif(i, m, o);
    default:
      return EmitInstBody(i, m, o);
  }
}

void Emitter::EmitInstBody(uint32_t i, const MInst& m, const OperandSlots& o) {
  switch (m.op) {
    case MOp::kArgs:
      return;
    case MOp::kLoadArg:
      return ValueAccess(true, m, m.fp ? R(V(i, o.dst)) : R(G(i, o.dst)), kFp, m.disp);
    case MOp::kStoreRet:
      return ValueAccess(false, m, m.fp ? R(V(i, o.value)) : R(G(i, o.value)), kFp, m.disp);
    case MOp::kStoreOutArg:
      return ValueAccess(false, m, m.fp ? R(V(i, o.value)) : R(G(i, o.value)), Gpr::kSp, m.disp);
    case MOp::kLoadOutRet:
      return ValueAccess(true, m, m.fp ? R(V(i, o.dst)) : R(G(i, o.dst)), Gpr::kSp, m.disp);
    case MOp::kCopy:
      if (m.vec) {
        if (V(i, o.dst) != V(i, o.a)) Put(VMov(V(i, o.dst), V(i, o.a)));
        return;
      }
      if (m.fp) return Put(VV(Form::kFmovReg, true, V(i, o.dst), V(i, o.a)));
      return Put(MovReg(true, G(i, o.dst), G(i, o.a)));
    case MOp::kIconst:
      return MovImm(G(i, o.dst), static_cast<uint64_t>(m.imm), m.is64);
    case MOp::kFconst: {
      const uint64_t bits = static_cast<uint64_t>(m.imm);
      if (bits == 0) {
        Inst t;
        t.form = Form::kFmovFromGpr;
        t.is64 = t.f64 = m.f64;
        t.d = R(V(i, o.dst));
        t.n = R(Gpr::kZr);
        return Put(t);
      }
      return LoadFpConst(V(i, o.dst), bits, m.f64);
    }
    case MOp::kAlu:
      return EmitAlu(i, m, o);
    case MOp::kAluImm:
      return EmitAluImm(i, m, o);
    case MOp::kMadd: {
      Inst x = RRR(m.is_sub ? Form::kMsub : Form::kMadd, m.is64, G(i, o.dst), G(i, o.a), G(i, o.b));
      x.a = R(G(i, o.c));
      return Put(x);
    }
    case MOp::kUnary:
      return EmitUnary(i, m, o);
    case MOp::kDivRem:
      return EmitDivRem(i, m, o);
    case MOp::kCmpSet: {
      const Cond cc = Compare(i, m, o);
      Inst s;
      s.form = Form::kCset;
      s.is64 = false;
      s.d = R(G(i, o.dst));
      s.cond = cc;
      return Put(s);
    }
    case MOp::kSelect: {
      const Cond cc = Compare(i, m, o);
      if (m.vec) {
        // A mask from the condition (csetm x16; dup v30.2d, x16), then bsl into v30 and a move:
        // d may share a register with x or y (late def), v30 with neither.
        Inst mask = RRR(Form::kCsinv, true, kTmp0, Gpr::kZr, Gpr::kZr);
        mask.cond = Invert(cc);
        Put(mask);
        Inst dup;
        dup.form = Form::kVDupGen;
        dup.arr = VArr::k2D;
        dup.d = R(kFpTmp);
        dup.n = R(kTmp0);
        Put(dup);
        Put(Vec(Form::kVBsl, VArr::k16B, kFpTmp, V(i, o.x), V(i, o.y)));
        return Put(VMov(V(i, o.dst), kFpTmp));
      }
      Inst s;
      if (m.fp) {
        s = VVV(Form::kFcsel, m.f64, V(i, o.dst), V(i, o.x), V(i, o.y));
      } else {
        s = RRR(Form::kCsel, m.wide_value, G(i, o.dst), G(i, o.x), G(i, o.y));
      }
      s.cond = cc;
      return Put(s);
    }
    case MOp::kLoad:
    case MOp::kStore:
      return EmitMemory(i, m, o);
    case MOp::kAtomicLoad:
    case MOp::kAtomicStore:
    case MOp::kAtomicRmw:
    case MOp::kAtomicCas:
    case MOp::kFence:
      return EmitAtomic(i, m, o);
    case MOp::kExtend: {
      const Gpr a = G(i, o.a), d = G(i, o.dst);
      switch (m.extend) {
        case ExtendKind::kSxtb:
          return Put(RRR(Form::kSxtb, m.is64, d, a, Gpr::kX0));
        case ExtendKind::kSxth:
          return Put(RRR(Form::kSxth, m.is64, d, a, Gpr::kX0));
        case ExtendKind::kSxtw:
          return Put(RRR(Form::kSxtw, true, d, a, Gpr::kX0));
        case ExtendKind::kUxtb:
          return Put(RRR(Form::kUxtb, false, d, a, Gpr::kX0));
        case ExtendKind::kUxth:
          return Put(RRR(Form::kUxth, false, d, a, Gpr::kX0));
        case ExtendKind::kUxtw:
          return Put(MovReg(false, d, a));
      }
      return;
    }
    case MOp::kFpuBin:
    case MOp::kFpuUnary:
      return EmitFpu(i, m, o);
    case MOp::kIntToFp: {
      Inst c;
      c.form = m.is_unsigned ? Form::kUcvtf : Form::kScvtf;
      c.is64 = m.is64;
      c.f64 = m.f64;
      c.d = R(V(i, o.dst));
      c.n = R(G(i, o.a));
      return Put(c);
    }
    case MOp::kFpToInt:
      return EmitFpToInt(i, m, o);
    case MOp::kBitcast: {
      Inst c;
      c.is64 = c.f64 = m.is64;
      if (m.fp) {
        c.form = Form::kFmovFromGpr;
        c.d = R(V(i, o.dst));
        c.n = R(G(i, o.a));
      } else {
        c.form = Form::kFmovToGpr;
        c.d = R(G(i, o.dst));
        c.n = R(V(i, o.a));
      }
      return Put(c);
    }
    case MOp::kCall:
      buf_.Put4(0x94000000u);
      buf_.AddCall(buf_.CurOffset() - 4, m.callee, A64LabelUse::kBranch26);
      StackMapHere(i);
      return ReserveOutgoingArgs(m);
    case MOp::kCallBuiltin: {
      Put(Mem(Form::kLdr, MemKind::kX, true, kTmp0, kVmctxReg, module_.builtins_offset));
      Put(Mem(Form::kLdr, MemKind::kX, true, kTmp0, kTmp0, 8 * int64_t{m.builtin}));
      Inst c;
      c.form = Form::kBlr;
      c.n = R(kTmp0);
      Put(c);
      StackMapHere(i);
      return;
    }
    case MOp::kCallInd: {
      Inst c;
      c.form = Form::kBlr;
      c.n = R(G(i, o.value));
      Put(c);
      StackMapHere(i);
      return ReserveOutgoingArgs(m);
    }
    case MOp::kRet:
      return Epilogue();
    case MOp::kReturnCall:
      TearDownFrame();
      SpAdjust(true, static_cast<uint32_t>(m.imm));  // release the area below the arguments
      buf_.Put4(0x14000000u);                        // b
      buf_.AddCall(buf_.CurOffset() - 4, m.callee, A64LabelUse::kBranch26);
      return EndEpilogueRange();
    case MOp::kReturnCallInd: {
      TearDownFrame();
      SpAdjust(true, static_cast<uint32_t>(m.imm));
      Inst b;
      b.form = Form::kBr;
      b.n = R(G(i, o.value));
      Put(b);
      return EndEpilogueRange();
    }
    case MOp::kJmp:
      return EmitJmp(m);
    case MOp::kBrif:
      return EmitBrif(i, m, o);
    case MOp::kBrTable:
      return EmitBrTable(i, m, o);
    case MOp::kTrap:
      return Trap(m.trap);
    case MOp::kTrapIf:
      return EmitTrapIf(i, m, o);
    case MOp::kVec:
      return EmitVec(i, m, o);
    case MOp::kVconst:
      return LoadVecConst(V(i, o.dst), static_cast<uint64_t>(m.imm),
                          static_cast<uint64_t>(m.imm_hi));
  }
}

}  // namespace

FrameInfo ComputeFrame(const VCode& v, const regalloc::Output& ra) {
  return ComputeFrameImpl(v, ra);
}

void EmitFunction(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                  A64MachBuffer* buf, const backend::EmitOptions& options) {
  Emitter e(v, ra, module, buf, options);
  e.Run();
}

}  // namespace egret::aarch64
