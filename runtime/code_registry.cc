// code_registry.cc: see code_registry.h for the publication and reclamation protocol.
#include "runtime/code_registry.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace egret::runtime {

CodeRegistry& CodeRegistry::Global() {
  // Never destroyed: signal handlers may run during static destruction.
  static CodeRegistry* registry = new CodeRegistry();
  return *registry;
}

CodeRegistry::~CodeRegistry() {
  std::free(current_.load());
  for (Snapshot* s : retired_) std::free(s);
}

CodeRegistry::Snapshot* CodeRegistry::NewSnapshot(size_t n) {
  const size_t bytes = sizeof(Snapshot) + n * sizeof(CodeEntry);
  auto* s = static_cast<Snapshot*>(std::malloc(bytes));
  EGRET_CHECK(s != nullptr);
  s->n = n;
  return s;
}

void CodeRegistry::PublishLocked(Snapshot* next) {
  Snapshot* old = current_.exchange(next, std::memory_order_seq_cst);
  if (old != nullptr) retired_.push_back(old);
  if (readers_.load(std::memory_order_seq_cst) == 0) {
    for (Snapshot* s : retired_) std::free(s);
    retired_.clear();
  }
}

Status CodeRegistry::Register(const CodeEntry& entry) {
  if (entry.end <= entry.start) return Error("code registry: empty code range");
  std::lock_guard<std::mutex> lock(write_mu_);
  const Snapshot* cur = current_.load();
  const size_t n = cur ? cur->n : 0;
  const CodeEntry* begin = cur ? cur->entries() : nullptr;
  const CodeEntry* pos =
      std::lower_bound(begin, begin + n, entry.start,
                       [](const CodeEntry& e, uintptr_t start) { return e.start < start; });
  const size_t i = size_t(pos - begin);
  if ((i < n && begin[i].start < entry.end) || (i > 0 && begin[i - 1].end > entry.start))
    return Error("code registry: code range overlaps a registered one");
  Snapshot* next = NewSnapshot(n + 1);
  std::copy(begin, begin + i, next->entries());
  next->entries()[i] = entry;
  std::copy(begin + i, begin + n, next->entries() + i + 1);
  PublishLocked(next);
  return Status::Ok();
}

bool CodeRegistry::Unregister(uintptr_t start) {
  std::lock_guard<std::mutex> lock(write_mu_);
  const Snapshot* cur = current_.load();
  if (cur == nullptr) return false;
  const CodeEntry* begin = cur->entries();
  const CodeEntry* pos = std::lower_bound(
      begin, begin + cur->n, start, [](const CodeEntry& e, uintptr_t s) { return e.start < s; });
  if (pos == begin + cur->n || pos->start != start) return false;
  const size_t i = size_t(pos - begin);
  Snapshot* next = NewSnapshot(cur->n - 1);
  std::copy(begin, begin + i, next->entries());
  std::copy(begin + i + 1, begin + cur->n, next->entries() + i);
  PublishLocked(next);
  return true;
}

std::optional<CodeEntry> CodeRegistry::Lookup(uintptr_t pc) const {
  readers_.fetch_add(1, std::memory_order_seq_cst);
  const Snapshot* s = current_.load(std::memory_order_seq_cst);
  std::optional<CodeEntry> found;
  if (s != nullptr) {
    // Binary search by hand: nothing here may allocate or take a lock.
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (s->entries()[mid].start <= pc)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo > 0 && pc < s->entries()[lo - 1].end) found = s->entries()[lo - 1];
  }
  readers_.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

size_t CodeRegistry::size() const {
  readers_.fetch_add(1, std::memory_order_seq_cst);
  const Snapshot* s = current_.load(std::memory_order_seq_cst);
  const size_t n = s ? s->n : 0;
  readers_.fetch_sub(1, std::memory_order_seq_cst);
  return n;
}

Expected<CodeRegistration> CodeRegistration::Create(const CodeEntry& entry,
                                                    CodeRegistry& registry) {
  EGRET_TRY(registry.Register(entry));
  CodeRegistration r;
  r.registry_ = &registry;
  r.start_ = entry.start;
  return r;
}

CodeRegistration& CodeRegistration::operator=(CodeRegistration&& o) noexcept {
  if (this != &o) {
    Reset();
    registry_ = o.registry_;
    start_ = o.start_;
    o.registry_ = nullptr;
  }
  return *this;
}

void CodeRegistration::Reset() {
  if (registry_ != nullptr) registry_->Unregister(start_);
  registry_ = nullptr;
}

}  // namespace egret::runtime
