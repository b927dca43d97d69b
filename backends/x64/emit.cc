// emit.cc: expansion of allocated MInsts into x64 machine code (see emit.h).
#include "backends/x64/emit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "backends/common/emit_loop.h"
#include "backends/common/emit_order.h"
#include "backends/x64/abi.h"
#include "backends/x64/encoder.h"
#include "backends/x64/encoder_fast.h"
#include "ir/types.h"
#include "support/spare_storage.h"

namespace egret::x64 {
namespace {

using regalloc::Allocation;

// A trap stub: ud2.
constexpr uint32_t kStubBytes = 2;

// The x64 side of the shared emission loop (backends/common/emit_loop.h).
class Emitter final : public backend::InstEmitter {
 public:
  Emitter(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
          X64MachBuffer* buf, const backend::EmitOptions& options)
      : v_(v), ra_(ra), module_(module), buf_(*buf), options_(options) {
    SwapStorage(/*take=*/true);
  }
  ~Emitter() override { SwapStorage(/*take=*/false); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  void Run();

  // The InstEmitter interface (public: the shared emission loop calls it directly).
  // A block's first instruction never reuses flags: its other predecessors did not set them.
  void BeginBlock(uint32_t b) override {
    cur_block_ = b;
    flags_.valid = false;
  }
  void EmitEdit(const regalloc::Edit& e) override;
  backend::CopyInfo CopyInfoOf(uint32_t i) const override;
  void Prologue() override;
  void EmitInst(uint32_t i) override;

 private:
  // ---- Encoding helpers.
  void Put(const Inst& inst) {
    // Encoded straight into the buffer's tail (no intermediate EncodedInst to copy); the common
    // forms inline (encoder_fast.h), the rest through the general encoder.
    uint8_t* bytes = buf_.ReserveBytes(kMaxInstLength);
    if (const uint32_t n = EncodeFast(inst, bytes); n != 0) return buf_.CommitBytes(n);
    PutGeneral(inst, bytes);
  }
  // 64-bit moves between registers and to and from memory (the allocator's moves, spills and
  // reloads) through the fast encoder's typed entry points: no Inst, no form dispatch, no call.
  // The same bytes as Put(Inst::MovRR/MovMR/MovRM(OpSize::k64, ...)).
  void PutMov64(Gpr dst, Gpr src) {
    uint8_t* bytes = buf_.ReserveBytes(kMaxInstLength);
    buf_.CommitBytes(encoder_internal::EncodeMovRR(OpSize::k64, dst, src, bytes));
  }
  // Put at the hottest sites (loads, stores, lea, the ALU group, constants): `encode(bytes)` is
  // a typed entry point of encoder_fast.h (the bytes EncodeFast writes for that form, without an
  // Inst or the form dispatch); when it answers 0, the general encoder takes `make()`.
  template <class Encode, class Make>
  [[gnu::always_inline]] void PutWith(Encode&& encode, Make&& make) {
    uint8_t* bytes = buf_.ReserveBytes(kMaxInstLength);
    if (const uint32_t n = encode(bytes); n != 0) return buf_.CommitBytes(n);
    PutGeneral(make(), bytes);
  }
  // A spill (store: reg into the slot) or a reload (load) of an integer register.
  void PutSpillMove(bool load, Gpr reg, uint32_t slot) {
    uint8_t* bytes = buf_.ReserveBytes(kMaxInstLength);
    buf_.CommitBytes(encoder_internal::EncodeMovRsp64(
        load, reg, static_cast<int32_t>(frame_.SlotOffset(slot)), bytes));
  }
  void PutStore64(const Amode& dst, Gpr src) {
    uint8_t* bytes = buf_.ReserveBytes(kMaxInstLength);
    if (const uint32_t n = encoder_internal::EncodeMovMR(OpSize::k64, dst, src, bytes); n != 0)
      return buf_.CommitBytes(n);
    PutGeneral(Inst::MovMR(OpSize::k64, dst, src), bytes);
  }
  void PutLoad64(Gpr dst, const Amode& src) {
    uint8_t* bytes = buf_.ReserveBytes(kMaxInstLength);
    if (const uint32_t n = encoder_internal::EncodeMovRM(OpSize::k64, dst, src, bytes); n != 0)
      return buf_.CommitBytes(n);
    PutGeneral(Inst::MovRM(OpSize::k64, dst, src), bytes);
  }
  [[gnu::noinline]] void PutGeneral(const Inst& inst, uint8_t* bytes) {
    const uint32_t start = buf_.CurOffset();
    LabelField label;
    buf_.CommitBytes(EncodeGeneral(inst, bytes, &label));
    if (label.label.valid()) {
      EGRET_CHECK(label.use == LabelUse::kRipRel32 && label.pc_base_delta == 4);
      buf_.UseLabelAtOffset(start + label.offset, MachLabel(label.label.index),
                            X64LabelUse::kRipRel32);
    }
  }
  void PutTrapping(const Inst& inst, TrapCode code) {
    buf_.AddTrap(code);
    Put(inst);
  }
  // A conditional jump inside an expansion, to a label bound later in the same expansion.
  void JccLocal(CondCode cc, MachLabel l) {
    const uint8_t bytes[6] = {0x0f, static_cast<uint8_t>(0x80 | static_cast<uint8_t>(cc)), 0, 0, 0,
                              0};
    buf_.PutBytes(bytes);
    buf_.UseLabelAtOffset(buf_.CurOffset() - 4, l, X64LabelUse::kJmpRel32);
  }
  // Whether a branch of `len` bytes emitted now reaches `l` with a rel8 displacement: only for
  // labels already bound (backward branches; LabelOffset commits to the label's position, which a
  // patched branch needs anyway). Forward branches stay rel32: the MachBuffer does not relax.
  bool ShortReach(MachLabel l, uint32_t len) {
    const uint32_t off = buf_.LabelOffset(l);
    return off != UINT32_MAX &&
           static_cast<int64_t>(off) - static_cast<int64_t>(buf_.CurOffset() + len) >= -128;
  }
  // A block-level conditional branch (simplifiable by the MachBuffer): `j<cc> l`, rel8 when
  // backward and near, else rel32.
  void Jcc(CondCode cc, MachLabel l) {
    const auto op = static_cast<uint8_t>(cc), inv = static_cast<uint8_t>(Invert(cc));
    if (ShortReach(l, 2)) {
      const uint8_t bytes[2] = {static_cast<uint8_t>(0x70 | op), 0};
      const uint8_t inverted[2] = {static_cast<uint8_t>(0x70 | inv), 0};
      buf_.EmitCondBranch(bytes, inverted, 1, l, X64LabelUse::kJmpRel8);
      return;
    }
    const uint8_t bytes[6] = {0x0f, static_cast<uint8_t>(0x80 | op), 0, 0, 0, 0};
    const uint8_t inverted[6] = {0x0f, static_cast<uint8_t>(0x80 | inv), 0, 0, 0, 0};
    buf_.EmitCondBranch(bytes, inverted, 2, l, X64LabelUse::kJmpRel32);
  }
  // A block-level `jmp l`, rel8 when backward and near.
  void Jmp(MachLabel l) {
    if (ShortReach(l, 2)) {
      const uint8_t bytes[2] = {0xeb, 0};
      buf_.EmitUncondBranch(bytes, 1, l, X64LabelUse::kJmpRel8);
      return;
    }
    const uint8_t bytes[5] = {0xe9, 0, 0, 0, 0};
    buf_.EmitUncondBranch(bytes, 1, l, X64LabelUse::kJmpRel32);
  }
  // The two-way branch of block-ending instruction i: `j<cc> t; jmp f`, with the jump (or, by
  // inverting the condition, the conditional branch) left out when its target is the block
  // emitted next (EmitOrder::next, which rotated loops make differ from the layout's next).
  void Branch2(uint32_t i, CondCode cc, uint32_t t, uint32_t f) {
    EGRET_DCHECK(i >= v_.ra.blocks[cur_block_].inst_begin && i < v_.ra.blocks[cur_block_].inst_end);
    const uint32_t next = (*next_block_)[cur_block_];
    if (t == next) {
      Jcc(Invert(cc), block_label_[f]);
      return;
    }
    Jcc(cc, block_label_[t]);
    if (f != next) Jmp(block_label_[f]);
  }
  void JmpLocal(MachLabel l) {
    const uint8_t bytes[5] = {0xe9, 0, 0, 0, 0};
    buf_.PutBytes(bytes);
    buf_.UseLabelAtOffset(buf_.CurOffset() - 4, l, X64LabelUse::kJmpRel32);
  }
  void Ud2(TrapCode code) { PutTrapping(Inst::Ud2(), code); }
  // Traps with `code` unless `cc` holds: `j<!cc> stub`, where the stub is a `ud2` placed after
  // the function's last block (EmitTrapStubs), so the check is a not-taken branch in the code
  // path and the ud2 stays out of it. One stub per (trap code, source location).
  void TrapUnless(CondCode cc, TrapCode code) { JccLocal(Invert(cc), TrapStub(code)); }
  MachLabel TrapStub(TrapCode code);
  void EmitTrapStubs();
  MachLabel Const(uint64_t bits, bool f64) {
    uint8_t bytes[8];
    std::memcpy(bytes, &bits, 8);
    return buf_.ConstantLabel(std::span<const uint8_t>(bytes, f64 ? 8 : 4), f64 ? 8 : 4);
  }
  MachLabel Const128(uint64_t lo, uint64_t hi) {
    uint8_t bytes[16];
    std::memcpy(bytes, &lo, 8);
    std::memcpy(bytes + 8, &hi, 8);
    return buf_.ConstantLabel(bytes, 16);
  }
  static Amode Rip(MachLabel l) { return Amode::RipLabel(Label(l.index)); }
  // A float constant as a RIP-relative operand.
  Amode FConst(double value, bool f64) {
    uint64_t bits;
    if (f64) {
      std::memcpy(&bits, &value, 8);
    } else {
      float f = static_cast<float>(value);
      uint32_t b;
      std::memcpy(&b, &f, 4);
      bits = b;
    }
    return Rip(Const(bits, f64));
  }

  // ---- Operands.
  [[gnu::always_inline]] Allocation AllocOf(uint32_t inst, int k) const {
    return ra_.allocs[v_.ra.insts[inst].operand_begin + static_cast<uint32_t>(k)];
  }
  // (Inlined: most operands of most instructions are read through these.)
  [[gnu::always_inline]] Gpr G(uint32_t inst, int k) const {
    EGRET_CHECK(k >= 0);
    Allocation a = AllocOf(inst, k);
    EGRET_CHECK(a.is_reg() && a.reg().cls() == regalloc::RegClass::kInt);
    return GprFromEnc(a.reg().hw());
  }
  [[gnu::always_inline]] Xmm X(uint32_t inst, int k) const {
    EGRET_CHECK(k >= 0);
    Allocation a = AllocOf(inst, k);
    EGRET_CHECK(a.is_reg() && a.reg().cls() == regalloc::RegClass::kFloat);
    return XmmFromEnc(a.reg().hw());
  }
  uint32_t NumOps(uint32_t inst) const {
    return v_.ra.insts[inst].operand_end - v_.ra.insts[inst].operand_begin;
  }
  // Instruction `inst`'s named operands (minst.h).
  OperandSlots Slots(uint32_t inst) const { return SlotsOf(v_.insts[inst], NumOps(inst)); }
  // For a two-address d = a op b: the source that is not in d's register. Normally b; a when
  // the allocator chose to reuse b (commutative ops, regalloc::ChooseCommutedReuse).
  int NotReused(uint32_t inst, const OperandSlots& o) const {
    const regalloc::Operand& d = v_.ra.operands[v_.ra.insts[inst].operand_begin + o.dst];
    return d.constraint == regalloc::Constraint::kReuse && d.reuse_index == o.b ? o.a : o.b;
  }
  Amode SpillSlot(uint32_t slot) const {
    return Amode::Base(Gpr::kRsp, static_cast<int32_t>(frame_.SlotOffset(slot)));
  }
  // The move between an xmm register and a float-class spill slot: 16 bytes when the frame has
  // wide slots (the function holds vectors), else 8 (movsd; the slot holds an f32 or f64).
  SseOp SpillMoveOp() const { return frame_.wide_float_slots ? SseOp::kMovups : SseOp::kMovsd; }
  // The memory move of a float-class MInst value: movss, movsd or (vec) movups.
  static SseOp FloatMoveOp(const MInst& m) {
    return m.vec ? SseOp::kMovups : m.fp64 ? SseOp::kMovsd : SseOp::kMovss;
  }
  Amode MemOperand(uint32_t i, const MInst& m) const {
    if (m.base_op < 0) return Amode::Index(G(i, m.index_op), 1 << m.scale_log2, m.disp);
    if (m.index_op >= 0)
      return Amode::BaseIndex(G(i, m.base_op), G(i, m.index_op), 1 << m.scale_log2, m.disp);
    return Amode::Base(G(i, m.base_op), m.disp);
  }

  // The load of kLoad `m` from `src` into the register numbered `dst` (its class is the load's).
  void PutLoad(const MInst& m, const Amode& src, uint8_t dst) {
    const Gpr g = GprFromEnc(dst);
    const Xmm x = XmmFromEnc(dst);
    switch (m.load) {
      case LoadKind::kInt:
        PutWith([&](uint8_t* b) { return encoder_internal::EncodeMovRM(m.size, g, src, b); },
                [&] { return Inst::MovRM(m.size, g, src); });
        break;
      case LoadKind::kZext8:
        Put(Inst::MovzxRM(OpSize::k8, OpSize::k32, g, src));
        break;
      case LoadKind::kZext16:
        Put(Inst::MovzxRM(OpSize::k16, OpSize::k32, g, src));
        break;
      case LoadKind::kZext32:
        PutWith([&](uint8_t* b) { return encoder_internal::EncodeMovRM(OpSize::k32, g, src, b); },
                [&] { return Inst::MovRM(OpSize::k32, g, src); });
        break;
      case LoadKind::kSext8:
        Put(Inst::MovsxRM(OpSize::k8, m.size, g, src));
        break;
      case LoadKind::kSext16:
        Put(Inst::MovsxRM(OpSize::k16, m.size, g, src));
        break;
      case LoadKind::kSext32:
        Put(Inst::MovsxRM(OpSize::k32, OpSize::k64, g, src));
        break;
      case LoadKind::kFloat32:
        Put(Inst::SseRM(SseOp::kMovss, x, src));
        break;
      case LoadKind::kFloat64:
        Put(Inst::SseRM(SseOp::kMovsd, x, src));
        break;
      case LoadKind::kVector:
        Put(Inst::SseRM(SseOp::kMovups, x, src));
        break;
    }
  }

  // Right after call instruction i (a safepoint): its stack map at the return address, slots as
  // 8-byte words from rsp at the call, the frame (rbp - rsp) being the callee-saved pushes and
  // the fixed frame (rsp does not move between prologue and epilogue).
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
    buf_.AddStackMap(map_words_, 8 * frame_.num_callee_saved + frame_.frame_bytes);
    ++next_map_;
  }
  void Epilogue();
  void TearDownFrame();
  void EndEpilogueRange();
  void ReleaseArgArea(uint32_t bytes);
  void ReserveOutgoingArgs(const MInst& m);
  // Sets the flags for a condition; returns the condition code that holds when it is true. `o`:
  // the instruction's operand slots (EmitInstBody's, not found again).
  CondCode Compare(uint32_t i, const MInst& m, const OperandSlots& o);
  // Instruction i by kind: EmitInst calls the commonest kinds' functions below directly, and
  // EmitInstBody (one switch over every kind, out of line) for the others. A kind's function
  // then pays only the frame it needs: in one function with all the cases inlined, every
  // instruction paid the largest case's six saved registers and 248-byte frame, and unpacked
  // all of its operand slots into registers before the switch. (Out of line on purpose: GCC
  // inlines some of them into EmitInst, whose frame then grows back.)
  void EmitInstBody(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitLoadArg(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitStoreOutArg(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitCopy(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitIconst(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitAlu(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitLoad(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitStore(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitLea(uint32_t i, const MInst& m, const OperandSlots& o);
  [[gnu::noinline]] void EmitBrif(uint32_t i, const MInst& m, const OperandSlots& o);
  // A jump to the block emitted next is left out: the MachBuffer would remove it when that
  // block's label is bound (nothing is emitted in between, and a label not yet bound is never
  // observed), so the bytes are the same without its bookkeeping.
  [[gnu::noinline]] void EmitJmp(const MInst& m) {
    if (m.target[0] != (*next_block_)[cur_block_]) Jmp(block_label_[m.target[0]]);
  }
  void EmitDiv(uint32_t i, const MInst& m);
  void EmitBitCount(uint32_t i, const MInst& m);
  void EmitFpToInt(uint32_t i, const MInst& m);
  void EmitIntToFp(uint32_t i, const MInst& m);
  void EmitBrTable(uint32_t i, const MInst& m);
  void EmitFloatBranch(uint32_t i, const MInst& m);
  void EmitVec(uint32_t i, const MInst& m, const OperandSlots& o);
  // 16-byte constants (16-byte aligned in the pool, so legacy SSE ops may take them as memory
  // operands).
  Amode VConst(uint64_t lo, uint64_t hi) { return Rip(Const128(lo, hi)); }
  Amode Splat8(uint8_t b) { return Splat64(0x0101010101010101ull * b); }
  Amode Splat16(uint16_t w) { return Splat64(0x0001000100010001ull * w); }
  Amode Splat32(uint32_t x) { return Splat64(static_cast<uint64_t>(x) << 32 | x); }
  Amode Splat64(uint64_t x) { return VConst(x, x); }

  // The register whose value the flags describe (ZF and SF as a `test` of it at `size` would
  // set them), left by the ALU instruction of VCode instruction `inst`. Valid for instruction
  // inst + 1 only, in the same block, and only while no edit writes `reg` in between (moves do
  // not touch the flags; a block's other predecessors would not have set them).
  struct FlagsFrom {
    bool valid = false;
    Gpr reg = Gpr::kRax;
    OpSize size = OpSize::k32;
    uint32_t inst = 0;
  };
  // Whether `test reg, reg` at `size` would only repeat the flags instruction i's predecessor set.
  bool FlagsAlreadySet(uint32_t i, Gpr reg, OpSize size) const {
    // (BeginBlock invalidates the flags: a block's first instruction never finds them set.)
    return flags_.valid && flags_.inst + 1 == i && flags_.reg == reg && flags_.size == size;
  }

  struct Stub {
    MachLabel label;
    TrapCode code;
    uint32_t srcloc;
  };
  static size_t StubHash(TrapCode code, uint32_t srcloc) {
    const uint64_t key = (static_cast<uint64_t>(code) << 32) | srcloc;
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> 32);
  }

  const VCode& v_;
  const regalloc::Output& ra_;
  const backend::ModuleContext& module_;
  X64MachBuffer& buf_;
  const backend::EmitOptions options_;
  FrameInfo frame_;
  bool frameless_ = false;  // NeedsNoFrame: no push rbp, no stack check, one frame range
  std::vector<MachLabel> block_label_;
  // By jump table: its base label once emitted. Copies of a dispatch block share the table of
  // the first copy emitted (dispatch_copies.h); rip-relative, so it is always in reach.
  std::vector<MachLabel> table_label_;
  uint32_t cur_block_ = 0;  // the block whose instructions are being emitted (BeginBlock)
  const std::vector<uint32_t>* next_block_ = nullptr;  // by block: the block emitted after it
  FlagsFrom flags_;
  uint32_t cur_srcloc_ = backend::kNoSrcLoc;  // of the instruction being emitted
  std::vector<Stub> stubs_;
  // stubs_ by (code, srcloc): an open-addressing table of stub index + 1 (0: empty slot), its
  // size a power of two, at least twice the stubs (so a probe ends at an empty slot). Empty until
  // the function's first stub. (A node-based map allocated and freed a node per stub.)
  std::vector<uint32_t> stub_slot_;
  void GrowStubSlots();
  size_t next_map_ = 0;              // the ra_.stack_maps entry being emitted
  std::vector<uint32_t> map_words_;  // scratch for StackMapHere
  backend::RematDefs remat_defs_;    // the constants that remat edits re-emit

  // The vectors above live in per-thread storage between functions: the constructor takes them
  // (emptied, capacity kept), the destructor gives them back, so a worker emitting many
  // functions allocates them once. Each starts empty, as a fresh one would.
  void SwapStorage(bool take) {
    struct Storage {
      std::vector<MachLabel> block_label, table_label;
      std::vector<uint32_t> map_words;
      std::vector<Stub> stubs;
      std::vector<uint32_t> stub_slot;
    };
    thread_local Storage spare;
    SwapSpare(block_label_, spare.block_label, take);
    SwapSpare(table_label_, spare.table_label, take);
    SwapSpare(map_words_, spare.map_words, take);
    SwapSpare(stubs_, spare.stubs, take);
    SwapSpare(stub_slot_, spare.stub_slot, take);
  }
};

MachLabel Emitter::TrapStub(TrapCode code) {
  if (stub_slot_.size() < 2 * (stubs_.size() + 1)) GrowStubSlots();
  const size_t mask = stub_slot_.size() - 1;
  for (size_t h = StubHash(code, cur_srcloc_) & mask;; h = (h + 1) & mask) {
    const uint32_t slot = stub_slot_[h];
    if (slot == 0) {
      stubs_.push_back({buf_.NewLabel(), code, cur_srcloc_});
      stub_slot_[h] = static_cast<uint32_t>(stubs_.size());
      return stubs_.back().label;
    }
    const Stub& st = stubs_[slot - 1];
    if (st.code == code && st.srcloc == cur_srcloc_) return st.label;
  }
}

// Doubles the stub table (16 slots at first) and inserts every stub again.
void Emitter::GrowStubSlots() {
  const size_t size = std::max<size_t>(16, 2 * stub_slot_.size());
  stub_slot_.assign(size, 0);
  for (uint32_t k = 0; k < stubs_.size(); ++k) {
    size_t h = StubHash(stubs_[k].code, stubs_[k].srcloc) & (size - 1);
    while (stub_slot_[h] != 0) h = (h + 1) & (size - 1);
    stub_slot_[h] = k + 1;
  }
}

void Emitter::EmitTrapStubs() {
  // After the last block's terminator: nothing falls into the stubs.
  for (const Stub& st : stubs_) {
    if (buf_.IslandNeeded(kStubBytes)) buf_.EmitIsland(kStubBytes);
    buf_.BindLabel(st.label);
    if (st.srcloc != backend::kNoSrcLoc) buf_.StartSrcLoc(st.srcloc);
    Ud2(st.code);
    if (st.srcloc != backend::kNoSrcLoc) buf_.EndSrcLoc();
  }
}

void Emitter::EmitEdit(const regalloc::Edit& e) {
  if (e.to.is_reg() && e.to.reg().cls() == regalloc::RegClass::kInt &&
      GprFromEnc(e.to.reg().hw()) == flags_.reg)
    flags_.valid = false;
  if (e.from.is_remat() && e.remat_src.valid()) {
    // A value computed from one register (lowering's MarkRematFromOperand), recomputed from
    // the register holding that operand now: `lea`, also for `add/sub $imm` (lea leaves the
    // flags alone, which may be live here), or the readonly load again.
    const MInst& m = v_.insts[remat_defs_.Of(v_.ra, e.from.remat_vreg())];
    EGRET_CHECK(e.to.is_reg() && e.remat_src.cls() == regalloc::RegClass::kInt);
    const Gpr src = GprFromEnc(e.remat_src.hw());
    if (m.op == MOp::kLoad) {
      EGRET_CHECK(!m.can_trap && m.index_op < 0);
      PutLoad(m, Amode::Base(src, m.disp), e.to.reg().hw());
    } else {
      EGRET_CHECK(m.op == MOp::kLea || m.op == MOp::kAlu);
      const int32_t disp = m.op == MOp::kLea      ? m.disp
                           : m.alu == AluOp::kSub ? static_cast<int32_t>(-m.imm)
                                                  : static_cast<int32_t>(m.imm);
      Put(Inst::Lea(m.size, GprFromEnc(e.to.reg().hw()), Amode::Base(src, disp)));
    }
  } else if (e.from.is_remat()) {
    // Re-run the constant's definition into the edit's register. The flags may be live here
    // (a compare before its jump, with the edit in between), so zero is `movl $0`, never `xor`;
    // xorps leaves the flags alone.
    const MInst& m = v_.insts[remat_defs_.Of(v_.ra, e.from.remat_vreg())];
    EGRET_CHECK(e.to.is_reg());
    if (m.op == MOp::kIconst) {
      const Gpr r = GprFromEnc(e.to.reg().hw());
      Put(Inst::MovRI(m.imm == 0 ? OpSize::k32 : m.size, r, m.imm));
    } else {
      EGRET_CHECK(m.op == MOp::kFconst);
      const Xmm x = XmmFromEnc(e.to.reg().hw());
      if (m.imm == 0) {
        Put(Inst::SseRR(SseOp::kXorps, x, x));
      } else {
        Put(Inst::SseRM(m.fp64 ? SseOp::kMovsd : SseOp::kMovss, x,
                        Rip(Const(static_cast<uint64_t>(m.imm), m.fp64))));
      }
    }
  } else if (e.from.is_reg() && e.to.is_reg()) {
    if (e.from.reg().cls() == regalloc::RegClass::kInt) {
      PutMov64(GprFromEnc(e.to.reg().hw()), GprFromEnc(e.from.reg().hw()));
    } else {
      Put(Inst::SseRR(SseOp::kMovaps, XmmFromEnc(e.to.reg().hw()), XmmFromEnc(e.from.reg().hw())));
    }
  } else if (e.from.is_reg()) {
    if (e.from.reg().cls() == regalloc::RegClass::kInt) {
      PutSpillMove(/*load=*/false, GprFromEnc(e.from.reg().hw()), e.to.slot());
    } else {
      Put(Inst::SseMR(SpillMoveOp(), SpillSlot(e.to.slot()), XmmFromEnc(e.from.reg().hw())));
    }
  } else {
    EGRET_CHECK(e.from.is_stack() && e.to.is_reg());
    if (e.to.reg().cls() == regalloc::RegClass::kInt) {
      PutSpillMove(/*load=*/true, GprFromEnc(e.to.reg().hw()), e.from.slot());
    } else {
      Put(Inst::SseRM(SpillMoveOp(), XmmFromEnc(e.to.reg().hw()), SpillSlot(e.from.slot())));
    }
  }
}

void Emitter::Prologue() {
  // A frameless leaf (NeedsNoFrame) keeps its caller's rbp and its return address at [rsp] for
  // its whole body: one frame range, closed when the buffer finishes. It skips the stack-limit
  // check too: it pushes nothing, so below its caller's checked rsp it uses only the 8 bytes of
  // its return address, which the runtime's red zone (kStackRedZone, docs/x64.md) covers.
  if (frameless_) return buf_.BeginNoFrame(MachFrameKind::kReturnAtSp);
  // A function whose tail calls need more stack-argument slots than it received grows its
  // argument area downwards (backend::ArgAreaSlots): the return address moves down by the
  // difference, the arguments stay where the caller put them. (Between the pop and the push the
  // return address is in r10: no frame range covers it, nothing there traps.)
  const uint32_t grow = 8 * (v_.frame.arg_area_slots - v_.frame.stack_args);
  if (grow != 0) {
    Put(Inst::PopR(kTmp));
    Put(Inst::AluRI(AluOp::kSub, OpSize::k64, Gpr::kRsp, static_cast<int32_t>(grow)));
    Put(Inst::PushR(kTmp));
  }
  // Until the record is set up, rbp is the caller's and the return address is on top of the
  // stack, then one word below it: two frame ranges for the backtrace walk.
  buf_.BeginNoFrame(MachFrameKind::kReturnAtSp);
  Put(Inst::PushR(Gpr::kRbp));
  buf_.EndNoFrame();
  buf_.BeginNoFrame(MachFrameKind::kReturnAtSp8);
  Put(Inst::MovRR(OpSize::k64, Gpr::kRbp, Gpr::kRsp));
  buf_.EndNoFrame();
  for (uint32_t k = 0; k < frame_.num_callee_saved; ++k) Put(Inst::PushR(frame_.callee_saved[k]));
  if (frame_.frame_bytes != 0)
    Put(Inst::AluRI(AluOp::kSub, OpSize::k64, Gpr::kRsp, frame_.frame_bytes));
  // Stack limit, in the store's limits record: the VMContext is still in rdi (the first
  // argument); rax is no argument register, so it is free before the body runs.
  Put(Inst::MovRM(OpSize::k64, Gpr::kRax,
                  Amode::Base(Gpr::kRdi, static_cast<int32_t>(module_.store_limits_offset))));
  Put(Inst::AluRM(AluOp::kCmp, OpSize::k64, Gpr::kRsp,
                  Amode::Base(Gpr::kRax, static_cast<int32_t>(module_.stack_limit_offset))));
  TrapUnless(CondCode::kAe, TrapCode::kStackOverflow);
}

void Emitter::Epilogue() {
  TearDownFrame();
  // Callee pops: the whole argument area this function owns.
  const uint32_t pop = 8 * v_.frame.arg_area_slots;
  if (pop <= 0xffff) {
    Put(Inst::Ret(static_cast<uint16_t>(pop)));
    return EndEpilogueRange();
  }
  EndEpilogueRange();
  Put(Inst::PopR(kTmp));  // beyond ret's 16-bit immediate (thousands of stack arguments)
  Put(Inst::AluRI(AluOp::kAdd, OpSize::k64, Gpr::kRsp, static_cast<int32_t>(pop)));
  Put(Inst::JmpR(kTmp));
}

// Before a tail call's jump: releases `bytes` of the argument area below the callee's stack
// arguments, moving the return address up to just below them (through r10: outside the
// epilogue's frame range).
void Emitter::ReleaseArgArea(uint32_t bytes) {
  if (bytes == 0) return;
  EndEpilogueRange();
  Put(Inst::PopR(kTmp));
  Put(Inst::AluRI(AluOp::kAdd, OpSize::k64, Gpr::kRsp, static_cast<int32_t>(bytes)));
  Put(Inst::PushR(kTmp));
  if (!frameless_) buf_.BeginNoFrame(MachFrameKind::kReturnAtSp);
}

// After a call to a Wasm function, which popped its stack arguments: reserve them again (the
// outgoing area is part of this frame; stack results sit right above the arguments).
void Emitter::ReserveOutgoingArgs(const MInst& m) {
  if (m.imm != 0)
    Put(Inst::AluRI(AluOp::kSub, OpSize::k64, Gpr::kRsp, static_cast<int32_t>(m.imm)));
}

// Leaves rsp where it was at entry (at the return address), callee-saved registers and rbp
// restored: what a return and a tail call's jump both need. From the `pop %rbp` on, the return
// address is at [rsp] and rbp is the caller's: a frame range that the return (or the tail
// call's jump) ends with EndEpilogueRange. A frameless function has nothing to tear down.
void Emitter::TearDownFrame() {
  if (frameless_) return;
  if (frame_.frame_bytes != 0)
    Put(Inst::AluRI(AluOp::kAdd, OpSize::k64, Gpr::kRsp, frame_.frame_bytes));
  for (uint32_t k = frame_.num_callee_saved; k-- > 0;) Put(Inst::PopR(frame_.callee_saved[k]));
  Put(Inst::PopR(Gpr::kRbp));
  buf_.BeginNoFrame(MachFrameKind::kReturnAtSp);
}

void Emitter::EndEpilogueRange() {
  if (!frameless_) buf_.EndNoFrame();
}

CondCode Emitter::Compare(uint32_t i, const MInst& m, const OperandSlots& o) {
  switch (m.cond) {
    case CondKind::kNonZero:
      // Holds when a != 0: ZF alone, which the ALU instruction that just computed `a` set too.
      if (!FlagsAlreadySet(i, G(i, o.a), m.size)) Put(Inst::TestRR(m.size, G(i, o.a), G(i, o.a)));
      return m.cc;
    case CondKind::kIntRR:
      Put(Inst::AluRR(AluOp::kCmp, m.size, G(i, o.a), G(i, o.b)));
      return m.cc;
    case CondKind::kIntRI:
      if (m.imm == 0 && (m.cc == CondCode::kE || m.cc == CondCode::kNe)) {
        if (!FlagsAlreadySet(i, G(i, o.a), m.size)) Put(Inst::TestRR(m.size, G(i, o.a), G(i, o.a)));
      } else {
        Put(Inst::AluRI(AluOp::kCmp, m.size, G(i, o.a), m.imm));
      }
      return m.cc;
    case CondKind::kIntRM:  // a folded load: `cmpl mem, %a`
      if (m.can_trap) buf_.AddTrap(m.trap);
      Put(Inst::AluRM(AluOp::kCmp, m.size, G(i, o.a), MemOperand(i, m)));
      return m.cc;
    case CondKind::kIntMI:  // `cmpl $imm, mem`
      if (m.can_trap) buf_.AddTrap(m.trap);
      Put(Inst::AluMI(AluOp::kCmp, m.size, MemOperand(i, m), m.imm));
      return m.cc;
    case CondKind::kTestRR:
      Put(Inst::TestRR(m.size, G(i, o.a), G(i, o.b)));
      return m.cc;
    case CondKind::kTestRI:
      // Only ZF is read (e/ne): a mask that fits a byte tests the low byte (`testb $1, %dl`,
      // 3 bytes against 6 for `testl`; the bits above are zero in the mask either way).
      Put(Inst::TestRI(m.imm >= 0 && m.imm <= 0xff ? OpSize::k8 : m.size, G(i, o.a), m.imm));
      return m.cc;
    case CondKind::kFloat:
    case CondKind::kMask:
      break;
  }
  EGRET_CHECK(false);
  return CondCode::kE;
}

FrameInfo ComputeFrameImpl(const VCode& v, const regalloc::Output& ra) {
  FrameInfo fi;
  // The integer registers used (by hardware number): the callee-saved ones are all GPRs.
  uint64_t used = 0;
  // Without a branch: an integer register's allocation is the register tag plus its hardware
  // number (below 64, RegClass::kInt being class 0); anything else is at least 64 away.
  constexpr uint32_t kIntReg0 = Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0)).bits();
  static_assert(regalloc::PReg::kMaxPerClass == 64 &&
                static_cast<int>(regalloc::RegClass::kInt) == 0);
  auto add = [&used](Allocation a) {
    const uint32_t rel = a.bits() - kIntReg0;
    used |= uint64_t{rel < 64} << (rel & 63);
  };
  // Only the callee-saved registers matter: once all of them are seen, the rest cannot change
  // the answer (checked every 64 allocations, so the walk itself stays branch-free).
  uint64_t all_callee_saved = 0;
  for (Gpr r : kCalleeSaved) all_callee_saved |= uint64_t{1} << Enc(r);
  const Allocation* allocs = ra.allocs.data();
  for (size_t k = 0, n = ra.allocs.size();
       k < n && (used & all_callee_saved) != all_callee_saved;) {
    for (const size_t stop = std::min(n, k + 64); k < stop; ++k) add(allocs[k]);
  }
  const regalloc::Edit* edits = ra.edits.data();
  for (size_t k = 0, n = ra.edits.size(); k < n && (used & all_callee_saved) != all_callee_saved;) {
    for (const size_t stop = std::min(n, k + 32); k < stop; ++k) {
      add(edits[k].from);
      add(edits[k].to);
    }
  }
  for (Gpr r : kCalleeSaved)
    if (used >> Enc(r) & 1) fi.callee_saved[fi.num_callee_saved++] = r;
  fi.spill_base = v.frame.outgoing_bytes;
  uint32_t spill_bytes = 8 * ra.num_spill_slots;
  if (v.frame.wide_float_slots) {
    // 16-byte float-class slots first (the outgoing area is a multiple of 16 and rsp is 16-byte
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
  uint32_t bytes = v.frame.outgoing_bytes + spill_bytes;
  // After `push rbp` the stack is 16-aligned; the callee-saved pushes and the frame together
  // must keep it so at calls.
  if ((bytes + 8 * fi.num_callee_saved) % 16 != 0) bytes += 8;
  fi.frame_bytes = bytes;
  return fi;
}

// The longest expansion of one MInst (with its edits) is far below this; islands are considered
// between MInsts only.
constexpr uint32_t kMaxInstBytes = 1024;

void Emitter::Run() {
  frame_ = ComputeFrameImpl(v_, ra_);
  frameless_ = backend::NeedsNoFrame(v_, frame_.num_callee_saved == 0 && frame_.frame_bytes == 0);
  table_label_.assign(v_.jump_tables.size(), MachLabel());
  thread_local backend::EmitOrder order;  // storage reused across functions
  order.want_loop_tops = options_.loop_align > 1;
  order.Compute(v_.ra, ra_);
  next_block_ = &order.next;
  // At most one source-location range per instruction (the trap stubs' few may grow it once;
  // so may dispatch copies).
  buf_.ReserveSrcLocs(v_.insts.size());
  // One stack map per safepoint (every call); direct calls are call sites too, which the same
  // count bounds but for tail calls. A frame with a record has two ranges in its prologue and one
  // per return or tail call (a frameless one has one range in all).
  buf_.ReserveCallTables(ra_.stack_maps.size(), ra_.stack_map_slots.size());
  if (!frameless_) buf_.ReserveFrameRanges(4);
  buf_.ReserveTraps(v_.insts.size() / 4);
  thread_local backend::DispatchCopies copies;  // only functions with a jump table get copies
  backend::EmitBlocks(v_.ra, v_.srclocs, ra_, kMaxInstBytes, buf_, block_label_, *this, order.order,
                      order.next,
                      options_.duplicate_dispatch && !v_.jump_tables.empty() ? &copies : nullptr,
                      order.loop_top, options_.loop_align);
  EmitTrapStubs();
}

backend::CopyInfo Emitter::CopyInfoOf(uint32_t i) const {
  using backend::CopyKind;
  // Kinds whose expansion depends only on the instruction and its allocation, with the machine
  // instructions each expands to at most.
  switch (v_.insts[i].op) {
    case MOp::kJmp:
      return {CopyKind::kJump, 1};
    case MOp::kBrTable:  // mov, cmp, jae, lea, lea, movslq, add, jmp
      return {CopyKind::kIndirect, 8};
    case MOp::kCopy:
    case MOp::kIconst:
    case MOp::kAlu:
    case MOp::kImul:
    case MOp::kUnary:
    case MOp::kBswap:
    case MOp::kShift:
    case MOp::kLoad:
    case MOp::kStore:
    case MOp::kAluStore:
    case MOp::kLea:
    case MOp::kExtend:
    case MOp::kBitcast:
      return {CopyKind::kPlain, 1};
    case MOp::kCmpSet:  // xor, cmp, setcc
    case MOp::kSelect:  // cmp, cmov
      return {CopyKind::kPlain, 3};
    default:
      return {};
  }
}

void Emitter::EmitDiv(uint32_t i, const MInst& m) {
  // The dividend is fixed in rax and the remainder lands in rdx; only the divisor is free.
  const Gpr b = G(i, Slots(i).b);
  const OpSize s = m.size;
  const bool is_signed = m.div == DivKind::kSdiv || m.div == DivKind::kSrem;
  const bool rem = m.div == DivKind::kSrem || m.div == DivKind::kUrem;
  Put(Inst::TestRR(s, b, b));
  TrapUnless(CondCode::kNe, TrapCode::kIntegerDivisionByZero);
  if (!is_signed) {
    Put(Inst::AluRR(AluOp::kXor, OpSize::k32, Gpr::kRdx, Gpr::kRdx));
    Put(Inst::UnaryR(UnaryOp::kDiv, s, b));
    return;
  }
  MachLabel normal = buf_.NewLabel(), done = buf_.NewLabel();
  Put(Inst::AluRI(AluOp::kCmp, s, b, -1));
  JccLocal(CondCode::kNe, normal);
  if (rem) {
    // x % -1 == 0 for every x, including INT_MIN (where idiv would fault).
    Put(Inst::AluRR(AluOp::kXor, OpSize::k32, Gpr::kRdx, Gpr::kRdx));
    JmpLocal(done);
  } else {
    if (s == OpSize::k64) {
      // INT64_MIN has no 32-bit immediate; it is the only dividend for which rax - 1 overflows
      // (no temporary register needed).
      Put(Inst::AluRI(AluOp::kCmp, s, Gpr::kRax, 1));
      TrapUnless(CondCode::kNo, TrapCode::kIntegerOverflow);
    } else {
      Put(Inst::AluRI(AluOp::kCmp, s, Gpr::kRax, INT32_MIN));
      TrapUnless(CondCode::kNe, TrapCode::kIntegerOverflow);
    }
  }
  buf_.BindLabel(normal);
  Put(Inst::SignExtendAx(s));
  Put(Inst::UnaryR(UnaryOp::kIdiv, s, b));
  buf_.BindLabel(done);
}

void Emitter::EmitBitCount(uint32_t i, const MInst& m) {
  const OperandSlots o = Slots(i);
  const Gpr a = G(i, o.a), d = G(i, o.dst);
  const OpSize s = m.size;
  const int bits = Bits(s);
  if (m.native) {  // the CPU has the instruction
    Put(Inst::BitRR(m.bitcount == BitCountKind::kClz   ? BitOp::kLzcnt
                    : m.bitcount == BitCountKind::kCtz ? BitOp::kTzcnt
                                                       : BitOp::kPopcnt,
                    s, d, a));
    return;
  }
  // The fallbacks' temporaries are early defs (lowering adds them when !native): apart from the
  // input and the result.
  const Gpr t = G(i, o.tmp);
  if (m.bitcount == BitCountKind::kClz) {
    // bsr gives the index of the highest set bit (undefined for 0): clz = index ^ (bits-1);
    // for 0 pick 2*bits-1, which the xor turns into `bits`.
    Put(Inst::MovRI(OpSize::k32, t, 2 * bits - 1));
    Put(Inst::BitRR(BitOp::kBsr, s, d, a));
    Put(Inst::CmovRR(CondCode::kE, s, d, t));
    Put(Inst::AluRI(AluOp::kXor, s, d, bits - 1));
  } else if (m.bitcount == BitCountKind::kCtz) {
    Put(Inst::MovRI(OpSize::k32, t, bits));
    Put(Inst::BitRR(BitOp::kBsf, s, d, a));
    Put(Inst::CmovRR(CondCode::kE, s, d, t));
  } else {
    // SWAR popcount with t (masks) and t2 (partial sums).
    const Gpr t2 = G(i, o.tmp2);
    auto mask = [&](uint64_t m32) {
      const uint64_t v = s == OpSize::k64 ? (m32 | (m32 << 32)) : m32;
      Put(Inst::MovRI(s, t, static_cast<int64_t>(v)));
    };
    Put(Inst::MovRR(s, t2, a));
    Put(Inst::MovRR(s, d, a));
    Put(Inst::ShiftRI(ShiftOp::kShr, s, d, 1));
    mask(0x55555555u);
    Put(Inst::AluRR(AluOp::kAnd, s, d, t));
    Put(Inst::AluRR(AluOp::kSub, s, t2, d));  // t2 = pairs
    mask(0x33333333u);
    Put(Inst::MovRR(s, d, t2));
    Put(Inst::ShiftRI(ShiftOp::kShr, s, d, 2));
    Put(Inst::AluRR(AluOp::kAnd, s, d, t));
    Put(Inst::AluRR(AluOp::kAnd, s, t2, t));
    Put(Inst::AluRR(AluOp::kAdd, s, d, t2));  // nibbles
    Put(Inst::MovRR(s, t2, d));
    Put(Inst::ShiftRI(ShiftOp::kShr, s, t2, 4));
    Put(Inst::AluRR(AluOp::kAdd, s, d, t2));
    mask(0x0f0f0f0fu);
    Put(Inst::AluRR(AluOp::kAnd, s, d, t));
    mask(0x01010101u);
    Put(Inst::ImulRR(s, d, t));
    Put(Inst::ShiftRI(ShiftOp::kShr, s, d, static_cast<uint8_t>(bits - 8)));
  }
}

void Emitter::EmitFpToInt(uint32_t i, const MInst& m) {
  const OperandSlots o = Slots(i);
  const Xmm a = X(i, o.a);
  const Gpr d = G(i, o.dst);
  const bool f64 = m.fp64;
  const FpSize fs = f64 ? FpSize::kF64 : FpSize::kF32;
  const SseOp ucomis = f64 ? SseOp::kUcomisd : SseOp::kUcomiss;
  const OpSize s = m.size;
  const int bits = Bits(s);
  MachLabel done = buf_.NewLabel();
  if (!m.is_unsigned) {
    Put(Inst::CvttFp2SiR(fs, s, d, a));
    Put(Inst::AluRI(AluOp::kCmp, s, d, 1));  // overflows only for INT_MIN, the failure value
    JccLocal(CondCode::kNo, done);
    if (!m.saturating) {
      Put(Inst::SseRR(ucomis, a, a));
      TrapUnless(CondCode::kNp, TrapCode::kBadConversionToInteger);
      // INT_MIN is the right answer only for inputs in (lo, 0) with lo = -2^(bits-1) - 1,
      // i.e. x >= -2^(bits-1) when that is the first representable value above lo.
      MachLabel ovf = buf_.NewLabel();
      if (f64 && bits == 32) {
        Put(Inst::SseRM(ucomis, a, FConst(-2147483649.0, true)));
        JccLocal(CondCode::kBe, ovf);
      } else {
        Put(Inst::SseRM(ucomis, a, FConst(-std::ldexp(1.0, bits - 1), f64)));
        JccLocal(CondCode::kB, ovf);
      }
      Put(Inst::SseRM(ucomis, a, FConst(0.0, f64)));
      JccLocal(CondCode::kB, done);
      buf_.BindLabel(ovf);
      Ud2(TrapCode::kIntegerOverflow);
    } else {
      MachLabel not_nan = buf_.NewLabel();
      Put(Inst::SseRR(ucomis, a, a));
      JccLocal(CondCode::kNp, not_nan);
      Put(Inst::AluRR(AluOp::kXor, OpSize::k32, d, d));
      JmpLocal(done);
      buf_.BindLabel(not_nan);
      Put(Inst::SseRM(ucomis, a, FConst(0.0, f64)));
      JccLocal(CondCode::kB, done);  // negative: INT_MIN is the saturated value
      Put(Inst::MovRI(s, d, s == OpSize::k64 ? INT64_MAX : INT32_MAX));
    }
    buf_.BindLabel(done);
    return;
  }
  // Unsigned: range-check first, then convert through 64 bits.
  MachLabel ovf = buf_.NewLabel(), zero = buf_.NewLabel(), max = buf_.NewLabel();
  MachLabel not_nan = buf_.NewLabel();
  Put(Inst::SseRR(ucomis, a, a));
  if (m.saturating) {
    JccLocal(CondCode::kP, zero);
    Put(Inst::SseRM(ucomis, a, FConst(0.0, f64)));
    JccLocal(CondCode::kBe, zero);
    Put(Inst::SseRM(ucomis, a, FConst(std::ldexp(1.0, bits), f64)));
    JccLocal(CondCode::kAe, max);
  } else {
    JccLocal(CondCode::kNp, not_nan);
    Ud2(TrapCode::kBadConversionToInteger);
    buf_.BindLabel(not_nan);
    Put(Inst::SseRM(ucomis, a, FConst(-1.0, f64)));
    JccLocal(CondCode::kBe, ovf);
    Put(Inst::SseRM(ucomis, a, FConst(std::ldexp(1.0, bits), f64)));
    JccLocal(CondCode::kAe, ovf);
  }
  if (bits == 32) {
    Put(Inst::CvttFp2SiR(fs, OpSize::k64, d, a));
    Put(Inst::MovRR(OpSize::k32, d, d));
  } else {
    MachLabel big = buf_.NewLabel();
    Put(Inst::SseRM(ucomis, a, FConst(std::ldexp(1.0, 63), f64)));
    JccLocal(CondCode::kAe, big);
    Put(Inst::CvttFp2SiR(fs, OpSize::k64, d, a));
    JmpLocal(done);
    buf_.BindLabel(big);
    // t: an xmm early-def temporary (lowering adds it for unsigned 64-bit results).
    const Xmm t = X(i, Slots(i).tmp);
    Put(Inst::SseRR(f64 ? SseOp::kMovapd : SseOp::kMovaps, t, a));
    Put(Inst::SseRM(f64 ? SseOp::kSubsd : SseOp::kSubss, t, FConst(std::ldexp(1.0, 63), f64)));
    Put(Inst::CvttFp2SiR(fs, OpSize::k64, d, t));
    Put(Inst::AluRM(AluOp::kXor, OpSize::k64, d, Rip(Const(uint64_t{1} << 63, true))));
  }
  JmpLocal(done);
  if (m.saturating) {
    buf_.BindLabel(max);
    Put(Inst::MovRI(s, d, -1));
    JmpLocal(done);
    buf_.BindLabel(zero);
    Put(Inst::AluRR(AluOp::kXor, OpSize::k32, d, d));
  } else {
    buf_.BindLabel(ovf);
    Ud2(TrapCode::kIntegerOverflow);
  }
  // Labels never used still need binding so the buffer can finish.
  if (!m.saturating) {
    buf_.BindLabel(zero);
    buf_.BindLabel(max);
  } else {
    buf_.BindLabel(ovf);
    buf_.BindLabel(not_nan);
  }
  buf_.BindLabel(done);
}

void Emitter::EmitIntToFp(uint32_t i, const MInst& m) {
  const OperandSlots o = Slots(i);
  const Gpr a = G(i, o.a);
  const Xmm d = X(i, o.dst);
  const FpSize fs = m.fp64 ? FpSize::kF64 : FpSize::kF32;
  Put(Inst::SseRR(SseOp::kXorps, d, d));  // breaks the dependency on d's old contents
  if (!m.is_unsigned) {
    Put(Inst::CvtSi2FpR(fs, m.size, d, a));
    return;
  }
  // t: a GPR early-def temporary (lowering adds it for unsigned sources).
  const Gpr t = G(i, o.tmp);
  if (m.size == OpSize::k32) {
    Put(Inst::MovRR(OpSize::k32, t, a));  // zero-extends
    Put(Inst::CvtSi2FpR(fs, OpSize::k64, d, t));
    return;
  }
  MachLabel big = buf_.NewLabel(), done = buf_.NewLabel();
  Put(Inst::TestRR(OpSize::k64, a, a));
  JccLocal(CondCode::kS, big);
  Put(Inst::CvtSi2FpR(fs, OpSize::k64, d, a));
  JmpLocal(done);
  buf_.BindLabel(big);
  // Halve (keeping the low bit for correct rounding), convert, double.
  // t = a >> 1 | (a & 1): shr leaves the shifted-out bit in CF.
  MachLabel even = buf_.NewLabel();
  Put(Inst::MovRR(OpSize::k64, t, a));
  Put(Inst::ShiftRI(ShiftOp::kShr, OpSize::k64, t, 1));
  JccLocal(CondCode::kAe, even);
  Put(Inst::AluRI(AluOp::kOr, OpSize::k64, t, 1));
  buf_.BindLabel(even);
  Put(Inst::CvtSi2FpR(fs, OpSize::k64, d, t));
  Put(Inst::SseRR(m.fp64 ? SseOp::kAddsd : SseOp::kAddss, d, d));
  buf_.BindLabel(done);
}

void Emitter::EmitBrTable(uint32_t i, const MInst& m) {
  const std::vector<uint32_t>& table = v_.jump_tables[m.jump_table];
  const uint32_t n = static_cast<uint32_t>(table.size() - 1);
  // r10 and r11 are the instruction's clobbers (lowering declares them), so nothing live into a
  // successor is there; the index (which may be in either) is read first.
  constexpr Gpr t = kBrTableTmp[0], t2 = kBrTableTmp[1];
  // The index as a 64-bit register: itself when its upper half is known zero (m.wide_value)
  // and the table base (t2) does not overwrite it, else a zero-extending copy into t.
  Gpr index = G(i, Slots(i).value);
  if (!m.wide_value || index == t2) {
    Put(Inst::MovRR(OpSize::k32, t, index));
    index = t;
  }
  Put(Inst::AluRI(AluOp::kCmp, OpSize::k32, index, static_cast<int32_t>(n)));
  JccLocal(CondCode::kAe, block_label_[table[n]]);
  // Copies of a dispatch block (dispatch_copies.h) share one table.
  MachLabel& base = table_label_[m.jump_table];
  const bool first = !base.valid();
  if (first) base = buf_.NewLabel();
  Put(Inst::Lea(OpSize::k64, t2, Rip(base)));
  Put(Inst::Lea(OpSize::k64, t2, Amode::BaseIndex(t2, index, 4, 0)));
  Put(Inst::MovsxRM(OpSize::k32, OpSize::k64, t, Amode::Base(t2, 0)));
  Put(Inst::AluRR(AluOp::kAdd, OpSize::k64, t2, t));
  Put(Inst::JmpR(t2));
  if (!first) return;
  // The table may be longer than kMaxInstBytes: under --debug-branch-range-shrink the jae above
  // (and older branches) could not wait until the island after it, so one goes here, where
  // nothing falls into it. At real ranges it is never needed.
  if (buf_.IslandNeeded(4 * n)) buf_.EmitIsland(4 * n, /*reachable=*/false);
  // Each entry holds target - (its own address): the PcRel32 kind.
  buf_.BindLabel(base);
  const uint32_t table_start = buf_.CurOffset();
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t at = buf_.CurOffset();
    buf_.Put4(0);
    buf_.UseLabelAtOffset(at, block_label_[table[k]], X64LabelUse::kPcRel32);
  }
  buf_.MarkData(table_start, buf_.CurOffset(), MachDataKind::kJumpTable);
}

void Emitter::EmitFloatBranch(uint32_t i, const MInst& m) {
  const OperandSlots o = Slots(i);
  const Xmm a = X(i, o.a), b = X(i, o.b);
  const SseOp ucomis = m.fp64 ? SseOp::kUcomisd : SseOp::kUcomiss;
  const MachLabel t = block_label_[m.target[0]], f = block_label_[m.target[1]];
  auto cond_branch = [&](CondCode cc, MachLabel l) { Jcc(cc, l); };
  const auto fcc = static_cast<ir::FloatCC>(m.fcc);
  switch (fcc) {
    case ir::FloatCC::kEq:
      Put(Inst::SseRR(ucomis, a, b));
      JccLocal(CondCode::kP, f);
      cond_branch(CondCode::kE, t);
      break;
    case ir::FloatCC::kNe:
      Put(Inst::SseRR(ucomis, a, b));
      JccLocal(CondCode::kP, t);
      cond_branch(CondCode::kNe, t);
      break;
    case ir::FloatCC::kGt:
    case ir::FloatCC::kGe:
      Put(Inst::SseRR(ucomis, a, b));
      cond_branch(fcc == ir::FloatCC::kGt ? CondCode::kA : CondCode::kAe, t);
      break;
    case ir::FloatCC::kLt:
    case ir::FloatCC::kLe:
      Put(Inst::SseRR(ucomis, b, a));
      cond_branch(fcc == ir::FloatCC::kLt ? CondCode::kA : CondCode::kAe, t);
      break;
    case ir::FloatCC::kOrd:
    case ir::FloatCC::kUno:
      Put(Inst::SseRR(ucomis, a, b));
      cond_branch(fcc == ir::FloatCC::kOrd ? CondCode::kNp : CondCode::kP, t);
      break;
  }
  Jmp(f);
}

void Emitter::EmitInst(uint32_t i) {
  const MInst& m = v_.insts[i];
  cur_srcloc_ = v_.srclocs[i];
  if (m.op == MOp::kJmp) {  // the commonest kind, and it has no operand slots
    EmitJmp(m);
  } else {
    const OperandSlots o = Slots(i);
    switch (m.op) {
      case MOp::kLoadArg:
      case MOp::kLoadOutRet:
        EmitLoadArg(i, m, o);
        break;
      case MOp::kStoreOutArg:
      case MOp::kStoreRet:
        EmitStoreOutArg(i, m, o);
        break;
      case MOp::kCopy:
        EmitCopy(i, m, o);
        break;
      case MOp::kIconst:
        EmitIconst(i, m, o);
        break;
      case MOp::kAlu:
        EmitAlu(i, m, o);
        break;
      case MOp::kLoad:
        EmitLoad(i, m, o);
        break;
      case MOp::kStore:
        EmitStore(i, m, o);
        break;
      case MOp::kLea:
        EmitLea(i, m, o);
        break;
      case MOp::kBrif:
        EmitBrif(i, m, o);
        break;
      default:
        EmitInstBody(i, m, o);
        break;
    }
  }
  // Flags left by instruction i (kAlu, kLea as an add) are valid for the next one only.
  if (flags_.inst != i) flags_.valid = false;
}

void Emitter::EmitInstBody(uint32_t i, const MInst& m, const OperandSlots& o) {
  switch (m.op) {
    case MOp::kArgs:
      return;
    case MOp::kLoadArg:
    case MOp::kLoadOutRet:
      EmitLoadArg(i, m, o);
      return;
    case MOp::kStoreOutArg:
    case MOp::kStoreRet:
      EmitStoreOutArg(i, m, o);
      return;
    case MOp::kCopy:
      EmitCopy(i, m, o);
      return;
    case MOp::kIconst:
      EmitIconst(i, m, o);
      return;
    case MOp::kFconst:
      if (m.imm == 0) {
        Put(Inst::SseRR(SseOp::kXorps, X(i, o.dst), X(i, o.dst)));
      } else {
        Put(Inst::SseRM(m.fp64 ? SseOp::kMovsd : SseOp::kMovss, X(i, o.dst),
                        Rip(Const(static_cast<uint64_t>(m.imm), m.fp64))));
      }
      return;
    case MOp::kAlu:
      EmitAlu(i, m, o);
      return;
    case MOp::kImul:
      if (m.base_op >= 0) {
        if (m.can_trap) buf_.AddTrap(m.trap);
        Put(Inst::ImulRM(m.size, G(i, o.dst), MemOperand(i, m)));
      } else if (m.imm_operand) {
        Put(Inst::ImulRRI(m.size, G(i, o.dst), G(i, o.a), m.imm));
      } else {
        Put(Inst::ImulRR(m.size, G(i, o.dst), G(i, NotReused(i, o))));
      }
      return;
    case MOp::kUnary:
      Put(Inst::UnaryR(m.unary, m.size, G(i, o.dst)));
      return;
    case MOp::kBswap:
      Put(Inst::Bswap(m.size, G(i, o.dst)));
      return;
    case MOp::kShift:
      if (m.vex) {  // BMI2
        if (m.imm_operand) {
          Put(Inst::RorxRRI(m.size, G(i, o.dst), G(i, o.a), static_cast<uint8_t>(m.imm)));
        } else {
          Put(Inst::ShiftxRRR(m.shift, m.size, G(i, o.dst), G(i, o.a), G(i, o.b)));
        }
        return;
      }
      if (m.imm_operand) {
        if (m.imm != 0) {
          Put(Inst::ShiftRI(m.shift, m.size, G(i, o.dst), static_cast<uint8_t>(m.imm)));
        } else if (m.size == OpSize::k32) {
          // Still a 32-bit result: the upper half is zeroed (lowering's ZeroExtendedI32).
          Put(Inst::MovRR(OpSize::k32, G(i, o.dst), G(i, o.dst)));
        }
      } else {
        Put(Inst::ShiftRCl(m.shift, m.size, G(i, o.dst)));
      }
      return;
    case MOp::kBitCount:
      EmitBitCount(i, m);
      return;
    case MOp::kDiv:
      EmitDiv(i, m);
      return;
    case MOp::kMulHi:
      Put(Inst::UnaryR(m.is_unsigned ? UnaryOp::kMul : UnaryOp::kImul, m.size, G(i, o.b)));
      return;
    case MOp::kCmpSet: {
      const Gpr d = G(i, o.dst);
      Put(Inst::AluRR(AluOp::kXor, OpSize::k32, d, d));
      flags_.valid = false;  // the xor replaced them
      const CondCode cc = Compare(i, m, o);
      Put(Inst::Setcc(cc, d));
      return;
    }
    case MOp::kFcmpSet: {
      const Gpr d = G(i, o.dst), tmp = G(i, o.tmp);
      Xmm a = X(i, o.a), b = X(i, o.b);
      const SseOp ucomis = m.fp64 ? SseOp::kUcomisd : SseOp::kUcomiss;
      Put(Inst::AluRR(AluOp::kXor, OpSize::k32, d, d));
      Put(Inst::AluRR(AluOp::kXor, OpSize::k32, tmp, tmp));
      const auto fcc = static_cast<ir::FloatCC>(m.fcc);
      if (fcc == ir::FloatCC::kLt || fcc == ir::FloatCC::kLe) std::swap(a, b);
      Put(Inst::SseRR(ucomis, a, b));
      switch (fcc) {
        case ir::FloatCC::kEq:
          Put(Inst::Setcc(CondCode::kE, d));
          Put(Inst::Setcc(CondCode::kNp, tmp));
          Put(Inst::AluRR(AluOp::kAnd, OpSize::k32, d, tmp));
          break;
        case ir::FloatCC::kNe:
          Put(Inst::Setcc(CondCode::kNe, d));
          Put(Inst::Setcc(CondCode::kP, tmp));
          Put(Inst::AluRR(AluOp::kOr, OpSize::k32, d, tmp));
          break;
        case ir::FloatCC::kGt:
        case ir::FloatCC::kLt:
          Put(Inst::Setcc(CondCode::kA, d));
          break;
        case ir::FloatCC::kGe:
        case ir::FloatCC::kLe:
          Put(Inst::Setcc(CondCode::kAe, d));
          break;
        case ir::FloatCC::kOrd:
          Put(Inst::Setcc(CondCode::kNp, d));
          break;
        case ir::FloatCC::kUno:
          Put(Inst::Setcc(CondCode::kP, d));
          break;
      }
      return;
    }
    case MOp::kSelect: {
      if (m.cond == CondKind::kMask) {
        // d (holding x) = y ^ ((x ^ y) & mask): x where the mask is all ones, else y, bit for
        // bit (NaN payloads included), no branch and no temporary.
        const Xmm y = X(i, o.y), d = X(i, o.dst), mask = X(i, o.a);
        if (d == y) return;  // y is x itself
        const SseOp x_or = m.fp64 ? SseOp::kXorpd : SseOp::kXorps;
        Put(Inst::SseRR(x_or, d, y));
        Put(Inst::SseRR(m.fp64 ? SseOp::kAndpd : SseOp::kAndps, d, mask));
        Put(Inst::SseRR(x_or, d, y));
        return;
      }
      CondCode cc;
      if (m.cond == CondKind::kFloat) {
        // A loop-carried float min/max (lower.cc, LoopCarriedSelect): lt/le/gt/ge/ord/uno, one
        // ucomis and a condition on CF/ZF or PF alone (eq/ne are always masks).
        const Xmm a = X(i, o.a), b = X(i, o.b);
        const SseOp ucomis = m.fp64 ? SseOp::kUcomisd : SseOp::kUcomiss;
        const auto fcc = static_cast<ir::FloatCC>(m.fcc);
        EGRET_CHECK(fcc != ir::FloatCC::kEq && fcc != ir::FloatCC::kNe);
        const bool swap = fcc == ir::FloatCC::kLt || fcc == ir::FloatCC::kLe;
        Put(Inst::SseRR(ucomis, swap ? b : a, swap ? a : b));
        cc = fcc == ir::FloatCC::kOrd                             ? CondCode::kNp
             : fcc == ir::FloatCC::kUno                           ? CondCode::kP
             : fcc == ir::FloatCC::kGt || fcc == ir::FloatCC::kLt ? CondCode::kA
                                                                  : CondCode::kAe;
      } else {
        cc = Compare(i, m, o);
      }
      if (m.fp) {
        // d already holds x; replace it with y when the condition is false.
        const Xmm y = X(i, o.y), d = X(i, o.dst);
        if (d == y) return;  // y is x itself
        EncodedInst e;
        Encode(Inst::SseRR(SseOp::kMovaps, d, y), &e);
        const uint8_t j[2] = {static_cast<uint8_t>(0x70 | static_cast<uint8_t>(cc)), e.len};
        buf_.PutBytes(j);
        buf_.PutBytes(e.view());
        return;
      }
      const OpSize vs = m.wide_value ? OpSize::k64 : OpSize::k32;
      Put(Inst::CmovRR(Invert(cc), vs, G(i, o.dst), G(i, o.y)));
      return;
    }
    case MOp::kLoad:
      EmitLoad(i, m, o);
      return;
    case MOp::kStore:
      EmitStore(i, m, o);
      return;
    case MOp::kAluStore: {
      // A read-modify-write store: `addl $1, (mem)`, `orq %rax, (mem)`.
      const Amode dst = MemOperand(i, m);
      if (m.can_trap) buf_.AddTrap(m.trap);
      if (m.imm_operand) {
        Put(Inst::AluMI(m.alu, m.size, dst, m.imm));
      } else {
        Put(Inst::AluMR(m.alu, m.size, dst, G(i, o.value)));
      }
      return;
    }
    case MOp::kAtomicRmw: {
      const Amode mem = MemOperand(i, m);
      const Gpr d = G(i, o.dst);
      const auto rmw = static_cast<ir::AtomicRmwOp>(m.rmw);
      if (rmw == ir::AtomicRmwOp::kSub) Put(Inst::UnaryR(UnaryOp::kNeg, OpSize::k64, d));
      Put(Inst::AtomicMR(rmw == ir::AtomicRmwOp::kXchg ? AtomicOp::kXchg : AtomicOp::kLockXadd,
                         m.size, mem, d));
      if (m.size == OpSize::k8 || m.size == OpSize::k16)
        Put(Inst::MovzxRR(m.size, OpSize::k32, d, d));
      flags_.valid = false;
      return;
    }
    case MOp::kAtomicLoop: {
      // rax = [mem]; loop: tmp = rax op b; lock cmpxchg [mem], tmp (on failure rax = [mem]).
      const Amode mem = MemOperand(i, m);
      const Gpr d = G(i, o.dst), tmp = G(i, o.tmp), b = G(i, o.b);
      if (m.size == OpSize::k8 || m.size == OpSize::k16) {
        Put(Inst::MovzxRM(m.size, OpSize::k32, d, mem));
      } else {
        Put(Inst::MovRM(m.size, d, mem));
      }
      const MachLabel loop = buf_.NewLabel();
      buf_.BindLabel(loop);
      const auto rmw = static_cast<ir::AtomicRmwOp>(m.rmw);
      const AluOp alu = rmw == ir::AtomicRmwOp::kAnd  ? AluOp::kAnd
                        : rmw == ir::AtomicRmwOp::kOr ? AluOp::kOr
                                                      : AluOp::kXor;
      const OpSize alu_size = m.size == OpSize::k64 ? OpSize::k64 : OpSize::k32;
      Put(Inst::MovRR(alu_size, tmp, d));
      Put(Inst::AluRR(alu, alu_size, tmp, b));
      Put(Inst::AtomicMR(AtomicOp::kLockCmpxchg, m.size, mem, tmp));
      Jcc(CondCode::kNe, loop);
      flags_.valid = false;
      return;
    }
    case MOp::kAtomicCas: {
      const Amode mem = MemOperand(i, m);
      const Gpr d = G(i, o.dst);
      Put(Inst::AtomicMR(AtomicOp::kLockCmpxchg, m.size, mem, G(i, o.b)));
      // rax holds the old value at `size` (on success: the expected value, whose upper bits
      // are not part of the comparison): zero-extend it.
      if (m.size == OpSize::k8 || m.size == OpSize::k16) {
        Put(Inst::MovzxRR(m.size, OpSize::k32, d, d));
      } else if (m.size == OpSize::k32) {
        Put(Inst::MovzxRR(OpSize::k32, OpSize::k64, d, d));
      }
      flags_.valid = false;
      return;
    }
    case MOp::kFence:
      Put(Inst::Mfence());
      return;
    case MOp::kLea:
      EmitLea(i, m, o);
      return;
    case MOp::kExtend: {
      const Gpr a = G(i, o.a), d = G(i, o.dst);
      if (m.is_unsigned) {
        if (m.extend_from == 8 || m.extend_from == 16) {
          Put(Inst::MovzxRR(m.extend_from == 8 ? OpSize::k8 : OpSize::k16, OpSize::k32, d, a));
        } else if (m.extend_from == 32 || m.size == OpSize::k32) {
          Put(Inst::MovRR(OpSize::k32, d, a));
        } else if (a != d) {
          Put(Inst::MovRR(OpSize::k64, d, a));
        }
      } else {
        const OpSize from = m.extend_from == 8    ? OpSize::k8
                            : m.extend_from == 16 ? OpSize::k16
                                                  : OpSize::k32;
        if (from == OpSize::k32 && m.size == OpSize::k32) {
          Put(Inst::MovRR(OpSize::k32, d, a));
        } else {
          Put(Inst::MovsxRR(from, m.size, d, a));
        }
      }
      return;
    }
    case MOp::kSseBin:
      if (m.vex) {  // d = a op b|mem|constant
        const Xmm d = X(i, o.dst), a = X(i, o.a);
        if (m.base_op >= 0) {
          if (m.can_trap) buf_.AddTrap(m.trap);
          Put(Inst::VexRRM(m.sse, d, a, MemOperand(i, m)));
        } else if (m.imm_operand) {
          Put(Inst::VexRRM(m.sse, d, a, Rip(Const(static_cast<uint64_t>(m.imm), m.fp64))));
        } else {
          Put(Inst::VexRRR(m.sse, d, a, X(i, o.b)));
        }
      } else if (m.base_op >= 0) {  // a folded load
        if (m.can_trap) buf_.AddTrap(m.trap);
        Put(Inst::SseRM(m.sse, X(i, o.dst), MemOperand(i, m)));
      } else if (m.imm_operand) {  // a constant from the pool
        Put(Inst::SseRM(m.sse, X(i, o.dst), Rip(Const(static_cast<uint64_t>(m.imm), m.fp64))));
      } else if (GetSseOpInfo(m.sse).has_imm8) {  // cmpss/cmpsd: the predicate in `imm`
        Put(Inst::SseRRImm(m.sse, X(i, o.dst), X(i, o.b), static_cast<uint8_t>(m.imm)));
      } else {
        Put(Inst::SseRR(m.sse, X(i, o.dst), X(i, o.b)));
      }
      return;
    case MOp::kSseUnary: {
      const auto op = m.sse;
      if (op == SseOp::kRoundss || op == SseOp::kRoundsd) {
        Put(Inst::SseRRImm(op, X(i, o.dst), X(i, o.a), static_cast<uint8_t>(m.imm)));
      } else {
        Put(Inst::SseRR(op, X(i, o.dst), X(i, o.a)));
      }
      return;
    }
    case MOp::kFsign: {
      const bool f64 = m.fp64;
      const uint64_t sign = f64 ? 0x8000000000000000ull : 0x80000000ull;
      const uint64_t sign2 = f64 ? sign : (sign | (sign << 32));
      const Xmm d = X(i, o.dst);
      if (m.fsign == FsignKind::kNeg) {
        Put(Inst::SseRM(SseOp::kXorps, d, Rip(Const128(sign2, sign2))));
      } else if (m.fsign == FsignKind::kAbs) {
        Put(Inst::SseRM(SseOp::kAndps, d, Rip(Const128(~sign2, ~sign2))));
      } else {
        // The sign source is read before the destination is masked: the allocator may give
        // both operands one register (`fcopysign x, x`).
        // t: an early-def temporary, apart from both operands.
        const Xmm t = X(i, o.tmp);
        Put(Inst::SseRR(SseOp::kMovaps, t, X(i, o.b)));
        Put(Inst::SseRM(SseOp::kAndps, t, Rip(Const128(sign2, sign2))));
        Put(Inst::SseRM(SseOp::kAndps, d, Rip(Const128(~sign2, ~sign2))));
        Put(Inst::SseRR(SseOp::kOrps, d, t));
      }
      return;
    }
    case MOp::kFminmax: {
      const bool f64 = m.fp64;
      const Xmm d = X(i, o.dst), b = X(i, o.b);
      const SseOp ucomis = f64 ? SseOp::kUcomisd : SseOp::kUcomiss;
      MachLabel nan = buf_.NewLabel(), normal = buf_.NewLabel(), done = buf_.NewLabel();
      Put(Inst::SseRR(ucomis, d, b));
      JccLocal(CondCode::kP, nan);
      JccLocal(CondCode::kNe, normal);
      // Equal: only the sign of zero can differ; or/and the bits picks -0 for min, +0 for max.
      Put(Inst::SseRR(m.minmax == MinMax::kMin ? SseOp::kOrps : SseOp::kAndps, d, b));
      JmpLocal(done);
      buf_.BindLabel(normal);
      Put(Inst::SseRR(m.minmax == MinMax::kMin ? (f64 ? SseOp::kMinsd : SseOp::kMinss)
                                               : (f64 ? SseOp::kMaxsd : SseOp::kMaxss),
                      d, b));
      JmpLocal(done);
      buf_.BindLabel(nan);
      Put(Inst::SseRR(f64 ? SseOp::kAddsd : SseOp::kAddss, d, b));  // a quiet NaN
      buf_.BindLabel(done);
      return;
    }
    case MOp::kIntToFp:
      EmitIntToFp(i, m);
      return;
    case MOp::kFpToInt:
      EmitFpToInt(i, m);
      return;
    case MOp::kBitcast:
      if (m.fp) {
        Put(Inst::GprToXmm(m.size, X(i, o.dst), G(i, o.a)));
      } else {
        Put(Inst::XmmToGpr(m.size, G(i, o.dst), X(i, o.a)));
      }
      return;
    case MOp::kCall: {
      const uint8_t call[5] = {0xe8, 0, 0, 0, 0};
      buf_.PutBytes(call);
      buf_.AddCall(buf_.CurOffset() - 4, m.callee,
                   static_cast<X64LabelUse>(X64LabelUse::kJmpRel32));
      StackMapHere(i);
      ReserveOutgoingArgs(m);
      return;
    }
    case MOp::kCallBuiltin:
      // r11: the call clobbers it and the operands are argument registers, so it holds nothing.
      Put(Inst::MovRM(OpSize::k64, kCallTmp,
                      Amode::Base(Gpr::kRdi, static_cast<int32_t>(module_.builtins_offset))));
      Put(Inst::CallM(Amode::Base(kCallTmp, static_cast<int32_t>(8 * m.builtin))));
      StackMapHere(i);
      return;
    case MOp::kCallInd:
      Put(Inst::CallR(G(i, o.value)));
      StackMapHere(i);
      ReserveOutgoingArgs(m);
      return;
    case MOp::kRet:
      Epilogue();
      return;
    case MOp::kReturnCall: {
      TearDownFrame();
      ReleaseArgArea(static_cast<uint32_t>(m.imm));
      const uint8_t jmp[5] = {0xe9, 0, 0, 0, 0};
      buf_.PutBytes(jmp);
      buf_.AddCall(buf_.CurOffset() - 4, m.callee,
                   static_cast<X64LabelUse>(X64LabelUse::kJmpRel32));
      return EndEpilogueRange();
    }
    case MOp::kReturnCallInd:
      TearDownFrame();
      ReleaseArgArea(static_cast<uint32_t>(m.imm));
      Put(Inst::JmpR(G(i, o.value)));
      return EndEpilogueRange();
    case MOp::kJmp:
      EmitJmp(m);
      return;
    case MOp::kBrif:
      EmitBrif(i, m, o);
      return;
    case MOp::kBrTable:
      EmitBrTable(i, m);
      return;
    case MOp::kTrap:
      Ud2(m.trap);
      return;
    case MOp::kTrapIf: {
      const CondCode cc = Compare(i, m, o);
      JccLocal(cc, TrapStub(m.trap));
      return;
    }
    case MOp::kVecConst: {
      const Xmm d = X(i, o.dst);
      if (m.imm == 0 && m.imm_hi == 0) {
        Put(Inst::SseRR(SseOp::kPxor, d, d));
      } else if (m.imm == -1 && m.imm_hi == -1) {
        Put(Inst::SseRR(SseOp::kPcmpeqd, d, d));
      } else {
        Put(Inst::SseRM(SseOp::kMovdqa, d,
                        VConst(static_cast<uint64_t>(m.imm), static_cast<uint64_t>(m.imm_hi))));
      }
      return;
    }
    case MOp::kVecBin:
      if (m.vex) {
        Put(Inst::VexRRR(m.sse, X(i, o.dst), X(i, o.a), X(i, o.b)));
      } else {
        Put(Inst::SseRR(m.sse, X(i, o.dst), X(i, o.b)));
      }
      return;
    case MOp::kVecUnary:
      if (GetSseOpInfo(m.sse).has_imm8) {
        Put(Inst::SseRRImm(m.sse, X(i, o.dst), X(i, o.a), static_cast<uint8_t>(m.imm)));
      } else {
        Put(Inst::SseRR(m.sse, X(i, o.dst), X(i, o.a)));
      }
      return;
    case MOp::kVec:
      EmitVec(i, m, o);
      return;
  }
}

void Emitter::EmitLoadArg(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Amode src = Amode::Base(m.op == MOp::kLoadArg ? Gpr::kRbp : Gpr::kRsp, m.disp);
  if (m.fp) {
    Put(Inst::SseRM(FloatMoveOp(m), X(i, o.dst), src));
  } else {
    PutLoad64(G(i, o.dst), src);
  }
}

void Emitter::EmitStoreOutArg(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Amode dst = Amode::Base(m.op == MOp::kStoreRet ? Gpr::kRbp : Gpr::kRsp, m.disp);
  if (m.fp) {
    Put(Inst::SseMR(FloatMoveOp(m), dst, X(i, o.value)));
  } else {
    PutStore64(dst, G(i, o.value));
  }
}

void Emitter::EmitCopy(uint32_t i, const MInst& m, const OperandSlots& o) {
  if (m.fp) {
    if (X(i, o.a) != X(i, o.dst)) Put(Inst::SseRR(SseOp::kMovaps, X(i, o.dst), X(i, o.a)));
  } else if (G(i, o.a) != G(i, o.dst)) {
    PutMov64(G(i, o.dst), G(i, o.a));
  }
}

void Emitter::EmitIconst(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Gpr d = G(i, o.dst);
  if (m.imm == 0) {
    PutWith(
        [&](uint8_t* b) {
          return encoder_internal::EncodeAluRR(AluOp::kXor, OpSize::k32, d, d, b);
        },
        [&] { return Inst::AluRR(AluOp::kXor, OpSize::k32, d, d); });
  } else {
    PutWith([&](uint8_t* b) { return encoder_internal::EncodeMovRI(m.size, d, m.imm, b); },
            [&] { return Inst::MovRI(m.size, d, m.imm); });
  }
}

void Emitter::EmitAlu(uint32_t i, const MInst& m, const OperandSlots& o) {
  if (m.vex) {  // BMI1 andn: d = ~b & a
    Put(Inst::AndnRRR(m.size, G(i, o.dst), G(i, o.b), G(i, o.a)));
  } else if (m.base_op >= 0) {  // a folded load
    if (m.can_trap) buf_.AddTrap(m.trap);
    Put(Inst::AluRM(m.alu, m.size, G(i, o.dst), MemOperand(i, m)));
  } else if (m.imm_operand) {
    const Gpr d = G(i, o.dst);
    PutWith([&](uint8_t* b) { return encoder_internal::EncodeAluRI(m.alu, m.size, d, m.imm, b); },
            [&] { return Inst::AluRI(m.alu, m.size, d, m.imm); });
  } else {
    const Gpr d = G(i, o.dst), src = G(i, NotReused(i, o));
    PutWith([&](uint8_t* b) { return encoder_internal::EncodeAluRR(m.alu, m.size, d, src, b); },
            [&] { return Inst::AluRR(m.alu, m.size, d, src); });
  }
  // add sub and or xor set ZF and SF from the result (of the register form, or of a folded
  // load's operation: the destination is the result either way); so does BMI1 andn (the vex
  // kAlu). Only ZF is read through FlagsAlreadySet (e/ne of the result).
  flags_ = {true, G(i, o.dst), m.size, i};
}

void Emitter::EmitLoad(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Amode src = MemOperand(i, m);
  if (m.can_trap) buf_.AddTrap(m.trap);
  PutLoad(m, src, AllocOf(i, o.dst).reg().hw());
}

void Emitter::EmitStore(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Amode dst = MemOperand(i, m);
  if (m.can_trap) buf_.AddTrap(m.trap);
  if (m.fp) {
    Put(Inst::SseMR(FloatMoveOp(m), dst, X(i, o.value)));
  } else if (m.imm_operand) {
    Put(Inst::MovMI(m.size, dst, m.imm));
  } else {
    const Gpr v = G(i, o.value);
    PutWith([&](uint8_t* b) { return encoder_internal::EncodeMovMR(m.size, dst, v, b); },
            [&] { return Inst::MovMR(m.size, dst, v); });
  }
}

void Emitter::EmitLea(uint32_t i, const MInst& m, const OperandSlots& o) {
  const Gpr d = G(i, o.dst);
  if (m.index_op < 0 && m.disp != 0 && G(i, m.base_op) == d) {
    // The allocator gave the result the base's register: `add $disp, %r` is the same
    // operation (at 32 bits truncated and zero-extended alike, same length) and sets ZF/SF
    // from the result, so a following test of it is dropped (`addl $8, %ecx; jne`). No
    // MInst keeps flags live across another, so clobbering them here is safe.
    PutWith(
        [&](uint8_t* b) {
          return encoder_internal::EncodeAluRI(AluOp::kAdd, m.size, d, m.disp, b);
        },
        [&] { return Inst::AluRI(AluOp::kAdd, m.size, d, m.disp); });
    flags_ = {true, d, m.size, i};
    return;
  }
  const Amode addr = MemOperand(i, m);
  PutWith([&](uint8_t* b) { return encoder_internal::EncodeLea(m.size, d, addr, b); },
          [&] { return Inst::Lea(m.size, d, addr); });
}

void Emitter::EmitBrif(uint32_t i, const MInst& m, const OperandSlots& o) {
  if (m.cond == CondKind::kFloat) {
    EmitFloatBranch(i, m);
    return;
  }
  const CondCode cc = Compare(i, m, o);
  Branch2(i, cc, m.target[0], m.target[1]);
}

// ---- SIMD (MOp::kVec and friends).

// Per lane width (size k8..k64): the op of a family, or kNone when SSE4.1 has none.
struct LaneOps {
  SseOp add, sub, cmpeq, cmpgt, mins, maxs, minu, maxu;
};
constexpr SseOp kNoOp = SseOp::kMovss;  // never emitted: marks a missing op
constexpr LaneOps kLaneOps[4] = {
    {SseOp::kPaddb, SseOp::kPsubb, SseOp::kPcmpeqb, SseOp::kPcmpgtb, SseOp::kPminsb, SseOp::kPmaxsb,
     SseOp::kPminub, SseOp::kPmaxub},
    {SseOp::kPaddw, SseOp::kPsubw, SseOp::kPcmpeqw, SseOp::kPcmpgtw, SseOp::kPminsw, SseOp::kPmaxsw,
     SseOp::kPminuw, SseOp::kPmaxuw},
    {SseOp::kPaddd, SseOp::kPsubd, SseOp::kPcmpeqd, SseOp::kPcmpgtd, SseOp::kPminsd, SseOp::kPmaxsd,
     SseOp::kPminud, SseOp::kPmaxud},
    {SseOp::kPaddq, SseOp::kPsubq, SseOp::kPcmpeqq, kNoOp, kNoOp, kNoOp, kNoOp, kNoOp},
};
const LaneOps& Lanes(OpSize s) { return kLaneOps[static_cast<int>(s)]; }

void Emitter::EmitVec(uint32_t i, const MInst& m, const OperandSlots& o) {
  auto op = [&](SseOp sop, Xmm d, Xmm s) { Put(Inst::SseRR(sop, d, s)); };
  auto opm = [&](SseOp sop, Xmm d, const Amode& s) { Put(Inst::SseRM(sop, d, s)); };
  auto opi = [&](SseOp sop, Xmm d, Xmm s, int imm) {
    Put(Inst::SseRRImm(sop, d, s, static_cast<uint8_t>(imm)));
  };
  auto mov = [&](Xmm d, Xmm s) {
    if (d != s) Put(Inst::SseRR(SseOp::kMovaps, d, s));
  };
  auto shift = [&](XmmShiftOp sop, Xmm d, int count) {
    Put(Inst::XmmShiftRI(sop, d, static_cast<uint8_t>(count)));
  };
  auto ones = [&](Xmm d) { op(SseOp::kPcmpeqd, d, d); };
  auto zero = [&](Xmm d) { op(SseOp::kPxor, d, d); };
  const OpSize lane = m.size;
  const bool f64 = m.fp64;
  switch (m.vop) {
    case VecOp::kSplat: {
      const Xmm d = X(i, o.dst);
      if (m.fp) {  // the scalar is in an xmm register
        opi(SseOp::kPshufd, d, X(i, o.a), f64 ? 0x44 : 0x00);
        return;
      }
      const Gpr a = G(i, o.a);
      Put(Inst::GprToXmm(lane == OpSize::k64 ? OpSize::k64 : OpSize::k32, d, a));
      switch (lane) {
        case OpSize::k8: {
          const Xmm t = X(i, o.tmp);
          zero(t);
          op(SseOp::kPshufb, d, t);
          return;
        }
        case OpSize::k16:
          opi(SseOp::kPshuflw, d, d, 0);
          opi(SseOp::kPshufd, d, d, 0);
          return;
        case OpSize::k32:
          opi(SseOp::kPshufd, d, d, 0);
          return;
        case OpSize::k64:
          opi(SseOp::kPshufd, d, d, 0x44);
          return;
      }
      return;
    }
    case VecOp::kExtractLaneS:
    case VecOp::kExtractLaneU: {
      const Xmm a = X(i, o.a);
      const auto k = static_cast<uint8_t>(m.imm);
      if (m.fp) {  // a float lane into lane 0 of d (the upper lanes are don't-care)
        const Xmm d = X(i, o.dst);
        if (k == 0) {
          mov(d, a);
        } else {
          opi(SseOp::kPshufd, d, a, f64 ? 0xEE : k);
        }
        return;
      }
      const Gpr d = G(i, o.dst);
      if (k == 0 && (lane == OpSize::k32 || lane == OpSize::k64)) {
        Put(Inst::XmmToGpr(lane, d, a));
      } else {
        Put(Inst::PextrRRI(lane, d, a, k));
      }
      if (m.vop == VecOp::kExtractLaneS && (lane == OpSize::k8 || lane == OpSize::k16))
        Put(Inst::MovsxRR(lane, OpSize::k32, d, d));
      return;
    }
    case VecOp::kInsertLane: {
      const Xmm d = X(i, o.dst);
      mov(d, X(i, o.a));
      const auto k = static_cast<uint8_t>(m.imm);
      if (m.fp) {
        const Xmm b = X(i, o.b);
        if (!f64) {
          opi(SseOp::kInsertps, d, b, k << 4);
        } else if (k == 0) {
          op(SseOp::kMovsd, d, b);  // merges the low 64 bits
        } else {
          op(SseOp::kPunpcklqdq, d, b);  // d.hi = b.lo
        }
        return;
      }
      Put(Inst::PinsrRRI(lane, d, G(i, o.b), k));
      return;
    }
    case VecOp::kScalarToVector: {
      const Xmm d = X(i, o.dst);
      if (m.fp) {
        zero(d);
        op(f64 ? SseOp::kMovsd : SseOp::kMovss, d, X(i, o.a));
        return;
      }
      if (lane == OpSize::k8 || lane == OpSize::k16) {
        // Only lane 0's bits: movd takes 32, so clear the rest of the GPR's low word first.
        zero(d);
        Put(Inst::PinsrRRI(lane, d, G(i, o.a), 0));
        return;
      }
      Put(Inst::GprToXmm(lane, d, G(i, o.a)));  // movd/movq zero the upper lanes
      return;
    }
    case VecOp::kShuffle: {
      // Byte indices 0-15 select from a, 16-31 from b. Recognized in order: a permutation of one
      // source's dwords (pshufd), an interleave of the low or high halves (punpckl/h bw wd dq
      // qdq), two dwords of a then two of b (or of b then a: shufps), a byte rotation of b:a
      // (palignr); otherwise pshufb with a pool mask per source used, and por.
      const Xmm a = X(i, o.a), b = X(i, o.b), d = X(i, o.dst), t = X(i, o.tmp);
      uint8_t idx[16];
      std::memcpy(idx, &m.imm, 8);
      std::memcpy(idx + 8, &m.imm_hi, 8);
      bool uses_a = false, uses_b = false;
      for (int k = 0; k < 16; ++k) {
        idx[k] &= 31;
        uses_a |= idx[k] < 16;
        uses_b |= idx[k] >= 16;
      }
      // Dword lanes: dw[j] = source dword index 0..7 when bytes 4j..4j+3 are one whole dword.
      int dw[4];
      bool dwords = true;
      for (int j = 0; j < 4; ++j) {
        dw[j] = idx[4 * j] / 4;
        for (int k = 0; k < 4; ++k)
          dwords &= idx[4 * j] % 4 == 0 && idx[4 * j + k] == idx[4 * j] + k;
      }
      if (dwords && (!uses_a || !uses_b)) {
        const int imm = (dw[0] & 3) | (dw[1] & 3) << 2 | (dw[2] & 3) << 4 | (dw[3] & 3) << 6;
        opi(SseOp::kPshufd, d, uses_a ? a : b, imm);
        return;
      }
      static constexpr SseOp kUnpackLow[4] = {SseOp::kPunpcklbw, SseOp::kPunpcklwd,
                                              SseOp::kPunpckldq, SseOp::kPunpcklqdq};
      static constexpr SseOp kUnpackHigh[4] = {SseOp::kPunpckhbw, SseOp::kPunpckhwd,
                                               SseOp::kPunpckhdq, SseOp::kPunpckhqdq};
      for (int w = 0; w < 4; ++w) {  // element size 1 << w bytes
        const int size = 1 << w;
        for (int high = 0; high < 2; ++high) {
          bool match = true;
          for (int k = 0; k < 16 && match; ++k) {
            const int elem = k / size, byte = k % size;
            const int src_elem = elem / 2 + high * (8 / size);
            const int want = (elem % 2 ? 16 : 0) + src_elem * size + byte;
            match = idx[k] == want;
          }
          if (match) {
            mov(d, a);
            op(high ? kUnpackHigh[w] : kUnpackLow[w], d, b);
            return;
          }
        }
      }
      if (dwords && (dw[0] < 4) == (dw[1] < 4) && (dw[2] < 4) == (dw[3] < 4) &&
          (dw[0] < 4) != (dw[2] < 4)) {
        // shufps: lanes 0-1 from the destination, 2-3 from the source.
        const bool a_low = dw[0] < 4;
        const int imm = (dw[0] & 3) | (dw[1] & 3) << 2 | (dw[2] & 3) << 4 | (dw[3] & 3) << 6;
        mov(d, a_low ? a : b);
        opi(SseOp::kShufps, d, a_low ? b : a, imm);
        return;
      }
      bool rotate = idx[0] > 0 && idx[0] < 16;
      for (int k = 1; k < 16 && rotate; ++k) rotate = idx[k] == idx[0] + k;
      if (rotate) {
        mov(d, b);
        opi(SseOp::kPalignr, d, a, idx[0]);
        return;
      }
      uint8_t ma[16], mb[16];
      for (int k = 0; k < 16; ++k) {
        ma[k] = idx[k] < 16 ? idx[k] : 0x80;
        mb[k] = idx[k] >= 16 ? idx[k] - 16 : 0x80;
      }
      uint64_t lo, hi;
      if (!uses_b) {
        mov(d, a);
        std::memcpy(&lo, ma, 8);
        std::memcpy(&hi, ma + 8, 8);
        opm(SseOp::kPshufb, d, VConst(lo, hi));
        return;
      }
      mov(d, b);
      std::memcpy(&lo, mb, 8);
      std::memcpy(&hi, mb + 8, 8);
      opm(SseOp::kPshufb, d, VConst(lo, hi));
      if (!uses_a) return;
      mov(t, a);
      std::memcpy(&lo, ma, 8);
      std::memcpy(&hi, ma + 8, 8);
      opm(SseOp::kPshufb, t, VConst(lo, hi));
      op(SseOp::kPor, d, t);
      return;
    }
    case VecOp::kSwizzle: {
      // Indices >= 16 must give 0: paddusb 0x70 sets bit 7 of every index >= 16 (saturating),
      // which pshufb turns into a zero byte, and keeps the low 4 bits of the others.
      const Xmm d = X(i, o.dst), t = X(i, o.tmp);
      mov(t, X(i, o.b));
      opm(SseOp::kPaddusb, t, Splat8(0x70));
      mov(d, X(i, o.a));
      op(SseOp::kPshufb, d, t);
      return;
    }
    case VecOp::kBitselect: {  // d = (a & c) | (b & ~c); operands a, b, c = mask
      const Xmm d = X(i, o.dst), t = X(i, o.tmp), c = X(i, o.c);
      mov(t, c);
      op(SseOp::kPandn, t, X(i, o.b));
      mov(d, X(i, o.a));
      op(SseOp::kPand, d, c);
      op(SseOp::kPor, d, t);
      return;
    }
    case VecOp::kNot: {
      const Xmm d = X(i, o.dst);
      ones(d);
      op(SseOp::kPxor, d, X(i, o.a));
      return;
    }
    case VecOp::kAnyTrue: {
      const Gpr d = G(i, o.dst);
      const Xmm a = X(i, o.a);
      Put(Inst::AluRR(AluOp::kXor, OpSize::k32, d, d));
      op(SseOp::kPtest, a, a);
      Put(Inst::Setcc(CondCode::kNe, d));
      return;
    }
    case VecOp::kAllTrue: {  // no lane equal to zero
      const Gpr d = G(i, o.dst);
      const Xmm t = X(i, o.tmp);
      zero(t);
      op(Lanes(lane).cmpeq, t, X(i, o.a));
      Put(Inst::AluRR(AluOp::kXor, OpSize::k32, d, d));
      op(SseOp::kPtest, t, t);
      Put(Inst::Setcc(CondCode::kE, d));
      return;
    }
    case VecOp::kBitmask: {
      const Gpr d = G(i, o.dst);
      const Xmm a = X(i, o.a);
      switch (lane) {
        case OpSize::k8:
          Put(Inst::MovmskRR(MaskOp::kPmovmskb, d, a));
          return;
        case OpSize::k16: {  // saturating words to bytes keeps each sign
          const Xmm t = X(i, o.tmp);
          mov(t, a);
          op(SseOp::kPacksswb, t, t);
          Put(Inst::MovmskRR(MaskOp::kPmovmskb, d, t));
          Put(Inst::MovzxRR(OpSize::k8, OpSize::k32, d, d));
          return;
        }
        case OpSize::k32:
          Put(Inst::MovmskRR(MaskOp::kMovmskps, d, a));
          return;
        case OpSize::k64:
          Put(Inst::MovmskRR(MaskOp::kMovmskpd, d, a));
          return;
      }
      return;
    }
    case VecOp::kNeg: {
      const Xmm d = X(i, o.dst);
      zero(d);
      op(Lanes(lane).sub, d, X(i, o.a));
      return;
    }
    case VecOp::kAbs: {
      const Xmm d = X(i, o.dst), a = X(i, o.a);
      if (lane != OpSize::k64) {
        op(lane == OpSize::k8    ? SseOp::kPabsb
           : lane == OpSize::k16 ? SseOp::kPabsw
                                 : SseOp::kPabsd,
           d, a);
        return;
      }
      // The sign of each qword (its high dword's, psrad then copied to both dwords), then
      // (a ^ s) - s.
      const Xmm t = X(i, o.tmp);
      mov(t, a);
      shift(XmmShiftOp::kPsrad, t, 31);
      opi(SseOp::kPshufd, t, t, 0xF5);
      mov(d, a);
      op(SseOp::kPxor, d, t);
      op(SseOp::kPsubq, d, t);
      return;
    }
    case VecOp::kShl:
    case VecOp::kUshr:
    case VecOp::kSshr: {
      if (m.imm_operand) {  // a constant amount (already modulo the lane width; not i8)
        static constexpr XmmShiftOp kImm[3][4] = {
            {XmmShiftOp::kPsllw, XmmShiftOp::kPsllw, XmmShiftOp::kPslld, XmmShiftOp::kPsllq},
            {XmmShiftOp::kPsrlw, XmmShiftOp::kPsrlw, XmmShiftOp::kPsrld, XmmShiftOp::kPsrlq},
            {XmmShiftOp::kPsraw, XmmShiftOp::kPsraw, XmmShiftOp::kPsrad, XmmShiftOp::kPsrad}};
        const int row = m.vop == VecOp::kShl ? 0 : m.vop == VecOp::kUshr ? 1 : 2;
        const Xmm d = X(i, o.dst);
        mov(d, X(i, o.a));
        if (m.imm != 0) shift(kImm[row][static_cast<int>(lane)], d, static_cast<int>(m.imm));
        return;
      }
      // The amount (a GPR) modulo the lane width, moved into an xmm register for the
      // shift-by-xmm forms.
      const Xmm d = X(i, o.dst), a = X(i, o.a), t = X(i, o.tmp);
      const Gpr g = G(i, o.gtmp);
      const int bits = 8 << static_cast<int>(lane);
      Put(Inst::MovRR(OpSize::k32, g, G(i, o.b)));
      Put(Inst::AluRI(AluOp::kAnd, OpSize::k32, g, bits - 1));
      if (lane == OpSize::k8 && m.vop == VecOp::kSshr) {
        // Each byte doubled into a word (punpck of a with itself), arithmetic word shift by
        // amount + 8, then packed back with signed saturation (the values fit).
        const Xmm t2 = X(i, o.tmp2);
        Put(Inst::AluRI(AluOp::kAdd, OpSize::k32, g, 8));
        Put(Inst::GprToXmm(OpSize::k32, t, g));
        mov(d, a);
        op(SseOp::kPunpcklbw, d, a);
        op(SseOp::kPsraw, d, t);
        mov(t2, a);
        op(SseOp::kPunpckhbw, t2, a);
        op(SseOp::kPsraw, t2, t);
        op(SseOp::kPacksswb, d, t2);
        return;
      }
      Put(Inst::GprToXmm(OpSize::k32, t, g));
      mov(d, a);
      if (lane == OpSize::k8) {
        // Word shifts, then a byte mask clearing the bits shifted across byte boundaries: the
        // mask is all-ones shifted the same way; its first byte (shl) or its second byte
        // (ushr, after moving it down by 8) broadcast to every byte.
        const Xmm t2 = X(i, o.tmp2);
        const bool left = m.vop == VecOp::kShl;
        op(left ? SseOp::kPsllw : SseOp::kPsrlw, d, t);
        ones(t2);
        op(left ? SseOp::kPsllw : SseOp::kPsrlw, t2, t);
        if (!left) shift(XmmShiftOp::kPsrlw, t2, 8);
        zero(t);
        op(SseOp::kPshufb, t2, t);
        op(SseOp::kPand, d, t2);
        return;
      }
      if (lane == OpSize::k64 && m.vop == VecOp::kSshr) {
        // No psraq: logical shift, then sign-extend from the shifted sign position with
        // (x ^ m) - m, m = 1 << 63 shifted the same way.
        const Xmm t2 = X(i, o.tmp2);
        opm(SseOp::kMovdqa, t2, Splat64(0x8000000000000000ull));
        op(SseOp::kPsrlq, t2, t);
        op(SseOp::kPsrlq, d, t);
        op(SseOp::kPxor, d, t2);
        op(SseOp::kPsubq, d, t2);
        return;
      }
      static constexpr SseOp kShl[4] = {SseOp::kPsllw, SseOp::kPsllw, SseOp::kPslld, SseOp::kPsllq};
      static constexpr SseOp kUshr[4] = {SseOp::kPsrlw, SseOp::kPsrlw, SseOp::kPsrld,
                                         SseOp::kPsrlq};
      static constexpr SseOp kSshr[4] = {SseOp::kPsraw, SseOp::kPsraw, SseOp::kPsrad,
                                         SseOp::kPsrad};
      const int l = static_cast<int>(lane);
      op(m.vop == VecOp::kShl ? kShl[l] : m.vop == VecOp::kUshr ? kUshr[l] : kSshr[l], d, t);
      return;
    }
    case VecOp::kMul64: {
      // lo(a)*lo(b) + ((hi(a)*lo(b) + lo(a)*hi(b)) << 32), with pmuludq's 32x32->64 products.
      const Xmm a = X(i, o.a), b = X(i, o.b), d = X(i, o.dst), t = X(i, o.tmp), t2 = X(i, o.tmp2);
      mov(t, a);
      shift(XmmShiftOp::kPsrlq, t, 32);
      op(SseOp::kPmuludq, t, b);
      mov(t2, b);
      shift(XmmShiftOp::kPsrlq, t2, 32);
      op(SseOp::kPmuludq, t2, a);
      op(SseOp::kPaddq, t, t2);
      shift(XmmShiftOp::kPsllq, t, 32);
      mov(d, a);
      op(SseOp::kPmuludq, d, b);
      op(SseOp::kPaddq, d, t);
      return;
    }
    case VecOp::kPopcnt: {
      // Per nibble through a 16-entry pshufb table, then the two nibble counts added.
      const Xmm a = X(i, o.a), d = X(i, o.dst), t = X(i, o.tmp), t2 = X(i, o.tmp2);
      const Amode low = Splat8(0x0F);
      mov(t, a);
      shift(XmmShiftOp::kPsrlw, t, 4);
      opm(SseOp::kPand, t, low);
      mov(t2, a);
      opm(SseOp::kPand, t2, low);
      const Amode table = VConst(0x0302020102010100ull, 0x0403030203020201ull);
      opm(SseOp::kMovdqa, d, table);
      op(SseOp::kPshufb, d, t2);
      opm(SseOp::kMovdqa, t2, table);
      op(SseOp::kPshufb, t2, t);
      op(SseOp::kPaddb, d, t2);
      return;
    }
    case VecOp::kQ15MulrSat: {
      // pmulhrsw overflows only for 0x8000 * 0x8000, giving 0x8000: flip those lanes to 0x7fff.
      const Xmm d = X(i, o.dst), t = X(i, o.tmp);
      mov(d, X(i, o.a));
      op(SseOp::kPmulhrsw, d, X(i, o.b));
      opm(SseOp::kMovdqa, t, Splat16(0x8000));
      op(SseOp::kPcmpeqw, t, d);
      op(SseOp::kPxor, d, t);
      return;
    }
    case VecOp::kIcmp: {
      const Xmm a = X(i, o.a), b = X(i, o.b), d = X(i, o.dst);
      const LaneOps& L = Lanes(lane);
      bool invert = false;
      if (lane == OpSize::k64 && m.cc != CondCode::kE && m.cc != CondCode::kNe && m.native) {
        // SSE4.2 pcmpgtq: gt, lt swapped, le = !gt, ge = !lt.
        const bool swap = m.cc == CondCode::kL || m.cc == CondCode::kGe;
        invert = m.cc == CondCode::kLe || m.cc == CondCode::kGe;
        mov(d, swap ? b : a);
        op(SseOp::kPcmpgtq, d, swap ? a : b);
      } else if (lane == OpSize::k64 && m.cc != CondCode::kE && m.cc != CondCode::kNe) {
        // Signed 64-bit x > y without pcmpgtq (SSE4.2): the sign of y - x corrected for
        // overflow, ((y - x) ^ ((x ^ y) & ((y - x) ^ y))), broadcast over the qword.
        Xmm x = a, y = b;
        switch (m.cc) {
          case CondCode::kG:
            break;
          case CondCode::kL:
            std::swap(x, y);
            break;
          case CondCode::kLe:  // !(a > b)
            invert = true;
            break;
          case CondCode::kGe:  // !(b > a)
            std::swap(x, y);
            invert = true;
            break;
          default:
            EGRET_CHECK(false && "unsigned i64x2 compare");
        }
        const Xmm t = X(i, o.tmp), t2 = X(i, o.tmp2);
        mov(t, y);
        op(SseOp::kPsubq, t, x);  // y - x
        mov(t2, y);
        op(SseOp::kPxor, t2, t);  // (y - x) ^ y
        mov(d, y);
        op(SseOp::kPxor, d, x);  // x ^ y
        op(SseOp::kPand, d, t2);
        op(SseOp::kPxor, d, t);
        shift(XmmShiftOp::kPsrad, d, 31);
        opi(SseOp::kPshufd, d, d, 0xF5);
      } else {
        switch (m.cc) {
          case CondCode::kE:
            mov(d, a);
            op(L.cmpeq, d, b);
            break;
          case CondCode::kNe:
            mov(d, a);
            op(L.cmpeq, d, b);
            invert = true;
            break;
          case CondCode::kG:
            mov(d, a);
            op(L.cmpgt, d, b);
            break;
          case CondCode::kL:
            mov(d, b);
            op(L.cmpgt, d, a);
            break;
          case CondCode::kGe:  // max(a, b) == a
          case CondCode::kAe:
          case CondCode::kLe:  // min(a, b) == a
          case CondCode::kBe:
            mov(d, a);
            op(m.cc == CondCode::kGe   ? L.maxs
               : m.cc == CondCode::kAe ? L.maxu
               : m.cc == CondCode::kLe ? L.mins
                                       : L.minu,
               d, b);
            op(L.cmpeq, d, a);
            break;
          case CondCode::kA:  // !(a <=u b)
          case CondCode::kB:  // !(a >=u b)
            mov(d, a);
            op(m.cc == CondCode::kA ? L.minu : L.maxu, d, b);
            op(L.cmpeq, d, a);
            invert = true;
            break;
          default:
            EGRET_CHECK(false && "vector icmp condition");
        }
      }
      if (invert) {
        const Xmm t = X(i, o.tmp);
        ones(t);
        op(SseOp::kPxor, d, t);
      }
      return;
    }
    case VecOp::kFcmp: {
      // cmpps predicates: eq 0, lt 1, le 2, unord 3, neq 4, ord 7 (gt/ge arrive as lt/le with
      // the operands swapped). The result reuses a's register.
      const Xmm a = X(i, o.a), b = X(i, o.b);
      const Xmm d = X(i, o.dst);
      bool swap = false;
      const uint8_t pred = SseCmpPredicate(static_cast<ir::FloatCC>(m.fcc), &swap);
      // lowering passes b < a for gt/ge (the result reuses a)
      EGRET_CHECK(!swap && "vfcmp gt/ge reach emission swapped");
      mov(d, a);
      opi(f64 ? SseOp::kCmppd : SseOp::kCmpps, d, b, pred);
      return;
    }
    case VecOp::kFmin:
    case VecOp::kFmax: {
      // min/max in both operand orders (minps returns its second operand for NaN and for equal
      // zeros); min: or-ing them gives min(-0, +0) = -0; max: x = m1 ^ m2, (m1 | x) - x gives
      // max(-0, +0) = +0. Lanes where either input is NaN take a + b instead, which is the
      // first NaN operand quieted, as the scalar fmin/fmax and the IR interpreter give.
      const Xmm a = X(i, o.a), b = X(i, o.b), d = X(i, o.dst), t = X(i, o.tmp), t2 = X(i, o.tmp2);
      const bool min = m.vop == VecOp::kFmin;
      const SseOp mm =
          min ? (f64 ? SseOp::kMinpd : SseOp::kMinps) : (f64 ? SseOp::kMaxpd : SseOp::kMaxps);
      mov(t, a);
      op(mm, t, b);
      mov(d, b);
      op(mm, d, a);
      if (min) {
        op(SseOp::kOrps, t, d);
      } else {
        op(SseOp::kXorps, d, t);
        op(SseOp::kOrps, t, d);
        op(f64 ? SseOp::kSubpd : SseOp::kSubps, t, d);
      }
      mov(d, a);
      opi(f64 ? SseOp::kCmppd : SseOp::kCmpps, d, b, 3);  // unordered: either is NaN
      mov(t2, a);
      op(f64 ? SseOp::kAddpd : SseOp::kAddps, t2, b);
      op(SseOp::kAndps, t2, d);
      op(SseOp::kAndnps, d, t);
      op(SseOp::kOrps, d, t2);
      return;
    }
    case VecOp::kFabs:
    case VecOp::kFneg: {
      const Xmm d = X(i, o.dst);
      ones(d);
      if (m.vop == VecOp::kFabs) {
        shift(f64 ? XmmShiftOp::kPsrlq : XmmShiftOp::kPsrld, d, 1);
        op(SseOp::kAndps, d, X(i, o.a));
      } else {
        shift(f64 ? XmmShiftOp::kPsllq : XmmShiftOp::kPslld, d, f64 ? 63 : 31);
        op(SseOp::kXorps, d, X(i, o.a));
      }
      return;
    }
    case VecOp::kExtendHighS:
    case VecOp::kExtendHighU: {
      // `lane` is the result's lane width: the source's high half moved down, then pmovsx/zx.
      const bool s = m.vop == VecOp::kExtendHighS;
      const Xmm d = X(i, o.dst);
      opi(SseOp::kPshufd, d, X(i, o.a), 0xEE);
      op(lane == OpSize::k16   ? (s ? SseOp::kPmovsxbw : SseOp::kPmovzxbw)
         : lane == OpSize::k32 ? (s ? SseOp::kPmovsxwd : SseOp::kPmovzxwd)
                               : (s ? SseOp::kPmovsxdq : SseOp::kPmovzxdq),
         d, d);
      return;
    }
    case VecOp::kExtMulLowS:
    case VecOp::kExtMulLowU:
    case VecOp::kExtMulHighS:
    case VecOp::kExtMulHighU: {
      const bool s = m.vop == VecOp::kExtMulLowS || m.vop == VecOp::kExtMulHighS;
      const bool high = m.vop == VecOp::kExtMulHighS || m.vop == VecOp::kExtMulHighU;
      const Xmm a = X(i, o.a), b = X(i, o.b), d = X(i, o.dst), t = X(i, o.tmp);
      if (lane == OpSize::k64) {
        // pmuldq/pmuludq multiply dwords 0 and 2: spread the wanted dwords there.
        const int sel = high ? 0xFA : 0x50;
        opi(SseOp::kPshufd, t, a, sel);
        opi(SseOp::kPshufd, d, b, sel);
        op(s ? SseOp::kPmuldq : SseOp::kPmuludq, d, t);
        return;
      }
      const SseOp ext = lane == OpSize::k16 ? (s ? SseOp::kPmovsxbw : SseOp::kPmovzxbw)
                                            : (s ? SseOp::kPmovsxwd : SseOp::kPmovzxwd);
      if (high) {
        opi(SseOp::kPshufd, t, a, 0xEE);
        op(ext, t, t);
        opi(SseOp::kPshufd, d, b, 0xEE);
        op(ext, d, d);
      } else {
        op(ext, t, a);
        op(ext, d, b);
      }
      op(lane == OpSize::k16 ? SseOp::kPmullw : SseOp::kPmulld, d, t);
      return;
    }
    case VecOp::kExtAddPairwiseS:
    case VecOp::kExtAddPairwiseU: {
      const bool s = m.vop == VecOp::kExtAddPairwiseS;
      const Xmm a = X(i, o.a), d = X(i, o.dst);
      if (lane == OpSize::k16) {
        // pmaddubsw: unsigned bytes of the first operand times signed bytes of the second.
        if (s) {
          opm(SseOp::kMovdqa, d, Splat8(1));
          op(SseOp::kPmaddubsw, d, a);
        } else {
          mov(d, a);
          opm(SseOp::kPmaddubsw, d, Splat8(1));
        }
        return;
      }
      mov(d, a);
      if (s) {
        opm(SseOp::kPmaddwd, d, Splat16(1));
        return;
      }
      // Unsigned words: flip them to signed (x - 0x8000), add pairs, add back 2 * 0x8000.
      opm(SseOp::kPxor, d, Splat16(0x8000));
      opm(SseOp::kPmaddwd, d, Splat16(1));
      opm(SseOp::kPaddd, d, Splat32(0x10000));
      return;
    }
    case VecOp::kFcvtFromUint: {
      // Low 16 bits and the rest converted separately (both exact), the high part halved
      // before the signed conversion and doubled after.
      const Xmm a = X(i, o.a), d = X(i, o.dst), t = X(i, o.tmp);
      mov(t, a);
      shift(XmmShiftOp::kPslld, t, 16);
      shift(XmmShiftOp::kPsrld, t, 16);
      mov(d, a);
      op(SseOp::kPsubd, d, t);
      op(SseOp::kCvtdq2ps, t, t);
      shift(XmmShiftOp::kPsrld, d, 1);
      op(SseOp::kCvtdq2ps, d, d);
      op(SseOp::kAddps, d, d);
      op(SseOp::kAddps, d, t);
      return;
    }
    case VecOp::kFcvtLowFromUint: {
      // Each u32 as the low mantissa bits of 2^52 (high word 0x43300000), minus 2^52.
      const Xmm d = X(i, o.dst);
      mov(d, X(i, o.a));
      opm(SseOp::kUnpcklps, d, Splat32(0x43300000));
      opm(SseOp::kSubpd, d, Splat64(0x4330000000000000ull));
      return;
    }
    case VecOp::kTruncSatS: {
      // cvttps2dq gives 0x80000000 for NaN and out of range: NaN lanes are zeroed first, and
      // lanes that were positive but came out negative become 0x7fffffff.
      const Xmm a = X(i, o.a), d = X(i, o.dst), t = X(i, o.tmp);
      mov(t, a);
      opi(SseOp::kCmpps, t, t, 0);  // not NaN
      mov(d, a);
      op(SseOp::kAndps, d, t);
      op(SseOp::kPxor, t, d);  // sign bit: the lane was not negative
      op(SseOp::kCvttps2dq, d, d);
      op(SseOp::kPand, t, d);  // ... and the conversion overflowed
      shift(XmmShiftOp::kPsrad, t, 31);
      op(SseOp::kPxor, d, t);
      return;
    }
    case VecOp::kTruncSatU: {
      // Negative and NaN lanes clamp to 0 (maxps returns its second operand for NaN); values
      // >= 2^31 convert as 2^31 + cvtt(x - 2^31); >= 2^32 saturate.
      const Xmm a = X(i, o.a), d = X(i, o.dst), t = X(i, o.tmp), t2 = X(i, o.tmp2);
      zero(t);
      mov(d, a);
      op(SseOp::kMaxps, d, t);
      ones(t);
      shift(XmmShiftOp::kPsrld, t, 1);
      op(SseOp::kCvtdq2ps, t, t);  // 2^31
      mov(t2, d);
      op(SseOp::kSubps, t2, t);
      opi(SseOp::kCmpps, t, t2, 2);  // 2^31 <= x - 2^31: x >= 2^32
      op(SseOp::kCvttps2dq, t2, t2);
      op(SseOp::kPxor, t2, t);  // saturated lanes: 0x7fffffff
      zero(t);
      op(SseOp::kPmaxsd, t2, t);  // x < 2^31: nothing to add
      op(SseOp::kCvttps2dq, d, d);
      op(SseOp::kPaddd, d, t2);
      return;
    }
    case VecOp::kTruncSatZeroS: {
      // NaN lanes: min with 0 (minpd returns its second operand); others clamped to INT32_MAX;
      // cvttpd2dq gives INT32_MIN below the range and zeroes the upper lanes.
      const Xmm a = X(i, o.a), d = X(i, o.dst), t = X(i, o.tmp);
      mov(t, a);
      opi(SseOp::kCmppd, t, t, 0);
      opm(SseOp::kAndpd, t, Splat64(0x41DFFFFFFFC00000ull));  // 2147483647.0
      mov(d, a);
      op(SseOp::kMinpd, d, t);
      op(SseOp::kCvttpd2dq, d, d);
      return;
    }
    case VecOp::kTruncSatZeroU: {
      // Clamp to [0, 2^32 - 1] (NaN to 0), truncate, add 2^52 so the integer is the low dword of
      // each double, then gather those dwords with zeros above.
      const Xmm a = X(i, o.a), d = X(i, o.dst), t = X(i, o.tmp);
      zero(t);
      mov(d, a);
      op(SseOp::kMaxpd, d, t);
      opm(SseOp::kMinpd, d, Splat64(0x41EFFFFFFFE00000ull));  // 4294967295.0
      opi(SseOp::kRoundpd, d, d, kRoundTowardZero);
      opm(SseOp::kAddpd, d, Splat64(0x4330000000000000ull));
      opi(SseOp::kShufps, d, t, 0x88);
      return;
    }
  }
}

}  // namespace

FrameInfo ComputeFrame(const VCode& v, const regalloc::Output& ra) {
  return ComputeFrameImpl(v, ra);
}

void EmitFunction(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                  X64MachBuffer* buf, const backend::EmitOptions& options) {
  Emitter e(v, ra, module, buf, options);
  e.Run();
}

}  // namespace egret::x64
