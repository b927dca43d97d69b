// module_validator.cc: module-level validation (spec section 3.4) and the entry points that
// combine decoding and validation.
//
// Constant expressions follow Wasm 2.0: one constant instruction, and `global.get` may name
// only an immutable imported global (the testsuite checks "unknown global" for defined ones);
// with extended-const, also sequences with i32/i64 add, sub and mul.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>

#include "frontend/decoder.h"
#include "frontend/validator.h"

namespace egret::wasm {
namespace {

class ModuleValidator {
 public:
  explicit ModuleValidator(const ModuleEnv& env) : env_(env) {}
  Status Validate();

 private:
  Error Invalid(uint64_t offset, std::string message) {
    Error e(offset, std::move(message));
    e.InFile(env_.file);
    return e;
  }
  Status CheckLimits(const Limits& l, uint64_t bound, const char* what, uint64_t at);
  Status CheckMemoryType(const MemoryType& t, uint64_t at);
  Status CheckConstExpr(const ConstExpr& e, ValType expected, const char* what);
  // A sequence of instructions: valid only as an extended constant expression (extended-const).
  Status CheckExtendedConstExpr(const ConstExpr& e, ValType expected, const char* what);
  // global.get in a constant expression: an immutable imported global. Its type, or an error.
  Expected<ValType> ConstGlobalType(uint64_t index, uint64_t at, const char* what);
  Status CheckFuncIndex(uint32_t index, uint64_t at);

  const ModuleEnv& env_;

 public:
  // The last error's category: kInvalid, or kUnsupported for a disabled proposal's construct.
  ErrorKind error_kind = ErrorKind::kInvalid;
};

Status ModuleValidator::CheckLimits(const Limits& l, uint64_t bound, const char* what,
                                    uint64_t at) {
  if (l.min > bound || (l.max && *l.max > bound)) {
    if (bound == kMaxPages) return Invalid(at, "memory size must be at most 65536 pages (4GiB)");
    return Invalid(at, std::string(what) + " size out of range");
  }
  if (l.max && l.min > *l.max)
    return Invalid(at, "size minimum must not be greater than maximum (" + std::string(what) + ")");
  if (l.shared && !env_.features.has(WasmFeature::kThreads)) {
    error_kind = ErrorKind::kUnsupported;
    return Invalid(at, DisabledMessage(WasmFeature::kThreads, "a shared memory"));
  }
  if (l.shared && !l.max) return Invalid(at, "shared memory must have maximum");
  return Status::Ok();
}

Status ModuleValidator::CheckMemoryType(const MemoryType& t, uint64_t at) {
  if (!t.is64) return CheckLimits(t.limits, kMaxPages, "memory", at);
  const Limits& l = t.limits;
  if (l.min > kMaxPages64 || (l.max && *l.max > kMaxPages64))
    return Invalid(at, "memory size must be at most 2^48 pages (memory64)");
  return CheckLimits(l, kMaxPages64, "memory", at);
}

Status ModuleValidator::CheckFuncIndex(uint32_t index, uint64_t at) {
  if (index >= env_.functions.size())
    return Invalid(at, "unknown function " + std::to_string(index));
  return Status::Ok();
}

Expected<ValType> ModuleValidator::ConstGlobalType(uint64_t index, uint64_t at, const char* what) {
  if (index >= env_.num_imported_globals)
    return Invalid(at, "unknown global " + std::to_string(index) + " in " + what +
                           " (constant expressions may only read imported globals)");
  const Global& g = env_.globals[index];
  if (g.type.mut)
    return Invalid(at, std::string("constant expression required in ") + what + ": global " +
                           std::to_string(index) + " is mutable");
  return g.type.type;
}

// The extended-const proposal: i32/i64 constants, global.get, and i32/i64 add, sub and mul,
// typed with a stack; the expression must leave exactly one value of the expected type. Anything
// else keeps Wasm 2.0's two messages: a sequence of constants is a type mismatch (wrong number of
// values); any other instruction is not constant.
Status ModuleValidator::CheckExtendedConstExpr(const ConstExpr& e, ValType expected,
                                               const char* what) {
  OperatorReader r(std::span<const uint8_t>(env_.bytes).subspan(e.offset, e.size), e.offset);
  Operator op;
  bool all_constant = true;  // Wasm 2.0 constant instructions only
  bool typed = true;         // no type error found by the stack typing below
  std::vector<ValType> stack;
  while (!r.at_end()) {
    if (!r.Read(&op).ok()) break;
    switch (op.op) {
      case Op::kI32Const:
      case Op::kI64Const:
      case Op::kF32Const:
      case Op::kF64Const:
      case Op::kV128Const:
      case Op::kRefNull:
      case Op::kRefFunc:
        stack.push_back(op.op == Op::kI32Const    ? ValType::kI32
                        : op.op == Op::kI64Const  ? ValType::kI64
                        : op.op == Op::kF32Const  ? ValType::kF32
                        : op.op == Op::kF64Const  ? ValType::kF64
                        : op.op == Op::kV128Const ? ValType::kV128
                        : op.op == Op::kRefNull   ? op.type
                                                  : ValType::kFuncRef);
        if (op.op == Op::kRefFunc) EGRET_TRY(CheckFuncIndex(op.index, op.offset));
        break;
      case Op::kGlobalGet: {
        EGRET_ASSIGN_OR_RETURN(ValType t, ConstGlobalType(op.index, op.offset, what));
        stack.push_back(t);
        break;
      }
      case Op::kI32Add:
      case Op::kI32Sub:
      case Op::kI32Mul:
      case Op::kI64Add:
      case Op::kI64Sub:
      case Op::kI64Mul: {
        if (!env_.features.has(WasmFeature::kExtendedConst)) {
          error_kind = ErrorKind::kUnsupported;
          return Invalid(op.offset, DisabledMessage(WasmFeature::kExtendedConst,
                                                    std::string(OpName(op.op)) + " in " + what));
        }
        const ValType t = GetOpInfo(op.op).sig.result;
        if (stack.size() < 2 || stack[stack.size() - 1] != t || stack[stack.size() - 2] != t)
          typed = false;
        if (stack.size() >= 2) stack.pop_back();
        if (!stack.empty()) stack.back() = t;
        break;
      }
      case Op::kEnd:
        break;
      default:
        all_constant = false;
    }
  }
  if (!all_constant)
    return Invalid(e.offset, std::string("constant expression required in ") + what);
  if (!typed || stack.size() != 1)
    return Invalid(e.offset, std::string("type mismatch in ") + what +
                                 ": a constant expression must produce exactly one " +
                                 std::string(ValTypeName(expected)));
  if (stack[0] != expected)
    return Invalid(e.offset, std::string("type mismatch in ") + what + ": expected " +
                                 std::string(ValTypeName(expected)) + ", got " +
                                 std::string(ValTypeName(stack[0])));
  return Status::Ok();
}

Status ModuleValidator::CheckConstExpr(const ConstExpr& e, ValType expected, const char* what) {
  ValType actual = ValType::kBottom;
  switch (e.kind) {
    case ConstExpr::Kind::kI32:
      actual = ValType::kI32;
      break;
    case ConstExpr::Kind::kI64:
      actual = ValType::kI64;
      break;
    case ConstExpr::Kind::kF32:
      actual = ValType::kF32;
      break;
    case ConstExpr::Kind::kF64:
      actual = ValType::kF64;
      break;
    case ConstExpr::Kind::kV128:
      actual = ValType::kV128;
      break;
    case ConstExpr::Kind::kRefNull:
      actual = e.ref_type;
      break;
    case ConstExpr::Kind::kRefFunc:
      EGRET_TRY(CheckFuncIndex(static_cast<uint32_t>(e.bits), e.offset));
      actual = ValType::kFuncRef;
      break;
    case ConstExpr::Kind::kGlobalGet: {
      EGRET_ASSIGN_OR_RETURN(actual, ConstGlobalType(e.bits, e.offset, what));
      break;
    }
    case ConstExpr::Kind::kOther:
      return CheckExtendedConstExpr(e, expected, what);
  }
  if (actual != expected)
    return Invalid(e.offset, std::string("type mismatch in ") + what + ": expected " +
                                 std::string(ValTypeName(expected)) + ", got " +
                                 std::string(ValTypeName(actual)));
  return Status::Ok();
}

Status ModuleValidator::Validate() {
  const uint32_t num_types = static_cast<uint32_t>(env_.types.size());
  for (const Import& imp : env_.imports) {
    switch (imp.kind) {
      case ExternKind::kFunc:
        if (env_.functions[imp.index].type_index >= num_types)
          return Invalid(imp.offset,
                         "unknown type " + std::to_string(env_.functions[imp.index].type_index));
        break;
      case ExternKind::kTable:
        EGRET_TRY(CheckLimits(env_.tables[imp.index].type.limits, UINT32_MAX, "table", imp.offset));
        break;
      case ExternKind::kMemory:
        EGRET_TRY(CheckMemoryType(env_.memories[imp.index].type, imp.offset));
        break;
      case ExternKind::kGlobal:
        break;
    }
  }
  for (uint32_t i = env_.num_imported_functions; i < env_.functions.size(); ++i) {
    if (env_.functions[i].type_index >= num_types)
      return Invalid(env_.function_section_offset,
                     "unknown type " + std::to_string(env_.functions[i].type_index) + " (func " +
                         std::to_string(i) + ")");
  }
  for (uint32_t i = env_.num_imported_tables; i < env_.tables.size(); ++i)
    EGRET_TRY(CheckLimits(env_.tables[i].type.limits, UINT32_MAX, "table", 0));
  if (env_.memories.size() > 1 && !env_.features.has(WasmFeature::kMultiMemory))
    return Invalid(0, "multiple memories (they need --wasm-features=+multi-memory)");
  for (uint32_t i = env_.num_imported_memories; i < env_.memories.size(); ++i)
    EGRET_TRY(CheckMemoryType(env_.memories[i].type, 0));
  for (uint32_t i = env_.num_imported_globals; i < env_.globals.size(); ++i)
    EGRET_TRY(CheckConstExpr(env_.globals[i].init, env_.globals[i].type.type, "global"));

  std::unordered_set<std::string_view> names;
  for (const Export& e : env_.exports) {
    if (!names.insert(e.name).second) return Invalid(e.offset, "duplicate export name " + e.name);
    size_t limit = 0;
    switch (e.kind) {
      case ExternKind::kFunc:
        limit = env_.functions.size();
        break;
      case ExternKind::kTable:
        limit = env_.tables.size();
        break;
      case ExternKind::kMemory:
        limit = env_.memories.size();
        break;
      case ExternKind::kGlobal:
        limit = env_.globals.size();
        break;
    }
    if (e.index >= limit)
      return Invalid(e.offset, "unknown " + std::string(ExternKindName(e.kind)) + " " +
                                   std::to_string(e.index) + " in export " + e.name);
  }
  if (env_.start) {
    EGRET_TRY(CheckFuncIndex(*env_.start, env_.start_offset));
    const FuncType& t = env_.function_type(*env_.start);
    if (!t.types.empty())
      return Invalid(env_.start_offset,
                     "start function must have type [] -> [], not " + FuncTypeString(t));
  }
  for (const ElemSegment& seg : env_.elems) {
    if (seg.mode == SegmentMode::kActive) {
      if (seg.table >= env_.tables.size())
        return Invalid(seg.offset, "unknown table " + std::to_string(seg.table));
      if (env_.tables[seg.table].type.elem != seg.type)
        return Invalid(seg.offset, "type mismatch: element segment of " +
                                       std::string(ValTypeName(seg.type)) + " for a table of " +
                                       std::string(ValTypeName(env_.tables[seg.table].type.elem)));
      EGRET_TRY(CheckConstExpr(seg.offset_expr, ValType::kI32, "element segment offset"));
    }
    for (const ConstExpr& item : seg.items)
      EGRET_TRY(CheckConstExpr(item, seg.type, "element segment item"));
  }
  for (const DataSegment& seg : env_.datas) {
    if (seg.mode != SegmentMode::kActive) continue;
    if (seg.memory >= env_.memories.size())
      return Invalid(seg.offset, "unknown memory " + std::to_string(seg.memory));
    EGRET_TRY(CheckConstExpr(seg.offset_expr, env_.memories[seg.memory].type.address_type(),
                             "data segment offset"));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateModuleLevel(const ModuleEnv& env, ErrorKind* kind) {
  ModuleValidator v(env);
  Status st = v.Validate();
  if (kind) *kind = v.error_kind;
  return st;
}

std::optional<Error> FindMalformedBody(const ModuleEnv& env) {
  std::vector<LocalGroup> groups;
  std::vector<Op> open;  // enclosing block/loop/if/else
  Operator op;
  for (uint32_t f = env.num_imported_functions; f < env.functions.size(); ++f) {
    const Function& fn = env.functions[f];
    OperatorReader r(env.body(f), fn.body_offset, env.features);
    uint64_t total = 0;
    auto fail = [&](Error e) -> std::optional<Error> {
      e.message += " (func " + std::to_string(f) + ")";
      e.InFile(env.file);
      return e;
    };
    if (Status st = r.ReadLocals(&groups, &total); !st.ok()) return fail(std::move(st).error());
    const uint64_t params =
        fn.type_index < env.types.size() ? env.types[fn.type_index].num_params : 0;
    if (total + params > UINT32_MAX) return fail(Error(fn.body_offset, "too many locals"));
    open.assign(1, Op::kBlock);
    while (!open.empty()) {
      if (r.at_end()) return fail(Error(r.offset(), "unexpected end (END opcode expected)"));
      if (Status st = r.Read(&op); !st.ok()) {
        // An unsupported proposal's operator is not malformed; the rest of this body cannot be
        // decoded past it.
        if (r.last_error_unsupported()) break;
        return fail(std::move(st).error());
      }
      switch (op.op) {
        case Op::kBlock:
        case Op::kLoop:
        case Op::kIf:
          open.push_back(op.op);
          break;
        case Op::kElse:
          if (open.back() != Op::kIf) return fail(Error(op.offset, "else without a matching if"));
          open.back() = Op::kElse;
          break;
        case Op::kEnd:
          open.pop_back();
          break;
        case Op::kMemoryInit:
        case Op::kDataDrop:
          if (!env.data_count && !env.datas.empty())
            return fail(Error(op.offset, "data count section required"));
          break;
        default:
          break;
      }
    }
    if (!open.empty()) continue;
    if (!r.at_end()) return fail(Error(r.offset(), "section size mismatch"));
  }
  return std::nullopt;
}

namespace {

// The bodies of functions [first, end), on `jobs` threads. Workers take indices from one
// counter in increasing order and stop once they reach the lowest failing index found so far;
// every index below the final one was therefore validated, so the error kept is that of the
// lowest-indexed invalid function, exactly what a sequential walk reports.
std::optional<WasmError> ValidateBodies(const ModuleEnv& env, uint32_t first, uint32_t end,
                                        uint32_t jobs) {
  if (jobs <= 1 || end - first <= 1) {
    FunctionValidator v(env);
    for (uint32_t f = first; f < end; ++f)
      if (Status st = v.Validate(f); !st.ok())
        return WasmError{v.error_kind(), std::move(st).error()};
    return std::nullopt;
  }
  std::atomic<uint32_t> next{first};
  std::atomic<uint32_t> lowest_bad{UINT32_MAX};
  std::mutex mu;
  std::optional<WasmError> result;  // guarded by mu; the error of lowest_bad
  auto worker = [&] {
    FunctionValidator v(env);
    for (;;) {
      const uint32_t f = next.fetch_add(1, std::memory_order_relaxed);
      if (f >= end || f >= lowest_bad.load(std::memory_order_relaxed)) return;
      if (Status st = v.Validate(f); !st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (f < lowest_bad.load(std::memory_order_relaxed)) {
          lowest_bad.store(f, std::memory_order_relaxed);
          result = WasmError{v.error_kind(), std::move(st).error()};
        }
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  return result;
}

}  // namespace

std::optional<WasmError> ValidateModule(const ModuleEnv& env, uint32_t jobs) {
  std::optional<WasmError> result;
  ErrorKind kind = ErrorKind::kInvalid;
  if (Status st = ValidateModuleLevel(env, &kind); !st.ok()) {
    result = WasmError{kind, std::move(st).error()};
  } else {
    const uint32_t first = env.num_imported_functions;
    const uint32_t end = static_cast<uint32_t>(env.functions.size());
    if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
    jobs = std::min(jobs, std::max(end - first, 1u));
    result = ValidateBodies(env, first, end, jobs);
  }
  // The spec decodes everything before validating anything: prefer a malformed body.
  if (result && result->kind == ErrorKind::kInvalid) {
    if (std::optional<Error> m = FindMalformedBody(env))
      result = WasmError{ErrorKind::kMalformed, std::move(*m)};
  }
  return result;
}

std::optional<ModuleEnv> LoadModule(ModuleBytes bytes, std::string file, WasmError* error,
                                    uint32_t jobs, WasmFeatures features) {
  Expected<ModuleEnv> env = DecodeModule(std::move(bytes), std::move(file), features);
  if (!env.ok()) {
    *error = WasmError{ErrorKind::kMalformed, std::move(env).error()};
    return std::nullopt;
  }
  if (std::optional<WasmError> e = ValidateModule(*env, jobs)) {
    *error = std::move(*e);
    return std::nullopt;
  }
  return std::move(env).value();
}

}  // namespace egret::wasm
