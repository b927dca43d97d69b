// trampoline_cache_test.cc: a trampoline is built once per signature; later requests get the same
// code with their own callee, exactly what building it again gives (on both targets).
#include "backends/common/trampoline_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "backends/target_registry.h"

namespace egret::backend {
namespace {

MachCode FakeTrampoline(const ir::Signature& sig, uint32_t callee) {
  MachCode code;
  code.bytes.assign(4 + sig.params.size() + 2 * sig.results.size(), 0xcc);
  code.call_sites.push_back(MachCallSite{1, 4, callee, 0});
  return code;
}

TEST(TrampolineCache, BuildsOncePerSignature) {
  TrampolineCache cache;
  int built = 0;
  auto build = [&built](const ir::Signature& sig, uint32_t callee) {
    ++built;
    return FakeTrampoline(sig, callee);
  };
  ir::Signature a, b, c;
  a.params = {ir::Type::kI32, ir::Type::kI64};
  b.params = {ir::Type::kI32};
  b.results = {ir::Type::kI64};  // same types in sequence as a, but a different signature
  c.params = {ir::Type::kI32, ir::Type::kI64};
  c.results = {ir::Type::kF64};
  EXPECT_EQ(cache.Get(a, 3, build).call_sites[0].callee, 3u);
  EXPECT_EQ(built, 1);
  const MachCode again = cache.Get(a, 7, build);
  EXPECT_EQ(built, 1);
  EXPECT_EQ(again.call_sites[0].callee, 7u);
  EXPECT_EQ(again.bytes, FakeTrampoline(a, 7).bytes);
  EXPECT_EQ(cache.Get(b, 1, build).bytes, FakeTrampoline(b, 1).bytes);
  EXPECT_EQ(cache.Get(c, 1, build).bytes, FakeTrampoline(c, 1).bytes);
  EXPECT_EQ(built, 3);
}

TEST(TrampolineCache, CodeWithoutOneCallSiteIsNotKept) {
  TrampolineCache cache;
  int built = 0;
  auto build = [&built](const ir::Signature&, uint32_t) {
    ++built;
    return MachCode{};
  };
  ir::Signature s;
  cache.Get(s, 0, build);
  cache.Get(s, 1, build);
  EXPECT_EQ(built, 2);
}

// Through the targets: the trampoline of function 9 after that of function 2 (same signature,
// so a cache hit) equals the one a fresh cache (another thread) builds for function 9.
void ExpectSameAsFresh(const char* target) {
  Expected<std::unique_ptr<TargetIsa>> isa = LookupTargetIsa(target, "");
  ASSERT_TRUE(isa.ok()) << isa.error().message;
  ir::Signature sig;
  sig.params = {ir::Type::kI64, ir::Type::kI32, ir::Type::kF64, ir::Type::kI32};
  sig.results = {ir::Type::kF32};
  const MachCode first = (*isa)->ArrayToWasmTrampoline(sig, 2);
  const MachCode hit = (*isa)->ArrayToWasmTrampoline(sig, 9);
  MachCode fresh;
  std::thread([&] { fresh = (*isa)->ArrayToWasmTrampoline(sig, 9); }).join();
  ASSERT_EQ(hit.call_sites.size(), 1u);
  EXPECT_EQ(first.call_sites[0].callee, 2u);
  EXPECT_EQ(hit.call_sites[0].callee, 9u);
  EXPECT_EQ(hit.bytes, fresh.bytes);
  EXPECT_EQ(hit.call_sites[0].fixup_offset, fresh.call_sites[0].fixup_offset);
  EXPECT_EQ(hit.call_sites[0].return_offset, fresh.call_sites[0].return_offset);
  EXPECT_EQ(hit.call_sites[0].kind, fresh.call_sites[0].kind);
  EXPECT_EQ(hit.frame_ranges.size(), fresh.frame_ranges.size());
  EXPECT_EQ(hit.alignment, fresh.alignment);
}

TEST(TrampolineCache, X64HitEqualsFreshBuild) { ExpectSameAsFresh("x86_64"); }
TEST(TrampolineCache, Aarch64HitEqualsFreshBuild) { ExpectSameAsFresh("aarch64"); }

}  // namespace
}  // namespace egret::backend
