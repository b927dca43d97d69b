// validator.cc: function-body validation (the spec appendix's algorithm).
//
// Invariant: stack_.size() >= frames_.back().height while a frame is open; values below a
// frame's height belong to enclosing frames and are never popped by it. In an unreachable
// frame, popping at the frame's height yields kBottom, which matches every type.
#include "frontend/validator.h"

#include <algorithm>
#include <utility>

namespace egret::wasm {
namespace {

// Above this many locals the types are looked up by binary search over the declared groups
// instead of a dense array (the spec allows up to 2^32 - 1 locals).
constexpr uint64_t kDenseLocalLimit = 1 << 16;

bool Matches(ValType actual, ValType expected) {
  return actual == expected || actual == ValType::kBottom || expected == ValType::kBottom;
}

}  // namespace

Error FunctionValidator::Invalid(const Operator& op, std::string message) {
  error_kind_ = ErrorKind::kInvalid;
  return Error(op.offset, std::move(message) + " in " + std::string(OpName(op.op)) + " (func " +
                              std::to_string(func_index_) + ")");
}

Error FunctionValidator::Malformed(uint64_t offset, std::string message) {
  error_kind_ = ErrorKind::kMalformed;
  return Error(offset, std::move(message) + " (func " + std::to_string(func_index_) + ")");
}

Error FunctionValidator::Mismatch(const Operator& op, std::span<const ValType> expected,
                                  size_t available) {
  const size_t n = std::min(available, expected.size());
  std::span<const ValType> got(stack_.data() + stack_.size() - n, n);
  error_kind_ = ErrorKind::kInvalid;
  return Error(op.offset, "type mismatch in " + std::string(OpName(op.op)) + " (func " +
                              std::to_string(func_index_) + "): expected " +
                              TypeListString(expected) + ", got " + TypeListString(got));
}

// After popping a frame's results, values are left over: show them after the expected ones.
Error FunctionValidator::ExtraValues(const Operator& op, std::span<const ValType> expected,
                                     size_t extra) {
  std::vector<ValType> got(stack_.end() - extra, stack_.end());
  got.insert(got.end(), expected.begin(), expected.end());
  error_kind_ = ErrorKind::kInvalid;
  return Error(op.offset, "type mismatch in " + std::string(OpName(op.op)) + " (func " +
                              std::to_string(func_index_) + "): expected " +
                              TypeListString(expected) + ", got " + TypeListString(got));
}

Status FunctionValidator::PopValues(const Operator& op, std::span<const ValType> expected) {
  EGRET_TRY(CheckValues(op, expected));
  const size_t available = stack_.size() - frames_.back().height;
  stack_.resize(stack_.size() - std::min(available, expected.size()));
  return Status::Ok();
}

Status FunctionValidator::CheckValues(const Operator& op, std::span<const ValType> expected) {
  const Frame& f = frames_.back();
  const size_t available = stack_.size() - f.height;
  const size_t n = expected.size();
  if (available < n && !f.unreachable) return Mismatch(op, expected, available);
  // Check from the top; positions below the frame's height are unknown (unreachable).
  for (size_t i = 0; i < n; ++i) {
    const ValType want = expected[n - 1 - i];
    if (i < available) {
      if (!Matches(stack_[stack_.size() - 1 - i], want)) return Mismatch(op, expected, available);
    }
  }
  return Status::Ok();
}

Expected<ValType> FunctionValidator::PopAny(const Operator& op) {
  const Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return ValType::kBottom;
    error_kind_ = ErrorKind::kInvalid;
    return Error(op.offset, "type mismatch in " + std::string(OpName(op.op)) + " (func " +
                                std::to_string(func_index_) +
                                "): expected a value, got an empty stack");
  }
  const ValType t = stack_.back();
  stack_.pop_back();
  return t;
}

void FunctionValidator::SetUnreachable() {
  Frame& f = frames_.back();
  stack_.resize(f.height);
  f.unreachable = true;
}

Status FunctionValidator::PushFrame(const Operator& op) {
  Frame f{op.op, {}, {}, 0, false};
  switch (op.block.kind) {
    case BlockType::Kind::kEmpty:
      break;
    case BlockType::Kind::kValue:
      f.results = SingleType(op.block.value);
      break;
    case BlockType::Kind::kFuncType:
      if (op.block.type_index >= env_.types.size())
        return Invalid(op, "unknown type " + std::to_string(op.block.type_index));
      f.params = env_.types[op.block.type_index].params();
      f.results = env_.types[op.block.type_index].results();
      break;
  }
  if (op.op == Op::kIf) EGRET_TRY(PopValue(op, ValType::kI32));
  EGRET_TRY(PopValues(op, f.params));
  f.height = static_cast<uint32_t>(stack_.size());
  frames_.push_back(f);
  PushValues(f.params);
  return Status::Ok();
}

Expected<ValType> FunctionValidator::LocalType(const Operator& op) {
  if (op.index >= num_locals_) return Invalid(op, "unknown local " + std::to_string(op.index));
  if (!local_types_.empty()) return local_types_[op.index];
  auto it = std::upper_bound(local_group_end_.begin(), local_group_end_.end(), uint64_t{op.index});
  return local_groups_[it - local_group_end_.begin()].type;
}

Status FunctionValidator::CheckMemory(const Operator& op) {
  if (env_.memories.empty()) return Invalid(op, "unknown memory 0");
  return Status::Ok();
}

Status FunctionValidator::CheckTable(const Operator& op, uint32_t index) {
  if (index >= env_.tables.size()) return Invalid(op, "unknown table " + std::to_string(index));
  return Status::Ok();
}

Expected<const FunctionValidator::Frame*> FunctionValidator::Label(const Operator& op,
                                                                   uint32_t depth) {
  if (depth >= frames_.size()) return Invalid(op, "unknown label " + std::to_string(depth));
  return &frames_[frames_.size() - 1 - depth];
}

Status FunctionValidator::Validate(uint32_t func_index) {
  func_index_ = func_index;
  error_kind_ = ErrorKind::kInvalid;
  EGRET_CHECK(func_index < env_.functions.size() && !env_.functions[func_index].imported);
  const Function& fn = env_.functions[func_index];
  OperatorReader reader(env_.body(func_index), fn.body_offset);
  Status st = Run(reader);
  if (!st.ok()) {
    Error e = std::move(st).error();
    e.InFile(env_.file);
    return e;
  }
  return Status::Ok();
}

Status FunctionValidator::Run(OperatorReader& reader) {
  const FuncType& type = env_.function_type(func_index_);
  uint64_t declared = 0;
  const uint64_t locals_at = reader.offset();
  if (Status st = reader.ReadLocals(&local_groups_, &declared); !st.ok())
    return Malformed(st.error().offset, st.error().message);
  // Parameters are the first locals: prepend them as groups.
  num_locals_ = type.num_params + declared;
  if (num_locals_ > UINT32_MAX) return Malformed(locals_at, "too many locals");
  local_types_.clear();
  local_group_end_.clear();
  if (num_locals_ <= kDenseLocalLimit) {
    local_types_.reserve(num_locals_);
    local_types_.assign(type.params().begin(), type.params().end());
    for (const LocalGroup& g : local_groups_)
      local_types_.insert(local_types_.end(), g.count, g.type);
  } else {
    std::vector<LocalGroup> groups;
    for (ValType t : type.params()) groups.push_back({1, t});
    groups.insert(groups.end(), local_groups_.begin(), local_groups_.end());
    local_groups_ = std::move(groups);
    uint64_t end = 0;
    for (const LocalGroup& g : local_groups_) local_group_end_.push_back(end += g.count);
  }

  stack_.clear();
  frames_.clear();
  frames_.push_back(Frame{Op::kBlock, {}, type.results(), 0, false});
  Operator op;
  while (!frames_.empty()) {
    if (reader.at_end()) return Malformed(reader.offset(), "unexpected end (END opcode expected)");
    if (Status st = reader.Read(&op); !st.ok())
      return Malformed(st.error().offset, st.error().message);
    EGRET_TRY(Step(op, reader));
  }
  if (!reader.at_end())
    return Malformed(reader.offset(), "section size mismatch (bytes after the function's end)");
  return Status::Ok();
}

Status FunctionValidator::Step(const Operator& op, OperatorReader& reader) {
  switch (op.op) {
    case Op::kUnreachable:
      SetUnreachable();
      return Status::Ok();
    case Op::kNop:
      return Status::Ok();
    case Op::kBlock:
    case Op::kLoop:
    case Op::kIf:
      return PushFrame(op);
    case Op::kElse: {
      if (frames_.back().op != Op::kIf) return Malformed(op.offset, "else without a matching if");
      Frame f = frames_.back();
      EGRET_TRY(PopValues(op, f.results));
      if (stack_.size() != f.height) return ExtraValues(op, f.results, stack_.size() - f.height);
      frames_.back() = Frame{Op::kElse, f.params, f.results, f.height, false};
      PushValues(f.params);
      return Status::Ok();
    }
    case Op::kEnd: {
      Frame f = frames_.back();
      EGRET_TRY(PopValues(op, f.results));
      if (stack_.size() != f.height) return ExtraValues(op, f.results, stack_.size() - f.height);
      // An `if` without `else` behaves as if the else passed its params through.
      if (f.op == Op::kIf &&
          !std::equal(f.params.begin(), f.params.end(), f.results.begin(), f.results.end()))
        return Invalid(op,
                       "type mismatch: if without else must have matching param and result "
                       "types " +
                           TypeListString(f.params) + " vs " + TypeListString(f.results));
      frames_.pop_back();
      PushValues(f.results);
      return Status::Ok();
    }
    case Op::kBr: {
      EGRET_ASSIGN_OR_RETURN(const Frame* target, Label(op, op.index));
      EGRET_TRY(PopValues(op, LabelTypes(*target)));
      SetUnreachable();
      return Status::Ok();
    }
    case Op::kBrIf: {
      EGRET_ASSIGN_OR_RETURN(const Frame* target, Label(op, op.index));
      EGRET_TRY(PopValue(op, ValType::kI32));
      std::span<const ValType> types = LabelTypes(*target);
      EGRET_TRY(PopValues(op, types));
      PushValues(types);
      return Status::Ok();
    }
    case Op::kBrTable: {
      EGRET_TRY(PopValue(op, ValType::kI32));
      br_targets_.assign(reader.br_targets().begin(), reader.br_targets().end());
      EGRET_ASSIGN_OR_RETURN(const Frame* def, Label(op, br_targets_.back()));
      const size_t arity = LabelTypes(*def).size();
      for (size_t i = 0; i + 1 < br_targets_.size(); ++i) {
        EGRET_ASSIGN_OR_RETURN(const Frame* target, Label(op, br_targets_[i]));
        std::span<const ValType> types = LabelTypes(*target);
        if (types.size() != arity)
          return Invalid(op, "type mismatch: br_table targets have different arities (" +
                                 std::to_string(types.size()) + " vs " + std::to_string(arity) +
                                 ")");
        EGRET_TRY(CheckValues(op, types));  // without consuming them
      }
      EGRET_TRY(PopValues(op, LabelTypes(*def)));
      SetUnreachable();
      return Status::Ok();
    }
    case Op::kReturn:
      EGRET_TRY(PopValues(op, frames_.front().results));
      SetUnreachable();
      return Status::Ok();
    case Op::kCall: {
      if (op.index >= env_.functions.size())
        return Invalid(op, "unknown function " + std::to_string(op.index));
      const FuncType& callee = env_.function_type(op.index);
      EGRET_TRY(PopValues(op, callee.params()));
      PushValues(callee.results());
      return Status::Ok();
    }
    case Op::kCallIndirect: {
      EGRET_TRY(CheckTable(op, op.index2));
      if (env_.tables[op.index2].type.elem != ValType::kFuncRef)
        return Invalid(op, "type mismatch: call_indirect needs a funcref table");
      if (op.index >= env_.types.size())
        return Invalid(op, "unknown type " + std::to_string(op.index));
      const FuncType& callee = env_.types[op.index];
      EGRET_TRY(PopValue(op, ValType::kI32));
      EGRET_TRY(PopValues(op, callee.params()));
      PushValues(callee.results());
      return Status::Ok();
    }
    case Op::kDrop: {
      EGRET_ASSIGN_OR_RETURN(ValType dropped, PopAny(op));
      (void)dropped;
      return Status::Ok();
    }
    case Op::kSelect: {
      EGRET_TRY(PopValue(op, ValType::kI32));
      EGRET_ASSIGN_OR_RETURN(ValType t1, PopAny(op));
      EGRET_ASSIGN_OR_RETURN(ValType t2, PopAny(op));
      if (IsRefType(t1) || IsRefType(t2))
        return Invalid(op,
                       "type mismatch: select without a type needs numeric or vector "
                       "operands");
      if (!Matches(t1, t2))
        return Invalid(op, "type mismatch: select operands differ (" +
                               std::string(ValTypeName(t2)) + " vs " +
                               std::string(ValTypeName(t1)) + ")");
      Push(t1 == ValType::kBottom ? t2 : t1);
      return Status::Ok();
    }
    case Op::kSelectT: {
      if (op.index != 1) return Invalid(op, "invalid result arity");
      EGRET_TRY(PopValue(op, ValType::kI32));
      const ValType pair[2] = {op.type, op.type};
      EGRET_TRY(PopValues(op, pair));
      Push(op.type);
      return Status::Ok();
    }
    case Op::kLocalGet: {
      EGRET_ASSIGN_OR_RETURN(ValType t, LocalType(op));
      Push(t);
      return Status::Ok();
    }
    case Op::kLocalSet: {
      EGRET_ASSIGN_OR_RETURN(ValType t, LocalType(op));
      return PopValue(op, t);
    }
    case Op::kLocalTee: {
      EGRET_ASSIGN_OR_RETURN(ValType t, LocalType(op));
      EGRET_TRY(PopValue(op, t));
      Push(t);
      return Status::Ok();
    }
    case Op::kGlobalGet:
      if (op.index >= env_.globals.size())
        return Invalid(op, "unknown global " + std::to_string(op.index));
      Push(env_.globals[op.index].type.type);
      return Status::Ok();
    case Op::kGlobalSet:
      if (op.index >= env_.globals.size())
        return Invalid(op, "unknown global " + std::to_string(op.index));
      if (!env_.globals[op.index].type.mut)
        return Invalid(op, "global is immutable: global " + std::to_string(op.index));
      return PopValue(op, env_.globals[op.index].type.type);
    case Op::kTableGet:
      EGRET_TRY(CheckTable(op, op.index));
      EGRET_TRY(PopValue(op, ValType::kI32));
      Push(env_.tables[op.index].type.elem);
      return Status::Ok();
    case Op::kTableSet: {
      EGRET_TRY(CheckTable(op, op.index));
      const ValType args[2] = {ValType::kI32, env_.tables[op.index].type.elem};
      return PopValues(op, args);
    }
    case Op::kTableSize:
      EGRET_TRY(CheckTable(op, op.index));
      Push(ValType::kI32);
      return Status::Ok();
    case Op::kTableGrow: {
      EGRET_TRY(CheckTable(op, op.index));
      const ValType args[2] = {env_.tables[op.index].type.elem, ValType::kI32};
      EGRET_TRY(PopValues(op, args));
      Push(ValType::kI32);
      return Status::Ok();
    }
    case Op::kTableFill: {
      EGRET_TRY(CheckTable(op, op.index));
      const ValType args[3] = {ValType::kI32, env_.tables[op.index].type.elem, ValType::kI32};
      return PopValues(op, args);
    }
    case Op::kTableCopy: {
      EGRET_TRY(CheckTable(op, op.index));
      EGRET_TRY(CheckTable(op, op.index2));
      if (env_.tables[op.index].type.elem != env_.tables[op.index2].type.elem)
        return Invalid(op, "type mismatch: tables have different element types");
      break;
    }
    case Op::kTableInit: {
      if (op.index >= env_.elems.size())
        return Invalid(op, "unknown elem segment " + std::to_string(op.index));
      EGRET_TRY(CheckTable(op, op.index2));
      if (env_.tables[op.index2].type.elem != env_.elems[op.index].type)
        return Invalid(op, "type mismatch: element segment and table types differ");
      break;
    }
    case Op::kElemDrop:
      if (op.index >= env_.elems.size())
        return Invalid(op, "unknown elem segment " + std::to_string(op.index));
      break;
    case Op::kMemoryInit:
    case Op::kDataDrop:
      // wast2json leaves the data count section out of modules without data segments; treat
      // that as a count of zero (the spec testsuite expects "unknown data segment" there).
      if (!env_.data_count && !env_.datas.empty())
        return Malformed(op.offset, "data count section required");
      if (op.op == Op::kMemoryInit) EGRET_TRY(CheckMemory(op));
      if (op.index >= env_.data_count.value_or(0))
        return Invalid(op, "unknown data segment " + std::to_string(op.index));
      break;
    case Op::kRefNull:
      Push(op.type);
      return Status::Ok();
    case Op::kRefIsNull: {
      EGRET_ASSIGN_OR_RETURN(ValType t, PopAny(op));
      if (t != ValType::kBottom && !IsRefType(t))
        return Invalid(op,
                       "type mismatch: expected a reference, got " + std::string(ValTypeName(t)));
      Push(ValType::kI32);
      return Status::Ok();
    }
    case Op::kRefFunc:
      if (op.index >= env_.functions.size())
        return Invalid(op, "unknown function " + std::to_string(op.index));
      if (!env_.declared_refs[op.index])
        return Invalid(op, "undeclared function reference " + std::to_string(op.index));
      Push(ValType::kFuncRef);
      return Status::Ok();
    default:
      break;
  }
  // Everything else has a fixed signature, plus immediate checks.
  EGRET_TRY(CheckOp(op));
  const OpSig& sig = GetOpInfo(op.op).sig;
  EGRET_CHECK(sig.fixed);
  EGRET_TRY(PopValues(op, sig.param_span()));
  if (sig.num_results) Push(sig.result);
  return Status::Ok();
}

// Immediate rules of fixed-signature operators: a memory must exist, alignment must not exceed
// the natural one, lane indices must be in range.
Status FunctionValidator::CheckOp(const Operator& op) {
  const OpInfo& info = GetOpInfo(op.op);
  switch (info.imm) {
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane:
      EGRET_TRY(CheckMemory(op));
      if (op.align > NaturalAlignLog2(op.op))
        return Invalid(op, "alignment must not be larger than natural");
      if (info.imm == ImmKind::kMemArgLane && op.lane >= LaneCount(op.op))
        return Invalid(op, "invalid lane index");
      break;
    case ImmKind::kMemIdx:
    case ImmKind::kMemoryCopy:
      EGRET_TRY(CheckMemory(op));
      break;
    case ImmKind::kLane:
      if (op.lane >= LaneCount(op.op)) return Invalid(op, "invalid lane index");
      break;
    case ImmKind::kShuffle:
      for (int i = 0; i < 16; ++i) {
        const uint64_t half = i < 8 ? op.bits : op.bits_hi;
        if (((half >> (8 * (i % 8))) & 0xff) >= 32) return Invalid(op, "invalid lane index");
      }
      break;
    default:
      break;
  }
  return Status::Ok();
}

}  // namespace egret::wasm
