// seed_artifacts.cc: writes seed inputs for the artifact fuzz target.
//
//   artifact_fuzz_seeds OUT_DIR [FILE.wasm...]
//
// Seeds must be artifacts the reader accepts, or the fuzzer spends its time on the first
// rejecting check. Two kinds:
//   - random_<target>_<n>.egret: testing::RandomArtifact (every section, both targets, the
//     layout rules of artifact.h), 12 per target, seeds 1-12, scale 1-4;
//   - <file>_<opt>.egret: each FILE.wasm compiled by egret for x86_64 at --opt-level=none and
//     speed (real code, trap tables, trampolines, wasm-to-array trampolines for imports).
// Every written file is read back first; a seed the reader rejects is an error (exit 1).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "compiler/compiler.h"
#include "tests/unit/artifact/random_artifact.h"

namespace {

bool Write(const std::filesystem::path& path, const egret::artifact::Artifact& a) {
  const std::vector<uint8_t> bytes = egret::artifact::WriteArtifact(a);
  auto back = egret::artifact::ReadArtifact(bytes);
  if (!back.ok()) {
    std::fprintf(stderr, "%s: the reader rejects this seed: %s\n", path.c_str(),
                 back.error().ToString().c_str());
    return false;
  }
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  return bool(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: artifact_fuzz_seeds OUT_DIR [FILE.wasm...]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  int written = 0;
  bool ok = true;
  for (auto target : {egret::artifact::Target::kX86_64, egret::artifact::Target::kAarch64}) {
    for (int n = 1; n <= 12; ++n) {
      std::mt19937 rng(static_cast<uint32_t>(n));
      egret::artifact::Artifact a = egret::artifact::testing::RandomArtifact(rng, 1 + (n - 1) % 4);
      // RandomArtifact draws its own target; regenerate until it matches (deterministic).
      while (a.target != target) a = egret::artifact::testing::RandomArtifact(rng, 1 + (n - 1) % 4);
      const std::string name = "random_" + std::string(egret::artifact::TargetName(target)) + "_" +
                               std::to_string(n) + ".egret";
      ok &= Write(dir / name, a);
      ++written;
    }
  }
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    for (const char* opt : {"none", "speed"}) {
      egret::compiler::CompileOptions options;
      options.opt_level = *egret::compiler::ParseOptLevel(opt);  // and its allocator
      auto r = egret::compiler::CompileBytes(wasm, argv[i], options);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.error().ToString().c_str());
        ok = false;
        continue;
      }
      const std::string name =
          std::filesystem::path(argv[i]).stem().string() + "_" + opt + ".egret";
      ok &= Write(dir / name, r->artifact);
      ++written;
    }
  }
  std::printf("artifact_fuzz_seeds: %d seeds in %s\n", written, dir.c_str());
  return ok ? 0 : 1;
}
