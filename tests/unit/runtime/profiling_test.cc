// profiling_test.cc: the profiling switches, code symbol names, the perf map writer, and the
// Profiler as a loaded Module drives it (perf map lines, gdb registration and unregistration).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/engine.h"
#include "runtime/host_target.h"
#include "runtime/module.h"
#include "runtime/profiling/code_symbol.h"
#include "runtime/profiling/gdb_jit_registration.h"
#include "runtime/profiling/jitdump_writer.h"
#include "runtime/profiling/perf_map_writer.h"
#include "runtime/profiling/profiler.h"
#include "runtime/profiling/profiling_mode.h"

namespace egret::runtime::profiling {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("egret-profiling-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct MapLine {
  uint64_t start = 0, size = 0;
  std::string name;
};

// Parses perf map lines the way perf does: two hex numbers, then the rest of the line.
std::vector<MapLine> ParsePerfMap(const std::string& text) {
  std::vector<MapLine> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    MapLine m;
    size_t a = line.find(' '), b = line.find(' ', a + 1);
    EXPECT_NE(a, std::string::npos) << line;
    EXPECT_NE(b, std::string::npos) << line;
    m.start = std::stoull(line.substr(0, a), nullptr, 16);
    m.size = std::stoull(line.substr(a + 1, b - a - 1), nullptr, 16);
    m.name = line.substr(b + 1);
    out.push_back(m);
  }
  return out;
}

// Two named functions (one without a name), their array_call trampolines and a wasm_to_array
// trampoline, with one imported function shifting the index space.
artifact::Artifact SampleArtifact() {
  artifact::Artifact a;
  a.types = {artifact::FuncType{}};
  a.imports.push_back({"env", "f", artifact::ExternKind::kFunc, 0, {}, {}, {}});
  a.text.assign(0x100, 0xC3);  // ret everywhere
  a.functions.push_back({0, {0x00, 0x20}, {0x80, 0x10}});
  a.functions.push_back({0, {0x20, 0x30}, {}});
  a.functions.push_back({0, {0x50, 0x10}, {0x90, 0x08}});
  a.wasm_to_array.push_back({0, {0xA0, 0x18}});
  a.function_names = {{1, "fib"}, {3, "line\nbreak"}};
  a.source_locs = {{0x04, 100}, {0x10, 104}, {0x24, 200}, {0x84, 999}};
  return a;
}

TEST(ProfilingMode, ParsesEveryWordAndCombinations) {
  EXPECT_EQ(*ParseProfilingMode("none"), ProfilingMode::kNone);
  EXPECT_EQ(*ParseProfilingMode("perfmap"), ProfilingMode::kPerfMap);
  EXPECT_EQ(*ParseProfilingMode("jitdump"), ProfilingMode::kJitDump);
  EXPECT_EQ(*ParseProfilingMode("gdb"), ProfilingMode::kGdb);
  const ProfilingMode all = *ParseProfilingMode("gdb,perfmap,jitdump");
  EXPECT_TRUE(HasMode(all, ProfilingMode::kPerfMap));
  EXPECT_TRUE(HasMode(all, ProfilingMode::kJitDump));
  EXPECT_TRUE(HasMode(all, ProfilingMode::kGdb));
  EXPECT_EQ(ProfilingModeName(all), "perfmap,jitdump,gdb");
  EXPECT_EQ(ProfilingModeName(ProfilingMode::kNone), "none");
  EXPECT_FALSE(HasMode(ProfilingMode::kPerfMap, ProfilingMode::kNone));
}

TEST(ProfilingMode, RejectsUnknownWordsWithTheWordInTheMessage) {
  for (const char* bad : {"", "perf", "perfmap,", ",gdb", "none,gdb", "GDB", "perfmap gdb"}) {
    Expected<ProfilingMode> m = ParseProfilingMode(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_NE(m.error().message.find("unknown profiling mode"), std::string::npos);
    EXPECT_NE(m.error().message.find("perfmap"), std::string::npos);
  }
  EXPECT_NE(ParseProfilingMode("perfmap,bogus").error().message.find("'bogus'"), std::string::npos);
}

TEST(CodeSymbol, NamesFunctionsAndTrampolinesInTextOrder) {
  const std::vector<CodeSymbol> s = CollectCodeSymbols(SampleArtifact(), "");
  ASSERT_EQ(s.size(), 6u);
  const std::vector<std::tuple<uint32_t, uint32_t, std::string>> want = {
      {0x00, 0x20, "fib"},
      {0x20, 0x30, "func[2]"},  // no name: its index in the whole index space
      {0x50, 0x10, "line?break"},
      {0x80, 0x10, "array_call[fib]"},
      {0x90, 0x08, "array_call[line?break]"},
      {0xA0, 0x18, "wasm_to_array[type 0]"},
  };
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(s[i].offset, std::get<0>(want[i])) << i;
    EXPECT_EQ(s[i].size, std::get<1>(want[i])) << i;
    EXPECT_EQ(s[i].name, std::get<2>(want[i])) << i;
  }
  EXPECT_EQ(s[0].kind, CodeSymbolKind::kFunction);
  EXPECT_EQ(s[0].index, 1u);
  EXPECT_EQ(s[3].kind, CodeSymbolKind::kArrayCallTrampoline);
  EXPECT_EQ(s[5].kind, CodeSymbolKind::kWasmToArrayTrampoline);
  EXPECT_EQ(CollectCodeSymbols(SampleArtifact(), "m::")[1].name, "m::func[2]");
}

TEST(PerfMapWriter, WritesOneHexLinePerSymbol) {
  EXPECT_EQ(PerfMapWriter::FormatLine(0x7f12a0001000, 0x2c, "fib"), "7f12a0001000 2c fib\n");
  EXPECT_EQ(PerfMapWriter::DefaultPath(42), "/tmp/perf-42.map");
  const std::string path = TempPath("writer.map");
  const std::vector<CodeSymbol> symbols = CollectCodeSymbols(SampleArtifact(), "");
  {
    auto w = PerfMapWriter::Open(path);
    ASSERT_TRUE(w.ok()) << w.error().ToString();
    ASSERT_TRUE((*w)->WriteSymbols(0x10000, symbols).ok());
    ASSERT_TRUE((*w)->WriteSymbols(0x20000, std::span(symbols).first(1)).ok());
  }
  const std::vector<MapLine> lines = ParsePerfMap(ReadText(path));
  ASSERT_EQ(lines.size(), symbols.size() + 1);
  for (size_t i = 0; i < symbols.size(); ++i) {
    EXPECT_EQ(lines[i].start, 0x10000u + symbols[i].offset);
    EXPECT_EQ(lines[i].size, symbols[i].size);
    EXPECT_EQ(lines[i].name, symbols[i].name);
  }
  EXPECT_EQ(lines.back().start, 0x20000u);
  EXPECT_EQ(lines.back().name, "fib");
  std::filesystem::remove(path);
}

TEST(PerfMapWriter, OpenFailureNamesTheFile) {
  auto w = PerfMapWriter::Open("/nonexistent-dir/perf-1.map");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("/nonexistent-dir/perf-1.map"), std::string::npos);
}

TEST(Profiler, PrefixesNamesWhileAnotherModuleIsLoaded) {
  const std::string path = TempPath("prefix.map");
  Profiler profiler({ProfilingMode::kPerfMap, "", path});
  artifact::Artifact a = SampleArtifact();
  artifact::Artifact b = SampleArtifact();
  b.module_name = "second";
  artifact::Artifact c = SampleArtifact();
  {
    auto first = profiler.AddModule(a, a.text.data());
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    EXPECT_EQ((*first)->prefix(), "");
    auto second = profiler.AddModule(b, b.text.data());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ((*second)->prefix(), "second::");
    auto third = profiler.AddModule(c, c.text.data());  // unnamed: numbered
    ASSERT_TRUE(third.ok());
    EXPECT_EQ((*third)->prefix().rfind("module[", 0), 0u) << (*third)->prefix();
  }
  auto alone = profiler.AddModule(b, b.text.data());  // the others are gone
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ((*alone)->prefix(), "");
  const std::vector<MapLine> lines = ParsePerfMap(ReadText(path));
  ASSERT_EQ(lines.size(), 4 * 6u);
  EXPECT_EQ(lines[0].name, "fib");
  EXPECT_EQ(lines[0].start, reinterpret_cast<uintptr_t>(a.text.data()));
  EXPECT_EQ(lines[6].name, "second::fib");
  EXPECT_EQ(lines[6].start, reinterpret_cast<uintptr_t>(b.text.data()));
  EXPECT_EQ(lines[18].name, "fib");
  std::filesystem::remove(path);
}

// A module loaded through an Engine with profiling on: the default perf map gets its lines and
// gdb's list holds its ELF image exactly while the module is alive.
TEST(Profiler, EngineModuleRegistersWithGdbUntilUnloaded) {
  EngineConfig config;
  config.profiling = ProfilingMode::kPerfMap | ProfilingMode::kGdb;
  Engine engine(config);
  ASSERT_NE(engine.profiler(), nullptr);
  artifact::Artifact a;
  a.types = {artifact::FuncType{}};
  a.text = {0x55, 0x48, 0x89, 0xE5, 0x5D, 0xC3};  // push rbp; mov rbp, rsp; pop rbp; ret
  a.target = HostTarget();                        // loaded, never run: the bytes only need a size
  a.functions.push_back({0, {0, 6}, {}});
  a.function_names = {{0, "engine_test_fn"}};
  const JitCodeEntry* before = GdbJitRegistration::Descriptor().first_entry;
  uintptr_t code = 0;
  {
    auto m = Module::FromArtifact(engine, a);
    ASSERT_TRUE(m.ok()) << m.error().ToString();
    code = reinterpret_cast<uintptr_t>((*m)->WasmCall(0));
    const JitCodeEntry* e = GdbJitRegistration::Descriptor().first_entry;
    ASSERT_NE(e, nullptr);
    EXPECT_NE(e, before);
    EXPECT_EQ(e->next_entry, before);
    EXPECT_EQ(e->prev_entry, nullptr);
    ASSERT_GT(e->symfile_size, 64u);
    EXPECT_EQ(std::string(e->symfile_addr, 4),
              "\x7f"
              "ELF");
    const std::string image(e->symfile_addr, e->symfile_size);
    EXPECT_NE(image.find("engine_test_fn"), std::string::npos);
    EXPECT_EQ(GdbJitRegistration::Descriptor().action_flag, kJitNoAction);
  }
  EXPECT_EQ(GdbJitRegistration::Descriptor().first_entry, before);
  const std::string map_path = PerfMapWriter::DefaultPath(::getpid());
  bool found = false;
  for (const MapLine& l : ParsePerfMap(ReadText(map_path)))
    if (l.name == "engine_test_fn" && l.start == code && l.size == 6) found = true;
  EXPECT_TRUE(found) << ReadText(map_path);
  std::filesystem::remove(map_path);
}

TEST(Profiler, NoneCreatesNoProfiler) {
  Engine engine;
  EXPECT_EQ(engine.profiler(), nullptr);
}

TEST(Profiler, UnwritableJitDumpDirectoryFailsTheLoadWithItsName) {
  EngineConfig config;
  config.profiling = ProfilingMode::kJitDump;
  config.jitdump_dir = "/nonexistent-egret-dir";
  Engine engine(config);
  artifact::Artifact a;
  a.types = {artifact::FuncType{}};
  a.text = {0xC3};
  a.functions.push_back({0, {0, 1}, {}});
  a.target = HostTarget();  // the load must get as far as the profiler
  auto m = Module::FromArtifact(engine, a);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("/nonexistent-egret-dir/jit-"), std::string::npos)
      << m.error().message;
}

// Modules loaded and unloaded on several threads at once: every perf map line arrives whole, and
// gdb's list is intact (doubly linked, every live entry reachable) and empty again at the end.
TEST(Profiler, ConcurrentLoadsKeepTheMapAndTheGdbListConsistent) {
  const std::string path = TempPath("threads.map");
  Profiler profiler({ProfilingMode::kPerfMap | ProfilingMode::kGdb, "", path});
  const JitCodeEntry* before = GdbJitRegistration::Descriptor().first_entry;
  constexpr int kThreads = 4, kModulesPerThread = 50;
  std::vector<artifact::Artifact> artifacts(kThreads, SampleArtifact());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::unique_ptr<ModuleProfile>> live;
      for (int i = 0; i < kModulesPerThread; ++i) {
        auto p = profiler.AddModule(artifacts[t], artifacts[t].text.data());
        ASSERT_TRUE(p.ok());
        live.push_back(std::move(*p));
        if (i % 3 == 2) live.erase(live.begin());  // unload some while others load
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(GdbJitRegistration::Descriptor().first_entry, before);
  const std::vector<MapLine> lines = ParsePerfMap(ReadText(path));
  ASSERT_EQ(lines.size(), size_t(kThreads * kModulesPerThread * 6));
  std::set<uint64_t> starts;
  for (const artifact::Artifact& a : artifacts)
    starts.insert(reinterpret_cast<uintptr_t>(a.text.data()));
  for (const MapLine& l : lines) {
    EXPECT_TRUE(l.name.find("fib") != std::string::npos ||
                l.name.find("func[2]") != std::string::npos ||
                l.name.find("line?break") != std::string::npos ||
                l.name.find("wasm_to_array[type 0]") != std::string::npos)
        << l.name;
    EXPECT_LE(l.size, 0x30u);
  }
  std::filesystem::remove(path);
}

// Load-time cost of each switch, for the figures in docs/profiling.md; not a correctness test.
//   build/tests/runtime_test --gtest_also_run_disabled_tests --gtest_filter='*LoadCost'
TEST(Profiler, DISABLED_LoadCost) {
  // A large module: 20k functions in 4 MiB of text, a source location every 8 bytes.
  artifact::Artifact a;
  a.types = {artifact::FuncType{}};
  a.text.assign(4 << 20, 0x90);
  for (uint32_t f = 0; f < 20000; ++f) {
    a.functions.push_back({0, {f * 200, 180}, {f * 200 + 180, 20}});
    a.function_names.push_back({f, "function_number_" + std::to_string(f)});
  }
  for (uint32_t off = 0; off < 20000 * 200; off += 8) a.source_locs.push_back({off, off / 2 + 1});
  const std::string dir = std::filesystem::temp_directory_path().string();
  const ProfilingMode modes[] = {ProfilingMode::kPerfMap, ProfilingMode::kJitDump,
                                 ProfilingMode::kGdb};
  for (ProfilingMode mode : modes) {
    Profiler profiler({mode, dir, TempPath("cost.map")});
    const int kRounds = 5;
    double best = 1e9;
    for (int i = 0; i < kRounds; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      auto p = profiler.AddModule(a, a.text.data());
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ASSERT_TRUE(p.ok());
      best = std::min(best, ms);
    }
    std::printf("%-8s 20k functions, 4 MiB text: %.2f ms per module (best of %d)\n",
                ProfilingModeName(mode).c_str(), best, kRounds);
  }
  std::filesystem::remove(TempPath("cost.map"));
  std::filesystem::remove(JitDumpWriter::DefaultPath(dir, ::getpid()));
}

}  // namespace
}  // namespace egret::runtime::profiling
