// corpus_replay.cc: runs ir_fuzz once over every file of the folders (or files) named on the
// command line, so the checked-in corpus is a regression test in builds without libFuzzer (gcc,
// Bazel). It fails if nothing ran natively: a replay that compares nothing must not pass.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/ir/ir_fuzz_stats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::filesystem::path> paths;
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::directory_iterator(argv[i])) paths.push_back(e.path());
    } else {
      paths.push_back(argv[i]);
    }
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++count;
    }
  }
  const egret::fuzz::IrFuzzStats& s = egret::fuzz::GetIrFuzzStats();
  std::printf("replayed %d inputs: %" PRIu64 " calls returned and %" PRIu64
              " trapped in the interpreter; %" PRIu64 " outcomes compared, %" PRIu64
              " of them native\n",
              count, s.returns, s.traps, s.comparisons, s.native_calls);
  std::printf("traps:");
  for (int c = 0; c < egret::kNumTrapCodes; ++c)
    if (s.traps_by_code[c] != 0)
      std::printf(" %s %" PRIu64,
                  std::string(egret::TrapCodeName(static_cast<egret::TrapCode>(c))).c_str(),
                  s.traps_by_code[c]);
  std::printf("\n");
  return count > 0 && s.native_calls > 0 ? 0 : 1;
}
