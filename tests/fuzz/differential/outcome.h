// outcome.h: what the differential target compares, in a form both executions produce.
//
// Values are normalised so that equal Wasm values compare equal whatever engine produced them:
// i32/f32 are their 32 bits, i64/f64 their 64 bits (so NaNs compare by bits), a funcref is the
// index of the function it names plus one (0 for null; the pointers differ between the
// interpreter's sandbox and the runtime), and an externref is the host value it carries (the
// harness passes small integers in, so both sides see the same bits).
#ifndef EGRET_TESTS_FUZZ_DIFFERENTIAL_OUTCOME_H_
#define EGRET_TESTS_FUZZ_DIFFERENTIAL_OUTCOME_H_

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/wasm_types.h"
#include "support/trap_code.h"

namespace egret::fuzz {

struct CallOutcome {
  enum class Kind : uint8_t {
    kReturned,
    kTrapped,
    // The execution cannot be compared: a stack overflow (the two engines' depths differ), or
    // something the harness cannot model (growth beyond the sandbox). Ends the module's run.
    kInconclusive,
  };
  Kind kind = Kind::kReturned;
  std::vector<uint64_t> values;  // normalised, kReturned only
  TrapCode trap = TrapCode::kUnreachable;
  std::string note;  // kInconclusive: why

  std::string ToString(const std::vector<wasm::ValType>& types) const;
  friend bool operator==(const CallOutcome& a, const CallOutcome& b) {
    return a.kind == b.kind && a.values == b.values &&
           (a.kind != Kind::kTrapped || a.trap == b.trap);
  }
};

// Everything a call may change that the embedder can observe.
struct InstanceState {
  std::vector<uint8_t> memory;    // memory 0, whole current length (empty without a memory)
  std::vector<uint64_t> globals;  // normalised, every global in index order
  std::vector<std::vector<uint64_t>> tables;  // normalised elements, every table
  friend bool operator==(const InstanceState&, const InstanceState&) = default;
};

// "memory: 65536 vs 131072 bytes" / "memory[0x1234]: 0x05 vs 0x00" / "global 2: ..." / "".
std::string DescribeStateDifference(const InstanceState& a, const InstanceState& b);

// A normalised value as text: "i32:0x0000002a", "f64:0x7ff8000000000000", "funcref:f3".
std::string FormatValue(wasm::ValType type, uint64_t value);

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_DIFFERENTIAL_OUTCOME_H_
