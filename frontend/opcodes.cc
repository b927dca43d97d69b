// opcodes.cc: the instruction table and the encoding -> Op lookup.
//
// The signature strings of opcodes.h are parsed at compile time, so the table is a constant
// array and lookup is a load from one of four dense arrays (single byte, 0xfc, 0xfd, 0xfe).
#include "frontend/opcodes.h"

namespace egret::wasm {

constexpr OpInfo kOpInfoTable[kNumOps] = {
#define EGRET_OP_INFO(name, prefix, code, text, imm, sig, extra) \
  {text, prefix, code, ImmKind::imm, ParseOpSig(sig), extra},
    EGRET_WASM_OPCODES(EGRET_OP_INFO)
#undef EGRET_OP_INFO
};

#define EGRET_OP_COUNT(name, prefix, code, text, imm, sig, extra) +1
static_assert(0 EGRET_WASM_OPCODES(EGRET_OP_COUNT) == kNumOps);  // no entry left default
#undef EGRET_OP_COUNT

namespace {

constexpr const OpInfo* kOpTable = kOpInfoTable;
constexpr uint16_t kNoOp = kNoSingleByteOp;

struct LookupTables {
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 32> fc{};
  std::array<uint16_t, 256> fd{};
  std::array<uint16_t, 0x4f> fe{};  // threads: 0x00..0x4e

  constexpr LookupTables() {
    single.fill(kNoOp);
    fc.fill(kNoOp);
    fd.fill(kNoOp);
    fe.fill(kNoOp);
    for (int i = 0; i < kNumOps; ++i) {
      const OpInfo& info = kOpTable[i];
      if (info.prefix == 0x00) single[info.code] = static_cast<uint16_t>(i);
      if (info.prefix == 0xfc) fc[info.code] = static_cast<uint16_t>(i);
      if (info.prefix == 0xfd) fd[info.code] = static_cast<uint16_t>(i);
      if (info.prefix == 0xfe) fe[info.code] = static_cast<uint16_t>(i);
    }
  }
};
constexpr LookupTables kLookup;

}  // namespace

constexpr std::array<uint16_t, 256> kSingleByteOp = kLookup.single;

bool LookupOp(uint8_t prefix, uint32_t code, Op* op) {
  uint16_t index = kNoOp;
  if (prefix == 0x00) {
    if (code < kLookup.single.size()) index = kLookup.single[code];
  } else if (prefix == 0xfc) {
    if (code < kLookup.fc.size()) index = kLookup.fc[code];
  } else if (prefix == 0xfd) {
    if (code < kLookup.fd.size()) index = kLookup.fd[code];
  } else if (prefix == 0xfe) {
    if (code < kLookup.fe.size()) index = kLookup.fe[code];
  }
  if (index == kNoOp) return false;
  *op = static_cast<Op>(index);
  return true;
}

}  // namespace egret::wasm
