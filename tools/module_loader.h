// module_loader.h: turns a file given on the command line into a loaded runtime::Module.
//
// `egret run` and `egret wast` accept either a WebAssembly binary or a compiled artifact; the
// first bytes decide which (`\0asm` or `\0egretaf`), not the file extension:
//   .wasm   decode, validate and compile in memory (compiler::CompileBytes), then load the
//           artifact without serializing it (the JIT path);
//   .egret  LoadModuleFile maps it (runtime::Module::DeserializeFile: the artifact reader
//           validates every field, the code runs in place); LoadModuleBytes reads a copy.
// Errors name the file and, where the stage knows it, the byte offset.
#ifndef EGRET_TOOLS_MODULE_LOADER_H_
#define EGRET_TOOLS_MODULE_LOADER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/module.h"
#include "support/error.h"

namespace egret::tools {

struct LoadedModule {
  std::shared_ptr<const runtime::Module> module;
  std::optional<compiler::CompileStats> stats;  // set when the input was compiled
  double load_ms = 0;                           // wall time: compile (if any) + load
};

// Reads a whole file; the error names it.
Expected<std::vector<uint8_t>> ReadFileBytes(const std::string& path);

// Loads `bytes` (a .wasm module or an .egret artifact); `name` is used in messages.
Expected<LoadedModule> LoadModuleBytes(runtime::Engine& engine, std::vector<uint8_t> bytes,
                                       const std::string& name,
                                       const compiler::CompileOptions& options);

Expected<LoadedModule> LoadModuleFile(runtime::Engine& engine, const std::string& path,
                                      const compiler::CompileOptions& options);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_MODULE_LOADER_H_
