// spare_storage.h: per-thread reuse of a worker object's containers between functions.
//
// A compile worker makes one Lowerer, Emitter and MachBuffer per function. Each keeps its working
// containers in a thread's spare set between functions: it takes them when it starts (emptied,
// capacity kept), so it begins as a fresh object would, and gives them back when it ends, so a
// worker allocates them once instead of once per function.
//
// Invariant: after GiveSpare the spare holds the larger of the two storages, so a moved-from or
// nested object (whose containers are smaller) never throws the thread's storage away.
#ifndef EGRET_SUPPORT_SPARE_STORAGE_H_
#define EGRET_SUPPORT_SPARE_STORAGE_H_

#include <cstddef>

namespace egret {

// How much storage `c` holds: its capacity, or for a hash map its bucket count.
template <class C>
size_t StorageSize(const C& c) {
  if constexpr (requires { c.capacity(); })
    return c.capacity();
  else
    return c.bucket_count();
}

// Takes `spare`'s storage into `mine`, emptied.
template <class C>
void TakeSpare(C& mine, C& spare) {
  mine.swap(spare);
  mine.clear();
}

// Gives `mine`'s storage to `spare` unless `spare` already holds more.
template <class C>
void GiveSpare(C& mine, C& spare) {
  if (StorageSize(mine) > StorageSize(spare)) spare.swap(mine);
}

// TakeSpare when `take`, else GiveSpare: one list of members serves the constructor and the
// destructor.
template <class C>
void SwapSpare(C& mine, C& spare, bool take) {
  if (take)
    TakeSpare(mine, spare);
  else
    GiveSpare(mine, spare);
}

}  // namespace egret

#endif  // EGRET_SUPPORT_SPARE_STORAGE_H_
