// extern_ref.cc: see extern_ref.h.
#include "runtime/extern_ref.h"

#include <algorithm>

namespace egret::runtime {

void ExternRefReleaseSlow(VMExternData* d) {
  // The acq_rel decrement that reached zero orders every other owner's last use before this.
  if (d->destroy != nullptr) d->destroy(d->value);
  delete d;
}

ExternRef ExternRef::NewRaw(void* value, const void* type_tag, void (*destroy)(void*)) {
  auto* d = new VMExternData;
  d->value = value;
  d->type_tag = type_tag;
  d->destroy = destroy;
  return Adopt(d);  // the new record's count of 1 belongs to the handle
}

ExternRefActivations::ExternRefActivations(size_t capacity)
    : capacity_(std::max<size_t>(capacity, 1)),
      chunk_(new VMExternData*[capacity_]),
      next_(chunk_.get()),
      end_(chunk_.get() + capacity_) {}

ExternRefActivations::~ExternRefActivations() { Collect(Mode::kNoWasmFrames); }

void ExternRefActivations::InsertOverflow(VMExternData* d) {
  ExternRefRetain(d);
  overflow_.push_back(d);
}

void ExternRefActivations::Visit(void* self, void** slot) {
  if (*slot != nullptr)
    static_cast<ExternRefActivations*>(self)->scratch_.push_back(static_cast<VMExternData*>(*slot));
}

ExternRefActivations::CollectStats ExternRefActivations::Collect(Mode mode, Scanner scan,
                                                                 void* scan_ctx) {
  CollectStats stats;
  if (mode == Mode::kConservative) {
    // Frames may hold any entry: keep all of them, but make room in the chunk.
    overflow_.insert(overflow_.end(), chunk_.get(), next_);
    next_ = chunk_.get();
    stats.roots = size();
    return stats;
  }
  // 1. The new roots, each counted once, before anything is released (a root may be an entry
  //    whose only other owner is this table).
  scratch_.clear();
  if (mode == Mode::kPrecise && scan != nullptr) scan(scan_ctx, &Visit, this);
  std::sort(scratch_.begin(), scratch_.end());
  scratch_.erase(std::unique(scratch_.begin(), scratch_.end()), scratch_.end());
  for (VMExternData* d : scratch_) ExternRefRetain(d);
  stats.roots = scratch_.size();
  // 2. Release every old entry: the chunk, the overflow list and the previous roots.
  for (VMExternData** p = chunk_.get(); p != next_; ++p) ExternRefRelease(*p);
  stats.dropped = size_t(next_ - chunk_.get()) + overflow_.size() + roots_.size();
  next_ = chunk_.get();
  for (VMExternData* d : overflow_) ExternRefRelease(d);
  overflow_.clear();
  for (VMExternData* d : roots_) ExternRefRelease(d);
  roots_.swap(scratch_);
  scratch_.clear();
  return stats;
}

}  // namespace egret::runtime
