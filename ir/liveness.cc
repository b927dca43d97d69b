// liveness.cc: per-value backward walks from uses to definitions.
#include "ir/liveness.h"

#include <algorithm>

namespace egret::ir {

void Liveness::Compute(const Function& f, const ControlFlowGraph& cfg,
                       const DominatorTree& domtree) {
  const size_t nblocks = f.dfg.NumBlocks();
  const size_t nvalues = f.dfg.NumValues();
  live_in_.assign(nblocks, {});
  live_out_.assign(nblocks, {});

  // Use blocks per value, in compressed form: count, then fill.
  std::vector<uint32_t> start(nvalues + 1, 0);
  auto for_each_use = [&](auto&& fn) {
    for (Block b : domtree.Rpo())
      for (Inst i : f.layout.Insts(b))
        f.dfg.ForEachOperand(i, [&](Value v) {
          if (f.dfg.IsValidValue(v)) fn(v, b);
        });
  };
  for_each_use([&](Value v, Block) { ++start[v.index + 1]; });
  for (size_t k = 0; k < nvalues; ++k) start[k + 1] += start[k];
  std::vector<Block> use_blocks(start[nvalues]);
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for_each_use([&](Value v, Block b) { use_blocks[fill[v.index]++] = b; });

  // The block defining each value.
  auto def_block = [&](Value v) -> Block {
    const ValueData& vd = f.dfg.ValueInfo(v);
    if (vd.kind == ValueKind::kParam) return Block(vd.def);
    if (vd.kind == ValueKind::kResult) return f.layout.InstBlock(Inst(vd.def));
    return Block();
  };

  // Stamps (value index + 1) dedup insertions, so each set gets each value once, in order.
  std::vector<uint32_t> in_stamp(nblocks, 0), out_stamp(nblocks, 0);
  std::vector<Block> work;
  for (uint32_t vi = 0; vi < nvalues; ++vi) {
    if (start[vi] == start[vi + 1]) continue;
    const Value v(vi);
    const Block d = def_block(v);
    const uint32_t stamp = vi + 1;
    work.clear();
    for (uint32_t k = start[vi]; k < start[vi + 1]; ++k)
      if (use_blocks[k] != d) work.push_back(use_blocks[k]);
    while (!work.empty()) {
      Block b = work.back();
      work.pop_back();
      if (in_stamp[b.index] == stamp) continue;
      in_stamp[b.index] = stamp;
      live_in_[b.index].push_back(v);
      for (Block p : cfg.Preds(b)) {
        if (!domtree.IsReachable(p)) continue;
        if (out_stamp[p.index] != stamp) {
          out_stamp[p.index] = stamp;
          live_out_[p.index].push_back(v);
        }
        if (p != d) work.push_back(p);
      }
    }
  }
}

bool Liveness::IsLiveIn(Block b, Value v) const {
  auto s = LiveIn(b);
  return std::binary_search(s.begin(), s.end(), v);
}

bool Liveness::IsLiveOut(Block b, Value v) const {
  auto s = LiveOut(b);
  return std::binary_search(s.begin(), s.end(), v);
}

}  // namespace egret::ir
