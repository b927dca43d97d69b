// run_test.cc: parsing and checking `; run:` lines (see run_test.h).
#include "ir/run_test.h"

#include "ir/literal.h"
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

// A vector literal: `[l0 l1 ...]` in the lanes of the value's type, or `SHAPE [...]` in the
// lanes of another vector shape (an i8x16 written as `i32x4 [1 2 3 4]`).
struct VectorText {
  Type shape = Type::kInvalid;
  std::vector<std::string_view> lanes;
};
std::optional<VectorText> SplitVector(Type t, std::string_view s) {
  VectorText v;
  v.shape = t;
  s = Trim(s);
  if (!s.empty() && s.front() != '[') {
    const size_t sp = s.find_first_of(" \t[");
    if (sp == std::string_view::npos) return std::nullopt;
    auto shape = ParseType(s.substr(0, sp));
    if (!shape || !IsVector(*shape)) return std::nullopt;
    v.shape = *shape;
    s = Trim(s.substr(sp));
  }
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return std::nullopt;
  std::string_view inner = s.substr(1, s.size() - 2);
  size_t k = 0;
  while (k < inner.size()) {
    while (k < inner.size() && (inner[k] == ' ' || inner[k] == '\t')) ++k;
    const size_t start = k;
    while (k < inner.size() && inner[k] != ' ' && inner[k] != '\t') ++k;
    if (k > start) v.lanes.push_back(inner.substr(start, k - start));
  }
  if (v.lanes.size() != LaneCount(v.shape)) return std::nullopt;
  return v;
}

std::optional<DataValue> ParseLiteral(Type t, std::string_view s) {
  if (!IsVector(t)) {
    auto bits = ParseScalarLiteral(t, s);
    if (!bits) return std::nullopt;
    return DataValue{t, *bits, 0};
  }
  auto v = SplitVector(t, s);
  if (!v) return std::nullopt;
  const Type lane = LaneType(v->shape);
  V128 out;
  for (size_t k = 0; k < v->lanes.size(); ++k) {
    auto bits = ParseScalarLiteral(lane, v->lanes[k]);
    if (!bits) return std::nullopt;
    out.SetLane(TypeBits(lane), static_cast<uint32_t>(k), *bits);
  }
  return DataValue::Vector(t, out);
}

bool IsNaNPattern(std::string_view w) { return w == "nan:canonical" || w == "nan:arithmetic"; }

// Whether scalar `actual` of type t matches the expectation `want` (a literal or a NaN pattern).
bool MatchesScalar(Type t, std::string_view want, uint64_t actual) {
  if (IsFloat(t)) {
    const bool f32 = t == Type::kF32;
    const uint64_t exp = f32 ? 0x7f800000 : 0x7ff0000000000000;
    const uint64_t mant = f32 ? 0x7fffff : 0xfffffffffffff;
    const uint64_t quiet = f32 ? 0x400000 : uint64_t{1} << 51;
    const bool is_nan = (actual & exp) == exp && (actual & mant) != 0;
    if (want == "nan:canonical") return is_nan && (actual & mant) == quiet;
    if (want == "nan:arithmetic") return is_nan && (actual & quiet) != 0;
  }
  auto w = ParseScalarLiteral(t, want);
  return w && *w == actual;
}

// Whether an expectation is well-formed for type t (NaN patterns only for float lanes).
bool ValidExpectation(Type t, std::string_view want) {
  if (!IsVector(t))
    return IsNaNPattern(want) ? IsFloat(t) : ParseScalarLiteral(t, want).has_value();
  auto v = SplitVector(t, want);
  if (!v) return false;
  const Type lane = LaneType(v->shape);
  for (std::string_view w : v->lanes)
    if (IsNaNPattern(w) ? !IsFloat(lane) : !ParseScalarLiteral(lane, w)) return false;
  return true;
}

// Whether `actual` matches the expectation `want`: bit for bit, except NaN patterns (per lane
// for vectors).
bool Matches(std::string_view want, const DataValue& actual) {
  if (!IsVector(actual.type)) return MatchesScalar(actual.type, want, actual.bits);
  auto v = SplitVector(actual.type, want);
  if (!v) return false;
  const Type lane = LaneType(v->shape);
  for (size_t k = 0; k < v->lanes.size(); ++k)
    if (!MatchesScalar(lane, v->lanes[k],
                       actual.vec().Lane(TypeBits(lane), static_cast<uint32_t>(k))))
      return false;
  return true;
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
      auto value = ParseLiteral(t, arg_texts[k]);
      if (!value)
        return fail("argument " + std::to_string(k) + " '" + std::string(arg_texts[k]) +
                    "' is not a valid " + std::string(TypeName(t)));
      args.push_back(*value);
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
        if (!ValidExpectation(t, want_values[k]))
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
            o.passed = Matches(want_values[k], r.values[k]);
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
