// interpreter.h: runs IR functions with exact Wasm semantics; the reference for differential
// testing of passes and backends, and the engine behind `; run:` lines in filetests.
//
// Semantics are those documented per opcode in docs/ir.md: integer arithmetic wraps, division
// traps (int_divz, int_ovf), shifts take their amount modulo the width, float arithmetic is IEEE
// 754 with round-to-nearest-even, trapping float->int conversions trap bad_toint on NaN and
// int_ovf out of range. NaN results are deterministic (Wasm allows a choice): if an operand is
// NaN the result is the first NaN operand made quiet, otherwise the positive canonical NaN. fneg,
// fabs, fcopysign and bitcasts only move bits, so payloads survive exactly. Vector float lanes
// follow the same rule lane by lane (op_semantics.h).
//
// Memory is a sandbox: the heap occupies addresses [0, heap_size); stack slots of the active
// frames live at kStackBase and above; func_addr yields kFuncBase + the callee's index in the
// module (host functions follow the module's). An access outside these regions traps with the
// instruction's trap code (heap_oob by default), or is an interpreter error if the instruction
// promised `notrap`. Calls resolve by name in the module; recursion deeper than max_call_depth
// traps stk_ovf; running more than max_steps instructions is an error (so a test with an infinite
// loop ends).
//
// The function must pass the verifier; the interpreter checks only what it needs for memory
// safety of the host.
#ifndef EGRET_IR_INTERPRETER_H_
#define EGRET_IR_INTERPRETER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/function.h"
#include "support/trap_code.h"

namespace egret::ir {

// A value with its type; integers are zero-extended to 64 bits, f32 occupies the low 32 bits;
// a vector's 128 bits are bits (bytes 0..7) and hi (bytes 8..15), see V128.
struct DataValue {
  Type type = Type::kInvalid;
  uint64_t bits = 0;
  uint64_t hi = 0;  // vectors only
  V128 vec() const { return V128{bits, hi}; }
  static DataValue Vector(Type t, const V128& v) { return DataValue{t, v.lo, v.hi}; }
  friend bool operator==(DataValue, DataValue) = default;
};
// `-1` for integers (signed), float as printed in IR, vectors as lanes `[1 2 3 4]`.
std::string FormatDataValue(DataValue v);

struct InterpOptions {
  uint64_t heap_size = 64 * 1024;
  uint64_t max_steps = 50'000'000;
  uint32_t max_call_depth = 500;
  // Heap addresses below this fault (the access traps with its instruction's trap code), like
  // the never-mapped first page of a native process: Wasm translations that read a field of a
  // null pointer to trap (call_indirect's type id load is its null check) set it to 4096 and
  // place their data above it. 0: the whole heap is accessible.
  uint64_t unmapped_low = 0;
};

struct InterpResult {
  enum class Kind { kReturned, kTrapped, kError };
  Kind kind = Kind::kReturned;
  std::vector<DataValue> values;           // kReturned
  TrapCode trap = TrapCode::kUnreachable;  // kTrapped
  std::string error;                       // kError: what went wrong (not a Wasm trap)
};

class Interpreter {
 public:
  static constexpr uint64_t kStackBase = uint64_t{1} << 40;
  static constexpr uint64_t kFuncBase = uint64_t{1} << 48;

  explicit Interpreter(const Module& module, InterpOptions options = {});

  // Calls the function named `name` with `args` (types must match its signature).
  InterpResult Call(std::string_view name, std::span<const DataValue> args);

  // A function the module calls but does not define (a runtime builtin, an import). It gets the
  // arguments and the interpreter (for its heap) and returns values, a trap, or an error.
  using HostFunction = std::function<InterpResult(std::span<const DataValue>, Interpreter&)>;
  // `call %name` and func_addr/call_indirect of `%name` reach `fn` when the module has no
  // function of that name. `sig` is checked at each call like a module function's.
  void DefineHostFunction(std::string name, Signature sig, HostFunction fn);
  // The sandbox heap, for tests to set up or inspect memory.
  std::vector<uint8_t>& heap() { return heap_; }
  uint64_t steps() const { return steps_; }

 private:
  struct Frame;
  // A tail call a frame asks Run to make once the frame is gone.
  struct TailCall {
    const Function* callee = nullptr;
    const HostFunction* host = nullptr;
    std::vector<DataValue> args;
  };
  // Runs `f` and the chain of functions it tail-calls, each in place of the previous one (one
  // frame of C++ stack and of stack slots at a time, so tail recursion runs in constant space).
  InterpResult Run(const Function& f, std::span<const DataValue> args, uint32_t depth);
  // One frame; on return_call*, fills *tail and returns an empty kReturned result.
  InterpResult RunFrame(const Function& f, std::span<const DataValue> args, uint32_t depth,
                        TailCall* tail);
  // Resolves [addr, addr+n) to host memory, or nullptr if outside the sandbox.
  uint8_t* Resolve(uint64_t addr, uint64_t n);

  struct Host {
    std::string name;
    Signature sig;
    HostFunction fn;
  };
  const Host* FindHost(std::string_view name) const;

  const Module& module_;
  InterpOptions options_;
  std::vector<Host> hosts_;  // func_addr of host k is kFuncBase + module size + k
  std::vector<uint8_t> heap_;
  std::vector<uint8_t> stack_;  // stack slots of active frames, allocated LIFO
  uint64_t steps_ = 0;
};

}  // namespace egret::ir

#endif  // EGRET_IR_INTERPRETER_H_
