// spectest.cc: see spectest.h. The print functions format like the reference interpreter
// (`42 : i32`), one line per argument.
#include "runtime/spectest.h"

#include <cinttypes>
#include <cstring>
#include <string>
#include <vector>

namespace egret::runtime {
namespace {

using artifact::FuncType;
using artifact::ValType;

void Print(std::FILE* out, ValType t, const ValRaw& v) {
  if (out == nullptr) return;
  switch (t) {
    case ValType::kI32:
      std::fprintf(out, "%" PRId32 " : i32\n", v.i32);
      break;
    case ValType::kI64:
      std::fprintf(out, "%" PRId64 " : i64\n", v.i64);
      break;
    case ValType::kF32: {
      float f;
      std::memcpy(&f, &v.f32, 4);
      std::fprintf(out, "%g : f32\n", double(f));
      break;
    }
    case ValType::kF64: {
      double d;
      std::memcpy(&d, &v.f64, 8);
      std::fprintf(out, "%g : f64\n", d);
      break;
    }
    default:
      std::fprintf(out, "%p : ref\n", v.ref);
      break;
  }
}

}  // namespace

Status DefineSpectest(Linker& linker, Store& store, std::FILE* out) {
  struct PrintFn {
    const char* name;
    std::vector<ValType> params;
  };
  const PrintFn prints[] = {{"print", {}},
                            {"print_i32", {ValType::kI32}},
                            {"print_i64", {ValType::kI64}},
                            {"print_f32", {ValType::kF32}},
                            {"print_f64", {ValType::kF64}},
                            {"print_i32_f32", {ValType::kI32, ValType::kF32}},
                            {"print_f64_f64", {ValType::kF64, ValType::kF64}}};
  for (const PrintFn& p : prints) {
    std::vector<ValType> params = p.params;
    Func f = store.NewHostFunc(FuncType{params, {}},
                               [params, out](std::span<ValRaw> args) -> std::optional<TrapCode> {
                                 for (size_t i = 0; i < params.size(); ++i)
                                   Print(out, params[i], args[i]);
                                 if (out != nullptr) std::fflush(out);
                                 return std::nullopt;
                               });
    EGRET_TRY(linker.Define("spectest", p.name, Extern::Of(f)));
  }
  const float f32 = 666.6f;
  const double f64 = 666.6;
  uint32_t f32_bits;
  uint64_t f64_bits;
  std::memcpy(&f32_bits, &f32, 4);
  std::memcpy(&f64_bits, &f64, 8);
  EGRET_TRY(linker.Define("spectest", "global_i32",
                          Extern::Of(store.NewGlobal({ValType::kI32, false}, Val::I32(666)))));
  EGRET_TRY(linker.Define("spectest", "global_i64",
                          Extern::Of(store.NewGlobal({ValType::kI64, false}, Val::I64(666)))));
  EGRET_TRY(
      linker.Define("spectest", "global_f32",
                    Extern::Of(store.NewGlobal({ValType::kF32, false}, Val::F32Bits(f32_bits)))));
  EGRET_TRY(
      linker.Define("spectest", "global_f64",
                    Extern::Of(store.NewGlobal({ValType::kF64, false}, Val::F64Bits(f64_bits)))));
  EGRET_ASSIGN_OR_RETURN(Table * table, store.NewTable({ValType::kFuncRef, {10, 20}}));
  EGRET_TRY(linker.Define("spectest", "table", Extern::Of(table)));
  EGRET_ASSIGN_OR_RETURN(LinearMemory * memory, store.NewMemory({{1, 2}, false, false}));
  EGRET_TRY(linker.Define("spectest", "memory", Extern::Of(memory)));
  // threads: (memory 1 2 shared)
  EGRET_ASSIGN_OR_RETURN(LinearMemory * shared, store.NewMemory({{1, 2}, false, true}));
  EGRET_TRY(linker.Define("spectest", "shared_memory", Extern::Of(shared)));
  return Status::Ok();
}

}  // namespace egret::runtime
