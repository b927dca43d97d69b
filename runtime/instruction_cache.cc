// instruction_cache.cc: see instruction_cache.h.
#include "runtime/instruction_cache.h"

#include <cstdint>

#if defined(__aarch64__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>
#endif

namespace egret::runtime {
namespace {

#if defined(__aarch64__)
// Registers once for MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE (Linux 4.16+). Without it (an
// older kernel, or an emulator that does not pass the call through), the isb of the writing
// thread is all there is; threads that never ran code at these addresses are unaffected.
bool SyncCoreAvailable() {
  static std::once_flag once;
  static bool available = false;
  std::call_once(once, [] {
    available =
        syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0) == 0;
  });
  return available;
}
#elif !defined(__x86_64__)
#error "runtime: instruction-cache maintenance supports x86-64 and aarch64 only"
#endif

}  // namespace

void FlushInstructionCache(const void* start, size_t size) {
  if (size == 0) return;
  char* begin = static_cast<char*>(const_cast<void*>(start));
  // A no-op on x86-64; dc cvau + ic ivau + dsb + isb over the range on aarch64.
  __builtin___clear_cache(begin, begin + size);
#if defined(__aarch64__)
  if (SyncCoreAvailable()) syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0);
#endif
}

}  // namespace egret::runtime
