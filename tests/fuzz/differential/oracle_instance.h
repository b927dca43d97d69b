// oracle_instance.h: the differential target's reference execution, a module instance whose code
// is the frontend's IR run by the IR interpreter (ir/interpreter.h).
//
// The translated IR is the same IR the compiler lowers, so this oracle checks everything after
// the frontend: the mid-end passes, instruction selection, register allocation, emission, the
// artifact and the runtime's builtins and trap handling. It does not check the translation
// itself (both sides share it); the spec testsuite's interpreter runs do that.
//
// The IR reads everything instance-specific from a VMContext, so OracleInstance builds a real
// VMContext image, laid out by VMContextLayout, inside the interpreter's sandbox heap:
//
//   [16, 16 + layout.size)  the VMContext: fuel counter, type-id pointer, table and memory
//                           records {base, length}, globals inline, a VMFuncRef per function
//                           (wasm_call = the interpreter's address of the IR function)
//   then                    type ids (u32 per type; structurally equal types share an id),
//                           each table's elements at its declared maximum capacity (u64 each)
//   then, 64 KiB aligned    linear memory, reserved at its declared maximum (at most 64 pages)
//
// and defines every runtime builtin the translator calls (`egret_builtin_memory_grow`, ...,
// docs/frontend.md) as an interpreter host function with Wasm 2.0 semantics: bounds checks
// before any write, heap_oob / table_oob traps, segments dropped by data.drop / elem.drop and
// after instantiation (active and declarative ones), growth failing with -1 past the declared
// maximum. The code is translated with explicit bounds checks (the sandbox has no guard pages)
// and with fuel, and the fuel counter is set to -budget before each call, as the runtime does.
//
// Imported functions are interpreter host functions computing host_import.h's results; their
// VMContext import records and VMFuncRefs point at them.
//
// Limits (results are then inconclusive, never wrong): growth past the sandbox's capacity when
// the declared maximum would allow it, and interpreter errors (step limit). Modules importing
// anything but functions cannot be hosted.
#ifndef EGRET_TESTS_FUZZ_DIFFERENTIAL_ORACLE_INSTANCE_H_
#define EGRET_TESTS_FUZZ_DIFFERENTIAL_ORACLE_INSTANCE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "frontend/module_env.h"
#include "frontend/vmctx_layout.h"
#include "ir/function.h"
#include "ir/interpreter.h"
#include "tests/fuzz/differential/outcome.h"

namespace egret::fuzz {

class OracleInstance {
 public:
  // Translates and instantiates `env` (which must outlive the instance). `*init` tells how
  // instantiation went: returned, trapped (a segment or the start function; the instance is then
  // unusable) or inconclusive. nullptr, with the reason in `*why`, if the module cannot be hosted.
  static std::unique_ptr<OracleInstance> Create(const wasm::ModuleEnv& env, uint64_t fuel,
                                                CallOutcome* init, std::string* why);

  // Calls function `func_index` with normalised arguments (outcome.h) and a fresh fuel budget.
  CallOutcome Call(uint32_t func_index, std::span<const uint64_t> args, uint64_t fuel);
  InstanceState State() const;

 private:
  struct TableInfo {
    uint64_t base = 0;      // sandbox address of element 0
    uint64_t capacity = 0;  // elements the sandbox region holds
    uint64_t max = 0;       // declared maximum (or the runtime's cap)
    uint32_t record = 0;    // VMContext offset of {base, length}
    bool mirrored = false;  // fixed-size funcref table: code pointers at base + 8 * capacity
  };
  struct ElemState {
    std::vector<uint64_t> values;  // evaluated items: VMFuncRef addresses, 0 for null
    bool dropped = false;
  };

  OracleInstance() = default;
  Status Instantiate(uint64_t fuel, CallOutcome* init);
  Status DefineImports();
  void DefineBuiltins();
  CallOutcome Run(uint32_t func_index, std::span<const ir::DataValue> args, uint64_t fuel);

  uint64_t Get64(uint64_t addr) const;
  void Put64(uint64_t addr, uint64_t v);
  // Refreshes the code mirror of table t's elements [b, e) (runtime/table.h); no-op without one.
  void SyncCodes(uint32_t t, uint64_t b, uint64_t e);
  uint64_t MemoryLength() const { return Get64(vm_ + memory_record_ + 8); }
  uint64_t TableLength(uint32_t t) const { return Get64(vm_ + tables_[t].record + 8); }
  // A VMFuncRef address -> function index + 1 (0 for null).
  uint64_t NormaliseFuncRef(uint64_t addr) const;
  uint64_t Normalise(wasm::ValType t, uint64_t bits) const;
  uint64_t Denormalise(wasm::ValType t, uint64_t value) const;

  const wasm::ModuleEnv* env_ = nullptr;
  wasm::VMContextLayout layout_;
  std::vector<std::string> symbols_;
  std::unique_ptr<ir::Module> module_;
  std::unique_ptr<ir::Interpreter> interp_;
  uint64_t vm_ = 0;
  uint64_t limits_ = 0;  // the store limits record VMContextLayout::kStoreLimits points to
  bool has_memory_ = false;
  uint32_t memory_record_ = 0;
  uint64_t mem_base_ = 0, mem_capacity_pages_ = 0, mem_max_pages_ = 0;
  std::vector<TableInfo> tables_;
  std::vector<ElemState> elems_;
  std::vector<bool> data_dropped_;
  uint64_t host_calls_ = 0;  // imported-function calls so far (host_import.h)
};

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_DIFFERENTIAL_ORACLE_INSTANCE_H_
