// liveness.cc: SSA path-exploration liveness (see liveness.h).
//
// Uses are grouped by vreg with a counting sort, so one stamp array (block -> last vreg that
// marked it) serves every vreg's walk without clearing.
//
// The temporaries live in a per-thread scratch (capacity kept between calls, dropped after a
// function that grew it past kMaxRetainedBytes): a compile worker computes liveness for function
// after function, and allocating, zeroing and freeing eight arrays per function cost about as
// much as the walk itself on small functions.
#include "regalloc/liveness.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace egret::regalloc {

namespace {

struct LivenessScratch {
  std::vector<uint32_t> begin, use_blocks, fill, stamp, vstamp;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (block, vreg)
  static constexpr size_t kMaxRetainedBytes = size_t{16} << 20;
  size_t RetainedBytes() const {
    return (begin.capacity() + use_blocks.capacity() + fill.capacity() + stamp.capacity() +
            vstamp.capacity()) *
               sizeof(uint32_t) +
           pairs.capacity() * sizeof(pairs[0]);
  }
};

}  // namespace

Status Liveness::Compute(const Function& f) {
  thread_local LivenessScratch scratch;
  const Status s = Compute(f, &scratch);
  if (scratch.RetainedBytes() > LivenessScratch::kMaxRetainedBytes) scratch = LivenessScratch();
  return s;
}

template <class Scratch>
Status Liveness::Compute(const Function& f, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nv = f.num_vregs();
  def_block_.assign(nv, 0);
  for (uint32_t b = 0; b < nb; ++b) {
    for (VReg p : f.Params(Block(b))) def_block_[p.index] = b;
    for (uint32_t i = f.blocks[b].inst_begin; i < f.blocks[b].inst_end; ++i)
      for (const Operand& op : f.InstOperands(i))
        if (op.is_def()) def_block_[op.vreg.index] = b;
  }
  // Use sites outside the defining block, grouped by vreg.
  std::vector<uint32_t>& begin = scratch->begin;
  begin.assign(nv + 1, 0);
  auto for_each_outside_use = [&](auto&& fn) {
    for (uint32_t b = 0; b < nb; ++b) {
      for (uint32_t i = f.blocks[b].inst_begin; i < f.blocks[b].inst_end; ++i)
        for (const Operand& op : f.InstOperands(i))
          if (op.is_use() && def_block_[op.vreg.index] != b) fn(op.vreg.index, b);
      for (const SuccEdge& e : f.Succs(Block(b)))
        for (VReg a : f.Args(e))
          if (def_block_[a.index] != b) fn(a.index, b);
    }
  };
  for_each_outside_use([&](uint32_t v, uint32_t) { ++begin[v + 1]; });
  for (uint32_t v = 0; v < nv; ++v) begin[v + 1] += begin[v];
  std::vector<uint32_t>& use_blocks = scratch->use_blocks;
  use_blocks.resize(begin[nv]);
  std::vector<uint32_t>& fill = scratch->fill;
  {
    fill.assign(begin.begin(), begin.end() - 1);
    for_each_outside_use([&](uint32_t v, uint32_t b) { use_blocks[fill[v]++] = b; });
  }

  // Walk up from each use block; collect (block, vreg) live-in pairs. The pairs of the current
  // vreg not yet expanded are the worklist (each block is expanded once per vreg, in the order
  // it was found; the per-block lists come out in vreg order whatever the walk's order).
  std::vector<uint32_t>& stamp = scratch->stamp;
  std::vector<std::pair<uint32_t, uint32_t>>& pairs = scratch->pairs;  // (block, vreg)
  stamp.assign(nb, UINT32_MAX);
  pairs.clear();
  livein_begin_.assign(nb + 1, 0);  // counts per block first (at livein_begin_[b + 1])
  livein_count_.resize(nv);
  for (uint32_t v = 0; v < nv; ++v) {
    livein_count_[v] = 0;
    if (begin[v] == begin[v + 1]) continue;
    const size_t first = pairs.size();
    size_t next = first;  // the first pair of v not expanded yet
    const uint32_t def = def_block_[v];
    for (uint32_t k = begin[v]; k < begin[v + 1]; ++k) {
      const uint32_t ub = use_blocks[k];
      if (stamp[ub] == v) continue;
      stamp[ub] = v;
      pairs.emplace_back(ub, v);
      ++livein_begin_[ub + 1];
      for (; next < pairs.size(); ++next) {
        const uint32_t x = pairs[next].first;
        if (x == 0)
          return Error(absl::StrCat("regalloc input: v", v, " (defined in block", def,
                                    ") is used on a path that skips its definition"));
        for (Block p : f.Preds(Block(x))) {
          if (p.index == def || stamp[p.index] == v) continue;
          stamp[p.index] = v;
          pairs.emplace_back(p.index, v);
          ++livein_begin_[p.index + 1];
        }
      }
    }
    livein_count_[v] = static_cast<uint32_t>(pairs.size() - first);
  }
  for (uint32_t b = 0; b < nb; ++b) livein_begin_[b + 1] += livein_begin_[b];
  livein_.resize(pairs.size());
  fill.assign(livein_begin_.begin(), livein_begin_.end() - 1);
  for (const auto& [b, v] : pairs) livein_[fill[b]++] = VReg(v);

  // Live-out: union of the successors' live-ins and the branch arguments.
  std::vector<uint32_t>& vstamp = scratch->vstamp;
  vstamp.assign(nv, UINT32_MAX);
  liveout_begin_.assign(nb + 1, 0);
  liveout_.clear();
  {
    size_t bound = 0;  // the sets' total size before removing duplicates: one allocation
    for (uint32_t b = 0; b < nb; ++b)
      for (const SuccEdge& e : f.Succs(Block(b)))
        bound += LiveIn(e.block).size() + f.Args(e).size();
    liveout_.reserve(bound);
  }
  for (uint32_t b = 0; b < nb; ++b) {
    liveout_begin_[b] = static_cast<uint32_t>(liveout_.size());
    auto add = [&](VReg v) {
      if (vstamp[v.index] == b) return;
      vstamp[v.index] = b;
      liveout_.push_back(v);
    };
    for (const SuccEdge& e : f.Succs(Block(b))) {
      for (VReg v : LiveIn(e.block)) add(v);
      for (VReg a : f.Args(e)) add(a);
    }
  }
  liveout_begin_[nb] = static_cast<uint32_t>(liveout_.size());
  return Status::Ok();
}

}  // namespace egret::regalloc
