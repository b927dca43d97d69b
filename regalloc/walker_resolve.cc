// walker_resolve.cc: the walker's work after the walk (see walker.h): parallel moves on every
// CFG edge, the back-edge cost that decides whether a loop is walked again, and the mapping of
// virtual spill slots to shared physical ones.
//
// Invariant relied on: for every block, entry_recs_ lists where each live-in value and each
// used parameter is expected, and exit_recs_ where each live-out value is; a value is always in
// its register, its valid slot, or both.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "regalloc/walker.h"

namespace egret::regalloc {

// The number of moves the edge p -> e.block would need with the current entry and exit states.
uint32_t ForwardWalker::EdgeCost(uint32_t p, const SuccEdge& e) {
  ++rec_stamp_;
  for (uint32_t k = exit_span_[p].begin; k < exit_span_[p].end; ++k) {
    rec_epoch_[exit_recs_[k].v.index] = rec_stamp_;
    rec_[exit_recs_[k].v.index] = exit_recs_[k];
  }
  const auto params = f_.Params(e.block);
  const auto args = f_.Args(e);
  ++pref_stamp_;  // marks the parameters (PreferExitOf() takes a fresh stamp when it runs)
  for (size_t j = 0; j < params.size(); ++j) {
    pref_epoch_[params[j].index] = pref_stamp_;
    param_arg_[params[j].index] = args[j];
  }
  uint32_t cost = 0;
  const Span entry = entry_span_[e.block.index];
  for (uint32_t k = entry.begin; k < entry.end; ++k) {
    const LocRecord& want = entry_recs_[k];
    const bool is_param = pref_epoch_[want.v.index] == pref_stamp_;
    const VReg src = is_param ? param_arg_[want.v.index] : want.v;
    if (rec_epoch_[src.index] != rec_stamp_) return 1;  // resolution will report it
    const LocRecord& have = rec_[src.index];
    if (want.reg.valid() && want.reg != have.reg) ++cost;
    if (want.slot_valid && (is_param || !have.slot_valid)) ++cost;
  }
  return cost;
}

// Remembers where the latch `p` leaves the values the header e.block expects, so the header's
// next walk can expect them there.
void ForwardWalker::PreferExitOf(uint32_t p, const SuccEdge& e) {
  ++pref_stamp_;
  ++rec_stamp_;
  for (uint32_t k = exit_span_[p].begin; k < exit_span_[p].end; ++k) {
    rec_epoch_[exit_recs_[k].v.index] = rec_stamp_;
    rec_[exit_recs_[k].v.index] = exit_recs_[k];
  }
  auto prefer = [&](VReg v, VReg src) {
    if (rec_epoch_[src.index] != rec_stamp_) return;
    pref_epoch_[v.index] = pref_stamp_;
    pref_reg_[v.index] = rec_[src.index].reg;
  };
  for (VReg v : live_.LiveIn(e.block)) prefer(v, v);
  const auto params = f_.Params(e.block);
  const auto args = f_.Args(e);
  for (size_t k = 0; k < params.size(); ++k) prefer(params[k], args[k]);
}

Status ForwardWalker::ResolveEdges() {
  const uint32_t nv = f_.num_vregs();
  std::vector<uint32_t> param_epoch(nv, UINT32_MAX), param_arg(nv, 0);
  uint32_t param_stamp = 0;
  std::vector<ParallelMoveResolver::Move> moves;
  std::vector<std::pair<Allocation, Allocation>> seq;
  // Virtual slots nv + c (cycle slot of class c) and nv + 2 + c (save slot of a borrowed
  // register), mapped to physical slots only when used.
  UnmentionedRegScratch edge_scratch(env_);
  ParallelMoveResolver::Temps temps;
  temps.source = &edge_scratch;
  for (int c = 0; c < kNumRegClasses; ++c) {
    temps.scratch[c] = env_.scratch[c];
    temps.cycle_slot[c] = Allocation::Stack(nv + c);
    temps.borrow[c] = FirstAllocatable(env_, static_cast<RegClass>(c));
    temps.save_slot[c] = Allocation::Stack(nv + kNumRegClasses + c);
  }
  for (uint32_t p = 0; p < f_.num_blocks(); ++p) {
    ++rec_stamp_;
    for (uint32_t k = exit_span_[p].begin; k < exit_span_[p].end; ++k) {
      rec_epoch_[exit_recs_[k].v.index] = rec_stamp_;
      rec_[exit_recs_[k].v.index] = exit_recs_[k];
    }
    const auto succs = f_.Succs(Block(p));
    for (const SuccEdge& e : succs) {
      const uint32_t s = e.block.index;
      const auto params = f_.Params(e.block);
      const auto args = f_.Args(e);
      ++param_stamp;
      for (size_t k = 0; k < params.size(); ++k) {
        Touch(params[k], f_.blocks[p].inst_end - 1);  // written by this edge's moves
        param_epoch[params[k].index] = param_stamp;
        param_arg[params[k].index] = args[k].index;
      }
      moves.clear();
      for (uint32_t k = entry_span_[s].begin; k < entry_span_[s].end; ++k) {
        const LocRecord& want = entry_recs_[k];
        const bool is_param = param_epoch[want.v.index] == param_stamp;
        const VReg src_v = is_param ? VReg(param_arg[want.v.index]) : want.v;
        if (rec_epoch_[src_v.index] != rec_stamp_)
          return Error(absl::StrCat("regalloc internal: v", src_v.index, " not live out of block",
                                    p, " into block", s));
        const LocRecord& have = rec_[src_v.index];
        const Allocation src = have.reg.valid() ? Allocation::Reg(have.reg) : Slot(src_v);
        const RegClass cls = f_.ClassOf(want.v);
        if (want.reg.valid()) moves.push_back({src, Allocation::Reg(want.reg), cls});
        if (want.slot_valid && (is_param || !have.slot_valid))
          moves.push_back({src, Slot(want.v), cls});
      }
      seq.clear();
      resolver_.Resolve(moves, temps, &seq);
      const bool at_end = succs.size() == 1;
      const uint32_t point = at_end ? ProgPoint::Before(f_.blocks[p].inst_end - 1).bits()
                                    : ProgPoint::Before(f_.blocks[s].inst_begin).bits();
      for (const auto& [from, to] : seq) Emit(point, at_end ? 2 : 0, from, to);
      out_->stats.edge_moves += seq.size();
    }
  }
  for (int c = 0; c < kNumRegClasses; ++c) {
    if (resolver_.used_cycle_slot(static_cast<RegClass>(c))) has_slot_[nv + c] = 1;
    if (resolver_.used_save_slot(static_cast<RegClass>(c))) has_slot_[nv + kNumRegClasses + c] = 1;
  }
  return Status::Ok();
}

// Virtual slots (one per vreg) to physical slots: vregs whose extents in layout order do not
// overlap share a slot (interval colouring, per class, with a min-heap of slot end positions).
void ForwardWalker::AssignSlots() {
  const uint32_t nv = f_.num_vregs();
  const std::vector<uint32_t>& first = first_pos_;
  const std::vector<uint32_t>& last = last_pos_;
  std::vector<SlotExtent> items[kNumRegClasses];
  for (uint32_t v = 0; v < nv; ++v)
    if (has_slot_[v]) items[static_cast<int>(f_.vregs[v].cls)].push_back({first[v], last[v], v});
  std::vector<uint32_t> phys(nv + 2 * kNumRegClasses, UINT32_MAX);
  for (int c = 0; c < kNumRegClasses; ++c) {
    const RegClass cls = static_cast<RegClass>(c);
    out_->ShareSpillSlots(cls, items[c], /*touching_share=*/false, phys);
    for (uint32_t extra : {nv + c, nv + kNumRegClasses + c}) {
      if (!has_slot_[extra]) continue;  // the class's cycle / save slot, never shared
      out_->spill_slot_class.push_back(cls);
      phys[extra] = out_->num_spill_slots++;
    }
  }
  auto map = [&](Allocation a) { return a.is_stack() ? Allocation::Stack(phys[a.slot()]) : a; };
  for (Allocation& a : out_->allocs) a = map(a);
  for (uint32_t& s : out_->stack_map_slots) s = phys[s];
  // The walker emits its edits in program order; only the edge moves need sorting.
  auto before = [](const PendingEdit& a, const PendingEdit& b) {
    return a.point != b.point ? a.point < b.point : a.phase < b.phase;
  };
  EGRET_DCHECK(std::is_sorted(edits_.begin(), edits_.begin() + walk_edits_, before));
  std::stable_sort(edits_.begin() + walk_edits_, edits_.end(), before);
  std::inplace_merge(edits_.begin(), edits_.begin() + walk_edits_, edits_.end(), before);
  out_->edits.clear();
  out_->edits.reserve(edits_.size());
  for (const PendingEdit& e : edits_) {
    Edit edit;
    edit.point = e.point & 1 ? ProgPoint::After(e.point / 2) : ProgPoint::Before(e.point / 2);
    edit.from = map(e.from);
    edit.to = map(e.to);
    out_->edits.push_back(edit);
  }
}

}  // namespace egret::regalloc
