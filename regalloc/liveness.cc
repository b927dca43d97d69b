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
#include <array>
#include <utility>

#include "absl/strings/str_cat.h"

namespace egret::regalloc {

namespace {

struct LivenessScratch {
  std::vector<uint32_t> begin, use_blocks, fill, stamp, vstamp;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (block, vreg)
  std::vector<std::pair<uint32_t, uint32_t>> sites;  // (vreg, block)
  // The dense method: sites_begin[b] indexes b's sites (they are collected block by block);
  // kills are the vregs by defining block (kill_begin); row, a visit's set (the rows themselves
  // are Liveness::rows_).
  std::vector<uint32_t> sites_begin, kill_begin, kills;
  std::vector<uint64_t> row;
  std::vector<uint8_t> dirty;
  // The loop method's checks: per block, the depth of its loops and which headers it reaches.
  std::vector<uint8_t> loop_depth;
  std::vector<uint64_t> loop_reach;
  static constexpr size_t kMaxRetainedBytes = size_t{16} << 20;
  size_t RetainedBytes() const {
    return (begin.capacity() + use_blocks.capacity() + fill.capacity() + stamp.capacity() +
            vstamp.capacity() + sites_begin.capacity() + kill_begin.capacity() + kills.capacity()) *
               sizeof(uint32_t) +
           (pairs.capacity() + sites.capacity()) * sizeof(pairs[0]) +
           (row.capacity() + loop_reach.capacity()) * sizeof(uint64_t) + dirty.capacity() +
           loop_depth.capacity();
  }
};

// The dense method's words (blocks x ceil(vregs / 64)) may be at most this many per operand,
// branch argument and block: a sweep then costs a constant per element of the input.
constexpr uint64_t kDenseWordsPerElement = 8;
// Block visits the dense method may make per block before it gives up for the sparse method
// (sweeps over the layout converge in about loop depth + 2; irreducible or badly laid out
// flow may take more).
constexpr uint64_t kDenseVisitsPerBlock = 16;

}  // namespace

Status Liveness::Compute(const Function& f, Method method, Sets sets) {
  thread_local LivenessScratch scratch;
  const Status s = Compute(f, method, sets, &scratch);
  if (scratch.RetainedBytes() > LivenessScratch::kMaxRetainedBytes) scratch = LivenessScratch();
  return s;
}

template <class Scratch>
Status Liveness::Compute(const Function& f, Method method, Sets sets, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nv = f.num_vregs();
  const uint64_t words = static_cast<uint64_t>(nb) * ((nv + 63) / 64);
  const bool dense =
      method == Method::kDense ||
      (method == Method::kAuto &&
       words <= kDenseWordsPerElement * (f.operands.size() + f.branch_args.size() + nb));
  // A block's instructions' operands are one contiguous run of f.operands (the tables tile
  // their arrays, Function::Validate), walked by index; an empty block (invalid) has none.
  auto block_operands = [&](uint32_t b) -> std::pair<uint32_t, uint32_t> {
    const BlockData& bd = f.blocks[b];
    if (bd.inst_begin == bd.inst_end) return {0, 0};
    return {f.insts[bd.inst_begin].operand_begin, f.insts[bd.inst_end - 1].operand_end};
  };
  // One walk over the operands finds the defining blocks and the use sites outside them, block
  // by block: the dense method's gen sets; the sparse method groups them by vreg (SparseLiveIn).
  // A use is a site unless its vreg is defined earlier in its own block: in SSA a definition
  // in the use's block comes before the use (a block parameter at the block's entry), so a
  // vreg not defined yet when its use is met (kNoBlock) is defined in another block.
  // `sites` is a buffer: its size is a high-water mark (grown, never shrunk, so a worker's
  // later functions find it large enough), the count of entries made is local. Room is made
  // before the walk, which then writes without capacity checks.
  constexpr uint32_t kNoBlock = UINT32_MAX;
  def_block_.assign(nv, kNoBlock);
  auto ensure = [](auto& buffer, size_t n) {
    if (buffer.size() < n) buffer.resize(std::max(n, 2 * buffer.size()));
  };
  std::vector<std::pair<uint32_t, uint32_t>>& sites = scratch->sites;  // (vreg, block)
  ensure(sites, f.operands.size() + f.branch_args.size());
  std::pair<uint32_t, uint32_t>* const site = sites.data();
  size_t num_sites = 0;
  std::vector<uint32_t>& sites_begin = scratch->sites_begin;
  sites_begin.resize(nb + 1);
  uint32_t* const def_block = def_block_.data();
  // The dense method also takes its kill sets (the vregs defined in each block) from the walk,
  // when every vreg has one definition (valid input); otherwise DenseRows sorts the vregs by
  // def_block_ (the last definition found), as the sparse method stops there.
  std::vector<uint32_t>& kills = scratch->kills;
  std::vector<uint32_t>& kill_begin = scratch->kill_begin;
  size_t num_kills = 0;
  bool one_def = true;
  if (dense) {
    ensure(kills, f.operands.size() + f.block_params.size());
    kill_begin.resize(nb + 1);
  }
  commute_blocks_.clear();
  auto walk = [&]<bool kKills>() {
    uint32_t* const kill = kills.data();
    for (uint32_t b = 0; b < nb; ++b) {
      // The AND of the block's operands' commutes_with: kNoCommute (all ones) unless one has a
      // partner.
      uint8_t commute = Operand::kNoCommute;
      sites_begin[b] = static_cast<uint32_t>(num_sites);
      if constexpr (kKills) kill_begin[b] = static_cast<uint32_t>(num_kills);
      for (VReg p : f.Params(Block(b))) {
        if constexpr (kKills) {
          one_def &= def_block[p.index] == kNoBlock;
          kill[num_kills++] = p.index;
        }
        def_block[p.index] = b;
      }
      const auto [first, last] = block_operands(b);
      for (uint32_t k = first; k < last; ++k) {
        const Operand& op = f.operands[k];
        commute &= op.commutes_with;
        if (op.is_def()) {
          if constexpr (kKills) {
            one_def &= def_block[op.vreg.index] == kNoBlock;
            kill[num_kills++] = op.vreg.index;
          }
          def_block[op.vreg.index] = b;
        } else if (def_block[op.vreg.index] != b) {
          site[num_sites++] = {op.vreg.index, b};
        }
      }
      if (commute != Operand::kNoCommute) commute_blocks_.push_back(b);
      for (const SuccEdge& e : f.Succs(Block(b)))
        for (VReg a : f.Args(e))
          if (def_block[a.index] != b) site[num_sites++] = {a.index, b};
    }
    if constexpr (kKills) kill_begin[nb] = static_cast<uint32_t>(num_kills);
  };
  if (dense)
    walk.template operator()<true>();
  else
    walk.template operator()<false>();
  // A vreg without a definition (invalid input, which Validate() reports) reads as defined in
  // the entry, as DefBlock and the kill sets need a block. With the kill sets (dense), nv
  // definitions of which none redefines a vreg define every vreg: then there is none to find.
  if (!(dense && one_def && num_kills == nv))
    for (uint32_t v = 0; v < nv; ++v)
      if (def_block[v] == kNoBlock) {
        def_block[v] = 0;
        one_def = false;
      }
  sites_begin[nb] = static_cast<uint32_t>(num_sites);
  livein_count_.assign(nv, 0);
  counted_ = true;
  num_blocks_ = nb;
  num_vregs_ = nv;
  lists_ = false;
  rows_live_out_ = false;
  by_loop_forest_ = false;
  const bool rows = dense && DenseRows(f, one_def, scratch);
  if (rows) {
    // Reaching the entry: the error names the first such vreg (the lowest of the entry's row),
    // as the sparse walk does.
    for (uint32_t w = 0; nb > 0 && w < row_words_; ++w)
      if (rows_[w] != 0) {
        const uint32_t v = 64 * w + static_cast<uint32_t>(__builtin_ctzll(rows_[w]));
        return Error(absl::StrCat("regalloc input: v", v, " (defined in block", def_block_[v],
                                  ") is used on a path that skips its definition"));
      }
    if (sets == Sets::kLiveOutOnly) {
      DenseLiveOutRows(f, scratch);
      return Status::Ok();
    }
    livein_begin_.assign(nb + 1, 0);
    DenseLiveInLists(f, scratch);
  } else {
    livein_begin_.assign(nb + 1, 0);
    EGRET_TRY(SparseLiveIn(f, num_sites, scratch));
  }
  EGRET_TRY(LiveOut(f, rows, scratch));
  lists_ = true;
  return Status::Ok();
}

size_t Liveness::RetainedBytes() const {
  return (def_block_.capacity() + livein_count_.capacity() + livein_begin_.capacity() +
          liveout_begin_.capacity() + liveout_end_.capacity() + liveout_row_.capacity() +
          commute_blocks_.capacity()) *
             sizeof(uint32_t) +
         sets_.capacity() * sizeof(VReg) + rows_.capacity() * sizeof(uint64_t);
}

namespace {

// Lane j (bits 8j..8j+7) of kSpread[x] is bit j of x: adding kSpread[x] to a word of eight byte
// lanes counts the eight bits of byte x at once.
constexpr std::array<uint64_t, 256> kSpread = [] {
  std::array<uint64_t, 256> t{};
  for (uint32_t x = 0; x < 256; ++x)
    for (uint32_t j = 0; j < 8; ++j)
      if ((x >> j) & 1) t[x] |= uint64_t{1} << (8 * j);
  return t;
}();

// Column sums of bit rows: per nonzero row word, a table add per byte into eight byte-lane
// accumulators (lane word 8w + k counts bits 64w + 8k .. 64w + 8k + 7) instead of work per set
// bit. A lane holds at most 255, so the lanes are emptied into the counts (Flush) at least
// every 255 rows.
class ColumnLanes {
 public:
  ColumnLanes(uint32_t nw, std::vector<uint64_t>* lanes) {
    lanes->assign(8 * static_cast<size_t>(nw), 0);
    lane_ = lanes->data();
    nw_ = nw;
  }
  // Counts the bits of word w of one row.
  void Add(uint64_t x, uint32_t w) {
    uint64_t* const l = lane_ + 8 * w;
    for (uint32_t k = 0; k < 8; ++k) l[k] += kSpread[(x >> (8 * k)) & 0xff];
  }
  // count[v] += lane count of bit v (count has room for 64 * nw entries); the lanes read zero.
  void Flush(uint32_t* count) {
    for (uint32_t i = 0; i < 8 * nw_; ++i) {
      const uint64_t a = lane_[i];
      if (a == 0) continue;
      lane_[i] = 0;
      for (uint32_t j = 0; j < 8; ++j)
        count[8 * i + j] += static_cast<uint32_t>((a >> (8 * j)) & 0xff);
    }
  }

 private:
  uint64_t* lane_;
  uint32_t nw_;
};

// count[v] += the number of the n rows (nw words each) that hold bit v; count has room for
// 64 * nw entries.
void AddColumnSums(const uint64_t* rows, uint32_t n, uint32_t nw, uint32_t* count,
                   std::vector<uint64_t>* lanes) {
  ColumnLanes sums(nw, lanes);
  for (uint32_t b0 = 0; b0 < n; b0 += 255) {
    const uint32_t b1 = std::min(n, b0 + 255);
    for (const uint64_t* p = rows + static_cast<size_t>(b0) * nw;
         p < rows + static_cast<size_t>(b1) * nw; p += nw)
      for (uint32_t w = 0; w < nw; ++w)
        if (p[w] != 0) sums.Add(p[w], w);
    sums.Flush(count);
  }
}

// The loop method's first check (see DenseRows): the tables' loops are laid out in order and
// every block is reached by forward edges. Every block's innermost loop (loop_header) is a header
// laid out at or before it, every header's parent is a header laid out before it, the entry is in
// no loop, loops nest at most 63 deep, and every block is reached from the entry by edges to
// later blocks. Fills depth[b], the number of loops around b (a header is in its own loop).
bool LoopsInLayoutOrder(const Function& f, uint8_t* depth, uint8_t* reached) {
  constexpr uint32_t kNoLoop = Function::kNoLoop;
  const uint32_t nb = f.num_blocks();
  const uint32_t* const header = f.loop_header.data();
  const uint32_t* const parent = f.loop_parent.data();
  if (header[0] != kNoLoop) return false;
  std::fill(reached, reached + nb, uint8_t{0});
  reached[0] = 1;
  for (uint32_t b = 0; b < nb; ++b) {
    const uint32_t h = header[b];
    uint32_t d = 0;
    if (h == b) {
      const uint32_t p = parent[b];
      if (p == kNoLoop)
        d = 1;
      else if (p < b && header[p] == p)
        d = depth[p] + 1u;
      else
        return false;
    } else if (h != kNoLoop) {
      if (h > b || header[h] != h) return false;
      d = depth[h];
    }
    if (d > 63 || !reached[b]) return false;
    depth[b] = static_cast<uint8_t>(d);
    for (const SuccEdge& e : f.Succs(Block(b)))
      if (e.block.index > b) reached[e.block.index] = 1;
  }
  return true;
}

// Whether loop `l` (a header) encloses block y (contains it; a header's own loop contains it),
// once LoopsInLayoutOrder has accepted the tables: up y's loops to l's depth.
inline bool Encloses(const Function& f, const uint8_t* depth, uint32_t l, uint32_t y) {
  uint32_t x = f.loop_header[y];
  if (x == l) return true;
  if (x == Function::kNoLoop) return false;
  for (uint32_t d = depth[x], dl = depth[l]; d > dl; --d) x = f.loop_parent[x];
  return x == l;
}

}  // namespace

template <class Scratch>
bool Liveness::DenseRows(const Function& f, bool kills_found, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nv = f.num_vregs(), nw = (nv + 63) / 64;
  row_words_ = nw;
  // Kill sets: the vregs by defining block. From the operand walk when every vreg has one
  // definition; else by a counting sort over def_block_. A vreg is never live into the block
  // def_block_ names, exactly where the sparse walk stops.
  std::vector<uint32_t>& kill_begin = scratch->kill_begin;
  std::vector<uint32_t>& kills = scratch->kills;
  if (!kills_found) {
    kill_begin.assign(nb + 1, 0);
    for (uint32_t v = 0; v < nv; ++v) ++kill_begin[def_block_[v] + 1];
    for (uint32_t b = 0; b < nb; ++b) kill_begin[b + 1] += kill_begin[b];
    if (kills.size() < nv) kills.resize(nv);
    std::vector<uint32_t>& fill = scratch->fill;
    fill.assign(kill_begin.begin(), kill_begin.end() - 1);
    for (uint32_t v = 0; v < nv; ++v) kills[fill[def_block_[v]]++] = v;
  }
  const std::pair<uint32_t, uint32_t>* const site = scratch->sites.data();
  const uint32_t* const sites_begin = scratch->sites_begin.data();
  // in(b) = (union of in(s) over successors s) - kill(b) + sites(b); gen and kill are disjoint
  // (a site is a use outside its vreg's defining block). rows_ is a buffer (grown, never shrunk
  // or cleared: clearing it cost more than the sweeps); row b holds in(b) once b is visited.
  std::vector<uint64_t>& bits = rows_;
  if (bits.size() < static_cast<size_t>(nb) * nw)
    bits.resize(std::max(static_cast<size_t>(nb) * nw, 2 * bits.size()));
  std::vector<uint64_t>& row = scratch->row;
  row.resize(nw);
  uint64_t* const out = row.data();
  // The loop method (Brandner et al., "Computing liveness sets for SSA-form programs", 2011),
  // when the loop tables are exact: one sweep over the acyclic graph of forward edges, then each
  // block's row gets the rows of the headers of the loops around it. Exact means, besides
  // LoopsInLayoutOrder: (C2) an edge to a block laid out at or before its source goes to the
  // header of a loop around the source; (C3) an edge to a later block enters a loop only at its
  // header (the target's loops other than its own enclose the source); (C4) every block reaches
  // the header of its innermost loop (a header: of its parent's loop) inside that loop. Then, for
  // reachable blocks, the first sweep misses only what flows over an edge to a header (a simple
  // path from a block to a use leaves no loop that encloses both it and the edge's source), so
  // the headers' rows complete the sets; and a header's row adds nothing that is not live (C4, and
  // a vreg live into a header is defined outside its loop, else a path from the entry would skip
  // the definition, which the entry's row reports either way). The first sweep is also the
  // fixpoint's first sweep: when a check fails, the fixpoint goes on from it.
  std::vector<uint8_t>& depth_buffer = scratch->loop_depth;
  std::vector<uint64_t>& reach_buffer = scratch->loop_reach;
  bool by_loops = nb > 1 && f.loop_header.size() == nb && f.loop_parent.size() == nb;
  if (by_loops) {
    depth_buffer.resize(nb);
    reach_buffer.resize(nb);
    scratch->dirty.resize(nb);  // the fixpoint's dirty flags, free until then
    by_loops = LoopsInLayoutOrder(f, depth_buffer.data(), scratch->dirty.data());
  }
  const uint8_t* const depth = depth_buffer.data();
  // reach[b], bit d - 1: b reaches the header of its depth-d loop inside that loop (C4).
  uint64_t* const reach = reach_buffer.data();
  const uint32_t* const header = f.loop_header.data();
  const uint32_t* const parent = f.loop_parent.data();
  auto sweeps = [&]<uint32_t kWords>() {
    const uint32_t nw = kWords != 0 ? kWords : row_words_;
    // The first sweep, backwards over the layout, over edges to later blocks only (a later
    // block is visited already; an earlier one, or the block itself, would read as empty).
    bool exact = by_loops;
    for (uint32_t b = nb; b-- > 0;) {
      uint64_t* const in = bits.data() + static_cast<size_t>(b) * nw;
      bool any = false;
      uint64_t reaches = 0;
      for (const SuccEdge& e : f.Succs(Block(b))) {
        const uint32_t s = e.block.index;
        if (s > b) {
          const uint64_t* const from = bits.data() + static_cast<size_t>(s) * nw;
          if (!any)
            std::copy(from, from + nw, in);
          else
            for (uint32_t w = 0; w < nw; ++w) in[w] |= from[w];
          any = true;
          if (exact) {
            // s's loops other than its own: the ones an edge into s may come from (C3).
            const uint32_t h = header[s];
            const uint32_t up = h == s ? parent[s] : h;
            if (up != Function::kNoLoop) {
              const uint32_t d = depth[s] - (h == s ? 1u : 0u);
              exact &= Encloses(f, depth, up, b);
              reaches |= reach[s] & ((uint64_t{1} << d) - 1);
            }
          }
        } else if (exact) {  // to a header of a loop around b (C2)
          exact &= header[s] == s && Encloses(f, depth, s, b);
          reaches |= uint64_t{1} << ((depth[s] - 1) & 63);
        }
      }
      if (!any) std::fill(in, in + nw, 0);
      for (uint32_t k = kill_begin[b]; k < kill_begin[b + 1]; ++k)
        in[kills[k] >> 6] &= ~(uint64_t{1} << (kills[k] & 63));
      for (uint32_t k = sites_begin[b]; k < sites_begin[b + 1]; ++k)
        in[site[k].first >> 6] |= uint64_t{1} << (site[k].first & 63);
      if (exact) {
        reach[b] = reaches;
        const uint32_t h = header[b];
        const uint32_t d = h == Function::kNoLoop ? 0 : depth[b] - (h == b ? 1u : 0u);
        exact &= d == 0 || ((reaches >> (d - 1)) & 1) != 0;  // C4
      }
    }
    if (exact) {
      // Each block gets its innermost loop's row (a header: its parent's), final already: the
      // loop's header is laid out before the block, and has had its own loops' rows.
      for (uint32_t b = 1; b < nb; ++b) {
        const uint32_t h = header[b];
        const uint32_t up = h == b ? parent[b] : h;
        if (up == Function::kNoLoop) continue;
        uint64_t* const in = bits.data() + static_cast<size_t>(b) * nw;
        const uint64_t* const from = bits.data() + static_cast<size_t>(up) * nw;
        for (uint32_t w = 0; w < nw; ++w) in[w] |= from[w];
      }
      by_loop_forest_ = true;
      return true;
    }
    // The fixpoint from the first sweep on: a block whose set changed makes its predecessors
    // dirty, and one laid out at or after it needs another sweep. After the first sweep, the
    // dirty blocks are the sources of the edges back to a block with a nonempty set.
    std::vector<uint8_t>& dirty = scratch->dirty;
    dirty.assign(nb, 0);
    bool again = false;
    for (uint32_t b = 0; b < nb; ++b) {
      const uint64_t* const in = bits.data() + static_cast<size_t>(b) * nw;
      if (std::all_of(in, in + nw, [](uint64_t w) { return w == 0; })) continue;
      for (Block p : f.Preds(Block(b)))
        if (p.index >= b) {
          dirty[p.index] = 1;
          again = true;
        }
    }
    uint64_t budget = (kDenseVisitsPerBlock - 1) * nb + 64;
    while (again) {
      again = false;
      for (uint32_t b = nb; b-- > 0;) {
        if (!dirty[b]) continue;
        if (budget-- == 0) return false;
        bool any = false;  // out holds a successor's set
        for (const SuccEdge& e : f.Succs(Block(b))) {
          const uint64_t* from = bits.data() + static_cast<size_t>(e.block.index) * nw;
          if (!any)
            std::copy(from, from + nw, out);
          else
            for (uint32_t w = 0; w < nw; ++w) out[w] |= from[w];
          any = true;
        }
        if (!any) std::fill(out, out + nw, 0);
        for (uint32_t k = kill_begin[b]; k < kill_begin[b + 1]; ++k)
          out[kills[k] >> 6] &= ~(uint64_t{1} << (kills[k] & 63));
        for (uint32_t k = sites_begin[b]; k < sites_begin[b + 1]; ++k)
          out[site[k].first >> 6] |= uint64_t{1} << (site[k].first & 63);
        uint64_t* const in = bits.data() + static_cast<size_t>(b) * nw;
        dirty[b] = 0;
        if (std::equal(out, out + nw, in)) continue;
        std::copy(out, out + nw, in);
        for (Block p : f.Preds(Block(b))) {
          dirty[p.index] = 1;
          again |= p.index >= b;
        }
      }
    }
    return true;
  };
  switch (nw) {
    case 1:
      return sweeps.template operator()<1>();
    case 2:
      return sweeps.template operator()<2>();
    case 3:
      return sweeps.template operator()<3>();
    case 4:
      return sweeps.template operator()<4>();
    default:
      return sweeps.template operator()<0>();
  }
}

template <class Scratch>
void Liveness::DenseLiveInLists(const Function& f, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nv = f.num_vregs(), nw = row_words_;
  const std::vector<uint64_t>& bits = rows_;
  // The sets, block after block, each in vreg order: into a buffer with room for a whole row
  // before each block (written without capacity checks), then into sets_ once its size is known.
  std::vector<uint32_t>& found = scratch->use_blocks;  // the sparse method's, unused here
  size_t n = 0;
  for (uint32_t b = 0; b < nb; ++b) {
    if (found.size() < n + nv) found.resize(std::max(n + nv, 2 * found.size()));
    uint32_t* const o = found.data();
    const uint64_t* in = bits.data() + static_cast<size_t>(b) * nw;
    for (uint32_t w = 0; w < nw; ++w)
      for (uint64_t word = in[w]; word != 0; word &= word - 1) {
        const uint32_t v = 64 * w + static_cast<uint32_t>(__builtin_ctzll(word));
        o[n++] = v;
        ++livein_count_[v];
      }
    livein_begin_[b + 1] = static_cast<uint32_t>(n);
  }
  ReserveSets(f);
  sets_.resize(n);
  for (size_t k = 0; k < n; ++k) sets_[k] = VReg(found[k]);
}

template <class Scratch>
void Liveness::DenseLiveOutRows(const Function& f, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nw = row_words_;
  (void)scratch;
  counted_ = false;  // NumLiveIn counts on its first call (CountLiveIns)
  // Live-out rows: a jump without arguments reads its successor's live-in row; every other
  // block gets a union row after the live-in rows (its successors' rows and its arguments).
  liveout_row_.resize(nb);
  uint32_t next = nb;
  for (uint32_t b = 0; b < nb; ++b) {
    const auto succs = f.Succs(Block(b));
    liveout_row_[b] =
        succs.size() == 1 && succs[0].arg_begin == succs[0].arg_end ? succs[0].block.index : next++;
  }
  if (rows_.size() < static_cast<size_t>(next) * nw)  // keeps the live-in rows
    rows_.resize(std::max(static_cast<size_t>(next) * nw, 2 * rows_.size()));
  uint64_t* const rows = rows_.data();
  for (uint32_t b = 0; b < nb; ++b) {
    if (liveout_row_[b] < nb) continue;
    uint64_t* const out = rows + static_cast<size_t>(liveout_row_[b]) * nw;
    const auto succs = f.Succs(Block(b));
    if (succs.empty()) {
      std::fill(out, out + nw, 0);
      continue;
    }
    const uint64_t* in = rows + static_cast<size_t>(succs[0].block.index) * nw;
    std::copy(in, in + nw, out);
    for (size_t k = 1; k < succs.size(); ++k) {
      in = rows + static_cast<size_t>(succs[k].block.index) * nw;
      for (uint32_t w = 0; w < nw; ++w) out[w] |= in[w];
    }
    for (const SuccEdge& e : succs)
      for (VReg a : f.Args(e)) out[a.index >> 6] |= uint64_t{1} << (a.index & 63);
  }
  rows_live_out_ = true;
}

// NumLiveIn without lists: the column sums of the live-in rows (count has room for every bit of a
// row), made when first asked.
void Liveness::CountLiveIns() const {
  thread_local std::vector<uint64_t> lanes;
  livein_count_.assign(64 * static_cast<size_t>(row_words_), 0);
  AddColumnSums(rows_.data(), num_blocks_, row_words_, livein_count_.data(), &lanes);
  livein_count_.resize(num_vregs_);
  counted_ = true;
}

template <class Scratch>
Status Liveness::SparseLiveIn(const Function& f, size_t num_sites, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nv = f.num_vregs();
  std::vector<uint32_t>& begin = scratch->begin;
  const std::pair<uint32_t, uint32_t>* const site = scratch->sites.data();
  auto ensure = [](auto& buffer, size_t n) {
    if (buffer.size() < n) buffer.resize(std::max(n, 2 * buffer.size()));
  };
  // The sites grouped by vreg (counting sort, in the order found per vreg).
  begin.assign(nv + 1, 0);
  for (size_t k = 0; k < num_sites; ++k) ++begin[site[k].first + 1];
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
  // livein_begin_ (all zero) counts per block first (at livein_begin_[b + 1]).
  for (uint32_t v = 0; v < nv; ++v) {
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
  ReserveSets(f);
  sets_.resize(num_pairs);
  fill.assign(livein_begin_.begin(), livein_begin_.end() - 1);
  for (size_t k = 0; k < num_pairs; ++k) sets_[fill[pairs[k].first]++] = VReg(pairs[k].second);
  return Status::Ok();
}

// Room for the live-in sets (livein_begin_ is final) and the live-out unions after them, in one
// allocation: the unions read live-in sets of sets_ while appending to it.
void Liveness::ReserveSets(const Function& f) {
  const uint32_t nb = f.num_blocks();
  size_t bound = livein_begin_[nb];  // with the unions' total size before removing duplicates
  for (uint32_t b = 0; b < nb; ++b)
    for (const SuccEdge& e : f.Succs(Block(b)))
      bound += livein_begin_[e.block.index + 1] - livein_begin_[e.block.index] + f.Args(e).size();
  sets_.clear();
  sets_.reserve(bound);
}

template <class Scratch>
Status Liveness::LiveOut(const Function& f, bool dense, Scratch* scratch) {
  const uint32_t nb = f.num_blocks(), nv = f.num_vregs(), nw = (nv + 63) / 64;
  // sets_: the live-in sets, block after block, then the live-out sets that are not shared.
  // Live-out: union of the successors' live-ins and the branch arguments. A block with one
  // successor and no arguments (a jump) shares that successor's live-in set (the union would
  // copy it in the same order: a set has no duplicates). The first successor's set is copied
  // as it is; each later one adds what is new, in vreg order, and each edge's arguments follow
  // its successor's set. Membership: by the dense method's rows when it ran (a word at a time),
  // else by a stamp per vreg.
  std::vector<uint32_t>& vstamp = scratch->vstamp;
  if (!dense) vstamp.assign(nv, UINT32_MAX);
  const uint64_t* const rows = rows_.data();
  std::vector<uint64_t>& acc_row = scratch->row;  // the dense method's scratch row, free now
  acc_row.resize(nw);
  uint64_t* const acc = acc_row.data();
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
    // Appends stay within the capacity reserved (ReserveSets): LiveIn spans stay valid.
    bool first = true;
    for (const SuccEdge& e : succs) {
      const uint32_t s = e.block.index;
      if (dense) {
        const uint64_t* in = rows + static_cast<size_t>(s) * nw;
        if (first) {
          for (VReg v : LiveInList(e.block)) sets_.push_back(v);
          std::copy(in, in + nw, acc);
        } else {
          for (uint32_t w = 0; w < nw; ++w) {
            for (uint64_t fresh = in[w] & ~acc[w]; fresh != 0; fresh &= fresh - 1)
              sets_.push_back(VReg(64 * w + static_cast<uint32_t>(__builtin_ctzll(fresh))));
            acc[w] |= in[w];
          }
        }
        for (VReg a : f.Args(e)) {
          const uint64_t bit = uint64_t{1} << (a.index & 63);
          if (acc[a.index >> 6] & bit) continue;
          acc[a.index >> 6] |= bit;
          sets_.push_back(a);
        }
      } else {
        if (first) {
          for (VReg v : LiveInList(e.block)) {
            vstamp[v.index] = b;
            sets_.push_back(v);
          }
        } else {
          for (VReg v : LiveInList(e.block))
            if (vstamp[v.index] != b) {
              vstamp[v.index] = b;
              sets_.push_back(v);
            }
        }
        for (VReg a : f.Args(e))
          if (vstamp[a.index] != b) {
            vstamp[a.index] = b;
            sets_.push_back(a);
          }
      }
      first = false;
    }
    liveout_end_[b] = static_cast<uint32_t>(sets_.size());
  }
  return Status::Ok();
}

}  // namespace egret::regalloc
