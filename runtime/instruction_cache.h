// instruction_cache.h: making freshly written machine code visible to instruction fetch.
//
// x86-64 keeps instruction fetch coherent with stores: nothing to do. aarch64 does not: after
// writing code through the data side, the written lines must be cleaned to the point of
// unification (dc cvau) and the instruction cache invalidated (ic ivau), then an isb discards
// anything the pipeline prefetched. __builtin___clear_cache does all three for the calling
// thread's core. Other cores' pipelines may still hold stale instructions for the same
// addresses (a code page unmapped and mapped again for another module), so on aarch64 the flush
// also asks the kernel for a process-wide core serialization (membarrier SYNC_CORE) when it is
// available.
//
// Invariant: CodeMemory calls FlushInstructionCache on every byte it wrote, after the last
// write and before the first call into it (code_memory.h).
#ifndef EGRET_RUNTIME_INSTRUCTION_CACHE_H_
#define EGRET_RUNTIME_INSTRUCTION_CACHE_H_

#include <cstddef>

namespace egret::runtime {

// Makes [start, start + size) safe to execute on every thread of the process. The range must be
// readable (it may already be read+execute).
void FlushInstructionCache(const void* start, size_t size);

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_INSTRUCTION_CACHE_H_
