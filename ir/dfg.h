// dfg.h: the data-flow graph: instructions, values, blocks with parameters, jump tables,
// signatures and external functions.
//
// The DFG says what each instruction computes and from which values; the Layout (layout.h) says
// in which order blocks and instructions run. An instruction exists in the DFG from the moment
// it is made, whether or not it is placed in the layout.
//
// Invariants:
//  - Every Value is exactly one of: the result number `num` of instruction `def`, parameter
//    number `num` of block `def`, an alias of another value (left behind when SSA construction
//    removes a trivial block parameter; FunctionBuilder::Finalize rewrites every use away), or
//    kNone (a number the text parser skipped).
//  - InstData's fields are meaningful as its opcode's InstFormat says (opcode.h); the rest stay
//    at their defaults, so two equal instructions compare equal field by field.
//  - A branch's BlockCall args correspond one-to-one with the target block's parameters (the
//    verifier checks this; SSA construction maintains it while adding and removing parameters).
#ifndef EGRET_IR_DFG_H_
#define EGRET_IR_DFG_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/entities.h"
#include "ir/opcode.h"
#include "ir/types.h"
#include "support/entity.h"
#include "support/trap_code.h"

namespace egret::ir {

// A branch target with the arguments passed to its parameters.
struct BlockCall {
  Block block;
  ValueList args;
};

struct InstData {
  Opcode opcode = Opcode::kTrap;
  Type type = Type::kInvalid;  // the `.type` suffix for ResultTyping::kCtrl, else kInvalid
  uint8_t cond = 0;            // IntCC or FloatCC for compares
  MemFlags flags;              // loads and stores
  TrapCode trap = TrapCode::kUnreachable;  // trap, trapz, trapnz, and loads/stores that can trap
  Value args[3];                           // fixed value operands
  uint32_t ref = UINT32_MAX;  // StackSlot, FuncRef, SigRef, JumpTable or constant index
  int64_t imm = 0;            // immediate, float bits, or memory/stack offset
  ValueList vargs;            // call arguments, return values
  ValueList results;
  BlockCall dest[2];  // jump: dest[0]; brif: dest[0] when non-zero, dest[1] when zero
};

enum class ValueKind : uint8_t { kNone, kResult, kParam, kAlias };

struct ValueData {
  Type type = Type::kInvalid;
  ValueKind kind = ValueKind::kNone;
  uint32_t num = 0;           // result or parameter position
  uint32_t def = UINT32_MAX;  // Inst, Block or aliased Value index
};

struct BlockData {
  ValueList params;
};

struct JumpTableData {
  BlockCall default_dest;
  std::vector<BlockCall> entries;  // br_table v, ...: entries[v] if v < size, else default
};

struct Signature {
  std::vector<Type> params;
  std::vector<Type> results;
  friend bool operator==(const Signature&, const Signature&) = default;
};

struct ExtFuncData {
  std::string name;  // without the leading '%'
  SigRef sig;
};

// The number of fixed value operands (InstData::args) an instruction of format `f` uses. Inline
// (a table lookup once compiled): every operand walk of every pass asks it per instruction.
constexpr size_t NumFixedArgs(InstFormat f) {
  switch (f) {
    case InstFormat::kUnary:
    case InstFormat::kExtractLane:
    case InstFormat::kBinaryImm:
    case InstFormat::kIntCompareImm:
    case InstFormat::kLoad:
    case InstFormat::kAtomicLoad:
    case InstFormat::kStackStore:
    case InstFormat::kCallIndirect:
    case InstFormat::kBrif:
    case InstFormat::kBrTable:
    case InstFormat::kCondTrap:
      return 1;
    case InstFormat::kBinary:
    case InstFormat::kIntCompare:
    case InstFormat::kFloatCompare:
    case InstFormat::kStore:
    case InstFormat::kAtomicStore:
    case InstFormat::kAtomicRmw:
    case InstFormat::kInsertLane:
    case InstFormat::kShuffle:
      return 2;
    case InstFormat::kTernary:
    case InstFormat::kAtomicCas:
      return 3;
    default:
      return 0;
  }
}

class DataFlowGraph {
 public:
  // --- Blocks and their parameters.
  Block MakeBlock() { return blocks_.Push({}); }
  size_t NumBlocks() const { return blocks_.size(); }
  bool IsValidBlock(Block b) const { return blocks_.IsValid(b); }
  Value AppendBlockParam(Block b, Type t);
  void AttachBlockParam(Block b, Value v, Type t);  // v must be kNone (used by the parser)
  // Removes parameter `index`; later parameters move down one position. The value is left as
  // kNone (or whatever the caller turns it into, e.g. an alias).
  void RemoveBlockParam(Block b, uint32_t index);
  std::span<const Value> BlockParams(Block b) const { return pool_.Get(blocks_[b].params); }

  // --- Instructions.
  Inst MakeInst(const InstData& data) { return insts_.Push(data); }
  size_t NumInsts() const { return insts_.size(); }
  bool IsValidInst(Inst i) const { return insts_.IsValid(i); }
  InstData& operator[](Inst i) { return insts_[i]; }
  const InstData& operator[](Inst i) const { return insts_[i]; }
  // Creates the results an instruction's ResultTyping calls for (calls: from the signature).
  // Operands must already be set and valid.
  void MakeInstResults(Inst i);
  // Appends one result of type t (used by the parser, which numbers values itself).
  Value AppendInstResult(Inst i, Type t);
  void AttachInstResult(Inst i, Value v, Type t);  // v must be kNone
  std::span<const Value> InstResults(Inst i) const { return pool_.Get(insts_[i].results); }
  Value FirstResult(Inst i) const {
    EGRET_CHECK(insts_[i].results.size > 0);
    return pool_.Get(insts_[i].results)[0];
  }
  // The result types an instruction should have according to its typing rule; false if they
  // cannot be determined (bad operands), in which case `out` is unspecified.
  bool ExpectedResultTypes(Inst i, std::vector<Type>& out) const;
  // The one result type of a non-call instruction (kInvalid for no result or unknown operands).
  Type SingleResultType(Inst i) const { return ResultTypeOf(insts_[i]); }
  // SingleResultType's rule for an instruction's data, made or not (inline: the builder types
  // every instruction it appends with it).
  Type ResultTypeOf(const InstData& d) const {
    return ResultTypeFor(d.opcode, d.type, d.args[0], d.args[1]);
  }
  // The same rule from the fields it reads: the opcode, the `.type` suffix (ctrl) and the first
  // two fixed operands, for a builder that knows them before the instruction exists.
  Type ResultTypeFor(Opcode op, Type ctrl, Value a0, Value a1) const {
    auto arg_type = [&](Value v) -> Type {
      return values_.IsValid(v) ? values_[v].type : Type::kInvalid;
    };
    switch (Info(op).typing) {
      case ResultTyping::kSameAsArg:
        return arg_type(a0);
      case ResultTyping::kCtrl:
        return ctrl;
      case ResultTyping::kFixedF32:
        return Type::kF32;
      case ResultTyping::kFixedF64:
        return Type::kF64;
      case ResultTyping::kBool:
        return Type::kI32;
      case ResultTyping::kSelectTyping:
        return arg_type(a1);
      case ResultTyping::kFixedI32:
        return Type::kI32;
      case ResultTyping::kLaneOfArg:
        return LaneType(arg_type(a0));
      case ResultTyping::kIntVecOfArg:
        return IsFloatVector(arg_type(a0)) ? IntVectorOf(arg_type(a0)) : Type::kInvalid;
      case ResultTyping::kNoResult:
      case ResultTyping::kCallResults:
        break;
    }
    return Type::kInvalid;
  }
  // MakeInst then MakeInstResults, in one step, for an instruction with exactly one result,
  // of type `t` (ResultTypeOf(data), which the caller has checked is valid): the same
  // instruction, value and result list, in the same order.
  // Returns the instruction and sets `result` to its one result.
  Inst MakeInstWithResult(const InstData& data, Type t, Value& result) {
    const Inst i(static_cast<uint32_t>(insts_.size()));
    result = values_.Push({t, ValueKind::kResult, 0, i.index});
    // The result list is filled in before the instruction is pushed, so the instruction is
    // copied once and its table entry is not looked up again.
    InstData& d = insts_.PushRef(data);
    d.results = pool_.MakeOne(result);
    return i;
  }
  // The fixed value operands used by the instruction's format (not vargs or branch args).
  std::span<const Value> FixedArgs(Inst i) const {
    const InstData& d = insts_[i];
    return {d.args, NumFixedArgs(Info(d.opcode).format)};
  }
  std::span<const Value> VarArgs(Inst i) const { return pool_.Get(insts_[i].vargs); }
  // Calls f(Value) for every value operand: fixed, variable, and branch arguments.
  template <class F>
  void ForEachOperand(Inst i, F&& f) const;
  // Calls f(Value&) for every value operand slot, so the operand can be rewritten.
  template <class F>
  void MapOperands(Inst i, F&& f);
  // Calls f(const BlockCall&) for every branch destination (jump tables included, default
  // first). For br_table this is all entries, which may name the same block several times.
  template <class F>
  void ForEachDest(Inst i, F&& f) const;
  template <class F>
  void ForEachDestMut(Inst i, F&& f);

  // --- Values.
  Value MakeValue(Type t) { return values_.Push({t, ValueKind::kNone, 0, UINT32_MAX}); }
  size_t NumValues() const { return values_.size(); }
  bool IsValidValue(Value v) const { return values_.IsValid(v); }
  const ValueData& ValueInfo(Value v) const { return values_[v]; }
  ValueData& MutableValueInfo(Value v) { return values_[v]; }
  Type ValueType(Value v) const { return values_[v].type; }
  // Makes `v` an alias of `target` (v must not be used any more once aliases are resolved).
  void MakeAlias(Value v, Value target);
  Value ResolveAliases(Value v) const {
    while (values_[v].kind == ValueKind::kAlias) v = Value(values_[v].def);
    return v;
  }

  // --- Value lists.
  ValueListPool& pool() { return pool_; }
  const ValueListPool& pool() const { return pool_; }
  ValueList MakeList(std::span<const Value> values) { return pool_.Make(values); }

  // --- Jump tables, signatures and external functions.
  JumpTable MakeJumpTable(JumpTableData data) { return jump_tables_.Push(std::move(data)); }
  JumpTableData& jump_table(JumpTable jt) { return jump_tables_[jt]; }
  const JumpTableData& jump_table(JumpTable jt) const { return jump_tables_[jt]; }
  size_t NumJumpTables() const { return jump_tables_.size(); }
  bool IsValidJumpTable(JumpTable jt) const { return jump_tables_.IsValid(jt); }

  // Signatures and external functions are copied into slots a Clear keeps (PushTable), so a
  // function rebuilt in this graph reuses their vectors' and names' capacity: no allocation
  // per callee once a worker has translated a few functions.
  SigRef ImportSignature(const Signature& sig) { return signatures_.Push(sig); }
  // A new signature with no parameters and no results, for the caller to fill through the
  // reference (the translator writes a Wasm type's IR types straight into it).
  Signature& NewSignature(SigRef* ref) {
    *ref = signatures_.NextKey();
    Signature& s = signatures_.PushSlot();
    s.params.clear();
    s.results.clear();
    return s;
  }
  const Signature& signature(SigRef s) const { return signatures_[s]; }
  size_t NumSignatures() const { return signatures_.size(); }
  bool IsValidSigRef(SigRef s) const { return signatures_.IsValid(s); }

  FuncRef ImportFunction(std::string_view name, SigRef sig) {
    const FuncRef ref = ext_funcs_.NextKey();
    ExtFuncData& e = ext_funcs_.PushSlot();
    e.name.assign(name);
    e.sig = sig;
    return ref;
  }
  FuncRef ImportFunction(const ExtFuncData& f) { return ImportFunction(f.name, f.sig); }
  const ExtFuncData& ext_func(FuncRef f) const { return ext_funcs_[f]; }
  size_t NumExtFuncs() const { return ext_funcs_.size(); }
  bool IsValidFuncRef(FuncRef f) const { return ext_funcs_.IsValid(f); }

  // --- Vector constants: vconst's 16 bytes and vshuffle's lane mask live out of line, so that
  // InstData stays small; `ref` indexes this table. Constants are interned (equal bits, equal
  // index), so equal instructions still compare equal field by field (GVN relies on it).
  uint32_t AddConstant(const V128& c);
  const V128& constant(uint32_t k) const { return constants_[k]; }
  size_t NumConstants() const { return constants_.size(); }
  bool IsValidConstant(uint32_t k) const { return k < constants_.size(); }

  // The signature an instruction's call follows (call: its FuncRef's; call_indirect: its
  // SigRef); invalid SigRef if the reference is out of range.
  SigRef CallSignature(Inst i) const;

  void ReserveInsts(size_t n) {
    insts_.Reserve(n);
    values_.Reserve(n);
  }

  // Removes everything, keeping the tables' capacity, so the graph can be rebuilt for another
  // function without allocating again (a compiler worker reuses one Function).
  void Clear();

 private:
  // MakeInstResults of an instruction that has no result yet and gets one of type t.
  void MakeOnlyResult(Inst i, Type t);

  // The instructions and the values: PrimaryMap's interface, with an inline push whose only
  // test is for room (the storage grows out of line), and an entry copied from a reference
  // (PrimaryMap::PushRef takes its value by value: a second copy). The builder pushes one of
  // each per instruction it makes; std::vector::push_back inlines its reallocation there, and
  // the registers that path needs cost every push a longer prologue.
  // Invariant: size_ <= items_.size() (the capacity, value-initialised when it grows; Clear
  // keeps it); entries [0, size_) are the table's.
  template <class K, class V>
  struct PushTable {
    std::vector<V> items;
    uint32_t size_ = 0, capacity_ = 0;
    PushTable() = default;
    PushTable(const PushTable&) = default;
    PushTable& operator=(const PushTable&) = default;
    // A moved-from table is empty, with no storage (its counts must not outlive its vector).
    PushTable(PushTable&& o) noexcept
        : items(std::move(o.items)),
          size_(std::exchange(o.size_, 0)),
          capacity_(std::exchange(o.capacity_, 0)) {
      o.items.clear();
    }
    PushTable& operator=(PushTable&& o) noexcept {
      if (this != &o) {
        items = std::move(o.items);
        o.items.clear();
        size_ = std::exchange(o.size_, 0);
        capacity_ = std::exchange(o.capacity_, 0);
      }
      return *this;
    }
    K Push(const V& v) {
      PushRef(v);
      return K(size_ - 1);
    }
    [[gnu::always_inline]] V& PushRef(const V& v) {
      V& e = PushSlot();
      e = v;
      return e;
    }
    // The next entry as a Clear left it (or value-initialised): the caller overwrites it.
    [[gnu::always_inline]] V& PushSlot() {
      if (size_ == capacity_) [[unlikely]]
        Grow(size_t{size_} + 1);
      return items[size_++];
    }
    K NextKey() const { return K(size_); }
    V& operator[](K k) {
      EGRET_DCHECK(k.index < size_);
      return items[k.index];
    }
    const V& operator[](K k) const {
      EGRET_DCHECK(k.index < size_);
      return items[k.index];
    }
    bool IsValid(K k) const { return k.index < size_; }
    size_t size() const { return size_; }
    void Reserve(size_t n) {
      if (n > capacity_) Grow(n);
    }
    void Clear() { size_ = 0; }
    // Makes the capacity at least n, at least doubling it.
    [[gnu::noinline]] void Grow(size_t n) {
      items.resize(std::max<size_t>({n, 2 * size_t{capacity_}, 16}));
      capacity_ = static_cast<uint32_t>(items.size());
    }
  };
  PushTable<Inst, InstData> insts_;
  PushTable<Value, ValueData> values_;
  PrimaryMap<Block, BlockData> blocks_;
  PrimaryMap<JumpTable, JumpTableData> jump_tables_;
  PushTable<SigRef, Signature> signatures_;
  PushTable<FuncRef, ExtFuncData> ext_funcs_;
  ValueListPool pool_;
  std::vector<V128> constants_;
  // Open-addressing hash of constants_ (indices, UINT32_MAX empty; a power of two in size, at
  // most half full).
  std::vector<uint32_t> constant_slots_;
};

// --- Predicates for passes, refining the opcode flags with per-instruction facts.

// Whether executing the instruction may trap. Loads and stores marked `notrap` cannot.
inline bool InstCanTrap(const InstData& d) {
  const InstFormat fmt = Info(d.opcode).format;
  if (fmt == InstFormat::kLoad || fmt == InstFormat::kStore || IsAtomicFormat(fmt))
    return !d.flags.Has(MemFlags::kNotrap);
  return Info(d.opcode).Has(kCanTrap);
}
// Whether removing the instruction (when its results are unused) could change behaviour:
// it writes memory, calls, traps, or transfers control.
inline bool InstHasSideEffects(const InstData& d) {
  const OpcodeInfo& info = Info(d.opcode);
  return InstCanTrap(d) || info.Has(kWritesMem) || info.Has(kIsCall) || info.Has(kTerminator);
}
// Whether the instruction may be moved or merged with an identical one: no side effects, and
// any memory it reads is `readonly` (so no store in between can change it).
inline bool InstIsMovable(const InstData& d) {
  if (InstHasSideEffects(d)) return false;
  if (Info(d.opcode).Has(kReadsMem)) {
    return Info(d.opcode).format == InstFormat::kLoad && d.flags.Has(MemFlags::kReadonly);
  }
  return true;
}

// --- Template definitions.

template <class F>
void DataFlowGraph::ForEachOperand(Inst i, F&& f) const {
  for (Value v : FixedArgs(i)) f(v);
  for (Value v : pool_.Get(insts_[i].vargs)) f(v);
  ForEachDest(i, [&](const BlockCall& bc) {
    for (Value v : pool_.Get(bc.args)) f(v);
  });
}

template <class F>
void DataFlowGraph::MapOperands(Inst i, F&& f) {
  InstData& d = insts_[i];
  const size_t nfixed = FixedArgs(i).size();
  for (size_t k = 0; k < nfixed; ++k) f(d.args[k]);
  for (Value& v : pool_.GetMut(d.vargs)) f(v);
  ForEachDestMut(i, [&](BlockCall& bc) {
    for (Value& v : pool_.GetMut(bc.args)) f(v);
  });
}

template <class F>
void DataFlowGraph::ForEachDest(Inst i, F&& f) const {
  const InstData& d = insts_[i];
  switch (Info(d.opcode).format) {
    case InstFormat::kJump:
      f(d.dest[0]);
      break;
    case InstFormat::kBrif:
      f(d.dest[0]);
      f(d.dest[1]);
      break;
    case InstFormat::kBrTable:
      if (jump_tables_.IsValid(JumpTable(d.ref))) {
        const JumpTableData& jt = jump_tables_[JumpTable(d.ref)];
        f(jt.default_dest);
        for (const BlockCall& bc : jt.entries) f(bc);
      }
      break;
    default:
      break;
  }
}

template <class F>
void DataFlowGraph::ForEachDestMut(Inst i, F&& f) {
  InstData& d = insts_[i];
  switch (Info(d.opcode).format) {
    case InstFormat::kJump:
      f(d.dest[0]);
      break;
    case InstFormat::kBrif:
      f(d.dest[0]);
      f(d.dest[1]);
      break;
    case InstFormat::kBrTable:
      if (jump_tables_.IsValid(JumpTable(d.ref))) {
        JumpTableData& jt = jump_tables_[JumpTable(d.ref)];
        f(jt.default_dest);
        for (BlockCall& bc : jt.entries) f(bc);
      }
      break;
    default:
      break;
  }
}

}  // namespace egret::ir

#endif  // EGRET_IR_DFG_H_
