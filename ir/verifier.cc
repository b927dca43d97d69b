// verifier.cc: the IR well-formedness checks listed in verifier.h.
#include "ir/verifier.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/operand_walk.h"
#include "ir/printer.h"
#include "ir/simd.h"

namespace egret::ir {
namespace {

std::string TypeStr(Type t) { return std::string(TypeName(t)); }

// Per type class, bit t for every type t TypeInClass admits (built once, at start-up).
const std::array<uint16_t, 16> kClassMasks = [] {
  std::array<uint16_t, 16> m{};
  for (int c = 0; c < 16; ++c)
    for (int t = 0; t < kNumTypes; ++t)
      if (TypeInClass(static_cast<TypeClass>(c), static_cast<Type>(t)))
        m[c] |= static_cast<uint16_t>(1u << t);
  // No class admits kInvalid (bit 0): a type that passes InClass is a real type, which the lean
  // walk's pieces rely on where the general sequence also tests for kInvalid.
  for (uint16_t mask : m) EGRET_CHECK((mask & 1) == 0);
  return m;
}();

// Whether `t` is in class `c` (TypeInClass, as a table).
bool InClass(TypeClass c, Type t) {
  const uint32_t k = static_cast<uint32_t>(t);
  return k < kNumTypes && ((kClassMasks[static_cast<size_t>(c) & 15] >> k) & 1);
}

const char* ClassName(TypeClass c) {
  switch (c) {
    case TypeClass::kInt:
      return "an integer";
    case TypeClass::kFloat:
      return "a float";
    case TypeClass::kAny:
      return "a scalar";
    case TypeClass::kVec:
      return "a vector";
    case TypeClass::kIntVec:
      return "an integer vector";
    case TypeClass::kFloatVec:
      return "a float vector";
    case TypeClass::kRef:
      return "a reference";
    case TypeClass::kIntOrRef:
      return "an integer or a reference";
    case TypeClass::kAnyOrVec:
      break;
  }
  return "a value";
}

// The rules of each kCtrl opcode's `.type` suffix (CheckCtrl's), from the fields they read: the
// opcode, its operand's type `from` (kInvalid unless the format is kUnary), the suffix `to` and
// the immediate (iconst). If one fails and kWord, *why says why; the messages are built only
// when worded (the lean walk asks without), so the rules are one copy.
template <bool kWord>
bool CtrlRuleOk(Opcode op, Type from, Type to, int64_t imm, std::string* why) {
  auto fail = [&](auto&& message) {
    if constexpr (kWord) *why = message();
    return false;
  };
  const OpcodeInfo& info = Info(op);
  if (!InClass(info.ctrl_class, to))
    return fail(
        [&] { return "type suffix ." + TypeStr(to) + " must be " + ClassName(info.ctrl_class); });
  const uint32_t fb = TypeBits(from), tb = TypeBits(to);
  switch (op) {
    case Opcode::kUextend:
    case Opcode::kSextend:
      if (tb <= fb)
        return fail(
            [&] { return "extension must widen, " + TypeStr(from) + " to " + TypeStr(to); });
      break;
    case Opcode::kIreduce:
      if (tb >= fb)
        return fail(
            [&] { return "reduction must narrow, " + TypeStr(from) + " to " + TypeStr(to); });
      break;
    case Opcode::kFpromote:
      if (from != Type::kF32 || to != Type::kF64)
        return fail([&] { return std::string("fpromote converts f32 to f64"); });
      break;
    case Opcode::kFdemote:
      if (from != Type::kF64 || to != Type::kF32)
        return fail([&] { return std::string("fdemote converts f64 to f32"); });
      break;
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat:
      if (tb < 32)
        return fail([&] { return std::string("float-to-int conversions produce i32 or i64"); });
      break;
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint:
      if (fb < 32)
        return fail([&] { return std::string("int-to-float conversions take i32 or i64"); });
      break;
    case Opcode::kIconst:
      if (IsRef(to) && imm != 0)
        return fail(
            [&] { return "iconst." + TypeStr(to) + " is the null reference and takes only 0"; });
      break;
    case Opcode::kBitcast:
      if (fb != tb || from == to || IsInt(from) == IsInt(to) || fb < 32 || IsRef(from) || IsRef(to))
        return fail([&] {
          return "bitcast converts between an integer and a float of the same width, "
                 "not " +
                 TypeStr(from) + " to " + TypeStr(to);
        });
      break;
    case Opcode::kUload8:
    case Opcode::kSload8:
    case Opcode::kUload16:
    case Opcode::kSload16:
    case Opcode::kUload32:
    case Opcode::kSload32:
      if (tb <= MemAccessBytes(op) * 8)
        return fail([&] {
          return "." + TypeStr(to) + " is not wider than the " +
                 std::to_string(MemAccessBytes(op) * 8) + "-bit access";
        });
      break;
    case Opcode::kStackAddr:
    case Opcode::kFuncAddr:
      if (to != Type::kI64) return fail([&] { return std::string("addresses are i64"); });
      break;
    default:
      break;
  }
  return true;
}

// The verifier's tables, one set per thread and kept between functions for their capacity
// (each run overwrites what it reads: nothing carries over from one function to the next).
// Also the source of the analyses when the caller supplies none: computed here, on demand.
struct VerifierScratch final : VerifierAnalyses {
  const Function* f = nullptr;
  std::vector<uint32_t> inst_pos;
  // Accepts' tables: a mark per value (all 0 between runs), the marked values in marking order,
  // and the dominator-tree walk's stack (a block's children still to visit, `marked`'s size on
  // entering it).
  struct Frame {
    const Block* next;
    const Block* end;
    uint32_t marks;
  };
  std::vector<uint8_t> defined;
  std::vector<Value> marked;
  std::vector<Frame> stack;
  ControlFlowGraph cfg;
  DominatorTree domtree;

  const ControlFlowGraph& Cfg() override {
    cfg.Compute(*f);
    return cfg;
  }
  // After Cfg(), of the same function.
  const DominatorTree& DomTree() override {
    domtree.Compute(*f, cfg);
    return domtree;
  }
};

// Which of InstOk's rule sets an opcode takes: the `.type` suffix only (kSuffix), the first
// operand's class, that and equal operand types, select's, an integer condition, a memory
// access, a call, a return; or CheckInst's full checks (kFull: every vector op, and the formats
// InstOk has no inline rules for). Every set but kFull ends with the suffix rule (CtrlOk).
enum class AcceptKind : uint8_t {
  kSuffix,
  kArgClass,
  kSameTypeArgs,
  kSelect,
  kCondition,
  kMemory,
  kCall,
  kReturn,
  kFull,
};

// The shapes of instruction the lean walk checks in one straight piece of code each (the
// common scalar ones: most of what the frontend and the passes make), chosen per opcode from
// its traits below. An instruction of such an opcode takes its piece when it has no variable
// operands and the number of results its typing gives; any other goes through the general
// sequence (AcceptsBlock), as does every opcode of kGeneral. Each piece makes exactly the
// general sequence's checks for its traits, so a piece decides nothing the sequence would not.
enum class AcceptForm : uint8_t {
  kGeneral,
  kSameAsArg2,  // two operands of one type in the class, a result of that type (iadd)
  kSameAsArg1,  // one operand in the class, a result of its type (iadd_imm, bnot)
  kBool2,       // two operands of one type in the class, an i32 result (icmp, fcmp)
  kBool1,       // one operand in the class, an i32 result (icmp_imm)
  kCtrlUnary,   // one operand in the class, a result of the suffix type (uextend)
  kCtrlConst,   // no operand, a result of the suffix type (iconst)
  kLoad,        // an i64 address, a result of the suffix type (load, uload8)
  kStore,       // a stored value and an i64 address, no result (store, istore8)
  kSelect,      // an integer condition and two operands of one type, a result of that type
  kJump,        // a terminator with one destination and nothing else
  kBrif,        // a terminator with an integer condition and two destinations
  kCall,        // call or call_indirect (its variable operands are the arguments)
};

// What Accepts reads of an opcode, in one table entry: kOperandShape, the rule set, the
// OpcodeInfo fields it uses, and the parts of the rules that depend on the opcode alone.
// (16 bytes: the walk indexes the table by opcode with a shift instead of a multiply by 12.)
struct alignas(16) AcceptTraits {
  uint8_t shape;
  AcceptForm form;
  AcceptKind kind;
  ResultTyping typing;
  TypeClass arg_class;
  bool terminator;
  bool unary;            // format kUnary: a kCtrl suffix rule reads the operand's type
  uint8_t dests;         // branches: 1 jump (dest[0]), 2 brif (dest[0], dest[1]), 3 others
  bool store;            // kMemory: a store (the address is args[1], the value args[0])
  uint16_t store_types;  // a store: bit t for every type t of value it may store
};

constexpr AcceptKind AcceptKindOf(const OpcodeInfo& info) {
  if (info.flags & kVector) return AcceptKind::kFull;
  switch (info.format) {
    case InstFormat::kUnaryImm:
    case InstFormat::kUnaryF32:
    case InstFormat::kUnaryF64:
    case InstFormat::kTrap:
    case InstFormat::kJump:
      return AcceptKind::kSuffix;
    case InstFormat::kUnary:
    case InstFormat::kBinaryImm:
    case InstFormat::kIntCompareImm:
      return AcceptKind::kArgClass;
    case InstFormat::kBinary:
    case InstFormat::kIntCompare:
    case InstFormat::kFloatCompare:
      return AcceptKind::kSameTypeArgs;
    case InstFormat::kTernary:
      return AcceptKind::kSelect;
    case InstFormat::kBrif:
    case InstFormat::kCondTrap:
      return AcceptKind::kCondition;
    case InstFormat::kLoad:
    case InstFormat::kStore:
      return AcceptKind::kMemory;
    case InstFormat::kCall:
    case InstFormat::kCallIndirect:
      return AcceptKind::kCall;
    case InstFormat::kMultiAry:
      return AcceptKind::kReturn;
    default:
      return AcceptKind::kFull;
  }
}

// The piece of code an opcode's instructions take (AcceptForm), from the traits that decide
// the general sequence's checks: operand count, destinations, typing rule and rule set.
AcceptForm AcceptFormOf(const AcceptTraits& t) {
  const uint32_t args = t.shape & ~kOperandShapeBranch;
  const bool branch = (t.shape & kOperandShapeBranch) != 0;
  using K = AcceptKind;
  using R = ResultTyping;
  if (t.dests == 1 && t.terminator && args == 0 && t.kind == K::kSuffix && t.typing == R::kNoResult)
    return AcceptForm::kJump;
  if (t.dests == 2 && t.terminator && args == 1 && t.kind == K::kCondition &&
      t.typing == R::kNoResult)
    return AcceptForm::kBrif;
  if (t.dests != 0 || t.terminator || branch) return AcceptForm::kGeneral;
  if (t.kind == K::kSameTypeArgs && args == 2 && t.typing == R::kSameAsArg)
    return AcceptForm::kSameAsArg2;
  if (t.kind == K::kArgClass && args == 1 && t.typing == R::kSameAsArg)
    return AcceptForm::kSameAsArg1;
  if (t.kind == K::kSameTypeArgs && args == 2 && t.typing == R::kBool) return AcceptForm::kBool2;
  if (t.kind == K::kArgClass && args == 1 && t.typing == R::kBool) return AcceptForm::kBool1;
  if (t.kind == K::kArgClass && args == 1 && t.typing == R::kCtrl && t.unary)
    return AcceptForm::kCtrlUnary;
  if (t.kind == K::kSuffix && args == 0 && t.typing == R::kCtrl && !t.unary)
    return AcceptForm::kCtrlConst;
  if (t.kind == K::kMemory && !t.store && args == 1 && t.typing == R::kCtrl && !t.unary)
    return AcceptForm::kLoad;
  if (t.kind == K::kMemory && t.store && args == 2 && t.typing == R::kNoResult)
    return AcceptForm::kStore;
  if (t.kind == K::kSelect && args == 3 && t.typing == R::kSelectTyping) return AcceptForm::kSelect;
  // call (no fixed operand) and call_indirect (the callee), not the tail calls (terminators).
  if (t.kind == K::kCall && args <= 1 && t.typing == R::kCallResults) return AcceptForm::kCall;
  return AcceptForm::kGeneral;
}

// Built at start-up (MemAccessBytes and the class table are not constexpr).
const std::array<AcceptTraits, kNumOpcodes> kAcceptTraits = [] {
  std::array<AcceptTraits, kNumOpcodes> t{};
  for (int k = 0; k < kNumOpcodes; ++k) {
    const OpcodeInfo& info = kOpcodeInfos[k];
    const uint8_t dests = !(info.flags & kBranch)            ? 0
                          : info.format == InstFormat::kJump ? 1
                          : info.format == InstFormat::kBrif ? 2
                                                             : 3;
    // CheckMemory's rule for the stored value: a plain store takes any scalar or vector, a
    // narrow one an integer wider than its access.
    uint16_t store_types = 0;
    const uint32_t bytes = MemAccessBytes(static_cast<Opcode>(k));
    for (int ty = 0; info.format == InstFormat::kStore && ty < kNumTypes; ++ty) {
      const auto vt = static_cast<Type>(ty);
      if (bytes == 0 ? InClass(TypeClass::kAnyOrVec, vt) : IsInt(vt) && TypeBits(vt) > bytes * 8)
        store_types |= static_cast<uint16_t>(1u << ty);
    }
    t[k] = {kOperandShape[k],
            AcceptForm::kGeneral,
            AcceptKindOf(info),
            info.typing,
            info.arg_class,
            (info.flags & kTerminator) != 0,
            info.format == InstFormat::kUnary,
            dests,
            info.format == InstFormat::kStore,
            store_types};
    t[k].form = AcceptFormOf(t[k]);
  }
  return t;
}();

// Per kCtrl opcode the lean walk checks inline (not kFull) and operand type `from` (kInvalid
// unless the format is kUnary), bit t for every suffix t that CtrlRuleOk accepts whatever the
// immediate. Built at start-up from the rules themselves, and only for the rows a valid
// instruction can use (`from` in the operand class, checked before) and the suffixes in the
// opcode's class: a few hundred rule calls. The lean walk accepts a suffix whose bit is set
// and asks CtrlRuleOk about any other (iconst.r64 depends on the immediate), so the table
// saves the call and decides nothing the rules do not.
const std::array<uint16_t, kNumOpcodes* 16> kCtrlMasks = [] {
  std::array<uint16_t, kNumOpcodes * 16> m{};
  for (int op = 0; op < kNumOpcodes; ++op) {
    const OpcodeInfo& info = kOpcodeInfos[op];
    if (info.typing != ResultTyping::kCtrl || kAcceptTraits[op].kind == AcceptKind::kFull) continue;
    const bool unary = info.format == InstFormat::kUnary;
    for (int from = 0; from < kNumTypes; ++from) {
      const auto f = static_cast<Type>(from);
      if (unary ? !InClass(info.arg_class, f) : f != Type::kInvalid) continue;
      for (int to = 0; to < kNumTypes; ++to) {
        const auto o = static_cast<Opcode>(op);
        const auto t = static_cast<Type>(to);
        if (InClass(info.ctrl_class, t) && CtrlRuleOk<false>(o, f, t, 0, nullptr) &&
            CtrlRuleOk<false>(o, f, t, 1, nullptr))
          m[op * 16 + from] |= static_cast<uint16_t>(1u << to);
      }
    }
  }
  return m;
}();

thread_local bool fast_path = true;  // SetVerifierFastPathForTesting

class Verifier {
 public:
  Verifier(const Function& f, VerifierScratch& scratch, VerifierAnalyses& analyses)
      : f_(f), dfg_(f.dfg), inst_pos_(scratch.inst_pos), scratch_(scratch), analyses_(analyses) {}

  // Run's steps up to the fast path's answer (VerifierFastPathAcceptsForTesting).
  bool FastPathAccepts() {
    if (!f_.EntryBlock().valid()) return false;
    CheckEntry();
    if (!CheckDeclarations() || !BlocksInRange() || !errors_.empty()) return false;
    analyses_.Cfg();
    return Accepts(analyses_.DomTree());
  }

  std::vector<VerifierError> Run() {
    if (!f_.EntryBlock().valid()) {
      Fail(Inst(), Block(), "function has no blocks");
      return std::move(errors_);
    }
    CheckEntry();
    if (!CheckDeclarations()) return std::move(errors_);
    if (BlocksInRange()) {
      analyses_.Cfg();
      const DominatorTree& dt = analyses_.DomTree();
      // A valid function (the common case) passes the lean walk, and has no error to report.
      if (fast_path && errors_.empty() && Accepts(dt)) return {};
      return RunFused(dt);
    }
    // Blocks or terminators out of range: the CFG cannot be built before the structure is
    // checked, so the checks run one after the other (each only if the one before passed).
    if (!CheckStructure()) return std::move(errors_);
    for (Block b : f_.layout.Blocks())
      for (Inst i : f_.layout.Insts(b)) CheckInst(b, i);
    if (!errors_.empty()) return std::move(errors_);
    CheckDominance();
    return std::move(errors_);
  }

 private:
  void Fail(Inst i, Block b, std::string msg) {
    if (i.valid()) {
      msg = "inst" + std::to_string(i.index) + " (" + PrintInst(f_, i) + "): " + msg;
    }
    sink_->push_back({i, b, std::move(msg)});
  }

  // Whether every placed block and its last instruction are in range, which is all that
  // ControlFlowGraph::Compute needs (so the fused walk can compute the dominator tree first).
  bool BlocksInRange() const {
    for (Block b : f_.layout.Blocks()) {
      if (!dfg_.IsValidBlock(b)) return false;
      const Inst last = f_.layout.LastInst(b);
      if (last.valid() && !dfg_.IsValidInst(last)) return false;
    }
    return true;
  }

  // CheckStructure, the per-instruction checks and CheckDominance in one walk over the
  // instructions, with the same errors: structural errors win (then nothing else is reported),
  // then the per-instruction ones (after CheckEntry's), then dominance. Once a structural error
  // is found, the other two stop: they may rely on what it found broken.
  std::vector<VerifierError> RunFused(const DominatorTree& dt) {
    std::vector<VerifierError> inst_errors, dom_errors;
    const size_t before = errors_.size();
    inst_pos_.assign(dfg_.NumInsts(), 0);
    uint32_t pos = 0;
    for (Block b : f_.layout.Blocks()) {
      CheckBlockParams(b);
      const Inst last = f_.layout.LastInst(b);
      if (!last.valid()) {
        Fail(Inst(), b, BlockName(b) + " is empty (it needs a terminator)");
        continue;
      }
      const bool reachable = dt.IsReachable(b);
      for (Inst i : f_.layout.Insts(b)) {
        inst_pos_[i.index] = ++pos;
        if (!dfg_.IsValidInst(i)) {
          Fail(Inst(), b, "inst" + std::to_string(i.index) + " is out of range");
          return std::move(errors_);
        }
        CheckTerminatorPlace(b, i, last);
        const bool ok_before = errors_.size() == before;
        // Dominance needs only operands that passed their range checks, which CheckRefs
        // makes before it calls back.
        const bool check_dominance = ok_before && reachable && inst_errors.empty();
        CheckRefs(b, i, [&](Value v, const ValueData& vd, Block def_block) {
          if (!check_dominance) return;
          bool ok;
          if (vd.kind == ValueKind::kParam) {
            ok = dt.Dominates(def_block, b);
          } else {
            const Inst def(vd.def);
            // Positions are given in layout order as the walk goes: a definition later in
            // this block has none yet.
            ok = def_block == b
                     ? inst_pos_[def.index] != 0 && inst_pos_[def.index] < inst_pos_[i.index]
                     : dt.Dominates(def_block, b);
          }
          if (!ok) DominanceError(dom_errors, i, b, v, def_block);
        });
        if (errors_.size() != before) continue;
        sink_ = &inst_errors;
        CheckInst(b, i);
        sink_ = &errors_;
      }
    }
    if (errors_.size() != before) return std::move(errors_);
    for (VerifierError& e : inst_errors) errors_.push_back(std::move(e));
    if (!errors_.empty()) return std::move(errors_);
    return dom_errors;
  }

  // Accepts: the checks of RunFused (structure, per-instruction rules, dominance) in one lean
  // walk that only answers yes or no. Invariant: it returns true only for a function RunFused
  // finds no error in; it may return false for a valid one (then RunFused runs and finds none),
  // so every check here is the rule RunFused applies or a stricter one. The common formats are
  // checked inline; the others go through CheckInst with a scratch sink.
  //
  // Dominance without queries: the reachable blocks are walked in the dominator tree's
  // pre-order, a value is marked (`defined_`) when the walk passes its definition (a block's
  // parameters on entering it, an instruction's results after its own checks) and unmarked
  // when the walk leaves the subtree of the block that defines it. At a use in a reachable
  // block the marked values are then exactly those defined in a block that dominates it, before
  // the use if in the same block, by a placed instruction listing the value among its results
  // or a placed block listing it among its parameters: RunFused's definition and dominance
  // rules, or stricter ones (a value whose definition does not list it fails here only). So
  // an operand costs one byte load. Unreachable blocks come after, in layout order, with the
  // definition checks alone (RunFused checks no dominance there).
  bool Accepts(const DominatorTree& dt) {
    std::vector<uint8_t>& defined = scratch_.defined;
    const size_t num_values = dfg_.NumValues();
    if (defined.size() < num_values) defined.resize(num_values, 0);
    // A value is marked at most once per walk (AcceptsBlock rejects a second mark), so the
    // marked list needs no more than one entry per value and is written without growth checks.
    if (scratch_.marked.size() < num_values) scratch_.marked.resize(num_values);
    num_marked_ = 0;
    const bool ok = AcceptsWalk(dt);
    // Between runs every mark is 0: a walk that finishes has undone its own; one that stopped
    // early leaves some, cleared here.
    if (!ok) std::fill(defined.begin(), defined.end(), uint8_t{0});
    EGRET_DCHECK(std::find(defined.begin(), defined.begin() + num_values, uint8_t{1}) ==
                 defined.begin() + num_values);
    return ok;
  }

  bool AcceptsWalk(const DominatorTree& dt) {
    const Layout& layout = f_.layout;
    uint8_t* const defined = scratch_.defined.data();
    const Value* const marked = scratch_.marked.data();
    // One frame per level of the tree, so at most one per reachable block: the stack is sized
    // once and used through a pointer (after a mark, a byte store, a vector's bounds would be
    // reloaded). A walk deeper than that (a tree that is not one) declines.
    std::vector<VerifierScratch::Frame>& stack = scratch_.stack;
    const size_t capacity = dt.Rpo().size() + 1;
    if (stack.size() < capacity) stack.resize(capacity);
    VerifierScratch::Frame* const frames = stack.data();
    size_t depth = 0;
    const Tables t = GetTables();
    // Every placed instruction is below the layout's bound (Layout::InstLinks); when that is
    // at most the number of instructions, every instruction a block's walk reaches is in the
    // table, so AcceptsBlock needs no range check per instruction. Otherwise (never for IR the
    // builder or a pass made) decline: the full walk finds the out-of-range ones.
    if (t.links.Bound() > t.num_insts) return false;
    // The tree's children lists and the block count in locals too (Children's and
    // IsValidBlock's reads, without reloading the vectors after each block's marks).
    const size_t num_blocks = dfg_.NumBlocks();
    const uint32_t* const child_start = dt.ChildStarts().data();
    const size_t num_starts = dt.ChildStarts().size();
    const Block* const child_list = dt.ChildList();
    auto enter = [&](Block b) {
      if (depth == capacity || b.index >= num_blocks || !layout.IsBlockInserted(b)) return false;
      const Block *first = child_list, *end = child_list;  // no children: an empty range
      if (b.index + 1 < num_starts) {
        first += child_start[b.index];
        end += child_start[b.index + 1];
      }
      frames[depth++] = {first, end, num_marked_};
      return AcceptsBlock</*reachable=*/true>(b, t);
    };
    if (!enter(f_.EntryBlock())) return false;
    while (depth != 0) {
      VerifierScratch::Frame& top = frames[depth - 1];
      if (top.next != top.end) {
        if (!enter(*top.next++)) return false;  // `top` is not used after this
        continue;
      }
      uint32_t n = num_marked_;
      while (n > top.marks) defined[marked[--n].index] = 0;
      num_marked_ = n;
      --depth;
    }
    // Every reachable block is in the tree and was placed; the others are unreachable.
    if (dt.Rpo().size() == layout.NumBlocks()) return true;
    for (Block b : layout.Blocks())
      if (!dt.IsReachable(b) && !AcceptsBlock</*reachable=*/false>(b, t)) return false;
    return true;
  }

  // The tables AcceptsBlock reads, as plain pointers held in locals: a mark is a byte store,
  // which may alias any object, so a table reached through a member or a vector would be
  // reloaded after every one.
  // Every placed instruction's index is below num_insts (AcceptsWalk declines otherwise).
  struct Tables {
    const InstData* insts;
    const ValueData* values;
    const Value* pool;  // ValueListPool's storage: list l is pool[l.start .. l.start + l.size)
    Layout::InstLinks links;
    uint32_t num_insts, num_values;
  };
  Tables GetTables() const {
    const uint32_t num_insts = static_cast<uint32_t>(dfg_.NumInsts());
    const uint32_t num_values = static_cast<uint32_t>(dfg_.NumValues());
    return Tables{.insts = num_insts ? &dfg_[Inst(0)] : nullptr,
                  .values = num_values ? &dfg_.ValueInfo(Value(0)) : nullptr,
                  .pool = dfg_.pool().Get(ValueList{}).data(),
                  .links = f_.layout.Links(),
                  .num_insts = num_insts,
                  .num_values = num_values};
  }

  // One block of Accepts. In a reachable block an operand must be marked, and the block's
  // parameters and results are marked as the walk passes them; in an unreachable one it must
  // only be defined by a placed instruction or block. A value already marked when its
  // definition is passed (listed twice) fails: stricter than RunFused, and it bounds the marked
  // list by the number of values.
  template <bool kReachable>
  bool AcceptsBlock(Block b, const Tables& t) {
    const ValueData* const values = t.values;
    const Value* const pool = t.pool;
    const uint32_t num_values = t.num_values;
    const InstData* const insts = t.insts;
    const Layout::InstLinks links = t.links;
    uint8_t* const defined = scratch_.defined.data();
    Value* const marked = scratch_.marked.data();
    uint32_t num_marked = num_marked_;
    // (Captures by value: the br_table path hands it to EdgesOk, and a reference capture would
    // keep num_values and defined in memory for the whole walk.)
    const auto operand_ok = [this, num_values, defined](Value v) {
      if constexpr (kReachable) {
        (void)this;
        return v.index < num_values && defined[v.index] != 0;
      } else {
        (void)num_values, (void)defined;
        return DefinedAnywhere(v);
      }
    };
    // Marks a definition (after its checks: an instruction's own operands come before it).
    const auto mark = [&](Value v) {
      if constexpr (kReachable) {
        if (defined[v.index] != 0) return false;
        defined[v.index] = 1;
        marked[num_marked++] = v;
      }
      return true;
    };
    for (Value p : dfg_.BlockParams(b)) {
      if (p.index >= num_values) return false;
      const ValueData& vd = values[p.index];
      if (vd.kind != ValueKind::kParam || vd.def != b.index || !mark(p)) return false;
    }
    const Inst last = f_.layout.LastInst(b);
    if (!last.valid()) return false;
    // (A failure returns at once: Accepts then clears every mark, wherever the count stood.)
    // The layout's own walk (Insts(b)'s steps through a local copy of its table): it follows
    // only links the layout made (docs/ir.md), so every instruction is placed, below
    // links.Bound() and so below num_insts (AcceptsWalk).
    for (Inst i = f_.layout.FirstInst(b); i.valid(); i = links.Next(i)) {
      EGRET_DCHECK(i.index < t.num_insts);
      const InstData& d = insts[i.index];
      const AcceptTraits& traits = kAcceptTraits[static_cast<size_t>(d.opcode)];
      if ((i == last) != traits.terminator) return false;
      // The common shapes in one piece each (AcceptForm), with the checks of the general
      // sequence below for their traits: operands defined (marked), the one result defined
      // here with the type of the typing rule and marked after the operands, then the rule set
      // and the suffix. A form's instruction with variable operands (but a call's), or with
      // another number of results than its typing gives, takes the general sequence.
      //
      // A call: CallOk's rules with the general sequence's operand and result checks, in one
      // pass over the arguments and one over the results: the callee's signature (a declared
      // function's, or call_indirect's own with an i64 callee), arguments defined and of its
      // parameter types, results defined here, of its result types, and marked.
      const auto call_ok = [&]() __attribute__((always_inline)) {
        SigRef s;
        if (traits.shape != 0) {  // call_indirect: the callee is args[0]
          if (!operand_ok(d.args[0]) || values[d.args[0].index].type != Type::kI64) return false;
          s = SigRef(d.ref);
        } else {
          if (!dfg_.IsValidFuncRef(FuncRef(d.ref))) return false;
          s = dfg_.ext_func(FuncRef(d.ref)).sig;
        }
        if (!dfg_.IsValidSigRef(s)) return false;
        const Signature& sig = dfg_.signature(s);
        const uint32_t num_args = d.vargs.size, num_results = d.results.size;
        if (num_args != sig.params.size() || num_results != sig.results.size()) return false;
        const Type* const params = sig.params.data();
        const Type* const result_types = sig.results.data();
        for (uint32_t k = 0; k < num_args; ++k) {  // (none read from an empty list)
          const Value a = pool[d.vargs.start + k];
          if (!operand_ok(a) || values[a.index].type != params[k]) return false;
        }
        for (uint32_t k = 0; k < num_results; ++k) {
          const Value r = pool[d.results.start + k];
          if (r.index >= num_values) return false;
          const ValueData& vd = values[r.index];
          if (vd.kind != ValueKind::kResult || vd.def != i.index || vd.type != result_types[k] ||
              !mark(r))
            return false;
        }
        return true;
      };
      if (d.vargs.size != 0 && traits.form == AcceptForm::kCall) {
        if (!call_ok()) return false;
        continue;
      }
      if (d.vargs.size == 0) {
        const auto ty = [values](Value v) { return values[v.index].type; };
        // The one result: in range, defined by i, of type `want`, and marked.
        const auto result_ok = [&](Type want) __attribute__((always_inline)) {
          const Value r = pool[d.results.start];
          if (r.index >= num_values) return false;
          const ValueData& vd = values[r.index];
          return vd.kind == ValueKind::kResult && vd.def == i.index && vd.type == want && mark(r);
        };
        // The suffix, by kCtrlMasks and by the rules where the table does not say yes (InstOk).
        const auto suffix_ok = [&](uint32_t from) __attribute__((always_inline)) {
          const uint32_t to = static_cast<uint32_t>(d.type);
          return (to < kNumTypes &&
                  ((kCtrlMasks[static_cast<size_t>(d.opcode) * 16 + from] >> to) & 1)) ||
                 CtrlOk<false>(i, nullptr);
        };
        // CheckMemory's rules but for the stored value (InstOk's kMemory).
        const auto address_ok = [&](Value addr) __attribute__((always_inline)) {
          const uint32_t regions =
              d.flags.bits & (MemFlags::kHeap | MemFlags::kVmctx | MemFlags::kTable);
          return ty(addr) == Type::kI64 && (regions & (regions - 1)) == 0 &&
                 static_cast<int32_t>(d.imm) == d.imm;
        };
        const uint32_t num_results = d.results.size;
        switch (traits.form) {
          case AcceptForm::kGeneral:
            break;
          case AcceptForm::kSameAsArg2:
          case AcceptForm::kBool2: {
            if (num_results != 1) break;
            if (!operand_ok(d.args[0]) || !operand_ok(d.args[1])) return false;
            const Type t0 = ty(d.args[0]);
            const Type want = traits.form == AcceptForm::kBool2 ? Type::kI32 : t0;
            if (!InClass(traits.arg_class, t0) || t0 != ty(d.args[1]) || !result_ok(want))
              return false;
            continue;
          }
          case AcceptForm::kSameAsArg1:
          case AcceptForm::kBool1: {
            if (num_results != 1) break;
            if (!operand_ok(d.args[0])) return false;
            const Type t0 = ty(d.args[0]);
            const Type want = traits.form == AcceptForm::kBool1 ? Type::kI32 : t0;
            if (!InClass(traits.arg_class, t0) || !result_ok(want)) return false;
            continue;
          }
          case AcceptForm::kCtrlUnary: {
            if (num_results != 1) break;
            if (!operand_ok(d.args[0])) return false;
            const Type t0 = ty(d.args[0]);
            if (!InClass(traits.arg_class, t0) || !result_ok(d.type) ||
                !suffix_ok(static_cast<uint32_t>(t0)))
              return false;
            continue;
          }
          case AcceptForm::kCtrlConst:
            if (num_results != 1) break;
            if (!result_ok(d.type) || !suffix_ok(0)) return false;
            continue;
          case AcceptForm::kLoad:
            if (num_results != 1) break;
            if (!operand_ok(d.args[0]) || !result_ok(d.type) || !address_ok(d.args[0]) ||
                !suffix_ok(0))
              return false;
            continue;
          case AcceptForm::kStore: {
            if (num_results != 0) break;
            if (!operand_ok(d.args[0]) || !operand_ok(d.args[1]) || !address_ok(d.args[1]))
              return false;
            const uint32_t vt = static_cast<uint32_t>(ty(d.args[0]));
            if (vt >= kNumTypes || !((traits.store_types >> vt) & 1)) return false;
            continue;
          }
          case AcceptForm::kSelect: {
            if (num_results != 1) break;
            if (!operand_ok(d.args[0]) || !operand_ok(d.args[1]) || !operand_ok(d.args[2]))
              return false;
            const Type t1 = ty(d.args[1]);
            if (!IsInt(ty(d.args[0])) || !InClass(TypeClass::kAnyOrVec, t1) ||
                t1 != ty(d.args[2]) || !result_ok(t1))
              return false;
            continue;
          }
          case AcceptForm::kJump:
            if (num_results != 0) break;
            if (!EdgeOk(d.dest[0], t, operand_ok)) return false;
            continue;
          case AcceptForm::kCall:
            if (!call_ok()) return false;
            continue;
          case AcceptForm::kBrif:
            if (num_results != 0) break;
            if (!operand_ok(d.args[0]) || !IsInt(ty(d.args[0])) ||
                !EdgeOk(d.dest[1], t, operand_ok) || !EdgeOk(d.dest[0], t, operand_ok))
              return false;
            continue;
          default:
            // kAcceptTraits holds only the forms above (it is built from AcceptFormOf), so
            // the dispatch needs no range check.
            __builtin_unreachable();
        }
      }
      // Operands: the fixed ones and the variable list here, branch arguments with the edges.
      const uint8_t shape = traits.shape;
      for (size_t k = 0, n = shape & ~kOperandShapeBranch; k < n; ++k)
        if (!operand_ok(d.args[k])) return false;
      if (d.vargs.size != 0) {  // (an empty list's start may be anything)
        for (const Value *v = pool + d.vargs.start, *end = v + d.vargs.size; v != end; ++v)
          if (!operand_ok(*v)) return false;
      }
      switch (traits.dests) {
        case 0:
          break;
        case 2:
          if (!EdgeOk(d.dest[1], t, operand_ok)) return false;
          [[fallthrough]];
        case 1:
          if (!EdgeOk(d.dest[0], t, operand_ok)) return false;
          break;
        default:
          if (!EdgesOk(i, operand_ok)) return false;
          break;
      }
      // Results: defined here, of the types the typing rule gives (call results: by CallOk,
      // with the call's signature), and marked (the operands above were checked before).
      const ResultTyping typing = traits.typing;
      const uint32_t num_results = d.results.size;
      if (num_results == 1 && typing != ResultTyping::kCallResults) {
        const Value r = pool[d.results.start];
        if (r.index >= num_values) return false;
        const ValueData& vd = values[r.index];
        if (vd.kind != ValueKind::kResult || vd.def != i.index) return false;
        // ResultTypeOf's common rules inline, the others through it (kNoResult: none fits).
        const Type want = typing == ResultTyping::kCtrl ? d.type
                          : typing == ResultTyping::kSameAsArg && d.args[0].index < num_values
                              ? values[d.args[0].index].type
                          : typing == ResultTyping::kBool ? Type::kI32
                                                          : dfg_.ResultTypeOf(d);
        if (want == Type::kInvalid || vd.type != want || !mark(r)) return false;
      } else if (num_results != 0 || typing == ResultTyping::kCallResults) {
        if (typing != ResultTyping::kCallResults) return false;
        for (const Value *r = pool + d.results.start, *end = r + num_results; r != end; ++r) {
          if (r->index >= num_values) return false;
          const ValueData& vd = values[r->index];
          if (vd.kind != ValueKind::kResult || vd.def != i.index || !mark(*r)) return false;
        }
      } else if (typing != ResultTyping::kNoResult) {
        return false;  // no result where the rule gives one
      }
      if (!InstOk(b, i, d, traits, values)) return false;
    }
    num_marked_ = num_marked;
    return true;
  }

  // Whether v is defined by a placed instruction or block (RunFused's rule for an operand in
  // an unreachable block).
  bool DefinedAnywhere(Value v) const {
    if (v.index >= dfg_.NumValues()) return false;
    const ValueData& vd = dfg_.ValueInfo(v);
    if (vd.kind == ValueKind::kResult)
      return vd.def < dfg_.NumInsts() && f_.layout.InstBlock(Inst(vd.def)).valid();
    return vd.kind == ValueKind::kParam && f_.layout.IsBlockInserted(Block(vd.def));
  }

  // Branch targets placed, with arguments of their parameters' number and types, each one a
  // good operand (`operand_ok`).
  template <class OperandOk>
  bool EdgesOk(Inst i, const OperandOk& operand_ok) const {
    bool ok = true;
    dfg_.ForEachDest(i, [&](const BlockCall& bc) {
      if (!ok || !dfg_.IsValidBlock(bc.block) || !f_.layout.IsBlockInserted(bc.block)) {
        ok = false;
        return;
      }
      const auto args = dfg_.pool().Get(bc.args);
      const auto params = dfg_.BlockParams(bc.block);
      ok = args.size() == params.size();
      for (size_t k = 0; ok && k < args.size(); ++k)
        ok =
            operand_ok(args[k]) && params[k].index < dfg_.NumValues() && T(args[k]) == T(params[k]);
    });
    return ok;
  }

  // EdgesOk for one destination, inline (jumps and brifs), reading the tables `t`.
  template <class OperandOk>
  [[gnu::always_inline]] bool EdgeOk(const BlockCall& bc, const Tables& t,
                                     const OperandOk& operand_ok) const {
    if (!dfg_.IsValidBlock(bc.block) || !f_.layout.IsBlockInserted(bc.block)) return false;
    const auto params = dfg_.BlockParams(bc.block);
    if (bc.args.size != params.size()) return false;
    if (bc.args.size == 0) return true;
    const Value* const args = t.pool + bc.args.start;
    for (size_t k = 0; k < params.size(); ++k) {
      const Value a = args[k], p = params[k];
      if (!operand_ok(a) || p.index >= t.num_values ||
          t.values[a.index].type != t.values[p.index].type)
        return false;
    }
    return true;
  }

  // CheckInst's operand, reference and suffix rules for the scalar formats the frontend makes
  // most (inline, by the opcode's AcceptKind), and CheckInst itself into a scratch sink for the
  // others.
  // `values` is the value table (Tables); every fixed operand the opcode has is in range.
  [[gnu::always_inline]] bool InstOk(Block b, Inst i, const InstData& d, const AcceptTraits& traits,
                                     const ValueData* values) {
    const auto ty = [values](Value v) { return values[v.index].type; };
    switch (traits.kind) {
      case AcceptKind::kSuffix:
        break;
      case AcceptKind::kArgClass:
        if (!InClass(traits.arg_class, ty(d.args[0]))) return false;
        break;
      case AcceptKind::kSameTypeArgs: {
        const Type t = ty(d.args[0]);
        if (!InClass(traits.arg_class, t) || t != ty(d.args[1])) return false;
        break;
      }
      case AcceptKind::kSelect:
        if (!IsInt(ty(d.args[0])) || !InClass(TypeClass::kAnyOrVec, ty(d.args[1])) ||
            ty(d.args[1]) != ty(d.args[2]))
          return false;
        break;
      case AcceptKind::kCondition:
        if (!IsInt(ty(d.args[0]))) return false;
        break;
      case AcceptKind::kMemory: {
        // CheckMemory's rules: an i64 address, at most one region flag, a 32-bit offset, and
        // a stored value the opcode takes.
        const uint32_t regions =
            d.flags.bits & (MemFlags::kHeap | MemFlags::kVmctx | MemFlags::kTable);
        if (ty(d.args[traits.store ? 1 : 0]) != Type::kI64 || (regions & (regions - 1)) != 0 ||
            static_cast<int32_t>(d.imm) != d.imm)
          return false;
        if (traits.store) {
          const uint32_t vt = static_cast<uint32_t>(ty(d.args[0]));
          if (vt >= kNumTypes || !((traits.store_types >> vt) & 1)) return false;
        }
        break;
      }
      case AcceptKind::kCall:
        if (!CallOk(i, d, traits.typing)) return false;
        break;
      case AcceptKind::kReturn:
        if (!TypesAre(dfg_.VarArgs(i), f_.signature.results)) return false;
        break;
      case AcceptKind::kFull:
        return FullChecksOk(b, i);
    }
    if (traits.typing != ResultTyping::kCtrl) return true;
    // The suffix by kCtrlMasks, and by the rules themselves where the table does not say yes.
    const uint32_t from = traits.unary ? static_cast<uint32_t>(ty(d.args[0])) : 0;
    const uint32_t to = static_cast<uint32_t>(d.type);
    if (from < kNumTypes && to < kNumTypes &&
        ((kCtrlMasks[static_cast<size_t>(d.opcode) * 16 + from] >> to) & 1))
      return true;
    return CtrlOk<false>(i, nullptr);
  }

  // InstOk's rules for a call (CheckCall's, as a yes or no).
  [[gnu::noinline]] bool CallOk(Inst i, const InstData& d, ResultTyping typing) const {
    const bool indirect = Info(d.opcode).format == InstFormat::kCallIndirect;
    if (indirect ? !dfg_.IsValidSigRef(SigRef(d.ref)) : !dfg_.IsValidFuncRef(FuncRef(d.ref)))
      return false;
    const SigRef s = dfg_.CallSignature(i);
    if (!dfg_.IsValidSigRef(s)) return false;
    const Signature& sig = dfg_.signature(s);
    if (indirect && T(d.args[0]) != Type::kI64) return false;
    if (!TypesAre(dfg_.VarArgs(i), sig.params)) return false;
    if (typing == ResultTyping::kCallResults && !TypesAre(dfg_.InstResults(i), sig.results))
      return false;
    if ((d.opcode == Opcode::kReturnCall || d.opcode == Opcode::kReturnCallIndirect) &&
        sig.results != f_.signature.results)
      return false;
    return true;
  }

  // The other formats (stack slots, br_table, atomics, vectors, ...): the full checks, in
  // RunFused's order (CheckInst only after CheckRefs passed), into a scratch sink.
  [[gnu::noinline]] bool FullChecksOk(Block b, Inst i) {
    sink_ = &scratch_errors_;
    CheckRefs(b, i, [](Value, const ValueData&, Block) {});
    if (scratch_errors_.empty()) CheckInst(b, i);
    sink_ = &errors_;
    const bool clean = scratch_errors_.empty();
    scratch_errors_.clear();
    return clean;
  }

  bool TypesAre(std::span<const Value> vs, const std::vector<Type>& ts) const {
    if (vs.size() != ts.size()) return false;
    for (size_t k = 0; k < vs.size(); ++k)
      if (T(vs[k]) != ts[k]) return false;
    return true;
  }

  void DominanceError(std::vector<VerifierError>& out, Inst i, Block b, Value v,
                      Block def_block) const {
    out.push_back({i, b,
                   ValueName(v) + " used in " + BlockName(b) +
                       " is not dominated by its definition in " + BlockName(def_block)});
  }

  void CheckEntry() {
    Block entry = f_.EntryBlock();
    auto params = dfg_.BlockParams(entry);
    const auto& want = f_.signature.params;
    bool ok = params.size() == want.size();
    for (size_t k = 0; ok && k < params.size(); ++k) ok = dfg_.ValueType(params[k]) == want[k];
    if (!ok) {
      Fail(Inst(), entry,
           "entry block " + BlockName(entry) + " parameters must match the signature " +
               PrintSignature(f_.signature));
    }
  }

  bool CheckDeclarations() {
    bool ok = true;
    for (uint32_t k = 0; k < dfg_.NumExtFuncs(); ++k) {
      const ExtFuncData& e = dfg_.ext_func(FuncRef(k));
      if (!dfg_.IsValidSigRef(e.sig)) {
        Fail(Inst(), Block(),
             "fn" + std::to_string(k) + " names undeclared sig" + std::to_string(e.sig.index));
        ok = false;
      }
    }
    for (StackSlot ss : f_.stack_slots.Keys()) {
      const uint32_t a = f_.stack_slots[ss].align;
      if (a == 0 || (a & (a - 1)) || a > 4096) {
        Fail(Inst(), Block(),
             "ss" + std::to_string(ss.index) + " alignment must be a power of two up to 4096");
        ok = false;
      }
    }
    return ok;
  }

  // Entity ranges, definitions, and terminators. Later checks rely on these.
  bool CheckStructure() {
    const size_t before = errors_.size();
    inst_pos_.assign(dfg_.NumInsts(), 0);
    uint32_t pos = 0;
    for (Block b : f_.layout.Blocks()) {
      if (!dfg_.IsValidBlock(b)) {
        Fail(Inst(), b, BlockName(b) + " is out of range");
        return false;
      }
      CheckBlockParams(b);
      Inst last = f_.layout.LastInst(b);
      if (!last.valid()) {
        Fail(Inst(), b, BlockName(b) + " is empty (it needs a terminator)");
        continue;
      }
      for (Inst i : f_.layout.Insts(b)) {
        inst_pos_[i.index] = ++pos;
        if (!dfg_.IsValidInst(i)) {
          Fail(Inst(), b, "inst" + std::to_string(i.index) + " is out of range");
          return false;
        }
        CheckTerminatorPlace(b, i, last);
        CheckRefs(b, i, [](Value, const ValueData&, Block) {});
      }
    }
    return errors_.size() == before;
  }

  void CheckBlockParams(Block b) {
    for (Value p : dfg_.BlockParams(b)) {
      const ValueData& vd = dfg_.ValueInfo(p);
      if (vd.kind != ValueKind::kParam || vd.def != b.index)
        Fail(Inst(), b,
             ValueName(p) + " is listed as a parameter of " + BlockName(b) +
                 " but is not defined there");
    }
  }

  void CheckTerminatorPlace(Block b, Inst i, Inst last) {
    const bool term = IsTerminator(dfg_[i].opcode);
    if ((i == last) == term) return;  // the common case, without the reporting code's frame
    ReportTerminatorPlace(b, i, last, term);
  }
  [[gnu::noinline]] void ReportTerminatorPlace(Block b, Inst i, Inst last, bool term) {
    if (i == last && !term) {
      Fail(i, b, BlockName(b) + " does not end with a terminator");
    } else if (i != last && term) {
      Fail(i, b, "terminator in the middle of " + BlockName(b));
    }
  }

  // Range and definition checks of i's operands, destinations and results;
  // `defined(v, info, def_block)` is called for each operand that passes them (a defined value,
  // with its definition placed in def_block).
  template <class Defined>
  void CheckRefs(Block b, Inst i, Defined&& defined) {
    const InstData& d = dfg_[i];
    ForEachOperandInline(dfg_, i, [&](Value v) {
      if (dfg_.IsValidValue(v)) {
        const ValueData& vd = dfg_.ValueInfo(v);
        if (vd.kind == ValueKind::kResult) {
          // The block of a placed instruction, invalid if it is not placed (IsInstInserted).
          const Block def_block = f_.layout.InstBlock(Inst(vd.def));
          if (def_block.valid()) {
            defined(v, vd, def_block);
            return;
          }
        } else if (vd.kind == ValueKind::kParam && f_.layout.IsBlockInserted(Block(vd.def))) {
          defined(v, vd, Block(vd.def));
          return;
        }
      }
      ReportBadOperand(b, i, v);
    });
    if (Info(d.opcode).Has(kBranch)) {  // the only opcodes with destinations
      dfg_.ForEachDest(i, [&](const BlockCall& bc) {
        if (!dfg_.IsValidBlock(bc.block) || !f_.layout.IsBlockInserted(bc.block))
          Fail(i, b, "branch target " + BlockName(bc.block) + " is not in the function");
      });
    }
    for (Value r : dfg_.InstResults(i)) {
      const ValueData& vd = dfg_.ValueInfo(r);
      if (vd.kind != ValueKind::kResult || vd.def != i.index)
        Fail(i, b, ValueName(r) + " is listed as a result but not defined here");
    }
    switch (Info(d.opcode).format) {
      case InstFormat::kStackLoad:
      case InstFormat::kStackStore:
      case InstFormat::kStackAddr:
        if (!f_.stack_slots.IsValid(StackSlot(d.ref)))
          Fail(i, b, "ss" + std::to_string(d.ref) + " is not declared");
        break;
      case InstFormat::kFuncAddr:
      case InstFormat::kCall:
        if (!dfg_.IsValidFuncRef(FuncRef(d.ref)))
          Fail(i, b, "fn" + std::to_string(d.ref) + " is not declared");
        break;
      case InstFormat::kCallIndirect:
        if (!dfg_.IsValidSigRef(SigRef(d.ref)))
          Fail(i, b, "sig" + std::to_string(d.ref) + " is not declared");
        break;
      case InstFormat::kBrTable:
        if (!dfg_.IsValidJumpTable(JumpTable(d.ref)))
          Fail(i, b, "jt" + std::to_string(d.ref) + " is not declared");
        break;
      default:
        break;
    }
  }

  // Why operand v of i is not a placed definition (CheckRefs found it is not).
  [[gnu::noinline]] void ReportBadOperand(Block b, Inst i, Value v) {
    if (!dfg_.IsValidValue(v)) {
      Fail(i, b, ValueName(v) + " is out of range");
      return;
    }
    const ValueData& vd = dfg_.ValueInfo(v);
    if (vd.kind == ValueKind::kAlias) {
      Fail(i, b, ValueName(v) + " is an unresolved alias (FunctionBuilder::Finalize not run?)");
    } else if (vd.kind == ValueKind::kNone) {
      Fail(i, b, ValueName(v) + " is used but never defined");
    } else if (vd.kind == ValueKind::kResult) {
      Fail(i, b,
           ValueName(v) + " is defined by inst" + std::to_string(vd.def) +
               ", which is not in the layout");
    } else {
      Fail(i, b,
           ValueName(v) + " is a parameter of block" + std::to_string(vd.def) +
               ", which is not in the layout");
    }
  }

  Type T(Value v) const { return dfg_.ValueType(v); }

  bool ClassOk(TypeClass c, Type t) const { return InClass(c, t); }
  static std::string ShapeList(ShapeSet s) {
    std::string out;
    for (int k = 0; k < kNumVectorTypes; ++k) {
      const Type t = static_cast<Type>(kFirstVectorType + k);
      if (!ShapeSetHas(s, t)) continue;
      if (!out.empty()) out += ' ';
      out += TypeName(t);
    }
    return out;
  }

  // A SIMD instruction: its shape, exact operand types, lane immediates and constants.
  void CheckVector(Block b, Inst i) {
    const InstData& d = dfg_[i];
    const OpcodeInfo& info = Info(d.opcode);
    auto fixed = dfg_.FixedArgs(i);
    const bool ctrl = info.typing == ResultTyping::kCtrl;
    const Type shape =
        VectorShapeOf(d.opcode, d.type, fixed.empty() ? Type::kInvalid : T(fixed[0]));
    const ShapeSet shapes = VectorShapes(d.opcode);
    if (!ShapeSetHas(shapes, shape)) {
      const std::string what =
          ctrl ? "type suffix ." + TypeStr(shape)
               : "operand " + ValueName(fixed[0]) + " has type " + TypeStr(shape) + ", but it";
      Fail(i, b,
           what + " must be one of " + std::string(info.name) + "'s shapes: " + ShapeList(shapes));
      return;
    }
    const VectorOpTypes sig = VectorSignature(d.opcode, shape);
    EGRET_CHECK(sig.num_args == fixed.size());
    for (size_t k = 0; k < fixed.size(); ++k) {
      const Type want = sig.args[k];
      const Type got = T(fixed[k]);
      if (want == Type::kInvalid ? !IsVector(got) : got != want)
        Fail(i, b,
             "operand " + ValueName(fixed[k]) + " must be " +
                 (want == Type::kInvalid ? std::string("a vector") : TypeStr(want)) + ", got " +
                 TypeStr(got));
    }
    switch (info.format) {
      case InstFormat::kVconst:
        if (!dfg_.IsValidConstant(d.ref))
          Fail(i, b, "constant " + std::to_string(d.ref) + " is not in the constant table");
        break;
      case InstFormat::kExtractLane:
      case InstFormat::kInsertLane:
        if (d.imm < 0 || d.imm >= static_cast<int64_t>(LaneCount(shape)))
          Fail(i, b,
               "lane " + std::to_string(d.imm) + " is out of range for " + TypeStr(shape) +
                   " (0.." + std::to_string(LaneCount(shape) - 1) + ")");
        break;
      case InstFormat::kShuffle:
        if (!dfg_.IsValidConstant(d.ref)) {
          Fail(i, b, "constant " + std::to_string(d.ref) + " is not in the constant table");
          break;
        }
        for (uint32_t k = 0; k < 16; ++k) {
          const uint32_t lane = dfg_.constant(d.ref).Byte(k);
          if (lane >= 32) {
            Fail(i, b,
                 "shuffle lane index " + std::to_string(lane) + " (position " + std::to_string(k) +
                     ") is out of range (0..31)");
            break;
          }
        }
        break;
      case InstFormat::kIntCompare:
        if (d.cond >= kNumIntCC) {
          Fail(i, b, "invalid condition code");
        } else if (!VectorIntCCAllowed(static_cast<IntCC>(d.cond), shape)) {
          Fail(i, b,
               "i64x2 has no unsigned comparison " +
                   std::string(IntCCName(static_cast<IntCC>(d.cond))) + " (Wasm has none)");
        }
        break;
      default:
        break;
    }
  }

  void CheckInst(Block b, Inst i) {
    if (Info(dfg_[i].opcode).Has(kVector)) {
      CheckVector(b, i);
    } else {
      CheckScalarOperands(b, i);
    }
    if (Info(dfg_[i].opcode).Has(kBranch))  // the only opcodes with destinations
      dfg_.ForEachDest(i, [&](const BlockCall& bc) { CheckEdge(b, i, bc); });
    // Results against the typing rule (DataFlowGraph::ExpectedResultTypes, without building
    // the list).
    const ResultTyping typing = Info(dfg_[i].opcode).typing;
    // The common cases are checked here; CheckResults reports.
    const auto results = dfg_.InstResults(i);
    if (typing == ResultTyping::kNoResult) {
      if (!results.empty()) CheckResults(b, i, {});
    } else if (typing == ResultTyping::kCallResults) {
      const SigRef s = dfg_.CallSignature(i);
      if (dfg_.IsValidSigRef(s)) CheckResults(b, i, dfg_.signature(s).results);
    } else {
      const Type t = dfg_.SingleResultType(i);
      if (t != Type::kInvalid && !(results.size() == 1 && T(results[0]) == t))
        CheckResults(b, i, std::span<const Type>(&t, 1));
    }
  }

  [[gnu::noinline]] void CheckResults(Block b, Inst i, std::span<const Type> want) {
    auto results = dfg_.InstResults(i);
    if (results.size() != want.size()) {
      Fail(i, b,
           "has " + std::to_string(results.size()) + " result(s), expected " +
               std::to_string(want.size()));
      return;
    }
    for (size_t k = 0; k < want.size(); ++k)
      if (T(results[k]) != want[k])
        Fail(i, b,
             "result " + ValueName(results[k]) + " has type " + TypeStr(T(results[k])) +
                 ", expected " + TypeStr(want[k]));
  }

  [[gnu::noinline]] void ReportClass(Block b, Inst i, Value v, TypeClass c, const char* what) {
    Fail(i, b,
         std::string(what) + " " + ValueName(v) + " must be " + ClassName(c) + ", got " +
             TypeStr(T(v)));
  }

  // Operand classes and same-type rules of a scalar (non-SIMD) instruction.
  void CheckScalarOperands(Block b, Inst i) {
    const InstData& d = dfg_[i];
    const OpcodeInfo& info = Info(d.opcode);
    auto fixed = dfg_.FixedArgs(i);
    auto require_class = [&](Value v, TypeClass c, const char* what) {
      if (!ClassOk(c, T(v))) ReportClass(b, i, v, c, what);
    };
    switch (info.format) {
      case InstFormat::kUnary:
      case InstFormat::kBinaryImm:
      case InstFormat::kIntCompareImm:
        require_class(fixed[0], info.arg_class, "operand");
        break;
      case InstFormat::kBinary:
      case InstFormat::kIntCompare:
      case InstFormat::kFloatCompare:
        require_class(fixed[0], info.arg_class, "operand");
        if (T(fixed[0]) != T(fixed[1]))
          Fail(i, b,
               "operands must have the same type, got " + TypeStr(T(fixed[0])) + " and " +
                   TypeStr(T(fixed[1])));
        break;
      case InstFormat::kTernary:
        require_class(fixed[0], TypeClass::kInt, "condition");
        require_class(fixed[1], TypeClass::kAnyOrVec, "operand");
        if (T(fixed[1]) != T(fixed[2]))
          Fail(i, b,
               "select operands must have the same type, got " + TypeStr(T(fixed[1])) + " and " +
                   TypeStr(T(fixed[2])));
        break;
      case InstFormat::kLoad:
      case InstFormat::kStore:
        CheckMemory(b, i);
        break;
      case InstFormat::kAtomicLoad:
      case InstFormat::kAtomicStore:
      case InstFormat::kAtomicRmw:
      case InstFormat::kAtomicCas:
        CheckAtomic(b, i);
        break;
      case InstFormat::kStackLoad:
      case InstFormat::kStackStore:
      case InstFormat::kStackAddr:
        CheckStack(b, i);
        break;
      case InstFormat::kCall:
      case InstFormat::kCallIndirect:
        CheckCall(b, i);
        break;
      case InstFormat::kBrif:
      case InstFormat::kBrTable:
      case InstFormat::kCondTrap:
        require_class(fixed[0], TypeClass::kInt, "condition");
        break;
      case InstFormat::kMultiAry:
        CheckReturn(b, i);
        break;
      default:
        break;
    }
    if (info.typing == ResultTyping::kCtrl) CheckCtrl(b, i);
  }

  // Rules for the `.type` suffix of each kCtrl opcode.
  void CheckCtrl(Block b, Inst i) {
    const InstData& d = dfg_[i];
    const Type to = d.type;
    std::string why;
    if (!CtrlOk<true>(i, &why)) Fail(i, b, why.empty() ? "invalid type ." + TypeStr(to) : why);
  }
  // Whether i's `.type` suffix is allowed; if not, and kWord, *why says why. The messages are
  // built only when worded (Accepts asks without), so the rules are one copy.
  template <bool kWord>
  bool CtrlOk(Inst i, std::string* why) const {
    const InstData& d = dfg_[i];
    const Type from = Info(d.opcode).format == InstFormat::kUnary ? T(d.args[0]) : Type::kInvalid;
    return CtrlRuleOk<kWord>(d.opcode, from, d.type, d.imm, why);
  }
  void CheckMemory(Block b, Inst i) {
    const InstData& d = dfg_[i];
    const bool is_store = Info(d.opcode).format == InstFormat::kStore;
    Value addr = is_store ? d.args[1] : d.args[0];
    if (T(addr) != Type::kI64)
      Fail(i, b, "address " + ValueName(addr) + " must be i64, got " + TypeStr(T(addr)));
    const int regions = d.flags.Has(MemFlags::kHeap) + d.flags.Has(MemFlags::kVmctx) +
                        d.flags.Has(MemFlags::kTable);
    if (regions > 1) Fail(i, b, "memory flags name more than one region (heap, vmctx, table)");
    if (d.imm < INT32_MIN || d.imm > INT32_MAX) Fail(i, b, "offset does not fit in 32 bits");
    if (is_store) {
      Type vt = T(d.args[0]);
      const uint32_t bytes = MemAccessBytes(d.opcode);
      if (bytes == 0 && !ClassOk(TypeClass::kAnyOrVec, vt))
        Fail(i, b, "stored value has invalid type " + TypeStr(vt));
      if (bytes != 0 && (!IsInt(vt) || TypeBits(vt) <= bytes * 8))
        Fail(i, b,
             "stored value " + ValueName(d.args[0]) + " must be an integer wider than " +
                 std::to_string(bytes * 8) + " bits, got " + TypeStr(vt));
    }
  }

  // Atomics: an i64 address, integer operands of the access type, a width of 1, 2, 4 or 8
  // bytes no wider than that type, and at most one region.
  void CheckAtomic(Block b, Inst i) {
    const InstData& d = dfg_[i];
    const InstFormat fmt = Info(d.opcode).format;
    const bool is_store = fmt == InstFormat::kAtomicStore;
    const Value addr = is_store ? d.args[1] : d.args[0];
    if (T(addr) != Type::kI64)
      Fail(i, b, "address " + ValueName(addr) + " must be i64, got " + TypeStr(T(addr)));
    const int regions = d.flags.Has(MemFlags::kHeap) + d.flags.Has(MemFlags::kVmctx) +
                        d.flags.Has(MemFlags::kTable);
    if (regions > 1) Fail(i, b, "memory flags name more than one region (heap, vmctx, table)");
    const Type t = is_store ? T(d.args[0]) : d.type;
    if (!IsInt(t)) {
      Fail(i, b, "atomic accesses are on integers, got " + TypeStr(t));
      return;
    }
    if (!(d.imm == 1 || d.imm == 2 || d.imm == 4 || d.imm == 8) ||
        static_cast<uint64_t>(d.imm) * 8 > TypeBits(t))
      Fail(i, b,
           "atomic width of " + std::to_string(d.imm) + " byte(s) is not 1, 2, 4 or 8 within " +
               TypeStr(t));
    if (fmt == InstFormat::kAtomicRmw && d.cond >= kNumAtomicRmwOps)
      Fail(i, b, "bad atomic_rmw operation " + std::to_string(d.cond));
    const int first_operand = fmt == InstFormat::kAtomicRmw || fmt == InstFormat::kAtomicCas;
    const int last_operand = fmt == InstFormat::kAtomicCas ? 2 : first_operand;
    for (int k = first_operand; k <= last_operand && fmt != InstFormat::kAtomicLoad; ++k) {
      if (T(d.args[k]) != t)
        Fail(i, b,
             "operand " + ValueName(d.args[k]) + " must be " + TypeStr(t) + ", got " +
                 TypeStr(T(d.args[k])));
    }
  }

  void CheckStack(Block b, Inst i) {
    const InstData& d = dfg_[i];
    StackSlot ss(d.ref);
    const uint32_t size = f_.stack_slots[ss].size;
    uint32_t bytes = 0;
    if (d.opcode == Opcode::kStackLoad) bytes = TypeBytes(d.type);
    if (d.opcode == Opcode::kStackStore) bytes = TypeBytes(T(d.args[0]));
    if (d.imm < 0 || static_cast<uint64_t>(d.imm) + bytes > size)
      Fail(i, b,
           "access at offset " + std::to_string(d.imm) + " of " + std::to_string(bytes) +
               " byte(s) is outside ss" + std::to_string(d.ref) + " (" + std::to_string(size) +
               " bytes)");
  }

  void CheckCall(Block b, Inst i) {
    const InstData& d = dfg_[i];
    SigRef s = dfg_.CallSignature(i);
    if (!dfg_.IsValidSigRef(s)) return;
    const Signature& sig = dfg_.signature(s);
    if ((d.opcode == Opcode::kCallIndirect || d.opcode == Opcode::kReturnCallIndirect) &&
        T(d.args[0]) != Type::kI64)
      Fail(i, b, "callee " + ValueName(d.args[0]) + " must be i64, got " + TypeStr(T(d.args[0])));
    CheckValuesAgainst(b, i, dfg_.VarArgs(i), sig.params, "call argument");
    // A tail call returns the callee's results as this function's own.
    if ((d.opcode == Opcode::kReturnCall || d.opcode == Opcode::kReturnCallIndirect) &&
        sig.results != f_.signature.results)
      Fail(i, b, "tail call: the callee's results differ from the function's");
  }

  void CheckReturn(Block b, Inst i) {
    CheckValuesAgainst(b, i, dfg_.VarArgs(i), f_.signature.results, "return value");
  }

  void CheckValuesAgainst(Block b, Inst i, std::span<const Value> vs, const std::vector<Type>& ts,
                          const std::string& what) {
    if (vs.size() != ts.size()) {
      Fail(i, b,
           "has " + std::to_string(vs.size()) + " " + what + "(s), expected " +
               std::to_string(ts.size()));
      return;
    }
    for (size_t k = 0; k < vs.size(); ++k)
      if (T(vs[k]) != ts[k])
        Fail(i, b,
             what + " " + std::to_string(k) + " (" + ValueName(vs[k]) + ") has type " +
                 TypeStr(T(vs[k])) + ", expected " + TypeStr(ts[k]));
  }

  void CheckEdge(Block b, Inst i, const BlockCall& bc) {
    auto args = dfg_.pool().Get(bc.args);
    auto params = dfg_.BlockParams(bc.block);
    bool ok = args.size() == params.size();
    for (size_t k = 0; ok && k < args.size(); ++k) ok = T(args[k]) == T(params[k]);
    if (!ok) ReportEdge(b, i, bc);
  }
  [[gnu::noinline]] void ReportEdge(Block b, Inst i, const BlockCall& bc) {
    auto args = dfg_.pool().Get(bc.args);
    auto params = dfg_.BlockParams(bc.block);
    if (args.size() != params.size()) {
      Fail(i, b,
           "branch to " + BlockName(bc.block) + " passes " + std::to_string(args.size()) +
               " argument(s), but it has " + std::to_string(params.size()) + " parameter(s)");
      return;
    }
    for (size_t k = 0; k < args.size(); ++k)
      if (T(args[k]) != T(params[k]))
        Fail(i, b,
             "branch to " + BlockName(bc.block) + " passes " + ValueName(args[k]) + ": " +
                 TypeStr(T(args[k])) + " to parameter " + ValueName(params[k]) + ": " +
                 TypeStr(T(params[k])));
  }

  void CheckDominance() {
    ControlFlowGraph& cfg = scratch_.cfg;
    cfg.Compute(f_);
    DominatorTree& dt = scratch_.domtree;
    dt.Compute(f_, cfg);
    for (Block b : f_.layout.Blocks()) {
      if (!dt.IsReachable(b)) continue;
      for (Inst i : f_.layout.Insts(b)) {
        dfg_.ForEachOperand(i, [&](Value v) {
          const ValueData& vd = dfg_.ValueInfo(v);
          Block def_block;
          bool ok;
          if (vd.kind == ValueKind::kParam) {
            def_block = Block(vd.def);
            ok = dt.Dominates(def_block, b);
          } else {
            Inst def(vd.def);
            def_block = f_.layout.InstBlock(def);
            ok = def_block == b ? inst_pos_[def.index] < inst_pos_[i.index]
                                : dt.Dominates(def_block, b);
          }
          if (!ok) DominanceError(errors_, i, b, v, def_block);
        });
      }
    }
  }

  const Function& f_;
  const DataFlowGraph& dfg_;
  // Position in the layout from 1, by instruction index (0: not placed, or not reached yet by
  // the fused walk).
  std::vector<uint32_t>& inst_pos_;
  std::vector<VerifierError> errors_;
  std::vector<VerifierError>* sink_ = &errors_;  // where Fail reports
  std::vector<VerifierError> scratch_errors_;    // Accepts' sink for CheckInst
  VerifierScratch& scratch_;
  VerifierAnalyses& analyses_;  // the CFG and dominator tree of the fused walk
  uint32_t num_marked_ = 0;     // Accepts: the entries of scratch_.marked in use
};

thread_local VerifierScratch verifier_scratch;

Status FirstError(const Function& f, const std::vector<VerifierError>& errors) {
  if (errors.empty()) return Status::Ok();
  return Error("function %" + f.name + ": " + errors[0].message);
}

}  // namespace

std::vector<VerifierError> VerifyFunction(const Function& f) {
  VerifierScratch& scratch = verifier_scratch;
  scratch.f = &f;
  return Verifier(f, scratch, scratch).Run();
}

std::vector<VerifierError> VerifyFunction(const Function& f, VerifierAnalyses& analyses) {
  return Verifier(f, verifier_scratch, analyses).Run();
}

void SetVerifierFastPathForTesting(bool enabled) { fast_path = enabled; }

bool VerifierFastPathAcceptsForTesting(const Function& f) {
  VerifierScratch& scratch = verifier_scratch;
  scratch.f = &f;
  return Verifier(f, scratch, scratch).FastPathAccepts();
}

Status Verify(const Function& f) { return FirstError(f, VerifyFunction(f)); }

Status Verify(const Function& f, VerifierAnalyses& analyses) {
  return FirstError(f, VerifyFunction(f, analyses));
}

void VerifyOrDie(const Function& f, const char* context) {
  auto errors = VerifyFunction(f);
  if (errors.empty()) return;
  std::fprintf(stderr, "IR verification failed (%s):\n%s", context, PrintFunction(f).c_str());
  for (const auto& e : errors) std::fprintf(stderr, "error: %s\n", e.message.c_str());
  std::abort();
}

}  // namespace egret::ir
