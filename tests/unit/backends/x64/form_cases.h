// form_cases.h: the instructions the differential test encodes, form by form.
//
// CasesFor(form) enumerates many operand combinations for one form: every register (including
// r8-r15 and xmm8-15, and spl/bpl/sil/dil at byte size), every addressing-mode special case
// (rsp/r12 base, rbp/r13 base without displacement, r12 as index, disp8/disp32 boundaries,
// RIP-relative), immediates at size boundaries, every condition code and every op of a group.
// The switch over Form has no default, so a new form does not compile until it has cases, and
// Families() groups the forms into the test's families (the coverage test checks it is a
// partition of all forms).
#ifndef EGRET_TESTS_UNIT_BACKENDS_X64_FORM_CASES_H_
#define EGRET_TESTS_UNIT_BACKENDS_X64_FORM_CASES_H_

#include <string_view>
#include <vector>

#include "backends/x64/inst.h"
#include "backends/x64/label_use.h"

namespace egret::x64::testing {

std::vector<Inst> CasesFor(Form form);

// Every addressing mode the memory forms are tried with.
const std::vector<Amode>& AllAmodes();

struct Family {
  std::string_view name;
  std::vector<Form> forms;
};
const std::vector<Family>& Families();
const Family& FamilyNamed(std::string_view name);

// The width that immediates of `inst` are compared at (see capstone_oracle.h).
int ImmBits(const Inst& inst);

// Label forms: a label's index selects the distance from the end of the instruction to the
// target that the test patches in.
int64_t LabelDelta(LabelUse use, uint32_t label_index);
inline constexpr int kNumTestLabels = 5;

}  // namespace egret::x64::testing

#endif  // EGRET_TESTS_UNIT_BACKENDS_X64_FORM_CASES_H_
