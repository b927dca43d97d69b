// CodeMemory: code runs after Publish, the pages are never writable and executable at once, and
// LoadCode patches builtin relocations. The code is hand-written for the host (x86-64 bytes or
// A64 words); on aarch64 running it also checks the instruction-cache maintenance of Publish.
#include "runtime/code_memory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "artifact/builtin.h"
#include "tests/unit/runtime/a64_encoding.h"

namespace egret::runtime {
namespace {

namespace a64 = testing::a64;

#if defined(__x86_64__)
const std::vector<uint8_t> kReturn42 = {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3};  // mov eax, 42; ret
// movabs rax, imm64; ret  -- the imm64 at offset 2 is a relocation.
const std::vector<uint8_t> kReturnImm64 = {0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0xC3};
constexpr uint32_t kImm64Offset = 2;
#elif defined(__aarch64__)
const std::vector<uint8_t> kReturn42 = a64::Bytes({a64::MovzW(0, 42), a64::Ret()});
// ldr x0, .+8; ret; .quad imm64  -- the literal at offset 8 is a relocation.
const std::vector<uint8_t> kReturnImm64 = a64::Bytes({a64::LdrXLiteral(0, 8), a64::Ret(), 0, 0});
constexpr uint32_t kImm64Offset = 8;
#else
#error "code memory tests: hand-assembled code exists for x86-64 and aarch64 only"
#endif

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
  const size_t size = kReturn42.size();
  auto mem = CodeMemory::Allocate(size);
  ASSERT_TRUE(mem.ok());
  CodeMemory& m = **mem;
  EXPECT_EQ(Permissions(m.data()), "rw-p");
  std::memcpy(m.writable().data(), kReturn42.data(), size);
  ASSERT_TRUE(m.Publish().ok());
  EXPECT_TRUE(m.published());
  EXPECT_EQ(Permissions(m.data()), "r-xp");
  auto fn = reinterpret_cast<int (*)()>(const_cast<uint8_t*>(m.data()));
  EXPECT_EQ(fn(), 42);
  EXPECT_TRUE(m.Contains(m.start()));
  EXPECT_TRUE(m.Contains(m.start() + size - 1));
  EXPECT_FALSE(m.Contains(m.start() + size));
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
  a.text = kReturnImm64;  // returns its 8-byte literal, a relocation to builtin 3
  a.relocations = {{kImm64Offset, artifact::RelocKind::kAbs64Builtin, 3}};
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
