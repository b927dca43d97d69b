// lower_order.cc: the block layout (loop-contiguous reverse post-order, cold blocks last),
// predecessor and use counts, edge-block planning.
#include "backends/common/lower_order.h"

#include <algorithm>
#include <array>

#include "ir/loop_analysis.h"
#include "ir/operand_walk.h"

namespace egret::backend {
namespace {

// PlanEdgeBlocks finds repeated blocks by a scan up to this many destinations, by a table above.
constexpr size_t kSmallDests = 8;

// Per opcode, what the instruction walk lists besides every instruction: one byte loaded instead
// of the opcode's format and a second test.
constexpr uint8_t kListMemory = 1, kListUextend = 2;
constexpr std::array<uint8_t, ir::kNumOpcodes> kListed = [] {
  std::array<uint8_t, ir::kNumOpcodes> t{};
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::InstFormat fmt = ir::kOpcodeInfos[k].format;
    if (fmt == ir::InstFormat::kLoad || fmt == ir::InstFormat::kStore) t[k] |= kListMemory;
  }
  t[static_cast<size_t>(ir::Opcode::kUextend)] |= kListUextend;
  return t;
}();

// PlanEdgeBlocks into `slot` (dests.size() entries), which may be the order's own table.
uint32_t PlanEdgeBlocksInto(const ir::Function& f, const LowerOrder& lo,
                            std::span<const ir::BlockCall* const> dests, uint32_t* slot);

bool SameCall(const ir::Function& f, const ir::BlockCall& a, const ir::BlockCall& b) {
  if (a.block != b.block) return false;
  auto x = f.dfg.pool().Get(a.args), y = f.dfg.pool().Get(b.args);
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

// Compute's working storage, one per thread: every vector keeps its capacity between functions,
// so a function's layout allocates nothing once the worker has seen a function as large.
struct OrderScratch {
  std::vector<uint32_t> pred_start, fill, hot_succs;
  std::vector<ir::Block> succ, pred, work, visit, post, cold_tail;
  std::vector<uint8_t> traps, seen;
  std::vector<std::pair<ir::Block, uint32_t>> stack;
  std::vector<uint32_t> head, tail, next, resume;
};

// Cold blocks: a block ending in `trap`, and a block (other than the entry) all of whose
// successor edges lead to cold blocks. This is the least fixpoint, found backwards from the
// traps with a count of not-yet-cold successor edges per block; a block in a cycle never
// becomes cold, so cold blocks are in no loop and everything reachable from one is cold.
// Reads the successor lists (lo's dest_begin, dest_end) and trap flags in `sc`; sets lo->cold
// (all 0 on entry).
void MarkCold(const ir::Function& f, OrderScratch& sc, LowerOrder* lo) {
  const size_t nblocks = f.dfg.NumBlocks();
  const ir::Block entry = f.EntryBlock();
  const std::vector<uint32_t>& succ_begin = lo->dest_begin;
  const std::vector<uint32_t>& succ_end = lo->dest_end;
  const std::vector<ir::Block>& succ = sc.succ;
  // Predecessors in one flat array by a counting sort, [pred_start[b], pred_start[b + 1]).
  std::vector<uint32_t>& pred_start = sc.pred_start;
  pred_start.assign(nblocks + 1, 0);
  for (ir::Block s : succ) ++pred_start[s.index + 1];
  for (size_t k = 0; k < nblocks; ++k) pred_start[k + 1] += pred_start[k];
  std::vector<ir::Block>& pred = sc.pred;
  pred.resize(succ.size());
  {
    std::vector<uint32_t>& fill = sc.fill;
    fill.assign(pred_start.begin(), pred_start.end() - 1);
    for (ir::Block b : f.layout.Blocks())
      for (uint32_t k = succ_begin[b.index]; k < succ_end[b.index]; ++k)
        pred[fill[succ[k].index]++] = b;
  }
  std::vector<uint32_t>& hot_succs = sc.hot_succs;
  hot_succs.assign(nblocks, 0);
  std::vector<ir::Block>& work = sc.work;
  work.clear();
  for (ir::Block b : f.layout.Blocks()) {
    hot_succs[b.index] = succ_end[b.index] - succ_begin[b.index];
    if (sc.traps[b.index] && b != entry) {
      lo->cold[b.index] = 1;
      work.push_back(b);
    }
  }
  while (!work.empty()) {
    const ir::Block c = work.back();
    work.pop_back();
    for (uint32_t k = pred_start[c.index]; k < pred_start[c.index + 1]; ++k) {
      const ir::Block p = pred[k];
      if (lo->cold[p.index] || p == entry || --hot_succs[p.index] != 0) continue;
      lo->cold[p.index] = 1;
      work.push_back(p);
    }
  }
}

// Predecessor and use counts, last users and address uses, and the flat instruction,
// memory-access and uextend lists: one walk of the reachable instructions in layout order (lo's
// order, resolved, use tables and destinations set up). `succ` holds the successors of each
// block at [dest_begin, dest_end). (A function of its own: inside Recompute the compiler gave
// this loop, the hottest, worse code whenever the rest changed.)
[[gnu::noinline]] void WalkInstructions(const ir::Function& f, std::span<const ir::Block> succ,
                                        LowerOrder* out) {
  LowerOrder& lo = *out;
  const ir::ValueListPool& pool = f.dfg.pool();
  lo.insts.clear();
  lo.insts_begin.clear();
  lo.mem_insts.clear();
  lo.uextends.clear();
  // The tables by value and block keep their size during the walk: their storage in locals, so
  // that the list appends (which may allocate) do not make every access reload it.
  ir::Value* const resolved = lo.resolved.data();
  uint32_t* const use_count = lo.use_count.data();
  ir::Inst* const last_user = lo.last_user.data();
  uint32_t* const addr_use_count = lo.addr_use_count.data();
  uint32_t* const num_preds = lo.num_preds.data();
  for (ir::Block b : lo.order) {
    for (uint32_t k = lo.dest_begin[b.index]; k < lo.dest_end[b.index]; ++k)
      ++num_preds[succ[k].index];
    lo.insts_begin.push_back(static_cast<uint32_t>(lo.insts.size()));
    for (ir::Inst i : f.layout.Insts(b)) {
      lo.insts.push_back(i);
      const ir::InstData& d = f.dfg[i];
      auto use = [&](ir::Value v) {
        const ir::Value rv = f.dfg.ResolveAliases(v);
        resolved[v.index] = rv;
        const uint32_t r = rv.index;
        ++use_count[r];
        last_user[r] = i;
      };
      // ir::ForEachOperandInline, except that a branch's arguments come from the block's
      // destinations (a branch ends its block) instead of a second dispatch on its format.
      const size_t op = static_cast<size_t>(d.opcode);
      const uint8_t shape = ir::kOperandShape[op];
      const size_t nfixed = shape & ~ir::kOperandShapeBranch;
      for (size_t k = 0; k < nfixed; ++k) use(d.args[k]);
      if (d.vargs.size != 0)
        for (ir::Value v : pool.Get(d.vargs)) use(v);
      if (shape & ir::kOperandShapeBranch) {
        EGRET_DCHECK(i == f.layout.LastInst(b));
        for (const ir::BlockCall* bc : lo.DestsOf(b))
          for (ir::Value v : pool.Get(bc->args)) use(v);
      }
      const uint8_t listed = kListed[op];
      if (listed == 0) continue;
      if (listed & kListUextend) {
        lo.uextends.push_back(i);
        continue;
      }
      lo.mem_insts.push_back(i);
      const bool store = ir::Info(d.opcode).format == ir::InstFormat::kStore;
      const ir::Value a = resolved[(store ? d.args[1] : d.args[0]).index];
      const ir::ValueData& vd = f.dfg.ValueInfo(a);
      if (vd.kind == ir::ValueKind::kResult && f.layout.InstBlock(ir::Inst(vd.def)) == b)
        ++addr_use_count[a.index];
    }
  }
  lo.insts_begin.push_back(static_cast<uint32_t>(lo.insts.size()));
}

}  // namespace

namespace {
// The innermost ScopedProvidedLoops of this thread.
thread_local const ir::Function* provided_f = nullptr;
thread_local ir::LoopSource* provided_loops = nullptr;
}  // namespace

ScopedProvidedLoops::ScopedProvidedLoops(const ir::Function& f, ir::LoopSource* loops)
    : saved_f_(provided_f), saved_loops_(provided_loops) {
  provided_f = &f;
  provided_loops = loops;
}

ScopedProvidedLoops::~ScopedProvidedLoops() {
  provided_f = saved_f_;
  provided_loops = saved_loops_;
}

ir::LoopSource* ProvidedLoops(const ir::Function& f) {
  return provided_f == &f ? provided_loops : nullptr;
}

LowerOrder LowerOrder::Compute(const ir::Function& f, const ir::LoopAnalysis& loops) {
  LowerOrder lo;
  lo.Recompute(f, loops);
  return lo;
}

void LowerOrder::Recompute(const ir::Function& f, const ir::LoopAnalysis& loops) {
  thread_local OrderScratch scratch;
  OrderScratch& sc = scratch;
  LowerOrder& lo = *this;
  const size_t nblocks = f.dfg.NumBlocks();
  lo.order.clear();
  lo.num_hot = 0;
  lo.num_vblocks = 0;
  lo.has_tail_call = false;
  lo.vblock_of.assign(nblocks, kNoBlock);
  lo.num_preds.assign(nblocks, 0);
  lo.use_count.assign(f.dfg.NumValues(), 0);
  lo.last_user.assign(f.dfg.NumValues(), ir::Inst());
  lo.addr_use_count.assign(f.dfg.NumValues(), 0);
  lo.resolved.resize(f.dfg.NumValues());
  {
    ir::Value* const resolved = lo.resolved.data();  // (a plain loop the compiler vectorizes)
    const uint32_t n = static_cast<uint32_t>(lo.resolved.size());
    for (uint32_t v = 0; v < n; ++v) resolved[v] = ir::Value(v);
  }
  lo.cold.assign(nblocks, 0);
  lo.insts.clear();
  lo.insts_begin.assign(1, 0);
  lo.mem_insts.clear();
  lo.uextends.clear();
  lo.dests.clear();
  lo.dest_begin.assign(nblocks, 0);
  lo.dest_end.assign(nblocks, 0);
  const ir::Block entry = f.EntryBlock();
  if (!entry.valid()) return;

  // Successors of every block in one flat array (duplicates kept: a br_table may name a block
  // several times), [succ_begin[b], succ_end[b]), parallel to lo.dests (which keeps the
  // destinations' order; succ is rearranged below).
  std::vector<uint32_t>& succ_begin = lo.dest_begin;
  std::vector<uint32_t>& succ_end = lo.dest_end;
  std::vector<ir::Block>& succ = sc.succ;
  std::vector<uint8_t>& traps = sc.traps;
  succ.clear();
  traps.assign(nblocks, 0);
  bool any_trap = false;  // some block other than the entry ends in `trap`
  for (ir::Block b : f.layout.Blocks()) {
    succ_begin[b.index] = static_cast<uint32_t>(succ.size());
    const ir::Inst term = f.layout.LastInst(b);
    if (term.valid()) {
      f.dfg.ForEachDest(term, [&](const ir::BlockCall& bc) {
        succ.push_back(bc.block);
        lo.dests.push_back(&bc);
      });
      const ir::Opcode op = f.dfg[term].opcode;
      traps[b.index] = op == ir::Opcode::kTrap;
      lo.has_tail_call |= op == ir::Opcode::kReturnCall || op == ir::Opcode::kReturnCallIndirect;
      any_trap |= traps[b.index] && b != entry;
    }
    succ_end[b.index] = static_cast<uint32_t>(succ.size());
  }
  // Without a trap no block is cold (the fixpoint starts from the traps), and the predecessor
  // lists serve only that fixpoint.
  if (any_trap) MarkCold(f, sc, &lo);
  // Each block's successors rearranged into the order the depth-first search visits them:
  // cold ones first, then the others, then the preferred one, which the search visits last so
  // that it ends up right after the block in reverse post-order (the fall-through). Preferred:
  // a successor that stays in the block's innermost loop (or enters a loop nested in it) over
  // one that leaves it, then the deeper loop (static frequency), then the earlier destination.
  // Entering a loop is only possible at its header, so "stays" is an O(1) test.
  std::vector<ir::Block>& visit = sc.visit;
  for (ir::Block b : f.layout.Blocks()) {
    const uint32_t lo_k = succ_begin[b.index], hi_k = succ_end[b.index];
    if (hi_k - lo_k < 2) continue;
    const ir::Loop lb = loops.InnermostLoop(b);
    auto rank = [&](ir::Block t) -> uint64_t {
      const ir::Loop lt = loops.InnermostLoop(t);
      const bool stays =
          lt == lb || (lt.valid() && loops.IsLoopHeader(t) && loops.Parent(lt) == lb);
      return (uint64_t{stays} << 32) | loops.LoopDepth(t);
    };
    if (hi_k - lo_k == 2) {
      // Two successors (every brif), the rule below without the visit list: s1 goes first when
      // it is cold, or when neither is cold and s0 ranks at least as high (ties keep the earlier
      // destination as the preferred one, visited last).
      const ir::Block s0 = succ[lo_k], s1 = succ[lo_k + 1];
      const bool c0 = lo.cold[s0.index] != 0, c1 = lo.cold[s1.index] != 0;
      if (c1 || (!c0 && rank(s1) <= rank(s0))) std::swap(succ[lo_k], succ[lo_k + 1]);
      continue;
    }
    uint32_t best = UINT32_MAX;
    uint64_t best_rank = 0;
    for (uint32_t k = lo_k; k < hi_k; ++k) {
      if (lo.cold[succ[k].index]) continue;
      const uint64_t r = rank(succ[k]);
      if (best == UINT32_MAX || r > best_rank) best = k, best_rank = r;
    }
    visit.clear();
    for (uint32_t k = hi_k; k-- > lo_k;)
      if (lo.cold[succ[k].index]) visit.push_back(succ[k]);
    for (uint32_t k = hi_k; k-- > lo_k;)
      if (!lo.cold[succ[k].index] && k != best) visit.push_back(succ[k]);
    if (best != UINT32_MAX) visit.push_back(succ[best]);
    std::copy(visit.begin(), visit.end(), succ.begin() + lo_k);
  }

  // Reverse post-order of the reachable blocks (iterative depth-first search).
  std::vector<uint8_t>& seen = sc.seen;
  seen.assign(nblocks, 0);
  std::vector<std::pair<ir::Block, uint32_t>>& stack = sc.stack;
  stack.clear();
  std::vector<ir::Block>& post = sc.post;
  post.clear();
  stack.push_back({entry, succ_begin[entry.index]});
  seen[entry.index] = 1;
  while (!stack.empty()) {
    auto& [b, k] = stack.back();
    if (k < succ_end[b.index]) {
      const ir::Block n = succ[k++];
      if (!seen[n.index]) {
        seen[n.index] = 1;
        stack.push_back({n, succ_begin[n.index]});
      }
      continue;
    }
    post.push_back(b);
    stack.pop_back();
  }

  // Loop-contiguous order: the loop tree's lists, each in reverse post-order of its members'
  // first blocks. Node ids: blocks [0, nblocks), loops [nblocks, nblocks + nloops), the function
  // body nblocks + nloops. A loop joins its parent's list when its header (its first block in
  // RPO: the header dominates the loop) is met, so every list is in RPO of first blocks, which
  // is a topological order of the forward edges between the list's members (a forward edge
  // from anywhere in member X to member Y goes to a block later in RPO than X's header).
  // Expanding the lists depth-first therefore keeps every block after its dominators and after
  // its non-back-edge predecessors, and lays out each loop contiguously: header first, nested
  // loops inside, exits after it. Irreducible cycles form no loop and stay in plain RPO. Cold
  // blocks are left out here and appended at the end, in RPO among themselves.
  const uint32_t nloops = static_cast<uint32_t>(loops.NumLoops());
  const uint32_t root = static_cast<uint32_t>(nblocks) + nloops;
  std::vector<uint32_t>& head = sc.head;
  std::vector<uint32_t>& tail = sc.tail;
  std::vector<uint32_t>& next = sc.next;
  head.assign(nloops + 1, UINT32_MAX);
  tail.assign(nloops + 1, UINT32_MAX);
  next.assign(root, UINT32_MAX);
  auto list_of = [&](ir::Loop l) { return l.valid() ? l.index : nloops; };
  auto append = [&](uint32_t list, uint32_t node) {
    if (head[list] == UINT32_MAX) {
      head[list] = node;
    } else {
      next[tail[list]] = node;
    }
    tail[list] = node;
  };
  std::vector<ir::Block>& cold_tail = sc.cold_tail;
  cold_tail.clear();
  for (size_t k = post.size(); k-- > 0;) {
    const ir::Block b = post[k];
    if (lo.cold[b.index]) {
      cold_tail.push_back(b);
      continue;
    }
    const ir::Loop l = loops.InnermostLoop(b);
    if (l.valid() && loops.Header(l) == b)
      append(list_of(loops.Parent(l)), static_cast<uint32_t>(nblocks) + l.index);
    append(list_of(l), b.index);
  }
  lo.order.reserve(post.size());
  std::vector<uint32_t>& resume = sc.resume;  // the node after each loop being expanded
  resume.clear();
  for (uint32_t n = head[nloops];;) {
    if (n == UINT32_MAX) {
      if (resume.empty()) break;
      n = resume.back();
      resume.pop_back();
    } else if (n < nblocks) {
      lo.order.push_back(ir::Block(n));
      n = next[n];
    } else {
      resume.push_back(next[n]);
      n = head[n - nblocks];
    }
  }
  lo.num_hot = static_cast<uint32_t>(lo.order.size());
  lo.order.insert(lo.order.end(), cold_tail.begin(), cold_tail.end());

  WalkInstructions(f, sc.succ, &lo);
  uint32_t vnext = 0;
  lo.edge_plan.resize(nblocks);  // entries of blocks with fewer than two successors are unread
  lo.edge_slots.clear();
  for (ir::Block b : lo.order) {
    lo.vblock_of[b.index] = vnext++;
    if (succ_end[b.index] - succ_begin[b.index] > 1) {
      const std::span<const ir::BlockCall* const> dests = lo.DestsOf(b);
      const size_t at = lo.edge_slots.size();
      lo.edge_slots.resize(at + dests.size());  // (planned in place, no copy)
      const uint32_t n = PlanEdgeBlocksInto(f, lo, dests, lo.edge_slots.data() + at);
      lo.edge_plan[b.index] = {static_cast<uint32_t>(at), static_cast<uint32_t>(dests.size()), n};
      vnext += n;
    }
  }
  lo.num_vblocks = vnext;
}

uint32_t PlanEdgeBlocks(const ir::Function& f, const LowerOrder& lo,
                        std::span<const ir::BlockCall* const> dests, std::vector<uint32_t>* slot) {
  slot->resize(dests.size());
  return PlanEdgeBlocksInto(f, lo, dests, slot->data());
}

namespace {

uint32_t PlanEdgeBlocksInto(const ir::Function& f, const LowerOrder& lo,
                            std::span<const ir::BlockCall* const> dests, uint32_t* slot) {
  std::fill(slot, slot + dests.size(), UINT32_MAX);
  uint32_t n = 0;
  // Destinations with the same block and arguments share one edge block (br_table often names
  // one target many times); the first destination naming each block is the key. Whether an
  // edge needs a block depends on its target only, so that first destination needs one too.
  const size_t num = dests.size();
  if (num <= kSmallDests) {
    // Few destinations (brif: two): an earlier destination naming the block, by a scan.
    for (size_t k = 0; k < num; ++k) {
      const ir::Block t = dests[k]->block;
      if (!lo.NeedsEdgeBlock(t)) continue;
      size_t first = 0;
      while (dests[first]->block != t) ++first;
      slot[k] = first != k && SameCall(f, *dests[first], *dests[k]) ? slot[first] : n++;
    }
    return n;
  }
  // Many (br_table): the first destination of each block in a per-thread table by block index,
  // all kNoBlock between calls (the entries set here are cleared before returning), so this is
  // linear in the number of destinations.
  thread_local std::vector<uint32_t> first_by_block;
  if (first_by_block.size() < f.dfg.NumBlocks()) first_by_block.resize(f.dfg.NumBlocks(), kNoBlock);
  for (size_t k = 0; k < num; ++k) {
    const ir::Block t = dests[k]->block;
    if (!lo.NeedsEdgeBlock(t)) continue;
    uint32_t& first = first_by_block[t.index];
    if (first == kNoBlock) {
      first = static_cast<uint32_t>(k);
      slot[k] = n++;
    } else {
      slot[k] = SameCall(f, *dests[first], *dests[k]) ? slot[first] : n++;
    }
  }
  for (const ir::BlockCall* d : dests) first_by_block[d->block.index] = kNoBlock;
  return n;
}

}  // namespace

}  // namespace egret::backend
