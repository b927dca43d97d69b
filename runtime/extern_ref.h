// extern_ref.h: host references (externref) with reference counts, and the per-store
// activations table of deferred reference counting (docs/runtime.md, "Host references").
//
// An externref value is, everywhere the runtime and compiled code see it, a `VMExternData*` (or
// nullptr for the null reference): a heap record holding the host value, its destructor, a type
// tag and a reference count. The count is the number of *owners*:
//
//   - ExternRef handles held by the host (RAII: copy = clone, destructor = drop);
//   - Val values of type externref (a Val holds an ExternRef);
//   - table elements and global slots of type externref (a slot owns one count per element);
//   - evaluated element segments of type externref, until elem.drop or instance teardown;
//   - entries of a store's activations table (one count per entry, duplicates allowed).
//
// References in Wasm frames (registers, spill slots) are *not* counted: Wasm code moves raw
// pointers with no count traffic. Every reference that flows into Wasm (an argument from the
// host, a host function's result, table.get, global.get) is first inserted into the store's
// activations table, which owns it until a garbage collection finds it in no live Wasm frame.
// When the count reaches zero the destructor runs, exactly once, and the record is freed.
//
// Thread-safety: the count is atomic (relaxed increments, acquire-release decrements), so an
// ExternRef may be cloned and dropped on several threads at once (threads proposal: stores on
// several threads share memories, and hosts pass objects between them). The activations table
// belongs to one Store and is used by the thread that uses the store.
#ifndef EGRET_RUNTIME_EXTERN_REF_H_
#define EGRET_RUNTIME_EXTERN_REF_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace egret::runtime {

// The record behind an externref. Compiled code never looks inside it.
struct VMExternData {
  std::atomic<uint64_t> ref_count{1};
  void* value = nullptr;                   // the host value
  const void* type_tag = nullptr;          // identifies value's C++ type (ExternRef::TypeTag<T>)
  void (*destroy)(void* value) = nullptr;  // runs once when the count reaches zero; may be null
};

// Count operations on raw references; null is ignored.
inline void ExternRefRetain(VMExternData* d, uint64_t n = 1) {
  if (d != nullptr) d->ref_count.fetch_add(n, std::memory_order_relaxed);
}
// Drops one count; at zero, runs the destructor and frees the record.
void ExternRefReleaseSlow(VMExternData* d);
inline void ExternRefRelease(VMExternData* d) {
  if (d != nullptr && d->ref_count.fetch_sub(1, std::memory_order_acq_rel) == 1)
    ExternRefReleaseSlow(d);
}

// A counted handle to a host reference; null by default. Copying clones (count + 1), destroying
// drops (count − 1). Two handles are equal iff they refer to the same record (identity).
class ExternRef {
 public:
  ExternRef() = default;
  ExternRef(std::nullptr_t) {}
  ExternRef(const ExternRef& o) : data_(o.data_) { ExternRefRetain(data_); }
  ExternRef(ExternRef&& o) noexcept : data_(std::exchange(o.data_, nullptr)) {}
  ExternRef& operator=(ExternRef o) noexcept {
    std::swap(data_, o.data_);
    return *this;
  }
  ~ExternRef() { ExternRefRelease(data_); }

  // A new reference owning `value` (moved to the heap); its destructor runs when the last
  // owner goes. get<T>() reads it back.
  template <class T>
  static ExternRef New(T value) {
    using U = std::decay_t<T>;
    return NewRaw(new U(std::move(value)), TypeTag<U>(),
                  [](void* p) { delete static_cast<U*>(p); });
  }
  // A new reference to an arbitrary pointer with an optional destructor and type tag.
  static ExternRef NewRaw(void* value, const void* type_tag = nullptr,
                          void (*destroy)(void*) = nullptr);

  // Borrowed raw record -> a new owning handle (count + 1). Null stays null.
  static ExternRef FromRaw(void* raw) {
    auto* d = static_cast<VMExternData*>(raw);
    ExternRefRetain(d);
    return Adopt(d);
  }
  // Takes over one count the caller owns.
  static ExternRef Adopt(VMExternData* d) {
    ExternRef r;
    r.data_ = d;
    return r;
  }
  // Gives up this handle's count to the caller (returns the raw record).
  VMExternData* Release() && { return std::exchange(data_, nullptr); }

  bool is_null() const { return data_ == nullptr; }
  explicit operator bool() const { return data_ != nullptr; }
  VMExternData* raw() const { return data_; }  // borrowed
  void* data() const { return data_ ? data_->value : nullptr; }
  const void* type_tag() const { return data_ ? data_->type_tag : nullptr; }
  uint64_t ref_count() const {
    return data_ ? data_->ref_count.load(std::memory_order_relaxed) : 0;
  }
  // The host value if it was created by New<T>, else nullptr.
  template <class T>
  T* get() const {
    return data_ && data_->type_tag == TypeTag<T>() ? static_cast<T*>(data_->value) : nullptr;
  }

  // One address per type: the tag New<T> records.
  template <class T>
  static const void* TypeTag() {
    static const char tag = 0;
    return &tag;
  }

  friend bool operator==(const ExternRef& a, const ExternRef& b) { return a.data_ == b.data_; }

 private:
  VMExternData* data_ = nullptr;
};

// Roots found on the stack: a scanner calls visit(ctx, slot) for each live reference slot in
// every Wasm frame on this thread's stack.
using ExternRefVisitor = void (*)(void* ctx, void** slot);

// The per-store activations table. Owns one count per entry. Insert is a bump into a fixed
// chunk (the fast path compiled code's builtins take); when the chunk is full the owner runs a
// collection (Collect) or, where that is not allowed, spills into an overflow list.
class ExternRefActivations {
 public:
  static constexpr size_t kDefaultCapacity = 512;

  explicit ExternRefActivations(size_t capacity = kDefaultCapacity);
  ~ExternRefActivations();  // drops every entry
  ExternRefActivations(const ExternRefActivations&) = delete;
  ExternRefActivations& operator=(const ExternRefActivations&) = delete;

  // Fast path: records a borrowed reference (count + 1). False when the chunk is full (nothing
  // changes). Null is not recorded and succeeds.
  bool TryInsert(VMExternData* d) {
    if (d == nullptr) return true;
    if (next_ == end_) return false;
    ExternRefRetain(d);
    *next_++ = d;
    return true;
  }
  // Always succeeds: into the chunk, else the overflow list. Never collects.
  void Insert(VMExternData* d) {
    if (!TryInsert(d)) InsertOverflow(d);
  }
  size_t free_slots() const { return size_t(end_ - next_); }
  size_t capacity() const { return capacity_; }
  // Entries currently owned: chunk + overflow + the precise roots of the last collection.
  size_t size() const { return size_t(next_ - chunk_.get()) + overflow_.size() + roots_.size(); }

  enum class Mode {
    kNoWasmFrames,  // no Wasm frame of the store is on the stack: everything may go
    kPrecise,       // `scan` reports every live reference slot
    kConservative,  // frames may hold any entry and cannot be scanned: keep everything
  };
  struct CollectStats {
    size_t roots = 0;    // distinct references found in frames (kept)
    size_t dropped = 0;  // entries released
  };
  // A collection. kPrecise: `scan(scan_ctx, visit, visit_ctx)` is called once; the references
  // it reports are kept (one count each, until the next collection), every other entry is
  // released. kConservative moves the chunk's entries to the overflow list (nothing is
  // released). kNoWasmFrames releases everything.
  using Scanner = void (*)(void* scan_ctx, ExternRefVisitor visit, void* visit_ctx);
  CollectStats Collect(Mode mode, Scanner scan = nullptr, void* scan_ctx = nullptr);

 private:
  void InsertOverflow(VMExternData* d);
  static void Visit(void* self, void** slot);

  size_t capacity_;
  std::unique_ptr<VMExternData*[]> chunk_;
  VMExternData** next_;
  VMExternData** end_;
  std::vector<VMExternData*> overflow_;  // owned: entries that did not fit, or kept conservatively
  std::vector<VMExternData*> roots_;     // owned: distinct roots found by the last precise scan
  std::vector<VMExternData*> scratch_;   // the scan in progress
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_EXTERN_REF_H_
