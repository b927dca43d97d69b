// gvn.cc: dominator-scoped global value numbering.
//
// Two instructions compute the same value when they have the same opcode, `.type`, condition
// code, memory flags, trap code, immediate, entity reference and (after numbering) the same
// operands (in sorted order for commutative integer operations), and they are movable
// (ir::InstIsMovable: no side effects, and any memory read is a `readonly` load, which no store can
// change). Walking the dominator tree in pre-order with a scoped table, an instruction whose key is
// already in the table is dominated by the earlier one, so its result can be replaced by the
// earlier result and the instruction removed; the dominance check is structural, never a guess.
//
// Invariants: only instructions with exactly one result take part (calls, which have varargs
// and several results, are never movable anyway); the table is undone when the walk leaves a
// subtree, so a value is never reused in a block its definition does not dominate. Cost:
// O(instructions) expected, one hash lookup each, in an open-addressing table whose storage a
// thread keeps from one function to the next (ScopedKeyTable): no allocation per instruction.
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/operand_walk.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {

namespace {

struct Key {
  ir::Opcode opcode;
  ir::Type type;
  uint8_t cond;
  uint8_t flags;
  TrapCode trap;
  uint32_t args[3];
  uint32_t ref;
  int64_t imm;
  friend bool operator==(const Key&, const Key&) = default;
};

// The key packed into four words, each folded in by one multiply: a slot's position depends on
// the hash, what the table finds does not (keys are compared whole), so the hash only needs to
// spread the keys of one function.
struct KeyHash {
  size_t operator()(const Key& k) const {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    const uint64_t w0 = static_cast<uint64_t>(k.opcode) | (static_cast<uint64_t>(k.type) << 16) |
                        (uint64_t{k.cond} << 24) | (uint64_t{k.flags} << 32) |
                        (static_cast<uint64_t>(k.trap) << 40);
    const uint64_t w1 = uint64_t{k.args[0]} | (uint64_t{k.args[1]} << 32);
    const uint64_t w2 = uint64_t{k.args[2]} | (uint64_t{k.ref} << 32);
    uint64_t h = (w0 ^ 0x243F6A8885A308D3ull) * kMul;
    h = (h ^ (h >> 29) ^ w1) * kMul;
    h = (h ^ (h >> 29) ^ w2) * kMul;
    h = (h ^ (h >> 29) ^ static_cast<uint64_t>(k.imm)) * kMul;
    return static_cast<size_t>(h ^ (h >> 32));
  }
};

// Key -> value with linear probing, for insertions and erasures in stack order: only the most
// recently inserted key still present is ever erased (the walk's undo log). Under that
// discipline an erasure just empties the slot: a key whose probe sequence passed the slot was
// inserted after the slot's occupant, so it has been erased already, and no probe sequence is
// cut. The table is empty between functions (the walk undoes every insertion), so Prepare only
// grows it.
class ScopedKeyTable {
 public:
  // Makes room for up to `n` keys at once (load factor at most 1/2). The table must be empty.
  void Prepare(size_t n) {
    uint32_t bits = 4;
    while ((size_t{1} << bits) < 2 * n) ++bits;
    if ((size_t{1} << bits) <= slots_.size()) return;
    slots_.assign(size_t{1} << bits, Slot{});
    shift_ = 64 - bits;
  }
  // The slot holding k, after storing `v` under k if k was absent (`inserted` says which).
  uint32_t FindOrInsert(const Key& k, ir::Value v, bool* inserted) {
    const size_t mask = slots_.size() - 1;
    // Fibonacci hashing: the top bits of the product mix every bit of KeyHash's result.
    size_t s = static_cast<size_t>((KeyHash{}(k)*0x9E3779B97F4A7C15ull) >> shift_);
    for (;; s = (s + 1) & mask) {
      Slot& slot = slots_[s];
      if (!slot.used) {
        slot.key = k;
        slot.value = v;
        slot.used = true;
        *inserted = true;
        return static_cast<uint32_t>(s);
      }
      if (slot.key == k) {
        *inserted = false;
        return static_cast<uint32_t>(s);
      }
    }
  }
  ir::Value ValueAt(uint32_t slot) const { return slots_[slot].value; }
  // Erases the key in `slot`, which must be the most recent insertion not yet erased.
  void EraseLatest(uint32_t slot) { slots_[slot].used = false; }

 private:
  struct Slot {
    Key key{};
    ir::Value value;
    bool used = false;
  };
  std::vector<Slot> slots_;
  uint32_t shift_ = 64;
};

Key MakeKey(const ir::Function& f, ir::Inst i) {
  const ir::InstData& d = f.dfg[i];
  Key k{};
  k.opcode = d.opcode;
  k.type = d.type;
  k.cond = d.cond;
  k.flags = d.flags.bits;
  k.trap = d.trap;
  // The operands were mapped (aliases resolved, replacements applied) just before.
  // The format's fixed operand count (FixedArgs(i).size(); candidates are not branches).
  const size_t fixed = ir::kOperandShape[static_cast<size_t>(d.opcode)] & ~ir::kOperandShapeBranch;
  for (size_t n = 0; n < 3; ++n) k.args[n] = n < fixed ? d.args[n].index : UINT32_MAX;
  // Integer iadd/imul/band/bor/bxor (and their lanewise vector forms, and integer lane min/max)
  // are commutative: order their operands so `iadd v2, v1` meets `iadd v1, v2`. (Not floats:
  // which NaN payload propagates may depend on the order.)
  switch (d.opcode) {
    case ir::Opcode::kIadd:
    case ir::Opcode::kImul:
    case ir::Opcode::kBand:
    case ir::Opcode::kBor:
    case ir::Opcode::kBxor:
    case ir::Opcode::kViadd:
    case ir::Opcode::kVimul:
    case ir::Opcode::kVand:
    case ir::Opcode::kVor:
    case ir::Opcode::kVxor:
    case ir::Opcode::kVsmin:
    case ir::Opcode::kVumin:
    case ir::Opcode::kVsmax:
    case ir::Opcode::kVumax:
      if (k.args[0] > k.args[1]) std::swap(k.args[0], k.args[1]);
      break;
    default:
      break;
  }
  k.ref = d.ref;
  k.imm = d.imm;
  return k;
}

// How far an opcode alone decides whether its instructions can take part: never (side effects
// whatever the memory flags say, a terminator, or a memory read that is not a load), always (pure,
// no memory), or by the instruction's memory flags (loads, stores and atomics: ask
// ir::InstIsMovable). One table load instead of InstIsMovable's opcode and flag tests.
enum class Movability : uint8_t { kNever, kAlways, kByFlags };
constexpr std::array<Movability, ir::kNumOpcodes> kMovability = [] {
  std::array<Movability, ir::kNumOpcodes> t{};
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::OpcodeInfo& info = ir::kOpcodeInfos[k];
    const ir::InstFormat f = info.format;
    if (f == ir::InstFormat::kLoad || f == ir::InstFormat::kStore ||
        f == ir::InstFormat::kAtomicLoad || f == ir::InstFormat::kAtomicStore ||
        f == ir::InstFormat::kAtomicRmw || f == ir::InstFormat::kAtomicCas) {
      t[k] = Movability::kByFlags;
    } else if (info.flags &
               (ir::kCanTrap | ir::kWritesMem | ir::kIsCall | ir::kTerminator | ir::kReadsMem)) {
      t[k] = Movability::kNever;
    } else {
      t[k] = Movability::kAlways;
    }
  }
  return t;
}();

bool MovableByOpcodeAndFlags(const ir::InstData& d) {
  switch (kMovability[static_cast<size_t>(d.opcode)]) {
    case Movability::kNever:
      return false;
    case Movability::kByFlags:
      return ir::InstIsMovable(d);
    case Movability::kAlways:
      return true;
  }
  return false;
}

bool Candidate(const ir::Function& f, ir::Inst i) {
  const ir::InstData& d = f.dfg[i];
  const bool movable = MovableByOpcodeAndFlags(d);
  EGRET_DCHECK(movable == (ir::InstIsMovable(d) && !ir::IsTerminator(d.opcode)));
  // One result and no variable operands (InstResults(i).size() == 1, VarArgs(i).empty()).
  return movable && d.results.size == 1 && d.vargs.size == 0;
}

}  // namespace

Status RunGvn(ir::Function& f, AnalysisCache& analyses) {
  ir::DataFlowGraph& dfg = f.dfg;
  const ir::DominatorTree& domtree = analyses.DomTree();

  // The walk's storage, kept per thread for its capacity.
  struct Scratch {
    std::vector<ir::Value> replacement;
    ScopedKeyTable table;
    std::vector<uint32_t> added;
  };
  thread_local Scratch scratch;

  // replacement[v]: the value v's uses are rewritten to (invalid when unchanged, so the table
  // is cleared by a fill rather than numbered).
  std::vector<ir::Value>& replacement = scratch.replacement;
  replacement.assign(dfg.NumValues(), ir::Value());
  // No alias enters a pass and this one makes none (it records replacements here instead), so
  // an operand names no alias.
  auto map_value = [&](ir::Value v) {
    EGRET_DCHECK(dfg.ResolveAliases(v) == v);
    const ir::Value to = replacement[v.index];
    return to.valid() ? to : v;
  };

  // At most one key per instruction is live at a time.
  ScopedKeyTable& table = scratch.table;
  table.Prepare(dfg.NumInsts());
  // Undo log: the table slots of the keys added per dominator-tree node, emptied in reverse
  // when the walk leaves the subtree.
  std::vector<uint32_t>& added = scratch.added;
  added.clear();
  struct Frame {
    ir::Block block;
    size_t child = 0;
    size_t undo_mark = 0;
  };
  std::vector<Frame> stack;
  const ir::Block entry = f.EntryBlock();
  if (!entry.valid()) return Status::Ok();

  auto enter = [&](ir::Block b) {
    Frame fr{b, 0, added.size()};
    ir::Inst i = f.layout.FirstInst(b);
    while (i.valid()) {
      const ir::Inst next = f.layout.NextInst(i);
      MapOperandsInline(dfg, i, [&](ir::Value& v) { v = map_value(v); });
      if (Candidate(f, i)) {
        bool inserted;
        const uint32_t slot = table.FindOrInsert(MakeKey(f, i), dfg.FirstResult(i), &inserted);
        if (inserted) {
          added.push_back(slot);
        } else {
          replacement[dfg.FirstResult(i).index] = table.ValueAt(slot);
          f.layout.RemoveInst(i);
        }
      }
      i = next;
    }
    stack.push_back(fr);
  };

  enter(entry);
  while (!stack.empty()) {
    Frame& top = stack.back();
    const auto children = domtree.Children(top.block);
    if (top.child < children.size()) {
      const ir::Block c = children[top.child++];
      enter(c);  // may reallocate `stack`; `top` is not used after this
      continue;
    }
    while (added.size() > top.undo_mark) {
      table.EraseLatest(added.back());
      added.pop_back();
    }
    stack.pop_back();
  }

  // Blocks the walk did not reach (unreachable code) may still name replaced values.
  for (ir::Block b : f.layout.Blocks()) {
    if (domtree.IsReachable(b)) continue;
    for (ir::Inst i : f.layout.Insts(b)) {
      dfg.MapOperands(i, [&](ir::Value& v) { v = map_value(v); });
    }
  }
  return Status::Ok();
}

}  // namespace egret::opt
