// encoder_diff_test.cc: every encoder form against capstone, family by family.
//
// For each case: encode; for a label form, patch a known distance into the reported field;
// decode with capstone at a fixed address; require that capstone decodes exactly the encoded
// length and that its AT&T text equals our printer's (after Normalize, capstone_oracle.h). A
// wrong prefix, REX bit, ModRM/SIB choice, displacement or immediate size changes capstone's
// text or length, so this checks encoder and printer against an independent decoder at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <type_traits>

#include "backends/x64/encoder.h"
#include "backends/x64/encoder_fast.h"
#include "backends/x64/printer.h"
#include "tests/unit/backends/x64/capstone_oracle.h"
#include "tests/unit/backends/x64/form_cases.h"

namespace egret::x64::testing {
namespace {

// Above 4 GiB, so that backward branches still land at a positive address.
constexpr uint64_t kAddress = 0x100000000;

std::string HexBytes(const EncodedInst& e) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < e.len; ++i) {
    if (i > 0) s += ' ';
    s += kHex[e.bytes[i] >> 4];
    s += kHex[e.bytes[i] & 15];
  }
  return s;
}

// Differences in capstone 4's output that are not ours to fix (documented in docs/x64.md).
std::string CapstoneQuirks(const Inst& inst, std::string text) {
  // capstone prints `movd` for 66 REX.W 0F 6E/7E, which the Intel manual and objdump call movq.
  const bool movq =
      (inst.Is<forms::GprToXmm>() && inst.As<forms::GprToXmm>().size == OpSize::k64) ||
      (inst.Is<forms::XmmToGpr>() && inst.As<forms::XmmToGpr>().size == OpSize::k64);
  if (movq && text.rfind("movd ", 0) == 0) {
    text.replace(0, 4, "movq");
  }
  // capstone drops the suffix of `roll $1, %r32` (D1 /0) and prints `rol $1, %eax`.
  if (inst.Is<forms::ShiftRI>() && inst.As<forms::ShiftRI>().op == ShiftOp::kRol &&
      inst.As<forms::ShiftRI>().count == 1 && inst.As<forms::ShiftRI>().size == OpSize::k32 &&
      text.rfind("rol ", 0) == 0) {
    text.replace(0, 3, "roll");
  }
  return text;
}

// Returns an empty string when `inst` round-trips, else a description of the mismatch.
std::string Check(const Inst& inst) {
  EncodedInst e;
  Encode(inst, &e);
  int64_t delta = 0;
  if (inst.HasLabel()) {
    const LabelField& f = e.label;
    const Label expected = inst.label();
    if (f.label != expected) return "label field names the wrong label";
    // The contract: the PC-relative base is the end of the instruction.
    if (f.offset + f.pc_base_delta != e.len) return "pc_base_delta does not reach the end";
    if (f.pc_base_delta < FieldSize(f.use)) return "pc_base_delta shorter than the field";
    for (int k = 0; k < FieldSize(f.use); ++k) {
      if (e.bytes[f.offset + k] != 0) return "label field is not zero";
    }
    delta = LabelDelta(f.use, f.label.index);
    for (int k = 0; k < FieldSize(f.use); ++k) {
      e.bytes[f.offset + k] = static_cast<uint8_t>(static_cast<uint64_t>(delta) >> (8 * k));
    }
  } else if (e.label.label.valid()) {
    return "label field reported for an instruction without a label";
  }
  const Decoded d = Disassemble(e.view(), kAddress);
  const std::string where = "[" + HexBytes(e) + "] ";
  if (!d.ok) return where + "capstone cannot decode; ours: " + PrintAtt(inst);
  if (d.len != e.len) {
    return where + "capstone decodes " + std::to_string(d.len) + " of " + std::to_string(e.len) +
           " bytes: " + d.text;
  }
  const bool rip = inst.HasMem() && inst.mem()->kind == Amode::Kind::kRipLabel;
  const uint64_t target = kAddress + e.len + static_cast<uint64_t>(delta);
  const LabelNamer namer = [&](Label) -> std::string {
    if (rip) return delta == 0 ? "" : FormatNumber(delta);
    return FormatNumber(static_cast<int64_t>(target));
  };
  const int bits = ImmBits(inst);
  const std::string ours = Normalize(PrintAtt(inst, namer), bits);
  const std::string theirs = Normalize(CapstoneQuirks(inst, d.text), bits);
  if (ours != theirs) return where + "capstone: `" + theirs + "`, ours: `" + ours + "`";
  return "";
}

void CheckFamily(std::string_view name) {
  size_t checked = 0;
  std::vector<std::string> failures;
  for (Form form : FamilyNamed(name).forms) {
    const std::vector<Inst> cases = CasesFor(form);
    EXPECT_FALSE(cases.empty()) << FormName(form);
    for (const Inst& inst : cases) {
      ++checked;
      std::string msg = Check(inst);
      if (!msg.empty()) failures.push_back(std::string(FormName(form)) + ": " + msg);
    }
  }
  std::string first;
  for (size_t i = 0; i < failures.size() && i < 25; ++i) first += failures[i] + "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << checked
                                << " instructions differ from capstone:\n"
                                << first;
}

TEST(X64Differential, Alu) { CheckFamily("Alu"); }
TEST(X64Differential, Test) { CheckFamily("Test"); }
TEST(X64Differential, Imul) { CheckFamily("Imul"); }
TEST(X64Differential, UnaryAndShift) { CheckFamily("UnaryAndShift"); }
TEST(X64Differential, BitCount) { CheckFamily("BitCount"); }
TEST(X64Differential, Mov) { CheckFamily("Mov"); }
TEST(X64Differential, ExtendAndLea) { CheckFamily("ExtendAndLea"); }
TEST(X64Differential, Conditional) { CheckFamily("Conditional"); }
TEST(X64Differential, Stack) { CheckFamily("Stack"); }
TEST(X64Differential, Branch) { CheckFamily("Branch"); }
TEST(X64Differential, Atomic) { CheckFamily("Atomic"); }
TEST(X64Differential, Misc) { CheckFamily("Misc"); }
TEST(X64Differential, Sse) { CheckFamily("Sse"); }
TEST(X64Differential, Simd) { CheckFamily("Simd"); }
TEST(X64Differential, Vex) { CheckFamily("Vex"); }
TEST(X64Differential, Bmi) { CheckFamily("Bmi"); }
TEST(X64Differential, SseConvert) { CheckFamily("SseConvert"); }

// The ModRM/SIB logic over the full cross product: every base, every index (and none), every
// scale and every displacement class, as a load, a store, an lea and an SSE load.
TEST(X64Differential, EveryAddressingModeExhaustively) {
  constexpr int32_t kDisps[] = {0, 1, -1, 127, 128, -128, -129, 0x12345678, INT32_MIN};
  std::vector<Amode> amodes;
  for (int b = 0; b < 16; ++b) {
    for (int32_t d : kDisps) {
      amodes.push_back(Amode::Base(GprFromEnc(b), d));
      for (int i = 0; i < 16; ++i) {
        if (i == Enc(Gpr::kRsp)) continue;
        for (int scale : {1, 2, 4, 8}) {
          amodes.push_back(Amode::BaseIndex(GprFromEnc(b), GprFromEnc(i), scale, d));
        }
      }
    }
  }
  size_t checked = 0;
  std::vector<std::string> failures;
  int k = 0;
  for (const Amode& m : amodes) {
    ++k;
    for (const Inst& inst :
         {Inst::MovRM(OpSize::k64, GprFromEnc(k), m), Inst::MovMR(OpSize::k8, m, GprFromEnc(k + 1)),
          Inst::Lea(OpSize::k32, GprFromEnc(k + 2), m),
          Inst::SseRM(SseOp::kMovss, XmmFromEnc(k + 3), m)}) {
      ++checked;
      std::string msg = Check(inst);
      if (!msg.empty() && failures.size() < 25) failures.push_back(msg);
    }
  }
  EXPECT_EQ(amodes.size(), 16u * 9u * (1 + 15 * 4));
  std::string first;
  for (const std::string& f : failures) first += f + "\n";
  EXPECT_TRUE(failures.empty()) << "of " << checked << ":\n" << first;
}

// The families above must cover every form exactly once, or a form could go untested.
TEST(X64Differential, FamiliesPartitionAllForms) {
  std::multiset<Form> seen;
  for (const Family& f : Families()) {
    // Each family must have a TEST above: FamilyNamed() aborts on unknown names, and the list
    // of TESTs is checked against Families() here by count.
    for (Form form : f.forms) seen.insert(form);
  }
  EXPECT_EQ(Families().size(), 17u) << "add a TEST(X64Differential, <family>) for a new family";
  for (int i = 0; i < kNumForms; ++i) {
    const Form form = static_cast<Form>(i);
    EXPECT_EQ(seen.count(form), 1u) << FormName(form);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kNumForms));
}

// EncodeTo (the emitter's in-place path, writing into a code buffer's tail) gives exactly
// Encode's bytes and label field for every case of every form, and writes nothing past them.
TEST(X64Differential, EncodeToMatchesEncode) {
  size_t checked = 0;
  for (int f = 0; f < kNumForms; ++f) {
    for (const Inst& inst : CasesFor(static_cast<Form>(f))) {
      EncodedInst e;
      Encode(inst, &e);
      uint8_t bytes[kMaxInstLength + 1];
      std::fill(std::begin(bytes), std::end(bytes), uint8_t{0xcc});
      LabelField label;
      label.label = Label(7);  // EncodeTo must reset it
      const uint32_t len = EncodeTo(inst, bytes, &label);
      ASSERT_EQ(len, e.len) << FormName(inst.form());
      EXPECT_TRUE(std::equal(bytes, bytes + len, e.bytes)) << FormName(inst.form());
      for (size_t k = len; k < sizeof(bytes); ++k) EXPECT_EQ(bytes[k], 0xcc);
      EXPECT_EQ(label.label, e.label.label) << FormName(inst.form());
      if (label.label.valid()) {
        EXPECT_EQ(label.use, e.label.use);
        EXPECT_EQ(label.offset, e.label.offset);
        EXPECT_EQ(label.pc_base_delta, e.label.pc_base_delta);
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 10000u);
}

// The emitter's typed moves (encoder_fast.h) give the general encoder's bytes: 64-bit register
// moves, and moves to and from spill slots [rsp + disp] for every register and displacement
// width.
TEST(X64Differential, TypedMovesMatchEncode) {
  auto same = [](const Inst& inst, const uint8_t* bytes, uint32_t len) {
    EncodedInst e;
    Encode(inst, &e);
    ASSERT_EQ(len, e.len) << PrintAtt(inst);
    EXPECT_TRUE(std::equal(bytes, bytes + len, e.bytes)) << PrintAtt(inst);
  };
  const int32_t disps[] = {0, 1, -1, 8, 127, -128, 128, -129, 4096, 0x7fffffff, INT32_MIN};
  for (int a = 0; a < 16; ++a) {
    const Gpr ra = GprFromEnc(static_cast<uint8_t>(a));
    for (int b = 0; b < 16; ++b) {
      const Gpr rb = GprFromEnc(static_cast<uint8_t>(b));
      uint8_t bytes[kMaxInstLength];
      same(Inst::MovRR(OpSize::k64, ra, rb), bytes,
           encoder_internal::EncodeMovRR(OpSize::k64, ra, rb, bytes));
      for (int32_t d : disps) {
        const Amode m = Amode::Base(rb, d);
        same(Inst::MovRM(OpSize::k64, ra, m), bytes,
             encoder_internal::EncodeMovRM(OpSize::k64, ra, m, bytes));
        same(Inst::MovMR(OpSize::k64, m, ra), bytes,
             encoder_internal::EncodeMovMR(OpSize::k64, m, ra, bytes));
      }
    }
    for (int32_t d : disps) {
      uint8_t bytes[kMaxInstLength];
      const Amode slot = Amode::Base(Gpr::kRsp, d);
      same(Inst::MovRM(OpSize::k64, ra, slot), bytes,
           encoder_internal::EncodeMovRsp64(true, ra, d, bytes));
      same(Inst::MovMR(OpSize::k64, slot, ra), bytes,
           encoder_internal::EncodeMovRsp64(false, ra, d, bytes));
    }
  }
}

// Each group's every op and every condition code occurs in the cases.
TEST(X64Differential, EveryOpAndConditionIsExercised) {
  std::set<int> sse_ops, conds, alu_ops, bit_ops;
  for (const Inst& i : CasesFor(Form::kSseRR)) {
    sse_ops.insert(static_cast<int>(i.As<forms::SseRR>().op));
  }
  for (Form f : {Form::kSetcc, Form::kCmovRR, Form::kCmovRM, Form::kJccRel8, Form::kJccRel32}) {
    std::set<int> cc;
    for (const Inst& i : CasesFor(f)) {
      i.ForEachOperand([&](const auto& v) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(v)>, CondCode>) {
          cc.insert(static_cast<int>(v));
        }
      });
    }
    EXPECT_EQ(cc.size(), static_cast<size_t>(kNumCondCodes)) << FormName(f);
  }
  for (const Inst& i : CasesFor(Form::kAluMI)) {
    alu_ops.insert(static_cast<int>(i.As<forms::AluMI>().op));
  }
  for (const Inst& i : CasesFor(Form::kBitRM)) {
    bit_ops.insert(static_cast<int>(i.As<forms::BitRM>().op));
  }
  EXPECT_EQ(sse_ops.size(), static_cast<size_t>(kNumSseOps));
  EXPECT_EQ(alu_ops.size(), std::size(kAllAluOps));
  EXPECT_EQ(bit_ops.size(), std::size(kAllBitOps));
}

// Memory forms see every addressing-mode special case.
TEST(X64Differential, AmodesCoverSpecialCases) {
  bool rsp_base = false, r12_base = false, rbp_zero = false, r13_zero = false, r12_index = false,
       disp8 = false, disp32 = false, rip = false;
  for (const Amode& m : AllAmodes()) {
    if (m.kind == Amode::Kind::kRipLabel) {
      rip = true;
      continue;
    }
    rsp_base |= m.base == Gpr::kRsp;
    r12_base |= m.base == Gpr::kR12;
    rbp_zero |= m.base == Gpr::kRbp && m.disp == 0 && m.kind == Amode::Kind::kBase;
    r13_zero |= m.base == Gpr::kR13 && m.disp == 0;
    r12_index |= m.kind == Amode::Kind::kBaseIndex && m.index == Gpr::kR12;
    disp8 |= m.disp == -128 || m.disp == 127;
    disp32 |= m.disp == 128 || m.disp == -129;
  }
  EXPECT_TRUE(rsp_base && r12_base && rbp_zero && r13_zero && r12_index && disp8 && disp32 && rip);
}

}  // namespace
}  // namespace egret::x64::testing
