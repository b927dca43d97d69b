// checker.h: proves an allocation correct by symbolic execution.
//
// The checker knows nothing about how an allocator works. It runs the allocated program over an
// abstract state that maps every location (register or spill slot) to the set of vregs whose
// value it certainly holds, and checks at every use that the operand's location holds the
// operand's vreg. Moves copy sets; a def removes its vreg from every location and puts it in its
// own; clobbers empty registers; an edge renames branch arguments to the successor's parameters
// (so the checker is independent of where the allocator put the edge moves); at a merge the
// states meet by intersection, iterated to a fixpoint.
//
// Stack maps are exact: at a safepoint every reference vreg live across it must be in a listed
// slot, and every listed slot must hold a live reference (the collector would otherwise trace
// garbage). Afterwards references are forgotten everywhere except in listed slots: the collector
// may move objects and updates only what the stack map names, so any other copy is stale.
//
// Besides data flow it checks every operand's constraint (class, fixed register, reuse, register
// vs stack, allocatable) and the conflicts between operands of one instruction (see operand.h).
// Errors name the instruction, its block, the operand and the location.
#ifndef EGRET_REGALLOC_CHECKER_H_
#define EGRET_REGALLOC_CHECKER_H_

#include "regalloc/function.h"
#include "regalloc/output.h"
#include "support/error.h"

namespace egret::regalloc {

// Returns the first error found (in layout order), or Ok. The input must have passed
// Function::Validate().
Status CheckAllocation(const Function& f, const MachineEnv& env, const Output& out);

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_CHECKER_H_
