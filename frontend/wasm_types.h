// wasm_types.h: the types of WebAssembly 2.0 as the frontend sees them.
//
// Value types are one byte, using their binary encodings (0x7f i32 ... 0x6f externref) so the
// decoder can map a byte to a type with a switch and printers need no second table. A function
// type owns its parameter and result lists in one vector (params first) to keep a module's type
// table to one allocation per type. `kBottom` is the validator's "unknown" operand type for
// unreachable code and never appears in a module.
//
// Also here: the error kinds the spec testsuite distinguishes (malformed vs. invalid), which every
// frontend entry point reports alongside its Error.
#ifndef EGRET_FRONTEND_WASM_TYPES_H_
#define EGRET_FRONTEND_WASM_TYPES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/error.h"

namespace egret::wasm {

enum class ValType : uint8_t {
  kBottom = 0x00,  // validator only: the type of an operand popped in unreachable code
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

constexpr bool IsRefType(ValType t) { return t == ValType::kFuncRef || t == ValType::kExternRef; }
constexpr bool IsNumType(ValType t) {
  return t == ValType::kI32 || t == ValType::kI64 || t == ValType::kF32 || t == ValType::kF64;
}
// Maps an encoding byte to a value type; nullopt for anything else.
std::optional<ValType> ValTypeFromByte(uint8_t b);
std::string_view ValTypeName(ValType t);  // "i32", "funcref"; "unknown" for kBottom
// "[i32 f64]"
std::string TypeListString(std::span<const ValType> types);

// A one-element span for a value type, without allocation (block types `(result t)`).
std::span<const ValType> SingleType(ValType t);

struct FuncType {
  std::vector<ValType> types;  // params, then results
  uint32_t num_params = 0;

  std::span<const ValType> params() const { return {types.data(), num_params}; }
  std::span<const ValType> results() const {
    return {types.data() + num_params, types.size() - num_params};
  }
  friend bool operator==(const FuncType&, const FuncType&) = default;
};
std::string FuncTypeString(const FuncType& t);  // "[i32] -> [i64 f32]"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;  // memories only (threads proposal, limits flag 0x03)
};

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;      // in 64 KiB pages; max 65536 (memory32) or 2^48 (memory64)
  bool is64 = false;  // memory64: addresses, sizes and offsets are i64
  // The type of this memory's addresses (load/store operands, memory.size/grow, bulk operands).
  ValType address_type() const { return is64 ? ValType::kI64 : ValType::kI32; }
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool mut = false;
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
std::string_view ExternKindName(ExternKind k);

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint64_t kMaxPages = 65536;                // 4 GiB of 32-bit linear memory
inline constexpr uint64_t kMaxPages64 = uint64_t{1} << 48;  // memory64: 2^64 bytes

// How a frontend error maps onto the spec testsuite's categories.
enum class ErrorKind : uint8_t {
  kMalformed,    // the bytes are not a module (assert_malformed)
  kInvalid,      // a well-formed module breaks a validation rule (assert_invalid)
  kUnsupported,  // valid, but uses something egret cannot handle yet (SIMD translation, limits)
};
std::string_view ErrorKindName(ErrorKind k);

// An Error with its category.
struct WasmError {
  ErrorKind kind = ErrorKind::kMalformed;
  Error error;
};

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_WASM_TYPES_H_
