// The test encoder against GNU as: each expected word is what aarch64-linux-gnu-as 2.40 wrote
// for the instruction in the comment (objdump -d). Runs on every host: a wrong encoding would
// make the aarch64 runtime tests test something else than they claim.
#include "tests/unit/runtime/a64_encoding.h"

#include <gtest/gtest.h>

namespace egret::runtime::testing::a64 {
namespace {

TEST(A64Encoding, MatchesGnuAs) {
  EXPECT_EQ(Ret(), 0xD65F03C0u);                 // ret
  EXPECT_EQ(Udf(0), 0x00000000u);                // udf #0
  EXPECT_EQ(Brk(0), 0xD4200000u);                // brk #0
  EXPECT_EQ(Brk(0x3E8), 0xD4207D00u);            // brk #0x3e8
  EXPECT_EQ(PushFrameRecord(), 0xA9BF7BFDu);     // stp x29, x30, [sp, #-16]!
  EXPECT_EQ(MovFpSp(), 0x910003FDu);             // mov x29, sp
  EXPECT_EQ(PopFrameRecord(), 0xA8C17BFDu);      // ldp x29, x30, [sp], #16
  EXPECT_EQ(AddImm64(17, kSp, 0), 0x910003F1u);  // mov x17, sp
  EXPECT_EQ(AddImm64(kFp, kSp, 0), MovFpSp());
  EXPECT_EQ(AddImm64(8, 0, 100), 0x91019008u);    // add x8, x0, #100
  EXPECT_EQ(AddsImm64(8, 8, 5), 0xB1001508u);     // adds x8, x8, #5
  EXPECT_EQ(AddReg32(8, 8, 9), 0x0B090108u);      // add w8, w8, w9
  EXPECT_EQ(CmpReg64(17, 16), 0xEB10023Fu);       // cmp x17, x16
  EXPECT_EQ(LdrW(9, 2, 16), 0xB9401049u);         // ldr w9, [x2, #16]
  EXPECT_EQ(LdrX(16, 0, 8), 0xF9400410u);         // ldr x16, [x0, #8]
  EXPECT_EQ(StrW(8, 2, 0), 0xB9000048u);          // str w8, [x2]
  EXPECT_EQ(StrX(8, 0, 16), 0xF9000808u);         // str x8, [x0, #16]
  EXPECT_EQ(LdrWReg(0, 0, 1), 0xB8616800u);       // ldr w0, [x0, x1]
  EXPECT_EQ(LdrXLiteral(0, 8), 0x58000040u);      // ldr x0, .+8
  EXPECT_EQ(MovzW(0, 42), 0x52800540u);           // mov w0, #42
  EXPECT_EQ(MovzW(9, 0x1234), 0x52824689u);       // mov w9, #0x1234
  EXPECT_EQ(SdivW(0, 0, 1), 0x1AC10C00u);         // sdiv w0, w0, w1
  EXPECT_EQ(Bl(-16), 0x97FFFFFCu);                // bl .-16
  EXPECT_EQ(BCond(Cond::kLo, 12), 0x54000063u);   // b.lo .+12
  EXPECT_EQ(BCond(Cond::kLe, -12), 0x54FFFFADu);  // b.le .-12
  EXPECT_EQ(BCond(Cond::kGt, 8), 0x5400004Cu);    // b.gt .+8
  EXPECT_EQ(CbzW(1, 16), 0x34000081u);            // cbz w1, .+16
  EXPECT_EQ(Br(9), 0xD61F0120u);                  // br x9
  EXPECT_EQ(Blr(0), 0xD63F0000u);                 // blr x0
}

TEST(A64Encoding, BytesAreLittleEndian) {
  EXPECT_EQ(Bytes({Ret(), Brk(0)}),
            (std::vector<uint8_t>{0xC0, 0x03, 0x5F, 0xD6, 0x00, 0x00, 0x20, 0xD4}));
}

TEST(A64EncodingDeathTest, OperandsOutOfRangeAreRejected) {
  EXPECT_DEATH(LdrW(0, 0, 2), "check failed");              // not a multiple of the access size
  EXPECT_DEATH(LdrX(0, 0, 8 * 4096), "check failed");       // past the scaled 12-bit range
  EXPECT_DEATH(Bl(2), "check failed");                      // branches go to whole instructions
  EXPECT_DEATH(BCond(Cond::kLo, 1 << 20), "check failed");  // ±1 MiB
  EXPECT_DEATH(AddImm64(0, 32, 0), "check failed");         // no register 32
}

}  // namespace
}  // namespace egret::runtime::testing::a64
