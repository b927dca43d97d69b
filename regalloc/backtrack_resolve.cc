// backtrack_resolve.cc: from bundles to the Output (see backtrack.h): operand allocations, the
// moves at gaps inside blocks and on CFG edges (each set sequentialized by the parallel-move
// resolver), stores after definitions, stack maps and shared spill slots.
//
// Where a value is: in the register of the assigned bundle covering the point, else in its slot
// (valid everywhere the value is live, see "spill at def" in backtrack.h), or, for a
// rematerializable vreg without stack operands, nowhere: it is recomputed (Remat(v)) where a
// register piece begins, and never stored. Moves are needed only
// where a register piece begins: at a gap inside a block (a move or a reload), at a block's start
// (on its incoming edges), and after a definition whose location is not where the value lives on.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "regalloc/backtrack_impl.h"

namespace egret::regalloc {

[[gnu::always_inline]] inline Allocation Backtrack::Loc(uint32_t v, uint32_t p) const {
  const Piece* a = pieces_.data() + piece_begin_[v];
  const Piece* e = pieces_.data() + piece_begin_[v + 1];
  // The first piece starting after p: most vregs have a handful of pieces, scanned in order.
  const Piece* it = a;
  if (e - a <= 8)
    while (it < e && it->from <= p) ++it;
  else
    it = std::upper_bound(a, e, p, [](uint32_t x, const Piece& q) { return x < q.from; });
  if (it != a && p < it[-1].to) return Allocation::Reg(it[-1].reg);
  return Allocation::Stack(v);  // virtual slot: the vreg's index
}

// Loc(v, p) searched from v's piece `near` outwards: the pieces are sorted and disjoint, so the
// one holding p, if any, is the last starting at or before p. A few steps find it when p is
// near; farther, Loc's search does.
Allocation Backtrack::LocNear(uint32_t v, uint32_t near, uint32_t p) const {
  constexpr int kSteps = 4;
  const uint32_t lo = piece_begin_[v], hi = piece_begin_[v + 1];
  uint32_t k = near;
  int steps = 0;
  if (pieces_[k].from > p) {
    while (k > lo && pieces_[k].from > p && steps++ < kSteps) --k;
    if (pieces_[k].from > p) return k == lo ? Allocation::Stack(v) : Loc(v, p);
  } else {
    while (k + 1 < hi && pieces_[k + 1].from <= p && steps++ < kSteps) ++k;
    if (k + 1 < hi && pieces_[k + 1].from <= p) return Loc(v, p);
  }
  return p < pieces_[k].to ? Allocation::Reg(pieces_[k].reg) : Allocation::Stack(v);
}

// A remat edit of a value computed from an operand names the operand's register: the edit's
// parallel move's target state is at e->point, at its successor's start if `at_pred_end`
// (RematSourcePoint). OperandInRegAtRemats or OperandInRegFor made sure it is in one there.
Status Backtrack::SetRematSource(Edit* e, bool at_pred_end) const {
  const uint32_t v = e->from.remat_vreg();
  if (!f_->vregs[v].remat_reads_operand) return Status::Ok();
  const Allocation src =
      Loc(f_->RematOperand(def_inst_[v]).index, RematSourcePoint(e->point.inst(), at_pred_end));
  if (!src.is_reg())
    return Error(absl::StrCat("regalloc internal: remat of v", v, " at ", e->point.ToString(),
                              " finds its operand in no register"));
  e->remat_src = src.reg();
  return Status::Ok();
}

bool Backtrack::Crosses(uint32_t v, uint32_t inst) const {
  return std::binary_search(cross_.begin(), cross_.end(), Cross{inst, v},
                            [](const Cross& a, const Cross& b) {
                              return a.vreg != b.vreg ? a.vreg < b.vreg : a.inst < b.inst;
                            });
}

// Where v is right after instruction `inst` (before the next gap's moves).
[[gnu::always_inline]] inline Allocation Backtrack::EndOf(uint32_t v, uint32_t inst) const {
  if (def_inst_[v] == inst) return def_loc_[v];
  if (f_->vregs[v].is_ref && Crosses(v, inst)) return Allocation::Stack(v);
  return Loc(v, 4 * inst + 3);
}

uint32_t Backtrack::RematSourcePoint(uint32_t inst, bool at_pred_end) const {
  if (!at_pred_end) return 4 * inst;
  const Block s = f_->Succs(Block(block_of_inst_[inst]))[0].block;
  return 4 * f_->blocks[s.index].inst_begin;
}

// Whether a remat of v, run by the parallel move whose target point is `p`, can read v's
// operand u: u is in a register at p. The remat runs after the plain moves of its parallel move
// (parallel_move.h), so it reads u where u is after them, Loc(u, p). A rematerializable u must
// already be in a register before the moves, at the end of instruction `before` (kNone: no
// moves of u precede, as at a block's first instruction after the edge moves): its own remat,
// in the same parallel move, could come after v's. On an edge into block `succ` (kNone
// otherwise), u must not be one of its parameters: moves at a predecessor's end run before the
// parameters take their arguments' names.
bool Backtrack::OperandInRegFor(uint32_t v, uint32_t p, uint32_t before, uint32_t succ) const {
  const uint32_t u = f_->RematOperand(def_inst_[v]).index;
  if (!Loc(u, p).is_reg()) return false;
  if (f_->vregs[u].remat && before != kNone && !EndOf(u, before).is_reg()) return false;
  if (succ != kNone)
    for (VReg param : f_->Params(Block(succ)))
      if (param.index == u) return false;
  return true;
}

// The points where Resolve recomputes v are where one of its register pieces begins without v
// in a register just before: (a) at a gap inside a block, (c) for a fixed-register use or a
// copied reuse input, and on an edge into a block v enters in a register from a predecessor
// that left it elsewhere. Each needs OperandInRegFor. Pieces and uses of v are walked once:
// linear in their number (and predecessors).
bool Backtrack::OperandInRegAtRemats(uint32_t v) const {
  auto first_in_block = [&](uint32_t j) { return f_->blocks[block_of_inst_[j]].inst_begin == j; };
  for (uint32_t k = piece_begin_[v]; k < piece_begin_[v + 1]; ++k) {  // (a)
    const uint32_t from = pieces_[k].from;
    if (from % 4 != 0) continue;
    const uint32_t j = from / 4;
    if (first_in_block(j) || def_inst_[v] == j || EndOf(v, j - 1).is_reg()) continue;
    if (!OperandInRegFor(v, from, j - 1, kNone)) return false;
  }
  for (uint32_t k = use_begin_[v]; k < use_begin_[v + 1]; ++k) {  // (c)
    const Operand& op = f_->operands[uses_[k].operand];
    if (!op.is_use() ||
        !(op.constraint == Constraint::kFixedReg || (op_flags_[uses_[k].operand] & kCopyIntoReuse)))
      continue;
    const uint32_t i = uses_[k].inst;
    const bool first = first_in_block(i);
    if ((first ? Loc(v, 4 * i) : EndOf(v, i - 1)).is_reg()) continue;
    if (!OperandInRegFor(v, 4 * i, first ? kNone : i - 1, kNone)) return false;
  }
  // Edges: into the blocks v is live into, other than its defining block, which are the blocks
  // whose first point lies in one of v's ranges (a range covers whole blocks between its ends:
  // ranges_ joins v's ranges in consecutive blocks). v's ranges are sorted (v is no reference),
  // so the block starts come in increasing order and one cursor over its pieces finds the piece
  // holding each (Loc without a search). EndOf(v, last) is a register when that piece also
  // holds the predecessor's end (v is not defined by its last instruction, and no reference:
  // Validate() rejects rematerializable ones), as on a fallthrough edge.
  const bool fast_end = !f_->vregs[v].is_ref;
  const uint32_t def_block = block_of_inst_[def_inst_[v]];
  const Piece* pc = pieces_.data() + piece_begin_[v];
  const Piece* const pe = pieces_.data() + piece_begin_[v + 1];
  const uint32_t nb = f_->num_blocks();
  for (uint32_t k = range_begin_[v]; k < range_begin_[v + 1]; ++k)  // edges
    for (uint32_t s = block_of_inst_[ranges_[k].from / 4];
         s < nb && 4 * f_->blocks[s].inst_begin < ranges_[k].to; ++s) {
      const uint32_t start = 4 * f_->blocks[s].inst_begin;
      if (start < ranges_[k].from || s == def_block) continue;
      while (pc < pe && pc->to <= start) ++pc;
      if (pc == pe || pc->from > start) continue;  // Loc(v, start) is not a register
      for (Block p : f_->Preds(Block(s))) {
        const uint32_t last = f_->blocks[p.index].inst_end - 1;
        if (fast_end && pc->from <= 4 * last + 3 && 4 * last + 3 < pc->to && def_inst_[v] != last)
          continue;
        if (EndOf(v, last).is_reg()) continue;
        if (!OperandInRegFor(v, start, last, s)) return false;
      }
    }
  return true;
}

namespace {
struct GapMove {
  uint32_t inst;
  Allocation from, to;
  RegClass cls;
};
struct GapOp {  // an operand with moves at a gap next to its instruction
  uint32_t inst, operand;
  // A def's location right after its instruction's gap, 4 * inst + 4, before slot mapping:
  // its register piece's there, else a slot.
  Allocation next;
};
struct EdgeGroup {  // the edits of one edge's parallel move, all at one (point, phase)
  uint32_t point;   // ProgPoint bits
  // 0: edge moves at a block's top, 2: edge moves at its end; the moves inside blocks at the
  // same point come between (1).
  uint8_t phase;
  uint32_t begin;  // into edge_edits, up to the next group's begin
};

// Resolve's temporaries, kept per thread from function to function (as RunBacktrack keeps its
// BacktrackScratch): a worker resolving function after function reuses their capacity instead
// of allocating and freeing them per function. Resolve empties each before use; after a
// function that grew them past kMaxRetainedBytes, they are freed.
struct ResolveTemps {
  ParallelMoveResolver resolver;
  std::vector<Edit> edits;       // the gap moves' edits, in point order
  std::vector<Edit> edge_edits;  // the edge moves' edits, per edge
  std::vector<EdgeGroup> edge_groups;
  std::vector<uint32_t> group_order;
  std::vector<GapMove> gap;
  std::vector<GapMove> gap_merged;  // Resolve's merge of the gap moves' two parts
  std::vector<ParallelMoveResolver::Move> moves;
  std::vector<std::pair<Allocation, Allocation>> seq;
  std::vector<uint32_t> phys;
  std::vector<SlotExtent> items[kNumRegClasses];
  // A register piece as found in a bundle. As Range: default construction writes nothing
  // (Resolve sizes the list ahead of filling it).
  struct Run {
    Run() {}  // NOLINT(modernize-use-equals-default)
    Run(uint32_t f, uint32_t t, uint32_t v, uint8_t r) : from(f), to(t), vreg(v), reg(r) {}
    uint32_t from, to, vreg;
    uint8_t reg;  // PReg index
  };
  std::vector<Run> runs;
  std::vector<uint32_t> stack_ops, revisit, safepoints, late_slot, slot_vregs, unsettled;
  std::vector<GapOp> gap_ops;
  // Per vreg, how its operands are located: `whole`, its one register wherever it is live, or
  // (none) its pieces from `cursor` on (an index into pieces_, advanced as the operand walk
  // goes).
  struct VRegAt {
    uint32_t cursor;
    Allocation whole;
  };
  std::vector<VRegAt> vreg_at;
  // Per vreg: in one register wherever it is live (pieces in one register covering all its
  // ranges, no reference, not defined by a block's last instruction), so on every edge into a
  // block it is live into, it stays where it is (see the edges), and no piece of it starts
  // inside a block after its definition (its pieces start where its ranges do: at its
  // definition or at the starts of blocks it is live into).
  std::vector<uint8_t> stays;
  std::vector<uint32_t> block_start;
  std::vector<std::pair<uint32_t, uint32_t>> in_reg_span;  // per block

  static constexpr size_t kMaxRetainedBytes = size_t{4} << 20;
  size_t RetainedBytes() const {
    size_t bytes = edits.capacity() * sizeof(Edit) + edge_edits.capacity() * sizeof(Edit) +
                   edge_groups.capacity() * sizeof(EdgeGroup) +
                   group_order.capacity() * sizeof(uint32_t) +
                   (gap.capacity() + gap_merged.capacity()) * sizeof(GapMove) +
                   moves.capacity() * sizeof(ParallelMoveResolver::Move) +
                   seq.capacity() * sizeof(seq[0]) + phys.capacity() * sizeof(uint32_t);
    for (const auto& v : items) bytes += v.capacity() * sizeof(SlotExtent);
    bytes +=
        runs.capacity() * sizeof(Run) +
        (stack_ops.capacity() + revisit.capacity() + safepoints.capacity() + late_slot.capacity() +
         slot_vregs.capacity() + unsettled.capacity() + block_start.capacity()) *
            sizeof(uint32_t) +
        vreg_at.capacity() * sizeof(VRegAt) + gap_ops.capacity() * sizeof(gap_ops[0]) +
        in_reg_span.capacity() * sizeof(in_reg_span[0]) + stays.capacity();
    return bytes;
  }
};

// Free registers at the gaps inside blocks, asked in increasing gap order. A register is busy
// at the gap before instruction j when a register piece holds a value there (a piece starting at
// or before 4j and ending after 4j-1: live across the gap, or moving in), or when instructions
// j-1 or j name it in an operand or a fixed constraint (a definition's register, which may be
// where a value sits until the gap's moves take it). Everything else holds no live value: a value
// is in a piece's register or in its slot, except right after its definition. The sweep over the
// pieces sorted by start is built on the first query and advances with the gaps, so the queries
// cost O(pieces log pieces + queries x registers) in all.
template <class Piece>  // Backtrack's register piece: from, to, reg
class GapScratch final : public ParallelMoveResolver::ScratchSource {
 public:
  GapScratch(const Function& f, const MachineEnv& env, const std::vector<Piece>& pieces,
             const std::vector<Allocation>& allocs)
      : f_(f), env_(env), pieces_(pieces), allocs_(allocs) {}
  void SetGap(uint32_t inst) { inst_ = inst; }

  PReg FreeReg(RegClass cls, const PRegSet& busy_by_moves) override {
    if (!built_) {
      built_ = true;
      by_from_ = pieces_;
      std::sort(by_from_.begin(), by_from_.end(),
                [](const Piece& a, const Piece& b) { return a.from < b.from; });
      busy_until_.assign(PReg::kNumIndices, 0);
    }
    const uint32_t gap = 4 * inst_;
    for (; next_ < by_from_.size() && by_from_[next_].from <= gap; ++next_) {
      uint32_t& until = busy_until_[by_from_[next_].reg.index()];
      until = std::max(until, by_from_[next_].to);
    }
    PRegSet busy = busy_by_moves;
    for (uint32_t i : {inst_ == 0 ? inst_ : inst_ - 1, inst_}) {
      const uint32_t base = f_.insts[i].operand_begin;
      const auto ops = f_.InstOperands(i);
      for (uint32_t k = 0; k < ops.size(); ++k) {
        if (ops[k].constraint == Constraint::kFixedReg) busy.Add(ops[k].fixed);
        if (allocs_[base + k].is_reg()) busy.Add(allocs_[base + k].reg());
      }
    }
    const int c = static_cast<int>(cls);
    for (const auto* list : {&env_.preferred[c], &env_.non_preferred[c]})
      for (PReg r : *list)
        if (!busy.Contains(r) && busy_until_[r.index()] + 1 <= gap) return r;
    return PReg();
  }

 private:
  const Function& f_;
  const MachineEnv& env_;
  const std::vector<Piece>& pieces_;
  const std::vector<Allocation>& allocs_;
  uint32_t inst_ = 1;
  bool built_ = false;
  std::vector<Piece> by_from_;
  std::vector<uint32_t> busy_until_;  // per register index: the end of its latest piece so far
  size_t next_ = 0;
};

// The temporary register of an edge's parallel move: a register of the class that no move
// mentions (UnmentionedRegScratch), that is not held (the live-ins that stay in their register,
// left out of the moves) and that no vreg which `stays` holds at the successor's start: those
// are not on the block's live-in lists, and are found from its live-in set (each in its one
// piece) only when a temporary is needed.
template <class Piece>
class EdgeScratch final : public ParallelMoveResolver::ScratchSource {
 public:
  EdgeScratch(const MachineEnv& env, const Liveness& live, const std::vector<uint8_t>& stays,
              const std::vector<uint32_t>& piece_begin, const std::vector<Piece>& pieces)
      : env_(env), live_(live), stays_(stays), piece_begin_(piece_begin), pieces_(pieces) {}
  void SetSuccessor(uint32_t s) { succ_ = s; }

  PReg FreeReg(RegClass cls, const PRegSet& busy_by_moves) override {
    PRegSet busy = busy_by_moves;
    live_.ForEachLiveIn(Block(succ_), [&](VReg v) {
      if (stays_[v.index]) busy.Add(pieces_[piece_begin_[v.index]].reg);
    });
    const int c = static_cast<int>(cls);
    for (const auto* list : {&env_.preferred[c], &env_.non_preferred[c]})
      for (PReg r : *list)
        if (!busy.Contains(r)) return r;
    return PReg();
  }

 private:
  const MachineEnv& env_;
  const Liveness& live_;
  const std::vector<uint8_t>& stays_;
  const std::vector<uint32_t>& piece_begin_;
  const std::vector<Piece>& pieces_;
  uint32_t succ_ = 0;
};
}  // namespace

Status Backtrack::Resolve() {
  const uint32_t nv = f_->num_vregs();
  // Register pieces per vreg. A bundle's ranges are sorted and disjoint, so touching ranges of
  // one vreg in it are neighbours there (a range of another vreg between them would overlap one
  // of them): each such run is one piece from the start, as the per-vreg join below would make
  // it (not for references, which that join leaves apart). The sort and the join then see a
  // piece per run instead of a range per block (lz20: about 260 K ranges in registers).
  // One walk over the assigned bundles collects the runs with their bundle's register and
  // counts them per vreg; a counting sort by vreg then places them. The runs are at most the
  // arena's ranges.
  thread_local ResolveTemps temps;
  // Whether any vreg is a reference, and the remat flags to start from (see Rematerialization
  // below): set by the per-vreg walk that joins the pieces.
  bool any_ref = false;
  // Whether some rematerializable vreg does not stay in one register (see stays), set as stays
  // is decided; without one, no branch argument can lose its remat below (lz20: 60 of 1,220
  // functions have one).
  bool remat_off_reg = false;
  remat_.resize(nv + kNumRegClasses);  // the per-vreg walk below writes each vreg's
  for (int c = 0; c < kNumRegClasses; ++c) remat_[nv + c] = 0;
  std::vector<ResolveTemps::Run>& runs = temps.runs;
  runs.resize(arena_.size());  // Run() writes nothing
  piece_begin_.assign(nv + 1, 0);
  {
    ResolveTemps::Run* out = runs.data();
    for (const Bundle& b : bundles_) {
      if (b.dead || !b.reg.valid()) continue;
      const uint8_t reg = static_cast<uint8_t>(b.reg.index());
      const Range* rs = arena_.data() + b.begin;
      const Range* const re = arena_.data() + b.end;
      while (rs < re) {
        const uint32_t v = rs->vreg, from = rs->from;
        uint32_t to = rs->to;
        ++rs;
        // (A reference's ranges stay apart: its flag is read only when one touches the next.)
        if (rs < re && rs->from == to && rs->vreg == v && !f_->vregs[v].is_ref)
          for (; rs < re && rs->from == to && rs->vreg == v; ++rs) to = rs->to;
        *out++ = ResolveTemps::Run(from, to, v, reg);
        ++piece_begin_[v + 1];
      }
    }
    runs.resize(out - runs.data());
  }
  for (uint32_t v = 0; v < nv; ++v) piece_begin_[v + 1] += piece_begin_[v];
  pieces_.resize(piece_begin_[nv]);
  {
    std::vector<uint32_t>& fill = tmp_fill_;
    fill.assign(piece_begin_.begin(), piece_begin_.end() - 1);
    for (const ResolveTemps::Run& r : runs)
      pieces_[fill[r.vreg]++] = {r.from, r.to, PReg::FromIndex(r.reg)};
  }
  needs_slot_.assign(nv + kNumRegClasses, 0);
  // Per vreg: its pieces sorted, and touching pieces in one register joined (a value that stays
  // in its register from block to block has one piece, not one per block): Loc's answers and
  // the moves below are the same, and lookups are short. The pieces of a vreg are disjoint, so
  // the order is unique; most vregs have one piece or come sorted, and skip the sort.
  //
  // Each vreg's pieces decide how its operands are located (VRegAt): pieces in one register
  // covering all of its ranges (most vregs: lz20 70.6 K of 73.3 K) give that register to every
  // operand that is looked up; the others keep a cursor over their pieces, which the walk over
  // the operands below advances (it goes in instruction order, so each vreg's lookups come in
  // point order, as Loc's answers would be found from one cursor).
  std::vector<uint8_t>& stays = temps.stays;
  stays.resize(nv);  // the walk writes each
  std::vector<ResolveTemps::VRegAt>& vreg_at = temps.vreg_at;
  // The vregs whose needs_slot_ is set, each once (the step that assigns slots walks only
  // these).
  std::vector<uint32_t>& slot_vregs = temps.slot_vregs;
  slot_vregs.clear();
  // The vregs with register pieces that do not stay in one register, in vreg order (the
  // block live-in walk below looks only at these).
  std::vector<uint32_t>& unsettled = temps.unsettled;
  unsettled.clear();
  vreg_at.resize(nv);  // the walk writes each
  {
    uint32_t kept = 0;
    for (uint32_t v = 0; v < nv; ++v) {
      Piece* a = pieces_.data() + piece_begin_[v];
      Piece* e = pieces_.data() + piece_begin_[v + 1];
      piece_begin_[v] = kept;
      const bool is_ref = f_->vregs[v].is_ref;
      any_ref |= is_ref;
      remat_[v] = f_->vregs[v].remat;  // the remat flags to start from (see Rematerialization)
      bool whole = false;
      if (a == e) {
        if (vreg_size_[v] > 0) {
          needs_slot_[v] = 1;
          slot_vregs.push_back(v);
        }
      } else if (e == a + 1) {  // most vregs: one piece, nothing to sort or join
        const uint32_t len = a->to - a->from;
        pieces_[kept++] = *a;
        if (len < vreg_size_[v]) {
          needs_slot_[v] = 1;
          slot_vregs.push_back(v);
        } else {
          whole = true;
        }
      } else {
        for (Piece* p = a + 1; p < e; ++p)
          if (p->from < p[-1].from) {
            std::sort(a, e, [](const Piece& x, const Piece& y) { return x.from < y.from; });
            break;
          }
        // Not for references: a reference live across a safepoint that also reads it (a late
        // use keeps its range unbroken there) has a piece ending and one starting at the next
        // gap in the same register, and the reload between them (EndOf: the slot) is that
        // boundary's move.
        const bool join = !is_ref;
        uint64_t covered = a->to - a->from;
        bool one_reg = true;
        pieces_[kept++] = *a;
        for (Piece* p = a + 1; p < e; ++p) {
          covered += p->to - p->from;
          one_reg &= p->reg == a->reg;
          if (join && pieces_[kept - 1].to == p->from && pieces_[kept - 1].reg == p->reg)
            pieces_[kept - 1].to = p->to;
          else
            pieces_[kept++] = *p;
        }
        // Pieces in one register covering all of v's ranges (they lie inside them, disjoint,
        // so covering as many points is covering all): wherever v is live it is in that
        // register, which is all that the operands, the edges and the gaps ask. Several such
        // pieces (v dead between them; lz20: 8.9 K of 73.3 K vregs) count as one, except for
        // a reference, whose pieces touching at a safepoint's reload are kept apart.
        if (covered < vreg_size_[v]) {
          needs_slot_[v] = 1;
          slot_vregs.push_back(v);
        } else {
          whole = kept - piece_begin_[v] == 1 || (one_reg && !is_ref);
        }
      }
      vreg_at[v] = {piece_begin_[v],
                    whole ? Allocation::Reg(pieces_[piece_begin_[v]].reg) : Allocation()};
      // (Cleared below if v is defined by a block's last instruction.)
      stays[v] = whole && !is_ref;
      if (!stays[v] && a != e) unsettled.push_back(v);
      remat_off_reg |= remat_[v] && !stays[v];
    }
    piece_begin_[nv] = kept;
    pieces_.resize(kept);
  }
  // The operands' allocations and the definitions' locations, in one walk over the
  // instructions (the operands, their flags and the allocations in array order). The walk notes
  // what later steps look at again, so those need no walk over all operands: the operands left
  // in a slot (stack_ops), the ones with moves at their gap (gap_ops, as (instruction,
  // operand): the definitions, except at a block's last instruction, where no gap follows;
  // fixed-register uses and copied reuse inputs), the instructions to revisit (revisit: a reuse
  // def, which an extended one writes into its input's allocation and a shared one must agree
  // with, or an operand that needs a register and has none, checked after those writes), and
  // the safepoints (for the stack maps).
  std::vector<uint32_t>& stack_ops = temps.stack_ops;
  std::vector<GapOp>& gap_ops = temps.gap_ops;
  std::vector<uint32_t>& revisit = temps.revisit;
  std::vector<uint32_t>& safepoints = temps.safepoints;
  const uint32_t num_ops = static_cast<uint32_t>(f_->operands.size());
  stack_ops.clear();
  gap_ops.clear();
  revisit.clear();
  safepoints.clear();
  // The walk writes every allocation (Validate(): the instructions cover all operands).
  out_->allocs.resize(num_ops);
  def_loc_.assign(nv, Allocation());
  Allocation* const allocs = out_->allocs.data();
  const Operand* const operands = f_->operands.data();
  auto needs_reg = [](Constraint c) { return c == Constraint::kReg || c == Constraint::kReuse; };
  // Where v is at point p (Loc), its pieces from `from` on being the only ones that may hold p.
  auto at = [](const Piece* from, const Piece* end, uint32_t p, uint32_t v) {
    for (const Piece* q = from; q < end && q->from <= p; ++q)
      if (p < q->to) return Allocation::Reg(q->reg);
    return Allocation::Stack(v);
  };
  // A vreg whose slot becomes needed (a kStack use) after its definition's gap entry was left
  // out: the entry is made at the end of the walk.
  std::vector<uint32_t>& late_slot = temps.late_slot;
  late_slot.clear();
  {
    const Piece* const pieces = pieces_.data();
    const uint32_t* const piece_begin = piece_begin_.data();
    ResolveTemps::VRegAt* const vat = vreg_at.data();
    const InstData* const insts = f_->insts.data();
    const uint8_t* const op_flags = op_flags_.data();
    const uint32_t ni = f_->num_insts();
    {
      for (uint32_t i = 0; i < ni; ++i) {
        if (insts[i].safepoint) safepoints.push_back(i);
        const uint32_t o_end = insts[i].operand_end;
        for (uint32_t o = insts[i].operand_begin; o < o_end; ++o) {
          const Operand& op = operands[o];
          const uint32_t v = op.vreg.index;
          Allocation loc;
          if (op.constraint == Constraint::kFixedReg) {
            loc = Allocation::Reg(op.fixed);
          } else if (op.constraint == Constraint::kStack) {
            loc = Allocation::Stack(v);
          } else if (!vat[v].whole.is_none()) {
            loc = vat[v].whole;  // the point looked up lies in one of v's ranges
          } else {
            // The point the operand is looked up at: a use's early or late point, a def's late
            // point (a reuse def's too) or early point. No piece before the cursor reaches i.
            const uint32_t p =
                op.is_use()
                    ? (op.is_early() ? 4 * i : 4 * i + 1)
                    : (op.is_early() && op.constraint != Constraint::kReuse ? 4 * i : 4 * i + 3);
            const Piece* const end = pieces + piece_begin[v + 1];
            const Piece* cursor = pieces + vat[v].cursor;
            while (cursor < end && cursor->to <= 4 * i) ++cursor;
            vat[v].cursor = static_cast<uint32_t>(cursor - pieces);
            loc = at(cursor, end, p, v);
          }
          allocs[o] = loc;
          bool again = false;  // revisit i
          if (loc.is_stack()) {
            // A slot operand, or a def left in the slot: v needs its slot (a use in the slot is
            // in a range the pieces do not cover: needs_slot_ is set). A kStack use after the
            // definition (not seen before it) may need the definition's store: late_slot.
            if (op.constraint == Constraint::kStack || op.is_def()) {
              if (!needs_slot_[v]) {
                if (op.is_use() && !def_loc_[v].is_none()) late_slot.push_back(v);
                slot_vregs.push_back(v);
              }
              needs_slot_[v] = 1;
            }
            stack_ops.push_back(o);
            again = needs_reg(op.constraint);
          }
          if (op.is_def()) {
            def_loc_[v] = loc;
            if (f_->blocks[block_of_inst_[i]].inst_end != i + 1) {
              // The definition's gap moves (b): where v is after the gap (its pieces from the
              // cursor on, which may lag behind i: pieces before i end before 4 * i + 4). A
              // definition whose value goes on where it was written, or nowhere, has none
              // unless v needs its slot (known here unless a later kStack use sets it:
              // late_slot) or is a reference (which gets its slot from its safepoint crossings).
              // (A definition written into v's one register has none either way: after the
              // gap v is there or dead.)
              if ((any_ref && f_->vregs[v].is_ref) || needs_slot_[v] || !(loc == vat[v].whole)) {
                const Allocation next =
                    at(pieces + vat[v].cursor, pieces + piece_begin[v + 1], 4 * i + 4, v);
                if ((any_ref && f_->vregs[v].is_ref) || needs_slot_[v] ||
                    (next.is_reg() && !(next == loc)))
                  gap_ops.push_back({i, o, next});
              }
            } else {
              // EndOf(v, i) is its definition's location, not its register.
              if (stays[v]) unsettled.push_back(v);
              stays[v] = 0;
              remat_off_reg |= remat_[v];
            }
            if (op.constraint == Constraint::kReuse) {
              // The revisit's reuse step, done here when the input's allocation is written
              // (an earlier operand, as usual); a mismatch is left for the revisit to report.
              const uint32_t in = insts[i].operand_begin + op.reuse_index;
              if (in < o && (op_flags[o] & kReuseExtended))
                allocs[in] = loc;
              else if (in > o || !(allocs[in] == loc))
                again = true;
            }
          } else if (op.constraint == Constraint::kFixedReg || (op_flags[o] & kCopyIntoReuse)) {
            gap_ops.push_back({i, o, Allocation()});
          }
          if (again) revisit.push_back(i);
        }
      }
    }
  }
  // The definitions whose gap entry was left out before a kStack use set needs_slot_ (with
  // needs_slot_ the entry is made, as it would have been).
  for (const uint32_t v : late_slot) {
    const uint32_t i = def_inst_[v];
    if (f_->blocks[block_of_inst_[i]].inst_end == i + 1) continue;  // no gap after i
    const Allocation next = Loc(v, 4 * i + 4);
    if ((any_ref && f_->vregs[v].is_ref) || (next.is_reg() && !(next == def_loc_[v])))
      continue;  // the entry was made at the definition
    for (uint32_t o = f_->insts[i].operand_begin; o < f_->insts[i].operand_end; ++o)
      if (operands[o].is_def() && operands[o].vreg.index == v) gap_ops.push_back({i, o, next});
  }
  for (const Cross& c : cross_) {
    if (!needs_slot_[c.vreg]) slot_vregs.push_back(c.vreg);
    needs_slot_[c.vreg] = 1;
  }
  // The revisited instructions: reuse defs after the uses, then the register check. Each step is
  // the same if an instruction comes twice (or was done by the walk). (A reuse input written over
  // by its def stays in stack_ops; the steps that read that list check is_stack() again.)
  for (const uint32_t i : revisit) {
    const uint32_t base = f_->insts[i].operand_begin, op_end = f_->insts[i].operand_end;
    for (uint32_t o = base; o < op_end; ++o) {
      const Operand& op = operands[o];
      if (!op.is_def() || op.constraint != Constraint::kReuse) continue;
      if (op_flags_[o] & kReuseExtended)
        allocs[base + op.reuse_index] = allocs[o];
      else if (!(allocs[base + op.reuse_index] == allocs[o]))
        return Error(absl::StrCat("regalloc internal: reuse def v", op.vreg.index, " at i", i,
                                  " is not in its input's register"));
    }
    for (uint32_t o = base; o < op_end; ++o)
      if (needs_reg(operands[o].constraint) && !allocs[o].is_reg())
        return Error(absl::StrCat("regalloc internal: operand ", o - base, " of i", i,
                                  " needs a register and has none"));
  }

  // Rematerialization: a rematerializable vreg whose operands all got registers needs no slot.
  // Wherever it is outside its register pieces it is "in" Remat(v): each reload becomes a remat
  // edit and the store after the definition disappears. One with a stack operand (kStack, or a
  // kAny use left in the slot) keeps its slot.
  // (remat_ starts as the vregs' flags, set at the top.)
  for (uint32_t o : stack_ops)
    if (allocs[o].is_stack()) remat_[operands[o].vreg.index] = 0;
  // A branch argument that is not in a register at its branch keeps its slot too: the move into
  // the parameter must read a location that holds the argument (a remat would produce the
  // argument's value, but under the argument's name only, and the parameter's name is what the
  // successor uses).
  for (uint32_t p = 0; remat_off_reg && p < f_->num_blocks(); ++p) {
    const uint32_t last = f_->blocks[p].inst_end - 1;
    for (const SuccEdge& e : f_->Succs(Block(p))) {
      if (e.arg_begin == e.arg_end) continue;  // most edges (as many arguments as parameters)
      const auto params = f_->Params(e.block);
      const auto args = f_->Args(e);
      for (size_t k = 0; k < params.size(); ++k) {
        const uint32_t a = args[k].index, pv = params[k].index;
        // (An argument that stays in its register is in it at the branch.)
        if (remat_[a] && !temps.stays[a] && range_begin_[pv] != range_begin_[pv + 1] &&
            !EndOf(a, last).is_reg())
          remat_[a] = 0;
      }
    }
  }
  // A value whose definition reads an operand is recomputed from the operand's register: only
  // if the operand is in a register wherever that happens; otherwise it is stored and reloaded.
  // Such a value that keeps its slot is still recomputed, instead of reloaded, at the points
  // where its operand is in a register (PartialRemat; the store after its definition stays).
  // A candidate without needs_slot_ here has register pieces covering all of its ranges (its
  // other reasons for a slot, a slot operand or a safepoint crossing, exclude it): it is in a
  // register before each of its pieces begins, and is never recomputed.
  // (OperandInRegAtRemats reads pieces and the vregs' own flags, not remat_ or needs_slot_ of
  // other vregs, so one walk decides each vreg in turn.)
  //
  // Shared physical slots: vregs whose extents in layout order do not overlap share one
  // (interval colouring per class with a min-heap of slot ends). Their extents are collected in
  // the same walk, once each vreg's needs_slot_ is final.
  std::vector<uint32_t>& phys = temps.phys;
  phys.assign(nv + kNumRegClasses, UINT32_MAX);
  {
    std::vector<SlotExtent>* const items = temps.items;
    for (int c = 0; c < kNumRegClasses; ++c) items[c].clear();
    // Only vregs with needs_slot_ set (slot_vregs, each once) can keep a slot or lose their
    // remat; in vreg order, as the extents are numbered.
    if (!std::is_sorted(slot_vregs.begin(), slot_vregs.end()))
      std::sort(slot_vregs.begin(), slot_vregs.end());
    for (const uint32_t v : slot_vregs) {
      if (remat_[v]) {
        if (!f_->vregs[v].remat_reads_operand || OperandInRegAtRemats(v)) {
          EGRET_DCHECK(!f_->vregs[v].is_ref);  // Validate(): references never remat
          needs_slot_[v] = 0;
          continue;
        }
        remat_[v] = 0;
      }
      if (range_begin_[v] < range_begin_[v + 1]) {
        // v's ranges are sorted and disjoint: the first starts first, the last ends last.
        const uint32_t lo = ranges_[range_begin_[v]].from, hi = ranges_[range_begin_[v + 1] - 1].to;
        items[static_cast<int>(f_->vregs[v].cls)].push_back({lo, hi, v});
      }
    }
    for (int c = 0; c < kNumRegClasses; ++c)
      out_->ShareSpillSlots(static_cast<RegClass>(c), items[c], /*touching_share=*/true, phys);
  }
  // Moves are resolved over physical slots: two values sharing a slot may meet in one parallel
  // move (an argument dying into the parameter that took over its slot).
  auto map = [&](Allocation a) {
    if (!a.is_stack()) return a;
    return remat_[a.slot()] ? Allocation::Remat(a.slot()) : Allocation::Stack(phys[a.slot()]);
  };
  for (uint32_t o : stack_ops) allocs[o] = map(allocs[o]);  // the others are registers
  auto loc = [&](uint32_t v, uint32_t p) { return map(Loc(v, p)); };
  auto end_of = [&](uint32_t v, uint32_t i) { return map(EndOf(v, i)); };
  auto slot_of = [&](uint32_t v) { return Allocation::Stack(phys[v]); };
  // Edits: the gap moves' come in point order (phase 1); the edge moves' come per edge, each
  // edge's at one (point, phase), and are merged in by their groups.
  std::vector<Edit>& edits = temps.edits;
  std::vector<Edit>& edge_edits = temps.edge_edits;
  std::vector<EdgeGroup>& edge_groups = temps.edge_groups;
  std::vector<GapMove>& gap = temps.gap;
  edits.clear();
  edge_edits.clear();
  edge_groups.clear();
  gap.clear();
  auto first_in_block = [&](uint32_t j) { return f_->blocks[block_of_inst_[j]].inst_begin == j; };
  // One walk over the pieces makes (a), the moves of register pieces beginning at a gap inside
  // a block, and, for the edges (below), per block its live-ins that start it in a register
  // and their pieces (the same on every incoming edge, so found once per block, not once per
  // edge). Both look up the block of each piece's first point.
  // v is live into block s in a register exactly when one of its pieces covers s's first point
  // and s is not v's defining block: a range at a block's first point is made only for a value
  // live into the block or defined there (a block parameter, or an early def of its first
  // instruction), and in SSA a value is never live into its own defining block. So each piece
  // is walked over the block starts it covers (blocks are in layout order, so their starts
  // increase) instead of every (block, live-in) pair being looked up (lz20: about 1.4 M pairs,
  // most of them in slots).
  const uint32_t nb = f_->num_blocks();
  // The walk collects the (block, live-in) pairs as a list per block (in_reg_begin_, through
  // InReg::next: the edges read them in any order, their moves are sorted before anything reads
  // that). It also keeps, per block, the latest start and the earliest end of those pieces
  // (in_reg_span): an edge from a predecessor whose end point lies inside all of them moves
  // none of these values (see the edges below).
  // block_start: the blocks' first points, and past the last block a point no piece reaches.
  // Without vregs that do not stay (any_in_reg false: many small functions), the lists are
  // all empty and the per-block tables are not made; the edges do not read them then.
  const bool any_in_reg = !unsettled.empty();
  std::vector<uint32_t>& block_start = temps.block_start;
  std::vector<std::pair<uint32_t, uint32_t>>& in_reg_span = temps.in_reg_span;
  if (any_in_reg) {
    block_start.resize(nb + 1);
    for (uint32_t s = 0; s < nb; ++s) block_start[s] = 4 * f_->blocks[s].inst_begin;
    block_start[nb] = UINT32_MAX;
    in_reg_span.assign(nb, {0, UINT32_MAX});
    in_reg_begin_.assign(nb, kNone);
    // Filled through local pointers, grown by doubling (a push_back's stores of the vector's
    // end would make the compiler reload the other arrays' pointers in this loop).
    in_reg_.resize(pieces_.size() + nb);
    InReg* in_reg = in_reg_.data();
    uint32_t n = 0, cap = static_cast<uint32_t>(in_reg_.size());
    uint32_t* const head = in_reg_begin_.data();
    std::pair<uint32_t, uint32_t>* const span = in_reg_span.data();
    const uint32_t* const starts = block_start.data();
    // A vreg that stays in its register moves on no edge and has no piece starting inside a
    // block after its definition: its live-ins are left to the edges' scratch search. (The
    // operand walk appended those defined by a block's last instruction.)
    if (!std::is_sorted(unsettled.begin(), unsettled.end()))
      std::sort(unsettled.begin(), unsettled.end());
    for (const uint32_t v : unsettled) {
      const uint32_t def_block = live_->DefBlock(VReg(v)).index;
      const uint32_t k_begin = piece_begin_[v], k_end = piece_begin_[v + 1];
      for (uint32_t k = k_begin; k < k_end; ++k) {
        const Piece pc = pieces_[k];
        uint32_t s = block_of_inst_[pc.from / 4];
        if (starts[s] < pc.from) {
          ++s;
          if (pc.from % 4 == 0 && def_inst_[v] != pc.from / 4) {
            // (a): where v is at the end of j - 1 (EndOf): unless it is defined there or a
            // reference, in the piece before this one if that ends at the gap (one in the same
            // register would have been joined to this one), else in its slot.
            const uint32_t j = pc.from / 4;
            Allocation src;
            if (def_inst_[v] == j - 1 || f_->vregs[v].is_ref)
              src = end_of(v, j - 1);
            else if (k > k_begin && pieces_[k - 1].to == pc.from)
              src = Allocation::Reg(pieces_[k - 1].reg);
            else
              src = map(Allocation::Stack(v));
            if (src.is_stack() && PartialRemat(v) && OperandInRegFor(v, pc.from, j - 1, kNone))
              src = Allocation::Remat(v);
            if (!(src == Allocation::Reg(pc.reg)))
              gap.push_back({j, src, Allocation::Reg(pc.reg), f_->vregs[v].cls});
          }
        }
        for (; starts[s] < pc.to; ++s) {
          if (s == def_block) continue;
          if (n == cap) {
            in_reg_.resize(2 * cap + 16);
            in_reg = in_reg_.data();
            cap = static_cast<uint32_t>(in_reg_.size());
          }
          in_reg[n] = InReg(v, k, head[s]);
          head[s] = n++;
          span[s].first = std::max(span[s].first, pc.from);  // latest start
          span[s].second = std::min(span[s].second, pc.to);  // earliest end
        }
      }
    }
    in_reg_.resize(n);
  }
  // The moves of (a) come in vreg order; those of (b) and (c) below in instruction order except
  // after late_slot's entries (sorted apart, then merged).
  const size_t num_piece_moves = gap.size();
  // (b) after definitions: into the register the value lives on in, and into the slot (where
  // it is live after the gap: in a register piece there, which lies in one of its ranges, or
  // else in one of its ranges).
  // (c) fixed-register uses and reuse inputs copied into place.
  for (const auto& [i, o, next] : gap_ops) {
    const Operand& op = operands[o];
    const uint32_t v = op.vreg.index;
    const RegClass cls = f_->vregs[v].cls;
    if (op.is_def()) {
      const Allocation dl = map(def_loc_[v]);
      const bool store = needs_slot_[v] && !(dl == slot_of(v));
      if (next.is_reg()) {
        if (!(next == dl)) gap.push_back({i + 1, dl, next, cls});
        if (store) gap.push_back({i + 1, dl, slot_of(v), cls});
      } else if (store && RangeAt(v, 4 * i + 4) != nullptr) {
        gap.push_back({i + 1, dl, slot_of(v), cls});
      }
    } else {
      const bool first = first_in_block(i);
      // A vreg that stays in its register is in it before its use, unless just defined at
      // i - 1 (its definition's location, EndOf).
      Allocation src = temps.stays[v] && def_inst_[v] + 1 != i
                           ? Allocation::Reg(pieces_[piece_begin_[v]].reg)
                       : first ? loc(v, 4 * i)
                               : end_of(v, i - 1);
      if (src.is_stack() && PartialRemat(v) &&
          OperandInRegFor(v, 4 * i, first ? kNone : i - 1, kNone))
        src = Allocation::Remat(v);
      const Allocation dst = allocs[o];
      if (!(src == dst)) gap.push_back({i, src, dst, cls});
    }
  }
  // By gap; the order within a gap does not matter, dedupe sorts each gap's moves. The two
  // parts are sorted apart (the second mostly is already) and merged when they interleave.
  {
    auto by_inst = [](const GapMove& a, const GapMove& b) { return a.inst < b.inst; };
    const auto mid = gap.begin() + static_cast<std::ptrdiff_t>(num_piece_moves);
    std::sort(gap.begin(), mid, by_inst);
    if (!std::is_sorted(mid, gap.end(), by_inst)) std::sort(mid, gap.end(), by_inst);
    if (mid != gap.begin() && mid != gap.end() && by_inst(*mid, mid[-1])) {
      std::vector<GapMove>& merged = temps.gap_merged;
      merged.resize(gap.size());
      std::merge(gap.begin(), mid, mid, gap.end(), merged.begin(), by_inst);
      gap.swap(merged);
    }
  }
  ParallelMoveResolver& resolver = temps.resolver;
  resolver.ClearUsage();
  std::vector<ParallelMoveResolver::Move>& moves = temps.moves;
  std::vector<std::pair<Allocation, Allocation>>& seq = temps.seq;
  // Cycle slots (cycle_base + c) and save slots of borrowed registers (cycle_base + 2 + c),
  // created after the resolution if it used any of them.
  const uint32_t cycle_base = out_->num_spill_slots;
  ParallelMoveResolver::Temps gap_temps, edge_temps;
  GapScratch gap_scratch(*f_, *env_, pieces_, out_->allocs);  // deduces the piece type
  EdgeScratch edge_scratch(*env_, *live_, temps.stays, piece_begin_, pieces_);
  gap_temps.source = &gap_scratch;
  edge_temps.source = &edge_scratch;
  for (auto* t : {&gap_temps, &edge_temps}) {
    for (int c = 0; c < kNumRegClasses; ++c) {
      t->scratch[c] = env_->scratch[c];
      t->cycle_slot[c] = Allocation::Stack(cycle_base + c);
      t->borrow[c] = FirstAllocatable(*env_, static_cast<RegClass>(c));
      t->save_slot[c] = Allocation::Stack(cycle_base + kNumRegClasses + c);
    }
  }
  // Orders a parallel move's moves by (destination, source) and drops duplicates (see below).
  // When every destination is a distinct register (most edges: each live-in in its register,
  // mostly identities), nothing is dropped, and only the moves that move are sorted, in front:
  // the resolver reads the identities only for the registers they hold, so only those moves
  // (num_resolved) go to it, with the identities' registers as held ones (Temps::held): the
  // sequence it makes is the same as from the whole sorted list.
  // `held_in`: registers of identity moves the caller left out of `moves` already (the edges'
  // live-ins that stay in their register); a move into one of them from elsewhere would be a
  // second value moving there.
  size_t num_resolved = 0;
  PRegSet held;
  auto dedupe = [&](PRegSet held_in) -> Status {
    num_resolved = moves.size();
    held = held_in;
    if (moves.size() < 2 && held_in.Empty()) return Status::Ok();  // most gaps: one move
    // One pass checks the destinations and brings the moves that move to the front (in any
    // order: they are sorted next, and the full sort below, if it runs, orders everything).
    PRegSet dests = held_in;
    bool distinct_regs = true;
    size_t num_moving = 0;
    for (size_t r = 0; r < moves.size(); ++r) {
      const Allocation to = moves[r].to;
      if (!to.is_reg() || dests.Contains(to.reg())) {
        distinct_regs = false;
        break;
      }
      dests.Add(to.reg());
      if (!(moves[r].from == to))
        std::swap(moves[num_moving++], moves[r]);
      else
        held.Add(to.reg());
    }
    if (distinct_regs) {
      num_resolved = num_moving;
      // Few moves move (most edges: one or two), and their destinations are distinct.
      auto* const first = moves.data();
      for (size_t r = 1; r < num_moving; ++r)
        for (size_t q = r; q > 0 && first[q].to.bits() < first[q - 1].to.bits(); --q)
          std::swap(first[q - 1], first[q]);
      return Status::Ok();
    }
    held = held_in;  // the identities in `moves` go to the resolver
    std::sort(moves.begin(), moves.end(), [](const auto& a, const auto& b) {
      return a.to.bits() != b.to.bits() ? a.to.bits() < b.to.bits() : a.from.bits() < b.from.bits();
    });
    size_t w = 0;
    for (size_t r = 0; r < moves.size(); ++r) {
      if (w > 0 && moves[w - 1].to == moves[r].to) {
        // One register piece begins at the destination, so both moves carry its value. A
        // partial remat of it (PartialRemat) beside a plain move of it, e.g. from the slot its
        // definition wrote: keep the plain one (remats sort last).
        const Allocation b = moves[r].from;
        if (b.is_remat() && PartialRemat(b.remat_vreg()) && !moves[w - 1].from.is_remat()) continue;
        if (!(moves[w - 1].from == moves[r].from))
          return Error(
              absl::StrCat("regalloc internal: two values move into ", moves[r].to.ToString()));
        continue;
      }
      if (moves[r].to.is_reg() && held_in.Contains(moves[r].to.reg()) &&
          !(moves[r].from == moves[r].to))
        return Error(
            absl::StrCat("regalloc internal: two values move into ", moves[r].to.ToString()));
      moves[w++] = moves[r];
    }
    moves.resize(w);
    num_resolved = w;
    return Status::Ok();
  };
  for (size_t k = 0; k < gap.size();) {
    const uint32_t j = gap[k].inst;
    if (k + 1 == gap.size() || gap[k + 1].inst != j) {
      // Most gaps: one move, which needs no order, check or temporary unless it is stack to
      // stack or a remat into a slot (ParallelMoveResolver's own one-move path, inlined).
      const Allocation from = gap[k].from, to = gap[k].to;
      if (from.is_remat() ? !to.is_stack() : !(from.is_stack() && to.is_stack())) {
        ++k;
        if (from == to) continue;
        edits.push_back({ProgPoint::Before(j), from, to});
        if (from.is_remat()) EGRET_TRY(SetRematSource(&edits.back(), /*at_pred_end=*/false));
        continue;
      }
    }
    moves.clear();
    for (; k < gap.size() && gap[k].inst == j; ++k)
      moves.push_back({gap[k].from, gap[k].to, gap[k].cls});
    if (moves.size() < 2) {  // most gaps: one move, nothing to order or check (as dedupe)
      num_resolved = moves.size();
      held = PRegSet();
    } else {
      EGRET_TRY(dedupe(PRegSet()));
    }
    seq.clear();
    gap_scratch.SetGap(j);
    gap_temps.held = held;
    resolver.Resolve(std::span(moves.data(), num_resolved), gap_temps, &seq);
    for (const auto& [from, to] : seq) {
      edits.push_back({ProgPoint::Before(j), from, to});
      if (from.is_remat()) EGRET_TRY(SetRematSource(&edits.back(), /*at_pred_end=*/false));
    }
  }

  // References may have a piece break at a safepoint inside a piece's extent (EndOf: the slot),
  // so with any reference (any_ref) every edge is looked at in full.
  const BlockData* const blocks = f_->blocks.data();
  const SuccEdge* const succ_edges = f_->succs.data();
  const uint32_t* const in_reg_begin = in_reg_begin_.data();
  for (uint32_t p = 0; p < nb; ++p) {
    const std::span<const SuccEdge> succs(succ_edges + blocks[p].succ_begin,
                                          succ_edges + blocks[p].succ_end);
    const uint32_t last = blocks[p].inst_end - 1;
    for (const SuccEdge& e : succs) {
      const uint32_t s = e.block.index;
      // No parameters and no live-in on the block's list of those in registers (see below):
      // nothing moves (most edges), known before anything else is looked up.
      if (e.arg_begin == e.arg_end && (!any_in_reg || in_reg_begin[s] == kNone) && !any_ref)
        continue;
      const uint32_t start = 4 * f_->blocks[s].inst_begin;
      moves.clear();
      // Whether some move is not an identity: an edge whose moves are all identities (every
      // value stays where it is) sequentializes to nothing (ParallelMoveResolver drops
      // identities and asks for no temporary), and none can collide in dedupe (two moves into
      // one location from the same source are one move), so it is skipped. Most edges are.
      bool moved = false;
      const uint32_t end = 4 * last + 3;  // the point EndOf(v, last) looks v up at
      const auto params = e.arg_begin == e.arg_end ? std::span<const VReg>() : f_->Params(e.block);
      const auto args = f_->Args(e);
      for (size_t k = 0; k < params.size(); ++k) {
        const uint32_t pv = params[k].index;
        if (range_begin_[pv] == range_begin_[pv + 1]) continue;  // dead parameter
        // A vreg that stays in its register (temps.stays) is there at both ends: the argument
        // is live out of p, the parameter's range starts at `start`.
        const uint32_t av = args[k].index;
        const Allocation src =
            temps.stays[av] ? Allocation::Reg(pieces_[piece_begin_[av]].reg) : end_of(av, last);
        const Allocation dst =
            temps.stays[pv] ? Allocation::Reg(pieces_[piece_begin_[pv]].reg) : loc(pv, start);
        const RegClass cls = f_->vregs[pv].cls;
        moves.push_back({src, dst, cls});
        moved |= !(src == dst);
        if (dst.is_reg() && needs_slot_[pv]) {
          moves.push_back({src, slot_of(pv), cls});
          moved |= !(src == slot_of(pv));
        }
      }
      // The live-ins in registers: each one's piece covers the block's start; if it also covers
      // `end`, EndOf(v, last) is that piece's register (v is no reference, and not defined by
      // `last`: a terminator with a successor defines nothing, Validate() checks it), an
      // identity. So when `end` lies inside every such piece, all of them are identities.
      const auto [latest_from, earliest_to] =
          any_in_reg ? in_reg_span[s] : std::pair<uint32_t, uint32_t>(0, UINT32_MAX);
      const bool in_reg_identities = !any_ref && latest_from <= end && end < earliest_to;
      if (!moved && in_reg_identities) continue;
      // A live-in that stays in its register is an identity move: it is left out, its register
      // held (see dedupe).
      PRegSet stays;
      for (uint32_t k = any_in_reg ? in_reg_begin_[s] : kNone; k != kNone; k = in_reg_[k].next) {
        const uint32_t v = in_reg_[k].vreg;
        const uint32_t piece = in_reg_[k].piece;
        const Piece& pc = pieces_[piece];
        const Allocation dst = Allocation::Reg(pc.reg);
        Allocation src;
        if (def_inst_[v] != last && (!any_ref || !f_->vregs[v].is_ref)) {
          // EndOf(v, last) is Loc(v, end): this piece (a fallthrough edge, mostly), or one
          // near it, looked for from it outwards (a few steps, else Loc's search).
          if (pc.from <= end && end < pc.to)
            src = dst;
          else
            src = map(LocNear(v, piece, end));
        } else {
          src = end_of(v, last);
        }
        if (src == dst) {
          stays.Add(pc.reg);
          continue;
        }
        if (src.is_stack() && PartialRemat(v) && OperandInRegFor(v, start, last, s))
          src = Allocation::Remat(v);
        moved = true;
        moves.push_back({src, dst, f_->vregs[v].cls});
      }
      if (!moved) continue;  // nothing to sort, sequentialize or emit
      EGRET_TRY(dedupe(stays));
      seq.clear();
      edge_temps.held = held;
      edge_scratch.SetSuccessor(s);
      resolver.Resolve(std::span(moves.data(), num_resolved), edge_temps, &seq);
      const bool at_end = succs.size() == 1;
      const ProgPoint point =
          at_end ? ProgPoint::Before(last) : ProgPoint::Before(f_->blocks[s].inst_begin);
      const uint8_t phase = at_end ? 2 : 0;
      edge_groups.push_back({point.bits(), phase, static_cast<uint32_t>(edge_edits.size())});
      for (const auto& [from, to] : seq) {
        edge_edits.push_back({point, from, to});
        if (from.is_remat()) EGRET_TRY(SetRematSource(&edge_edits.back(), /*at_pred_end=*/at_end));
      }
      out_->stats.edge_moves += seq.size();
    }
  }
  bool used_temp_slot = false;
  for (int c = 0; c < kNumRegClasses; ++c)
    used_temp_slot |= resolver.used_cycle_slot(static_cast<RegClass>(c)) ||
                      resolver.used_save_slot(static_cast<RegClass>(c));
  if (used_temp_slot) {  // all four, so that the indices above hold
    for (int k = 0; k < 2 * kNumRegClasses; ++k) {
      out_->spill_slot_class.push_back(static_cast<RegClass>(k % kNumRegClasses));
      ++out_->num_spill_slots;
    }
  }

  // Stack maps, in instruction order.
  {
    std::vector<Cross> by_inst = cross_;
    std::sort(by_inst.begin(), by_inst.end(), [](const Cross& a, const Cross& b) {
      return a.inst != b.inst ? a.inst < b.inst : a.vreg < b.vreg;
    });
    size_t k = 0;
    for (const uint32_t i : temps.safepoints) {  // in instruction order
      StackMap m;
      m.inst = i;
      m.slot_begin = static_cast<uint32_t>(out_->stack_map_slots.size());
      while (k < by_inst.size() && by_inst[k].inst < i) ++k;
      for (; k < by_inst.size() && by_inst[k].inst == i; ++k)
        out_->stack_map_slots.push_back(by_inst[k].vreg);
      m.slot_end = static_cast<uint32_t>(out_->stack_map_slots.size());
      out_->stack_maps.push_back(m);
    }
  }

  for (uint32_t& s : out_->stack_map_slots) s = phys[s];
  // Edits by point, and at one point by phase, each (point, phase) in the order made: the gap
  // moves' are in that order already; the edge groups are sorted (by begin too, which keeps two
  // groups with one key, which the CFG's shape rules out, in the order made) and merged in.
  const uint32_t num_groups = static_cast<uint32_t>(edge_groups.size());
  edge_groups.push_back({0, 0, static_cast<uint32_t>(edge_edits.size())});  // the last's end
  std::vector<uint32_t>& group_order = temps.group_order;
  group_order.resize(num_groups);
  for (uint32_t g = 0; g < num_groups; ++g) group_order[g] = g;
  auto group_less = [&](uint32_t x, uint32_t y) {  // a total order: sort is stable here
    const EdgeGroup &a = edge_groups[x], &b = edge_groups[y];
    return a.point != b.point ? a.point < b.point : a.phase != b.phase ? a.phase < b.phase : x < y;
  };
  if (!std::is_sorted(group_order.begin(), group_order.end(), group_less))
    std::sort(group_order.begin(), group_order.end(), group_less);
  // Both lists hold final edits: the merge copies runs of them.
  out_->edits.resize(edits.size() + edge_edits.size());
  Edit* out = out_->edits.data();
  const Edit* gap_edit = edits.data();
  const Edit* const gap_end = edits.data() + edits.size();
  for (const uint32_t g : group_order) {
    const EdgeGroup& group = edge_groups[g];
    // The gap edits (phase 1) before the group's (point, phase).
    const Edit* const gap_from = gap_edit;
    while (gap_edit < gap_end && (gap_edit->point.bits() < group.point ||
                                  (gap_edit->point.bits() == group.point && 1 < group.phase)))
      ++gap_edit;
    out = std::copy(gap_from, gap_edit, out);
    out = std::copy(edge_edits.data() + group.begin, edge_edits.data() + edge_groups[g + 1].begin,
                    out);
  }
  std::copy(gap_edit, gap_end, out);
  if (temps.RetainedBytes() > ResolveTemps::kMaxRetainedBytes) temps = ResolveTemps();
  return Status::Ok();
}

}  // namespace egret::regalloc
