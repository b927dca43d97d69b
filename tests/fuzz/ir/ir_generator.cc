// ir_generator.cc: see ir_generator.h for the shape of the modules and their invariants.
#include "tests/fuzz/ir/ir_generator.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "ir/builder.h"
#include "ir/simd.h"

namespace egret::fuzz {
namespace {

using ir::Opcode;
using ir::Type;

constexpr uint32_t kMaxBlocks = 8;
constexpr uint32_t kMaxInsts = 14;  // per block
constexpr uint32_t kSlotSize = 32;  // the one stack slot of each function

// Edge values per type; the generator mixes them with raw bits.
constexpr uint64_t kIntEdges[] = {0,
                                  1,
                                  2,
                                  0xffffffffffffffff,
                                  0x7fffffff,
                                  0x80000000,
                                  0xffffffff,
                                  0x7fffffffffffffff,
                                  0x8000000000000000,
                                  31,
                                  32,
                                  63,
                                  64,
                                  0xff,
                                  0x80,
                                  0xffff8000};
constexpr uint32_t kF32Edges[] = {0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000,
                                  0xffc00000, 0x7f800000, 0xff800000, 0x7fa00001, 0x00000001,
                                  0x7f7fffff, 0x4f000000, 0xcf000000, 0x4f800000, 0x5f000000,
                                  0x3f000000, 0xbf400000, 0x4effffff};
constexpr uint64_t kF64Edges[] = {0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000,
                                  0xbff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
                                  0x7ff0000000000000, 0xfff0000000000000, 0x7ff4000000000001,
                                  0x0000000000000001, 0x7fefffffffffffff, 0x41e0000000000000,
                                  0xc1e0000000000000, 0x41f0000000000000, 0x43e0000000000000,
                                  0xc3e0000000000000, 0x43f0000000000000, 0x3fe0000000000000,
                                  0x41dfffffffc00000, 0xc1e0000000200000, 0x41efffffffe00000};
constexpr TrapCode kTrapCodes[] = {TrapCode::kUnreachable, TrapCode::kIntegerOverflow,
                                   TrapCode::kHeapOutOfBounds, TrapCode::kBadSignature,
                                   TrapCode::kNullReference};

template <class T, size_t N>
T Pick(ByteSource& in, const T (&table)[N]) {
  return table[in.Below(N)];
}

uint64_t ValueBits(ByteSource& in, Type t) {
  const bool raw = in.OneIn(4);
  switch (t) {
    case Type::kI32:
      return (raw ? in.U32() : Pick(in, kIntEdges)) & 0xffffffff;
    case Type::kI64:
      return raw ? in.U64() : Pick(in, kIntEdges);
    case Type::kF32:
      return raw ? in.U32() : Pick(in, kF32Edges);
    case Type::kF64:
      return raw ? in.U64() : Pick(in, kF64Edges);
    default:
      return 0;
  }
}

constexpr Type kVectorTypes[] = {Type::kI8x16, Type::kI16x8, Type::kI32x4,
                                 Type::kI64x2, Type::kF32x4, Type::kF64x2};

// A scalar or (with SIMD) a vector type; with SIMD off it reads exactly the byte it always did.
Type AnyValueType(ByteSource& in, bool simd) {
  constexpr Type kTypes[] = {Type::kI32, Type::kI64, Type::kF32, Type::kF64};
  const uint32_t k = in.Below(simd ? 6 : 4);
  return k < 4 ? kTypes[k] : Pick(in, kVectorTypes);
}

// Vector bits: edge values per lane of the type's shape, or raw bits.
ir::V128 VectorBits(ByteSource& in, Type t) {
  ir::V128 v;
  if (in.OneIn(4)) {
    v.lo = in.U64();
    v.hi = in.U64();
    return v;
  }
  const Type lane = ir::LaneType(t);
  const uint32_t bits = ir::TypeBits(lane);
  // Narrow lanes get an edge of their own width: the low bits of an i32/i64 edge, or 0x80..
  const Type scalar = lane == Type::kI8 || lane == Type::kI16 ? Type::kI32 : lane;
  for (uint32_t k = 0; k < ir::LaneCount(t); ++k) v.SetLane(bits, k, ValueBits(in, scalar));
  return v;
}

// One function under construction: the planned CFG, then values per block.
class FunctionGen {
 public:
  FunctionGen(ByteSource& in, ir::Function& f, const ir::Function* callee,
              const GeneratorOptions& options)
      : in_(in),
        f_(f),
        b_(f),
        callee_(callee),
        stack_slots_(options.stack_slots),
        avoid_known_bugs_(options.avoid_known_bugs),
        simd_(options.simd),
        options_atomics_(options.stack_slots && options.atomics) {}

  void Generate();

 private:
  enum class Term : uint8_t { kReturn, kJump, kBrif, kBrTable, kTrap, kLoop };
  struct Val {
    ir::Value v;
    Type type;
    bool clean;  // its bits are engine-independent (see ir_generator.h)
  };
  struct BlockPlan {
    Term term = Term::kReturn;
    std::vector<uint32_t> succs;  // kLoop: {back, forward}
    std::vector<Val> params;      // blocks > 0: params[0] is the fuel
    std::vector<Val> defs;
    bool reachable = false;
  };

  void PlanCfg();
  void ComputeDominators();
  void FillBlock(uint32_t k);
  void EmitInst(std::vector<Val>& avail, std::vector<Val>& defs);
  void EmitVector(std::vector<Val>& avail, std::vector<Val>& defs);
  void EmitAtomic(std::vector<Val>& avail, std::vector<Val>& defs);
  void EmitTerminator(uint32_t k, std::vector<Val>& avail, ir::Value fuel);
  std::vector<ir::Value> ArgsFor(uint32_t target, std::vector<Val>& avail);

  // A value of type t from `avail` (clean if asked), or a new constant.
  Val PickVal(std::vector<Val>& avail, Type t, bool need_clean = false);
  Val Const(Type t);
  Type IntType() { return in_.Bool() ? Type::kI64 : Type::kI32; }
  Type FloatType() { return in_.Bool() ? Type::kF64 : Type::kF32; }
  Type AnyType() { return AnyValueType(in_, simd_); }

  ByteSource& in_;
  ir::Function& f_;
  ir::FunctionBuilder b_;
  const ir::Function* callee_;
  const bool stack_slots_;
  const bool avoid_known_bugs_;
  const bool simd_;
  const bool options_atomics_;  // GeneratorOptions::atomics, with stack slots
  ir::FuncRef callee_ref_;
  ir::StackSlot slot_;
  ir::Value vmctx_;
  std::vector<ir::Block> blocks_;
  std::vector<BlockPlan> plan_;
  std::vector<std::vector<bool>> dom_;  // dom_[a][b]: a dominates b (both reachable)
};

void FunctionGen::PlanCfg() {
  const uint32_t n = 1 + in_.Below(kMaxBlocks);
  plan_.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    BlockPlan& p = plan_[k];
    const uint32_t left = n - 1 - k;
    auto fwd = [&] { return k + 1 + in_.Below(left); };
    // Choices 0-14 as below; 15 is a trap one time in four, else the default of the position.
    uint32_t choice = in_.Below(16);
    if (choice == 15 && !in_.OneIn(4)) choice = 14;
    if (left == 0) {
      p.term = choice == 15 ? Term::kTrap : Term::kReturn;
    } else if (choice < 2) {
      p.term = Term::kReturn;
    } else if (choice < 6) {
      p.term = Term::kJump;
      p.succs = {fwd()};
    } else if (choice < 10) {
      p.term = Term::kBrif;
      p.succs = {fwd(), fwd()};
    } else if (choice < 12) {
      p.term = Term::kBrTable;
      const uint32_t m = 1 + in_.Below(4);
      for (uint32_t e = 0; e < m; ++e) p.succs.push_back(fwd());
    } else if (choice < 15 && k > 0) {
      p.term = Term::kLoop;
      p.succs = {1 + in_.Below(k), fwd()};
    } else {
      p.term = choice == 15 ? Term::kTrap : Term::kJump;
      if (p.term == Term::kJump) p.succs = {fwd()};
    }
  }
}

void FunctionGen::ComputeDominators() {
  const size_t n = plan_.size();
  // reach(removed): blocks reachable from the entry without passing through `removed`.
  auto reach = [&](int removed) {
    std::vector<bool> seen(n, false);
    if (removed == 0) return seen;
    std::vector<uint32_t> stack = {0};
    seen[0] = true;
    while (!stack.empty()) {
      const uint32_t b = stack.back();
      stack.pop_back();
      for (uint32_t s : plan_[b].succs)
        if (!seen[s] && static_cast<int>(s) != removed) {
          seen[s] = true;
          stack.push_back(s);
        }
    }
    return seen;
  };
  const std::vector<bool> reachable = reach(-1);
  dom_.assign(n, std::vector<bool>(n, false));
  for (size_t a = 0; a < n; ++a) {
    plan_[a].reachable = reachable[a];
    if (!reachable[a]) continue;
    const std::vector<bool> without = reach(static_cast<int>(a));
    for (size_t b = 0; b < n; ++b) dom_[a][b] = reachable[b] && (a == b || !without[b]);
  }
}

FunctionGen::Val FunctionGen::Const(Type t) {
  const uint64_t bits = ValueBits(in_, t);
  switch (t) {
    case Type::kF32:
      return {b_.F32const(static_cast<uint32_t>(bits)), t, true};
    case Type::kF64:
      return {b_.F64const(bits), t, true};
    default:
      if (ir::IsVector(t)) return {b_.Vconst(t, VectorBits(in_, t)), t, true};
      return {b_.Iconst(t, static_cast<int64_t>(bits)), t, true};
  }
}

FunctionGen::Val FunctionGen::PickVal(std::vector<Val>& avail, Type t, bool need_clean) {
  // Candidates are counted first so that one byte picks among them.
  uint32_t count = 0;
  for (const Val& v : avail) count += v.type == t && (v.clean || !need_clean);
  // A fresh constant sometimes even when values exist, so immediates get exercised.
  if (count == 0 || in_.OneIn(8)) {
    Val c = Const(t);
    avail.push_back(c);
    return c;
  }
  // Prefer recent values (longer dependency chains, more register pressure).
  uint32_t k = in_.Below(count);
  if (in_.Bool()) k = count - 1 - (k % std::min<uint32_t>(count, 4));
  for (const Val& v : avail)
    if (v.type == t && (v.clean || !need_clean) && k-- == 0) return v;
  return avail.back();  // not reached
}

// Atomics on the stack slot (GeneratorOptions::atomics; stack-slot modules run in the
// interpreter configurations only): atomic_load, atomic_store, atomic_rmw (every operation) and
// atomic_cas at widths 1, 2, 4 and 8 within i32/i64, at an aligned offset through stack_addr, and
// fence. One thread, so the interpreter's plain semantics are the oracle; what this checks is
// that no pass drops, merges, forwards across or reorders them against the slot's other loads
// and stores. Operands are integers, so always clean.
void FunctionGen::EmitAtomic(std::vector<Val>& avail, std::vector<Val>& defs) {
  const uint32_t what = in_.Below(5);  // load, store, rmw, cas, fence
  if (what == 4) {
    ir::InstData d;
    d.opcode = Opcode::kFence;
    b_.Build(d);
    return;
  }
  const Type t = IntType();
  const uint32_t bytes = 1u << in_.Below(t == Type::kI64 ? 4 : 3);
  const int32_t offset = static_cast<int32_t>(in_.Below(kSlotSize / bytes) * bytes);
  const ir::Value addr = b_.StackAddr(slot_, offset);
  ir::InstData d;
  d.flags = ir::MemFlags{}.With(ir::MemFlags::kNotrap).With(ir::MemFlags::kAligned);
  d.imm = bytes;
  switch (what) {
    case 0:
      d.opcode = Opcode::kAtomicLoad;
      d.type = t;
      d.args[0] = addr;
      break;
    case 1:
      d.opcode = Opcode::kAtomicStore;
      d.args[0] = PickVal(avail, t).v;
      d.args[1] = addr;
      b_.Build(d);
      return;
    case 2:
      d.opcode = Opcode::kAtomicRmw;
      d.type = t;
      d.cond = static_cast<uint8_t>(in_.Below(ir::kNumAtomicRmwOps));
      d.args[0] = addr;
      d.args[1] = PickVal(avail, t).v;
      break;
    default:
      d.opcode = Opcode::kAtomicCas;
      d.type = t;
      d.args[0] = addr;
      d.args[1] = PickVal(avail, t).v;
      d.args[2] = PickVal(avail, t).v;
      break;
  }
  const ir::Value r = b_.Results(b_.Build(d))[0];
  avail.push_back({r, t, true});
  defs.push_back({r, t, true});
}

void FunctionGen::EmitInst(std::vector<Val>& avail, std::vector<Val>& defs) {
  auto def = [&](ir::Value v, Type t, bool clean) {
    Val x{v, t, clean};
    avail.push_back(x);
    defs.push_back(x);
  };
  uint32_t kind = in_.Below(simd_ ? 20 : 16);
  if (!stack_slots_ && (kind == 13 || kind == 14)) kind = 0;
  if (kind >= 16) return EmitVector(avail, defs);
  if ((kind == 13 || kind == 14) && options_atomics_ && in_.OneIn(3))
    return EmitAtomic(avail, defs);
  switch (kind) {
    case 0: {  // integer binary
      constexpr Opcode kOps[] = {Opcode::kIadd, Opcode::kIsub, Opcode::kImul, Opcode::kBand,
                                 Opcode::kBor,  Opcode::kBxor, Opcode::kIshl, Opcode::kUshr,
                                 Opcode::kSshr, Opcode::kRotl, Opcode::kRotr};
      const Type t = IntType();
      const Opcode op = Pick(in_, kOps);
      const Val x = PickVal(avail, t), y = PickVal(avail, t);
      def(b_.Binary(op, x.v, y.v), t, true);
      break;
    }
    case 1: {  // division and remainder (may trap)
      constexpr Opcode kOps[] = {Opcode::kSdiv, Opcode::kUdiv, Opcode::kSrem, Opcode::kUrem};
      const Type t = IntType();
      const Opcode op = Pick(in_, kOps);
      const Val x = PickVal(avail, t);
      ir::Value y = PickVal(avail, t).v;
      // Half the divisors are made odd (never zero), or most runs would end in int_divz.
      if (in_.Bool()) y = b_.BinaryImm(Opcode::kBorImm, y, 1);
      def(b_.Binary(op, x.v, y), t, true);
      break;
    }
    case 2: {  // integer unary
      constexpr Opcode kOps[] = {Opcode::kClz, Opcode::kCtz, Opcode::kPopcnt, Opcode::kIneg,
                                 Opcode::kBnot};
      const Type t = IntType();
      const Opcode op = Pick(in_, kOps);
      def(b_.Unary(op, PickVal(avail, t).v), t, true);
      break;
    }
    case 3: {  // immediate forms
      constexpr Opcode kOps[] = {
          Opcode::kIaddImm, Opcode::kImulImm, Opcode::kBandImm, Opcode::kBorImm,  Opcode::kBxorImm,
          Opcode::kIshlImm, Opcode::kUshrImm, Opcode::kSshrImm, Opcode::kRotlImm, Opcode::kRotrImm};
      const Type t = IntType();
      const Opcode op = Pick(in_, kOps);
      const Val x = PickVal(avail, t);
      def(b_.BinaryImm(op, x.v, static_cast<int64_t>(ValueBits(in_, t))), t, true);
      break;
    }
    case 4: {  // integer compares
      const Type t = IntType();
      const auto cc = static_cast<ir::IntCC>(in_.Below(ir::kNumIntCC));
      const Val x = PickVal(avail, t);
      if (in_.Bool()) {
        def(b_.IcmpImm(cc, x.v, static_cast<int64_t>(ValueBits(in_, t))), Type::kI32, true);
      } else {
        def(b_.Icmp(cc, x.v, PickVal(avail, t).v), Type::kI32, true);
      }
      break;
    }
    case 5: {  // float compares
      const Type t = FloatType();
      const auto cc = static_cast<ir::FloatCC>(in_.Below(ir::kNumFloatCC));
      const Val x = PickVal(avail, t), y = PickVal(avail, t);
      def(b_.Fcmp(cc, x.v, y.v), Type::kI32, true);
      break;
    }
    case 6: {  // select
      const Type t = AnyType();
      const Val c = PickVal(avail, IntType());
      const Val x = PickVal(avail, t), y = PickVal(avail, t);
      def(b_.Select(c.v, x.v, y.v), t, x.clean && y.clean);
      break;
    }
    case 7:
    case 8: {  // float binary
      constexpr Opcode kOps[] = {Opcode::kFadd, Opcode::kFsub, Opcode::kFmul,     Opcode::kFdiv,
                                 Opcode::kFmin, Opcode::kFmax, Opcode::kFcopysign};
      const Type t = FloatType();
      const Opcode op = Pick(in_, kOps);
      const Val x = PickVal(avail, t);
      if (op == Opcode::kFcopysign) {
        // The sign comes from y's bits: y must be clean; the result is as clean as x.
        Val y = PickVal(avail, t, /*need_clean=*/true);
        if (avoid_known_bugs_ && y.v == x.v) y = Const(t);
        def(b_.Binary(op, x.v, y.v), t, x.clean);
      } else {
        def(b_.Binary(op, x.v, PickVal(avail, t).v), t, false);
      }
      break;
    }
    case 9: {  // float unary
      constexpr Opcode kOps[] = {Opcode::kFneg,  Opcode::kFabs,  Opcode::kSqrt,   Opcode::kCeil,
                                 Opcode::kFloor, Opcode::kTrunc, Opcode::kNearest};
      const Type t = FloatType();
      const Opcode op = Pick(in_, kOps);
      const Val x = PickVal(avail, t);
      const bool moves_bits = op == Opcode::kFneg || op == Opcode::kFabs;
      def(b_.Unary(op, x.v), t, moves_bits && x.clean);
      break;
    }
    case 10:
    case 11: {  // conversions
      switch (in_.Below(8)) {
        case 0: {
          const Val x = PickVal(avail, Type::kI32);
          def(b_.Convert(in_.Bool() ? Opcode::kUextend : Opcode::kSextend, Type::kI64, x.v),
              Type::kI64, true);
          break;
        }
        case 1:
          def(b_.Convert(Opcode::kIreduce, Type::kI32, PickVal(avail, Type::kI64).v), Type::kI32,
              true);
          break;
        case 2:
          def(b_.Convert(Opcode::kFpromote, Type::kF64, PickVal(avail, Type::kF32).v), Type::kF64,
              false);
          break;
        case 3:
          def(b_.Convert(Opcode::kFdemote, Type::kF32, PickVal(avail, Type::kF64).v), Type::kF32,
              false);
          break;
        case 4:
        case 5: {  // float -> int, trapping or saturating
          constexpr Opcode kOps[] = {Opcode::kFcvtToSint, Opcode::kFcvtToUint,
                                     Opcode::kFcvtToSintSat, Opcode::kFcvtToUintSat};
          const Opcode op = Pick(in_, kOps);
          const Type to = IntType();
          def(b_.Convert(op, to, PickVal(avail, FloatType()).v), to, true);
          break;
        }
        case 6: {  // int -> float
          const Opcode op = in_.Bool() ? Opcode::kFcvtFromSint : Opcode::kFcvtFromUint;
          const Type to = FloatType();
          def(b_.Convert(op, to, PickVal(avail, IntType()).v), to, true);
          break;
        }
        default: {  // bitcast: int -> float is clean; float -> int needs a clean float
          const Type ft = FloatType();
          const Type it = ft == Type::kF32 ? Type::kI32 : Type::kI64;
          if (in_.Bool()) {
            def(b_.Convert(Opcode::kBitcast, ft, PickVal(avail, it).v), ft, true);
          } else {
            const Val x = PickVal(avail, ft, /*need_clean=*/true);
            def(b_.Convert(Opcode::kBitcast, it, x.v), it, true);
          }
          break;
        }
      }
      break;
    }
    case 12: {  // constants
      const Val c = Const(AnyType());
      defs.push_back(c);
      break;
    }
    case 13: {  // stack slot stores (clean values only: the slot is read back as any type)
      const Type t = AnyType();
      const uint32_t width = in_.Below(3);  // 0: full, 1: 8 bits, 2: 16 bits (ints only)
      const Val x = PickVal(avail, t, /*need_clean=*/true);
      uint32_t bytes = ir::TypeBytes(t);
      Opcode op = Opcode::kStore;
      if (ir::IsInt(t) && width != 0) {
        op = width == 1 ? Opcode::kIstore8 : Opcode::kIstore16;
        bytes = width == 1 ? 1 : 2;
        if (t == Type::kI64 && in_.Bool()) op = Opcode::kIstore32, bytes = 4;
      }
      const int32_t offset = static_cast<int32_t>(in_.Below(kSlotSize / bytes) * bytes);
      if (op == Opcode::kStore && in_.Bool()) {
        b_.StackStore(x.v, slot_, offset);
      } else {
        // Through an address: the displacement is split between stack_addr and the access.
        const int32_t split = static_cast<int32_t>(in_.Below(offset + 1));
        const ir::Value addr = b_.StackAddr(slot_, split);
        const ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kNotrap);
        b_.Store(op, flags, x.v, addr, offset - split);
      }
      break;
    }
    case 14: {  // stack slot loads
      const Type t = AnyType();
      uint32_t bytes = ir::TypeBytes(t);
      Opcode op = Opcode::kLoad;
      if (ir::IsInt(t) && in_.Bool()) {
        constexpr Opcode kNarrow[] = {Opcode::kUload8,  Opcode::kSload8,  Opcode::kUload16,
                                      Opcode::kSload16, Opcode::kUload32, Opcode::kSload32};
        op = kNarrow[in_.Below(t == Type::kI64 ? 6 : 4)];
        bytes = op == Opcode::kUload8 || op == Opcode::kSload8     ? 1
                : op == Opcode::kUload16 || op == Opcode::kSload16 ? 2
                                                                   : 4;
      }
      const int32_t offset = static_cast<int32_t>(in_.Below(kSlotSize / bytes) * bytes);
      if (op == Opcode::kLoad && in_.Bool()) {
        def(b_.StackLoad(t, slot_, offset), t, true);
      } else {
        const int32_t split = static_cast<int32_t>(in_.Below(offset + 1));
        const ir::Value addr = b_.StackAddr(slot_, split);
        const ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kNotrap);
        def(b_.Load(op, t, flags, addr, offset - split), t, true);
      }
      break;
    }
    default: {  // a call, or (one in four) a conditional trap: most would end the run early
      if (callee_ != nullptr && !in_.OneIn(4)) {
        std::vector<ir::Value> args = {vmctx_};
        const ir::Signature& sig = callee_->signature;
        for (size_t p = 1; p < sig.params.size(); ++p)
          args.push_back(PickVal(avail, sig.params[p], /*need_clean=*/true).v);
        const ir::Inst call = b_.Call(callee_ref_, args);
        const auto results = b_.Results(call);
        for (size_t r = 0; r < results.size(); ++r)
          def(results[r], sig.results[r],
              !ir::IsFloat(sig.results[r]) && !ir::IsFloatVector(sig.results[r]));
      } else {
        const Val c = PickVal(avail, IntType());
        const TrapCode code = Pick(in_, kTrapCodes);
        if (in_.Bool()) {
          b_.Trapz(c.v, code);
        } else {
          b_.Trapnz(c.v, code);
        }
      }
      break;
    }
  }
}

void FunctionGen::EmitVector(std::vector<Val>& avail, std::vector<Val>& defs) {
  // Every SIMD opcode, found through the table (a new one is generated without a change here).
  static const std::vector<Opcode> kVectorOps = [] {
    std::vector<Opcode> ops;
    for (int k = 0; k < ir::kNumOpcodes; ++k)
      if (ir::IsVectorOp(static_cast<Opcode>(k))) ops.push_back(static_cast<Opcode>(k));
    return ops;
  }();
  const Opcode op = kVectorOps[in_.Below(static_cast<uint32_t>(kVectorOps.size()))];
  const ir::ShapeSet shapes = ir::VectorShapes(op);
  Type shape = Type::kInvalid;
  uint32_t pick = in_.Below(static_cast<uint32_t>(std::popcount(shapes)));
  for (Type t : kVectorTypes) {
    if (ir::ShapeSetHas(shapes, t) && pick-- == 0) {
      shape = t;
      break;
    }
  }
  const ir::VectorOpTypes sig = ir::VectorSignature(op, shape);
  // Which operands may be unclean, and whether the result can be clean at all (see the file
  // comment of ir_generator.h).
  bool tolerant = false, fresh_nan = false;
  switch (op) {
    case Opcode::kVfadd:
    case Opcode::kVfsub:
    case Opcode::kVfmul:
    case Opcode::kVfdiv:
    case Opcode::kVfmin:
    case Opcode::kVfmax:
    case Opcode::kVfsqrt:
    case Opcode::kVfceil:
    case Opcode::kVffloor:
    case Opcode::kVftrunc:
    case Opcode::kVfnearest:
    case Opcode::kVdemoteZero:
    case Opcode::kVpromoteLow:
      tolerant = fresh_nan = true;
      break;
    case Opcode::kVfpmin:
    case Opcode::kVfpmax:
    case Opcode::kVfabs:
    case Opcode::kVfneg:
    case Opcode::kVfcmp:
    case Opcode::kVtruncSatS:
    case Opcode::kVtruncSatU:
    case Opcode::kVtruncSatZeroS:
    case Opcode::kVtruncSatZeroU:
      tolerant = true;
      break;
    case Opcode::kVextractlane:
    case Opcode::kVinsertlane:
    case Opcode::kVsplat:
    case Opcode::kVscalarToVector:
      tolerant = ir::IsFloatVector(shape);
      break;
    default:
      break;
  }
  ir::InstData d;
  d.opcode = op;
  if (ir::Info(op).typing == ir::ResultTyping::kCtrl) d.type = shape;
  bool clean = !fresh_nan;
  for (uint32_t k = 0; k < sig.num_args; ++k) {
    Type t = sig.args[k];
    if (t == Type::kInvalid) t = Pick(in_, kVectorTypes);  // vbitcast: any vector
    const Val x = PickVal(avail, t, /*need_clean=*/!tolerant);
    clean &= x.clean;
    d.args[k] = x.v;
  }
  switch (ir::Info(op).format) {
    case ir::InstFormat::kVconst:
      d.ref = f_.dfg.AddConstant(VectorBits(in_, shape));
      break;
    case ir::InstFormat::kShuffle: {
      ir::V128 mask;
      for (uint32_t k = 0; k < 16; ++k) mask.SetLane(8, k, in_.Below(32));
      d.ref = f_.dfg.AddConstant(mask);
      break;
    }
    case ir::InstFormat::kExtractLane:
    case ir::InstFormat::kInsertLane:
      d.imm = in_.Below(ir::LaneCount(shape));
      break;
    case ir::InstFormat::kIntCompare: {
      auto cc = static_cast<ir::IntCC>(in_.Below(ir::kNumIntCC));
      if (!ir::VectorIntCCAllowed(cc, shape)) cc = ir::IntCC::kSlt;
      d.cond = static_cast<uint8_t>(cc);
      break;
    }
    case ir::InstFormat::kFloatCompare:
      d.cond = static_cast<uint8_t>(in_.Below(ir::kNumFloatCC));
      break;
    default:
      break;
  }
  const ir::Value result = b_.Results(b_.Build(d))[0];
  const Type rt = sig.result;
  // Integer results of float comparisons and saturating truncations ignore NaN payloads.
  if (!ir::IsFloat(rt) && !ir::IsFloatVector(rt)) clean = clean || tolerant;
  const Val x{result, rt, clean};
  avail.push_back(x);
  defs.push_back(x);
}

std::vector<ir::Value> FunctionGen::ArgsFor(uint32_t target, std::vector<Val>& avail) {
  std::vector<ir::Value> args;
  const std::vector<Val>& params = plan_[target].params;
  for (size_t p = 1; p < params.size(); ++p)
    args.push_back(PickVal(avail, params[p].type, params[p].clean).v);
  return args;
}

void FunctionGen::EmitTerminator(uint32_t k, std::vector<Val>& avail, ir::Value fuel) {
  const BlockPlan& p = plan_[k];
  auto with_fuel = [](ir::Value fuel, std::vector<ir::Value> args) {
    args.insert(args.begin(), fuel);
    return args;
  };
  switch (p.term) {
    case Term::kReturn: {
      std::vector<ir::Value> values;
      for (Type t : f_.signature.results) values.push_back(PickVal(avail, t).v);
      b_.Return(values);
      break;
    }
    case Term::kTrap:
      b_.Trap(Pick(in_, kTrapCodes));
      break;
    case Term::kJump:
      b_.Jump(blocks_[p.succs[0]], with_fuel(fuel, ArgsFor(p.succs[0], avail)));
      break;
    case Term::kBrif: {
      const Val c = PickVal(avail, IntType());
      const auto a0 = with_fuel(fuel, ArgsFor(p.succs[0], avail));
      const auto a1 = with_fuel(fuel, ArgsFor(p.succs[1], avail));
      b_.Brif(c.v, blocks_[p.succs[0]], a0, blocks_[p.succs[1]], a1);
      break;
    }
    case Term::kBrTable: {
      const Val idx = PickVal(avail, Type::kI32);
      std::vector<std::vector<ir::Value>> args;
      for (uint32_t s : p.succs) args.push_back(with_fuel(fuel, ArgsFor(s, avail)));
      std::vector<ir::FunctionBuilder::Dest> entries;
      for (size_t e = 1; e < p.succs.size(); ++e) entries.push_back({blocks_[p.succs[e]], args[e]});
      b_.BrTable(idx.v, {blocks_[p.succs[0]], args[0]}, entries);
      break;
    }
    case Term::kLoop: {
      // Back edge only while fuel != 0 (see the file comment of ir_generator.h).
      ir::Value cond = fuel;
      if (in_.Bool()) {
        const Val c = PickVal(avail, Type::kI32);
        cond = b_.Select(fuel, c.v, b_.Iconst(Type::kI32, 0));
      }
      const ir::Value less = b_.BinaryImm(Opcode::kIaddImm, fuel, -1);
      const auto back = with_fuel(less, ArgsFor(p.succs[0], avail));
      const auto fwd = with_fuel(fuel, ArgsFor(p.succs[1], avail));
      b_.Brif(cond, blocks_[p.succs[0]], back, blocks_[p.succs[1]], fwd);
      break;
    }
  }
}

void FunctionGen::FillBlock(uint32_t k) {
  BlockPlan& p = plan_[k];
  std::vector<Val> avail;
  if (p.reachable) {
    for (size_t a = 0; a < plan_.size(); ++a)
      if (a != k && dom_[a][k]) {
        avail.insert(avail.end(), plan_[a].params.begin(), plan_[a].params.end());
        avail.insert(avail.end(), plan_[a].defs.begin(), plan_[a].defs.end());
      }
  }
  avail.insert(avail.end(), p.params.begin(), p.params.end());
  b_.SwitchToBlock(blocks_[k]);
  ir::Value fuel;
  if (k == 0) {
    // Zero the slot so that loads never read stack garbage natively.
    if (stack_slots_) {
      const ir::Value zero = b_.Iconst(Type::kI64, 0);
      for (uint32_t off = 0; off < kSlotSize; off += 8)
        b_.StackStore(zero, slot_, static_cast<int32_t>(off));
    }
    fuel = b_.Iconst(Type::kI32, 1 + in_.Below(6));
  } else {
    fuel = p.params[0].v;
  }
  const uint32_t ninst = in_.Below(kMaxInsts + 1);
  for (uint32_t i = 0; i < ninst; ++i) EmitInst(avail, p.defs);
  EmitTerminator(k, avail, fuel);
}

void FunctionGen::Generate() {
  PlanCfg();
  ComputeDominators();
  const uint32_t n = static_cast<uint32_t>(plan_.size());
  if (stack_slots_) slot_ = b_.CreateStackSlot(kSlotSize, 8);
  if (callee_ != nullptr) {
    const ir::SigRef sig = b_.ImportSignature(callee_->signature);
    callee_ref_ = b_.ImportFunction(callee_->name, sig);
  }
  for (uint32_t k = 0; k < n; ++k) blocks_.push_back(b_.CreateBlock());
  for (uint32_t k = 0; k < n; ++k) f_.layout.AppendBlock(blocks_[k]);
  // Entry parameters are the function's; the vmctx stays out of the value pool.
  const std::vector<Type>& params = f_.signature.params;
  vmctx_ = b_.AppendBlockParam(blocks_[0], params[0]);
  for (size_t i = 1; i < params.size(); ++i)
    plan_[0].params.push_back({b_.AppendBlockParam(blocks_[0], params[i]), params[i], true});
  for (uint32_t k = 1; k < n; ++k) {
    plan_[k].params.push_back({b_.AppendBlockParam(blocks_[k], Type::kI32), Type::kI32, true});
    const uint32_t np = in_.Below(7);  // many: parallel copies on the edges, with cycles
    for (uint32_t i = 0; i < np; ++i) {
      const Type t = AnyType();
      const bool clean = (!ir::IsFloat(t) && !ir::IsFloatVector(t)) || in_.Bool();
      plan_[k].params.push_back({b_.AppendBlockParam(blocks_[k], t), t, clean});
    }
  }
  // Dominators first: sort by the number of dominators (unreachable blocks have none).
  std::vector<uint32_t> order(n);
  for (uint32_t k = 0; k < n; ++k) order[k] = k;
  auto ndom = [&](uint32_t k) {
    uint32_t c = 0;
    for (uint32_t a = 0; a < n; ++a) c += dom_[a][k];
    return c;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return ndom(x) < ndom(y); });
  for (uint32_t k : order) FillBlock(k);
  b_.SealAllBlocks();
  b_.Finalize();
}

}  // namespace

ir::Type IrGenerator::ValueType() { return AnyValueType(in_, options_.simd); }

ir::DataValue IrGenerator::ArgValue(ir::Type t) {
  if (ir::IsVector(t)) return ir::DataValue::Vector(t, VectorBits(in_, t));
  return {t, ValueBits(in_, t)};
}

ir::Signature IrGenerator::GenerateSignature() {
  // Function boundaries carry Wasm's types: a vector is v128, which is IR i8x16 there (the
  // frontend's convention, and what the native harness accepts).
  auto boundary_type = [this] {
    const Type t = ValueType();
    if (!ir::IsVector(t)) return t;
    return options_.simd_signatures ? Type::kI8x16 : Type::kI64;
  };
  ir::Signature sig;
  sig.params.push_back(Type::kI64);  // vmctx
  // Up to 12 parameters and 4 results: past 5 integer or 8 float arguments (and 2 results of a
  // class) the ABI passes them on the stack.
  const uint32_t np = in_.OneIn(4) ? in_.Below(13) : in_.Below(5);
  for (uint32_t i = 0; i < np; ++i) sig.params.push_back(boundary_type());
  const uint32_t nr = 1 + (in_.OneIn(4) ? in_.Below(4) : in_.Below(2));
  for (uint32_t i = 0; i < nr; ++i) sig.results.push_back(boundary_type());
  return sig;
}

ir::Function IrGenerator::GenerateFunction(const char* name, const ir::Function* callee) {
  ir::Function f(name, GenerateSignature());
  FunctionGen(in_, f, callee, options_).Generate();
  return f;
}

ir::Module IrGenerator::GenerateModule() {
  ir::Module m;
  m.functions.push_back(GenerateFunction("callee", nullptr));
  ir::Function main = GenerateFunction("main", &m.functions[0]);
  m.functions.push_back(std::move(main));
  return m;
}

std::vector<ir::DataValue> IrGenerator::GenerateArgs(const ir::Signature& sig) {
  std::vector<ir::DataValue> args;
  for (size_t i = 1; i < sig.params.size(); ++i) args.push_back(ArgValue(sig.params[i]));
  return args;
}

}  // namespace egret::fuzz
