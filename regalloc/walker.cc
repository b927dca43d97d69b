// walker.cc: the forward allocation engine (see walker.h for the design).
//
// ProcessInst() follows the order of events inside an instruction (operand.h): it first makes
// every input available where its constraint wants it (fixed registers, then the rest), reserves
// early defs, saves values that live on in registers the instruction destroys (clobbers, fixed
// late defs, and references at safepoints), then frees dying inputs and places late defs.
// Invariant between instructions: occupant_ and home_ are inverse on non-temp registers, every
// live vreg is in its home register or its valid slot (or both), and no temps remain.
#include "regalloc/walker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace egret::regalloc {

ForwardWalker::ForwardWalker(const Function& f, const MachineEnv& env, const Liveness& live,
                             Mode mode, Output* out)
    : f_(f), env_(env), live_(live), mode_(mode), out_(out) {
  for (int c = 0; c < kNumRegClasses; ++c) {
    order_[c] = env.preferred[c];
    order_[c].insert(order_[c].end(), env.non_preferred[c].begin(), env.non_preferred[c].end());
    for (PReg r : order_[c]) allocatable_.Add(r);
  }
  const uint32_t nv = f.num_vregs(), nb = f.num_blocks();
  home_.assign(nv, PReg());
  hint_.assign(nv, PReg());
  slot_valid_.assign(nv, 0);
  has_slot_.assign(nv + 2 * kNumRegClasses, 0);
  next_use_.assign(nv, kDead);
  scan_next_.assign(nv, kDead);
  scan_epoch_.assign(nv, UINT32_MAX);
  liveout_epoch_.assign(nv, UINT32_MAX);
  live_ref_pos_.assign(nv, UINT32_MAX);
  rec_epoch_.assign(nv, UINT32_MAX);
  rec_.assign(nv, LocRecord{});
  pref_epoch_.assign(nv, 0);
  pref_reg_.assign(nv, PReg());
  param_arg_.assign(nv, VReg());
  edge_epoch_.assign(nv, 0);
  edge_arg_.assign(nv, VReg());
  first_pos_.assign(nv, UINT32_MAX);
  last_pos_.assign(nv, 0);
  op_next_use_.assign(f.operands.size(), kDead);
  op_crosses_call_.assign(f.operands.size(), 0);
  for (const PRegSet& c : f.clobber_sets) clobbered_anywhere_ |= c;
  entry_span_.assign(nb, Span{});
  exit_span_.assign(nb, Span{});
  walked_.assign(nb, 0);
  out_->allocs.assign(f.operands.size(), Allocation());
  edits_.reserve(f.num_insts());
}

Status ForwardWalker::Run() {
  const uint32_t nb = f_.num_blocks();
  // linear: a loop laid out as [header .. latch] is walked a second time with the header's
  // entry state taken from the latch's exit, when the back edge would otherwise need moves (they
  // run on every iteration; the preheader edge runs once). Each header is walked again at most
  // once and the extra work is capped at the function's size, so the walk stays linear.
  struct Mark {
    size_t edits, maps, map_slots, entry_recs, exit_recs;
  };
  std::vector<Mark> marks(mode_ == Mode::kGlobal ? nb : 0);
  std::vector<uint8_t> rewalked(mode_ == Mode::kGlobal ? nb : 0, 0);
  uint64_t budget = f_.num_insts();
  for (uint32_t b = 0; b < nb; ++b) {
    if (mode_ == Mode::kGlobal)
      marks[b] = {edits_.size(), out_->stack_maps.size(), out_->stack_map_slots.size(),
                  entry_recs_.size(), exit_recs_.size()};
    ScanBlock(b);
    EGRET_TRY(SetupEntry(b));
    for (uint32_t i = f_.blocks[b].inst_begin; i < f_.blocks[b].inst_end; ++i)
      EGRET_TRY(ProcessInst(b, i));
    EGRET_TRY(RecordExit(b));
    walked_[b] = 1;
    if (mode_ != Mode::kGlobal) continue;
    for (const SuccEdge& e : f_.Succs(Block(b))) {
      const uint32_t h = e.block.index;
      const uint64_t size = f_.blocks[b].inst_end - f_.blocks[h].inst_begin;
      if (h > b || rewalked[h] || size > budget || EdgeCost(b, e) == 0) continue;
      rewalked[h] = 1;
      budget -= size;
      PreferExitOf(b, e);
      const Mark& m = marks[h];
      edits_.resize(m.edits);
      out_->stack_maps.resize(m.maps);
      out_->stack_map_slots.resize(m.map_slots);
      entry_recs_.resize(m.entry_recs);
      exit_recs_.resize(m.exit_recs);
      for (uint32_t x = h; x <= b; ++x) walked_[x] = 0;
      prefer_block_ = h;
      b = h - 1;  // the loop's ++b resumes at h
      break;
    }
  }
  walk_edits_ = edits_.size();
  EGRET_TRY(ResolveEdges());
  AssignSlots();
  return Status::Ok();
}

// Backward over the block: each operand's next use after its instruction, the entry next use
// of live-ins and parameters, the reference vregs live across each safepoint, and register hints
// from fixed uses.
void ForwardWalker::ScanBlock(uint32_t b) {
  ++epoch_;
  const BlockData& bd = f_.blocks[b];
  auto get = [&](VReg v) { return scan_epoch_[v.index] == epoch_ ? scan_next_[v.index] : kDead; };
  auto set = [&](VReg v, uint32_t pos) {
    scan_epoch_[v.index] = epoch_;
    scan_next_[v.index] = pos;
  };
  auto add_ref = [&](VReg v) {
    if (!f_.vregs[v.index].is_ref || live_ref_pos_[v.index] != UINT32_MAX) return;
    live_ref_pos_[v.index] = static_cast<uint32_t>(live_refs_.size());
    live_refs_.push_back(v.index);
  };
  auto remove_ref = [&](VReg v) {
    const uint32_t pos = live_ref_pos_[v.index];
    if (pos == UINT32_MAX) return;
    const uint32_t last = live_refs_.back();
    live_refs_[pos] = last;
    live_ref_pos_[last] = pos;
    live_refs_.pop_back();
    live_ref_pos_[v.index] = UINT32_MAX;
  };
  live_refs_.clear();
  for (VReg v : live_.LiveOut(Block(b))) {
    Touch(v, bd.inst_end - 1);
    set(v, kLiveOut);
    liveout_epoch_[v.index] = epoch_;
    add_ref(v);
  }
  // A successor already allocated (a loop header, seen from the latch) tells how soon it uses
  // each value: a position past this block, so eviction keeps loop-carried values longer.
  for (const SuccEdge& e : f_.Succs(Block(b))) {
    const uint32_t s = e.block.index;
    if (!walked_[s]) continue;
    const auto params = f_.Params(e.block);
    const auto args = f_.Args(e);
    ++edge_stamp_;
    for (size_t k = 0; k < params.size(); ++k) {
      edge_epoch_[params[k].index] = edge_stamp_;
      edge_arg_[params[k].index] = args[k];
    }
    for (uint32_t k = entry_span_[s].begin; k < entry_span_[s].end; ++k) {
      const LocRecord& r = entry_recs_[k];
      if (r.next >= kLiveOut - bd.inst_end) continue;
      const VReg u = edge_epoch_[r.v.index] == edge_stamp_ ? edge_arg_[r.v.index] : r.v;
      const uint32_t pos = bd.inst_end + r.next;
      if (scan_epoch_[u.index] == epoch_ && scan_next_[u.index] >= bd.inst_end &&
          pos < scan_next_[u.index])
        set(u, pos);
    }
  }
  safepoint_refs_.assign(bd.inst_end - bd.inst_begin, Span{});
  safepoint_ref_list_.clear();
  // The nearest later instruction with clobbers: a value whose next use lies beyond it should
  // sit in a register no call clobbers.
  // Values live out are assumed to meet a call later if the function has any.
  uint32_t next_clobber = clobbered_anywhere_.Empty() ? kDead : kLiveOut - 1;
  auto crosses = [&](uint32_t next_use) {
    if (next_use == kDead) return false;
    if (next_use >= bd.inst_end) return !clobbered_anywhere_.Empty();  // beyond this block
    return next_clobber != kDead && next_use > next_clobber;
  };
  for (uint32_t i = bd.inst_end; i-- > bd.inst_begin;) {
    const auto ops = f_.InstOperands(i);
    const uint32_t base = f_.insts[i].operand_begin;
    if (!f_.Clobbers(i).Empty()) next_clobber = i;
    for (const Operand& op : ops) Touch(op.vreg, i);
    for (size_t k = 0; k < ops.size(); ++k) {
      if (!ops[k].is_def()) continue;
      op_next_use_[base + k] = get(ops[k].vreg);
      op_crosses_call_[base + k] = crosses(op_next_use_[base + k]);
    }
    for (const Operand& op : ops) {
      if (!op.is_def()) continue;
      set(op.vreg, kDead);
      remove_ref(op.vreg);
    }
    if (f_.insts[i].safepoint) {
      Span& s = safepoint_refs_[i - bd.inst_begin];
      s.begin = static_cast<uint32_t>(safepoint_ref_list_.size());
      safepoint_ref_list_.insert(safepoint_ref_list_.end(), live_refs_.begin(), live_refs_.end());
      s.end = static_cast<uint32_t>(safepoint_ref_list_.size());
    }
    for (size_t k = 0; k < ops.size(); ++k) {
      if (!ops[k].is_use()) continue;
      op_next_use_[base + k] = get(ops[k].vreg);
      op_crosses_call_[base + k] = crosses(op_next_use_[base + k]);
    }
    for (const Operand& op : ops) {
      if (!op.is_use()) continue;
      set(op.vreg, i);
      add_ref(op.vreg);
      if (op.constraint == Constraint::kFixedReg && allocatable_.Contains(op.fixed))
        hint_[op.vreg.index] = op.fixed;
    }
  }
  for (VReg v : live_.LiveIn(Block(b))) {
    next_use_[v.index] = get(v);
    Touch(v, bd.inst_begin);
  }
  for (VReg p : f_.Params(Block(b))) {
    next_use_[p.index] = get(p);
    Touch(p, bd.inst_begin);
  }
  for (uint32_t v : live_refs_) live_ref_pos_[v] = UINT32_MAX;
  live_refs_.clear();
}

Status ForwardWalker::SetupEntry(uint32_t b) {
  for (uint32_t r = 0; r < PReg::kNumIndices; ++r) {
    const VReg v = occupant_[r];
    if (v.valid() && home_[v.index].index() == r) home_[v.index] = PReg();
    occupant_[r] = VReg();
    temp_[r] = false;
  }
  temps_.clear();
  const Block block(b);
  const auto params = f_.Params(block);
  uint32_t from = UINT32_MAX;  // an already-visited predecessor to inherit registers from
  if (mode_ == Mode::kGlobal) {
    for (Block p : f_.Preds(block)) {
      if (walked_[p.index]) {
        from = p.index;
        break;
      }
    }
  }
  if (from != UINT32_MAX) {
    ++rec_stamp_;
    for (uint32_t k = exit_span_[from].begin; k < exit_span_[from].end; ++k) {
      rec_epoch_[exit_recs_[k].v.index] = rec_stamp_;
      rec_[exit_recs_[k].v.index] = exit_recs_[k];
    }
    for (VReg v : live_.LiveIn(block)) {
      if (rec_epoch_[v.index] != rec_stamp_)
        return Error(
            absl::StrCat("regalloc internal: v", v.index, " missing at exit of block", from));
      const LocRecord& r = rec_[v.index];
      if (r.reg.valid()) Assign(r.reg, v);
      slot_valid_[v.index] = r.slot_valid;
    }
    // Other predecessors already allocated (the far side of a diamond): a value they only have
    // in its slot enters in its slot, if that is valid here too, instead of costing a reload on
    // their edge now and maybe for nothing; a value entering in a register does not demand a
    // valid slot they lack.
    for (Block q : f_.Preds(block)) {
      if (q.index == from || !walked_[q.index]) continue;
      for (uint32_t k = exit_span_[q.index].begin; k < exit_span_[q.index].end; ++k) {
        const LocRecord& r = exit_recs_[k];
        if (!home_[r.v.index].valid()) continue;  // not live in, or entering in its slot
        if (!r.reg.valid() && r.slot_valid && slot_valid_[r.v.index]) {
          Release(r.v);
        } else if (!r.slot_valid) {
          // Entering in a register: a valid slot is only a bonus, not worth a store on q's edge.
          slot_valid_[r.v.index] = 0;
        }
      }
    }
    const bool prefer = b == prefer_block_;
    if (prefer) prefer_block_ = UINT32_MAX;  // used once
    if (prefer) {
      // Second walk of a loop header: expect live-ins where the latch left them.
      for (VReg v : live_.LiveIn(block))
        if (pref_epoch_[v.index] == pref_stamp_ && home_[v.index] != pref_reg_[v.index]) Release(v);
      for (VReg v : live_.LiveIn(block)) {
        if (pref_epoch_[v.index] != pref_stamp_ || home_[v.index].valid()) continue;
        const PReg want = pref_reg_[v.index];
        if (want.valid() && !occupant_[want.index()].valid()) {
          Assign(want, v);
        } else {
          slot_valid_[v.index] = 1;  // the preheader edge stores it if needed
          Slot(v);
        }
      }
    }
    std::span<const VReg> args;
    for (const SuccEdge& e : f_.Succs(Block(from)))
      if (e.block == block) args = f_.Args(e);
    for (size_t k = 0; k < params.size(); ++k) {
      const VReg p = params[k];
      if (next_use_[p.index] == kDead) continue;
      slot_valid_[p.index] = 0;
      if (prefer && pref_epoch_[p.index] == pref_stamp_) {
        const PReg want = pref_reg_[p.index];
        if (want.valid() && !occupant_[want.index()].valid()) {
          Assign(want, p);
          continue;
        }
        if (!want.valid()) {
          slot_valid_[p.index] = 1;
          Slot(p);
          continue;
        }
      }
      const PReg ar = rec_epoch_[args[k].index] == rec_stamp_ ? rec_[args[k].index].reg : PReg();
      if (ar.valid() && !occupant_[ar.index()].valid()) {
        Assign(ar, p);  // coalesced with its argument: no move on this edge
        continue;
      }
      PReg r = hint_[p.index];
      if (!r.valid() || occupant_[r.index()].valid()) r = FreeReg(f_.ClassOf(p), PRegSet());
      if (r.valid()) {
        Assign(r, p);
      } else {
        slot_valid_[p.index] = 1;
        Slot(p);
      }
    }
    // Arguments on edges not walked yet (loop back edges) should end up where the parameter is.
    for (Block pred : f_.Preds(block)) {
      if (walked_[pred.index]) continue;
      for (const SuccEdge& e : f_.Succs(pred)) {
        if (e.block != block) continue;
        const auto a = f_.Args(e);
        for (size_t k = 0; k < a.size(); ++k)
          if (home_[params[k].index].valid() && !hint_[a[k].index].valid())
            hint_[a[k].index] = home_[params[k].index];
      }
    }
  } else {
    for (VReg v : live_.LiveIn(block)) {
      slot_valid_[v.index] = 1;
      Slot(v);
    }
    for (VReg p : params) {
      if (next_use_[p.index] == kDead) continue;
      slot_valid_[p.index] = 1;
      Slot(p);
    }
  }
  entry_span_[b].begin = static_cast<uint32_t>(entry_recs_.size());
  auto rel = [&](VReg v) {
    const uint32_t n = next_use_[v.index];
    return n >= kLiveOut ? n : n - f_.blocks[b].inst_begin;
  };
  for (VReg v : live_.LiveIn(block))
    entry_recs_.push_back({v, home_[v.index], slot_valid_[v.index] != 0, rel(v)});
  for (VReg p : params)
    if (next_use_[p.index] != kDead)
      entry_recs_.push_back({p, home_[p.index], slot_valid_[p.index] != 0, rel(p)});
  entry_span_[b].end = static_cast<uint32_t>(entry_recs_.size());
  return Status::Ok();
}

Status ForwardWalker::RecordExit(uint32_t b) {
  exit_span_[b].begin = static_cast<uint32_t>(exit_recs_.size());
  for (VReg v : live_.LiveOut(Block(b))) {
    if (!home_[v.index].valid() && !slot_valid_[v.index])
      return Error(absl::StrCat("regalloc internal: v", v.index, " lost at exit of block", b));
    exit_recs_.push_back({v, home_[v.index], slot_valid_[v.index] != 0});
  }
  exit_span_[b].end = static_cast<uint32_t>(exit_recs_.size());
  return Status::Ok();
}

void ForwardWalker::EnsureSlot(VReg v, uint32_t i) {
  const Allocation slot = Slot(v);
  if (slot_valid_[v.index]) return;
  EGRET_CHECK(home_[v.index].valid());
  EmitBefore(i, Allocation::Reg(home_[v.index]), slot);
  slot_valid_[v.index] = 1;
}

PReg ForwardWalker::FreeReg(RegClass cls, PRegSet avoid) const {
  for (PReg r : order_[static_cast<int>(cls)])
    if (!avoid.Contains(r) && !occupant_[r.index()].valid()) return r;
  return PReg();
}

void ForwardWalker::Vacate(PReg r, uint32_t i, PRegSet keep_out, bool relocate) {
  const VReg w = occupant_[r.index()];
  if (!w.valid()) return;
  if (temp_[r.index()] || home_[w.index] != r) {
    occupant_[r.index()] = VReg();
    temp_[r.index()] = false;
    return;
  }
  if (next_use_[w.index] == kDead) {
    Release(w);
    return;
  }
  if (relocate) {
    keep_out.Add(r);
    const PReg r2 = FreeReg(r.cls(), keep_out);
    if (r2.valid()) {
      EmitBefore(i, Allocation::Reg(r), Allocation::Reg(r2));
      occupant_[r.index()] = VReg();
      Assign(r2, w);
      return;
    }
  }
  EnsureSlot(w, i);
  Release(w);
}

PReg ForwardWalker::AllocReg(RegClass cls, PRegSet avoid, PRegSet no_evict, PReg hint, uint32_t i,
                             PRegSet rather_not) {
  if (hint.valid() && hint.cls() == cls && !avoid.Contains(hint) &&
      !occupant_[hint.index()].valid())
    return hint;
  PReg free = FreeReg(cls, avoid | rather_not);
  if (!free.valid()) free = FreeReg(cls, avoid);
  if (free.valid()) return free;
  // Evict the value used farthest in the future; among equals, one whose slot is up to date.
  PReg best;
  uint64_t best_score = 0;
  for (PReg r : order_[static_cast<int>(cls)]) {
    if (avoid.Contains(r) || no_evict.Contains(r) || temp_[r.index()]) continue;
    const VReg w = occupant_[r.index()];
    const uint64_t score = (uint64_t{next_use_[w.index]} << 1 | slot_valid_[w.index]) + 1;
    if (score > best_score) {
      best_score = score;
      best = r;
    }
  }
  if (best.valid()) Vacate(best, i, PRegSet(), /*relocate=*/false);
  return best;
}

Status ForwardWalker::ProcessInst(uint32_t b, uint32_t i) {
  const auto ops = f_.InstOperands(i);
  const uint32_t base = f_.insts[i].operand_begin;
  Allocation* alloc = out_->allocs.data() + base;
  const PRegSet clobbers = f_.Clobbers(i);
  PRegSet fixed_uses, fixed_early_defs, fixed_late_defs;
  for (const Operand& op : ops) {
    if (op.constraint != Constraint::kFixedReg) continue;
    (op.is_use() ? fixed_uses : op.is_early() ? fixed_early_defs : fixed_late_defs).Add(op.fixed);
  }
  const PRegSet fixed_any = fixed_uses | fixed_early_defs | fixed_late_defs;
  auto out_of_regs = [&](VReg v) {
    return Error(absl::StrCat("regalloc: i", i, " (block", b, ") needs more ",
                              RegClassName(f_.ClassOf(v)), " registers than the machine has"));
  };
  auto make_temp = [&](PReg r, VReg v) {
    occupant_[r.index()] = v;
    temp_[r.index()] = true;
    temps_.push_back(r);
  };
  PRegSet pinned;  // registers holding this instruction's inputs: never evicted for an input

  // 1. Inputs in fixed registers.
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operand& op = ops[k];
    if (!op.is_use() || op.constraint != Constraint::kFixedReg) continue;
    const PReg r = op.fixed;
    const VReg v = op.vreg;
    if (occupant_[r.index()] != v) {
      Vacate(r, i, fixed_any | pinned | clobbers, /*relocate=*/true);
      const PReg h = home_[v.index];
      EGRET_CHECK(h.valid() || slot_valid_[v.index]);
      EmitBefore(i, h.valid() ? Allocation::Reg(h) : Slot(v), Allocation::Reg(r));
      if (h.valid() || !allocatable_.Contains(r)) {
        make_temp(r, v);  // a non-allocatable register is never anyone's home
      } else {
        Assign(r, v);
      }
    }
    alloc[k] = Allocation::Reg(r);
    pinned.Add(r);
  }
  // 2. Other inputs: keep the ones already in a usable register there.
  auto use_avoid = [&](const Operand& op) {
    return op.is_early() ? fixed_early_defs : fixed_early_defs | fixed_late_defs;
  };
  for (const Operand& op : ops) {
    if (!op.is_use() || op.constraint == Constraint::kFixedReg) continue;
    const PReg h = home_[op.vreg.index];
    if (h.valid() && !use_avoid(op).Contains(h) && op.constraint != Constraint::kStack)
      pinned.Add(h);
  }
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operand& op = ops[k];
    if (!op.is_use() || op.constraint == Constraint::kFixedReg) continue;
    const VReg v = op.vreg;
    const PRegSet avoid = use_avoid(op);
    const PReg h = home_[v.index];
    if (op.constraint == Constraint::kStack) {
      EnsureSlot(v, i);
      alloc[k] = Slot(v);
      continue;
    }
    if (h.valid() && !avoid.Contains(h)) {
      alloc[k] = Allocation::Reg(h);
      pinned.Add(h);
      continue;
    }
    if (op.constraint == Constraint::kAny && slot_valid_[v.index]) {
      alloc[k] = Slot(v);
      continue;
    }
    const RegClass cls = f_.ClassOf(v);
    PReg r = FreeReg(cls, avoid | pinned | clobbers | fixed_any | CallAvoid(base + k));
    if (!r.valid()) r = AllocReg(cls, avoid | pinned, pinned, hint_[v.index], i);
    if (!r.valid()) return out_of_regs(v);
    EGRET_CHECK(h.valid() || slot_valid_[v.index]);
    EmitBefore(i, h.valid() ? Allocation::Reg(h) : Slot(v), Allocation::Reg(r));
    if (h.valid() && pinned.Contains(h)) {
      make_temp(r, v);
    } else {
      if (h.valid()) occupant_[h.index()] = VReg();
      Assign(r, v);
    }
    alloc[k] = Allocation::Reg(r);
    pinned.Add(r);
  }
  // 3. Reused inputs: the def overwrites the input's register, so copy the input first if its
  // value is still needed afterwards (or the register is taken by a fixed def).
  reuse_reg_.assign(ops.size(), PReg());
  PRegSet reuse_regs;
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operand& op = ops[k];
    if (!op.is_def() || op.constraint != Constraint::kReuse) continue;
    const size_t u = op.reuse_index;
    const VReg vu = ops[u].vreg;
    PReg r = alloc[u].reg();
    bool keep = op_next_use_[base + u] != kDead || fixed_any.Contains(r) || reuse_regs.Contains(r);
    for (const Operand& o : ops) keep |= o.is_use() && !o.is_early() && o.vreg == vu;
    if (keep) {
      const RegClass cls = f_.ClassOf(vu);
      PReg r2 = FreeReg(cls, pinned | fixed_any | reuse_regs);
      if (!r2.valid()) r2 = AllocReg(cls, pinned | fixed_any | reuse_regs, pinned, PReg(), i);
      if (!r2.valid()) return out_of_regs(vu);
      EmitBefore(i, Allocation::Reg(r), Allocation::Reg(r2));
      make_temp(r2, vu);
      pinned.Add(r2);
      alloc[u] = Allocation::Reg(r2);
      r = r2;
    }
    reuse_reg_[k] = r;
    reuse_regs.Add(r);
  }
  for (size_t k = 0; k < ops.size(); ++k)
    if (ops[k].is_use()) next_use_[ops[k].vreg.index] = op_next_use_[base + k];

  // 4. Early defs: written before the inputs are done, so away from every input.
  PRegSet early_def_regs;
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operand& op = ops[k];
    if (!op.is_def() || !op.is_early() || op.constraint == Constraint::kStack) continue;
    PReg r;
    if (op.constraint == Constraint::kFixedReg) {
      r = op.fixed;
      Vacate(r, i, fixed_any | pinned | clobbers | reuse_regs, /*relocate=*/true);
    } else {
      const PRegSet avoid = pinned | clobbers | fixed_any | early_def_regs | reuse_regs;
      r = AllocReg(f_.ClassOf(op.vreg), avoid, avoid, hint_[op.vreg.index], i, CallAvoid(base + k));
      if (!r.valid()) return out_of_regs(op.vreg);
    }
    alloc[k] = Allocation::Reg(r);
    early_def_regs.Add(r);
    Assign(r, op.vreg);
    slot_valid_[op.vreg.index] = 0;
  }
  // 5. Values that live on in registers this instruction destroys.
  const PRegSet destroyed = clobbers | fixed_late_defs;
  destroyed.ForEach([&](PReg r) {
    const VReg w = occupant_[r.index()];
    if (!w.valid() || temp_[r.index()] || early_def_regs.Contains(r)) return;
    if (next_use_[w.index] == kDead) return;  // an input dying here; freed below
    if (f_.insts[i].safepoint && f_.vregs[w.index].is_ref) {
      EnsureSlot(w, i);  // it leaves the registers at the safepoint anyway
      Release(w);
      return;
    }
    const PRegSet keep_out = pinned | destroyed | fixed_any | early_def_regs | reuse_regs;
    PReg r2 = FreeReg(r.cls(), keep_out);
    if (!r2.valid()) {
      // No free safe register: take one whose value is needed later than w's (Belady); that
      // value goes to its slot instead.
      uint32_t farthest = next_use_[w.index];
      for (PReg c : order_[static_cast<int>(r.cls())]) {
        const VReg u = occupant_[c.index()];
        if (keep_out.Contains(c) || !u.valid() || temp_[c.index()]) continue;
        if (next_use_[u.index] > farthest) {
          farthest = next_use_[u.index];
          r2 = c;
        }
      }
      if (r2.valid()) Vacate(r2, i, PRegSet(), /*relocate=*/false);
    }
    if (r2.valid()) {
      EmitBefore(i, Allocation::Reg(r), Allocation::Reg(r2));
      occupant_[r.index()] = VReg();
      Assign(r2, w);
    } else {
      EnsureSlot(w, i);
      Release(w);
    }
  });
  std::span<const uint32_t> refs;
  if (f_.insts[i].safepoint) {
    const Span s = safepoint_refs_[i - f_.blocks[b].inst_begin];
    refs = std::span<const uint32_t>(safepoint_ref_list_).subspan(s.begin, s.end - s.begin);
    StackMap m;
    m.inst = i;
    m.slot_begin = static_cast<uint32_t>(out_->stack_map_slots.size());
    for (uint32_t v : refs) {
      EnsureSlot(VReg(v), i);
      out_->stack_map_slots.push_back(Slot(VReg(v)).slot());
    }
    m.slot_end = static_cast<uint32_t>(out_->stack_map_slots.size());
    out_->stack_maps.push_back(m);
  }

  // 6. The inputs have been read: free dying ones, temporaries, clobbered registers, and
  // references (the collector may have moved them).
  PRegSet late_use_regs;
  for (size_t k = 0; k < ops.size(); ++k) {
    if (!ops[k].is_use()) continue;
    if (!ops[k].is_early() && alloc[k].is_reg()) late_use_regs.Add(alloc[k].reg());
    if (op_next_use_[base + k] == kDead) Release(ops[k].vreg);
  }
  for (PReg r : temps_) {
    const VReg v = occupant_[r.index()];
    if (v.valid() && home_[v.index] != r) occupant_[r.index()] = VReg();
    temp_[r.index()] = false;
  }
  temps_.clear();
  clobbers.ForEach([&](PReg r) {
    const VReg w = occupant_[r.index()];
    if (w.valid()) Release(w);
    occupant_[r.index()] = VReg();
  });
  for (uint32_t v : refs) Release(VReg(v));

  // 7. Late defs.
  PRegSet late_def_regs;
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operand& op = ops[k];
    if (!op.is_def() || op.is_early() || op.constraint == Constraint::kStack) continue;
    PReg r;
    if (op.constraint == Constraint::kFixedReg) {
      r = op.fixed;
    } else if (op.constraint == Constraint::kReuse) {
      r = reuse_reg_[k];
    } else {
      const PRegSet avoid = late_use_regs | early_def_regs | fixed_any | late_def_regs | reuse_regs;
      r = AllocReg(f_.ClassOf(op.vreg), avoid, avoid, hint_[op.vreg.index], i, CallAvoid(base + k));
      if (!r.valid()) return out_of_regs(op.vreg);
    }
    const VReg w = occupant_[r.index()];
    if (w.valid()) {
      if (next_use_[w.index] != kDead && home_[w.index] == r)
        return Error(absl::StrCat("regalloc internal: i", i, " overwrites live v", w.index));
      Release(w);
      occupant_[r.index()] = VReg();
    }
    alloc[k] = Allocation::Reg(r);
    late_def_regs.Add(r);
    Assign(r, op.vreg);
    slot_valid_[op.vreg.index] = 0;
  }
  // 8. After the instruction.
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operand& op = ops[k];
    if (!op.is_def()) continue;
    const VReg d = op.vreg;
    if (op.constraint == Constraint::kStack) {
      alloc[k] = Slot(d);
      slot_valid_[d.index] = 1;
    }
    next_use_[d.index] = op_next_use_[base + k];
    const PReg h = home_[d.index];
    if (next_use_[d.index] == kDead) {
      Release(d);
    } else if (h.valid() && !allocatable_.Contains(h)) {
      // Defined in a register the allocator may not keep values in: move it out at once.
      const PReg r = FreeReg(f_.ClassOf(d), late_def_regs | early_def_regs);
      Emit(ProgPoint::After(i).bits(), 1, Allocation::Reg(h),
           r.valid() ? Allocation::Reg(r) : Slot(d));
      Release(d);
      if (r.valid()) {
        Assign(r, d);
      } else {
        slot_valid_[d.index] = 1;
      }
    } else if (mode_ == Mode::kBlockLocal && liveout_epoch_[d.index] == epoch_ &&
               home_[d.index].valid() && !slot_valid_[d.index]) {
      Emit(ProgPoint::After(i).bits(), 1, Allocation::Reg(home_[d.index]), Slot(d));
      slot_valid_[d.index] = 1;
    }
  }
  return Status::Ok();
}

}  // namespace egret::regalloc
