// verifier.h: checks that a function is well-formed IR.
//
// Checked: entity ranges (every referenced value, block, slot, function, signature and jump
// table exists; values are defined by an instruction in the layout or a block parameter); block
// structure (every block ends in exactly one terminator and has none before); the entry block's
// parameters match the signature; operand and result types per the opcode table and the
// per-opcode rules in docs/ir.md; block-argument arity and types on every edge (jump tables
// included); return values against the signature; call arguments against the callee's
// signature; stack-slot accesses inside their slot; memory flags naming at most one region;
// and SSA dominance: every use is dominated by its definition (uses in unreachable blocks are
// only checked for existence).
//
// Each error names what is wrong, e.g.
//   `v7 used in block3 is not dominated by its definition in block5`
//   `inst4 (v4 = iadd v1, v2): operands must have the same type, got i32 and i64`
#ifndef EGRET_IR_VERIFIER_H_
#define EGRET_IR_VERIFIER_H_

#include <string>
#include <vector>

#include "ir/function.h"
#include "support/error.h"

namespace egret::ir {

class ControlFlowGraph;
class DominatorTree;

struct VerifierError {
  Inst inst;    // the offending instruction, if any
  Block block;  // the offending block, if any
  std::string message;
};

// Where the verifier takes the CFG and dominator tree from. It asks only once every placed
// block and its last instruction are in range (all ControlFlowGraph::Compute needs), and at most
// once each. Invariant a source keeps: what it returns describes the function as it is now.
// opt::AnalysisCache is one (so a compile that verifies after the passes reuses the analyses
// the last passes left, and lowering then reuses the same ones); without a source the verifier
// computes its own.
class VerifierAnalyses {
 public:
  virtual const ControlFlowGraph& Cfg() = 0;
  virtual const DominatorTree& DomTree() = 0;

 protected:
  ~VerifierAnalyses() = default;
};

// All problems found (empty: the function is valid). Structural problems may hide later ones.
std::vector<VerifierError> VerifyFunction(const Function& f);
std::vector<VerifierError> VerifyFunction(const Function& f, VerifierAnalyses& analyses);

// The first problem as an Error (`function %f: message`), or Ok.
Status Verify(const Function& f);
Status Verify(const Function& f, VerifierAnalyses& analyses);

// Tests only: turns the verifier's fast path off (true: on, the default) for the calling thread.
// The fast path answers "valid" for a function with no error in one lean walk, and otherwise
// hands over to the full checks, which find and word every error; so the result never depends on
// it. The tests compare both modes on mutated functions.
void SetVerifierFastPathForTesting(bool enabled);

// Tests only: whether the fast path alone accepts f (with analyses computed here). It must for
// the valid functions compiles make, or every compile pays for the full checks; it never does
// for an invalid one.
bool VerifierFastPathAcceptsForTesting(const Function& f);

// For internal consistency checks after a transformation: aborts with the function's text and
// every error if the function is invalid.
void VerifyOrDie(const Function& f, const char* context);

}  // namespace egret::ir

#endif  // EGRET_IR_VERIFIER_H_
