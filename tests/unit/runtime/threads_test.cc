// Threads and atomics with compiled code on several host threads: one shared memory, created by
// the host, imported by a per-thread Store and Instance of the same Module (the embedding model
// docs/runtime.md describes). Exact counts after concurrent atomic increments, wait/notify
// handshakes, timeouts, and the traps of the threads proposal.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "compiler/compiler.h"
#include "frontend/text/module_parser.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "runtime/typed_func.h"
#include "runtime/wait_queue.h"

namespace egret::runtime {
namespace {

Engine& TheEngine() {
  static Engine* engine = new Engine();
  return *engine;
}

std::shared_ptr<const Module> CompileWat(const char* wat) {
  auto wasm = text::WatToWasm(wat);
  EGRET_CHECK(wasm.ok());
  auto compiled = compiler::CompileBytes(std::move(*wasm), "threads", compiler::CompileOptions{});
  EGRET_CHECK(compiled.ok());
  auto module = Module::FromArtifact(TheEngine(), std::move(compiled->artifact));
  EGRET_CHECK(module.ok());
  return *module;
}

// Counters: [0] i32 add, [8] i64 add, [16] i32 via a cmpxchg loop, [24] 16-bit add (wraps),
// [32] i64 sub, [40] i32 or of each thread's bit, [48] xor (toggled 2*n times: back to 0).
constexpr const char* kCounters = R"((module
  (import "env" "mem" (memory 1 4 shared))
  (func (export "work") (param $n i32) (param $bit i32)
    (local $old i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 3)))
      (block $cas (loop $retry
        (local.set $old (i32.atomic.load (i32.const 16)))
        (br_if $cas (i32.eq (local.get $old)
          (i32.atomic.rmw.cmpxchg (i32.const 16) (local.get $old)
                                  (i32.add (local.get $old) (i32.const 1)))))
        (br $retry)))
      (drop (i32.atomic.rmw16.add_u (i32.const 24) (i32.const 7)))
      (drop (i64.atomic.rmw.sub (i32.const 32) (i64.const 2)))
      (drop (i32.atomic.rmw.or (i32.const 40) (local.get $bit)))
      (drop (i64.atomic.rmw.xor (i32.const 48) (i64.const 0x5555)))
      (drop (i64.atomic.rmw.xor (i32.const 48) (i64.const 0x5555)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next))))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.atomic.load (local.get 0))))
)";

// wait/notify on a shared memory.
constexpr const char* kWaiter = R"((module
  (import "env" "mem" (memory 1 1 shared))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "store") (param i32 i32) (i32.atomic.store (local.get 0) (local.get 1))))
)";

// One thread's view: its own Store and Instance over the shared memory.
struct ThreadInstance {
  Store store{TheEngine()};
  Instance* instance = nullptr;
  ThreadInstance(const std::shared_ptr<const Module>& module, LinearMemory* memory) {
    Linker linker;
    EGRET_CHECK(linker.Define("env", "mem", Extern::Of(memory)).ok());
    auto i = linker.Instantiate(store, module);
    EGRET_CHECK(i.ok());
    instance = *i;
  }
  template <class Sig>
  TypedFunc<Sig> Get(const char* name) {
    auto f = TypedFunc<Sig>::Create(store, instance->GetFunc(name));
    EGRET_CHECK(f.ok());
    return *f;
  }
};

struct SharedMemory {
  Store owner{TheEngine()};
  LinearMemory* memory = nullptr;
  SharedMemory(uint64_t min, uint64_t max) {
    auto m = owner.NewMemory({{min, max}, false, true});
    EGRET_CHECK(m.ok());
    memory = *m;
  }
};

TEST(Threads, ConcurrentAtomicsGiveExactCounts) {
  static const auto module = CompileWat(kCounters);
  SharedMemory shared(1, 4);
  constexpr int kThreads = 4;
  constexpr int kIterations = 200000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ThreadInstance ti(module, shared.memory);
      auto work = ti.Get<void(int32_t, int32_t)>("work");
      EXPECT_TRUE(work.Call(ti.store, kIterations, 1 << t).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  ThreadInstance check(module, shared.memory);
  auto load32 = check.Get<int32_t(int32_t)>("load32");
  auto load64 = check.Get<int64_t(int32_t)>("load64");
  constexpr int64_t kTotal = int64_t{kThreads} * kIterations;
  EXPECT_EQ(load32.Call(check.store, 0).value, kTotal);
  EXPECT_EQ(load64.Call(check.store, 8).value, 3 * kTotal);
  EXPECT_EQ(load32.Call(check.store, 16).value, kTotal);
  EXPECT_EQ(load32.Call(check.store, 24).value, (7 * kTotal) & 0xffff);  // 16 bits wrap
  EXPECT_EQ(load64.Call(check.store, 32).value, -2 * kTotal);
  EXPECT_EQ(load32.Call(check.store, 40).value, (1 << kThreads) - 1);
  EXPECT_EQ(load64.Call(check.store, 48).value, 0);
}

TEST(Threads, SharedMemoryGrowsSafelyUnderConcurrentAccess) {
  static const auto module = CompileWat(kCounters);
  SharedMemory shared(1, 4);
  const uint8_t* base = shared.memory->base();
  std::atomic<int> grown{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ThreadInstance ti(module, shared.memory);
      auto grow = ti.Get<int32_t()>("grow");
      auto work = ti.Get<void(int32_t, int32_t)>("work");
      if (grow.Call(ti.store).value >= 0) grown.fetch_add(1);
      EXPECT_TRUE(work.Call(ti.store, 1000, 1 << t).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  // Three of the four grows fit the maximum of 4 pages; the base never moved.
  EXPECT_EQ(grown.load(), 3);
  EXPECT_EQ(shared.memory->pages(), 4u);
  EXPECT_EQ(shared.memory->base(), base);
  ThreadInstance check(module, shared.memory);
  EXPECT_EQ(check.Get<int32_t()>("size").Call(check.store).value, 4);
  EXPECT_EQ(check.Get<int32_t(int32_t)>("load32").Call(check.store, 0).value, 4000);
}

TEST(Threads, WaitIsWokenByNotify) {
  static const auto module = CompileWat(kWaiter);
  SharedMemory shared(1, 1);
  std::atomic<int32_t> result{-1};
  std::thread waiter([&] {
    ThreadInstance ti(module, shared.memory);
    auto wait = ti.Get<int32_t(int32_t, int32_t, int64_t)>("wait32");
    result = wait.Call(ti.store, 64, 0, -1).value;  // no timeout
  });
  ThreadInstance main(module, shared.memory);
  // Wait until the waiter is queued, then change the cell and wake it.
  while (WaitQueue::Global().NumWaiters(shared.memory->base() + 64) == 0) std::this_thread::yield();
  main.Get<void(int32_t, int32_t)>("store").Call(main.store, 64, 1);
  EXPECT_EQ(main.Get<int32_t(int32_t, int32_t)>("notify").Call(main.store, 64, 10).value, 1);
  waiter.join();
  EXPECT_EQ(result.load(), 0);  // "ok"
}

TEST(Threads, NotifyWakesAtMostCountWaitersOnThatAddress) {
  static const auto module = CompileWat(kWaiter);
  SharedMemory shared(1, 1);
  std::atomic<int> woken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      ThreadInstance ti(module, shared.memory);
      auto wait = ti.Get<int32_t(int32_t, int64_t, int64_t)>("wait64");
      if (wait.Call(ti.store, 128, 0, -1).value == 0) woken.fetch_add(1);
    });
  }
  ThreadInstance main(module, shared.memory);
  const uint8_t* cell = shared.memory->base() + 128;
  while (WaitQueue::Global().NumWaiters(cell) < 3) std::this_thread::yield();
  auto notify = main.Get<int32_t(int32_t, int32_t)>("notify");
  EXPECT_EQ(notify.Call(main.store, 132, 5).value, 0);  // another address: nobody
  EXPECT_EQ(notify.Call(main.store, 128, 2).value, 2);
  EXPECT_EQ(WaitQueue::Global().NumWaiters(cell), 1u);
  EXPECT_EQ(notify.Call(main.store, 128, 2).value, 1);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(woken.load(), 3);
}

TEST(Threads, WaitTimesOutAndReportsNotEqual) {
  static const auto module = CompileWat(kWaiter);
  SharedMemory shared(1, 1);
  ThreadInstance ti(module, shared.memory);
  auto wait32 = ti.Get<int32_t(int32_t, int32_t, int64_t)>("wait32");
  auto wait64 = ti.Get<int32_t(int32_t, int64_t, int64_t)>("wait64");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(wait32.Call(ti.store, 0, 0, 20'000'000).value, 2);  // 20 ms: "timed-out"
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
  EXPECT_EQ(wait64.Call(ti.store, 8, 0, 0).value, 2);
  EXPECT_EQ(wait32.Call(ti.store, 0, 1, -1).value, 1);  // the cell holds 0: "not-equal"
  EXPECT_EQ(wait64.Call(ti.store, 8, 1, -1).value, 1);
}

TEST(Threads, WaitTrapsOnUnsharedMemoryAndMisalignment) {
  static const auto unshared = CompileWat(R"((module
    (memory 1)
    (func (export "wait") (result i32)
      (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))
    (func (export "notify") (result i32) (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (func (export "misaligned") (result i32) (i32.atomic.rmw.add (i32.const 2) (i32.const 1)))))");
  Store store(TheEngine());
  Linker linker;
  auto inst = linker.Instantiate(store, unshared);
  ASSERT_TRUE(inst.ok());
  auto wait = TypedFunc<int32_t()>::Create(store, (*inst)->GetFunc("wait"));
  auto notify = TypedFunc<int32_t()>::Create(store, (*inst)->GetFunc("notify"));
  auto misaligned = TypedFunc<int32_t()>::Create(store, (*inst)->GetFunc("misaligned"));
  TypedResult<int32_t> r = wait->Call(store);
  ASSERT_TRUE(r.trap.has_value());
  EXPECT_EQ(r.trap->code, TrapCode::kWaitOnUnsharedMemory);
  EXPECT_EQ(notify->Call(store).value, 0);  // notify on an unshared memory wakes nobody
  r = misaligned->Call(store);
  ASSERT_TRUE(r.trap.has_value());
  EXPECT_EQ(r.trap->code, TrapCode::kUnalignedAtomic);
}

TEST(WaitQueue, WakesOldestFirstAndOnlyMatchingCells) {
  WaitQueue& q = WaitQueue::Global();
  alignas(8) static uint32_t cells[2] = {5, 5};
  std::vector<int> order;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    // Queue the waiters one at a time so their order is known.
    threads.emplace_back([&, t] {
      EXPECT_EQ(q.Wait(&cells[0], 4, 5, -1), WaitQueue::kOk);
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(t);
    });
    while (q.NumWaiters(&cells[0]) < uint32_t(t + 1)) std::this_thread::yield();
  }
  EXPECT_EQ(q.Notify(&cells[1], 10), 0u);
  EXPECT_EQ(q.Notify(&cells[0], 1), 1u);
  while (true) {
    std::lock_guard<std::mutex> lock(mu);
    if (order.size() == 1) break;
  }
  EXPECT_EQ(q.Notify(&cells[0], 10), 2u);
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0], 0);  // the oldest waiter went first
  EXPECT_EQ(q.Wait(&cells[0], 4, 6, -1), WaitQueue::kNotEqual);
  EXPECT_EQ(q.Wait(&cells[0], 4, 5, 1000), WaitQueue::kTimedOut);
}

}  // namespace
}  // namespace egret::runtime
