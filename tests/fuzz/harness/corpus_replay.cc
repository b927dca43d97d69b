// corpus_replay.cc: the main() of every `<target>_fuzz_replay` binary. It runs the target's
// LLVMFuzzerTestOneInput once over every file of the folders (or files) named on the command line,
// so the checked-in corpora are regression tests in builds without libFuzzer (gcc, Bazel, the
// aarch64 cross build under qemu), and any input can be replayed by hand.
//
// Invariants:
//   - inputs run in a fixed order (each folder's files sorted by name), so a replay's output and
//     statistics are the same on every machine;
//   - a replay of nothing fails: an empty or missing corpus must not pass silently;
//   - a target may define EgretFuzzReplayFinish (below) to print what the replay exercised and to
//     fail when it compared nothing (the differential and IR targets do); otherwise the replay
//     passes when every input ran without aborting.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Optional, defined by a target: called once after the last input with the number of inputs
// replayed; prints a summary and returns the exit status.
extern "C" __attribute__((weak)) int EgretFuzzReplayFinish(int inputs);

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::filesystem::path> paths;
    std::error_code ec;
    if (std::filesystem::is_directory(argv[i], ec)) {
      for (const auto& e : std::filesystem::directory_iterator(argv[i], ec))
        if (e.is_regular_file()) paths.push_back(e.path());
      std::sort(paths.begin(), paths.end());
    } else {
      paths.push_back(argv[i]);
    }
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "corpus_replay: error: cannot read %s\n", p.c_str());
        return 1;
      }
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++count;
    }
  }
  if (EgretFuzzReplayFinish != nullptr) return EgretFuzzReplayFinish(count);
  std::printf("replayed %d inputs\n", count);
  return count > 0 ? 0 : 1;
}
