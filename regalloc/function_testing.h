// function_testing.h: test hooks of Function's validation (function.cc). Tests only.
#ifndef EGRET_REGALLOC_FUNCTION_TESTING_H_
#define EGRET_REGALLOC_FUNCTION_TESTING_H_

namespace egret::regalloc {

// With false, Function::ValidateStructure() runs its separate, ordered checks on every input
// instead of answering valid input from its one-walk check first (the answers are the same:
// RegallocProperty.StructureFastPathAgreesWithTheChecks).
void SetValidateStructureFastPathForTesting(bool fast);

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_FUNCTION_TESTING_H_
