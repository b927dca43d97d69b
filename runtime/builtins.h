// builtins.h: the runtime functions compiled code calls (artifact/builtin.h lists their ids).
//
// Each takes the calling instance's VMContext first and finds the Instance through it. Builtins
// that trap call RaiseTrap, which unwinds to the host entry point; they keep no objects with
// destructors alive across that call. Indices are u32 and sizes/addresses u64, so one signature
// serves memory32 and memory64.
#ifndef EGRET_RUNTIME_BUILTINS_H_
#define EGRET_RUNTIME_BUILTINS_H_

#include <array>
#include <cstdint>

#include "artifact/builtin.h"
#include "runtime/vmfuncref.h"

namespace egret::runtime::builtins {

int64_t MemoryGrow(VMContext* vmctx, uint32_t memory, uint64_t delta_pages);
void MemoryFill(VMContext* vmctx, uint32_t memory, uint64_t dst, uint32_t value, uint64_t len);
void MemoryCopy(VMContext* vmctx, uint32_t dst_memory, uint64_t dst, uint32_t src_memory,
                uint64_t src, uint64_t len);
void MemoryInit(VMContext* vmctx, uint32_t memory, uint32_t data, uint64_t dst, uint64_t src,
                uint64_t len);
void DataDrop(VMContext* vmctx, uint32_t data);
int64_t TableGrow(VMContext* vmctx, uint32_t table, uint64_t delta, void* init);
void TableFill(VMContext* vmctx, uint32_t table, uint64_t dst, void* value, uint64_t len);
void TableCopy(VMContext* vmctx, uint32_t dst_table, uint32_t src_table, uint64_t dst, uint64_t src,
               uint64_t len);
void TableInit(VMContext* vmctx, uint32_t table, uint32_t element, uint64_t dst, uint64_t src,
               uint64_t len);
void ElemDrop(VMContext* vmctx, uint32_t element);
// An externref read from a table or global flows into Wasm: it enters the store's activations
// table (extern_ref.h) before it is returned.
void* TableGet(VMContext* vmctx, uint32_t table, uint64_t index);
void* GlobalGetExternRef(VMContext* vmctx, uint32_t global);
void GlobalSetExternRef(VMContext* vmctx, uint32_t global, void* value);
void TableSet(VMContext* vmctx, uint32_t table, uint64_t index, void* value);
VMFuncRef* RefFunc(VMContext* vmctx, uint32_t func_index);
void OutOfFuel(VMContext* vmctx);
void RaiseTrapBuiltin(VMContext* vmctx, uint32_t trap_code);
// threads: `addr` is a Wasm address the caller checked (aligned, in bounds). notify on a memory
// that is not shared wakes nobody (0); wait on one traps unshared_wait.
uint32_t MemoryAtomicNotify(VMContext* vmctx, uint32_t memory, uint64_t addr, uint32_t count);
uint32_t MemoryAtomicWait32(VMContext* vmctx, uint32_t memory, uint64_t addr, uint32_t expected,
                            int64_t timeout_ns);
uint32_t MemoryAtomicWait64(VMContext* vmctx, uint32_t memory, uint64_t addr, uint64_t expected,
                            int64_t timeout_ns);
float FloorF32(float x);
double FloorF64(double x);
float CeilF32(float x);
double CeilF64(double x);
float TruncF32(float x);
double TruncF64(double x);
float NearestF32(float x);
double NearestF64(double x);

// The table an Engine hands to every VMContext, indexed by artifact::Builtin.
std::array<const void*, artifact::kNumBuiltins> BuiltinTable();

}  // namespace egret::runtime::builtins

#endif  // EGRET_RUNTIME_BUILTINS_H_
