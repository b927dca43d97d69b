// form_cases.h: several instances of every AArch64 instruction form, for the encoder tests.
//
// Each form gets its registers across the file (x0, x30, zr/sp where the slot takes them, v0,
// v31), immediates at both edges of their fields, and every condition code where it has one.
#ifndef EGRET_TESTS_UNIT_BACKENDS_AARCH64_FORM_CASES_H_
#define EGRET_TESTS_UNIT_BACKENDS_AARCH64_FORM_CASES_H_

#include <vector>

#include "backends/aarch64/inst.h"

namespace egret::aarch64::testing {

std::vector<Inst> FormCases(Form f);
bool IsLabelForm(Form f);

}  // namespace egret::aarch64::testing

#endif  // EGRET_TESTS_UNIT_BACKENDS_AARCH64_FORM_CASES_H_
