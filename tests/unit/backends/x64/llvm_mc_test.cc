// llvm_mc_test.cc: LLVM's assembler as a second, independent oracle.
//
// Every case of every non-branch form is printed with PrintAtt, the whole text is assembled by
// `llvm-mc --show-encoding`, and LLVM's bytes must equal ours exactly. This checks three things
// capstone cannot: that the printer's text is valid assembler input, that it means exactly the
// encoded instruction, and that the encoder picks the same (shortest) encoding as LLVM. For
// RIP-relative operands the label prints as a symbol; LLVM reports its fixup's offset and
// `sym-N`, where N must equal our pc_base_delta (the label-field contract, label_use.h).
//
// Excluded: branch forms (their text does not say rel8 or rel32, and LLVM relaxes them; the
// capstone test covers them) and Nop (the text of a padded nop does not show its padding).
// The test is skipped when llvm-mc is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backends/x64/encoder.h"
#include "backends/x64/printer.h"
#include "tests/unit/backends/x64/form_cases.h"

namespace egret::x64::testing {
namespace {

std::string FindLlvmMc() {
  for (const char* path :
       {"/usr/lib/llvm-14/bin/llvm-mc", "/usr/bin/llvm-mc-14", "/usr/bin/llvm-mc"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

bool IsBranch(Form f) {
  return f == Form::kCallRel32 || f == Form::kJmpRel32 || f == Form::kJmpRel8 ||
         f == Form::kJccRel32 || f == Form::kJccRel8;
}

// One instruction as llvm-mc reports it: bytes with -1 for fixup bytes ('A').
struct McInst {
  std::vector<int> bytes;
  int fixup_offset = -1;
  int fixup_addend = 0;  // N in `value: symK-N`
};

std::vector<McInst> ParseMcOutput(std::istream& in) {
  std::vector<McInst> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t enc = line.find("encoding: [");
    if (enc != std::string::npos) {
      McInst inst;
      std::stringstream items(line.substr(enc + 11, line.find(']', enc) - enc - 11));
      std::string item;
      while (std::getline(items, item, ',')) {
        inst.bytes.push_back(item == "A" ? -1 : static_cast<int>(std::stoi(item, nullptr, 16)));
      }
      out.push_back(std::move(inst));
      continue;
    }
    const size_t fix = line.find("fixup A - offset: ");
    if (fix != std::string::npos && !out.empty()) {
      out.back().fixup_offset = std::stoi(line.substr(fix + 18));
      const size_t minus = line.find('-', line.find("value: "));
      out.back().fixup_addend = minus == std::string::npos ? 0 : std::stoi(line.substr(minus + 1));
    }
  }
  return out;
}

TEST(X64LlvmMc, AssemblesOurTextToOurBytes) {
  const std::string mc = FindLlvmMc();
  if (mc.empty()) GTEST_SKIP() << "llvm-mc not installed";

  std::vector<Inst> cases;
  for (int i = 0; i < kNumForms; ++i) {
    const Form form = static_cast<Form>(i);
    if (IsBranch(form) || form == Form::kNop) continue;
    std::vector<Inst> c = CasesFor(form);
    cases.insert(cases.end(), c.begin(), c.end());
  }
  const LabelNamer namer = [](Label l) { return "sym" + std::to_string(l.index); };

  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::string stem = "egret_x64_llvm_mc_" + std::to_string(getpid());
  const std::filesystem::path asm_path = dir / (stem + ".s");
  const std::filesystem::path out_path = dir / (stem + ".out");
  {
    std::ofstream s(asm_path);
    for (const Inst& inst : cases) s << PrintAtt(inst, namer) << "\n";
  }
  const std::string cmd = mc + " -triple=x86_64 --show-encoding " + asm_path.string() + " -o " +
                          out_path.string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream out(out_path);
  const std::vector<McInst> mc_insts = ParseMcOutput(out);
  std::filesystem::remove(asm_path);
  std::filesystem::remove(out_path);
  ASSERT_EQ(rc, 0) << cmd;
  ASSERT_EQ(mc_insts.size(), cases.size()) << "llvm-mc rejected or split some lines";

  size_t mismatches = 0;
  std::string first;
  for (size_t i = 0; i < cases.size(); ++i) {
    EncodedInst e;
    Encode(cases[i], &e);
    const McInst& m = mc_insts[i];
    bool same = m.bytes.size() == e.len;
    for (size_t k = 0; same && k < m.bytes.size(); ++k) {
      if (m.bytes[k] < 0) {
        // A fixup byte: must lie in our (zero) label field.
        same = e.label.label.valid() && k >= e.label.offset && k < e.label.offset + 4u &&
               e.bytes[k] == 0;
      } else {
        same = m.bytes[k] == e.bytes[k];
      }
    }
    if (e.label.label.valid()) {
      same = same && m.fixup_offset == e.label.offset && m.fixup_addend == e.label.pc_base_delta;
    }
    if (!same && ++mismatches <= 20) {
      std::string ours, theirs;
      for (int k = 0; k < e.len; ++k) ours += std::to_string(e.bytes[k]) + " ";
      for (int b : m.bytes) theirs += (b < 0 ? std::string("A") : std::to_string(b)) + " ";
      first += PrintAtt(cases[i], namer) + ": ours [" + ours + "] llvm [" + theirs + "] fixup " +
               std::to_string(m.fixup_offset) + "/" + std::to_string(m.fixup_addend) + "\n";
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << cases.size() << " instructions:\n" << first;
}

}  // namespace
}  // namespace egret::x64::testing
