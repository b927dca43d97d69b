// validator.h: the validation rules of Wasm 2.0 (spec chapter 3 and its appendix algorithm).
//
// Function bodies are checked with the spec's algorithm: an operand stack of value types (with
// an "unknown" type for values popped in unreachable code) and a control stack of frames that
// remember their block type, the operand-stack height at entry, and whether the rest of the
// frame is unreachable. Module-level rules (limits, constant expressions, exports, start,
// segments) are checked separately and first.
//
// One pass per body decodes and validates together: Run() dispatches on the opcode byte once and
// handles the common operators (locals, globals, constants, numeric operators, loads and stores,
// blocks, branches, calls) inline, reading their immediates straight from the bytes. Anything
// else, and any common operator whose fast check does not pass (a type mismatch, a long LEB128,
// an unknown index, unreachable code's unknown types), is decoded again by the OperatorReader and
// checked by the generic rules (Step), which are the reference: they produce every error, so the
// fast path only ever accepts what Step would accept and never reports anything itself.
//
// Errors carry the byte offset, the function index and the rule, e.g.
//   prog.wasm:0x2f: error: type mismatch in i32.add (func 3): expected [i32 i32], got [i32 f64]
// and a kind: decoding problems found while walking a body (unknown opcode, bad LEB128, missing
// data count section) are kMalformed, everything else kInvalid. Because the spec decodes the
// whole module before validating anything, a module that is both is reported as malformed.
#ifndef EGRET_FRONTEND_VALIDATOR_H_
#define EGRET_FRONTEND_VALIDATOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frontend/module_env.h"
#include "frontend/operator_reader.h"
#include "frontend/wasm_types.h"
#include "support/error.h"

namespace egret::wasm {

// Checks everything outside function bodies. Errors are invalid, except a disabled proposal's
// construct (extended-const arithmetic when off), unsupported: `*kind` gets the category.
Status ValidateModuleLevel(const ModuleEnv& env, ErrorKind* kind = nullptr);

// The validator's operand stack: a vector of types whose growth is out of line, so that a push
// inlines to a compare and a store. Storage is kept across functions.
class TypeStack {
 public:
  size_t size() const { return size_; }
  const ValType* data() const { return data_.get(); }
  ValType& back() { return data_[size_ - 1]; }
  ValType back() const { return data_[size_ - 1]; }
  ValType& operator[](size_t i) { return data_[i]; }
  ValType operator[](size_t i) const { return data_[i]; }
  void clear() { size_ = 0; }
  void pop_back() { --size_; }
  // Only ever shrinks (to a frame's height or below popped operands).
  void resize(size_t n) { size_ = n; }
  [[gnu::always_inline]] void push_back(ValType t) {
    if (size_ == capacity_) [[unlikely]]
      Grow(size_ + 1);
    data_[size_++] = t;
  }
  void append(std::span<const ValType> types) {
    if (size_ + types.size() > capacity_) Grow(size_ + types.size());
    for (ValType t : types) data_[size_++] = t;
  }

 private:
  void Grow(size_t min_capacity);
  std::unique_ptr<ValType[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// Checks one function body at a time; reusable across functions (it keeps its stacks' storage).
// Functions are independent, so several validators may run in parallel over one ModuleEnv.
class FunctionValidator {
 public:
  explicit FunctionValidator(const ModuleEnv& env) : env_(env) {}

  // `func_index` is in the module's function index space and must name a defined function.
  Status Validate(uint32_t func_index);
  // The category of the last failure of Validate().
  ErrorKind error_kind() const { return error_kind_; }
  // Testing: every operator through the generic rules, the reference the fast path is checked
  // against (tests/unit/frontend/fast_validator_test.cc). Same results, several times slower.
  void set_generic_only(bool generic_only) { generic_only_ = generic_only; }

 private:
  struct Frame {
    Op op;
    std::span<const ValType> params, results;
    uint32_t height;
    bool unreachable;
  };

  Status Run(OperatorReader& reader);
  // The fused decode-and-validate loop over the operators (after the locals); without kFast,
  // the same loop with only the generic path.
  template <bool kFast>
  Status RunBody(OperatorReader& reader);
  Status Step(const Operator& op, OperatorReader& reader);
  Status CheckOp(const Operator& op);

  Error Invalid(const Operator& op, std::string message);
  Error Malformed(uint64_t offset, std::string message);
  // A construct of a disabled or unimplemented proposal (wasm_features.h).
  Error Unsupported(uint64_t offset, std::string message);
  Error Mismatch(const Operator& op, std::span<const ValType> expected, size_t available);
  Error ExtraValues(const Operator& op, std::span<const ValType> expected, size_t extra);

  void Push(ValType t) { stack_.push_back(t); }
  void PushValues(std::span<const ValType> types) { stack_.append(types); }
  // Pops values of `expected` types (last on top); the error names the operator.
  Status PopValues(const Operator& op, std::span<const ValType> expected);
  // The same check without popping (br_table's non-default targets).
  Status CheckValues(const Operator& op, std::span<const ValType> expected);
  Status PopValue(const Operator& op, ValType expected) {
    return PopValues(op, SingleType(expected));
  }
  // Pops any one value (kBottom in unreachable code).
  Expected<ValType> PopAny(const Operator& op);
  void SetUnreachable();
  // Fast path: whether the top of the stack, `below` values down, holds exactly `types` (no
  // kBottom) above the current frame's height.
  bool TopIs(std::span<const ValType> types, size_t below = 0) const {
    const size_t n = types.size();
    const size_t size = stack_.size() - below;
    if (size < frames_.back().height + n) return false;
    for (size_t i = 0; i < n; ++i)
      if (stack_[size - n + i] != types[i]) return false;
    return true;
  }
  Status PushFrame(const Operator& op);
  Expected<ValType> LocalType(const Operator& op);
  // Fails unless memory `index` exists.
  Status CheckMemory(const Operator& op, uint32_t index);
  ValType AddressType(uint32_t memory) const { return env_.memories[memory].type.address_type(); }
  Status CheckTable(const Operator& op, uint32_t index);
  std::span<const ValType> LabelTypes(const Frame& f) const {
    return f.op == Op::kLoop ? f.params : f.results;
  }
  Expected<const Frame*> Label(const Operator& op, uint32_t depth);

  const ModuleEnv& env_;
  uint32_t func_index_ = 0;
  ErrorKind error_kind_ = ErrorKind::kInvalid;
  bool generic_only_ = false;
  TypeStack stack_;
  std::vector<Frame> frames_;
  std::vector<LocalGroup> local_groups_;
  std::vector<ValType> local_types_;       // dense when the count is small
  std::vector<uint64_t> local_group_end_;  // otherwise: prefix sums over local_groups_
  uint64_t num_locals_ = 0;
  std::vector<uint32_t> br_targets_;
};

// Module-level rules, then every function body. On failure returns the error with its kind.
// `jobs` threads validate bodies in parallel (0: one per core); the error is always the one
// sequential validation reports, that of the lowest-indexed invalid function.
std::optional<WasmError> ValidateModule(const ModuleEnv& env, uint32_t jobs = 1);

// Decodes and validates; the convenience entry point for tools. On failure `*error` is set.
// `features`: the proposals the module may use (--wasm-features).
std::optional<ModuleEnv> LoadModule(ModuleBytes bytes, std::string file, WasmError* error,
                                    uint32_t jobs = 1,
                                    WasmFeatures features = WasmFeatures::Default());

// Walks every body with the decoder alone, for the first malformed one (used to prefer
// malformed over invalid, as the spec does). Returns the error or nullopt.
std::optional<Error> FindMalformedBody(const ModuleEnv& env);

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_VALIDATOR_H_
