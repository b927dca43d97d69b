// parser.cc: a recursive-descent reader for the .eir text format.
//
// Newlines are insignificant except after `return` (whose operand list ends at the line end),
// so instructions need no terminator. Values and blocks keep the numbers the text gives them;
// result types are inferred once the whole function is read, because an operand may be defined
// further down the text than its use.
#include "ir/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/literal.h"
#include "support/trap_code.h"

namespace egret::ir {
namespace {

constexpr uint32_t kMaxEntityNumber = 1u << 24;  // bounds what a typo can make us allocate

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

// "v12" with prefix "v" -> 12.
std::optional<uint32_t> EntityNumber(std::string_view word, std::string_view prefix) {
  if (word.size() <= prefix.size() || word.substr(0, prefix.size()) != prefix) return std::nullopt;
  uint64_t n = 0;
  for (char c : word.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > UINT32_MAX) return std::nullopt;
  }
  return static_cast<uint32_t>(n);
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view file, SourceMap* map)
      : text_(text), file_(file), map_(map) {}

  Expected<Module> Run() {
    Module m;
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size()) break;
      Function f;
      if (map_) {
        map_->function_offsets.push_back(static_cast<uint32_t>(pos_));
        map_->inst_offsets.emplace_back();
      }
      EGRET_TRY(ParseFunction(f));
      if (m.Find(f.name)) return ErrAt(fn_start_, "function %" + f.name + " is defined twice");
      m.functions.push_back(std::move(f));
    }
    return m;
  }

 private:
  // --- Lexing.
  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }
  // Whether a newline (or a comment, or the end) comes before the next token.
  bool AtLineEnd() {
    size_t p = pos_;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
    return p >= text_.size() || text_[p] == '\n' || text_[p] == ';';
  }
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool EatArrow() {
    SkipSpace();
    if (text_.substr(pos_, 2) != "->") return false;
    pos_ += 2;
    return true;
  }
  std::string_view PeekWord() {
    SkipSpace();
    size_t e = pos_;
    while (e < text_.size() && IsWordChar(text_[e])) ++e;
    return text_.substr(pos_, e - pos_);
  }
  std::string_view Word() {
    std::string_view w = PeekWord();
    pos_ += w.size();
    return w;
  }
  // A number or float literal: sign, word characters, ':' and a signed exponent.
  std::string_view NumberWord() {
    SkipSpace();
    size_t e = pos_;
    if (e < text_.size() && (text_[e] == '-' || text_[e] == '+')) ++e;
    while (e < text_.size()) {
      const char c = text_[e];
      if (IsWordChar(c) || c == ':') {
        ++e;
      } else if ((c == '+' || c == '-') && e > pos_ &&
                 (text_[e - 1] == 'p' || text_[e - 1] == 'P' || text_[e - 1] == 'e' ||
                  text_[e - 1] == 'E')) {
        ++e;
      } else {
        break;
      }
    }
    std::string_view w = text_.substr(pos_, e - pos_);
    pos_ = e;
    return w;
  }
  // Describes the next token for "found ..." in errors.
  std::string Found() {
    SkipSpace();
    if (pos_ >= text_.size()) return "end of input";
    std::string_view w = PeekWord();
    if (!w.empty()) return "'" + std::string(w) + "'";
    return "'" + std::string(1, text_[pos_]) + "'";
  }

  // `'word'` for a non-empty word, else a description of what is at the cursor.
  std::string Quote(std::string_view w) { return w.empty() ? Found() : "'" + std::string(w) + "'"; }
  Error ErrAt(size_t pos, std::string msg) {
    auto [line, col] = SourceMap::LineColumn(text_, pos);
    Error e = Error::AtLine(line, col, std::move(msg));
    e.InFile(std::string(file_));
    return e;
  }
  Error Expected_(const std::string& what) {
    SkipSpace();
    return ErrAt(pos_, "expected " + what + ", found " + Found());
  }
  Status Expect(char c, const std::string& context) {
    if (Eat(c)) return Status::Ok();
    return Expected_(std::string("'") + c + "' " + context);
  }

  // --- Entities.
  Expected<Value> UseValue(const std::string& context) {
    SkipSpace();
    const size_t at = pos_;
    auto n = EntityNumber(PeekWord(), "v");
    if (!n) return Expected_("a value (like v3) " + context);
    Word();
    if (*n >= kMaxEntityNumber) return ErrAt(at, "value number too large");
    Value v = ValueNumbered(*n);
    uses_.push_back({v, at});
    return v;
  }
  Value ValueNumbered(uint32_t n) {
    while (f_->dfg.NumValues() <= n) f_->dfg.MakeValue(Type::kInvalid);
    return Value(n);
  }
  Expected<Block> BlockNamed(const std::string& context, bool is_use) {
    SkipSpace();
    const size_t at = pos_;
    auto n = EntityNumber(PeekWord(), "block");
    if (!n) return Expected_("a block (like block2) " + context);
    Word();
    if (*n >= kMaxEntityNumber) return ErrAt(at, "block number too large");
    while (f_->dfg.NumBlocks() <= *n) f_->dfg.MakeBlock();
    if (is_use) block_uses_.push_back({Block(*n), at});
    return Block(*n);
  }
  Expected<std::vector<Value>> ValueListUntil(char close, const std::string& context) {
    std::vector<Value> vs;
    if (Eat(close)) return vs;
    for (;;) {
      EGRET_ASSIGN_OR_RETURN(Value v, UseValue(context));
      vs.push_back(v);
      if (Eat(close)) return vs;
      if (!Eat(',')) return Expected_(std::string("',' or '") + close + "' " + context);
    }
  }
  Expected<BlockCall> ParseBlockCall(const std::string& context) {
    EGRET_ASSIGN_OR_RETURN(Block b, BlockNamed(context, true));
    BlockCall bc{b, {}};
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      EGRET_ASSIGN_OR_RETURN(auto args,
                             ValueListUntil(')', "in the arguments of " + BlockNameStr(b)));
      bc.args = f_->dfg.MakeList(args);
    }
    return bc;
  }
  static std::string BlockNameStr(Block b) { return "block" + std::to_string(b.index); }
  Expected<int64_t> Integer(const std::string& what) {
    SkipSpace();
    const size_t at = pos_;
    std::string_view w = NumberWord();
    auto v = ParseInt(w);
    if (!v) return ErrAt(at, "expected " + what + ", found " + Quote(w));
    return *v;
  }
  // `+16`, `-8` or nothing, directly after an address or slot.
  Expected<int64_t> Offset() {
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
      const size_t at = pos_;
      const bool neg = text_[pos_] == '-';
      ++pos_;
      std::string_view w = PeekWord();
      auto v = ParseInt(w);
      if (!v || *v < INT32_MIN || *v > INT32_MAX)
        return ErrAt(at, "expected a 32-bit offset, found " + Quote(w));
      pos_ += w.size();
      return neg ? -*v : *v;
    }
    return int64_t{0};
  }
  Expected<Type> ParseTypeWord(const std::string& context) {
    SkipSpace();
    const size_t at = pos_;
    std::string_view w = Word();
    auto t = ParseType(w);
    if (!t)
      return ErrAt(at,
                   "expected a type (i8 i16 i32 i64 f32 f64) " + context + ", found " + Quote(w));
    return *t;
  }
  Expected<Signature> ParseSig() {
    Signature sig;
    EGRET_TRY(Expect('(', "to open the parameter types"));
    if (!Eat(')')) {
      for (;;) {
        EGRET_ASSIGN_OR_RETURN(Type t, ParseTypeWord("in the parameter list"));
        sig.params.push_back(t);
        if (Eat(')')) break;
        if (!Eat(',')) return Expected_("',' or ')' in the parameter list");
      }
    }
    if (EatArrow()) {
      for (;;) {
        EGRET_ASSIGN_OR_RETURN(Type t, ParseTypeWord("in the result list"));
        sig.results.push_back(t);
        SkipSpace();
        if (!Eat(',')) break;
      }
    }
    return sig;
  }

  // --- Functions.
  Status ParseFunction(Function& f) {
    f_ = &f;
    uses_.clear();
    block_uses_.clear();
    pending_.clear();
    result_values_.clear();
    defined_ = EntitySet<Value>();
    ext_by_name_.clear();
    SkipSpace();
    fn_start_ = pos_;
    if (PeekWord() != "function") return Expected_("'function'");
    Word();
    EGRET_TRY(Expect('%', "before the function name"));
    f.name = std::string(Word());
    if (f.name.empty()) return Expected_("a function name after '%'");
    EGRET_ASSIGN_OR_RETURN(f.signature, ParseSig());
    EGRET_TRY(Expect('{', "to open the function body"));
    EGRET_TRY(ParsePreamble());
    while (!Eat('}')) {
      if (pos_ >= text_.size()) return Expected_("'}' to close function %" + f.name);
      EGRET_TRY(ParseBlock());
    }
    return Finish();
  }

  Status ParsePreamble() {
    for (;;) {
      std::string_view w = PeekWord();
      SkipSpace();
      const size_t at = pos_;
      if (auto n = EntityNumber(w, "ss")) {
        Word();
        if (*n != f_->stack_slots.size())
          return ErrAt(at, "expected ss" + std::to_string(f_->stack_slots.size()) +
                               " (stack slots are declared in order)");
        EGRET_TRY(Expect('=', "after the stack slot name"));
        if (Word() != "stack_slot") return Expected_("'stack_slot'");
        EGRET_ASSIGN_OR_RETURN(int64_t size, Integer("a slot size"));
        EGRET_TRY(Expect(',', "after the slot size"));
        if (Word() != "align") return Expected_("'align'");
        EGRET_ASSIGN_OR_RETURN(int64_t align, Integer("an alignment"));
        if (size < 0 || size > INT32_MAX) return ErrAt(at, "stack slot size out of range");
        if (align <= 0 || align > 4096 || (align & (align - 1)))
          return ErrAt(at, "stack slot alignment must be a power of two up to 4096");
        f_->MakeStackSlot(static_cast<uint32_t>(size), static_cast<uint32_t>(align));
      } else if (auto n = EntityNumber(w, "sig")) {
        Word();
        if (*n != f_->dfg.NumSignatures())
          return ErrAt(at, "expected sig" + std::to_string(f_->dfg.NumSignatures()) +
                               " (signatures are declared in order)");
        EGRET_TRY(Expect('=', "after the signature name"));
        EGRET_ASSIGN_OR_RETURN(Signature sig, ParseSig());
        f_->dfg.ImportSignature(std::move(sig));
      } else if (auto n = EntityNumber(w, "fn")) {
        Word();
        if (*n != f_->dfg.NumExtFuncs())
          return ErrAt(at, "expected fn" + std::to_string(f_->dfg.NumExtFuncs()) +
                               " (functions are declared in order)");
        EGRET_TRY(Expect('=', "after the function reference"));
        EGRET_TRY(Expect('%', "before the callee name"));
        std::string name(Word());
        if (name.empty()) return Expected_("a callee name");
        if (ext_by_name_.count(name)) return ErrAt(at, "%" + name + " is declared twice");
        SkipSpace();
        const size_t sat = pos_;
        auto s = EntityNumber(Word(), "sig");
        if (!s) return ErrAt(sat, "expected a signature (like sig0) for %" + name);
        if (*s >= f_->dfg.NumSignatures())
          return ErrAt(sat, "sig" + std::to_string(*s) + " is not declared");
        ext_by_name_[name] = f_->dfg.ImportFunction({name, SigRef(*s)});
      } else {
        return Status::Ok();
      }
    }
  }

  Status ParseBlock() {
    SkipSpace();
    const size_t at = pos_;
    EGRET_ASSIGN_OR_RETURN(Block b, BlockNamed("or '}'", false));
    if (f_->layout.IsBlockInserted(b)) return ErrAt(at, BlockNameStr(b) + " is defined twice");
    f_->layout.AppendBlock(b);
    if (Eat('(')) {
      for (;;) {
        SkipSpace();
        const size_t vat = pos_;
        auto n = EntityNumber(PeekWord(), "v");
        if (!n) return Expected_("a parameter (like v3: i32)");
        Word();
        if (*n >= kMaxEntityNumber) return ErrAt(vat, "value number too large");
        Value v = ValueNumbered(*n);
        if (!defined_.Insert(v)) return ErrAt(vat, "v" + std::to_string(*n) + " is defined twice");
        EGRET_TRY(Expect(':', "after the parameter name"));
        EGRET_ASSIGN_OR_RETURN(Type t, ParseTypeWord("for the parameter"));
        f_->dfg.AttachBlockParam(b, v, t);
        if (Eat(')')) break;
        if (!Eat(',')) return Expected_("',' or ')' in the block parameters");
      }
    }
    EGRET_TRY(Expect(':', "after the block header"));
    for (;;) {
      const char c = Peek();
      if (c == '}' || c == '\0') return Status::Ok();
      if (EntityNumber(PeekWord(), "block")) return Status::Ok();
      EGRET_TRY(ParseInst(b));
    }
  }

  Status ParseInst(Block b) {
    SkipSpace();
    const size_t at = pos_;
    uint32_t srcloc = kNoSrcLoc;
    if (Eat('@')) {
      std::string_view w = Word();
      auto v = ParseUnsignedInt("0x" + std::string(w));
      if (w.empty() || !v || *v >= kNoSrcLoc)
        return ErrAt(at, "expected a hex source location after '@'");
      srcloc = static_cast<uint32_t>(*v);
    }
    const uint32_t results_start = static_cast<uint32_t>(result_values_.size());
    if (EntityNumber(PeekWord(), "v")) {
      for (;;) {
        SkipSpace();
        const size_t vat = pos_;
        auto n = EntityNumber(Word(), "v");
        if (!n) return Expected_("a result value");
        if (*n >= kMaxEntityNumber) return ErrAt(vat, "value number too large");
        Value v = ValueNumbered(*n);
        if (!defined_.Insert(v)) return ErrAt(vat, "v" + std::to_string(*n) + " is defined twice");
        result_values_.push_back(v);
        if (Eat('=')) break;
        if (!Eat(',')) return Expected_("',' or '=' after the result names");
      }
    }
    SkipSpace();
    const size_t op_at = pos_;
    std::string_view word = Word();
    if (word.empty()) return Expected_("an instruction");
    std::string_view name = word, suffix;
    if (auto dot = word.find('.'); dot != std::string_view::npos) {
      name = word.substr(0, dot);
      suffix = word.substr(dot + 1);
    }
    auto op = ParseOpcode(name);
    if (!op) return ErrAt(op_at, "unknown opcode '" + std::string(name) + "'");
    InstData d;
    d.opcode = *op;
    if (HasCtrlTypeSuffix(*op)) {
      auto t = ParseType(suffix);
      if (!t)
        return ErrAt(op_at, std::string(name) + " needs a type suffix like ." +
                                (*op == Opcode::kIconst ? "i32"
                                 : IsVectorOp(*op)      ? "i32x4"
                                                        : "i64"));
      d.type = *t;
    } else if (!suffix.empty()) {
      return ErrAt(op_at, std::string(name) + " takes no type suffix");
    }
    EGRET_TRY(ParseOperands(d));
    Inst i = f_->dfg.MakeInst(d);
    f_->layout.AppendInst(i, b);
    if (srcloc != kNoSrcLoc) f_->SetSrcLoc(i, srcloc);
    pending_.push_back(
        {i, results_start, static_cast<uint32_t>(result_values_.size()) - results_start, at});
    if (map_) {
      auto& offsets = map_->inst_offsets.back();
      if (offsets.size() <= i.index) offsets.resize(i.index + 1, 0);
      offsets[i.index] = static_cast<uint32_t>(at);
    }
    return Status::Ok();
  }

  Status ParseMemFlags(InstData& d) {
    d.trap = TrapCode::kHeapOutOfBounds;
    for (;;) {
      std::string_view w = PeekWord();
      if (auto bit = MemFlags::ParseBit(w)) {
        d.flags = d.flags.With(*bit);
      } else if (auto code = ParseTrapCode(w)) {
        d.trap = *code;
      } else {
        return Status::Ok();
      }
      Word();
    }
  }

  Status ParseOperands(InstData& d) {
    const std::string ctx = std::string("for ") + std::string(OpcodeName(d.opcode));
    switch (Info(d.opcode).format) {
      case InstFormat::kUnaryImm: {
        EGRET_ASSIGN_OR_RETURN(d.imm, Integer("an integer " + ctx));
        break;
      }
      case InstFormat::kUnaryF32:
      case InstFormat::kUnaryF64: {
        SkipSpace();
        const size_t at = pos_;
        std::string_view w = NumberWord();
        if (Info(d.opcode).format == InstFormat::kUnaryF32) {
          auto bits = ParseF32(w);
          if (!bits) return ErrAt(at, "expected an f32 literal, found " + Quote(w));
          d.imm = *bits;
        } else {
          auto bits = ParseF64(w);
          if (!bits) return ErrAt(at, "expected an f64 literal, found " + Quote(w));
          d.imm = static_cast<int64_t>(*bits);
        }
        break;
      }
      case InstFormat::kUnary: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        break;
      }
      case InstFormat::kIntCompare:
      case InstFormat::kIntCompareImm:
      case InstFormat::kFloatCompare: {
        SkipSpace();
        const size_t at = pos_;
        std::string_view w = Word();
        if (Info(d.opcode).format == InstFormat::kFloatCompare) {
          auto cc = ParseFloatCC(w);
          if (!cc)
            return ErrAt(
                at, "expected a float condition (eq ne lt le gt ge ord uno), found " + Quote(w));
          d.cond = static_cast<uint8_t>(*cc);
        } else {
          auto cc = ParseIntCC(w);
          if (!cc)
            return ErrAt(at,
                         "expected an integer condition (eq ne slt sle sgt sge ult ule ugt "
                         "uge), found " +
                             Quote(w));
          d.cond = static_cast<uint8_t>(*cc);
        }
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the first operand"));
        if (Info(d.opcode).format == InstFormat::kIntCompareImm) {
          EGRET_ASSIGN_OR_RETURN(d.imm, Integer("an integer immediate " + ctx));
        } else {
          EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue(ctx));
        }
        break;
      }
      case InstFormat::kBinary:
      case InstFormat::kTernary: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the first operand"));
        EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue(ctx));
        if (Info(d.opcode).format == InstFormat::kTernary) {
          EGRET_TRY(Expect(',', "after the second operand"));
          EGRET_ASSIGN_OR_RETURN(d.args[2], UseValue(ctx));
        }
        break;
      }
      case InstFormat::kBinaryImm: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the first operand"));
        EGRET_ASSIGN_OR_RETURN(d.imm, Integer("an integer immediate " + ctx));
        break;
      }
      case InstFormat::kLoad: {
        EGRET_TRY(ParseMemFlags(d));
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the address) " + ctx));
        EGRET_ASSIGN_OR_RETURN(d.imm, Offset());
        break;
      }
      case InstFormat::kStore: {
        EGRET_TRY(ParseMemFlags(d));
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the stored value) " + ctx));
        EGRET_TRY(Expect(',', "after the stored value"));
        EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue("(the address) " + ctx));
        EGRET_ASSIGN_OR_RETURN(d.imm, Offset());
        break;
      }
      case InstFormat::kStackStore: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the stored value"));
        [[fallthrough]];
      }
      case InstFormat::kStackLoad:
      case InstFormat::kStackAddr: {
        SkipSpace();
        const size_t at = pos_;
        auto n = EntityNumber(Word(), "ss");
        if (!n) return ErrAt(at, "expected a stack slot (like ss0) " + ctx);
        d.ref = *n;
        EGRET_ASSIGN_OR_RETURN(d.imm, Offset());
        break;
      }
      case InstFormat::kFuncAddr:
      case InstFormat::kCall: {
        EGRET_ASSIGN_OR_RETURN(FuncRef fr, Callee());
        d.ref = fr.index;
        if (Info(d.opcode).format == InstFormat::kCall) {
          EGRET_TRY(Expect('(', "to open the call arguments"));
          EGRET_ASSIGN_OR_RETURN(auto args, ValueListUntil(')', "in the call arguments"));
          d.vargs = f_->dfg.MakeList(args);
        }
        break;
      }
      case InstFormat::kCallIndirect: {
        SkipSpace();
        const size_t at = pos_;
        auto n = EntityNumber(Word(), "sig");
        if (!n) return ErrAt(at, "expected a signature (like sig0) for call_indirect");
        d.ref = *n;
        EGRET_TRY(Expect(',', "after the signature"));
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the callee) for call_indirect"));
        EGRET_TRY(Expect('(', "to open the call arguments"));
        EGRET_ASSIGN_OR_RETURN(auto args, ValueListUntil(')', "in the call arguments"));
        d.vargs = f_->dfg.MakeList(args);
        break;
      }
      case InstFormat::kJump: {
        EGRET_ASSIGN_OR_RETURN(d.dest[0], ParseBlockCall("for jump"));
        break;
      }
      case InstFormat::kBrif: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the condition) for brif"));
        EGRET_TRY(Expect(',', "after the condition"));
        EGRET_ASSIGN_OR_RETURN(d.dest[0], ParseBlockCall("for brif"));
        EGRET_TRY(Expect(',', "after the first target"));
        EGRET_ASSIGN_OR_RETURN(d.dest[1], ParseBlockCall("for brif"));
        break;
      }
      case InstFormat::kBrTable: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the index) for br_table"));
        EGRET_TRY(Expect(',', "after the index"));
        JumpTableData jt;
        EGRET_ASSIGN_OR_RETURN(jt.default_dest, ParseBlockCall("(the default) for br_table"));
        EGRET_TRY(Expect(',', "after the default target"));
        EGRET_TRY(Expect('[', "to open the br_table targets"));
        if (!Eat(']')) {
          for (;;) {
            EGRET_ASSIGN_OR_RETURN(BlockCall bc, ParseBlockCall("in the br_table targets"));
            jt.entries.push_back(bc);
            if (Eat(']')) break;
            if (!Eat(',')) return Expected_("',' or ']' in the br_table targets");
          }
        }
        d.ref = f_->dfg.MakeJumpTable(std::move(jt)).index;
        break;
      }
      case InstFormat::kMultiAry: {
        std::vector<Value> vs;
        if (!AtLineEnd()) {
          for (;;) {
            EGRET_ASSIGN_OR_RETURN(Value v, UseValue("for return"));
            vs.push_back(v);
            if (!Eat(',')) break;
          }
        }
        d.vargs = f_->dfg.MakeList(vs);
        break;
      }
      case InstFormat::kAtomicLoad:
      case InstFormat::kAtomicStore:
      case InstFormat::kAtomicRmw:
      case InstFormat::kAtomicCas: {
        const InstFormat fmt = Info(d.opcode).format;
        if (fmt == InstFormat::kAtomicRmw) {
          SkipSpace();
          const size_t at = pos_;
          std::string_view w = Word();
          auto rop = ParseAtomicRmwOp(w);
          if (!rop)
            return ErrAt(at, "expected an atomic_rmw operation (add sub and or xor xchg), found " +
                                 Quote(w));
          d.cond = static_cast<uint8_t>(*rop);
        }
        // The width: u8/u16/u32 when narrower than the type, which the verifier checks (0 until
        // the operands are known: the full width of the type, filled in below).
        d.imm = 0;
        std::string_view w = PeekWord();
        if (w == "u8" || w == "u16" || w == "u32") {
          d.imm = w == "u8" ? 1 : w == "u16" ? 2 : 4;
          Word();
        }
        EGRET_TRY(ParseMemFlags(d));
        if (fmt == InstFormat::kAtomicStore) {
          EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the stored value) " + ctx));
          EGRET_TRY(Expect(',', "after the stored value"));
          EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue("(the address) " + ctx));
        } else {
          EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue("(the address) " + ctx));
          if (fmt != InstFormat::kAtomicLoad) {
            EGRET_TRY(Expect(',', "after the address"));
            EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue(ctx));
          }
          if (fmt == InstFormat::kAtomicCas) {
            EGRET_TRY(Expect(',', "after the expected value"));
            EGRET_ASSIGN_OR_RETURN(d.args[2], UseValue(ctx));
          }
          if (d.imm == 0) d.imm = TypeBytes(d.type);
        }
        break;
      }
      case InstFormat::kNullary:
        break;
      case InstFormat::kVconst: {
        if (!IsVector(d.type))
          return Expected_("a vector type suffix (like vconst.i32x4) for vconst");
        EGRET_TRY(Expect('[', "to open the vconst lanes"));
        const Type lane = LaneType(d.type);
        V128 v;
        for (uint32_t k = 0; k < LaneCount(d.type); ++k) {
          SkipSpace();
          const size_t at = pos_;
          std::string_view w = NumberWord();
          auto bits = ParseScalarLiteral(lane, w);
          if (!bits)
            return ErrAt(at, "expected " + std::to_string(LaneCount(d.type)) + " " +
                                 std::string(TypeName(lane)) + " lanes for vconst." +
                                 std::string(TypeName(d.type)) + ", found " + Quote(w));
          v.SetLane(TypeBits(lane), k, *bits);
        }
        EGRET_TRY(Expect(']', "after the " + std::to_string(LaneCount(d.type)) + " lanes"));
        d.ref = f_->dfg.AddConstant(v);
        break;
      }
      case InstFormat::kExtractLane:
      case InstFormat::kInsertLane: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the vector operand"));
        if (Info(d.opcode).format == InstFormat::kInsertLane) {
          EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue(ctx));
          EGRET_TRY(Expect(',', "after the inserted value"));
        }
        SkipSpace();
        const size_t at = pos_;
        std::string_view w = NumberWord();
        auto lane = ParseUnsignedInt(w);
        if (!lane || *lane > 255)
          return ErrAt(at, "expected a lane number " + ctx + ", found " + Quote(w));
        d.imm = static_cast<int64_t>(*lane);
        break;
      }
      case InstFormat::kShuffle: {
        EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the first operand"));
        EGRET_ASSIGN_OR_RETURN(d.args[1], UseValue(ctx));
        EGRET_TRY(Expect(',', "after the second operand"));
        EGRET_TRY(Expect('[', "to open the 16 shuffle lane indices"));
        V128 mask;
        for (uint32_t k = 0; k < 16; ++k) {
          SkipSpace();
          const size_t at = pos_;
          std::string_view w = NumberWord();
          auto lane = ParseUnsignedInt(w);
          if (!lane || *lane > 255)
            return ErrAt(at, "expected 16 shuffle lane indices, found " + Quote(w));
          mask.SetLane(8, k, *lane);
        }
        EGRET_TRY(Expect(']', "after the 16 shuffle lane indices"));
        d.ref = f_->dfg.AddConstant(mask);
        break;
      }
      case InstFormat::kTrap:
      case InstFormat::kCondTrap: {
        if (Info(d.opcode).format == InstFormat::kCondTrap) {
          EGRET_ASSIGN_OR_RETURN(d.args[0], UseValue(ctx));
          EGRET_TRY(Expect(',', "after the condition"));
        }
        SkipSpace();
        const size_t at = pos_;
        std::string_view w = Word();
        auto code = ParseTrapCode(w);
        if (!code) return ErrAt(at, "expected a trap code (like int_divz), found " + Quote(w));
        d.trap = *code;
        break;
      }
    }
    return Status::Ok();
  }

  Expected<FuncRef> Callee() {
    SkipSpace();
    const size_t at = pos_;
    EGRET_TRY(Expect('%', "before the callee name"));
    std::string name(Word());
    auto it = ext_by_name_.find(name);
    if (it == ext_by_name_.end())
      return ErrAt(at,
                   "unknown function %" + name + " (declare it first: fn0 = %" + name + " sig0)");
    return it->second;
  }

  // After the body: every used value and block is defined; result types follow from operand
  // types, which may be known only once later instructions are read.
  Status Finish() {
    for (auto [v, at] : uses_)
      if (!defined_.Contains(v))
        return ErrAt(at, "v" + std::to_string(v.index) + " is used but never defined");
    for (auto [b, at] : block_uses_)
      if (!f_->layout.IsBlockInserted(b))
        return ErrAt(at, BlockNameStr(b) + " is used but never defined");
    std::vector<Type> types;
    std::vector<bool> done(pending_.size(), false);
    size_t remaining = pending_.size();
    // Passes alternate direction, so a chain of forward references resolves in one or two passes
    // whichever way it runs through the text.
    for (bool progress = true, backward = false; progress && remaining > 0; backward = !backward) {
      progress = false;
      for (size_t n = 0; n < pending_.size(); ++n) {
        const size_t k = backward ? pending_.size() - 1 - n : n;
        if (done[k]) continue;
        const Pending& p = pending_[k];
        if (!f_->dfg.ExpectedResultTypes(p.inst, types)) {
          if (Info(f_->dfg[p.inst].opcode).typing == ResultTyping::kCallResults) {
            return ErrAt(p.at, "the call's signature is not declared");
          }
          continue;
        }
        if (types.size() != p.num_results) {
          return ErrAt(p.at, std::string(OpcodeName(f_->dfg[p.inst].opcode)) + " produces " +
                                 std::to_string(types.size()) + " result(s) but " +
                                 std::to_string(p.num_results) + " are named");
        }
        for (size_t r = 0; r < types.size(); ++r)
          f_->dfg.AttachInstResult(p.inst, result_values_[p.results_start + r], types[r]);
        done[k] = true;
        --remaining;
        progress = true;
      }
    }
    for (size_t k = 0; k < pending_.size(); ++k) {
      if (!done[k])
        return ErrAt(pending_[k].at,
                     "cannot determine the result type (the operands' types are unknown)");
      // A full-width atomic_store takes its width from the stored value, now typed.
      InstData& d = f_->dfg[pending_[k].inst];
      if (d.opcode == Opcode::kAtomicStore && d.imm == 0) {
        const Type vt = f_->dfg.ValueType(d.args[0]);
        if (IsInt(vt)) d.imm = TypeBytes(vt);
      }
    }
    return Status::Ok();
  }

  struct Pending {
    Inst inst;
    uint32_t results_start;  // into result_values_
    uint32_t num_results;
    size_t at;
  };

  std::string_view text_;
  std::string_view file_;
  SourceMap* map_;
  size_t pos_ = 0;
  size_t fn_start_ = 0;
  Function* f_ = nullptr;
  std::vector<std::pair<Value, size_t>> uses_;
  std::vector<std::pair<Block, size_t>> block_uses_;
  std::vector<Pending> pending_;
  std::vector<Value> result_values_;  // the named results of all pending instructions
  EntitySet<Value> defined_;
  std::unordered_map<std::string, FuncRef> ext_by_name_;
};

}  // namespace

Expected<Module> ParseModule(std::string_view text, std::string_view file, SourceMap* source_map) {
  return Parser(text, file, source_map).Run();
}

std::pair<uint32_t, uint32_t> SourceMap::LineColumn(std::string_view text, size_t offset) {
  uint32_t line = 1, col = 1;
  for (size_t k = 0; k < offset && k < text.size(); ++k) {
    if (text[k] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace egret::ir
