// VMOffsets: regions are laid out in the documented order, aligned, non-overlapping, and a
// module too large for 32-bit displacements is rejected instead of wrapping.
#include "artifact/vmoffsets.h"

#include <gtest/gtest.h>

#include "artifact/artifact.h"
#include "tests/unit/artifact/random_artifact.h"

namespace egret::artifact {
namespace {

TEST(VMOffsets, EmptyModule) {
  auto o = VMOffsets::Compute(VMOffsetsCounts{});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->size(), 64u);
  EXPECT_EQ(VMOffsets::store_limits(), 8u);
  EXPECT_EQ(kVMStoreLimitsStackLimit, 0u);
  EXPECT_EQ(kVMStoreLimitsFuelConsumed, 8u);
}

TEST(VMOffsets, LayoutOrderAndAlignment) {
  VMOffsetsCounts c;
  c.imported_functions = 2;
  c.imported_tables = 1;
  c.imported_memories = 1;
  c.imported_globals = 3;
  c.defined_functions = 4;
  c.defined_tables = 2;
  c.defined_memories = 1;
  c.defined_globals = 5;
  auto o = VMOffsets::Compute(c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->imported_function(0), 64u);
  EXPECT_EQ(o->imported_function_vmctx(1), 64u + 16 + 8);
  EXPECT_EQ(o->imported_table(0), 96u);
  EXPECT_EQ(o->imported_memory(0), 104u);
  EXPECT_EQ(o->imported_global(0), 112u);
  EXPECT_EQ(o->imported_global(2), 128u);
  EXPECT_EQ(o->defined_table(0), 144u);  // 136 rounded up to 16
  EXPECT_EQ(o->defined_table_length(1), 144u + 16 + 8);
  EXPECT_EQ(o->defined_memory_base(0), 176u);
  EXPECT_EQ(o->defined_memory_length(0), 184u);
  EXPECT_EQ(o->defined_global(0), 192u);
  EXPECT_EQ(o->defined_global(4), 192u + 64);
  EXPECT_EQ(o->funcref(0), 272u);
  EXPECT_EQ(o->funcref(5), 272u + 5 * 32);
  EXPECT_EQ(o->size(), 272u + 6 * 32);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(o->defined_global(i) % 16, 0u);
}

TEST(VMOffsets, TooLargeIsAnError) {
  VMOffsetsCounts c;
  c.imported_functions = UINT32_MAX;
  auto o = VMOffsets::Compute(c);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().message.find("imported functions"), std::string::npos);
  c = {};
  c.defined_functions = 1u << 26;  // 2^26 funcrefs * 32 bytes = 2 GiB: just over the limit
  o = VMOffsets::Compute(c);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().message.find("functions"), std::string::npos);
  c.defined_functions = 1u << 25;
  EXPECT_TRUE(VMOffsets::Compute(c).ok());
}

TEST(VMOffsets, FromArtifact) {
  Artifact a = testing::SmallArtifact();
  VMOffsetsCounts c = VMOffsetsCounts::Of(a);
  EXPECT_EQ(c.imported_functions, 1u);
  EXPECT_EQ(c.imported_globals, 1u);
  EXPECT_EQ(c.defined_functions, 2u);
  EXPECT_EQ(c.defined_tables, 1u);
  EXPECT_EQ(c.defined_memories, 1u);
  EXPECT_EQ(c.defined_globals, 1u);
  auto o = VMOffsets::Compute(a);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->funcref(2) + kVMFuncRefSize, o->size());
}

}  // namespace
}  // namespace egret::artifact
