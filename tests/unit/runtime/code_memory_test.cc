// CodeMemory: code runs after Publish, the pages are never writable and executable at once, and
// LoadCode patches builtin relocations.
#include "runtime/code_memory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "artifact/builtin.h"

namespace egret::runtime {
namespace {

// The permission string ("r-xp") of the mapping that contains `addr`, from /proc/self/maps.
std::string Permissions(const void* addr) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  const uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  while (std::getline(maps, line)) {
    unsigned long lo = 0, hi = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s", &lo, &hi, perms) == 3 && a >= lo && a < hi)
      return perms;
  }
  return "";
}

TEST(CodeMemory, WriteThenPublishThenRun) {
  auto mem = CodeMemory::Allocate(6);
  ASSERT_TRUE(mem.ok());
  CodeMemory& m = **mem;
  EXPECT_EQ(Permissions(m.data()), "rw-p");
  const uint8_t code[] = {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3};  // mov eax, 42; ret
  std::memcpy(m.writable().data(), code, sizeof code);
  ASSERT_TRUE(m.Publish().ok());
  EXPECT_TRUE(m.published());
  EXPECT_EQ(Permissions(m.data()), "r-xp");
  auto fn = reinterpret_cast<int (*)()>(const_cast<uint8_t*>(m.data()));
  EXPECT_EQ(fn(), 42);
  EXPECT_TRUE(m.Contains(m.start()));
  EXPECT_TRUE(m.Contains(m.start() + 5));
  EXPECT_FALSE(m.Contains(m.start() + 6));
  EXPECT_FALSE(m.Contains(m.start() - 1));
}

TEST(CodeMemoryDeathTest, NoWritesAfterPublish) {
  auto mem = CodeMemory::Allocate(16);
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE((*mem)->Publish().ok());
  EXPECT_DEATH((*mem)->writable(), "check failed");
}

TEST(CodeMemory, LoadCodePatchesBuiltins) {
  artifact::Artifact a;
  // movabs rax, imm64; ret  -- the imm64 at offset 2 is a relocation to builtin 3.
  a.text = {0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0xC3};
  a.relocations = {{2, artifact::RelocKind::kAbs64Builtin, 3}};
  std::vector<const void*> builtins(artifact::kNumBuiltins, nullptr);
  static int marker;
  builtins[3] = &marker;
  auto code = LoadCode(a, builtins);
  ASSERT_TRUE(code.ok()) << code.error().ToString();
  auto fn = reinterpret_cast<const void* (*)()>(const_cast<uint8_t*>((*code)->data()));
  EXPECT_EQ(fn(), &marker);
  EXPECT_FALSE(LoadCode(a, {}).ok());  // relocations need the builtin table
}

TEST(CodeMemory, EmptyText) {
  artifact::Artifact a;
  auto code = LoadCode(a, {});
  ASSERT_TRUE(code.ok());
  EXPECT_EQ((*code)->size(), 0u);
  EXPECT_FALSE((*code)->Contains((*code)->start()));
}

}  // namespace
}  // namespace egret::runtime
