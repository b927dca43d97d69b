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
//
// EGRET_FUZZ_REPLAY_BATCH=N replays the inputs in child processes of N inputs each (in order;
// each child prints its own summary; any failing child fails the replay). The aarch64 cross
// build's differential replay needs it: under qemu-user 7.2 the process grows by ~85 MB per
// module and never shrinks (22 GB after 300 modules; natively it stays flat), apparently qemu's
// bookkeeping of the two 8 GiB guard-page reservations each module maps and unmaps.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Optional, defined by a target: called once after the last input with the number of inputs
// replayed; prints a summary and returns the exit status.
extern "C" __attribute__((weak)) int EgretFuzzReplayFinish(int inputs);

namespace {

std::vector<std::filesystem::path> CollectInputs(int argc, char** argv) {
  std::vector<std::filesystem::path> all;
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
    all.insert(all.end(), paths.begin(), paths.end());
  }
  return all;
}

// Replays `paths` in this process; returns the exit status.
int Replay(std::span<const std::filesystem::path> paths) {
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "corpus_replay: error: cannot read %s\n", p.c_str());
      return 1;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  const int count = static_cast<int>(paths.size());
  if (EgretFuzzReplayFinish != nullptr) return EgretFuzzReplayFinish(count);
  std::printf("replayed %d inputs\n", count);
  return count > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::filesystem::path> paths = CollectInputs(argc, argv);
  const char* batch_env = std::getenv("EGRET_FUZZ_REPLAY_BATCH");
  const size_t batch = batch_env ? std::strtoul(batch_env, nullptr, 10) : 0;
  if (batch == 0 || paths.empty()) return Replay(paths);
  // One child process per batch; each prints its own summary.
  int failed = 0, batches = 0;
  for (size_t first = 0; first < paths.size(); first += batch) {
    const size_t n = std::min(batch, paths.size() - first);
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("corpus_replay: fork");
      return 1;
    }
    if (pid == 0) {
      const int status = Replay(std::span(paths).subspan(first, n));
      std::fflush(nullptr);
      _exit(status);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ++batches;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ++failed;
      std::fprintf(stderr, "corpus_replay: the batch %s .. %s failed (%s %d)\n",
                   paths[first].c_str(), paths[first + n - 1].c_str(),
                   WIFEXITED(status) ? "exit status" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    }
  }
  std::printf("replayed %zu inputs in %d processes, %d failed\n", paths.size(), batches, failed);
  return failed == 0 ? 0 : 1;
}
