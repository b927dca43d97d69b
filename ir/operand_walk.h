// operand_walk.h: the value operands of one instruction, for the loops that visit every
// instruction of a function (use counts, alias resolution, value numbering, the verifier).
//
// DataFlowGraph::ForEachOperand and MapOperands visit the fixed operands, the variable list and
// every branch destination's arguments through general code the compiler does not inline into
// such loops. These do the same, in the same order (fixed, variable, branch arguments), with the
// common case inline: the variable list is read only when it is not empty, and destinations only
// for branches (kBranch: jump, brif and br_table, the only opcodes whose formats have
// destinations).
#ifndef EGRET_IR_OPERAND_WALK_H_
#define EGRET_IR_OPERAND_WALK_H_

#include <array>
#include <cstdint>

#include "ir/dfg.h"

namespace egret::ir {

// Per opcode: the number of fixed operands (low bits) and kOperandShapeBranch for branches,
// one byte loaded instead of the opcode's format and a switch on it.
inline constexpr uint8_t kOperandShapeBranch = 0x80;
inline constexpr std::array<uint8_t, kNumOpcodes> kOperandShape = [] {
  std::array<uint8_t, kNumOpcodes> t{};
  for (int k = 0; k < kNumOpcodes; ++k) {
    t[k] = static_cast<uint8_t>(NumFixedArgs(kOpcodeInfos[k].format) |
                                ((kOpcodeInfos[k].flags & kBranch) ? kOperandShapeBranch : 0));
  }
  return t;
}();

// Calls f(Value) for every value operand of i.
template <class F>
inline void ForEachOperandInline(const DataFlowGraph& dfg, Inst i, F&& f) {
  const InstData& d = dfg[i];
  const uint8_t shape = kOperandShape[static_cast<size_t>(d.opcode)];
  const size_t n = shape & ~kOperandShapeBranch;
  for (size_t k = 0; k < n; ++k) f(d.args[k]);
  if (d.vargs.size != 0) {
    for (Value v : dfg.pool().Get(d.vargs)) f(v);
  }
  if (shape & kOperandShapeBranch) {
    dfg.ForEachDest(i, [&](const BlockCall& bc) {
      for (Value v : dfg.pool().Get(bc.args)) f(v);
    });
  }
}

// Calls f(Value&) for every value operand slot of i, so the operand can be rewritten.
template <class F>
inline void MapOperandsInline(DataFlowGraph& dfg, Inst i, F&& f) {
  InstData& d = dfg[i];
  const uint8_t shape = kOperandShape[static_cast<size_t>(d.opcode)];
  const size_t n = shape & ~kOperandShapeBranch;
  for (size_t k = 0; k < n; ++k) f(d.args[k]);
  if (d.vargs.size != 0) {
    for (Value& v : dfg.pool().GetMut(d.vargs)) f(v);
  }
  if (shape & kOperandShapeBranch) {
    dfg.ForEachDestMut(i, [&](BlockCall& bc) {
      for (Value& v : dfg.pool().GetMut(bc.args)) f(v);
    });
  }
}

}  // namespace egret::ir

#endif  // EGRET_IR_OPERAND_WALK_H_
