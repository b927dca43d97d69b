// capstone_oracle.cc: a process-wide capstone handle and the text normalizer.
#include "tests/unit/backends/x64/capstone_oracle.h"

#include <capstone/capstone.h>

#include <cctype>
#include <cstdlib>

#include "support/error.h"

namespace egret::x64::testing {
namespace {

csh Handle() {
  static csh handle = [] {
    csh h = 0;
    EGRET_CHECK(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    EGRET_CHECK(cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT) == CS_ERR_OK);
    return h;
  }();
  return handle;
}

std::string Hex(uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kHex[v & 15]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

}  // namespace

Decoded Disassemble(std::span<const uint8_t> bytes, uint64_t address) {
  Decoded d;
  cs_insn* insn = nullptr;
  const size_t n = cs_disasm(Handle(), bytes.data(), bytes.size(), address, 1, &insn);
  if (n == 1) {
    d.ok = true;
    d.len = insn[0].size;
    d.text = insn[0].mnemonic;
    if (insn[0].op_str[0] != '\0') {
      d.text += ' ';
      d.text += insn[0].op_str;
    }
  }
  if (n > 0) cs_free(insn, n);
  return d;
}

std::string Normalize(const std::string& text, int imm_bits) {
  std::string out;
  int paren_depth = 0;
  int commas_in_paren = 0;
  const uint64_t mask = imm_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << imm_bits) - 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '$') {
      // An immediate: parse [-](0x<hex>|<dec>) and print it masked, in hex.
      size_t j = i + 1;
      const bool neg = j < text.size() && text[j] == '-';
      if (neg) ++j;
      const bool hex = text.compare(j, 2, "0x") == 0;
      if (hex) j += 2;
      const size_t start = j;
      while (j < text.size() && std::isxdigit(static_cast<unsigned char>(text[j]))) ++j;
      const uint64_t mag =
          std::strtoull(text.substr(start, j - start).c_str(), nullptr, hex ? 16 : 10);
      const uint64_t v = neg ? 0 - mag : mag;
      out += "$" + Hex(v & mask);
      i = j - 1;
      continue;
    }
    if (c == '(') {
      ++paren_depth;
      commas_in_paren = 0;
    } else if (c == ')') {
      // `(base,index)` has an implied scale of 1.
      if (commas_in_paren == 1) out += ",1";
      --paren_depth;
    } else if (c == ',' && paren_depth > 0) {
      ++commas_in_paren;
    } else if (c == ' ' && paren_depth > 0) {
      continue;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace egret::x64::testing
