// builtins.cc: see builtins.h. Each builtin is a thin, checked wrapper over LinearMemory/Table;
// the bounds checks live there. Trapping is the last thing a builtin does, after every local
// has been destroyed or is trivially destructible.
#include "runtime/builtins.h"

#include <cmath>

#include "runtime/instance.h"
#include "runtime/stack_walk.h"
#include "runtime/trap_handler.h"
#include "runtime/wait_queue.h"

namespace egret::runtime::builtins {
namespace {

Instance& Inst(VMContext* vmctx) { return *Instance::FromVMContext(vmctx); }

void TrapIf(std::optional<TrapCode> code) {
  if (code) RaiseTrap(*code);
}

// A reference read by Wasm enters the activations table: a bump, or (full) a collection whose
// stack walk starts at the exit scope opened here, in the frame of the builtin compiled code
// called (a macro, so that the frame address is the builtin's own).
#define EGRET_ACTIVATE_FROM_WASM(store, ref)            \
  do {                                                  \
    auto* activated_ = static_cast<VMExternData*>(ref); \
    if (!(store).TryActivateFromWasm(activated_)) {     \
      EGRET_WASM_EXIT_SCOPE();                          \
      (store).ActivateFromWasmSlow(activated_);         \
    }                                                   \
  } while (0)

template <class T>
T Nearest(T x) {
  return std::nearbyint(x);  // the default rounding mode is round-to-nearest-even
}

}  // namespace

int64_t MemoryGrow(VMContext* vmctx, uint32_t memory, uint64_t delta_pages) {
  return Inst(vmctx).memory(memory)->Grow(delta_pages);
}

void MemoryFill(VMContext* vmctx, uint32_t memory, uint64_t dst, uint32_t value, uint64_t len) {
  TrapIf(Inst(vmctx).memory(memory)->Fill(dst, uint8_t(value), len));
}

void MemoryCopy(VMContext* vmctx, uint32_t dst_memory, uint64_t dst, uint32_t src_memory,
                uint64_t src, uint64_t len) {
  Instance& i = Inst(vmctx);
  TrapIf(LinearMemory::CopyBetween(*i.memory(dst_memory), dst, *i.memory(src_memory), src, len));
}

void MemoryInit(VMContext* vmctx, uint32_t memory, uint32_t data, uint64_t dst, uint64_t src,
                uint64_t len) {
  Instance& i = Inst(vmctx);
  TrapIf(i.memory(memory)->Init(dst, i.data_segment(data), src, len));
}

void DataDrop(VMContext* vmctx, uint32_t data) { Inst(vmctx).DropData(data); }

int64_t TableGrow(VMContext* vmctx, uint32_t table, uint64_t delta, void* init) {
  return Inst(vmctx).table(table)->Grow(delta, init);
}

void TableFill(VMContext* vmctx, uint32_t table, uint64_t dst, void* value, uint64_t len) {
  TrapIf(Inst(vmctx).table(table)->Fill(dst, value, len));
}

void TableCopy(VMContext* vmctx, uint32_t dst_table, uint32_t src_table, uint64_t dst, uint64_t src,
               uint64_t len) {
  Instance& i = Inst(vmctx);
  TrapIf(Table::Copy(*i.table(dst_table), dst, *i.table(src_table), src, len));
}

void TableInit(VMContext* vmctx, uint32_t table, uint32_t element, uint64_t dst, uint64_t src,
               uint64_t len) {
  Instance& i = Inst(vmctx);
  TrapIf(i.table(table)->Init(dst, i.element_segment(element), src, len));
}

void ElemDrop(VMContext* vmctx, uint32_t element) { Inst(vmctx).DropElement(element); }

void* TableGet(VMContext* vmctx, uint32_t table, uint64_t index) {
  void* out = nullptr;
  Instance& i = Inst(vmctx);
  const Table& t = *i.table(table);
  TrapIf(t.Get(index, &out));
  if (t.elem_type() == artifact::ValType::kExternRef) EGRET_ACTIVATE_FROM_WASM(i.store(), out);
  return out;
}

void* GlobalGetExternRef(VMContext* vmctx, uint32_t global) {
  Instance& i = Inst(vmctx);
  void* d = i.global(global).slot->ref;
  EGRET_ACTIVATE_FROM_WASM(i.store(), d);
  return d;
}

void GlobalSetExternRef(VMContext* vmctx, uint32_t global, void* value) {
  Global g = Inst(vmctx).global(global);
  auto* old = static_cast<VMExternData*>(g.slot->ref);
  ExternRefRetain(static_cast<VMExternData*>(value));
  g.slot->ref = value;
  ExternRefRelease(old);
}

void TableSet(VMContext* vmctx, uint32_t table, uint64_t index, void* value) {
  TrapIf(Inst(vmctx).table(table)->Set(index, value));
}

VMFuncRef* RefFunc(VMContext* vmctx, uint32_t func_index) {
  return Inst(vmctx).funcref(func_index);
}

void OutOfFuel(VMContext*) { RaiseTrap(TrapCode::kOutOfFuel); }

void RaiseTrapBuiltin(VMContext*, uint32_t trap_code) {
  RaiseTrap(trap_code < kNumTrapCodes ? TrapCode(trap_code) : TrapCode::kUnreachable);
}

uint32_t MemoryAtomicNotify(VMContext* vmctx, uint32_t memory, uint64_t addr, uint32_t count) {
  LinearMemory* m = Inst(vmctx).memory(memory);
  if (!m->type().shared) return 0;
  return WaitQueue::Global().Notify(m->base() + addr, count);
}

namespace {
uint32_t Wait(VMContext* vmctx, uint32_t memory, uint64_t addr, uint32_t bytes, uint64_t expected,
              int64_t timeout_ns) {
  LinearMemory* m = Inst(vmctx).memory(memory);
  if (!m->type().shared) RaiseTrap(TrapCode::kWaitOnUnsharedMemory);
  return WaitQueue::Global().Wait(m->base() + addr, bytes, expected, timeout_ns);
}
}  // namespace

uint32_t MemoryAtomicWait32(VMContext* vmctx, uint32_t memory, uint64_t addr, uint32_t expected,
                            int64_t timeout_ns) {
  return Wait(vmctx, memory, addr, 4, expected, timeout_ns);
}

uint32_t MemoryAtomicWait64(VMContext* vmctx, uint32_t memory, uint64_t addr, uint64_t expected,
                            int64_t timeout_ns) {
  return Wait(vmctx, memory, addr, 8, expected, timeout_ns);
}

float FloorF32(float x) { return std::floor(x); }
double FloorF64(double x) { return std::floor(x); }
float CeilF32(float x) { return std::ceil(x); }
double CeilF64(double x) { return std::ceil(x); }
float TruncF32(float x) { return std::trunc(x); }
double TruncF64(double x) { return std::trunc(x); }
float NearestF32(float x) { return Nearest(x); }
double NearestF64(double x) { return Nearest(x); }

std::array<const void*, artifact::kNumBuiltins> BuiltinTable() {
  using artifact::Builtin;
  std::array<const void*, artifact::kNumBuiltins> t{};
  auto set = [&t](Builtin b, auto* fn) { t[uint32_t(b)] = reinterpret_cast<const void*>(fn); };
  set(Builtin::kMemoryGrow, &MemoryGrow);
  set(Builtin::kMemoryFill, &MemoryFill);
  set(Builtin::kMemoryCopy, &MemoryCopy);
  set(Builtin::kMemoryInit, &MemoryInit);
  set(Builtin::kDataDrop, &DataDrop);
  set(Builtin::kTableGrow, &TableGrow);
  set(Builtin::kTableFill, &TableFill);
  set(Builtin::kTableCopy, &TableCopy);
  set(Builtin::kTableInit, &TableInit);
  set(Builtin::kElemDrop, &ElemDrop);
  set(Builtin::kTableGet, &TableGet);
  set(Builtin::kTableSet, &TableSet);
  set(Builtin::kRefFunc, &RefFunc);
  set(Builtin::kOutOfFuel, &OutOfFuel);
  set(Builtin::kRaiseTrap, &RaiseTrapBuiltin);
  set(Builtin::kFloorF32, &FloorF32);
  set(Builtin::kFloorF64, &FloorF64);
  set(Builtin::kCeilF32, &CeilF32);
  set(Builtin::kCeilF64, &CeilF64);
  set(Builtin::kTruncF32, &TruncF32);
  set(Builtin::kTruncF64, &TruncF64);
  set(Builtin::kNearestF32, &NearestF32);
  set(Builtin::kNearestF64, &NearestF64);
  set(Builtin::kMemoryAtomicNotify, &MemoryAtomicNotify);
  set(Builtin::kMemoryAtomicWait32, &MemoryAtomicWait32);
  set(Builtin::kMemoryAtomicWait64, &MemoryAtomicWait64);
  set(Builtin::kGlobalGetExternRef, &GlobalGetExternRef);
  set(Builtin::kGlobalSetExternRef, &GlobalSetExternRef);
  for (const void* p : t) EGRET_CHECK(p != nullptr);  // every id has an implementation
  return t;
}

}  // namespace egret::runtime::builtins
