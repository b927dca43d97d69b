// random_function.cc: random valid allocator inputs (see random_function.h).
//
// Budget rule that keeps every generated instruction allocatable: per class, the number of
// register-needing operands (every non-stack use, every non-stack def, plus one for each reuse
// def, whose input may need a copy) never exceeds the allocatable registers of that class.
#include "regalloc/random_function.h"

#include <algorithm>

namespace egret::regalloc {
namespace {

struct ProtoInst {
  std::vector<Operand> ops;
  PRegSet clobbers;
  bool safepoint = false;
};

struct ProtoBlock {
  std::vector<VReg> params;
  std::vector<ProtoInst> insts;
  std::vector<uint32_t> succs;
  std::vector<std::vector<VReg>> args;
  ProtoInst term;
};

class InstGen {
 public:
  InstGen(Function* f, const MachineEnv& env, Rng* rng) : f_(f), env_(env), rng_(*rng) {
    for (int c = 0; c < kNumRegClasses; ++c) {
      all_[c] = env.preferred[c];
      all_[c].insert(all_[c].end(), env.non_preferred[c].begin(), env.non_preferred[c].end());
      // Fixed operands may also name a register the allocator never hands out (like a frame
      // or stack pointer).
      fixed_[c] = all_[c];
      fixed_[c].push_back(PReg(static_cast<RegClass>(c), 40));
    }
  }

  RegClass RandomClass() { return rng_.Chance(70) ? RegClass::kInt : RegClass::kFloat; }
  VReg NewVReg(RegClass cls) { return f_->AddVReg(cls, cls == RegClass::kInt && rng_.Chance(20)); }
  // A value from `avail`, biased towards recent ones; invalid if none of class `cls` (when
  // given) exists.
  VReg Pick(const std::vector<VReg>& avail, int cls = -1) {
    if (avail.empty()) return VReg();
    const uint32_t n = static_cast<uint32_t>(avail.size());
    const uint32_t start = rng_.Chance(60) ? n - 1 - rng_.Below(std::min(n, 6u)) : rng_.Below(n);
    for (uint32_t k = 0; k < n; ++k) {
      const VReg v = avail[(start + n - k) % n];
      if (cls < 0 || static_cast<int>(f_->ClassOf(v)) == cls) return v;
    }
    return VReg();
  }
  // A register of `cls` from `list` outside `taken`; invalid if none.
  PReg PickReg(const std::vector<PReg>& list, PRegSet taken) {
    if (list.empty()) return PReg();
    const uint32_t start = rng_.Below(static_cast<uint32_t>(list.size()));
    for (size_t k = 0; k < list.size(); ++k) {
      const PReg r = list[(start + k) % list.size()];
      if (!taken.Contains(r)) return r;
    }
    return PReg();
  }

  // One non-terminator instruction over `avail`; its defs are appended to `avail`. With
  // probability remat_percent_, a constant: one def of a fresh rematerializable vreg (usually
  // kReg, sometimes kAny, which may leave it in a slot) and nothing else; of those, a share of
  // remat_operand_percent_ instead read one non-reference value of `avail` (`lea imm(u), d`:
  // VRegData::remat_reads_operand), the def sometimes reusing the operand's register.
  ProtoInst Make(std::vector<VReg>* avail, uint32_t call_percent = 10) {
    ProtoInst inst;
    if (remat_percent_ != 0 && rng_.Chance(remat_percent_)) {
      VReg u;
      if (remat_operand_percent_ != 0 && rng_.Chance(remat_operand_percent_)) {
        u = Pick(*avail);
        if (u.valid() && f_->vregs[u.index].is_ref) u = VReg();
      }
      const VReg d = f_->AddVReg(u.valid() ? f_->ClassOf(u) : RandomClass());
      f_->vregs[d.index].remat = true;
      if (u.valid()) {
        f_->vregs[d.index].remat_reads_operand = true;
        inst.ops.push_back(Operand::Use(u));
        const uint32_t roll = rng_.Below(100);
        inst.ops.push_back(roll < 20   ? Operand::ReuseDef(d, 0)
                           : roll < 30 ? Operand::Def(d, Constraint::kAny)
                                       : Operand::Def(d));
      } else {
        inst.ops.push_back(Operand::Def(d, rng_.Chance(15) ? Constraint::kAny : Constraint::kReg));
      }
      avail->push_back(d);
      return inst;
    }
    int budget[kNumRegClasses];
    for (int c = 0; c < kNumRegClasses; ++c) budget[c] = static_cast<int>(all_[c].size());
    auto take = [&](RegClass cls, int n) {
      if (budget[static_cast<int>(cls)] < n) return false;
      budget[static_cast<int>(cls)] -= n;
      return true;
    };
    PRegSet fixed_uses, fixed_defs;
    std::vector<VReg> defs;
    auto fixed_use = [&](VReg v, const std::vector<PReg>& regs) {
      const PReg r = PickReg(regs, fixed_uses);
      if (!r.valid() || !take(f_->ClassOf(v), 1)) return;
      fixed_uses.Add(r);
      inst.ops.push_back(Operand::FixedUse(v, r));
    };
    if (rng_.Chance(call_percent)) {
      for (int c = 0; c < kNumRegClasses; ++c)
        for (PReg r : env_.preferred[c]) inst.clobbers.Add(r);
      for (uint32_t n = rng_.Below(3); n > 0; --n) {
        const VReg v = Pick(*avail);
        if (v.valid()) fixed_use(v, env_.preferred[static_cast<int>(f_->ClassOf(v))]);
      }
      if (rng_.Chance(30)) {
        const VReg v = Pick(*avail);
        if (v.valid()) inst.ops.push_back(Operand::Use(v, Constraint::kStack));
      }
      for (uint32_t n = rng_.Below(2); n > 0; --n) {
        const RegClass cls = RandomClass();
        const PReg r = PickReg(env_.preferred[static_cast<int>(cls)], fixed_defs);
        if (!r.valid() || !take(cls, 1)) continue;
        const VReg d = NewVReg(cls);
        fixed_defs.Add(r);
        inst.ops.push_back(Operand::FixedDef(d, r));
        defs.push_back(d);
      }
      inst.safepoint = rng_.Chance(50);
    } else {
      std::vector<uint8_t> reusable;  // indices of early reg uses not reused yet
      for (uint32_t n = rng_.Below(4); n > 0; --n) {
        const VReg v = Pick(*avail);
        if (!v.valid()) break;
        const RegClass cls = f_->ClassOf(v);
        const uint32_t roll = rng_.Below(100);
        if (roll >= 72 && roll < 78) {
          inst.ops.push_back(Operand::Use(v, Constraint::kStack));
          continue;
        }
        if (roll >= 60 && roll < 72) {
          fixed_use(v, fixed_[static_cast<int>(cls)]);
          continue;
        }
        if (!take(cls, 1)) continue;
        if (roll < 45) {
          reusable.push_back(static_cast<uint8_t>(inst.ops.size()));
          inst.ops.push_back(Operand::Use(v));
        } else if (roll < 60) {
          inst.ops.push_back(Operand::Use(v, Constraint::kAny));
        } else if (roll < 92) {
          inst.ops.push_back(Operand::LateUse(v));
        } else {
          inst.ops.push_back(Operand::LateUse(v, Constraint::kAny));
        }
      }
      for (uint32_t n = rng_.Below(3); n > 0; --n) {
        RegClass cls = RandomClass();
        const uint32_t roll = rng_.Below(100);
        Operand op;
        if (roll < 10 && !reusable.empty()) {
          const uint8_t u = reusable.back();
          reusable.pop_back();
          cls = f_->ClassOf(inst.ops[u].vreg);
          if (!take(cls, 1)) continue;
          op = Operand::ReuseDef(NewVReg(cls), u);
          // Half the time commutative with another unreused early reg use of the class.
          for (size_t k = 0; k < reusable.size() && rng_.Chance(50); ++k) {
            if (f_->ClassOf(inst.ops[reusable[k]].vreg) != cls) continue;
            op.commutes_with = reusable[k];
            reusable.erase(reusable.begin() + static_cast<std::ptrdiff_t>(k));
            break;
          }
        } else if (roll >= 90) {
          op = Operand::Def(NewVReg(cls), Constraint::kStack);
        } else if (!take(cls, 1)) {
          op = Operand::Def(NewVReg(cls), Constraint::kStack);
        } else if (roll < 50) {
          op = Operand::Def(NewVReg(cls));
        } else if (roll < 62) {
          op = Operand::Def(NewVReg(cls), Constraint::kAny);
        } else if (roll < 76) {
          const PReg r = PickReg(fixed_[static_cast<int>(cls)], fixed_defs);
          if (!r.valid()) continue;
          fixed_defs.Add(r);
          op = Operand::FixedDef(NewVReg(cls), r);
        } else if (roll < 84) {
          op = Operand::EarlyDef(NewVReg(cls));
        } else {
          const PReg r = PickReg(fixed_[static_cast<int>(cls)], fixed_defs | fixed_uses);
          if (!r.valid()) continue;
          fixed_defs.Add(r);
          op = Operand::FixedDef(NewVReg(cls), r);
          op.pos = OperandPos::kEarly;
        }
        defs.push_back(op.vreg);
        inst.ops.push_back(op);
      }
    }
    avail->insert(avail->end(), defs.begin(), defs.end());
    return inst;
  }

  // A return: a few values in fixed registers.
  ProtoInst Return(const std::vector<VReg>& avail) {
    ProtoInst inst;
    PRegSet taken;
    for (uint32_t n = rng_.Below(3); n > 0; --n) {
      const VReg v = Pick(avail);
      if (!v.valid()) break;
      const PReg r = PickReg(env_.preferred[static_cast<int>(f_->ClassOf(v))], taken);
      if (!r.valid()) continue;
      taken.Add(r);
      inst.ops.push_back(Operand::FixedUse(v, r));
    }
    return inst;
  }

  // Arguments for `params`, defining a fresh value when `avail` has none of a class.
  std::vector<VReg> Args(const std::vector<VReg>& params, std::vector<VReg>* avail,
                         std::vector<ProtoInst>* insts) {
    std::vector<VReg> args;
    // On a back edge the target's own parameters are available: passing them permuted makes
    // the edge a parallel move with cycles.
    std::vector<VReg> own;
    for (VReg p : params)
      if (std::find(avail->begin(), avail->end(), p) != avail->end()) own.push_back(p);
    for (VReg p : params) {
      const int cls = static_cast<int>(f_->ClassOf(p));
      VReg a = own.empty() || !rng_.Chance(60) ? Pick(*avail, cls) : Pick(own, cls);
      if (!a.valid()) a = Pick(*avail, cls);
      if (!a.valid()) {
        a = NewVReg(f_->ClassOf(p));
        ProtoInst def;
        def.ops.push_back(Operand::Def(a));
        insts->push_back(def);
        avail->push_back(a);
      }
      args.push_back(a);
    }
    return args;
  }

  Rng& rng() { return rng_; }
  void set_remat_percent(uint32_t p) { remat_percent_ = p; }
  void set_remat_operand_percent(uint32_t p) { remat_operand_percent_ = p; }

 private:
  Function* f_;
  const MachineEnv& env_;
  Rng& rng_;
  std::vector<PReg> all_[kNumRegClasses];
  std::vector<PReg> fixed_[kNumRegClasses];
  uint32_t remat_percent_ = 0;
  uint32_t remat_operand_percent_ = 0;
};

void Emit(const std::vector<ProtoBlock>& blocks, Function* f) {
  for (const ProtoBlock& pb : blocks) {
    f->StartBlock();
    for (VReg p : pb.params) f->AddBlockParam(p);
    for (const ProtoInst& pi : pb.insts) f->AddInst(pi.ops, pi.clobbers, pi.safepoint);
    f->AddInst(pb.term.ops, pb.term.clobbers, pb.term.safepoint);
    for (size_t k = 0; k < pb.succs.size(); ++k) f->AddSucc(Block(pb.succs[k]), pb.args[k]);
  }
  f->Finish();
}

// Immediate dominators (Cooper, Harvey and Kennedy's iterative algorithm over reverse
// post-order). Returns the reverse post-order too.
std::vector<uint32_t> Dominators(const std::vector<ProtoBlock>& blocks,
                                 std::vector<uint32_t>* rpo) {
  const uint32_t n = static_cast<uint32_t>(blocks.size());
  std::vector<uint32_t> post, order(n, UINT32_MAX);
  std::vector<uint8_t> seen(n, 0);
  std::vector<std::pair<uint32_t, uint32_t>> stack = {{0, 0}};
  seen[0] = 1;
  while (!stack.empty()) {
    auto& [b, k] = stack.back();
    if (k < blocks[b].succs.size()) {
      const uint32_t t = blocks[b].succs[k++];
      if (!seen[t]) {
        seen[t] = 1;
        stack.push_back({t, 0});
      }
    } else {
      post.push_back(b);
      stack.pop_back();
    }
  }
  rpo->assign(post.rbegin(), post.rend());
  for (uint32_t k = 0; k < rpo->size(); ++k) order[(*rpo)[k]] = k;
  std::vector<std::vector<uint32_t>> preds(n);
  for (uint32_t b = 0; b < n; ++b)
    for (uint32_t t : blocks[b].succs) preds[t].push_back(b);
  std::vector<uint32_t> idom(n, UINT32_MAX);
  idom[0] = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t b : *rpo) {
      if (b == 0) continue;
      uint32_t best = UINT32_MAX;
      for (uint32_t p : preds[b]) {
        if (idom[p] == UINT32_MAX) continue;
        if (best == UINT32_MAX) {
          best = p;
          continue;
        }
        uint32_t x = p, y = best;
        while (x != y) {
          while (order[x] > order[y]) x = idom[x];
          while (order[y] > order[x]) y = idom[y];
        }
        best = x;
      }
      if (best != idom[b]) {
        idom[b] = best;
        changed = true;
      }
    }
  }
  return idom;
}

// Lays the blocks out in reverse post-order (the entry stays first; every block is reachable).
void LayOutInReversePostOrder(std::vector<ProtoBlock>* blocks) {
  std::vector<uint32_t> rpo;
  Dominators(*blocks, &rpo);
  std::vector<uint32_t> new_id(blocks->size());
  for (uint32_t k = 0; k < rpo.size(); ++k) new_id[rpo[k]] = k;
  std::vector<ProtoBlock> laid_out(blocks->size());
  for (uint32_t b = 0; b < blocks->size(); ++b) {
    for (uint32_t& t : (*blocks)[b].succs) t = new_id[t];
    laid_out[new_id[b]] = std::move((*blocks)[b]);
  }
  *blocks = std::move(laid_out);
}

// The natural loops (Aho et al.): an edge p -> h whose target dominates its source is a back
// edge, and h's loop is h and the blocks that reach one of its back edges' sources without
// passing h. Loops of different headers are nested or disjoint. Fills the Function's loop
// tables: a block's innermost loop is the smallest one containing it. Quadratic: for tests.
void FillNaturalLoops(const std::vector<ProtoBlock>& blocks, Function* f) {
  const uint32_t n = static_cast<uint32_t>(blocks.size());
  std::vector<uint32_t> rpo;
  const std::vector<uint32_t> idom = Dominators(blocks, &rpo);
  auto dominates = [&](uint32_t a, uint32_t b) {
    for (;; b = idom[b]) {
      if (b == a) return true;
      if (b == 0) return false;
    }
  };
  std::vector<std::vector<uint32_t>> preds(n);
  for (uint32_t b = 0; b < n; ++b)
    for (uint32_t t : blocks[b].succs) preds[t].push_back(b);
  std::vector<std::vector<uint8_t>> body(n);  // body[h][b]: b is in h's loop; empty: no loop
  std::vector<uint32_t> size(n, 0);
  for (uint32_t h = 0; h < n; ++h) {
    std::vector<uint32_t> work;
    for (uint32_t p : preds[h])
      if (dominates(h, p)) work.push_back(p);
    if (work.empty()) continue;
    body[h].assign(n, 0);
    body[h][h] = 1;
    while (!work.empty()) {
      const uint32_t b = work.back();
      work.pop_back();
      if (body[h][b]) continue;
      body[h][b] = 1;
      for (uint32_t p : preds[b]) work.push_back(p);
    }
    for (uint32_t b = 0; b < n; ++b) size[h] += body[h][b];
  }
  // The smallest loop containing b, other than `except`'s.
  auto innermost = [&](uint32_t b, uint32_t except) {
    uint32_t best = Function::kNoLoop;
    for (uint32_t h = 0; h < n; ++h)
      if (h != except && !body[h].empty() && body[h][b] &&
          (best == Function::kNoLoop || size[h] < size[best]))
        best = h;
    return best;
  };
  f->loop_header.assign(n, Function::kNoLoop);
  f->loop_parent.assign(n, Function::kNoLoop);
  f->loop_depth.assign(n, 0);
  for (uint32_t b = 0; b < n; ++b) {
    f->loop_header[b] = innermost(b, Function::kNoLoop);
    if (f->loop_header[b] == b) f->loop_parent[b] = innermost(b, b);
    for (uint32_t h = 0; h < n; ++h) f->loop_depth[b] += !body[h].empty() && body[h][b];
  }
}

}  // namespace

MachineEnv RandomTestEnv() { return MachineEnv::ForTesting(4, 3, 1); }

MachineEnv X64LikeEnv() {
  MachineEnv env;
  for (uint8_t r = 0; r < 14; ++r)
    (r < 9 ? env.preferred[0] : env.non_preferred[0]).push_back(PReg(RegClass::kInt, r));
  for (uint8_t r = 0; r < 15; ++r) env.preferred[1].push_back(PReg(RegClass::kFloat, r));
  env.scratch[0] = PReg(RegClass::kInt, 15);
  env.scratch[1] = PReg(RegClass::kFloat, 15);
  return env;
}

Function RandomFunction(uint64_t seed, const MachineEnv& env,
                        const RandomFunctionOptions& options) {
  Rng rng(seed);
  Function f;
  InstGen gen(&f, env, &rng);
  gen.set_remat_percent(options.remat_percent);
  gen.set_remat_operand_percent(options.remat_operand_percent);
  // Control flow: a random spanning tree (every block reachable) plus random extra edges,
  // including back edges and self loops.
  const uint32_t n = 1 + rng.Below(std::max(options.max_blocks, 1u));
  std::vector<ProtoBlock> blocks(n);
  for (uint32_t b = 1; b < n; ++b) blocks[rng.Below(b)].succs.push_back(b);
  for (uint32_t b = 0; b < n && n > 1; ++b) {
    while (blocks[b].succs.size() < 3 && rng.Chance(blocks[b].succs.empty() ? 40 : 25))
      blocks[b].succs.push_back(1 + rng.Below(n - 1));
  }
  // Split critical edges, as the interface requires; split blocks go at the end of the layout.
  std::vector<uint32_t> npreds(n, 0);
  for (const ProtoBlock& pb : blocks)
    for (uint32_t t : pb.succs) ++npreds[t];
  for (uint32_t b = 0; b < n; ++b) {
    if (blocks[b].succs.size() < 2) continue;
    for (size_t k = 0; k < blocks[b].succs.size(); ++k) {
      const uint32_t t = blocks[b].succs[k];
      if (npreds[t] < 2) continue;
      const uint32_t s = static_cast<uint32_t>(blocks.size());
      blocks.push_back(ProtoBlock());
      blocks.back().succs.push_back(t);
      blocks[b].succs[k] = s;
    }
  }
  for (uint32_t b = 1; b < n; ++b)
    for (uint32_t k = rng.Below(4); k > 0; --k)
      blocks[b].params.push_back(gen.NewVReg(gen.RandomClass()));
  std::vector<uint32_t> rpo;
  const std::vector<uint32_t> idom = Dominators(blocks, &rpo);
  std::vector<std::vector<VReg>> avail_end(blocks.size());
  for (uint32_t b : rpo) {
    ProtoBlock& pb = blocks[b];
    std::vector<VReg> avail = b == 0 ? std::vector<VReg>() : avail_end[idom[b]];
    avail.insert(avail.end(), pb.params.begin(), pb.params.end());
    for (uint32_t k = rng.Below(options.max_insts_per_block + 1); k > 0; --k)
      pb.insts.push_back(gen.Make(&avail, 12));
    for (uint32_t t : pb.succs) pb.args.push_back(gen.Args(blocks[t].params, &avail, &pb.insts));
    if (pb.succs.empty()) {
      pb.term = gen.Return(avail);
    } else if (pb.succs.size() > 1) {
      if (rng.Chance(50)) {
        const VReg c = gen.Pick(avail);
        if (c.valid()) pb.term.ops.push_back(Operand::Use(c));
      }
      // A multi-way branch may destroy registers (x64's br_table uses two as temporaries).
      if (rng.Chance(25)) {
        for (int c = 0; c < kNumRegClasses; ++c) {
          const std::vector<PReg>& regs = env.preferred[c];
          if (!regs.empty() && rng.Chance(60))
            pb.term.clobbers.Add(regs[rng.Below(static_cast<uint32_t>(regs.size()))]);
        }
      }
    }
    avail_end[b] = std::move(avail);
  }
  // Sometimes lay the blocks out in a random order (the entry stays first), so allocators meet
  // blocks before their predecessors; with natural loops, in reverse post-order, as a backend.
  if (options.natural_loops) {
    LayOutInReversePostOrder(&blocks);
  } else if (blocks.size() > 2 && rng.Chance(25)) {
    std::vector<uint32_t> order(blocks.size());
    for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
    for (uint32_t k = static_cast<uint32_t>(order.size()) - 1; k > 1; --k)
      std::swap(order[k], order[1 + rng.Below(k)]);
    std::vector<uint32_t> new_id(blocks.size());
    for (uint32_t k = 0; k < order.size(); ++k) new_id[order[k]] = k;
    std::vector<ProtoBlock> laid_out(blocks.size());
    for (uint32_t b = 0; b < blocks.size(); ++b) {
      for (uint32_t& t : blocks[b].succs) t = new_id[t];
      laid_out[new_id[b]] = std::move(blocks[b]);
    }
    blocks = std::move(laid_out);
  }
  Emit(blocks, &f);
  if (options.natural_loops) FillNaturalLoops(blocks, &f);
  return f;
}

Function LargeFunction(uint64_t seed, uint32_t num_insts, const MachineEnv& env) {
  Rng rng(seed);
  Function f;
  InstGen gen(&f, env, &rng);
  std::vector<ProtoBlock> blocks(1);
  std::vector<VReg> window;  // values available in the current block, recent last
  auto trim = [&](std::vector<VReg>* w) {
    if (w->size() > 48) w->erase(w->begin(), w->begin() + 16);
  };
  uint32_t count = 0;
  auto fill = [&](uint32_t b, std::vector<VReg>* w, uint32_t lo, uint32_t hi) {
    for (uint32_t k = lo + rng.Below(hi - lo + 1); k > 0; --k) {
      blocks[b].insts.push_back(gen.Make(w, 6));
      trim(w);
      ++count;
    }
  };
  auto new_block = [&](uint32_t nparams) {
    blocks.push_back(ProtoBlock());
    for (uint32_t k = 0; k < nparams; ++k)
      blocks.back().params.push_back(gen.NewVReg(gen.RandomClass()));
    return static_cast<uint32_t>(blocks.size() - 1);
  };
  auto jump = [&](uint32_t from, uint32_t to, std::vector<VReg>* w) {
    blocks[from].succs.push_back(to);
    blocks[from].args.push_back(gen.Args(blocks[to].params, w, &blocks[from].insts));
  };
  auto branch = [&](uint32_t from, const std::vector<VReg>& w) {
    const VReg c = gen.Pick(w, static_cast<int>(RegClass::kInt));
    if (c.valid()) blocks[from].term.ops.push_back(Operand::Use(c));
  };
  uint32_t cur = 0;
  while (count < num_insts) {
    const uint32_t kind = rng.Below(10);
    if (kind < 4) {
      fill(cur, &window, 5, 20);
    } else if (kind < 7) {  // diamond
      const uint32_t a = new_block(0), b = new_block(0), join = new_block(1 + rng.Below(2));
      blocks[cur].succs = {a, b};
      blocks[cur].args = {{}, {}};
      branch(cur, window);
      for (uint32_t arm : {a, b}) {
        std::vector<VReg> local = window;
        fill(arm, &local, 3, 12);
        jump(arm, join, &local);
      }
      cur = join;
      window.insert(window.end(), blocks[join].params.begin(), blocks[join].params.end());
    } else {  // loop: cur -> header -> body -> header, header -> exit
      const uint32_t header = new_block(1 + rng.Below(3));
      jump(cur, header, &window);
      const uint32_t body = new_block(0), exit = new_block(0);
      window.insert(window.end(), blocks[header].params.begin(), blocks[header].params.end());
      fill(header, &window, 1, 4);
      blocks[header].succs = {body, exit};
      blocks[header].args = {{}, {}};
      branch(header, window);
      std::vector<VReg> local = window;
      fill(body, &local, 5, 25);
      jump(body, header, &local);
      cur = exit;
    }
  }
  blocks[cur].term = gen.Return(window);
  Emit(blocks, &f);
  return f;
}

}  // namespace egret::regalloc
