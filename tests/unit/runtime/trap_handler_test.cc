// Traps from hand-assembled code for the host (x86-64 bytes or A64 words): each fault kind maps
// through the trap table to its TrapCode, unwinds to the right activation, and carries a
// backtrace; faults the runtime does not own are passed on, never swallowed. The two
// architectures run the same tests on the same functions; only the encodings, the trap
// instruction offsets and the signals differ (aarch64 raises SIGTRAP for brk where x86-64 raises
// SIGFPE for idiv).
#include "runtime/trap_handler.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdio>
#include <thread>

#include "runtime/host_target.h"
#include "runtime/linear_memory.h"
#include "tests/unit/runtime/a64_encoding.h"
#include "tests/unit/runtime/test_module.h"

namespace egret::runtime {
namespace {

using testing::PutLE32;
using testing::TestModule;
using testing::TestModuleBuilder;

struct Fixture {
  std::unique_ptr<TestModule> m;
  uint32_t ud2, load32, load_unlisted, div, outer, stack_check, recurse, calls_host,
      calls_stack_check;
};

#if defined(__x86_64__)

// push rbp; mov rbp, rsp
#define PROLOGUE 0x55, 0x48, 0x89, 0xE5
// pop rbp; ret
#define EPILOGUE 0x5D, 0xC3

constexpr uint32_t kUd2Offset = 4;          // the ud2 in ud2_fn
constexpr uint32_t kOuterCallLastByte = 8;  // the call in outer, as Symbolize attributes it
constexpr int kUnreachableSignal = SIGILL;  // ud2
constexpr int kDivisionSignal = SIGFPE;     // idiv by zero faults

Fixture Build() {
  Fixture f;
  TestModuleBuilder b;
  f.ud2 = b.Add("ud2_fn", {PROLOGUE, 0x0F, 0x0B, EPILOGUE}, {{4, TrapCode::kUnreachable}});
  // mov eax, [rdi + rsi]
  f.load32 =
      b.Add("load32", {PROLOGUE, 0x8B, 0x04, 0x37, EPILOGUE}, {{4, TrapCode::kHeapOutOfBounds}});
  f.load_unlisted = b.Add("load_unlisted", {PROLOGUE, 0x8B, 0x04, 0x37, EPILOGUE});
  // mov eax, edi; cdq; idiv esi
  f.div = b.Add("div", {PROLOGUE, 0x89, 0xF8, 0x99, 0xF7, 0xFE, EPILOGUE},
                {{7, TrapCode::kIntegerDivisionByZero}});
  // call ud2_fn
  std::vector<uint8_t> outer = {PROLOGUE, 0xE8, 0, 0, 0, 0, EPILOGUE};
  PutLE32(outer, 5, b.Rel32(b.NextOffset() + 9, f.ud2));
  f.outer = b.Add("outer", outer);
  // mov rax, [rdi + 8] (the limits record); cmp rsp, [rax]; jb trap; mov eax, 1; ret; trap: ud2
  f.stack_check = b.Add(
      "stack_check",
      {0x48, 0x8B, 0x47, 0x08, 0x48, 0x3B, 0x20, 0x72, 0x06, 0xB8, 0x01, 0, 0, 0, 0xC3, 0x0F, 0x0B},
      {{15, TrapCode::kStackOverflow}});
  // recurse: the same check; push rbp; mov rbp, rsp; call recurse; pop rbp; ret; trap: ud2
  f.recurse = b.Add("recurse",
                    {0x48, 0x8B, 0x47, 0x08, 0x48, 0x3B, 0x20, 0x72, 0x0B, PROLOGUE, 0xE8, 0xEE,
                     0xFF, 0xFF, 0xFF, EPILOGUE, 0x0F, 0x0B},
                    {{20, TrapCode::kStackOverflow}});
  // call rdi (a host function)
  f.calls_host = b.Add("calls_host", {PROLOGUE, 0xFF, 0xD7, EPILOGUE});
  // call stack_check
  std::vector<uint8_t> calls_stack_check = {PROLOGUE, 0xE8, 0, 0, 0, 0, EPILOGUE};
  PutLE32(calls_stack_check, 5, b.Rel32(b.NextOffset() + 9, f.stack_check));
  f.calls_stack_check = b.Add("calls_stack_check", calls_stack_check);
  f.m = b.Load();
  return f;
}

#elif defined(__aarch64__)

// The same functions in A64. x0 and x1 are the first two arguments, w0/x0 the result.
constexpr uint32_t kUd2Offset = 8;           // the udf in ud2_fn, after the frame record
constexpr uint32_t kOuterCallLastByte = 11;  // the bl at 8..11 in outer
constexpr int kUnreachableSignal = SIGILL;   // udf
constexpr int kDivisionSignal = SIGTRAP;     // sdiv never faults: div tests w1 and executes brk

Fixture Build() {
  using namespace testing::a64;  // NOLINT(build/namespaces): a page of hand assembly
  Fixture f;
  TestModuleBuilder b;
  f.ud2 = b.Add("ud2_fn", Bytes({PushFrameRecord(), MovFpSp(), Udf(0), PopFrameRecord(), Ret()}),
                {{8, TrapCode::kUnreachable}});
  f.load32 = b.Add("load32",
                   Bytes({PushFrameRecord(), MovFpSp(), LdrWReg(0, 0, 1), PopFrameRecord(), Ret()}),
                   {{8, TrapCode::kHeapOutOfBounds}});
  f.load_unlisted =
      b.Add("load_unlisted",
            Bytes({PushFrameRecord(), MovFpSp(), LdrWReg(0, 0, 1), PopFrameRecord(), Ret()}));
  // cbz w1, trap; sdiv w0, w0, w1; ...; trap: brk #0
  f.div = b.Add("div",
                Bytes({PushFrameRecord(), MovFpSp(), CbzW(1, 16), SdivW(0, 0, 1), PopFrameRecord(),
                       Ret(), Brk(0)}),
                {{24, TrapCode::kIntegerDivisionByZero}});
  // bl ud2_fn
  f.outer =
      b.Add("outer", Bytes({PushFrameRecord(), MovFpSp(), Bl(b.Rel32(b.NextOffset() + 8, f.ud2)),
                            PopFrameRecord(), Ret()}));
  // ldr x16, [x0, #8] (the limits record); ldr x16, [x16]; mov x17, sp; cmp x17, x16; b.lo trap;
  // mov w0, #1; ret; trap: udf #0
  const std::vector<uint8_t> stack_check =
      Bytes({LdrX(16, 0, 8), LdrX(16, 16, 0), AddImm64(17, kSp, 0), CmpReg64(17, 16),
             BCond(Cond::kLo, 12), MovzW(0, 1), Ret(), Udf(0)});
  f.stack_check = b.Add("stack_check", stack_check, {{28, TrapCode::kStackOverflow}});
  // recurse: the same check; stp x29, x30, [sp, #-16]!; mov x29, sp; bl recurse; ldp; ret;
  // trap: udf #0
  f.recurse = b.Add("recurse",
                    Bytes({LdrX(16, 0, 8), LdrX(16, 16, 0), AddImm64(17, kSp, 0), CmpReg64(17, 16),
                           BCond(Cond::kLo, 24), PushFrameRecord(), MovFpSp(), Bl(-28),
                           PopFrameRecord(), Ret(), Udf(0)}),
                    {{40, TrapCode::kStackOverflow}});
  // blr x0 (a host function)
  f.calls_host =
      b.Add("calls_host", Bytes({PushFrameRecord(), MovFpSp(), Blr(0), PopFrameRecord(), Ret()}));
  // bl stack_check
  f.calls_stack_check =
      b.Add("calls_stack_check",
            Bytes({PushFrameRecord(), MovFpSp(), Bl(b.Rel32(b.NextOffset() + 8, f.stack_check)),
                   PopFrameRecord(), Ret()}));
  f.m = b.Load();
  return f;
}

#else
#error "trap handler tests: hand-assembled code exists for x86-64 and aarch64 only"
#endif

const Fixture& F() {
  static Fixture* f = new Fixture(Build());
  return *f;
}

TEST(TrapHandler, NormalReturn) {
  auto fn = F().m->Entry<int (*)(int, int)>(F().div);
  int result = 0;
  auto trap = CallWithTrapHandling([&] { result = fn(42, 5); });
  EXPECT_FALSE(trap.has_value());
  EXPECT_EQ(result, 8);
  EXPECT_FALSE(InWasmActivation());
}

TEST(TrapHandler, Ud2IsUnreachable) {
  auto fn = F().m->Entry<void (*)()>(F().ud2);
  auto trap = CallWithTrapHandling([&] { fn(); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kUnreachable);
  EXPECT_EQ(trap->signal, kUnreachableSignal);
  EXPECT_EQ(trap->pc, F().m->Address(F().ud2, kUd2Offset));
  EXPECT_EQ(trap->ToString().substr(0, 23), "wasm trap: unreachable\n");
  ASSERT_GE(trap->backtrace.size(), 1u);
  EXPECT_EQ(trap->backtrace[0].name, "ud2_fn");
  EXPECT_EQ(trap->backtrace[0].offset, kUd2Offset);
}

// Backtraces list Wasm functions only: a return address into a trampoline (here: the padding
// after a body, registered code outside every function) is left out, so the trace ends at the
// last Wasm frame; a faulting PC there is kept.
TEST(Backtrace, TrampolineFramesAreLeftOut) {
  const TestModule& m = *F().m;
  const artifact::CodeRange body = m.artifact.functions[F().ud2].body;
  ASSERT_NE(body.size % 16, 0u);  // so the byte after the body is padding
  const uintptr_t outside_bodies = m.Address(F().ud2, body.size);
  const uintptr_t pcs[] = {m.Address(F().ud2, kUd2Offset),
                           m.Address(F().outer, kOuterCallLastByte) + 1, outside_bodies + 1};
  auto frames = Symbolize(pcs, CodeRegistry::Global());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].name, "ud2_fn");
  EXPECT_EQ(frames[1].name, "outer");
  EXPECT_EQ(FormatBacktrace(frames).find("trampoline"), std::string::npos);
  // A fault outside every body is still reported where it happened.
  const uintptr_t fault[] = {outside_bodies, m.Address(F().outer, kOuterCallLastByte) + 1};
  frames = Symbolize(fault, CodeRegistry::Global());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].func_index, UINT32_MAX);
  EXPECT_NE(FormatBacktrace(frames).find("<trampoline> pc=0x"), std::string::npos);
  // A walk that starts with a return address (a host-raised trap) drops it the same way.
  frames = Symbolize(std::span<const uintptr_t>(pcs + 1, 2), CodeRegistry::Global(),
                     /*first_is_return_address=*/true);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].name, "outer");
}

TEST(TrapHandler, IdivByZeroIsIntDivz) {
  auto fn = F().m->Entry<int (*)(int, int)>(F().div);
  volatile int zero = 0;
  auto trap = CallWithTrapHandling([&] { fn(7, zero); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(trap->signal, kDivisionSignal);
  EXPECT_EQ(trap->ToString().substr(0, 33), "wasm trap: integer divide by zero");
}

TEST(TrapHandler, LoadPastMemoryIsHeapOutOfBounds) {
  auto mem = LinearMemory::Create({{1, 2}, false, false});
  ASSERT_TRUE(mem.ok()) << mem.error().ToString();
  LinearMemory& m = **mem;
  auto load = F().m->Entry<uint32_t (*)(uint8_t*, uint64_t)>(F().load32);
  m.base()[65532] = 0x2A;
  uint32_t v = 0;
  EXPECT_FALSE(CallWithTrapHandling([&] { v = load(m.base(), 65532); }).has_value());
  EXPECT_EQ(v, 0x2Au);
  for (uint64_t offset : {uint64_t{65533}, uint64_t{65536}, uint64_t{1} << 31, uint64_t{UINT32_MAX},
                          uint64_t{UINT32_MAX} * 2}) {
    auto trap = CallWithTrapHandling([&] { v = load(m.base(), offset); });
    ASSERT_TRUE(trap.has_value()) << offset;
    EXPECT_EQ(trap->code, TrapCode::kHeapOutOfBounds);
    // A load straddling the end faults at the first inaccessible byte.
    const uintptr_t addr = reinterpret_cast<uintptr_t>(m.base()) + offset;
    EXPECT_GE(trap->fault_address, addr) << "offset " << offset;
    EXPECT_LT(trap->fault_address, addr + 4) << "offset " << offset;
  }
  // After growing, the same access succeeds.
  EXPECT_EQ(m.Grow(1), 1);
  EXPECT_FALSE(CallWithTrapHandling([&] { v = load(m.base(), 65536); }).has_value());
  EXPECT_EQ(v, 0u);
}

TEST(TrapHandler, BacktraceThroughCalls) {
  auto fn = F().m->Entry<void (*)()>(F().outer);
  auto trap = CallWithTrapHandling([&] { fn(); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kUnreachable);
  if (!kBacktracesEnabled) GTEST_SKIP() << "built with EGRET_BACKTRACES=OFF";
  ASSERT_EQ(trap->backtrace.size(), 2u) << trap->ToString();
  EXPECT_EQ(trap->backtrace[0].name, "ud2_fn");
  EXPECT_EQ(trap->backtrace[1].name, "outer");
  EXPECT_EQ(trap->backtrace[1].offset, kOuterCallLastByte);  // the call instruction's last byte
  EXPECT_EQ(trap->backtrace[1].func_index, F().outer);
  char line[64];
  std::snprintf(line, sizeof line, "1: test!outer (func 4) +0x%x\n", kOuterCallLastByte);
  EXPECT_NE(trap->ToString().find(line), std::string::npos) << trap->ToString();
}

TEST(TrapHandler, NestedActivations) {
  // An inner trap unwinds only to the inner activation; the outer one keeps running and can
  // trap in turn.
  auto ud2 = F().m->Entry<void (*)()>(F().ud2);
  auto div = F().m->Entry<int (*)(int, int)>(F().div);
  std::optional<Trap> inner;
  int after = 0;
  auto outer = CallWithTrapHandling([&] {
    inner = CallWithTrapHandling([&] { ud2(); });
    EXPECT_TRUE(InWasmActivation());
    after = div(9, 3);
    div(1, 0);
    after = -1;  // not reached
  });
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->code, TrapCode::kUnreachable);
  EXPECT_EQ(after, 3);
  ASSERT_TRUE(outer.has_value());
  EXPECT_EQ(outer->code, TrapCode::kIntegerDivisionByZero);
  EXPECT_FALSE(InWasmActivation());
}

// A VMContext header with its store limits record: compiled prologues load the record's address
// from VMOffsets::store_limits() and compare SP with its stack limit.
struct FakeVMContext {
  uint32_t magic;
  uint32_t reserved;
  VMStoreLimits* limits;
  VMStoreLimits own_limits;

  explicit FakeVMContext(uintptr_t stack_limit)
      : magic(artifact::kVMContextMagic), reserved(0), limits(&own_limits) {
    own_limits.stack_limit = stack_limit;
  }
  FakeVMContext(const FakeVMContext&) = delete;
  void set_stack_limit(uintptr_t limit) { own_limits.stack_limit = limit; }
  uintptr_t stack_limit() const { return own_limits.stack_limit; }
};
static_assert(offsetof(FakeVMContext, limits) == artifact::VMOffsets::store_limits());

TEST(TrapHandler, PrologueStackCheck) {
  auto fn = F().m->Entry<int (*)(FakeVMContext*)>(F().stack_check);
  FakeVMContext vmctx(StackLimitForEntry(1 << 20));
  int r = 0;
  EXPECT_FALSE(CallWithTrapHandling([&] { r = fn(&vmctx); }).has_value());
  EXPECT_EQ(r, 1);
  vmctx.set_stack_limit(UINTPTR_MAX);  // any SP is below the limit
  auto trap = CallWithTrapHandling([&] { r = fn(&vmctx); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kStackOverflow);
  EXPECT_EQ(trap->ToString().substr(0, 31), "wasm trap: call stack exhausted");
}

// A trap in a prologue, before the callee stores its frame record: fp is still the caller's.
// On aarch64 the return address is still in the link register, so the caller is found; on
// x86-64 it is on the stack at an offset only the compiler knows, and the walk, starting from
// the caller's record, skips the caller (docs/runtime.md: compiled prologues check the stack
// after pushing the record).
TEST(TrapHandler, TrapBeforeTheFrameRecordIsStored) {
  auto fn = F().m->Entry<int (*)(FakeVMContext*)>(F().calls_stack_check);
  FakeVMContext vmctx(UINTPTR_MAX);
  auto trap = CallWithTrapHandling([&] { fn(&vmctx); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kStackOverflow);
  if (!kBacktracesEnabled) GTEST_SKIP() << "built with EGRET_BACKTRACES=OFF";
  ASSERT_GE(trap->backtrace.size(), 1u);
  EXPECT_EQ(trap->backtrace[0].name, "stack_check");
  if (HostTarget() == artifact::Target::kAarch64) {
    ASSERT_EQ(trap->backtrace.size(), 2u) << trap->ToString();
    EXPECT_EQ(trap->backtrace[1].name, "calls_stack_check");
    EXPECT_EQ(trap->backtrace[1].offset, 11u);  // the bl at 8..11
  } else {
    EXPECT_EQ(trap->backtrace.size(), 1u) << trap->ToString();
  }
}

TEST(TrapHandler, InfiniteRecursionHitsTheStackLimit) {
  auto fn = F().m->Entry<void (*)(FakeVMContext*)>(F().recurse);
  FakeVMContext vmctx(0);
  const uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  vmctx.set_stack_limit(StackLimitForEntry(256 * 1024));
  EXPECT_LT(vmctx.stack_limit(), sp);
  EXPECT_GE(vmctx.stack_limit(), sp - 256 * 1024 - 4096);
  auto trap = CallWithTrapHandling([&] { fn(&vmctx); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kStackOverflow);
  if (kBacktracesEnabled) {
    // 16 bytes per frame over 256 KiB: far more frames than the backtrace keeps.
    EXPECT_EQ(trap->backtrace.size(), kMaxBacktraceFrames);
    for (const BacktraceFrame& f : trap->backtrace) EXPECT_EQ(f.name, "recurse");
  }
}

void HostRaisesOutOfFuel() { RaiseTrap(TrapCode::kOutOfFuel); }

TEST(TrapHandler, HostCodeRaisesATrap) {
  auto fn = F().m->Entry<void (*)(void (*)())>(F().calls_host);
  auto trap = CallWithTrapHandling([&] { fn(&HostRaisesOutOfFuel); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kOutOfFuel);
  EXPECT_EQ(trap->signal, 0);
  EXPECT_EQ(trap->pc, 0u);
  // With frame pointers in host code (Debug builds), the walk finds the Wasm caller.
  for (const BacktraceFrame& f : trap->backtrace) EXPECT_EQ(f.name, "calls_host");
}

TEST(TrapHandler, EveryTrapCodeHasAMessage) {
  for (int c = 0; c < kNumTrapCodes; ++c) {
    Trap t;
    t.code = TrapCode(c);
    EXPECT_GT(t.ToString().size(), std::string("wasm trap: ").size()) << c;
  }
}

TEST(TrapHandler, ThreadsTrapIndependently) {
  auto ud2 = F().m->Entry<void (*)()>(F().ud2);
  auto div = F().m->Entry<int (*)(int, int)>(F().div);
  std::atomic<int> traps{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto trap = CallWithTrapHandling([&] {
          if ((t + i) % 2)
            ud2();
          else
            div(1, 0);
        });
        if (trap &&
            trap->code == ((t + i) % 2 ? TrapCode::kUnreachable : TrapCode::kIntegerDivisionByZero))
          ++traps;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(traps.load(), 200);
}

// --- Faults the runtime does not own are passed on. These run in a child process in which the
// trap handlers were never installed, so the handler chain is set up from scratch.
//
// "threadsafe" death tests re-execute the test binary. Under qemu-user (how aarch64 tests run on
// an x86-64 machine, docs/testing.md) a guest cannot execute an aarch64 binary without a
// binfmt_misc registration, so on aarch64 the child is forked instead ("fast"): a fresh process
// as far as the handlers go only if this one never installed them. ctest runs each test in a
// process of its own, where that holds; a run of the whole binary skips these three.
bool UseProcessWithoutTrapHandlers() {
#if defined(__aarch64__)
  if (TrapHandlersInstalled()) return false;
  GTEST_FLAG_SET(death_test_style, "fast");
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
#endif
  return true;
}
#define REQUIRE_PROCESS_WITHOUT_TRAP_HANDLERS()                                  \
  if (!UseProcessWithoutTrapHandlers())                                          \
  GTEST_SKIP() << "this process already installed the trap handlers and cannot " \
                  "re-execute itself under an emulator: run the test alone (ctest does)"

void ChainedSegvHandler(int, siginfo_t*, void*) {
  const char msg[] = "chained SIGSEGV\n";
  (void)!write(2, msg, sizeof msg - 1);
  _exit(42);
}

TEST(TrapHandlerDeathTest, WasmFaultWithoutTrapEntryGoesToThePreviousHandler) {
  REQUIRE_PROCESS_WITHOUT_TRAP_HANDLERS();
  EXPECT_EXIT(
      {
        struct sigaction sa {};
        sa.sa_sigaction = ChainedSegvHandler;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGSEGV, &sa, nullptr);
        InstallTrapHandlers();  // remembers ChainedSegvHandler as the previous handler
        auto load = F().m->Entry<uint32_t (*)(uint8_t*, uint64_t)>(F().load_unlisted);
        CallWithTrapHandling([&] { load(nullptr, 16); });
      },
      ::testing::ExitedWithCode(42), "chained SIGSEGV");
}

TEST(TrapHandlerDeathTest, HostFaultInsideAnActivationGoesToThePreviousHandler) {
  REQUIRE_PROCESS_WITHOUT_TRAP_HANDLERS();
  EXPECT_EXIT(
      {
        struct sigaction sa {};
        sa.sa_sigaction = ChainedSegvHandler;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGSEGV, &sa, nullptr);
        InstallTrapHandlers();
        auto mem = LinearMemory::Create({{0, 0}, false, false});
        uint8_t* guard = (*mem)->base();  // PROT_NONE, but not Wasm code: a host bug
        CallWithTrapHandling([&] { *reinterpret_cast<volatile uint8_t*>(guard) = 1; });
      },
      ::testing::ExitedWithCode(42), "chained SIGSEGV");
}

TEST(TrapHandlerDeathTest, TrapOutsideAnyActivationKillsTheProcess) {
  REQUIRE_PROCESS_WITHOUT_TRAP_HANDLERS();
  EXPECT_EXIT(
      {
        InstallTrapHandlers();
        F().m->Entry<void (*)()>(F().ud2)();  // no CallWithTrapHandling: default action
      },
      ::testing::KilledBySignal(kUnreachableSignal), "");
}

}  // namespace
}  // namespace egret::runtime
