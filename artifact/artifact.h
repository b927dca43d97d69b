// artifact.h: the in-memory description of a compiled module, shared by compiler and runtime.
//
// The compiler fills an Artifact (plain structs, no behaviour) and serializes it with
// WriteArtifact(); the runtime gets one back from ReadArtifact(), which validates every length,
// offset and index, so code that holds an Artifact returned by ReadArtifact may rely on these
// invariants without re-checking them:
//
//   - every type index, function index, table/memory/global index is in range;
//   - code ranges (function bodies, array_call and wasm-to-array trampolines) are non-empty
//     (array_call may be empty: none), lie inside `text`, and are pairwise disjoint, except that
//     an array_call range may be exactly its own function's body. So every entry point the
//     runtime computes is the first byte of a range of its kind that nothing else claims.
//     Bodies are sorted by offset (a PC maps to at most one function by binary search);
//   - `traps` and `source_locs` are sorted by strictly increasing text offset, each inside a code
//     range; relocations are sorted, each 8-byte patch inside one code range and clear of every
//     trap entry, and name known builtins;
//   - on aarch64, every range, trap, source location and relocation is 4-byte aligned;
//   - constant expressions are well typed (one value of the expected type);
//   - `function_names` is sorted by strictly increasing function index;
//   - `stack_maps` are sorted by strictly increasing offset, each the end of a call inside one
//     function body (offset - 1 lies in the body), with its slots in range of
//     `stack_map_slots`, strictly increasing, and below its frame_size;
//   - `frame_ranges` are non-empty, sorted by start and pairwise disjoint, each inside one
//     function body, with a kind of the artifact's target.
//
// What the reader cannot check is the machine code itself: docs/runtime.md ("Threat model").
//
// Function index space, as in WebAssembly: imported functions first (in import order), then
// `functions`. The same holds for tables, memories and globals.
#ifndef EGRET_ARTIFACT_ARTIFACT_H_
#define EGRET_ARTIFACT_ARTIFACT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/trap_code.h"

namespace egret::artifact {

// Value types, encoded with their WebAssembly binary codes.
enum class ValType : uint8_t {
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
};
bool IsValidValType(uint8_t code);
bool IsRefType(ValType t);
std::string_view ValTypeName(ValType t);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};
// "(i32 i64) -> (f32)"
std::string FuncTypeToString(const FuncType& t);

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  friend bool operator==(const Limits&, const Limits&) = default;
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
std::string_view ExternKindName(ExternKind k);

struct TableType {
  ValType elem = ValType::kFuncRef;  // kFuncRef or kExternRef
  Limits limits;                     // in elements; max <= 2^32-1
  friend bool operator==(const TableType&, const TableType&) = default;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages; max <= 65536 (memory32) or 2^48 (memory64)
  bool is64 = false;
  bool shared = false;
  friend bool operator==(const MemoryType&, const MemoryType&) = default;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;
  friend bool operator==(const GlobalType&, const GlobalType&) = default;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t type_index = 0;  // kFunc: index into Artifact::types
  TableType table;          // kTable
  MemoryType memory;        // kMemory
  GlobalType global;        // kGlobal
  friend bool operator==(const Import&, const Import&) = default;
};

// One instruction of a constant expression (global initializers, segment offsets, element items).
// Extended-const arithmetic is included; evaluation is a small stack machine.
struct ConstOp {
  enum class Kind : uint8_t {
    kI32Const = 0,
    kI64Const = 1,
    kF32Const = 2,  // bits in `lo`
    kF64Const = 3,  // bits in `lo`
    kV128Const = 4,
    kRefNull = 5,    // `index` holds the ValType code of the reference type
    kRefFunc = 6,    // `index` is a function index
    kGlobalGet = 7,  // `index` is a global index
    kI32Add = 8,
    kI32Sub = 9,
    kI32Mul = 10,
    kI64Add = 11,
    kI64Sub = 12,
    kI64Mul = 13,
  };
  static constexpr uint8_t kNumKinds = 14;
  Kind kind = Kind::kI32Const;
  uint32_t index = 0;
  uint64_t lo = 0, hi = 0;  // immediate bits (i32 sign-extended into lo; v128 uses both)
  friend bool operator==(const ConstOp&, const ConstOp&) = default;

  static ConstOp I32(int32_t v) { return {Kind::kI32Const, 0, uint64_t(int64_t(v)), 0}; }
  static ConstOp I64(int64_t v) { return {Kind::kI64Const, 0, uint64_t(v), 0}; }
  static ConstOp RefFunc(uint32_t f) { return {Kind::kRefFunc, f, 0, 0}; }
  static ConstOp RefNull(ValType t) { return {Kind::kRefNull, uint32_t(t), 0, 0}; }
  static ConstOp GlobalGet(uint32_t g) { return {Kind::kGlobalGet, g, 0, 0}; }
};
struct ConstExpr {
  std::vector<ConstOp> ops;
  friend bool operator==(const ConstExpr&, const ConstExpr&) = default;
};

// A byte range of the text section.
struct CodeRange {
  uint32_t offset = 0;
  uint32_t size = 0;
  bool empty() const { return size == 0; }
  uint32_t end() const { return offset + size; }  // no overflow: validated by the reader
  friend bool operator==(const CodeRange&, const CodeRange&) = default;
};

// A defined function. `body` starts at the wasm_call entry point (the Wasm calling convention);
// `array_call` is the trampoline `(callee_vmctx, caller_vmctx, ValRaw* args_results, size_t n)`
// that host code calls; empty when the function can never be called from the host.
struct Function {
  uint32_t type_index = 0;
  CodeRange body;
  CodeRange array_call;
  friend bool operator==(const Function&, const Function&) = default;
};

// A trampoline with the Wasm calling convention that calls an array_call entry (a host
// function's); one per function type that needs it. Sorted by type index.
struct WasmToArrayTrampoline {
  uint32_t type_index = 0;
  CodeRange code;
  friend bool operator==(const WasmToArrayTrampoline&, const WasmToArrayTrampoline&) = default;
};

struct Global {
  GlobalType type;
  ConstExpr init;
  friend bool operator==(const Global&, const Global&) = default;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
  friend bool operator==(const Export&, const Export&) = default;
};

enum class SegmentMode : uint8_t { kActive = 0, kPassive = 1, kDeclarative = 2 };

struct ElementSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table_index = 0;  // kActive only
  ConstExpr offset;          // kActive only: i32 (or i64 for a 64-bit table, not yet)
  ValType elem_type = ValType::kFuncRef;
  std::vector<ConstExpr> items;  // each yields one elem_type reference
  friend bool operator==(const ElementSegment&, const ElementSegment&) = default;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;  // kActive or kPassive
  uint32_t memory_index = 0;                // kActive only
  ConstExpr offset;                         // kActive only: i32, or i64 for memory64
  std::vector<uint8_t> bytes;
  friend bool operator==(const DataSegment&, const DataSegment&) = default;
};

// A faulting instruction in the text section and the trap it stands for.
struct TrapEntry {
  uint32_t offset = 0;
  TrapCode code = TrapCode::kUnreachable;
  friend bool operator==(const TrapEntry&, const TrapEntry&) = default;
};

// A place in the text section that the loader patches with a runtime address.
enum class RelocKind : uint8_t {
  kAbs64Builtin = 0,  // 8 bytes: the absolute address of builtin `target` (see builtin.h)
};
struct Relocation {
  uint32_t offset = 0;
  RelocKind kind = RelocKind::kAbs64Builtin;
  uint32_t target = 0;
  friend bool operator==(const Relocation&, const Relocation&) = default;
};

// Maps a text offset to the byte offset of the Wasm instruction it came from (in the original
// module); sorted by text offset. Optional.
struct SourceLoc {
  uint32_t text_offset = 0;
  uint32_t wasm_offset = 0;
  friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
};

// A stack map: at text offset `offset` (the return address of a call in a function body) the GC
// references live across the call (externrefs) are in the 8-byte stack slots at
//   sp + 8 * stack_map_slots[k],  k in [first_slot, first_slot + num_slots),
// where sp is the stack pointer at the call instruction (before x86-64's call pushes the return
// address; aarch64's bl leaves sp alone). The calling function's frame pointer (the address of
// its frame record) is `frame_size` bytes above that sp, so a stack walker that holds the
// caller's frame pointer fp finds slot k at fp - frame_size + 8 * stack_map_slots[k]. Every call
// of compiled Wasm code has one (num_slots may be 0), so a return address into a function body
// without a map is a call that cannot reach the collector.
struct StackMap {
  uint32_t offset = 0;
  uint32_t frame_size = 0;  // bytes, a multiple of 8
  uint32_t first_slot = 0;  // into Artifact::stack_map_slots
  uint32_t num_slots = 0;
  friend bool operator==(const StackMap&, const StackMap&) = default;
};

// Where a function's caller is while the function's own frame record is not on the frame-
// pointer chain. Every compiled function keeps a frame pointer that is either its own frame
// record or, inside a FrameRange, still its caller's record; the range's kind says where the
// return address into the caller is meanwhile. A stack walker at a PC inside a range takes the
// return address from there and continues the chain at the current frame pointer.
enum class FrameKind : uint8_t {
  kReturnAtSp = 0,   // x86-64: at [sp] (before `push %rbp`, after `pop %rbp`, frameless leaves)
  kReturnAtSp8 = 1,  // x86-64: at [sp + 8] (between `push %rbp` and `mov %rsp, %rbp`)
  kReturnInLr = 2,   // aarch64: in the link register x30 (before the record is stored, after it
                     // is reloaded, frameless leaves)
};
inline constexpr uint8_t kMaxFrameKind = 2;

// Text bytes [offset, offset + size) run without their function's frame record.
struct FrameRange {
  uint32_t offset = 0;
  uint32_t size = 0;
  FrameKind kind = FrameKind::kReturnAtSp;
  friend bool operator==(const FrameRange&, const FrameRange&) = default;
};

struct FunctionName {
  uint32_t func_index = 0;
  std::string name;
  friend bool operator==(const FunctionName&, const FunctionName&) = default;
};

enum class Target : uint8_t { kX86_64 = 1, kAarch64 = 2 };
std::string_view TargetName(Target t);

struct Artifact {
  Target target = Target::kX86_64;
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint8_t> text;
  std::vector<Function> functions;
  std::vector<WasmToArrayTrampoline> wasm_to_array;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<Global> globals;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElementSegment> elements;
  std::vector<DataSegment> data;
  std::vector<TrapEntry> traps;
  std::vector<Relocation> relocations;
  std::vector<SourceLoc> source_locs;
  std::string module_name;
  std::vector<FunctionName> function_names;
  std::vector<StackMap> stack_maps;       // sorted by offset
  std::vector<uint32_t> stack_map_slots;  // 8-byte slot indices from sp, per map increasing
  std::vector<FrameRange> frame_ranges;   // sorted by offset, disjoint

  friend bool operator==(const Artifact&, const Artifact&) = default;

  uint32_t NumImported(ExternKind kind) const;
  uint32_t NumFunctions() const { return NumImported(ExternKind::kFunc) + functions.size(); }
  uint32_t NumTables() const { return NumImported(ExternKind::kTable) + tables.size(); }
  uint32_t NumMemories() const { return NumImported(ExternKind::kMemory) + memories.size(); }
  uint32_t NumGlobals() const { return NumImported(ExternKind::kGlobal) + globals.size(); }

  // Queries over a validated artifact. All are O(log n) or O(imports) and allocation-free, so the
  // trap handler may call LookupTrap and FunctionAt.
  std::optional<TrapCode> LookupTrap(uint32_t text_offset) const;
  // The defined-function index (into `functions`) whose body contains `text_offset`.
  std::optional<uint32_t> FunctionAt(uint32_t text_offset) const;
  // The name of function `func_index` (whole index space); empty if it has none.
  std::string_view FunctionNameOf(uint32_t func_index) const;
  // The type of function `func_index` (whole index space); nullptr if out of range.
  const FuncType* FunctionType(uint32_t func_index) const;
  // The stack map whose offset is exactly `return_offset` (a call's return address as a text
  // offset); nullptr if there is none. O(log n), allocation-free.
  const StackMap* LookupStackMap(uint32_t return_offset) const;
  // The frame range containing `text_offset`; nullptr where the function's frame record is on
  // the chain (or outside every function). O(log n), allocation-free (the trap handler calls it).
  const FrameRange* FrameRangeAt(uint32_t text_offset) const;
  // Whether defined function `index`'s whole body is one frame range: a frameless function.
  bool IsFrameless(uint32_t index) const;
  std::span<const uint32_t> StackMapSlots(const StackMap& m) const {
    return std::span<const uint32_t>(stack_map_slots).subspan(m.first_slot, m.num_slots);
  }
};

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_ARTIFACT_H_
