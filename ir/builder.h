// builder.h: FunctionBuilder, which appends instructions to a Function and constructs SSA form
// for mutable variables on the fly.
//
// SSA construction follows Braun et al., "Simple and Efficient Construction of Static Single
// Assignment Form" (CC 2013). The client (the Wasm frontend: locals are variables) calls
// DefVar/UseVar as it goes; a block whose predecessors are all known is *sealed*. Reading a
// variable in a block that does not define it:
//   - unsealed block: add a block parameter now, fill in the predecessors' arguments on SealBlock;
//   - sealed, one predecessor: read it there (walked iteratively, no recursion on long chains);
//   - sealed, several predecessors: read the variable in every predecessor; if they all give
//     one value, that is the variable's value here and no parameter is made; otherwise add a
//     block parameter and append the values to the branches. While the predecessors are read
//     the block's definition is *pending*: a read that comes round a cycle back to it (through
//     a loop's back edge) adds the parameter then, which ends the cycle, and the parameter is
//     removed again if it turns out trivial (all incoming values are one value or the
//     parameter itself): it then becomes an alias of that value;
//   - sealed, no predecessor (entry, unreachable code): the type's zero, as Wasm locals start.
// A client that knows which variables a loop assigns (Wasm: the locals its body sets) declares
// the loop's header with DeclareLoopHeader: reading any other variable there reads it in the
// header's entry predecessor, sealed or not, so no parameter is created (and none removed again)
// for a variable the loop does not change; the value is then remembered in the header too.
// Likewise a client that knows which variables a single-entry region assigns (Wasm: the locals a
// `block` or `if` sets) declares the region's join block with DeclareJoin: reading any other
// variable at the join reads it at the end of the region's entry block, instead of in every
// predecessor (which would all find that same value, each walking its own path back).
// Finalize() removes trivial parameters that became trivial later (a fixpoint over the
// parameters the construction added) and, if any parameter became an alias, rewrites every use
// of an alias to its target.
//
// The walk uses an explicit work stack, so deep nests of joins cannot overflow the C++ stack.
// Definitions involve no hashing: the current block's live in a dense per-variable array
// (stamped with an epoch, so switching blocks clears it in O(1)); when the builder leaves a
// block, its definitions move to that block's span of (variable, value) pairs sorted by
// variable, and the walk finds a definition in another block by binary search in its span.
// All spans share one flat pool (a span that must grow moves to the pool's end with twice the
// room), so neither definitions nor instructions allocate on their own.
//
// Rules for clients: add a block's own parameters before branching to it; branch to a block
// only before sealing it; seal every block before Finalize().
//
// Example (a counted loop, sum = 0; for (i = n; i != 0; --i) sum += i):
//
//   Function f("sum", {{Type::kI32}, {Type::kI32}});
//   FunctionBuilder b(f);
//   Variable i = b.DeclareVar(Type::kI32), sum = b.DeclareVar(Type::kI32);
//   Block entry = b.CreateBlock(), loop = b.CreateBlock(), exit = b.CreateBlock();
//   b.SwitchToBlock(entry);
//   Value n = b.AppendBlockParam(entry, Type::kI32);
//   b.SealBlock(entry);
//   b.DefVar(i, n);
//   b.DefVar(sum, b.Iconst(Type::kI32, 0));
//   b.Jump(loop);
//   b.SwitchToBlock(loop);                       // loop is not sealed: the back edge is unknown
//   b.DefVar(sum, b.Binary(Opcode::kIadd, b.UseVar(sum), b.UseVar(i)));
//   Value next = b.BinaryImm(Opcode::kIaddImm, b.UseVar(i), -1);
//   b.DefVar(i, next);
//   b.Brif(next, loop, {}, exit, {});
//   b.SealBlock(loop);
//   b.SwitchToBlock(exit);
//   b.SealBlock(exit);
//   b.Return({b.UseVar(sum)});
//   b.Finalize();
#ifndef EGRET_IR_BUILDER_H_
#define EGRET_IR_BUILDER_H_

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "ir/function.h"

namespace egret::ir {

using Variable = Id<struct VariableTag>;

class FunctionBuilder {
 public:
  // A branch destination for BrTable.
  struct Dest {
    Block block;
    std::span<const Value> args;
  };

  // The builder's SSA-construction tables, kept between builders: a builder given a Scratch
  // borrows its storage and gives it back cleared with its capacity, so a thread that builds
  // function after function (the translator) stops allocating once the tables have grown.
  struct Scratch;

  explicit FunctionBuilder(Function& func, Scratch* scratch = nullptr);
  ~FunctionBuilder();
  FunctionBuilder(const FunctionBuilder&) = delete;
  FunctionBuilder& operator=(const FunctionBuilder&) = delete;

  // Starts over on `func`: the builder is then as if newly made for it (every field as the
  // constructor leaves it, the tables empty), but its tables keep their capacity. A thread
  // that builds function after function with one builder (the translator's, one per worker)
  // spares the construction and destruction per function.
  void Restart(Function& func);

  Function& func() { return *f_; }

  // --- Blocks.
  Block CreateBlock();
  // Makes b the current block, appending it to the layout if it is not placed yet.
  void SwitchToBlock(Block b);
  Block CurrentBlock() const { return cur_; }
  // Whether the current block already ends in a terminator.
  bool IsFilled() const;
  Value AppendBlockParam(Block b, Type t);
  // Declares that all predecessors of b are known (no branch to b may be added afterwards).
  void SealBlock(Block b);
  void SealAllBlocks();
  bool IsSealed(Block b) const { return ssa_[b].sealed; }
  // Number of distinct branch instructions that target b so far.
  uint32_t NumPreds(Block b) const { return ssa_[b].num_preds; }
  // Declares `header` a loop header: not sealed, its one predecessor so far the loop's entry,
  // every predecessor added later inside the loop, and `vars` (any order, duplicates allowed) a
  // superset of the variables DefVar assigns in the loop's blocks. Any other variable then
  // keeps, everywhere in the loop, the value it has at the entry, and reading it there creates
  // no parameter. Naming too few variables makes wrong code: the client must know (the
  // translator checks every local.set against its innermost loop, IsLoopVar).
  void DeclareLoopHeader(Block header, std::span<const Variable> vars);
  // Whether `var` may be assigned in the loop of `header`: true unless `header` was declared by
  // DeclareLoopHeader (or DeclareJoin) without naming `var`.
  bool IsLoopVar(Block header, Variable var) const;
  // Declares that every variable not in `vars` (any order, duplicates allowed) has at `join`
  // the value it has at the end of `entry`: `entry` dominates `join`, and no path from `entry`
  // to `join` assigns such a variable after leaving `entry` (a Wasm block or if: `entry` is the
  // block it starts in, `join` the block after its `end`, `vars` the locals set inside it).
  // Reading such a variable at `join` then reads it at `entry` (the value is remembered in
  // `join`); the others are read in `join`'s predecessors as usual. Call it before any read
  // at `join`, at most once, and not for a loop header. Naming too few variables makes wrong
  // code.
  void DeclareJoin(Block join, Block entry, std::span<const Variable> vars);

  // --- Variables.
  Variable DeclareVar(Type t);
  Type VarType(Variable v) const { return var_types_[v.index]; }
  // Inline: the translator defines a variable for every local.set and local.tee.
  [[gnu::always_inline]] void DefVar(Variable var, Value val) {
    EGRET_CHECK(var.index < var_types_.size() && cur_.valid());
    EGRET_CHECK(f_->dfg.ValueType(val) == var_types_[var.index]);
    SetCurDef(var, val);
  }
  Value UseVar(Variable var) {
    EGRET_CHECK(var.index < var_types_.size() && cur_.valid());
    // Most reads find a value in the current block's cache (its definition, or one inherited
    // from its single predecessor): ReadVariable's first step, inline and without its work
    // stack (no read is under way, so the cache holds no kPending).
    if (cur_stamp_[var.index] >= chain_epoch_) return f_->dfg.ResolveAliases(cur_vals_[var.index]);
    return ReadVariable(var, cur_);
  }

  // --- Attributes of the instructions that follow.
  void SetSrcLoc(uint32_t wasm_offset) { srcloc_ = wasm_offset; }

  // --- Declarations.
  StackSlot CreateStackSlot(uint32_t size, uint32_t align);
  SigRef ImportSignature(const Signature& sig) { return f_->dfg.ImportSignature(sig); }
  // A new empty signature to fill in place (DataFlowGraph::NewSignature).
  Signature& NewSignature(SigRef* ref) { return f_->dfg.NewSignature(ref); }
  FuncRef ImportFunction(std::string_view name, SigRef sig) {
    return f_->dfg.ImportFunction(name, sig);
  }

  // --- Instructions, appended to the current block. The one-result forms the translator
  // makes most are inline (each is an InstData and AppendOne).
  Value Iconst(Type t, int64_t value) {
    InstData d;
    d.opcode = Opcode::kIconst;
    d.type = t;
    d.imm = value;
    return AppendOneTyped(d, t);  // kCtrl
  }
  Value F32const(uint32_t bits);
  Value F64const(uint64_t bits);
  Value Unary(Opcode op, Value x) {  // InstFormat::kUnary, same type
    EGRET_CHECK(Info(op).format == InstFormat::kUnary);
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    return AppendOne(d);
  }
  Value Binary(Opcode op, Value x, Value y) {  // InstFormat::kBinary
    EGRET_CHECK(Info(op).format == InstFormat::kBinary);
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    d.args[1] = y;
    return AppendOne(d);
  }
  // Unary and Binary with the result type given, which must be the first operand's (checked in
  // Debug builds, AppendOneTyped): a client that knows it (the translator: the Wasm operator's
  // result type) spares the typing rule's dispatch. The same instruction.
  Value Unary(Opcode op, Value x, Type t) {
    EGRET_CHECK(Info(op).format == InstFormat::kUnary);
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    return AppendOneTyped(d, t);  // kSameAsArg
  }
  Value Binary(Opcode op, Value x, Value y, Type t) {
    EGRET_CHECK(Info(op).format == InstFormat::kBinary);
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    d.args[1] = y;
    return AppendOneTyped(d, t);  // kSameAsArg
  }
  Value BinaryImm(Opcode op, Value x, int64_t imm) {  // InstFormat::kBinaryImm
    EGRET_CHECK(Info(op).format == InstFormat::kBinaryImm);
    InstData d;
    d.opcode = op;
    d.args[0] = x;
    d.imm = imm;
    return AppendOne(d);
  }
  // Convert and Load are always inline: GCC kept out-of-line copies that the translator's heap
  // address and VMContext loads called (an InstData filled and checked at run time per call).
  [[gnu::always_inline]] Value Convert(Opcode op, Type to, Value x) {  // uextend, fcvt_*, ...
    EGRET_CHECK(Info(op).format == InstFormat::kUnary && HasCtrlTypeSuffix(op));
    InstData d;
    d.opcode = op;
    d.type = to;
    d.args[0] = x;
    return AppendOneTyped(d, to);  // kCtrl
  }
  Value Icmp(IntCC cc, Value x, Value y) {
    InstData d;
    d.opcode = Opcode::kIcmp;
    d.cond = static_cast<uint8_t>(cc);
    d.args[0] = x;
    d.args[1] = y;
    return AppendOneTyped(d, Type::kI32);  // kBool
  }
  Value IcmpImm(IntCC cc, Value x, int64_t imm) {
    InstData d;
    d.opcode = Opcode::kIcmpImm;
    d.cond = static_cast<uint8_t>(cc);
    d.args[0] = x;
    d.imm = imm;
    return AppendOneTyped(d, Type::kI32);  // kBool
  }
  Value Fcmp(FloatCC cc, Value x, Value y);
  Value Select(Value cond, Value if_true, Value if_false);
  // SIMD (ir/simd.h has each op's shapes and operand types). Other vector ops use the generic
  // forms: Unary/Binary for the ones typed by their operand (vnot, viadd, vswizzle, ...),
  // Convert for the one-operand ones with a `.type` suffix (vbitcast, vsplat, vextend_low_s,
  // vtrunc_sat_s, ...).
  Value Vconst(Type t, const V128& bits);
  Value BinaryTo(Opcode op, Type to, Value x, Value y);    // vnarrow_*, vextmul_*, vdot_s
  Value ExtractLane(Opcode op, Value vec, uint32_t lane);  // vextractlane, vextractlane_s/_u
  Value InsertLane(Value vec, Value x, uint32_t lane);
  Value Shuffle(Value a, Value b, const uint8_t (&lanes)[16]);
  Value Vicmp(IntCC cc, Value x, Value y);
  Value Vfcmp(FloatCC cc, Value x, Value y);
  Value Vbitselect(Value mask, Value if_set, Value if_clear);
  [[gnu::always_inline]] Value Load(Opcode op, Type t, MemFlags flags, Value addr, int32_t offset,
                                    TrapCode trap = TrapCode::kHeapOutOfBounds) {
    EGRET_CHECK(Info(op).format == InstFormat::kLoad);
    InstData d;
    d.opcode = op;
    d.type = t;
    d.flags = flags;
    d.trap = trap;
    d.args[0] = addr;
    d.imm = offset;
    return AppendOneTyped(d, t);  // kCtrl
  }
  void Store(Opcode op, MemFlags flags, Value value, Value addr, int32_t offset,
             TrapCode trap = TrapCode::kHeapOutOfBounds);
  Value StackLoad(Type t, StackSlot slot, int32_t offset);
  void StackStore(Value value, StackSlot slot, int32_t offset);
  Value StackAddr(StackSlot slot, int32_t offset);
  Value FuncAddr(FuncRef f);
  Inst Call(FuncRef f, std::span<const Value> args);
  Inst CallIndirect(SigRef sig, Value callee, std::span<const Value> args);
  // Tail calls (terminators): the callee's results become this function's.
  void ReturnCall(FuncRef f, std::span<const Value> args);
  void ReturnCallIndirect(SigRef sig, Value callee, std::span<const Value> args);
  std::span<const Value> Results(Inst i) const { return f_->dfg.InstResults(i); }

  void Jump(Block dest, std::span<const Value> args);
  void Jump(Block dest, std::initializer_list<Value> args = {}) {
    Jump(dest, std::span<const Value>(args.begin(), args.size()));
  }
  void Brif(Value cond, Block then_block, std::span<const Value> then_args, Block else_block,
            std::span<const Value> else_args);
  void BrTable(Value index, Dest default_dest, std::span<const Dest> entries);
  void Return(std::span<const Value> values);
  void Return(std::initializer_list<Value> values) {
    Return(std::span<const Value>(values.begin(), values.size()));
  }
  void Trap(TrapCode code);
  void Trapz(Value cond, TrapCode code);
  void Trapnz(Value cond, TrapCode code);

  // Appends a fully formed instruction (operands set, no results yet) and creates its results.
  Inst Build(const InstData& data);

  // Removes construction leftovers (see the file comment). Every block must be sealed.
  void Finalize();

 private:
  struct BlockSsa {
    bool sealed = false;
    uint32_t num_preds = 0;
    uint32_t pred_head = UINT32_MAX;        // into pred_nodes_
    uint32_t incomplete_head = UINT32_MAX;  // into incomplete_nodes_
    // The block's definitions once the builder has left it: def_pool_[defs_begin, +defs_size),
    // sorted by variable, with room for defs_capacity.
    uint32_t defs_begin = 0, defs_size = 0, defs_capacity = 0;
    // Bit (variable % 64) is set for every variable the span defines, so most lookups of a
    // variable the block does not define (reads walking a predecessor chain) skip the search.
    uint64_t defs_mask = 0;
    // DeclareLoopHeader or DeclareJoin: the variables the loop (region) may assign,
    // loop_vars_[loop_begin, +loop_size) sorted, with their (variable % 64) mask, and the block
    // where every other variable is read instead (the loop's entry predecessor, the region's
    // entry block).
    bool loop = false;
    bool join = false;  // declared by DeclareJoin (loop is set too)
    uint32_t loop_begin = 0, loop_size = 0;
    uint64_t loop_mask = 0;
    Block loop_entry;
    // chain_epoch_ when the builder last left this block (0: never left): the current block's
    // cache entries stamped at or above it held, at that moment, the values at this block's
    // end (see SwitchToBlock, which lets a declared join reuse them).
    uint32_t exit_chain = 0;
  };
  struct PredNode {
    Inst branch;
    Block from;
    uint32_t next;
  };
  struct IncompleteNode {
    Variable var;
    Value param;
    uint32_t next;
  };
  struct Def {
    uint32_t var;
    Value value;
  };
  // The blocks' BlockSsa by block index. CreateBlock makes every block's entry, so indexing
  // needs no growth check (a SecondaryMap's writable operator[] has one, and is not inlined).
  struct BlockTable {
    std::vector<BlockSsa> items;
    BlockSsa& operator[](Block b) { return items[b.index]; }
    const BlockSsa& operator[](Block b) const { return items[b.index]; }
    void Clear() { items.clear(); }
  };
  // One step of UseVar's explicit work stack.
  struct Work {
    enum Kind : uint8_t { kUse, kFinishParam, kFinishChain, kFinishHeader } kind;
    Block block;  // kUse: where to read; others: the param's block or the chain's start
    Block other;  // kFinishChain: the block the chain ends at; kFinishHeader: the loop header
    Value param;  // kFinishParam
    // kFinishParam: FinishJoin's slot. kUse, kFinishHeader: nonzero to remember the value in
    // the block the read started in (the top-level read only: a join's predecessors are not
    // asked again once the join has the value).
    uint32_t slot;
  };

  // Definitions of the current block live in a dense per-variable cache (most reads and writes
  // hit it); other blocks' in their sorted spans. SwitchToBlock moves the cache into the span.
  // Inline: most lookups (a read walking a predecessor chain) end at the mask test.
  Value FindDef(Block b, Variable var) const {
    if (b == cur_ && cur_stamp_[var.index] >= chain_epoch_) return cur_vals_[var.index];
    // Not cached: another block, or the current one entered again (its older definitions).
    return FindSpanDef(b, var);
  }
  Value FindSpanDef(Block b, Variable var) const {
    const BlockSsa& s = ssa_[b];
    if (!((s.defs_mask >> (var.index & 63)) & 1)) return Value();
    return SearchSpan(s, var);
  }
  // Whether the declared loop (region) of `s` may assign `var`: the mask test inline (most
  // variables a walk asks about fail it), the binary search out of line.
  bool LoopAssigns(const BlockSsa& s, Variable var) const {
    if (!((s.loop_mask >> (var.index & 63)) & 1)) return false;
    return SearchLoopVars(s, var);
  }
  bool SearchLoopVars(const BlockSsa& s, Variable var) const;
  // The binary search of FindSpanDef.
  Value SearchSpan(const BlockSsa& s, Variable var) const;
  void SetDef(Block b, Variable var, Value val);
  // SetDef in the current block: the cache.
  [[gnu::always_inline]] void SetCurDef(Variable var, Value val) {
    if (cur_stamp_[var.index] != cur_epoch_) {
      cur_stamp_[var.index] = cur_epoch_;
      cur_touched_[num_touched_++] = var.index;
    }
    cur_vals_[var.index] = val;
  }
  // Returns the definition's index in def_pool_ (valid until b's span grows).
  uint32_t InsertSpanDef(Block b, uint32_t var, Value val);
  Inst Append(const InstData& data);
  // Append for an instruction with exactly one result (not a call, not a branch): the same
  // instruction, result and layout position, typed and created in one step; returns the result.
  Value AppendOne(const InstData& data);
  // AppendOne with the result type given: `t` must be what ResultTypeOf(data) gives (checked in
  // Debug builds). The inline forms whose result type is fixed or an argument (iconst, loads,
  // conversions, compares) pass it, which spares the typing rule's dispatch per instruction.
  Value AppendOneTyped(const InstData& data, Type t);
  [[gnu::always_inline]] inline Value AppendOneBody(const InstData& data, Type t);  // builder.cc
  void AddPred(Block target, Inst branch);
  Value ZeroAtBlockStart(Block b, Type t);
  Value ReadVariable(Variable var, Block block);
  // Appends `value` as the argument for parameter `param` to every BlockCall of the branch
  // of pred node `pred` that targets `target`.
  void AddParamArg(Block target, Value param, uint32_t pred, Value value);
  // Removes `param` of `block` if it is trivial; returns the value that replaces it (or param).
  Value TryRemoveTrivialParam(Block block, Value param);
  // Ends a join read: the predecessors' values are on top of results_ (popped here). A trivial
  // parameter is removed without its arguments ever being added (TryRemoveTrivialParam's
  // result, without the insert-then-remove); otherwise the arguments are added.
  Value FinishJoinParam(Block block, Value param);
  // Ends a join read of `var` in `block` (kFinishParam): FinishJoinParam if a cycle created the
  // parameter meanwhile; else the predecessors' value if they agree (no parameter at all), or
  // a new parameter with their values as arguments.
  // `slot`: the pending definition's index in def_pool_, or kNone for the current block's cache.
  Value FinishJoin(Block block, Variable var, uint32_t slot);
  void SetChainDefs(Variable var, Block start, Block end, Value v);

  // DeclareLoopHeader's and DeclareJoin's common part: records `vars` as s's sorted span.
  void DeclareVars(BlockSsa& s, Block entry, std::span<const Variable> vars);

  // Moves every table between this builder and `s` (both ways: a swap).
  void SwapTables(Scratch& s);
  // Empties every table, keeping its capacity (the destructor, Restart).
  void ClearTables();

  Function* f_;       // never null (a pointer so that Restart can rebind it)
  Scratch* scratch_;  // lent storage, given back by the destructor; may be null
  Block cur_;
  uint32_t srcloc_ = kNoSrcLoc;
  // IsFilled() of cur_, kept up to date by SwitchToBlock and Append (the builder is the only
  // one to append to the current block), so appending needs no layout lookup.
  bool cur_filled_ = false;
  BlockTable ssa_;
  std::vector<PredNode> pred_nodes_;
  std::vector<IncompleteNode> incomplete_nodes_;
  std::vector<IncompleteNode> sealing_;  // SealBlock's copy of the block's incomplete list
  std::vector<Type> var_types_;
  std::vector<Def> def_pool_;
  std::vector<uint32_t> loop_vars_;  // DeclareLoopHeader's variables, a sorted span per header
  // The current block's cache: per variable, its value at the current point, valid where
  // cur_stamp_ >= chain_epoch_. cur_epoch_ is bumped on every switch; chain_epoch_ with it,
  // except when the block entered is new, sealed, and its one predecessor is the block being
  // left: then every value cached there is the variable's value at the new block's start too,
  // and stays valid (a chain of such blocks, e.g. the blocks after successive br_ifs, shares
  // one cache). A stamp == cur_epoch_ marks a value the current block itself defines (or
  // remembered from a read), which SwitchToBlock moves into its span; the inherited ones are
  // its predecessors' and stay out of it.
  // A join declared with DeclareJoin(join, entry, vars) inherits the cache too, from further
  // back: chain_epoch_ goes down to entry's exit_chain and the stamps of `vars` to 0. Every
  // block translated since then lies inside the region (structured code), where a variable
  // not in `vars` keeps its value at entry's end; so each cache entry stamped since entry's
  // chain began, whichever block inside the region wrote it, holds that value, which is also
  // the variable's value at the join.
  std::vector<Value> cur_vals_;
  std::vector<uint32_t> cur_stamp_;
  // cur_touched_[0, num_touched_): the variables with stamp == cur_epoch_, each once (the
  // vector has one entry per variable, so adding one needs no growth check).
  std::vector<uint32_t> cur_touched_;
  uint32_t num_touched_ = 0;
  uint32_t cur_epoch_ = 1;
  uint32_t chain_epoch_ = 1;
  EntitySet<Value> var_params_;  // block parameters created by SSA construction
  // The first instruction that may name a parameter of var_params_ (only those become
  // aliases): the number of instructions when the first was made, or a lower branch that
  // AddParamArg gave an argument. Finalize resolves aliases from there on.
  uint32_t alias_walk_from_ = UINT32_MAX;
  void NoteVarParam() {
    alias_walk_from_ = std::min(alias_walk_from_, static_cast<uint32_t>(f_->dfg.NumInsts()));
  }
  uint32_t num_aliases_ = 0;  // parameters removed as trivial (aliases) so far
  std::vector<Work> work_;    // reused across UseVar calls
  std::vector<Value> results_;
};

struct FunctionBuilder::Scratch {
  BlockTable ssa;
  std::vector<PredNode> pred_nodes;
  std::vector<IncompleteNode> incomplete_nodes;
  std::vector<IncompleteNode> sealing;
  std::vector<Type> var_types;
  std::vector<Def> def_pool;
  std::vector<uint32_t> loop_vars;
  std::vector<Value> cur_vals;
  std::vector<uint32_t> cur_stamp;
  std::vector<uint32_t> cur_touched;
  EntitySet<Value> var_params;
  std::vector<Work> work;
  std::vector<Value> results;
};

}  // namespace egret::ir

#endif  // EGRET_IR_BUILDER_H_
