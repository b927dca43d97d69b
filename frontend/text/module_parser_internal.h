// module_parser_internal.h: the module parser's state, shared by module_parser.cc (fields, the
// two passes, the binary layout) and instruction_parser.cc (instruction sequences).
//
// Error handling: every Parse*/Encode* method returns false after recording the first error
// (Fail); later failures keep that first error, which is the one at the earliest point where
// the text stopped making sense.
#ifndef EGRET_FRONTEND_TEXT_MODULE_PARSER_INTERNAL_H_
#define EGRET_FRONTEND_TEXT_MODULE_PARSER_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontend/text/binary_writer.h"
#include "frontend/text/lexer.h"
#include "frontend/text/module_parser.h"
#include "frontend/text/text_opcodes.h"
#include "support/error.h"

namespace egret::text::internal {

// Index spaces that $ids name. kLocal and kLabel live in a FuncContext, not in Parser::names_.
enum class Space : uint8_t { kType, kFunc, kTable, kMemory, kGlobal, kElem, kData, kLocal, kLabel };
inline constexpr int kNumModuleSpaces = 7;
const char* SpaceName(Space s);

// Whether the reference lexer knows `k` as a token (an instruction name, a structural or script
// keyword, a value type or shape): misplaced, it is an "unexpected token", else "unknown operator".
bool IsKnownKeyword(std::string_view k);

struct FuncSig {
  std::vector<uint8_t> params, results;  // value types as binary bytes
  bool operator==(const FuncSig&) const = default;
};

// Table and memory limits. Memory limits are written as u64 LEB128 (memory64's encoding, the
// same bytes below 2^32): without memory64 the decoder rejects larger ones as malformed, with it
// the validator as invalid for a 32-bit memory. `is64`: the `i64` keyword (limits flag 0x04).
struct Limits {
  uint64_t min = 0;
  bool has_max = false;
  uint64_t max = 0;
  bool is64 = false;
  bool u64 = false;     // a memory's limits (any u64 accepted and written)
  bool shared = false;  // memories only (threads): flag bit 1
};

// Fields found by pass 1; `pos` is the token where pass 2 resumes.
struct Import {
  std::string module, field;
  Space kind = Space::kFunc;
  size_t desc_pos = 0;
};
struct Func {
  size_t pos;
};
struct Table {
  size_t pos;
  bool inline_elem;
  uint32_t inline_count;  // elements of the inline segment: the table's min and max
  uint8_t reftype;
};
struct Memory {
  size_t pos;
  bool inline_data;
  uint32_t inline_pages;
  bool is64;  // inline_data: an `i64` memory
};
struct Global {
  size_t pos;
};
struct Export {
  std::string name;
  Space kind = Space::kFunc;
  uint32_t index = UINT32_MAX;  // UINT32_MAX: an `(export ...)` field, resolved in pass 2
  size_t desc_pos = 0;
};
struct Elem {
  size_t pos;
  uint32_t table;  // for inline segments of `(table ... (elem ...))`
  bool inline_table;
  uint8_t reftype;
};
struct Data {
  size_t pos;
  uint32_t memory;  // for inline segments of `(memory (data ...))`
  bool inline_memory;
};

enum class FieldKind : uint8_t { kImport, kFunc, kTable, kMemory, kGlobal, kElem, kData };
struct FieldRef {
  FieldKind kind;
  uint32_t index;  // into the vector of that kind
  size_t pos;
};

// Locals and labels of the function (or constant expression) being encoded.
struct FuncContext {
  std::unordered_map<std::string_view, uint32_t> locals;
  std::vector<std::string_view> labels;  // innermost last; empty view: unnamed
};

enum class TypeUseMode : uint8_t {
  kNamedParams,      // function headers: `(param $x i32)` binds a local
  kAnonymousParams,  // blocks and call_indirect: no $ids allowed
};

struct TypeUse {
  size_t at = 0;  // first token, for errors
  bool has_type = false;
  uint32_t index = 0;
  bool inline_given = false;
  FuncSig sig;
  std::vector<std::string_view> param_ids;  // one per parameter, empty when unnamed
};

class Parser {
 public:
  Parser(const TokenList& tokens, size_t pos, const TextOptions& options)
      : list_(tokens), tokens_(tokens.tokens), pos_(pos), options_(options) {}
  void set_module_id(std::string_view id) { module_id_ = id; }

  bool ParseModuleBody(std::vector<uint8_t>* out);
  Error TakeError() { return error_ ? std::move(*error_) : Error("parse error"); }
  size_t pos() const { return pos_; }

  // Token access.
  const Token& Peek(size_t k = 0) const {
    const size_t i = pos_ + k;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  std::string_view Text(const Token& t) const { return list_.Text(t); }
  bool IsLParenKeyword(std::string_view kw, size_t k = 0) const;
  bool ExpectLParen();
  bool ExpectRParen();
  bool ExpectKeyword(std::string_view kw);

 private:
  bool Fail(const Token& t, std::string msg);
  bool FailUnexpected();
  bool SkipToMatchingParen();

  // Small grammar pieces.
  bool ParseString(std::string* out);
  bool ParseName(std::string* out);  // a string that must be valid UTF-8
  bool ParseU32(uint32_t* out);
  bool ParseValType(uint8_t* out);
  bool ParseRefType(uint8_t* out);
  bool ParseHeapType(uint8_t* out);
  bool ParseLimits(Limits* out);
  // A memory type: `i32`|`i64`? then limits (u64 values; flag 0x04 when `i64`).
  bool ParseMemoryType(Limits* out);
  // Pass 1: whether the memory type at the current token starts with `i64` (records it for
  // memory memories_is64_.size(); nothing is consumed).
  void NoteMemoryIndexType();
  static void WriteLimits(BinaryWriter& w, const Limits& l);
  bool ParseGlobalType(uint8_t* type, bool* mut);
  bool BindId(Space space, uint32_t index);
  bool ParseIndex(Space space, uint32_t* out);
  uint32_t FindOrAddType(const FuncSig& sig);
  bool ParseTypeUseParts(TypeUseMode mode, TypeUse* use);
  bool ParseTypeUse(TypeUseMode mode, uint32_t* type_index,
                    std::vector<std::string_view>* param_ids);
  bool ParseBlockType(std::vector<uint8_t>& out);

  // Pass 1.
  bool ScanField();
  bool ParseInlineExports(Space space, uint32_t index);
  bool CheckImportOrder(const Token& at);
  bool ScanImportedDefinition(Space space, const Token& field_start);

  // Pass 2.
  bool EncodeImport(const Import& imp);
  bool EncodeFunc(const Func& f);
  bool EncodeTable(const Table& t);
  bool EncodeMemory(const Memory& m);
  bool EncodeGlobal(const Global& g);
  bool EncodeExport(const Export& e);
  bool EncodeElem(const Elem& e);
  bool EncodeData(const Data& d);
  bool ParseOffset(std::vector<uint8_t>& out);
  bool ParseConstExpr(std::vector<uint8_t>& out);
  void WriteNameSection(BinaryWriter& w);

  // Instructions (instruction_parser.cc).
  bool ParseInstrList(FuncContext& ctx, std::vector<uint8_t>& out);
  bool ParsePlainInstr(FuncContext& ctx, std::vector<uint8_t>& out);
  bool ParseFoldedInstr(FuncContext& ctx, std::vector<uint8_t>& out);
  bool ParseImmediates(const TextOpcode& op, const Token& at, FuncContext& ctx,
                       std::vector<uint8_t>& out);
  bool ParseLabelRef(FuncContext& ctx, uint32_t* depth);
  bool ParseLocalRef(FuncContext& ctx, uint32_t* index);
  bool ParseOptionalIndex(Space space, uint32_t* out);  // default 0 when absent
  bool ParseMemArg(const TextOpcode& op, std::vector<uint8_t>& out, bool lane = false);
  bool ParseV128Const(std::vector<uint8_t>& out);
  bool ParseLaneIndex(std::vector<uint8_t>& out, bool in_shuffle = false);
  bool IsNotAToken(const Token& t) const;    // reserved, or a keyword the reference lexer lacks
  bool IsLaneLiteral(const Token& t) const;  // a number, `inf` or `nan...`
  bool ParseEndLabel(std::string_view label);

  // Bound on folded-instruction nesting, the parser's only recursion (flat blocks use an
  // explicit stack): deeper than people write or tools print, shallow enough that no input
  // exhausts an 8 MiB stack even in sanitizer builds.
  static constexpr int kMaxNesting = 1000;

  const TokenList& list_;
  const std::vector<Token>& tokens_;
  size_t pos_;
  int depth_ = 0;
  TextOptions options_;
  std::string_view module_id_;

  // $ids for the name section, by index space, in index order (pass 1), and the named
  // parameters and locals of every function, imported ones included (pass 2).
  std::vector<std::pair<uint32_t, std::string_view>> space_names_[kNumModuleSpaces];
  std::vector<std::vector<std::pair<uint32_t, std::string_view>>> local_names_;
  uint32_t next_func_ = 0;  // pass 2: index of the next imported or defined function
  std::optional<Error> error_;

  std::unordered_map<std::string_view, uint32_t> names_[kNumModuleSpaces];
  uint32_t count_[kNumModuleSpaces] = {};
  bool defined_[kNumModuleSpaces] = {};  // a non-imported definition was seen (import order)

  std::vector<FuncSig> types_;
  std::unordered_map<std::string, uint32_t> type_by_sig_;  // first type with a signature
  std::vector<Import> imports_;
  std::vector<Func> funcs_;
  std::vector<Table> tables_;
  std::vector<Memory> memories_;
  // By memory index (imports included), from pass 1: memory64 memories, whose inline data
  // segments start at (i64.const 0).
  std::vector<bool> memory_is64_;
  std::vector<Global> globals_;
  std::vector<Export> exports_;
  std::vector<Elem> elems_;
  std::vector<Data> datas_;
  std::vector<FieldRef> fields_;
  size_t start_pos_ = 0;          // 0: no start field
  bool uses_data_count_ = false;  // a body uses memory.init or data.drop

  // Section contents (without their counts) built by pass 2.
  std::vector<uint8_t> import_section_, function_section_, table_section_, memory_section_,
      global_section_, export_section_, elem_section_, code_section_, data_section_;
  uint32_t num_imports_ = 0, num_funcs_ = 0, num_tables_ = 0, num_memories_ = 0, num_globals_ = 0,
           num_exports_ = 0, num_elems_ = 0, num_datas_ = 0;
  std::vector<uint8_t> body_;  // scratch for one function body
};

}  // namespace egret::text::internal

#endif  // EGRET_FRONTEND_TEXT_MODULE_PARSER_INTERNAL_H_
