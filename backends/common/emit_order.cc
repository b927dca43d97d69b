// emit_order.cc: loop rotation of the emitted block order (emit_order.h).
#include "backends/common/emit_order.h"

#include <algorithm>

namespace egret::backend {
namespace {

using regalloc::Function;

// A header runs this many times per entry; an edge leaving a loop weighs 1/kTrip of one staying.
constexpr float kTrip = 16.0f;
// The relative cost of a taken branch and of a conditional branch that falls through.
constexpr float kTaken = 2.0f, kNotTaken = 0.25f;
// Following chains of empty jump blocks, and scanning over them for a span's neighbours, stops
// after this many steps (chains are one edge block long in practice).
constexpr int kMaxLook = 8;
constexpr uint32_t kNone = UINT32_MAX;

// Working storage, one per thread: vectors keep their capacity across functions.
struct Scratch {
  std::vector<float> freq, in_mass, edge_freq;  // edge_freq parallel to Function::succs
  std::vector<uint32_t> end, resolved, owner;
  struct Unit {
    uint32_t start, first, last;  // first position; first and last non-empty block (or kNone)
  };
  std::vector<Unit> units;
  std::vector<uint8_t> has_inner;  // by header: another loop is nested in it
};

}  // namespace

namespace {

// Whether `f` has loop tables that name a loop (else the layout order stands).
bool HasLoops(const regalloc::Function& f) {
  const uint32_t n = f.num_blocks();
  if (n < 3 || f.loop_header.size() != n || f.loop_parent.size() != n || f.loop_depth.size() != n)
    return false;
  for (uint32_t b = 0; b < n; ++b)
    if (f.loop_header[b] == b) return true;
  return false;
}

}  // namespace

void EmitOrder::Compute(const regalloc::Function& f, const regalloc::Output& ra) {
  const uint32_t n = f.num_blocks();
  if (!HasLoops(f)) {
    loop_top.clear();
    order.resize(n);
    next.resize(n);
    for (uint32_t b = 0; b < n; ++b) {
      order[b] = b;
      next[b] = b + 1 < n ? b + 1 : kNoNext;
    }
    return;
  }
  thread_local std::vector<uint8_t> trivial;
  trivial.assign(n, 0);
  // Blocks are in layout order (increasing instructions) and the edits sorted by program point:
  // one merged walk finds each block's first edit at or after it.
  size_t k = 0;
  for (uint32_t b = 0; b < n; ++b) {
    const regalloc::BlockData& bd = f.blocks[b];
    if (bd.inst_end - bd.inst_begin != 1 || bd.succ_end - bd.succ_begin != 1) continue;
    // No allocator edit at either point of the block's one instruction.
    const regalloc::ProgPoint p = regalloc::ProgPoint::Before(bd.inst_begin);
    while (k < ra.edits.size() && ra.edits[k].point < p) ++k;
    trivial[b] = k == ra.edits.size() || ra.edits[k].point.inst() != bd.inst_begin;
  }
  Compute(f, trivial);
}

void EmitOrder::Compute(const regalloc::Function& f, std::span<const uint8_t> trivial) {
  const uint32_t n = f.num_blocks();
  order.resize(n);
  for (uint32_t b = 0; b < n; ++b) order[b] = b;
  next.resize(n);
  auto fill_next = [&] {
    for (uint32_t k = 0; k < n; ++k) next[order[k]] = k + 1 < n ? order[k + 1] : kNoNext;
  };
  loop_top.clear();
  if (!HasLoops(f)) {
    fill_next();
    return;
  }
  thread_local Scratch scratch;
  Scratch& sc = scratch;

  // Loop spans: end[h] is one past the last block of loop h (nested loops included); headers
  // come before their loops' blocks, so propagating to parents in decreasing header order sees
  // every nested loop first.
  std::vector<uint32_t>& end = sc.end;
  end.assign(n, 0);
  for (uint32_t b = 0; b < n; ++b) {
    const uint32_t h = f.loop_header[b];
    if (h != Function::kNoLoop && h < n) end[h] = std::max(end[h], b + 1);
  }
  for (uint32_t h = n; h-- > 0;) {
    if (f.loop_header[h] != h) continue;
    const uint32_t p = f.loop_parent[h];
    if (p != Function::kNoLoop && p < n) end[p] = std::max(end[p], end[h]);
  }
  auto is_header = [&](uint32_t b) { return f.loop_header[b] == b && end[b] > b; };
  // Whether loop h contains block s: in its span and as deep (an edge block inside the span that
  // belongs to an outer loop is shallower).
  auto contains = [&](uint32_t h, uint32_t s) {
    return s >= h && s < end[h] && f.loop_depth[s] >= f.loop_depth[h];
  };

  // Static frequencies, in layout order (a topological order of the forward edges).
  std::vector<float>& freq = sc.freq;
  std::vector<float>& in_mass = sc.in_mass;
  std::vector<float>& edge_freq = sc.edge_freq;
  freq.assign(n, 0.0f);
  in_mass.assign(n, 0.0f);
  edge_freq.assign(f.succs.size(), 0.0f);
  in_mass[0] = 1.0f;
  // In the same walk (each reads only its own block and earlier ones):
  // - where a branch to block b really lands: through empty jump blocks (resolved);
  // - edge blocks: a one-instruction, one-successor block whose only predecessor has several
  //   successors and comes right before it (or before the edge blocks before it). It stays with
  //   its predecessor's unit (owner).
  std::vector<uint32_t>& resolved = sc.resolved;
  resolved.resize(n);
  std::vector<uint32_t>& owner = sc.owner;
  owner.resize(n);
  for (uint32_t b = 0; b < n; ++b) {
    const regalloc::BlockData& bd = f.blocks[b];
    {
      uint32_t t = b;
      for (int step = 0; step < kMaxLook && trivial[t]; ++step)
        t = f.succs[f.blocks[t].succ_begin].block.index;
      resolved[b] = trivial[t] ? kNone : t;
    }
    owner[b] = b;
    if (b != 0 && bd.inst_end - bd.inst_begin == 1 && bd.succ_end - bd.succ_begin == 1 &&
        bd.pred_end - bd.pred_begin == 1) {
      const uint32_t p = f.preds[bd.pred_begin].index;
      const regalloc::BlockData& pd = f.blocks[p];
      if (pd.succ_end - pd.succ_begin >= 2 && (p == b - 1 || (owner[b - 1] == p && b - 1 != p)))
        owner[b] = p;
    }
    const float fb = in_mass[b] * (is_header(b) ? kTrip : 1.0f);
    freq[b] = fb;
    if (bd.succ_end == bd.succ_begin) continue;
    const uint32_t h = f.loop_header[b];
    auto weight = [&](uint32_t s) {
      return h == Function::kNoLoop || contains(h, s) ? 1.0f : 1.0f / kTrip;
    };
    auto give = [&](uint32_t k, float w, float total) {
      const uint32_t s = f.succs[k].block.index;
      const float e = fb * w / total;
      edge_freq[k] = e;
      if (s > b) in_mass[s] += e;  // forward edge; back edges end at a header
    };
    const uint32_t k0 = bd.succ_begin;
    if (bd.succ_end - k0 <= 2) {  // most blocks: each weight computed once (the same sums)
      const float w0 = weight(f.succs[k0].block.index);
      if (bd.succ_end - k0 == 1) {
        give(k0, w0, 0.0f + w0);
      } else {
        const float w1 = weight(f.succs[k0 + 1].block.index);
        const float total = 0.0f + w0 + w1;
        give(k0, w0, total);
        give(k0 + 1, w1, total);
      }
      continue;
    }
    float total = 0.0f;
    for (uint32_t k = bd.succ_begin; k < bd.succ_end; ++k) total += weight(f.succs[k].block.index);
    for (uint32_t k = bd.succ_begin; k < bd.succ_end; ++k)
      give(k, weight(f.succs[k].block.index), total);
  }

  // What emitting `b` right after `a` saves (both non-empty blocks, or kNone), per execution
  // of an edge: a taken branch costs kTaken, a conditional branch not taken kNotTaken (it is
  // usually fused with its compare). A one-way branch to the next block disappears (saves
  // kTaken). A two-way branch is `jcc t; jmp f` when neither successor is next; with f next the
  // jmp goes (saves kTaken on f-executions); with t next the condition is inverted (`j!cc f`:
  // t-executions save kTaken - kNotTaken, f-executions kNotTaken). Multi-way branches cost the
  // same anywhere.
  auto saving = [&](uint32_t a, uint32_t b) -> float {
    if (a == kNone || b == kNone) return 0.0f;
    const regalloc::BlockData& bd = f.blocks[a];
    const uint32_t ns = bd.succ_end - bd.succ_begin;
    if (ns == 1)
      return resolved[f.succs[bd.succ_begin].block.index] == b ? 2 * edge_freq[bd.succ_begin] : 0;
    if (ns != 2) return 0.0f;
    const uint32_t k = bd.succ_begin;
    const bool to_t = resolved[f.succs[k].block.index] == b;
    const bool to_f = resolved[f.succs[k + 1].block.index] == b;
    if (to_t && to_f) return kTaken * (edge_freq[k] + edge_freq[k + 1]);
    if (to_f) return kTaken * edge_freq[k + 1];
    if (to_t) return (kTaken - kNotTaken) * edge_freq[k] + kNotTaken * edge_freq[k + 1];
    return 0.0f;
  };

  // Innermost loops first: a loop's span holds its nested loops' spans, already rotated in
  // place, as units (positions inside a span only move within it).
  std::vector<Scratch::Unit>& units = sc.units;
  // loop_top: the top of each innermost loop h, the first block of its span that is not an
  // empty jump (the MachBuffer threads those away), once the span is rotated (outer loops move
  // the span only as a whole). Only innermost loops: they hold the hot code, and every aligned
  // top costs nops, which run whenever the block before it falls through into it.
  std::vector<uint8_t>& has_inner = sc.has_inner;
  if (want_loop_tops) {
    loop_top.assign(n, 0);
    has_inner.assign(n, 0);
    for (uint32_t h = 1; h < n; ++h) {
      if (!is_header(h)) continue;
      const uint32_t p = f.loop_parent[h];
      if (p != Function::kNoLoop && p < n) has_inner[p] = 1;
    }
  }
  auto mark_top = [&](uint32_t h) {
    if (!want_loop_tops || has_inner[h]) return;
    for (uint32_t k = h; k < end[h]; ++k) {
      if (!trivial[order[k]]) {
        loop_top[order[k]] = 1;
        return;
      }
    }
  };
  for (uint32_t h = n; h-- > 1;) {
    if (!is_header(h)) continue;
    units.clear();
    uint32_t pos = h;
    while (pos < end[h]) {
      const uint32_t start = pos;
      pos = pos != h && is_header(pos) ? end[pos] : pos + 1;
      while (pos < n && owner[pos] != pos && owner[pos] >= start && owner[pos] < pos) ++pos;
      Scratch::Unit u{start, kNone, kNone};
      for (uint32_t k = start; k < pos; ++k) {
        if (trivial[order[k]]) continue;
        if (u.first == kNone) u.first = order[k];
        u.last = order[k];
      }
      units.push_back(u);
    }
    const uint32_t span_end = pos;
    const size_t m = units.size();
    if (m < 2) {
      mark_top(h);
      continue;
    }
    uint32_t before = kNone, after = kNone;
    for (uint32_t k = h, step = 0; k-- > 0 && step < kMaxLook; ++step)
      if (!trivial[order[k]]) {
        before = order[k];
        break;
      }
    for (uint32_t k = span_end, step = 0; k < n && step < kMaxLook; ++k, ++step)
      if (!trivial[order[k]]) {
        after = order[k];
        break;
      }
    const Scratch::Unit& u0 = units[0];
    const Scratch::Unit& ul = units[m - 1];
    const float fixed =
        saving(ul.last, u0.first) - saving(before, u0.first) - saving(ul.last, after);
    // Among equal savings the largest k wins: the fewest units move above the header.
    float best = 1e-3f * freq[h];
    size_t best_k = 0;
    for (size_t k = m - 1; k >= 1; --k) {
      const Scratch::Unit& a = units[k - 1];
      const Scratch::Unit& b = units[k];
      const float gain =
          fixed + saving(before, b.first) + saving(a.last, after) - saving(a.last, b.first);
      if (gain > best) best = gain, best_k = k;
    }
    if (best_k != 0)
      std::rotate(order.begin() + h, order.begin() + units[best_k].start, order.begin() + span_end);
    mark_top(h);
  }
  fill_next();
}

}  // namespace egret::backend
