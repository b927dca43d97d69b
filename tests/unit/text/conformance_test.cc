// conformance_test.cc: egret's text parser against wabt's wat2wasm on the spec testsuite.
//
// For every .wast file of the suite (../shared/wasm-testsuite, or $EGRET_SPEC_DIR), wast2json
// (wabt) writes each text module it accepts as a .wasm file and names its source line. egret's
// script parser encodes the same modules; with --debug-names on both sides, the two binaries,
// name section included, must be byte-identical (a difference only in custom sections is
// reported separately). Both writers use minimal LEB128s, so no legal encoding difference is
// expected; any difference is printed with its location.
// Skipped when the suite or wast2json is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "frontend/text/module_parser.h"
#include "frontend/text/script_parser.h"

namespace egret::text {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The module without custom sections (id 0); unchanged if it does not parse as sections.
std::vector<uint8_t> StripCustomSections(const std::vector<uint8_t>& m) {
  if (m.size() < 8) return m;
  std::vector<uint8_t> out(m.begin(), m.begin() + 8);
  size_t i = 8;
  while (i < m.size()) {
    const size_t start = i;
    const uint8_t id = m[i++];
    uint64_t size = 0;
    int shift = 0;
    while (i < m.size()) {
      const uint8_t b = m[i++];
      size |= uint64_t(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80) || shift > 35) break;
    }
    if (i + size > m.size()) return m;
    i += size;
    if (id != 0) out.insert(out.end(), m.begin() + start, m.begin() + i);
  }
  return out;
}

fs::path SpecDir() {
  if (const char* d = std::getenv("EGRET_SPEC_DIR")) return d;
  return fs::path(EGRET_SOURCE_DIR) / ".." / "shared" / "wasm-testsuite";
}

std::map<std::string, std::string> ManifestFlags(const fs::path& dir) {
  std::map<std::string, std::string> flags;
  std::ifstream in(dir / "manifest.tsv");
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const size_t tab2 = line.find('\t', tab + 1);
    flags[line.substr(0, tab)] = line.substr(tab + 1, tab2 - tab - 1);
  }
  return flags;
}

TEST(TextConformance, SpecModulesMatchWat2Wasm) {
  const fs::path dir = SpecDir();
  if (!fs::exists(dir)) GTEST_SKIP() << "no testsuite at " << dir;
  if (std::system("wast2json --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no wast2json";
  const std::map<std::string, std::string> flags = ManifestFlags(dir);
  // A directory of this process's own: several checkouts may run the suite at once.
  const fs::path tmp =
      fs::path(testing::TempDir()) / ("egret_text_conformance." + std::to_string(::getpid()));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".wast") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int compared = 0, identical = 0, identical_with_names = 0, files_done = 0;
  std::vector<std::string> problems;
  for (const fs::path& wast : files) {
    const std::string name = wast.stem().string();
    const fs::path out = tmp / name;
    fs::remove_all(out);
    fs::create_directories(out);
    auto it = flags.find(wast.filename().string());
    const std::string cmd =
        "wast2json --debug-names " + (it == flags.end() ? std::string() : it->second) + " '" +
        wast.string() + "' -o '" + (out / (name + ".json")).string() + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      problems.push_back(name + ": wast2json failed");
      continue;
    }
    nlohmann::json json = nlohmann::json::parse(ReadText(out / (name + ".json")), nullptr, false);
    ASSERT_FALSE(json.is_discarded()) << name;
    std::map<int, std::string> wasm_by_line;  // text modules wabt encoded, by source line
    for (const auto& c : json["commands"]) {
      if (!c.contains("filename") || c.value("module_type", "binary") != "binary") continue;
      wasm_by_line[c.value("line", 0)] = c.value("filename", "");
    }
    Expected<Script> script = ParseScript(ReadText(wast), TextOptions{.debug_names = true});
    if (!script.ok()) {
      problems.push_back(name + ": " + script.error().ToString());
      continue;
    }
    ++files_done;
    for (const ScriptCommand& c : script->commands) {
      const bool has_module = c.kind == ScriptCommand::Kind::kModule ||
                              c.kind == ScriptCommand::Kind::kAssertInvalid ||
                              c.kind == ScriptCommand::Kind::kAssertUnlinkable ||
                              c.kind == ScriptCommand::Kind::kAssertUninstantiable;
      if (!has_module || c.module.form == ScriptModule::Form::kBinary) continue;
      auto w = wasm_by_line.find(static_cast<int>(c.line));
      if (w == wasm_by_line.end()) continue;  // wabt rejected it or wrote no binary
      ++compared;
      const std::string where = name + ".wast:" + std::to_string(c.line);
      if (c.module.error) {
        problems.push_back(where + ": egret rejected: " + c.module.error->ToString());
        continue;
      }
      const std::string theirs_text = ReadText(out / w->second);
      const std::vector<uint8_t> theirs(theirs_text.begin(), theirs_text.end());
      const std::vector<uint8_t>& ours = c.module.wasm;
      if (ours == theirs) {
        ++identical;
        ++identical_with_names;
        continue;
      }
      if (StripCustomSections(ours) == StripCustomSections(theirs)) {
        ++identical;
        problems.push_back(where + ": name sections differ");
        continue;
      }
      size_t d = 0;
      while (d < ours.size() && d < theirs.size() && ours[d] == theirs[d]) ++d;
      std::ostringstream msg;
      msg << where << ": binaries differ at byte 0x" << std::hex << d << std::dec << " (egret "
          << ours.size() << " bytes, wat2wasm " << theirs.size() << ")";
      problems.push_back(msg.str());
    }
  }
  fs::remove_all(tmp);
  std::printf(
      "text conformance: %d files, %d modules compared, %d identical without custom sections, "
      "%d identical with the name section, %zu problems\n",
      files_done, compared, identical, identical_with_names, problems.size());
  for (size_t i = 0; i < problems.size() && i < 40; ++i) std::printf("  %s\n", problems[i].c_str());
  EXPECT_TRUE(problems.empty());
  EXPECT_GT(compared, 0);
}

}  // namespace
}  // namespace egret::text
