// dispatch_copies.h: tail duplication of dispatch blocks at emission (`--opt-level=speed`).
//
// A switch in a loop (an interpreter's `for (;;) switch (code[pc++])`) is a Wasm `br_table` in
// the loop header: every handler ends in a jump back to one small block D that loads the next
// opcode and jumps through the table. That single indirect jump is predicted from the history of
// all handlers together. Emitting a copy of D in place of each handler's jump gives every
// handler its own indirect jump (and its own prediction history), what threaded interpreters do
// by hand and LLVM's tail duplication does for indirect branches.
//
// Register allocation is final when the emitter runs, so a copy of D's allocated instructions
// with D's allocator edits is D itself: the copy computes what D computes with the registers
// and stack slots D uses, and jumps where D jumps. What the copies share or repeat is the
// target's business, through the ordinary emission of each instruction: every copy of a
// trapping instruction gets its own trap record and every copy carries D's source locations;
// jump tables and out-of-line trap stubs may be shared.
//
// Which blocks (`DispatchCopies::Compute`):
//   - D ends in an indirect jump (`CopyKind::kIndirect`), is not the entry block, and every
//     instruction in it is copyable (no call, hence no stack map; no return; no frame setup);
//     its size, the machine instructions of its instructions (`CopyInfo::cost`, the target's
//     upper estimate) plus one per allocator edit inside it, is at most kMaxDispatchCost;
//   - a block P whose terminator is an unconditional jump (`CopyKind::kJump`) to D, or to a
//     chain of empty jump blocks (one jump, no edits) ending at D, gets a copy of D, unless D
//     or the chain's first block is emitted right after P, where the jump costs nothing;
//   - per function, the copies total at most `kBaseBudget + (instructions + edits) / 2` in
//     cost, handed out in emission order.
// Invariants: `copy_of[p]` is kNone or a dispatch block D != 0 that P reaches through its
// jump, with only empty jump blocks in between; `copy_of` is empty when nothing is copied.
// Linear in blocks + instructions of dispatch blocks.
#ifndef EGRET_BACKENDS_COMMON_DISPATCH_COPIES_H_
#define EGRET_BACKENDS_COMMON_DISPATCH_COPIES_H_

#include <cstdint>
#include <span>
#include <vector>

#include "regalloc/function.h"
#include "regalloc/output.h"

namespace egret::backend {

// What an instruction is to tail duplication (the target's answer, InstEmitter::CopyInfoOf).
enum class CopyKind : uint8_t {
  kNone,      // must not be copied (calls, returns, frame setup, anything not listed)
  kPlain,     // may be copied; `cost` machine instructions at most
  kJump,      // an unconditional jump to its block's only successor
  kIndirect,  // a block-ending indirect jump (a jump table); `cost` machine instructions
};

struct CopyInfo {
  CopyKind kind = CopyKind::kNone;
  uint32_t cost = 0;
};

struct DispatchCopies {
  static constexpr uint32_t kNone = UINT32_MAX;
  // The largest dispatch block copied, in machine instructions (with its edits).
  static constexpr uint32_t kMaxDispatchCost = 16;
  // Per function: the copies' total cost at most kBaseBudget + (instructions + edits) / 2.
  static constexpr uint32_t kBaseBudget = 256;
  // Chains of empty jump blocks followed from P's jump (one edge block in practice).
  static constexpr int kMaxChain = 4;

  std::vector<uint32_t> copy_of;  // by block: the block copied in place of its jump, or kNone
  uint32_t copies = 0;            // how many blocks got a copy
  uint32_t copied_cost = 0;       // their total cost

  // `info(ctx, i)` is the target's CopyInfo of instruction i; `edit_begin[b]` is block b's
  // first allocator edit (nb + 1 entries); `order`/`next` are the emission order (EmitOrder;
  // `order` empty: layout order).
  using InfoFn = CopyInfo (*)(const void* ctx, uint32_t inst);
  void Compute(const regalloc::Function& f, const regalloc::Output& ra,
               std::span<const uint32_t> edit_begin, std::span<const uint32_t> order,
               std::span<const uint32_t> next, InfoFn info, const void* ctx);
  // The same with any callable `info(i)` (tests).
  template <class F>
  void Compute(const regalloc::Function& f, const regalloc::Output& ra,
               std::span<const uint32_t> edit_begin, std::span<const uint32_t> order,
               std::span<const uint32_t> next, const F& info) {
    Compute(
        f, ra, edit_begin, order, next,
        [](const void* ctx, uint32_t i) { return (*static_cast<const F*>(ctx))(i); }, &info);
  }

 private:
  struct Candidate {
    uint32_t block, cost;
  };
  std::vector<Candidate> candidates_;  // the dispatch blocks of the function being planned
  std::vector<uint32_t> cost_;         // by block: its cost if it is a dispatch block, else kNone
};

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_DISPATCH_COPIES_H_
