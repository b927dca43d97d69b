// checker.cc: symbolic execution of an allocated function (see checker.h).
//
// State: per location key (see Key()) a sorted vector of vreg indices. Block entry states are
// computed to a fixpoint without reporting (intermediate states only over-approximate the final
// ones, so nothing is lost); a last pass over every block with its final entry state reports the
// first violation.
#include "regalloc/checker.h"

#include <algorithm>
#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "regalloc/liveness.h"

namespace egret::regalloc {
namespace {

using LocSet = std::vector<uint32_t>;  // sorted vreg indices
using State = std::vector<LocSet>;

bool Has(const LocSet& s, uint32_t v) { return std::binary_search(s.begin(), s.end(), v); }

std::string SetToString(const LocSet& s) {
  std::string out = "{";
  for (size_t k = 0; k < s.size(); ++k) absl::StrAppend(&out, k ? ", " : "", "v", s[k]);
  return out + "}";
}

class Checker {
 public:
  Checker(const Function& f, const MachineEnv& env, const Output& out)
      : f_(f), env_(env), out_(out) {}

  Status Run() {
    EGRET_TRY(Prepare());
    const uint32_t nb = f_.num_blocks();
    std::vector<std::optional<State>> entry(nb);
    entry[0] = State(num_locs_);
    std::deque<uint32_t> work = {0};
    std::vector<uint8_t> queued(nb, 0);
    queued[0] = 1;
    // `s` and `in` are reused so that copying a state reuses the sets' storage.
    State s, in;
    while (!work.empty()) {
      const uint32_t b = work.front();
      work.pop_front();
      queued[b] = 0;
      s = *entry[b];
      (void)Transfer(b, &s, /*report=*/false);
      for (const SuccEdge& e : f_.Succs(Block(b))) {
        Rename(s, e, &in);
        const uint32_t t = e.block.index;
        bool changed = false;
        if (!entry[t]) {
          entry[t] = in;
          changed = true;
        } else {
          changed = Meet(&*entry[t], in);
        }
        if (changed && !queued[t]) {
          queued[t] = 1;
          work.push_back(t);
        }
      }
    }
    for (uint32_t b = 0; b < nb; ++b) {
      EGRET_CHECK(entry[b].has_value());  // Validate() guarantees reachability
      s = *entry[b];
      EGRET_TRY(Transfer(b, &s, /*report=*/true));
    }
    return Status::Ok();
  }

 private:
  Error Err(uint32_t inst, const std::string& msg) const {
    uint32_t b = 0;
    while (f_.blocks[b].inst_end <= inst) ++b;
    return Error(absl::StrCat("regalloc checker: i", inst, " (block", b, "): ", msg));
  }
  // Locations are numbered densely: the registers the function or its allocation mentions,
  // then the spill slots. Keeps states small (a handful of registers, not all 128).
  uint32_t Key(Allocation a) const {
    return a.is_reg() ? reg_loc_[a.reg().index()] : num_reg_locs_ + a.slot();
  }
  uint32_t SlotKey(uint32_t slot) const { return num_reg_locs_ + slot; }
  void AddRegLoc(PReg r) {
    if (r.valid() && reg_loc_[r.index()] == UINT32_MAX) {
      reg_loc_[r.index()] = num_reg_locs_++;
      reg_locs_.push_back(r);
    }
  }

  Status Prepare() {
    if (out_.allocs.size() != f_.operands.size())
      return Error("regalloc checker: allocs has the wrong size");
    if (out_.spill_slot_class.size() != out_.num_spill_slots)
      return Error("regalloc checker: spill_slot_class has the wrong size");
    for (int c = 0; c < kNumRegClasses; ++c) {
      for (PReg r : env_.preferred[c]) allocatable_.Add(r);
      for (PReg r : env_.non_preferred[c]) allocatable_.Add(r);
    }
    std::fill(std::begin(reg_loc_), std::end(reg_loc_), UINT32_MAX);
    allocatable_.ForEach([&](PReg r) { AddRegLoc(r); });
    for (int c = 0; c < kNumRegClasses; ++c) AddRegLoc(env_.scratch[c]);
    for (const Operand& op : f_.operands)
      if (op.constraint == Constraint::kFixedReg) AddRegLoc(op.fixed);
    for (Allocation a : out_.allocs)
      if (a.is_reg()) AddRegLoc(a.reg());
    for (const Edit& e : out_.edits) {
      if (e.from.is_reg()) AddRegLoc(e.from.reg());
      if (e.to.is_reg()) AddRegLoc(e.to.reg());
      AddRegLoc(e.remat_src);
    }
    // The operand each remat_reads_operand vreg's definition reads (what remat_src must hold).
    remat_operand_.clear();
    for (const VRegData& d : f_.vregs) {
      if (!d.remat_reads_operand) continue;
      remat_operand_.assign(f_.num_vregs(), UINT32_MAX);
      for (uint32_t i = 0; i < f_.num_insts(); ++i)
        for (const Operand& op : f_.InstOperands(i))
          if (op.is_def() && f_.vregs[op.vreg.index].remat_reads_operand)
            remat_operand_[op.vreg.index] = f_.RematOperand(i).index;
      break;
    }
    num_locs_ = num_reg_locs_ + out_.num_spill_slots;
    // Edits: sorted by point; edit_begin_[p] indexes the first edit at point >= p.
    const uint32_t npoints = f_.num_insts() * 2;
    edit_begin_.assign(npoints + 1, 0);
    for (size_t k = 0; k < out_.edits.size(); ++k) {
      const Edit& e = out_.edits[k];
      if (k && e.point < out_.edits[k - 1].point)
        return Error("regalloc checker: edits are not sorted by program point");
      if (e.point.bits() >= npoints) return Error("regalloc checker: edit past the last inst");
      for (Allocation a : {e.from, e.to}) {
        if (a.is_none()) return Err(e.point.inst(), "an edit moves from or to nothing");
        if (a.is_stack() && a.slot() >= out_.num_spill_slots)
          return Err(e.point.inst(), "an edit names a spill slot out of range");
      }
      if (e.to.is_remat()) return Err(e.point.inst(), "an edit writes into a rematerialization");
      if (e.from.is_remat()) {
        // Materializing v defines the destination as exactly v: allowed only for vregs the
        // backend marked rematerializable, into a register of v's class.
        const uint32_t v = e.from.remat_vreg();
        if (v >= f_.num_vregs() || !f_.vregs[v].remat)
          return Err(e.point.inst(),
                     absl::StrCat("remat edit of v", v, ", which is not rematerializable"));
        if (!e.to.is_reg() || e.to.reg().cls() != f_.vregs[v].cls)
          return Err(e.point.inst(), absl::StrCat("remat edit of v", v, " into ", e.to.ToString(),
                                                  ", not a register of its class"));
        // One that reads an operand names the register it reads (checked against the state in
        // ApplyEdits); a constant names none.
        if (f_.vregs[v].remat_reads_operand != e.remat_src.valid())
          return Err(e.point.inst(),
                     absl::StrCat("remat edit of v", v,
                                  e.remat_src.valid() ? " names a source register, but v"
                                                      : " names no source register, but v",
                                  v, e.remat_src.valid() ? " reads no operand" : " reads one"));
      } else if (e.remat_src.valid()) {
        return Err(e.point.inst(), "an edit that is not a remat names a remat source register");
      }
      if (e.from.is_stack() && e.to.is_stack())
        return Err(e.point.inst(), absl::StrCat("stack-to-stack edit ", e.to.ToString(), " <- ",
                                                e.from.ToString(), " at ", e.point.ToString()));
      ++edit_begin_[e.point.bits() + 1];
    }
    for (uint32_t p = 0; p < npoints; ++p) edit_begin_[p + 1] += edit_begin_[p];
    // Stack maps, one per safepoint.
    stack_map_of_.assign(f_.num_insts(), UINT32_MAX);
    for (size_t k = 0; k < out_.stack_maps.size(); ++k) {
      const StackMap& m = out_.stack_maps[k];
      if (m.inst >= f_.num_insts() || !f_.insts[m.inst].safepoint)
        return Error(
            absl::StrCat("regalloc checker: stack map for i", m.inst, " which is not a safepoint"));
      stack_map_of_[m.inst] = static_cast<uint32_t>(k);
    }
    // Reference vregs live across each safepoint: a backward scan of blocks with safepoints.
    live_refs_.assign(f_.num_insts(), {});
    bool any_ref = false, any_safepoint = false;
    for (const VRegData& v : f_.vregs) any_ref |= v.is_ref;
    for (const InstData& d : f_.insts) any_safepoint |= d.safepoint;
    if (any_safepoint && any_ref) {
      EGRET_TRY(liveness_.Compute(f_));
      // The live references, as a list with O(1) insert and erase (pos[v] is v's index in it),
      // so each block costs its own size, never the number of vregs.
      std::vector<uint32_t> live, pos(f_.num_vregs(), UINT32_MAX);
      auto add = [&](VReg v) {
        if (!f_.vregs[v.index].is_ref || pos[v.index] != UINT32_MAX) return;
        pos[v.index] = static_cast<uint32_t>(live.size());
        live.push_back(v.index);
      };
      auto remove = [&](VReg v) {
        const uint32_t at = pos[v.index];
        if (at == UINT32_MAX) return;
        pos[live.back()] = at;
        live[at] = live.back();
        live.pop_back();
        pos[v.index] = UINT32_MAX;
      };
      for (uint32_t b = 0; b < f_.num_blocks(); ++b) {
        const BlockData& bd = f_.blocks[b];
        bool has = false;
        for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i) has |= f_.insts[i].safepoint;
        if (!has) continue;
        for (VReg v : liveness_.LiveOut(Block(b))) add(v);
        for (uint32_t i = bd.inst_end; i-- > bd.inst_begin;) {
          for (const Operand& op : f_.InstOperands(i))
            if (op.is_def()) remove(op.vreg);
          if (f_.insts[i].safepoint) live_refs_[i] = live;
          for (const Operand& op : f_.InstOperands(i))
            if (op.is_use()) add(op.vreg);
        }
        for (uint32_t v : live) pos[v] = UINT32_MAX;
        live.clear();
      }
    }
    for (uint32_t i = 0; i < f_.num_insts(); ++i) {
      if (f_.insts[i].safepoint && stack_map_of_[i] == UINT32_MAX)
        return Err(i, "safepoint without a stack map");
    }
    return Status::Ok();
  }

  void RemoveEverywhere(State* s, uint32_t v) {
    for (LocSet& l : *s) {
      auto it = std::lower_bound(l.begin(), l.end(), v);
      if (it != l.end() && *it == v) l.erase(it);
    }
  }
  // A remat that reads an operand requires its source register to hold that operand's vreg
  // right then (after the edits before it at the point).
  Status ApplyEdits(uint32_t point, State* s, bool report) {
    for (uint32_t k = edit_begin_[point]; k < edit_begin_[point + 1]; ++k) {
      const Edit& e = out_.edits[k];
      if (e.from.is_remat()) {
        const uint32_t v = e.from.remat_vreg();
        if (report && e.remat_src.valid()) {
          const uint32_t u = remat_operand_[v];
          const LocSet& held = (*s)[Key(Allocation::Reg(e.remat_src))];
          if (!Has(held, u))
            return Err(e.point.inst(),
                       absl::StrCat("remat edit of v", v, " from ", e.remat_src.ToString(), " at ",
                                    e.point.ToString(), ": ", e.remat_src.ToString(), " holds ",
                                    SetToString(held), ", not its operand v", u));
        }
        (*s)[Key(e.to)] = {v};
      } else {
        (*s)[Key(e.to)] = (*s)[Key(e.from)];
      }
    }
    return Status::Ok();
  }

  // Static checks of one operand's allocation against its constraint.
  Status CheckConstraint(uint32_t inst, size_t k, const Operand& op, Allocation a,
                         std::span<const Allocation> allocs) const {
    const RegClass cls = f_.ClassOf(op.vreg);
    auto fail = [&](const std::string& why) {
      return Err(inst, absl::StrCat("operand ", k, " ", op.ToString(), " allocated to ",
                                    a.ToString(), ": ", why));
    };
    if (a.is_none()) return fail("no location");
    if (a.is_reg() && a.reg().cls() != cls) return fail("register of the wrong class");
    if (a.is_stack()) {
      if (a.slot() >= out_.num_spill_slots) return fail("spill slot out of range");
      if (out_.spill_slot_class[a.slot()] != cls) return fail("spill slot of the wrong class");
    }
    switch (op.constraint) {
      case Constraint::kFixedReg:
        if (!a.is_reg() || a.reg() != op.fixed) return fail("not the fixed register");
        break;
      case Constraint::kReg:
        if (!a.is_reg()) return fail("needs a register");
        if (!allocatable_.Contains(a.reg())) return fail("register is not allocatable");
        break;
      case Constraint::kReuse:
        if (!(a == allocs[op.reuse_index])) return fail("differs from the reused input");
        break;
      case Constraint::kStack:
        if (!a.is_stack()) return fail("needs a spill slot");
        break;
      case Constraint::kAny:
        if (a.is_reg() && !allocatable_.Contains(a.reg()))
          return fail("register is not allocatable");
        break;
    }
    return Status::Ok();
  }

  Status CheckUse(uint32_t inst, size_t k, const Operand& op, Allocation a, const State& s) {
    if (a.is_none()) return Status::Ok();  // reported by CheckConstraint
    const LocSet& l = s[Key(a)];
    if (!Has(l, op.vreg.index))
      return Err(inst, absl::StrCat("operand ", k, " ", op.ToString(), ": ", a.ToString(),
                                    " holds ", SetToString(l), ", not v", op.vreg.index));
    return Status::Ok();
  }

  void Define(State* s, const Operand& op, Allocation a) {
    RemoveEverywhere(s, op.vreg.index);
    if (!a.is_none()) (*s)[Key(a)] = {op.vreg.index};
  }

  Status CheckStackMap(uint32_t inst, const State& s) {
    const StackMap& m = out_.stack_maps[stack_map_of_[inst]];
    const auto listed = out_.StackMapSlots(m);
    const auto& live = live_refs_[inst];
    // Linear in the live references plus the listed slots' contents: stamps mark the live
    // references (live_mark_) and those found in a listed slot (found_mark_).
    live_mark_.resize(f_.num_vregs(), 0);
    found_mark_.resize(f_.num_vregs(), 0);
    ++mark_;
    for (uint32_t v : live) live_mark_[v] = mark_;
    for (uint32_t slot : listed) {
      if (slot >= out_.num_spill_slots) return Err(inst, "stack map slot out of range");
      bool holds_live = false;
      for (uint32_t v : s[SlotKey(slot)]) {
        if (live_mark_[v] != mark_) continue;
        holds_live = true;
        found_mark_[v] = mark_;
      }
      if (!holds_live)
        return Err(inst, absl::StrCat("stack map lists stack", slot,
                                      " which holds no live reference (holds ",
                                      SetToString(s[SlotKey(slot)]), ")"));
    }
    for (uint32_t v : live)
      if (found_mark_[v] != mark_)
        return Err(inst, absl::StrCat("live reference v", v, " is in no stack map slot"));
    return Status::Ok();
  }

  Status Transfer(uint32_t b, State* s, bool report) {
    const BlockData& bd = f_.blocks[b];
    for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i) {
      EGRET_TRY(ApplyEdits(ProgPoint::Before(i).bits(), s, report));
      const auto ops = f_.InstOperands(i);
      const auto allocs =
          std::span<const Allocation>(out_.allocs).subspan(f_.insts[i].operand_begin, ops.size());
      if (report) {
        for (size_t k = 0; k < ops.size(); ++k) {
          EGRET_TRY(CheckConstraint(i, k, ops[k], allocs[k], allocs));
          // Conflicts inside the instruction (see operand.h for the order of events).
          for (size_t j = 0; j < ops.size(); ++j) {
            if (j == k || !(allocs[j] == allocs[k])) continue;
            const Operand &a = ops[k], &o = ops[j];
            const bool clash = (a.is_def() && o.is_def() && j < k) ||
                               (a.is_def() && a.is_early() && o.is_use()) ||
                               (a.is_use() && !a.is_early() && o.is_def());
            if (clash)
              return Err(i, absl::StrCat("operands ", k, " ", a.ToString(), " and ", j, " ",
                                         o.ToString(), " share ", allocs[k].ToString()));
          }
        }
        for (size_t k = 0; k < ops.size(); ++k)
          if (ops[k].is_use() && ops[k].is_early())
            EGRET_TRY(CheckUse(i, k, ops[k], allocs[k], *s));
      }
      for (size_t k = 0; k < ops.size(); ++k)
        if (ops[k].is_def() && ops[k].is_early()) Define(s, ops[k], allocs[k]);
      if (report) {
        for (size_t k = 0; k < ops.size(); ++k)
          if (ops[k].is_use() && !ops[k].is_early())
            EGRET_TRY(CheckUse(i, k, ops[k], allocs[k], *s));
      }
      f_.Clobbers(i).ForEach([&](PReg r) {
        if (reg_loc_[r.index()] != UINT32_MAX) (*s)[reg_loc_[r.index()]].clear();
      });
      if (f_.insts[i].safepoint) {
        if (report) EGRET_TRY(CheckStackMap(i, *s));
        // Only listed slots are updated by the collector: references anywhere else are stale.
        const StackMap& m = out_.stack_maps[stack_map_of_[i]];
        listed_.assign(s->size(), 0);
        for (uint32_t slot : out_.StackMapSlots(m))
          if (slot < out_.num_spill_slots) listed_[SlotKey(slot)] = 1;
        for (size_t l = 0; l < s->size(); ++l) {
          if (listed_[l]) continue;
          std::erase_if((*s)[l], [&](uint32_t v) { return f_.vregs[v].is_ref; });
        }
      }
      for (size_t k = 0; k < ops.size(); ++k)
        if (ops[k].is_def() && !ops[k].is_early()) Define(s, ops[k], allocs[k]);
      EGRET_TRY(ApplyEdits(ProgPoint::After(i).bits(), s, report));
    }
    return Status::Ok();
  }

  // The edge's effect: every location holding argument a_i now also holds parameter p_i; stale
  // copies of the successor's parameters (from an earlier loop iteration) are dropped.
  void Rename(const State& s, const SuccEdge& e, State* out) {
    const auto params = f_.Params(e.block);
    if (params.empty()) {
      *out = s;
      return;
    }
    const auto args = f_.Args(e);
    pairs_.clear();
    for (size_t k = 0; k < args.size(); ++k) pairs_.emplace_back(args[k].index, params[k].index);
    std::sort(pairs_.begin(), pairs_.end());
    param_stamp_.resize(f_.num_vregs(), 0);
    ++stamp_;
    for (VReg p : params) param_stamp_[p.index] = stamp_;
    out->resize(s.size());
    for (size_t l = 0; l < s.size(); ++l) {
      LocSet& o = (*out)[l];
      o.clear();
      if (s[l].empty()) continue;
      for (uint32_t v : s[l]) {
        if (param_stamp_[v] != stamp_) o.push_back(v);
        auto it = std::lower_bound(pairs_.begin(), pairs_.end(), std::make_pair(v, 0u));
        for (; it != pairs_.end() && it->first == v; ++it) o.push_back(it->second);
      }
      std::sort(o.begin(), o.end());
      o.erase(std::unique(o.begin(), o.end()), o.end());
    }
  }

  static bool Meet(State* into, const State& other) {
    bool changed = false;
    for (size_t l = 0; l < into->size(); ++l) {
      LocSet& a = (*into)[l];
      if (a.empty()) continue;
      const LocSet& b = other[l];
      const size_t before = a.size();
      std::erase_if(a, [&](uint32_t v) { return !Has(b, v); });
      changed |= a.size() != before;
    }
    return changed;
  }

  const Function& f_;
  const MachineEnv& env_;
  const Output& out_;
  PRegSet allocatable_;
  uint32_t reg_loc_[PReg::kNumIndices];
  std::vector<PReg> reg_locs_;
  uint32_t num_reg_locs_ = 0;
  uint32_t num_locs_ = 0;
  std::vector<uint32_t> edit_begin_, stack_map_of_;
  std::vector<uint32_t> remat_operand_;  // per vreg (remat_reads_operand only): u
  std::vector<std::vector<uint32_t>> live_refs_;
  Liveness liveness_;
  std::vector<std::pair<uint32_t, uint32_t>> pairs_;
  std::vector<uint32_t> param_stamp_;
  std::vector<uint8_t> listed_;
  std::vector<uint32_t> live_mark_, found_mark_;
  uint32_t mark_ = 0;
  uint32_t stamp_ = 0;
};

}  // namespace

Status CheckAllocation(const Function& f, const MachineEnv& env, const Output& out) {
  return Checker(f, env, out).Run();
}

}  // namespace egret::regalloc
