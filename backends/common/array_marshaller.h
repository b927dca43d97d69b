// array_marshaller.h: moving values between the host's ValRaw array and a target's calling
// convention, for the trampolines.
//
// The host calls Wasm, and Wasm calls the host, through the "array call" convention: the values
// sit in an array of 16-byte ValRaw slots, value k (not counting the vmctx parameter) in slot k.
// Both trampolines of every target move each value between its slot and its location in the
// target's own convention (CallLayout): a register, or a stack slot of the call's argument/result
// area. Each move's width comes from the location's ValueKind: 8 bytes for integers, 4 or 8 for
// floats, all 16 bytes of the ValRaw slot for vectors (a kV128 stack location is two 8-byte slots,
// 16-byte aligned). Which values, which slot, and which of the three kinds of move belong
// here; the target supplies the moves as instructions (an ArrayMarshaller bound to the
// trampoline's frame: which register holds the array, which the argument area).
//
// Invariants: values are moved in order (the trampolines' bytes depend on it); parameter 0 (the
// vmctx) is never marshalled, so parameter k lives in array slot k - 1 and result k in slot k.
#ifndef EGRET_BACKENDS_COMMON_ARRAY_MARSHALLER_H_
#define EGRET_BACKENDS_COMMON_ARRAY_MARSHALLER_H_

#include <cstdint>
#include <span>

#include "backends/common/call_conv.h"
#include "ir/function.h"

namespace egret::backend {

inline constexpr int32_t kValRawBytes = 16;

class ArrayMarshaller {
 public:
  virtual ~ArrayMarshaller() = default;
  // Register `loc` <- array bytes at `offset` (loc.kind: 8 bytes for an integer, 4 or 8 for a
  // float, 16 for a vector).
  virtual void RegFromArray(const AbiLoc& loc, int32_t offset) = 0;
  // Array bytes at `offset` <- register `loc` (as many bytes as loc.kind says).
  virtual void ArrayFromReg(int32_t offset, const AbiLoc& loc) = 0;
  // Stack slot loc.slot of the argument/result area <- array bytes at `offset`
  // (StackBytes(loc.kind): 8, or 16 for a vector).
  virtual void StackFromArray(const AbiLoc& loc, int32_t offset) = 0;
  // Array bytes at `offset` <- stack slot loc.slot (StackBytes(loc.kind) bytes).
  virtual void ArrayFromStack(int32_t offset, const AbiLoc& loc) = 0;
};

// Array slots 0.. -> the parameters' locations (parameter 0, the vmctx, is skipped).
void ParamsFromArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m);
// The parameters' locations -> array slots 0.. (parameter 0 skipped).
void ParamsToArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m);
// Array slots 0.. -> the results' locations.
void ResultsFromArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m);
// The results' locations -> array slots 0...
void ResultsToArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m);

// Slots of the array a wasm-to-array trampoline passes: enough for the parameters (without the
// vmctx) and for the results.
uint32_t ArraySlots(const ir::Signature& sig);

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_ARRAY_MARSHALLER_H_
