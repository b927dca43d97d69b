// lower_order.cc: reverse post-order, predecessor and use counts, edge-block planning.
#include "backends/common/lower_order.h"

#include <algorithm>
#include <unordered_map>

namespace egret::backend {
namespace {

std::vector<const ir::BlockCall*> Dests(const ir::Function& f, ir::Inst term) {
  std::vector<const ir::BlockCall*> out;
  f.dfg.ForEachDest(term, [&](const ir::BlockCall& bc) { out.push_back(&bc); });
  return out;
}

bool SameCall(const ir::Function& f, const ir::BlockCall& a, const ir::BlockCall& b) {
  if (a.block != b.block) return false;
  auto x = f.dfg.pool().Get(a.args), y = f.dfg.pool().Get(b.args);
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

}  // namespace

LowerOrder LowerOrder::Compute(const ir::Function& f) {
  LowerOrder lo;
  const size_t nblocks = f.dfg.NumBlocks();
  lo.vblock_of.assign(nblocks, kNoBlock);
  lo.num_preds.assign(nblocks, 0);
  lo.use_count.assign(f.dfg.NumValues(), 0);
  lo.last_user.assign(f.dfg.NumValues(), ir::Inst());
  lo.addr_use_count.assign(f.dfg.NumValues(), 0);

  // Iterative DFS for post-order; successors visited in reverse so that the fall-through
  // successor (the first destination) tends to come right after its block.
  std::vector<uint8_t> state(nblocks, 0);
  std::vector<std::pair<ir::Block, size_t>> stack;
  std::vector<ir::Block> post;
  std::vector<std::vector<ir::Block>> succs(nblocks);
  const ir::Block entry = f.EntryBlock();
  if (!entry.valid()) return lo;
  for (ir::Block b : f.layout.Blocks()) {
    ir::Inst term = f.layout.LastInst(b);
    if (!term.valid()) continue;
    f.dfg.ForEachDest(term, [&](const ir::BlockCall& bc) { succs[b.index].push_back(bc.block); });
  }
  stack.push_back({entry, 0});
  state[entry.index] = 1;
  while (!stack.empty()) {
    auto& [b, k] = stack.back();
    const auto& s = succs[b.index];
    if (k < s.size()) {
      ir::Block n = s[s.size() - 1 - k];
      ++k;
      if (state[n.index] == 0) {
        state[n.index] = 1;
        stack.push_back({n, 0});
      }
      continue;
    }
    post.push_back(b);
    stack.pop_back();
  }
  lo.order.assign(post.rbegin(), post.rend());

  for (ir::Block b : lo.order) {
    for (ir::Block s : succs[b.index]) ++lo.num_preds[s.index];
    for (ir::Inst i : f.layout.Insts(b))
      f.dfg.ForEachOperand(i, [&](ir::Value v) {
        const uint32_t r = f.dfg.ResolveAliases(v).index;
        ++lo.use_count[r];
        lo.last_user[r] = i;
      });
  }
  for (ir::Block b : lo.order) {
    for (ir::Inst i : f.layout.Insts(b)) {
      const ir::InstData& d = f.dfg[i];
      const ir::InstFormat fmt = ir::Info(d.opcode).format;
      if (fmt != ir::InstFormat::kLoad && fmt != ir::InstFormat::kStore) continue;
      const ir::Value a =
          f.dfg.ResolveAliases(fmt == ir::InstFormat::kStore ? d.args[1] : d.args[0]);
      const ir::ValueData& vd = f.dfg.ValueInfo(a);
      if (vd.kind == ir::ValueKind::kResult && f.layout.InstBlock(ir::Inst(vd.def)) == b)
        ++lo.addr_use_count[a.index];
    }
  }
  uint32_t next = 0;
  std::vector<uint32_t> slot;
  for (ir::Block b : lo.order) {
    lo.vblock_of[b.index] = next++;
    ir::Inst term = f.layout.LastInst(b);
    if (succs[b.index].size() > 1) next += PlanEdgeBlocks(f, lo, Dests(f, term), &slot);
  }
  lo.num_vblocks = next;
  return lo;
}

uint32_t PlanEdgeBlocks(const ir::Function& f, const LowerOrder& lo,
                        const std::vector<const ir::BlockCall*>& dests,
                        std::vector<uint32_t>* slot) {
  slot->assign(dests.size(), UINT32_MAX);
  uint32_t n = 0;
  // Destinations with the same block and arguments share one edge block (br_table often names
  // one target many times); the first destination naming each block is the key, so this is
  // linear in the number of destinations.
  std::unordered_map<uint32_t, uint32_t> first_by_block;  // block -> dest index
  for (size_t k = 0; k < dests.size(); ++k) {
    if (!lo.NeedsEdgeBlock(dests[k]->block)) continue;
    auto [it, inserted] = first_by_block.emplace(dests[k]->block.index, static_cast<uint32_t>(k));
    if (!inserted && SameCall(f, *dests[it->second], *dests[k])) {
      (*slot)[k] = (*slot)[it->second];
      continue;
    }
    (*slot)[k] = n++;
  }
  return n;
}

}  // namespace egret::backend
