// remat_emit_test.cc: the aarch64 emitter's expansion of the allocator's remat edits
// (`Remat(v) -> reg`, regalloc/output.h): the constant's instruction re-emitted into the edit's
// register, decoded by capstone: movz/movk (no flags), fmov from xzr for +0.0, ldr (literal)
// for other floats. Values computed from one register come back as the immediate ALU operation
// or the readonly load from the edit's source register.
#include <capstone/capstone.h>
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "backends/aarch64/emit.h"

namespace egret::aarch64 {
namespace {

using regalloc::Allocation;
using regalloc::Operand;
using regalloc::PReg;
using regalloc::ProgPoint;
using regalloc::RegClass;

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

// Ends the block being built in `v` with a return, puts one remat edit before it per `into[k]`
// (of vreg first_vreg + k, from `src` when given), emits the function and returns its
// instructions decoded up to the return.
std::vector<std::string> EmitWithRematsBeforeRet(VCode* v, regalloc::Output* ra,
                                                 const std::vector<PReg>& into, uint32_t first_vreg,
                                                 std::optional<PReg> src) {
  MInst ret;
  ret.op = MOp::kRet;
  v->insts.push_back(ret);
  v->srclocs.push_back(backend::kNoSrcLoc);
  const uint32_t ret_inst = v->ra.AddInst(std::span<const Operand>());
  v->ra.Finish();
  for (size_t k = 0; k < into.size(); ++k) {
    regalloc::Edit e{ProgPoint::Before(ret_inst),
                     Allocation::Remat(first_vreg + static_cast<uint32_t>(k)),
                     Allocation::Reg(into[k])};
    if (src) e.remat_src = *src;
    ra->edits.push_back(e);
  }
  A64MachBuffer buf;
  EmitFunction(*v, *ra, backend::ModuleContext(), &buf);
  const MachCode code = buf.Finish();
  std::vector<std::string> out;
  for (size_t at = 0; at + 4 <= code.bytes.size(); at += 4) {
    uint32_t word;
    std::memcpy(&word, code.bytes.data() + at, 4);
    const std::string text = Capstone(word, at);
    out.push_back(text);
    if (text == "ret") break;
  }
  return out;
}

// One block: the constant definitions (vregs v0..) in `def_regs`, then a return, with one remat
// edit per constant before the return into `into[k]`. Returns the decoded instructions after
// the definitions' own code (from the first remat on), up to the return.
std::vector<std::string> EmitRemats(const std::vector<MInst>& consts,
                                    const std::vector<PReg>& def_regs,
                                    const std::vector<PReg>& into) {
  VCode v;
  regalloc::Output ra;
  v.ra.StartBlock();
  for (size_t k = 0; k < consts.size(); ++k) {
    const regalloc::VReg r = v.ra.AddVReg(consts[k].fp ? RegClass::kFloat : RegClass::kInt);
    v.ra.vregs[r.index].remat = true;
    v.insts.push_back(consts[k]);
    v.srclocs.push_back(backend::kNoSrcLoc);
    v.ra.AddInst({Operand::Def(r)});
    ra.allocs.push_back(Allocation::Reg(def_regs[k]));
  }
  return EmitWithRematsBeforeRet(&v, &ra, into, 0, std::nullopt);
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

int Count(const std::vector<std::string>& lines, const std::string& prefix) {
  int n = 0;
  for (const std::string& l : lines) n += l.rfind(prefix, 0) == 0;
  return n;
}

TEST(A64Remat, IntegerConstantsAreMovzMovk) {
  MInst zero, wide;
  zero.op = wide.op = MOp::kIconst;
  zero.is64 = false;
  zero.imm = 0;
  wide.is64 = true;
  wide.imm = 0x123456789;
  const auto lines = EmitRemats({zero, wide}, {PReg(RegClass::kInt, 0), PReg(RegClass::kInt, 1)},
                                {PReg(RegClass::kInt, 2), PReg(RegClass::kInt, 6)});
  const std::string all = Join(lines);
  // Each constant appears twice: its definition (w0, x1) and its remat (w2, x6).
  EXPECT_EQ(Count(lines, "movz w2, #0"), 1) << all;
  EXPECT_EQ(Count(lines, "movz x6, #0x6789"), 1) << all;
  EXPECT_EQ(Count(lines, "movk x6, #0x2345, lsl #16"), 1) << all;
  EXPECT_EQ(Count(lines, "movk x6, #0x1, lsl #32"), 1) << all;
}

TEST(A64Remat, FloatConstantsAreFmovOrLiteralLoads) {
  MInst zero, one_half;
  zero.op = one_half.op = MOp::kFconst;
  zero.fp = one_half.fp = true;
  zero.f64 = one_half.f64 = true;
  zero.imm = 0;
  double d = 1.5;
  std::memcpy(&one_half.imm, &d, 8);
  const auto lines =
      EmitRemats({zero, one_half}, {PReg(RegClass::kFloat, 0), PReg(RegClass::kFloat, 1)},
                 {PReg(RegClass::kFloat, 3), PReg(RegClass::kFloat, 2)});
  const std::string all = Join(lines);
  EXPECT_EQ(Count(lines, "fmov d3, xzr"), 1) << all;
  EXPECT_EQ(Count(lines, "ldr d2, "), 1) << all;
}

// Values computed from one register (remat_reads_operand): v0 = a base in x3, then each MInst
// reading v0 (vregs v1..) defined into `def_regs`, then a return with one remat edit per value
// into `into[k]` from `src` (the register the allocator says holds v0 there).
std::vector<std::string> EmitOperandRemats(const std::vector<MInst>& defs,
                                           const std::vector<PReg>& def_regs,
                                           const std::vector<PReg>& into, PReg src) {
  VCode v;
  regalloc::Output ra;
  v.ra.StartBlock();
  const regalloc::VReg base = v.ra.AddVReg(RegClass::kInt);
  MInst arg;
  arg.op = MOp::kIconst;
  arg.imm = 4096;
  v.insts.push_back(arg);
  v.srclocs.push_back(backend::kNoSrcLoc);
  v.ra.AddInst({Operand::Def(base)});
  ra.allocs.push_back(Allocation::Reg(PReg(RegClass::kInt, 3)));
  for (size_t k = 0; k < defs.size(); ++k) {
    const regalloc::VReg r = v.ra.AddVReg(defs[k].fp ? RegClass::kFloat : RegClass::kInt);
    v.ra.vregs[r.index].remat = true;
    v.ra.vregs[r.index].remat_reads_operand = true;
    v.insts.push_back(defs[k]);
    v.srclocs.push_back(backend::kNoSrcLoc);
    v.ra.AddInst({Operand::Use(base), Operand::Def(r)});
    ra.allocs.push_back(Allocation::Reg(PReg(RegClass::kInt, 3)));
    ra.allocs.push_back(Allocation::Reg(def_regs[k]));
  }
  return EmitWithRematsBeforeRet(&v, &ra, into, 1, src);
}

// An immediate ALU operation comes back as itself from the edit's source register (no flags);
// a readonly load is loaded again from it.
TEST(A64Remat, ValuesFromAnOperandAreRecomputedFromTheSourceRegister) {
  MInst add, eor, load, fload;
  add.op = eor.op = MOp::kAluImm;
  add.alu = AluOp::kAdd;
  add.imm = 16;
  eor.alu = AluOp::kEor;
  eor.is64 = false;
  eor.imm = 0xff;
  load.op = fload.op = MOp::kLoad;
  load.base_op = fload.base_op = 0;
  load.mem = MemKind::kX;
  load.disp = 24;
  fload.fp = fload.f64 = true;
  fload.disp = 40;
  const PReg x = PReg(RegClass::kInt, 0);
  const auto lines = EmitOperandRemats(
      {add, eor, load, fload},
      {x, PReg(RegClass::kInt, 1), PReg(RegClass::kInt, 2), PReg(RegClass::kFloat, 0)},
      {PReg(RegClass::kInt, 7), PReg(RegClass::kInt, 8), PReg(RegClass::kInt, 9),
       PReg(RegClass::kFloat, 5)},
      PReg(RegClass::kInt, 20));
  const std::string all = Join(lines);
  EXPECT_EQ(Count(lines, "add x7, x20, #0x10"), 1) << all;
  EXPECT_EQ(Count(lines, "eor w8, w20, #0xff"), 1) << all;
  EXPECT_EQ(Count(lines, "ldr x9, [x20, #0x18]"), 1) << all;
  EXPECT_EQ(Count(lines, "ldr d5, [x20, #0x28]"), 1) << all;
}

}  // namespace
}  // namespace egret::aarch64
