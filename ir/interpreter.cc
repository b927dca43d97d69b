// interpreter.cc: the IR interpreter (see interpreter.h for the semantics it implements).
#include "ir/interpreter.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "ir/printer.h"

namespace egret::ir {
namespace {

uint64_t Mask(Type t, uint64_t x) {
  const uint32_t bits = TypeBits(t);
  return bits >= 64 ? x : x & ((uint64_t{1} << bits) - 1);
}
int64_t Sext(Type t, uint64_t x) {
  const uint32_t bits = TypeBits(t);
  if (bits >= 64) return static_cast<int64_t>(x);
  const uint32_t shift = 64 - bits;
  return static_cast<int64_t>(x << shift) >> shift;
}
uint64_t SextBits(uint32_t bits, uint64_t x) {
  const uint32_t shift = 64 - bits;
  return static_cast<uint64_t>(static_cast<int64_t>(x << shift) >> shift);
}

float F32(uint64_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
double F64(uint64_t bits) { return std::bit_cast<double>(bits); }
uint64_t Bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

constexpr uint64_t kF32Quiet = 0x00400000, kF32Canonical = 0x7fc00000;
constexpr uint64_t kF64Quiet = uint64_t{1} << 51, kF64Canonical = 0x7ff8000000000000;

bool IsNaNBits(Type t, uint64_t b) {
  return t == Type::kF32 ? std::isnan(F32(b)) : std::isnan(F64(b));
}
// The NaN a float operation produces: the first NaN operand made quiet, else canonical.
uint64_t NaNResult(Type t, std::initializer_list<uint64_t> operands) {
  for (uint64_t b : operands)
    if (IsNaNBits(t, b)) return b | (t == Type::kF32 ? kF32Quiet : kF64Quiet);
  return t == Type::kF32 ? kF32Canonical : kF64Canonical;
}

// Applies a unary or binary float operation, with the NaN rule.
template <class Op>
uint64_t FloatBinary(Type t, uint64_t a, uint64_t b, Op op) {
  uint64_t r = t == Type::kF32 ? Bits(static_cast<float>(op(F32(a), F32(b))))
                               : Bits(static_cast<double>(op(F64(a), F64(b))));
  return IsNaNBits(t, r) ? NaNResult(t, {a, b}) : r;
}
template <class Op>
uint64_t FloatUnary(Type t, uint64_t a, Op op) {
  uint64_t r = t == Type::kF32 ? Bits(static_cast<float>(op(F32(a)))) : Bits(op(F64(a)));
  return IsNaNBits(t, r) ? NaNResult(t, {a}) : r;
}

uint64_t SignBit(Type t) { return t == Type::kF32 ? uint64_t{1} << 31 : uint64_t{1} << 63; }

// fmin/fmax with Wasm's rules: NaN wins, and -0 < +0.
uint64_t FloatMinMax(Type t, uint64_t a, uint64_t b, bool is_max) {
  if (IsNaNBits(t, a) || IsNaNBits(t, b)) return NaNResult(t, {a, b});
  const double x = t == Type::kF32 ? F32(a) : F64(a);
  const double y = t == Type::kF32 ? F32(b) : F64(b);
  if (x == y) {  // equal, including +0 == -0: pick by sign
    const bool a_neg = (a & SignBit(t)) != 0;
    if (is_max) return a_neg ? b : a;
    return a_neg ? a : b;
  }
  return (is_max ? x > y : x < y) ? a : b;
}

bool FloatCompare(FloatCC cc, double x, double y) {
  switch (cc) {
    case FloatCC::kEq:
      return x == y;
    case FloatCC::kNe:
      return !(x == y);
    case FloatCC::kLt:
      return x < y;
    case FloatCC::kLe:
      return x <= y;
    case FloatCC::kGt:
      return x > y;
    case FloatCC::kGe:
      return x >= y;
    case FloatCC::kOrd:
      return !std::isnan(x) && !std::isnan(y);
    case FloatCC::kUno:
      return std::isnan(x) || std::isnan(y);
  }
  return false;
}

bool IntCompare(Type t, IntCC cc, uint64_t a, uint64_t b) {
  const int64_t sa = Sext(t, a), sb = Sext(t, b);
  switch (cc) {
    case IntCC::kEq:
      return a == b;
    case IntCC::kNe:
      return a != b;
    case IntCC::kSlt:
      return sa < sb;
    case IntCC::kSle:
      return sa <= sb;
    case IntCC::kSgt:
      return sa > sb;
    case IntCC::kSge:
      return sa >= sb;
    case IntCC::kUlt:
      return a < b;
    case IntCC::kUle:
      return a <= b;
    case IntCC::kUgt:
      return a > b;
    case IntCC::kUge:
      return a >= b;
  }
  return false;
}

uint64_t Rotl(Type t, uint64_t x, uint64_t n) {
  const uint32_t bits = TypeBits(t);
  n %= bits;
  if (n == 0) return x;
  return Mask(t, (x << n) | (x >> (bits - n)));
}

}  // namespace

std::string FormatDataValue(DataValue v) {
  switch (v.type) {
    case Type::kF32:
      return FormatF32(static_cast<uint32_t>(v.bits));
    case Type::kF64:
      return FormatF64(v.bits);
    default:
      return std::to_string(Sext(v.type, v.bits));
  }
}

Interpreter::Interpreter(const Module& module, InterpOptions options)
    : module_(module), options_(options), heap_(options.heap_size, 0) {}

uint8_t* Interpreter::Resolve(uint64_t addr, uint64_t n) {
  if (addr <= heap_.size() && n <= heap_.size() - addr) return heap_.data() + addr;
  if (addr >= kStackBase) {
    const uint64_t off = addr - kStackBase;
    if (off <= stack_.size() && n <= stack_.size() - off) return stack_.data() + off;
  }
  return nullptr;
}

void Interpreter::DefineHostFunction(std::string name, Signature sig, HostFunction fn) {
  hosts_.push_back({std::move(name), std::move(sig), std::move(fn)});
}

const Interpreter::Host* Interpreter::FindHost(std::string_view name) const {
  for (const Host& h : hosts_)
    if (h.name == name) return &h;
  return nullptr;
}

InterpResult Interpreter::Call(std::string_view name, std::span<const DataValue> args) {
  const Function* f = module_.Find(name);
  if (!f) {
    InterpResult r;
    r.kind = InterpResult::Kind::kError;
    r.error = "no function %" + std::string(name) + " in this module";
    return r;
  }
  steps_ = 0;
  return Run(*f, args, 0);
}

InterpResult Interpreter::Run(const Function& f, std::span<const DataValue> args, uint32_t depth) {
  InterpResult result;
  auto error = [&](std::string msg) {
    result.kind = InterpResult::Kind::kError;
    result.error = "in %" + f.name + ": " + std::move(msg);
    return result;
  };
  auto trap = [&](TrapCode code) {
    result.kind = InterpResult::Kind::kTrapped;
    result.trap = code;
    return result;
  };
  if (depth >= options_.max_call_depth) return trap(TrapCode::kStackOverflow);
  const Block entry = f.EntryBlock();
  if (!entry.valid()) return error("function has no blocks");
  const DataFlowGraph& dfg = f.dfg;
  auto params = dfg.BlockParams(entry);
  if (args.size() != params.size()) return error("wrong number of arguments");

  // Stack slots of this frame, released on every exit.
  const size_t stack_mark = stack_.size();
  std::vector<uint64_t> slot_offsets(f.stack_slots.size());
  for (StackSlot ss : f.stack_slots.Keys()) {
    const StackSlotData& sd = f.stack_slots[ss];
    uint64_t off = (stack_.size() + sd.align - 1) / sd.align * sd.align;
    slot_offsets[ss.index] = off;
    stack_.resize(off + sd.size, 0);
  }
  struct Release {
    std::vector<uint8_t>& stack;
    size_t mark;
    ~Release() { stack.resize(mark); }
  } release{stack_, stack_mark};

  std::vector<uint64_t> regs(dfg.NumValues(), 0);
  for (size_t k = 0; k < args.size(); ++k) {
    if (args[k].type != dfg.ValueType(params[k]))
      return error("argument " + std::to_string(k) + " has the wrong type");
    regs[params[k].index] = args[k].bits;
  }
  auto val = [&](Value v) { return regs[v.index]; };
  auto type_of = [&](Value v) { return dfg.ValueType(v); };
  std::vector<uint64_t> scratch;

  Block block = entry;
  Inst inst = f.layout.FirstInst(block);
  for (;;) {
    if (!inst.valid()) return error(BlockName(block) + " has no terminator");
    if (++steps_ > options_.max_steps) return error("step limit exceeded (infinite loop?)");
    const InstData& d = dfg[inst];
    auto results = dfg.InstResults(inst);
    auto set = [&](uint64_t bits) { regs[results[0].index] = Mask(type_of(results[0]), bits); };
    const Type t0 = d.args[0].valid() ? type_of(d.args[0]) : Type::kInvalid;
    const uint64_t a = d.args[0].valid() ? val(d.args[0]) : 0;
    const uint64_t b = d.args[1].valid() ? val(d.args[1]) : 0;
    const uint64_t bits0 = TypeBits(t0);
    // Branches set `next`; everything else falls through to the next instruction.
    const BlockCall* next = nullptr;
    switch (d.opcode) {
      case Opcode::kIconst:
        set(static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kF32const:
      case Opcode::kF64const:
        set(static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kIadd:
        set(a + b);
        break;
      case Opcode::kIsub:
        set(a - b);
        break;
      case Opcode::kImul:
        set(a * b);
        break;
      case Opcode::kSdiv:
      case Opcode::kSrem: {
        if (b == 0) return trap(TrapCode::kIntegerDivisionByZero);
        const int64_t x = Sext(t0, a), y = Sext(t0, b);
        const int64_t min =
            bits0 == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits0 - 1));
        if (d.opcode == Opcode::kSdiv) {
          if (x == min && y == -1) return trap(TrapCode::kIntegerOverflow);
          set(static_cast<uint64_t>(x / y));
        } else {
          set(y == -1 ? 0 : static_cast<uint64_t>(x % y));
        }
        break;
      }
      case Opcode::kUdiv:
        if (b == 0) return trap(TrapCode::kIntegerDivisionByZero);
        set(a / b);
        break;
      case Opcode::kUrem:
        if (b == 0) return trap(TrapCode::kIntegerDivisionByZero);
        set(a % b);
        break;
      case Opcode::kBand:
        set(a & b);
        break;
      case Opcode::kBor:
        set(a | b);
        break;
      case Opcode::kBxor:
        set(a ^ b);
        break;
      case Opcode::kIshl:
        set(a << (b % bits0));
        break;
      case Opcode::kUshr:
        set(a >> (b % bits0));
        break;
      case Opcode::kSshr:
        set(static_cast<uint64_t>(Sext(t0, a) >> (b % bits0)));
        break;
      case Opcode::kRotl:
        set(Rotl(t0, a, b % bits0));
        break;
      case Opcode::kRotr:
        set(Rotl(t0, a, (bits0 - b % bits0) % bits0));
        break;
      case Opcode::kClz:
        set(a == 0 ? bits0 : std::countl_zero(a) - (64 - bits0));
        break;
      case Opcode::kCtz:
        set(a == 0 ? bits0 : std::countr_zero(a));
        break;
      case Opcode::kPopcnt:
        set(std::popcount(a));
        break;
      case Opcode::kIneg:
        set(0 - a);
        break;
      case Opcode::kBnot:
        set(~a);
        break;
      case Opcode::kIaddImm:
        set(a + static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kImulImm:
        set(a * static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kBandImm:
        set(a & static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kBorImm:
        set(a | static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kBxorImm:
        set(a ^ static_cast<uint64_t>(d.imm));
        break;
      case Opcode::kIshlImm:
        set(a << (static_cast<uint64_t>(d.imm) % bits0));
        break;
      case Opcode::kUshrImm:
        set(a >> (static_cast<uint64_t>(d.imm) % bits0));
        break;
      case Opcode::kSshrImm:
        set(static_cast<uint64_t>(Sext(t0, a) >> (static_cast<uint64_t>(d.imm) % bits0)));
        break;
      case Opcode::kRotlImm:
        set(Rotl(t0, a, static_cast<uint64_t>(d.imm) % bits0));
        break;
      case Opcode::kRotrImm:
        set(Rotl(t0, a, (bits0 - static_cast<uint64_t>(d.imm) % bits0) % bits0));
        break;
      case Opcode::kIcmp:
        set(IntCompare(t0, static_cast<IntCC>(d.cond), a, b));
        break;
      case Opcode::kIcmpImm:
        set(IntCompare(t0, static_cast<IntCC>(d.cond), a, Mask(t0, static_cast<uint64_t>(d.imm))));
        break;
      case Opcode::kFcmp: {
        const double x = t0 == Type::kF32 ? F32(a) : F64(a);
        const double y = t0 == Type::kF32 ? F32(b) : F64(b);
        set(FloatCompare(static_cast<FloatCC>(d.cond), x, y));
        break;
      }
      case Opcode::kSelect:
        set(a != 0 ? b : val(d.args[2]));
        break;
      case Opcode::kUextend:
        set(a);
        break;
      case Opcode::kSextend:
        set(SextBits(static_cast<uint32_t>(bits0), a));
        break;
      case Opcode::kIreduce:
        set(a);
        break;
      case Opcode::kFadd:
        set(FloatBinary(t0, a, b, [](auto x, auto y) { return x + y; }));
        break;
      case Opcode::kFsub:
        set(FloatBinary(t0, a, b, [](auto x, auto y) { return x - y; }));
        break;
      case Opcode::kFmul:
        set(FloatBinary(t0, a, b, [](auto x, auto y) { return x * y; }));
        break;
      case Opcode::kFdiv:
        set(FloatBinary(t0, a, b, [](auto x, auto y) { return x / y; }));
        break;
      case Opcode::kFmin:
        set(FloatMinMax(t0, a, b, false));
        break;
      case Opcode::kFmax:
        set(FloatMinMax(t0, a, b, true));
        break;
      case Opcode::kFcopysign:
        set((a & ~SignBit(t0)) | (b & SignBit(t0)));
        break;
      case Opcode::kFneg:
        set(a ^ SignBit(t0));
        break;
      case Opcode::kFabs:
        set(a & ~SignBit(t0));
        break;
      case Opcode::kSqrt:
        set(FloatUnary(t0, a, [](auto x) { return std::sqrt(x); }));
        break;
      case Opcode::kCeil:
        set(FloatUnary(t0, a, [](auto x) { return std::ceil(x); }));
        break;
      case Opcode::kFloor:
        set(FloatUnary(t0, a, [](auto x) { return std::floor(x); }));
        break;
      case Opcode::kTrunc:
        set(FloatUnary(t0, a, [](auto x) { return std::trunc(x); }));
        break;
      case Opcode::kNearest:
        set(FloatUnary(t0, a, [](auto x) { return std::nearbyint(x); }));
        break;
      case Opcode::kFpromote:
        if (IsNaNBits(Type::kF32, a)) {
          set(((a & 0x80000000) << 32) | 0x7ff0000000000000 | ((a & 0x7fffff) << 29) | kF64Quiet);
        } else {
          set(Bits(static_cast<double>(F32(a))));
        }
        break;
      case Opcode::kFdemote:
        if (IsNaNBits(Type::kF64, a)) {
          set(((a >> 32) & 0x80000000) | 0x7f800000 | ((a >> 29) & 0x7fffff) | kF32Quiet);
        } else {
          set(Bits(static_cast<float>(F64(a))));
        }
        break;
      case Opcode::kFcvtToSint:
      case Opcode::kFcvtToUint:
      case Opcode::kFcvtToSintSat:
      case Opcode::kFcvtToUintSat: {
        const double x = t0 == Type::kF32 ? static_cast<double>(F32(a)) : F64(a);
        const bool is_signed =
            d.opcode == Opcode::kFcvtToSint || d.opcode == Opcode::kFcvtToSintSat;
        const bool sat = d.opcode == Opcode::kFcvtToSintSat || d.opcode == Opcode::kFcvtToUintSat;
        const uint32_t tb = TypeBits(d.type);
        // Exclusive upper and inclusive lower bounds as exact doubles.
        const double hi = is_signed ? std::ldexp(1.0, static_cast<int>(tb) - 1)
                                    : std::ldexp(1.0, static_cast<int>(tb));
        const double lo = is_signed ? -hi : 0.0;
        if (std::isnan(x)) {
          if (!sat) return trap(TrapCode::kBadConversionToInteger);
          set(0);
          break;
        }
        const double tr = std::trunc(x);
        if (tr < lo || tr >= hi) {
          if (!sat) return trap(TrapCode::kIntegerOverflow);
          if (tr < lo) {
            set(is_signed ? (uint64_t{1} << (tb - 1)) : 0);
          } else {
            set(is_signed ? (uint64_t{1} << (tb - 1)) - 1 : ~uint64_t{0});
          }
          break;
        }
        set(is_signed ? static_cast<uint64_t>(static_cast<int64_t>(tr))
                      : static_cast<uint64_t>(tr));
        break;
      }
      case Opcode::kFcvtFromSint:
      case Opcode::kFcvtFromUint: {
        const bool is_signed = d.opcode == Opcode::kFcvtFromSint;
        const int64_t s = Sext(t0, a);
        if (d.type == Type::kF32) {
          set(Bits(is_signed ? static_cast<float>(s) : static_cast<float>(a)));
        } else {
          set(Bits(is_signed ? static_cast<double>(s) : static_cast<double>(a)));
        }
        break;
      }
      case Opcode::kBitcast:
        set(a);
        break;
      case Opcode::kLoad:
      case Opcode::kUload8:
      case Opcode::kSload8:
      case Opcode::kUload16:
      case Opcode::kSload16:
      case Opcode::kUload32:
      case Opcode::kSload32: {
        uint32_t bytes = MemAccessBytes(d.opcode);
        if (bytes == 0) bytes = TypeBytes(d.type);
        const uint64_t addr = a + static_cast<uint64_t>(d.imm);
        const uint8_t* p = Resolve(addr, bytes);
        if (!p) {
          if (d.flags.Has(MemFlags::kNotrap))
            return error("notrap load out of bounds at address " + std::to_string(addr));
          return trap(d.trap);
        }
        uint64_t x = 0;
        std::memcpy(&x, p, bytes);  // little-endian host
        const bool sign = d.opcode == Opcode::kSload8 || d.opcode == Opcode::kSload16 ||
                          d.opcode == Opcode::kSload32;
        set(sign ? SextBits(bytes * 8, x) : x);
        break;
      }
      case Opcode::kStore:
      case Opcode::kIstore8:
      case Opcode::kIstore16:
      case Opcode::kIstore32: {
        uint32_t bytes = MemAccessBytes(d.opcode);
        if (bytes == 0) bytes = TypeBytes(t0);
        const uint64_t addr = b + static_cast<uint64_t>(d.imm);
        uint8_t* p = Resolve(addr, bytes);
        if (!p) {
          if (d.flags.Has(MemFlags::kNotrap))
            return error("notrap store out of bounds at address " + std::to_string(addr));
          return trap(d.trap);
        }
        std::memcpy(p, &a, bytes);
        break;
      }
      case Opcode::kStackLoad:
      case Opcode::kStackStore:
      case Opcode::kStackAddr: {
        if (d.ref >= slot_offsets.size()) return error("bad stack slot");
        const uint64_t off = slot_offsets[d.ref] + static_cast<uint64_t>(d.imm);
        if (d.opcode == Opcode::kStackAddr) {
          set(kStackBase + off);
          break;
        }
        const uint32_t bytes = d.opcode == Opcode::kStackLoad ? TypeBytes(d.type) : TypeBytes(t0);
        uint8_t* p = Resolve(kStackBase + off, bytes);
        if (!p) return error("stack slot access out of bounds");
        if (d.opcode == Opcode::kStackLoad) {
          uint64_t x = 0;
          std::memcpy(&x, p, bytes);
          set(x);
        } else {
          std::memcpy(p, &a, bytes);
        }
        break;
      }
      case Opcode::kFuncAddr: {
        const std::string& name = dfg.ext_func(FuncRef(d.ref)).name;
        if (const Function* callee = module_.Find(name)) {
          set(kFuncBase + static_cast<uint64_t>(callee - module_.functions.data()));
        } else if (const Host* h = FindHost(name)) {
          set(kFuncBase + module_.functions.size() + static_cast<uint64_t>(h - hosts_.data()));
        } else {
          return error("func_addr of %" + name + ", which is not in this module");
        }
        break;
      }
      case Opcode::kCall:
      case Opcode::kCallIndirect: {
        const Function* callee = nullptr;
        const Host* host = nullptr;
        const Signature& sig = dfg.signature(dfg.CallSignature(inst));
        if (d.opcode == Opcode::kCall) {
          const std::string& name = dfg.ext_func(FuncRef(d.ref)).name;
          callee = module_.Find(name);
          if (!callee) host = FindHost(name);
          if (!callee && !host) return error("call to %" + name + ", which is not in this module");
        } else {
          if (a == 0) return trap(TrapCode::kIndirectCallToNull);
          const uint64_t index = a - kFuncBase;
          if (a < kFuncBase || index >= module_.functions.size() + hosts_.size())
            return error("call_indirect to a non-function address " + std::to_string(a));
          if (index < module_.functions.size()) {
            callee = &module_.functions[index];
          } else {
            host = &hosts_[index - module_.functions.size()];
          }
        }
        if ((callee ? callee->signature : host->sig) != sig) return trap(TrapCode::kBadSignature);
        std::vector<DataValue> call_args;  // per call: the callee may recurse
        for (Value v : dfg.VarArgs(inst)) call_args.push_back({type_of(v), val(v)});
        InterpResult r = callee ? Run(*callee, call_args, depth + 1) : host->fn(call_args, *this);
        if (r.kind != InterpResult::Kind::kReturned) return r;
        if (r.values.size() != results.size())
          return error("host function returned the wrong number of values");
        for (size_t k = 0; k < results.size(); ++k) {
          if (r.values[k].type != type_of(results[k]))
            return error("host function returned a value of the wrong type");
          regs[results[k].index] = r.values[k].bits;
        }
        break;
      }
      case Opcode::kJump:
        next = &d.dest[0];
        break;
      case Opcode::kBrif:
        next = a != 0 ? &d.dest[0] : &d.dest[1];
        break;
      case Opcode::kBrTable: {
        const JumpTableData& jt = dfg.jump_table(JumpTable(d.ref));
        next = a < jt.entries.size() ? &jt.entries[a] : &jt.default_dest;
        break;
      }
      case Opcode::kReturn:
        for (Value v : dfg.VarArgs(inst)) result.values.push_back({type_of(v), val(v)});
        return result;
      case Opcode::kTrap:
        return trap(d.trap);
      case Opcode::kTrapz:
        if (a == 0) return trap(d.trap);
        break;
      case Opcode::kTrapnz:
        if (a != 0) return trap(d.trap);
        break;
    }
    if (next) {
      // Block arguments are a parallel copy: read them all before writing any parameter.
      auto bargs = dfg.pool().Get(next->args);
      scratch.clear();
      for (Value v : bargs) scratch.push_back(val(v));
      auto bparams = dfg.BlockParams(next->block);
      for (size_t k = 0; k < bparams.size() && k < scratch.size(); ++k)
        regs[bparams[k].index] = scratch[k];
      block = next->block;
      inst = f.layout.FirstInst(block);
    } else {
      inst = f.layout.NextInst(inst);
    }
  }
}

}  // namespace egret::ir
