// CollectWasmFrames at PCs inside the artifact's frame ranges (frameless leaves, prologue and
// epilogue windows): the faulting function's caller comes from [sp], [sp + 8] or the link
// register as the range's kind says, and the walk continues on the frame-pointer chain at fp.
// The code is never run: a registry entry maps a fake text address to a hand-made artifact, and
// the "stack" is an array holding frame records and return addresses.
#include "runtime/backtrace.h"

#include <gtest/gtest.h>

#include <vector>

#include "artifact/artifact.h"
#include "runtime/code_registry.h"

namespace egret::runtime {
namespace {

using artifact::FrameKind;

constexpr uintptr_t kText = 0x100000;  // fake address of the text section

struct Fixture {
  artifact::Artifact a;
  CodeRegistry registry;
  alignas(16) uintptr_t stack[32] = {};
  StackBounds bounds;

  Fixture() {
    // outer [0, 16): framed, prologue windows [0, 1) and [1, 4), epilogue window [14, 16).
    // leaf [16, 32): frameless. middle [32, 48): framed, no windows recorded.
    a.text.resize(64);
    a.functions = {artifact::Function{0, {0, 16}, {}}, artifact::Function{0, {16, 16}, {}},
                   artifact::Function{0, {32, 16}, {}}};
    a.frame_ranges = {{0, 1, FrameKind::kReturnAtSp},
                      {1, 3, FrameKind::kReturnAtSp8},
                      {14, 2, FrameKind::kReturnAtSp},
                      {16, 16, FrameKind::kReturnAtSp}};
    EXPECT_TRUE(registry.Register({kText, kText + 64, &a}).ok());
    bounds.lo = reinterpret_cast<uintptr_t>(&stack[0]);
    bounds.hi = reinterpret_cast<uintptr_t>(&stack[32]);
    // middle's frame record at stack[10]: the caller's record at stack[20] and the return
    // address into outer (+10); outer's record at stack[20] returns to the host (ends the walk).
    stack[10] = Addr(20);
    stack[11] = kText + 10;
    stack[20] = Addr(30);
    stack[21] = 0xdead;  // not Wasm code
  }
  uintptr_t Addr(int word) const { return reinterpret_cast<uintptr_t>(&stack[word]); }
  std::vector<uintptr_t> Walk(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t lr = 0) {
    uintptr_t out[kMaxBacktraceFrames];
    const size_t n = CollectWasmFrames(pc, fp, bounds, registry, false, out, lr, sp);
    return std::vector<uintptr_t>(out, out + n);
  }
};

using Pcs = std::vector<uintptr_t>;

TEST(Backtrace, FramelessLeafCallerComesFromTheTopOfTheStack) {
  Fixture f;
  f.stack[4] = kText + 40;  // the leaf's return address into middle, at its sp
  const uintptr_t pc = kText + 20;
  EXPECT_EQ(f.Walk(pc, f.Addr(10), f.Addr(4)), (Pcs{pc, kText + 40, kText + 10}));
  // Without frame ranges (an artifact that has none) the caller is missing: what the walk gave
  // before frameless functions had their ranges.
  f.a.frame_ranges.clear();
  EXPECT_EQ(f.Walk(pc, f.Addr(10), f.Addr(4)), (Pcs{pc, kText + 10}));
}

TEST(Backtrace, PrologueWindows) {
  Fixture f;
  // Before `push %rbp`: the return address at [sp]; fp is the caller's (middle's) record.
  f.stack[4] = kText + 40;
  EXPECT_EQ(f.Walk(kText + 0, f.Addr(10), f.Addr(4)), (Pcs{kText, kText + 40, kText + 10}));
  // After it, before `mov %rsp, %rbp`: the saved rbp at [sp], the return address above it.
  f.stack[3] = f.Addr(10);
  f.stack[4] = kText + 40;
  EXPECT_EQ(f.Walk(kText + 2, f.Addr(10), f.Addr(3)), (Pcs{kText + 2, kText + 40, kText + 10}));
  // The epilogue after `pop %rbp`.
  EXPECT_EQ(f.Walk(kText + 15, f.Addr(10), f.Addr(4)), (Pcs{kText + 15, kText + 40, kText + 10}));
  // Outside the windows the function's own record is on the chain: nothing read at sp.
  f.stack[6] = f.Addr(10);
  f.stack[7] = kText + 40;
  EXPECT_EQ(f.Walk(kText + 8, f.Addr(6), f.Addr(1)), (Pcs{kText + 8, kText + 40, kText + 10}));
}

TEST(Backtrace, LinkRegisterKind) {
  Fixture f;
  f.a.frame_ranges = {{16, 16, FrameKind::kReturnInLr}};
  const uintptr_t pc = kText + 24;
  EXPECT_EQ(f.Walk(pc, f.Addr(10), /*sp=*/0, /*lr=*/kText + 40), (Pcs{pc, kText + 40, kText + 10}));
  // A link register that is not a return address into Wasm code is not recorded.
  EXPECT_EQ(f.Walk(pc, f.Addr(10), 0, 0xdead), (Pcs{pc, kText + 10}));
}

TEST(Backtrace, BadStackPointerIsNotRead) {
  Fixture f;
  const uintptr_t pc = kText + 20;
  // Outside the thread's stack, or misaligned: the caller is skipped, nothing faults.
  EXPECT_EQ(f.Walk(pc, f.Addr(10), 8), (Pcs{pc, kText + 10}));
  EXPECT_EQ(f.Walk(pc, f.Addr(10), f.bounds.hi), (Pcs{pc, kText + 10}));
  EXPECT_EQ(f.Walk(pc, f.Addr(10), f.Addr(4) + 3), (Pcs{pc, kText + 10}));
  // A word at sp that is not a return address into Wasm code is not recorded either.
  f.stack[4] = 0x1234;
  EXPECT_EQ(f.Walk(pc, f.Addr(10), f.Addr(4)), (Pcs{pc, kText + 10}));
}

}  // namespace
}  // namespace egret::runtime
