// simplify.cc: constant folding and algebraic simplification, one instruction at a time.
//
// Walks the reachable blocks in reverse post-order, so an instruction's operands (other than
// block parameters fed by back edges) have been simplified before it, and rewrites each
// instruction to a simpler equivalent until no rule applies (at most kMaxRounds rules per
// instruction). A rewrite is one of: the result is replaced by an existing value (the
// instruction is removed), the instruction is changed in place (same result value), or new
// instructions are inserted before it and it becomes the last of them.
//
// Invariants:
//  - Exact Wasm semantics (docs/ir.md): integer results are bit-exact; floats are folded only
//    when the result is not a NaN (or the operation only moves the sign bit), so NaN payloads
//    are never invented; no float identity that differs on -0 or NaN (x + 0, x * 1) is used.
//  - Traps are preserved: a division whose constant divisor is 0, or -1 with a possibly
//    INT_MIN dividend, stays a division; trapz/trapnz are removed only when their condition is
//    a constant that cannot trap. No instruction is moved across another.
//  - The CFG is not changed (branch conditions may be simplified and brif arms swapped, but
//    every block keeps its successors): the pass preserves the CFG-shaped analyses. A swap of
//    arms to two different blocks changes the order of the block's successors, which the CFG
//    records and the reverse post-order (so the dominator tree's numbering and the loops'
//    order) follows: after one the pass has the cache's CFG take the new order and drops what
//    was derived from it (AnalysisCache::ReorderSuccessors).
//  - Vector ops get no scalar rule (vicmp shares kIntCompare with icmp but `vicmp eq x, x` is a
//    vector of all-ones lanes): only constant folding through ir::EvalVector and bitcast rules.
// The walk counts every instruction's operands as it leaves it, and the pass publishes the use
// counts (kUseCountAnalysis) and, when it met no trapz/trapnz, kNoCondTrapsAnalysis: the
// cfg_simplify after it then walks no instruction of most functions.
// Cost: O(instructions); a 32-bit division by a constant becomes at most 7 instructions.
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "ir/rpo.h"
#include "ir/simd.h"
#include "opt/const_fold.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

using ir::Inst;
using ir::InstData;
using ir::IntCC;
using ir::Opcode;
using ir::Type;
using ir::Value;

constexpr int kMaxRounds = 8;

bool IsCommutative(Opcode op) {
  return op == Opcode::kIadd || op == Opcode::kImul || op == Opcode::kBand || op == Opcode::kBor ||
         op == Opcode::kBxor;
}

// The *_imm form of a binary integer opcode with a constant second operand.
std::optional<Opcode> ImmForm(Opcode op) {
  switch (op) {
    case Opcode::kIadd:
      return Opcode::kIaddImm;
    case Opcode::kImul:
      return Opcode::kImulImm;
    case Opcode::kBand:
      return Opcode::kBandImm;
    case Opcode::kBor:
      return Opcode::kBorImm;
    case Opcode::kBxor:
      return Opcode::kBxorImm;
    case Opcode::kIshl:
      return Opcode::kIshlImm;
    case Opcode::kUshr:
      return Opcode::kUshrImm;
    case Opcode::kSshr:
      return Opcode::kSshrImm;
    case Opcode::kRotl:
      return Opcode::kRotlImm;
    case Opcode::kRotr:
      return Opcode::kRotrImm;
    default:
      return std::nullopt;
  }
}

bool IsShift(Opcode op) {
  return op == Opcode::kIshl || op == Opcode::kUshr || op == Opcode::kSshr || op == Opcode::kRotl ||
         op == Opcode::kRotr;
}

bool ProducesBool(Opcode op) {
  return op == Opcode::kIcmp || op == Opcode::kIcmpImm || op == Opcode::kFcmp;
}

// Per opcode, which of Step's rule sets applies: none (constants, memory accesses, calls,
// jumps), the vector rules for every vector op (SIMD ops share formats with scalar ones, vicmp
// is a kIntCompare, but none of the scalar rules: `vicmp eq x, x` is an all-ones vector, not
// `iconst 1`), else the rules of the scalar format. One table load tells Step where to go.
enum class RuleKind : uint8_t {
  kNone,
  kVector,
  kBinary,
  kBinaryImm,
  kUnary,
  kIntCompare,
  kIntCompareImm,
  kFloatCompare,
  kTernary,
  kCondTrap,
  kBrif,
};
constexpr std::array<RuleKind, ir::kNumOpcodes> kRuleKind = [] {
  std::array<RuleKind, ir::kNumOpcodes> t{};
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::OpcodeInfo& info = ir::kOpcodeInfos[k];
    if (info.flags & ir::kVector) {
      t[k] = RuleKind::kVector;
      continue;
    }
    switch (info.format) {
      case ir::InstFormat::kBinary:
        t[k] = RuleKind::kBinary;
        break;
      case ir::InstFormat::kBinaryImm:
        t[k] = RuleKind::kBinaryImm;
        break;
      case ir::InstFormat::kUnary:
        t[k] = RuleKind::kUnary;
        break;
      case ir::InstFormat::kIntCompare:
        t[k] = RuleKind::kIntCompare;
        break;
      case ir::InstFormat::kIntCompareImm:
        t[k] = RuleKind::kIntCompareImm;
        break;
      case ir::InstFormat::kFloatCompare:
        t[k] = RuleKind::kFloatCompare;
        break;
      case ir::InstFormat::kTernary:
        t[k] = RuleKind::kTernary;
        break;
      case ir::InstFormat::kCondTrap:
        t[k] = RuleKind::kCondTrap;
        break;
      case ir::InstFormat::kBrif:
        t[k] = RuleKind::kBrif;
        break;
      default:
        t[k] = RuleKind::kNone;
        break;
    }
  }
  return t;
}();

class Simplifier {
 public:
  Simplifier(ir::Function& f, std::vector<uint32_t>& uses) : f_(f), dfg_(f.dfg), uses_(uses) {}

  void Run(std::span<const ir::Block> rpo) {
    uses_.assign(dfg_.NumValues(), 0);
    for (ir::Block b : rpo) {
      // The layout's own walk (no bounds check), stepped past i before i may be removed; the
      // instructions a rule inserts go before i, so the walk does not visit them.
      const auto insts = f_.layout.Insts(b);
      for (auto it = insts.begin(); it != insts.end();) {
        const Inst i = *it;
        ++it;
        // No alias enters a pass, so until this one replaces a value no operand names one.
        // The slot is written only when it names an alias (few do). The operands are counted
        // on the same walk, as they are before the rules; a rule that changes them keeps the
        // counts (Rewrite, ReplaceWith, CondTrap, Brif).
        uint32_t* const uses = uses_.data();
        if (replaced_) {
          MapOperandsInline(dfg_, i, [&](Value& v) {
            if (dfg_.ValueInfo(v).kind == ir::ValueKind::kAlias) v = dfg_.ResolveAliases(v);
            ++uses[v.index];
          });
        } else {
          ForEachOperandInline(dfg_, i, [uses](Value v) { ++uses[v.index]; });
        }
        // Rules apply while one does and i is still placed (removed_: only ReplaceWith and
        // CondTrap remove it).
        removed_ = false;
        for (int round = 0; round < kMaxRounds; ++round) {
          if (!Step(i) || removed_) break;
        }
      }
    }
    // Each instruction's operands were resolved when it was visited, and a value is replaced
    // only when its defining instruction is visited: every use of it is in a block that
    // definition dominates, later in reverse post-order (or later in the same block), so it was
    // visited afterwards and resolved then. What can still name an alias are the operands of
    // blocks the order leaves out (unreachable ones). Without a replacement there is no new
    // alias (none enters a pass), so no walk. Those blocks' instructions are counted there.
    if (f_.layout.NumBlocks() == rpo.size()) return;
    std::vector<uint8_t>& in_rpo = in_rpo_;
    in_rpo.assign(dfg_.NumBlocks(), 0);
    for (ir::Block b : rpo) in_rpo[b.index] = 1;
    for (ir::Block b : f_.layout.Blocks()) {
      if (in_rpo[b.index]) continue;
      for (Inst i : f_.layout.Insts(b)) {
        if (replaced_) MapOperandsInline(dfg_, i, [&](Value& v) { v = dfg_.ResolveAliases(v); });
        AddOperands(i, +1);
        const Opcode op = dfg_[i].opcode;
        condtraps_ |= op == Opcode::kTrapz || op == Opcode::kTrapnz;
      }
    }
  }

  // Whether a trapz or trapnz may be left (CondTrap kept one, or an unreached block holds one).
  bool condtraps() const { return condtraps_; }

 private:
  // --- Facts about values.
  std::optional<uint64_t> Const(Value v) const { return IntConstant(f_, v); }
  const InstData* Def(Value v) const {
    const Inst d = DefiningInst(f_, v);
    return d.valid() ? &dfg_[d] : nullptr;
  }
  std::optional<uint64_t> FloatConst(Value v) const {
    const InstData* d = Def(v);
    if (d == nullptr) return std::nullopt;
    if (d->opcode == Opcode::kF32const) return static_cast<uint64_t>(d->imm) & 0xffffffff;
    if (d->opcode == Opcode::kF64const) return static_cast<uint64_t>(d->imm);
    return std::nullopt;
  }
  Type TypeOf(Value v) const { return dfg_.ValueType(v); }

  // --- Rewrites of instruction i. Each returns true (a change was made).
  bool ReplaceWith(Inst i, Value v) {
    ReplaceValue(f_, dfg_.FirstResult(i), v);
    replaced_ = true;
    AddOperands(i, -1);
    f_.layout.RemoveInst(i);
    removed_ = true;
    return true;
  }
  bool Rewrite(Inst i, InstData nd) {
    AddOperands(i, -1);
    nd.results = dfg_[i].results;
    dfg_[i] = nd;
    AddOperands(i, +1);
    return true;
  }
  bool SetIconst(Inst i, Type t, uint64_t bits) {
    InstData nd;
    nd.opcode = Opcode::kIconst;
    nd.type = t;
    nd.imm = SignExtend(bits, ir::TypeBits(t));
    return Rewrite(i, nd);
  }
  bool SetFloatConst(Inst i, Type t, uint64_t bits) {
    InstData nd;
    nd.opcode = t == Type::kF32 ? Opcode::kF32const : Opcode::kF64const;
    nd.imm = static_cast<int64_t>(t == Type::kF32 ? bits & 0xffffffff : bits);
    return Rewrite(i, nd);
  }
  static InstData Unary(Opcode op, Value x, Type ctrl = Type::kInvalid) {
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    if (ir::HasCtrlTypeSuffix(op)) d.type = ctrl;
    return d;
  }
  static InstData Binary(Opcode op, Value x, Value y) {
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    d.args[1] = y;
    return d;
  }
  static InstData BinaryImm(Opcode op, Value x, int64_t imm, Type t) {
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    d.imm = SignExtend(static_cast<uint64_t>(imm), ir::TypeBits(t));
    return d;
  }
  static InstData IcmpImm(IntCC cc, Value x, uint64_t imm, Type t) {
    InstData d;
    d.opcode = Opcode::kIcmpImm;
    d.cond = static_cast<uint8_t>(cc);
    d.args[0] = x;
    d.imm = SignExtend(imm, ir::TypeBits(t));
    return d;
  }
  // Places d before `before` (the walk does not visit it: it is counted here).
  Value Insert(Inst before, const InstData& d) {
    const Inst i = InsertInstBefore(f_, d, before);
    uses_.resize(dfg_.NumValues(), 0);
    AddOperands(i, +1);
    return dfg_.FirstResult(i);
  }

  // Makes v the condition (first operand) of i, a brif, keeping the use counts.
  void SetCondition(Inst i, Value v) {
    Value& cond = dfg_[i].args[0];
    --uses_[cond.index];
    cond = v;
    ++uses_[v.index];
  }

  // Adds delta to the use count of each of i's operands (+1 for an instruction placed or
  // changed, -1 before it is removed or changed). Every value i names has a count (Insert sizes
  // uses_ for the values it makes) and names no alias: i's operands were resolved when the walk
  // reached it, and a rule only takes operands of instructions visited before.
  void AddOperands(Inst i, int32_t delta) {
    uint32_t* const uses = uses_.data();
    ForEachOperandInline(dfg_, i, [uses, delta](Value v) { uses[v.index] += delta; });
  }

  // One rule application; false when no rule applies.
  bool Step(Inst i) {
    // `d` is read in place: a rule reads it only before it changes i (Rewrite, the last thing a
    // rule does) or inserts instructions (which may move the instruction table: only
    // DivByConstant inserts, and it takes what it needs of d by value).
    const InstData& d = dfg_[i];
    switch (kRuleKind[static_cast<size_t>(d.opcode)]) {
      case RuleKind::kNone:
        return false;
      case RuleKind::kVector:
        return VectorOp(i, d);
      case RuleKind::kBinary:
        return ir::IsFloat(TypeOf(d.args[0])) ? FloatBinary(i, d) : IntBinary(i, d);
      case RuleKind::kBinaryImm:
        return IntBinaryImm(i, d);
      case RuleKind::kUnary:
        return UnaryOp(i, d);
      case RuleKind::kIntCompare:
        return IntCompare(i, d);
      case RuleKind::kIntCompareImm:
        return IntCompareImm(i, d);
      case RuleKind::kFloatCompare:
        return FloatCompare(i, d);
      case RuleKind::kTernary:
        return Select(i, d);
      case RuleKind::kCondTrap:
        return CondTrap(i, d);
      case RuleKind::kBrif:
        return Brif(i, d);
    }
    return false;
  }

  bool IntBinary(Inst i, const InstData& d) {
    const Type t = TypeOf(d.args[0]);
    const uint32_t n = ir::TypeBits(t);
    Value x = d.args[0], y = d.args[1];
    std::optional<uint64_t> cx = Const(x), cy = Const(y);
    if (cx && cy) {
      if (auto r = EvalIntBinary(d.opcode, t, *cx, *cy)) return SetIconst(i, t, *r);
      return false;  // a division that traps: keep it
    }
    if (IsCommutative(d.opcode) && cx) {
      std::swap(x, y);
      std::swap(cx, cy);
    }
    if (cy) {
      if (auto imm = ImmForm(d.opcode)) {
        const uint64_t c = IsShift(d.opcode) ? (*cy & (n - 1)) : *cy;
        return Rewrite(i, BinaryImm(*imm, x, static_cast<int64_t>(c), t));
      }
      if (d.opcode == Opcode::kIsub) {
        return Rewrite(i, BinaryImm(Opcode::kIaddImm, x, static_cast<int64_t>(0 - *cy), t));
      }
      // umulhi/smulhi, the other integer ops without an _imm form, are not divisions.
      if (d.opcode == Opcode::kUdiv || d.opcode == Opcode::kSdiv || d.opcode == Opcode::kUrem ||
          d.opcode == Opcode::kSrem) {
        return DivByConstant(i, d.opcode, t, x, *cy);
      }
    }
    if (d.opcode == Opcode::kIsub && cx && *cx == 0) return Rewrite(i, Unary(Opcode::kIneg, y));
    if (x == y) {
      switch (d.opcode) {
        case Opcode::kIsub:
        case Opcode::kBxor:
          return SetIconst(i, t, 0);
        case Opcode::kBand:
        case Opcode::kBor:
          return ReplaceWith(i, x);
        default:
          break;
      }
    }
    // Shift amounts are taken modulo the width: a mask that keeps those bits is redundant.
    if (IsShift(d.opcode)) {
      const InstData* dy = Def(y);
      if (dy && dy->opcode == Opcode::kBandImm &&
          (static_cast<uint64_t>(dy->imm) & (n - 1)) == n - 1) {
        return Rewrite(i, Binary(d.opcode, x, dy->args[0]));
      }
    }
    return false;
  }

  bool IntBinaryImm(Inst i, const InstData& d) {
    const Type t = TypeOf(d.args[0]);
    const uint32_t n = ir::TypeBits(t);
    const uint64_t m = LowMask(n);
    const uint64_t c = static_cast<uint64_t>(d.imm) & m;
    const Value x = d.args[0];
    if (auto cx = Const(x)) {
      if (auto r = EvalIntBinary(d.opcode, t, *cx, c)) return SetIconst(i, t, *r);
    }
    // Canonical immediate: sign-extended from the width (the printer then shows -1, not 2^32-1).
    if (d.imm != SignExtend(c, n)) {
      InstData nd = d;
      nd.imm = SignExtend(c, n);
      return Rewrite(i, nd);
    }
    const InstData* dx = Def(x);
    const bool same_op_below = dx && dx->opcode == d.opcode;
    const uint64_t c2 = same_op_below ? static_cast<uint64_t>(dx->imm) & m : 0;
    switch (d.opcode) {
      case Opcode::kIaddImm:
        if (c == 0) return ReplaceWith(i, x);
        if (same_op_below) return Rewrite(i, BinaryImm(d.opcode, dx->args[0], (c + c2) & m, t));
        return false;
      case Opcode::kImulImm:
        if (c == 0) return SetIconst(i, t, 0);
        if (c == 1) return ReplaceWith(i, x);
        if (c == m) return Rewrite(i, Unary(Opcode::kIneg, x));
        if (std::has_single_bit(c)) {
          return Rewrite(i, BinaryImm(Opcode::kIshlImm, x, std::countr_zero(c), t));
        }
        if (same_op_below) return Rewrite(i, BinaryImm(d.opcode, dx->args[0], (c * c2) & m, t));
        return false;
      case Opcode::kBandImm:
        if (c == 0) return SetIconst(i, t, 0);
        if (c == m) return ReplaceWith(i, x);
        if (same_op_below) return Rewrite(i, BinaryImm(d.opcode, dx->args[0], c & c2, t));
        if (dx && dx->opcode == Opcode::kUextend) {
          // The bits above the narrow value are zero: a mask keeping all of its bits is a no-op.
          const uint64_t narrow = LowMask(ir::TypeBits(TypeOf(dx->args[0])));
          if ((c & narrow) == narrow) return ReplaceWith(i, x);
          if (c & ~narrow)
            return Rewrite(i, BinaryImm(d.opcode, x, static_cast<int64_t>(c & narrow), t));
        }
        if (dx && ProducesBool(dx->opcode) && (c & 1)) return ReplaceWith(i, x);
        return false;
      case Opcode::kBorImm:
        if (c == 0) return ReplaceWith(i, x);
        if (c == m) return SetIconst(i, t, m);
        if (same_op_below) return Rewrite(i, BinaryImm(d.opcode, dx->args[0], c | c2, t));
        return false;
      case Opcode::kBxorImm:
        if (c == 0) return ReplaceWith(i, x);
        if (c == m) return Rewrite(i, Unary(Opcode::kBnot, x));
        if (same_op_below) return Rewrite(i, BinaryImm(d.opcode, dx->args[0], c ^ c2, t));
        return false;
      default:
        return ShiftImm(i, d, t, c & (n - 1), dx);
    }
  }

  bool ShiftImm(Inst i, const InstData& d, Type t, uint64_t s, const InstData* dx) {
    const uint32_t n = ir::TypeBits(t);
    const Value x = d.args[0];
    if (s == 0) return ReplaceWith(i, x);
    if (static_cast<uint64_t>(d.imm) != s) {
      InstData nd = d;
      nd.imm = static_cast<int64_t>(s);
      return Rewrite(i, nd);
    }
    if (dx == nullptr || dx->opcode != d.opcode) return false;
    const uint64_t s2 = static_cast<uint64_t>(dx->imm) & (n - 1);
    const uint64_t total = s + s2;
    switch (d.opcode) {
      case Opcode::kIshlImm:
      case Opcode::kUshrImm:
        if (total >= n) return SetIconst(i, t, 0);
        return Rewrite(i, BinaryImm(d.opcode, dx->args[0], static_cast<int64_t>(total), t));
      case Opcode::kSshrImm:
        return Rewrite(i, BinaryImm(d.opcode, dx->args[0],
                                    static_cast<int64_t>(std::min<uint64_t>(total, n - 1)), t));
      case Opcode::kRotlImm:
      case Opcode::kRotrImm:
        return Rewrite(i, BinaryImm(d.opcode, dx->args[0], static_cast<int64_t>(total % n), t));
      default:
        return false;
    }
  }

  // x / c and x % c for a constant c. Division by 0 and signed division by -1 keep their
  // instruction (and so their trap).
  bool DivByConstant(Inst i, Opcode op, Type t, Value x, uint64_t c) {
    const uint32_t n = ir::TypeBits(t);
    const uint64_t m = LowMask(n);
    if (c == 0) return false;
    const bool is_signed = op == Opcode::kSdiv || op == Opcode::kSrem;
    const bool is_rem = op == Opcode::kSrem || op == Opcode::kUrem;
    if (!is_signed) {
      if (c == 1) return is_rem ? SetIconst(i, t, 0) : ReplaceWith(i, x);
      if (std::has_single_bit(c)) {
        if (is_rem)
          return Rewrite(i, BinaryImm(Opcode::kBandImm, x, static_cast<int64_t>(c - 1), t));
        return Rewrite(i, BinaryImm(Opcode::kUshrImm, x, std::countr_zero(c), t));
      }
      const Value q = n == 32 ? UnsignedMagicQuotient(i, x, static_cast<uint32_t>(c), !is_rem)
                              : UnsignedMagicQuotient64(i, x, c, !is_rem);
      if (!is_rem) return true;  // i became the quotient's last instruction
      const Value qc = Insert(i, BinaryImm(Opcode::kImulImm, q, static_cast<int64_t>(c), t));
      Rewrite(i, Binary(Opcode::kIsub, x, qc));
      NoteRemainder(i, x, c, t, RemKind::kUnsigned);
      return true;
    }
    const int64_t sc = SignExtend(c, n);
    if (sc == 1) return is_rem ? SetIconst(i, t, 0) : ReplaceWith(i, x);
    if (sc == -1) return is_rem ? SetIconst(i, t, 0) : false;  // x / -1 traps on INT_MIN
    const uint64_t abs = sc < 0 ? (0 - c) & m : c;
    if (abs == (uint64_t{1} << (n - 1))) return false;  // INT_MIN divisor: leave it
    if (std::has_single_bit(abs)) {
      // Round toward zero: add 2^k - 1 to negative dividends before the arithmetic shift.
      const int k = std::countr_zero(abs);
      const Value sign = Insert(i, BinaryImm(Opcode::kSshrImm, x, n - 1, t));
      const Value bias = Insert(i, BinaryImm(Opcode::kUshrImm, sign, n - k, t));
      const Value biased = Insert(i, Binary(Opcode::kIadd, x, bias));
      if (is_rem) {
        const Value down =
            Insert(i, BinaryImm(Opcode::kBandImm, biased, SignExtend((0 - abs) & m, n), t));
        Rewrite(i, Binary(Opcode::kIsub, x, down));
        NoteRemainder(i, x, abs, t, RemKind::kSignedPowerOfTwo);
        return true;
      }
      if (sc > 0) return Rewrite(i, BinaryImm(Opcode::kSshrImm, biased, k, t));
      const Value q = Insert(i, BinaryImm(Opcode::kSshrImm, biased, k, t));
      return Rewrite(i, Unary(Opcode::kIneg, q));
    }
    if (n == 64) return SignedMagicDivide64(i, x, sc, abs, is_rem);
    const std::optional<SignedMagic> magic = SignedDivMagic32(static_cast<uint32_t>(abs));
    if (!magic) return false;
    const Value x64 = Insert(i, Unary(Opcode::kSextend, x, Type::kI64));
    const Value prod = Insert(
        i, BinaryImm(Opcode::kImulImm, x64, static_cast<int64_t>(magic->multiplier), Type::kI64));
    const Value q0 = Insert(i, BinaryImm(Opcode::kSshrImm, prod, magic->shift, Type::kI64));
    const Value neg = Insert(i, BinaryImm(Opcode::kUshrImm, x64, 63, Type::kI64));
    const Value q64 = Insert(i, Binary(Opcode::kIadd, q0, neg));
    const InstData reduce = Unary(Opcode::kIreduce, q64, Type::kI32);
    if (!is_rem && sc > 0) return Rewrite(i, reduce);
    const Value q = Insert(i, reduce);
    if (!is_rem) return Rewrite(i, Unary(Opcode::kIneg, q));
    const Value qc = Insert(i, BinaryImm(Opcode::kImulImm, q, static_cast<int64_t>(abs), t));
    Rewrite(i, Binary(Opcode::kIsub, x, qc));
    NoteRemainder(i, x, abs, t, RemKind::kSigned);
    return true;
  }

  // The IR constant `bits` of type t, inserted before i.
  Value InsertIconst(Inst i, Type t, uint64_t bits) {
    InstData d;
    d.opcode = Opcode::kIconst;
    d.type = t;
    d.imm = SignExtend(bits, ir::TypeBits(t));
    return Insert(i, d);
  }

  // floor(x / c) for 64-bit x and c (>= 3, not a power of two) through umulhi
  // (UnsignedDivMagic64); `in_place` as for UnsignedMagicQuotient.
  Value UnsignedMagicQuotient64(Inst i, Value x, uint64_t c, bool in_place) {
    const UnsignedMagic magic = UnsignedDivMagic64(c);
    const Value m = InsertIconst(i, Type::kI64, magic.multiplier);
    const Value hi = Insert(i, Binary(Opcode::kUmulhi, x, m));
    Value sum = hi;
    uint32_t shift = magic.shift - 64;
    if (magic.add_variant) {
      const Value diff = Insert(i, Binary(Opcode::kIsub, x, hi));
      const Value half = Insert(i, BinaryImm(Opcode::kUshrImm, diff, 1, Type::kI64));
      sum = Insert(i, Binary(Opcode::kIadd, half, hi));
      shift -= 1;
    }
    if (shift == 0) {
      if (!in_place) return sum;
      ReplaceWith(i, sum);
      return sum;
    }
    const InstData q = BinaryImm(Opcode::kUshrImm, sum, shift, Type::kI64);
    if (!in_place) return Insert(i, q);
    Rewrite(i, q);
    return dfg_.FirstResult(i);
  }

  // sdiv/srem of 64-bit x by sc (|sc| = abs >= 3, not a power of two) through smulhi
  // (SignedDivMagic64); i becomes the result.
  bool SignedMagicDivide64(Inst i, Value x, int64_t sc, uint64_t abs, bool is_rem) {
    const std::optional<SignedMagic> magic = SignedDivMagic64(abs);
    if (!magic) return false;
    const Type t = Type::kI64;
    const Value m = InsertIconst(i, t, magic->multiplier);
    Value hi = Insert(i, Binary(Opcode::kSmulhi, x, m));
    // smulhi reads m as signed: a multiplier of 2^63 or more is m - 2^64, so add x back.
    if (magic->multiplier >> 63) hi = Insert(i, Binary(Opcode::kIadd, hi, x));
    const Value q0 =
        magic->shift == 64 ? hi : Insert(i, BinaryImm(Opcode::kSshrImm, hi, magic->shift - 64, t));
    const Value neg = Insert(i, BinaryImm(Opcode::kUshrImm, x, 63, t));
    const InstData sum = Binary(Opcode::kIadd, q0, neg);
    if (!is_rem && sc > 0) return Rewrite(i, sum);
    const Value q = Insert(i, sum);
    if (!is_rem) return Rewrite(i, Unary(Opcode::kIneg, q));
    const Value qc = Insert(i, BinaryImm(Opcode::kImulImm, q, static_cast<int64_t>(abs), t));
    Rewrite(i, Binary(Opcode::kIsub, x, qc));
    NoteRemainder(i, x, abs, t, RemKind::kSigned);
    return true;
  }

  // Emits floor(x / c) for 32-bit x; when `in_place`, i itself becomes the final ireduce (and
  // its result is returned), otherwise the quotient is a new value inserted before i.
  Value UnsignedMagicQuotient(Inst i, Value x, uint32_t c, bool in_place) {
    const UnsignedMagic magic = UnsignedDivMagic32(c);
    const Value x64 = Insert(i, Unary(Opcode::kUextend, x, Type::kI64));
    const Value prod = Insert(
        i, BinaryImm(Opcode::kImulImm, x64, static_cast<int64_t>(magic.multiplier), Type::kI64));
    Value q64;
    if (!magic.add_variant) {
      q64 = Insert(i, BinaryImm(Opcode::kUshrImm, prod, magic.shift, Type::kI64));
    } else {
      const Value hi = Insert(i, BinaryImm(Opcode::kUshrImm, prod, 32, Type::kI64));
      const Value sum = Insert(i, Binary(Opcode::kIadd, x64, hi));
      q64 = Insert(i, BinaryImm(Opcode::kUshrImm, sum, magic.shift - 32, Type::kI64));
    }
    const InstData reduce = Unary(Opcode::kIreduce, q64, Type::kI32);
    if (in_place) {
      Rewrite(i, reduce);
      return dfg_.FirstResult(i);
    }
    return Insert(i, reduce);
  }

  bool UnaryOp(Inst i, const InstData& d) {
    const Value x = d.args[0];
    const Type from = TypeOf(x);
    const Type to = dfg_.ValueType(dfg_.FirstResult(i));
    const InstData* dx = Def(x);
    switch (d.opcode) {
      case Opcode::kClz:
      case Opcode::kCtz:
      case Opcode::kPopcnt:
      case Opcode::kIneg:
      case Opcode::kBnot:
        if (auto c = Const(x)) {
          if (auto r = EvalIntUnary(d.opcode, from, *c)) return SetIconst(i, to, *r);
        }
        if ((d.opcode == Opcode::kIneg || d.opcode == Opcode::kBnot) && dx &&
            dx->opcode == d.opcode) {
          return ReplaceWith(i, dx->args[0]);
        }
        return false;
      case Opcode::kUextend:
      case Opcode::kSextend:
      case Opcode::kIreduce:
        return WidthChange(i, d, from, to, dx);
      case Opcode::kFneg:
      case Opcode::kFabs:
      case Opcode::kSqrt:
      case Opcode::kCeil:
      case Opcode::kFloor:
      case Opcode::kTrunc:
      case Opcode::kNearest:
        if (auto c = FloatConst(x)) {
          if (auto r = EvalFloatUnary(d.opcode, from, *c)) return SetFloatConst(i, to, *r);
        }
        if (d.opcode == Opcode::kFneg && dx && dx->opcode == Opcode::kFneg) {
          return ReplaceWith(i, dx->args[0]);  // a pure sign-bit flip, exact on NaNs
        }
        return false;
      default: {  // conversions
        std::optional<uint64_t> c = ir::IsFloat(from) ? FloatConst(x) : Const(x);
        if (!c) return false;
        std::optional<uint64_t> r = EvalConversion(d.opcode, from, to, *c);
        if (!r) return false;
        return ir::IsFloat(to) ? SetFloatConst(i, to, *r) : SetIconst(i, to, *r);
      }
    }
  }

  bool WidthChange(Inst i, const InstData& d, Type from, Type to, const InstData* dx) {
    if (auto c = Const(d.args[0])) return SetIconst(i, to, EvalWidthChange(d.opcode, from, to, *c));
    if (dx == nullptr) return false;
    const bool inner_extend = dx->opcode == Opcode::kUextend || dx->opcode == Opcode::kSextend;
    if (d.opcode != Opcode::kIreduce) {
      // uextend(uextend y) = uextend y; sextend(sextend y) = sextend y; sextend of a
      // zero-extended value is a zero extension.
      if (inner_extend && (dx->opcode == d.opcode || dx->opcode == Opcode::kUextend)) {
        return Rewrite(i, Unary(dx->opcode, dx->args[0], to));
      }
      return false;
    }
    if (dx->opcode == Opcode::kIreduce) return Rewrite(i, Unary(Opcode::kIreduce, dx->args[0], to));
    if (!inner_extend) return false;
    const Value y = dx->args[0];
    const uint32_t ny = ir::TypeBits(TypeOf(y)), nt = ir::TypeBits(to);
    if (ny == nt) return ReplaceWith(i, y);
    if (ny < nt) return Rewrite(i, Unary(dx->opcode, y, to));
    return Rewrite(i, Unary(Opcode::kIreduce, y, to));
  }

  bool IntCompare(Inst i, const InstData& d) {
    const Type t = TypeOf(d.args[0]);
    const IntCC cc = static_cast<IntCC>(d.cond);
    const std::optional<uint64_t> cx = Const(d.args[0]), cy = Const(d.args[1]);
    if (cx && cy) return SetIconst(i, Type::kI32, EvalIntCompare(cc, t, *cx, *cy));
    if (d.args[0] == d.args[1]) {
      const bool holds = cc == IntCC::kEq || cc == IntCC::kSle || cc == IntCC::kSge ||
                         cc == IntCC::kUle || cc == IntCC::kUge;
      return SetIconst(i, Type::kI32, holds);
    }
    if (cy) return Rewrite(i, IcmpImm(cc, d.args[0], *cy, t));
    if (cx) return Rewrite(i, IcmpImm(SwapIntCC(cc), d.args[1], *cx, t));
    return false;
  }

  bool IntCompareImm(Inst i, const InstData& d) {
    const Value x = d.args[0];
    const Type t = TypeOf(x);
    const uint32_t n = ir::TypeBits(t);
    const uint64_t m = LowMask(n);
    const uint64_t c = static_cast<uint64_t>(d.imm) & m;
    const IntCC cc = static_cast<IntCC>(d.cond);
    if (auto cx = Const(x)) return SetIconst(i, Type::kI32, EvalIntCompare(cc, t, *cx, c));
    if (d.imm != SignExtend(c, n)) return Rewrite(i, IcmpImm(cc, x, c, t));
    const uint64_t smin = uint64_t{1} << (n - 1), smax = smin - 1;
    // Comparisons against the ends of the range that always or never hold.
    if ((cc == IntCC::kUlt && c == 0) || (cc == IntCC::kUgt && c == m) ||
        (cc == IntCC::kSlt && c == smin) || (cc == IntCC::kSgt && c == smax)) {
      return SetIconst(i, Type::kI32, 0);
    }
    if ((cc == IntCC::kUge && c == 0) || (cc == IntCC::kUle && c == m) ||
        (cc == IntCC::kSge && c == smin) || (cc == IntCC::kSle && c == smax)) {
      return SetIconst(i, Type::kI32, 1);
    }
    // A boolean compared with 0 or 1 is the boolean or its inverse.
    const InstData* dx = Def(x);
    if (dx && ProducesBool(dx->opcode) && (cc == IntCC::kEq || cc == IntCC::kNe) && c <= 1) {
      const bool same = (cc == IntCC::kNe) == (c == 0);
      if (same) return ReplaceWith(i, x);
      InstData inv = *dx;
      inv.results = {};
      if (dx->opcode == Opcode::kFcmp) {
        const std::optional<ir::FloatCC> fcc = InvertFloatCC(static_cast<ir::FloatCC>(dx->cond));
        if (!fcc) return false;
        inv.cond = static_cast<uint8_t>(*fcc);
      } else {
        inv.cond = static_cast<uint8_t>(InvertIntCC(static_cast<IntCC>(dx->cond)));
      }
      return Rewrite(i, inv);
    }
    // x % C == 0 / != 0: a divisibility test once the walk has counted every use of x % C.
    if (c == 0 && (cc == IntCC::kEq || cc == IntCC::kNe) && IsRemainder(x)) tests_.push_back(i);
    return false;
  }

  bool FloatCompare(Inst i, const InstData& d) {
    const std::optional<uint64_t> cx = FloatConst(d.args[0]), cy = FloatConst(d.args[1]);
    if (!cx || !cy) return false;
    return SetIconst(
        i, Type::kI32,
        EvalFloatCompare(static_cast<ir::FloatCC>(d.cond), TypeOf(d.args[0]), *cx, *cy));
  }

  bool FloatBinary(Inst i, const InstData& d) {
    const std::optional<uint64_t> cx = FloatConst(d.args[0]), cy = FloatConst(d.args[1]);
    if (!cx || !cy) return false;
    const Type t = TypeOf(d.args[0]);
    if (auto r = EvalFloatBinary(d.opcode, t, *cx, *cy)) return SetFloatConst(i, t, *r);
    return false;
  }

  // Vector rules: an op whose operands are all constants folds to a constant (ir::EvalVector,
  // what the interpreter computes; not when a float lane of a computed result is NaN, as for
  // scalars); bitcasts only rename the shape, so a chain of them collapses to one, and a bitcast
  // to the operand's own shape disappears.
  bool VectorOp(Inst i, const InstData& d) {
    if (d.opcode == Opcode::kVconst) return false;
    if (FoldVector(i, d)) return true;
    if (d.opcode != Opcode::kVbitcast) return false;
    const Value x = d.args[0];
    if (TypeOf(x) == d.type) return ReplaceWith(i, x);
    const InstData* dx = Def(x);
    if (dx && dx->opcode == Opcode::kVbitcast) {
      InstData nd = d;
      nd.args[0] = dx->args[0];
      return Rewrite(i, nd);
    }
    return false;
  }

  bool FoldVector(Inst i, const InstData& d) {
    const auto fixed = dfg_.FixedArgs(i);
    ir::V128 in[3];
    for (size_t k = 0; k < fixed.size(); ++k) {
      const Type t = TypeOf(fixed[k]);
      if (ir::IsVector(t)) {
        const InstData* dk = Def(fixed[k]);
        if (!dk || dk->opcode != Opcode::kVconst) return false;
        in[k] = dfg_.constant(dk->ref);
      } else {
        std::optional<uint64_t> c = ir::IsFloat(t) ? FloatConst(fixed[k]) : Const(fixed[k]);
        if (!c) return false;
        in[k] = ir::V128{*c, 0};
      }
    }
    const Type shape =
        ir::VectorShapeOf(d.opcode, d.type, fixed.empty() ? Type::kInvalid : TypeOf(fixed[0]));
    const ir::V128 c =
        ir::Info(d.opcode).format == ir::InstFormat::kShuffle ? dfg_.constant(d.ref) : ir::V128{};
    const std::optional<ir::V128> r = EvalVectorOp(d.opcode, shape, d.cond, d.imm, c,
                                                   std::span<const ir::V128>(in, fixed.size()));
    if (!r) return false;
    const Type rt = dfg_.ValueType(dfg_.FirstResult(i));
    if (!ir::IsVector(rt)) {
      if (ir::IsFloat(rt)) return SetFloatConst(i, rt, r->lo);  // vextractlane: moves bits
      return SetIconst(i, rt, r->lo);
    }
    InstData nd;
    nd.opcode = Opcode::kVconst;
    nd.type = rt;
    nd.ref = dfg_.AddConstant(*r);
    return Rewrite(i, nd);
  }

  bool Select(Inst i, const InstData& d) {
    const Value c = d.args[0], a = d.args[1], b = d.args[2];
    if (auto cc = Const(c)) return ReplaceWith(i, *cc != 0 ? a : b);
    if (a == b) return ReplaceWith(i, a);
    const InstData* dc = Def(c);
    if (dc && dc->opcode == Opcode::kIcmpImm && dc->imm == 0) {
      // select (x == 0), a, b = select x, b, a; select (x != 0), a, b = select x, a, b.
      const IntCC ccc = static_cast<IntCC>(dc->cond);
      if (ccc == IntCC::kEq || ccc == IntCC::kNe) {
        InstData nd = d;
        nd.args[0] = dc->args[0];
        if (ccc == IntCC::kEq) std::swap(nd.args[1], nd.args[2]);
        return Rewrite(i, nd);
      }
    }
    // select b, 1, 0 on a boolean b is b itself.
    if (dc && ProducesBool(dc->opcode) && TypeOf(a) == Type::kI32 && Const(a) == 1 &&
        Const(b) == 0) {
      return ReplaceWith(i, c);
    }
    return false;
  }

  bool CondTrap(Inst i, const InstData& d) {
    const std::optional<uint64_t> c = Const(d.args[0]);
    // Kept: a trap that may fire, or one that must (cfg_simplify turns it into `trap`).
    if (!c || (d.opcode == Opcode::kTrapz ? *c == 0 : *c != 0)) {
      condtraps_ = true;
      return false;
    }
    AddOperands(i, -1);
    f_.layout.RemoveInst(i);
    removed_ = true;
    return true;
  }

  // brif (x != 0) -> brif x; brif (x == 0), A, B -> brif x, B, A. The successors stay.
  bool Brif(Inst i, const InstData& d) {
    if (IsRemainder(d.args[0])) {  // brif (x % C): as x % C != 0 (FoldDivisibilityTests)
      tests_.push_back(i);
      return false;
    }
    const InstData* dc = Def(d.args[0]);
    if (!dc || dc->opcode != Opcode::kIcmpImm || dc->imm != 0) return false;
    const IntCC cc = static_cast<IntCC>(dc->cond);
    if (cc != IntCC::kEq && cc != IntCC::kNe) return false;
    SetCondition(i, dc->args[0]);
    InstData& nd = dfg_[i];
    if (cc == IntCC::kEq) {
      std::swap(nd.dest[0], nd.dest[1]);
      if (nd.dest[0].block != nd.dest[1].block) swapped_.push_back(f_.layout.InstBlock(i));
    }
    return true;
  }

 public:
  // The blocks whose brif's arms to two different blocks were swapped (their successor order
  // changed; a block may be listed more than once).
  const std::vector<ir::Block>& swapped() const { return swapped_; }

  // After the walk, when the use counts are complete: a remainder by a constant that
  // DivByConstant expanded and whose every use is a test against zero (icmp_imm eq/ne 0, or a
  // brif on it) becomes a divisibility test (const_fold.h, UnsignedDivisibility and
  // SignedDivisibility): p = rotr(x * inverse + addend, shift), or x & (C - 1) for a signed
  // remainder by a power of two, once, where the remainder was, and each test compares p with
  // the limit (x % C == 0 is p <= limit). The expansion is then unused, and dce removes it as
  // it removes what the other rules leave. A remainder with any other use (a block argument, a
  // store, arithmetic, a test in a block the walk did not reach) keeps its expansion and its
  // tests. Cost: O(tests).
  void FoldDivisibilityTests() {
    if (tests_.empty()) return;
    std::vector<uint32_t>& count = scratch_counts_;
    count.assign(rems_.size(), 0);
    for (const Inst u : tests_) ++count[rem_of_[dfg_[u].args[0].index]];
    // By remainder: the value its tests compare with the limit (invalid: not folded).
    std::vector<std::pair<Value, uint64_t>>& folded = scratch_folded_;
    folded.assign(rems_.size(), {Value(), 0});
    for (size_t k = 0; k < rems_.size(); ++k) {
      const ExpandedRem& r = rems_[k];
      const Value v = dfg_.FirstResult(r.inst);
      // Still the isub that gives x % C (no later round changed it), and tested only.
      if (count[k] == 0 || count[k] != uses_[v.index] || !f_.layout.IsInstInserted(r.inst) ||
          dfg_[r.inst].opcode != Opcode::kIsub || dfg_[r.inst].args[0] != r.x) {
        continue;
      }
      const DivisibilityTest dt = Test(r);
      folded[k] = {InsertDivisibilityOperand(r, dt), dt.limit};
    }
    for (const Inst u : tests_) {
      const uint32_t k = static_cast<uint32_t>(rem_of_[dfg_[u].args[0].index]);
      const auto [p, limit] = folded[k];
      if (!p.valid()) continue;
      const Type t = rems_[k].t;
      // x % C == 0 is p <= limit (p == 0 for a mask, which the backends test without a constant).
      const IntCC divisible = limit == 0 ? IntCC::kEq : IntCC::kUle;
      const IntCC not_divisible = limit == 0 ? IntCC::kNe : IntCC::kUgt;
      if (dfg_[u].opcode == Opcode::kBrif) {  // brif (x % C) branches when x % C != 0
        SetCondition(u, Insert(u, IcmpImm(not_divisible, p, limit, t)));
      } else {
        const bool eq = static_cast<IntCC>(dfg_[u].cond) == IntCC::kEq;
        Rewrite(u, IcmpImm(eq ? divisible : not_divisible, p, limit, t));
      }
    }
  }

 private:
  // --- Divisibility tests (FoldDivisibilityTests).
  // A remainder by a constant that DivByConstant expanded.
  enum class RemKind : uint8_t {
    kUnsigned,          // x urem c, c not a power of two
    kSigned,            // x srem ±c, c >= 3 not a power of two
    kSignedPowerOfTwo,  // x srem ±c, c = 2^k: zero exactly when x & (c - 1) is
  };
  struct ExpandedRem {
    Inst inst;  // `isub x, ...`, the remainder's own instruction
    Value x;
    uint64_t c;  // the divisor's magnitude
    Type t;
    RemKind kind;
  };
  // DivByConstant made i (now `isub x, q * c`) compute x % c in type t.
  void NoteRemainder(Inst i, Value x, uint64_t c, Type t, RemKind kind) {
    const Value r = dfg_.FirstResult(i);
    if (rem_of_.size() <= r.index) rem_of_.resize(dfg_.NumValues(), -1);
    rem_of_[r.index] = static_cast<int32_t>(rems_.size());
    rems_.push_back({i, x, c, t, kind});
  }
  bool IsRemainder(Value v) const { return v.index < rem_of_.size() && rem_of_[v.index] >= 0; }

  // The test for r; for a power of two only its limit, 0, is used (x & (c - 1) == 0).
  DivisibilityTest Test(const ExpandedRem& r) const {
    const uint32_t n = ir::TypeBits(r.t);
    switch (r.kind) {
      case RemKind::kUnsigned:
        return UnsignedDivisibility(r.c, n);
      case RemKind::kSigned:
        return SignedDivisibility(r.c, n);
      case RemKind::kSignedPowerOfTwo:
        break;
    }
    return {0, 0, 0, 0};
  }

  // The value each test of r compares with dt.limit (dt = Test(r)), inserted where r's
  // remainder is: rotr(x * inverse + addend, shift), or x & (c - 1) for a power of two.
  Value InsertDivisibilityOperand(const ExpandedRem& r, const DivisibilityTest& dt) {
    if (r.kind == RemKind::kSignedPowerOfTwo) {
      return Insert(r.inst, BinaryImm(Opcode::kBandImm, r.x, static_cast<int64_t>(r.c - 1), r.t));
    }
    Value p =
        Insert(r.inst, BinaryImm(Opcode::kImulImm, r.x, static_cast<int64_t>(dt.inverse), r.t));
    if (dt.addend != 0) {
      p = Insert(r.inst, BinaryImm(Opcode::kIaddImm, p, static_cast<int64_t>(dt.addend), r.t));
    }
    if (dt.shift != 0) {
      p = Insert(r.inst, BinaryImm(Opcode::kRotrImm, p, static_cast<int64_t>(dt.shift), r.t));
    }
    return p;
  }

 private:
  ir::Function& f_;
  ir::DataFlowGraph& dfg_;
  std::vector<uint32_t>& uses_;     // use counts of the instructions visited (Count)
  bool replaced_ = false;           // ReplaceValue was called (an alias may be in an operand)
  bool removed_ = false;            // the instruction Run is at was removed from the layout
  bool condtraps_ = false;          // a trapz or trapnz was counted
  std::vector<ir::Block> swapped_;  // see swapped()
  std::vector<uint8_t> in_rpo_;     // by block: visited by Run (only when some block is not)
  std::vector<ExpandedRem> rems_;
  std::vector<int32_t> rem_of_;  // by value: its index in rems_, or -1 (sized by the first)
  std::vector<Inst> tests_;      // icmp_imm eq/ne r, 0 and brif r, r in rems_, as the walk met them
  std::vector<uint32_t> scratch_counts_;
  std::vector<std::pair<Value, uint64_t>> scratch_folded_;
};

}  // namespace

Status RunSimplify(ir::Function& f, AnalysisCache& analyses) {
  thread_local std::vector<uint32_t> uses;  // for its capacity; swapped into the cache
  Simplifier s(f, uses);
  // Only the order is needed: the cached dominator tree's when there is one, else the same
  // order computed alone (ir/rpo.h), which is cheaper than the tree.
  if (analyses.Valid() & kDomTreeAnalysis) {
    s.Run(analyses.DomTree().Rpo());
  } else {
    thread_local std::vector<ir::Block> rpo;
    thread_local ir::RpoScratch scratch;
    ir::ComputeReversePostOrder(f, analyses.Cfg(), rpo, scratch);
    s.Run(rpo);
  }
  s.FoldDivisibilityTests();
  // The successor order of these blocks changed (the file comment): the cached CFG takes it,
  // since the passes after this one may hand it on (cfg_simplify publishes the CFG it took).
  for (const ir::Block b : s.swapped()) analyses.ReorderSuccessors(b);
  // The walk counted every placed instruction as it left it (the only way the pass edits one
  // or places one), so the counts are exact, and cfg_simplify, next in the speed pipeline,
  // takes them instead of counting; so is the absence of conditional traps, which spares it its
  // walk over the instructions.
  analyses.PublishUseCounts(uses);
  if (!s.condtraps()) analyses.PublishNoCondTraps();
  return Status::Ok();
}

}  // namespace egret::opt
