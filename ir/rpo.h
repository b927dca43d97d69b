// rpo.h: reverse post-order of a function's reachable blocks.
//
// The order DominatorTree::Compute numbers blocks by (it calls this function, so the two agree
// by construction); passes that need only the order (simplify visits definitions before uses
// outside loops) compute it without the dominator tree.
#ifndef EGRET_IR_RPO_H_
#define EGRET_IR_RPO_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "ir/cfg.h"
#include "ir/function.h"

namespace egret::ir {

// The DFS's working storage, kept by callers that compute orders repeatedly.
struct RpoScratch {
  std::vector<std::pair<Block, uint32_t>> stack;  // (block, next successor index)
  std::vector<uint8_t> visited;                   // by block index
};

// Fills `rpo` with the blocks reachable from the entry in reverse post-order of a depth-first
// search that takes each block's successors in cfg.Succs order (the entry first; empty without
// an entry block).
void ComputeReversePostOrder(const Function& f, const ControlFlowGraph& cfg,
                             std::vector<Block>& rpo,
                             std::vector<std::pair<Block, uint32_t>>& stack,
                             std::vector<uint8_t>& visited);
inline void ComputeReversePostOrder(const Function& f, const ControlFlowGraph& cfg,
                                    std::vector<Block>& rpo, RpoScratch& scratch) {
  ComputeReversePostOrder(f, cfg, rpo, scratch.stack, scratch.visited);
}

}  // namespace egret::ir

#endif  // EGRET_IR_RPO_H_
