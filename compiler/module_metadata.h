// module_metadata.h: the artifact's module description (types, imports, tables, memories,
// globals, exports, start, segments, names) from the frontend's ModuleEnv.
//
// The frontend and the artifact use the same index spaces and WebAssembly's type codes, so this
// is a field-by-field copy; constant expressions become artifact ConstOps (extended-const sequences
// one op per instruction). Unsupported constant shapes (none in a validated module) are errors.
#ifndef EGRET_COMPILER_MODULE_METADATA_H_
#define EGRET_COMPILER_MODULE_METADATA_H_

#include <cstdint>
#include <span>
#include <vector>

#include "artifact/artifact.h"
#include "frontend/module_env.h"
#include "support/error.h"

namespace egret::compiler {

// Fills everything but text, functions' code ranges, wasm_to_array, traps and relocations.
// `copy_data`: false leaves every data segment's `bytes` empty (its mode, memory and offset are
// filled); the artifact is then written with DataSegmentBytes(env) as the segments' bytes
// (artifact::WriteOptions::data_bytes), straight from the module's bytes.
Status FillModuleMetadata(const wasm::ModuleEnv& env, artifact::Artifact* out,
                          bool copy_data = true);

// The bytes of each data segment, in order: views into env.bytes.
std::vector<std::span<const uint8_t>> DataSegmentBytes(const wasm::ModuleEnv& env);

artifact::FuncType ToArtifactType(const wasm::FuncType& t);

}  // namespace egret::compiler

#endif  // EGRET_COMPILER_MODULE_METADATA_H_
