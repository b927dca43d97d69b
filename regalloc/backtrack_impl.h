// backtrack_impl.h: the state of one run of the backtracking allocator (see backtrack.h for the
// program points and invariants, docs/regalloc.md for the design). Private to regalloc/.
#ifndef EGRET_REGALLOC_BACKTRACK_IMPL_H_
#define EGRET_REGALLOC_BACKTRACK_IMPL_H_

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "regalloc/backtrack.h"
#include "regalloc/interval_set.h"
#include "regalloc/parallel_move.h"

namespace egret::regalloc {

// [from, to) points of one vreg.
struct Range {
  // Default construction leaves the fields unset: BuildRanges sizes its per-vreg lists and then
  // writes every entry, and value-initializing (zeroing) them first cost a pass over the array.
  Range() {}  // NOLINT(modernize-use-equals-default): `= default` would zero in resize()
  Range(uint32_t f, uint32_t t, uint32_t v) : from(f), to(t), vreg(v) {}
  uint32_t from, to, vreg;
};

// Storage for up to capacity() trivially copyable T that grows without initializing them, keeping
// its capacity across runs (the bitmaps: BuildUses writes every word it reads). Has what
// BacktrackScratch::ForEachContainer's users call on a container (clear, capacity, operator[]).
template <class T>
class UninitArray {
 public:
  // Room for n elements, their values unspecified (the old ones are not kept when it grows).
  T* Reserve(size_t n) {
    if (n > cap_) {
      data_.reset(new T[n]);
      cap_ = n;
    }
    return data_.get();
  }
  size_t capacity() const { return cap_; }
  void clear() {}  // nothing to destroy: the elements are trivial and the capacity stays
  T& operator[](size_t i) { return data_[i]; }

 private:
  std::unique_ptr<T[]> data_;
  size_t cap_ = 0;
};

// The containers of one run, kept between runs on a thread (RunBacktrack keeps a Backtrack per
// thread): a worker allocating function after function reuses their capacity instead of
// allocating and freeing every array per function. Invariant: Clear() leaves every container empty
// (capacity kept), except bitmaps the run writes in full before reading them, so a run sees exactly
// what a fresh object would.
struct BacktrackScratch {
  // Operand flags for reuse defs and their inputs.
  static constexpr uint8_t kReuseShared = 1;    // def: shares the dying input's bundle
  static constexpr uint8_t kReuseExtended = 2;  // def: range starts at the early point
  static constexpr uint8_t kCopyIntoReuse = 4;  // input: copied into the def's register
  static constexpr uint8_t kSharedInput = 8;    // input: in the def's bundle, needs the register

  struct UseRec {
    // Default construction writes nothing (as Range's): BuildUses sizes the records and writes
    // each one, so resize() need not zero them first.
    UseRec() {}         // NOLINT(modernize-use-equals-default): `= default` would zero in resize()
    uint32_t from, to;  // the points the operand needs its location for
    uint32_t inst, operand;
    float freq;
    bool requiring;  // needs a register (kReg, kReuse), not a fixed one or the slot
  };
  // A reservation of a physical register by a fixed operand of `vreg`. Clobbers are reservations
  // of no vreg at 4i + 2, kept only as bits of the bitmaps (bitmaps_) (Backtrack::FirstClobberIn).
  struct Res {
    uint32_t from, to, vreg;
  };
  struct Bundle {
    uint32_t begin = 0, end = 0;  // into arena_, sorted by from, disjoint
    float weight = 0;
    uint32_t size = 0;  // points covered: the queue priority
    PReg reg;
    PReg hint;
    RegClass cls = RegClass::kInt;
    uint8_t gen = 0;  // splits that led to this bundle
    bool minimal = false, spilled = false, dead = false, has_req = false;
    bool grouped = false;  // made of nearby operands of a spilled bundle (SpillToMinimal)
    // Every range is of one vreg (an unmerged vreg's bundle, or a part of one): Weigh then
    // walks the vreg's uses instead of the ranges. False is always safe.
    bool one_vreg = false;
    // Put off once because only a fresh callee-saved register was free (Place, AllocateAll).
    bool deferred = false;
    // Its spans (see Span below), when kept in span_arena_ (by BuildSpans when Place first
    // sees it, by SplitAt for its parts, by Evict); empty: not kept yet, BuildSpans joins the
    // ranges. A live bundle's ranges do not change, so kept spans stay exact.
    uint32_t span_begin = 0, span_end = 0;
    // A one-vreg bundle whose uses (records whose first point lies in one of its ranges) are
    // exactly uses_[use_lo, use_hi): an initial bundle (all of its vreg's records) and the
    // SplitAt parts of one (split at the gap). False is always safe.
    bool uses_exact = false;
    uint32_t use_lo = 0, use_hi = 0;
  };
  struct ReusePair {
    uint32_t input, def, inst, def_operand;
  };
  struct Cross {  // reference `vreg` live across safepoint `inst`
    uint32_t inst, vreg;
  };

  // Empties every container, keeping its capacity (the bitmaps, bitmaps_ and cover_, have no
  // size: the coming run writes them before reading them).
  void Clear();
  // Bytes of capacity held. A thread keeps its scratch between runs only up to
  // kMaxRetainedBytes, so one huge function does not pin its memory for the rest of the module.
  size_t RetainedBytes() const;
  static constexpr size_t kMaxRetainedBytes = size_t{32} << 20;
  // Functions up to this size cannot grow the scratch anywhere near kMaxRetainedBytes.
  static constexpr uint32_t kCheckRetainedInsts = 4096;
  // Calls f(container) for each container member (vectors and interval sets).
  template <class F>
  void ForEachContainer(F&& f);
  // The same, except the per-register containers (res_, res_index_).
  template <class F>
  void ForEachSharedContainer(F&& f);
  // Registers whose reservation lists (res_, res_index_) may be nonempty: Clear empties only
  // those.
  PRegSet reserved_regs_;

  // Blocks.
  std::vector<uint32_t> depth_, prev_shallower_, header_, parent_, block_of_inst_;
  std::vector<uint32_t> next_call_;  // per instruction: the first one at or after it with clobbers
  // Per block, for CutLoop: the stamp of the last call that found the bundle live into it at
  // its start, used in the loop it heads, or cutting that loop out.
  std::vector<uint32_t> live_mark_, used_mark_, cut_mark_;
  // Per block, for CutLoopAcross: the earliest start point of a header on its loop chain, or
  // kNone; Backtrack::kUnknown until first asked (OuterHeaderStart).
  std::vector<uint32_t> outer_header_start_;
  // Per block h, for CutLoopAcross: the last block whose OuterHeaderStart is at most h's start
  // (kNone: none). Empty until first asked in a run (LastLooped).
  std::vector<uint32_t> last_looped_;
  std::vector<float> freq_;

  // Ranges per vreg (CSR, sorted, touching ranges joined except references': BuildRanges),
  // uses per vreg (CSR), defs, safepoint crossings.
  std::vector<uint32_t> range_begin_;
  std::vector<Range> ranges_;
  std::vector<uint32_t> vreg_blocks_;  // per vreg: its ranges in per-block form (blocks it is in)
  std::vector<uint64_t> tmp_bits_;     // BuildRangesJoined: three bit rows
  std::vector<uint32_t> vreg_size_;    // per vreg: points its ranges cover
  std::vector<uint32_t> use_begin_;
  std::vector<UseRec> uses_;
  std::vector<uint32_t> def_inst_;
  std::vector<Cross> cross_;  // sorted by (vreg, inst)
  std::vector<uint8_t> op_flags_;
  std::vector<PReg> hint_;
  std::vector<ReusePair> reuse_pairs_;
  // Per-register arrays are vectors of PReg::kNumIndices entries (Clear() sizes them).
  std::vector<std::vector<Res>> res_;
  static constexpr uint32_t kResShift = 6;
  std::vector<std::vector<uint32_t>> res_index_;  // per bucket: first reservation in it

  // Bundles and the assigned bundles' ranges per register.
  //
  // The arena holds each vreg's ranges with touching neighbours joined (CompactRanges: a value
  // live through consecutive blocks in layout order has one range there, not one per block;
  // references' ranges are not joined), from arena_begin_[v] to arena_begin_[v + 1] before
  // MergeBundles, then the bundles' lists. Every decision of the allocation loop depends only on
  // the points a bundle's ranges cover per vreg and on block boundaries, never on where a range
  // of one vreg ends and the next begins (the per-block form is the joined form cut at every
  // block start inside a range): CutLoop and CutLoopAcross visit the blocks a range covers, and
  // MergeBundles caps merges by the per-block count (bundle_blocks_, from vreg_blocks_). ranges_
  // keeps the same lists for Resolve (the allocation loop cuts the arena's in place).
  std::vector<uint32_t> arena_begin_;
  std::vector<uint32_t> bundle_blocks_;  // MergeBundles: per bundle, its ranges in per-block form
  std::vector<Range> arena_;
  std::vector<Bundle> bundles_;
  std::vector<uint32_t> vreg_bundle_;
  // The assigned spans of every register: their ends, bundles and weights by (register, start)
  // (interval_set.h); where they begin and what they cover is in the bitmaps (bitmaps_,
  // cover_). Assigned spans of one register are disjoint.
  IntervalMap occ_;
  struct SizeClass {  // (first point, bundle): initial bundles sorted, requeued ones in a heap
    std::vector<std::pair<uint32_t, uint32_t>> sorted, heap;
    size_t next = 0;
  };
  std::vector<SizeClass> classes_;  // 33 size classes
  // Bit c: classes_[c] may hold bundles. Invariant: a class whose bit is clear is empty (no
  // sorted or heap entries, next 0): PopQueue empties a class when it clears its bit, and Clear
  // empties the classes whose bits are set, so neither Clear nor AllocateAll's sort visits the
  // others.
  uint64_t nonempty_ = 0;
  // Candidates() with a hint: per hint used in the run, the hint then cands_base_ without it.
  std::vector<PReg> cands_;
  std::vector<uint32_t> cands_at_;  // per register: its list's start in cands_, or kNone
  // Per register class: preferred then non-preferred registers (Candidates without a hint).
  // Kept from run to run with what Reset derives from them (not cleared by Clear): Reset
  // rebuilds them only when the run's environment lists differ, compared by content (a test
  // may put another environment at the same address). Invariant: env_allocatable_ holds the
  // registers of every cands_base_[c], env_callee_saved_ those at or after
  // cands_preferred_[c] (the non-preferred ones), as Reset would derive them (all empty in a
  // fresh scratch, as from an environment with no registers).
  std::vector<PReg> cands_base_[kNumRegClasses];
  size_t cands_preferred_[kNumRegClasses] = {};
  PRegSet env_allocatable_, env_callee_saved_;
  // Per candidate of the last Place(): index (in the bundle) of its first range with a conflict,
  // or Backtrack::kUnknown for one the first pass found taken at an assigned bit under the
  // bundle's bitmap. For those, the first pass notes the bitmap word of the first such bit (of
  // a bundle over several words, with kResBefore when reservation bits under the bundle come
  // before that word), and Place sets the point itself before it calls Split.
  std::vector<uint32_t> first_conflict_range_, first_occ_word_, first_occ_pt_;
  static constexpr uint32_t kResBefore = uint32_t{1} << 31;
  // Of the candidates of the last Place() that no call inside the bundle clobbers (clob_mask_),
  // by bit like clob_mask_, for Split: the fresh callee-saved registers the bundle does not pay
  // for (a save and a restore at the entry block's frequency), and those taken at an assigned
  // bit (first_occ_pt_) with reservation bits under the bundle before it (one of them may be an
  // earlier conflict). Place keeps them (and the candidates whose first conflict is a
  // reservation) in locals: masks, not a byte per candidate, whose stores made the compiler
  // reload every vector's data pointer after them.
  uint64_t cand_declined_ = 0, cand_res_before_occ_ = 0;
  // Per allocatable register, one bit per point, in pairs of words (reservations of any vreg,
  // assigned ranges): a filter in front of the exact queries. A range whose bits are all clear
  // has no conflict in that register; a set bit sends the query to res_ and occ_ (a reservation
  // of the bundle's own vreg sets bits but is no conflict). The assigned half is exact because
  // assigned ranges in one register are disjoint; the reservation half holds the clobbers
  // themselves (point 4i + 2 of each call that clobbers the register).
  // Per allocatable register, one bit per point: the starts of its assigned spans (one word per
  // 64 points, beside the pair above).
  // Both in one block for all the allocatable registers (BuildUses: the pairs of register k of
  // allocatable_ at 2 * k * W, its start words at (2 * n + k) * W, for W words per 64 points and
  // n registers), reached through busy_at_ and starts_at_; BuildUses zeroes each register's
  // words. One block instead of a vector per register: sizing 30 vectors in BuildUses and 60 in
  // AllocateAll per function cost 50 to 80 instructions a register besides the memsets.
  UninitArray<uint64_t> bitmaps_;
  // Per allocatable register and 64-point word w (cover_at_), the start of the assigned span
  // covering point 64w, meaningful only while the assigned bit of 64w is set (the span that
  // sets that bit writes it, and no other span covers 64w while it is assigned): written before
  // it is read, so never zeroed.
  struct CoverStart {
    uint32_t start;
  };
  UninitArray<CoverStart> cover_;
  std::vector<uint32_t> evict_list_;
  std::vector<uint32_t> deferred_, deferred_round_;  // bundles Place() put off (AllocateAll)
  std::vector<Range> req_;

  // Resolution: the register pieces of each vreg (CSR, sorted by from), def locations.
  struct Piece {
    uint32_t from, to;
    PReg reg;
  };
  std::vector<uint32_t> piece_begin_;
  std::vector<Piece> pieces_;
  std::vector<Allocation> def_loc_;
  std::vector<uint8_t> needs_slot_;
  std::vector<uint8_t> remat_;  // per vreg: rematerialized instead of spilled (no slot)
  struct InReg {                // a live-in of a block in a register at its start (edge moves)
    // As Range: default construction writes nothing (Resolve sizes the list ahead of filling).
    InReg() {}  // NOLINT(modernize-use-equals-default)
    InReg(uint32_t v, uint32_t p, uint32_t n) : vreg(v), piece(p), next(n) {}
    uint32_t vreg;
    uint32_t piece;  // index in pieces_ of its piece covering the block's first point
    uint32_t next;   // the block's next entry in in_reg_, or kNone
  };
  std::vector<uint32_t> in_reg_begin_;  // per block: its first entry in in_reg_, or kNone
  std::vector<InReg> in_reg_;

  // Temporaries of BuildRanges and MergeBundles.
  std::vector<uint32_t> tmp_end_, tmp_pos_, tmp_live_, tmp_fill_, tmp_seen_;
  std::vector<Range> tmp_raw_;
  std::vector<std::pair<uint32_t, uint32_t>> tmp_acc_;
  // A bundle's ranges with touching neighbours joined (see BuildSpans).
  struct Span {
    uint32_t from, to;
    uint32_t first, last;  // ranges [first, last) of the bundle it covers
  };
  std::vector<Span> span_arena_;       // the kept spans of bundles (Bundle::span_begin)
  std::vector<uint64_t> bundle_mask_;  // Place(): the bundle's points, from its first word on
  std::vector<uint8_t> tmp_inside_;    // CutLoop(): per piece of the bundle, inside the loop
  std::vector<Range> tmp_pieces_;      // CutLoop(): the bundle's ranges cut where the side changes
};

// The scalar state of one run: Backtrack::Reset assigns a fresh one, so every run starts from
// these initial values whatever the last run on the thread left.
struct BacktrackRunState {
  const Function* f_ = nullptr;
  const MachineEnv* env_ = nullptr;
  const Liveness* live_ = nullptr;
  Output* out_ = nullptr;
  PRegSet allocatable_;
  PRegSet callee_saved_;  // the environment's non_preferred registers
  // Callee-saved registers no bundle has been assigned to yet (callee_saved_ less the claimed
  // ones): a claimed one is saved and restored by the frame, so further bundles use it at no
  // extra cost. Only shrinks (an evicted bundle's register usually gets another occupant).
  PRegSet unclaimed_;
  float claim_cost_ = 0;
  PRegSet all_clobbers_;  // every register some call of the function clobbers (AllocateAll)
  // The last Place(): its candidates in order (cands_base_ of the class, or in cands_ with a hint).
  std::span<const PReg> cand_list_;
  // The last Place(): the registers the calls inside the bundle clobber, and which of its
  // candidates they are (bit k: cand_list_[k]; a class has at most 64 registers).
  PRegSet clobbered_;
  uint64_t clob_mask_ = 0;
  // Per register class: a bit for each candidate (k < cands_base_[c].size(); AllocateAll).
  uint64_t all_cands_[kNumRegClasses] = {};
  // Per register class, ClobberedCandidates' last clobbered set (empty: none yet; it is asked
  // only for nonempty sets) and which candidates of the class's base list (cands_base_) are in it.
  PRegSet clob_cache_set_[kNumRegClasses];
  uint64_t clob_cache_mask_[kNumRegClasses] = {};
  // The last Place(): the first call inside the bundle with clobbers, its set and point (4j+2).
  PRegSet first_call_set_;
  uint32_t first_call_pt_ = 0;
  uint32_t cut_stamp_ = 0;
  uint64_t budget_ = 0;  // evictions of non-minimal bundles left
};

// One object per thread (RunBacktrack) allocates function after function: its containers
// (BacktrackScratch) keep their capacity from run to run, and Reset starts each run. Moving the
// containers into a per-run object and back cost about 3,600 instructions per function.
class Backtrack : private BacktrackScratch, private BacktrackRunState {
 public:
  // Starts a run on f: a fresh run state, the containers cleared (BacktrackScratch::Clear).
  // f, env, live and out must outlive the run (Run, RangesForTesting).
  void Reset(const Function& f, const MachineEnv& env, const Liveness& live, Output* out);
  Status Run();
  // Tests only: builds the ranges (BuildRanges) and prints them, with the per-vreg sizes,
  // per-block counts, operand counts and defining instructions (BacktrackRangesForTesting).
  std::string RangesForTesting();
  // Bytes of capacity the containers hold (BacktrackScratch::RetainedBytes), and freeing them.
  size_t RetainedBytes() const { return BacktrackScratch::RetainedBytes(); }
  void ReleaseScratch() { static_cast<BacktrackScratch&>(*this) = BacktrackScratch(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // The live list of the range builders' backwards walks (backtrack.cc).
  static void LiveAdd(std::vector<uint32_t>& live, std::vector<uint32_t>& pos,
                      std::vector<uint32_t>& end, uint32_t v, uint32_t to);
  static void LiveRemove(std::vector<uint32_t>& live, std::vector<uint32_t>& pos, uint32_t v);
  static constexpr uint32_t kUnknown = UINT32_MAX - 1;  // a cache entry not yet computed
  static constexpr float kInfWeight = 1e30f;
  static constexpr uint8_t kMaxSplits = 8;     // then the bundle's operands get minimal bundles
  static constexpr uint32_t kMergeCap = 512;   // per-block ranges in a bundle merged from copies
  static constexpr uint32_t kGroupSpan = 8;    // instructions between operands sharing a reload
  static constexpr float kRematWeight = 0.5f;  // weight factor of all-rematerializable bundles
  // Whether v weighs as rematerializable (kRematWeight): a constant. A value recomputed from an
  // operand (remat_reads_operand) keeps its full weight: whether its operand will be in a
  // register where it comes back is not known while bundles are placed (Resolve decides, see
  // OperandInRegAtRemats). A factor of 0.75 for those was tried: more of them were evicted and
  // split, +20 moves per bench program for 7 fewer reloads.
  bool IsCheapRemat(uint32_t v) const {
    return f_->vregs[v].remat && !f_->vregs[v].remat_reads_operand;
  }

  std::span<const Range> Ranges(const Bundle& b) const {
    return {arena_.data() + b.begin, b.end - b.begin};
  }

  // Building (backtrack.cc).
  void ComputeBlockInfo();
  void BuildRanges();
  void BuildRangesJoined();
  void BuildRangesWalk(bool any_ref);
  void CompactRanges();
  void BuildUses();
  void Extend(uint32_t d, uint32_t inst, uint32_t def_operand);
  Status MergeBundles();
  const Range* RangeAt(uint32_t v, uint32_t p) const;

  // Callee-saved registers (backtrack.cc): the first bundle placed in one costs a save and a
  // restore in the prologue and epilogue.
  float SpillCost(const Bundle& bu) const;
  // *cost: the bundle's SpillCost, or negative until computed (then stored there).
  bool DeclinesCalleeSaved(const Bundle& bu, PReg r, float* cost) const;

  // Allocation (backtrack.cc).
  struct UseCursor {  // where the last range's use scan stopped (UsesFrom)
    uint32_t vreg = UINT32_MAX;
    const UseRec* at = nullptr;
    const UseRec* end = nullptr;  // the end of vreg's uses
  };
  const UseRec* UsesFrom(const Range& r, UseCursor* cur) const;
  // True if no use of r's vreg from the cursor on lies in r, the cursor being in that vreg's
  // uses: a walk may skip r and leave the cursor as it is (UsesFrom would not move it).
  bool NoUseLeftIn(const Range& r, const UseCursor& cur) const {
    return cur.vreg == r.vreg && (cur.at == cur.end || cur.at->from >= r.to);
  }
  // `size`: the points the bundle covers when the caller knows them (kNone: count them).
  void Weigh(uint32_t b, uint32_t size = kNone);
  template <class F>
  void ForEachUseOf(const Bundle& bu, F&& f) const;
  template <class F>
  void ForEachUseOfOneVReg(std::span<const Range> rs, F&& f) const;
  void Enqueue(uint32_t b);
  uint32_t PopQueue();
  Status AllocateAll();
  Status Place(uint32_t b);
  std::span<const PReg> Candidates(const Bundle& bu);
  uint64_t ClobberedCandidates(const Bundle& bu, PRegSet clobbered);
  void BuildSpans(uint32_t b);
  void JoinRanges(const Bundle& bu, std::vector<Span>* out) const;
  // The kept spans of bu (BuildSpans): valid until span_arena_ grows.
  std::span<const Span> SpansOf(const Bundle& bu) const {
    return {span_arena_.data() + bu.span_begin, bu.span_end - bu.span_begin};
  }
  // Calls f(range of the bundle, conflicting bundle or kNone for a reservation, its weight) for
  // each conflict of the bundle's ranges in register r, in increasing range order; f returns
  // false to stop. A range meeting reservations of other vregs reports them once, first (every
  // caller stops there or meets none). An assigned bundle met by consecutive ranges inside one
  // of its entries is reported for the first of them only (callers keep the maximum weight or a
  // set of bundles).
  // bu's spans must be kept (BuildSpans).
  // Ranges before from_range are known to have no conflict in r.
  template <class F>
  void ForEachConflict(const Bundle& bu, PReg r, uint32_t from_range, F&& f) const;
  template <class F>
  bool ForEachBusyRange(const Bundle& bu, PReg r, uint32_t from_range, F&& f,
                        const uint32_t* occ_seen = nullptr) const;
  uint32_t FirstConflictRange(const Bundle& bu, PReg r, bool* reserved) const;
  uint32_t RangeIndexAt(const Bundle& bu, uint32_t p) const;
  bool ReservedByOther(PReg r, const Range& x) const;
  uint32_t FirstClobberIn(PReg r, uint32_t a, uint32_t b) const;
  // `limit`: a point where bu is known to conflict in r (the answer when none comes before).
  uint32_t FirstConflict(const Bundle& bu, PReg r, uint32_t from_range,
                         uint32_t limit = UINT32_MAX) const;
  uint32_t FirstConflictIn(PReg r, const Range& x) const;
  uint32_t FirstClobber(const Bundle& bu, PReg r) const;
  uint32_t Busy(PReg r, uint32_t a, uint32_t b) const;
  uint32_t FirstBusy(PReg r, uint32_t a, uint32_t b) const;
  uint32_t FirstAssigned(PReg r, uint32_t a, uint32_t b) const;
  uint32_t FirstReserved(PReg r, uint32_t a, uint32_t b) const;
  // The assigned spans of r (occ_ and the bitmaps): adding some, removing one, and calling
  // f(entry) for each one overlapping [a, b) in order until f returns false.
  void AddAssigned(PReg r, const Span* first, const Span* last, uint32_t b, float weight);
  void RemoveAssigned(PReg r, uint32_t from, uint32_t to);
  const IntervalMap::Entry& AssignedAt(PReg r, uint32_t p) const;
  template <class F>
  void ForEachAssigned(PReg r, uint32_t a, uint32_t b, F&& f) const;
#ifdef EGRET_DEBUG
  template <class F>
  void ForEachAssignedWalk(PReg r, uint32_t a, uint32_t b, F&& f) const;  // checked by the above
#endif
  void MarkBusy(PReg r, uint32_t a, uint32_t b, uint32_t half, bool set);
  uint32_t ResLowerBound(PReg r, uint32_t p) const;
  void Assign(uint32_t b, PReg r);
  void AssignSpans(uint32_t b, PReg r);
  void Evict(uint32_t b);
  uint32_t ColdestGap(uint32_t lo, uint32_t hi) const;
  bool CutLoop(uint32_t b, uint32_t at);
  bool CutLoopAcross(uint32_t b, uint32_t g);
  uint32_t OuterHeaderStart(uint32_t block);
  uint32_t LastLooped(uint32_t block);
  std::pair<uint32_t, uint32_t> SplitAt(uint32_t b, uint32_t g, bool weigh_head = true);
  void ReserveArena(size_t n);
  void RequiringUses(const Bundle& bu, std::vector<Range>* out) const;
  Status Split(uint32_t b);
  Status SpillToMinimal(uint32_t b);

  // Resolution (backtrack_resolve.cc).
  Status Resolve();
  Allocation Loc(uint32_t v, uint32_t p) const;
  Allocation LocNear(uint32_t v, uint32_t near, uint32_t p) const;  // from piece `near` outwards
  Allocation EndOf(uint32_t v, uint32_t inst) const;
  bool Crosses(uint32_t v, uint32_t inst) const;
  // For a remat_reads_operand vreg v: whether its operand is in a register wherever Resolve
  // would recompute v (RematSourcePoint), so every reload of v can be a remat.
  bool OperandInRegAtRemats(uint32_t v) const;
  // Whether a remat of v at target point p may read its operand's register (see the .cc).
  bool OperandInRegFor(uint32_t v, uint32_t p, uint32_t before, uint32_t succ) const;
  // v keeps its slot but is recomputed instead of reloaded where OperandInRegFor holds.
  bool PartialRemat(uint32_t v) const { return f_->vregs[v].remat_reads_operand && !remat_[v]; }
  // Where the register a remat of v reads is looked up: the point of its parallel move's target
  // state (the gap `4 * inst`, or for edge moves at a predecessor's end, its successor's start).
  uint32_t RematSourcePoint(uint32_t inst, bool at_pred_end) const;
  // Sets a remat edit's remat_src when its value reads an operand (see the .cc).
  Status SetRematSource(Edit* e, bool at_pred_end) const;
  void AssignSlots();

  // Not in BacktrackRunState (not reset per run): BuildUses writes them before any reads.
  // Where each allocatable register's bitmap pairs, start words and cover words begin in
  // bitmaps_ and cover_, set by BuildUses (the blocks keep their place while the run goes on).
  uint64_t* busy_at_[PReg::kNumIndices];
  uint64_t* starts_at_[PReg::kNumIndices];
  CoverStart* cover_at_[PReg::kNumIndices];
  // Per allocatable register (AllocateAll): whether the reservation half of its bitmap may have
  // a bit set (some call clobbers it or some fixed operand reserves it).
  bool res_any_[PReg::kNumIndices];
  // Per register used as a hint in the run: its position in its class's base candidate list,
  // written by Candidates when it builds the hint's list (before ClobberedCandidates reads it).
  uint8_t hint_pos_[PReg::kNumIndices];
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_BACKTRACK_IMPL_H_
