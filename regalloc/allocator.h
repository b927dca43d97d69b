// allocator.h: the one entry point backends call, and the factory of allocators by name.
//
//   regalloc::Options options;              // "linear", "fast" or "backtrack"; checker on in Debug
//   EGRET_ASSIGN_OR_RETURN(regalloc::Output out, regalloc::Allocate(func, env, options));
//   // out.allocs[k] locates func.operands[k]; insert out.edits; frame gets out.num_spill_slots.
//
// Allocate() validates the input (bad input is an Error naming the block/instruction/operand;
// in full when options.run_checker is set, else its structure only: Function::Validate() and
// ValidateStructure()), computes liveness, runs the named allocator, fills statistics and, when
// options.run_checker is set, proves the result with the checker. A checker failure is an allocator
// bug: Allocate() aborts with the error and a dump of the function, never returning a wrong
// allocation.
//
// Adding an allocator: implement Allocator in a new file, add it to the table in allocator.cc.
#ifndef EGRET_REGALLOC_ALLOCATOR_H_
#define EGRET_REGALLOC_ALLOCATOR_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "regalloc/function.h"
#include "regalloc/liveness.h"
#include "regalloc/output.h"
#include "support/error.h"

namespace egret::regalloc {

#ifdef EGRET_DEBUG
inline constexpr bool kCheckerByDefault = true;
#else
inline constexpr bool kCheckerByDefault = false;
#endif

struct Options {
  std::string algorithm = "linear";  // see AllocatorNames()
  bool run_checker = kCheckerByDefault;
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual std::string_view name() const = 0;
  // `f` has passed Validate(); `live` is its liveness. Fills everything in `out` but stats
  // timing and counts (Allocate() does those).
  virtual Status Run(const Function& f, const MachineEnv& env, const Liveness& live,
                     Output* out) = 0;
  // What Run() reads of `live`: the lists (LiveIn, LiveOut), or only ForEachLiveOut.
  virtual Liveness::Sets LivenessSets() const { return Liveness::Sets::kLists; }
};

// "fast", "linear" and "backtrack", in that order.
std::span<const std::string_view> AllocatorNames();
Expected<std::unique_ptr<Allocator>> CreateAllocator(std::string_view name);

Expected<Output> Allocate(const Function& f, const MachineEnv& env, const Options& options = {});

// For every commutative reuse def (Operand::commutes_with) whose reused input lives on after the
// instruction while the other input dies there, makes the dying input the reused one (swaps
// reuse_index and commutes_with): the def then takes the dying input's register and the
// surviving value needs no copy. When both inputs die, reuses the input that is the block
// parameter the def is passed to as a branch argument (a loop-carried accumulator), so the def
// and the accumulator share one register and the back edge needs no move. Linear in the
// operands, plus the live-out sets of the blocks holding such defs, plus one pass over the
// branch arguments when both inputs of some such def die. `f` must be valid; `live` its
// liveness (either kind of Liveness::Sets).
void ChooseCommutedReuse(Function* f, const Liveness& live);

// Allocate() after ChooseCommutedReuse(), on the liveness Allocate() computes anyway; the
// backend reads the chosen reuse_index back from `*f`.
Expected<Output> Allocate(Function* f, const MachineEnv& env, const Options& options = {});

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_ALLOCATOR_H_
