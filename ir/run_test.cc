// run_test.cc: parsing and checking `; run:` lines (see run_test.h).
#include "ir/run_test.h"

#include "ir/parser.h"

namespace egret::ir {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  if (Trim(s).empty()) return out;
  size_t start = 0;
  for (size_t k = 0; k <= s.size(); ++k) {
    if (k == s.size() || s[k] == ',') {
      out.push_back(Trim(s.substr(start, k - start)));
      start = k + 1;
    }
  }
  return out;
}

std::optional<uint64_t> ParseLiteral(Type t, std::string_view s) {
  if (t == Type::kF32) {
    if (auto b = ParseF32(s)) return *b;
    return std::nullopt;
  }
  if (t == Type::kF64) return ParseF64(s);
  auto v = ParseInt(s);
  if (!v) return std::nullopt;
  const uint32_t bits = TypeBits(t);
  if (bits < 64) {
    const int64_t lo = -(int64_t{1} << (bits - 1));
    const int64_t hi = static_cast<int64_t>((uint64_t{1} << bits) - 1);
    if (*v < lo || *v > hi) return std::nullopt;
    return static_cast<uint64_t>(*v) & ((uint64_t{1} << bits) - 1);
  }
  return static_cast<uint64_t>(*v);
}

// Whether `actual` matches the expectation literal `want` for type t.
bool Matches(Type t, std::string_view want, uint64_t actual) {
  if (IsFloat(t)) {
    const bool f32 = t == Type::kF32;
    const uint64_t exp = f32 ? 0x7f800000 : 0x7ff0000000000000;
    const uint64_t mant = f32 ? 0x7fffff : 0xfffffffffffff;
    const uint64_t quiet = f32 ? 0x400000 : uint64_t{1} << 51;
    const bool is_nan = (actual & exp) == exp && (actual & mant) != 0;
    if (want == "nan:canonical") return is_nan && (actual & mant) == quiet;
    if (want == "nan:arithmetic") return is_nan && (actual & quiet) != 0;
  }
  auto w = ParseLiteral(t, want);
  return w && *w == actual;
}

}  // namespace

Expected<std::vector<RunOutcome>> RunTestLines(std::string_view text, std::string_view file,
                                               const Module& module, const InterpOptions& options) {
  return RunTestLines(text, file, module,
                      [&module, &options](const Function& f, std::span<const DataValue> args) {
                        Interpreter interp(module, options);
                        return interp.Call(f.name, args);
                      });
}

Expected<std::vector<RunOutcome>> RunTestLines(std::string_view text, std::string_view file,
                                               const Module& module,
                                               const RunLineExecutor& execute) {
  std::vector<RunOutcome> outcomes;
  uint32_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    const size_t line_start = pos;
    pos = eol + 1;
    ++line_no;
    const size_t marker = line.find("; run:");
    if (marker == std::string_view::npos) continue;
    const size_t cmd_col = marker + 6;
    std::string_view cmd = Trim(line.substr(cmd_col));
    auto fail = [&](const std::string& msg) {
      const uint32_t col = static_cast<uint32_t>(cmd.data() - text.data() - line_start) + 1;
      Error e = Error::AtLine(line_no, col, msg);
      e.InFile(std::string(file));
      return e;
    };
    if (cmd.empty() || cmd[0] != '%') return fail("expected '%name(args)' after 'run:'");
    const size_t open = cmd.find('(');
    const size_t close = cmd.find(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
      return fail("expected '%name(args)' after 'run:'");
    const std::string name(Trim(cmd.substr(1, open - 1)));
    const Function* f = module.Find(name);
    if (!f) return fail("no function %" + name + " in this file");
    auto arg_texts = SplitCommas(cmd.substr(open + 1, close - open - 1));
    if (arg_texts.size() != f->signature.params.size())
      return fail("%" + name + " takes " + std::to_string(f->signature.params.size()) +
                  " argument(s), the run line gives " + std::to_string(arg_texts.size()));
    std::vector<DataValue> args;
    for (size_t k = 0; k < arg_texts.size(); ++k) {
      const Type t = f->signature.params[k];
      auto bits = ParseLiteral(t, arg_texts[k]);
      if (!bits)
        return fail("argument " + std::to_string(k) + " '" + std::string(arg_texts[k]) +
                    "' is not a valid " + std::string(TypeName(t)));
      args.push_back({t, *bits});
    }
    std::string_view rest = Trim(cmd.substr(close + 1));
    enum { kAnyReturn, kValues, kTraps } want = kAnyReturn;
    std::vector<std::string_view> want_values;
    std::optional<TrapCode> want_trap;
    if (rest.substr(0, 2) == "==") {
      want = kValues;
      want_values = SplitCommas(rest.substr(2));
      if (want_values.size() != f->signature.results.size())
        return fail("%" + name + " returns " + std::to_string(f->signature.results.size()) +
                    " value(s), the run line expects " + std::to_string(want_values.size()));
      for (size_t k = 0; k < want_values.size(); ++k) {
        const Type t = f->signature.results[k];
        if (want_values[k] != "nan:canonical" && want_values[k] != "nan:arithmetic" &&
            !ParseLiteral(t, want_values[k]))
          return fail("expected result '" + std::string(want_values[k]) + "' is not a valid " +
                      std::string(TypeName(t)));
      }
    } else if (rest.substr(0, 5) == "traps") {
      want = kTraps;
      want_trap = ParseTrapCode(Trim(rest.substr(5)));
      if (!want_trap) return fail("expected a trap code after 'traps'");
    } else if (!rest.empty()) {
      return fail("expected '== results' or 'traps CODE' after the call");
    }

    InterpResult r = execute(*f, args);
    RunOutcome o;
    o.line = line_no;
    o.command = std::string(cmd);
    switch (r.kind) {
      case InterpResult::Kind::kReturned:
        for (size_t k = 0; k < r.values.size(); ++k) {
          if (k) o.actual += ", ";
          o.actual += FormatDataValue(r.values[k]);
        }
        if (want == kAnyReturn) {
          o.passed = true;
        } else if (want == kValues) {
          o.passed = r.values.size() == want_values.size();
          for (size_t k = 0; o.passed && k < want_values.size(); ++k)
            o.passed = Matches(r.values[k].type, want_values[k], r.values[k].bits);
        }
        if (o.actual.empty()) o.actual = "no results";
        break;
      case InterpResult::Kind::kTrapped:
        o.actual = "trap " + std::string(TrapCodeName(r.trap));
        o.passed = want == kTraps && r.trap == *want_trap;
        break;
      case InterpResult::Kind::kError:
        o.actual = "error: " + r.error;
        o.passed = false;
        break;
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

}  // namespace egret::ir
