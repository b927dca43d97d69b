// capstone_library_test.cc: libcapstone loaded on demand (support/capstone_library.h).
#include "support/capstone_library.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace egret {
namespace {

TEST(CapstoneLibrary, SonameCarriesTheHeadersMajorVersion) {
  EXPECT_EQ(std::string(CapstoneSoname()), "libcapstone.so." + std::to_string(CS_API_MAJOR));
}

TEST(CapstoneLibrary, LoadsOnceAndDisassembles) {
  std::string error;
  const CapstoneApi* cs = Capstone(&error);
  ASSERT_NE(cs, nullptr) << error;
  EXPECT_EQ(Capstone(), cs);  // the same table on every call
  csh handle;
  ASSERT_EQ(cs->open(CS_ARCH_X86, CS_MODE_64, &handle), CS_ERR_OK);
  ASSERT_EQ(cs->option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT), CS_ERR_OK);
  cs_insn* insn = cs->malloc(handle);
  const uint8_t code[] = {0x48, 0x01, 0xd8, 0xc3};  // addq %rbx, %rax; retq
  const uint8_t* p = code;
  size_t size = sizeof code;
  uint64_t address = 0x10;
  ASSERT_TRUE(cs->disasm_iter(handle, &p, &size, &address, insn));
  EXPECT_EQ(std::string(insn->mnemonic) + " " + insn->op_str, "addq %rbx, %rax");
  EXPECT_EQ(insn->address, 0x10u);
  ASSERT_TRUE(cs->disasm_iter(handle, &p, &size, &address, insn));
  EXPECT_EQ(std::string(insn->mnemonic), "retq");
  EXPECT_EQ(size, 0u);
  cs->free(insn, 1);
  EXPECT_EQ(cs->close(&handle), CS_ERR_OK);
}

}  // namespace
}  // namespace egret
