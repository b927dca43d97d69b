// module_metadata.h: the artifact's module description (types, imports, tables, memories,
// globals, exports, start, segments, names) from the frontend's ModuleEnv.
//
// The frontend and the artifact use the same index spaces and WebAssembly's type codes, so this
// is a field-by-field copy; constant expressions become artifact ConstOps (extended-const sequences
// one op per instruction). Unsupported constant shapes (none in a validated module) are errors.
#ifndef EGRET_COMPILER_MODULE_METADATA_H_
#define EGRET_COMPILER_MODULE_METADATA_H_

#include "artifact/artifact.h"
#include "frontend/module_env.h"
#include "support/error.h"

namespace egret::compiler {

// Fills everything but text, functions' code ranges, wasm_to_array, traps and relocations.
Status FillModuleMetadata(const wasm::ModuleEnv& env, artifact::Artifact* out);

artifact::FuncType ToArtifactType(const wasm::FuncType& t);

}  // namespace egret::compiler

#endif  // EGRET_COMPILER_MODULE_METADATA_H_
