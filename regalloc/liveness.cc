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

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace egret::regalloc {

namespace {

struct LivenessScratch {
  std::vector<uint32_t> begin, use_blocks, fill, stamp, vstamp;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (block, vreg)
  std::vector<std::pair<uint32_t, uint32_t>> sites;  // (vreg, block)
  static constexpr size_t kMaxRetainedBytes = size_t{16} << 20;
  size_t RetainedBytes() const {
    return (begin.capacity() + use_blocks.capacity() + fill.capacity() + stamp.capacity() +
            vstamp.capacity()) *
               sizeof(uint32_t) +
           (pairs.capacity() + sites.capacity()) * sizeof(pairs[0]);
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
  // A block's instructions' operands are one contiguous run of f.operands (the tables tile
  // their arrays, Function::Validate), walked by index; an empty block (invalid) has none.
  auto block_operands = [&](uint32_t b) -> std::pair<uint32_t, uint32_t> {
    const BlockData& bd = f.blocks[b];
    if (bd.inst_begin == bd.inst_end) return {0, 0};
    return {f.insts[bd.inst_begin].operand_begin, f.insts[bd.inst_end - 1].operand_end};
  };
  for (uint32_t b = 0; b < nb; ++b) {
    for (VReg p : f.Params(Block(b))) def_block_[p.index] = b;
    const auto [first, last] = block_operands(b);
    for (uint32_t k = first; k < last; ++k)
      if (f.operands[k].is_def()) def_block_[f.operands[k].vreg.index] = b;
  }
  // Use sites outside the defining block, grouped by vreg: collected (and counted) in one walk
  // over the operands, then placed by a counting sort (in the order found, per vreg).
  std::vector<uint32_t>& begin = scratch->begin;
  begin.assign(nv + 1, 0);
  // `sites` and `pairs` are buffers: their sizes are high-water marks (grown, never shrunk, so
  // a worker's later functions find them large enough), the counts of entries made are local.
  // Room is made before each walk that fills them, which then writes without capacity checks.
  auto ensure = [](auto& buffer, size_t n) {
    if (buffer.size() < n) buffer.resize(std::max(n, 2 * buffer.size()));
  };
  std::vector<std::pair<uint32_t, uint32_t>>& sites = scratch->sites;  // (vreg, block)
  ensure(sites, f.operands.size() + f.branch_args.size());
  std::pair<uint32_t, uint32_t>* const site = sites.data();
  size_t num_sites = 0;
  for (uint32_t b = 0; b < nb; ++b) {
    const auto [first, last] = block_operands(b);
    for (uint32_t k = first; k < last; ++k) {
      const Operand& op = f.operands[k];
      if (op.is_use() && def_block_[op.vreg.index] != b) {
        site[num_sites++] = {op.vreg.index, b};
        ++begin[op.vreg.index + 1];
      }
    }
    for (const SuccEdge& e : f.Succs(Block(b)))
      for (VReg a : f.Args(e))
        if (def_block_[a.index] != b) {
          site[num_sites++] = {a.index, b};
          ++begin[a.index + 1];
        }
  }
  for (uint32_t v = 0; v < nv; ++v) begin[v + 1] += begin[v];
  std::vector<uint32_t>& use_blocks = scratch->use_blocks;
  use_blocks.resize(begin[nv]);
  std::vector<uint32_t>& fill = scratch->fill;
  fill.assign(begin.begin(), begin.end() - 1);
  for (size_t k = 0; k < num_sites; ++k) use_blocks[fill[site[k].first]++] = site[k].second;

  // Walk up from each use block; collect (block, vreg) live-in pairs. The pairs of the current
  // vreg not yet expanded are the worklist (each block is expanded once per vreg, in the order
  // it was found; the per-block lists come out in vreg order whatever the walk's order).
  std::vector<uint32_t>& stamp = scratch->stamp;
  std::vector<std::pair<uint32_t, uint32_t>>& pairs = scratch->pairs;  // (block, vreg)
  stamp.assign(nb, UINT32_MAX);
  size_t num_pairs = 0;
  livein_begin_.assign(nb + 1, 0);  // counts per block first (at livein_begin_[b + 1])
  livein_count_.resize(nv);
  for (uint32_t v = 0; v < nv; ++v) {
    livein_count_[v] = 0;
    if (begin[v] == begin[v + 1]) continue;
    // A vreg adds at most one pair per block (the stamp): room for nb more.
    ensure(pairs, num_pairs + nb);
    std::pair<uint32_t, uint32_t>* const pair = pairs.data();
    const size_t first = num_pairs;
    size_t next = first;  // the first pair of v not expanded yet
    const uint32_t def = def_block_[v];
    for (uint32_t k = begin[v]; k < begin[v + 1]; ++k) {
      const uint32_t ub = use_blocks[k];
      if (stamp[ub] == v) continue;
      stamp[ub] = v;
      pair[num_pairs++] = {ub, v};
      ++livein_begin_[ub + 1];
      for (; next < num_pairs; ++next) {
        const uint32_t x = pair[next].first;
        for (Block p : f.Preds(Block(x))) {
          if (p.index == def || stamp[p.index] == v) continue;
          stamp[p.index] = v;
          pair[num_pairs++] = {p.index, v};
          ++livein_begin_[p.index + 1];
        }
      }
    }
    // Reaching the entry (which has no predecessors) means a path from it to a use avoids the
    // definition: tested once per vreg, by the entry's stamp, instead of per block expanded.
    if (stamp[0] == v)
      return Error(absl::StrCat("regalloc input: v", v, " (defined in block", def,
                                ") is used on a path that skips its definition"));
    livein_count_[v] = static_cast<uint32_t>(num_pairs - first);
  }
  for (uint32_t b = 0; b < nb; ++b) livein_begin_[b + 1] += livein_begin_[b];
  // sets_: the live-in sets, block after block, then the live-out sets that are not shared.
  const uint32_t num_livein = static_cast<uint32_t>(num_pairs);
  {
    size_t bound = num_livein;  // the unions' total size before removing duplicates
    for (uint32_t b = 0; b < nb; ++b)
      for (const SuccEdge& e : f.Succs(Block(b)))  // sizes only: sets_ is not filled yet
        bound += livein_begin_[e.block.index + 1] - livein_begin_[e.block.index] + f.Args(e).size();
    // One allocation: the unions below read live-in sets of sets_ while appending to it.
    sets_.clear();
    sets_.reserve(bound);
  }
  sets_.resize(num_livein);
  fill.assign(livein_begin_.begin(), livein_begin_.end() - 1);
  for (size_t k = 0; k < num_pairs; ++k) sets_[fill[pairs[k].first]++] = VReg(pairs[k].second);

  // Live-out: union of the successors' live-ins and the branch arguments. A block with one
  // successor and no arguments (a jump) shares that successor's live-in set (the union would
  // copy it in the same order: a set has no duplicates).
  std::vector<uint32_t>& vstamp = scratch->vstamp;
  vstamp.assign(nv, UINT32_MAX);
  liveout_begin_.resize(nb);
  liveout_end_.resize(nb);
  for (uint32_t b = 0; b < nb; ++b) {
    const auto succs = f.Succs(Block(b));
    if (succs.size() == 1 && succs[0].arg_begin == succs[0].arg_end) {
      liveout_begin_[b] = livein_begin_[succs[0].block.index];
      liveout_end_[b] = livein_begin_[succs[0].block.index + 1];
      continue;
    }
    liveout_begin_[b] = static_cast<uint32_t>(sets_.size());
    auto add = [&](VReg v) {
      if (vstamp[v.index] == b) return;
      vstamp[v.index] = b;
      sets_.push_back(v);  // within the capacity reserved: LiveIn spans stay valid
    };
    // The first successor's live-in set has no duplicates and nothing precedes it: copied
    // (and stamped) without the membership test.
    bool first = true;
    for (const SuccEdge& e : succs) {
      if (first) {
        for (VReg v : LiveIn(e.block)) {
          vstamp[v.index] = b;
          sets_.push_back(v);  // within the capacity reserved
        }
        first = false;
      } else {
        for (VReg v : LiveIn(e.block)) add(v);
      }
      for (VReg a : f.Args(e)) add(a);
    }
    liveout_end_[b] = static_cast<uint32_t>(sets_.size());
  }
  return Status::Ok();
}

}  // namespace egret::regalloc
