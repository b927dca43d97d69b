// label_use_test.cc: every label-use kind's patching and veneer, checked against capstone (an
// independent disassembler) at the edges of its range.
#include <capstone/capstone.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "machbuffer/label_use_aarch64.h"
#include "machbuffer/label_use_x64.h"
#include "tests/unit/machbuffer/code_sim.h"

namespace egret {
namespace {

using testing::A64Adr;
using testing::A64B;
using testing::A64BCond;
using testing::A64Cbz;
using testing::A64LdrLit;
using testing::A64Tbz;

// Disassembles one instruction at `address`; returns "mnemonic op_str".
std::string Disasm(cs_arch arch, cs_mode mode, const uint8_t* code, size_t size, uint64_t address) {
  csh handle;
  if (cs_open(arch, mode, &handle) != CS_ERR_OK) return "<cs_open failed>";
  cs_insn* insn = nullptr;
  std::string text = "<invalid>";
  if (cs_disasm(handle, code, size, address, 1, &insn) == 1) {
    text = std::string(insn[0].mnemonic) + " " + insn[0].op_str;
    cs_free(insn, 1);
  }
  cs_close(&handle);
  return text;
}

std::string Hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Patches `insn` at a use at `use` (an absolute address, so targets stay positive) toward
// `target` and returns capstone's text.
std::string PatchA64(uint32_t insn, A64LabelUse kind, uint64_t use, uint64_t target) {
  uint8_t bytes[4];
  Write32(bytes, insn);
  // Patch takes buffer offsets; only their difference matters.
  A64LabelUses::Patch(kind, bytes, 0x40000000u,
                      static_cast<uint32_t>(0x40000000 + (int64_t(target) - int64_t(use))));
  return Disasm(CS_ARCH_ARM64, CS_MODE_ARM, bytes, 4, use);
}

struct A64Case {
  uint32_t insn;
  A64LabelUse kind;
  std::string prefix;  // capstone's text before the target
};

TEST(LabelUseA64, PatchReachesBothEndsOfEveryRange) {
  const A64Case cases[] = {
      {A64Tbz(5, 3, false), A64LabelUse::kBranch14, "tbz w5, #3, #"},
      {A64Tbz(7, 40, true), A64LabelUse::kBranch14, "tbnz x7, #0x28, #"},
      {A64BCond(1), A64LabelUse::kBranch19, "b.ne #"},
      {A64Cbz(9, true), A64LabelUse::kBranch19, "cbnz x9, #"},
      {A64B(), A64LabelUse::kBranch26, "b #"},
      {0x94000000u, A64LabelUse::kBranch26, "bl #"},
      {A64LdrLit(3), A64LabelUse::kLdr19, "ldr x3, #"},
      {A64Adr(4), A64LabelUse::kAdr21, "adr x4, #"},
  };
  const uint64_t use = 0x10000000ull;
  for (const A64Case& c : cases) {
    const LabelUseInfo& info = A64LabelUses::Info(c.kind);
    const int64_t step = c.kind == A64LabelUse::kAdr21 ? 1 : 4;
    for (int64_t delta : {info.max_forward, -info.max_backward, int64_t{0}, step, -step,
                          info.max_forward - 4 * step + step, -info.max_backward + step}) {
      const uint64_t target = use + delta;
      EXPECT_EQ(PatchA64(c.insn, c.kind, use, target), c.prefix + Hex(target))
          << info.name << " delta " << delta;
    }
  }
}

TEST(LabelUseA64, RangesAreTheArchitecturalOnes) {
  EXPECT_EQ(A64LabelUses::Info(A64LabelUse::kBranch14).max_forward, 32 * 1024 - 4);
  EXPECT_EQ(A64LabelUses::Info(A64LabelUse::kBranch14).max_backward, 32 * 1024);
  EXPECT_EQ(A64LabelUses::Info(A64LabelUse::kBranch19).max_forward, (1 << 20) - 4);
  EXPECT_EQ(A64LabelUses::Info(A64LabelUse::kBranch26).max_backward, 128 << 20);
  EXPECT_EQ(A64LabelUses::Info(A64LabelUse::kAdr21).max_forward, (1 << 20) - 1);
}

TEST(LabelUseA64, PatchIsRepeatableAndKeepsOpcodeBits) {
  uint8_t bytes[4];
  Write32(bytes, A64Tbz(7, 40, true));
  A64LabelUses::Patch(A64LabelUse::kBranch14, bytes, 40000, 40000 + 32764);
  A64LabelUses::Patch(A64LabelUse::kBranch14, bytes, 40000, 40000 - 32768);
  A64LabelUses::Patch(A64LabelUse::kBranch14, bytes, 40000, 40008);
  EXPECT_EQ(Read32(bytes), A64Tbz(7, 40, true) | (2u << 5));
}

TEST(LabelUseA64, VeneersChainToLongerKinds) {
  using K = A64LabelUse;
  EXPECT_EQ(A64LabelUses::Info(K::kBranch14).veneer_kind, static_cast<int>(K::kBranch26));
  EXPECT_EQ(A64LabelUses::Info(K::kBranch19).veneer_kind, static_cast<int>(K::kBranch26));
  EXPECT_EQ(A64LabelUses::Info(K::kBranch26).veneer_kind, static_cast<int>(K::kPcRel32));
  EXPECT_EQ(A64LabelUses::Info(K::kLdr19).veneer_kind, LabelUseInfo::kNoVeneer);
  EXPECT_EQ(A64LabelUses::Info(K::kAdr21).veneer_kind, LabelUseInfo::kNoVeneer);
  EXPECT_EQ(A64LabelUses::Info(K::kPcRel32).veneer_kind, LabelUseInfo::kNoVeneer);
}

TEST(LabelUseA64, FarVeneerDisassemblesAndReachesBackward) {
  std::vector<uint8_t> code(A64LabelUses::kFarVeneerSize);
  const uint32_t inner = A64LabelUses::EmitVeneer(A64LabelUse::kBranch26, code.data());
  ASSERT_EQ(inner, 16u);
  const uint64_t base = 0x40000000ull;
  EXPECT_EQ(Disasm(CS_ARCH_ARM64, CS_MODE_ARM, code.data(), 4, base),
            "adr x16, #" + Hex(base + 16));
  EXPECT_EQ(Disasm(CS_ARCH_ARM64, CS_MODE_ARM, code.data() + 4, 4, base + 4),
            "ldrsw x17, #" + Hex(base + 16));
  EXPECT_EQ(Disasm(CS_ARCH_ARM64, CS_MODE_ARM, code.data() + 8, 4, base + 8), "add x16, x16, x17");
  EXPECT_EQ(Disasm(CS_ARCH_ARM64, CS_MODE_ARM, code.data() + 12, 4, base + 12), "br x16");
  // A target 1 GiB behind the veneer: the word holds target - (veneer + 16).
  A64LabelUses::Patch(A64LabelUse::kPcRel32, code.data() + 16, 0x40000010u, 0x00000100u);
  EXPECT_EQ(testing::Sext(Read32(code.data() + 16), 32), 0x100 - 0x40000010ll);
}

TEST(LabelUseX64, Rel32AndRel8PatchLikeTheHardware) {
  const uint64_t base = 0x1000000;
  {
    std::vector<uint8_t> jmp = testing::X64Jmp();
    X64LabelUses::Patch(X64LabelUse::kJmpRel32, jmp.data() + 1, 1, 5u + 0x7fffffffu);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, jmp.data(), jmp.size(), base),
              "jmp " + Hex(base + 5 + 0x7fffffffull));
  }
  {
    std::vector<uint8_t> jcc = testing::X64Jcc(5);
    X64LabelUses::Patch(X64LabelUse::kJmpRel32, jcc.data() + 2, 2, 6 + 0x1234);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, jcc.data(), jcc.size(), base),
              "jne " + Hex(base + 6 + 0x1234));
  }
  {
    std::vector<uint8_t> load = testing::X64LoadRip();
    X64LabelUses::Patch(X64LabelUse::kRipRel32, load.data() + 3, 3, 7 + 0x40);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, load.data(), load.size(), base),
              "mov rax, qword ptr [rip + 0x40]");
  }
  {
    // cmp dword ptr [rip + disp32], 5: the displacement counts from after the imm8.
    uint8_t cmp[7] = {0x83, 0x3d, 0, 0, 0, 0, 5};
    X64LabelUses::Patch(X64LabelUse::kRipRel32Imm1, cmp + 2, 2, 7 + 0x100);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, cmp, 7, base), "cmp dword ptr [rip + 0x100], 5");
    // mov dword ptr [rip + disp32], imm32
    uint8_t mov[10] = {0xc7, 0x05, 0, 0, 0, 0, 1, 0, 0, 0};
    X64LabelUses::Patch(X64LabelUse::kRipRel32Imm4, mov + 2, 2, 10 + 0x20);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, mov, 10, base), "mov dword ptr [rip + 0x20], 1");
    // mov word ptr [rip + disp32], imm16
    uint8_t mov16[9] = {0x66, 0xc7, 0x05, 0, 0, 0, 0, 2, 0};
    X64LabelUses::Patch(X64LabelUse::kRipRel32Imm2, mov16 + 3, 3, 9);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, mov16, 9, base), "mov word ptr [rip], 2");
  }
  {
    uint8_t jmp8[2] = {0xeb, 0};
    X64LabelUses::Patch(X64LabelUse::kJmpRel8, jmp8 + 1, 1 + 0x100, 0x100 + 2 - 128);
    EXPECT_EQ(Disasm(CS_ARCH_X86, CS_MODE_64, jmp8, 2, base + 0x100),
              "jmp " + Hex(base + 0x100 + 2 - 128));
  }
}

TEST(LabelUseShrink, DividesShrinkableRangesOnly) {
  EXPECT_EQ(ShrunkRange(1 << 20, true, 1), 1 << 20);
  EXPECT_EQ(ShrunkRange(1 << 20, true, 16), 1 << 16);
  EXPECT_EQ(ShrunkRange(1 << 20, true, 1 << 20), kMinShrunkRange);
  EXPECT_EQ(ShrunkRange(1 << 20, false, 16), 1 << 20);
  EXPECT_EQ(ShrunkRange((1 << 20) - 4, true, 3) % 4, 0);
}

}  // namespace
}  // namespace egret
