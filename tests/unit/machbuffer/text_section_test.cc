// text_section_test.cc: module layout, intra-module calls resolved without relocations, call
// veneers when a callee is out of reach (forced by padding or range shrinking), rebased tables.
#include "machbuffer/text_section.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "machbuffer/machbuffer.h"
#include "tests/unit/machbuffer/code_sim.h"

namespace egret {
namespace {

using testing::A64DirectTarget;
using testing::FollowA64Jumps;

// marker; bl callee (for each callee); ret — with a trap record on the first instruction.
MachCode A64Function(uint32_t id, std::vector<uint32_t> callees) {
  A64MachBuffer buf;
  buf.AddTrap(TrapCode::kUnreachable);
  buf.StartSrcLoc(100 + id);
  buf.Put4(testing::A64Marker(id));
  buf.EndSrcLoc();
  for (uint32_t callee : callees) {
    buf.Put4(0x94000000u);  // bl
    buf.AddCall(buf.CurOffset() - 4, callee, A64LabelUse::kBranch26);
    const uint32_t slots[] = {8, 16};
    buf.AddStackMap(slots, 32);
  }
  buf.Put4(testing::A64Ret());
  return buf.Finish();
}

// Where the call at text offset `site` ends up, following veneers.
uint64_t CallTarget(const TextSection& text, uint32_t site) {
  return FollowA64Jumps(text.bytes, A64DirectTarget(text.bytes, site));
}

TEST(TextSection, A64CallsResolvedInPlace) {
  TextSectionBuilder<A64LabelUses> builder(3);
  ASSERT_TRUE(builder.Append(0, A64Function(0, {1, 2, 0})).ok());
  ASSERT_TRUE(builder.Append(1, A64Function(1, {0})).ok());
  ASSERT_TRUE(builder.Append(2, A64Function(2, {})).ok());
  Expected<TextSection> text = builder.Finish();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->veneers, 0u);
  EXPECT_EQ(text->functions[0], (TextFunctionRange{0, 20}));
  EXPECT_EQ(text->functions[1], (TextFunctionRange{32, 12}));
  EXPECT_EQ(text->functions[2], (TextFunctionRange{48, 8}));
  ASSERT_EQ(text->call_sites.size(), 4u);
  for (const MachCallSite& cs : text->call_sites) {
    EXPECT_EQ(A64DirectTarget(text->bytes, cs.fixup_offset), text->functions[cs.callee].start);
    EXPECT_EQ(cs.return_offset, cs.fixup_offset + 4);
  }
  // Side tables rebased to text offsets.
  ASSERT_EQ(text->traps.size(), 3u);
  EXPECT_EQ(text->traps[1].offset, 32u);
  EXPECT_EQ(text->srclocs[2], (MachSrcLoc{48, 52, 102}));
  ASSERT_EQ(text->stack_maps.size(), 4u);
  EXPECT_EQ(text->stack_maps[3].offset, 40u);
  EXPECT_EQ(text->stack_maps[3].first_slot, 6u);
  EXPECT_EQ(text->stack_map_slots.size(), 8u);
}

TEST(TextSection, WithoutTablesSameBytesAndStarts) {
  // keep_tables off: the same text, calls resolved, Start gives each function's offset, and the
  // side tables stay empty (the caller maps them itself).
  TextSectionBuilder<A64LabelUses> with(3);
  TextSectionOptions options;
  options.keep_tables = false;
  TextSectionBuilder<A64LabelUses> without(3, options);
  const std::vector<std::vector<uint32_t>> calls = {{1, 2, 0}, {0}, {}};
  for (uint32_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(with.Append(k, A64Function(k, calls[k])).ok());
    ASSERT_TRUE(without.Append(k, A64Function(k, calls[k])).ok());
    EXPECT_EQ(without.Start(k), with.Start(k));
  }
  Expected<TextSection> a = with.Finish();
  Expected<TextSection> b = without.Finish();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(b->bytes, a->bytes);
  EXPECT_EQ(b->functions, a->functions);
  EXPECT_EQ(b->functions[1].start, 32u);
  EXPECT_TRUE(b->traps.empty() && b->call_sites.empty() && b->srclocs.empty() &&
              b->stack_maps.empty() && b->stack_map_slots.empty() && b->frame_ranges.empty());
  EXPECT_FALSE(a->srclocs.empty());
}

TEST(TextSection, A64CallVeneersAtRealRangeWithPadding) {
  TextSectionOptions options;
  options.debug_padding = 130u << 20;  // beyond bl's +-128 MiB
  TextSectionBuilder<A64LabelUses> builder(2, options);
  ASSERT_TRUE(builder.Append(0, A64Function(0, {1})).ok());
  ASSERT_TRUE(builder.Append(1, A64Function(1, {0})).ok());
  Expected<TextSection> text = builder.Finish();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->veneers, 2u);  // one forward, one backward
  EXPECT_GT(text->functions[1].start, 130u << 20);
  for (const MachCallSite& cs : text->call_sites) {
    EXPECT_NE(A64DirectTarget(text->bytes, cs.fixup_offset), text->functions[cs.callee].start);
    EXPECT_EQ(CallTarget(*text, cs.fixup_offset), text->functions[cs.callee].start);
  }
}

TEST(TextSection, A64CallVeneersUnderRangeShrinking) {
  TextSectionOptions options;
  options.debug_padding = 3000;
  options.debug_branch_range_shrink = 65536;  // bl reaches 2 KiB
  TextSectionBuilder<A64LabelUses> builder(4, options);
  ASSERT_TRUE(builder.Append(2, A64Function(2, {0, 3})).ok());  // out of index order
  ASSERT_TRUE(builder.Append(0, A64Function(0, {1, 2})).ok());
  ASSERT_TRUE(builder.Append(1, A64Function(1, {1})).ok());
  ASSERT_TRUE(builder.Append(3, A64Function(3, {2, 0})).ok());
  Expected<TextSection> text = builder.Finish();
  ASSERT_TRUE(text.ok());
  EXPECT_GE(text->veneers, 4u);
  EXPECT_EQ(text->functions[2].start, 0u);
  for (const MachCallSite& cs : text->call_sites) {
    EXPECT_EQ(CallTarget(*text, cs.fixup_offset), text->functions[cs.callee].start);
  }
}

TEST(TextSection, X64CallsResolvedWithoutRelocations) {
  auto function = [](uint32_t id, uint32_t callee) {
    X64MachBuffer buf;
    buf.PutBytes(testing::X64Marker(id));
    const uint8_t call[5] = {0xe8, 0, 0, 0, 0};
    buf.PutBytes(call);
    buf.AddCall(buf.CurOffset() - 4, callee, X64LabelUse::kJmpRel32);
    buf.Put1(testing::X64Ret());
    return buf.Finish();
  };
  TextSectionOptions options;
  options.debug_padding = 1000;
  TextSectionBuilder<X64LabelUses> builder(2, options);
  ASSERT_TRUE(builder.Append(0, function(0, 1)).ok());
  ASSERT_TRUE(builder.Append(1, function(1, 0)).ok());
  Expected<TextSection> text = builder.Finish();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->veneers, 0u);
  for (const MachCallSite& cs : text->call_sites) {
    const int64_t rel = testing::Sext(testing::Load32(text->bytes, cs.fixup_offset), 32);
    EXPECT_EQ(cs.fixup_offset + 4 + rel, text->functions[cs.callee].start);
  }
  EXPECT_EQ(text->bytes[text->functions[0].start + 11], 0xcc);  // padding traps
}

TEST(TextSection, ErrorsAreReported) {
  TextSectionBuilder<A64LabelUses> builder(2);
  ASSERT_TRUE(builder.Append(0, A64Function(0, {1})).ok());
  Status twice = builder.Append(0, A64Function(0, {}));
  EXPECT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "function 0: appended twice");
  Status unknown = builder.Append(1, A64Function(1, {7}));
  EXPECT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "function 1: call to unknown function 7");
  Expected<TextSection> text = builder.Finish();
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message, "function 1 is called but was never appended");
}

TEST(TextSection, FunctionLargerThanCallReachIsAnError) {
  TextSectionOptions options;
  options.debug_branch_range_shrink = 65536;  // bl reaches 2 KiB
  TextSectionBuilder<A64LabelUses> builder(1, options);
  A64MachBuffer buf;
  buf.Put4(0x94000000u);
  buf.AddCall(0, 0, A64LabelUse::kBranch26);
  buf.PutPadding(4096);
  Status s = builder.Append(0, buf.Finish());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "function 0 is 4100 bytes and 1 call sites, beyond the reach of its branch26 calls "
            "(2044 bytes)");
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// Random modules: every call site, followed through any veneers, lands on its callee's entry.
TEST(TextSection, RandomModulesUnderShrinkingReachEveryCallee) {
  uint32_t veneers = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const uint32_t n = 1 + static_cast<uint32_t>(rng() % 8);
    TextSectionOptions options;
    options.debug_branch_range_shrink = 65536;  // bl reaches 2 KiB
    options.debug_padding = rng() % 3000;
    options.function_alignment = 1u << (2 + rng() % 4);
    TextSectionBuilder<A64LabelUses> builder(n, options);
    std::vector<uint32_t> order(n);
    for (uint32_t i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (uint32_t f : order) {
      std::vector<uint32_t> callees(rng() % 6);
      for (uint32_t& c : callees) c = static_cast<uint32_t>(rng() % n);
      ASSERT_TRUE(builder.Append(f, A64Function(f, callees)).ok());
    }
    Expected<TextSection> text = builder.Finish();
    ASSERT_TRUE(text.ok());
    veneers += text->veneers;
    for (const MachCallSite& cs : text->call_sites) {
      EXPECT_EQ(CallTarget(*text, cs.fixup_offset), text->functions[cs.callee].start);
    }
    for (uint32_t f = 0; f < n; ++f) {
      EXPECT_EQ(text->functions[f].start % options.function_alignment, 0u);
      EXPECT_EQ(testing::Load32(text->bytes, text->functions[f].start), testing::A64Marker(f));
    }
  }
  EXPECT_GT(veneers, 20u);
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// marker; call callee (for each callee); ret, for x64.
MachCode X64Function(uint32_t id, const std::vector<uint32_t>& callees, uint32_t pad = 0) {
  X64MachBuffer buf;
  buf.PutBytes(testing::X64Marker(id));
  for (uint32_t callee : callees) {
    const uint8_t call[5] = {0xe8, 0, 0, 0, 0};
    buf.PutBytes(call);
    buf.AddCall(buf.CurOffset() - 4, callee, X64LabelUse::kJmpRel32);
  }
  buf.Put1(testing::X64Ret());
  buf.PutPadding(pad);
  return buf.Finish();
}

// Where the x64 call at text offset `site` ends up, following `jmp rel32` veneers.
uint64_t X64CallTarget(const TextSection& text, uint32_t site) {
  uint64_t pc = site + 4 + testing::Sext(testing::Load32(text.bytes, site), 32);
  for (int i = 0; i < 4 && text.bytes[pc] == 0xe9; ++i)
    pc = pc + 5 + testing::Sext(testing::Load32(text.bytes, pc + 1), 32);
  return pc;
}

// Under shrinking, x64 calls past the shrunk reach (kept above the largest function's need)
// go through `jmp rel32` veneers between functions, forward and backward.
TEST(TextSection, X64CallVeneersUnderShrinking) {
  std::vector<MachCode> codes;
  codes.push_back(X64Function(0, {3, 0}));
  codes.push_back(X64Function(1, {}, 600));
  codes.push_back(X64Function(2, {}, 600));
  codes.push_back(X64Function(3, {0, 3}));
  TextSectionOptions options;
  options.debug_branch_range_shrink = 1u << 22;
  for (const MachCode& c : codes) {
    options.largest_function =
        std::max(options.largest_function, static_cast<uint32_t>(c.bytes.size()));
    options.most_calls = std::max(options.most_calls, static_cast<uint32_t>(c.call_sites.size()));
  }
  TextSectionBuilder<X64LabelUses> builder(4, options);
  // 606 bytes + 2 calls of 5-byte veneers + kMinShrunkRange; 0 and 3 are 1.8 KiB apart.
  EXPECT_EQ(builder.CallReach(X64LabelUse::kJmpRel32), 606 + 10 + 512);
  for (uint32_t f = 0; f < 4; ++f) ASSERT_TRUE(builder.Append(f, codes[f]).ok());
  Expected<TextSection> text = builder.Finish();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->veneers, 2u);  // 0 -> 3 and 3 -> 0; the calls to themselves reach
  EXPECT_EQ(text->veneer_bytes, 10u);
  EXPECT_GE(text->islands, 1u);
  for (const MachCallSite& cs : text->call_sites) {
    EXPECT_EQ(X64CallTarget(*text, cs.fixup_offset), text->functions[cs.callee].start);
  }
  // Without shrinking the same module needs none.
  TextSectionBuilder<X64LabelUses> real(4);
  for (uint32_t f = 0; f < 4; ++f) ASSERT_TRUE(real.Append(f, codes[f]).ok());
  Expected<TextSection> plain = real.Finish();
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->veneers, 0u);
  EXPECT_EQ(plain->islands, 0u);
}

// The floor lets a function larger than the shrunk reach be appended: its calls reach past it.
TEST(TextSection, ShrunkCallReachKeepsAboveTheLargestFunction) {
  TextSectionOptions options;
  options.debug_branch_range_shrink = 65536;  // bl would reach 2 KiB
  options.largest_function = 4100;
  options.most_calls = 1;
  TextSectionBuilder<A64LabelUses> builder(2, options);
  EXPECT_EQ(builder.CallReach(A64LabelUse::kBranch26), 4100 + 24 + 512);
  A64MachBuffer buf;
  buf.Put4(0x94000000u);
  buf.AddCall(0, 1, A64LabelUse::kBranch26);
  buf.PutPadding(4096);
  ASSERT_TRUE(builder.Append(0, buf.Finish()).ok());
  ASSERT_TRUE(builder.Append(1, A64Function(1, {})).ok());
  Expected<TextSection> text = builder.Finish();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(CallTarget(*text, text->call_sites[0].fixup_offset), text->functions[1].start);
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// Random x64 modules under shrinking, with the call-reach floor measured as the compiler does:
// every call, followed through its veneer, lands on its callee's entry.
TEST(TextSection, X64RandomModulesUnderShrinkingReachEveryCallee) {
  uint32_t veneers = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const uint32_t n = 1 + static_cast<uint32_t>(rng() % 10);
    std::vector<MachCode> codes;
    TextSectionOptions options;
    options.debug_branch_range_shrink = 1u << 22;
    options.function_alignment = 1u << (rng() % 5);
    for (uint32_t f = 0; f < n; ++f) {
      std::vector<uint32_t> callees(rng() % 8);
      for (uint32_t& c : callees) c = static_cast<uint32_t>(rng() % n);
      codes.push_back(X64Function(f, callees, static_cast<uint32_t>(rng() % 700)));
      options.largest_function =
          std::max(options.largest_function, static_cast<uint32_t>(codes.back().bytes.size()));
      options.most_calls =
          std::max(options.most_calls, static_cast<uint32_t>(codes.back().call_sites.size()));
    }
    TextSectionBuilder<X64LabelUses> builder(n, options);
    std::vector<uint32_t> order(n);
    for (uint32_t i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (uint32_t f : order) ASSERT_TRUE(builder.Append(f, codes[f]).ok());
    Expected<TextSection> text = builder.Finish();
    ASSERT_TRUE(text.ok());
    veneers += text->veneers;
    EXPECT_EQ(text->veneer_bytes, 5 * text->veneers);
    for (const MachCallSite& cs : text->call_sites) {
      EXPECT_EQ(X64CallTarget(*text, cs.fixup_offset), text->functions[cs.callee].start);
    }
    for (uint32_t f = 0; f < n; ++f) {
      EXPECT_EQ(text->functions[f].start % options.function_alignment, 0u);
      EXPECT_EQ(text->bytes[text->functions[f].start], 0xb8);  // the marker's mov
      EXPECT_EQ(testing::Load32(text->bytes, text->functions[f].start + 1), f);
    }
  }
  EXPECT_GT(veneers, 20u);
}

}  // namespace
}  // namespace egret
