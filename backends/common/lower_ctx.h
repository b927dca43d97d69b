// lower_ctx.h: the target-independent half of lowering IR to VCode.
//
// A target's lowering is a set of rules, one function per opcode family, over the facts this
// context keeps (Cranelift's machinst/lower.rs plays the same role):
//   - the walk: reachable blocks in reverse post-order (lower_order.h), block parameters, the
//     source location of the instruction being lowered, and the edge blocks that split critical
//     edges (LowerFunction below);
//   - the value -> vreg map: a value defined in an already lowered instruction has a vreg;
//     constants have none and are rematerialized by the target at each use (LowerRules);
//   - use counts and the only user of a single-use value, so that a rule can be asked at the use
//     whether it folds an operand's definition (a compare into a branch, an address computation
//     into an addressing mode, a load into a memory operand), and the definition can ask the same
//     matcher of its user (LowerRules::IsSunk) instead of a global pre-pass recording decisions;
//   - the sinking preconditions shared by every target: single use, same block, and for memory
//     reads nothing impure in between (CanSinkInto, OnlyPureBetween).
//
// Invariants while lowering block b: every non-constant value defined in an already lowered
// block (or earlier in b) has a vreg; a sunk instruction emits nothing at its own position, and
// its operands stay live until its user, which names them.
#ifndef EGRET_BACKENDS_COMMON_LOWER_CTX_H_
#define EGRET_BACKENDS_COMMON_LOWER_CTX_H_

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "backends/common/call_conv.h"
#include "backends/common/lower_order.h"
#include "backends/common/target_isa.h"
#include "ir/function.h"
#include "regalloc/function.h"
#include "support/error.h"

namespace egret::backend {

class LowerCtx;

// What a target's lowering supplies to the shared walk.
class LowerRules {
 public:
  virtual ~LowerRules() = default;
  // A fresh vreg holding the constant `v` (defined by `def`), materialized right here.
  virtual regalloc::VReg Rematerialize(ir::Value v, const ir::InstData& def) = 0;
  // Whether instruction i is folded into its user (asked of the user's matchers).
  virtual bool IsSunk(ir::Inst i) const = 0;
  // The entry block's parameters (the calling convention's argument locations).
  virtual Status LowerEntry(ir::Block entry) = 0;
  virtual Status LowerInst(ir::Inst i) = 0;
  virtual Status LowerTerminator(ir::Inst term, ir::Block b) = 0;
  // An unconditional jump to VCode block `target` passing `args` (closes an edge block).
  virtual void EmitJump(uint32_t target, std::span<const regalloc::VReg> args) = 0;
  // Whether this target lowers the SIMD ops and vector-typed values (ir/simd.h). Until it
  // does, LowerFunction rejects any function that has one with a clear error.
  virtual bool LowersVectors() const { return false; }

  // What the walk does with an instruction of each opcode, so that it makes no call for most
  // of them: kWalkMaySink, IsSunk may answer yes (the walk asks it of no other opcode; a Debug
  // build checks that IsSunk answers no for every other instruction); kWalkSkip, LowerInst
  // would emit nothing (constants, rematerialized at each use), so the walk does not call it.
  // Terminators go to LowerTerminator whatever their entry says.
  enum : uint8_t { kWalkMaySink = 1, kWalkSkip = 2 };
  // ir::kNumOpcodes entries, alive as long as the rules; null: IsSunk and LowerInst are asked of
  // every instruction.
  virtual const uint8_t* WalkPlan() const { return nullptr; }
};

// A WalkPlan table: kWalkMaySink for each of `may_sink`, kWalkSkip for iconst, f32const and
// f64const (a target whose LowerInst emits nothing for them).
struct WalkPlanTable {
  uint8_t plan[ir::kNumOpcodes] = {};
  explicit WalkPlanTable(std::initializer_list<ir::Opcode> may_sink);
};

// The successors of a terminator, after edge blocks: per destination its VCode target, and each
// distinct target once (first-appearance order) with the arguments it receives.
struct BranchTargets {
  std::vector<uint32_t> target;  // per destination, in ForEachDest order
  std::vector<uint32_t> distinct;
  // distinct_args[k]: the arguments of distinct[k]. Only the first distinct.size() entries
  // belong to this branch: the rest are reused storage (kept with their capacity, so that
  // planning a branch allocates nothing once a worker has seen one as wide).
  std::vector<std::vector<regalloc::VReg>> distinct_args;
};

class LowerCtx {
 public:
  // `error_prefix` heads every "not supported" message ("x64").
  LowerCtx(const ir::Function& f, regalloc::Function& ra, std::string error_prefix);
  // A context kept across functions (x64's per-thread Lowerer): aimed at each function by Reset
  // before LowerFunction, it keeps its tables' storage in itself instead of the thread's spare.
  LowerCtx(regalloc::Function& ra, std::string error_prefix);
  ~LowerCtx();
  // Aims a context made by the second constructor at `f`: afterwards it is as one constructed
  // for `f` (every per-function field reset; the tables, which LowerFunction refills, keep their
  // storage).
  void Reset(const ir::Function& f);
  LowerCtx(const LowerCtx&) = delete;
  LowerCtx& operator=(const LowerCtx&) = delete;

  const ir::Function& func() const { return *f_; }
  const ir::DataFlowGraph& dfg() const { return *dfg_; }
  const LowerOrder& order() const { return lo_; }
  regalloc::Function& ra() { return ra_; }

  // ---- IR queries.
  ir::Value Resolve(ir::Value v) const {
    EGRET_DCHECK(lo_.resolved[v.index] == dfg_->ResolveAliases(v));  // LowerOrder::resolved
    return lo_.resolved[v.index];
  }
  // The instruction defining `v` (null / invalid for block parameters).
  // (These queries and the sinking preconditions below are inline: the targets' matchers ask
  // them several times per instruction. GCC left IsIconst and CanSinkInto out of line in the
  // x64 matchers, a call per ask: forced inline, lz20's x64 lowering runs 1.2 M Ir fewer. IsConst
  // too (session 37: any growth of this header made GCC call it out of line from the x64
  // address matcher, +0.4 M); on DefInst the attribute costs 0.7 M more than it saves.)
  const ir::InstData* DefInst(ir::Value v) const {
    const ir::ValueData& vd = dfg_->ValueInfo(Resolve(v));
    return vd.kind == ir::ValueKind::kResult ? &(*dfg_)[ir::Inst(vd.def)] : nullptr;
  }
  ir::Inst DefInstId(ir::Value v) const {
    const ir::ValueData& vd = dfg_->ValueInfo(Resolve(v));
    return vd.kind == ir::ValueKind::kResult ? ir::Inst(vd.def) : ir::Inst();
  }
  // The constant an iconst defines (false if `v` is not one).
  [[gnu::always_inline]] bool IsIconst(ir::Value v, int64_t* imm) const {
    const ir::InstData* d = DefInst(v);
    if (d == nullptr || d->opcode != ir::Opcode::kIconst) return false;
    *imm = d->imm;
    return true;
  }
  // Defined by iconst, f32const or f64const.
  [[gnu::always_inline]] bool IsConst(ir::Value v) const {
    const ir::InstData* d = DefInst(v);
    return d != nullptr &&
           (d->opcode == ir::Opcode::kIconst || d->opcode == ir::Opcode::kF32const ||
            d->opcode == ir::Opcode::kF64const);
  }
  uint32_t UseCount(ir::Value v) const { return lo_.use_count[Resolve(v).index]; }
  ir::Block BlockOf(ir::Inst i) const { return f_->layout.InstBlock(i); }

  // ---- Sinking preconditions (targets add their own pattern conditions).
  // Whether `v`'s definition may be folded into `user`: `v` is the result of an instruction in
  // the same block as `user`, and `user` holds its only use.
  [[gnu::always_inline]] bool CanSinkInto(ir::Value v, ir::Inst user) const {
    const ir::Value r = Resolve(v);
    const ir::ValueData& vd = dfg_->ValueInfo(r);
    return vd.kind == ir::ValueKind::kResult && lo_.use_count[r.index] == 1 &&
           BlockOf(ir::Inst(vd.def)) == BlockOf(user);
  }
  // The instruction holding the only use of `v` (invalid unless UseCount(v) == 1).
  ir::Inst SoleUser(ir::Value v) const {
    const uint32_t r = Resolve(v).index;
    return lo_.use_count[r] == 1 ? lo_.last_user[r] : ir::Inst();
  }
  // Whether `v` is the result of an instruction whose every use is the address operand of a
  // load or store in the same block (then each of them may fold its computation into an
  // addressing mode, and the instruction itself emits nothing).
  bool OnlyAddressUsesInBlock(ir::Value v) const;
  // Whether every instruction strictly between `def` and `user` (same block, def first) is pure:
  // moving a memory read from `def` to `user` then cannot change what it reads or whether it
  // traps first.
  bool OnlyPureBetween(ir::Inst def, ir::Inst user) const;

  // ---- Values and vregs.
  // A fresh vreg of `t`'s register class (floats and 128-bit vectors: kFloat).
  regalloc::VReg NewVReg(ir::Type t);
  // Whether any vreg so far holds a 128-bit vector (the frame then gives float-class spill slots
  // 16 bytes: FrameFacts::wide_float_slots).
  bool has_vector_vregs() const { return has_vector_vregs_; }
  // The vreg `v` is defined into (created on first request).
  regalloc::VReg DefVReg(ir::Value v);
  // A register holding `v` at this point: constants are rematerialized right before the user.
  regalloc::VReg Use(ir::Value v);
  // Makes `v` (not yet given a vreg) live in `r`, the vreg of another value: for a definition that
  // needs no instruction (a zero-extension of a value whose definition already zeroed the upper
  // bits). Both values must be of the same register class.
  void AliasVReg(ir::Value v, regalloc::VReg r);

  // ---- Calls.
  // What a call of the function's external function `f` means (module.callees[f's name]), or
  // null when the module has no such callee. A function calls most of its callees from several
  // sites (Flite: 5,359 calls of 2,228 callees per function), so each name is hashed and looked
  // up once per function, on its first call. `module` must be the same for the whole function.
  const CallTarget* Callee(ir::FuncRef f, const ModuleContext& module) {
    std::pair<bool, const CallTarget*>& c = callee_of_[f.index];
    if (!c.first) c = {true, LookUpCallee(f, module)};
    return c.second;
  }

  // The layout of the function's signature `s` under `conv` (ComputeCallLayout; `conv` must be
  // the same for the whole function): computed at the first call site of the signature and kept
  // for the others. Valid until the next function.
  const CallLayout& CallLayoutOf(ir::SigRef s, const CallConv& conv) {
    if (!sig_layout_known_[s.index]) {
      const ir::Signature& sig = dfg_->signature(s);
      ComputeCallLayoutInto(conv, sig.params, sig.results, &sig_layouts_[s.index]);
      sig_layout_known_[s.index] = 1;
    }
    return sig_layouts_[s.index];
  }

  // ---- Position.
  // The source location of the IR instruction being lowered (kNoSrcLoc outside one).
  uint32_t srcloc() const { return srcloc_; }
  void set_srcloc(uint32_t loc) { srcloc_ = loc; }

  // ---- Branches.
  // The VCode targets of terminator `term` of block `b` (edge blocks included), with the
  // arguments of each distinct target used (in destination order) unless it is an edge block,
  // which passes its own. Valid until the next PlanBranch (the context reuses its storage).
  const BranchTargets& PlanBranch(ir::Inst term, ir::Block b);

  // "<prefix>: not supported: <what> (function <name>)".
  Status Unsupported(const std::string& what) const;

 private:
  friend Status LowerFunction(LowerCtx& ctx, LowerRules& rules);

  const ir::Function* f_ = nullptr;
  const ir::DataFlowGraph* dfg_ = nullptr;
  regalloc::Function& ra_;
  std::string error_prefix_;
  LowerOrder lo_;
  LowerRules* rules_ = nullptr;
  std::vector<regalloc::VReg> vreg_of_;
  // Callee's answers by FuncRef index ({asked, answer}); reset per function by LowerFunction.
  std::vector<std::pair<bool, const CallTarget*>> callee_of_;
  const CallTarget* LookUpCallee(ir::FuncRef f, const ModuleContext& module) const;
  // CallLayoutOf's layouts by SigRef index, and which of them this function computed (reset
  // per function by LowerFunction; the layouts keep their vectors' capacity across functions).
  std::vector<CallLayout> sig_layouts_;
  std::vector<uint8_t> sig_layout_known_;
  // PlanBranch's scratch (destinations, edge-block slots) and result, and LowerFunction's for the
  // edge blocks, kept across the function's branches. PlanBranch and LowerFunction's edge-block
  // loop never run interleaved (the rules finish the terminator first).
  std::span<const ir::BlockCall* const> plan_dests_;
  std::span<const uint32_t> plan_slots_;  // into lo_.edge_slots (empty: one destination)
  // The terminator plan_dests_ and plan_slots_ were last filled for by PlanBranch, and its
  // number of edge blocks: LowerFunction's edge-block loop takes them instead of planning again.
  ir::Inst plan_term_;
  uint32_t plan_edges_ = 0;
  BranchTargets branch_;
  std::vector<const ir::BlockCall*> edge_first_;
  std::vector<regalloc::VReg> edge_args_;
  // PlanBranch's duplicate check for terminators of many destinations (a wide br_table): by
  // VCode block, the value of plan_stamp_ when it was last found a distinct target, so the
  // check costs one load per destination instead of a scan of the distinct targets so far.
  std::vector<uint32_t> plan_seen_;
  uint32_t plan_stamp_ = 0;
  // lo_, vreg_of_, callee_of_, sig_layouts_, branch_, edge_first_, edge_args_ and plan_seen_ hold
  // the thread's reused storage (taken by LowerFunction, given back by the destructor).
  bool owns_storage_ = false;
  // Made by the second constructor: owns its storage from the start and never gives it back.
  bool keeps_storage_ = false;
  uint32_t srcloc_ = UINT32_MAX;
  bool has_vector_vregs_ = false;
};

// The walk: computes the order, then lowers every reachable block through `rules` (entry
// parameters, instructions not sunk, the terminator, then the block's edge blocks) and finishes
// ctx.ra(). Errors: an empty function, a branch to the entry block, and whatever a rule reports.
Status LowerFunction(LowerCtx& ctx, LowerRules& rules);

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_LOWER_CTX_H_
