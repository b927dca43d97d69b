// machbuffer_island.cc: MachBuffer's deadlines, islands, veneers and Finish.
//
// The deadline queues are one FIFO per label-use kind (deadlines grow with the use offset within a
// kind), so the earliest deadline is the minimum of the queue fronts. SafeLimit turns them into
// the latest offset at which an island can still start; IslandNeeded caches it as a lower bound so
// the check before every instruction is O(1). An island places every pending constant, then
// veneers in deadline order until the rest can wait, then batches veneers for uses that waited
// through 7/8 of their reach. See machbuffer.h and docs/machbuffer.md.
//
// The rest of MachBuffer is in machbuffer.cc, which instantiates the class; this file
// instantiates the members it defines.
#include <algorithm>
#include <cstring>
#include <string>

#include "machbuffer/machbuffer.h"
#include "support/error.h"

namespace egret {

template <class Traits>
uint64_t MachBuffer<Traits>::QueuedFrontDeadline(int k) {
  std::vector<uint32_t>& q = queue_[k];
  size_t& head = queue_head_[k];
  while (head < q.size() && fixups_[q[head]].state != FixupState::kQueued) ++head;
  if (head == q.size()) {
    if (!in_island_) {
      q.clear();
      head = 0;
    }
    return UINT64_MAX;
  }
  // Compact (amortized O(1) per entry), but not while an island may put entries back.
  if (!in_island_ && head > 4096 && head * 2 > q.size()) {
    q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
  }
  return uint64_t{fixups_[q[head]].offset} + uint64_t(max_forward_[k]);
}

template <class Traits>
uint64_t MachBuffer<Traits>::FixedIslandBytes() const {
  return uint64_t{Traits::kJumpSize} + (Traits::kCodeAlign - 1) + pending_constant_bytes_;
}

template <class Traits>
int64_t MachBuffer<Traits>::SafeLimit() {
  // An island started at `base` that must serve the earliest fixup of kind k (deadline d_k)
  // holds, before that fixup's veneer, at most: its jump, the constants, and the veneers of every
  // kind whose earliest deadline is not later than d_k (whole chains, all of that kind: an upper
  // bound). Kinds whose deadlines are far away (b: 128 MiB) thus do not make islands come early.
  // An island must start at or before min_k(d_k - size_k): that is the limit.
  std::array<uint64_t, kNumKinds> front;
  for (int k = 0; k < kNumKinds; ++k) front[k] = FrontDeadline(k);
  const uint64_t fixed = FixedIslandBytes();
  int64_t limit = INT64_MAX;
  for (int k = 0; k < kNumKinds; ++k) {
    if (front[k] == UINT64_MAX) continue;
    uint64_t size = fixed;
    for (int j = 0; j < kNumKinds; ++j) {
      if (front[j] <= front[k]) size += pending_chain_bytes_[j];
    }
    limit = std::min(limit, static_cast<int64_t>(front[k]) - static_cast<int64_t>(size));
  }
  return limit;
}

template <class Traits>
bool MachBuffer<Traits>::NeededAt(uint64_t base) {
  return static_cast<int64_t>(base) > SafeLimit();
}

template <class Traits>
int MachBuffer<Traits>::FrontKind() {
  int best = -1;
  uint64_t best_deadline = UINT64_MAX;
  for (int k = 0; k < kNumKinds; ++k) {
    const uint64_t deadline = FrontDeadline(k);
    if (deadline < best_deadline) {
      best_deadline = deadline;
      best = k;
    }
  }
  return best;
}

template <class Traits>
uint64_t MachBuffer<Traits>::EarliestDeadline() {
  const int k = FrontKind();
  if (k < 0) return UINT64_MAX;
  return uint64_t{fixups_[queue_[k][queue_head_[k]]].offset} + uint64_t(max_forward_[k]);
}

template <class Traits>
bool MachBuffer<Traits>::IslandNeededAt(int64_t base) {
  if (far_unqueued_ && base > int64_t{options_.far_queue_offset}) QueueFarUses();
  safe_limit_ = SafeLimit();
  if (far_unqueued_) safe_limit_ = std::min<int64_t>(safe_limit_, options_.far_queue_offset);
  safe_valid_ = true;
  return base > safe_limit_;
}

template <class Traits>
void MachBuffer<Traits>::QueueFarUses() {
  EGRET_CHECK(!in_island_);
  far_unqueued_ = false;
  // Each far kind's queue is rebuilt from the fixups in creation order, which is offset order
  // (uses are recorded as they are emitted; an inverted branch's new use replaces the two
  // killed at and after it): its waiting uses and any already queued (constant uses), now
  // counted at the kind's whole veneer chain.
  std::array<bool, kNumKinds> far{};
  for (int k = 0; k < kNumKinds; ++k) {
    far[k] = has_veneer_[k] && !waits_for_island_[k];
    if (!far[k]) continue;
    total_chain_bytes_ -= pending_chain_bytes_[k];
    pending_chain_bytes_[k] = 0;
    queue_[k].clear();
    queue_head_[k] = 0;
    chain_bytes_[k] = full_chain_bytes_[k];
    waits_for_island_[k] = true;
  }
  safe_valid_ = false;
  for (uint32_t i = 0; i < fixups_.size(); ++i) {
    if (fixups_[i].state == FixupState::kQueued && far[Index(fixups_[i].kind)]) Enqueue(i);
  }
}

template <class Traits>
void MachBuffer<Traits>::EmitIsland(uint32_t distance, bool reachable) {
  EGRET_CHECK(!finished_);
  EmitIslandImpl(distance, reachable, /*final_island=*/false);
}

template <class Traits>
void MachBuffer<Traits>::DeadlineMissed(uint32_t fixup, const char* why) {
  const Fixup& f = fixups_[fixup];
  Fatal(__FILE__, __LINE__,
        std::string("machbuffer: ") + Traits::Info(f.kind).name + " use at offset " +
            std::to_string(f.offset) + " of label " + std::to_string(f.label) + ": " + why +
            " (current offset " + std::to_string(CurOffset()) +
            "; the emitter must call IslandNeeded before every instruction)");
}

template <class Traits>
void MachBuffer<Traits>::PadToCodeAlign() {
  const uint32_t pad = (Traits::kCodeAlign - CurOffset() % Traits::kCodeAlign) % Traits::kCodeAlign;
  if (pad != 0) {
    const size_t at = data_.size();
    data_.resize(at + pad);
    Traits::FillPadding(data_.data() + at, pad);
  }
}

template <class Traits>
void MachBuffer<Traits>::EmitPendingConstants(bool resolve_uses) {
  for (uint32_t c : pending_constants_) {
    Constant& k = constants_[c];
    const uint32_t pad = (k.align - CurOffset() % k.align) % k.align;
    if (pad != 0) {
      const size_t at = data_.size();
      data_.resize(at + pad);
      Traits::FillPadding(data_.data() + at, pad);
      data_ranges_.push_back(
          MachData{static_cast<uint32_t>(at), CurOffset(), MachDataKind::kPadding});
    }
    labels_[k.label].offset = CurOffset();
    const size_t begin = k.bytes_begin;
    data_.append(constant_bytes_.data() + begin, k.size);
    data_ranges_.push_back(MachData{CurOffset() - k.size, CurOffset(), MachDataKind::kConstant});
    k.pending = false;
    if (resolve_uses) ResolveList(k.label);
    ++stats_.constants;
  }
  pending_constants_.clear();
  pending_constant_bytes_ = 0;
}

template <class Traits>
void MachBuffer<Traits>::HandleIslandFixup(uint32_t fi, std::vector<uint32_t>& set_aside) {
  const Fixup f = fixups_[fi];  // a copy: AddFixup below may grow fixups_
  const uint64_t deadline = uint64_t{f.offset} + uint64_t(max_forward_[Index(f.kind)]);
  const uint32_t target = Resolve(f.label);
  const uint32_t target_offset = OffsetOf(target);
  if (target_offset != kNone && InRange(f.kind, f.offset, target_offset)) {
    PatchNow(fi, target_offset);
    Observe(target);
    return;
  }
  const LabelUseInfo& info = Traits::Info(f.kind);
  if (info.veneer_kind == LabelUseInfo::kNoVeneer) {
    set_aside.push_back(fi);  // reported or re-queued by the caller
    return;
  }
  if (CurOffset() > deadline) DeadlineMissed(fi, "deadline passed before the island");
  const uint32_t veneer = CurOffset();
  data_.resize(veneer + info.veneer_size);
  const uint32_t inner = Traits::EmitVeneer(f.kind, data_.data() + veneer);
  PatchNow(fi, veneer);
  AddFixup(veneer + inner, f.label, static_cast<Kind>(info.veneer_kind));
  ++stats_.veneers;
  stats_.veneer_bytes += info.veneer_size;
}

template <class Traits>
void MachBuffer<Traits>::EmitIslandImpl(uint32_t distance, bool reachable, bool final_island) {
  // Labels bound right here that nothing has committed to yet move past the island, so that
  // branches to them skip it; they are unbound while the island is built (a use that cannot wait
  // gets a veneer) and bound again at its end.
  moved_scratch_.clear();
  if (!final_island) {
    if (tail_observed_ == 0 && !labels_at_tail_.empty()) LiftTailLabels();
    // Nothing falls into the island after an unconditional branch if no label stays here.
    if (labels_at_tail_.empty() && !latest_branches_.empty() && !latest_branches_.back().cond &&
        latest_branches_.back().end == CurOffset()) {
      reachable = false;
    }
  }
  // Labels that stay here are settled; if the island turns out empty they are at the tail again.
  std::vector<uint32_t>& stayed = stayed_scratch_;
  stayed.assign(labels_at_tail_.begin(), labels_at_tail_.end());
  SettleTail();
  const uint32_t jump_at = CurOffset();
  if (reachable) {
    uint8_t jump[16];
    Traits::EncodeJump(jump);
    PutRaw(jump, Traits::kJumpSize);
  }
  const uint32_t island_start = CurOffset();
  const size_t data_ranges_before = data_ranges_.size();
  // The marker goes before the jump around the island (the island's first byte).
  if (!final_island) data_ranges_.push_back(MachData{jump_at, jump_at, MachDataKind::kIsland});
  in_island_ = true;
  const uint32_t constants_before = stats_.constants;
  // Constants first: the island-size bound that IslandNeeded used counts every pending constant
  // before any veneer, so each veneer still lands before its deadline, and each constant before
  // the deadline of its earliest use. The final pool skips walking each constant's use list: the
  // loop below patches the remaining uses in queue order (sequential memory access).
  EmitPendingConstants(/*resolve_uses=*/!final_island);
  PadToCodeAlign();
  // Veneers, earliest deadline first, until the rest can wait for a later island.
  std::vector<uint32_t>& set_aside = island_scratch_;  // uses with no veneer and no target
  set_aside.clear();
  auto urgent = [&] {
    for (;;) {
      const int k = FrontKind();
      if (k < 0) return;
      if (!final_island && !NeededAt(uint64_t{CurOffset()} + distance + island_slack_)) return;
      const uint32_t fi = queue_[k][queue_head_[k]++];
      HandleIslandFixup(fi, set_aside);
    }
  };
  urgent();
  if (!final_island) {
    // Batching: a use that has waited through 7/8 of its reach almost always targets something
    // far away; giving it its veneer now saves an island of its own later. Only while that keeps
    // every other deadline safe.
    for (int k = 0; k < kNumKinds; ++k) {
      if (Traits::Info(static_cast<Kind>(k)).veneer_kind == LabelUseInfo::kNoVeneer) continue;
      const uint64_t window = uint64_t(max_forward_[k]) / 8;
      for (;;) {
        const uint64_t deadline = FrontDeadline(k);
        if (deadline == UINT64_MAX || deadline >= uint64_t{CurOffset()} + window) break;
        if (NeededAt(uint64_t{CurOffset()} + distance + island_slack_ + chain_bytes_[k])) break;
        const uint32_t fi = queue_[k][queue_head_[k]++];
        HandleIslandFixup(fi, set_aside);
      }
    }
    urgent();
  }
  // Uses that have no veneer and no target in reach: they wait (with a deadline that the next
  // island or the final check enforces); only an emitter bug gets here.
  for (size_t i = set_aside.size(); i-- > 0;) {
    const uint32_t fi = set_aside[i];
    Fixup& f = fixups_[fi];
    if (f.state != FixupState::kQueued) continue;
    const uint32_t target_offset = ResolvedOffset(f.label);
    if (target_offset != kNone && InRange(f.kind, f.offset, target_offset)) {
      PatchNow(fi, target_offset);
      continue;
    }
    if (final_island) {
      DeadlineMissed(fi, target_offset == kNone ? "label never bound" : "target out of range");
    }
    if (uint64_t{f.offset} + uint64_t(max_forward_[Index(f.kind)]) < CurOffset()) {
      DeadlineMissed(fi, "no veneer exists for this kind and its deadline passed");
    }
    // Put it back at the front of its queue, where it came from.
    EGRET_CHECK(queue_head_[Index(f.kind)] > 0);
    queue_[Index(f.kind)][--queue_head_[Index(f.kind)]] = fi;
    safe_valid_ = false;
  }
  in_island_ = false;
  safe_valid_ = false;
  if (CurOffset() == island_start) data_ranges_.resize(data_ranges_before);  // no island
  if (reachable) {
    if (CurOffset() == island_start) {
      data_.resize(jump_at);  // nothing was needed after all
    } else {
      Traits::Patch(Traits::kJumpKind, data_.data() + jump_at + Traits::kJumpFixupOffset,
                    jump_at + Traits::kJumpFixupOffset, CurOffset());
    }
  }
  if (CurOffset() > island_start) {
    ++stats_.islands;
    if (!final_island) {
      ++stats_.code_islands;
      stats_.island_bytes += CurOffset() - jump_at;
      stats_.island_constants += stats_.constants - constants_before;
    }
  }
  if (CurOffset() == jump_at) {
    // Nothing was emitted: the labels bound here are still at the current offset, and every label
    // there must be at the tail (uses of it wait for it to settle).
    for (uint32_t l : stayed) AddToTail(l);
  }
  RebindMoved();
}

template <class Traits>
void MachBuffer<Traits>::RelaxBranches() {
  if constexpr (Traits::kCanRelax) {
    if (!options_.relax_branches || stats_.code_islands != 0) return;
    SettleIfNeeded();  // tail labels take their real offsets; their waiting uses are patched
    std::vector<Shrink>& shrinks = shrinks_;
    shrinks.clear();
    for (uint32_t k = 0; k < fixups_.size(); ++k) {
      const Fixup& f = fixups_[k];
      if (f.state != FixupState::kDone) continue;
      Shrink s{};
      s.fixup = k;
      if (!Traits::ShortForm(f.kind, data_.data(), f.offset, &s.start, &s.len, &s.opcode)) continue;
      const int64_t target = ResolvedOffset(f.label);
      // Forward: the displacement as encoded (from the end of the long form); backward: from the
      // end of a short form at the same start. Shortening (or cutting a pad) in between only
      // reduces either.
      const int64_t from = target > s.start ? s.start + s.len : s.start + Traits::kShortSize;
      const int64_t disp = target - from;
      if (disp < -128 || disp > 127) continue;
      s.new_len = static_cast<uint8_t>(Traits::kShortSize);
      shrinks.push_back(s);
    }
    const size_t num_branches = shrinks.size();
    if (num_branches == 0 && pads_.empty()) return;
    auto by_start = [](const Shrink& a, const Shrink& b) { return a.start < b.start; };
    if (!std::is_sorted(shrinks.begin(), shrinks.end(), by_start))
      std::sort(shrinks.begin(), shrinks.end(), by_start);
    // The alignment pads (in code order, never inside a branch) merged in by start, from the
    // back, in place.
    if (!pads_.empty()) {
      shrinks.resize(num_branches + pads_.size());
      size_t i = num_branches, j = pads_.size(), k = shrinks.size();
      while (j != 0) {
        const Pad& p = pads_[j - 1];
        if (i != 0 && shrinks[i - 1].start > p.start) {
          shrinks[--k] = shrinks[--i];
        } else {
          shrinks[--k] = Shrink{p.start, p.len, kNone, p.align_log2, 0};
          --j;
        }
      }
    }
    // removed[i]: bytes removed by shrinks[0, i); an offset o not inside a shortened branch or a
    // pad moves down by removed[c], c the number of shrinks starting before o. A sentinel shrink
    // starting at UINT32_MAX ends the table, so a walk to c needs one comparison per step (no
    // offset reaches it: code offsets are below UINT32_MAX). A pad is cut to what its new start
    // needs for its alignment: never more than it had (it was emitted at its longest), so every
    // distance still only shrinks.
    const size_t n = shrinks.size();
    shrinks.push_back(Shrink{UINT32_MAX, 0, kNone, 0, 0});
    std::vector<uint32_t>& removed = shrink_removed_;
    removed.resize(n + 1);
    removed[0] = 0;
    for (size_t i = 0; i < n; ++i) {
      Shrink& sh = shrinks[i];
      if (sh.fixup == kNone) {
        const uint32_t align = uint32_t{1} << sh.opcode;
        sh.new_len = static_cast<uint8_t>((0u - (sh.start - removed[i])) & (align - 1));
        EGRET_DCHECK(sh.new_len <= sh.len);
        stats_.align_bytes -= sh.len - sh.new_len;
      }
      removed[i + 1] = removed[i] + sh.len - sh.new_len;
    }
    // Offsets are recorded in any order (labels are bound out of creation order), so c is found
    // from a table instead of a search: bucket[j] = the number of shrinks starting before
    // offset 16*j. A long branch is 5 or 6 bytes and shrinks do not overlap, so at most 3 start
    // in the 16 bytes after 16*j: the step from bucket[o / 16] to c is short.
    constexpr uint32_t kBucketShift = 4;
    const uint32_t code_size = static_cast<uint32_t>(data_.size());
    std::vector<uint32_t>& bucket = shrink_bucket_;
    bucket.resize((code_size >> kBucketShift) + 1);
    {
      // bucket[j] = i exactly for shrinks[i - 1].start < 16 * j <= shrinks[i].start: a run of
      // entries per shrink (the sentinel's run ends the table), filled without a comparison
      // per entry.
      const size_t last = bucket.size() - 1;
      size_t j = 0;
      for (uint32_t i = 0; j <= last; ++i) {
        const size_t hi = std::min<size_t>(shrinks[i].start >> kBucketShift, last);
        if (hi >= j) {
          std::fill(bucket.begin() + static_cast<std::ptrdiff_t>(j),
                    bucket.begin() + static_cast<std::ptrdiff_t>(hi) + 1, i);
          j = hi + 1;
        }
      }
    }
    auto map = [&](uint32_t o) -> uint32_t {
      if (o == kNone) return o;
      const size_t j = std::min<size_t>(o >> kBucketShift, bucket.size() - 1);
      uint32_t c = bucket[j];
      while (shrinks[c].start < o) ++c;
      return o - removed[c];
    };
    // The tables recorded in code order (fixups, traps, call sites, stack maps, frame ranges,
    // mostly) are mapped by a forward walk over the shrinks, each from where the previous
    // offset left it; an offset below the previous one takes the bucket table. Same answer as
    // map: c only grows with the offset.
    struct Walk {
      uint32_t c = 0;
      uint32_t prev = 0;
    };
    auto map_walk = [&](uint32_t o, Walk& w) -> uint32_t {
      if (o < w.prev || o == kNone) return map(o);
      w.prev = o;
      while (shrinks[w.c].start < o) ++w.c;
      return o - removed[w.c];
    };
    // The code without the removed bytes, compacted in place (bytes only move down).
    uint32_t pos = 0, out = 0;
    auto keep = [&](uint32_t end) {
      if (out != pos) std::memmove(data_.data() + out, data_.data() + pos, end - pos);
      out += end - pos;
    };
    for (size_t i = 0; i < n; ++i) {
      const Shrink& s = shrinks[i];
      keep(s.start);
      if (s.fixup == kNone) {
        Traits::FillNops(data_.data() + out, s.new_len);
        out += s.new_len;
      } else {
        data_[out++] = s.opcode;
        data_[out++] = 0;
      }
      pos = s.start + s.len;
    }
    keep(static_cast<uint32_t>(data_.size()));
    data_.resize(out);
    // Remap every offset. Labels first: the fixups' walk below patches each resolved use as it
    // maps it.
    for (LabelState& l : labels_)
      if (l.constant == kNone) l.offset = map(l.offset);
    {
      Walk w;
      for (MachTrap& t : traps_) t.offset = map_walk(t.offset, w);
    }
    {
      Walk w;
      for (MachCallSite& c : call_sites_) {
        c.fixup_offset = map_walk(c.fixup_offset, w);
        c.return_offset = map_walk(c.return_offset, w);
      }
    }
    // Source locations, the largest table, are in code order without overlap (EndSrcLoc appends
    // a non-empty range ending at the current offset; Truncate only drops or shortens the last
    // ones), so one forward walk over the shrinks maps them all: c, the shrinks starting before
    // the current range, only grows. The ranges that end by the next shrink's start all move
    // down by the same amount (the inner loop); a range containing a shrink's start (the
    // branch's own instruction) takes the step by step walk.
    EGRET_DCHECK(std::adjacent_find(srclocs_.begin(), srclocs_.end(),
                                    [](const MachSrcLoc& a, const MachSrcLoc& b) {
                                      return a.end > b.start;  // b starts before a ends
                                    }) == srclocs_.end() &&
                 std::all_of(srclocs_.begin(), srclocs_.end(),
                             [](const MachSrcLoc& r) { return r.start <= r.end; }));
    {
      uint32_t c = 0;
      MachSrcLoc* r = srclocs_.data();
      MachSrcLoc* const end = r + srclocs_.size();
      while (r != end) {
        const uint32_t limit = shrinks[c].start;
        const uint32_t d = removed[c];
        for (; r != end && r->end <= limit; ++r) {
          r->start -= d;
          r->end -= d;
        }
        if (r == end) break;
        while (shrinks[c].start < r->start) ++c;
        r->start -= removed[c];
        while (shrinks[c].start < r->end) ++c;
        r->end -= removed[c];
        ++r;
      }
    }
    {
      Walk w;
      for (MachStackMap& m : stack_maps_) m.offset = map_walk(m.offset, w);
    }
    {
      Walk w;
      for (MachFrameRange& r : frame_ranges_) {
        r.start = map_walk(r.start, w);
        r.end = map_walk(r.end, w);
      }
    }
    if (open_frame_start_ != kNone) open_frame_start_ = map(open_frame_start_);
    for (MachData& d : data_ranges_) {
      d.start = map(d.start);
      d.end = map(d.end);
    }
    // Every live fixup moves with its bytes, and every resolved one is patched again (the
    // distance may have shrunk). A shortened branch is marked kRelaxed at its start first: its
    // displacement then sits right after its new one-byte opcode, at the short kind.
    for (size_t i = 0; i < n; ++i) {
      if (shrinks[i].fixup == kNone) continue;  // a pad
      Fixup& f = fixups_[shrinks[i].fixup];
      f.offset = shrinks[i].start;
      f.kind = Traits::kShortKind;
      f.state = FixupState::kRelaxed;
    }
    {
      Walk w;
      for (Fixup& f : fixups_) {
        if (f.state == FixupState::kDead) continue;
        f.offset = map_walk(f.offset, w);
        if (f.state == FixupState::kQueued) continue;
        if (f.state == FixupState::kRelaxed) {
          f.offset += 1;
          f.state = FixupState::kDone;
        }
        const uint32_t target = ResolvedOffset(f.label);
        EGRET_CHECK(InRange(f.kind, f.offset, target));
        Traits::Patch(f.kind, data_.data() + f.offset, f.offset, target);
      }
    }
    safe_valid_ = false;  // pending constant uses moved: their deadlines only grew
    stats_.branches_relaxed += static_cast<uint32_t>(num_branches);
  }
}

template <class Traits>
MachCode MachBuffer<Traits>::Finish() {
  EGRET_CHECK(!finished_);
  EGRET_CHECK(open_srcloc_start_ == kNone);
  RelaxBranches();
  EmitIslandImpl(0, /*reachable=*/false, /*final_island=*/true);
  if (open_frame_start_ != kNone) EndNoFrame();  // a frameless function: through its last island
  finished_ = true;
  // Forward uses of far kinds wait in their labels' lists, not in the queues the final island
  // drains: one still waiting has a label that was never bound.
  for (uint32_t k = 0; k < fixups_.size(); ++k) {
    if (fixups_[k].state == FixupState::kQueued) DeadlineMissed(k, "label never bound");
  }
  MachCode code;
  code.bytes = data_.Release();
  code.alignment = max_align_;
  code.traps = std::move(traps_);
  code.call_sites = std::move(call_sites_);
  code.srclocs = std::move(srclocs_);
  code.stack_maps = std::move(stack_maps_);
  code.stack_map_slots = std::move(stack_map_slots_);
  code.frame_ranges = std::move(frame_ranges_);
  code.data = std::move(data_ranges_);
  code.stats = stats_;
  data_.clear();
  return code;
}

#define EGRET_MACHBUFFER_ISLAND_MEMBERS(T)                                          \
  template uint64_t MachBuffer<T>::QueuedFrontDeadline(int);                        \
  template uint64_t MachBuffer<T>::FixedIslandBytes() const;                        \
  template int64_t MachBuffer<T>::SafeLimit();                                      \
  template bool MachBuffer<T>::NeededAt(uint64_t);                                  \
  template int MachBuffer<T>::FrontKind();                                          \
  template uint64_t MachBuffer<T>::EarliestDeadline();                              \
  template bool MachBuffer<T>::IslandNeededAt(int64_t);                             \
  template void MachBuffer<T>::QueueFarUses();                                      \
  template void MachBuffer<T>::EmitIsland(uint32_t, bool);                          \
  template void MachBuffer<T>::DeadlineMissed(uint32_t, const char*);               \
  template void MachBuffer<T>::PadToCodeAlign();                                    \
  template void MachBuffer<T>::EmitPendingConstants(bool);                          \
  template void MachBuffer<T>::HandleIslandFixup(uint32_t, std::vector<uint32_t>&); \
  template void MachBuffer<T>::EmitIslandImpl(uint32_t, bool, bool);                \
  template void MachBuffer<T>::RelaxBranches();                                     \
  template MachCode MachBuffer<T>::Finish();

EGRET_MACHBUFFER_ISLAND_MEMBERS(A64LabelUses)
EGRET_MACHBUFFER_ISLAND_MEMBERS(X64LabelUses)

#undef EGRET_MACHBUFFER_ISLAND_MEMBERS

}  // namespace egret
