// code_registry.h: the process-wide map from a PC to the compiled module that owns it.
//
// The trap handler asks "is this faulting PC in Wasm code, and whose?" from inside a signal
// handler, so Lookup() must be async-signal-safe: no locks, no allocation. The design:
//
//   - The registry is an immutable sorted array of {start, end, artifact} (a snapshot) behind
//     an atomic pointer. Lookup loads the pointer and binary-searches: O(log n), lock-free.
//   - Writers (Register/Unregister, rare: once per module load/unload) serialize on a mutex,
//     copy the current snapshot with the change applied, and publish the copy atomically.
//   - Reclamation: a reader announces itself in `readers_` before loading the pointer and
//     withdraws after its last access. A writer retires the old snapshot and frees retired
//     snapshots only when it observes `readers_ == 0` after publishing. With sequentially
//     consistent operations, a reader that the writer does not see has either finished, or
//     announced itself after the writer's check and therefore loads the new snapshot; so no
//     reader ever touches freed memory. Retired snapshots are freed at a later write.
//
// A mutex-free read side matters beyond signals: a reader holding a lock could deadlock if the
// signal interrupted a writer on the same thread. A read-write lock could not offer that.
#ifndef EGRET_RUNTIME_CODE_REGISTRY_H_
#define EGRET_RUNTIME_CODE_REGISTRY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "artifact/artifact.h"
#include "support/error.h"

namespace egret::runtime {

struct CodeEntry {
  uintptr_t start = 0;                           // first byte of the text section in code memory
  uintptr_t end = 0;                             // one past the last byte
  const artifact::Artifact* artifact = nullptr;  // trap table, function ranges, names
};

class CodeRegistry {
 public:
  // The registry the trap handler consults.
  static CodeRegistry& Global();

  CodeRegistry() = default;
  ~CodeRegistry();
  CodeRegistry(const CodeRegistry&) = delete;
  CodeRegistry& operator=(const CodeRegistry&) = delete;

  // Fails if the range is empty or overlaps a registered one.
  Status Register(const CodeEntry& entry);
  // Removes the entry that starts at `start`; returns false if there is none.
  bool Unregister(uintptr_t start);

  // Async-signal-safe: the entry whose [start, end) contains pc.
  std::optional<CodeEntry> Lookup(uintptr_t pc) const;

  size_t size() const;

 private:
  // A header followed in the same allocation by n entries sorted by start.
  struct Snapshot {
    size_t n;
    size_t reserved;
    CodeEntry* entries() { return reinterpret_cast<CodeEntry*>(this + 1); }
    const CodeEntry* entries() const { return reinterpret_cast<const CodeEntry*>(this + 1); }
  };
  static Snapshot* NewSnapshot(size_t n);
  void PublishLocked(Snapshot* next);

  std::mutex write_mu_;
  std::atomic<Snapshot*> current_{nullptr};
  mutable std::atomic<size_t> readers_{0};
  std::vector<Snapshot*> retired_;  // guarded by write_mu_
};

// Registers [start, end) for its lifetime.
class CodeRegistration {
 public:
  CodeRegistration() = default;
  static Expected<CodeRegistration> Create(const CodeEntry& entry,
                                           CodeRegistry& registry = CodeRegistry::Global());
  CodeRegistration(CodeRegistration&& o) noexcept : registry_(o.registry_), start_(o.start_) {
    o.registry_ = nullptr;
  }
  CodeRegistration& operator=(CodeRegistration&& o) noexcept;
  ~CodeRegistration() { Reset(); }
  void Reset();

 private:
  CodeRegistry* registry_ = nullptr;
  uintptr_t start_ = 0;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_CODE_REGISTRY_H_
