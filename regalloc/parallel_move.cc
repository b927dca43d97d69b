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

void ParallelMoveResolver::Resolve(std::span<const Move> moves, const Temps& temps,
                                   std::vector<std::pair<Allocation, Allocation>>* out) {
  if (moves.size() == 1) {  // most calls (a reload, a move, a remat at a gap)
    // What the paths below emit for it, when it needs no temporary.
    const Move& m = moves[0];
    if (m.from == m.to) return;
    if (m.from.is_remat() ? !m.to.is_stack() : !(m.from.is_stack() && m.to.is_stack())) {
      out->emplace_back(m.from, m.to);
      return;
    }
  }
  bool any_remat = false;
  for (const Move& m : moves) any_remat |= m.from.is_remat();
  if (!any_remat) {  // most calls: nothing to set apart
    ResolveMoves(moves, temps, out);
    return;
  }
  plain_.clear();
  remats_.clear();
  for (const Move& m : moves) (m.from.is_remat() ? remats_ : plain_).push_back(m);
  ResolveMoves(plain_, temps, out);
  // Rematerializations read no location, so they go last, once every move that reads their
  // destination has run. One into a slot goes through the class's scratch register, or else
  // borrows a register around it like a stack-to-stack move (every other move is done, so no
  // register is needed any more except the one borrowed and restored).
  for (const Move& m : remats_) {
    if (!m.to.is_stack()) {
      out->emplace_back(m.from, m.to);
      continue;
    }
    const int c = static_cast<int>(m.cls);
    if (temps.scratch[c].valid()) {
      const Allocation r = Allocation::Reg(temps.scratch[c]);
      out->emplace_back(m.from, r);
      out->emplace_back(r, m.to);
      continue;
    }
    EGRET_CHECK(temps.borrow[c].valid() && temps.save_slot[c].is_stack());
    const Allocation b = Allocation::Reg(temps.borrow[c]), save = temps.save_slot[c];
    out->emplace_back(b, save);
    out->emplace_back(m.from, b);
    out->emplace_back(b, m.to);
    out->emplace_back(save, b);
    used_save_slot_[c] = true;
  }
}

void ParallelMoveResolver::ResolveMoves(std::span<const Move> moves, const Temps& temps,
                                        std::vector<std::pair<Allocation, Allocation>>* out) {
  pending_.clear();
  for (const Move& m : moves)
    if (!(m.from == m.to)) pending_.push_back(m);
  if (pending_.empty()) return;
  // One move (a reload or a move at most gaps) that needs no temporary: what the general path
  // below emits for it, without its tables.
  if (pending_.size() == 1 && !(pending_[0].from.is_stack() && pending_[0].to.is_stack())) {
    out->emplace_back(pending_[0].from, pending_[0].to);
    return;
  }
  const uint32_t n = static_cast<uint32_t>(pending_.size());
  // A few moves none of which reads another's destination (nor writes one twice), none stack
  // to stack: every move is ready at once and nothing ever becomes ready later, so the general
  // path below emits them in reverse order (its ready list is a stack); so does this, without
  // its tables. Most parallel moves on edges are of this kind.
  if (n <= kSmall) {
    bool independent = true;
    for (uint32_t a = 0; a < n && independent; ++a) {
      independent = !(pending_[a].from.is_stack() && pending_[a].to.is_stack());
      for (uint32_t b = 0; b < n && independent; ++b)
        independent =
            pending_[a].from != pending_[b].to && (a == b || pending_[a].to != pending_[b].to);
    }
    if (independent) {
      for (uint32_t m = n; m-- > 0;) out->emplace_back(pending_[m].from, pending_[m].to);
      return;
    }
  }
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
  // The register temporary of each class, looked up on first need (see the header).
  PReg temp_reg[kNumRegClasses];
  bool temp_known[kNumRegClasses] = {false, false};
  auto temp = [&](int c) {
    if (temps.scratch[c].valid()) return temps.scratch[c];
    if (!temp_known[c]) {
      temp_known[c] = true;
      if (temps.source != nullptr) {
        // Identity moves included (in `moves` or as held registers): their register holds a
        // live value too.
        PRegSet busy = temps.held;
        for (const Move& m : moves) {
          if (m.from.is_reg()) busy.Add(m.from.reg());
          if (m.to.is_reg()) busy.Add(m.to.reg());
        }
        temp_reg[c] = temps.source->FreeReg(static_cast<RegClass>(c), busy);
      }
    }
    return temp_reg[c];
  };
  auto emit = [&](Allocation from, Allocation to, RegClass cls) {
    if (from.is_stack() && to.is_stack()) {
      const int c = static_cast<int>(cls);
      const PReg r = temp(c);
      if (r.valid()) {
        out->emplace_back(from, Allocation::Reg(r));
        out->emplace_back(Allocation::Reg(r), to);
        return;
      }
      EGRET_CHECK(temps.borrow[c].valid() && temps.save_slot[c].is_stack());
      const Allocation b = Allocation::Reg(temps.borrow[c]), save = temps.save_slot[c];
      out->emplace_back(b, save);
      out->emplace_back(from, b);
      out->emplace_back(b, to);
      out->emplace_back(save, b);
      used_save_slot_[c] = true;
      ++borrowed_moves_;
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
    // Only while no stack-to-stack move is pending may the register temporary hold the
    // parked value (those moves need it); otherwise, or without one, the cycle slot does.
    const PReg temp_reg_c = stack_to_stack[c] > 0 ? PReg() : temp(c);
    Allocation tmp = Allocation::Reg(temp_reg_c);
    if (!temp_reg_c.valid()) {
      tmp = temps.cycle_slot[c];
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

PReg UnmentionedRegScratch::FreeReg(RegClass cls, const PRegSet& busy) {
  const int c = static_cast<int>(cls);
  for (const auto* list : {&env_.preferred[c], &env_.non_preferred[c]})
    for (PReg r : *list)
      if (!busy.Contains(r)) return r;
  return PReg();
}

PReg FirstAllocatable(const MachineEnv& env, RegClass cls) {
  const int c = static_cast<int>(cls);
  if (!env.preferred[c].empty()) return env.preferred[c][0];
  if (!env.non_preferred[c].empty()) return env.non_preferred[c][0];
  return PReg();
}

}  // namespace egret::regalloc
