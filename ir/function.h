// function.h: an IR function: name, signature, data-flow graph, layout, stack slots and source
// locations.
//
// A Function is plain data (vectors of entities); copying one copies everything. It is built
// with a FunctionBuilder (builder.h) or parsed from text (parser.h), and checked with
// Verify() (verifier.h). A Module is just the list of functions of one text file, so that
// `call %f` can be resolved by name (by the interpreter, or later by the frontend's caller).
//
// Source locations are Wasm byte offsets (kNoSrcLoc when unknown); the printer shows them as an
// `@001a` prefix on the instruction line.
#ifndef EGRET_IR_FUNCTION_H_
#define EGRET_IR_FUNCTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ir/dfg.h"
#include "ir/layout.h"

namespace egret::ir {

inline constexpr uint32_t kNoSrcLoc = UINT32_MAX;

struct StackSlotData {
  uint32_t size = 0;
  uint32_t align = 1;  // a power of two, at most 4096
};

class Function {
 public:
  Function() : srclocs_(kNoSrcLoc) {}
  Function(std::string name, Signature sig)
      : name(std::move(name)), signature(std::move(sig)), srclocs_(kNoSrcLoc) {}

  std::string name;  // without the leading '%'
  Signature signature;
  DataFlowGraph dfg;
  Layout layout;
  PrimaryMap<StackSlot, StackSlotData> stack_slots;

  Block EntryBlock() const { return layout.FirstBlock(); }

  // Makes this an empty function `name` with signature `sig`, as if newly constructed, but
  // keeping the capacity of every table (instructions, values, blocks, value lists, constants,
  // layout, source locations): a compiler worker translates function after function into one
  // Function without heap traffic once its tables have grown to the largest function's size.
  void Reset(std::string_view new_name, const Signature& sig);

  uint32_t SrcLoc(Inst i) const { return srclocs_[i]; }
  // Inline (the builder sets one per instruction it makes, each one past the table's end: one
  // write, AppendMap::Set).
  [[gnu::always_inline]] void SetSrcLoc(Inst i, uint32_t loc) {
    if (i.index >= srclocs_.size() && loc == kNoSrcLoc) return;  // reads as kNoSrcLoc already
    srclocs_.Set(i, loc);
  }

  StackSlot MakeStackSlot(uint32_t size, uint32_t align) { return stack_slots.Push({size, align}); }

  // Number of instructions placed in the layout (not counting ones only in the DFG).
  size_t NumLayoutInsts() const;

 private:
  AppendMap<Inst, uint32_t> srclocs_;
};

// The functions of one .eir file, in file order.
struct Module {
  std::vector<Function> functions;

  // The function named `name`, or nullptr.
  const Function* Find(std::string_view name) const;
};

}  // namespace egret::ir

#endif  // EGRET_IR_FUNCTION_H_
