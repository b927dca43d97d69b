// validator.cc: function-body validation (the spec appendix's algorithm), in one pass that
// decodes and validates together: RunBody's switch on the opcode byte takes the common operators
// inline and hands the rest, and anything its checks do not accept, to Step (see validator.h).
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

void TypeStack::Grow(size_t min_capacity) {
  const size_t capacity = std::max<size_t>({min_capacity, 2 * capacity_, 64});
  std::unique_ptr<ValType[]> data(new ValType[capacity]);
  std::copy(data_.get(), data_.get() + size_, data.get());
  data_ = std::move(data);
  capacity_ = capacity;
}

Error FunctionValidator::Invalid(const Operator& op, std::string message) {
  error_kind_ = ErrorKind::kInvalid;
  return Error(op.offset, std::move(message) + " in " + std::string(OpName(op.op)) + " (func " +
                              std::to_string(func_index_) + ")");
}

Error FunctionValidator::Malformed(uint64_t offset, std::string message) {
  error_kind_ = ErrorKind::kMalformed;
  return Error(offset, std::move(message) + " (func " + std::to_string(func_index_) + ")");
}

Error FunctionValidator::Unsupported(uint64_t offset, std::string message) {
  error_kind_ = ErrorKind::kUnsupported;
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
  std::vector<ValType> got(stack_.data() + stack_.size() - extra, stack_.data() + stack_.size());
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

Status FunctionValidator::CheckMemory(const Operator& op, uint32_t index) {
  if (index >= env_.memories.size()) return Invalid(op, "unknown memory " + std::to_string(index));
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
  OperatorReader reader(env_.body(func_index), fn.body_offset, env_.features);
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
  return generic_only_ ? RunBody<false>(reader) : RunBody<true>(reader);
}

namespace {

// A u32 LEB128, read inline. Returns false, leaving `p` alone, when the bytes run out or the
// fifth byte is not a valid last byte (continuation or unused bits set): the generic path then
// decodes it strictly and reports the error.
bool FastU32Long(const uint8_t*& p, const uint8_t* end, uint32_t* v) {
  uint32_t r = 0;
  for (int i = 0; i < 4; ++i) {
    if (p + i == end) return false;
    const uint32_t b = p[i];
    r |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      p += i + 1;
      *v = r;
      return true;
    }
  }
  if (p + 4 == end || p[4] >= 0x10) return false;
  *v = r | (uint32_t{p[4]} << 28);
  p += 5;
  return true;
}

// One-byte encodings, the common case, inline; longer ones out of line.
[[gnu::always_inline]] inline bool FastU32(const uint8_t*& p, const uint8_t* end, uint32_t* v) {
  if (p != end && *p < 0x80) {
    *v = *p++;
    return true;
  }
  return FastU32Long(p, end, v);
}

// Skips a signed LEB128 of a `bits`-bit value (32 or 64). Returns false, leaving `p` alone, when
// the bytes run out or the last possible byte is not valid (its unused bits must repeat the sign
// bit), as above.
inline bool SkipSignedLeb(const uint8_t*& p, const uint8_t* end, int bits) {
  const int max = (bits + 6) / 7;  // 5 or 10 bytes
  for (int i = 0; i + 1 < max; ++i) {
    if (p + i == end) return false;
    if (p[i] < 0x80) {
      p += i + 1;
      return true;
    }
  }
  if (p + max - 1 == end) return false;
  // The last byte holds bits - 7 * (max - 1) value bits (4 for s32, 1 for s64); the rest of its
  // seven bits must equal the sign, and it must not continue.
  const int used = bits - 7 * (max - 1);
  const uint8_t last = p[max - 1];
  const uint8_t sign_bits = static_cast<uint8_t>(0x7f & ~((1u << (used - 1)) - 1));
  if (last >= 0x80 || ((last & sign_bits) != 0 && (last & sign_bits) != sign_bits)) return false;
  p += max;
  return true;
}

// A one-byte block type: empty or a single result. False for type indices (and bad bytes).
inline bool FastBlockType(uint8_t b, std::span<const ValType>* results) {
  if (b == 0x40) {
    *results = {};
    return true;
  }
  if (std::optional<ValType> t = ValTypeFromByte(b)) {
    *results = SingleType(*t);
    return true;
  }
  return false;
}

constexpr ValType kI32 = ValType::kI32, kI64 = ValType::kI64, kF32 = ValType::kF32,
                  kF64 = ValType::kF64;

}  // namespace

// Each case either accepts the operator (advancing `p` and `continue`-ing the loop) or `break`s
// to the generic path below the switch, having changed nothing.
template <bool kFast>
Status FunctionValidator::RunBody(OperatorReader& reader) {
  const std::span<const uint8_t> body = env_.body(func_index_);
  const uint8_t* const begin = body.data();
  const uint8_t* const end = begin + body.size();
  const uint64_t base = env_.functions[func_index_].body_offset;
  // The inline loads and stores take memory 0 with i32 addresses; anything else (another
  // memory, memory64) goes the generic way.
  const bool has_memory = !env_.memories.empty() && !env_.memories[0].type.is64;
  // local_types_ holds every local's type when dense; otherwise locals go the generic way.
  const uint32_t dense_locals = static_cast<uint32_t>(local_types_.size());
  const uint8_t* p = begin + reader.pos();
  Operator op;

// Operand checks of the fixed-signature operators. Types must match exactly (kBottom, which
// only unreachable code produces, takes the generic path).
#define EGRET_UNARY(pt, rt)                                             \
  if (stack_.size() > frames_.back().height && stack_.back() == (pt)) { \
    stack_.back() = (rt);                                               \
    ++p;                                                                \
    continue;                                                           \
  }                                                                     \
  break
#define EGRET_BINARY(pt, rt)                                                                \
  {                                                                                         \
    const size_t n = stack_.size();                                                         \
    if (n >= frames_.back().height + 2 && stack_[n - 1] == (pt) && stack_[n - 2] == (pt)) { \
      stack_.pop_back();                                                                    \
      stack_.back() = (rt);                                                                 \
      ++p;                                                                                  \
      continue;                                                                             \
    }                                                                                       \
  }                                                                                         \
  break
#define EGRET_LOAD(rt, natural_align)                                        \
  {                                                                          \
    const uint8_t* q = p + 1;                                                \
    uint32_t align, offset;                                                  \
    if (has_memory && FastU32(q, end, &align) && align <= (natural_align) && \
        FastU32(q, end, &offset) && stack_.size() > frames_.back().height && \
        stack_.back() == kI32) {                                             \
      stack_.back() = (rt);                                                  \
      p = q;                                                                 \
      continue;                                                              \
    }                                                                        \
  }                                                                          \
  break
#define EGRET_STORE(vt, natural_align)                                                         \
  {                                                                                            \
    const uint8_t* q = p + 1;                                                                  \
    uint32_t align, offset;                                                                    \
    const size_t n = stack_.size();                                                            \
    if (has_memory && FastU32(q, end, &align) && align <= (natural_align) &&                   \
        FastU32(q, end, &offset) && n >= frames_.back().height + 2 && stack_[n - 1] == (vt) && \
        stack_[n - 2] == kI32) {                                                               \
      stack_.resize(n - 2);                                                                    \
      p = q;                                                                                   \
      continue;                                                                                \
    }                                                                                          \
  }                                                                                            \
  break

  for (;;) {
    if (p == end) return Malformed(base + (p - begin), "unexpected end (END opcode expected)");
    switch (kFast ? *p : 0xff) {  // 0xff is no opcode: straight to the generic path
      case 0x00:                  // unreachable
        SetUnreachable();
        ++p;
        continue;
      case 0x01:  // nop
        ++p;
        continue;
      case 0x02:    // block
      case 0x03: {  // loop
        std::span<const ValType> results;
        if (p + 1 == end || !FastBlockType(p[1], &results)) break;
        frames_.push_back(Frame{*p == 0x02 ? Op::kBlock : Op::kLoop,
                                {},
                                results,
                                static_cast<uint32_t>(stack_.size()),
                                false});
        p += 2;
        continue;
      }
      case 0x04: {  // if
        std::span<const ValType> results;
        if (p + 1 == end || !FastBlockType(p[1], &results)) break;
        if (stack_.size() <= frames_.back().height || stack_.back() != kI32) break;
        stack_.pop_back();
        frames_.push_back(Frame{Op::kIf, {}, results, static_cast<uint32_t>(stack_.size()), false});
        p += 2;
        continue;
      }
      case 0x05: {  // else
        Frame& f = frames_.back();
        if (f.op != Op::kIf || stack_.size() != f.height + f.results.size() || !TopIs(f.results))
          break;
        f.op = Op::kElse;
        f.unreachable = false;
        stack_.resize(f.height);
        PushValues(f.params);
        ++p;
        continue;
      }
      case 0x0b: {  // end
        const Frame& f = frames_.back();
        if (stack_.size() != f.height + f.results.size() || !TopIs(f.results)) break;
        if (f.op == Op::kIf &&
            !std::equal(f.params.begin(), f.params.end(), f.results.begin(), f.results.end()))
          break;
        // The results are already in place, right above the frame's height.
        frames_.pop_back();
        ++p;
        if (frames_.empty()) goto done;
        continue;
      }
      case 0x0c: {  // br
        const uint8_t* q = p + 1;
        uint32_t depth;
        if (!FastU32(q, end, &depth) || depth >= frames_.size()) break;
        if (!TopIs(LabelTypes(frames_[frames_.size() - 1 - depth]))) break;
        SetUnreachable();
        p = q;
        continue;
      }
      case 0x0d: {  // br_if
        const uint8_t* q = p + 1;
        uint32_t depth;
        if (!FastU32(q, end, &depth) || depth >= frames_.size()) break;
        if (stack_.size() <= frames_.back().height || stack_.back() != kI32) break;
        if (!TopIs(LabelTypes(frames_[frames_.size() - 1 - depth]), 1)) break;
        stack_.pop_back();
        p = q;
        continue;
      }
      case 0x0f:  // return
        if (!TopIs(frames_.front().results)) break;
        SetUnreachable();
        ++p;
        continue;
      case 0x10: {  // call
        const uint8_t* q = p + 1;
        uint32_t callee;
        if (!FastU32(q, end, &callee) || callee >= env_.functions.size()) break;
        const FuncType& t = env_.function_type(callee);
        const std::span<const ValType> params = t.params();
        if (!TopIs(params)) break;
        stack_.resize(stack_.size() - params.size());
        PushValues(t.results());
        p = q;
        continue;
      }
      case 0x11: {  // call_indirect
        const uint8_t* q = p + 1;
        uint32_t type, table;
        if (!FastU32(q, end, &type) || !FastU32(q, end, &table)) break;
        if (type >= env_.types.size() || table >= env_.tables.size() ||
            env_.tables[table].type.elem != ValType::kFuncRef)
          break;
        if (stack_.size() <= frames_.back().height || stack_.back() != kI32) break;
        const FuncType& t = env_.types[type];
        const std::span<const ValType> params = t.params();
        if (!TopIs(params, 1)) break;
        stack_.resize(stack_.size() - 1 - params.size());
        PushValues(t.results());
        p = q;
        continue;
      }
      case 0x1a:  // drop
        if (stack_.size() <= frames_.back().height) break;
        stack_.pop_back();
        ++p;
        continue;
      case 0x1b: {  // select
        const size_t n = stack_.size();
        if (n < frames_.back().height + 3 || stack_[n - 1] != kI32) break;
        if (stack_[n - 2] != stack_[n - 3] || !IsNumType(stack_[n - 2])) break;
        stack_.resize(n - 2);
        ++p;
        continue;
      }
      case 0x20: {  // local.get
        const uint8_t* q = p + 1;
        uint32_t local;
        if (!FastU32(q, end, &local) || local >= dense_locals) break;
        stack_.push_back(local_types_[local]);
        p = q;
        continue;
      }
      case 0x21:    // local.set
      case 0x22: {  // local.tee
        const uint8_t* q = p + 1;
        uint32_t local;
        if (!FastU32(q, end, &local) || local >= dense_locals) break;
        if (stack_.size() <= frames_.back().height || stack_.back() != local_types_[local]) break;
        if (*p == 0x21) stack_.pop_back();
        p = q;
        continue;
      }
      case 0x23: {  // global.get
        const uint8_t* q = p + 1;
        uint32_t global;
        if (!FastU32(q, end, &global) || global >= env_.globals.size()) break;
        stack_.push_back(env_.globals[global].type.type);
        p = q;
        continue;
      }
      case 0x24: {  // global.set
        const uint8_t* q = p + 1;
        uint32_t global;
        if (!FastU32(q, end, &global) || global >= env_.globals.size()) break;
        const GlobalType& g = env_.globals[global].type;
        if (!g.mut || stack_.size() <= frames_.back().height || stack_.back() != g.type) break;
        stack_.pop_back();
        p = q;
        continue;
      }
      case 0x28:
        EGRET_LOAD(kI32, 2);  // i32.load
      case 0x29:
        EGRET_LOAD(kI64, 3);  // i64.load
      case 0x2a:
        EGRET_LOAD(kF32, 2);  // f32.load
      case 0x2b:
        EGRET_LOAD(kF64, 3);  // f64.load
      case 0x2c:              // i32.load8_s
      case 0x2d:
        EGRET_LOAD(kI32, 0);  // i32.load8_u
      case 0x2e:              // i32.load16_s
      case 0x2f:
        EGRET_LOAD(kI32, 1);  // i32.load16_u
      case 0x30:              // i64.load8_s
      case 0x31:
        EGRET_LOAD(kI64, 0);  // i64.load8_u
      case 0x32:              // i64.load16_s
      case 0x33:
        EGRET_LOAD(kI64, 1);  // i64.load16_u
      case 0x34:              // i64.load32_s
      case 0x35:
        EGRET_LOAD(kI64, 2);  // i64.load32_u
      case 0x36:
        EGRET_STORE(kI32, 2);  // i32.store
      case 0x37:
        EGRET_STORE(kI64, 3);  // i64.store
      case 0x38:
        EGRET_STORE(kF32, 2);  // f32.store
      case 0x39:
        EGRET_STORE(kF64, 3);  // f64.store
      case 0x3a:
        EGRET_STORE(kI32, 0);  // i32.store8
      case 0x3b:
        EGRET_STORE(kI32, 1);  // i32.store16
      case 0x3c:
        EGRET_STORE(kI64, 0);  // i64.store8
      case 0x3d:
        EGRET_STORE(kI64, 1);  // i64.store16
      case 0x3e:
        EGRET_STORE(kI64, 2);  // i64.store32
      case 0x41: {             // i32.const
        const uint8_t* q = p + 1;
        if (!SkipSignedLeb(q, end, 32)) break;
        stack_.push_back(kI32);
        p = q;
        continue;
      }
      case 0x42: {  // i64.const
        const uint8_t* q = p + 1;
        if (!SkipSignedLeb(q, end, 64)) break;
        stack_.push_back(kI64);
        p = q;
        continue;
      }
      case 0x43:  // f32.const
        if (end - p < 5) break;
        stack_.push_back(kF32);
        p += 5;
        continue;
      case 0x44:  // f64.const
        if (end - p < 9) break;
        stack_.push_back(kF64);
        p += 9;
        continue;
      case 0x45:
        EGRET_UNARY(kI32, kI32);  // i32.eqz
      case 0x46:
      case 0x47:
      case 0x48:
      case 0x49:
      case 0x4a:
      case 0x4b:
      case 0x4c:
      case 0x4d:
      case 0x4e:
      case 0x4f:
        EGRET_BINARY(kI32, kI32);  // i32 comparisons
      case 0x50:
        EGRET_UNARY(kI64, kI32);  // i64.eqz
      case 0x51:
      case 0x52:
      case 0x53:
      case 0x54:
      case 0x55:
      case 0x56:
      case 0x57:
      case 0x58:
      case 0x59:
      case 0x5a:
        EGRET_BINARY(kI64, kI32);  // i64 comparisons
      case 0x5b:
      case 0x5c:
      case 0x5d:
      case 0x5e:
      case 0x5f:
      case 0x60:
        EGRET_BINARY(kF32, kI32);  // f32 comparisons
      case 0x61:
      case 0x62:
      case 0x63:
      case 0x64:
      case 0x65:
      case 0x66:
        EGRET_BINARY(kF64, kI32);  // f64 comparisons
      case 0x67:
      case 0x68:
      case 0x69:
        EGRET_UNARY(kI32, kI32);  // i32 clz ctz popcnt
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x6d:
      case 0x6e:
      case 0x6f:
      case 0x70:
      case 0x71:
      case 0x72:
      case 0x73:
      case 0x74:
      case 0x75:
      case 0x76:
      case 0x77:
      case 0x78:
        EGRET_BINARY(kI32, kI32);  // i32 add .. rotr
      case 0x79:
      case 0x7a:
      case 0x7b:
        EGRET_UNARY(kI64, kI64);  // i64 clz ctz popcnt
      case 0x7c:
      case 0x7d:
      case 0x7e:
      case 0x7f:
      case 0x80:
      case 0x81:
      case 0x82:
      case 0x83:
      case 0x84:
      case 0x85:
      case 0x86:
      case 0x87:
      case 0x88:
      case 0x89:
      case 0x8a:
        EGRET_BINARY(kI64, kI64);  // i64 add .. rotr
      case 0x8b:
      case 0x8c:
      case 0x8d:
      case 0x8e:
      case 0x8f:
      case 0x90:
      case 0x91:
        EGRET_UNARY(kF32, kF32);  // f32 abs .. sqrt
      case 0x92:
      case 0x93:
      case 0x94:
      case 0x95:
      case 0x96:
      case 0x97:
      case 0x98:
        EGRET_BINARY(kF32, kF32);  // f32 add .. copysign
      case 0x99:
      case 0x9a:
      case 0x9b:
      case 0x9c:
      case 0x9d:
      case 0x9e:
      case 0x9f:
        EGRET_UNARY(kF64, kF64);  // f64 abs .. sqrt
      case 0xa0:
      case 0xa1:
      case 0xa2:
      case 0xa3:
      case 0xa4:
      case 0xa5:
      case 0xa6:
        EGRET_BINARY(kF64, kF64);  // f64 add .. copysign
      case 0xa7:
        EGRET_UNARY(kI64, kI32);  // i32.wrap_i64
      case 0xa8:
      case 0xa9:
        EGRET_UNARY(kF32, kI32);  // i32.trunc_f32_s/u
      case 0xaa:
      case 0xab:
        EGRET_UNARY(kF64, kI32);  // i32.trunc_f64_s/u
      case 0xac:
      case 0xad:
        EGRET_UNARY(kI32, kI64);  // i64.extend_i32_s/u
      case 0xae:
      case 0xaf:
        EGRET_UNARY(kF32, kI64);  // i64.trunc_f32_s/u
      case 0xb0:
      case 0xb1:
        EGRET_UNARY(kF64, kI64);  // i64.trunc_f64_s/u
      case 0xb2:
      case 0xb3:
        EGRET_UNARY(kI32, kF32);  // f32.convert_i32_s/u
      case 0xb4:
      case 0xb5:
        EGRET_UNARY(kI64, kF32);  // f32.convert_i64_s/u
      case 0xb6:
        EGRET_UNARY(kF64, kF32);  // f32.demote_f64
      case 0xb7:
      case 0xb8:
        EGRET_UNARY(kI32, kF64);  // f64.convert_i32_s/u
      case 0xb9:
      case 0xba:
        EGRET_UNARY(kI64, kF64);  // f64.convert_i64_s/u
      case 0xbb:
        EGRET_UNARY(kF32, kF64);  // f64.promote_f32
      case 0xbc:
        EGRET_UNARY(kF32, kI32);  // i32.reinterpret_f32
      case 0xbd:
        EGRET_UNARY(kF64, kI64);  // i64.reinterpret_f64
      case 0xbe:
        EGRET_UNARY(kI32, kF32);  // f32.reinterpret_i32
      case 0xbf:
        EGRET_UNARY(kI64, kF64);  // f64.reinterpret_i64
      case 0xc0:
      case 0xc1:
        EGRET_UNARY(kI32, kI32);  // i32.extend8_s, extend16_s
      case 0xc2:
      case 0xc3:
      case 0xc4:
        EGRET_UNARY(kI64, kI64);  // i64.extend8/16/32_s
      default:
        break;
    }
    // The generic path: decode the operator strictly and apply the reference rules.
    reader.Seek(static_cast<size_t>(p - begin));
    if (Status st = reader.Read(&op); !st.ok()) {
      if (reader.last_error_unsupported())
        return Unsupported(st.error().offset, st.error().message);
      return Malformed(st.error().offset, st.error().message);
    }
    if (std::optional<WasmFeature> feature = OpFeature(op.op);
        feature && !env_.features.has(*feature)) [[unlikely]]
      return Unsupported(op.offset, DisabledMessage(*feature, OpName(op.op)));
    EGRET_TRY(Step(op, reader));
    p = begin + reader.pos();
    if (frames_.empty()) break;
  }
#undef EGRET_UNARY
#undef EGRET_BINARY
#undef EGRET_LOAD
#undef EGRET_STORE
done:
  if (p != end)
    return Malformed(base + (p - begin), "section size mismatch (bytes after the function's end)");
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
    case Op::kReturnCall:
    case Op::kReturnCallIndirect: {
      // The callee's results become the caller's: they must be exactly the caller's results.
      const FuncType* callee;
      if (op.op == Op::kReturnCall) {
        if (op.index >= env_.functions.size())
          return Invalid(op, "unknown function " + std::to_string(op.index));
        callee = &env_.function_type(op.index);
      } else {
        EGRET_TRY(CheckTable(op, op.index2));
        if (env_.tables[op.index2].type.elem != ValType::kFuncRef)
          return Invalid(op, "type mismatch: return_call_indirect needs a funcref table");
        if (op.index >= env_.types.size())
          return Invalid(op, "unknown type " + std::to_string(op.index));
        callee = &env_.types[op.index];
        EGRET_TRY(PopValue(op, ValType::kI32));
      }
      const std::span<const ValType> caller = frames_.front().results;
      if (!std::equal(callee->results().begin(), callee->results().end(), caller.begin(),
                      caller.end()))
        return Invalid(op, "type mismatch: the callee's results " +
                               TypeListString(callee->results()) + " differ from the caller's " +
                               TypeListString(caller));
      EGRET_TRY(PopValues(op, callee->params()));
      SetUnreachable();
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
      if (op.op == Op::kMemoryInit) EGRET_TRY(CheckMemory(op, op.memory));
      if (op.index >= env_.data_count.value_or(0))
        return Invalid(op, "unknown data segment " + std::to_string(op.index));
      if (op.op == Op::kMemoryInit) {
        const ValType args[3] = {AddressType(op.memory), ValType::kI32, ValType::kI32};
        return PopValues(op, args);
      }
      break;
    // The memory operators: their address operands (and memory.size/grow's sizes) have the
    // memory's address type.
    case Op::kMemorySize:
      EGRET_TRY(CheckMemory(op, op.memory));
      Push(AddressType(op.memory));
      return Status::Ok();
    case Op::kMemoryGrow:
      EGRET_TRY(CheckMemory(op, op.memory));
      EGRET_TRY(PopValue(op, AddressType(op.memory)));
      Push(AddressType(op.memory));
      return Status::Ok();
    case Op::kMemoryFill: {
      EGRET_TRY(CheckMemory(op, op.memory));
      const ValType a = AddressType(op.memory);
      const ValType args[3] = {a, ValType::kI32, a};
      return PopValues(op, args);
    }
    case Op::kMemoryCopy: {  // memory.copy dst src: the length is i64 only if both are memory64
      EGRET_TRY(CheckMemory(op, op.memory));
      EGRET_TRY(CheckMemory(op, op.memory2));
      const ValType d = AddressType(op.memory), s = AddressType(op.memory2);
      const ValType args[3] = {d, s, d == ValType::kI64 && s == ValType::kI64 ? d : ValType::kI32};
      return PopValues(op, args);
    }
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
  const OpInfo& info = GetOpInfo(op.op);
  const OpSig& sig = info.sig;
  EGRET_CHECK(sig.fixed);
  if ((info.imm == ImmKind::kMemArg || info.imm == ImmKind::kMemArgLane) &&
      env_.memories[op.memory].type.is64) {
    // Loads and stores of a memory64 memory: the address (the first operand) is an i64.
    ValType params[3];
    const std::span<const ValType> fixed = sig.param_span();
    EGRET_CHECK(!fixed.empty() && fixed.size() <= 3);
    std::copy(fixed.begin(), fixed.end(), params);
    params[0] = ValType::kI64;
    EGRET_TRY(PopValues(op, std::span<const ValType>(params, fixed.size())));
    if (sig.num_results) Push(sig.result);
    return Status::Ok();
  }
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
      EGRET_TRY(CheckMemory(op, op.memory));
      if (op.align > NaturalAlignLog2(op.op))
        return Invalid(op, "alignment must not be larger than natural");
      if (!env_.memories[op.memory].type.is64 && op.mem_offset > UINT32_MAX)
        return Invalid(op, "offset out of range (memory " + std::to_string(op.memory) + ")");
      // Atomic accesses (threads) take exactly their natural alignment.
      if (info.prefix == 0xfe && op.align != NaturalAlignLog2(op.op))
        return Invalid(op, "atomic alignment must be natural");
      if (info.imm == ImmKind::kMemArgLane && op.lane >= LaneCount(op.op))
        return Invalid(op, "invalid lane index");
      break;
    case ImmKind::kMemIdx:
      // atomic.fence's byte is reserved, not a memory index: it needs no memory.
      if (op.op != Op::kAtomicFence) EGRET_TRY(CheckMemory(op, op.memory));
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
