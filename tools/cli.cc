#include "tools/cli.h"

#include <charconv>
#include <cstdio>

namespace egret::cli {

ArgParser::ArgParser(std::string command, std::string usage, std::string summary)
    : command_(std::move(command)), usage_(std::move(usage)), summary_(std::move(summary)) {}

void ArgParser::Flag(const std::string& name, bool* out, const std::string& help) {
  opts_.push_back({name, "", help, [out](const std::string&) -> std::optional<std::string> {
                     *out = true;
                     return std::nullopt;
                   }});
}

void ArgParser::Option(const std::string& name, std::string* out, const std::string& metavar,
                       const std::string& help) {
  opts_.push_back({name, metavar, help, [out](const std::string& v) -> std::optional<std::string> {
                     *out = v;
                     return std::nullopt;
                   }});
}

void ArgParser::Custom(const std::string& name, const std::string& metavar, const std::string& help,
                       std::function<std::optional<std::string>(const std::string&)> set) {
  opts_.push_back({name, metavar, help, [name, set = std::move(set)](const std::string& v) {
                     std::optional<std::string> e = set(v);
                     if (e) *e = "--" + name + ": " + *e;
                     return e;
                   }});
}

void ArgParser::Option(const std::string& name, int64_t* out, const std::string& metavar,
                       const std::string& help) {
  opts_.push_back(
      {name, metavar, help, [out, name](const std::string& v) -> std::optional<std::string> {
         int64_t x = 0;
         auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
         if (ec != std::errc() || p != v.data() + v.size() || v.empty())
           return "--" + name + " expects an integer, got '" + v + "'";
         *out = x;
         return std::nullopt;
       }});
}

void ArgParser::Option(const std::string& name, std::vector<std::string>* out,
                       const std::string& metavar, const std::string& help) {
  opts_.push_back({name, metavar, help, [out](const std::string& v) -> std::optional<std::string> {
                     out->push_back(v);
                     return std::nullopt;
                   }});
}

void ArgParser::Choice(const std::string& name, std::string* out, std::vector<std::string> choices,
                       const std::string& help) {
  std::string metavar;
  for (const auto& c : choices) metavar += (metavar.empty() ? "" : "|") + c;
  opts_.push_back(
      {name, metavar, help,
       [out, name, choices, metavar](const std::string& v) -> std::optional<std::string> {
         for (const auto& c : choices) {
           if (c == v) {
             *out = v;
             return std::nullopt;
           }
         }
         return "--" + name + " must be one of " + metavar + ", got '" + v + "'";
       }});
}

void ArgParser::Positionals(std::vector<std::string>* out, size_t min, std::optional<size_t> max) {
  positionals_ = out;
  min_pos_ = min;
  max_pos_ = max;
}

const ArgParser::Opt* ArgParser::Find(const std::string& name) const {
  for (const auto& o : opts_)
    if (o.name == name) return &o;
  return nullptr;
}

ParseOutcome ArgParser::Parse(std::span<const std::string> args) {
  auto fail = [&](const std::string& msg) {
    std::fprintf(stderr, "%s: error: %s\n(see '%s --help')\n", command_.c_str(), msg.c_str(),
                 command_.c_str());
    return ParseOutcome::kError;
  };
  std::vector<std::string> pos;
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positional || a == "-" || a.empty() || a[0] != '-') {
      pos.push_back(a);
      if (stop_at_positional_) only_positional = true;
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      std::fputs(Help().c_str(), stdout);
      return ParseOutcome::kHelp;
    }
    // A one-letter option is spelled `-o FILE` (or `-oFILE`); everything else `--name`.
    const bool short_form = a[1] != '-';
    if (short_form && a.size() < 2) return fail("unknown flag '" + a + "'");
    if (!short_form && a.size() < 3) return fail("unknown flag '" + a + "'");
    std::string name = short_form ? a.substr(1, 1) : a.substr(2), value;
    if (short_form) {
      const Opt* o = Find(name);
      if (!o) return fail("unknown flag '" + a + "'");
      if (o->metavar.empty()) {
        if (a.size() > 2) return fail("unknown flag '" + a + "'");
      } else if (a.size() > 2) {
        value = a.substr(2);
      } else if (i + 1 >= args.size()) {
        return fail("flag '-" + name + "' needs a value (" + o->metavar + ")");
      } else {
        value = args[++i];
      }
      if (auto err = o->set(value)) return fail(*err);
      continue;
    }
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Opt* o = name.size() == 1 ? nullptr : Find(name);  // one-letter names take one dash
    if (!o) return fail("unknown flag '--" + name + "'");
    if (o->metavar.empty()) {
      if (has_value) return fail("flag '--" + name + "' takes no value");
    } else if (!has_value) {
      if (i + 1 >= args.size())
        return fail("flag '--" + name + "' needs a value (" + o->metavar + ")");
      value = args[++i];
    }
    if (auto err = o->set(value)) return fail(*err);
  }
  if (!positionals_) {
    if (!pos.empty()) return fail("unexpected argument '" + pos[0] + "'");
    return ParseOutcome::kOk;
  }
  if (pos.size() < min_pos_) return fail("missing argument: expected " + usage_);
  if (max_pos_ && pos.size() > *max_pos_) {
    return fail("unexpected argument '" + pos[*max_pos_] + "'");
  }
  *positionals_ = std::move(pos);
  return ParseOutcome::kOk;
}

std::string ArgParser::Help() const {
  std::string out = "usage: " + command_ + (opts_.empty() ? "" : " [options]") +
                    (usage_.empty() ? "" : " " + usage_) + "\n\n" + summary_ + "\n";
  if (!opts_.empty()) {
    out += "\noptions:\n";
    for (const auto& o : opts_) {
      std::string left = o.name.size() == 1
                             ? "  -" + o.name + (o.metavar.empty() ? "" : " " + o.metavar)
                             : "  --" + o.name + (o.metavar.empty() ? "" : "=" + o.metavar);
      if (left.size() < 30) {
        left.resize(30, ' ');
      } else {
        left += "\n" + std::string(30, ' ');
      }
      out += left + o.help + "\n";
    }
  }
  out += "  --help                      show this help\n";
  if (!epilog_.empty()) out += "\n" + epilog_ + "\n";
  return out;
}

}  // namespace egret::cli
