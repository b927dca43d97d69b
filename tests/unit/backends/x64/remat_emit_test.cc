// remat_emit_test.cc: the x64 emitter's expansion of the allocator's remat edits
// (`Remat(v) -> reg`, regalloc/output.h): the constant's instruction re-emitted into the edit's
// register, decoded by capstone. Zero is `movl $0`, never `xorl` (an edit may sit between a
// compare and its jump, where the flags are live); floats use xorps (flags untouched) or a
// RIP-relative constant. Values computed from one register come back as a `lea` or the
// readonly load from the edit's source register.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "backends/x64/emit.h"
#include "tests/unit/backends/x64/capstone_oracle.h"

namespace egret::x64 {
namespace {

using regalloc::Allocation;
using regalloc::Operand;
using regalloc::PReg;
using regalloc::ProgPoint;
using regalloc::RegClass;

PReg Gp(uint8_t enc) { return PReg(RegClass::kInt, enc); }
PReg Xm(uint8_t enc) { return PReg(RegClass::kFloat, enc); }

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
  ra->stack_maps.clear();
  X64MachBuffer buf;
  EmitFunction(*v, *ra, backend::ModuleContext(), &buf);
  const MachCode code = buf.Finish();
  std::vector<std::string> out;
  for (size_t at = 0; at < code.bytes.size();) {
    const testing::Decoded d =
        testing::Disassemble(std::span<const uint8_t>(code.bytes).subspan(at), at);
    if (!d.ok) break;
    out.push_back(d.text);
    at += d.len;
    if (d.text.rfind("ret", 0) == 0) break;
  }
  return out;
}

// Emits one block: the given constant definitions (vregs v0..), then a return, with one remat
// edit per constant before the return into `into[k]`. Returns the decoded instructions.
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

bool Has(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& l : lines)
    if (l == text) return true;
  return false;
}

TEST(X64Remat, IntegerConstantsUseMovNeverXor) {
  MInst zero, wide, narrow;
  zero.op = wide.op = narrow.op = MOp::kIconst;
  zero.size = OpSize::k32;
  zero.imm = 0;
  wide.size = OpSize::k64;
  wide.imm = 0x123456789;
  narrow.size = OpSize::k32;
  narrow.imm = 0xfffffff0;  // an i32 -16, zero-extended as the lowering stores it
  const auto asm_lines =
      EmitRemats({zero, wide, narrow}, {Gp(0), Gp(1), Gp(3)}, {Gp(2), Gp(6), Gp(7)});
  const std::string all = Join(asm_lines);
  EXPECT_TRUE(Has(asm_lines, "xorl %eax, %eax")) << all;  // the definition itself may use xor
  EXPECT_TRUE(Has(asm_lines, "movl $0, %edx")) << all;    // its remat may not
  EXPECT_EQ(all.find("xorl %edx"), std::string::npos) << all;
  EXPECT_TRUE(Has(asm_lines, "movabsq $0x123456789, %rsi")) << all;
  EXPECT_TRUE(Has(asm_lines, "movl $0xfffffff0, %edi")) << all;
}

TEST(X64Remat, FloatConstantsUseXorpsOrTheConstantPool) {
  MInst zero, one_half;
  zero.op = one_half.op = MOp::kFconst;
  zero.fp = one_half.fp = true;
  zero.fp64 = one_half.fp64 = true;
  zero.imm = 0;
  double d = 1.5;
  std::memcpy(&one_half.imm, &d, 8);
  const auto asm_lines = EmitRemats({zero, one_half}, {Xm(0), Xm(1)}, {Xm(3), Xm(2)});
  const std::string all = Join(asm_lines);
  EXPECT_TRUE(Has(asm_lines, "xorps %xmm3, %xmm3")) << all;
  int rip_loads_into_xmm2 = 0;
  for (const std::string& l : asm_lines)
    rip_loads_into_xmm2 +=
        l.rfind("movsd ", 0) == 0 && l.find("(%rip), %xmm2") != std::string::npos;
  EXPECT_EQ(rip_loads_into_xmm2, 1) << all;
}

// Values computed from one register (remat_reads_operand): v0 = a base in %rbx, then each MInst
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
  ra.allocs.push_back(Allocation::Reg(Gp(3)));
  for (size_t k = 0; k < defs.size(); ++k) {
    const regalloc::VReg r = v.ra.AddVReg(defs[k].fp ? RegClass::kFloat : RegClass::kInt);
    v.ra.vregs[r.index].remat = true;
    v.ra.vregs[r.index].remat_reads_operand = true;
    v.insts.push_back(defs[k]);
    v.srclocs.push_back(backend::kNoSrcLoc);
    const bool reuse = defs[k].op == MOp::kAlu;
    v.ra.AddInst({Operand::Use(base), reuse ? Operand::ReuseDef(r, 0) : Operand::Def(r)});
    ra.allocs.push_back(Allocation::Reg(reuse ? def_regs[k] : Gp(3)));
    ra.allocs.push_back(Allocation::Reg(def_regs[k]));
  }
  return EmitWithRematsBeforeRet(&v, &ra, into, 1, src);
}

// `lea disp(u)` and `add/sub $imm` come back as a lea from the edit's source register (lea, not
// add: the flags may be live at an edit), at the definition's width; a readonly load is loaded
// again from the source register.
TEST(X64Remat, ValuesFromAnOperandAreRecomputedFromTheSourceRegister) {
  MInst lea, add, sub, load, fload;
  lea.op = MOp::kLea;
  lea.base_op = 0;
  lea.disp = 16;
  add.op = sub.op = MOp::kAlu;
  add.alu = AluOp::kAdd;
  sub.alu = AluOp::kSub;
  add.imm_operand = sub.imm_operand = true;
  add.imm = 8;
  add.size = OpSize::k32;
  sub.imm = 32;
  load.op = fload.op = MOp::kLoad;
  load.base_op = fload.base_op = 0;
  load.load = LoadKind::kInt;
  load.disp = 24;
  fload.fp = fload.fp64 = true;
  fload.load = LoadKind::kFloat64;
  fload.disp = 40;
  // The base was moved to %r12 by the time of the edits (the allocator names where it is).
  const auto lines =
      EmitOperandRemats({lea, add, sub, load, fload}, {Gp(0), Gp(1), Gp(2), Gp(6), Xm(0)},
                        {Gp(7), Gp(8), Gp(9), Gp(10), Xm(5)}, Gp(12));
  const std::string all = Join(lines);
  EXPECT_TRUE(Has(lines, "leaq 0x10(%r12), %rdi")) << all;
  EXPECT_TRUE(Has(lines, "leal 8(%r12), %r8d")) << all;
  EXPECT_TRUE(Has(lines, "leaq -0x20(%r12), %r9")) << all;
  EXPECT_TRUE(Has(lines, "movq 0x18(%r12), %r10")) << all;
  EXPECT_TRUE(Has(lines, "movsd 0x28(%r12), %xmm5")) << all;
}

}  // namespace
}  // namespace egret::x64
