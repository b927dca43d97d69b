// function.cc: building, validating and printing the allocator's input.
//
// Validate() is linear in the size of the function: one pass over operands with per-vreg and
// per-register stamps, one pass over edges, one depth-first search for reachability. Dominance
// of uses by definitions across blocks is checked by liveness (a vreg live into the entry block
// is used on a path without its definition).
#include "regalloc/function.h"

#include <algorithm>
#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "regalloc/function_testing.h"

namespace egret::regalloc {

const char* RegClassName(RegClass c) { return c == RegClass::kInt ? "int" : "float"; }

std::string PReg::ToString() const {
  if (!valid()) return "invalid";
  return absl::StrCat(cls() == RegClass::kInt ? "r" : "f", hw());
}

std::string Allocation::ToString() const {
  if (is_reg()) return reg().ToString();
  if (is_stack()) return absl::StrCat("stack", slot());
  if (is_remat()) return absl::StrCat("remat(v", remat_vreg(), ")");
  return "none";
}

std::string ProgPoint::ToString() const {
  return absl::StrCat(is_after() ? "after" : "before", " i", inst());
}

std::string Operand::ToString() const {
  std::string s = absl::StrCat("v", vreg.index, ":", is_early() && is_def() ? "early-" : "",
                               !is_early() && is_use() ? "late-" : "", is_use() ? "use" : "def");
  switch (constraint) {
    case Constraint::kAny:
      return s + ":any";
    case Constraint::kReg:
      return s + ":reg";
    case Constraint::kFixedReg:
      return absl::StrCat(s, ":fixed(", fixed.ToString(), ")");
    case Constraint::kReuse:
      return commutes_with == kNoCommute
                 ? absl::StrCat(s, ":reuse(", reuse_index, ")")
                 : absl::StrCat(s, ":reuse(", reuse_index, "|", commutes_with, ")");
    case Constraint::kStack:
      return s + ":stack";
  }
  return s;
}

namespace {

// Where an instruction or one of its operands is, for Validate's errors. Out of line and cold:
// the operand loop then keeps nothing alive for them.
[[gnu::cold, gnu::noinline]] std::string InstWhere(uint32_t i, uint32_t b) {
  return absl::StrCat("i", i, " (block", b, ")");
}
[[gnu::cold, gnu::noinline]] std::string OperandWhere(uint32_t i, uint32_t b, size_t k,
                                                      const Operand& op) {
  return absl::StrCat(InstWhere(i, b), " operand ", k, " ", op.ToString());
}

}  // namespace

MachineEnv MachineEnv::ForTesting(int int_regs, int float_regs, int callee_saved) {
  MachineEnv env;
  const int counts[kNumRegClasses] = {int_regs, float_regs};
  for (int c = 0; c < kNumRegClasses; ++c) {
    const RegClass cls = static_cast<RegClass>(c);
    for (int i = 0; i < counts[c]; ++i) {
      const PReg r(cls, static_cast<uint8_t>(i));
      (i >= counts[c] - callee_saved ? env.non_preferred[c] : env.preferred[c]).push_back(r);
    }
    env.scratch[c] = PReg(cls, PReg::kMaxPerClass - 1);
  }
  return env;
}

Status MachineEnv::Validate() const {
  PRegSet seen;
  for (int c = 0; c < kNumRegClasses; ++c) {
    for (const auto* list : {&preferred[c], &non_preferred[c]}) {
      for (PReg r : *list) {
        if (!r.valid() || static_cast<int>(r.cls()) != c)
          return Error(absl::StrCat("machine env: register ", r.ToString(), " listed under class ",
                                    RegClassName(static_cast<RegClass>(c))));
        if (seen.Contains(r))
          return Error(absl::StrCat("machine env: register ", r.ToString(), " listed twice"));
        seen.Add(r);
      }
    }
  }
  for (int c = 0; c < kNumRegClasses; ++c) {
    if (scratch[c].valid() && seen.Contains(scratch[c]))
      return Error(absl::StrCat("machine env: scratch register ", scratch[c].ToString(),
                                " is also allocatable"));
  }
  return Status::Ok();
}

void Function::AddBlockParam(VReg v) {
  EGRET_CHECK(!blocks.empty());
  block_params.push_back(v);
  blocks.back().param_end = static_cast<uint32_t>(block_params.size());
}

void Function::AddSucc(Block to, std::span<const VReg> args) {
  EGRET_CHECK(!blocks.empty());
  SuccEdge e;
  e.block = to;
  e.arg_begin = static_cast<uint32_t>(branch_args.size());
  branch_args.insert(branch_args.end(), args.begin(), args.end());
  e.arg_end = static_cast<uint32_t>(branch_args.size());
  succs.push_back(e);
  blocks.back().succ_end = static_cast<uint32_t>(succs.size());
}

void Function::Finish() {
  // Counting sort of edges by target: preds of a block come out in source layout order. The
  // counts, starts and fill cursors are kept in the blocks' own pred_begin/pred_end (no
  // temporary arrays): first pred_end counts the edges into the block, then pred_begin is its
  // start and pred_end the cursor, and at the end pred_end is the next block's start.
  const uint32_t nb = static_cast<uint32_t>(blocks.size());
  BlockData* const bd = blocks.data();
  for (uint32_t b = 0; b < nb; ++b) bd[b].pred_end = 0;
  for (const SuccEdge& e : succs)
    if (e.block.index < nb) ++bd[e.block.index].pred_end;
  uint32_t start = 0;
  for (uint32_t b = 0; b < nb; ++b) {
    const uint32_t count = bd[b].pred_end;
    bd[b].pred_begin = bd[b].pred_end = start;
    start += count;
  }
  preds.assign(start, Block());
  const uint32_t num_succs = static_cast<uint32_t>(succs.size());
  for (uint32_t b = 0; b < nb; ++b) {
    // Clamped: a malformed table is reported by Validate(), not read out of bounds here. Blocks
    // whose successor ranges overlap list an edge twice, one more than it was counted: the
    // cursor test keeps that extra fill inside `preds` (Validate() rejects the ranges).
    const uint32_t end = std::min<uint32_t>(bd[b].succ_end, num_succs);
    for (uint32_t s = bd[b].succ_begin; s < end; ++s) {
      const uint32_t t = succs[s].block.index;
      if (t < nb && bd[t].pred_end < start) preds[bd[t].pred_end++] = Block(b);
    }
  }
  // Each block's range ends where the next one's starts (as counted, whatever was filled).
  for (uint32_t b = 0; b + 1 < nb; ++b) bd[b].pred_end = bd[b + 1].pred_begin;
  if (nb != 0) bd[nb - 1].pred_end = start;
}

namespace {

std::atomic<bool> g_structure_fast_path{true};  // SetValidateStructureFastPathForTesting

// Whether ValidateStructure() finds nothing wrong, in one walk over the blocks with their edges
// (and one over the instructions and each index table) instead of its separate walks: every
// function the backends build passes, and ValidateStructure() runs its own checks only to name
// what is wrong. Invariant: true only if every check of ValidateStructure() and ValidateTables()
// holds. Each block's edges are read after its successor range is checked against the table.
bool StructureHolds(const Function& f, const MachineEnv& env) {
  constexpr uint32_t kNoLoop = Function::kNoLoop;
  const size_t nb = f.blocks.size();
  if (nb == 0 || f.preds.size() != f.succs.size()) return false;
  if (!f.loop_depth.empty() && f.loop_depth.size() != nb) return false;
  if (f.loop_header.size() != f.loop_parent.size() ||
      (!f.loop_header.empty() && f.loop_header.size() != nb))
    return false;
  for (int c = 0; c < kNumRegClasses; ++c)
    if (!env.scratch[c].valid() && env.preferred[c].empty() && env.non_preferred[c].empty())
      for (const VRegData& v : f.vregs)
        if (static_cast<int>(v.cls) == c) return false;
  const bool loops = !f.loop_header.empty();
  const uint32_t* const header = f.loop_header.data();
  const uint32_t* const parent = f.loop_parent.data();
  const BlockData* const blocks = f.blocks.data();
  const SuccEdge* const succs = f.succs.data();
  const size_t num_succs = f.succs.size(), num_preds = f.preds.size();
  const size_t num_args = f.branch_args.size();
  uint32_t inst = 0, succ = 0, param = 0;
  for (size_t b = 0; b < nb; ++b) {
    const BlockData& bd = blocks[b];
    // (A block with no instructions is an error too, so inst_end > inst_begin.)
    if (bd.inst_begin != inst || bd.inst_end <= bd.inst_begin || bd.succ_begin != succ ||
        bd.succ_end < bd.succ_begin || bd.succ_end > num_succs || bd.param_begin != param ||
        bd.param_end < bd.param_begin || bd.pred_end < bd.pred_begin || bd.pred_end > num_preds)
      return false;
    if (loops &&
        ((header[b] != kNoLoop && header[b] >= nb) || (parent[b] != kNoLoop && parent[b] >= nb)))
      return false;
    for (uint32_t k = bd.succ_begin; k < bd.succ_end; ++k) {
      const SuccEdge& e = succs[k];
      if (e.arg_end < e.arg_begin || e.arg_end > num_args || e.block.index >= nb) return false;
      // (A later block's parameter range is checked when the walk reaches it.)
      const BlockData& to = blocks[e.block.index];
      if (to.param_end - to.param_begin != e.arg_end - e.arg_begin) return false;
    }
    inst = bd.inst_end;
    succ = bd.succ_end;
    param = bd.param_end;
  }
  if (inst != f.insts.size() || succ != num_succs || param != f.block_params.size()) return false;
  uint32_t op = 0;
  for (const InstData& d : f.insts) {
    if (d.operand_begin != op || d.operand_end < d.operand_begin) return false;
    if (d.clobbers != InstData::kNoClobbers && d.clobbers >= f.clobber_sets.size()) return false;
    op = d.operand_end;
  }
  if (op != f.operands.size()) return false;
  for (Block p : f.preds)
    if (p.index >= nb) return false;
  const size_t nv = f.vregs.size();
  for (VReg v : f.block_params)
    if (v.index >= nv) return false;
  for (VReg v : f.branch_args)
    if (v.index >= nv) return false;
  return true;
}

}  // namespace

void SetValidateStructureFastPathForTesting(bool fast) {
  g_structure_fast_path.store(fast, std::memory_order_relaxed);
}

// The shape every reader of a Function relies on to stay within its arrays: linear in the blocks,
// instructions and edges, with no per-operand work. StructureHolds() answers for valid input;
// the checks below, in their order, name the first thing wrong otherwise.
Status Function::ValidateStructure(const MachineEnv& env) const {
  if (g_structure_fast_path.load(std::memory_order_relaxed) && StructureHolds(*this, env))
    return Status::Ok();
  auto err = [](std::string msg) { return Error("regalloc input: " + std::move(msg)); };
  if (blocks.empty()) return err("function has no blocks");
  if (preds.size() != succs.size()) return err("predecessors not computed (call Finish())");
  EGRET_TRY(ValidateTables());
  const size_t nb = blocks.size();
  if (!loop_depth.empty() && loop_depth.size() != nb)
    return err(absl::StrCat("loop_depth has ", loop_depth.size(), " entries for ", nb, " blocks"));
  if (loop_header.size() != loop_parent.size() ||
      (!loop_header.empty() && loop_header.size() != nb))
    return err(absl::StrCat("loop_header/loop_parent have ", loop_header.size(), "/",
                            loop_parent.size(), " entries for ", nb, " blocks"));
  for (size_t b = 0; b < loop_header.size(); ++b) {
    if (loop_header[b] != kNoLoop && loop_header[b] >= nb)
      return err(absl::StrCat("loop_header[", b, "] = ", loop_header[b], " is not a block"));
    if (loop_parent[b] != kNoLoop && loop_parent[b] >= nb)
      return err(absl::StrCat("loop_parent[", b, "] = ", loop_parent[b], " is not a block"));
  }
  for (int c = 0; c < kNumRegClasses; ++c) {
    // Move resolution needs a register of the class: the scratch, or one it can borrow.
    if (!env.scratch[c].valid() && env.preferred[c].empty() && env.non_preferred[c].empty()) {
      for (const VRegData& v : vregs)
        if (static_cast<int>(v.cls) == c)
          return err(absl::StrCat("class ", RegClassName(v.cls),
                                  " has vregs but no register (allocatable or scratch)"));
    }
  }
  for (uint32_t b = 0; b < nb; ++b) {
    const BlockData& bd = blocks[b];
    if (bd.inst_begin >= bd.inst_end) return err(absl::StrCat("block", b, " has no instructions"));
    for (const SuccEdge& e : Succs(Block(b))) {
      if (e.block.index >= nb)
        return err(absl::StrCat("block", b, " branches to missing block", e.block.index));
      const auto params = Params(e.block);
      const auto args = Args(e);
      if (params.size() != args.size())
        return err(absl::StrCat("block", b, " passes ", args.size(), " args to block",
                                e.block.index, " which has ", params.size(), " params"));
    }
  }
  return Status::Ok();
}

Status Function::Validate(const MachineEnv& env) const {
  EGRET_TRY(env.Validate());
  EGRET_TRY(ValidateStructure(env));
  auto err = [](std::string msg) { return Error("regalloc input: " + std::move(msg)); };
  // Definitions: exactly one per vreg. def_inst is UINT32_MAX for block parameters.
  constexpr uint32_t kUndefined = UINT32_MAX - 1;
  std::vector<uint32_t> def_block(vregs.size(), kUndefined), def_inst(vregs.size(), kUndefined);
  // define() records a definition and says whether it was valid (in range, the first); the
  // error, when not, comes from define_error() (a flag per definition instead of a Status).
  auto define = [&](VReg v, uint32_t b, uint32_t inst) {
    if (v.index >= vregs.size() || def_block[v.index] != kUndefined) return false;
    def_block[v.index] = b;
    def_inst[v.index] = inst;
    return true;
  };
  auto define_error = [&](VReg v, uint32_t b, uint32_t inst) -> Status {
    const std::string where =
        inst == UINT32_MAX ? absl::StrCat("block", b) : absl::StrCat("i", inst);
    if (v.index >= vregs.size()) return err(absl::StrCat(where, ": v", v.index, " out of range"));
    return err(absl::StrCat(where, ": v", v.index, " defined twice (SSA)"));
  };
  for (uint32_t b = 0; b < blocks.size(); ++b) {
    const BlockData& bd = blocks[b];
    if (b == 0 && bd.param_end != bd.param_begin) return err("entry block0 has parameters");
    if (b == 0 && bd.pred_end != bd.pred_begin) return err("entry block0 has predecessors");
    for (VReg p : Params(Block(b)))
      if (!define(p, b, UINT32_MAX)) return define_error(p, b, UINT32_MAX);
    for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i) {
      for (const Operand& op : InstOperands(i))
        if (op.is_def() && !define(op.vreg, b, i)) return define_error(op.vreg, b, i);
    }
  }
  for (uint32_t v = 0; v < vregs.size(); ++v)
    if (def_block[v] == kUndefined) return err(absl::StrCat("v", v, " is never defined"));
  // A rematerializable vreg is recomputed by re-running its definition anywhere: that must be
  // an instruction with this one def and no inputs, clobbers or safepoint, and never a reference.
  for (uint32_t v = 0; v < vregs.size(); ++v) {
    if (vregs[v].remat_reads_operand && !vregs[v].remat)
      return err(absl::StrCat("v", v,
                              " reads an operand for rematerialization but is not "
                              "marked rematerializable"));
    if (!vregs[v].remat) continue;
    auto bad = [&](const std::string& why) {
      return err(absl::StrCat("v", v, " is marked rematerializable but ", why));
    };
    if (vregs[v].is_ref) return bad("is a reference");
    if (v >= (1u << 30)) return bad("its index is too large");
    if (def_inst[v] == UINT32_MAX) return bad("is a block parameter");
    const uint32_t i = def_inst[v];
    const auto ops = InstOperands(i);
    const size_t want = vregs[v].remat_reads_operand ? 2 : 1;
    if (ops.size() != want || insts[i].safepoint || insts[i].clobbers != InstData::kNoClobbers)
      return bad(absl::StrCat("its definition i", i,
                              vregs[v].remat_reads_operand
                                  ? " does not read exactly one operand, or has clobbers or a "
                                    "safepoint"
                                  : " has other operands, clobbers or a safepoint"));
    for (const Operand& op : ops) {
      if (op.is_def() && op.constraint == Constraint::kStack)
        return bad("its definition writes a stack slot");
      if (op.is_def() && op.vreg.index != v)
        return bad(absl::StrCat("its definition i", i, " defines another value"));
      if (op.is_use() && (!op.is_early() || op.constraint != Constraint::kReg))
        return bad(absl::StrCat("its definition i", i, " reads its operand ", op.ToString(),
                                " from elsewhere than a register (early kReg use)"));
      if (op.is_use() && vregs[op.vreg.index].is_ref)
        return bad(absl::StrCat("its definition i", i, " reads a reference"));
    }
  }

  // Per instruction, the vreg fixed to each register by a use: an entry is read only where
  // that instruction's fixed_uses holds the register, so it is never stale (no per-instruction
  // clearing).
  VReg fixed_use_vreg[PReg::kNumIndices];
  for (uint32_t b = 0; b < blocks.size(); ++b) {
    const BlockData& bd = blocks[b];
    const uint32_t term = bd.inst_end - 1;
    const uint32_t nsucc = bd.succ_end - bd.succ_begin;
    for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i) {
      const auto ops = InstOperands(i);
      PRegSet fixed_uses, fixed_early_defs, fixed_late_defs, fixed_late_uses;
      for (size_t k = 0; k < ops.size(); ++k) {
        const Operand& op = ops[k];
        if (op.vreg.index >= vregs.size())
          return err(OperandWhere(i, b, k, op) + ": vreg out of range");
        const RegClass cls = vregs[op.vreg.index].cls;
        if (op.is_use() && def_block[op.vreg.index] == b &&
            (def_inst[op.vreg.index] != UINT32_MAX && def_inst[op.vreg.index] >= i))
          return err(OperandWhere(i, b, k, op) + ": use before definition");
        switch (op.constraint) {
          case Constraint::kFixedReg: {
            if (!op.fixed.valid() || op.fixed.cls() != cls)
              return err(OperandWhere(i, b, k, op) + ": fixed register of the wrong class");
            if (op.fixed == env.scratch[static_cast<int>(cls)])
              return err(OperandWhere(i, b, k, op) + ": fixed to the scratch register");
            PRegSet& set = op.is_use()     ? fixed_uses
                           : op.is_early() ? fixed_early_defs
                                           : fixed_late_defs;
            if (op.is_def() && set.Contains(op.fixed))
              return err(OperandWhere(i, b, k, op) + ": two defs fixed to one register");
            if (op.is_use()) {
              VReg& holder = fixed_use_vreg[op.fixed.index()];
              if (set.Contains(op.fixed) && holder != op.vreg)
                return err(OperandWhere(i, b, k, op) + ": two vregs fixed to one register");
              holder = op.vreg;
              if (!op.is_early()) fixed_late_uses.Add(op.fixed);
            }
            set.Add(op.fixed);
            break;
          }
          case Constraint::kReuse: {
            if (op.is_use() || op.is_early())
              return err(OperandWhere(i, b, k, op) + ": reuse must be a late def");
            if (op.reuse_index >= ops.size())
              return err(OperandWhere(i, b, k, op) + ": reuse index out of range");
            const Operand& src = ops[op.reuse_index];
            if (!src.is_use() || !src.is_early() || src.constraint != Constraint::kReg ||
                vregs[src.vreg.index].cls != cls)
              return err(OperandWhere(i, b, k, op) +
                         ": reuse source must be an early reg use of the same class");
            if (op.commutes_with != Operand::kNoCommute) {
              if (op.commutes_with >= ops.size() || op.commutes_with == op.reuse_index)
                return err(OperandWhere(i, b, k, op) + ": commutative partner out of range");
              const Operand& other = ops[op.commutes_with];
              if (!other.is_use() || !other.is_early() || other.constraint != Constraint::kReg ||
                  vregs[other.vreg.index].cls != cls)
                return err(OperandWhere(i, b, k, op) +
                           ": commutative partner must be an early reg use of the class");
            }
            break;
          }
          default:
            break;
        }
      }
      // The checks between fixed registers: each needs a fixed use or def, and most
      // instructions have none (then every check below holds trivially).
      if (!(fixed_uses | fixed_early_defs | fixed_late_defs).Empty()) {
        const PRegSet clobbers = Clobbers(i);
        PRegSet both = fixed_early_defs;
        fixed_uses.ForEach([&](PReg r) {
          if (both.Contains(r)) both.Remove(r);
        });
        if (!(both == fixed_early_defs))
          return err(InstWhere(i, b) + ": an early def and a use are fixed to one register");
        bool late_conflict = false;
        fixed_late_uses.ForEach([&](PReg r) { late_conflict |= fixed_late_defs.Contains(r); });
        fixed_early_defs.ForEach([&](PReg r) { late_conflict |= fixed_late_uses.Contains(r); });
        if (late_conflict)
          return err(InstWhere(i, b) + ": a late use and a def are fixed to one register");
        bool early_clobbered = false;
        fixed_early_defs.ForEach([&](PReg r) { early_clobbered |= clobbers.Contains(r); });
        if (early_clobbered)
          return err(InstWhere(i, b) + ": an early def is fixed to a clobbered register");
      }
      if (i != term) continue;
      if (nsucc == 1 && (!ops.empty() || !Clobbers(i).Empty() || insts[i].safepoint))
        return err(InstWhere(i, b) + ": a jump to one successor must have no operands or clobbers");
      if (nsucc > 1) {
        for (const Operand& op : ops)
          if (op.is_def())
            return err(InstWhere(i, b) + ": a branch to several successors defines v" +
                       std::to_string(op.vreg.index));
      }
    }
    for (const SuccEdge& e : Succs(Block(b))) {  // in range, with matching counts (structure)
      if (e.block.index == 0) return err(absl::StrCat("block", b, " branches to the entry"));
      const auto params = Params(e.block);
      const auto args = Args(e);
      for (size_t k = 0; k < args.size(); ++k) {
        if (args[k].index >= vregs.size()) return err(absl::StrCat("block", b, ": bad arg"));
        if (vregs[args[k].index].cls != vregs[params[k].index].cls)
          return err(absl::StrCat("block", b, " arg ", k, " to block", e.block.index,
                                  " has the wrong class"));
      }
      const BlockData& sd = blocks[e.block.index];
      if (nsucc > 1 && sd.pred_end - sd.pred_begin > 1)
        return err(absl::StrCat("critical edge block", b, " -> block", e.block.index,
                                " (split it first)"));
    }
  }
  // Reachability. A block is pushed once (when first seen), so the stack never holds more than
  // the blocks: one allocation, no capacity checks.
  std::vector<uint8_t> seen(blocks.size(), 0);
  std::vector<uint32_t> stack(blocks.size());
  uint32_t depth = 0;
  stack[depth++] = 0;
  seen[0] = 1;
  while (depth > 0) {
    const uint32_t b = stack[--depth];
    for (const SuccEdge& e : Succs(Block(b))) {
      if (!seen[e.block.index]) {
        seen[e.block.index] = 1;
        stack[depth++] = e.block.index;
      }
    }
  }
  for (uint32_t b = 0; b < blocks.size(); ++b)
    if (!seen[b]) return err(absl::StrCat("block", b, " is unreachable"));
  return Status::Ok();
}

// The tables' ranges must tile their arrays in order (a backend may fill them directly), so
// that nothing below reads out of bounds.
Status Function::ValidateTables() const {
  auto err = [](std::string msg) { return Error("regalloc input: " + std::move(msg)); };
  uint32_t inst = 0, succ = 0, param = 0;
  for (uint32_t b = 0; b < blocks.size(); ++b) {
    const BlockData& bd = blocks[b];
    if (bd.inst_begin != inst || bd.inst_end < bd.inst_begin || bd.succ_begin != succ ||
        bd.succ_end < bd.succ_begin || bd.param_begin != param || bd.param_end < bd.param_begin ||
        bd.pred_end < bd.pred_begin || bd.pred_end > preds.size())
      return err(absl::StrCat("block", b, ": ranges do not follow the previous block's"));
    inst = bd.inst_end;
    succ = bd.succ_end;
    param = bd.param_end;
  }
  if (inst != insts.size() || succ != succs.size() || param != block_params.size())
    return err("blocks do not cover all instructions, successors and parameters");
  uint32_t op = 0;
  for (uint32_t i = 0; i < insts.size(); ++i) {
    const InstData& d = insts[i];
    if (d.operand_begin != op || d.operand_end < d.operand_begin)
      return err(absl::StrCat("i", i, ": operand range does not follow the previous one"));
    if (d.clobbers != InstData::kNoClobbers && d.clobbers >= clobber_sets.size())
      return err(absl::StrCat("i", i, ": clobber set index out of range"));
    op = d.operand_end;
  }
  if (op != operands.size()) return err("instructions do not cover all operands");
  for (size_t k = 0; k < succs.size(); ++k) {
    if (succs[k].arg_end < succs[k].arg_begin || succs[k].arg_end > branch_args.size())
      return err(absl::StrCat("successor edge ", k, ": argument range out of bounds"));
  }
  for (Block p : preds)
    if (p.index >= blocks.size()) return err("predecessor out of range");
  for (VReg v : block_params)
    if (v.index >= vregs.size())
      return err(absl::StrCat("block parameter v", v.index, " out of range"));
  for (VReg v : branch_args)
    if (v.index >= vregs.size())
      return err(absl::StrCat("branch argument v", v.index, " out of range"));
  return Status::Ok();
}

std::string Function::ToString() const {
  std::string out = name.empty() ? "" : absl::StrCat("function ", name, ":\n");
  for (uint32_t b = 0; b < blocks.size(); ++b) {
    absl::StrAppend(&out, "block", b, "(");
    const auto params = Params(Block(b));
    for (size_t k = 0; k < params.size(); ++k)
      absl::StrAppend(&out, k ? ", " : "", "v", params[k].index);
    absl::StrAppend(&out, "):  ; preds");
    for (Block p : Preds(Block(b))) absl::StrAppend(&out, " block", p.index);
    out += "\n";
    for (uint32_t i = blocks[b].inst_begin; i < blocks[b].inst_end; ++i) {
      absl::StrAppend(&out, "  i", i, ":");
      for (const Operand& op : InstOperands(i)) absl::StrAppend(&out, " ", op.ToString());
      const PRegSet cl = Clobbers(i);
      if (!cl.Empty()) {
        out += " clobbers{";
        bool first = true;
        cl.ForEach([&](PReg r) {
          absl::StrAppend(&out, first ? "" : ",", r.ToString());
          first = false;
        });
        out += "}";
      }
      if (insts[i].safepoint) out += " safepoint";
      if (i + 1 == blocks[b].inst_end) {
        for (const SuccEdge& e : Succs(Block(b))) {
          absl::StrAppend(&out, " -> block", e.block.index, "(");
          const auto args = Args(e);
          for (size_t k = 0; k < args.size(); ++k)
            absl::StrAppend(&out, k ? ", " : "", "v", args[k].index);
          out += ")";
        }
      }
      out += "\n";
    }
  }
  for (uint32_t v = 0; v < vregs.size(); ++v) {
    if (vregs[v].cls == RegClass::kFloat || vregs[v].is_ref || vregs[v].remat)
      absl::StrAppend(&out, "; v", v, ":", RegClassName(vregs[v].cls),
                      vregs[v].is_ref ? " ref" : "", vregs[v].remat ? " remat" : "",
                      vregs[v].remat_reads_operand ? "(operand)" : "", "\n");
  }
  return out;
}

}  // namespace egret::regalloc
