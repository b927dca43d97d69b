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
// subtree, so a value is never reused in a block its definition does not dominate. Use counts
// the cache holds are kept exact (so the next cfg_simplify and iv_reduce take them). Cost:
// O(instructions) expected, one hash lookup each, in an open-addressing table whose storage a
// thread keeps from one function to the next (ScopedKeyTable): no allocation per instruction.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/operand_walk.h"
#include "opt/alias_analysis.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {

namespace {

// An instruction's identity for numbering, packed into four words:
//   w[0] opcode, `.type`, condition code, memory flags and trap code (InstData's first six
//        bytes; its two bytes of padding masked off),
//   w[1] args[0] | args[1] << 32, w[2] args[2] | ref << 32 (an operand past the format's fixed
//        count reads as UINT32_MAX, whatever the slot holds), w[3] the immediate.
// The same fields, compared whole, as an instruction's (opcode, type, cond, flags, trap, fixed
// operands, ref, imm): two keys are equal exactly when those are. Built by MakeKey from the
// InstData's bytes (InstData's layout is checked below), so building one is a few loads and
// masks rather than a field-by-field copy.
struct Key {
  uint64_t w[4];
  friend bool operator==(const Key&, const Key&) = default;
};

static_assert(offsetof(ir::InstData, opcode) == 0 && sizeof(ir::Opcode) == 2);
static_assert(offsetof(ir::InstData, type) == 2 && sizeof(ir::Type) == 1);
static_assert(offsetof(ir::InstData, cond) == 3);
static_assert(offsetof(ir::InstData, flags) == 4 && sizeof(ir::MemFlags) == 1);
static_assert(offsetof(ir::InstData, trap) == 5 && sizeof(TrapCode) == 1);
static_assert(offsetof(ir::InstData, args) == 8 && sizeof(ir::Value) == 4);
static_assert(offsetof(ir::InstData, ref) == 20 && offsetof(ir::InstData, imm) == 24);
constexpr uint64_t kHeaderMask = (uint64_t{1} << 48) - 1;  // w[0]: the six bytes before padding

// A key's hash, whose top bits pick its slot: each word is folded in by one multiply, and the
// top bits of a product depend on every bit of the multiplicand (Fibonacci hashing), so they mix
// every bit of every word. A slot's position depends on the hash, what the table finds does not
// (keys are compared whole), so the hash only needs to spread the keys of one function.
inline uint64_t HashKey(const Key& k) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = (k.w[0] ^ 0x243F6A8885A308D3ull) * kMul;
  h = (h ^ k.w[1]) * kMul;
  h = (h ^ k.w[2]) * kMul;
  h = (h ^ k.w[3]) * kMul;
  return h;
}

// Key -> value with linear probing, for insertions and erasures in stack order: only the most
// recently inserted key still present is ever erased (the walk's undo log). Under that
// discipline an erasure just empties the slot: a key whose probe sequence passed the slot was
// inserted after the slot's occupant, so it has been erased already, and no probe sequence is
// cut. The table is empty between functions (the walk undoes every insertion), so Prepare only
// grows it. A slot is empty when its value is invalid (a stored value never is).
class ScopedKeyTable {
 public:
  // Makes room for up to `n` keys at once (load factor at most 1/2). The table must be empty.
  void Prepare(size_t n) {
    uint32_t bits = 4;
    while ((size_t{1} << bits) < 2 * n) ++bits;
    if ((size_t{1} << bits) <= slots_.size()) return;
    slots_.assign(size_t{1} << bits, Slot{});
    mask_ = slots_.size() - 1;
    shift_ = 64 - bits;
  }
  // The slot holding k, after storing `v` (valid) under k if k was absent (`inserted` says
  // which).
  uint32_t FindOrInsert(const Key& k, ir::Value v, bool* inserted) {
    size_t s = static_cast<size_t>(HashKey(k) >> shift_);
    for (;; s = (s + 1) & mask_) {
      Slot& slot = slots_[s];
      if (!slot.value.valid()) {
        slot.key = k;
        slot.value = v;
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
  void EraseLatest(uint32_t slot) { slots_[slot].value = ir::Value(); }

 private:
  struct Slot {
    Key key{};
    ir::Value value;  // invalid: the slot is empty
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;  // slots_.size() - 1
  uint32_t shift_ = 64;
};

// What gvn needs to know of an opcode (kOpcodeTraits, one four-byte entry per opcode):
//  - movability: never (side effects whatever the memory flags say, a terminator, or a memory
//    read that is not a load), always (pure, no memory), or by the instruction's memory flags
//    (loads, stores and atomics: ask ir::InstIsMovable);
//  - the format's fixed operand count (FixedArgs(i).size(); candidates are not branches);
//  - whether it is commutative: integer iadd/imul/band/bor/bxor, their lanewise vector forms and
//    integer lane min/max, whose operands the key orders so `iadd v2, v1` meets `iadd v1, v2`
//    (not floats: which NaN payload propagates may depend on the order);
//  - whether it has a memory location (LocationOf: a load, store, stack_load or stack_store;
//    never kAlways), for the repeated-location test (LocationSet).
enum class Movability : uint8_t { kNever, kAlways, kByFlags };
struct OpcodeTraits {
  Movability movability;
  uint8_t fixed;
  bool commutative;
  bool located;  // four bytes: the table is indexed by a shift
};
constexpr bool IsCommutative(ir::Opcode op) {
  switch (op) {
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
      return true;
    default:
      return false;
  }
}
constexpr std::array<OpcodeTraits, ir::kNumOpcodes> kOpcodeTraits = [] {
  std::array<OpcodeTraits, ir::kNumOpcodes> t{};
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::OpcodeInfo& info = ir::kOpcodeInfos[k];
    const ir::InstFormat f = info.format;
    if (f == ir::InstFormat::kLoad || f == ir::InstFormat::kStore ||
        f == ir::InstFormat::kAtomicLoad || f == ir::InstFormat::kAtomicStore ||
        f == ir::InstFormat::kAtomicRmw || f == ir::InstFormat::kAtomicCas) {
      t[k].movability = Movability::kByFlags;
    } else if (info.flags &
               (ir::kCanTrap | ir::kWritesMem | ir::kIsCall | ir::kTerminator | ir::kReadsMem)) {
      t[k].movability = Movability::kNever;
    } else {
      t[k].movability = Movability::kAlways;
    }
    t[k].fixed = static_cast<uint8_t>(ir::kOperandShape[k] & ~ir::kOperandShapeBranch);
    t[k].commutative = IsCommutative(static_cast<ir::Opcode>(k));
    t[k].located = kLocationShapes[k].form != LocationForm::kNone;
  }
  return t;
}();
static_assert(sizeof(OpcodeTraits) == 4);

// Whether two of the memory accesses the walk keeps have the same location (MemLocation::SameAs),
// for kNoRepeatedLocationsAnalysis: a set of the locations' 64-bit hashes (never 0, the empty
// slot) with linear probing. The hash covers the class, base, slot and offset (not the size):
// equal locations have equal hashes, and two equal hashes count as a repeat whether or not the
// locations are equal, so "no repeat" is exact and a collision only costs load_elim's skip. So
// does a function with more than kMaxLocations distinct ones (counted as a repeat: the table
// has a fixed size, no growth and no fill per function). The inserted slots are listed and
// emptied when the function ends, so the table is empty between functions; once a repeat is
// found, nothing more is inserted.
class LocationSet {
 public:
  // Starts a function. The set must be empty.
  void Start() {
    repeated_ = false;
    if (slots_.empty()) slots_.assign(kSlots, 0);
  }
  bool repeated() const { return repeated_; }
  // Adds the location of i, a load, store, stack_load or stack_store.
  // (Out of line: it runs for few instructions, and inlined it would crowd the walk.)
  [[gnu::noinline]] void Add(const ir::Function& f, ir::Inst i) {
    if (used_.size() == kMaxLocations) {
      repeated_ = true;
      return;
    }
    // LocationOf's class, slot, base and offset, read from the instruction directly (no alias
    // names an operand in gvn; EGRET_DCHECKed against LocationOf).
    const ir::InstData& d = f.dfg[i];
    MemClass cls;
    uint32_t slot = 0;
    ir::Value base;
    switch (kLocationShapes[static_cast<size_t>(d.opcode)].form) {
      case LocationForm::kLoad:
        cls = MemClassOf(d.flags);
        base = d.args[0];
        break;
      case LocationForm::kStore:
        cls = MemClassOf(d.flags);
        base = d.args[1];
        break;
      case LocationForm::kStackLoad:
      case LocationForm::kStackStore:
      default:
        cls = MemClass::kStack;
        slot = d.ref;
        break;
    }
#ifdef EGRET_DEBUG
    const std::optional<MemLocation> loc = LocationOf(f, i);
    EGRET_CHECK(loc && loc->cls == cls && loc->slot == slot && loc->base == base &&
                loc->offset == d.imm);
#endif
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = (static_cast<uint64_t>(cls) | uint64_t{slot} << 32) * kMul;
    h = (h ^ base.index) * kMul;
    h = (h ^ static_cast<uint64_t>(d.imm)) * kMul;
    h |= 1;  // never the empty slot's 0 (the top bits, which pick the slot, are kept)
    for (size_t s = static_cast<size_t>(h >> (64 - kBits));; s = (s + 1) & (kSlots - 1)) {
      if (slots_[s] == 0) {
        slots_[s] = h;
        used_.push_back(static_cast<uint32_t>(s));
        return;
      }
      if (slots_[s] == h) {
        repeated_ = true;
        return;
      }
    }
  }
  // Empties the set for the next function.
  void Clear() {
    for (const uint32_t s : used_) slots_[s] = 0;
    used_.clear();
  }

 private:
  static constexpr uint32_t kBits = 10;
  static constexpr size_t kSlots = size_t{1} << kBits;
  static constexpr size_t kMaxLocations = kSlots / 2;  // load factor at most 1/2
  std::vector<uint64_t> slots_;
  std::vector<uint32_t> used_;
  bool repeated_ = false;
};

// Whether i takes part: movable (EGRET_DCHECKed against ir::InstIsMovable), one result and no
// variable operands (InstResults(i).size() == 1, VarArgs(i).empty()).
bool Candidate(const ir::InstData& d, const OpcodeTraits& traits) {
  bool movable;
  switch (traits.movability) {
    case Movability::kNever:
      movable = false;
      break;
    case Movability::kByFlags:
      movable = ir::InstIsMovable(d);
      break;
    case Movability::kAlways:
    default:
      movable = true;
      break;
  }
  EGRET_DCHECK(movable == (ir::InstIsMovable(d) && !ir::IsTerminator(d.opcode)));
  return movable && d.results.size == 1 && d.vargs.size == 0;
}

// The key of d, whose operands were mapped (replacements applied) just before.
Key MakeKey(const ir::InstData& d, const OpcodeTraits& traits) {
  Key k;
  // Four 8-byte loads, each straight into a register.
  const auto word = [&d](size_t n) {
    uint64_t w;
    std::memcpy(&w, reinterpret_cast<const char*>(&d) + 8 * n, sizeof(w));
    return w;
  };
  const uint64_t raw[4] = {word(0), word(1), word(2), word(3)};
  k.w[0] = raw[0] & kHeaderMask;
  // Operands past the fixed count read as UINT32_MAX: keep the low 32 * fixed bits of the
  // operand words and set the rest.
  constexpr uint64_t kLow = 0xFFFFFFFFull;
  switch (traits.fixed) {
    case 0:
      k.w[1] = ~uint64_t{0};
      k.w[2] = raw[2] | kLow;
      break;
    case 1:
      k.w[1] = raw[1] | ~kLow;
      k.w[2] = raw[2] | kLow;
      break;
    case 2:
      k.w[1] = raw[1];
      k.w[2] = raw[2] | kLow;
      break;
    default:
      k.w[1] = raw[1];
      k.w[2] = raw[2];
      break;
  }
  if (traits.commutative) {
    const uint64_t a = k.w[1] & kLow, b = k.w[1] >> 32;
    if (a > b) k.w[1] = b | (a << 32);
  }
  k.w[3] = raw[3];
  return k;
}

}  // namespace

Status RunGvn(ir::Function& f, AnalysisCache& analyses) {
  ir::DataFlowGraph& dfg = f.dfg;
  const ir::DominatorTree& domtree = analyses.DomTree();

  // The walk's storage, kept per thread for its capacity.
  struct Frame {
    ir::Block block;
    size_t child = 0;
    size_t undo_mark = 0;
  };
  struct Scratch {
    std::vector<ir::Value> replacement;
    ScopedKeyTable table;
    std::vector<uint32_t> added;
    std::vector<Frame> stack;
    LocationSet locations;
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

  // Use counts the cache holds stay exact (kUseCountAnalysis): a merge moves the removed
  // result's uses to the value it takes and takes away the removed instruction's. Through a raw
  // pointer: the pass makes no value, so the table neither grows nor moves.
  std::vector<uint32_t>* held = analyses.UseCounts();
  EGRET_DCHECK(held == nullptr || held->size() == dfg.NumValues());
  uint32_t* const uses = held != nullptr ? held->data() : nullptr;

  // At most one key per instruction is live at a time.
  ScopedKeyTable& table = scratch.table;
  table.Prepare(dfg.NumInsts());
  // Undo log: the table slots of the keys added per dominator-tree node, emptied in reverse
  // when the walk leaves the subtree.
  std::vector<uint32_t>& added = scratch.added;
  added.clear();
  std::vector<Frame>& stack = scratch.stack;
  stack.clear();
  const ir::Block entry = f.EntryBlock();
  if (!entry.valid()) return Status::Ok();
  // The locations of the memory accesses the walk keeps (every access of the reachable blocks
  // but the merged loads), with their operands mapped: a location is the one load_elim, after
  // licm, sees (gvn makes no alias and maps no operand of an instruction after visiting it).
  LocationSet& locations = scratch.locations;
  locations.Start();

  auto enter = [&](ir::Block b) {
    Frame fr{b, 0, added.size()};
    // The layout's own walk (no bounds check), stepped past i before i may be removed.
    const auto insts = f.layout.Insts(b);
    for (auto it = insts.begin(); it != insts.end();) {
      const ir::Inst i = *it;
      ++it;
      // Most operands are not replaced: the slot is written only when one is.
      MapOperandsInline(dfg, i, [&](ir::Value& v) {
        EGRET_DCHECK(dfg.ResolveAliases(v) == v);
        const ir::Value to = replacement[v.index];
        if (to.valid()) v = to;
      });
      const ir::InstData& d = dfg[i];
      const OpcodeTraits& traits = kOpcodeTraits[static_cast<size_t>(d.opcode)];
      // An access with a location is noted unless it is merged (and so removed).
      if (!Candidate(d, traits)) {
        if (traits.located && !locations.repeated()) locations.Add(f, i);
        continue;
      }
      const ir::Value result = dfg.FirstResult(i);
      bool inserted;
      const uint32_t slot = table.FindOrInsert(MakeKey(d, traits), result, &inserted);
      if (inserted) {
        added.push_back(slot);
        if (traits.located && !locations.repeated()) locations.Add(f, i);
      } else {
        const ir::Value to = table.ValueAt(slot);
        replacement[result.index] = to;
        if (uses != nullptr) {
          // Every use of result becomes one of `to` (the mapping rewrites them as the walk
          // meets them), and i's operands (mapped, fixed only: a candidate has no others) lose
          // one each.
          uses[to.index] += std::exchange(uses[result.index], 0);
          for (size_t k = 0; k < traits.fixed; ++k) --uses[d.args[k].index];
        }
        f.layout.RemoveInst(i);
      }
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
  if (!locations.repeated()) analyses.PublishNoRepeatedLocations();
  locations.Clear();

  // Blocks the walk did not reach (unreachable code) may still name replaced values; when the
  // tree's order holds every placed block there are none.
  if (domtree.Rpo().size() == f.layout.NumBlocks()) return Status::Ok();
  for (ir::Block b : f.layout.Blocks()) {
    if (domtree.IsReachable(b)) continue;
    for (ir::Inst i : f.layout.Insts(b)) {
      dfg.MapOperands(i, [&](ir::Value& v) { v = map_value(v); });
    }
  }
  return Status::Ok();
}

}  // namespace egret::opt
