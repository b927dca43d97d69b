// function.h: the allocator's input, a flat SSA description of one machine function.
//
// The backend fills a Function with a few push_backs per instruction (no virtual calls, no
// per-query callbacks): blocks in layout order, each a contiguous range of instructions, each
// instruction a contiguous range of Operands; successors with the branch arguments that feed the
// successor's block parameters; clobber sets; safepoint flags; vreg classes and reference flags.
//
// Invariants (checked by Validate(), which every checked allocation runs first):
//   - SSA: every vreg has exactly one definition (a def operand or a block parameter), and that
//     definition reaches every use on every path.
//   - Block 0 is the entry; it has no predecessors and no parameters. Every block is reachable.
//   - The last instruction of a block is its terminator. Branch arguments are not operands: the
//     allocator moves them into the successor's parameters itself.
//   - No critical edges: an edge from a block with several successors must lead to a block with
//     one predecessor. The backend splits critical edges (an empty block with a jump) first,
//     so that edge moves always have a place: at the end of a sole-successor predecessor, or at
//     the start of a sole-predecessor successor.
//   - A terminator with exactly one successor has no operands, clobbers or safepoint (the edge
//     moves go right before it); a terminator with several successors has no defs.
#ifndef EGRET_REGALLOC_FUNCTION_H_
#define EGRET_REGALLOC_FUNCTION_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "regalloc/operand.h"
#include "support/error.h"

namespace egret::regalloc {

// Registers the allocator may use, per class, and the scratch register move resolution needs.
struct MachineEnv {
  // Allocation order: `preferred` (caller-saved, free to use) before `non_preferred`
  // (callee-saved, costs a save in the prologue). Neither may contain a scratch register.
  std::vector<PReg> preferred[kNumRegClasses];
  std::vector<PReg> non_preferred[kNumRegClasses];
  // Optional (invalid: none). Never allocated; when present, move resolution breaks cycles and
  // copies stack to stack through it. Without it, resolution uses a register free at the
  // moves' program point, else a cycle slot and a borrowed register saved around the move
  // (parallel_move.h), so every register of the class can be allocatable.
  PReg scratch[kNumRegClasses];

  // A small environment for tests: `int_regs` and `float_regs` allocatable registers per class
  // (r0.., f0..; the last `callee_saved` of each are non-preferred), scratch r63 and f63.
  static MachineEnv ForTesting(int int_regs, int float_regs, int callee_saved = 1);
  // Sanity of the environment itself (no duplicates, no scratch in the allocatable lists).
  Status Validate() const;
};

struct BlockData {
  uint32_t inst_begin = 0, inst_end = 0;    // instructions; inst_end - 1 is the terminator
  uint32_t succ_begin = 0, succ_end = 0;    // into Function::succs
  uint32_t pred_begin = 0, pred_end = 0;    // into Function::preds (filled by Finish())
  uint32_t param_begin = 0, param_end = 0;  // into Function::block_params
};

struct InstData {
  static constexpr uint32_t kNoClobbers = UINT32_MAX;
  uint32_t operand_begin = 0, operand_end = 0;  // into Function::operands
  uint32_t clobbers = kNoClobbers;              // into Function::clobber_sets
  bool safepoint = false;  // reference-typed vregs live across it must be in spill slots
};

struct SuccEdge {
  Block block;
  uint32_t arg_begin = 0, arg_end = 0;  // into Function::branch_args
};

struct VRegData {
  RegClass cls = RegClass::kInt;
  bool is_ref = false;  // a reference the GC must see in stack maps
  // Rematerializable: the value can be recomputed anywhere by re-running its defining
  // instruction (a constant), so an allocator may emit `Remat(v) -> reg` edits instead of
  // storing it and reloading it. Validate() requires the definition to be an instruction whose
  // only operand is this def (not kStack), with no clobbers or safepoint, and v not a reference.
  bool remat = false;
  // With `remat`: the definition also reads one register operand, a use of vreg u (x64
  // `lea imm(u), v` or `add $imm`, aarch64 `add v, u, #imm`, or a load from `imm(u)` of memory
  // nothing writes while the function runs). v can then be recomputed only where u is in a
  // register, and a remat edit names that register (Edit::remat_src). Validate() requires the
  // definition to have exactly that one early kReg use besides the def, of a vreg that is not a
  // reference.
  bool remat_reads_operand = false;
};

class Function {
 public:
  // ---- Building, in layout order. ----
  // AddVReg, StartBlock and AddInst are inline: a backend calls them for every value, block and
  // machine instruction, and out of line the call and its register saves cost about as much as
  // the appends.
  VReg AddVReg(RegClass cls, bool is_ref = false) {
    vregs.push_back(VRegData{cls, is_ref});
    return VReg(static_cast<uint32_t>(vregs.size() - 1));
  }
  // Starts the next block (ids are handed out 0, 1, 2, ... in layout order). Successors may name
  // blocks not started yet.
  Block StartBlock() {
    BlockData b;
    b.inst_begin = b.inst_end = static_cast<uint32_t>(insts.size());
    b.succ_begin = b.succ_end = static_cast<uint32_t>(succs.size());
    b.param_begin = b.param_end = static_cast<uint32_t>(block_params.size());
    blocks.push_back(b);
    return Block(static_cast<uint32_t>(blocks.size() - 1));
  }
  void AddBlockParam(VReg v);
  // Appends an instruction to the current block; returns its index.
  uint32_t AddInst(std::span<const Operand> operands, PRegSet clobbers = PRegSet(),
                   bool safepoint = false) {
    EGRET_CHECK(!blocks.empty());
    InstData d;
    d.operand_begin = static_cast<uint32_t>(this->operands.size());
    this->operands.insert(this->operands.end(), operands.begin(), operands.end());
    d.operand_end = static_cast<uint32_t>(this->operands.size());
    if (!clobbers.Empty()) {
      d.clobbers = static_cast<uint32_t>(clobber_sets.size());
      clobber_sets.push_back(clobbers);
    }
    d.safepoint = safepoint;
    insts.push_back(d);
    blocks.back().inst_end = static_cast<uint32_t>(insts.size());
    return static_cast<uint32_t>(insts.size() - 1);
  }
  uint32_t AddInst(std::initializer_list<Operand> operands, PRegSet clobbers = PRegSet(),
                   bool safepoint = false) {
    return AddInst(std::span<const Operand>(operands.begin(), operands.size()), clobbers,
                   safepoint);
  }
  // Adds a successor of the current block's terminator, with the arguments for its parameters.
  // (Out of line: GCC does not inline it, the arguments' range insert being large.)
  void AddSucc(Block to, std::span<const VReg> args = {});
  void AddSucc(Block to, std::initializer_list<VReg> args) {
    AddSucc(to, std::span<const VReg>(args.begin(), args.size()));
  }
  // Computes predecessors. Call once after the last block; then Validate().
  void Finish();

  // ---- Queries. ----
  uint32_t num_blocks() const { return static_cast<uint32_t>(blocks.size()); }
  uint32_t num_insts() const { return static_cast<uint32_t>(insts.size()); }
  uint32_t num_vregs() const { return static_cast<uint32_t>(vregs.size()); }
  const BlockData& block(Block b) const { return blocks[b.index]; }
  std::span<const Operand> InstOperands(uint32_t inst) const {
    return {operands.data() + insts[inst].operand_begin,
            insts[inst].operand_end - insts[inst].operand_begin};
  }
  std::span<const SuccEdge> Succs(Block b) const {
    return {succs.data() + blocks[b.index].succ_begin,
            blocks[b.index].succ_end - blocks[b.index].succ_begin};
  }
  std::span<const Block> Preds(Block b) const {
    return {preds.data() + blocks[b.index].pred_begin,
            blocks[b.index].pred_end - blocks[b.index].pred_begin};
  }
  std::span<const VReg> Params(Block b) const {
    return {block_params.data() + blocks[b.index].param_begin,
            blocks[b.index].param_end - blocks[b.index].param_begin};
  }
  std::span<const VReg> Args(const SuccEdge& e) const {
    return {branch_args.data() + e.arg_begin, e.arg_end - e.arg_begin};
  }
  PRegSet Clobbers(uint32_t inst) const {
    return insts[inst].clobbers == InstData::kNoClobbers ? PRegSet()
                                                         : clobber_sets[insts[inst].clobbers];
  }
  RegClass ClassOf(VReg v) const { return vregs[v.index].cls; }
  // The vreg u that the definition `def_inst` of a `remat_reads_operand` vreg reads (its one
  // use operand); invalid if the instruction has no use.
  VReg RematOperand(uint32_t def_inst) const {
    for (const Operand& op : InstOperands(def_inst))
      if (op.is_use()) return op.vreg;
    return VReg();
  }

  // Checks every invariant listed at the top of this file; errors name the block, instruction
  // and operand. Allocate() runs it when the checker runs (always in Debug and test builds);
  // without the checker it runs ValidateStructure() only (see allocator.h).
  Status Validate(const MachineEnv& env) const;

  // The part of Validate() that keeps every reader within the tables, linear in blocks,
  // instructions and edges with no per-operand work: ValidateTables(), the loop tables' sizes,
  // a register for every class in use, no empty block, successors in range, as many branch
  // arguments as parameters.
  Status ValidateStructure(const MachineEnv& env) const;

  // The tables' part of ValidateStructure(): every range within its array, ranges in order.
  Status ValidateTables() const;

  // A readable dump (for checker failures and reproducers).
  std::string ToString() const;

  // Names the function in error messages (`regalloc input: function f3: i12 ...`); optional.
  std::string name;

  // The flat tables. Public so a backend can also fill them directly.
  std::vector<BlockData> blocks;
  std::vector<InstData> insts;
  std::vector<Operand> operands;
  std::vector<PRegSet> clobber_sets;
  std::vector<SuccEdge> succs;
  std::vector<Block> preds;
  std::vector<VReg> block_params;
  std::vector<VReg> branch_args;
  std::vector<VRegData> vregs;
  // Optional, per block: how many loops enclose it (0 outside loops). Allocators that weigh
  // uses by frequency use it; when it is empty they derive depths from back edges in the layout.
  std::vector<uint32_t> loop_depth;
  // Optional, per block, filled together (with loop_depth): `loop_header[b]` is the layout index
  // of the header of the innermost loop containing block b (kNoLoop outside loops; a header names
  // itself); `loop_parent[h]`, for a header h, is the header of the loop around h's loop (kNoLoop
  // for an outermost loop and for blocks that are not headers). The backtracking allocator cuts
  // a value out of a loop it is live through and unused in; without these tables it derives
  // headers from back edges in the layout. Liveness computes its sets by these loops when it
  // has checked that they are exact (liveness.h), else as without them. Only code quality and
  // compile time depend on them, never correctness; Validate() checks their shape.
  static constexpr uint32_t kNoLoop = UINT32_MAX;
  std::vector<uint32_t> loop_header;
  std::vector<uint32_t> loop_parent;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_FUNCTION_H_
