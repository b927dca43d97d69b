// builder.cc: instruction construction and on-the-fly SSA construction (see builder.h).
#include "ir/builder.h"

#include <algorithm>

#include "ir/operand_walk.h"

namespace egret::ir {

namespace {
constexpr uint32_t kNone = UINT32_MAX;
// The definition a join block holds while its predecessors are read (ReadVariable): no value
// yet. A walk that meets it has gone round a cycle back to the join, which then gets its
// parameter on the spot (the parameter breaks the cycle).
constexpr Value kPending(UINT32_MAX - 1);

// Sorts variable indices. The lists sorted here (the variables a block defines, those a loop or
// region assigns) are mostly a handful long, where an insertion sort is a few instructions and
// std::sort's set-up costs more than the sorting.
void SortVars(uint32_t* first, uint32_t* last) {
  if (last - first < 2) return;  // (an empty list's `first` may be null: no `first + 1` then)
  if (last - first > 16) {
    std::sort(first, last);
    return;
  }
  for (uint32_t* i = first + 1; i < last; ++i) {
    const uint32_t v = *i;
    uint32_t* j = i;
    for (; j > first && j[-1] > v; --j) *j = j[-1];
    *j = v;
  }
}
}  // namespace

// --- Blocks.

FunctionBuilder::FunctionBuilder(Function& func, Scratch* scratch) : f_(&func), scratch_(scratch) {
  if (scratch_ != nullptr) SwapTables(*scratch_);
}

FunctionBuilder::~FunctionBuilder() {
  if (scratch_ == nullptr) return;
  ClearTables();
  SwapTables(*scratch_);
}

void FunctionBuilder::Restart(Function& func) {
  f_ = &func;
  ClearTables();
  cur_ = Block();
  srcloc_ = kNoSrcLoc;
  cur_filled_ = false;
  num_touched_ = 0;
  cur_epoch_ = 1;
  chain_epoch_ = 1;
  alias_walk_from_ = UINT32_MAX;
  num_aliases_ = 0;
}

void FunctionBuilder::ClearTables() {
  ssa_.Clear();
  pred_nodes_.clear();
  incomplete_nodes_.clear();
  sealing_.clear();
  var_types_.clear();
  def_pool_.clear();
  loop_vars_.clear();
  cur_vals_.clear();
  cur_stamp_.clear();
  cur_touched_.clear();
  var_params_.Clear();
  work_.clear();
  results_.clear();
}

void FunctionBuilder::SwapTables(Scratch& s) {
  std::swap(ssa_, s.ssa);
  pred_nodes_.swap(s.pred_nodes);
  incomplete_nodes_.swap(s.incomplete_nodes);
  sealing_.swap(s.sealing);
  var_types_.swap(s.var_types);
  def_pool_.swap(s.def_pool);
  loop_vars_.swap(s.loop_vars);
  cur_vals_.swap(s.cur_vals);
  cur_stamp_.swap(s.cur_stamp);
  cur_touched_.swap(s.cur_touched);
  std::swap(var_params_, s.var_params);
  work_.swap(s.work);
  results_.swap(s.results);
}

Block FunctionBuilder::CreateBlock() {
  Block b = f_->dfg.MakeBlock();
  f_->layout.NoteNewBlock(b);
  if (b.index == ssa_.items.size()) {
    ssa_.items.emplace_back();  // the usual case: blocks are made in order, one past the end
  } else {
    if (b.index > ssa_.items.size()) ssa_.items.resize(size_t{b.index} + 1);
    ssa_[b] = BlockSsa();
  }
  return b;
}

void FunctionBuilder::SwitchToBlock(Block b) {
  const bool fresh = !f_->layout.IsBlockInserted(b);
  if (fresh) f_->layout.AppendBlock(b);
  if (b == cur_) return;
  if (cur_.valid()) ssa_[cur_].exit_chain = chain_epoch_;
  // The current block's definitions move from the dense cache to its sorted span.
  if (cur_.valid() && num_touched_ != 0) {
    SortVars(cur_touched_.data(), cur_touched_.data() + num_touched_);
    BlockSsa& s = ssa_[cur_];
    if (s.defs_size == 0) {
      // The common case, a block left for good: its span is exactly its definitions.
      const size_t n = num_touched_;
      if (n > s.defs_capacity) {
        s.defs_begin = static_cast<uint32_t>(def_pool_.size());
        s.defs_capacity = static_cast<uint32_t>(n);
        def_pool_.resize(def_pool_.size() + n);
      }
      Def* out = def_pool_.data() + s.defs_begin;
      for (uint32_t v : std::span(cur_touched_.data(), num_touched_)) {
        *out++ = {v, cur_vals_[v]};
        s.defs_mask |= uint64_t{1} << (v & 63);
      }
      s.defs_size = static_cast<uint32_t>(n);
    } else {
      for (uint32_t v : std::span(cur_touched_.data(), num_touched_))
        InsertSpanDef(cur_, v, cur_vals_[v]);
    }
  }
  num_touched_ = 0;
  ++cur_epoch_;
  // A new block that starts with the values of the block being left keeps the cache
  // (chain_epoch_), so reading a variable there needs no walk back to its definition: a block
  // whose only predecessor (final: it is sealed) is that block, or a declared loop header
  // whose entry is that block, finished, minus the variables the loop may assign. A declared
  // join keeps the cache as it stood when the builder left the region's entry, minus the
  // variables the region may assign (see cur_vals_). Anything else starts with an empty cache.
  const BlockSsa& s = ssa_[b];
  bool inherit = false;
  if (fresh && cur_.valid()) {
    if (s.join) {
      const uint32_t entry_chain = ssa_[s.loop_entry].exit_chain;
      inherit = entry_chain != 0;
      if (inherit) chain_epoch_ = entry_chain;
    } else {
      inherit = s.loop ? s.loop_entry == cur_ && cur_filled_
                       : s.sealed && s.num_preds == 1 && pred_nodes_[s.pred_head].from == cur_;
    }
  }
  if (!inherit) {
    chain_epoch_ = cur_epoch_;
  } else if (s.loop) {
    for (uint32_t k = 0; k < s.loop_size; ++k) cur_stamp_[loop_vars_[s.loop_begin + k]] = 0;
  }
  cur_ = b;
  // A block just placed holds no instructions (only placed blocks do).
  cur_filled_ = !fresh && IsFilled();
}

Value FunctionBuilder::SearchSpan(const BlockSsa& s, Variable var) const {
  const Def* first = def_pool_.data() + s.defs_begin;
  const Def* last = first + s.defs_size;
  const Def* it =
      std::lower_bound(first, last, var.index, [](const Def& d, uint32_t v) { return d.var < v; });
  return it != last && it->var == var.index ? it->value : Value();
}

uint32_t FunctionBuilder::InsertSpanDef(Block b, uint32_t var, Value val) {
  BlockSsa& s = ssa_[b];
  s.defs_mask |= uint64_t{1} << (var & 63);
  Def* first = def_pool_.data() + s.defs_begin;
  Def* it = std::lower_bound(first, first + s.defs_size, var,
                             [](const Def& d, uint32_t v) { return d.var < v; });
  if (it != first + s.defs_size && it->var == var) {
    it->value = val;
    return static_cast<uint32_t>(it - def_pool_.data());
  }
  const size_t pos = static_cast<size_t>(it - first);
  if (s.defs_size == s.defs_capacity) {
    // Move the span to the end of the pool with twice the room; the old place is abandoned.
    const uint32_t capacity = std::max<uint32_t>(4, 2 * s.defs_capacity);
    const size_t begin = def_pool_.size();
    def_pool_.resize(begin + capacity);
    std::copy_n(def_pool_.begin() + s.defs_begin, s.defs_size, def_pool_.begin() + begin);
    s.defs_begin = static_cast<uint32_t>(begin);
    s.defs_capacity = capacity;
  }
  Def* span = def_pool_.data() + s.defs_begin;
  std::copy_backward(span + pos, span + s.defs_size, span + s.defs_size + 1);
  span[pos] = {var, val};
  ++s.defs_size;
  return static_cast<uint32_t>(s.defs_begin + pos);
}

void FunctionBuilder::SetDef(Block b, Variable var, Value val) {
  if (b != cur_) {
    InsertSpanDef(b, var.index, val);
    return;
  }
  SetCurDef(var, val);
}

bool FunctionBuilder::IsFilled() const {
  if (!cur_.valid()) return false;
  Inst last = f_->layout.LastInst(cur_);
  return last.valid() && IsTerminator(f_->dfg[last].opcode);
}

Value FunctionBuilder::AppendBlockParam(Block b, Type t) { return f_->dfg.AppendBlockParam(b, t); }

void FunctionBuilder::SealBlock(Block b) {
  if (ssa_[b].sealed) return;
  // A copy of b's list: the reads below may add nodes (for other blocks) to incomplete_nodes_.
  // SealBlock does not nest (reads never seal), so one scratch vector serves every call.
  std::vector<IncompleteNode>& incomplete = sealing_;
  incomplete.clear();
  for (uint32_t n = ssa_[b].incomplete_head; n != kNone; n = incomplete_nodes_[n].next)
    incomplete.push_back(incomplete_nodes_[n]);
  ssa_[b].sealed = true;
  ssa_[b].incomplete_head = kNone;
  // Parameters were appended in creation order; give them their arguments in the same order so
  // each insertion lands at the end of every branch's argument list.
  for (auto it = incomplete.rbegin(); it != incomplete.rend(); ++it) {
    for (uint32_t p = ssa_[b].pred_head; p != kNone; p = pred_nodes_[p].next) {
      Value v = ReadVariable(it->var, pred_nodes_[p].from);
      AddParamArg(b, it->param, p, v);
    }
    TryRemoveTrivialParam(b, it->param);
  }
}

void FunctionBuilder::DeclareLoopHeader(Block header, std::span<const Variable> vars) {
  BlockSsa& s = ssa_[header];
  EGRET_CHECK(!s.sealed && !s.loop && s.num_preds == 1);
  DeclareVars(s, pred_nodes_[s.pred_head].from, vars);
}

void FunctionBuilder::DeclareJoin(Block join, Block entry, std::span<const Variable> vars) {
  EGRET_CHECK(join.index < ssa_.items.size() && entry.index < ssa_.items.size());
  BlockSsa& s = ssa_[join];
  // Before any read at the join: none has left a definition in it yet.
  EGRET_CHECK(!s.loop && s.defs_size == 0 && (join != cur_ || num_touched_ == 0));
  DeclareVars(s, entry, vars);
  s.join = true;
}

void FunctionBuilder::DeclareVars(BlockSsa& s, Block entry, std::span<const Variable> vars) {
  s.loop = true;
  s.loop_entry = entry;
  s.loop_begin = static_cast<uint32_t>(loop_vars_.size());
  loop_vars_.resize(loop_vars_.size() + vars.size());
  uint32_t* const first = loop_vars_.data() + s.loop_begin;
  uint32_t* out = first;
  uint64_t mask = 0;
  for (Variable v : vars) {
    EGRET_CHECK(v.index < var_types_.size());
    *out++ = v.index;
    mask |= uint64_t{1} << (v.index & 63);
  }
  s.loop_mask |= mask;
  SortVars(first, out);
  loop_vars_.resize(static_cast<size_t>(std::unique(first, out) - loop_vars_.data()));
  s.loop_size = static_cast<uint32_t>(loop_vars_.size() - s.loop_begin);
}

bool FunctionBuilder::IsLoopVar(Block header, Variable var) const {
  const BlockSsa& s = ssa_[header];
  return !s.loop || LoopAssigns(s, var);
}

bool FunctionBuilder::SearchLoopVars(const BlockSsa& s, Variable var) const {
  const uint32_t* first = loop_vars_.data() + s.loop_begin;
  return std::binary_search(first, first + s.loop_size, var.index);
}

void FunctionBuilder::SealAllBlocks() {
  for (uint32_t i = 0; i < ssa_.items.size(); ++i)
    if (!ssa_.items[i].sealed) SealBlock(Block(i));
}

// --- Variables.

Variable FunctionBuilder::DeclareVar(Type t) {
  var_types_.push_back(t);
  cur_vals_.push_back(Value());
  cur_stamp_.push_back(0);
  cur_touched_.push_back(0);
  return Variable(static_cast<uint32_t>(var_types_.size() - 1));
}

void FunctionBuilder::SetChainDefs(Variable var, Block start, Block end, Value v) {
  // Only the block the read started in remembers the value: the blocks between it and `end`
  // are finished, and inserting into each of their spans costs more than walking them again.
  if (start != end) SetDef(start, var, v);
}

Value FunctionBuilder::ReadVariable(Variable var, Block block) {
  // Most reads find their value by walking down single-predecessor chains of sealed blocks and
  // from declared loop headers (joins) that do not assign var to their entries, creating
  // nothing: that walk first, without the work stack. It has the general walk's side effects,
  // in its order: the value remembered at each header passed (innermost first), then in
  // `block`. Anything else (a join, an unsealed block, no predecessor, a pending join, more
  // than kFastHeaders headers) starts over with the general walk below, nothing done yet.
  {
    constexpr uint32_t kFastHeaders = 8;
    // Block indices, not Blocks: an array of Blocks would be filled with "invalid" on every
    // call, and only the first num_headers entries are ever read.
    uint32_t headers[kFastHeaders];
    uint32_t num_headers = 0;
    Block cur = block;
    for (;;) {
      const Value d = FindDef(cur, var);
      if (d.valid()) {
        if (d == kPending) break;
        const Value result = f_->dfg.ResolveAliases(d);
        for (uint32_t k = num_headers; k-- > 0;) SetDef(Block(headers[k]), var, result);
        SetChainDefs(var, block, num_headers != 0 ? Block(headers[0]) : cur, result);
        return result;
      }
      const BlockSsa& s = ssa_[cur];
      if (s.loop && !LoopAssigns(s, var)) {
        if (num_headers == kFastHeaders) break;
        headers[num_headers++] = cur.index;
        cur = s.loop_entry;
        continue;
      }
      if (!s.sealed || s.num_preds != 1) break;
      cur = pred_nodes_[s.pred_head].from;
    }
  }
  const Type type = var_types_[var.index];
  const size_t work_base = work_.size();
  work_.push_back({Work::kUse, block, Block(), Value(), 1});
  while (work_.size() > work_base) {
    const Work w = work_.back();
    work_.pop_back();
    switch (w.kind) {
      case Work::kUse: {
        Block cur = w.block;
        Value result;
        bool pending = false;
        for (;;) {
          Value d = FindDef(cur, var);
          if (d == kPending) {
            // Round a cycle back to a join whose predecessors are being read: it needs its
            // parameter after all (FinishJoin then fills it in).
            result = f_->dfg.AppendBlockParam(cur, type);
            NoteVarParam();
            var_params_.Insert(result);
            SetDef(cur, var, result);
            break;
          }
          if (d.valid()) {
            result = f_->dfg.ResolveAliases(d);
            break;
          }
          const BlockSsa& s = ssa_[cur];
          if (s.loop && !LoopAssigns(s, var)) {
            // The loop (region) does not change var: its value at the entry, remembered in the
            // header (join).
            work_.push_back({Work::kFinishHeader, w.block, cur, Value(), w.slot});
            work_.push_back({Work::kUse, s.loop_entry, Block(), Value(), 0});  // header memos
            pending = true;
            break;
          }
          if (!s.sealed) {
            result = f_->dfg.AppendBlockParam(cur, type);
            NoteVarParam();
            var_params_.Insert(result);
            incomplete_nodes_.push_back({var, result, s.incomplete_head});
            ssa_[cur].incomplete_head = static_cast<uint32_t>(incomplete_nodes_.size() - 1);
            SetDef(cur, var, result);
            break;
          }
          if (s.num_preds == 0) {
            result = ZeroAtBlockStart(cur, type);
            SetDef(cur, var, result);
            break;
          }
          if (s.num_preds == 1) {
            cur = pred_nodes_[s.pred_head].from;
            continue;
          }
          // A join: read every predecessor first and create the parameter only if they
          // disagree. The block is marked pending meanwhile; a read that comes round a cycle
          // to it creates the parameter then (above), which ends the cycle.
          uint32_t slot = kNone;  // where the pending definition is: the cache, or the pool
          if (cur == cur_) {
            SetDef(cur, var, kPending);
          } else {
            slot = InsertSpanDef(cur, var.index, kPending);
          }
          // Each predecessor's value stays on results_ (the first predecessor's on top) until
          // kFinishParam (FinishJoin).
          if (w.slot != 0) work_.push_back({Work::kFinishChain, w.block, cur, Value(), 0});
          work_.push_back({Work::kFinishParam, cur, Block(), Value(), slot});
          for (uint32_t p = s.pred_head; p != kNone; p = pred_nodes_[p].next) {
            work_.push_back({Work::kUse, pred_nodes_[p].from, Block(), Value(), 0});
          }
          pending = true;
          break;
        }
        if (!pending) {
          if (w.slot != 0) SetChainDefs(var, w.block, cur, result);
          results_.push_back(result);
        }
        break;
      }
      case Work::kFinishParam: {
        const Value r = FinishJoin(w.block, var, w.slot);
        results_.push_back(r);
        break;
      }
      case Work::kFinishChain:
        SetChainDefs(var, w.block, w.other, results_.back());
        break;
      case Work::kFinishHeader:
        SetDef(w.other, var, results_.back());
        if (w.slot != 0) SetChainDefs(var, w.block, w.other, results_.back());
        break;
    }
  }
  Value r = results_.back();
  results_.pop_back();
  return r;
}

void FunctionBuilder::AddParamArg(Block target, Value param, uint32_t pred, Value value) {
  const ValueData& pd = f_->dfg.ValueInfo(param);
  EGRET_CHECK(pd.kind == ValueKind::kParam && pd.def == target.index);
  const uint32_t index = pd.num;
  ValueListPool& pool = f_->dfg.pool();
  alias_walk_from_ = std::min(alias_walk_from_, pred_nodes_[pred].branch.index);
  f_->dfg.ForEachDestMut(pred_nodes_[pred].branch, [&](BlockCall& bc) {
    if (bc.block == target) pool.Insert(bc.args, index, value);
  });
}

Value FunctionBuilder::FinishJoin(Block block, Variable var, uint32_t slot) {
  // The pending definition has not moved: only this read's variable was defined meanwhile,
  // and in this block at most by replacing it (a cycle), which keeps its place in the span.
  Value& def = slot == kNone ? cur_vals_[var.index] : def_pool_[slot].value;
  EGRET_DCHECK(slot == kNone ? block == cur_ : def_pool_[slot].var == var.index);
  if (def != kPending) return FinishJoinParam(block, def);  // a cycle made the parameter
  // No cycle came back here: the predecessors' values (on top of results_, the k-th of the
  // list at results_[size - 1 - k]) are final. One value: it is the variable's here.
  const uint32_t n = ssa_[block].num_preds;
  EGRET_CHECK(results_.size() >= n);
  const size_t top = results_.size() - 1;
  const Value first = f_->dfg.ResolveAliases(results_[top]);
  bool same = true;
  for (size_t k = 1; k < n && same; ++k) same = f_->dfg.ResolveAliases(results_[top - k]) == first;
  Value r = first;
  if (!same) {
    r = f_->dfg.AppendBlockParam(block, var_types_[var.index]);
    NoteVarParam();
    var_params_.Insert(r);
    size_t k = 0;
    for (uint32_t p = ssa_[block].pred_head; p != kNone; p = pred_nodes_[p].next, ++k) {
      AddParamArg(block, r, p, results_[top - k]);
    }
  }
  def = r;
  results_.resize(results_.size() - n);
  return r;
}

Value FunctionBuilder::FinishJoinParam(Block block, Value param) {
  // The values read in the predecessors, on top of results_: the k-th predecessor of the list
  // (from pred_head) at results_[size - 1 - k].
  const uint32_t n = ssa_[block].num_preds;
  EGRET_CHECK(results_.size() >= n);
  const size_t top = results_.size() - 1;
  const ValueData pd = f_->dfg.ValueInfo(param);
  Value same;
  bool trivial = pd.kind == ValueKind::kParam;
  if (trivial) {
    // Only this read's variable gets parameters meanwhile, and this block already has its
    // definition: the parameter is still the block's last, so the arguments go at the end.
    EGRET_CHECK(pd.def == block.index && pd.num + 1 == f_->dfg.BlockParams(block).size());
    size_t k = 0;
    for (uint32_t p = ssa_[block].pred_head; p != kNone && trivial; p = pred_nodes_[p].next, ++k) {
      const Value a = f_->dfg.ResolveAliases(results_[top - k]);
      if (a == same || a == param) continue;
      if (same.valid()) {
        trivial = false;
      } else {
        same = a;
      }
    }
  }
  Value r;
  if (trivial && same.valid()) {
    // What TryRemoveTrivialParam would do, without the arguments ever having been added.
    f_->dfg.RemoveBlockParam(block, pd.num);
    f_->dfg.MakeAlias(param, same);
    ++num_aliases_;
    var_params_.Erase(param);
    r = same;
  } else {
    size_t k = 0;
    for (uint32_t p = ssa_[block].pred_head; p != kNone; p = pred_nodes_[p].next, ++k) {
      AddParamArg(block, param, p, results_[top - k]);
    }
    r = pd.kind == ValueKind::kParam ? param : f_->dfg.ResolveAliases(param);
  }
  results_.resize(results_.size() - n);
  return r;
}

Value FunctionBuilder::TryRemoveTrivialParam(Block block, Value param) {
  const ValueData pd = f_->dfg.ValueInfo(param);
  if (pd.kind != ValueKind::kParam) return f_->dfg.ResolveAliases(param);
  const uint32_t index = pd.num;
  Value same;
  bool trivial = true;
  const ValueListPool& pool = f_->dfg.pool();
  for (uint32_t p = ssa_[block].pred_head; p != kNone && trivial; p = pred_nodes_[p].next) {
    f_->dfg.ForEachDest(pred_nodes_[p].branch, [&](const BlockCall& bc) {
      if (bc.block != block || !trivial) return;
      Value a = f_->dfg.ResolveAliases(pool.Get(bc.args)[index]);
      if (a == same || a == param) return;
      if (same.valid()) {
        trivial = false;
      } else {
        same = a;
      }
    });
  }
  if (!trivial || !same.valid()) return param;
  f_->dfg.RemoveBlockParam(block, index);
  ValueListPool& mpool = f_->dfg.pool();
  for (uint32_t p = ssa_[block].pred_head; p != kNone; p = pred_nodes_[p].next) {
    f_->dfg.ForEachDestMut(pred_nodes_[p].branch, [&](BlockCall& bc) {
      if (bc.block == block) mpool.Remove(bc.args, index);
    });
  }
  f_->dfg.MakeAlias(param, same);
  ++num_aliases_;
  var_params_.Erase(param);
  return same;
}

Value FunctionBuilder::ZeroAtBlockStart(Block b, Type t) {
  InstData d;
  if (IsVector(t)) {
    d.opcode = Opcode::kVconst;
    d.type = t;
    d.ref = f_->dfg.AddConstant(V128{});
  } else if (t == Type::kF32) {
    d.opcode = Opcode::kF32const;
  } else if (t == Type::kF64) {
    d.opcode = Opcode::kF64const;
  } else {
    d.opcode = Opcode::kIconst;
    d.type = t;
  }
  Inst i = f_->dfg.MakeInst(d);
  f_->dfg.MakeInstResults(i);
  f_->layout.PrependInst(i, b);
  return f_->dfg.FirstResult(i);
}

void FunctionBuilder::Finalize() {
  for (Block b : f_->layout.Blocks()) EGRET_CHECK(ssa_[b].sealed);
  // Every parameter left was found not trivial once its arguments were final (SealBlock,
  // FinishJoin, FinishJoinParam: its block sealed). Only an argument becoming an alias (a
  // parameter removed as trivial) can make it trivial later: without any alias there is
  // nothing to do here, nor in the operand walk below.
  if (num_aliases_ == 0) return;
  // Parameters can become trivial after their creation (a parameter whose only other incoming
  // value was a parameter removed later); iterate to a fixpoint.
  for (bool changed = true; changed;) {
    changed = false;
    for (Block b : f_->layout.Blocks()) {
      for (uint32_t k = static_cast<uint32_t>(f_->dfg.BlockParams(b).size()); k-- > 0;) {
        Value p = f_->dfg.BlockParams(b)[k];
        if (!var_params_.Contains(p)) continue;
        if (TryRemoveTrivialParam(b, p) != p) changed = true;
      }
    }
  }
  // Operands taken before their value became an alias still name it. Reads resolve aliases,
  // so without any alias (the usual case once joins create only the parameters they need)
  // every operand is final already.
  // Only an instruction made after the first such parameter, or a branch given an argument
  // for one, can name one (alias_walk_from_); every instruction the builder makes is placed,
  // so they are walked in the order they were made (num_aliases_ != 0 here).
  DataFlowGraph& dfg = f_->dfg;
  const uint32_t n = static_cast<uint32_t>(dfg.NumInsts());
  for (uint32_t k = alias_walk_from_; k < n; ++k) {
    MapOperandsInline(dfg, Inst(k), [&](Value& v) {
      if (dfg.ValueInfo(v).kind == ValueKind::kAlias) v = dfg.ResolveAliases(v);
    });
  }
}

// --- Declarations.

StackSlot FunctionBuilder::CreateStackSlot(uint32_t size, uint32_t align) {
  return f_->MakeStackSlot(size, align);
}

// --- Instructions.

Inst FunctionBuilder::Append(const InstData& data) {
  EGRET_CHECK(cur_.valid() && !cur_filled_);
  EGRET_DCHECK(cur_filled_ == IsFilled());
  if (IsTerminator(data.opcode)) cur_filled_ = true;
  Inst i = f_->dfg.MakeInst(data);
  // Stores, traps and branches have no results: no call to find that out.
  if (Info(data.opcode).typing != ResultTyping::kNoResult) f_->dfg.MakeInstResults(i);
  f_->layout.AppendNewInst(i, cur_);
  if (srcloc_ != kNoSrcLoc) f_->SetSrcLoc(i, srcloc_);
  if (IsBranch(data.opcode)) {
    // Collect targets first: AddPred only reads the DFG, but keep the walk side-effect free.
    f_->dfg.ForEachDest(i, [&](const BlockCall& bc) { AddPred(bc.block, i); });
  }
  return i;
}

// AppendOne's and AppendOneTyped's body (inline in both).
inline Value FunctionBuilder::AppendOneBody(const InstData& data, Type t) {
  EGRET_CHECK(cur_.valid() && !cur_filled_);
  EGRET_DCHECK(cur_filled_ == IsFilled() && !IsTerminator(data.opcode));
  EGRET_DCHECK(t == f_->dfg.ResultTypeOf(data));
  EGRET_CHECK(t != Type::kInvalid);
  Value result;
  const Inst i = f_->dfg.MakeInstWithResult(data, t, result);
  f_->layout.AppendNewInst(i, cur_);
  if (srcloc_ != kNoSrcLoc) f_->SetSrcLoc(i, srcloc_);
  EGRET_DCHECK(!IsBranch(data.opcode));
  return result;
}

Value FunctionBuilder::AppendOne(const InstData& data) {
  // What MakeInstResults would create: one result of the typing rule's type.
  return AppendOneBody(data, f_->dfg.ResultTypeOf(data));
}

Value FunctionBuilder::AppendOneTyped(const InstData& data, Type t) {
  return AppendOneBody(data, t);
}

Inst FunctionBuilder::Build(const InstData& data) { return Append(data); }

void FunctionBuilder::AddPred(Block target, Inst branch) {
  BlockSsa& s = ssa_[target];
  EGRET_CHECK(!s.sealed);  // a sealed block's predecessors are final
  if (s.pred_head != kNone && pred_nodes_[s.pred_head].branch == branch) return;
  pred_nodes_.push_back({branch, cur_, s.pred_head});
  s.pred_head = static_cast<uint32_t>(pred_nodes_.size() - 1);
  ++s.num_preds;
}

Value FunctionBuilder::F32const(uint32_t bits) {
  InstData d;
  d.opcode = Opcode::kF32const;
  d.imm = bits;
  return AppendOneTyped(d, Type::kF32);
}

Value FunctionBuilder::F64const(uint64_t bits) {
  InstData d;
  d.opcode = Opcode::kF64const;
  d.imm = static_cast<int64_t>(bits);
  return AppendOneTyped(d, Type::kF64);
}

Value FunctionBuilder::Vconst(Type t, const V128& bits) {
  EGRET_CHECK(IsVector(t));
  InstData d;
  d.opcode = Opcode::kVconst;
  d.type = t;
  d.ref = f_->dfg.AddConstant(bits);
  return AppendOne(d);
}

Value FunctionBuilder::BinaryTo(Opcode op, Type to, Value x, Value y) {
  EGRET_CHECK(Info(op).format == InstFormat::kBinary && HasCtrlTypeSuffix(op));
  InstData d;
  d.opcode = op;
  d.type = to;
  d.args[0] = x;
  d.args[1] = y;
  return AppendOne(d);
}

Value FunctionBuilder::ExtractLane(Opcode op, Value vec, uint32_t lane) {
  EGRET_CHECK(Info(op).format == InstFormat::kExtractLane);
  InstData d;
  d.opcode = op;
  d.args[0] = vec;
  d.imm = lane;
  return AppendOne(d);
}

Value FunctionBuilder::InsertLane(Value vec, Value x, uint32_t lane) {
  InstData d;
  d.opcode = Opcode::kVinsertlane;
  d.args[0] = vec;
  d.args[1] = x;
  d.imm = lane;
  return AppendOne(d);
}

Value FunctionBuilder::Shuffle(Value a, Value b, const uint8_t (&lanes)[16]) {
  V128 mask;
  for (uint32_t k = 0; k < 16; ++k) mask.SetLane(8, k, lanes[k]);
  InstData d;
  d.opcode = Opcode::kVshuffle;
  d.args[0] = a;
  d.args[1] = b;
  d.ref = f_->dfg.AddConstant(mask);
  return AppendOne(d);
}

Value FunctionBuilder::Vicmp(IntCC cc, Value x, Value y) {
  InstData d;
  d.opcode = Opcode::kVicmp;
  d.cond = static_cast<uint8_t>(cc);
  d.args[0] = x;
  d.args[1] = y;
  return AppendOne(d);
}

Value FunctionBuilder::Vfcmp(FloatCC cc, Value x, Value y) {
  InstData d;
  d.opcode = Opcode::kVfcmp;
  d.cond = static_cast<uint8_t>(cc);
  d.args[0] = x;
  d.args[1] = y;
  return AppendOne(d);
}

Value FunctionBuilder::Vbitselect(Value mask, Value if_set, Value if_clear) {
  InstData d;
  d.opcode = Opcode::kVbitselect;
  d.args[0] = mask;
  d.args[1] = if_set;
  d.args[2] = if_clear;
  return AppendOne(d);
}

Value FunctionBuilder::Fcmp(FloatCC cc, Value x, Value y) {
  InstData d;
  d.opcode = Opcode::kFcmp;
  d.cond = static_cast<uint8_t>(cc);
  d.args[0] = x;
  d.args[1] = y;
  return AppendOneTyped(d, Type::kI32);  // kBool
}

Value FunctionBuilder::Select(Value cond, Value if_true, Value if_false) {
  InstData d;
  d.opcode = Opcode::kSelect;
  d.args[0] = cond;
  d.args[1] = if_true;
  d.args[2] = if_false;
  return AppendOne(d);
}

void FunctionBuilder::Store(Opcode op, MemFlags flags, Value value, Value addr, int32_t offset,
                            TrapCode trap) {
  EGRET_CHECK(Info(op).format == InstFormat::kStore);
  InstData d;
  d.opcode = op;
  d.flags = flags;
  d.trap = trap;
  d.args[0] = value;
  d.args[1] = addr;
  d.imm = offset;
  Append(d);
}

Value FunctionBuilder::StackLoad(Type t, StackSlot slot, int32_t offset) {
  InstData d;
  d.opcode = Opcode::kStackLoad;
  d.type = t;
  d.ref = slot.index;
  d.imm = offset;
  return AppendOne(d);
}

void FunctionBuilder::StackStore(Value value, StackSlot slot, int32_t offset) {
  InstData d;
  d.opcode = Opcode::kStackStore;
  d.args[0] = value;
  d.ref = slot.index;
  d.imm = offset;
  Append(d);
}

Value FunctionBuilder::StackAddr(StackSlot slot, int32_t offset) {
  InstData d;
  d.opcode = Opcode::kStackAddr;
  d.type = Type::kI64;
  d.ref = slot.index;
  d.imm = offset;
  return AppendOne(d);
}

Value FunctionBuilder::FuncAddr(FuncRef f) {
  InstData d;
  d.opcode = Opcode::kFuncAddr;
  d.type = Type::kI64;
  d.ref = f.index;
  return AppendOne(d);
}

Inst FunctionBuilder::Call(FuncRef f, std::span<const Value> args) {
  InstData d;
  d.opcode = Opcode::kCall;
  d.ref = f.index;
  d.vargs = f_->dfg.MakeList(args);
  return Append(d);
}

Inst FunctionBuilder::CallIndirect(SigRef sig, Value callee, std::span<const Value> args) {
  InstData d;
  d.opcode = Opcode::kCallIndirect;
  d.ref = sig.index;
  d.args[0] = callee;
  d.vargs = f_->dfg.MakeList(args);
  return Append(d);
}

void FunctionBuilder::ReturnCall(FuncRef f, std::span<const Value> args) {
  InstData d;
  d.opcode = Opcode::kReturnCall;
  d.ref = f.index;
  d.vargs = f_->dfg.MakeList(args);
  Append(d);
}

void FunctionBuilder::ReturnCallIndirect(SigRef sig, Value callee, std::span<const Value> args) {
  InstData d;
  d.opcode = Opcode::kReturnCallIndirect;
  d.ref = sig.index;
  d.args[0] = callee;
  d.vargs = f_->dfg.MakeList(args);
  Append(d);
}

void FunctionBuilder::Jump(Block dest, std::span<const Value> args) {
  InstData d;
  d.opcode = Opcode::kJump;
  d.dest[0] = {dest, f_->dfg.MakeList(args)};
  Append(d);
}

void FunctionBuilder::Brif(Value cond, Block then_block, std::span<const Value> then_args,
                           Block else_block, std::span<const Value> else_args) {
  InstData d;
  d.opcode = Opcode::kBrif;
  d.args[0] = cond;
  d.dest[0] = {then_block, f_->dfg.MakeList(then_args)};
  d.dest[1] = {else_block, f_->dfg.MakeList(else_args)};
  Append(d);
}

void FunctionBuilder::BrTable(Value index, Dest default_dest, std::span<const Dest> entries) {
  JumpTableData jt;
  jt.default_dest = {default_dest.block, f_->dfg.MakeList(default_dest.args)};
  jt.entries.reserve(entries.size());
  for (const Dest& e : entries) jt.entries.push_back({e.block, f_->dfg.MakeList(e.args)});
  InstData d;
  d.opcode = Opcode::kBrTable;
  d.args[0] = index;
  d.ref = f_->dfg.MakeJumpTable(std::move(jt)).index;
  Append(d);
}

void FunctionBuilder::Return(std::span<const Value> values) {
  InstData d;
  d.opcode = Opcode::kReturn;
  d.vargs = f_->dfg.MakeList(values);
  Append(d);
}

void FunctionBuilder::Trap(TrapCode code) {
  InstData d;
  d.opcode = Opcode::kTrap;
  d.trap = code;
  Append(d);
}

void FunctionBuilder::Trapz(Value cond, TrapCode code) {
  InstData d;
  d.opcode = Opcode::kTrapz;
  d.args[0] = cond;
  d.trap = code;
  Append(d);
}

void FunctionBuilder::Trapnz(Value cond, TrapCode code) {
  InstData d;
  d.opcode = Opcode::kTrapnz;
  d.args[0] = cond;
  d.trap = code;
  Append(d);
}

}  // namespace egret::ir
