// opcodes.h: every WebAssembly 2.0 instruction, in one table.
//
// The X-macro list below is the single place that names an instruction: its enum constant, its
// encoding (prefix byte 0x00 for single-byte opcodes, or 0xfc/0xfd/0xfe with a LEB128 sub-opcode),
// its text name, the kind of immediate that follows it, and, for instructions with a fixed operand
// signature, that signature as a string: parameter letters, ':', result letters, with
// i=i32 l=i64 f=f32 d=f64 v=v128 ("ii:i" is i32.add). "*" marks instructions the validator types
// by hand (control, variables, references, tables). The last column is an extra number: the
// log2 of the natural alignment for memory accesses, the lane count for lane instructions, and
// alignment*256+lanes for load/store-lane.
//
// The decoder, validator, translator and printers are all driven from this table, so adding an
// instruction is one line here plus its translation.
#ifndef EGRET_FRONTEND_OPCODES_H_
#define EGRET_FRONTEND_OPCODES_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "frontend/wasm_types.h"

namespace egret::wasm {

// What follows an opcode in the binary.
enum class ImmKind : uint8_t {
  kNone,
  kBlockType,   // 0x40 | valtype | s33 type index
  kIndex,       // one u32 (label, function, local, global, table, data or element index)
  kBrTable,     // vec(u32) then a default u32
  kTwoIndices,  // two u32 (call_indirect type+table, table.init elem+table, table.copy dst+src)
  kSelectT,     // vec(valtype), length 1 when valid
  kMemArg,      // u32 align (bit 6: a u32 memory index follows), u32 (memory64: u64) offset
  kMemIdx,      // a memory index: a 0x00 byte in Wasm 2.0, a u32 with multi-memory
  kMemoryInit,  // u32 data index, memory index
  kMemoryCopy,  // destination and source memory indices
  kI32,         // s32
  kI64,         // s64
  kF32,         // 4 raw bytes
  kF64,         // 8 raw bytes
  kRefType,     // one reference-type byte
  kV128,        // 16 raw bytes
  kShuffle,     // 16 lane-index bytes
  kLane,        // one lane-index byte
  kMemArgLane,  // memarg, then a lane-index byte
};

// clang-format off
#define EGRET_WASM_OPCODES(X) \
  X(Unreachable, 0x00, 0x00, "unreachable", kNone, "*", 0) \
  X(Nop, 0x00, 0x01, "nop", kNone, ":", 0) \
  X(Block, 0x00, 0x02, "block", kBlockType, "*", 0) \
  X(Loop, 0x00, 0x03, "loop", kBlockType, "*", 0) \
  X(If, 0x00, 0x04, "if", kBlockType, "*", 0) \
  X(Else, 0x00, 0x05, "else", kNone, "*", 0) \
  X(End, 0x00, 0x0b, "end", kNone, "*", 0) \
  X(Br, 0x00, 0x0c, "br", kIndex, "*", 0) \
  X(BrIf, 0x00, 0x0d, "br_if", kIndex, "*", 0) \
  X(BrTable, 0x00, 0x0e, "br_table", kBrTable, "*", 0) \
  X(Return, 0x00, 0x0f, "return", kNone, "*", 0) \
  X(Call, 0x00, 0x10, "call", kIndex, "*", 0) \
  X(CallIndirect, 0x00, 0x11, "call_indirect", kTwoIndices, "*", 0) \
  X(ReturnCall, 0x00, 0x12, "return_call", kIndex, "*", 0) \
  X(ReturnCallIndirect, 0x00, 0x13, "return_call_indirect", kTwoIndices, "*", 0) \
  X(Drop, 0x00, 0x1a, "drop", kNone, "*", 0) \
  X(Select, 0x00, 0x1b, "select", kNone, "*", 0) \
  X(SelectT, 0x00, 0x1c, "select", kSelectT, "*", 0) \
  X(LocalGet, 0x00, 0x20, "local.get", kIndex, "*", 0) \
  X(LocalSet, 0x00, 0x21, "local.set", kIndex, "*", 0) \
  X(LocalTee, 0x00, 0x22, "local.tee", kIndex, "*", 0) \
  X(GlobalGet, 0x00, 0x23, "global.get", kIndex, "*", 0) \
  X(GlobalSet, 0x00, 0x24, "global.set", kIndex, "*", 0) \
  X(TableGet, 0x00, 0x25, "table.get", kIndex, "*", 0) \
  X(TableSet, 0x00, 0x26, "table.set", kIndex, "*", 0) \
  X(I32Load, 0x00, 0x28, "i32.load", kMemArg, "i:i", 2) \
  X(I64Load, 0x00, 0x29, "i64.load", kMemArg, "i:l", 3) \
  X(F32Load, 0x00, 0x2a, "f32.load", kMemArg, "i:f", 2) \
  X(F64Load, 0x00, 0x2b, "f64.load", kMemArg, "i:d", 3) \
  X(I32Load8S, 0x00, 0x2c, "i32.load8_s", kMemArg, "i:i", 0) \
  X(I32Load8U, 0x00, 0x2d, "i32.load8_u", kMemArg, "i:i", 0) \
  X(I32Load16S, 0x00, 0x2e, "i32.load16_s", kMemArg, "i:i", 1) \
  X(I32Load16U, 0x00, 0x2f, "i32.load16_u", kMemArg, "i:i", 1) \
  X(I64Load8S, 0x00, 0x30, "i64.load8_s", kMemArg, "i:l", 0) \
  X(I64Load8U, 0x00, 0x31, "i64.load8_u", kMemArg, "i:l", 0) \
  X(I64Load16S, 0x00, 0x32, "i64.load16_s", kMemArg, "i:l", 1) \
  X(I64Load16U, 0x00, 0x33, "i64.load16_u", kMemArg, "i:l", 1) \
  X(I64Load32S, 0x00, 0x34, "i64.load32_s", kMemArg, "i:l", 2) \
  X(I64Load32U, 0x00, 0x35, "i64.load32_u", kMemArg, "i:l", 2) \
  X(I32Store, 0x00, 0x36, "i32.store", kMemArg, "ii:", 2) \
  X(I64Store, 0x00, 0x37, "i64.store", kMemArg, "il:", 3) \
  X(F32Store, 0x00, 0x38, "f32.store", kMemArg, "if:", 2) \
  X(F64Store, 0x00, 0x39, "f64.store", kMemArg, "id:", 3) \
  X(I32Store8, 0x00, 0x3a, "i32.store8", kMemArg, "ii:", 0) \
  X(I32Store16, 0x00, 0x3b, "i32.store16", kMemArg, "ii:", 1) \
  X(I64Store8, 0x00, 0x3c, "i64.store8", kMemArg, "il:", 0) \
  X(I64Store16, 0x00, 0x3d, "i64.store16", kMemArg, "il:", 1) \
  X(I64Store32, 0x00, 0x3e, "i64.store32", kMemArg, "il:", 2) \
  X(MemorySize, 0x00, 0x3f, "memory.size", kMemIdx, ":i", 0) \
  X(MemoryGrow, 0x00, 0x40, "memory.grow", kMemIdx, "i:i", 0) \
  X(I32Const, 0x00, 0x41, "i32.const", kI32, ":i", 0) \
  X(I64Const, 0x00, 0x42, "i64.const", kI64, ":l", 0) \
  X(F32Const, 0x00, 0x43, "f32.const", kF32, ":f", 0) \
  X(F64Const, 0x00, 0x44, "f64.const", kF64, ":d", 0) \
  X(I32Eqz, 0x00, 0x45, "i32.eqz", kNone, "i:i", 0) \
  X(I32Eq, 0x00, 0x46, "i32.eq", kNone, "ii:i", 0) \
  X(I32Ne, 0x00, 0x47, "i32.ne", kNone, "ii:i", 0) \
  X(I32LtS, 0x00, 0x48, "i32.lt_s", kNone, "ii:i", 0) \
  X(I32LtU, 0x00, 0x49, "i32.lt_u", kNone, "ii:i", 0) \
  X(I32GtS, 0x00, 0x4a, "i32.gt_s", kNone, "ii:i", 0) \
  X(I32GtU, 0x00, 0x4b, "i32.gt_u", kNone, "ii:i", 0) \
  X(I32LeS, 0x00, 0x4c, "i32.le_s", kNone, "ii:i", 0) \
  X(I32LeU, 0x00, 0x4d, "i32.le_u", kNone, "ii:i", 0) \
  X(I32GeS, 0x00, 0x4e, "i32.ge_s", kNone, "ii:i", 0) \
  X(I32GeU, 0x00, 0x4f, "i32.ge_u", kNone, "ii:i", 0) \
  X(I64Eqz, 0x00, 0x50, "i64.eqz", kNone, "l:i", 0) \
  X(I64Eq, 0x00, 0x51, "i64.eq", kNone, "ll:i", 0) \
  X(I64Ne, 0x00, 0x52, "i64.ne", kNone, "ll:i", 0) \
  X(I64LtS, 0x00, 0x53, "i64.lt_s", kNone, "ll:i", 0) \
  X(I64LtU, 0x00, 0x54, "i64.lt_u", kNone, "ll:i", 0) \
  X(I64GtS, 0x00, 0x55, "i64.gt_s", kNone, "ll:i", 0) \
  X(I64GtU, 0x00, 0x56, "i64.gt_u", kNone, "ll:i", 0) \
  X(I64LeS, 0x00, 0x57, "i64.le_s", kNone, "ll:i", 0) \
  X(I64LeU, 0x00, 0x58, "i64.le_u", kNone, "ll:i", 0) \
  X(I64GeS, 0x00, 0x59, "i64.ge_s", kNone, "ll:i", 0) \
  X(I64GeU, 0x00, 0x5a, "i64.ge_u", kNone, "ll:i", 0) \
  X(F32Eq, 0x00, 0x5b, "f32.eq", kNone, "ff:i", 0) \
  X(F32Ne, 0x00, 0x5c, "f32.ne", kNone, "ff:i", 0) \
  X(F32Lt, 0x00, 0x5d, "f32.lt", kNone, "ff:i", 0) \
  X(F32Gt, 0x00, 0x5e, "f32.gt", kNone, "ff:i", 0) \
  X(F32Le, 0x00, 0x5f, "f32.le", kNone, "ff:i", 0) \
  X(F32Ge, 0x00, 0x60, "f32.ge", kNone, "ff:i", 0) \
  X(F64Eq, 0x00, 0x61, "f64.eq", kNone, "dd:i", 0) \
  X(F64Ne, 0x00, 0x62, "f64.ne", kNone, "dd:i", 0) \
  X(F64Lt, 0x00, 0x63, "f64.lt", kNone, "dd:i", 0) \
  X(F64Gt, 0x00, 0x64, "f64.gt", kNone, "dd:i", 0) \
  X(F64Le, 0x00, 0x65, "f64.le", kNone, "dd:i", 0) \
  X(F64Ge, 0x00, 0x66, "f64.ge", kNone, "dd:i", 0) \
  X(I32Clz, 0x00, 0x67, "i32.clz", kNone, "i:i", 0) \
  X(I32Ctz, 0x00, 0x68, "i32.ctz", kNone, "i:i", 0) \
  X(I32Popcnt, 0x00, 0x69, "i32.popcnt", kNone, "i:i", 0) \
  X(I32Add, 0x00, 0x6a, "i32.add", kNone, "ii:i", 0) \
  X(I32Sub, 0x00, 0x6b, "i32.sub", kNone, "ii:i", 0) \
  X(I32Mul, 0x00, 0x6c, "i32.mul", kNone, "ii:i", 0) \
  X(I32DivS, 0x00, 0x6d, "i32.div_s", kNone, "ii:i", 0) \
  X(I32DivU, 0x00, 0x6e, "i32.div_u", kNone, "ii:i", 0) \
  X(I32RemS, 0x00, 0x6f, "i32.rem_s", kNone, "ii:i", 0) \
  X(I32RemU, 0x00, 0x70, "i32.rem_u", kNone, "ii:i", 0) \
  X(I32And, 0x00, 0x71, "i32.and", kNone, "ii:i", 0) \
  X(I32Or, 0x00, 0x72, "i32.or", kNone, "ii:i", 0) \
  X(I32Xor, 0x00, 0x73, "i32.xor", kNone, "ii:i", 0) \
  X(I32Shl, 0x00, 0x74, "i32.shl", kNone, "ii:i", 0) \
  X(I32ShrS, 0x00, 0x75, "i32.shr_s", kNone, "ii:i", 0) \
  X(I32ShrU, 0x00, 0x76, "i32.shr_u", kNone, "ii:i", 0) \
  X(I32Rotl, 0x00, 0x77, "i32.rotl", kNone, "ii:i", 0) \
  X(I32Rotr, 0x00, 0x78, "i32.rotr", kNone, "ii:i", 0) \
  X(I64Clz, 0x00, 0x79, "i64.clz", kNone, "l:l", 0) \
  X(I64Ctz, 0x00, 0x7a, "i64.ctz", kNone, "l:l", 0) \
  X(I64Popcnt, 0x00, 0x7b, "i64.popcnt", kNone, "l:l", 0) \
  X(I64Add, 0x00, 0x7c, "i64.add", kNone, "ll:l", 0) \
  X(I64Sub, 0x00, 0x7d, "i64.sub", kNone, "ll:l", 0) \
  X(I64Mul, 0x00, 0x7e, "i64.mul", kNone, "ll:l", 0) \
  X(I64DivS, 0x00, 0x7f, "i64.div_s", kNone, "ll:l", 0) \
  X(I64DivU, 0x00, 0x80, "i64.div_u", kNone, "ll:l", 0) \
  X(I64RemS, 0x00, 0x81, "i64.rem_s", kNone, "ll:l", 0) \
  X(I64RemU, 0x00, 0x82, "i64.rem_u", kNone, "ll:l", 0) \
  X(I64And, 0x00, 0x83, "i64.and", kNone, "ll:l", 0) \
  X(I64Or, 0x00, 0x84, "i64.or", kNone, "ll:l", 0) \
  X(I64Xor, 0x00, 0x85, "i64.xor", kNone, "ll:l", 0) \
  X(I64Shl, 0x00, 0x86, "i64.shl", kNone, "ll:l", 0) \
  X(I64ShrS, 0x00, 0x87, "i64.shr_s", kNone, "ll:l", 0) \
  X(I64ShrU, 0x00, 0x88, "i64.shr_u", kNone, "ll:l", 0) \
  X(I64Rotl, 0x00, 0x89, "i64.rotl", kNone, "ll:l", 0) \
  X(I64Rotr, 0x00, 0x8a, "i64.rotr", kNone, "ll:l", 0) \
  X(F32Abs, 0x00, 0x8b, "f32.abs", kNone, "f:f", 0) \
  X(F32Neg, 0x00, 0x8c, "f32.neg", kNone, "f:f", 0) \
  X(F32Ceil, 0x00, 0x8d, "f32.ceil", kNone, "f:f", 0) \
  X(F32Floor, 0x00, 0x8e, "f32.floor", kNone, "f:f", 0) \
  X(F32Trunc, 0x00, 0x8f, "f32.trunc", kNone, "f:f", 0) \
  X(F32Nearest, 0x00, 0x90, "f32.nearest", kNone, "f:f", 0) \
  X(F32Sqrt, 0x00, 0x91, "f32.sqrt", kNone, "f:f", 0) \
  X(F32Add, 0x00, 0x92, "f32.add", kNone, "ff:f", 0) \
  X(F32Sub, 0x00, 0x93, "f32.sub", kNone, "ff:f", 0) \
  X(F32Mul, 0x00, 0x94, "f32.mul", kNone, "ff:f", 0) \
  X(F32Div, 0x00, 0x95, "f32.div", kNone, "ff:f", 0) \
  X(F32Min, 0x00, 0x96, "f32.min", kNone, "ff:f", 0) \
  X(F32Max, 0x00, 0x97, "f32.max", kNone, "ff:f", 0) \
  X(F32Copysign, 0x00, 0x98, "f32.copysign", kNone, "ff:f", 0) \
  X(F64Abs, 0x00, 0x99, "f64.abs", kNone, "d:d", 0) \
  X(F64Neg, 0x00, 0x9a, "f64.neg", kNone, "d:d", 0) \
  X(F64Ceil, 0x00, 0x9b, "f64.ceil", kNone, "d:d", 0) \
  X(F64Floor, 0x00, 0x9c, "f64.floor", kNone, "d:d", 0) \
  X(F64Trunc, 0x00, 0x9d, "f64.trunc", kNone, "d:d", 0) \
  X(F64Nearest, 0x00, 0x9e, "f64.nearest", kNone, "d:d", 0) \
  X(F64Sqrt, 0x00, 0x9f, "f64.sqrt", kNone, "d:d", 0) \
  X(F64Add, 0x00, 0xa0, "f64.add", kNone, "dd:d", 0) \
  X(F64Sub, 0x00, 0xa1, "f64.sub", kNone, "dd:d", 0) \
  X(F64Mul, 0x00, 0xa2, "f64.mul", kNone, "dd:d", 0) \
  X(F64Div, 0x00, 0xa3, "f64.div", kNone, "dd:d", 0) \
  X(F64Min, 0x00, 0xa4, "f64.min", kNone, "dd:d", 0) \
  X(F64Max, 0x00, 0xa5, "f64.max", kNone, "dd:d", 0) \
  X(F64Copysign, 0x00, 0xa6, "f64.copysign", kNone, "dd:d", 0) \
  X(I32WrapI64, 0x00, 0xa7, "i32.wrap_i64", kNone, "l:i", 0) \
  X(I32TruncF32S, 0x00, 0xa8, "i32.trunc_f32_s", kNone, "f:i", 0) \
  X(I32TruncF32U, 0x00, 0xa9, "i32.trunc_f32_u", kNone, "f:i", 0) \
  X(I32TruncF64S, 0x00, 0xaa, "i32.trunc_f64_s", kNone, "d:i", 0) \
  X(I32TruncF64U, 0x00, 0xab, "i32.trunc_f64_u", kNone, "d:i", 0) \
  X(I64ExtendI32S, 0x00, 0xac, "i64.extend_i32_s", kNone, "i:l", 0) \
  X(I64ExtendI32U, 0x00, 0xad, "i64.extend_i32_u", kNone, "i:l", 0) \
  X(I64TruncF32S, 0x00, 0xae, "i64.trunc_f32_s", kNone, "f:l", 0) \
  X(I64TruncF32U, 0x00, 0xaf, "i64.trunc_f32_u", kNone, "f:l", 0) \
  X(I64TruncF64S, 0x00, 0xb0, "i64.trunc_f64_s", kNone, "d:l", 0) \
  X(I64TruncF64U, 0x00, 0xb1, "i64.trunc_f64_u", kNone, "d:l", 0) \
  X(F32ConvertI32S, 0x00, 0xb2, "f32.convert_i32_s", kNone, "i:f", 0) \
  X(F32ConvertI32U, 0x00, 0xb3, "f32.convert_i32_u", kNone, "i:f", 0) \
  X(F32ConvertI64S, 0x00, 0xb4, "f32.convert_i64_s", kNone, "l:f", 0) \
  X(F32ConvertI64U, 0x00, 0xb5, "f32.convert_i64_u", kNone, "l:f", 0) \
  X(F32DemoteF64, 0x00, 0xb6, "f32.demote_f64", kNone, "d:f", 0) \
  X(F64ConvertI32S, 0x00, 0xb7, "f64.convert_i32_s", kNone, "i:d", 0) \
  X(F64ConvertI32U, 0x00, 0xb8, "f64.convert_i32_u", kNone, "i:d", 0) \
  X(F64ConvertI64S, 0x00, 0xb9, "f64.convert_i64_s", kNone, "l:d", 0) \
  X(F64ConvertI64U, 0x00, 0xba, "f64.convert_i64_u", kNone, "l:d", 0) \
  X(F64PromoteF32, 0x00, 0xbb, "f64.promote_f32", kNone, "f:d", 0) \
  X(I32ReinterpretF32, 0x00, 0xbc, "i32.reinterpret_f32", kNone, "f:i", 0) \
  X(I64ReinterpretF64, 0x00, 0xbd, "i64.reinterpret_f64", kNone, "d:l", 0) \
  X(F32ReinterpretI32, 0x00, 0xbe, "f32.reinterpret_i32", kNone, "i:f", 0) \
  X(F64ReinterpretI64, 0x00, 0xbf, "f64.reinterpret_i64", kNone, "l:d", 0) \
  X(I32Extend8S, 0x00, 0xc0, "i32.extend8_s", kNone, "i:i", 0) \
  X(I32Extend16S, 0x00, 0xc1, "i32.extend16_s", kNone, "i:i", 0) \
  X(I64Extend8S, 0x00, 0xc2, "i64.extend8_s", kNone, "l:l", 0) \
  X(I64Extend16S, 0x00, 0xc3, "i64.extend16_s", kNone, "l:l", 0) \
  X(I64Extend32S, 0x00, 0xc4, "i64.extend32_s", kNone, "l:l", 0) \
  X(RefNull, 0x00, 0xd0, "ref.null", kRefType, "*", 0) \
  X(RefIsNull, 0x00, 0xd1, "ref.is_null", kNone, "*", 0) \
  X(RefFunc, 0x00, 0xd2, "ref.func", kIndex, "*", 0) \
  X(I32TruncSatF32S, 0xfc, 0x00, "i32.trunc_sat_f32_s", kNone, "f:i", 0) \
  X(I32TruncSatF32U, 0xfc, 0x01, "i32.trunc_sat_f32_u", kNone, "f:i", 0) \
  X(I32TruncSatF64S, 0xfc, 0x02, "i32.trunc_sat_f64_s", kNone, "d:i", 0) \
  X(I32TruncSatF64U, 0xfc, 0x03, "i32.trunc_sat_f64_u", kNone, "d:i", 0) \
  X(I64TruncSatF32S, 0xfc, 0x04, "i64.trunc_sat_f32_s", kNone, "f:l", 0) \
  X(I64TruncSatF32U, 0xfc, 0x05, "i64.trunc_sat_f32_u", kNone, "f:l", 0) \
  X(I64TruncSatF64S, 0xfc, 0x06, "i64.trunc_sat_f64_s", kNone, "d:l", 0) \
  X(I64TruncSatF64U, 0xfc, 0x07, "i64.trunc_sat_f64_u", kNone, "d:l", 0) \
  X(MemoryInit, 0xfc, 0x08, "memory.init", kMemoryInit, "iii:", 0) \
  X(DataDrop, 0xfc, 0x09, "data.drop", kIndex, ":", 0) \
  X(MemoryCopy, 0xfc, 0x0a, "memory.copy", kMemoryCopy, "iii:", 0) \
  X(MemoryFill, 0xfc, 0x0b, "memory.fill", kMemIdx, "iii:", 0) \
  X(TableInit, 0xfc, 0x0c, "table.init", kTwoIndices, "iii:", 0) \
  X(ElemDrop, 0xfc, 0x0d, "elem.drop", kIndex, ":", 0) \
  X(TableCopy, 0xfc, 0x0e, "table.copy", kTwoIndices, "iii:", 0) \
  X(TableGrow, 0xfc, 0x0f, "table.grow", kIndex, "*", 0) \
  X(TableSize, 0xfc, 0x10, "table.size", kIndex, ":i", 0) \
  X(TableFill, 0xfc, 0x11, "table.fill", kIndex, "*", 0) \
  X(MemoryAtomicNotify, 0xfe, 0x00, "memory.atomic.notify", kMemArg, "ii:i", 2) \
  X(MemoryAtomicWait32, 0xfe, 0x01, "memory.atomic.wait32", kMemArg, "iil:i", 2) \
  X(MemoryAtomicWait64, 0xfe, 0x02, "memory.atomic.wait64", kMemArg, "ill:i", 3) \
  X(AtomicFence, 0xfe, 0x03, "atomic.fence", kMemIdx, ":", 0) \
  X(I32AtomicLoad, 0xfe, 0x10, "i32.atomic.load", kMemArg, "i:i", 2) \
  X(I64AtomicLoad, 0xfe, 0x11, "i64.atomic.load", kMemArg, "i:l", 3) \
  X(I32AtomicLoad8U, 0xfe, 0x12, "i32.atomic.load8_u", kMemArg, "i:i", 0) \
  X(I32AtomicLoad16U, 0xfe, 0x13, "i32.atomic.load16_u", kMemArg, "i:i", 1) \
  X(I64AtomicLoad8U, 0xfe, 0x14, "i64.atomic.load8_u", kMemArg, "i:l", 0) \
  X(I64AtomicLoad16U, 0xfe, 0x15, "i64.atomic.load16_u", kMemArg, "i:l", 1) \
  X(I64AtomicLoad32U, 0xfe, 0x16, "i64.atomic.load32_u", kMemArg, "i:l", 2) \
  X(I32AtomicStore, 0xfe, 0x17, "i32.atomic.store", kMemArg, "ii:", 2) \
  X(I64AtomicStore, 0xfe, 0x18, "i64.atomic.store", kMemArg, "il:", 3) \
  X(I32AtomicStore8, 0xfe, 0x19, "i32.atomic.store8", kMemArg, "ii:", 0) \
  X(I32AtomicStore16, 0xfe, 0x1a, "i32.atomic.store16", kMemArg, "ii:", 1) \
  X(I64AtomicStore8, 0xfe, 0x1b, "i64.atomic.store8", kMemArg, "il:", 0) \
  X(I64AtomicStore16, 0xfe, 0x1c, "i64.atomic.store16", kMemArg, "il:", 1) \
  X(I64AtomicStore32, 0xfe, 0x1d, "i64.atomic.store32", kMemArg, "il:", 2) \
  X(I32AtomicRmwAdd, 0xfe, 0x1e, "i32.atomic.rmw.add", kMemArg, "ii:i", 2) \
  X(I64AtomicRmwAdd, 0xfe, 0x1f, "i64.atomic.rmw.add", kMemArg, "il:l", 3) \
  X(I32AtomicRmw8AddU, 0xfe, 0x20, "i32.atomic.rmw8.add_u", kMemArg, "ii:i", 0) \
  X(I32AtomicRmw16AddU, 0xfe, 0x21, "i32.atomic.rmw16.add_u", kMemArg, "ii:i", 1) \
  X(I64AtomicRmw8AddU, 0xfe, 0x22, "i64.atomic.rmw8.add_u", kMemArg, "il:l", 0) \
  X(I64AtomicRmw16AddU, 0xfe, 0x23, "i64.atomic.rmw16.add_u", kMemArg, "il:l", 1) \
  X(I64AtomicRmw32AddU, 0xfe, 0x24, "i64.atomic.rmw32.add_u", kMemArg, "il:l", 2) \
  X(I32AtomicRmwSub, 0xfe, 0x25, "i32.atomic.rmw.sub", kMemArg, "ii:i", 2) \
  X(I64AtomicRmwSub, 0xfe, 0x26, "i64.atomic.rmw.sub", kMemArg, "il:l", 3) \
  X(I32AtomicRmw8SubU, 0xfe, 0x27, "i32.atomic.rmw8.sub_u", kMemArg, "ii:i", 0) \
  X(I32AtomicRmw16SubU, 0xfe, 0x28, "i32.atomic.rmw16.sub_u", kMemArg, "ii:i", 1) \
  X(I64AtomicRmw8SubU, 0xfe, 0x29, "i64.atomic.rmw8.sub_u", kMemArg, "il:l", 0) \
  X(I64AtomicRmw16SubU, 0xfe, 0x2a, "i64.atomic.rmw16.sub_u", kMemArg, "il:l", 1) \
  X(I64AtomicRmw32SubU, 0xfe, 0x2b, "i64.atomic.rmw32.sub_u", kMemArg, "il:l", 2) \
  X(I32AtomicRmwAnd, 0xfe, 0x2c, "i32.atomic.rmw.and", kMemArg, "ii:i", 2) \
  X(I64AtomicRmwAnd, 0xfe, 0x2d, "i64.atomic.rmw.and", kMemArg, "il:l", 3) \
  X(I32AtomicRmw8AndU, 0xfe, 0x2e, "i32.atomic.rmw8.and_u", kMemArg, "ii:i", 0) \
  X(I32AtomicRmw16AndU, 0xfe, 0x2f, "i32.atomic.rmw16.and_u", kMemArg, "ii:i", 1) \
  X(I64AtomicRmw8AndU, 0xfe, 0x30, "i64.atomic.rmw8.and_u", kMemArg, "il:l", 0) \
  X(I64AtomicRmw16AndU, 0xfe, 0x31, "i64.atomic.rmw16.and_u", kMemArg, "il:l", 1) \
  X(I64AtomicRmw32AndU, 0xfe, 0x32, "i64.atomic.rmw32.and_u", kMemArg, "il:l", 2) \
  X(I32AtomicRmwOr, 0xfe, 0x33, "i32.atomic.rmw.or", kMemArg, "ii:i", 2) \
  X(I64AtomicRmwOr, 0xfe, 0x34, "i64.atomic.rmw.or", kMemArg, "il:l", 3) \
  X(I32AtomicRmw8OrU, 0xfe, 0x35, "i32.atomic.rmw8.or_u", kMemArg, "ii:i", 0) \
  X(I32AtomicRmw16OrU, 0xfe, 0x36, "i32.atomic.rmw16.or_u", kMemArg, "ii:i", 1) \
  X(I64AtomicRmw8OrU, 0xfe, 0x37, "i64.atomic.rmw8.or_u", kMemArg, "il:l", 0) \
  X(I64AtomicRmw16OrU, 0xfe, 0x38, "i64.atomic.rmw16.or_u", kMemArg, "il:l", 1) \
  X(I64AtomicRmw32OrU, 0xfe, 0x39, "i64.atomic.rmw32.or_u", kMemArg, "il:l", 2) \
  X(I32AtomicRmwXor, 0xfe, 0x3a, "i32.atomic.rmw.xor", kMemArg, "ii:i", 2) \
  X(I64AtomicRmwXor, 0xfe, 0x3b, "i64.atomic.rmw.xor", kMemArg, "il:l", 3) \
  X(I32AtomicRmw8XorU, 0xfe, 0x3c, "i32.atomic.rmw8.xor_u", kMemArg, "ii:i", 0) \
  X(I32AtomicRmw16XorU, 0xfe, 0x3d, "i32.atomic.rmw16.xor_u", kMemArg, "ii:i", 1) \
  X(I64AtomicRmw8XorU, 0xfe, 0x3e, "i64.atomic.rmw8.xor_u", kMemArg, "il:l", 0) \
  X(I64AtomicRmw16XorU, 0xfe, 0x3f, "i64.atomic.rmw16.xor_u", kMemArg, "il:l", 1) \
  X(I64AtomicRmw32XorU, 0xfe, 0x40, "i64.atomic.rmw32.xor_u", kMemArg, "il:l", 2) \
  X(I32AtomicRmwXchg, 0xfe, 0x41, "i32.atomic.rmw.xchg", kMemArg, "ii:i", 2) \
  X(I64AtomicRmwXchg, 0xfe, 0x42, "i64.atomic.rmw.xchg", kMemArg, "il:l", 3) \
  X(I32AtomicRmw8XchgU, 0xfe, 0x43, "i32.atomic.rmw8.xchg_u", kMemArg, "ii:i", 0) \
  X(I32AtomicRmw16XchgU, 0xfe, 0x44, "i32.atomic.rmw16.xchg_u", kMemArg, "ii:i", 1) \
  X(I64AtomicRmw8XchgU, 0xfe, 0x45, "i64.atomic.rmw8.xchg_u", kMemArg, "il:l", 0) \
  X(I64AtomicRmw16XchgU, 0xfe, 0x46, "i64.atomic.rmw16.xchg_u", kMemArg, "il:l", 1) \
  X(I64AtomicRmw32XchgU, 0xfe, 0x47, "i64.atomic.rmw32.xchg_u", kMemArg, "il:l", 2) \
  X(I32AtomicRmwCmpxchg, 0xfe, 0x48, "i32.atomic.rmw.cmpxchg", kMemArg, "iii:i", 2) \
  X(I64AtomicRmwCmpxchg, 0xfe, 0x49, "i64.atomic.rmw.cmpxchg", kMemArg, "ill:l", 3) \
  X(I32AtomicRmw8CmpxchgU, 0xfe, 0x4a, "i32.atomic.rmw8.cmpxchg_u", kMemArg, "iii:i", 0) \
  X(I32AtomicRmw16CmpxchgU, 0xfe, 0x4b, "i32.atomic.rmw16.cmpxchg_u", kMemArg, "iii:i", 1) \
  X(I64AtomicRmw8CmpxchgU, 0xfe, 0x4c, "i64.atomic.rmw8.cmpxchg_u", kMemArg, "ill:l", 0) \
  X(I64AtomicRmw16CmpxchgU, 0xfe, 0x4d, "i64.atomic.rmw16.cmpxchg_u", kMemArg, "ill:l", 1) \
  X(I64AtomicRmw32CmpxchgU, 0xfe, 0x4e, "i64.atomic.rmw32.cmpxchg_u", kMemArg, "ill:l", 2) \
  X(V128Load, 0xfd, 0x00, "v128.load", kMemArg, "i:v", 4) \
  X(V128Load8x8S, 0xfd, 0x01, "v128.load8x8_s", kMemArg, "i:v", 3) \
  X(V128Load8x8U, 0xfd, 0x02, "v128.load8x8_u", kMemArg, "i:v", 3) \
  X(V128Load16x4S, 0xfd, 0x03, "v128.load16x4_s", kMemArg, "i:v", 3) \
  X(V128Load16x4U, 0xfd, 0x04, "v128.load16x4_u", kMemArg, "i:v", 3) \
  X(V128Load32x2S, 0xfd, 0x05, "v128.load32x2_s", kMemArg, "i:v", 3) \
  X(V128Load32x2U, 0xfd, 0x06, "v128.load32x2_u", kMemArg, "i:v", 3) \
  X(V128Load8Splat, 0xfd, 0x07, "v128.load8_splat", kMemArg, "i:v", 0) \
  X(V128Load16Splat, 0xfd, 0x08, "v128.load16_splat", kMemArg, "i:v", 1) \
  X(V128Load32Splat, 0xfd, 0x09, "v128.load32_splat", kMemArg, "i:v", 2) \
  X(V128Load64Splat, 0xfd, 0x0a, "v128.load64_splat", kMemArg, "i:v", 3) \
  X(V128Store, 0xfd, 0x0b, "v128.store", kMemArg, "iv:", 4) \
  X(V128Const, 0xfd, 0x0c, "v128.const", kV128, ":v", 0) \
  X(I8x16Shuffle, 0xfd, 0x0d, "i8x16.shuffle", kShuffle, "vv:v", 0) \
  X(I8x16Swizzle, 0xfd, 0x0e, "i8x16.swizzle", kNone, "vv:v", 0) \
  X(I8x16Splat, 0xfd, 0x0f, "i8x16.splat", kNone, "i:v", 0) \
  X(I16x8Splat, 0xfd, 0x10, "i16x8.splat", kNone, "i:v", 0) \
  X(I32x4Splat, 0xfd, 0x11, "i32x4.splat", kNone, "i:v", 0) \
  X(I64x2Splat, 0xfd, 0x12, "i64x2.splat", kNone, "l:v", 0) \
  X(F32x4Splat, 0xfd, 0x13, "f32x4.splat", kNone, "f:v", 0) \
  X(F64x2Splat, 0xfd, 0x14, "f64x2.splat", kNone, "d:v", 0) \
  X(I8x16ExtractLaneS, 0xfd, 0x15, "i8x16.extract_lane_s", kLane, "v:i", 16) \
  X(I8x16ExtractLaneU, 0xfd, 0x16, "i8x16.extract_lane_u", kLane, "v:i", 16) \
  X(I8x16ReplaceLane, 0xfd, 0x17, "i8x16.replace_lane", kLane, "vi:v", 16) \
  X(I16x8ExtractLaneS, 0xfd, 0x18, "i16x8.extract_lane_s", kLane, "v:i", 8) \
  X(I16x8ExtractLaneU, 0xfd, 0x19, "i16x8.extract_lane_u", kLane, "v:i", 8) \
  X(I16x8ReplaceLane, 0xfd, 0x1a, "i16x8.replace_lane", kLane, "vi:v", 8) \
  X(I32x4ExtractLane, 0xfd, 0x1b, "i32x4.extract_lane", kLane, "v:i", 4) \
  X(I32x4ReplaceLane, 0xfd, 0x1c, "i32x4.replace_lane", kLane, "vi:v", 4) \
  X(I64x2ExtractLane, 0xfd, 0x1d, "i64x2.extract_lane", kLane, "v:l", 2) \
  X(I64x2ReplaceLane, 0xfd, 0x1e, "i64x2.replace_lane", kLane, "vl:v", 2) \
  X(F32x4ExtractLane, 0xfd, 0x1f, "f32x4.extract_lane", kLane, "v:f", 4) \
  X(F32x4ReplaceLane, 0xfd, 0x20, "f32x4.replace_lane", kLane, "vf:v", 4) \
  X(F64x2ExtractLane, 0xfd, 0x21, "f64x2.extract_lane", kLane, "v:d", 2) \
  X(F64x2ReplaceLane, 0xfd, 0x22, "f64x2.replace_lane", kLane, "vd:v", 2) \
  X(I8x16Eq, 0xfd, 0x23, "i8x16.eq", kNone, "vv:v", 0) \
  X(I8x16Ne, 0xfd, 0x24, "i8x16.ne", kNone, "vv:v", 0) \
  X(I8x16LtS, 0xfd, 0x25, "i8x16.lt_s", kNone, "vv:v", 0) \
  X(I8x16LtU, 0xfd, 0x26, "i8x16.lt_u", kNone, "vv:v", 0) \
  X(I8x16GtS, 0xfd, 0x27, "i8x16.gt_s", kNone, "vv:v", 0) \
  X(I8x16GtU, 0xfd, 0x28, "i8x16.gt_u", kNone, "vv:v", 0) \
  X(I8x16LeS, 0xfd, 0x29, "i8x16.le_s", kNone, "vv:v", 0) \
  X(I8x16LeU, 0xfd, 0x2a, "i8x16.le_u", kNone, "vv:v", 0) \
  X(I8x16GeS, 0xfd, 0x2b, "i8x16.ge_s", kNone, "vv:v", 0) \
  X(I8x16GeU, 0xfd, 0x2c, "i8x16.ge_u", kNone, "vv:v", 0) \
  X(I16x8Eq, 0xfd, 0x2d, "i16x8.eq", kNone, "vv:v", 0) \
  X(I16x8Ne, 0xfd, 0x2e, "i16x8.ne", kNone, "vv:v", 0) \
  X(I16x8LtS, 0xfd, 0x2f, "i16x8.lt_s", kNone, "vv:v", 0) \
  X(I16x8LtU, 0xfd, 0x30, "i16x8.lt_u", kNone, "vv:v", 0) \
  X(I16x8GtS, 0xfd, 0x31, "i16x8.gt_s", kNone, "vv:v", 0) \
  X(I16x8GtU, 0xfd, 0x32, "i16x8.gt_u", kNone, "vv:v", 0) \
  X(I16x8LeS, 0xfd, 0x33, "i16x8.le_s", kNone, "vv:v", 0) \
  X(I16x8LeU, 0xfd, 0x34, "i16x8.le_u", kNone, "vv:v", 0) \
  X(I16x8GeS, 0xfd, 0x35, "i16x8.ge_s", kNone, "vv:v", 0) \
  X(I16x8GeU, 0xfd, 0x36, "i16x8.ge_u", kNone, "vv:v", 0) \
  X(I32x4Eq, 0xfd, 0x37, "i32x4.eq", kNone, "vv:v", 0) \
  X(I32x4Ne, 0xfd, 0x38, "i32x4.ne", kNone, "vv:v", 0) \
  X(I32x4LtS, 0xfd, 0x39, "i32x4.lt_s", kNone, "vv:v", 0) \
  X(I32x4LtU, 0xfd, 0x3a, "i32x4.lt_u", kNone, "vv:v", 0) \
  X(I32x4GtS, 0xfd, 0x3b, "i32x4.gt_s", kNone, "vv:v", 0) \
  X(I32x4GtU, 0xfd, 0x3c, "i32x4.gt_u", kNone, "vv:v", 0) \
  X(I32x4LeS, 0xfd, 0x3d, "i32x4.le_s", kNone, "vv:v", 0) \
  X(I32x4LeU, 0xfd, 0x3e, "i32x4.le_u", kNone, "vv:v", 0) \
  X(I32x4GeS, 0xfd, 0x3f, "i32x4.ge_s", kNone, "vv:v", 0) \
  X(I32x4GeU, 0xfd, 0x40, "i32x4.ge_u", kNone, "vv:v", 0) \
  X(F32x4Eq, 0xfd, 0x41, "f32x4.eq", kNone, "vv:v", 0) \
  X(F32x4Ne, 0xfd, 0x42, "f32x4.ne", kNone, "vv:v", 0) \
  X(F32x4Lt, 0xfd, 0x43, "f32x4.lt", kNone, "vv:v", 0) \
  X(F32x4Gt, 0xfd, 0x44, "f32x4.gt", kNone, "vv:v", 0) \
  X(F32x4Le, 0xfd, 0x45, "f32x4.le", kNone, "vv:v", 0) \
  X(F32x4Ge, 0xfd, 0x46, "f32x4.ge", kNone, "vv:v", 0) \
  X(F64x2Eq, 0xfd, 0x47, "f64x2.eq", kNone, "vv:v", 0) \
  X(F64x2Ne, 0xfd, 0x48, "f64x2.ne", kNone, "vv:v", 0) \
  X(F64x2Lt, 0xfd, 0x49, "f64x2.lt", kNone, "vv:v", 0) \
  X(F64x2Gt, 0xfd, 0x4a, "f64x2.gt", kNone, "vv:v", 0) \
  X(F64x2Le, 0xfd, 0x4b, "f64x2.le", kNone, "vv:v", 0) \
  X(F64x2Ge, 0xfd, 0x4c, "f64x2.ge", kNone, "vv:v", 0) \
  X(V128Not, 0xfd, 0x4d, "v128.not", kNone, "v:v", 0) \
  X(V128And, 0xfd, 0x4e, "v128.and", kNone, "vv:v", 0) \
  X(V128Andnot, 0xfd, 0x4f, "v128.andnot", kNone, "vv:v", 0) \
  X(V128Or, 0xfd, 0x50, "v128.or", kNone, "vv:v", 0) \
  X(V128Xor, 0xfd, 0x51, "v128.xor", kNone, "vv:v", 0) \
  X(V128Bitselect, 0xfd, 0x52, "v128.bitselect", kNone, "vvv:v", 0) \
  X(V128AnyTrue, 0xfd, 0x53, "v128.any_true", kNone, "v:i", 0) \
  X(V128Load8Lane, 0xfd, 0x54, "v128.load8_lane", kMemArgLane, "iv:v", 16) \
  X(V128Load16Lane, 0xfd, 0x55, "v128.load16_lane", kMemArgLane, "iv:v", 264) \
  X(V128Load32Lane, 0xfd, 0x56, "v128.load32_lane", kMemArgLane, "iv:v", 516) \
  X(V128Load64Lane, 0xfd, 0x57, "v128.load64_lane", kMemArgLane, "iv:v", 770) \
  X(V128Store8Lane, 0xfd, 0x58, "v128.store8_lane", kMemArgLane, "iv:", 16) \
  X(V128Store16Lane, 0xfd, 0x59, "v128.store16_lane", kMemArgLane, "iv:", 264) \
  X(V128Store32Lane, 0xfd, 0x5a, "v128.store32_lane", kMemArgLane, "iv:", 516) \
  X(V128Store64Lane, 0xfd, 0x5b, "v128.store64_lane", kMemArgLane, "iv:", 770) \
  X(V128Load32Zero, 0xfd, 0x5c, "v128.load32_zero", kMemArg, "i:v", 2) \
  X(V128Load64Zero, 0xfd, 0x5d, "v128.load64_zero", kMemArg, "i:v", 3) \
  X(F32x4DemoteF64x2Zero, 0xfd, 0x5e, "f32x4.demote_f64x2_zero", kNone, "v:v", 0) \
  X(F64x2PromoteLowF32x4, 0xfd, 0x5f, "f64x2.promote_low_f32x4", kNone, "v:v", 0) \
  X(I8x16Abs, 0xfd, 0x60, "i8x16.abs", kNone, "v:v", 0) \
  X(I8x16Neg, 0xfd, 0x61, "i8x16.neg", kNone, "v:v", 0) \
  X(I8x16Popcnt, 0xfd, 0x62, "i8x16.popcnt", kNone, "v:v", 0) \
  X(I8x16AllTrue, 0xfd, 0x63, "i8x16.all_true", kNone, "v:i", 0) \
  X(I8x16Bitmask, 0xfd, 0x64, "i8x16.bitmask", kNone, "v:i", 0) \
  X(I8x16NarrowI16x8S, 0xfd, 0x65, "i8x16.narrow_i16x8_s", kNone, "vv:v", 0) \
  X(I8x16NarrowI16x8U, 0xfd, 0x66, "i8x16.narrow_i16x8_u", kNone, "vv:v", 0) \
  X(F32x4Ceil, 0xfd, 0x67, "f32x4.ceil", kNone, "v:v", 0) \
  X(F32x4Floor, 0xfd, 0x68, "f32x4.floor", kNone, "v:v", 0) \
  X(F32x4Trunc, 0xfd, 0x69, "f32x4.trunc", kNone, "v:v", 0) \
  X(F32x4Nearest, 0xfd, 0x6a, "f32x4.nearest", kNone, "v:v", 0) \
  X(I8x16Shl, 0xfd, 0x6b, "i8x16.shl", kNone, "vi:v", 0) \
  X(I8x16ShrS, 0xfd, 0x6c, "i8x16.shr_s", kNone, "vi:v", 0) \
  X(I8x16ShrU, 0xfd, 0x6d, "i8x16.shr_u", kNone, "vi:v", 0) \
  X(I8x16Add, 0xfd, 0x6e, "i8x16.add", kNone, "vv:v", 0) \
  X(I8x16AddSatS, 0xfd, 0x6f, "i8x16.add_sat_s", kNone, "vv:v", 0) \
  X(I8x16AddSatU, 0xfd, 0x70, "i8x16.add_sat_u", kNone, "vv:v", 0) \
  X(I8x16Sub, 0xfd, 0x71, "i8x16.sub", kNone, "vv:v", 0) \
  X(I8x16SubSatS, 0xfd, 0x72, "i8x16.sub_sat_s", kNone, "vv:v", 0) \
  X(I8x16SubSatU, 0xfd, 0x73, "i8x16.sub_sat_u", kNone, "vv:v", 0) \
  X(F64x2Ceil, 0xfd, 0x74, "f64x2.ceil", kNone, "v:v", 0) \
  X(F64x2Floor, 0xfd, 0x75, "f64x2.floor", kNone, "v:v", 0) \
  X(I8x16MinS, 0xfd, 0x76, "i8x16.min_s", kNone, "vv:v", 0) \
  X(I8x16MinU, 0xfd, 0x77, "i8x16.min_u", kNone, "vv:v", 0) \
  X(I8x16MaxS, 0xfd, 0x78, "i8x16.max_s", kNone, "vv:v", 0) \
  X(I8x16MaxU, 0xfd, 0x79, "i8x16.max_u", kNone, "vv:v", 0) \
  X(F64x2Trunc, 0xfd, 0x7a, "f64x2.trunc", kNone, "v:v", 0) \
  X(I8x16AvgrU, 0xfd, 0x7b, "i8x16.avgr_u", kNone, "vv:v", 0) \
  X(I16x8ExtaddPairwiseI8x16S, 0xfd, 0x7c, "i16x8.extadd_pairwise_i8x16_s", kNone, "v:v", 0) \
  X(I16x8ExtaddPairwiseI8x16U, 0xfd, 0x7d, "i16x8.extadd_pairwise_i8x16_u", kNone, "v:v", 0) \
  X(I32x4ExtaddPairwiseI16x8S, 0xfd, 0x7e, "i32x4.extadd_pairwise_i16x8_s", kNone, "v:v", 0) \
  X(I32x4ExtaddPairwiseI16x8U, 0xfd, 0x7f, "i32x4.extadd_pairwise_i16x8_u", kNone, "v:v", 0) \
  X(I16x8Abs, 0xfd, 0x80, "i16x8.abs", kNone, "v:v", 0) \
  X(I16x8Neg, 0xfd, 0x81, "i16x8.neg", kNone, "v:v", 0) \
  X(I16x8Q15mulrSatS, 0xfd, 0x82, "i16x8.q15mulr_sat_s", kNone, "vv:v", 0) \
  X(I16x8AllTrue, 0xfd, 0x83, "i16x8.all_true", kNone, "v:i", 0) \
  X(I16x8Bitmask, 0xfd, 0x84, "i16x8.bitmask", kNone, "v:i", 0) \
  X(I16x8NarrowI32x4S, 0xfd, 0x85, "i16x8.narrow_i32x4_s", kNone, "vv:v", 0) \
  X(I16x8NarrowI32x4U, 0xfd, 0x86, "i16x8.narrow_i32x4_u", kNone, "vv:v", 0) \
  X(I16x8ExtendLowI8x16S, 0xfd, 0x87, "i16x8.extend_low_i8x16_s", kNone, "v:v", 0) \
  X(I16x8ExtendHighI8x16S, 0xfd, 0x88, "i16x8.extend_high_i8x16_s", kNone, "v:v", 0) \
  X(I16x8ExtendLowI8x16U, 0xfd, 0x89, "i16x8.extend_low_i8x16_u", kNone, "v:v", 0) \
  X(I16x8ExtendHighI8x16U, 0xfd, 0x8a, "i16x8.extend_high_i8x16_u", kNone, "v:v", 0) \
  X(I16x8Shl, 0xfd, 0x8b, "i16x8.shl", kNone, "vi:v", 0) \
  X(I16x8ShrS, 0xfd, 0x8c, "i16x8.shr_s", kNone, "vi:v", 0) \
  X(I16x8ShrU, 0xfd, 0x8d, "i16x8.shr_u", kNone, "vi:v", 0) \
  X(I16x8Add, 0xfd, 0x8e, "i16x8.add", kNone, "vv:v", 0) \
  X(I16x8AddSatS, 0xfd, 0x8f, "i16x8.add_sat_s", kNone, "vv:v", 0) \
  X(I16x8AddSatU, 0xfd, 0x90, "i16x8.add_sat_u", kNone, "vv:v", 0) \
  X(I16x8Sub, 0xfd, 0x91, "i16x8.sub", kNone, "vv:v", 0) \
  X(I16x8SubSatS, 0xfd, 0x92, "i16x8.sub_sat_s", kNone, "vv:v", 0) \
  X(I16x8SubSatU, 0xfd, 0x93, "i16x8.sub_sat_u", kNone, "vv:v", 0) \
  X(F64x2Nearest, 0xfd, 0x94, "f64x2.nearest", kNone, "v:v", 0) \
  X(I16x8Mul, 0xfd, 0x95, "i16x8.mul", kNone, "vv:v", 0) \
  X(I16x8MinS, 0xfd, 0x96, "i16x8.min_s", kNone, "vv:v", 0) \
  X(I16x8MinU, 0xfd, 0x97, "i16x8.min_u", kNone, "vv:v", 0) \
  X(I16x8MaxS, 0xfd, 0x98, "i16x8.max_s", kNone, "vv:v", 0) \
  X(I16x8MaxU, 0xfd, 0x99, "i16x8.max_u", kNone, "vv:v", 0) \
  X(I16x8AvgrU, 0xfd, 0x9b, "i16x8.avgr_u", kNone, "vv:v", 0) \
  X(I16x8ExtmulLowI8x16S, 0xfd, 0x9c, "i16x8.extmul_low_i8x16_s", kNone, "vv:v", 0) \
  X(I16x8ExtmulHighI8x16S, 0xfd, 0x9d, "i16x8.extmul_high_i8x16_s", kNone, "vv:v", 0) \
  X(I16x8ExtmulLowI8x16U, 0xfd, 0x9e, "i16x8.extmul_low_i8x16_u", kNone, "vv:v", 0) \
  X(I16x8ExtmulHighI8x16U, 0xfd, 0x9f, "i16x8.extmul_high_i8x16_u", kNone, "vv:v", 0) \
  X(I32x4Abs, 0xfd, 0xa0, "i32x4.abs", kNone, "v:v", 0) \
  X(I32x4Neg, 0xfd, 0xa1, "i32x4.neg", kNone, "v:v", 0) \
  X(I32x4AllTrue, 0xfd, 0xa3, "i32x4.all_true", kNone, "v:i", 0) \
  X(I32x4Bitmask, 0xfd, 0xa4, "i32x4.bitmask", kNone, "v:i", 0) \
  X(I32x4ExtendLowI16x8S, 0xfd, 0xa7, "i32x4.extend_low_i16x8_s", kNone, "v:v", 0) \
  X(I32x4ExtendHighI16x8S, 0xfd, 0xa8, "i32x4.extend_high_i16x8_s", kNone, "v:v", 0) \
  X(I32x4ExtendLowI16x8U, 0xfd, 0xa9, "i32x4.extend_low_i16x8_u", kNone, "v:v", 0) \
  X(I32x4ExtendHighI16x8U, 0xfd, 0xaa, "i32x4.extend_high_i16x8_u", kNone, "v:v", 0) \
  X(I32x4Shl, 0xfd, 0xab, "i32x4.shl", kNone, "vi:v", 0) \
  X(I32x4ShrS, 0xfd, 0xac, "i32x4.shr_s", kNone, "vi:v", 0) \
  X(I32x4ShrU, 0xfd, 0xad, "i32x4.shr_u", kNone, "vi:v", 0) \
  X(I32x4Add, 0xfd, 0xae, "i32x4.add", kNone, "vv:v", 0) \
  X(I32x4Sub, 0xfd, 0xb1, "i32x4.sub", kNone, "vv:v", 0) \
  X(I32x4Mul, 0xfd, 0xb5, "i32x4.mul", kNone, "vv:v", 0) \
  X(I32x4MinS, 0xfd, 0xb6, "i32x4.min_s", kNone, "vv:v", 0) \
  X(I32x4MinU, 0xfd, 0xb7, "i32x4.min_u", kNone, "vv:v", 0) \
  X(I32x4MaxS, 0xfd, 0xb8, "i32x4.max_s", kNone, "vv:v", 0) \
  X(I32x4MaxU, 0xfd, 0xb9, "i32x4.max_u", kNone, "vv:v", 0) \
  X(I32x4DotI16x8S, 0xfd, 0xba, "i32x4.dot_i16x8_s", kNone, "vv:v", 0) \
  X(I32x4ExtmulLowI16x8S, 0xfd, 0xbc, "i32x4.extmul_low_i16x8_s", kNone, "vv:v", 0) \
  X(I32x4ExtmulHighI16x8S, 0xfd, 0xbd, "i32x4.extmul_high_i16x8_s", kNone, "vv:v", 0) \
  X(I32x4ExtmulLowI16x8U, 0xfd, 0xbe, "i32x4.extmul_low_i16x8_u", kNone, "vv:v", 0) \
  X(I32x4ExtmulHighI16x8U, 0xfd, 0xbf, "i32x4.extmul_high_i16x8_u", kNone, "vv:v", 0) \
  X(I64x2Abs, 0xfd, 0xc0, "i64x2.abs", kNone, "v:v", 0) \
  X(I64x2Neg, 0xfd, 0xc1, "i64x2.neg", kNone, "v:v", 0) \
  X(I64x2AllTrue, 0xfd, 0xc3, "i64x2.all_true", kNone, "v:i", 0) \
  X(I64x2Bitmask, 0xfd, 0xc4, "i64x2.bitmask", kNone, "v:i", 0) \
  X(I64x2ExtendLowI32x4S, 0xfd, 0xc7, "i64x2.extend_low_i32x4_s", kNone, "v:v", 0) \
  X(I64x2ExtendHighI32x4S, 0xfd, 0xc8, "i64x2.extend_high_i32x4_s", kNone, "v:v", 0) \
  X(I64x2ExtendLowI32x4U, 0xfd, 0xc9, "i64x2.extend_low_i32x4_u", kNone, "v:v", 0) \
  X(I64x2ExtendHighI32x4U, 0xfd, 0xca, "i64x2.extend_high_i32x4_u", kNone, "v:v", 0) \
  X(I64x2Shl, 0xfd, 0xcb, "i64x2.shl", kNone, "vi:v", 0) \
  X(I64x2ShrS, 0xfd, 0xcc, "i64x2.shr_s", kNone, "vi:v", 0) \
  X(I64x2ShrU, 0xfd, 0xcd, "i64x2.shr_u", kNone, "vi:v", 0) \
  X(I64x2Add, 0xfd, 0xce, "i64x2.add", kNone, "vv:v", 0) \
  X(I64x2Sub, 0xfd, 0xd1, "i64x2.sub", kNone, "vv:v", 0) \
  X(I64x2Mul, 0xfd, 0xd5, "i64x2.mul", kNone, "vv:v", 0) \
  X(I64x2Eq, 0xfd, 0xd6, "i64x2.eq", kNone, "vv:v", 0) \
  X(I64x2Ne, 0xfd, 0xd7, "i64x2.ne", kNone, "vv:v", 0) \
  X(I64x2LtS, 0xfd, 0xd8, "i64x2.lt_s", kNone, "vv:v", 0) \
  X(I64x2GtS, 0xfd, 0xd9, "i64x2.gt_s", kNone, "vv:v", 0) \
  X(I64x2LeS, 0xfd, 0xda, "i64x2.le_s", kNone, "vv:v", 0) \
  X(I64x2GeS, 0xfd, 0xdb, "i64x2.ge_s", kNone, "vv:v", 0) \
  X(I64x2ExtmulLowI32x4S, 0xfd, 0xdc, "i64x2.extmul_low_i32x4_s", kNone, "vv:v", 0) \
  X(I64x2ExtmulHighI32x4S, 0xfd, 0xdd, "i64x2.extmul_high_i32x4_s", kNone, "vv:v", 0) \
  X(I64x2ExtmulLowI32x4U, 0xfd, 0xde, "i64x2.extmul_low_i32x4_u", kNone, "vv:v", 0) \
  X(I64x2ExtmulHighI32x4U, 0xfd, 0xdf, "i64x2.extmul_high_i32x4_u", kNone, "vv:v", 0) \
  X(F32x4Abs, 0xfd, 0xe0, "f32x4.abs", kNone, "v:v", 0) \
  X(F32x4Neg, 0xfd, 0xe1, "f32x4.neg", kNone, "v:v", 0) \
  X(F32x4Sqrt, 0xfd, 0xe3, "f32x4.sqrt", kNone, "v:v", 0) \
  X(F32x4Add, 0xfd, 0xe4, "f32x4.add", kNone, "vv:v", 0) \
  X(F32x4Sub, 0xfd, 0xe5, "f32x4.sub", kNone, "vv:v", 0) \
  X(F32x4Mul, 0xfd, 0xe6, "f32x4.mul", kNone, "vv:v", 0) \
  X(F32x4Div, 0xfd, 0xe7, "f32x4.div", kNone, "vv:v", 0) \
  X(F32x4Min, 0xfd, 0xe8, "f32x4.min", kNone, "vv:v", 0) \
  X(F32x4Max, 0xfd, 0xe9, "f32x4.max", kNone, "vv:v", 0) \
  X(F32x4Pmin, 0xfd, 0xea, "f32x4.pmin", kNone, "vv:v", 0) \
  X(F32x4Pmax, 0xfd, 0xeb, "f32x4.pmax", kNone, "vv:v", 0) \
  X(F64x2Abs, 0xfd, 0xec, "f64x2.abs", kNone, "v:v", 0) \
  X(F64x2Neg, 0xfd, 0xed, "f64x2.neg", kNone, "v:v", 0) \
  X(F64x2Sqrt, 0xfd, 0xef, "f64x2.sqrt", kNone, "v:v", 0) \
  X(F64x2Add, 0xfd, 0xf0, "f64x2.add", kNone, "vv:v", 0) \
  X(F64x2Sub, 0xfd, 0xf1, "f64x2.sub", kNone, "vv:v", 0) \
  X(F64x2Mul, 0xfd, 0xf2, "f64x2.mul", kNone, "vv:v", 0) \
  X(F64x2Div, 0xfd, 0xf3, "f64x2.div", kNone, "vv:v", 0) \
  X(F64x2Min, 0xfd, 0xf4, "f64x2.min", kNone, "vv:v", 0) \
  X(F64x2Max, 0xfd, 0xf5, "f64x2.max", kNone, "vv:v", 0) \
  X(F64x2Pmin, 0xfd, 0xf6, "f64x2.pmin", kNone, "vv:v", 0) \
  X(F64x2Pmax, 0xfd, 0xf7, "f64x2.pmax", kNone, "vv:v", 0) \
  X(I32x4TruncSatF32x4S, 0xfd, 0xf8, "i32x4.trunc_sat_f32x4_s", kNone, "v:v", 0) \
  X(I32x4TruncSatF32x4U, 0xfd, 0xf9, "i32x4.trunc_sat_f32x4_u", kNone, "v:v", 0) \
  X(F32x4ConvertI32x4S, 0xfd, 0xfa, "f32x4.convert_i32x4_s", kNone, "v:v", 0) \
  X(F32x4ConvertI32x4U, 0xfd, 0xfb, "f32x4.convert_i32x4_u", kNone, "v:v", 0) \
  X(I32x4TruncSatF64x2SZero, 0xfd, 0xfc, "i32x4.trunc_sat_f64x2_s_zero", kNone, "v:v", 0) \
  X(I32x4TruncSatF64x2UZero, 0xfd, 0xfd, "i32x4.trunc_sat_f64x2_u_zero", kNone, "v:v", 0) \
  X(F64x2ConvertLowI32x4S, 0xfd, 0xfe, "f64x2.convert_low_i32x4_s", kNone, "v:v", 0) \
  X(F64x2ConvertLowI32x4U, 0xfd, 0xff, "f64x2.convert_low_i32x4_u", kNone, "v:v", 0)

// clang-format on

enum class Op : uint16_t {
#define EGRET_OP_ENUM(name, prefix, code, text, imm, sig, extra) k##name,
  EGRET_WASM_OPCODES(EGRET_OP_ENUM)
#undef EGRET_OP_ENUM
      kNumOps,
};
inline constexpr int kNumOps = static_cast<int>(Op::kNumOps);

// A fixed operand signature (at most three parameters and one result in Wasm 2.0's table).
struct OpSig {
  bool fixed = false;  // false for "*" entries
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  std::array<ValType, 3> params{};
  ValType result = ValType::kBottom;

  std::span<const ValType> param_span() const { return {params.data(), num_params}; }
  std::span<const ValType> result_span() const { return {&result, num_results}; }
};

// The signature an X-macro string spells ("ii:i", "l:l", "*" for none fixed; letters i, l, f,
// d, v for i32, i64, f32, f64, v128). Constant: the table and the translator's numeric rules
// are built from it at compile time.
constexpr OpSig ParseOpSig(std::string_view s) {
  constexpr auto letter_type = [](char c) {
    switch (c) {
      case 'i':
        return ValType::kI32;
      case 'l':
        return ValType::kI64;
      case 'f':
        return ValType::kF32;
      case 'd':
        return ValType::kF64;
      case 'v':
        return ValType::kV128;
      default:
        return ValType::kBottom;
    }
  };
  OpSig sig;
  if (s == "*") return sig;
  sig.fixed = true;
  size_t i = 0;
  for (; i < s.size() && s[i] != ':'; ++i) sig.params[sig.num_params++] = letter_type(s[i]);
  for (++i; i < s.size(); ++i) {
    sig.result = letter_type(s[i]);
    ++sig.num_results;
  }
  return sig;
}

struct OpInfo {
  std::string_view name;
  uint8_t prefix;  // 0x00, 0xfc, 0xfd or 0xfe (threads)
  uint32_t code;
  ImmKind imm;
  OpSig sig;
  uint16_t extra;
};

// The table, indexed by Op (defined in opcodes.cc; declared here so that GetOpInfo inlines:
// the translator asks it for nearly every operator).
extern const OpInfo kOpInfoTable[kNumOps];
inline const OpInfo& GetOpInfo(Op op) { return kOpInfoTable[static_cast<int>(op)]; }
inline std::string_view OpName(Op op) { return GetOpInfo(op).name; }

// Looks an encoding up; returns false for unknown opcodes.
bool LookupOp(uint8_t prefix, uint32_t code, Op* op);

// The Op of each single-byte opcode, as a uint16_t, or kNoSingleByteOp (unknown opcodes and
// the prefix bytes): LookupOp(0x00, byte) as one inline load, for OperatorReader::ReadFast.
inline constexpr uint16_t kNoSingleByteOp = 0xffff;
extern const std::array<uint16_t, 256> kSingleByteOp;

// Memory access facts from the table's extra column.
inline uint32_t NaturalAlignLog2(Op op) {
  const OpInfo& info = GetOpInfo(op);
  return info.imm == ImmKind::kMemArgLane ? info.extra >> 8 : info.extra;
}
inline uint32_t LaneCount(Op op) {
  const OpInfo& info = GetOpInfo(op);
  return info.imm == ImmKind::kMemArgLane ? info.extra & 0xff : info.extra;
}
inline bool IsSimdOp(Op op) { return GetOpInfo(op).prefix == 0xfd; }
// The threads proposal's instructions (0xfe prefix): atomic accesses, fence, wait and notify.
inline bool IsAtomicOp(Op op) { return GetOpInfo(op).prefix == 0xfe; }

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_OPCODES_H_
