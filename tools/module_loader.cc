// module_loader.cc: see module_loader.h.
#include "tools/module_loader.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "tools/text_input.h"

namespace egret::tools {
namespace {

constexpr uint8_t kWasmMagic[4] = {0x00, 0x61, 0x73, 0x6d};  // "\0asm"
constexpr uint8_t kArtifactMagic[8] = {0x00, 0x65, 0x67, 0x72,
                                       0x65, 0x74, 0x61, 0x66};  // "\0egretaf"

bool StartsWith(const std::vector<uint8_t>& bytes, const uint8_t* magic, size_t n) {
  return bytes.size() >= n && std::memcmp(bytes.data(), magic, n) == 0;
}

}  // namespace

Expected<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error e("cannot read file: " + std::string(std::strerror(errno)));
    e.file = path;
    return e;
  }
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

Expected<LoadedModule> LoadModuleBytes(runtime::Engine& engine, std::vector<uint8_t> bytes,
                                       const std::string& name,
                                       const compiler::CompileOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  LoadedModule out;
  if (StartsWith(bytes, kArtifactMagic, sizeof kArtifactMagic)) {
    Expected<std::shared_ptr<const runtime::Module>> m = runtime::Module::FromBytes(engine, bytes);
    if (!m.ok()) {
      Error e = m.error();
      if (e.file.empty()) e.file = name;
      return e;
    }
    out.module = std::move(*m);
  } else if (StartsWith(bytes, kWasmMagic, sizeof kWasmMagic)) {
    EGRET_ASSIGN_OR_RETURN(compiler::CompileResult r,
                           compiler::CompileBytes(std::move(bytes), name, options));
    out.stats = r.stats;
    Expected<std::shared_ptr<const runtime::Module>> m =
        runtime::Module::FromArtifact(engine, std::move(r.artifact));
    if (!m.ok()) {
      Error e = m.error();
      if (e.file.empty()) e.file = name;
      return e;
    }
    out.module = std::move(*m);
  } else {
    Error e("not a WebAssembly module (\\0asm) or an egret artifact (\\0egretaf)");
    e.file = name;
    e.offset = 0;
    return e;
  }
  out.load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

Expected<LoadedModule> LoadModuleFile(runtime::Engine& engine, const std::string& path,
                                      const compiler::CompileOptions& options) {
  // An artifact file is mapped, not read (Module::DeserializeFile); anything else is read.
  uint8_t magic[sizeof kArtifactMagic] = {};
  if (std::ifstream probe(path, std::ios::binary);
      probe && probe.read(reinterpret_cast<char*>(magic), sizeof magic) &&
      std::memcmp(magic, kArtifactMagic, sizeof magic) == 0) {
    const auto start = std::chrono::steady_clock::now();
    LoadedModule out;
    EGRET_ASSIGN_OR_RETURN(out.module, runtime::Module::DeserializeFile(engine, path));
    out.load_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return out;
  }
  EGRET_ASSIGN_OR_RETURN(wasm::ModuleBytes bytes, ReadModuleInput(path));  // .wat too
  return LoadModuleBytes(engine, std::move(bytes).TakeVector(), path, options);
}

}  // namespace egret::tools
