// translator.cc: control flow, variables, memory, globals, tables and calls. Numeric operators
// are in translate_numeric.cc.
//
// Invariants while translating reachable code:
//   - values_ holds the IR values of the Wasm operand stack; frames_[i].height is its size at
//     the frame's entry, below the frame's parameters;
//   - a frame's `next` block has one parameter per result and is sealed at the frame's `end`;
//     a loop's header has one parameter per loop parameter and is sealed at its `end` (all back
//     edges are known then);
//   - when the current position is unreachable (after br, return, unreachable, ...) nothing is
//     emitted until the enclosing frame's else/end; frames opened meanwhile are "dead" and only
//     count nesting.
//
// Fuel (TranslateOptions::fuel): every reachable Wasm operator costs one unit. The cost of a
// straight-line run is counted at translation time (fuel_pending_) and charged by ChargeFuel
// right before the operator that ends the run: loop, if, else, end, br, br_if, br_table,
// return, unreachable and calls (calls so that the callee starts from an up-to-date counter).
// Every IR block ends at one of these, so each path is charged exactly what it executes, and
// every loop iteration and every call passes a check: code can't run unboundedly on no fuel.
#include "frontend/translator.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "frontend/operator_reader.h"
#include "frontend/translator_internal.h"
#include "ir/builder.h"

namespace egret::wasm {

using ir::Opcode;
using ir::Type;

namespace {

// Locals beyond this many are refused (each becomes an SSA variable).
constexpr uint64_t kMaxTranslatedLocals = 1u << 20;

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

}  // namespace

std::vector<std::string> FunctionSymbols(const ModuleEnv& env) {
  const size_t n = env.functions.size();
  std::vector<std::string> names(n);
  // Whether `name` is some function's default name, "func" + std::to_string(j) for a j < n: a
  // name-section name can never take another function's default.
  auto is_default = [n](std::string_view name) {
    if (name.size() <= 4 || name.size() > 4 + 10 || name.substr(0, 4) != "func") return false;
    const std::string_view digits = name.substr(4);
    if (digits.size() > 1 && digits[0] == '0') return false;  // not what to_string writes
    uint64_t j = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      j = 10 * j + uint64_t(c - '0');
    }
    return j < n;
  };
  // The name-section names taken so far (views of `names`' strings, which stay in place).
  std::unordered_set<std::string_view> used;
  for (uint32_t i = 0; i < n; ++i) {
    std::string& name = names[i];
    name = env.FunctionName(i);
    for (char& c : name)
      if (!IsIdentChar(c)) c = '_';
    if (name.empty() || is_default(name) || !used.insert(name).second)
      name = "func" + std::to_string(i);
  }
  return names;
}

Error NoIrTypeError() { return Error("no IR type for the bottom type"); }

Expected<ir::Signature> WasmSignature(const FuncType& type) {
  ir::Signature sig;
  sig.params.reserve(1 + type.params().size());
  sig.results.reserve(type.results().size());
  sig.params.push_back(Type::kI64);
  for (ValType t : type.params()) {
    EGRET_ASSIGN_OR_RETURN(Type it, IrType(t));
    sig.params.push_back(it);
  }
  for (ValType t : type.results()) {
    EGRET_ASSIGN_OR_RETURN(Type it, IrType(t));
    sig.results.push_back(it);
  }
  return sig;
}

Status Translation::Unsupported(uint64_t offset, const std::string& what) {
  Error e(offset, "not yet supported: " + what + " (func " + std::to_string(func_index_) + ")");
  e.InFile(env_.file);
  return e;
}

ir::MemFlags Translation::VmctxFlags(bool readonly) const {
  ir::MemFlags f = ir::MemFlags{}
                       .With(ir::MemFlags::kVmctx)
                       .With(ir::MemFlags::kNotrap)
                       .With(ir::MemFlags::kAligned);
  return readonly ? f.With(ir::MemFlags::kReadonly) : f;
}

ir::Value Translation::LoadVmctx(Type t, uint32_t offset, bool readonly) {
  return b_.Load(Opcode::kLoad, t, VmctxFlags(readonly), vmctx_, static_cast<int32_t>(offset));
}

ir::Value Translation::LoadPtr(Type t, ir::Value base, uint32_t offset, bool readonly) {
  ir::MemFlags f = ir::MemFlags{}.With(ir::MemFlags::kNotrap).With(ir::MemFlags::kAligned);
  if (readonly) f = f.With(ir::MemFlags::kReadonly);
  return b_.Load(Opcode::kLoad, t, f, base, static_cast<int32_t>(offset));
}

ir::Value Translation::LoadRecord(Type t, VMContextLayout::RecordRef r, uint32_t field,
                                  bool readonly) {
  if (!r.indirect) return LoadVmctx(t, r.offset + field, readonly);
  ir::Value record = LoadVmctx(Type::kI64, r.offset, true);
  return LoadPtr(t, record, field, readonly);
}

void Translation::ChargeFuel() {
  if (fuel_pending_ == 0) return;
  // The counter is the store's (one for all its instances): its record's address is fixed for
  // the instance's life, so that load is readonly and may be shared between charges.
  ir::Value limits = LoadVmctx(Type::kI64, VMContextLayout::kStoreLimits, true);
  const int32_t offset = static_cast<int32_t>(VMContextLayout::kLimitsFuel);
  ir::Value used = b_.Load(Opcode::kLoad, Type::kI64, VmctxFlags(false), limits, offset);
  used = b_.BinaryImm(Opcode::kIaddImm, used, fuel_pending_);
  b_.Store(Opcode::kStore, VmctxFlags(false), used, limits, offset);
  b_.Trapnz(b_.IcmpImm(ir::IntCC::kSgt, used, 0), TrapCode::kOutOfFuel);
  fuel_pending_ = 0;
}

Expected<ir::SigRef> Translation::SigFor(uint32_t type_index) {
  uint32_t known;
  if (sigs_.Find(type_index, &known)) return ir::SigRef(known);
  // WasmSignature's, written into a slot the function's signature table keeps from the last
  // function this thread translated (DataFlowGraph::NewSignature): no vector is allocated and
  // freed per callee type. Every Wasm value type has an IR type.
  const FuncType& type = env_.types[type_index];
  ir::SigRef ref;
  ir::Signature& sig = b_.NewSignature(&ref);
  sig.params.push_back(Type::kI64);  // vmctx
  for (ValType t : type.params()) sig.params.push_back(IrTypeOf(t));
  for (ValType t : type.results()) sig.results.push_back(IrTypeOf(t));
  sigs_.Set(type_index, ref.index);
  return ref;
}

ir::FuncRef Translation::Builtin(const char* name, std::initializer_list<Type> params,
                                 std::initializer_list<Type> results) {
  for (const auto& [known, ref] : builtins_)
    if (known == name) return ref;
  ir::Signature sig;
  sig.params.push_back(Type::kI64);  // vmctx
  sig.params.insert(sig.params.end(), params.begin(), params.end());
  sig.results.assign(results.begin(), results.end());
  ir::FuncRef ref =
      b_.ImportFunction(std::string("egret_builtin_") + name, b_.ImportSignature(sig));
  builtins_.emplace_back(name, ref);
  return ref;
}

ir::Value Translation::CallBuiltin(const char* name, std::initializer_list<Type> params,
                                   std::initializer_list<Type> results,
                                   std::initializer_list<ir::Value> args) {
  ir::FuncRef f = Builtin(name, params, results);
  call_args_.clear();
  call_args_.push_back(vmctx_);
  call_args_.insert(call_args_.end(), args.begin(), args.end());
  ir::Inst call = b_.Call(f, call_args_);
  std::span<const ir::Value> r = b_.Results(call);
  return r.empty() ? ir::Value() : r[0];
}

void Translation::SetUnreachable() {
  Frame& f = frames_.back();
  values_.resize(f.height);
  f.unreachable = true;
}

Status Translation::BlockSpans(const BlockType& bt, std::span<const ValType>* params,
                               std::span<const ValType>* results) {
  *params = {};
  *results = {};
  if (bt.kind == BlockType::Kind::kValue) {
    *results = SingleType(bt.value);
  } else if (bt.kind == BlockType::Kind::kFuncType) {
    *params = env_.types[bt.type_index].params();
    *results = env_.types[bt.type_index].results();
  }
  return Status::Ok();
}

Expected<ir::Block> Translation::BlockWithTypedParams(std::span<const ValType> types) {
  ir::Block b = b_.CreateBlock();
  for (ValType t : types) {
    EGRET_ASSIGN_OR_RETURN(Type it, IrType(t));
    b_.AppendBlockParam(b, it);
  }
  return b;
}

void Translation::PushBlockParams(ir::Block b) {
  for (ir::Value v : b_.func().dfg.BlockParams(b)) values_.push_back(v);
}

Status Translation::OpenFrame(const Operator& op) {
  Frame f;
  f.op = op.op;
  if (frames_.back().unreachable) {
    f.dead = true;
    f.unreachable = true;
    f.height = static_cast<uint32_t>(values_.size());
    frames_.push_back(f);
    return Status::Ok();
  }
  EGRET_TRY(BlockSpans(op.block, &f.params, &f.results));
  EGRET_ASSIGN_OR_RETURN(f.next, BlockWithParams(f.results));
  f.entry = b_.CurrentBlock();
  f.serial = ++frame_serial_;
  switch (op.op) {
    case Op::kBlock:
      f.height = static_cast<uint32_t>(values_.size() - f.params.size());
      break;
    case Op::kLoop: {
      EGRET_ASSIGN_OR_RETURN(f.header, BlockWithParams(f.params));
      b_.Jump(f.header, Top(f.params.size()));
      // Only the locals the loop sets can differ around it (ScanLoops has recorded them).
      loop_vars_.clear();
      for (uint32_t n = loop_head_[loops_seen_ - 1]; n != UINT32_MAX; n = loop_nodes_[n].second) {
        loop_vars_.push_back(locals_[loop_nodes_[n].first]);
        in_loop_[loop_nodes_[n].first] = f.serial;
      }
      b_.DeclareLoopHeader(f.header, loop_vars_);
      f.outer_loop = innermost_loop_;
      innermost_loop_ = static_cast<uint32_t>(frames_.size());
      values_.resize(values_.size() - f.params.size());
      f.height = static_cast<uint32_t>(values_.size());
      b_.SwitchToBlock(f.header);
      PushBlockParams(f.header);
      break;
    }
    case Op::kIf: {
      ir::Value cond = Pop();
      f.height = static_cast<uint32_t>(values_.size() - f.params.size());
      f.saved_params = static_cast<uint32_t>(saved_.size());
      for (ir::Value v : Top(f.params.size())) saved_.push_back(v);
      ir::Block then_block = b_.CreateBlock();
      f.else_block = b_.CreateBlock();
      b_.Brif(cond, then_block, {}, f.else_block, {});
      b_.SealBlock(then_block);
      b_.SealBlock(f.else_block);
      b_.SwitchToBlock(then_block);
      break;
    }
    default:
      EGRET_CHECK(false);
  }
  frames_.push_back(f);
  return Status::Ok();
}

void Translation::Else() {
  Frame& f = frames_.back();
  if (f.dead) return;
  if (!f.unreachable) {
    b_.Jump(f.next, Top(f.results.size()));
  }
  values_.resize(f.height);
  b_.SwitchToBlock(f.else_block);
  f.else_block = ir::Block();
  for (uint32_t i = 0; i < f.params.size(); ++i) values_.push_back(saved_[f.saved_params + i]);
  saved_.resize(f.saved_params);
  f.op = Op::kElse;
  f.unreachable = false;
}

void Translation::End() {
  Frame f = frames_.back();
  frames_.pop_back();
  if (f.dead) return;
  if (!f.unreachable) b_.Jump(f.next, Top(f.results.size()));
  values_.resize(f.height);
  if (f.op == Op::kIf) {  // no else: the params flow to the results
    b_.SwitchToBlock(f.else_block);
    std::span<const ir::Value> params(saved_.data() + f.saved_params, f.params.size());
    b_.Jump(f.next, params);
    saved_.resize(f.saved_params);
  }
  if (f.op == Op::kLoop) {
    b_.SealBlock(f.header);
    innermost_loop_ = f.outer_loop;
  } else if (b_.NumPreds(f.next) > 1) {
    // A join after a block or if: the locals the construct does not set are read where it
    // started, not along every path through it.
    loop_vars_.clear();
    for (uint32_t n = f.sets; n != UINT32_MAX; n = set_nodes_[n].second)
      loop_vars_.push_back(locals_[set_nodes_[n].first]);
    b_.DeclareJoin(f.next, f.entry, loop_vars_);
  }
  b_.SealBlock(f.next);
  if (b_.NumPreds(f.next) == 0) {
    // Nothing reaches the code after this construct.
    if (frames_.empty()) return;
    frames_.back().unreachable = true;
    values_.resize(frames_.back().height);
    return;
  }
  b_.SwitchToBlock(f.next);
  PushBlockParams(f.next);
}

Translation::Target Translation::LabelTarget(uint32_t depth) {
  Frame& f = frames_[frames_.size() - 1 - depth];
  if (f.op == Op::kLoop) return {f.header, f.params.size()};
  return {f.next, f.results.size()};
}

// Inline: Step, its one caller, dispatches every br, br_if, br_table, return and unreachable.
[[gnu::always_inline]] inline Status Translation::Control(const Operator& op,
                                                          OperatorReader& reader) {
  switch (op.op) {
    case Op::kUnreachable:
      b_.Trap(TrapCode::kUnreachable);
      SetUnreachable();
      return Status::Ok();
    case Op::kBr: {
      Target t = LabelTarget(op.index);
      b_.Jump(t.block, Top(t.arity));
      SetUnreachable();
      return Status::Ok();
    }
    case Op::kBrIf: {
      ir::Value cond = Pop();
      Target t = LabelTarget(op.index);
      ir::Block cont = b_.CreateBlock();
      b_.Brif(cond, t.block, Top(t.arity), cont, {});
      b_.SealBlock(cont);
      b_.SwitchToBlock(cont);
      return Status::Ok();
    }
    case Op::kBrTable: {
      ir::Value index = Pop();
      std::span<const uint32_t> targets = reader.br_targets();
      Target def = LabelTarget(targets.back());
      std::span<const ir::Value> args = Top(def.arity);
      dests_.clear();
      for (size_t i = 0; i + 1 < targets.size(); ++i)
        dests_.push_back({LabelTarget(targets[i]).block, args});
      b_.BrTable(index, {def.block, args}, dests_);
      SetUnreachable();
      return Status::Ok();
    }
    case Op::kReturn:
      b_.Return(Top(env_.function_type(func_index_).results().size()));
      SetUnreachable();
      return Status::Ok();
    default:
      EGRET_CHECK(false);
  }
  return Status::Ok();
}

ir::Value Translation::HeapAddress(const Operator& op, ir::Value index, uint32_t access_bytes,
                                   int32_t* offset_out, bool* checked) {
  const VMContextLayout::RecordRef memory = layout_.Memory(op.memory);
  const bool is64 = env_.memories[op.memory].type.is64;
  const uint64_t offset = op.mem_offset;
  ir::Value idx = is64 ? index : b_.Convert(Opcode::kUextend, Type::kI64, index);
  if (is64) {
    // memory64: the guard region cannot cover a 64-bit index, so every access checks
    // idx + offset + size <= length, in 64 bits with the carry out of the sum checked too.
    *checked = true;
    ir::Value bound = LoadRecord(Type::kI64, memory, VMContextLayout::kRecordLength, false);
    if (offset > UINT64_MAX - access_bytes) {
      // The access would end past 2^64 whatever the index: it always traps.
      b_.Trapnz(b_.Iconst(Type::kI32, 1), TrapCode::kHeapOutOfBounds);
    } else {
      ir::Value end =
          b_.BinaryImm(Opcode::kIaddImm, idx, static_cast<int64_t>(offset + access_bytes));
      b_.Trapnz(b_.Icmp(ir::IntCC::kUlt, end, idx), TrapCode::kHeapOutOfBounds);  // wrapped
      b_.Trapnz(b_.Icmp(ir::IntCC::kUgt, end, bound), TrapCode::kHeapOutOfBounds);
    }
  } else {
    // The guard region covers offsets below 2 GiB; beyond that, and under kBoundsCheck,
    // compare the end of the access against the current length (no wrap: idx < 2^32 and
    // offset < 2^32).
    *checked = options_.heap == HeapStrategy::kBoundsCheck || offset > INT32_MAX;
    if (*checked) {
      ir::Value bound = LoadRecord(Type::kI64, memory, VMContextLayout::kRecordLength, false);
      ir::Value end =
          b_.BinaryImm(Opcode::kIaddImm, idx, static_cast<int64_t>(offset + access_bytes));
      b_.Trapnz(b_.Icmp(ir::IntCC::kUgt, end, bound), TrapCode::kHeapOutOfBounds);
    }
  }
  // The runtime never moves a memory's base (it reserves the maximum up front), so under guard
  // pages the base load is readonly and GVN may share it across the function.
  const bool base_fixed = options_.heap == HeapStrategy::kGuardPages;
  ir::Value base = LoadRecord(Type::kI64, memory, VMContextLayout::kRecordBase, base_fixed);
  ir::Value addr = b_.Binary(Opcode::kIadd, base, idx, Type::kI64);
  if (offset > INT32_MAX) {
    addr = b_.BinaryImm(Opcode::kIaddImm, addr, static_cast<int64_t>(offset));
    *offset_out = 0;
  } else {
    *offset_out = static_cast<int32_t>(offset);
  }
  return addr;
}

Status Translation::Memory(const Operator& op) {
  struct Access {
    Opcode opcode;
    Type type;
    uint32_t bytes;
    bool store;
  };
  Access a{};
  switch (op.op) {
    case Op::kI32Load:
      a = {Opcode::kLoad, Type::kI32, 4, false};
      break;
    case Op::kI64Load:
      a = {Opcode::kLoad, Type::kI64, 8, false};
      break;
    case Op::kF32Load:
      a = {Opcode::kLoad, Type::kF32, 4, false};
      break;
    case Op::kF64Load:
      a = {Opcode::kLoad, Type::kF64, 8, false};
      break;
    case Op::kI32Load8S:
      a = {Opcode::kSload8, Type::kI32, 1, false};
      break;
    case Op::kI32Load8U:
      a = {Opcode::kUload8, Type::kI32, 1, false};
      break;
    case Op::kI32Load16S:
      a = {Opcode::kSload16, Type::kI32, 2, false};
      break;
    case Op::kI32Load16U:
      a = {Opcode::kUload16, Type::kI32, 2, false};
      break;
    case Op::kI64Load8S:
      a = {Opcode::kSload8, Type::kI64, 1, false};
      break;
    case Op::kI64Load8U:
      a = {Opcode::kUload8, Type::kI64, 1, false};
      break;
    case Op::kI64Load16S:
      a = {Opcode::kSload16, Type::kI64, 2, false};
      break;
    case Op::kI64Load16U:
      a = {Opcode::kUload16, Type::kI64, 2, false};
      break;
    case Op::kI64Load32S:
      a = {Opcode::kSload32, Type::kI64, 4, false};
      break;
    case Op::kI64Load32U:
      a = {Opcode::kUload32, Type::kI64, 4, false};
      break;
    case Op::kI32Store:
      a = {Opcode::kStore, Type::kI32, 4, true};
      break;
    case Op::kI64Store:
      a = {Opcode::kStore, Type::kI64, 8, true};
      break;
    case Op::kF32Store:
      a = {Opcode::kStore, Type::kF32, 4, true};
      break;
    case Op::kF64Store:
      a = {Opcode::kStore, Type::kF64, 8, true};
      break;
    case Op::kI32Store8:
      a = {Opcode::kIstore8, Type::kI32, 1, true};
      break;
    case Op::kI32Store16:
      a = {Opcode::kIstore16, Type::kI32, 2, true};
      break;
    case Op::kI64Store8:
      a = {Opcode::kIstore8, Type::kI64, 1, true};
      break;
    case Op::kI64Store16:
      a = {Opcode::kIstore16, Type::kI64, 2, true};
      break;
    case Op::kI64Store32:
      a = {Opcode::kIstore32, Type::kI64, 4, true};
      break;
    default:
      EGRET_CHECK(false);
  }
  ir::Value value;
  if (a.store) value = Pop();
  ir::Value index = Pop();
  int32_t offset = 0;
  bool checked = false;
  ir::Value addr = HeapAddress(op, index, a.bytes, &offset, &checked);
  ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kHeap);
  if (checked) flags = flags.With(ir::MemFlags::kNotrap);
  if (a.store) {
    b_.Store(a.opcode, flags, value, addr, offset, TrapCode::kHeapOutOfBounds);
  } else {
    values_.push_back(b_.Load(a.opcode, a.type, flags, addr, offset, TrapCode::kHeapOutOfBounds));
  }
  return Status::Ok();
}

ir::Value Translation::AtomicEffectiveAddress(const Operator& op, ir::Value index,
                                              uint32_t access_bytes) {
  // Both checks are explicit (never a fault): the spec checks alignment first, and an atomic
  // instruction sequence (a cmpxchg loop, LL/SC) has no single faulting instruction to map.
  const VMContextLayout::RecordRef memory = layout_.Memory(op.memory);
  const bool is64 = env_.memories[op.memory].type.is64;
  ir::Value idx = is64 ? index : b_.Convert(Opcode::kUextend, Type::kI64, index);
  const uint64_t offset = op.mem_offset;
  // memory64: an effective address past 2^64 always traps (alignment is checked on the wrapped
  // sum first, as the bounds check below sees the carry).
  ir::Value ea =
      offset != 0 ? b_.BinaryImm(Opcode::kIaddImm, idx, static_cast<int64_t>(offset)) : idx;
  if (access_bytes > 1)
    b_.Trapnz(b_.BinaryImm(Opcode::kBandImm, ea, access_bytes - 1), TrapCode::kUnalignedAtomic);
  if (is64) b_.Trapnz(b_.Icmp(ir::IntCC::kUlt, ea, idx), TrapCode::kHeapOutOfBounds);  // wrapped
  ir::Value bound = LoadRecord(Type::kI64, memory, VMContextLayout::kRecordLength, false);
  ir::Value end = b_.BinaryImm(Opcode::kIaddImm, ea, access_bytes);
  if (is64) b_.Trapnz(b_.Icmp(ir::IntCC::kUlt, end, ea), TrapCode::kHeapOutOfBounds);
  b_.Trapnz(b_.Icmp(ir::IntCC::kUgt, end, bound), TrapCode::kHeapOutOfBounds);
  return ea;
}

Status Translation::Atomic(const Operator& op) {
  const Type i32 = Type::kI32, i64 = Type::kI64;
  if (op.op == Op::kAtomicFence) {
    ir::InstData d;
    d.opcode = Opcode::kFence;
    b_.Build(d);
    return Status::Ok();
  }
  const OpInfo& info = GetOpInfo(op.op);
  const uint32_t bytes = 1u << NaturalAlignLog2(op.op);
  ir::Value operands[3];
  for (int k = info.sig.num_params - 1; k >= 0; --k) operands[k] = Pop();
  ir::Value ea = AtomicEffectiveAddress(op, operands[0], bytes);
  switch (op.op) {
    case Op::kMemoryAtomicNotify:
      Push(CallBuiltin("memory_atomic_notify", {i32, i64, i32}, {i32},
                       {b_.Iconst(i32, static_cast<int32_t>(op.memory)), ea, operands[1]}));
      return Status::Ok();
    case Op::kMemoryAtomicWait32:
      Push(CallBuiltin(
          "memory_atomic_wait32", {i32, i64, i32, i64}, {i32},
          {b_.Iconst(i32, static_cast<int32_t>(op.memory)), ea, operands[1], operands[2]}));
      return Status::Ok();
    case Op::kMemoryAtomicWait64:
      Push(CallBuiltin(
          "memory_atomic_wait64", {i32, i64, i64, i64}, {i32},
          {b_.Iconst(i32, static_cast<int32_t>(op.memory)), ea, operands[1], operands[2]}));
      return Status::Ok();
    default:
      break;
  }
  const bool base_fixed = options_.heap == HeapStrategy::kGuardPages;
  ir::Value base =
      LoadRecord(Type::kI64, layout_.Memory(op.memory), VMContextLayout::kRecordBase, base_fixed);
  ir::InstData d;
  d.flags = ir::MemFlags{}
                .With(ir::MemFlags::kHeap)
                .With(ir::MemFlags::kNotrap)
                .With(ir::MemFlags::kAligned);
  d.trap = TrapCode::kHeapOutOfBounds;
  d.imm = bytes;
  const ir::Value addr = b_.Binary(Opcode::kIadd, base, ea);
  // The IR type is the Wasm result (or stored value) type; the access may be narrower.
  const Type t = info.sig.num_results ? (info.sig.result == ValType::kI64 ? i64 : i32)
                                      : (info.sig.params[1] == ValType::kI64 ? i64 : i32);
  const uint32_t code = GetOpInfo(op.op).code;
  if (code >= 0x10 && code <= 0x16) {  // loads
    d.opcode = Opcode::kAtomicLoad;
    d.type = t;
    d.args[0] = addr;
  } else if (code >= 0x17 && code <= 0x1d) {  // stores
    d.opcode = Opcode::kAtomicStore;
    d.args[0] = operands[1];
    d.args[1] = addr;
    b_.Build(d);
    return Status::Ok();
  } else if (code >= 0x48) {  // cmpxchg: a narrow expected value compares its low bits only
    d.opcode = Opcode::kAtomicCas;
    d.type = t;
    d.args[0] = addr;
    d.args[1] = operands[1];
    d.args[2] = operands[2];
  } else {  // read-modify-write: seven encodings per operation, add first
    d.opcode = Opcode::kAtomicRmw;
    d.type = t;
    d.cond = static_cast<uint8_t>((code - 0x1e) / 7);
    d.args[0] = addr;
    d.args[1] = operands[1];
  }
  Push(b_.Results(b_.Build(d))[0]);
  return Status::Ok();
}

// Inline: Step calls it for about a third of all operators (local.get/set/tee, globals).
[[gnu::always_inline]] inline Status Translation::Variable(const Operator& op) {
  switch (op.op) {
    case Op::kLocalGet:
      values_.push_back(b_.UseVar(locals_[op.index]));
      return Status::Ok();
    case Op::kLocalSet:
    case Op::kLocalTee: {
      CanonicalizeVectors(1);
      const ir::Variable var = locals_[op.index];
      // ScanLoops must have seen every local the loops set (DeclareLoopHeader).
      // (The locals passed to the innermost loop's DeclareLoopHeader are the ones with
      // in_loop_ at or above its serial, see in_loop_; b_.IsLoopVar would say the same.)
      EGRET_CHECK(innermost_loop_ == UINT32_MAX ||
                  in_loop_[op.index] >= frames_[innermost_loop_].serial);
      EGRET_DCHECK(innermost_loop_ == UINT32_MAX ||
                   b_.IsLoopVar(frames_[innermost_loop_].header, var));
      // Add the local to the open frames from the innermost out, up to one that has it (the
      // frames outside that one have it too: they were open when it was added). Reachable
      // code has no dead frame open; the function's frame (index 0) has no join to declare.
      const uint32_t have = set_mark_[op.index];
      for (size_t k = frames_.size(); k-- > 1 && frames_[k].serial >= have;) {
        Frame& fr = frames_[k];
        if (fr.op == Op::kLoop) continue;
        set_nodes_.push_back({op.index, fr.sets});
        fr.sets = static_cast<uint32_t>(set_nodes_.size() - 1);
      }
      set_mark_[op.index] = frames_.back().serial + 1;
      if (op.op == Op::kLocalSet) {
        b_.DefVar(var, Pop());
      } else {
        b_.DefVar(var, values_.back());
      }
      return Status::Ok();
    }
    case Op::kGlobalGet:
    case Op::kGlobalSet: {
      const Global& g = env_.globals[op.index];
      if (g.type.type == ValType::kExternRef) {
        // Counted slots (runtime/extern_ref.h): a read enters the store's activations table,
        // a write counts the new reference and releases the old one.
        const ir::Value index = b_.Iconst(Type::kI32, static_cast<int32_t>(op.index));
        if (op.op == Op::kGlobalGet) {
          values_.push_back(
              CallBuiltin("global_get_externref", {Type::kI32}, {Type::kR64}, {index}));
        } else {
          ir::Value v = Pop();
          CallBuiltin("global_set_externref", {Type::kI32, Type::kR64}, {}, {index, v});
        }
        return Status::Ok();
      }
      const Type t = IrTypeOf(g.type.type);
      EGRET_CHECK(t != Type::kInvalid);
      const uint32_t slot = layout_.Global(op.index);
      ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kNotrap).With(ir::MemFlags::kAligned);
      if (!g.type.mut) flags = flags.With(ir::MemFlags::kReadonly);
      ir::Value base = vmctx_;
      int32_t offset = static_cast<int32_t>(slot);
      if (layout_.GlobalIsIndirect(op.index)) {
        base = LoadVmctx(Type::kI64, slot, true);
        offset = 0;
      } else {
        flags = flags.With(ir::MemFlags::kVmctx);
      }
      if (op.op == Op::kGlobalGet) {
        values_.push_back(b_.Load(Opcode::kLoad, t, flags, base, offset));
      } else {
        CanonicalizeVectors(1);
        b_.Store(Opcode::kStore, flags, Pop(), base, offset);
      }
      return Status::Ok();
    }
    default:
      EGRET_CHECK(false);
  }
  return Status::Ok();
}

// call, call_indirect and their tail forms (return_call*: the same operands and checks, then a
// terminator that hands this frame over to the callee; imports too, through their code pointer).
Status Translation::Call(const Operator& op) {
  const bool tail = op.op == Op::kReturnCall || op.op == Op::kReturnCallIndirect;
  const bool indirect = op.op == Op::kCallIndirect || op.op == Op::kReturnCallIndirect;
  const uint32_t type_index = indirect ? op.index : env_.functions[op.index].type_index;
  const FuncType& type = env_.types[type_index];
  EGRET_ASSIGN_OR_RETURN(ir::SigRef sig, SigFor(type_index));
  ir::Value callee_index;
  if (indirect) callee_index = Pop();
  const size_t n = type.params().size();
  call_args_.clear();
  call_args_.push_back(vmctx_);
  // Reserve the vmctx slot; the callee's vmctx replaces it for indirect and imported calls.
  for (ir::Value v : Top(n)) call_args_.push_back(v);
  values_.resize(values_.size() - n);

  ir::Inst call;
  if (indirect) {
    const uint32_t table = op.index2;
    ir::Value idx = b_.Convert(Opcode::kUextend, Type::kI64, callee_index);
    // A table whose maximum equals its minimum (what wasm-ld emits) never changes size: not by
    // table.grow, not by the host (Table::Grow stops at the maximum), and an import of it must
    // have exactly that size (import matching: actual min >= min, actual max <= max). So its
    // length is a constant and its element array never moves (only growth reallocates it): the
    // base load is readonly, which lets GVN and LICM share it between calls and hoist it out of
    // loops.
    const Limits& limits = env_.tables[table].type.limits;
    const bool fixed_size =
        limits.max.has_value() && *limits.max == limits.min && limits.min <= uint64_t{INT64_MAX};
    ir::Value length = fixed_size ? b_.Iconst(Type::kI64, static_cast<int64_t>(limits.min))
                                  : LoadRecord(Type::kI64, layout_.Table(table),
                                               VMContextLayout::kRecordLength, false);
    b_.Trapnz(b_.Icmp(ir::IntCC::kUge, idx, length), TrapCode::kIndirectCallOutOfBounds);
    ir::Value base =
        LoadRecord(Type::kI64, layout_.Table(table), VMContextLayout::kRecordBase, fixed_size);
    ir::Value slot = b_.Binary(Opcode::kIadd, base, b_.BinaryImm(Opcode::kIshlImm, idx, 3));
    ir::MemFlags table_flags = ir::MemFlags{}
                                   .With(ir::MemFlags::kTable)
                                   .With(ir::MemFlags::kNotrap)
                                   .With(ir::MemFlags::kAligned);
    ir::Value funcref = b_.Load(Opcode::kLoad, Type::kI64, table_flags, slot, 0);
    // The null check is the type id load itself: a null funcref is address 0, so reading its
    // type id (offset 16, inside the never-mapped first page) faults, and the load's trap record
    // reports icall_null at this call_indirect. The call needs no test-and-branch for it.
    static_assert(VMFuncRefLayout::kTypeId < 4096, "the null funcref's type id must fault");
    ir::Value actual =
        b_.Load(Opcode::kLoad, Type::kI32,
                ir::MemFlags{}.With(ir::MemFlags::kAligned).With(ir::MemFlags::kReadonly), funcref,
                VMFuncRefLayout::kTypeId, TrapCode::kIndirectCallToNull);
    ir::Value ids = LoadVmctx(Type::kI64, VMContextLayout::kTypeIds, true);
    ir::Value expected = LoadPtr(Type::kI32, ids, 4 * type_index, true);
    b_.Trapnz(b_.Icmp(ir::IntCC::kNe, actual, expected), TrapCode::kBadSignature);
    // The target: a fixed-size funcref table keeps each element's wasm_call right after its N
    // elements (the code mirror, runtime/table.h), read from the slot's address in parallel with
    // the VMFuncRef*: one dependent load fewer between the index and the call, which is what a
    // mispredicted indirect call waits for. It holds null for a null element, whose type id
    // load above traps first.
    ir::Value code;
    if (fixed_size && env_.tables[table].type.elem == ValType::kFuncRef) {
      // Not readonly: table.set and friends rewrite the mirror with the element.
      const uint64_t mirror = 8 * limits.min;
      code =
          mirror <= uint64_t{INT32_MAX}
              ? b_.Load(Opcode::kLoad, Type::kI64, table_flags, slot, static_cast<int32_t>(mirror))
              : b_.Load(Opcode::kLoad, Type::kI64, table_flags,
                        b_.Binary(Opcode::kIadd, slot,
                                  b_.Iconst(Type::kI64, static_cast<int64_t>(mirror))),
                        0);
    } else {
      code = LoadPtr(Type::kI64, funcref, VMFuncRefLayout::kWasmCall, true);
    }
    call_args_[0] = LoadPtr(Type::kI64, funcref, VMFuncRefLayout::kVmctx, true);
    if (tail) return TailCall(sig, code, ir::FuncRef());
    call = b_.CallIndirect(sig, code, call_args_);
  } else if (env_.functions[op.index].imported) {
    const uint32_t slot = layout_.ImportedFunction(op.index);
    ir::Value code = LoadVmctx(Type::kI64, slot, true);
    call_args_[0] = LoadVmctx(Type::kI64, slot + 8, true);
    if (tail) return TailCall(sig, code, ir::FuncRef());
    call = b_.CallIndirect(sig, code, call_args_);
  } else {
    ir::FuncRef f;
    uint32_t known;
    if (callees_.Find(op.index, &known)) {
      f = ir::FuncRef(known);
    } else {
      f = b_.ImportFunction(symbols_[op.index], sig);
      callees_.Set(op.index, f.index);
    }
    if (tail) return TailCall(sig, ir::Value(), f);
    call = b_.Call(f, call_args_);
  }
  for (ir::Value r : b_.Results(call)) values_.push_back(r);
  return Status::Ok();
}

Status Translation::TailCall(ir::SigRef sig, ir::Value code, ir::FuncRef f) {
  if (f.valid()) {
    b_.ReturnCall(f, call_args_);
  } else {
    b_.ReturnCallIndirect(sig, code, call_args_);
  }
  SetUnreachable();
  return Status::Ok();
}

Status Translation::Bulk(const Operator& op) {
  const Type i32 = Type::kI32, i64 = Type::kI64, r64 = Type::kR64;
  auto idx = [&](uint32_t v) { return b_.Iconst(i32, static_cast<int32_t>(v)); };
  auto u64 = [&](ir::Value v) { return b_.Convert(Opcode::kUextend, i64, v); };
  // Memory operands: i32 (zero-extended) or, for memory64 memories, already i64.
  auto is64 = [&](uint32_t memory) { return env_.memories[memory].type.is64; };
  auto addr = [&](uint32_t memory, ir::Value v) { return is64(memory) ? v : u64(v); };
  switch (op.op) {
    case Op::kMemorySize: {
      ir::Value bound =
          LoadRecord(i64, layout_.Memory(op.memory), VMContextLayout::kRecordLength, false);
      ir::Value pages = b_.BinaryImm(Opcode::kUshrImm, bound, 16);
      values_.push_back(is64(op.memory) ? pages : b_.Convert(Opcode::kIreduce, i32, pages));
      return Status::Ok();
    }
    // Builtins take the runtime's C signatures (runtime/builtins.h): indices as i32, sizes,
    // addresses and element counts as i64, references as i64 pointers.
    case Op::kMemoryGrow: {  // the builtin returns the old size or -1, as i64
      ir::Value delta = addr(op.memory, Pop());
      ir::Value old = CallBuiltin("memory_grow", {i32, i64}, {i64}, {idx(op.memory), delta});
      values_.push_back(is64(op.memory) ? old : b_.Convert(Opcode::kIreduce, i32, old));
      return Status::Ok();
    }
    case Op::kMemoryFill: {
      ir::Value n = addr(op.memory, Pop()), v = Pop(), d = addr(op.memory, Pop());
      CallBuiltin("memory_fill", {i32, i64, i32, i64}, {}, {idx(op.memory), d, v, n});
      return Status::Ok();
    }
    case Op::kMemoryCopy: {  // memory.copy dst src; the length is i64 only between two memory64s
      ir::Value n = is64(op.memory) && is64(op.memory2) ? Pop() : u64(Pop());
      ir::Value s = addr(op.memory2, Pop()), d = addr(op.memory, Pop());
      CallBuiltin("memory_copy", {i32, i64, i32, i64, i64}, {},
                  {idx(op.memory), d, idx(op.memory2), s, n});
      return Status::Ok();
    }
    case Op::kMemoryInit: {
      ir::Value n = u64(Pop()), s = u64(Pop()), d = addr(op.memory, Pop());
      CallBuiltin("memory_init", {i32, i32, i64, i64, i64}, {},
                  {idx(op.memory), idx(op.index), d, s, n});
      return Status::Ok();
    }
    case Op::kDataDrop:
      CallBuiltin("data_drop", {i32}, {}, {idx(op.index)});
      return Status::Ok();
    // An externref table's builtins are the same C functions under a second name whose IR
    // signature carries r64 (compiler/compiler.cc maps both names to one builtin id).
    case Op::kTableGet: {
      ir::Value i = u64(Pop());
      values_.push_back(ExternTable(op.index)
                            ? CallBuiltin("table_get_ref", {i32, i64}, {r64}, {idx(op.index), i})
                            : CallBuiltin("table_get", {i32, i64}, {i64}, {idx(op.index), i}));
      return Status::Ok();
    }
    case Op::kTableSet: {
      ir::Value v = Pop(), i = u64(Pop());
      if (ExternTable(op.index)) {
        CallBuiltin("table_set_ref", {i32, i64, r64}, {}, {idx(op.index), i, v});
      } else {
        CallBuiltin("table_set", {i32, i64, i64}, {}, {idx(op.index), i, v});
      }
      return Status::Ok();
    }
    case Op::kTableSize: {
      ir::Value length =
          LoadRecord(i64, layout_.Table(op.index), VMContextLayout::kRecordLength, false);
      values_.push_back(b_.Convert(Opcode::kIreduce, i32, length));
      return Status::Ok();
    }
    case Op::kTableGrow: {
      ir::Value n = u64(Pop()), init = Pop();
      ir::Value old =
          ExternTable(op.index)
              ? CallBuiltin("table_grow_ref", {i32, i64, r64}, {i64}, {idx(op.index), n, init})
              : CallBuiltin("table_grow", {i32, i64, i64}, {i64}, {idx(op.index), n, init});
      values_.push_back(b_.Convert(Opcode::kIreduce, i32, old));
      return Status::Ok();
    }
    case Op::kTableFill: {
      ir::Value n = u64(Pop()), v = Pop(), i = u64(Pop());
      if (ExternTable(op.index)) {
        CallBuiltin("table_fill_ref", {i32, i64, r64, i64}, {}, {idx(op.index), i, v, n});
      } else {
        CallBuiltin("table_fill", {i32, i64, i64, i64}, {}, {idx(op.index), i, v, n});
      }
      return Status::Ok();
    }
    case Op::kTableCopy: {  // table.copy dst src
      ir::Value n = u64(Pop()), s = u64(Pop()), d = u64(Pop());
      CallBuiltin("table_copy", {i32, i32, i64, i64, i64}, {},
                  {idx(op.index), idx(op.index2), d, s, n});
      return Status::Ok();
    }
    case Op::kTableInit: {  // table.init elem table
      ir::Value n = u64(Pop()), s = u64(Pop()), d = u64(Pop());
      CallBuiltin("table_init", {i32, i32, i64, i64, i64}, {},
                  {idx(op.index2), idx(op.index), d, s, n});
      return Status::Ok();
    }
    case Op::kElemDrop:
      CallBuiltin("elem_drop", {i32}, {}, {idx(op.index)});
      return Status::Ok();
    default:
      EGRET_CHECK(false);
  }
  return Status::Ok();
}

namespace {

// How ScanLoops' skip loop treats each single-byte opcode: the length of its immediates, or
// what it records. Anything else (kScanSlow: prefixes, br_table, select t, memory indices,
// unknown bytes) is decoded by the OperatorReader.
enum ScanClass : uint8_t {
  kScanSlow,
  kScanNone,     // no immediate
  kScanLeb,      // one LEB128 (an index, a constant)
  kScanTwoLebs,  // call_indirect, return_call_indirect
  kScanMemArg,   // alignment (without a memory index) and offset
  kScanF32,      // four raw bytes
  kScanF64,      // eight raw bytes
  kScanBlock,    // block, if: a block type
  kScanLoop,     // loop: a block type
  kScanEnd,
  kScanSet,  // local.set, local.tee: a local index
};

constexpr uint8_t ScanClassOf(uint8_t prefix, uint32_t code, ImmKind imm) {
  if (prefix != 0) return kScanSlow;
  switch (code) {
    case 0x02:
    case 0x04:
      return kScanBlock;
    case 0x03:
      return kScanLoop;
    case 0x0b:
      return kScanEnd;
    case 0x21:
    case 0x22:
      return kScanSet;
    default:
      break;
  }
  switch (imm) {
    case ImmKind::kNone:
      return kScanNone;
    case ImmKind::kIndex:
    case ImmKind::kI32:
    case ImmKind::kI64:
      return kScanLeb;
    case ImmKind::kTwoIndices:
      return kScanTwoLebs;
    case ImmKind::kMemArg:
      return kScanMemArg;
    case ImmKind::kF32:
      return kScanF32;
    case ImmKind::kF64:
      return kScanF64;
    default:
      return kScanSlow;
  }
}

constexpr std::array<uint8_t, 256> kScanClasses = [] {
  std::array<uint8_t, 256> t{};  // kScanSlow
#define EGRET_SCAN_CLASS(name, prefix, code, text, imm, sig, extra) \
  if ((prefix) == 0 && (code) < 256) t[code] = ScanClassOf(prefix, code, ImmKind::imm);
  EGRET_WASM_OPCODES(EGRET_SCAN_CLASS)
#undef EGRET_SCAN_CLASS
  return t;
}();

// Skips the LEB128 at data[*pos] (at most `max_bytes` bytes, all before `size`); false, with
// *pos unspecified, if it is longer or cut off.
inline bool SkipLeb(const uint8_t* data, size_t size, size_t* pos, size_t max_bytes) {
  const size_t limit = std::min(size, *pos + max_bytes);
  for (size_t q = *pos; q < limit; ++q) {
    if (data[q] < 0x80) {
      *pos = q + 1;
      return true;
    }
  }
  return false;
}

}  // namespace

Status Translation::ScanLoops(OperatorReader& reader, uint32_t first) {
  // Loops before `first` are scanned, or dead (opened in unreachable code outside any scanned
  // loop: never declared, so never read).
  EGRET_CHECK(first >= loops_scanned_);
  const size_t start = reader.pos();
  constexpr uint32_t kNotLoop = UINT32_MAX;
  scan_stack_.assign(1, first);
  scan_loops_.assign(1, first);
  uint32_t next = first + 1;
  // Add the local to the open loops from the innermost out, up to one that has it (the loops
  // outside that one have it too: they were open when it was added).
  auto record_set = [&](uint32_t local) {
    const uint32_t have = marked_[local];
    for (size_t k = scan_loops_.size(); k-- > 0 && scan_loops_[k] + 1 > have;) {
      const uint32_t loop = scan_loops_[k];
      if (loop >= loop_head_.size()) loop_head_.resize(loop + 1, UINT32_MAX);
      loop_nodes_.push_back({local, loop_head_[loop]});
      loop_head_[loop] = static_cast<uint32_t>(loop_nodes_.size() - 1);
    }
    marked_[local] = scan_loops_.back() + 1;
  };
  auto end = [&] {
    if (scan_stack_.back() != kNotLoop) scan_loops_.pop_back();
    scan_stack_.pop_back();
  };
  // Most operators are only skipped: the loop below reads their opcode byte and the length of
  // their immediates (the body is valid; an operator it cannot size, or one that looks
  // malformed, goes to the reader, which decodes it or reports the error as Read does).
  const uint8_t* const data = reader.data();
  const size_t size = reader.size();
  size_t pos = start;
  Operator op;
  while (!scan_stack_.empty()) {
    if (pos < size) {
      size_t q = pos + 1;
      bool skipped = false;
      switch (kScanClasses[data[pos]]) {
        case kScanNone:
          skipped = true;
          break;
        case kScanLeb:
          skipped = SkipLeb(data, size, &q, 10);
          break;
        case kScanTwoLebs:
          skipped = SkipLeb(data, size, &q, 5) && SkipLeb(data, size, &q, 5);
          break;
        case kScanMemArg:
          // An alignment with bit 6 set announces a memory index: the reader's case.
          if (q < size && data[q] < 0x40) {
            ++q;
            skipped = SkipLeb(data, size, &q, 10);
          }
          break;
        case kScanF32:
          skipped = size - q >= 4;
          q += 4;
          break;
        case kScanF64:
          skipped = size - q >= 8;
          q += 8;
          break;
        case kScanBlock:
          if ((skipped = SkipLeb(data, size, &q, 5))) scan_stack_.push_back(kNotLoop);
          break;
        case kScanLoop:
          if ((skipped = SkipLeb(data, size, &q, 5))) {
            scan_stack_.push_back(next);
            scan_loops_.push_back(next++);
          }
          break;
        case kScanEnd:
          skipped = true;
          end();
          break;
        case kScanSet: {
          uint32_t local = 0;
          if (q < size && data[q] < 0x80 && data[q] < marked_.size()) {
            local = data[q++];
            skipped = true;
            record_set(local);
          }
          break;
        }
        default:
          break;
      }
      if (skipped) {
        pos = q;
        continue;
      }
    }
    reader.Seek(pos);
    if (!reader.ReadFast(&op)) EGRET_TRY(reader.Read(&op));
    pos = reader.pos();
    switch (op.op) {
      case Op::kBlock:
      case Op::kIf:
        scan_stack_.push_back(kNotLoop);
        break;
      case Op::kLoop:
        scan_stack_.push_back(next);
        scan_loops_.push_back(next++);
        break;
      case Op::kEnd:
        end();
        break;
      case Op::kLocalSet:
      case Op::kLocalTee:
        record_set(op.index);
        break;
      default:
        break;
    }
  }
  if (next > loop_head_.size()) loop_head_.resize(next, UINT32_MAX);
  loops_scanned_ = next;
  reader.Seek(start);
  return Status::Ok();
}

namespace {

// Where Step sends an operator: most go to Numeric or Memory, which Step's chain of tests
// (structure, then the switch of control, call and variable operators, then SIMD, atomic,
// memory and bulk by prefix and immediate) reaches last. This table, built from the opcode
// X-macro with the same tests in the same order, sends them there in one lookup.
enum StepRoute : uint8_t { kRouteChain, kRouteNumeric, kRouteMemory };

constexpr uint8_t StepRouteOf(Op op, uint8_t prefix, ImmKind imm) {
  switch (op) {
    // Step's own cases, before and after its unreachable test.
    case Op::kLoop:
    case Op::kBlock:
    case Op::kIf:
    case Op::kElse:
    case Op::kEnd:
    case Op::kNop:
    case Op::kUnreachable:
    case Op::kBr:
    case Op::kBrIf:
    case Op::kBrTable:
    case Op::kReturn:
    case Op::kCall:
    case Op::kCallIndirect:
    case Op::kReturnCall:
    case Op::kReturnCallIndirect:
    case Op::kDrop:
    case Op::kSelect:
    case Op::kSelectT:
    case Op::kLocalGet:
    case Op::kLocalSet:
    case Op::kLocalTee:
    case Op::kGlobalGet:
    case Op::kGlobalSet:
    case Op::kRefNull:
    case Op::kRefIsNull:
    case Op::kRefFunc:
    // Bulk's by name.
    case Op::kMemorySize:
    case Op::kMemoryGrow:
    case Op::kTableGet:
    case Op::kTableSet:
      return kRouteChain;
    default:
      break;
  }
  if (prefix == 0xfd || prefix == 0xfe) return kRouteChain;  // Simd, Atomic
  if (imm == ImmKind::kMemArg) return kRouteMemory;
  if (prefix == 0xfc && static_cast<int>(op) >= static_cast<int>(Op::kMemoryInit))
    return kRouteChain;  // Bulk
  return kRouteNumeric;
}

constexpr std::array<uint8_t, kNumOps> kStepRoutes = [] {
  std::array<uint8_t, kNumOps> t{};
#define EGRET_STEP_ROUTE(name, prefix, code, text, imm, sig, extra) \
  t[static_cast<int>(Op::k##name)] = StepRouteOf(Op::k##name, prefix, ImmKind::imm);
  EGRET_WASM_OPCODES(EGRET_STEP_ROUTE)
#undef EGRET_STEP_ROUTE
  return t;
}();

}  // namespace

// Inline: Run's loop is its only caller, once per operator.
[[gnu::always_inline]] inline Status Translation::Step(const Operator& op, OperatorReader& reader) {
  if (options_.fuel && !frames_.back().unreachable) {
    ++fuel_pending_;
    switch (op.op) {
      case Op::kLoop:
      case Op::kIf:
      case Op::kElse:
      case Op::kEnd:
      case Op::kBr:
      case Op::kBrIf:
      case Op::kBrTable:
      case Op::kReturn:
      case Op::kUnreachable:
      case Op::kCall:
      case Op::kCallIndirect:
      case Op::kReturnCall:
      case Op::kReturnCallIndirect:
        ChargeFuel();
        break;
      default:
        break;
    }
  }
  // Numeric and memory operators (most of them) skip the chain below.
  if (const uint8_t route = kStepRoutes[static_cast<int>(op.op)]; route != kRouteChain) {
    if (frames_.back().unreachable) return Status::Ok();
    return route == kRouteNumeric ? Numeric(op) : Memory(op);
  }
  switch (op.op) {
    case Op::kLoop: {
      const uint32_t ordinal = loops_seen_++;
      if (ordinal >= loops_scanned_ && !frames_.back().unreachable)
        EGRET_TRY(ScanLoops(reader, ordinal));
      return OpenFrame(op);
    }
    case Op::kBlock:
    case Op::kIf: {
      return OpenFrame(op);
    }
    case Op::kElse:
      Else();
      return Status::Ok();
    case Op::kEnd:
      End();
      return Status::Ok();
    default:
      break;
  }
  if (frames_.back().unreachable) return Status::Ok();
  switch (op.op) {
    case Op::kNop:
      return Status::Ok();
    case Op::kUnreachable:
    case Op::kBr:
    case Op::kBrIf:
    case Op::kBrTable:
    case Op::kReturn:
      return Control(op, reader);
    case Op::kCall:
    case Op::kCallIndirect:
      return Call(op);
    case Op::kReturnCall:
    case Op::kReturnCallIndirect:
      return Call(op);
    case Op::kDrop:
      Pop();
      return Status::Ok();
    case Op::kSelect:
    case Op::kSelectT: {
      ir::Value c = Pop();
      // Two vectors of different shapes meet in their canonical type.
      CanonicalizeVectors(2);
      ir::Value y = Pop(), x = Pop();
      values_.push_back(b_.Select(c, x, y));
      return Status::Ok();
    }
    case Op::kLocalGet:
    case Op::kLocalSet:
    case Op::kLocalTee:
    case Op::kGlobalGet:
    case Op::kGlobalSet:
      return Variable(op);
    case Op::kRefNull: {
      // ref.null's immediate is the heap type; externref's null is the null reference.
      values_.push_back(b_.Iconst(op.type == ValType::kExternRef ? Type::kR64 : Type::kI64, 0));
      return Status::Ok();
    }
    case Op::kRefIsNull: {
      ir::Value r = Pop();
      values_.push_back(ir::IsRef(b_.func().dfg.ValueType(r)) ? b_.Unary(Opcode::kIsNull, r)
                                                              : b_.IcmpImm(ir::IntCC::kEq, r, 0));
      return Status::Ok();
    }
    case Op::kRefFunc:
      values_.push_back(b_.BinaryImm(Opcode::kIaddImm, vmctx_, layout_.FuncRef(op.index)));
      return Status::Ok();
    default:
      break;
  }
  if (IsSimdOp(op.op)) return Simd(op);
  const OpInfo& info = GetOpInfo(op.op);
  if (info.prefix == 0xfe) return Atomic(op);
  if (info.imm == ImmKind::kMemArg) return Memory(op);
  if (info.prefix == 0xfc && op.op >= Op::kMemoryInit) return Bulk(op);
  switch (op.op) {
    case Op::kMemorySize:
    case Op::kMemoryGrow:
    case Op::kTableGet:
    case Op::kTableSet:
      return Bulk(op);
    default:
      break;
  }
  return Numeric(op);
}

Status Translation::Run() {
  const Function& fn = env_.functions[func_index_];
  const FuncType& type = env_.types[fn.type_index];
  OperatorReader reader(env_.body(func_index_), fn.body_offset, env_.features);
  uint64_t declared = 0;
  EGRET_TRY(reader.ReadLocals(&groups_, &declared));
  if (declared + type.num_params > kMaxTranslatedLocals)
    return Unsupported(fn.body_offset,
                       "more than " + std::to_string(kMaxTranslatedLocals) + " locals");

  ir::Block entry = b_.CreateBlock();
  b_.SwitchToBlock(entry);
  b_.SetSrcLoc(fn.body_offset);
  vmctx_ = b_.AppendBlockParam(entry, Type::kI64);
  for (ValType t : type.params()) {
    Type it = IrTypeOf(t);
    ir::Variable var = b_.DeclareVar(it);
    b_.DefVar(var, b_.AppendBlockParam(entry, it));
    locals_.push_back(var);
  }
  b_.SealBlock(entry);
  for (const LocalGroup& g : groups_) {
    Type it = IrTypeOf(g.type);
    for (uint32_t i = 0; i < g.count; ++i) locals_.push_back(b_.DeclareVar(it));
  }
  marked_.assign(locals_.size(), 0);
  in_loop_.assign(locals_.size(), 0);
  set_mark_.assign(locals_.size(), 0);

  Frame body;
  body.op = Op::kBlock;
  body.results = type.results();
  EGRET_ASSIGN_OR_RETURN(body.next, BlockWithParams(body.results));
  frames_.push_back(body);

  Operator op;
  while (!frames_.empty()) {
    if (!reader.ReadFast(&op)) EGRET_TRY(reader.Read(&op));
    b_.SetSrcLoc(static_cast<uint32_t>(op.offset));
    if (op.op == Op::kEnd && frames_.size() == 1) {
      // The function's end: return directly unless some branch targets the return block.
      Frame f = frames_.back();
      frames_.pop_back();
      if (!f.unreachable) {
        if (options_.fuel) {
          ++fuel_pending_;
          ChargeFuel();
        }
        if (b_.NumPreds(f.next) == 0) {
          b_.Return(Top(f.results.size()));
          b_.SealBlock(f.next);
          break;
        }
        b_.Jump(f.next, Top(f.results.size()));
      }
      b_.SealBlock(f.next);
      if (b_.NumPreds(f.next) != 0) {
        b_.SwitchToBlock(f.next);
        b_.Return(b_.func().dfg.BlockParams(f.next));
      }
      break;
    }
    EGRET_TRY(Step(op, reader));
  }
  b_.SealAllBlocks();
  b_.Finalize();
  return Status::Ok();
}

Expected<ir::Function> FunctionTranslator::Translate(uint32_t func_index) const {
  EGRET_CHECK(func_index < env_.functions.size() && !env_.functions[func_index].imported);
  const FuncType& type = env_.function_type(func_index);
  Expected<ir::Signature> sig = WasmSignature(type);
  EGRET_CHECK(sig.ok());  // every Wasm value type has an IR type
  ir::Function f(symbols_[func_index], std::move(*sig));
  EGRET_TRY(Translation::ForThread(env_, layout_, symbols_, options_, func_index, f).Run());
  return f;
}

Status FunctionTranslator::Translate(uint32_t func_index, ir::Function* out) const {
  EGRET_CHECK(func_index < env_.functions.size() && !env_.functions[func_index].imported);
  const FuncType& type = env_.function_type(func_index);
  // WasmSignature's, written straight into out's vectors (their capacity is reused too).
  static const ir::Signature kEmpty;
  out->Reset(symbols_[func_index], kEmpty);
  out->signature.params.push_back(Type::kI64);
  for (ValType t : type.params()) out->signature.params.push_back(IrTypeOf(t));
  for (ValType t : type.results()) out->signature.results.push_back(IrTypeOf(t));
  return Translation::ForThread(env_, layout_, symbols_, options_, func_index, *out).Run();
}

Expected<std::vector<ir::Function>> TranslateModule(const ModuleEnv& env,
                                                    TranslateOptions options) {
  EGRET_ASSIGN_OR_RETURN(VMContextLayout layout, VMContextLayout::Compute(env));
  std::vector<std::string> symbols = FunctionSymbols(env);
  FunctionTranslator translator(env, layout, symbols, options);
  std::vector<ir::Function> out;
  out.reserve(env.num_defined_functions());
  for (uint32_t i = env.num_imported_functions; i < env.functions.size(); ++i) {
    EGRET_ASSIGN_OR_RETURN(ir::Function f, translator.Translate(i));
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace egret::wasm
