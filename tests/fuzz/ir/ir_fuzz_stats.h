// ir_fuzz_stats.h: counters of what ir_fuzz.cc compared, for the corpus replay's report.
#ifndef EGRET_TESTS_FUZZ_IR_IR_FUZZ_STATS_H_
#define EGRET_TESTS_FUZZ_IR_IR_FUZZ_STATS_H_

#include <cstdint>

#include "support/trap_code.h"

namespace egret::fuzz {

struct IrFuzzStats {
  uint64_t returns = 0;  // oracle calls that returned
  uint64_t traps = 0;    // oracle calls that trapped
  uint64_t traps_by_code[kNumTrapCodes] = {};
  uint64_t comparisons = 0;   // configuration outcomes compared with the oracle
  uint64_t native_calls = 0;  // of which natively compiled calls
};

// Totals since the process started.
const IrFuzzStats& GetIrFuzzStats();

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_IR_IR_FUZZ_STATS_H_
