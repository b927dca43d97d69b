// encoder_test.cc: every instruction form against two independent oracles.
//
//   capstone: our word, disassembled, must read as exactly our printed text (mnemonic, operands,
//             aliases); label forms are disassembled at a fixed address so the target prints as
//             an absolute address on both sides.
//   llvm-mc:  our printed text of every non-label form, assembled by
//             `llvm-mc -triple=aarch64 -show-encoding`, must give exactly our word.
// Together they check the encoder (two decoders agree with our bits), the printer (its text is
// assembler input meaning the same instruction) and that every form has cases.
#include "backends/aarch64/encoder.h"

#include <capstone/capstone.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "backends/aarch64/encoder_fast.h"
#include "backends/aarch64/printer.h"
#include "tests/unit/backends/aarch64/form_cases.h"

namespace egret::aarch64::testing {
namespace {

constexpr uint64_t kAddress = 0x100000;

std::vector<Form> AllForms() {
  std::vector<Form> out;
  for (int f = 0; f < kNumForms; ++f) out.push_back(static_cast<Form>(f));
  return out;
}

TEST(A64Encoder, EveryFormHasCases) {
  // dmb ish has no operands: its one case is all there is.
  for (Form f : AllForms())
    EXPECT_GE(FormCases(f).size(), f == Form::kDmbIsh ? 1u : 3u) << Info(f).name;
}

TEST(A64Encoder, LogicalImmediates) {
  uint32_t bits = 0;
  EXPECT_TRUE(EncodeLogicalImm(0xff, false, &bits));
  EXPECT_EQ(bits, 0x007u);  // N=0 immr=0 imms=000111
  EXPECT_TRUE(EncodeLogicalImm(0x8000000000000000ull, true, &bits));
  EXPECT_EQ(bits, (1u << 12) | (1u << 6) | 0u);  // one bit rotated right by 1
  EXPECT_TRUE(EncodeLogicalImm(0x5555555555555555ull, true, &bits));
  EXPECT_EQ(bits, 0x03cu);
  EXPECT_FALSE(EncodeLogicalImm(0, true, &bits));
  EXPECT_FALSE(EncodeLogicalImm(~0ull, true, &bits));
  EXPECT_FALSE(EncodeLogicalImm(0xffffffffull, false, &bits));
  EXPECT_FALSE(EncodeLogicalImm(0x1234, true, &bits));
  EXPECT_FALSE(EncodeLogicalImm(0x100000000ull, false, &bits));
}

// encoder_fast.h: what EncodeFast accepts, Encode encodes to the same word. The cases hold
// valid operands only, so the fast path must accept every case of the forms it covers.
TEST(A64Encoder, EncodeFastMatchesEncodeOnEveryCase) {
  int covered_forms = 0;
  for (Form f : AllForms()) {
    int accepted = 0, cases = 0;
    for (const Inst& i : FormCases(f)) {
      ++cases;
      uint32_t w = 0;
      if (!EncodeFast(i, &w)) continue;
      ++accepted;
      EXPECT_EQ(w, Encode(i)) << Print(i) << " (" << Info(f).name << ")";
    }
    EXPECT_TRUE(accepted == 0 || accepted == cases)
        << Info(f).name << ": " << accepted << " of " << cases;
    covered_forms += accepted != 0;
  }
  EXPECT_GE(covered_forms, 55);
}

// Random operands around every case: whenever the fast path accepts, Encode accepts too (it
// would abort otherwise) and gives the same word.
TEST(A64Encoder, EncodeFastMatchesEncodeOnRandomOperands) {
  std::mt19937 rng(24);
  const int64_t imms[] = {0,
                          1,
                          4,
                          8,
                          -8,
                          16,
                          255,
                          256,
                          -256,
                          -257,
                          504,
                          512,
                          -512,
                          4095,
                          4096,
                          4097,
                          8190,
                          8192,
                          32760,
                          32768,
                          0xfff000,
                          0x1000000,
                          65535,
                          65536,
                          -4,
                          1 << 20,
                          -(1 << 20),
                          (1 << 20) - 4,
                          1 << 27,
                          -(1 << 27),
                          (1 << 27) - 4,
                          1 << 15,
                          -(1 << 15),
                          3,
                          63,
                          64};
  uint32_t accepted = 0;
  for (Form f : AllForms()) {
    for (const Inst& base : FormCases(f)) {
      for (int trial = 0; trial < 200; ++trial) {
        Inst i = base;
        switch (rng() % 8) {
          case 0:
            i.d = static_cast<uint8_t>(rng() % 34);
            break;
          case 1:
            i.n = static_cast<uint8_t>(rng() % 34);
            break;
          case 2:
            i.m = static_cast<uint8_t>(rng() % 34);
            i.a = static_cast<uint8_t>(rng() % 34);
            break;
          case 3:
            i.imm = imms[rng() % std::size(imms)];
            break;
          case 4:
            i.amount = static_cast<uint8_t>(rng() % 70);
            i.shift = static_cast<Shift>(rng() % 4);
            break;
          case 5:
            i.extend = static_cast<Extend>(rng() % 8);
            i.amount = static_cast<uint8_t>(rng() % 6);
            break;
          case 6:
            i.mem = static_cast<MemKind>(rng() % 7);
            i.is64 = rng() % 2 != 0;
            break;
          default:
            i.cond = static_cast<Cond>(rng() % 16);
            i.f64 = rng() % 2 != 0;
            i.is64 = rng() % 2 != 0;
            break;
        }
        uint32_t w = 0;
        if (!EncodeFast(i, &w)) continue;
        ++accepted;
        ASSERT_EQ(w, Encode(i)) << Print(i) << " (" << Info(f).name << ")";
      }
    }
  }
  EXPECT_GT(accepted, 10000u);
}

// Operands that Encode rejects (with a check) are left to it.
TEST(A64Encoder, EncodeFastLeavesInvalidOperandsToEncode) {
  uint32_t w = 0;
  Inst ldr;
  ldr.form = Form::kLdr;
  ldr.mem = MemKind::kX;
  ldr.d = 0;
  ldr.n = 1;
  ldr.imm = 12;  // not a multiple of 8
  EXPECT_FALSE(EncodeFast(ldr, &w));
  ldr.imm = 8;
  ldr.d = static_cast<uint8_t>(Gpr::kSp);  // an R slot cannot hold sp
  EXPECT_FALSE(EncodeFast(ldr, &w));
  ldr.d = 0;
  ldr.mem = MemKind::kW;
  ldr.is64 = true;  // a 32-bit load into an x register: ldrsw or 32-bit ldr, not this
  EXPECT_FALSE(EncodeFast(ldr, &w));
  Inst add = RRI(Form::kAddImm, true, Gpr::kX0, Gpr::kX1, 4097);
  EXPECT_FALSE(EncodeFast(add, &w));
  Inst movz;
  movz.form = Form::kMovz;
  movz.imm = 0x10000;
  EXPECT_FALSE(EncodeFast(movz, &w));
  Inst tbz;
  tbz.form = Form::kTbz;
  tbz.is64 = false;
  tbz.amount = 40;
  EXPECT_FALSE(EncodeFast(tbz, &w));
  Inst b;
  b.form = Form::kB;
  b.imm = 2;  // not a multiple of 4
  EXPECT_FALSE(EncodeFast(b, &w));
}

// The rotation search EncodeLogicalImm used before it found the rotation in closed form: the
// oracle for every logical immediate and for random values.
bool LogicalImmByRotationSearch(uint64_t value, bool is64, uint32_t* out) {
  const uint32_t width = is64 ? 64 : 32;
  if (!is64) {
    if ((value >> 32) != 0) return false;
    value |= value << 32;
  }
  if (value == 0 || value == ~uint64_t{0}) return false;
  uint32_t e = 64;
  while (e > 2) {
    const uint32_t half = e / 2;
    const uint64_t mask = (uint64_t{1} << half) - 1;
    if ((value & mask) != ((value >> half) & mask)) break;
    e = half;
  }
  if (e > width) return false;
  const uint64_t emask = e == 64 ? ~uint64_t{0} : (uint64_t{1} << e) - 1;
  const uint64_t elem = value & emask;
  const uint32_t k = static_cast<uint32_t>(std::popcount(elem));
  const uint64_t ones = (uint64_t{1} << k) - 1;
  for (uint32_t r = 0; r < e; ++r) {
    const uint64_t rot = r == 0 ? ones : (((ones >> r) | (ones << (e - r))) & emask);
    if (rot != elem) continue;
    const uint32_t imms = ((~(e * 2 - 1) & 0x3f) | (k - 1)) & 0x3f;
    *out = (e == 64 ? 1u : 0u) << 12 | r << 6 | imms;
    return true;
  }
  return false;
}

TEST(A64Encoder, LogicalImmediatesMatchTheRotationSearch) {
  auto check = [](uint64_t v) {
    for (bool is64 : {false, true}) {
      uint32_t got = 0, want = 0;
      const bool ok = EncodeLogicalImm(v, is64, &got);
      ASSERT_EQ(ok, LogicalImmByRotationSearch(v, is64, &want)) << std::hex << v << " " << is64;
      if (ok) {
        ASSERT_EQ(got, want) << std::hex << v << " " << is64;
      }
    }
  };
  int valid = 0;
  for (uint32_t e = 2; e <= 64; e *= 2) {
    const uint64_t emask = e == 64 ? ~uint64_t{0} : (uint64_t{1} << e) - 1;
    for (uint32_t k = 1; k < e; ++k) {
      for (uint32_t r = 0; r < e; ++r) {
        const uint64_t ones = (uint64_t{1} << k) - 1;
        const uint64_t elem = r == 0 ? ones : (((ones >> r) | (ones << (e - r))) & emask);
        uint64_t v = 0;
        for (uint32_t at = 0; at < 64; at += e) v |= elem << at;
        check(v);
        check(v & 0xffffffffu);
        check(v ^ (uint64_t{1} << (r % 64)));  // one bit off: usually not encodable
        ++valid;
      }
    }
  }
  EXPECT_EQ(valid, 5334);  // sum over e of e * (e - 1)
  std::mt19937_64 rng(5);
  for (int t = 0; t < 200000; ++t) {
    const uint64_t v = rng();
    check(v);
    check(v & 0xffff);
    check(v >> (rng() % 64));
  }
}

std::string Capstone(uint32_t word, uint64_t address) {
  csh h;
  if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h) != CS_ERR_OK) return "<capstone>";
  uint8_t bytes[4];
  std::memcpy(bytes, &word, 4);
  cs_insn* insn = nullptr;
  std::string out = "<invalid>";
  if (cs_disasm(h, bytes, 4, address, 1, &insn) == 1) {
    out = std::string(insn->mnemonic) + (insn->op_str[0] != '\0' ? " " : "") + insn->op_str;
    cs_free(insn, 1);
  }
  cs_close(&h);
  return out;
}

TEST(A64Encoder, CapstoneReadsOurText) {
  int checked = 0;
  for (Form f : AllForms()) {
    for (const Inst& i : FormCases(f)) {
      const uint32_t word = Encode(i);
      const std::string ours = Print(i, kAddress);
      // Capstone 4 predates UDF (llvm-mc checks it below).
      if (f == Form::kUdf) {
        EXPECT_EQ(word & 0xffff0000u, 0u);
        continue;
      }
      // ... and FEAT_LSE (ldaddal, swpal, casal, ...): llvm-mc (+lse) checks those too.
      if (f == Form::kLdaddal || f == Form::kLdclral || f == Form::kLdeoral ||
          f == Form::kLdsetal || f == Form::kSwpal || f == Form::kCasal)
        continue;
      EXPECT_EQ(Capstone(word, kAddress), ours) << Info(f).name << " word 0x" << std::hex << word;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

std::string FindLlvmMc() {
  for (const char* path :
       {"/usr/lib/llvm-14/bin/llvm-mc", "/usr/bin/llvm-mc-14", "/usr/bin/llvm-mc"})
    if (access(path, X_OK) == 0) return path;
  return "";
}

TEST(A64Encoder, LlvmMcAssemblesOurTextToOurWords) {
  const std::string mc = FindLlvmMc();
  if (mc.empty()) GTEST_SKIP() << "llvm-mc not installed";
  std::vector<Inst> cases;
  for (Form f : AllForms()) {
    if (IsLabelForm(f)) continue;
    for (const Inst& i : FormCases(f)) cases.push_back(i);
  }
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "/a64_mc_" + std::to_string(getpid()) + ".s";
  const std::string out = in + ".out";
  {
    std::ofstream s(in);
    for (const Inst& i : cases) s << Print(i) << "\n";
  }
  const std::string cmd =
      mc + " -triple=aarch64 -mattr=+neon,+lse -show-encoding " + in + " > " + out + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "llvm-mc failed; see " << out;
  std::ifstream r(out);
  std::string line;
  size_t k = 0;
  while (std::getline(r, line)) {
    const size_t enc = line.find("encoding: [");
    if (enc == std::string::npos) continue;
    ASSERT_LT(k, cases.size());
    std::stringstream items(line.substr(enc + 11, line.find(']', enc) - enc - 11));
    std::string item;
    uint32_t word = 0;
    int b = 0;
    while (std::getline(items, item, ','))
      word |= static_cast<uint32_t>(std::stoul(item, nullptr, 16)) << (8 * b++);
    EXPECT_EQ(word, Encode(cases[k])) << Print(cases[k]) << " (" << Info(cases[k].form).name << ")";
    ++k;
  }
  EXPECT_EQ(k, cases.size());
  std::filesystem::remove(in);
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace egret::aarch64::testing
