// random_function.h: random but valid IR functions for property tests of the analyses.
//
// RandomCfg picks a block count and, per block, a terminator (return, jump, brif, br_table) with
// random targets. BuildRandomFunction turns it into a verified Function whose values respect
// dominance: each block defines a few values from ones available in it (defined in a strict
// dominator, or earlier in the block), some blocks have parameters, and every branch passes
// available values to them. Dominators for this construction come from the naive reference
// (NaiveDominators), so the function does not depend on the code under test.
#ifndef EGRET_TESTS_UNIT_IR_RANDOM_FUNCTION_H_
#define EGRET_TESTS_UNIT_IR_RANDOM_FUNCTION_H_

#include <algorithm>
#include <random>
#include <vector>

#include "ir/builder.h"

namespace egret::ir::testing {

struct RandomCfg {
  // succs[b]: targets of block b's terminator in order (empty: return). kind[b]: 0 return,
  // 1 jump, 2 brif, 3 br_table.
  std::vector<std::vector<uint32_t>> succs;
  std::vector<int> kind;
};

inline RandomCfg MakeRandomCfg(std::mt19937& rng, uint32_t max_blocks) {
  RandomCfg cfg;
  const uint32_t n = 1 + rng() % max_blocks;
  cfg.succs.resize(n);
  cfg.kind.resize(n);
  for (uint32_t b = 0; b < n; ++b) {
    const int k = n == 1 ? 0 : static_cast<int>(rng() % 8);
    auto target = [&] { return static_cast<uint32_t>(rng() % n); };
    if (k == 0) {
      cfg.kind[b] = 0;
    } else if (k <= 3) {
      cfg.kind[b] = 1;
      cfg.succs[b] = {target()};
    } else if (k <= 6) {
      cfg.kind[b] = 2;
      cfg.succs[b] = {target(), target()};
    } else {
      cfg.kind[b] = 3;
      const uint32_t m = 1 + rng() % 4;
      for (uint32_t e = 0; e < m; ++e) cfg.succs[b].push_back(target());
    }
  }
  return cfg;
}

// dom[a][b]: a dominates b (both reachable). Reference: a dominates b iff b is unreachable from
// the entry once a is removed.
inline std::vector<std::vector<bool>> NaiveDominators(const RandomCfg& cfg,
                                                      std::vector<bool>& reachable) {
  const size_t n = cfg.succs.size();
  auto reach = [&](int removed) {
    std::vector<bool> seen(n, false);
    if (removed == 0) return seen;
    std::vector<uint32_t> stack = {0};
    seen[0] = true;
    while (!stack.empty()) {
      uint32_t b = stack.back();
      stack.pop_back();
      for (uint32_t s : cfg.succs[b])
        if (!seen[s] && static_cast<int>(s) != removed) {
          seen[s] = true;
          stack.push_back(s);
        }
    }
    return seen;
  };
  reachable = reach(-1);
  std::vector<std::vector<bool>> dom(n, std::vector<bool>(n, false));
  for (size_t a = 0; a < n; ++a) {
    if (!reachable[a]) continue;
    auto without = reach(static_cast<int>(a));
    for (size_t b = 0; b < n; ++b) dom[a][b] = reachable[b] && (a == b || !without[b]);
  }
  return dom;
}

// Builds a verified function over `cfg` (see the file comment).
inline Function BuildRandomFunction(std::mt19937& rng, const RandomCfg& cfg) {
  const size_t n = cfg.succs.size();
  std::vector<bool> reachable;
  auto dom = NaiveDominators(cfg, reachable);
  Function f("random", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  std::vector<Block> blocks;
  for (size_t k = 0; k < n; ++k) blocks.push_back(b.CreateBlock());
  std::vector<std::vector<Value>> params(n);
  params[0].push_back(b.AppendBlockParam(blocks[0], Type::kI32));
  for (size_t k = 1; k < n; ++k) {
    const uint32_t np = rng() % 3;
    for (uint32_t p = 0; p < np; ++p)
      params[k].push_back(b.AppendBlockParam(blocks[k], Type::kI32));
  }
  std::vector<std::vector<Value>> defined(n);  // values defined in each block, in order
  // Blocks in an order where strict dominators come first: sort by the number of dominators.
  std::vector<uint32_t> order;
  for (uint32_t k = 0; k < n; ++k) order.push_back(k);
  auto ndom = [&](uint32_t k) {
    uint32_t c = 0;
    for (size_t a = 0; a < n; ++a) c += dom[a][k];
    return c;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return ndom(x) < ndom(y); });
  // Layout follows index order so that layout and dominance order differ.
  for (size_t k = 0; k < n; ++k) f.layout.AppendBlock(blocks[k]);
  for (uint32_t k : order) {
    std::vector<Value> avail;
    if (reachable[k]) {
      for (size_t a = 0; a < n; ++a)
        if (a != k && dom[a][k]) {
          avail.insert(avail.end(), params[a].begin(), params[a].end());
          avail.insert(avail.end(), defined[a].begin(), defined[a].end());
        }
    }
    avail.insert(avail.end(), params[k].begin(), params[k].end());
    b.SwitchToBlock(blocks[k]);
    auto pick = [&]() -> Value {
      if (avail.empty()) {
        Value c = b.Iconst(Type::kI32, static_cast<int64_t>(rng() % 100));
        defined[k].push_back(c);
        avail.push_back(c);
      }
      return avail[rng() % avail.size()];
    };
    const uint32_t ninst = rng() % 4;
    for (uint32_t i = 0; i < ninst; ++i) {
      Value v = rng() % 2 ? b.Iconst(Type::kI32, static_cast<int64_t>(rng() % 50))
                          : b.Binary(Opcode::kIadd, pick(), pick());
      defined[k].push_back(v);
      avail.push_back(v);
    }
    auto args_for = [&](uint32_t t) {
      std::vector<Value> args;
      for (size_t p = 0; p < params[t].size(); ++p) args.push_back(pick());
      return args;
    };
    const auto& s = cfg.succs[k];
    switch (cfg.kind[k]) {
      case 0:
        b.Return({pick()});
        break;
      case 1: {
        auto a = args_for(s[0]);
        b.Jump(blocks[s[0]], a);
        break;
      }
      case 2: {
        Value c = pick();
        auto a0 = args_for(s[0]);
        auto a1 = args_for(s[1]);
        b.Brif(c, blocks[s[0]], a0, blocks[s[1]], a1);
        break;
      }
      default: {
        Value idx = pick();
        std::vector<std::vector<Value>> args;
        for (uint32_t t : s) args.push_back(args_for(t));
        std::vector<FunctionBuilder::Dest> entries;
        for (size_t e = 1; e < s.size(); ++e) entries.push_back({blocks[s[e]], args[e]});
        b.BrTable(idx, {blocks[s[0]], args[0]}, entries);
        break;
      }
    }
  }
  b.SealAllBlocks();
  b.Finalize();
  return f;
}

}  // namespace egret::ir::testing

#endif  // EGRET_TESTS_UNIT_IR_RANDOM_FUNCTION_H_
