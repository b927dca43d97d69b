// machbuffer.h: machine code with labels, fixups, branch simplification, a constant pool,
// islands and veneers. One MachBuffer per function; docs/machbuffer.md has the full design.
//
// A backend emits instructions in final block order. Targets not yet known are labels; a use of
// a label ("fixup") is patched once the label is bound. Three things happen on the fly:
//
// Branch simplification. Branches registered with EmitUncondBranch/EmitCondBranch that end at
// the current offset (the "tail") may still change:
//   - a branch to the next instruction is removed (the labels bound at it move down);
//   - `b.cond L1; b L2; L1:` becomes `b.!cond L2; L1:` (the inverted bytes come from the backend);
//   - labels bound exactly at an unconditional branch are aliased to its target (jump threading),
//     and an unconditional branch reachable by no label after another one is dropped.
//   A label whose offset was already observed (patched into code, pinned by PinLabel, read by
//   LabelOffset) is never aliased and never moved, so simplification only touches code that
//   nothing has committed to yet.
//
// Deadlines. Every unresolved fixup has a deadline: the last offset its label could be bound at
// and still be in range. Invariant: if the emitter calls IslandNeeded(d) before emitting each
// d-byte stretch and EmitIsland(d) when it answers true, every fixup is resolved, or given a
// veneer, before its deadline. Fixups wait in one FIFO per kind; within a kind deadlines grow
// with the use offset, so the earliest deadline is the minimum of kNumKinds queue fronts and all
// work is linear in the number of fixups.
//
// Islands. EmitIsland emits (behind a jump unless told the spot is unreachable) every pending
// constant, then, in deadline order, a veneer for every fixup that could not wait for a later
// island. A veneer is itself a fixup of a longer-range kind (aarch64 b.cond -> b -> 32-bit
// PC-relative word), queued like any other, so deadlines are recomputed naturally. The island
// size bound behind IslandNeeded counts, for the earliest fixup of each kind, the constants and
// the whole veneer chains of every kind whose earliest deadline is not later; kinds with far
// deadlines (b: 128 MiB) therefore do not make islands come early. An island also gives veneers
// to uses that waited through 7/8 of their reach (batching far branches into fewer islands).
#ifndef EGRET_MACHBUFFER_MACHBUFFER_H_
#define EGRET_MACHBUFFER_MACHBUFFER_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "machbuffer/code_buffer.h"
#include "machbuffer/label_use.h"
#include "machbuffer/label_use_aarch64.h"
#include "machbuffer/label_use_x64.h"
#include "machbuffer/mach_code.h"
#include "support/error.h"
#include "support/trap_code.h"

namespace egret {

struct MachBufferOptions {
  // Test mode (`--debug-branch-range-shrink=N`): divides the range of every shrinkable kind by N
  // (see ShrunkRange), so that small functions exercise islands and veneers. 1 = real ranges.
  uint32_t debug_branch_range_shrink = 1;
  // The shrunk range never goes below this (nor below kMinShrunkRange).
  int64_t min_shrunk_range = kMinShrunkRange;
  // Branch relaxation at Finish, for targets whose traits can shorten branches (x64: jmp/jcc
  // rel32 -> rel8). Off by default so that tests of exact layouts see the code as emitted.
  bool relax_branches = false;
  // Far kinds (MachBuffer::kFarReach) wait in no deadline queue while the code is below this
  // offset; the island check that first passes it queues their waiting uses, after which they
  // get veneers like any other kind. So a function big enough to come near a far kind's reach
  // still gets its veneers (and the text builder's size error) instead of an abort. Tests lower
  // it.
  uint32_t far_queue_offset = uint32_t{1} << 30;
};

template <class Traits>
class MachBuffer {
 public:
  using Kind = typename Traits::Kind;
  // Bytes of constant (plus alignment) an instruction may add after IslandNeeded said no.
  static constexpr uint64_t kConstantSlack = 64;

  explicit MachBuffer(MachBufferOptions options = {});
  // Gives the working vectors' storage back to the thread (see Storage).
  ~MachBuffer();
  MachBuffer(const MachBuffer&) = delete;
  MachBuffer& operator=(const MachBuffer&) = delete;

  // Room for `n` source-location ranges (one per instruction that has one), so that the table,
  // which leaves in the MachCode, is allocated once instead of doubled up from nothing.
  void ReserveSrcLocs(size_t n) { srclocs_.reserve(n); }
  // Room for `calls` call sites and stack maps with `slots` stack-map words in all, and for
  // `frame_ranges` frame ranges, when the emitter knows them (the allocator's safepoints): these
  // tables leave in the MachCode too, and doubling them up from nothing cost a reallocation and
  // a copy per doubling. Hints only: more entries still fit.
  void ReserveCallTables(size_t calls, size_t slots) {
    call_sites_.reserve(calls);
    stack_maps_.reserve(calls);
    stack_map_slots_.reserve(slots);
  }
  void ReserveFrameRanges(size_t n) { frame_ranges_.reserve(n); }
  void ReserveTraps(size_t n) { traps_.reserve(n); }
  // Room for about `n` bytes of code, when known up front (a text section): the code is then
  // never copied to a larger allocation as it grows.
  void ReserveCode(size_t n) { data_.ReserveCapacity(n); }

  // --- Bytes. Emitting bytes ends any pending branch simplification at the tail.
  uint32_t CurOffset() const { return static_cast<uint32_t>(data_.size()); }
  void Put1(uint8_t v);
  void Put2(uint16_t v);
  // (Inline: every aarch64 instruction is one.)
  void Put4(uint32_t v) {
    SettleIfNeeded();
    Write32(data_.Reserve(4), v);
    data_.Commit(4);
  }
  void Put8(uint64_t v);
  void PutBytes(std::span<const uint8_t> bytes) {
    SettleIfNeeded();
    data_.append(bytes.data(), bytes.size());
  }
  // PutBytes in place: room for up to `n` bytes at CurOffset(), of which CommitBytes(k) then
  // appends the first k (an encoder writing into the buffer). Nothing else may use the buffer
  // in between.
  uint8_t* ReserveBytes(size_t n) {
    SettleIfNeeded();
    return data_.Reserve(n);
  }
  void CommitBytes(size_t k) { data_.Commit(k); }
  // `n` bytes of the target's trapping filler (tests use it to put distance between code).
  void PutPadding(size_t n);
  std::span<const uint8_t> Bytes() const { return data_.view(); }

  // --- Labels.
  MachLabel NewLabel();
  // `n` new labels at once (one per block, say): their indices are consecutive, the first one's
  // is returned.
  MachLabel NewLabels(uint32_t n);
  // Binds `label` to the current offset. Each label is bound at most once.
  void BindLabel(MachLabel label);
  // BindLabel, then nops so that the label (and every other label bound here) lands on a
  // multiple of `align` (a power of two, at least Traits::kCodeAlign): for loop tops. Branch
  // simplification at the label happens first, so a jump to it that the binding removes stays
  // removed. Under branch relaxation (x64) the nops are emitted at their longest (align -
  // kCodeAlign bytes) and RelaxBranches cuts each to what its final offset needs; an island
  // later in the function disables relaxation and leaves them long (correct, not aligned). No
  // nops when a label here is already committed to (observed): it cannot move; then returns
  // false (true: the labels here are, or after relaxation will be, aligned).
  bool BindLabelAligned(MachLabel label, uint32_t align);
  // Records that the `Info(kind).patch_size` bytes at `offset` (already emitted) refer to `label`.
  // Constants' labels may be re-placed transparently when an old copy is out of range.
  void UseLabelAtOffset(uint32_t offset, MachLabel label, Kind kind);
  // Commits to the label's position: it is never aliased or moved by branch simplification.
  // For labels whose address is computed other than through a fixup (e.g. jump-table bases).
  void PinLabel(MachLabel label);
  // The offset `label` resolves to (following aliases); pins it. UINT32_MAX if not bound yet.
  // (Inline for a label never bound, the common answer for a forward branch: only bound labels
  // get an offset or an alias, so there is nothing to resolve or pin.)
  uint32_t LabelOffset(MachLabel label) {
    if (label.index < labels_.size() && labels_[label.index].offset == kNone &&
        labels_[label.index].alias == kNone)
      return kNone;
    return BoundLabelOffset(label);
  }

  // --- Branches. The instruction bytes are emitted here, with the displacement at
  // `fixup_at` bytes into the instruction; `inverted` is the same instruction with the opposite
  // condition (same length). Branches emitted as plain bytes + UseLabelAtOffset (e.g. the
  // entries of a branch table) are never simplified.
  void EmitUncondBranch(std::span<const uint8_t> insn, uint32_t fixup_at, MachLabel target,
                        Kind kind);
  void EmitCondBranch(std::span<const uint8_t> insn, std::span<const uint8_t> inverted,
                      uint32_t fixup_at, MachLabel target, Kind kind);

  // Records that bytes [start, end) (already emitted) are data of `kind` (e.g. a jump table), for
  // the disassembly; constants and islands are recorded by the buffer itself.
  void MarkData(uint32_t start, uint32_t end, MachDataKind kind) {
    data_ranges_.push_back(MachData{start, end, kind});
  }

  // --- Constant pool. Identical (bytes, align) pairs share one label.
  MachLabel ConstantLabel(std::span<const uint8_t> data, uint32_t align);

  // --- Side tables (offsets default to the current offset).
  void AddTrap(TrapCode code) { AddTrapAt(CurOffset(), code); }
  // (Inline: about one instruction in four records a trap.)
  void AddTrapAt(uint32_t offset, TrapCode code) {
    EGRET_CHECK(traps_.empty() || traps_.back().offset <= offset);
    traps_.push_back(MachTrap{offset, code});
  }
  // Call right after emitting the call instruction: the return offset is the current offset.
  void AddCall(uint32_t fixup_offset, uint32_t callee, Kind kind);
  // A stack map at the current offset (call right after the call instruction).
  void AddStackMap(std::span<const uint32_t> slots, uint32_t frame_size);
  // (Inline: the emission loop calls both around every instruction. Their pairing is checked in
  // Debug builds; Finish checks in every build that none is left open.)
  void StartSrcLoc(uint32_t loc) {
    EGRET_DCHECK(open_srcloc_start_ == kNone);
    open_srcloc_start_ = CurOffset();
    open_srcloc_ = loc;
  }
  void EndSrcLoc() {
    EGRET_DCHECK(open_srcloc_start_ != kNone);
    if (CurOffset() > open_srcloc_start_) {
      srclocs_.push_back(MachSrcLoc{open_srcloc_start_, CurOffset(), open_srcloc_});
    }
    open_srcloc_start_ = kNone;
  }
  // Bytes from here until EndNoFrame (or the end of the function, islands included, if it is
  // never called) run without the function's frame record (MachFrameRange). One open at a time;
  // empty ranges are dropped.
  void BeginNoFrame(MachFrameKind kind);
  void EndNoFrame();

  // --- Islands.
  // Whether an island must be emitted before the next `distance` bytes of code. Call it before
  // each instruction. The answer leaves room for what that instruction may add besides its
  // bytes: one fixup and one constant of up to kConstantSlack bytes with its alignment; request
  // a larger constant (ConstantLabel) before asking.
  bool IslandNeeded(uint32_t distance) {
    const int64_t base = static_cast<int64_t>(CurOffset()) + distance + island_slack_;
    // Fast path (inline: every instruction asks): the cached limit is a lower bound of the
    // exact one.
    if (safe_valid_ && base <= safe_limit_) return false;
    return IslandNeededAt(base);
  }
  // Emits an island. With `reachable` (the default) a jump around it is emitted first; pass
  // false right after an unconditional branch or return to save the jump.
  void EmitIsland(uint32_t distance, bool reachable = true);

  // Resolves everything (veneers and constants go at the end) and returns the code.
  // The buffer must not be used afterwards except for LabelOffset.
  //
  // Branch relaxation (options.relax_branches, traits with kCanRelax): before the final island,
  // every jmp/jcc rel32 whose displacement fits rel8 in the layout as emitted is rewritten short
  // in one linear pass. Shortening only removes bytes, so a forward distance measured as encoded
  // and a backward one measured from a 2-byte branch can only shrink: every choice stays valid
  // without iterating (a second pass could shorten a few more). Every offset (labels, fixups,
  // traps, call sites, source locations, stack maps) is remapped and every resolved fixup is
  // patched again. Skipped when an island was emitted in the code (its alignment padding could
  // grow when code before it shrinks).

  MachCode Finish();

  const MachBufferStats& stats() const { return stats_; }
  // The effective range of `kind` under range shrinking.
  int64_t MaxForward(Kind kind) const { return max_forward_[Index(kind)]; }
  int64_t MaxBackward(Kind kind) const { return max_backward_[Index(kind)]; }
  // The earliest deadline of any pending fixup, or UINT64_MAX.
  uint64_t EarliestDeadline();

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr int kNumKinds = Traits::kNumKinds;
  // A kind whose forward reach is at least this covers any code egret emits (a text section is
  // capped below 2 GiB, TextSectionBuilder::Append), so its forward uses never need an island.
  static constexpr int64_t kFarReach = int64_t{1} << 31;

  struct LabelState {
    uint32_t offset = kNone;  // kNone until bound
    uint32_t alias = kNone;   // set by jump threading; the label then means its alias
    uint32_t head = kNone;    // unresolved fixups waiting for this label (singly linked)
    uint32_t tail = kNone;
    uint32_t constant = kNone;  // index into constants_ if this labels a constant
    bool observed = false;      // the offset was committed to; never alias or move
    bool at_tail = false;       // in labels_at_tail_
  };
  // kRelaxed: only inside RelaxBranches, a resolved branch being shortened (then kDone).
  enum class FixupState : uint8_t { kQueued, kDone, kDead, kRelaxed };
  struct Fixup {
    uint32_t offset;
    uint32_t label;
    uint32_t next;  // next fixup in the label's waiting list
    Kind kind;
    FixupState state;
  };
  // The fixups: a plain array with an inline append. (std::vector's push_back stayed an
  // out-of-line call, about 20 instructions per fixup, whatever its callers' inlining.) Fixup is
  // trivially copyable; entries past size() are uninitialized. Per thread like Storage's
  // vectors (swap, clear and capacity are what SwapSpare uses).
  class FixupTable {
   public:
    FixupTable() = default;
    ~FixupTable() { delete[] data_; }
    FixupTable(const FixupTable&) = delete;
    FixupTable& operator=(const FixupTable&) = delete;
    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    void clear() { size_ = 0; }
    void swap(FixupTable& o) {
      std::swap(data_, o.data_);
      std::swap(size_, o.size_);
      std::swap(capacity_, o.capacity_);
    }
    Fixup& operator[](size_t i) {
      EGRET_DCHECK(i < size_);
      return data_[i];
    }
    const Fixup& operator[](size_t i) const {
      EGRET_DCHECK(i < size_);
      return data_[i];
    }
    Fixup* begin() { return data_; }
    Fixup* end() { return data_ + size_; }
    [[gnu::always_inline]] void push_back(const Fixup& f) {
      if (size_ == capacity_) [[unlikely]]
        Grow();
      data_[size_++] = f;
    }

   private:
    // Doubles the room (64 entries at first), keeping the entries.
    [[gnu::noinline]] void Grow() {
      const size_t capacity = capacity_ == 0 ? 64 : 2 * capacity_;
      Fixup* data = new Fixup[capacity];
      if (size_ != 0) std::memcpy(data, data_, size_ * sizeof(Fixup));
      delete[] data_;
      data_ = data;
      capacity_ = capacity;
    }
    Fixup* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
  };
  struct Branch {
    uint32_t start;
    uint32_t end;
    uint32_t fixup;
    uint32_t target;
    uint32_t labels_begin;  // labels bound at `start`: branch_labels_[labels_begin, next begin)
    uint32_t fixup_at;
    Kind kind;
    bool cond;
    uint8_t inverted_len;
    std::array<uint8_t, 15> inverted;
  };
  // A branch that RelaxBranches shortens: its start, its long form's length, the short opcode.
  // Or (fixup == kNone) an alignment pad of BindLabelAligned: its start, its emitted length,
  // log2 of its alignment in `opcode`, and in `new_len` the length it is cut to.
  struct Shrink {
    uint32_t start;
    uint32_t len;
    uint32_t fixup;
    uint8_t opcode;
    uint8_t new_len;
  };
  // An alignment pad emitted at its longest (BindLabelAligned under relaxation), in code order.
  struct Pad {
    uint32_t start;
    uint8_t len;
    uint8_t align_log2;
  };
  struct Constant {
    uint32_t bytes_begin;
    uint32_t size;
    uint32_t align;
    uint32_t label;  // the current copy
    uint32_t next_same_hash;
    bool pending;  // the current copy is not placed yet
  };

  // The working vectors that stay inside the buffer (labels, fixups, queues, branch
  // simplification, scratch): per thread and per target, a buffer takes their storage when it is
  // made and gives it back when it dies, so a worker emitting many functions grows them once
  // instead of once per function. Every vector is empty when taken (capacity only).
  struct Storage {
    std::vector<LabelState> labels;
    FixupTable fixups;
    std::array<std::vector<uint32_t>, kNumKinds> queue;
    std::vector<uint32_t> labels_at_tail;
    std::vector<Branch> latest_branches;
    std::vector<uint32_t> branch_labels;
    std::vector<uint32_t> island_scratch, moved_scratch, stayed_scratch, settle_scratch;
    std::vector<Shrink> shrinks;
    std::vector<uint32_t> shrink_removed, shrink_bucket;
    std::vector<Pad> pads;
  };
  static Storage& Spare();
  // Takes (`take`) or gives back the vectors of Storage (support/spare_storage.h).
  void SwapStorage(bool take);

  static int Index(Kind k) { return static_cast<int>(k); }
  // LabelOffset past its fast path.
  uint32_t BoundLabelOffset(MachLabel label);
  // IslandNeeded past its fast path: recomputes the limit for an island starting before `base`.
  bool IslandNeededAt(int64_t base);
  void PutRaw(const uint8_t* p, size_t n) { data_.append(p, n); }
  void SettleIfNeeded() {
    if (!labels_at_tail_.empty() || !latest_branches_.empty()) SettleTail();
  }
  void SettleTail();
  // The label `label` means, following aliases (with path compression: aliases are final once
  // set, so pointing straight at the end is safe). Inline: every fixup asks.
  uint32_t Resolve(uint32_t label) {
    uint32_t l = label;
    while (labels_[l].alias != kNone) l = labels_[l].alias;
    uint32_t m = label;
    while (labels_[m].alias != kNone) {
      const uint32_t next = labels_[m].alias;
      if (next != l) labels_[m].alias = l;
      m = next;
    }
    return l;
  }
  // Labels at the tail are at the current offset, whatever their stored offset says: removing a
  // branch moves them all down without touching each (ClearTail stores the real offset).
  uint32_t OffsetOf(uint32_t label) const {
    return labels_[label].at_tail ? CurOffset() : labels_[label].offset;
  }
  uint32_t ResolvedOffset(uint32_t label) { return OffsetOf(Resolve(label)); }
  bool InRange(Kind kind, uint32_t use, uint32_t target) const {
    const int64_t delta = int64_t{target} - int64_t{use};
    return delta <= max_forward_[Index(kind)] && -delta <= max_backward_[Index(kind)];
  }
  void PatchNow(uint32_t fixup, uint32_t label_offset);
  // Records a use of `label` at `offset` and resolves it now if it can be. Inline for the two
  // common cases, about four uses in five and one in five on lz20 (every branch and label use
  // goes through here); AddFixupSlow is the general path and gives the same result for them:
  //   - a label neither aliased nor a constant that is not bound yet, or bound at the tail (it may
  //     still move): the use waits in the label's list (and its kind's queue, if islands can
  //     help it), exactly as AddFixupSlow's forward path does;
  //   - a label not aliased, bound before the current offset (it will not move) and in range:
  //     patched now and the label observed.
  [[gnu::always_inline]] uint32_t AddFixup(uint32_t offset, uint32_t label, Kind kind) {
    const LabelState& l = labels_[label];
    if (l.alias == kNone) {
      const uint32_t index = static_cast<uint32_t>(fixups_.size());
      if ((l.offset == kNone || l.at_tail) && l.constant == kNone) {
        fixups_.push_back(Fixup{offset, label, kNone, kind, FixupState::kQueued});
        if (waits_for_island_[Index(kind)]) Enqueue(index);
        AppendToList(label, index);
        return index;
      }
      // (l.offset != kNone here unless l is a constant's label: kNone is above every offset.)
      if (!l.at_tail && l.offset < CurOffset() && InRange(kind, offset, l.offset)) {
        fixups_.push_back(Fixup{offset, label, kNone, kind, FixupState::kDone});
        Traits::Patch(kind, data_.data() + offset, offset, l.offset);
        labels_[label].observed = true;  // Observe: not at the tail, so no tail count to keep
        return index;
      }
    }
    return AddFixupSlow(offset, label, kind);
  }
  [[gnu::noinline]] uint32_t AddFixupSlow(uint32_t offset, uint32_t label, Kind kind);
  void KillFixup(uint32_t fixup);
  void Enqueue(uint32_t fixup);
  void AppendToList(uint32_t label, uint32_t fixup) {
    LabelState& l = labels_[label];
    fixups_[fixup].next = kNone;
    if (l.tail == kNone) {
      l.head = l.tail = fixup;
    } else {
      fixups_[l.tail].next = fixup;
      l.tail = fixup;
    }
  }
  void ResolveList(uint32_t label);
  void Observe(uint32_t label);
  void AddToTail(uint32_t label);
  void ClearTail();
  // Bytes are about to be inserted here that branches to the labels at the tail must skip (an
  // island, an alignment pad): those labels (none observed) are unbound into moved_scratch_,
  // and RebindMoved binds them again at the current offset once the bytes are in.
  void LiftTailLabels();
  void RebindMoved();
  void Alias(uint32_t label, uint32_t target);
  void OptimizeBranches();
  // EmitUncondBranch/EmitCondBranch's shared part: appends the branch's record (start, end,
  // target, kind, labels; the caller fills the rest) and its bytes, the tail's labels becoming the
  // branch's.
  [[gnu::always_inline]] inline Branch& BeginBranch(std::span<const uint8_t> insn,
                                                    uint32_t fixup_at, MachLabel target, Kind kind,
                                                    bool cond);
  void RemoveLastBranch();
  void InvertLastCondBranch();
  void Truncate(uint32_t offset);
  // Skips dead entries; UINT64_MAX when empty. (Inline for an empty queue, what most kinds
  // have: SafeLimit and the final island ask every kind.)
  uint64_t FrontDeadline(int kind) {
    return queue_[kind].empty() ? UINT64_MAX : QueuedFrontDeadline(kind);
  }
  uint64_t QueuedFrontDeadline(int kind);  // FrontDeadline of a non-empty queue
  uint64_t FixedIslandBytes() const;       // jump, alignment, pending constants
  int64_t SafeLimit();
  bool NeededAt(uint64_t base);  // whether an island must start before `base`
  int FrontKind();               // the kind whose queue front has the earliest deadline, or -1
  void EmitIslandImpl(uint32_t distance, bool reachable, bool final_island);
  // Makes every far kind an ordinary one: its waiting uses join its queue, in offset order.
  void QueueFarUses();
  void HandleIslandFixup(uint32_t fixup, std::vector<uint32_t>& set_aside);
  void EmitPendingConstants(bool resolve_uses);
  void PadToCodeAlign();
  void RelaxBranches();
  [[noreturn]] void DeadlineMissed(uint32_t fixup, const char* why);

  MachBufferOptions options_;
  std::array<int64_t, kNumKinds> max_forward_{};
  std::array<int64_t, kNumKinds> max_backward_{};
  std::array<uint32_t, kNumKinds> chain_bytes_{};  // worst-case veneer bytes, whole chain
  // Traits::Info(kind) fields read on every fixup, cached here (Info is out of line).
  std::array<bool, kNumKinds> has_veneer_{};
  // Whether a forward use of the kind waits in its deadline queue for an island (has_veneer_ and
  // a reach below kFarReach; see AddFixup). Far kinds (x64 rel32 at real ranges) wait in their
  // label's list only: nothing an island could do is ever needed for them.
  std::array<bool, kNumKinds> waits_for_island_{};
  std::array<uint32_t, kNumKinds> full_chain_bytes_{};  // chain_bytes_ once far kinds queue
  // Some far kind's forward uses wait outside the queues (until the code passes
  // options_.far_queue_offset: QueueFarUses). While set, the cached island limit is at most
  // that offset, so the check that passes it takes the slow path.
  bool far_unqueued_ = false;
  std::array<uint8_t, kNumKinds> patch_size_{};
  uint64_t island_slack_ = 0;  // kConstantSlack + the longest chain: see IslandNeeded

  CodeBuffer data_;  // per-thread storage, reused by the next function
  std::vector<LabelState> labels_;
  FixupTable fixups_;
  std::array<std::vector<uint32_t>, kNumKinds> queue_;
  std::array<size_t, kNumKinds> queue_head_{};
  std::array<uint64_t, kNumKinds> pending_chain_bytes_{};  // veneer bytes if all need veneers
  uint64_t total_chain_bytes_ = 0;                         // their sum
  // The latest offset at which an island can still start (SafeLimit), or a lower bound of it.
  int64_t safe_limit_ = 0;
  bool safe_valid_ = false;

  // Branch simplification state: labels bound at the current offset whose uses are not resolved
  // yet, and the run of registered branches that ends at the current offset.
  std::vector<uint32_t> labels_at_tail_;
  uint32_t tail_observed_ = 0;  // how many labels at the tail are observed
  std::vector<Branch> latest_branches_;
  std::vector<uint32_t> branch_labels_;

  std::vector<Constant> constants_;
  std::vector<uint8_t> constant_bytes_;
  std::unordered_map<uint64_t, uint32_t> constant_by_hash_;
  std::vector<uint32_t> pending_constants_;
  uint64_t pending_constant_bytes_ = 0;  // sizes plus alignment slack
  uint32_t max_align_ = Traits::kCodeAlign;

  std::vector<MachTrap> traps_;
  std::vector<MachCallSite> call_sites_;
  std::vector<MachSrcLoc> srclocs_;
  std::vector<MachStackMap> stack_maps_;
  std::vector<uint32_t> stack_map_slots_;
  std::vector<MachData> data_ranges_;
  uint32_t open_srcloc_start_ = kNone;
  uint32_t open_srcloc_ = 0;
  std::vector<MachFrameRange> frame_ranges_;
  uint32_t open_frame_start_ = kNone;
  MachFrameKind open_frame_kind_ = MachFrameKind::kReturnAtSp;

  std::vector<uint32_t> island_scratch_;
  std::vector<uint32_t> moved_scratch_;
  std::vector<uint32_t> stayed_scratch_;
  std::vector<uint32_t> settle_scratch_;
  std::vector<Shrink> shrinks_;           // RelaxBranches' working tables
  std::vector<uint32_t> shrink_removed_;  // bytes removed by shrinks_[0, i)
  std::vector<uint32_t> shrink_bucket_;   // first shrink starting at or after 16 * j
  std::vector<Pad> pads_;                 // BindLabelAligned's long pads (under relaxation)
  MachBufferStats stats_;
  bool in_island_ = false;
  bool finished_ = false;
};

extern template class MachBuffer<A64LabelUses>;
extern template class MachBuffer<X64LabelUses>;

using A64MachBuffer = MachBuffer<A64LabelUses>;
using X64MachBuffer = MachBuffer<X64LabelUses>;

}  // namespace egret

#endif  // EGRET_MACHBUFFER_MACHBUFFER_H_
