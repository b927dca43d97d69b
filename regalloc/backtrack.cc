// backtrack.cc: building live ranges and bundles, and the allocation loop (see backtrack.h).
// The resolution of the result into operand allocations, edits, spill slots and stack maps is in
// backtrack_resolve.cc.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "regalloc/backtrack_impl.h"

namespace egret::regalloc {

template <class F>
void BacktrackScratch::ForEachSharedContainer(F&& f) {
  f(depth_), f(prev_shallower_), f(header_), f(parent_), f(block_of_inst_), f(next_call_);
  f(live_mark_), f(used_mark_), f(cut_mark_), f(outer_header_start_), f(freq_);
  f(range_begin_), f(ranges_), f(vreg_blocks_), f(tmp_bits_), f(vreg_size_), f(use_begin_),
      f(uses_), f(def_inst_), f(cross_), f(op_flags_);
  f(hint_), f(reuse_pairs_);
  f(arena_begin_), f(bundle_blocks_), f(arena_), f(bundles_), f(vreg_bundle_);
  f(cands_), f(cands_at_), f(first_conflict_range_), f(first_occ_word_), f(first_occ_pt_);
  f(evict_list_), f(deferred_), f(deferred_round_), f(req_), f(piece_begin_), f(pieces_),
      f(def_loc_), f(needs_slot_), f(remat_);
  f(in_reg_begin_), f(in_reg_);
  f(tmp_end_), f(tmp_pos_), f(tmp_live_), f(tmp_fill_), f(tmp_seen_), f(tmp_acc_), f(tmp_raw_);
  f(bundle_mask_), f(tmp_inside_), f(tmp_pieces_), f(last_looped_), f(span_arena_), f(occ_);
  f(bitmaps_), f(cover_);
}

template <class F>
void BacktrackScratch::ForEachContainer(F&& f) {
  ForEachSharedContainer(f);
  for (SizeClass& sc : classes_) f(sc.sorted), f(sc.heap);
  for (auto& v : cands_base_) f(v);
  for (auto& v : res_) f(v);
  for (auto& v : res_index_) f(v);
}

// The per-register containers (PReg::kNumIndices of each kind, most never used by a target) are
// cleared only for the registers the last run reserved: clearing them all touched a few hundred
// cache lines of container headers per function. The size classes are emptied by nonempty_.
void BacktrackScratch::Clear() {
  res_.resize(PReg::kNumIndices);
  res_index_.resize(PReg::kNumIndices);
  classes_.resize(33);
  for (uint64_t m = nonempty_; m != 0; m &= m - 1) {
    SizeClass& sc = classes_[__builtin_ctzll(m)];
    sc.sorted.clear();
    sc.heap.clear();
    sc.next = 0;
  }
  nonempty_ = 0;
  reserved_regs_.ForEach([&](PReg r) {
    res_[r.index()].clear();
    res_index_[r.index()].clear();
  });
  reserved_regs_ = PRegSet();
  ForEachSharedContainer([](auto& c) { c.clear(); });
}

size_t BacktrackScratch::RetainedBytes() const {
  size_t bytes = 0;
  const_cast<BacktrackScratch*>(this)->ForEachContainer([&](auto& c) {
    if constexpr (std::is_same_v<std::decay_t<decltype(c)>, IntervalMap>)
      bytes += c.CapacityBytes();
    else
      bytes += c.capacity() * sizeof(c[0]);
  });
  return bytes;
}

void Backtrack::Reset(const Function& f, const MachineEnv& env, const Liveness& live, Output* out) {
  static_cast<BacktrackRunState&>(*this) = BacktrackRunState();
  f_ = &f;
  env_ = &env;
  live_ = &live;
  out_ = out;
  // Nearly always the environment of the last run on this thread (one per target): then the
  // candidate lists and register sets kept in the scratch are this environment's.
  // A PReg is one byte, its only state: lists of equal bytes are equal lists.
  static_assert(sizeof(PReg) == 1 && std::is_trivially_copyable_v<PReg>);
  bool same = true;
  for (int c = 0; c < kNumRegClasses && same; ++c) {
    const std::vector<PReg>& pref = env.preferred[c];
    const std::vector<PReg>& non_pref = env.non_preferred[c];
    const std::vector<PReg>& base = cands_base_[c];
    same = cands_preferred_[c] == pref.size() && base.size() == pref.size() + non_pref.size() &&
           (pref.empty() || std::memcmp(pref.data(), base.data(), pref.size()) == 0) &&
           (non_pref.empty() ||
            std::memcmp(non_pref.data(), base.data() + pref.size(), non_pref.size()) == 0);
  }
  if (!same) {
    env_allocatable_ = PRegSet();
    env_callee_saved_ = PRegSet();
    for (int c = 0; c < kNumRegClasses; ++c) {
      for (PReg r : env.preferred[c]) env_allocatable_.Add(r);
      for (PReg r : env.non_preferred[c]) {
        env_allocatable_.Add(r);
        env_callee_saved_.Add(r);
      }
      cands_base_[c].assign(env.preferred[c].begin(), env.preferred[c].end());
      cands_base_[c].insert(cands_base_[c].end(), env.non_preferred[c].begin(),
                            env.non_preferred[c].end());
      cands_preferred_[c] = env.preferred[c].size();
    }
  }
  allocatable_ = env_allocatable_;
  callee_saved_ = env_callee_saved_;
  Clear();
  unclaimed_ = callee_saved_;
}

Status Backtrack::Run() {
  ComputeBlockInfo();
  BuildRanges();
  BuildUses();
  EGRET_TRY(MergeBundles());
  EGRET_TRY(AllocateAll());
  return Resolve();
}

// Loop depth per block: from the backend if it filled Function::loop_depth, else from the layout
// (a back edge p -> s with s <= p encloses the blocks s..p), then for each block the nearest
// earlier block in layout with a smaller depth (for choosing the coldest split point).
void Backtrack::ComputeBlockInfo() {
  const uint32_t nb = f_->num_blocks();
  if (f_->loop_depth.size() == nb) {
    depth_.assign(f_->loop_depth.begin(), f_->loop_depth.end());
  } else {
    depth_.assign(nb, 0);
    std::vector<int32_t> diff(nb + 1, 0);
    for (uint32_t p = 0; p < nb; ++p)
      for (const SuccEdge& e : f_->Succs(Block(p)))
        if (e.block.index <= p) {
          ++diff[e.block.index];
          --diff[p + 1];
        }
    int32_t d = 0;
    for (uint32_t b = 0; b < nb; ++b) {
      d += diff[b];
      depth_[b] = static_cast<uint32_t>(std::min(d, 200));
    }
  }
  // prev_shallower_[b]: the nearest earlier block with a smaller depth. Found from b - 1 by
  // following the answers already made: every block between prev_shallower_[p] and p is at least
  // as deep as p, so when p is at least as deep as b, none of them is the answer either (the
  // chains are the stack of the usual "previous smaller element" walk, kept in the result).
  prev_shallower_.resize(nb);
  {
    uint32_t* const prev = prev_shallower_.data();
    const uint32_t* const depth = depth_.data();
    for (uint32_t b = 0; b < nb; ++b) {
      uint32_t p = b - 1;  // kNone for b = 0
      while (p != kNone && depth[p] >= depth[b]) p = prev[p];
      prev[b] = p;
    }
  }
  // The header of each block's innermost loop (a layout index, kNone outside loops or when
  // unknown) and, for headers, the header of the enclosing loop: from the backend's tables when
  // it filled them, else derived from back edges. Derived: a block's header is the latest target
  // s of a back edge p -> s (s <= p in layout) whose span [s, p] holds the block and whose depth
  // equals the block's (the header comes first among its loop's blocks in any layout where it
  // dominates them, such as reverse post-order; a block of the span with another depth, such as
  // a loop exit laid out between header and latch, belongs to another loop); a header's parent
  // is the latest such s one level shallower. The spans are walked within a budget linear in
  // the number of blocks; past it, headers stay unknown (ColdestGap then falls back to
  // prev_shallower_, and no loop is cut out of a bundle).
  live_mark_.assign(nb, 0);
  used_mark_.assign(nb, 0);
  cut_mark_.assign(nb, 0);
  outer_header_start_.assign(nb, kUnknown);
  if (f_->loop_header.size() == nb && f_->loop_parent.size() == nb) {
    header_.assign(f_->loop_header.begin(), f_->loop_header.end());
    parent_.assign(f_->loop_parent.begin(), f_->loop_parent.end());
  } else {
    header_.assign(nb, kNone);
    parent_.assign(nb, kNone);
    uint64_t work = 32 * static_cast<uint64_t>(nb) + 64;
    for (int pass = 0; pass < 2; ++pass)
      for (uint32_t p = 0; p < nb && work > 0; ++p)
        for (const SuccEdge& e : f_->Succs(Block(p))) {
          const uint32_t s = e.block.index;
          if (s > p || depth_[s] == 0) continue;
          for (uint32_t b = p + 1; b-- > s && work > 0;) {
            --work;
            if (pass == 0 && depth_[b] == depth_[s] && (header_[b] == kNone || header_[b] < s))
              header_[b] = s;
            if (pass == 1 && header_[b] == b && depth_[b] == depth_[s] + 1 &&
                (parent_[b] == kNone || parent_[b] < s))
              parent_[b] = s;
          }
        }
  }
  // next_call_[i]: the first instruction j >= i with clobbers (kNone if none); block_of_inst_:
  // each instruction's block. One backward pass (the blocks tile the instructions in order:
  // ValidateTables), the tables in locals.
  const uint32_t ni = f_->num_insts();
  next_call_.resize(ni + 1);
  block_of_inst_.resize(ni);
  {
    uint32_t* const next_call = next_call_.data();
    uint32_t* const block_of = block_of_inst_.data();
    const InstData* const insts = f_->insts.data();
    const BlockData* const blocks = f_->blocks.data();
    const PRegSet* const sets = f_->clobber_sets.data();
    uint32_t call = kNone;
    next_call[ni] = kNone;
    for (uint32_t b = nb; b-- > 0;) {
      const uint32_t begin = blocks[b].inst_begin;
      for (uint32_t i = blocks[b].inst_end; i-- > begin;) {
        const uint32_t c = insts[i].clobbers;
        if (c != InstData::kNoClobbers && !sets[c].Empty()) call = i;
        next_call[i] = call;
        block_of[i] = b;
      }
    }
  }
  // 8^min(depth, 10): std::pow's own values, computed once per process (a call per block cost
  // more than the rest of this function on lz20).
  static const std::array<float, 11> kPow8 = [] {
    std::array<float, 11> t;
    for (uint32_t d = 0; d < t.size(); ++d) t[d] = std::pow(8.0f, static_cast<float>(d));
    return t;
  }();
  freq_.resize(nb);
  for (uint32_t b = 0; b < nb; ++b) freq_[b] = kPow8[std::min<uint32_t>(depth_[b], 10)];
  claim_cost_ = nb > 0 ? 2 * freq_[0] : 0;
}

// Live ranges by one backward pass per block over an explicit live set (insert and erase O(1)).
// References live across a safepoint get a hole at [4i+2, 4i+4): they are in their slot there,
// and reloaded after it (the collector may have moved the object).
//
// ranges_ (CSR range_begin_) holds each vreg's ranges sorted, with touching neighbours joined: a
// value live through consecutive blocks in layout order has one range there, not one per block
// (lz20: 113 K ranges, against 900 K (block, live vreg) pairs). References' ranges are not
// joined (Resolve keeps a reference's pieces apart around safepoints). The arena starts as a copy
// (the initial bundles' lists, which the allocation loop cuts in place; ranges_ stays for
// Resolve and Extend), and vreg_blocks_[v] counts v's ranges in per-block form (the blocks v has
// a range in: MergeBundles' cap). The per-block form is the joined one cut at every block start
// inside a range.
//
// Without references and with the dense liveness rows (most functions), BuildRangesJoined makes
// the joined ranges directly: only the runs of blocks that start or end cost work per value.
// Otherwise (references, the sparse method's lists, or a test asking for per-block ranges)
// BuildRangesWalk makes one range per (block, live vreg) and CompactRanges joins them.
namespace {
std::atomic<bool> g_join_ranges{true};       // SetBacktrackJoinRangesForTesting
std::atomic<bool> g_ranges_from_rows{true};  // SetBacktrackRangesFromRowsForTesting
}  // namespace

// The live list of the two range builders' backwards walks: `live` holds the vregs live at the
// walk's point in any order, pos[v] is v's index in it (kNone: not live) and end[v] the end of
// v's open range. Both operations are O(1); removal moves the last entry into the hole.
void Backtrack::LiveAdd(std::vector<uint32_t>& live, std::vector<uint32_t>& pos,
                        std::vector<uint32_t>& end, uint32_t v, uint32_t to) {
  pos[v] = static_cast<uint32_t>(live.size());
  live.push_back(v);
  end[v] = to;
}
void Backtrack::LiveRemove(std::vector<uint32_t>& live, std::vector<uint32_t>& pos, uint32_t v) {
  const uint32_t at = pos[v];
  pos[live.back()] = at;
  live[at] = live.back();
  live.pop_back();
  pos[v] = kNone;
}

void SetBacktrackJoinRangesForTesting(bool join) {
  g_join_ranges.store(join, std::memory_order_relaxed);
}

void SetBacktrackRangesFromRowsForTesting(bool rows) {
  g_ranges_from_rows.store(rows, std::memory_order_relaxed);
}

void Backtrack::BuildRanges() {
  bool any_ref = false;
  for (const VRegData& d : f_->vregs) any_ref |= d.is_ref;
  if (!any_ref && live_->has_live_out_rows() && g_join_ranges.load(std::memory_order_relaxed) &&
      g_ranges_from_rows.load(std::memory_order_relaxed))
    BuildRangesJoined();
  else
    BuildRangesWalk(any_ref);
#ifdef EGRET_DEBUG
  for (uint32_t v = 0; v < f_->num_vregs(); ++v)
    for (uint32_t k = range_begin_[v] + 1; k < range_begin_[v + 1]; ++k)
      EGRET_DCHECK(f_->vregs[v].is_ref || ranges_[k - 1].to < ranges_[k].from);
#endif
}

// The joined ranges from the live-out rows, without references. Per block b, the walk over its
// instructions (backwards, as BuildRangesWalk's) makes the range in b of each vreg that is an
// operand of b; every other value live out of b is live through b, [start(b), end(b)). Whether
// b's range of v joins v's previous range: exactly when that range ends at b's start (it is v's
// range in the block before, reaching that block's end: `open`) and b's range begins there. For
// the values live through b that is a row operation, a word at a time:
//   through = liveout(b) & ~operands(b)
//   through & open:   the run goes on (nothing to write: the range's end is written when the run
//                     stops; until then its `to` may be stale)
//   through & ~open:  a run starts: a range [start(b), end(b)) is made
//   open & ~through & ~operands(b): the run stopped at b's start: its range's `to` is written
//   open := through | (operands whose range in b reaches end(b))
// so the (block, value) pairs that continue a run (lz20: some 680 K of 790 K) cost nothing each.
// An operand's range is joined or made by emit() below. The ranges are made in block order, one
// per vreg and block at most (SSA: a def ends the range walked from the block's end, and no use
// comes before the def in its block), so each vreg's come sorted and a counting sort by vreg
// gives the lists.
void Backtrack::BuildRangesJoined() {
  const uint32_t nv = f_->num_vregs(), nb = f_->num_blocks(), nw = live_->row_words();
  std::vector<uint32_t>& end = tmp_end_;
  std::vector<uint32_t>& pos = tmp_pos_;
  std::vector<uint32_t>& live = tmp_live_;
  std::vector<Range>& raw = tmp_raw_;  // a buffer: its size is a high-water mark
  end.assign(nv, 0);
  pos.assign(nv, kNone);
  def_inst_.assign(nv, kNone);
  use_begin_.assign(nv + 1, 0);
  range_begin_.assign(nv + 1, 0);  // ranges per vreg at [v + 1], then the prefix sums
  tmp_fill_.resize(nv);            // per vreg: its latest range in raw, read only while open
  tmp_bits_.assign(3 * static_cast<size_t>(nw), 0);
  uint64_t* const opnd = tmp_bits_.data();  // the operands of the block
  uint64_t* const open = opnd + nw;         // the vregs whose latest range ends at its start
  uint64_t* const ends = open + nw;         // operands whose range in the block reaches its end
  uint32_t* const uses_of = use_begin_.data() + 1;  // operands per vreg, for BuildUses
  uint32_t* const count = range_begin_.data() + 1;
  uint32_t* const latest = tmp_fill_.data();
  auto add = [&](uint32_t v, uint32_t to) { LiveAdd(live, pos, end, v, to); };
  auto remove = [&](uint32_t v) { LiveRemove(live, pos, v); };
  uint32_t n = 0;  // ranges made
  for (uint32_t b = 0; b < nb; ++b) {
    const BlockData& bd = f_->blocks[b];
    const uint32_t bs = 4 * bd.inst_begin, be = 4 * bd.inst_end;
    const uint64_t* const lo = live_->LiveOutRow(Block(b));
    // Room for the block's ranges: one per operand and one per live-out value at most.
    const size_t room =
        n + (f_->insts[bd.inst_end - 1].operand_end - f_->insts[bd.inst_begin].operand_begin) +
        64 * static_cast<size_t>(nw);
    if (raw.size() < room) raw.resize(std::max(room, 2 * raw.size()));
    Range* const out = raw.data();
    // The range [from, to) of operand v in b, extended to b's end when v is live out (the walk
    // decides nothing from a range's end: a definition's range ends at the later of its point
    // and its uses', and the block's end is later than both).
    auto emit = [&](uint32_t v, uint32_t from, uint32_t to) {
      const uint64_t bit = uint64_t{1} << (v & 63);
      if (lo[v >> 6] & bit) to = be;
      if (to == be) ends[v >> 6] |= bit;
      if (open[v >> 6] & bit) {
        if (from == bs) {  // joins v's run
          out[latest[v]].to = to;
          return;
        }
        out[latest[v]].to = bs;  // v's run stopped at b's start
      }
      latest[v] = n;
      out[n++] = Range(from, to, v);
      ++count[v];
    };
    for (uint32_t i = bd.inst_end; i-- > bd.inst_begin;) {
      // One pass: an instruction's defs and uses are of different vregs (SSA), so a def's
      // leaving the live set and a use's entering it do not depend on each other's order
      // (the live set's order decides only the order ranges are made in).
      for (const Operand& op : f_->InstOperands(i)) {
        const uint32_t v = op.vreg.index;
        opnd[v >> 6] |= uint64_t{1} << (v & 63);
        ++uses_of[v];
        if (op.is_def()) {
          // A def ends its vreg's current range (or makes a point range), leaving the live set.
          const uint32_t from = op.is_early() ? 4 * i : 4 * i + 3;
          uint32_t to = 4 * i + 4;
          if (pos[v] != kNone) {
            to = std::max(to, end[v]);
            remove(v);
          }
          emit(v, from, to);
          def_inst_[v] = i;
        } else {
          const uint32_t to = op.is_early() ? 4 * i + 1 : 4 * i + 4;
          if (pos[v] == kNone)
            add(v, to);
          else
            end[v] = std::max(end[v], to);
        }
      }
    }
    for (size_t k = live.size(); k-- > 0;) {  // everything still live enters the block live
      const uint32_t v = live[k];
      emit(v, bs, end[v]);
      pos[v] = kNone;
    }
    live.clear();
    for (uint32_t w = 0; w < nw; ++w) {
      const uint64_t m = opnd[w], o = open[w];
      // Most words change nothing: no operand, and the runs going on are those open (ends is
      // empty without operands).
      if ((m | (lo[w] ^ o)) == 0) continue;
      const uint64_t through = lo[w] & ~m;
      for (uint64_t x = o & ~through & ~m; x != 0; x &= x - 1)
        out[latest[64 * w + static_cast<uint32_t>(__builtin_ctzll(x))]].to = bs;
      for (uint64_t x = through & ~o; x != 0; x &= x - 1) {
        const uint32_t v = 64 * w + static_cast<uint32_t>(__builtin_ctzll(x));
        latest[v] = n;
        out[n++] = Range(bs, be, v);
        ++count[v];
      }
      open[w] = through | ends[w];
      opnd[w] = 0;
      ends[w] = 0;
    }
  }
  if (nb > 0) {  // the runs still open end at the function's end
    const uint32_t fe = 4 * f_->blocks[nb - 1].inst_end;
    for (uint32_t w = 0; w < nw; ++w)
      for (uint64_t x = open[w]; x != 0; x &= x - 1)
        raw[latest[64 * w + static_cast<uint32_t>(__builtin_ctzll(x))]].to = fe;
  }
  // Per-vreg lists (counting sort), into ranges_ and the arena (room reserved for merges:
  // MergeBundles appends merged lists), with the points covered and the per-block counts.
  for (uint32_t v = 0; v < nv; ++v) range_begin_[v + 1] += range_begin_[v];
  ranges_.resize(n);  // Range's constructor is empty: resize() writes nothing
  arena_.reserve(2 * static_cast<size_t>(n));
  arena_.resize(n);
  vreg_size_.assign(nv, 0);
  vreg_blocks_.assign(nv, 0);
  std::vector<uint32_t>& fill = tmp_pos_;  // every entry kNone again: free
  fill.assign(range_begin_.begin(), range_begin_.end() - 1);
  {
    const Range* const in = raw.data();
    Range* const lists = ranges_.data();
    Range* const initial = arena_.data();
    uint32_t* const fill_at = fill.data();
    uint32_t* const size = vreg_size_.data();
    uint32_t* const blocks = vreg_blocks_.data();
    const uint32_t* const block_of = block_of_inst_.data();
    for (uint32_t k = 0; k < n; ++k) {
      const Range r = in[k];
      const uint32_t at = fill_at[r.vreg]++;
      lists[at] = r;
      initial[at] = r;
      size[r.vreg] += r.to - r.from;
      blocks[r.vreg] += block_of[(r.to - 1) / 4] - block_of[r.from / 4] + 1;
    }
  }
  arena_begin_.assign(range_begin_.begin(), range_begin_.end());
}

// One range per (block, live vreg), for any liveness and with references: the ranges are
// collected in block order, a counting sort by vreg makes the per-vreg lists, and CompactRanges
// joins them.
void Backtrack::BuildRangesWalk(bool any_ref) {
  const uint32_t nv = f_->num_vregs();
  std::vector<uint32_t>& end = tmp_end_;
  std::vector<uint32_t>& pos = tmp_pos_;
  std::vector<uint32_t>& live = tmp_live_;
  std::vector<Range>& raw = tmp_raw_;
  end.assign(nv, 0);
  pos.assign(nv, kNone);
  def_inst_.assign(nv, kNone);
  // Ranges per vreg, counted as they are made.
  std::vector<uint32_t>& num = tmp_fill_;
  num.assign(nv, 0);
  raw.clear();
  raw.reserve(f_->num_insts() * 2);
  auto push = [&](const Range& r) {
    raw.push_back(r);
    ++num[r.vreg];
  };
  auto add = [&](uint32_t v, uint32_t to) { LiveAdd(live, pos, end, v, to); };
  auto remove = [&](uint32_t v) { LiveRemove(live, pos, v); };
  // seen[v] == b + 1: v is an operand in block b. A value live out of b that is not (and is
  // no reference, which safepoints cut) is live through all of b: its range is made at once,
  // without entering the live set. The same walk over the operands counts them per vreg for
  // BuildUses (use_begin_[v + 1]).
  std::vector<uint32_t>& seen = tmp_seen_;
  seen.assign(nv, 0);
  use_begin_.assign(nv + 1, 0);
  uint32_t* const uses_of = use_begin_.data() + 1;
  for (uint32_t b = 0; b < f_->num_blocks(); ++b) {
    const BlockData& bd = f_->blocks[b];
    const uint32_t bs = 4 * bd.inst_begin, be = 4 * bd.inst_end;
    const uint32_t mark = b + 1;
    for (uint32_t k = f_->insts[bd.inst_begin].operand_begin;
         k < f_->insts[bd.inst_end - 1].operand_end; ++k) {
      seen[f_->operands[k].vreg.index] = mark;
      ++uses_of[f_->operands[k].vreg.index];
    }
    // In any order: each range goes to its vreg's list, and the live set's order decides
    // nothing but the order ranges are made in.
    live_->ForEachLiveOut(Block(b), [&](VReg v) {
      if (seen[v.index] != mark && !f_->vregs[v.index].is_ref)
        push({bs, be, v.index});
      else if (pos[v.index] == kNone)
        add(v.index, be);
    });
    for (uint32_t i = bd.inst_end; i-- > bd.inst_begin;) {
      const auto ops = f_->InstOperands(i);
      for (const Operand& op : ops) {
        if (!op.is_def()) continue;
        // A def ends its vreg's current range (or makes a point range) and leaves the live set.
        const uint32_t v = op.vreg.index;
        const uint32_t from = op.is_early() ? 4 * i : 4 * i + 3;
        uint32_t to = 4 * i + 4;
        if (pos[v] != kNone) {
          to = std::max(to, end[v]);
          remove(v);
        }
        push({from, to, v});
        def_inst_[v] = i;
      }
      if (any_ref && f_->insts[i].safepoint) {  // without references, nothing to cut
        for (uint32_t v : live) {
          if (!f_->vregs[v].is_ref) continue;
          cross_.push_back({i, v});
          bool late_use = false;
          for (const Operand& op : ops)
            late_use |= op.is_use() && !op.is_early() && op.vreg.index == v;
          if (end[v] > 4 * i + 4) push({4 * i + 4, end[v], v});
          end[v] = late_use ? 4 * i + 4 : 4 * i + 2;
        }
      }
      for (const Operand& op : ops) {
        if (!op.is_use()) continue;
        const uint32_t v = op.vreg.index;
        const uint32_t to = op.is_early() ? 4 * i + 1 : 4 * i + 4;
        if (pos[v] == kNone)
          add(v, to);
        else
          end[v] = std::max(end[v], to);
      }
    }
    for (size_t k = live.size(); k-- > 0;) {  // everything still live enters the block live
      const uint32_t v = live[k];
      push({bs, end[v], v});
      pos[v] = kNone;
    }
    live.clear();
  }
  // Per-vreg lists (counting sort by vreg). A vreg has at most one range per block, made in
  // block order, except a reference's pieces around safepoints (made backwards within a
  // block): only references' lists need sorting (insertion sort, they are nearly sorted).
  range_begin_.resize(nv + 1);
  range_begin_[0] = 0;
  for (uint32_t v = 0; v < nv; ++v) range_begin_[v + 1] = range_begin_[v] + num[v];
  ranges_.resize(raw.size());
  {
    std::vector<uint32_t>& fill_at = tmp_fill_;
    fill_at.assign(range_begin_.begin(), range_begin_.end() - 1);
    for (const Range& r : raw) ranges_[fill_at[r.vreg]++] = r;
  }
  for (uint32_t v = 0; v < nv; ++v) {
    if (!f_->vregs[v].is_ref) continue;
    Range* a = ranges_.data() + range_begin_[v];
    Range* e = ranges_.data() + range_begin_[v + 1];
    for (Range* p = a + 1; p < e; ++p)
      for (Range* q = p; q > a && q[-1].from > q->from; --q) std::swap(q[-1], q[0]);
  }
  std::sort(cross_.begin(), cross_.end(), [](const Cross& a, const Cross& b) {
    return a.vreg != b.vreg ? a.vreg < b.vreg : a.inst < b.inst;
  });
  CompactRanges();
}

// From the per-block lists in ranges_ (BuildRangesWalk): the per-block counts (vreg_blocks_), the
// points each vreg's ranges cover (vreg_size_), and each list with touching ranges joined, in
// place (the joined list is never longer). The arena gets the joined lists, or the per-block
// ones when a test asks for them (SetBacktrackJoinRangesForTesting(false)); ranges_ keeps the
// joined ones either way (Resolve and Extend read them the same in both forms).
void Backtrack::CompactRanges() {
  const uint32_t nv = f_->num_vregs();
  vreg_size_.resize(nv);
  vreg_blocks_.resize(nv);
  for (uint32_t v = 0; v < nv; ++v) {
    uint32_t points = 0;
    for (uint32_t k = range_begin_[v]; k < range_begin_[v + 1]; ++k)
      points += ranges_[k].to - ranges_[k].from;
    vreg_size_[v] = points;
    vreg_blocks_[v] = range_begin_[v + 1] - range_begin_[v];
  }
  const bool join = g_join_ranges.load(std::memory_order_relaxed);
  auto to_arena = [&] {  // room reserved for merges (MergeBundles appends merged lists)
    arena_.reserve(2 * ranges_.size());
    arena_.assign(ranges_.begin(), ranges_.end());
    arena_begin_.assign(range_begin_.begin(), range_begin_.end());
  };
  if (!join) to_arena();
  Range* const lists = ranges_.data();
  uint32_t* const begin = range_begin_.data();
  uint32_t out = 0;
  for (uint32_t v = 0; v < nv; ++v) {
    const uint32_t first = begin[v], last = begin[v + 1];
    begin[v] = out;
    if (f_->vregs[v].is_ref) {
      for (uint32_t k = first; k < last; ++k) lists[out++] = lists[k];
    } else if (first != last) {
      Range r = lists[first];
      for (uint32_t k = first + 1; k < last; ++k) {
        if (lists[k].from != r.to) {
          lists[out++] = r;
          r.from = lists[k].from;
        }
        r.to = lists[k].to;
      }
      lists[out++] = r;
    }
  }
  begin[nv] = out;
  ranges_.resize(out);
  if (join) to_arena();
}

// The range of v containing point p, or nullptr.
const Range* Backtrack::RangeAt(uint32_t v, uint32_t p) const {
  const Range* a = ranges_.data() + range_begin_[v];
  const Range* e = ranges_.data() + range_begin_[v + 1];
  const Range* it =
      std::upper_bound(a, e, p, [](uint32_t x, const Range& r) { return x < r.from; });
  if (it == a) return nullptr;
  --it;
  return p < it->to ? it : nullptr;
}

// Use records per vreg (in point order), reservations per register, fixed-register hints, and
// the reuse decision: a reuse def whose input dies at the instruction may share the input's
// bundle; otherwise the def's range starts at the early point so its register is free when the
// input is copied into it before the instruction.
void Backtrack::BuildUses() {
  const uint32_t nv = f_->num_vregs();
  const uint32_t no = static_cast<uint32_t>(f_->operands.size());
  op_flags_.assign(no, 0);
  hint_.assign(nv, PReg());
  // use_begin_[v + 1] holds v's operand count (BuildRanges counted them): prefix sums.
  for (uint32_t v = 0; v < nv; ++v) use_begin_[v + 1] += use_begin_[v];
  // One record per operand, each written below (uses_ is not zeroed first: see UseRec).
  EGRET_DCHECK(use_begin_[nv] == no);
  uses_.resize(no);
  std::vector<uint32_t>& fill = tmp_fill_;
  fill.assign(use_begin_.begin(), use_begin_.end() - 1);
  // Whether a use needs a register: its constraint, the reuse decisions' flags, remat.
  auto use_requiring = [&](const Operand& op, uint8_t flags) {
    bool requiring = op.constraint == Constraint::kReg;
    if (flags & kCopyIntoReuse) requiring = false;
    if (flags & kSharedInput) requiring = true;
    // A rematerializable value has no slot to serve as a memory operand: it is recomputed
    // into a register instead (otherwise the use would force it a slot and a store).
    // (Not one recomputed from an operand: it keeps its slot where the operand is in no
    // register, so a memory operand may read that.)
    if (op.constraint == Constraint::kAny && f_->vregs[op.vreg.index].remat &&
        !f_->vregs[op.vreg.index].remat_reads_operand)
      requiring = true;
    return requiring;
  };
  // Block by block (a block's frequency is its instructions'), with the tables' base pointers
  // in locals: the loop stores bytes (op_flags_, hints), which may alias any member.
  const Operand* const opnds = f_->operands.data();
  const InstData* const insts = f_->insts.data();
  uint8_t* const flags = op_flags_.data();
  uint32_t* const fill_at = fill.data();
  // The bitmaps of the allocatable registers (see backtrack_impl.h): per register, one word pair
  // per 64 points and one start word per 64 points, zeroed, and one cover word (not zeroed).
  {
    const size_t words = static_cast<size_t>(f_->num_insts()) * 4 / 64 + 2;
    const size_t n = allocatable_.Count();
    uint64_t* const busy = bitmaps_.Reserve(3 * words * n);
    uint64_t* const starts = busy + 2 * words * n;
    CoverStart* const cover = cover_.Reserve(words * n);
    size_t k = 0;
    allocatable_.ForEach([&](PReg r) {
      busy_at_[r.index()] = busy + 2 * words * k;
      starts_at_[r.index()] = starts + words * k;
      cover_at_[r.index()] = cover + words * k;
      std::fill_n(busy_at_[r.index()], 2 * words, uint64_t{0});
      std::fill_n(starts_at_[r.index()], words, uint64_t{0});
      ++k;
    });
  }
  // The bitmaps of the allocatable registers in `clobbered`, the clobber set met last: the calls
  // of a function mostly clobber one set (the ABI's caller-saved registers), so the list is made
  // once per change of set, not per call (a call then costs one store per bitmap).
  PRegSet clobbered;
  uint64_t* clobbered_bits[PReg::kNumIndices];
  uint32_t num_clobbered = 0;
  UseRec* const uses = uses_.data();
  PRegSet reserved;  // the registers with reservations (res_ lists not empty)
  const BlockData* const blocks = f_->blocks.data();
  const uint32_t nb = f_->num_blocks();
  for (uint32_t b = 0; b < nb; ++b) {
    const float fr = freq_[b];
    const uint32_t inst_end = blocks[b].inst_end;
    for (uint32_t i = blocks[b].inst_begin; i < inst_end; ++i) {
      const uint32_t base = insts[i].operand_begin, n = insts[i].operand_end - base;
      const uint32_t pt = 4 * i;
      // A clobber is a reservation of no vreg at point 4i + 2, kept only as that bit of each
      // allocatable register it clobbers (FirstClobberIn finds it from there).
      if (insts[i].clobbers != InstData::kNoClobbers) {  // most instructions clobber nothing
        const uint32_t w = 2 * ((pt + 2) / 64);
        const uint64_t bit = uint64_t{1} << ((pt + 2) % 64);
        const PRegSet& set = f_->clobber_sets[insts[i].clobbers];
        if (!(set == clobbered)) {
          clobbered = set;
          num_clobbered = 0;
          set.ForEach([&](PReg r) {
            if (allocatable_.Contains(r)) clobbered_bits[num_clobbered++] = busy_at_[r.index()];
          });
        }
        for (uint32_t k = 0; k < num_clobbered; ++k) clobbered_bits[k][w] |= bit;
      }
      for (uint32_t k = 0; k < n; ++k) {
        const Operand& op = opnds[base + k];
        const uint32_t v = op.vreg.index;
        if (op.constraint == Constraint::kReuse) {
          // The reuse decision sets flags of this def and of its input, both of this
          // instruction: made before the def's record; an input whose record is already
          // written (an earlier operand) has it recomputed.
          const uint32_t in = base + op.reuse_index;
          const Operand& input = opnds[in];
          const Range* r = RangeAt(input.vreg.index, pt);
          const bool dies = input.is_early() && r != nullptr && r->to == pt + 1;
          if (dies) {
            flags[base + k] |= kReuseShared;
            flags[in] |= kSharedInput;
            reuse_pairs_.push_back({input.vreg.index, op.vreg.index, i, base + k});
          } else {
            Extend(op.vreg.index, i, base + k);
          }
          if (op.reuse_index < k && input.is_use()) {
            // Its vreg's records of this instruction are the last ones written, in operand
            // order.
            UseRec* rec = uses + fill_at[input.vreg.index] - 1;
            while (rec->operand != in) --rec;
            rec->requiring = use_requiring(input, flags[in]);
          }
        }
        // The record's fields in locals, then stored together (the byte stores of the flags
        // and hints may alias anything, so fields written early would be reread).
        const uint8_t fl = flags[base + k];
        uint32_t from = pt, to = pt + 4;
        bool requiring;
        if (op.is_use()) {
          if (op.is_early()) to = pt + 1;
          requiring = use_requiring(op, fl);
        } else {
          if (!op.is_early() && !(fl & kReuseExtended)) from = pt + 3;
          requiring = op.constraint == Constraint::kReg || op.constraint == Constraint::kReuse;
        }
        UseRec& u = uses[fill_at[v]++];
        u.from = from;
        u.to = to;
        u.inst = i;
        u.operand = base + k;
        u.freq = fr;
        u.requiring = requiring;
        if (op.constraint == Constraint::kFixedReg) {
          if (!hint_[v].valid()) hint_[v] = op.fixed;
          res_[op.fixed.index()].push_back({from, to, v});
          reserved.Add(op.fixed);
        }
      }
    }
  }
#ifdef EGRET_DEBUG
  for (uint32_t v = 0; v < nv; ++v) EGRET_DCHECK(fill[v] == use_begin_[v + 1]);
#endif
  // Sorted by start, with an index of the first reservation of every kResShift-point bucket, so
  // a lookup costs a short search inside one bucket whatever the function's size.
  const uint32_t buckets = ((4 * f_->num_insts()) >> kResShift) + 2;
  reserved_regs_ |= reserved;
  reserved.ForEach([&](PReg reg) {
    const uint32_t r = reg.index();
    auto& list = res_[r];
    // A reservation lies within one instruction's points [4i, 4i + 4), so within one word of
    // the bitmap (a word holds 16 instructions): its bits are set inline (MarkBusy's one-word
    // case).
    if (allocatable_.Contains(reg)) {  // the others have no bitmap
      uint64_t* const bits = busy_at_[r];
      for (const Res& x : list) {
        EGRET_DCHECK(x.from < x.to && x.from / 64 == (x.to - 1) / 64);
        bits[2 * (x.from / 64)] |=
            (~uint64_t{0} << (x.from % 64)) & (~uint64_t{0} >> (63 - (x.to - 1) % 64));
      }
    }
    // Pushed in instruction order, so out of order only within an instruction (an early def's
    // before an earlier operand's): an insertion sort moves each entry a step or two.
    // Reservations with equal starts may end up in any order: every query depends on their starts
    // only.
    for (size_t k = 1; k < list.size(); ++k)
      for (size_t j = k; j > 0 && list[j - 1].from > list[j].from; --j)
        std::swap(list[j - 1], list[j]);
    auto& index = res_index_[r];
    index.resize(buckets);
    uint32_t k = 0;
    for (uint32_t b = 0; b < buckets; ++b) {
      while (k < list.size() && list[k].from < (b << kResShift)) ++k;
      index[b] = k;
    }
  });
}

// A reuse def that cannot share its input's bundle: its range starts at the early point and the
// input operand is copied into the def's register before the instruction.
// The vreg's list in ranges_ changes, and its joined list in the arena (the initial bundle's
// storage until MergeBundles merges; past that, when d's bundle has moved, the caller updates the
// bundle's ranges itself and the arena's copy here is dead storage).
void Backtrack::Extend(uint32_t d, uint32_t inst, uint32_t def_operand) {
  op_flags_[def_operand] |= kReuseExtended;
  op_flags_[f_->insts[inst].operand_begin + f_->operands[def_operand].reuse_index] |=
      kCopyIntoReuse;
  // d's ranges are sorted by start and disjoint: at most one starts at the def's point, found by
  // a binary search (a reuse def that cannot share is often a long-lived value, such as a loop's
  // accumulator, with a range per block it lives through).
  Range* const first = ranges_.data() + range_begin_[d];
  Range* const last = ranges_.data() + range_begin_[d + 1];
  Range* const r = std::lower_bound(first, last, 4 * inst + 3,
                                    [](const Range& x, uint32_t p) { return x.from < p; });
  if (r != last && r->from == 4 * inst + 3) {
    r->from = 4 * inst;
    vreg_size_[d] += 3;
    // The same range in d's joined list (it starts at the definition, so it was joined with
    // nothing before it).
    Range* const afirst = arena_.data() + arena_begin_[d];
    Range* const alast = arena_.data() + arena_begin_[d + 1];
    Range* const ar = std::lower_bound(afirst, alast, 4 * inst + 3,
                                       [](const Range& x, uint32_t p) { return x.from < p; });
    EGRET_DCHECK(ar != alast && ar->from == 4 * inst + 3);
    ar->from = 4 * inst;
  }
}

namespace {
// The end of the run of ranges from p that end at or before point x (p->to <= x already
// checked by the caller for p itself): the first range of [p, pe) ending after x. The ranges are
// sorted and disjoint, so their ends increase: a few steps first (most runs are short), then a
// binary search over the rest (a block parameter's long bundle meets one argument's few ranges).
const Range* RunEnd(const Range* p, const Range* pe, uint32_t x) {
  for (int k = 0; k < 4; ++k, ++p)
    if (p == pe || p->to > x) return p;
  return std::partition_point(p, pe, [x](const Range& r) { return r.to <= x; });
}

// Copies [p, e) to out; a short run inline (a library call costs more than a few stores).
Range* CopyRun(const Range* p, const Range* e, Range* out) {
  if (e - p <= 4) {
    while (p < e) *out++ = *p++;
    return out;
  }
  return std::copy(p, e, out);
}

// Merges the sorted, internally disjoint range lists [p, pe) and [q, qe) into out (by start),
// unless they overlap: returns false as soon as two ranges overlap (out then holds a partial
// merge). Without overlap the result is std::merge's by start: one of two disjoint non-empty
// ranges ends before the other starts, and that one starts first. Runs of one list that end
// before the other list's next range starts are copied as blocks (RunEnd): the decisions are
// those of comparing range by range.
bool MergeDisjoint(const Range* p, const Range* pe, const Range* q, const Range* qe, Range* out) {
  while (p < pe && q < qe) {
    if (p->to <= q->from) {
      const Range* e = RunEnd(p + 1, pe, q->from);
      out = CopyRun(p, e, out);
      p = e;
    } else if (q->to <= p->from) {
      const Range* e = RunEnd(q + 1, qe, p->from);
      out = CopyRun(q, e, out);
      q = e;
    } else {
      return false;
    }
  }
  std::copy(p, pe, out);
  std::copy(q, qe, out + (pe - p));
  return true;
}
}  // namespace

// Initial bundles: one per vreg, merged along reuse pairs (input dying into its def) and block
// parameters with their branch arguments when they do not interfere.
Status Backtrack::MergeBundles() {
  const uint32_t nv = f_->num_vregs();
  // The initial bundles' ranges are the per-vreg joined lists in vreg order, which BuildRanges
  // wrote to the arena (CompactRanges; room reserved for merges): each bundle indexes its vreg's
  // list there.
  // At most one bundle per vreg: made in place (the vector sized once, the unused tail dropped)
  // rather than pushed one by one.
  EGRET_DCHECK(arena_.size() == arena_begin_[nv] && arena_.capacity() >= 2 * arena_.size());
  EGRET_DCHECK(bundles_.empty());
  vreg_bundle_.resize(nv);
  bundles_.resize(nv);
  // The cap on merged bundles counts ranges in per-block form (vreg_blocks_), as the lists had
  // them before they were joined: the same merges are made.
  bundle_blocks_.resize(nv);
  {
    Bundle* const made = bundles_.data();
    uint32_t* const bundle_of = vreg_bundle_.data();
    uint32_t* const blocks = bundle_blocks_.data();
    const uint32_t* const begin = range_begin_.data();
    const uint32_t* const abegin = arena_begin_.data();
    const uint32_t* const per_block = vreg_blocks_.data();
    uint32_t n = 0;
    for (uint32_t v = 0; v < nv; ++v) {
      if (begin[v] == begin[v + 1]) {
        bundle_of[v] = kNone;
        continue;
      }
      blocks[n] = per_block[v];
      Bundle& bu = made[n];
      bu.begin = abegin[v];
      bu.end = abegin[v + 1];
      bu.cls = f_->vregs[v].cls;
      bu.hint = hint_[v];
      bu.one_vreg = true;
      bundle_of[v] = n++;
    }
    bundles_.resize(n);
  }
  auto try_merge = [&](uint32_t a, uint32_t b) {
    uint32_t x = vreg_bundle_[a], y = vreg_bundle_[b];
    if (x == kNone || y == kNone || x == y) return x == y && x != kNone;
    const Bundle &bx = bundles_[x], &by = bundles_[y];
    if (bx.cls != by.cls) return false;
    if (bundle_blocks_[x] + bundle_blocks_[y] > kMergeCap) return false;
    // Merged straight onto the arena's end (room is reserved first, so the sources, earlier in
    // the arena, stay where they are), checking for overlap on the way: one walk over both
    // lists instead of an overlap test and then a merge. On overlap the partial merge is
    // dropped.
    const uint32_t xb = bx.begin, xe = bx.end, yb = by.begin, ye = by.end;
    const bool y_one_vreg = by.one_vreg;
    ReserveArena(xe - xb + ye - yb);
    const uint32_t begin = static_cast<uint32_t>(arena_.size());
    arena_.resize(begin + (xe - xb) + (ye - yb));  // within the capacity: no reallocation
    const Range* src = arena_.data();
    if (!MergeDisjoint(src + xb, src + xe, src + yb, src + ye, arena_.data() + begin)) {
      arena_.resize(begin);
      return false;
    }
    Bundle& t = bundles_[x];
    bundle_blocks_[x] += bundle_blocks_[y];
    t.one_vreg = false;
    t.begin = begin;
    t.end = static_cast<uint32_t>(arena_.size());
    if (!t.hint.valid()) t.hint = bundles_[y].hint;
    bundles_[y].dead = true;
    // Only y's vregs change bundle: its one vreg, or those of its ranges (which come in runs
    // of one vreg).
    if (y_one_vreg) {
      vreg_bundle_[arena_[yb].vreg] = x;
      return true;
    }
    uint32_t last = kNone;
    for (uint32_t k = yb; k < ye; ++k)
      if (arena_[k].vreg != last) {
        last = arena_[k].vreg;
        vreg_bundle_[last] = x;
      }
    return true;
  };
  for (const ReusePair& p : reuse_pairs_) {
    if (try_merge(p.input, p.def)) continue;
    // Not mergeable (the chain overlaps elsewhere): fall back to the copy. The def's bundle
    // holds only reuse relatives, none live at the instruction (SSA), so extending is safe.
    op_flags_[p.def_operand] &= static_cast<uint8_t>(~kReuseShared);
    Extend(p.def, p.inst, p.def_operand);
    const uint32_t bd = vreg_bundle_[p.def];
    for (uint32_t k = bundles_[bd].begin; k < bundles_[bd].end; ++k)
      if (arena_[k].vreg == p.def && arena_[k].from == 4 * p.inst + 3) arena_[k].from = 4 * p.inst;
    const auto rs = Ranges(bundles_[bd]);
    for (size_t k = 1; k < rs.size(); ++k)
      if (rs[k - 1].to > rs[k].from)
        return Error(absl::StrCat("regalloc internal: reuse fallback overlaps at i", p.inst));
    const uint32_t in = f_->insts[p.inst].operand_begin + f_->operands[p.def_operand].reuse_index;
    op_flags_[in] &= static_cast<uint8_t>(~kSharedInput);
    // The input is copied into the def's register: its use record needs no register; the def's
    // starts at the early point.
    for (uint32_t k = use_begin_[p.input]; k < use_begin_[p.input + 1]; ++k)
      if (uses_[k].operand == in) uses_[k].requiring = false;
    for (uint32_t k = use_begin_[p.def]; k < use_begin_[p.def + 1]; ++k)
      if (uses_[k].operand == p.def_operand) uses_[k].from = 4 * p.inst;
  }
  // Every edge with arguments, in the order of the blocks and their successors: the successor
  // table holds the blocks' edges one block after the other (ValidateTables), so one walk over it
  // meets them in that order. Edges without arguments (most) are skipped before the successor's
  // parameters are looked up (an edge passes exactly as many arguments as its block has
  // parameters: ValidateStructure).
  const BlockData* const blocks = f_->blocks.data();
  const VReg* const params = f_->block_params.data();
  const VReg* const args = f_->branch_args.data();
  for (const SuccEdge& e : f_->succs) {
    if (e.arg_begin == e.arg_end) continue;
    const VReg* const param = params + blocks[e.block.index].param_begin;
    for (uint32_t k = e.arg_begin; k < e.arg_end; ++k)
      try_merge(args[k].index, param[k - e.arg_begin].index);
  }
  return Status::Ok();
}

// The use records of r.vreg from the first with from >= r.from. `cur` carries the position
// between calls over the ranges of one bundle in order: ranges of one vreg come in increasing,
// disjoint order, so the next range's first use is at or after where the previous one stopped,
// usually a step or two away (a bundle live through many blocks has a range per block and most
// have no use). Otherwise a binary search over the vreg's uses.
[[gnu::always_inline]] inline const Backtrack::UseRec* Backtrack::UsesFrom(const Range& r,
                                                                           UseCursor* cur) const {
  const UseRec* e = uses_.data() + use_begin_[r.vreg + 1];
  const UseRec* it = cur->vreg == r.vreg ? cur->at : uses_.data() + use_begin_[r.vreg];
  for (int k = 0; k < 4; ++k, ++it)
    if (it == e || it->from >= r.from) return it;
  return std::lower_bound(it, e, r.from, [](const UseRec& u, uint32_t x) { return u.from < x; });
}

// Calls f(use, its range) for each use record of the ranges' vreg whose first point lies in one of
// the ranges, in order, until f returns false. The ranges (sorted, disjoint) must all be of one
// vreg. Each use's range is found by a short forward search from the previous one's, so the cost
// follows the uses, not the ranges (a value has a range per block it lives through, and few uses).
template <class F>
void Backtrack::ForEachUseOfOneVReg(std::span<const Range> rs, F&& f) const {
  if (rs.empty()) return;
  const uint32_t v = rs.front().vreg;
  const UseRec* uses = uses_.data();
  const UseRec* e = uses + use_begin_[v + 1];
  const UseRec* it = std::lower_bound(uses + use_begin_[v], e, rs.front().from,
                                      [](const UseRec& u, uint32_t x) { return u.from < x; });
  const uint32_t last = rs.back().to;
  size_t k = 0;  // the first range ending after the last use seen
  for (; it < e && it->from < last; ++it) {
    const uint32_t p = it->from;
    if (rs[k].to <= p) {  // some range ends after p (p < last): a few steps, else a search
      size_t j = k + 1;
      for (int step = 0; step < 4 && rs[j].to <= p; ++step) ++j;
      if (rs[j].to <= p)
        j = static_cast<size_t>(std::partition_point(rs.begin() + static_cast<std::ptrdiff_t>(j),
                                                     rs.end(),
                                                     [p](const Range& r) { return r.to <= p; }) -
                                rs.begin());
      k = j;
    }
    if (rs[k].from <= p && !f(*it, rs[k])) return;  // else between two ranges
  }
}

// Calls f(use) for each use record of one-vreg bundle bu whose first point lies in one of its
// ranges, in order, until f returns false: the records [use_lo, use_hi) when the bundle knows
// them (Bundle::uses_exact), else by ForEachUseOfOneVReg.
template <class F>
void Backtrack::ForEachUseOf(const Bundle& bu, F&& f) const {
  if (!bu.uses_exact) {
    ForEachUseOfOneVReg(Ranges(bu), [&](const UseRec& u, const Range&) { return f(u); });
    return;
  }
#ifdef EGRET_DEBUG
  uint32_t walked = 0;
  ForEachUseOfOneVReg(Ranges(bu), [&](const UseRec& u, const Range&) {
    EGRET_DCHECK(&u == uses_.data() + bu.use_lo + walked);
    return ++walked, true;
  });
  EGRET_DCHECK(walked == bu.use_hi - bu.use_lo);
#endif
  for (uint32_t k = bu.use_lo; k < bu.use_hi; ++k)
    if (!f(uses_[k])) return;
}

// Spill weight: use frequency per instruction covered (LLVM's normalization, roughly), so short
// hot ranges outweigh long cold ones. Also the queue priority (points covered).
//
// A use counts when its first point lies in one of the bundle's ranges; the sum runs in point
// order (range by range, each range's uses in order). A bundle of one vreg (most are, and the
// long ones split again and again are) walks that vreg's uses and finds each one's range by a
// short forward search: its ranges outnumber its uses many times over (a range per block it
// lives through). Same uses, same order, so the same float sum as the range walk below.
void Backtrack::Weigh(uint32_t b, uint32_t size) {
  Bundle& bu = bundles_[b];
  const auto rs = Ranges(bu);
  float w = 0;
  bool req = false, remat = true;
  if (bu.one_vreg && !rs.empty()) {
    if (size == kNone) {
      // Four partial sums, four ranges a step (exact in any order): a long bundle has a range
      // per block it lives through.
      uint32_t s[4] = {0, 0, 0, 0};
      size_t k = 0;
      for (; k + 4 <= rs.size(); k += 4)
        for (size_t j = 0; j < 4; ++j) s[j] += rs[k + j].to - rs[k + j].from;
      for (; k < rs.size(); ++k) s[0] += rs[k].to - rs[k].from;
      size = s[0] + s[1] + s[2] + s[3];
    }
#ifdef EGRET_DEBUG
    uint32_t counted = 0;
    for (const Range& r : rs) counted += r.to - r.from;
    EGRET_DCHECK(counted == size);
#endif
    remat = IsCheapRemat(rs.front().vreg);
    ForEachUseOf(bu, [&](const UseRec& u) {
      w += u.requiring ? u.freq : 0.5f * u.freq;
      req |= u.requiring;
      return true;
    });
  } else {
    uint32_t sum = 0;
    UseCursor cur;
    const UseRec* e = nullptr;  // end of cur.vreg's uses
    for (const Range& r : rs) {
      sum += r.to - r.from;
      // No use of the run's vreg left in r (a value live through blocks it does not use): r
      // adds only its size, and the cursor stays where it is (as UsesFrom would leave it).
      if (r.vreg == cur.vreg && (cur.at == e || cur.at->from >= r.to)) continue;
      if (r.vreg != cur.vreg) {  // a bundle's ranges mostly come in runs of one vreg
        remat &= IsCheapRemat(r.vreg);
        e = uses_.data() + use_begin_[r.vreg + 1];
      }
      const UseRec* it = UsesFrom(r, &cur);
      for (; it < e && it->from < r.to; ++it) {
        w += it->requiring ? it->freq : 0.5f * it->freq;
        req |= it->requiring;
      }
      cur = {r.vreg, it, e};
    }
    size = sum;
  }
  bu.size = size;
  bu.has_req = req;
  // A constant is cheap to evict: leaving a register costs no store and coming back is one
  // instruction that touches no memory.
  if (remat) w *= kRematWeight;
  bu.weight = bu.minimal ? kInfWeight : w / (static_cast<float>(size) / 4.0f + 2.0f);
}

// The allocation queue: bundles leave by size class (floor(log2(points covered)) + 1), largest
// class first, and within a class in layout order (earlier first range first; ties: higher
// bundle id first). A class sweeps the function once, so consecutive placements touch nearby
// parts of the interval sets and bitmaps (allocating by exact size visited the function in
// random order and missed the caches on every query). The initial bundles of a class are one
// sorted array consumed in order; bundles queued during allocation (evicted, split) go to a
// small heap per class; the next bundle is the earlier of the two heads.
namespace {
bool QueueBefore(const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
  return a.first != b.first ? a.first < b.first : a.second > b.second;
}
// For std::push_heap/pop_heap: the top is the QueueBefore-first item.
bool QueueHeapLess(const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
  return QueueBefore(b, a);
}
}  // namespace

// Queues a bundle made or evicted during allocation (AllocateAll puts the initial ones straight
// into the sorted arrays).
void Backtrack::Enqueue(uint32_t b) {
  const Bundle& bu = bundles_[b];
  const uint32_t cls = 32 - static_cast<uint32_t>(__builtin_clz(bu.size | 1));
  SizeClass& sc = classes_[cls];
  const std::pair<uint32_t, uint32_t> item{arena_[bu.begin].from, b};
  sc.heap.push_back(item);
  std::push_heap(sc.heap.begin(), sc.heap.end(), QueueHeapLess);
  nonempty_ |= uint64_t{1} << cls;
}

// The next bundle to place, or kNone when the queue is empty.
uint32_t Backtrack::PopQueue() {
  while (nonempty_ != 0) {
    const uint32_t cls = 63 - static_cast<uint32_t>(__builtin_clzll(nonempty_));
    SizeClass& sc = classes_[cls];
    const bool have_sorted = sc.next < sc.sorted.size();
    if (!have_sorted && sc.heap.empty()) {
      nonempty_ &= ~(uint64_t{1} << cls);
      sc.sorted.clear();  // keeps the invariant of nonempty_ (backtrack_impl.h)
      sc.next = 0;
      continue;
    }
    if (have_sorted && (sc.heap.empty() || QueueBefore(sc.sorted[sc.next], sc.heap.front())))
      return sc.sorted[sc.next++].second;
    std::pop_heap(sc.heap.begin(), sc.heap.end(), QueueHeapLess);
    const uint32_t b = sc.heap.back().second;
    sc.heap.pop_back();
    return b;
  }
  return kNone;
}

Status Backtrack::AllocateAll() {
  cands_at_.assign(PReg::kNumIndices, kNone);
  for (int c = 0; c < kNumRegClasses; ++c) {  // a class has at most 64 registers
    const size_t n = cands_base_[c].size();
    all_cands_[c] = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  }
  // Most bundles end up assigned, most of them as one span: the table starts at that size.
  occ_.Reset(bundles_.size());
  for (const PRegSet& s : f_->clobber_sets) all_clobbers_ |= s;
  // A register no call clobbers and no fixed operand reserves has no reservation bit at all:
  // Busy then reads only the assigned half (most callee-saved registers).
  allocatable_.ForEach(
      [&](PReg r) { res_any_[r.index()] = all_clobbers_.Contains(r) || !res_[r.index()].empty(); });
  // An initial one-vreg bundle holds its vreg's whole range list, whose points BuildRanges
  // counted (vreg_size_), and all its use records: every use lies in one of the vreg's ranges
  // (an operand gets its location from the range holding its point). Weigh then neither sums
  // the ranges nor finds each use's range (Bundle::uses_exact).
  // Weigh writes the bundle's fields only (bundles_ does not grow here): the reference stays.
  const uint32_t num_bundles = static_cast<uint32_t>(bundles_.size());
  for (uint32_t b = 0; b < num_bundles; ++b) {
    Bundle& bu = bundles_[b];
    if (bu.dead) continue;
    if (bu.one_vreg) {
      const uint32_t v = arena_[bu.begin].vreg;
      bu.uses_exact = true;
      bu.use_lo = use_begin_[v];
      bu.use_hi = use_begin_[v + 1];
      Weigh(b, vreg_size_[v]);
    } else {
      Weigh(b);
    }
    // Enqueue while filling, inline: into its class's sorted array.
    const uint32_t cls = 32 - static_cast<uint32_t>(__builtin_clz(bu.size | 1));
    classes_[cls].sorted.emplace_back(arena_[bu.begin].from, b);
    nonempty_ |= uint64_t{1} << cls;
  }
  for (uint64_t m = nonempty_; m != 0; m &= m - 1) {  // the other classes are empty
    SizeClass& sc = classes_[__builtin_ctzll(m)];
    std::sort(sc.sorted.begin(), sc.sorted.end(), QueueBefore);
  }
  budget_ = 8 * static_cast<uint64_t>(bundles_.size()) + 4 * f_->num_insts() + 64;
  // Bundles that found only fresh callee-saved registers free, and did not pay for one, are put
  // off until the queue is empty: by then the registers other bundles claimed are known, and
  // one of those may hold them at no cost. Each bundle is put off at most once, so this ends.
  for (;;) {
    for (uint32_t b = PopQueue(); b != kNone; b = PopQueue()) {
      if (bundles_[b].dead || bundles_[b].reg.valid() || bundles_[b].spilled) continue;
      EGRET_TRY(Place(b));
    }
    if (deferred_.empty()) break;
    deferred_round_.swap(deferred_);
    deferred_.clear();
    for (uint32_t b : deferred_round_)
      if (!bundles_[b].dead && !bundles_[b].reg.valid() && !bundles_[b].spilled)
        EGRET_TRY(Place(b));
    deferred_round_.clear();
  }
  return Status::Ok();
}

// Registers to try for a bundle, hint first, then caller-saved, then callee-saved.
// cands_base_[class] is that list without a hint, built once per run and returned as is (no
// copy) when the bundle has no usable hint. With one, the list is built on the hint's first use
// in the run and kept in cands_ (cands_at_[hint]: where it starts), so bundles whose hints
// alternate between a few registers do not rebuild it. A usable hint is an allocatable register
// of the bundle's class, so it is in the base list and the list keeps the base list's length.
// cands_ may grow (and move) only here: the span returned last stays valid until the next call.
[[gnu::always_inline]] inline std::span<const PReg> Backtrack::Candidates(const Bundle& bu) {
  const auto& base = cands_base_[static_cast<int>(bu.cls)];
  const PReg hint = bu.hint;
  if (!(hint.valid() && hint.cls() == bu.cls && allocatable_.Contains(hint))) return base;
  uint32_t& at = cands_at_[hint.index()];
  if (at == kNone) {
    at = static_cast<uint32_t>(cands_.size());
    cands_.push_back(hint);
    for (uint32_t k = 0; k < base.size(); ++k) {
      if (base[k] != hint)
        cands_.push_back(base[k]);
      else
        hint_pos_[hint.index()] = static_cast<uint8_t>(k);
    }
    EGRET_DCHECK(cands_.size() - at == base.size());
  }
  return {cands_.data() + at, base.size()};
}

// Which candidates of bu's list (the last Candidates(); bit k: cand_list_[k]) are in
// `clobbered`. A bundle's clobbered set is nearly always the one caller-saved set of the
// function's calls, so the answer for the class's base list is kept for the last set
// (clob_cache_set_, clob_cache_mask_). A hinted list is the base list with its hint moved to the
// front: the base positions before the hint's (hint_pos_) move up by one.
[[gnu::always_inline]] inline uint64_t Backtrack::ClobberedCandidates(const Bundle& bu,
                                                                      PRegSet clobbered) {
  const int c = static_cast<int>(bu.cls);
  const auto& base = cands_base_[c];
  if (!(clobbered == clob_cache_set_[c])) {
    uint64_t mask = 0;
    for (uint32_t k = 0; k < base.size(); ++k)
      if (clobbered.Contains(base[k])) mask |= uint64_t{1} << k;
    clob_cache_set_[c] = clobbered;
    clob_cache_mask_[c] = mask;
  }
  uint64_t m = clob_cache_mask_[c];
  if (cand_list_.data() != base.data()) {
    const uint32_t p = hint_pos_[cand_list_[0].index()];
    const uint64_t below = (uint64_t{1} << p) - 1;
    m = (m & ~(below | (uint64_t{1} << p))) | ((m & below) << 1) | ((m >> p) & 1);
  }
  EGRET_DCHECK([&] {
    uint64_t want = 0;
    for (uint32_t k = 0; k < cand_list_.size(); ++k)
      if (clobbered.Contains(cand_list_[k])) want |= uint64_t{1} << k;
    return want == m;
  }());
  return m;
}

// Sets or clears the bits of points [a, b) of register r in half `half` (0: reservations,
// 1: assigned ranges).
void Backtrack::MarkBusy(PReg r, uint32_t a, uint32_t b, uint32_t half, bool set) {
  uint64_t* bits = busy_at_[r.index()] + half;
  const uint32_t w0 = a / 64, w1 = (b - 1) / 64;
  const uint64_t m0 = ~uint64_t{0} << (a % 64), m1 = ~uint64_t{0} >> (63 - (b - 1) % 64);
  if (w0 == w1) {
    if (set)
      bits[2 * w0] |= m0 & m1;
    else
      bits[2 * w0] &= ~(m0 & m1);
    return;
  }
  if (set) {
    bits[2 * w0] |= m0;
    for (uint32_t w = w0 + 1; w < w1; ++w) bits[2 * w] = ~uint64_t{0};
    bits[2 * w1] |= m1;
  } else {
    bits[2 * w0] &= ~m0;
    for (uint32_t w = w0 + 1; w < w1; ++w) bits[2 * w] = 0;
    bits[2 * w1] &= ~m1;
  }
}

// Which halves of r's bitmap have a bit set in [a, b) (a < b): bit 0 reservations, bit 1
// assigned ranges. 0 means no conflict in r there. The scan stops once both halves are seen.
[[gnu::always_inline]] inline uint32_t Backtrack::Busy(PReg r, uint32_t a, uint32_t b) const {
  const uint64_t* bits = busy_at_[r.index()];
  const uint32_t w0 = a / 64, w1 = (b - 1) / 64;
  const uint64_t m0 = ~uint64_t{0} << (a % 64), m1 = ~uint64_t{0} >> (63 - (b - 1) % 64);
  if (!res_any_[r.index()]) {  // no reservation bit in r: the first assigned bit decides
    if (w0 == w1) return (bits[2 * w0 + 1] & m0 & m1) != 0 ? 2u : 0u;
    if ((bits[2 * w0 + 1] & m0) != 0) return 2;
    for (uint32_t w = w0 + 1; w < w1; ++w)
      if (bits[2 * w + 1] != 0) return 2;
    return (bits[2 * w1 + 1] & m1) != 0 ? 2u : 0u;
  }
  uint64_t res, occ;
  if (w0 == w1) {
    res = bits[2 * w0] & m0 & m1;
    occ = bits[2 * w0 + 1] & m0 & m1;
  } else {
    res = bits[2 * w0] & m0;
    occ = bits[2 * w0 + 1] & m0;
    // A joined range spans many words (a value live through many blocks): four words a step,
    // until both halves have a bit (most long ranges cross a call, whose clobbers are
    // reservation bits, and the conflict scans that ask are after a set bit).
    uint32_t w = w0 + 1;
    for (; w + 4 <= w1; w += 4) {
      if (res != 0 && occ != 0) return 3;
      const uint64_t* q = bits + 2 * w;
      res |= (q[0] | q[2]) | (q[4] | q[6]);
      occ |= (q[1] | q[3]) | (q[5] | q[7]);
    }
    for (; w < w1; ++w) {
      res |= bits[2 * w];
      occ |= bits[2 * w + 1];
    }
    res |= bits[2 * w1] & m1;
    occ |= bits[2 * w1 + 1] & m1;
  }
  return (res != 0 ? 1u : 0u) | (occ != 0 ? 2u : 0u);
}

// The first point in [a, b) with a bit set in either half of r's bitmap, or UINT32_MAX.
[[gnu::always_inline]] inline uint32_t Backtrack::FirstBusy(PReg r, uint32_t a, uint32_t b) const {
  const uint64_t* bits = busy_at_[r.index()];
  const uint32_t w0 = a / 64, w1 = (b - 1) / 64;
  const uint64_t m1 = ~uint64_t{0} >> (63 - (b - 1) % 64);
  uint64_t mask = ~uint64_t{0} << (a % 64);
  for (uint32_t w = w0; w <= w1; ++w, mask = ~uint64_t{0}) {
    const uint64_t m = (bits[2 * w] | bits[2 * w + 1]) & mask & (w == w1 ? m1 : ~uint64_t{0});
    if (m != 0) return 64 * w + static_cast<uint32_t>(__builtin_ctzll(m));
  }
  return UINT32_MAX;
}

// The first point in [a, b) with a bit set in the reservation half of r's bitmap, or UINT32_MAX.
[[gnu::always_inline]] inline uint32_t Backtrack::FirstReserved(PReg r, uint32_t a,
                                                                uint32_t b) const {
  const uint64_t* bits = busy_at_[r.index()];
  const uint32_t w0 = a / 64, w1 = (b - 1) / 64;
  const uint64_t m1 = ~uint64_t{0} >> (63 - (b - 1) % 64);
  uint64_t mask = ~uint64_t{0} << (a % 64);
  for (uint32_t w = w0; w <= w1; ++w, mask = ~uint64_t{0}) {
    const uint64_t m = bits[2 * w] & mask & (w == w1 ? m1 : ~uint64_t{0});
    if (m != 0) return 64 * w + static_cast<uint32_t>(__builtin_ctzll(m));
  }
  return UINT32_MAX;
}

// The first point in [a, b) covered by an assigned range of r, or UINT32_MAX (exact: the
// assigned half of the bitmap holds exactly the assigned ranges).
uint32_t Backtrack::FirstAssigned(PReg r, uint32_t a, uint32_t b) const {
  const uint64_t* bits = busy_at_[r.index()];
  const uint32_t w0 = a / 64, w1 = (b - 1) / 64;
  const uint64_t m1 = ~uint64_t{0} >> (63 - (b - 1) % 64);
  uint64_t mask = ~uint64_t{0} << (a % 64);
  for (uint32_t w = w0; w <= w1; ++w, mask = ~uint64_t{0}) {
    const uint64_t m = bits[2 * w + 1] & mask & (w == w1 ? m1 : ~uint64_t{0});
    if (m != 0) return 64 * w + static_cast<uint32_t>(__builtin_ctzll(m));
  }
  return UINT32_MAX;
}

// Adds the assigned spans [first, last) of bundle b (spill weight `weight`) to register r: their
// bits in the assigned half of busy_, their start bits, the cover_ words of the 64-point words
// whose first point they cover, and their entries in occ_. The register's arrays are looked up
// once for all the spans.
[[gnu::always_inline]] inline void Backtrack::AddAssigned(PReg r, const Span* first,
                                                          const Span* last, uint32_t b,
                                                          float weight) {
  uint64_t* const bits = busy_at_[r.index()] + 1;
  uint64_t* const starts = starts_at_[r.index()];
  CoverStart* const cover = cover_at_[r.index()];
  for (const Span* s = first; s != last; ++s) {
    // MarkBusy(r, from, to, 1, true), with cover_ written in the same pass over the words.
    const uint32_t from = s->from, to = s->to;
    const uint32_t w0 = from / 64, w1 = (to - 1) / 64;
    const uint64_t m0 = ~uint64_t{0} << (from % 64), m1 = ~uint64_t{0} >> (63 - (to - 1) % 64);
    if (from % 64 == 0) cover[w0].start = from;
    if (w0 == w1) {
      bits[2 * w0] |= m0 & m1;
    } else {
      bits[2 * w0] |= m0;
      for (uint32_t w = w0 + 1; w < w1; ++w) {
        bits[2 * w] = ~uint64_t{0};
        cover[w].start = from;
      }
      bits[2 * w1] |= m1;
      cover[w1].start = from;
    }
    starts[w0] |= uint64_t{1} << (from % 64);
    occ_.Insert(r.index(), {from, to, b, weight});
  }
}

// Removes the assigned span [from, to) from register r (cover_ needs no clearing: it is read only
// where an assigned bit is set, and the span that sets it writes it).
void Backtrack::RemoveAssigned(PReg r, uint32_t from, uint32_t to) {
  MarkBusy(r, from, to, 1, false);
  starts_at_[r.index()][from / 64] &= ~(uint64_t{1} << (from % 64));
  occ_.Erase(r.index(), from);
}

// The assigned span of r covering point p, whose bit in the assigned half of busy_ is set: it
// began at the last start bit at or before p in p's word, or, with none there, before that word,
// at cover_[p's word].
[[gnu::always_inline]] inline const IntervalMap::Entry& Backtrack::AssignedAt(PReg r,
                                                                              uint32_t p) const {
  EGRET_DCHECK((busy_at_[r.index()][2 * (p / 64) + 1] >> (p % 64)) & 1);
  const uint64_t below = starts_at_[r.index()][p / 64] & (~uint64_t{0} >> (63 - p % 64));
  const uint32_t start = below != 0
                             ? p / 64 * 64 + 63 - static_cast<uint32_t>(__builtin_clzll(below))
                             : cover_at_[r.index()][p / 64].start;
  const IntervalMap::Entry& e = occ_.Find(r.index(), start);
  EGRET_DCHECK(e.from <= p && p < e.to);
  return e;
}

// Calls f(entry) for each assigned span of r overlapping [a, b), in order, until f returns false.
// Assigned spans of one register are disjoint and the assigned half of busy_ holds exactly their
// points, so: the span covering a (if a's bit is set) began at the last start bit at or before a
// in a's word, or, with none there, before that word, at cover_[a's word]; after a span ends (or
// from a, when nothing covers it), the first assigned point is the start of the next span.
template <class F>
void Backtrack::ForEachAssigned(PReg r, uint32_t a, uint32_t b, F&& f) const {
#ifdef EGRET_DEBUG
  // The walk below meets exactly the entries of r overlapping [a, b), in order (checked against
  // a scan of the whole table while it is small, so Debug builds stay linear).
  if (occ_.size() > 256) {
    ForEachAssignedWalk(r, a, b, f);
    return;
  }
  std::vector<uint32_t> expected, met;
  occ_.ForEachEntry([&](uint32_t reg, const IntervalMap::Entry& e) {
    if (reg == r.index() && e.from < b && e.to > a) expected.push_back(e.from);
  });
  std::sort(expected.begin(), expected.end());
  bool stopped = false;
  const auto f_checked = [&](const IntervalMap::Entry& e) {
    met.push_back(e.from);
    stopped = !f(e);
    return !stopped;
  };
  ForEachAssignedWalk(r, a, b, f_checked);
  // All of them, or (f stopped the walk) the first ones.
  EGRET_DCHECK(stopped ? met.size() <= expected.size() : met.size() == expected.size());
  for (size_t k = 0; k < met.size(); ++k) EGRET_DCHECK(met[k] == expected[k]);
}

template <class F>
void Backtrack::ForEachAssignedWalk(PReg r, uint32_t a, uint32_t b, F&& f) const {
#endif
  const uint64_t* bits = busy_at_[r.index()];
  uint32_t p = a;
  if ((bits[2 * (a / 64) + 1] >> (a % 64)) & 1) {
    const IntervalMap::Entry& e = AssignedAt(r, a);
    if (!f(e)) return;
    p = e.to;
  }
  while (p < b) {
    const uint32_t q = FirstAssigned(r, p, b);
    if (q == UINT32_MAX) return;
    const IntervalMap::Entry& e = occ_.Find(r.index(), q);
    if (!f(e)) return;
    p = e.to;
  }
}

// The span walk of the conflict queries: calls f(range, its index, Busy(r, range)) for each range
// of bu from index from_range on whose points have a busy bit in r, in order, until f returns
// false (then returns false). bu's spans must be kept. The ranges of a span touch, so every
// point of it lies in exactly one of them: the walk jumps from one set bit to the range holding
// it, skipping the ranges with no bit set (no conflict there).
// `occ_seen` (optional, read before each jump): below that point the assigned bits belong to an
// entry f has already been given, so there the walk jumps by reservation bits only; a range it
// then skips has assigned bits of that entry alone (entries in one register are disjoint).
template <class F>
[[gnu::always_inline]] inline bool Backtrack::ForEachBusyRange(const Bundle& bu, PReg r,
                                                               uint32_t from_range, F&& f,
                                                               const uint32_t* occ_seen) const {
  const auto rs = Ranges(bu);
  for (const Span& s : SpansOf(bu)) {
    if (s.last <= from_range) continue;
    uint32_t k = std::max(s.first, from_range);
    for (uint32_t p = rs[k].from; k < s.last;) {
      // Where the range holding p is known to have no bit set before p (in either half).
      uint32_t clear_to = 0;
      if (s.last - s.first > 1) {
        if (occ_seen != nullptr && p < *occ_seen) {
          const uint32_t until = std::min(*occ_seen, s.to);
          const uint32_t q = FirstReserved(r, p, until);
          if (q != UINT32_MAX)
            p = q;
          else if (until == s.to)
            break;
          else
            p = FirstBusy(r, until, s.to);
        } else {
          // The scan starts at or before the start of the range holding the bit it finds
          // (ranges of a span touch), so that range has no bit before it.
          p = FirstBusy(r, p, s.to);
          clear_to = p;
        }
        if (p == UINT32_MAX) break;
        while (rs[k].to <= p) ++k;
      }
      const Range& x = rs[k];
      const uint32_t busy = Busy(r, std::max(x.from, clear_to), x.to);
      p = x.to;
      ++k;
      if (busy != 0 && !f(x, k - 1, busy)) return false;
    }
  }
  return true;
}

template <class F>
void Backtrack::ForEachConflict(const Bundle& bu, PReg r, uint32_t from_range, F&& f) const {
  // The end of the last assigned entry reported. Assigned entries in one register are
  // disjoint, so a later range of the bundle that ends by it lies inside that entry (which
  // began before the range that reported it) and meets no other: it is not queried, and that
  // entry's bundle is not reported again (f took it and went on).
  uint32_t reported_to = 0;
  // Each other range with a busy bit is queried exactly as a range-by-range scan would.
  ForEachBusyRange(
      bu, r, from_range,
      [&](const Range& x, uint32_t, uint32_t busy) {
        if ((busy & 1) && ReservedByOther(r, x) && !f(&x, kNone, 0.0f)) return false;
        if (!(busy & 2) || x.to <= reported_to) return true;
        bool go_on = true;
        ForEachAssigned(r, x.from, x.to, [&](const IntervalMap::Entry& e) {
          reported_to = e.to;  // entries come in order, so the last one ends last
          return go_on = f(&x, e.bundle, e.weight);
        });
        return go_on;
      },
      &reported_to);
}

// The index of bu's first range with a conflict in r, or kNone: the range of ForEachConflict's
// first call, found without the interval set (the assigned half of the bitmap is exact, so a set
// bit there is a conflict with an assigned bundle in that range). bu's spans must be kept.
// *reserved is set when that range is known to meet a reservation of another vreg (it has no
// assigned bit and a reservation conflict): ForEachConflict's first call is then a reservation.
//
// The walk jumps from set bit to set bit within each span (as ForEachBusyRange). The range
// holding the bit found has no bit before it (the scan started at or before its start: ranges
// of a span touch), so from that bit on an assigned bit decides at once, and without one the
// bit found is a reservation bit and only the reservations decide.
[[gnu::noinline]] uint32_t Backtrack::FirstConflictRange(const Bundle& bu, PReg r,
                                                         bool* reserved) const {
  *reserved = false;
  const auto rs = Ranges(bu);
  for (const Span& s : SpansOf(bu)) {
    uint32_t k = s.first;
    for (uint32_t p = s.from; p < s.to;) {
      p = FirstBusy(r, p, s.to);
      if (p == UINT32_MAX) break;
      while (rs[k].to <= p) ++k;
      const Range& x = rs[k];
      if (FirstAssigned(r, p, x.to) != UINT32_MAX) return k;
      if (ReservedByOther(r, Range(p, x.to, x.vreg))) {
        *reserved = true;
        return k;
      }
      p = x.to;
    }
  }
  return kNone;
}

// Whether a reservation of r overlapping range x belongs to another vreg than x's (a conflict):
// a fixed operand's, or a clobber (of no vreg).
[[gnu::always_inline]] inline bool Backtrack::ReservedByOther(PReg r, const Range& x) const {
  if (FirstClobberIn(r, x.from, x.to) != UINT32_MAX) return true;
  const auto& res = res_[r.index()];
  auto it = res.begin() + ResLowerBound(r, x.from >= 4 ? x.from - 4 : 0);
  for (; it != res.end() && it->from < x.to; ++it)
    if (it->to > x.from && it->vreg != x.vreg) return true;
  return false;
}

// The first point in [a, b) where a call clobbers r (4j + 2 for call j), or UINT32_MAX. Each such
// point has its bit set in the reservation half of r's bitmap (BuildUses), so only the set bits
// at points 4j + 2 are visited (a fixed operand's reservation may set one too: its instruction
// is then no call clobbering r, and the search goes on).
uint32_t Backtrack::FirstClobberIn(PReg r, uint32_t a, uint32_t b) const {
  if (a >= b) return UINT32_MAX;
  const uint64_t* bits = busy_at_[r.index()];
  const uint32_t w0 = a / 64, w1 = (b - 1) / 64;
  const uint64_t m1 = ~uint64_t{0} >> (63 - (b - 1) % 64);
  constexpr uint64_t kAt2 = 0x4444444444444444ull;  // the points 4j + 2 of a word
  uint64_t mask = kAt2 & (~uint64_t{0} << (a % 64));
  for (uint32_t w = w0; w <= w1; ++w, mask = kAt2) {
    for (uint64_t m = bits[2 * w] & mask & (w == w1 ? m1 : ~uint64_t{0}); m != 0; m &= m - 1) {
      const uint32_t p = 64 * w + static_cast<uint32_t>(__builtin_ctzll(m));
      if (f_->Clobbers(p / 4).Contains(r)) return p;
    }
  }
  return UINT32_MAX;
}

// Keeps the spans of bundle b (SpansOf): the ranges with touching neighbours joined (a range
// that starts where the previous one ends, as a value live from one block into the next in layout
// order does). Conflict queries and the per-register structures work on spans: a bundle live
// through many blocks has one span where it has a range per block. Spans already kept (by
// SplitAt, Evict or an earlier Place) are used as they are; new ones are joined straight into
// span_arena_, where AssignSpans, Evict and the bundle's next Place find them without a copy.
//
// Since the ranges of one vreg come joined (CompactRanges), touching ranges are rare (those of
// references, and of different vregs in a merged bundle): lz20's 113 K spans join about one
// range each.
void Backtrack::BuildSpans(uint32_t b) {
  Bundle& bu = bundles_[b];
  if (bu.span_end != bu.span_begin) {  // kept
#ifdef EGRET_DEBUG
    const auto kept = SpansOf(bu);
    std::vector<Span> fresh;
    JoinRanges(bu, &fresh);
    EGRET_DCHECK(fresh.size() == kept.size());
    for (size_t k = 0; k < kept.size(); ++k)
      EGRET_DCHECK(fresh[k].from == kept[k].from && fresh[k].to == kept[k].to &&
                   fresh[k].first == kept[k].first && fresh[k].last == kept[k].last);
#endif
    return;
  }
  bu.span_begin = static_cast<uint32_t>(span_arena_.size());
  JoinRanges(bu, &span_arena_);
  bu.span_end = static_cast<uint32_t>(span_arena_.size());
}

// Appends the spans of bu's ranges to *out (see BuildSpans).
void Backtrack::JoinRanges(const Bundle& bu, std::vector<Span>* out) const {
  const Range* rs = arena_.data() + bu.begin;
  const Range* const e = rs + (bu.end - bu.begin);
  for (const Range* p = rs; p < e;) {
    const uint32_t first = static_cast<uint32_t>(p - rs), from = p->from;
    uint32_t to = p->to;
    for (++p; p < e && p->from == to; ++p) to = p->to;
    out->push_back({from, to, first, static_cast<uint32_t>(p - rs)});
  }
}

// The index (in bu) of bu's range holding point p, which bu covers.
[[gnu::always_inline]] inline uint32_t Backtrack::RangeIndexAt(const Bundle& bu, uint32_t p) const {
  const auto rs = Ranges(bu);
  const uint32_t k = static_cast<uint32_t>(
      std::partition_point(rs.begin(), rs.end(), [p](const Range& x) { return x.to <= p; }) -
      rs.begin());
  EGRET_DCHECK(k < rs.size() && rs[k].from <= p);
  return k;
}

// Index of the first reservation of r starting at or after point p. Every reservation lies
// inside one instruction's four points ([4i, 4i + 4]: a clobber or a fixed-register operand,
// BuildUses), so one that overlaps a range starting at `from` starts at or after from - 4: the
// callers search from there.
uint32_t Backtrack::ResLowerBound(PReg r, uint32_t p) const {
  const auto& list = res_[r.index()];
  const auto& index = res_index_[r.index()];
  const uint32_t b = p >> kResShift;
  if (b + 1 >= index.size()) return static_cast<uint32_t>(list.size());
  const auto it = std::lower_bound(list.begin() + index[b], list.begin() + index[b + 1], p,
                                   [](const Res& a, uint32_t x) { return a.from < x; });
  return static_cast<uint32_t>(it - list.begin());
}

// The first point where the bundle meets a reservation or another bundle in r (UINT32_MAX if
// none), searched before `limit` only (a known conflict: the answer when none comes before).
// Stops at the first range of the bundle that has a conflict.
// `from_range`: ranges before it are known to have no conflict in r.
uint32_t Backtrack::FirstConflict(const Bundle& bu, PReg r, uint32_t from_range,
                                  uint32_t limit) const {
  // bu's spans are kept (Split runs right after Place on the same bundle). The walk jumps from
  // set bit to set bit within each span; a conflict is at a set bit, and the range holding the
  // bit found has none before it (the scan started at or before its start: ranges of a span
  // touch), so its conflicts are searched from that bit on, up to the limit.
  const auto rs = Ranges(bu);
  for (const Span& s : SpansOf(bu)) {
    if (s.last <= from_range) continue;
    if (s.from >= limit) break;
    const uint32_t end = std::min(s.to, limit);
    uint32_t k = std::max(s.first, from_range);
    for (uint32_t p = rs[k].from; p < end;) {
      p = FirstBusy(r, p, end);
      if (p == UINT32_MAX) break;
      while (rs[k].to <= p) ++k;
      const Range& x = rs[k];
      const uint32_t first = FirstConflictIn(r, Range(p, std::min(x.to, limit), x.vreg));
      if (first != UINT32_MAX) return first;
      p = x.to;
    }
  }
  return limit;
}

// The first point of range x where it meets a reservation of another vreg or an assigned range
// in r, or UINT32_MAX. The first assigned point is found first (the assigned half is exact);
// reservations are looked at only when a reservation bit comes before it, and only up to it.
uint32_t Backtrack::FirstConflictIn(PReg r, const Range& x) const {
  uint32_t first = FirstAssigned(r, x.from, x.to);
  const uint32_t lim = std::min(first, x.to);
  if (x.from < lim && res_any_[r.index()] && FirstReserved(r, x.from, lim) != UINT32_MAX) {
    // A fixed operand's reservation of another vreg overlapping x, starting before lim: the
    // first one (they are sorted by start) is the earliest.
    const auto& res = res_[r.index()];
    auto it = res.begin() + ResLowerBound(r, x.from >= 4 ? x.from - 4 : 0);
    for (; it != res.end() && it->from < lim; ++it)
      if (it->to > x.from && it->vreg != x.vreg) {
        first = std::max(x.from, it->from);
        break;
      }
    // A clobber lies inside x (one point), so only one before the other conflicts matters.
    first = std::min(first, FirstClobberIn(r, x.from, std::min(first, x.to)));
  }
  return first;
}

void Backtrack::Assign(uint32_t b, PReg r) {
  Bundle& bu = bundles_[b];
  bu.reg = r;
  unclaimed_.Remove(r);
  // One assigned entry per span (touching ranges joined): the conflicts of any query are the
  // same bundles with the same weights, with fewer entries to insert, look up and erase.
  if (bu.span_end != bu.span_begin) {  // kept by SplitAt
    AddAssigned(r, span_arena_.data() + bu.span_begin, span_arena_.data() + bu.span_end, b,
                bu.weight);
    return;
  }
  const auto rs = Ranges(bu);
  for (size_t k = 0; k < rs.size();) {
    const uint32_t from = rs[k].from;
    uint32_t to = rs[k].to;
    for (++k; k < rs.size() && rs[k].from == to; ++k) to = rs[k].to;
    const Span s{from, to, 0, 0};
    AddAssigned(r, &s, &s + 1, b, bu.weight);
  }
}

// Assign() for the bundle Place() is placing: its spans are kept (BuildSpans), so the ranges are
// not walked again, and Evict finds the spans it inserted.
void Backtrack::AssignSpans(uint32_t b, PReg r) {
  Bundle& bu = bundles_[b];
  bu.reg = r;
  unclaimed_.Remove(r);
  const auto spans = SpansOf(bu);
  AddAssigned(r, spans.data(), spans.data() + spans.size(), b, bu.weight);
}

void Backtrack::Evict(uint32_t b) {
  Bundle& bu = bundles_[b];
  if (bu.span_end == bu.span_begin) {  // joined here and kept for the bundle's next Place
    bu.span_begin = static_cast<uint32_t>(span_arena_.size());
    const auto rs = Ranges(bu);
    for (uint32_t k = 0; k < rs.size();) {
      const uint32_t first = k, from = rs[k].from;
      uint32_t to = rs[k].to;
      for (++k; k < rs.size() && rs[k].from == to; ++k) to = rs[k].to;
      span_arena_.push_back({from, to, first, k});
    }
    bu.span_end = static_cast<uint32_t>(span_arena_.size());
  }
  for (uint32_t k = bu.span_begin; k < bu.span_end; ++k) {  // the spans Assign inserted
    const Span& s = span_arena_[k];
    RemoveAssigned(bu.reg, s.from, s.to);
  }
  bu.reg = PReg();
  // An eviction counts as a split: a bundle that keeps being evicted ends in minimal bundles
  // after kMaxSplits rounds instead of being re-placed (and rescanned) without bound.
  if (bu.gen < kMaxSplits) ++bu.gen;
  Enqueue(b);
}

// What leaving the bundle in its spill slot costs, in the frequency units of freq_: a store per
// definition, a reload per register or fixed use, half of one per use that may read the slot
// as a memory operand (kAny), nothing for stack operands; a rematerializable bundle stores
// nothing and recomputes cheaply (kRematWeight).
float Backtrack::SpillCost(const Bundle& bu) const {
  float cost = 0;
  bool remat = true;
  auto add = [&](const UseRec& u) {
    const Operand& op = f_->operands[u.operand];
    if (op.constraint == Constraint::kStack) return;
    cost +=
        op.is_use() && op.constraint == Constraint::kAny && !u.requiring ? 0.5f * u.freq : u.freq;
  };
  const auto rs = Ranges(bu);
  if (bu.one_vreg && !rs.empty()) {
    remat = IsCheapRemat(rs.front().vreg);
    ForEachUseOf(bu, [&](const UseRec& u) {
      add(u);
      return true;
    });
    return remat ? cost * kRematWeight : cost;
  }
  UseCursor cur;
  for (const Range& r : rs) {
    if (NoUseLeftIn(r, cur)) continue;  // the run's vreg (remat already counted)
    remat &= IsCheapRemat(r.vreg);
    const UseRec* e = uses_.data() + use_begin_[r.vreg + 1];
    const UseRec* it = UsesFrom(r, &cur);
    for (; it < e && it->from < r.to; ++it) add(*it);
    cur = {r.vreg, it, e};
  }
  return remat ? cost * kRematWeight : cost;
}

// True if the bundle should not be the first to use callee-saved register r: the save and
// restore that the first use adds to the prologue and epilogue (claim_cost_) cost more than
// leaving the bundle in its slot. Minimal bundles never decline (their operands need a
// register); a register some bundle already claimed costs nothing more.
bool Backtrack::DeclinesCalleeSaved(const Bundle& bu, PReg r, float* cost) const {
  if (!unclaimed_.Contains(r) || bu.minimal) return false;
  if (*cost < 0) *cost = SpillCost(bu);  // the same for every candidate: computed once
  return *cost < claim_cost_;
}

Status Backtrack::Place(uint32_t b) {
  // bundles_ does not grow before Split (evictions only requeue): the reference stays valid.
  Bundle& bu = bundles_[b];
  cand_list_ = Candidates(bu);
  BuildSpans(b);
  // Valid until the arena of spans grows (nothing below appends to it before the evictions).
  const auto spans = SpansOf(bu);
  const float w = bu.weight;
  const bool may_evict = w > 0 && (budget_ > 0 || bu.minimal);
  // Registers a call clobbers inside the bundle: a reservation of no vreg, so each is taken
  // (not free) and can never be the eviction choice (a reservation conflict costs more than
  // any eviction), whatever else conflicts. They are skipped without a scan; Split's
  // FirstConflict then searches them from the first range.
  // The walk stops once the set holds every register any call of the function clobbers
  // (all_clobbers_): a long bundle across many calls usually has them all at its first call.
  PRegSet& clobbered = clobbered_;
  clobbered = PRegSet();
  first_call_set_ = PRegSet();
  for (const Span& s : spans) {
    uint32_t j = next_call_[(s.from + 1) / 4];
    for (; j != kNone && 4 * j + 2 < s.to; j = next_call_[j + 1]) {
      if (clobbered.Empty()) {
        first_call_set_ = f_->Clobbers(j);
        first_call_pt_ = 4 * j + 2;
      }
      clobbered |= f_->Clobbers(j);
      if (clobbered == all_clobbers_) break;
    }
    if (j != kNone && 4 * j + 2 < s.to) break;  // stopped early: the set is complete
  }
  // The bundle's points as a bitmap over the words of its extent, when that is short next to
  // its span list: a candidate whose bitmap words are clear under it is free at a few ANDs.
  // Either way the answers are the same; the bound only weighs building and ANDing the words
  // against the span walks (lz20: +16 words beat +2, +8, +32 and 4 words a span + 64).
  const uint32_t lo_word = spans.front().from / 64;
  const uint32_t num_words = (spans.back().to - 1) / 64 - lo_word + 1;
  const bool use_mask = num_words <= 2 * spans.size() + 16;
  // A bundle within one word (most are short) keeps its bitmap in a register.
  uint64_t mask0 = 0;
  if (num_words == 1) {
    for (const Span& s : spans)
      mask0 |= (~uint64_t{0} << (s.from % 64)) & (~uint64_t{0} >> (63 - (s.to - 1) % 64));
  } else if (use_mask) {
    // Only grows (its words past num_words are not read): a resize is rare, the zeroing inline.
    if (bundle_mask_.size() < num_words) bundle_mask_.resize(num_words);
    uint64_t* mask = bundle_mask_.data();
    std::fill_n(mask, num_words, uint64_t{0});
    for (const Span& s : spans) {  // first and last word masked, the words between filled
      const uint32_t w0 = s.from / 64 - lo_word, w1 = (s.to - 1) / 64 - lo_word;
      const uint64_t m0 = ~uint64_t{0} << (s.from % 64),
                     m1 = ~uint64_t{0} >> (63 - (s.to - 1) % 64);
      if (w0 == w1) {
        mask[w0] |= m0 & m1;
        continue;
      }
      mask[w0] |= m0;
      for (uint32_t w = w0 + 1; w < w1; ++w) mask[w] = ~uint64_t{0};
      mask[w1] |= m1;
    }
  }
  // First pass: the first free candidate in order wins. A candidate is free when its scan finds
  // no conflict; a taken one stops at its first conflict, which Split may need.
  // Written by index (the first pass reaches an unclobbered candidate k only after writing the
  // unclobbered ones before it), so the vectors only ever grow to the longest candidate list.
  const uint32_t num_cands = static_cast<uint32_t>(cand_list_.size());
  if (first_conflict_range_.size() < num_cands) {
    first_conflict_range_.resize(num_cands);
    first_occ_word_.resize(num_cands);
    first_occ_pt_.resize(num_cands);
  }
  uint32_t* const first_conflict = first_conflict_range_.data();
  uint32_t* const first_occ_word = first_occ_word_.data();
  // Of the unclobbered candidates (bit k: cand_list_[k]): declined fresh callee-saved ones,
  // those whose first conflict is a reservation, and those taken at an assigned bit with
  // reservation bits before it (occ_point below). Declined ones get no first conflict.
  uint64_t declined = 0, res_first = 0, res_before_occ = 0;
  float spill_cost = -1;  // SpillCost of the bundle, once a candidate needs it
  // The clobbered candidates are skipped at once (clob_mask_); the passes below and Split visit
  // the others by the bits of `unclobbered`, in candidate order.
  clob_mask_ = clobbered.Empty() ? 0 : ClobberedCandidates(bu, clobbered);
  const uint64_t unclobbered = all_cands_[static_cast<int>(bu.cls)] & ~clob_mask_;
  for (uint64_t left = unclobbered; left != 0; left &= left - 1) {
    const uint32_t ci = static_cast<uint32_t>(__builtin_ctzll(left));
    const PReg r = cand_list_[ci];
    // A fresh callee-saved register the bundle does not pay for counts as taken; it is not
    // an eviction or split choice either (it holds no bundle to evict).
    if (DeclinesCalleeSaved(bu, r, &spill_cost)) {
      declined |= uint64_t{1} << ci;
      if (!bu.deferred) {
        bool reserved;
        const bool free = FirstConflictRange(bu, r, &reserved) == kNone;
        if (free) {  // put off: some bundle may claim the register meanwhile (AllocateAll)
          bu.deferred = true;
          deferred_.push_back(b);
          return Status::Ok();
        }
      }
      continue;
    }
    if (use_mask) {
      // An assigned bit under the bundle's points is a conflict (that half is exact): taken,
      // without looking further. Its first conflicting range is found only if no later
      // candidate is free (below).
      const uint64_t* bits = busy_at_[r.index()] + 2 * lo_word;
      uint64_t res = 0;
      if (num_words == 1) {
        if ((mask0 & bits[1]) != 0) {
          first_conflict[ci] = kUnknown;
          continue;
        }
        res = mask0 & bits[0];
        if (res != 0) {
          // Only reservation bits under the bundle: FirstConflictRange's walk, from the bits.
          // Each range holding one is checked for a reservation of another vreg, in order.
          const auto rs = Ranges(bu);
          const uint32_t base = 64 * lo_word;
          uint32_t k = 0;
          for (uint64_t m = res; m != 0;) {
            const uint32_t q = base + static_cast<uint32_t>(__builtin_ctzll(m));
            while (rs[k].to <= q) ++k;
            if (ReservedByOther(r, rs[k])) break;
            const uint32_t past = rs[k].to - base;  // clear the bits up to the range's end
            m &= past >= 64 ? 0 : ~uint64_t{0} << past;
            if (m == 0) k = kNone;
          }
#ifdef EGRET_DEBUG
          bool reserved;
          EGRET_DCHECK(k == FirstConflictRange(bu, r, &reserved));
          EGRET_DCHECK(k == kNone || reserved);
#endif
          if (k == kNone) {
            AssignSpans(b, r);
            return Status::Ok();
          }
          first_conflict[ci] = k;
          res_first |= uint64_t{1} << ci;
          continue;
        }
      } else {
        uint32_t k = 0;
        for (; k < num_words && (bundle_mask_[k] & bits[2 * k + 1]) == 0; ++k)
          res |= bundle_mask_[k] & bits[2 * k];
        if (k < num_words) {
          first_conflict[ci] = kUnknown;
          first_occ_word[ci] = k | (res != 0 ? kResBefore : 0);
          continue;
        }
      }
      if (res == 0) {
        AssignSpans(b, r);
        return Status::Ok();
      }
    }
    bool reserved;
    const uint32_t first = FirstConflictRange(bu, r, &reserved);
    if (first == kNone) {
      AssignSpans(b, r);
      return Status::Ok();
    }
    first_conflict[ci] = first;
    if (reserved) res_first |= uint64_t{1} << ci;
  }
  // Candidates the first pass found taken at an assigned bit (kUnknown) have no first
  // conflicting range yet, but the bitmap word holding their first assigned point under the
  // bundle (first_occ_word_; word 0 of a one-word bundle), found again here only for the
  // candidates that still need it: the point, and whether reservation bits lie under the bundle
  // before it (then its bit in res_before_occ is set). Without those bits that point is the
  // first conflict: its range is where the scan below starts, and Split reads the point itself
  // (first_occ_pt_). With them, the scan starts at the first range and records the range of its
  // first conflict; Split walks from the first range.
  const auto occ_point = [&](uint32_t ci) {
    const PReg r = cand_list_[ci];
    uint32_t k = 0;
    uint64_t m = mask0;
    bool res_before = false;
    if (num_words != 1) {
      k = first_occ_word_[ci] & ~kResBefore;
      res_before = (first_occ_word_[ci] & kResBefore) != 0;
      m = bundle_mask_[k];
    }
    const uint64_t* bits = busy_at_[r.index()] + 2 * (lo_word + k);
    const uint32_t q = static_cast<uint32_t>(__builtin_ctzll(m & bits[1]));
    if (res_before || (m & bits[0] & ((uint64_t{1} << q) - 1)) != 0)
      res_before_occ |= uint64_t{1} << ci;
    return 64 * (lo_word + k) + q;
  };
  const Range* const first_range = arena_.data() + bu.begin;
  // No register is free: the register whose conflicts are all lighter than this bundle, with
  // the lightest heaviest one (the first such in candidate order). A conflict with a
  // reservation or a heavier bundle rules a register out. The choice depends only on the set of
  // conflicts of each candidate (a scan may stop early only once the candidate cannot win), so
  // any one conflict found to rule a candidate out settles it without a scan.
  // The first pass found most remaining candidates' first conflicting range: the scan starts
  // there (no conflict before it), and a candidate whose first conflict is a reservation is
  // ruled out without one; one taken at an assigned bit is ruled out when the span there is at
  // least as heavy as the bundle (most are: bundles are placed largest first, and weight is
  // use frequency per point).
  PReg best;
  uint32_t best_k = 0;
  float best_cost = kInfWeight * 2;
  if (may_evict) {
    for (uint64_t left = unclobbered & ~(declined | res_first); left != 0; left &= left - 1) {
      const uint32_t k = static_cast<uint32_t>(__builtin_ctzll(left));
      const PReg r = cand_list_[k];
      float cost = 0;
      bool unknown = first_conflict_range_[k] == kUnknown;
      if (unknown) {
        const uint32_t q = occ_point(k);
        if (AssignedAt(r, q).weight >= w) continue;
        if (((res_before_occ >> k) & 1) == 0) {
          first_conflict_range_[k] = RangeIndexAt(bu, q);
          unknown = false;
        }
      }
      ForEachConflict(bu, r, unknown ? 0 : first_conflict_range_[k],
                      [&](const Range* x, uint32_t c, float cw) {
                        if (unknown) {
                          first_conflict_range_[k] = static_cast<uint32_t>(x - first_range);
                          unknown = false;
                        }
                        if (c == kNone || cw >= w) {
                          cost = kInfWeight * 4;
                          return false;
                        }
                        cost = std::max(cost, cw);
                        return cost < best_cost;  // no better than the best so far: stop scanning
                      });
      if (cost < best_cost) {
        best_cost = cost;
        best = r;
        best_k = k;
      }
    }
  }
  if (best.valid()) {
    if (budget_ > 0) --budget_;
    evict_list_.clear();
    ForEachConflict(bu, best, first_conflict_range_[best_k], [&](const Range*, uint32_t c, float) {
      evict_list_.push_back(c);
      return true;
    });
    std::sort(evict_list_.begin(), evict_list_.end());
    evict_list_.erase(std::unique(evict_list_.begin(), evict_list_.end()), evict_list_.end());
    for (uint32_t c : evict_list_) Evict(c);
    AssignSpans(b, best);
    return Status::Ok();
  }
  if (bu.minimal)
    return Error(absl::StrCat("regalloc: no register for the operands of i", Ranges(bu)[0].from / 4,
                              " (more operands need registers than the class has)"));
  if (!bu.has_req) {
    bu.spilled = true;
    return Status::Ok();
  }
  for (uint64_t left = unclobbered & ~declined; left != 0; left &= left - 1) {
    const uint32_t k = static_cast<uint32_t>(__builtin_ctzll(left));
    if (first_conflict_range_[k] == kUnknown) first_occ_pt_[k] = occ_point(k);
  }
  cand_declined_ = declined;
  cand_res_before_occ_ = res_before_occ;
  return Split(b);
}

// The coldest gap in [lo, hi] (both multiples of 4), latest among the coldest: a gap before
// instruction j has the depth of j's block. From hi, step out of the innermost loop of the
// current gap's block to the gap before the terminator of the block laid out just before the
// loop's header (its preheader in structured code), and keep the coldest gap seen. Leaving
// through the header rather than through the nearest shallower block matters when an exit block
// is laid out between a loop's header and its latch (reverse post-order does this): a split
// there would leave the header on one side and the latch on the other, and put the reload on the
// back edge. Blocks whose header is unknown step to the nearest earlier shallower block.
uint32_t Backtrack::ColdestGap(uint32_t lo, uint32_t hi) const {
  uint32_t g = hi, best = hi, best_depth = depth_[block_of_inst_[hi / 4]];
  for (;;) {
    const uint32_t b = block_of_inst_[g / 4];
    uint32_t q = kNone;
    if (header_[b] != kNone)
      q = header_[b] == 0 ? kNone : header_[b] - 1;
    else
      q = prev_shallower_[b];
    if (q == kNone) break;
    const uint32_t cand = 4 * (f_->blocks[q].inst_end - 1);
    if (cand < lo || cand >= g) break;
    g = cand;
    if (depth_[q] < best_depth) {
      best = g;
      best_depth = depth_[q];
    }
  }
  return best;
}

// Loop splitting: the outermost loop around block `at` that the bundle is live into at the
// header and has no use in (every loop between it and `at` qualifying too) is cut out: the
// bundle's ranges in that loop's blocks become a use-free bundle (it keeps a register only if one
// is free through the whole loop, else lives in the slot), the rest another; both are requeued.
// The value then enters and leaves the loop on the loop's edges, never inside it or on its back
// edge, whatever the layout (reverse post-order puts exits between a header and its body, so no
// single layout point separates such a loop from its exits). Linear in the blocks the bundle's
// ranges cover and its uses, times the loop depth (per-block stamps instead of sets). Returns
// false if there is no such loop.
bool Backtrack::CutLoop(uint32_t b, uint32_t at) {
  const auto rs = Ranges(bundles_[b]);
  // The bundle is live into header h when one of its ranges holds h's first point: in per-block
  // form a range starts there (a header's first point is a block start, where a joined range is
  // cut), and conversely. The ranges are sorted and disjoint, so a binary search tells.
  auto live_into = [&rs, this](uint32_t h) {
    const uint32_t start = 4 * f_->blocks[h].inst_begin;
    const auto it = std::partition_point(rs.begin(), rs.end(),
                                         [start](const Range& r) { return r.to <= start; });
    return it != rs.end() && it->from <= start;
  };
  // The walk up at's loop chain below stops at its first header, finding no loop to cut, unless
  // the bundle is live into that header. Most calls end here, before the marks walk the
  // bundle's uses.
  if (header_[at] == kNone || !live_into(header_[at])) return false;
  const uint32_t stamp = ++cut_stamp_;
  auto chain = [&](uint32_t block, auto&& f) {
    uint32_t x = header_[block];
    for (uint32_t steps = 0; x != kNone && steps < 256; ++steps, x = parent_[x])
      if (!f(x)) return;
  };
  auto mark_used = [&](uint32_t blk) {
    chain(blk, [&](uint32_t h) {
      if (used_mark_[h] == stamp) return false;  // and so is every loop around it
      used_mark_[h] = stamp;
      return true;
    });
  };
  // The loops with a use: from the uses' blocks (a use lies in one block). Only the headers on
  // at's chain need their live-in mark.
  if (bundles_[b].one_vreg) {
    ForEachUseOf(bundles_[b], [&](const UseRec& u) {
      mark_used(block_of_inst_[u.from / 4]);
      return true;
    });
  } else {
    UseCursor cur;
    for (const Range& r : rs) {
      if (NoUseLeftIn(r, cur)) continue;
      const UseRec* e = uses_.data() + use_begin_[r.vreg + 1];
      const UseRec* it = UsesFrom(r, &cur);
      for (; it < e && it->from < r.to; ++it) mark_used(block_of_inst_[it->from / 4]);
      cur = {r.vreg, it, e};
    }
  }
  chain(at, [&](uint32_t h) {
    if (live_into(h)) live_mark_[h] = stamp;
    return true;
  });
  uint32_t outermost = kNone;
  chain(at, [&](uint32_t h) {
    if (live_mark_[h] != stamp || used_mark_[h] == stamp) return false;
    outermost = h;
    return true;
  });
  if (outermost == kNone) return false;
  cut_mark_[outermost] = stamp;
  // A block's side depends only on its innermost header (the chain walked from it), and
  // consecutive blocks mostly lie in one loop: the last header's answer is reused.
  uint32_t last_header = kNone;
  bool last_in = false;
  auto inside = [&](uint32_t blk) {
    if (header_[blk] == last_header) return last_in;
    bool in = false;
    chain(blk, [&](uint32_t h) {
      in = cut_mark_[h] == stamp;
      return !in;
    });
    last_header = header_[blk];
    last_in = in;
    return in;
  };
  // Each range cut where its side changes (a range covering several blocks, in and out of the
  // loop, becomes one piece per run of blocks on one side): the pieces of both parts in order,
  // with their sides. In per-block form each range's side was decided by its block; the pieces
  // are those ranges with touching neighbours on one side joined.
  std::vector<Range>& pieces = tmp_pieces_;
  std::vector<uint8_t>& in_loop = tmp_inside_;
  pieces.clear();
  in_loop.clear();
  size_t inside_count = 0;
  for (const Range& r : rs) {
    uint32_t blk = block_of_inst_[r.from / 4];
    const uint32_t last_blk = block_of_inst_[(r.to - 1) / 4];
    uint8_t side = inside(blk) ? 1 : 0;
    uint32_t from = r.from;
    for (++blk; blk <= last_blk; ++blk) {
      const uint8_t s = inside(blk) ? 1 : 0;
      if (s == side) continue;
      const uint32_t start = 4 * f_->blocks[blk].inst_begin;
      pieces.emplace_back(from, start, r.vreg);
      in_loop.push_back(side);
      inside_count += side;
      from = start;
      side = s;
    }
    pieces.emplace_back(from, r.to, r.vreg);
    in_loop.push_back(side);
    inside_count += side;
  }
  if (inside_count == 0 || inside_count == pieces.size()) return false;
  const Bundle old = bundles_[b];
  // Both parts are written in one pass into room made at once (Range's constructor writes
  // nothing): the pieces outside the loop first, then those inside. ReserveArena may move the
  // arena (rs dangles from here on).
  const uint32_t n = static_cast<uint32_t>(pieces.size());
  const uint32_t base = static_cast<uint32_t>(arena_.size());
  const uint32_t split = base + n - static_cast<uint32_t>(inside_count);
  ReserveArena(n);
  arena_.resize(base + n);
  {
    const Range* src = pieces.data();
    Range* out[2] = {arena_.data() + base, arena_.data() + split};
    // By runs of one side (a loop's blocks are mostly consecutive): a block copy per run.
    for (uint32_t k = 0; k < n;) {
      const uint8_t side = in_loop[k];
      uint32_t e = k + 1;
      while (e < n && in_loop[e] == side) ++e;
      out[side] = std::copy(src + k, src + e, out[side]);
      k = e;
    }
  }
  uint32_t parts[2];
  for (int in = 0; in < 2; ++in) {
    Bundle nb;
    nb.cls = old.cls;
    nb.hint = old.hint;
    nb.gen = static_cast<uint8_t>(old.gen + 1);
    nb.one_vreg = old.one_vreg;
    nb.begin = in == 0 ? base : split;
    nb.end = in == 0 ? split : base + n;
    bundles_.push_back(nb);
    parts[in] = static_cast<uint32_t>(bundles_.size() - 1);
  }
  bundles_[b].dead = true;
  for (uint32_t id : parts) {
    Weigh(id);
    Enqueue(id);
  }
  return true;
}

// Case L, tried before splitting bundle b at gap g: if the bundle lives after g in a block of a
// loop whose header lies before g, the split would leave the header on one side and the rest of
// the loop on the other, and the value would move on the loop's back edge (every iteration).
// If the bundle is unused in that loop (or in loops around it), the loop is cut out instead.
//
// The ranges from g on are found by binary search; whether a block's loop chain has a header
// before g is one comparison with the block's earliest header start (OuterHeaderStart).
//
// A block qualifies when its earliest header starts before g, that is at or before the start of
// the block holding point g - 1 (header starts are block starts). LastLooped(h) is the last block
// (in layout order, which the ranges follow) whose earliest header starts at or before block h's
// start: the walk stops there instead of running to the bundle's end.
bool Backtrack::CutLoopAcross(uint32_t b, uint32_t g) {
  const uint32_t last = LastLooped(block_of_inst_[(g - 1) / 4]);
  if (last == kNone) return false;
  // The blocks the bundle covers from g on, in order (in per-block form: the blocks of its
  // ranges starting at or after g). A range holding g - 1 covers from the first block starting
  // at or after g.
  const auto rs = Ranges(bundles_[b]);
  const auto first =
      std::partition_point(rs.begin(), rs.end(), [g](const Range& r) { return r.to <= g; });
  for (auto it = first; it != rs.end(); ++it) {
    uint32_t x = block_of_inst_[it->from / 4];
    if (it->from < g) {
      x = block_of_inst_[g / 4];
      if (4 * f_->blocks[x].inst_begin < g) ++x;
    }
    for (const uint32_t lx = block_of_inst_[(it->to - 1) / 4]; x <= lx; ++x) {
      if (x > last) return false;
      if (header_[x] != kNone && OuterHeaderStart(x) < g) return CutLoop(b, x);
    }
  }
  return false;
}

// The last block y with a header whose OuterHeaderStart(y) is at most block h's start, or kNone;
// the table (a prefix maximum over the blocks holding those earliest headers) is built on the
// first call of a run.
uint32_t Backtrack::LastLooped(uint32_t h) {
  if (last_looped_.empty()) {
    const uint32_t nb = static_cast<uint32_t>(f_->blocks.size());
    last_looped_.assign(nb, kNone);
    for (uint32_t y = 0; y < nb; ++y) {
      if (header_[y] == kNone) continue;
      uint32_t& m = last_looped_[block_of_inst_[OuterHeaderStart(y) / 4]];
      m = m == kNone ? y : std::max(m, y);
    }
    for (uint32_t x = 1; x < nb; ++x)
      if (last_looped_[x - 1] != kNone &&
          (last_looped_[x] == kNone || last_looped_[x] < last_looped_[x - 1]))
        last_looped_[x] = last_looped_[x - 1];
  }
  return last_looped_[h];
}

// The smallest start point of a header on block x's loop chain (header_, then parent_, at most
// 256 steps, as CutLoopAcross's walk went), computed on first use and cached per block.
uint32_t Backtrack::OuterHeaderStart(uint32_t x) {
  uint32_t& cached = outer_header_start_[x];
  if (cached != kUnknown) return cached;
  uint32_t lo = kNone;
  uint32_t h = header_[x];
  for (uint32_t steps = 0; h != kNone && steps < 256; ++steps, h = parent_[h])
    lo = std::min(lo, 4 * f_->blocks[h].inst_begin);
  cached = lo;
  return lo;
}

// Room for n more ranges in the arena, growing it geometrically (an exact reserve per split would
// reallocate on every split).
void Backtrack::ReserveArena(size_t n) {
  if (arena_.capacity() - arena_.size() < n)
    arena_.reserve(std::max(arena_.size() + n, 2 * arena_.capacity()));
}

// The point of the first clobber of r by a call inside bundle bu (the one the last Place placed,
// its spans kept), or kNone. A clobber is a reservation of no vreg at that point, which a range of
// the bundle covers: a conflict, so the bundle's first conflict in r is at or before it.
uint32_t Backtrack::FirstClobber(const Bundle& bu, PReg r) const {
  if (first_call_set_.Contains(r)) return first_call_pt_;  // the first call usually clobbers all
  for (const Span& s : SpansOf(bu))
    for (uint32_t j = next_call_[(s.from + 1) / 4]; j != kNone && 4 * j + 2 < s.to;
         j = next_call_[j + 1])
      if (f_->Clobbers(j).Contains(r)) return 4 * j + 2;
  return kNone;
}

// Replaces bundle b by its parts before and after gap g; returns their ids (kNone if empty).
// Without weigh_head the part before g gets its size but no weight: the caller spills it at once
// (Split's cases B and C), and a spilled bundle's weight is never read.
//
// The ranges are sorted and disjoint, so their ends are sorted too: the first range ending after
// g (found by binary search) is the only one g may cut. The part before g is a copy; the part
// after g keeps b's storage (b is dead from here on and nothing reads a dead bundle's ranges),
// its first range clipped in place after the copy read it: a long bundle split near its start
// again and again is not copied again and again.
std::pair<uint32_t, uint32_t> Backtrack::SplitAt(uint32_t b, uint32_t g, bool weigh_head) {
  Bundle old = bundles_[b];
  bundles_[b].dead = true;
  const uint32_t cut = static_cast<uint32_t>(
      std::partition_point(arena_.begin() + old.begin, arena_.begin() + old.end,
                           [g](const Range& r) { return r.to <= g; }) -
      arena_.begin());
  // Before g: ranges [old.begin, cut), plus range `cut` clipped to end at g if it starts before.
  // After g: ranges [cut, old.end), the first clipped to start at g.
  const bool straddles = cut < old.end && arena_[cut].from < g;
  // b's spans are kept (Split runs right after Place built them). The parts' spans are cut
  // from them and kept with the parts (span_arena_), so placing, assigning or splitting a part
  // again does not rejoin its ranges: the spans before the one holding range `cut` belong to the
  // head, that one is shared (cut where the head's last range ends and where the tail's first
  // range starts), the rest belong to the tail.
  const uint32_t c_rel = cut - old.begin;
  // The parts take at most one span more than b has: room is made first, so the appends below
  // do not move the arena that `spans` reads.
  const uint32_t num_spans = old.span_end - old.span_begin;
  if (span_arena_.capacity() - span_arena_.size() < num_spans + 1)
    span_arena_.reserve(std::max(span_arena_.size() + num_spans + 1, 2 * span_arena_.capacity()));
  const std::span<const Span> spans(span_arena_.data() + old.span_begin, num_spans);
  const size_t sk =
      static_cast<size_t>(std::partition_point(spans.begin(), spans.end(),
                                               [c_rel](const Span& s) { return s.last <= c_rel; }) -
                          spans.begin());
  // The parts' sizes add up to old.size (Weigh counted it on these ranges; the cut range's two
  // pieces together cover it): the head's is summed over its spans, the tail's follows.
  uint32_t head_size = 0;
  // Known use records split at g too: a use before g lies in a range (or the cut range's piece)
  // before g, the others after it.
  uint32_t use_mid = 0;
  if (old.uses_exact)
    use_mid = static_cast<uint32_t>(
        std::partition_point(uses_.begin() + old.use_lo, uses_.begin() + old.use_hi,
                             [g](const UseRec& u) { return u.from < g; }) -
        uses_.begin());
  auto make = [&](bool before) {
    Bundle nb;
    nb.cls = old.cls;
    nb.hint = old.hint;
    nb.gen = static_cast<uint8_t>(old.gen + 1);
    nb.one_vreg = old.one_vreg;
    nb.begin = static_cast<uint32_t>(arena_.size());
    nb.span_begin = static_cast<uint32_t>(span_arena_.size());
    nb.uses_exact = old.uses_exact;
    nb.use_lo = before ? old.use_lo : use_mid;
    nb.use_hi = before ? use_mid : old.use_hi;
    uint32_t size;
    if (before) {
      const uint32_t hi = cut + (straddles ? 1 : 0);
      if (hi == old.begin) return kNone;
      // resize + copy within the reserved capacity (no reallocation, so the source stays put):
      // one block copy instead of a push_back per range.
      ReserveArena(hi - old.begin);
      arena_.resize(arena_.size() + (hi - old.begin));
      std::copy(arena_.data() + old.begin, arena_.data() + hi, arena_.data() + nb.begin);
      arena_.back().to = std::min(arena_.back().to, g);
      nb.end = static_cast<uint32_t>(arena_.size());
      for (size_t k = 0; k < sk; ++k) span_arena_.push_back(spans[k]);
      const uint32_t hi_rel = hi - old.begin;
      if (sk < spans.size() && spans[sk].first < hi_rel)
        span_arena_.push_back({spans[sk].from, arena_.back().to, spans[sk].first, hi_rel});
      for (size_t k = nb.span_begin; k < span_arena_.size(); ++k)
        head_size += span_arena_[k].to - span_arena_[k].from;
      size = head_size;
    } else {
      if (cut == old.end) return kNone;
      arena_[cut].from = std::max(arena_[cut].from, g);
      nb.begin = cut;
      nb.end = old.end;
      span_arena_.push_back({arena_[cut].from, spans[sk].to, 0, spans[sk].last - c_rel});
      for (size_t k = sk + 1; k < spans.size(); ++k)
        span_arena_.push_back(
            {spans[k].from, spans[k].to, spans[k].first - c_rel, spans[k].last - c_rel});
      size = old.size - head_size;
    }
    nb.span_end = static_cast<uint32_t>(span_arena_.size());
    bundles_.push_back(nb);
    const uint32_t id = static_cast<uint32_t>(bundles_.size() - 1);
    if (before && !weigh_head)
      bundles_[id].size = size;
    else
      Weigh(id, size);
    return id;
  };
  const uint32_t first = make(true);
  const uint32_t second = make(false);
  return {first, second};
}

// Requiring use extents of bundle b, in point order (clipped to the ranges).
void Backtrack::RequiringUses(const Bundle& bu, std::vector<Range>* out) const {
  out->clear();
  if (bu.one_vreg) {
    ForEachUseOfOneVReg(Ranges(bu), [&](const UseRec& u, const Range& r) {
      if (u.requiring) out->push_back({std::max(u.from, r.from), std::min(u.to, r.to), r.vreg});
      return true;
    });
  }
  UseCursor cur;
  for (const Range& r : bu.one_vreg ? std::span<const Range>() : Ranges(bu)) {
    if (NoUseLeftIn(r, cur)) continue;
    const UseRec* e = uses_.data() + use_begin_[r.vreg + 1];
    const UseRec* it = UsesFrom(r, &cur);
    for (; it < e && it->from < r.to; ++it)
      if (it->requiring)
        out->push_back({std::max(it->from, r.from), std::min(it->to, r.to), r.vreg});
    cur = {r.vreg, it, e};
  }
  std::sort(out->begin(), out->end(),
            [](const Range& x, const Range& y) { return x.from < y.from; });
}

// The bundle found no register. Either give it the register that stays free longest up to a
// split point before the conflict, or leave its use-free head in the slot and requeue the rest,
// or (at its first use, or after kMaxSplits) spill it with minimal bundles around each operand.
Status Backtrack::Split(uint32_t b) {
  if (bundles_[b].gen >= kMaxSplits) return SpillToMinimal(b);
  const uint32_t start = Ranges(bundles_[b]).front().from;
  // The register whose first conflict is latest, the earliest in candidate order among equals.
  // Place() just scanned the same candidates and recorded each one's first conflicting range,
  // so an unclobbered candidate's scan starts at its conflict. A clobbered one's scan starts at
  // the first range, but its first conflict is at most its first clobber inside the bundle
  // (FirstClobber): the unclobbered candidates are done first, and a clobbered one whose bound
  // cannot beat the best so far is not scanned.
  PReg best;
  uint32_t best_pt = 0, best_k = kNone;
  auto consider = [&](uint32_t k, bool clobbered) {
    // An unclobbered candidate's recorded range is its first conflicting one (Place), so its
    // first conflict lies in it: no walk. One Place left without a range (taken at an assigned
    // bit, see Place) has its first conflict at that bit unless reservation bits come before.
    // A clobbered one's scan starts at the first range and stops at its first clobber, a
    // conflict (the scan's answer when it finds none before).
    uint32_t first;
    if (clobbered) {
      const uint32_t bound = FirstClobber(bundles_[b], cand_list_[k]);
      if (best_k != kNone && (bound < best_pt || (bound == best_pt && k > best_k))) return;
      first = FirstConflict(bundles_[b], cand_list_[k], 0, bound);
      EGRET_DCHECK(first == FirstConflict(bundles_[b], cand_list_[k], 0));
    } else if (first_conflict_range_[k] == kUnknown) {
      first = ((cand_res_before_occ_ >> k) & 1) != 0 ? FirstConflict(bundles_[b], cand_list_[k], 0)
                                                     : first_occ_pt_[k];
      EGRET_DCHECK(first != UINT32_MAX && first == FirstConflict(bundles_[b], cand_list_[k], 0));
    } else {
      first = FirstConflictIn(cand_list_[k], Ranges(bundles_[b])[first_conflict_range_[k]]);
      EGRET_DCHECK(first != UINT32_MAX &&
                   first == FirstConflict(bundles_[b], cand_list_[k], first_conflict_range_[k]));
    }
    if (best_k == kNone || first > best_pt || (first == best_pt && k < best_k)) {
      best_pt = first;
      best = cand_list_[k];
      best_k = k;
    }
  };
  const uint64_t unclobbered = all_cands_[static_cast<int>(bundles_[b].cls)] & ~clob_mask_;
  for (uint64_t left = unclobbered & ~cand_declined_; left != 0; left &= left - 1)
    consider(static_cast<uint32_t>(__builtin_ctzll(left)), false);
  for (uint64_t left = clob_mask_; left != 0; left &= left - 1)
    consider(static_cast<uint32_t>(__builtin_ctzll(left)), true);
  // Of the requiring uses (clipped to the ranges, as RequiringUses lists them): the first one's
  // instruction, and the instruction of the last one that ends by the gap before best_pt (the
  // condition is monotone in the use's position, so a scan in order stops there). One pass,
  // without materializing and sorting the list. The uses come in point order (the ranges are
  // sorted and disjoint, each range's uses sorted and inside it), so the first requiring use is
  // the first one met, and the scan ends at the first requiring use past the gap.
  const uint32_t hi_a = best_pt / 4 * 4;  // case A's last gap
  uint32_t first_from = UINT32_MAX;
  uint32_t last = kNone;  // instruction of the last requiring use that ends by the gap
  if (bundles_[b].one_vreg) {
    ForEachUseOf(bundles_[b], [&](const UseRec& u) {
      if (!u.requiring) return true;
      first_from = std::min(first_from, u.from);  // u.from lies in its range
      if (u.from / 4 * 4 + 4 > hi_a) return false;
      if (last == kNone || u.from / 4 > last) last = u.from / 4;
      return true;
    });
  } else {
    UseCursor cur;
    bool past = false;
    for (const Range& r : Ranges(bundles_[b])) {
      if (NoUseLeftIn(r, cur)) continue;
      const UseRec* e = uses_.data() + use_begin_[r.vreg + 1];
      const UseRec* it = UsesFrom(r, &cur);
      for (; it < e && it->from < r.to; ++it) {
        if (!it->requiring) continue;
        const uint32_t from = std::max(it->from, r.from);
        first_from = std::min(first_from, from);
        if (from / 4 * 4 + 4 > hi_a) {
          past = true;
          break;
        }
        if (last == kNone || from / 4 > last) last = from / 4;
      }
      if (past) break;
      cur = {r.vreg, it, e};
    }
  }
  const uint32_t first_inst = first_from / 4;
  // Case A: r holds the bundle through at least its first requiring use.
  {
    if (last != kNone) {
      const uint32_t lo = 4 * (last + 1);
      if (lo <= hi_a) {
        const uint32_t g = ColdestGap(lo, hi_a);
        if (CutLoopAcross(b, g)) return Status::Ok();
        auto [head, tail] = SplitAt(b, g);
        if (head != kNone) Assign(head, best);
        if (tail != kNone) Enqueue(tail);
        return Status::Ok();
      }
    }
  }
  // Case B: a use-free head stays in the slot; the reload goes at the coldest gap before the use.
  {
    const uint32_t lo = start / 4 * 4 + 4, hi = 4 * first_inst;
    if (lo <= hi) {
      const uint32_t g = ColdestGap(lo, hi);
      if (CutLoopAcross(b, g)) return Status::Ok();
      auto [head, tail] = SplitAt(b, g, /*weigh_head=*/false);
      if (head != kNone) bundles_[head].spilled = true;
      if (tail != kNone) Enqueue(tail);
      return Status::Ok();
    }
  }
  // Case C: the first instruction gets a minimal bundle; the rest after it is requeued.
  const uint32_t g = 4 * (first_inst + 1);
  auto [head, tail] = SplitAt(b, g, /*weigh_head=*/false);
  if (head != kNone) EGRET_TRY(SpillToMinimal(head));
  if (tail != kNone) Enqueue(tail);
  return Status::Ok();
}

// The bundle lives in its slot; each instruction with operands that need a register gets a
// minimal bundle (just those operands' points), which may evict anything but another minimal
// bundle or a reservation.
Status Backtrack::SpillToMinimal(uint32_t b) {
  RequiringUses(bundles_[b], &req_);
  const Bundle old = bundles_[b];
  bundles_[b].spilled = true;
  if (!old.grouped && !old.minimal) {
    // First, operands close together in one block share one reload: each run of instructions
    // with register operands (same block, at most kGroupSpan apart) becomes one bundle, the
    // bundle's ranges between the run's first and last operand points. A run that finds no
    // register is spilled again, then into per-instruction minimal bundles.
    // The runs' first points (lo) only increase, and the bundle's ranges are sorted and
    // disjoint (so their ends are sorted too): the ranges ending by a run's lo end by every later
    // run's, and a run's ranges stop at the first one starting at or after its hi. A cursor
    // skips the former once, so the runs cost one pass over the ranges, not one each.
    uint32_t first_live = old.begin;  // the first range ending after the current run's lo
    size_t k = 0;
    while (k < req_.size()) {
      size_t e = k + 1;
      uint32_t lo = req_[k].from, hi = req_[k].to;
      while (e < req_.size() &&
             block_of_inst_[req_[e].from / 4] == block_of_inst_[req_[k].from / 4] &&
             req_[e].from / 4 <= req_[e - 1].from / 4 + kGroupSpan) {
        hi = std::max(hi, req_[e].to);
        ++e;
      }
      for (size_t j = k; j < e; ++j) hi = std::max(hi, req_[j].to);
      Bundle nb;
      nb.cls = old.cls;
      nb.hint = old.hint;
      nb.grouped = true;
      nb.one_vreg = old.one_vreg;
      nb.gen = kMaxSplits;
      nb.begin = static_cast<uint32_t>(arena_.size());
      while (first_live < old.end && arena_[first_live].to <= lo) ++first_live;
      for (uint32_t q = first_live; q < old.end; ++q) {
        Range r = arena_[q];
        if (r.from >= hi) break;
        r.from = std::max(r.from, lo);
        r.to = std::min(r.to, hi);
        arena_.push_back(r);
      }
      nb.end = static_cast<uint32_t>(arena_.size());
      k = e;
      if (nb.end == nb.begin) continue;
      bundles_.push_back(nb);
      const uint32_t id = static_cast<uint32_t>(bundles_.size() - 1);
      Weigh(id);
      Enqueue(id);
    }
    return Status::Ok();
  }
  size_t k = 0;
  while (k < req_.size()) {
    const uint32_t inst = req_[k].from / 4;
    Bundle nb;
    nb.cls = old.cls;
    nb.hint = old.hint;
    nb.minimal = true;
    nb.one_vreg = old.one_vreg;
    nb.gen = kMaxSplits;
    nb.begin = static_cast<uint32_t>(arena_.size());
    size_t group_end = k;
    while (group_end < req_.size() && req_[group_end].from / 4 == inst) ++group_end;
    std::sort(req_.begin() + static_cast<std::ptrdiff_t>(k),
              req_.begin() + static_cast<std::ptrdiff_t>(group_end),
              [](const Range& x, const Range& y) {
                return x.vreg != y.vreg ? x.vreg < y.vreg : x.from < y.from;
              });
    for (; k < group_end; ++k) {
      Range r = req_[k];
      if (r.from >= r.to) continue;
      if (arena_.size() > nb.begin && arena_.back().vreg == r.vreg && arena_.back().to >= r.from) {
        arena_.back().to = std::max(arena_.back().to, r.to);
        continue;
      }
      arena_.push_back(r);
    }
    nb.end = static_cast<uint32_t>(arena_.size());
    if (nb.end == nb.begin) continue;
    std::sort(arena_.begin() + nb.begin, arena_.end(),
              [](const Range& x, const Range& y) { return x.from < y.from; });
    bundles_.push_back(nb);
    const uint32_t id = static_cast<uint32_t>(bundles_.size() - 1);
    Weigh(id);
    Enqueue(id);
  }
  return Status::Ok();
}

std::string Backtrack::RangesForTesting() {
  ComputeBlockInfo();
  BuildRanges();
  std::string s;
  for (uint32_t v = 0; v < f_->num_vregs(); ++v) {
    absl::StrAppend(&s, "v", v, ":");
    for (uint32_t k = range_begin_[v]; k < range_begin_[v + 1]; ++k)
      absl::StrAppend(&s, " [", ranges_[k].from, ",", ranges_[k].to, ")");
    absl::StrAppend(&s, " arena");
    for (uint32_t k = arena_begin_[v]; k < arena_begin_[v + 1]; ++k)
      absl::StrAppend(&s, " [", arena_[k].from, ",", arena_[k].to, ")");
    absl::StrAppend(&s, " size ", vreg_size_[v], " blocks ", vreg_blocks_[v], " uses ",
                    use_begin_[v + 1], " def ", def_inst_[v], "\n");
  }
  return s;
}

std::string BacktrackRangesForTesting(const Function& f, const MachineEnv& env,
                                      const Liveness& live) {
  Output out;
  Backtrack bt;
  bt.Reset(f, env, live, &out);
  return bt.RangesForTesting();
}

// The calling thread's Backtrack (its containers) is reused from function to function (a compile
// worker allocates many functions in a row); its containers are freed after a run that grew them
// past kMaxRetainedBytes.
Status RunBacktrack(const Function& f, const MachineEnv& env, const Liveness& live, Output* out) {
  thread_local Backtrack bt;
  bt.Reset(f, env, live, out);
  const Status s = bt.Run();
  // The containers grow with the largest function seen; measuring them costs a pass over every
  // container, so only after a large function.
  if (f.num_insts() > BacktrackScratch::kCheckRetainedInsts &&
      bt.RetainedBytes() > BacktrackScratch::kMaxRetainedBytes)
    bt.ReleaseScratch();
  return s;
}

}  // namespace egret::regalloc
