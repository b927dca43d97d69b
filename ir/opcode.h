// opcode.h: the IR's opcodes and what is known about each one, generated from opcodes.def.
//
// Every consumer (printer, parser, verifier, interpreter, passes) asks OpcodeInfo instead of
// listing opcodes by hand, so adding an opcode is one line in opcodes.def plus its semantics in
// the interpreter. InstFormat says which InstData fields an opcode uses; ResultTyping says how
// its result type follows from its operands or its `.type` suffix.
#ifndef EGRET_IR_OPCODE_H_
#define EGRET_IR_OPCODE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "ir/types.h"

namespace egret::ir {

// Which InstData fields an instruction uses, and so how it is printed and parsed.
enum class InstFormat : uint8_t {
  kUnaryImm,       // iconst.i32 5                      imm
  kUnaryF32,       // f32const 0x1.8p1                  imm (bits)
  kUnaryF64,       // f64const -0x0p0                   imm (bits)
  kUnary,          // clz v1                            args[0]
  kBinary,         // iadd v1, v2                       args[0..1]
  kBinaryImm,      // iadd_imm v1, -4                   args[0], imm
  kTernary,        // select v1, v2, v3                 args[0..2]
  kIntCompare,     // icmp slt v1, v2                   cond, args[0..1]
  kIntCompareImm,  // icmp_imm eq v1, 0                 cond, args[0], imm
  kFloatCompare,   // fcmp lt v1, v2                    cond, args[0..1]
  kLoad,           // load.i32 heap v1+8                flags, trap, args[0], imm (offset)
  kStore,          // store heap v2, v1+8               flags, trap, args[0] value, args[1] addr
  kStackLoad,      // stack_load.i32 ss0+4              ref (slot), imm (offset)
  kStackStore,     // stack_store v1, ss0+4             args[0], ref (slot), imm
  kStackAddr,      // stack_addr.i64 ss0+4              ref (slot), imm
  kFuncAddr,       // func_addr.i64 %f                  ref (FuncRef)
  kCall,           // call %f(v1, v2)                   ref (FuncRef), vargs
  kCallIndirect,   // call_indirect sig0, v3(v1)        ref (SigRef), args[0] callee, vargs
  kJump,           // jump block1(v1)                   dest[0]
  kBrif,           // brif v1, block1(v2), block2       args[0], dest[0] (non-zero), dest[1]
  kBrTable,        // br_table v1, block3, [block1, block2(v4)]   args[0], ref (JumpTable)
  kMultiAry,       // return v1, v2                     vargs
  kTrap,           // trap int_divz                     trap
  kCondTrap,       // trapz v1, heap_oob                args[0], trap
  // Atomics: flags, trap and width (imm, in bytes) as loads and stores, no offset.
  kAtomicLoad,   // atomic_load.i64 u16 heap v1                       args[0] addr
  kAtomicStore,  // atomic_store u8 heap v2, v1                       args[0] value, args[1] addr
  kAtomicRmw,  // atomic_rmw.i32 add heap v1, v2                    cond (AtomicRmwOp), addr, value
  kAtomicCas,  // atomic_cas.i32 heap v1, v2, v3                    addr, expected, replacement
  kNullary,    // fence                                             nothing
  kVconst,     // vconst.i32x4 [1 2 3 4]            ref (index in the DFG's constant table)
  kExtractLane,  // vextractlane v1, 3                args[0], imm (lane)
  kInsertLane,   // vinsertlane v1, v2, 3             args[0] vector, args[1] scalar, imm
  kShuffle,      // vshuffle v1, v2, [0 17 ...]       args[0..1], ref (16-byte mask constant)
};

// The operation of atomic_rmw (InstData::cond).
enum class AtomicRmwOp : uint8_t { kAdd, kSub, kAnd, kOr, kXor, kXchg };
inline constexpr int kNumAtomicRmwOps = 6;
std::string_view AtomicRmwOpName(AtomicRmwOp op);  // "add", "sub", ..., "xchg"
std::optional<AtomicRmwOp> ParseAtomicRmwOp(std::string_view name);
// The access width in bytes of an atomic instruction: imm, which the verifier keeps in
// {1, 2, 4, 8} and no wider than the accessed type.
inline bool IsAtomicFormat(InstFormat f) {
  return f == InstFormat::kAtomicLoad || f == InstFormat::kAtomicStore ||
         f == InstFormat::kAtomicRmw || f == InstFormat::kAtomicCas;
}

// How the result type is determined.
enum class ResultTyping : uint8_t {
  kNoResult,      // no results
  kSameAsArg,     // one result with the type of args[0]; all value operands share that type
  kCtrl,          // one result of the explicit `.type` suffix
  kFixedF32,      // one f32 result
  kFixedF64,      // one f64 result
  kBool,          // one i32 result, 0 or 1
  kSelectTyping,  // one result with the type of args[1] (== args[2]); args[0] is an integer
  kCallResults,   // the callee signature's results
  kFixedI32,      // one i32 result (any value)
  kLaneOfArg,     // one result of the lane type of vector args[0] (vextractlane)
  kIntVecOfArg,   // one result of the integer vector type as wide as args[0]'s lanes (vfcmp)
};

// kAny is any scalar type (references included); kAnyOrVec also admits vectors. kRef is a
// reference type (r64); kIntOrRef an integer or a reference (only iconst's suffix: the null
// reference is `iconst.r64 0`).
enum class TypeClass : uint8_t {
  kAny,
  kInt,
  kFloat,
  kVec,
  kIntVec,
  kFloatVec,
  kAnyOrVec,
  kRef,
  kIntOrRef
};
bool TypeInClass(TypeClass c, Type t);

// Opcode properties.
enum OpFlags : uint16_t {
  kPure = 1 << 0,     // no side effect, cannot trap: may be removed or moved freely
  kCanTrap = 1 << 1,  // may end the function with a trap
  kReadsMem = 1 << 2,
  kWritesMem = 1 << 3,
  kTerminator = 1 << 4,  // must be the last instruction of a block, and only there
  kBranch = 1 << 5,      // transfers control to blocks of this function
  kIsCall = 1 << 6,
  kIsReturn = 1 << 7,
  kVector = 1 << 8,  // a SIMD opcode (see ir/simd.h); scalar passes leave these alone
};

enum class Opcode : uint16_t {
#define EGRET_IR_OPCODE(e, text, format, typing, arg_class, ctrl_class, flags) e,
#include "ir/opcodes.def"
#undef EGRET_IR_OPCODE
};

struct OpcodeInfo {
  std::string_view name;
  InstFormat format;
  ResultTyping typing;
  TypeClass arg_class;
  TypeClass ctrl_class;
  uint16_t flags;

  bool Has(OpFlags f) const { return (flags & f) != 0; }
};

inline constexpr OpcodeInfo kOpcodeInfos[] = {
#define EGRET_IR_OPCODE(e, text, format, typing, arg_class, ctrl_class, flags) \
  {text,                                                                       \
   InstFormat::format,                                                         \
   ResultTyping::typing,                                                       \
   TypeClass::arg_class,                                                       \
   TypeClass::ctrl_class,                                                      \
   static_cast<uint16_t>(flags)},
#include "ir/opcodes.def"
#undef EGRET_IR_OPCODE
};
inline constexpr int kNumOpcodes = sizeof(kOpcodeInfos) / sizeof(kOpcodeInfos[0]);

inline const OpcodeInfo& Info(Opcode op) { return kOpcodeInfos[static_cast<int>(op)]; }
inline std::string_view OpcodeName(Opcode op) { return Info(op).name; }
// Looks an opcode up by its text name (a hash table built once).
std::optional<Opcode> ParseOpcode(std::string_view name);

// Whether the text form writes a `.type` suffix after the opcode name.
inline bool HasCtrlTypeSuffix(Opcode op) { return Info(op).typing == ResultTyping::kCtrl; }
inline bool IsTerminator(Opcode op) { return Info(op).Has(kTerminator); }
inline bool IsBranch(Opcode op) { return Info(op).Has(kBranch); }
inline bool IsCall(Opcode op) { return Info(op).Has(kIsCall); }
inline bool IsVectorOp(Opcode op) { return Info(op).Has(kVector); }

// The access width in bytes of a load or store opcode; 0 for `load`/`store` (the value type's
// width, which the caller knows).
uint32_t MemAccessBytes(Opcode op);

}  // namespace egret::ir

#endif  // EGRET_IR_OPCODE_H_
