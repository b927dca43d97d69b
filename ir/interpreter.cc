// interpreter.cc: the IR interpreter (see interpreter.h for the semantics it implements).
#include "ir/interpreter.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "ir/literal.h"
#include "ir/op_semantics.h"
#include "ir/printer.h"
#include "ir/simd.h"

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
// 16 bytes of memory as a vector, and back (little-endian host, like the scalar accesses).
V128 ReadV128(const uint8_t* p) {
  V128 v;
  std::memcpy(&v.lo, p, 8);
  std::memcpy(&v.hi, p + 8, 8);
  return v;
}
void WriteV128(uint8_t* p, const V128& v) {
  std::memcpy(p, &v.lo, 8);
  std::memcpy(p + 8, &v.hi, 8);
}
uint64_t SextBits(uint32_t bits, uint64_t x) {
  const uint32_t shift = 64 - bits;
  return static_cast<uint64_t>(static_cast<int64_t>(x << shift) >> shift);
}

}  // namespace

std::string FormatDataValue(DataValue v) {
  switch (v.type) {
    case Type::kF32:
      return FormatF32(static_cast<uint32_t>(v.bits));
    case Type::kF64:
      return FormatF64(v.bits);
    case Type::kI8x16:
    case Type::kI16x8:
    case Type::kI32x4:
    case Type::kI64x2:
    case Type::kF32x4:
    case Type::kF64x2:
      return FormatVectorLiteral(v.type, v.vec());
    default:
      return std::to_string(Sext(v.type, v.bits));
  }
}

Interpreter::Interpreter(const Module& module, InterpOptions options)
    : module_(module), options_(options), heap_(options.heap_size, 0) {}

uint8_t* Interpreter::Resolve(uint64_t addr, uint64_t n) {
  if (addr >= options_.unmapped_low && addr <= heap_.size() && n <= heap_.size() - addr)
    return heap_.data() + addr;
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
  TailCall tail;
  InterpResult r = RunFrame(f, args, depth, &tail);
  std::vector<DataValue> tail_args;
  while (tail.callee || tail.host) {
    tail_args = std::move(tail.args);
    const Function* callee = tail.callee;
    const auto* host = tail.host;
    tail = TailCall();
    if (host) return (*host)(tail_args, *this);
    r = RunFrame(*callee, tail_args, depth, &tail);
  }
  return r;
}

InterpResult Interpreter::RunFrame(const Function& f, std::span<const DataValue> args,
                                   uint32_t depth, TailCall* tail) {
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

  // Scalars live in regs; vectors' 128 bits in vregs, which exists only if the function has a
  // vector value (scalar-only functions pay nothing for SIMD).
  std::vector<uint64_t> regs(dfg.NumValues(), 0);
  std::vector<V128> vregs;
  for (size_t v = 0; v < dfg.NumValues(); ++v) {
    if (IsVector(dfg.ValueType(Value(static_cast<uint32_t>(v))))) {
      vregs.resize(dfg.NumValues());
      break;
    }
  }
  auto type_of = [&](Value v) { return dfg.ValueType(v); };
  // Any value as a DataValue, and back.
  auto get = [&](Value v) {
    const Type t = type_of(v);
    return IsVector(t) ? DataValue::Vector(t, vregs[v.index]) : DataValue{t, regs[v.index], 0};
  };
  auto put = [&](Value v, const DataValue& x) {
    if (IsVector(x.type)) {
      vregs[v.index] = x.vec();
    } else {
      regs[v.index] = x.bits;
    }
  };
  for (size_t k = 0; k < args.size(); ++k) {
    if (args[k].type != dfg.ValueType(params[k]))
      return error("argument " + std::to_string(k) + " has the wrong type");
    put(params[k], args[k]);
  }
  auto val = [&](Value v) { return regs[v.index]; };
  std::vector<DataValue> scratch;

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
      case Opcode::kIsub:
      case Opcode::kImul:
      case Opcode::kUmulhi:
      case Opcode::kSmulhi:
      case Opcode::kSdiv:
      case Opcode::kUdiv:
      case Opcode::kSrem:
      case Opcode::kUrem:
      case Opcode::kBand:
      case Opcode::kBor:
      case Opcode::kBxor:
      case Opcode::kIshl:
      case Opcode::kUshr:
      case Opcode::kSshr:
      case Opcode::kRotl:
      case Opcode::kRotr:
      case Opcode::kIaddImm:
      case Opcode::kImulImm:
      case Opcode::kBandImm:
      case Opcode::kBorImm:
      case Opcode::kBxorImm:
      case Opcode::kIshlImm:
      case Opcode::kUshrImm:
      case Opcode::kSshrImm:
      case Opcode::kRotlImm:
      case Opcode::kRotrImm: {
        const bool imm_form = Info(d.opcode).format == InstFormat::kBinaryImm;
        const OpResult r =
            EvalIntBinary(d.opcode, t0, a, imm_form ? static_cast<uint64_t>(d.imm) : b);
        if (!r.ok()) return trap(*r.trap);
        set(r.bits);
        break;
      }
      case Opcode::kClz:
      case Opcode::kCtz:
      case Opcode::kPopcnt:
      case Opcode::kIneg:
      case Opcode::kBnot:
        set(EvalIntUnary(d.opcode, t0, a));
        break;
      case Opcode::kIcmp:
        set(EvalIntCompare(static_cast<IntCC>(d.cond), t0, a, b));
        break;
      case Opcode::kIcmpImm:
        set(EvalIntCompare(static_cast<IntCC>(d.cond), t0, a, static_cast<uint64_t>(d.imm)));
        break;
      case Opcode::kFcmp:
        set(EvalFloatCompare(static_cast<FloatCC>(d.cond), t0, a, b));
        break;
      case Opcode::kSelect:
        put(results[0], get(a != 0 ? d.args[1] : d.args[2]));
        break;
      case Opcode::kIsNull:  // a reference is a 64-bit pointer; null is 0
        set(a == 0 ? 1 : 0);
        break;
      case Opcode::kUextend:
      case Opcode::kSextend:
      case Opcode::kIreduce:
        set(EvalWidthChange(d.opcode, t0, type_of(results[0]), a));
        break;
      case Opcode::kFadd:
      case Opcode::kFsub:
      case Opcode::kFmul:
      case Opcode::kFdiv:
      case Opcode::kFmin:
      case Opcode::kFmax:
      case Opcode::kFcopysign:
        set(EvalFloatBinary(d.opcode, t0, a, b));
        break;
      case Opcode::kFneg:
      case Opcode::kFabs:
      case Opcode::kSqrt:
      case Opcode::kCeil:
      case Opcode::kFloor:
      case Opcode::kTrunc:
      case Opcode::kNearest:
        set(EvalFloatUnary(d.opcode, t0, a));
        break;
      case Opcode::kFpromote:
      case Opcode::kFdemote:
      case Opcode::kFcvtToSint:
      case Opcode::kFcvtToUint:
      case Opcode::kFcvtToSintSat:
      case Opcode::kFcvtToUintSat:
      case Opcode::kFcvtFromSint:
      case Opcode::kFcvtFromUint:
      case Opcode::kBitcast: {
        const OpResult r = EvalConversion(d.opcode, t0, type_of(results[0]), a);
        if (!r.ok()) return trap(*r.trap);
        set(r.bits);
        break;
      }
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
        if (IsVector(d.type)) {
          vregs[results[0].index] = ReadV128(p);
          break;
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
        if (IsVector(t0)) {
          WriteV128(p, vregs[d.args[0].index]);
          break;
        }
        std::memcpy(p, &a, bytes);
        break;
      }
      // Atomics: one thread, so each is a plain access; the address must be aligned (the
      // frontend checks), and the old value comes back zero-extended from the access width.
      case Opcode::kAtomicLoad:
      case Opcode::kAtomicStore:
      case Opcode::kAtomicRmw:
      case Opcode::kAtomicCas: {
        const uint32_t bytes = static_cast<uint32_t>(d.imm);
        const uint64_t addr = d.opcode == Opcode::kAtomicStore ? b : a;
        if (addr % bytes != 0)
          return error("misaligned atomic access at address " + std::to_string(addr));
        uint8_t* p = Resolve(addr, bytes);
        if (!p) {
          if (d.flags.Has(MemFlags::kNotrap))
            return error("notrap atomic access out of bounds at address " + std::to_string(addr));
          return trap(d.trap);
        }
        if (d.opcode == Opcode::kAtomicStore) {
          std::memcpy(p, &a, bytes);
          break;
        }
        uint64_t old = 0;
        std::memcpy(&old, p, bytes);
        uint64_t now = old;
        if (d.opcode == Opcode::kAtomicRmw) {
          switch (static_cast<AtomicRmwOp>(d.cond)) {
            case AtomicRmwOp::kAdd:
              now = old + b;
              break;
            case AtomicRmwOp::kSub:
              now = old - b;
              break;
            case AtomicRmwOp::kAnd:
              now = old & b;
              break;
            case AtomicRmwOp::kOr:
              now = old | b;
              break;
            case AtomicRmwOp::kXor:
              now = old ^ b;
              break;
            case AtomicRmwOp::kXchg:
              now = b;
              break;
          }
        } else if (d.opcode == Opcode::kAtomicCas) {
          const uint64_t mask = bytes == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * bytes)) - 1;
          if ((b & mask) == old) now = val(d.args[2]);
        }
        if (now != old) std::memcpy(p, &now, bytes);
        set(old);
        break;
      }
      case Opcode::kFence:
        break;
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
        if (d.opcode == Opcode::kStackLoad && IsVector(d.type)) {
          vregs[results[0].index] = ReadV128(p);
        } else if (d.opcode == Opcode::kStackLoad) {
          uint64_t x = 0;
          std::memcpy(&x, p, bytes);
          set(x);
        } else if (IsVector(t0)) {
          WriteV128(p, vregs[d.args[0].index]);
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
      case Opcode::kCallIndirect:
      case Opcode::kReturnCall:
      case Opcode::kReturnCallIndirect: {
        const Function* callee = nullptr;
        const Host* host = nullptr;
        const Signature& sig = dfg.signature(dfg.CallSignature(inst));
        const bool is_tail =
            d.opcode == Opcode::kReturnCall || d.opcode == Opcode::kReturnCallIndirect;
        if (d.opcode == Opcode::kCall || d.opcode == Opcode::kReturnCall) {
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
        for (Value v : dfg.VarArgs(inst)) call_args.push_back(get(v));
        if (is_tail) {
          tail->callee = callee;
          tail->host = callee ? nullptr : &host->fn;
          tail->args = std::move(call_args);
          return result;
        }
        InterpResult r = callee ? Run(*callee, call_args, depth + 1) : host->fn(call_args, *this);
        if (r.kind != InterpResult::Kind::kReturned) return r;
        if (r.values.size() != results.size())
          return error("host function returned the wrong number of values");
        for (size_t k = 0; k < results.size(); ++k) {
          if (r.values[k].type != type_of(results[k]))
            return error("host function returned a value of the wrong type");
          put(results[k], r.values[k]);
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
        for (Value v : dfg.VarArgs(inst)) result.values.push_back(get(v));
        return result;
      case Opcode::kTrap:
        return trap(d.trap);
      case Opcode::kTrapz:
        if (a == 0) return trap(d.trap);
        break;
      case Opcode::kTrapnz:
        if (a != 0) return trap(d.trap);
        break;
      default: {
        // SIMD (every remaining opcode is a vector op: the switch covers the scalar ones).
        EGRET_DCHECK(IsVectorOp(d.opcode));
        auto fixed = dfg.FixedArgs(inst);
        V128 in[3];
        for (size_t k = 0; k < fixed.size(); ++k) {
          in[k] = IsVector(type_of(fixed[k])) ? vregs[fixed[k].index] : V128{val(fixed[k]), 0};
        }
        const Type shape = VectorShapeOf(d.opcode, d.type, t0);
        const V128 c = Info(d.opcode).format == InstFormat::kVconst ||
                               Info(d.opcode).format == InstFormat::kShuffle
                           ? dfg.constant(d.ref)
                           : V128{};
        const V128 r =
            EvalVector(d.opcode, shape, d.cond, d.imm, c, std::span<const V128>(in, fixed.size()));
        if (IsVector(type_of(results[0]))) {
          vregs[results[0].index] = r;
        } else {
          set(r.lo);
        }
        break;
      }
    }
    if (next) {
      // Block arguments are a parallel copy: read them all before writing any parameter.
      auto bargs = dfg.pool().Get(next->args);
      scratch.clear();
      for (Value v : bargs) scratch.push_back(get(v));
      auto bparams = dfg.BlockParams(next->block);
      for (size_t k = 0; k < bparams.size() && k < scratch.size(); ++k) put(bparams[k], scratch[k]);
      block = next->block;
      inst = f.layout.FirstInst(block);
    } else {
      inst = f.layout.NextInst(inst);
    }
  }
}

}  // namespace egret::ir
