// parallel_move.cc: sequentializing parallel moves (see parallel_move.h).
//
// Rematerializations (`Remat(v)` sources) take no part in the ordering: they read nothing.
//
// Invariant while resolving: reader_count_[k] is the number of pending moves that read location
// k; a move is ready when nobody pending reads its destination. When no move is ready, the
// pending moves form disjoint simple cycles (every location has one writer), so saving one
// destination to a temporary and redirecting its single reader unblocks the whole cycle.
#include "regalloc/parallel_move.h"

#include "support/error.h"

namespace egret::regalloc {

// States of a move in done_.
constexpr uint8_t kDone = 1, kPendingStackToStack = 2;

void ParallelMoveResolver::Grow(uint32_t key) {
  if (key < writer_.size()) return;
  const size_t n = std::max<size_t>(key + 1, writer_.size() * 2);
  writer_.resize(n, kNone);
  reader_count_.resize(n, 0);
  first_reader_.resize(n, kNone);
}

void ParallelMoveResolver::Resolve(std::span<const Move> moves, const PReg* scratch,
                                   const Allocation* cycle_slot,
                                   std::vector<std::pair<Allocation, Allocation>>* out) {
  pending_.clear();
  remats_.clear();
  for (const Move& m : moves) {
    if (m.from.is_remat())
      remats_.push_back(m);
    else if (!(m.from == m.to))
      pending_.push_back(m);
  }
  ResolveMoves(scratch, cycle_slot, out);
  // Rematerializations read no location, so they go last, once every move that reads their
  // destination has run; the scratch register is free again by then for one into a slot.
  for (const Move& m : remats_) {
    if (m.to.is_stack()) {
      const Allocation tmp = Allocation::Reg(scratch[static_cast<int>(m.cls)]);
      out->emplace_back(m.from, tmp);
      out->emplace_back(tmp, m.to);
    } else {
      out->emplace_back(m.from, m.to);
    }
  }
}

void ParallelMoveResolver::ResolveMoves(const PReg* scratch, const Allocation* cycle_slot,
                                        std::vector<std::pair<Allocation, Allocation>>* out) {
  if (pending_.empty()) return;
  const uint32_t n = static_cast<uint32_t>(pending_.size());
  next_reader_.assign(n, kNone);
  done_.assign(n, 0);
  touched_.clear();
  ready_.clear();
  for (uint32_t m = 0; m < n; ++m) {
    const uint32_t d = Key(pending_[m].to), s = Key(pending_[m].from);
    Grow(std::max(d, s));
    EGRET_CHECK(writer_[d] == kNone);  // one writer per destination
    writer_[d] = m;
    ++reader_count_[s];
    next_reader_[m] = first_reader_[s];
    first_reader_[s] = m;
    touched_.push_back(d);
    touched_.push_back(s);
  }
  auto emit = [&](Allocation from, Allocation to, RegClass cls) {
    if (from.is_stack() && to.is_stack()) {
      const Allocation tmp = Allocation::Reg(scratch[static_cast<int>(cls)]);
      out->emplace_back(from, tmp);
      out->emplace_back(tmp, to);
    } else {
      out->emplace_back(from, to);
    }
  };
  // Pending stack-to-stack moves per class: while any remain, the scratch register cannot hold
  // a cycle's parked value.
  uint32_t stack_to_stack[kNumRegClasses] = {0, 0};
  for (uint32_t m = 0; m < n; ++m) {
    if (reader_count_[Key(pending_[m].to)] == 0) ready_.push_back(m);
    if (pending_[m].from.is_stack() && pending_[m].to.is_stack()) {
      ++stack_to_stack[static_cast<int>(pending_[m].cls)];
      done_[m] = kPendingStackToStack;  // counted below; a redirected move never is
    }
  }
  uint32_t scan = 0;
  for (;;) {
    while (!ready_.empty()) {
      const uint32_t m = ready_.back();
      ready_.pop_back();
      emit(pending_[m].from, pending_[m].to, pending_[m].cls);
      if (done_[m] == kPendingStackToStack) --stack_to_stack[static_cast<int>(pending_[m].cls)];
      done_[m] = kDone;
      const uint32_t s = Key(pending_[m].from);
      if (--reader_count_[s] == 0 && writer_[s] != kNone && done_[writer_[s]] != kDone)
        ready_.push_back(writer_[s]);
    }
    while (scan < n && done_[scan] == kDone) ++scan;
    if (scan == n) break;
    // pending_[scan] is on a cycle: park its destination's value in a temporary.
    const Move& m = pending_[scan];
    const int c = static_cast<int>(m.cls);
    Allocation tmp = Allocation::Reg(scratch[c]);
    if (stack_to_stack[c] > 0) {
      tmp = cycle_slot[c];
      used_cycle_slot_[c] = true;
    }
    emit(m.to, tmp, m.cls);
    const uint32_t d = Key(m.to);
    uint32_t r = first_reader_[d];
    while (r != kNone && done_[r] == kDone) r = next_reader_[r];
    EGRET_CHECK(r != kNone);
    pending_[r].from = tmp;
    const uint32_t t = Key(tmp);
    Grow(t);
    ++reader_count_[t];
    touched_.push_back(t);
    if (--reader_count_[d] == 0) ready_.push_back(scan);
  }
  for (uint32_t k : touched_) {
    writer_[k] = kNone;
    reader_count_[k] = 0;
    first_reader_[k] = kNone;
  }
}

}  // namespace egret::regalloc
