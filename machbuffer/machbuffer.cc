// machbuffer.cc: MachBuffer's algorithms, instantiated for aarch64 and x64.
//
// Bookkeeping that keeps everything linear:
//   - a fixup is queued once in its kind's FIFO and popped once (dead entries are skipped);
//   - a fixup waits in at most one label list at a time; lists are spliced, never copied;
//   - branch simplification only looks at the branches that end at the current offset, and each
//     removal or inversion deletes bytes, so its total work is bounded by the branches emitted.
// Deadlines and islands are in machbuffer_island.cc. See machbuffer.h for the invariants and
// docs/machbuffer.md for the design.
#include "machbuffer/machbuffer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "support/error.h"
#include "support/spare_storage.h"

namespace egret {

template <class Traits>
typename MachBuffer<Traits>::Storage& MachBuffer<Traits>::Spare() {
  thread_local Storage spare;
  return spare;
}

template <class Traits>
void MachBuffer<Traits>::SwapStorage(bool take) {
  Storage& s = Spare();
  SwapSpare(labels_, s.labels, take);
  SwapSpare(fixups_, s.fixups, take);
  for (int k = 0; k < kNumKinds; ++k) SwapSpare(queue_[k], s.queue[k], take);
  SwapSpare(labels_at_tail_, s.labels_at_tail, take);
  SwapSpare(latest_branches_, s.latest_branches, take);
  SwapSpare(branch_labels_, s.branch_labels, take);
  SwapSpare(island_scratch_, s.island_scratch, take);
  SwapSpare(moved_scratch_, s.moved_scratch, take);
  SwapSpare(stayed_scratch_, s.stayed_scratch, take);
  SwapSpare(settle_scratch_, s.settle_scratch, take);
  SwapSpare(shrinks_, s.shrinks, take);
  SwapSpare(shrink_removed_, s.shrink_removed, take);
  SwapSpare(shrink_bucket_, s.shrink_bucket, take);
  SwapSpare(pads_, s.pads, take);
}

template <class Traits>
MachBuffer<Traits>::~MachBuffer() {
  SwapStorage(/*take=*/false);
}

template <class Traits>
MachBuffer<Traits>::MachBuffer(MachBufferOptions options) : options_(options) {
  SwapStorage(/*take=*/true);
  // The per-kind tables depend on the traits and the range shrinking only: a thread computes
  // them for the shrinking it last saw and copies them into every buffer after that (a worker
  // makes one buffer per function and trampoline, all with the same options).
  struct KindTables {
    bool valid = false;
    uint32_t shrink = 0;
    int64_t min_range = 0;
    std::array<int64_t, kNumKinds> max_forward{}, max_backward{};
    std::array<uint32_t, kNumKinds> chain_bytes{}, full_chain_bytes{};
    std::array<bool, kNumKinds> has_veneer{}, waits_for_island{};
    std::array<uint8_t, kNumKinds> patch_size{};
    uint64_t island_slack = 0;
  };
  thread_local KindTables t;
  if (!t.valid || t.shrink != options_.debug_branch_range_shrink ||
      t.min_range != options_.min_shrunk_range) {
    t = KindTables();
    t.valid = true;
    t.shrink = options_.debug_branch_range_shrink;
    t.min_range = options_.min_shrunk_range;
    for (int k = 0; k < kNumKinds; ++k) {
      const LabelUseInfo& info = Traits::Info(static_cast<Kind>(k));
      t.max_forward[k] = ShrunkRange(info.max_forward, info.shrinkable, t.shrink, t.min_range);
      t.max_backward[k] = ShrunkRange(info.max_backward, info.shrinkable, t.shrink, t.min_range);
      t.has_veneer[k] = info.veneer_kind != LabelUseInfo::kNoVeneer;
      t.waits_for_island[k] = t.has_veneer[k] && t.max_forward[k] < kFarReach;
      t.patch_size[k] = static_cast<uint8_t>(info.patch_size);
    }
    // Veneer kinds have larger values, but compute chains without assuming an order.
    for (int k = 0; k < kNumKinds; ++k) {
      uint32_t bytes = 0;
      int kind = k;
      for (int depth = 0; depth < kNumKinds; ++depth) {
        const LabelUseInfo& info = Traits::Info(static_cast<Kind>(kind));
        if (info.veneer_kind == LabelUseInfo::kNoVeneer) break;
        bytes += info.veneer_size;
        kind = info.veneer_kind;
      }
      // A far kind's uses are never counted as pending veneers (they never wait in a queue), so
      // its chain counts nothing; the island slack still allows for it.
      t.chain_bytes[k] = t.waits_for_island[k] ? bytes : 0;
      t.full_chain_bytes[k] = bytes;
      t.island_slack = std::max<uint64_t>(t.island_slack, kConstantSlack + bytes);
    }
  }
  max_forward_ = t.max_forward;
  max_backward_ = t.max_backward;
  chain_bytes_ = t.chain_bytes;
  has_veneer_ = t.has_veneer;
  waits_for_island_ = t.waits_for_island;
  full_chain_bytes_ = t.full_chain_bytes;
  for (int k = 0; k < kNumKinds; ++k) far_unqueued_ |= has_veneer_[k] && !waits_for_island_[k];
  patch_size_ = t.patch_size;
  island_slack_ = t.island_slack;
}

// ---------------------------------------------------------------------------------------------
// Bytes.

template <class Traits>
void MachBuffer<Traits>::Put1(uint8_t v) {
  SettleIfNeeded();
  data_.push_back(v);
}

template <class Traits>
void MachBuffer<Traits>::Put2(uint16_t v) {
  const uint8_t b[2] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)};
  SettleIfNeeded();
  PutRaw(b, 2);
}

template <class Traits>
void MachBuffer<Traits>::Put8(uint64_t v) {
  uint8_t b[8];
  Write32(b, static_cast<uint32_t>(v));
  Write32(b + 4, static_cast<uint32_t>(v >> 32));
  SettleIfNeeded();
  PutRaw(b, 8);
}

template <class Traits>
void MachBuffer<Traits>::PutPadding(size_t n) {
  SettleIfNeeded();
  EGRET_CHECK(data_.size() + n <= UINT32_MAX - 1);
  const size_t at = data_.size();
  data_.resize(at + n);
  Traits::FillPadding(data_.data() + at, n);
}

// ---------------------------------------------------------------------------------------------
// Labels and fixups.

template <class Traits>
MachLabel MachBuffer<Traits>::NewLabel() {
  labels_.emplace_back();
  return MachLabel(static_cast<uint32_t>(labels_.size() - 1));
}

template <class Traits>
MachLabel MachBuffer<Traits>::NewLabels(uint32_t n) {
  const size_t first = labels_.size();
  labels_.resize(first + n);
  return MachLabel(static_cast<uint32_t>(first));
}

template <class Traits>
void MachBuffer<Traits>::PatchNow(uint32_t fixup, uint32_t label_offset) {
  Fixup& f = fixups_[fixup];
  Traits::Patch(f.kind, data_.data() + f.offset, f.offset, label_offset);
  if (f.state == FixupState::kQueued) {
    pending_chain_bytes_[Index(f.kind)] -= chain_bytes_[Index(f.kind)];
    total_chain_bytes_ -= chain_bytes_[Index(f.kind)];
  }
  f.state = FixupState::kDone;
}

template <class Traits>
void MachBuffer<Traits>::Enqueue(uint32_t fixup) {
  Fixup& f = fixups_[fixup];
  const int k = Index(f.kind);
  std::vector<uint32_t>& q = queue_[k];
  // Deadlines within a kind must not decrease (the FIFO is the priority queue).
  EGRET_DCHECK(q.size() == queue_head_[k] || fixups_[q.back()].offset <= f.offset);
  if (safe_valid_) {
    // Keep safe_limit_ a lower bound of the exact limit (see SafeLimit) without recomputing:
    // every island-size term that counts this kind grows by its chain, and a kind that had no
    // live fixup gains a term of its own, bounded using every kind's chains.
    // Whether no live fixup of this kind waits in its queue. For a kind with veneers, outside
    // islands, the waiting ones are exactly those counted in pending_chain_bytes_ (every use of
    // such a kind that waits is queued; it stops waiting through PatchNow or KillFixup), so the
    // queue need not be walked.
    const bool first_of_kind = chain_bytes_[k] != 0 && !in_island_ ? pending_chain_bytes_[k] == 0
                                                                   : FrontDeadline(k) == UINT64_MAX;
    safe_limit_ -= chain_bytes_[k];
    if (first_of_kind) {
      const int64_t own =
          static_cast<int64_t>(f.offset) + max_forward_[k] -
          static_cast<int64_t>(FixedIslandBytes() + total_chain_bytes_ + chain_bytes_[k]);
      safe_limit_ = std::min(safe_limit_, own);
    }
  }
  q.push_back(fixup);
  pending_chain_bytes_[k] += chain_bytes_[k];
  total_chain_bytes_ += chain_bytes_[k];
  f.state = FixupState::kQueued;
}

template <class Traits>
void MachBuffer<Traits>::Observe(uint32_t label) {
  LabelState& l = labels_[label];
  if (l.observed) return;
  l.observed = true;
  if (l.at_tail) ++tail_observed_;
}

template <class Traits>
void MachBuffer<Traits>::AddToTail(uint32_t label) {
  labels_at_tail_.push_back(label);
  labels_[label].at_tail = true;
  if (labels_[label].observed) ++tail_observed_;
}

template <class Traits>
void MachBuffer<Traits>::ClearTail() {
  for (uint32_t l : labels_at_tail_) {
    labels_[l].offset = CurOffset();  // from now on the stored offset is the real one
    labels_[l].at_tail = false;
  }
  labels_at_tail_.clear();
  tail_observed_ = 0;
}

template <class Traits>
void MachBuffer<Traits>::LiftTailLabels() {
  EGRET_DCHECK(tail_observed_ == 0);
  std::vector<uint32_t>& moved = moved_scratch_;
  moved.assign(labels_at_tail_.begin(), labels_at_tail_.end());
  ClearTail();
  for (uint32_t l : moved) labels_[l].offset = kNone;
}

template <class Traits>
void MachBuffer<Traits>::RebindMoved() {
  for (uint32_t l : moved_scratch_) {
    labels_[l].offset = CurOffset();
    AddToTail(l);
  }
}

template <class Traits>
uint32_t MachBuffer<Traits>::AddFixupSlow(uint32_t offset, uint32_t label, Kind kind) {
  const uint32_t index = static_cast<uint32_t>(fixups_.size());
  fixups_.push_back(Fixup{offset, label, kNone, kind, FixupState::kDone});
  const uint32_t target = Resolve(label);
  const uint32_t target_offset = OffsetOf(target);
  // A label bound before the current offset will not move: resolve now if in range. A label at
  // the tail may still move (branch removal), so its uses wait in its list until it settles.
  const bool has_veneer = has_veneer_[Index(kind)];
  if (target_offset != kNone && target_offset < CurOffset()) {
    if (InRange(kind, offset, target_offset)) {
      Traits::Patch(kind, data_.data() + offset, offset, target_offset);
      Observe(target);
      return index;
    }
    if (!has_veneer) DeadlineMissed(index, "target out of range and this kind has no veneer");
    if (!waits_for_island_[Index(kind)])
      DeadlineMissed(index, "target beyond the reach of a far kind (code above 2 GiB)");
    Enqueue(index);  // known but out of range: the next island gives it a veneer
    return index;
  }
  if (waits_for_island_[Index(kind)] || labels_[target].constant != kNone) {
    Enqueue(index);
  } else {
    // No island can help (e.g. a forward x64 rel8 jump), or none is needed (a far kind: x64
    // rel32 reaches past any code): only binding the label, in range, resolves it. It waits in
    // the label's list only, so its deadline never asks for islands.
    fixups_[index].state = FixupState::kQueued;
  }
  AppendToList(target, index);
  return index;
}

template <class Traits>
void MachBuffer<Traits>::KillFixup(uint32_t fixup) {
  Fixup& f = fixups_[fixup];
  if (f.state == FixupState::kQueued) {
    pending_chain_bytes_[Index(f.kind)] -= chain_bytes_[Index(f.kind)];
    total_chain_bytes_ -= chain_bytes_[Index(f.kind)];
  }
  f.state = FixupState::kDead;
  // Keep the queue short when the dead fixup is the newest of its kind (the usual case: a
  // branch removed right after it was emitted).
  std::vector<uint32_t>& q = queue_[Index(f.kind)];
  if (q.size() > queue_head_[Index(f.kind)] && q.back() == fixup) q.pop_back();
}

template <class Traits>
void MachBuffer<Traits>::ResolveList(uint32_t label) {
  LabelState& l = labels_[label];
  EGRET_DCHECK(l.alias == kNone);
  const uint32_t target_offset = OffsetOf(label);
  EGRET_DCHECK(target_offset != kNone);
  bool patched = false;
  for (uint32_t f = l.head; f != kNone;) {
    const uint32_t next = fixups_[f].next;
    if (fixups_[f].state == FixupState::kQueued) {
      if (InRange(fixups_[f].kind, fixups_[f].offset, target_offset)) {
        PatchNow(f, target_offset);
        patched = true;
      } else if (!has_veneer_[Index(fixups_[f].kind)]) {
        DeadlineMissed(f, "label bound out of range and this kind has no veneer");
      } else if (!waits_for_island_[Index(fixups_[f].kind)] && labels_[label].constant == kNone) {
        DeadlineMissed(f, "label bound beyond the reach of a far kind (code above 2 GiB)");
      }
      // Otherwise the fixup stays queued and the next island gives it a veneer.
    }
    f = next;
  }
  labels_[label].head = labels_[label].tail = kNone;
  if (patched) Observe(label);
}

template <class Traits>
void MachBuffer<Traits>::BindLabel(MachLabel label) {
  EGRET_CHECK(label.index < labels_.size());
  EGRET_CHECK(!finished_);
  LabelState& l = labels_[label.index];
  EGRET_CHECK(l.offset == kNone && l.constant == kNone);
  l.offset = CurOffset();
  AddToTail(label.index);
  OptimizeBranches();
}

template <class Traits>
bool MachBuffer<Traits>::BindLabelAligned(MachLabel label, uint32_t align) {
  EGRET_CHECK(align >= Traits::kCodeAlign && (align & (align - 1)) == 0 && align <= 128);
  BindLabel(label);
  if (tail_observed_ != 0) return false;
  max_align_ = std::max(max_align_, align);  // the function's start must be aligned as much
  const bool relaxing = Traits::kCanRelax && options_.relax_branches;
  const uint32_t pad = relaxing ? align - Traits::kCodeAlign : (0u - CurOffset()) & (align - 1);
  if (pad == 0) return true;
  // As for an island: the labels here move past the nops (nothing has committed to them).
  LiftTailLabels();
  SettleTail();  // no label is at the tail: forgets the branches behind the nops
  const size_t at = data_.size();
  EGRET_CHECK(at + pad <= UINT32_MAX - 1);
  data_.resize(at + pad);
  Traits::FillNops(data_.data() + at, pad);
  if (relaxing) {
    pads_.push_back(Pad{static_cast<uint32_t>(at), static_cast<uint8_t>(pad),
                        static_cast<uint8_t>(std::countr_zero(align))});
  }
  ++stats_.aligned_labels;
  stats_.align_bytes += pad;
  RebindMoved();
  return true;
}

template <class Traits>
void MachBuffer<Traits>::UseLabelAtOffset(uint32_t offset, MachLabel label, Kind kind) {
  EGRET_CHECK(label.index < labels_.size());
  EGRET_CHECK(uint64_t{offset} + patch_size_[Index(kind)] <= CurOffset());
  uint32_t l = label.index;
  const uint32_t c = labels_[l].constant;
  if (c != kNone && !constants_[c].pending &&
      !InRange(kind, offset, OffsetOf(constants_[c].label))) {
    // The placed copy is behind this use's reach: place the constant again in the next island.
    Constant& k = constants_[c];
    const uint32_t copy = NewLabel().index;
    labels_[copy].constant = c;
    k.label = copy;
    k.pending = true;
    pending_constants_.push_back(c);
    pending_constant_bytes_ += k.size + k.align - 1;
    safe_limit_ -= static_cast<int64_t>(k.size + k.align - 1);
    ++stats_.constant_copies;
    l = copy;
  } else if (c != kNone) {
    l = constants_[c].label;
  }
  AddFixup(offset, l, kind);
}

template <class Traits>
void MachBuffer<Traits>::PinLabel(MachLabel label) {
  EGRET_CHECK(label.index < labels_.size());
  Observe(Resolve(label.index));
}

template <class Traits>
uint32_t MachBuffer<Traits>::BoundLabelOffset(MachLabel label) {
  EGRET_CHECK(label.index < labels_.size());
  const uint32_t target = Resolve(label.index);
  const uint32_t offset = OffsetOf(target);
  if (offset == kNone) return kNone;
  if (!finished_) Observe(target);
  return offset;
}

// ---------------------------------------------------------------------------------------------
// Branch simplification.

template <class Traits>
void MachBuffer<Traits>::SettleTail() {
  // Leave the tail first, so that Observe (called by ResolveList) has no tail to search: the
  // tail's labels move into the (empty) scratch by a swap, then take their real offsets as
  // ClearTail would give them.
  std::vector<uint32_t>& settling = settle_scratch_;
  EGRET_DCHECK(settling.empty());
  settling.swap(labels_at_tail_);
  for (uint32_t l : settling) {
    labels_[l].offset = CurOffset();
    labels_[l].at_tail = false;
  }
  tail_observed_ = 0;
  // A label without waiting uses (no forward use, or all of them already spliced away) has
  // nothing to resolve: ResolveList would only clear its empty list.
  for (uint32_t l : settling) {
    if (labels_[l].alias == kNone && labels_[l].head != kNone) ResolveList(l);
  }
  settling.clear();
  latest_branches_.clear();
  branch_labels_.clear();
}

template <class Traits>
void MachBuffer<Traits>::Alias(uint32_t label, uint32_t target) {
  LabelState& l = labels_[label];
  EGRET_DCHECK(!l.observed && l.alias == kNone);
  const uint32_t final_target = Resolve(target);
  l.alias = final_target;
  ++stats_.labels_threaded;
  if (l.head == kNone) return;
  // Splice the waiting uses onto the final target's list.
  LabelState& t = labels_[final_target];
  if (t.tail == kNone) {
    t.head = l.head;
  } else {
    fixups_[t.tail].next = l.head;
  }
  t.tail = l.tail;
  l.head = l.tail = kNone;
  // A target bound before the tail will not move: resolve the spliced uses now.
  const uint32_t t_offset = OffsetOf(final_target);
  if (t_offset != kNone && t_offset < CurOffset()) ResolveList(final_target);
}

template <class Traits>
void MachBuffer<Traits>::Truncate(uint32_t offset) {
  EGRET_DCHECK(offset <= CurOffset());
  data_.resize(offset);
  while (!traps_.empty() && traps_.back().offset >= offset) traps_.pop_back();
  while (!call_sites_.empty() && call_sites_.back().fixup_offset >= offset) call_sites_.pop_back();
  while (!stack_maps_.empty() && stack_maps_.back().offset > offset) {
    stack_map_slots_.resize(stack_maps_.back().first_slot);
    stack_maps_.pop_back();
  }
  while (!srclocs_.empty() && srclocs_.back().start >= offset) srclocs_.pop_back();
  if (!srclocs_.empty() && srclocs_.back().end > offset) srclocs_.back().end = offset;
  if (open_srcloc_start_ != kNone && open_srcloc_start_ > offset) open_srcloc_start_ = offset;
  while (!frame_ranges_.empty() && frame_ranges_.back().start >= offset) frame_ranges_.pop_back();
  if (!frame_ranges_.empty() && frame_ranges_.back().end > offset)
    frame_ranges_.back().end = offset;
  if (open_frame_start_ != kNone && open_frame_start_ > offset) open_frame_start_ = offset;
}

template <class Traits>
void MachBuffer<Traits>::RemoveLastBranch() {
  const Branch b = latest_branches_.back();
  latest_branches_.pop_back();
  KillFixup(b.fixup);
  Truncate(b.start);
  // Labels at the old tail move down with it (their offset is the tail's, see OffsetOf); the
  // branch's own labels were already at its start, the new tail.
  for (size_t i = b.labels_begin; i < branch_labels_.size(); ++i) AddToTail(branch_labels_[i]);
  branch_labels_.resize(b.labels_begin);
}

template <class Traits>
void MachBuffer<Traits>::InvertLastCondBranch() {
  const Branch u = latest_branches_.back();
  latest_branches_.pop_back();
  branch_labels_.resize(u.labels_begin);  // empty: the caller checked
  Branch& c = latest_branches_.back();
  KillFixup(u.fixup);
  KillFixup(c.fixup);
  Truncate(u.start);
  // Swap in the inverted encoding, keeping the original in case it is ever needed again.
  std::array<uint8_t, 15> original{};
  std::memcpy(original.data(), data_.data() + c.start, c.inverted_len);
  std::memcpy(data_.data() + c.start, c.inverted.data(), c.inverted_len);
  c.inverted = original;
  c.target = u.target;
  c.fixup = AddFixup(c.start + c.fixup_at, u.target, c.kind);
  ++stats_.branches_inverted;
}

template <class Traits>
void MachBuffer<Traits>::OptimizeBranches() {
  while (!latest_branches_.empty()) {
    const Branch& b = latest_branches_.back();
    if (b.end != CurOffset()) break;
    // Removing bytes moves the tail labels down; a label whose offset is committed cannot move.
    if (tail_observed_ != 0) break;
    if (ResolvedOffset(b.target) == CurOffset()) {
      RemoveLastBranch();
      ++stats_.branches_removed;
      continue;
    }
    if (!b.cond && latest_branches_.size() >= 2) {
      const Branch& c = latest_branches_[latest_branches_.size() - 2];
      // No label at the unconditional branch: nothing else jumps to it, so it may go.
      if (c.cond && c.end == b.start && b.labels_begin == branch_labels_.size() &&
          ResolvedOffset(c.target) == CurOffset()) {
        InvertLastCondBranch();
        continue;
      }
    }
    break;
  }
}

namespace {

// Copies n bytes; n <= 16 (a branch's encoding) without a call or a byte loop: two fixed-size
// copies that overlap when n is not a power of two.
inline void CopyShort(uint8_t* to, const uint8_t* from, size_t n) {
  if (n > 16) {
    std::memcpy(to, from, n);
  } else if (n >= 8) {
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else if (n >= 2) {
    std::memcpy(to, from, 2);
    std::memcpy(to + n - 2, from + n - 2, 2);
  } else if (n == 1) {
    to[0] = from[0];
  }
}

}  // namespace

template <class Traits>
typename MachBuffer<Traits>::Branch& MachBuffer<Traits>::BeginBranch(std::span<const uint8_t> insn,
                                                                     uint32_t fixup_at,
                                                                     MachLabel target, Kind kind,
                                                                     bool cond) {
  if (latest_branches_.empty()) branch_labels_.clear();
  Branch& b = latest_branches_.emplace_back();
  b.start = CurOffset();
  b.labels_begin = static_cast<uint32_t>(branch_labels_.size());
  // The labels at the tail become the branch's (bytes follow them now, so their uses resolve).
  if (!labels_at_tail_.empty()) {
    branch_labels_.insert(branch_labels_.end(), labels_at_tail_.begin(), labels_at_tail_.end());
    ClearTail();
    for (size_t i = b.labels_begin; i < branch_labels_.size(); ++i) {
      const LabelState& l = labels_[branch_labels_[i]];
      if (l.alias == kNone && l.head != kNone) ResolveList(branch_labels_[i]);  // as SettleTail
    }
  }
  tail_observed_ = 0;
  CopyShort(data_.Reserve(insn.size()), insn.data(), insn.size());
  data_.Commit(insn.size());
  b.end = CurOffset();
  b.target = target.index;
  b.fixup_at = fixup_at;
  b.kind = kind;
  b.cond = cond;
  return b;
}

template <class Traits>
void MachBuffer<Traits>::EmitUncondBranch(std::span<const uint8_t> insn, uint32_t fixup_at,
                                          MachLabel target, Kind kind) {
  EGRET_CHECK(target.index < labels_.size() && !finished_);
  EGRET_CHECK(fixup_at + patch_size_[Index(kind)] <= insn.size());
  // Jump threading: a label bound right here only names this jump, so it can name the jump's
  // target instead. Not for observed labels, nor when the jump targets the label itself.
  if (!labels_at_tail_.empty()) {
    const uint32_t final_target = Resolve(target.index);
    size_t kept = 0;
    for (uint32_t l : labels_at_tail_) {
      if (!labels_[l].observed && l != final_target && labels_[l].alias == kNone) {
        labels_[l].at_tail = false;
        Alias(l, target.index);
      } else {
        labels_at_tail_[kept++] = l;
      }
    }
    labels_at_tail_.resize(kept);
  }
  // Unreachable: no label here and the previous instruction was an unconditional branch.
  if (labels_at_tail_.empty() && !latest_branches_.empty() && !latest_branches_.back().cond &&
      latest_branches_.back().end == CurOffset()) {
    ++stats_.dead_branches;
    return;
  }
  Branch& b = BeginBranch(insn, fixup_at, target, kind, /*cond=*/false);
  b.inverted_len = 0;
  // (AddFixup never touches latest_branches_, so `b` stays valid.)
  b.fixup = AddFixup(b.start + fixup_at, target.index, kind);
}

template <class Traits>
void MachBuffer<Traits>::EmitCondBranch(std::span<const uint8_t> insn,
                                        std::span<const uint8_t> inverted, uint32_t fixup_at,
                                        MachLabel target, Kind kind) {
  EGRET_CHECK(target.index < labels_.size() && !finished_);
  EGRET_CHECK(insn.size() == inverted.size() && insn.size() <= 15);
  EGRET_CHECK(fixup_at + patch_size_[Index(kind)] <= insn.size());
  Branch& b = BeginBranch(insn, fixup_at, target, kind, /*cond=*/true);
  b.inverted_len = static_cast<uint8_t>(inverted.size());
  CopyShort(b.inverted.data(), inverted.data(), inverted.size());
  // (AddFixup never touches latest_branches_, so `b` stays valid.)
  b.fixup = AddFixup(b.start + fixup_at, target.index, kind);
}

// ---------------------------------------------------------------------------------------------
// Constants and side tables.

template <class Traits>
MachLabel MachBuffer<Traits>::ConstantLabel(std::span<const uint8_t> data, uint32_t align) {
  EGRET_CHECK(!data.empty() && align != 0 && (align & (align - 1)) == 0 && align <= 4096);
  uint64_t h = 1469598103934665603ull ^ align;  // FNV-1a over the bytes, seeded by align
  for (uint8_t b : data) h = (h ^ b) * 1099511628211ull;
  auto it = constant_by_hash_.find(h);
  uint32_t chain = it == constant_by_hash_.end() ? kNone : it->second;
  for (uint32_t c = chain; c != kNone; c = constants_[c].next_same_hash) {
    const Constant& k = constants_[c];
    if (k.align == align && k.size == data.size() &&
        std::memcmp(constant_bytes_.data() + k.bytes_begin, data.data(), data.size()) == 0) {
      return MachLabel(k.label);
    }
  }
  const uint32_t id = static_cast<uint32_t>(constants_.size());
  const uint32_t label = NewLabel().index;
  labels_[label].constant = id;
  constants_.push_back(Constant{static_cast<uint32_t>(constant_bytes_.size()),
                                static_cast<uint32_t>(data.size()), align, label, chain, true});
  constant_bytes_.insert(constant_bytes_.end(), data.begin(), data.end());
  constant_by_hash_[h] = id;
  pending_constants_.push_back(id);
  pending_constant_bytes_ += data.size() + align - 1;
  safe_limit_ -= static_cast<int64_t>(data.size() + align - 1);
  max_align_ = std::max(max_align_, align);
  return MachLabel(label);
}

template <class Traits>
void MachBuffer<Traits>::AddCall(uint32_t fixup_offset, uint32_t callee, Kind kind) {
  EGRET_CHECK(uint64_t{fixup_offset} + patch_size_[Index(kind)] <= CurOffset());
  call_sites_.push_back(
      MachCallSite{fixup_offset, CurOffset(), callee, static_cast<uint8_t>(Index(kind))});
}

template <class Traits>
void MachBuffer<Traits>::AddStackMap(std::span<const uint32_t> slots, uint32_t frame_size) {
  stack_maps_.push_back(MachStackMap{CurOffset(), frame_size,
                                     static_cast<uint32_t>(stack_map_slots_.size()),
                                     static_cast<uint32_t>(slots.size())});
  stack_map_slots_.insert(stack_map_slots_.end(), slots.begin(), slots.end());
}

template <class Traits>
void MachBuffer<Traits>::BeginNoFrame(MachFrameKind kind) {
  EGRET_CHECK(open_frame_start_ == kNone);
  open_frame_start_ = CurOffset();
  open_frame_kind_ = kind;
}

template <class Traits>
void MachBuffer<Traits>::EndNoFrame() {
  EGRET_CHECK(open_frame_start_ != kNone);
  if (CurOffset() > open_frame_start_) {
    EGRET_CHECK(frame_ranges_.empty() || frame_ranges_.back().end <= open_frame_start_);
    frame_ranges_.push_back(MachFrameRange{open_frame_start_, CurOffset(), open_frame_kind_});
  }
  open_frame_start_ = kNone;
}

template class MachBuffer<A64LabelUses>;
template class MachBuffer<X64LabelUses>;

}  // namespace egret
