// module_env.h: the typed description of everything a Wasm module declares.
//
// The decoder fills a ModuleEnv; the validator checks it; the translator reads it to type calls,
// globals, tables and memories; later the artifact carries it as module metadata. Index spaces
// follow the spec: imports come first in each space (functions, tables, memories, globals), so
// `functions[i]` is function index i whether imported or defined.
//
// Function bodies are not decoded here: each defined function records the byte range of its body
// (locals and code) inside `bytes`, and the validator and translator read operators from it on
// demand (see operator_reader.h). The ModuleEnv owns the module's bytes, so those ranges can
// never dangle.
//
// Invariants after a successful DecodeModule (validation adds the typing rules):
//   - every FuncType index stored anywhere is < types.size() only after validation;
//   - `bytes` is the whole module, and every {offset, size} range lies inside it.
#ifndef EGRET_FRONTEND_MODULE_ENV_H_
#define EGRET_FRONTEND_MODULE_ENV_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontend/wasm_features.h"
#include "frontend/wasm_types.h"

namespace egret::wasm {

// A constant expression (global initialisers, segment offsets, element items). Wasm 2.0 allows
// exactly one constant instruction followed by `end`; anything else decodes as kOther and the
// validator rejects it with the rule it breaks.
struct ConstExpr {
  enum class Kind : uint8_t {
    kI32,
    kI64,
    kF32,
    kF64,
    kV128,
    kRefNull,
    kRefFunc,
    kGlobalGet,
    kOther
  };
  Kind kind = Kind::kOther;
  ValType ref_type = ValType::kFuncRef;  // kRefNull: the null's type
  uint64_t bits = 0;                     // the constant's bits, or the function/global index
  uint64_t bits_hi = 0;                  // kV128: the upper 64 bits
  uint32_t offset = 0;                   // byte range of the expression (including `end`)
  uint32_t size = 0;
};

struct Function {
  uint32_t type_index = 0;
  bool imported = false;
  uint32_t body_offset = 0;  // defined functions: the body (local declarations and code)
  uint32_t body_size = 0;
};

struct Table {
  TableType type;
  bool imported = false;
};

struct Memory {
  MemoryType type;
  bool imported = false;
};

struct Global {
  GlobalType type;
  bool imported = false;
  ConstExpr init;  // defined globals only
};

struct Import {
  std::string module, name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;  // index in the kind's index space
  uint32_t offset = 0;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
  uint32_t offset = 0;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table = 0;
  ConstExpr offset_expr;  // active only
  ValType type = ValType::kFuncRef;
  std::vector<ConstExpr> items;  // function indices decode as kRefFunc items
  uint32_t offset = 0;           // where the segment starts, for diagnostics
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;  // never kDeclarative
  uint32_t memory = 0;
  ConstExpr offset_expr;  // active only
  uint32_t data_offset = 0, data_size = 0;
  uint32_t offset = 0;
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0, size = 0;  // the payload after the name
};

// The bytes of a module, owned, read-only once made. Either a std::vector adopted without a copy
// (every caller that has one: DecodeModule and LoadModule take a ModuleBytes by value, so a
// vector converts implicitly), or storage allocated uninitialised for a reader to fill
// (ForOverwrite): a std::vector is zero-filled when sized, which for a 21 MB module read from
// a file (Flite) cost 21.5 M instructions, as many as translating 70 K bytes of code.
// Invariant: data() points at size() bytes owned by this object (none when size() is 0).
class ModuleBytes {
 public:
  ModuleBytes() = default;
  ModuleBytes(std::vector<uint8_t> v)  // NOLINT(google-explicit-constructor): adopts it
      : vec_(std::move(v)), data_(vec_.data()), size_(vec_.size()) {}
  ModuleBytes(const ModuleBytes& o) : ModuleBytes(std::vector<uint8_t>(o.begin(), o.end())) {}
  ModuleBytes(ModuleBytes&& o) noexcept
      : vec_(std::move(o.vec_)), raw_(std::move(o.raw_)), data_(o.data_), size_(o.size_) {
    o.vec_.clear();
    o.data_ = nullptr;
    o.size_ = 0;
  }
  ModuleBytes& operator=(ModuleBytes o) noexcept {
    std::swap(vec_, o.vec_);
    std::swap(raw_, o.raw_);
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }

  // `n` bytes of unspecified content, to be written through mutable_data() before any read.
  static ModuleBytes ForOverwrite(size_t n) {
    ModuleBytes b;
    if (n == 0) return b;
    b.raw_.reset(new uint8_t[n]);  // default-initialised: no zero fill
    b.data_ = b.raw_.get();
    b.size_ = n;
    return b;
  }
  uint8_t* mutable_data() { return data_; }
  // Keeps the first `n` bytes (n <= size()), e.g. after a read that returned fewer.
  void Truncate(size_t n) {
    if (n < size_) size_ = n;
  }
  // The bytes as a vector: moved out when they are one, else copied. Leaves this empty.
  std::vector<uint8_t> TakeVector() && {
    std::vector<uint8_t> v = raw_ ? std::vector<uint8_t>(data_, data_ + size_) : std::move(vec_);
    v.resize(size_);
    *this = ModuleBytes();
    return v;
  }

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t operator[](size_t k) const { return data_[k]; }
  operator std::span<const uint8_t>() const { return {data_, size_}; }  // NOLINT

 private:
  std::vector<uint8_t> vec_;        // adopted bytes, or empty
  std::unique_ptr<uint8_t[]> raw_;  // ForOverwrite's storage, or null
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

class ModuleEnv {
 public:
  std::string file;  // for diagnostics; may be empty
  ModuleBytes bytes;
  // The proposals the module may use (DecodeModule's argument); the validator and translator
  // reject constructs of the others.
  WasmFeatures features = WasmFeatures::Default();

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  uint32_t start_offset = 0;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;

  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t code_section_offset = 0;
  uint32_t function_section_offset = 0;

  // Functions named by ref.func or a function index outside function bodies (element segments,
  // exports, global initialisers): the only ones a body may take with ref.func (the spec's C.refs).
  std::vector<bool> declared_refs;

  // From the `name` custom section (best effort: a broken name section is ignored).
  std::string module_name;
  std::unordered_map<uint32_t, std::string> function_names;
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>> local_names;

  uint32_t num_defined_functions() const {
    return static_cast<uint32_t>(functions.size()) - num_imported_functions;
  }
  const FuncType& function_type(uint32_t func_index) const {
    return types[functions[func_index].type_index];
  }
  std::span<const uint8_t> body(uint32_t func_index) const {
    const Function& f = functions[func_index];
    return {bytes.data() + f.body_offset, f.body_size};
  }
  // The name-section name, or "" when there is none.
  std::string_view FunctionName(uint32_t func_index) const;
  // A printable name: the name-section name, else the first export name, else "func<N>".
  std::string DisplayName(uint32_t func_index) const;
  std::string_view LocalName(uint32_t func_index, uint32_t local_index) const;
};

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_MODULE_ENV_H_
