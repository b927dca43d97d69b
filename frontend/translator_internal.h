// translator_internal.h: the per-function translation state shared by translator.cc (control,
// memory, calls) and translate_numeric.cc (numeric operators). Not part of the public API.
//
// A Translation translates one function at a time; it owns every piece of mutable state, which
// is what lets functions translate in parallel. There is one per thread (Translation::ForThread),
// restarted for each function, so its tables keep their capacity from one function to the next;
// the storage it is made with belongs to the thread too (Translation::Scratch, like the
// EpochIndexMaps), and is given back when a Translation for another module replaces it.
#ifndef EGRET_FRONTEND_TRANSLATOR_INTERNAL_H_
#define EGRET_FRONTEND_TRANSLATOR_INTERNAL_H_

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontend/module_env.h"
#include "frontend/operator_reader.h"
#include "frontend/translator.h"
#include "frontend/vmctx_layout.h"
#include "ir/builder.h"

namespace egret::wasm {

// The IR type of each Wasm value type by its encoding (v128 is i8x16), kInvalid for kBottom
// and the bytes that encode no type. A table: a module's translation asks it for every local,
// callee signature, global access and block parameter, and a switch inlined into the operator
// loop cost it registers.
inline constexpr std::array<ir::Type, 256> kIrTypeOf = [] {
  std::array<ir::Type, 256> t{};  // kInvalid
  t[static_cast<uint8_t>(ValType::kI32)] = ir::Type::kI32;
  t[static_cast<uint8_t>(ValType::kI64)] = ir::Type::kI64;
  t[static_cast<uint8_t>(ValType::kF32)] = ir::Type::kF32;
  t[static_cast<uint8_t>(ValType::kF64)] = ir::Type::kF64;
  // A VMFuncRef pointer owned by an instance: never counted.
  t[static_cast<uint8_t>(ValType::kFuncRef)] = ir::Type::kI64;
  // A GC reference: stack maps find it (docs/ir.md, r64).
  t[static_cast<uint8_t>(ValType::kExternRef)] = ir::Type::kR64;
  t[static_cast<uint8_t>(ValType::kV128)] = ir::Type::kI8x16;  // canonical v128 (translate_simd.cc)
  return t;
}();
static_assert(ir::Type::kInvalid == ir::Type{});

// The IR type of a Wasm value type, kInvalid for kBottom.
inline ir::Type IrTypeOf(ValType t) { return kIrTypeOf[static_cast<uint8_t>(t)]; }

// IrTypeOf's failure for kBottom, out of line.
[[gnu::cold]] Error NoIrTypeError();

// The IR type of a Wasm value type (v128 is i8x16); fails only for kBottom.
inline Expected<ir::Type> IrType(ValType t) {
  const ir::Type it = IrTypeOf(t);
  if (it == ir::Type::kInvalid) [[unlikely]]
    return NoIrTypeError();
  return it;
}

// A dense map from a module index (function or type) to an IR reference index, for the
// references one function imports. Its storage belongs to the translating thread and is reused
// by every function that thread translates: an entry is valid only when its stamp is the
// current translation's epoch, so starting a function clears nothing, and a lookup is two loads
// (no hashing on the call path).
class EpochIndexMap {
 public:
  // Starts a function's translation over a module with `n` indices.
  void Begin(size_t n) {
    if (++epoch_ == 0) {  // wrapped: old stamps could alias the new epochs
      std::fill(stamp_.begin(), stamp_.end(), 0);
      epoch_ = 1;
    }
    if (stamp_.size() < n) {
      stamp_.resize(n, 0);
      value_.resize(n);
    }
  }
  bool Find(uint32_t i, uint32_t* v) const {
    if (stamp_[i] != epoch_) return false;
    *v = value_[i];
    return true;
  }
  void Set(uint32_t i, uint32_t v) {
    stamp_[i] = epoch_;
    value_[i] = v;
  }

 private:
  std::vector<uint32_t> stamp_, value_;
  uint32_t epoch_ = 0;
};

// The Wasm operand stack of IR values: std::vector's interface as the translator uses it, with
// an inline push (GCC does not inline vector::push_back into Translation::Run, whose loop
// pushes for most operators). The storage vector is kept at its capacity's size; `size_` is
// the stack's height.
class ValueStack {
 public:
  [[gnu::always_inline]] void push_back(ir::Value v) {
    if (size_ == items_.size()) [[unlikely]]
      Grow();
    items_[size_++] = v;
  }
  void pop_back() {
    EGRET_DCHECK(size_ > 0);
    --size_;
  }
  ir::Value& back() {
    EGRET_DCHECK(size_ > 0);
    return items_[size_ - 1];
  }
  ir::Value& operator[](size_t i) {
    EGRET_DCHECK(i < size_);
    return items_[i];
  }
  ir::Value* data() { return items_.data(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void resize(size_t n) {
    while (n > items_.size()) Grow();
    for (size_t k = size_; k < n; ++k) items_[k] = ir::Value();
    size_ = n;
  }
  void clear() { size_ = 0; }
  // Exchanges the storage with a thread's scratch vector (Translation::SwapScratch); the
  // stack must be empty (a translation starts and ends with it empty).
  void swap(std::vector<ir::Value>& v) {
    EGRET_CHECK(size_ == 0);
    items_.swap(v);
    items_.resize(items_.capacity());
  }

 private:
  [[gnu::noinline]] void Grow() { items_.resize(std::max<size_t>(64, 2 * items_.size())); }

  std::vector<ir::Value> items_;
  size_t size_ = 0;
};

class Translation {
 public:
  Translation(const ModuleEnv& env, const VMContextLayout& layout,
              std::span<const std::string> symbols, TranslateOptions options, uint32_t func_index,
              ir::Function& f);
  ~Translation();
  Translation(const Translation&) = delete;
  Translation& operator=(const Translation&) = delete;

  Status Run();

  // The thread's translation (in its Scratch), ready to translate `func_index` into `f` (Restart):
  // one per worker thread, kept from one function to the next, so the builder and the vectors below
  // are not borrowed, cleared and given back per function. Made again when asked for another
  // module, layout, symbol table or options than the last call's (they are references).
  static Translation& ForThread(const ModuleEnv& env, const VMContextLayout& layout,
                                std::span<const std::string> symbols, TranslateOptions options,
                                uint32_t func_index, ir::Function& f);

 private:
  // Sets up translating `func_index` into `f`: every per-function field as the constructor
  // leaves it, every vector empty (their capacity kept), the builder restarted on `f`. At the
  // start rather than at the end of a function, so a translation that failed half-way leaves
  // nothing behind.
  void Restart(uint32_t func_index, ir::Function& f);
  bool Serves(const ModuleEnv& env, const VMContextLayout& layout,
              std::span<const std::string> symbols, TranslateOptions options) const {
    return &env == &env_ && &layout == &layout_ && symbols.data() == symbols_.data() &&
           symbols.size() == symbols_.size() && options.heap == options_.heap &&
           options.fuel == options_.fuel;
  }
  // Empties every vector (their capacity kept): Restart, and the destructor before it gives
  // them back to the Scratch.
  void ClearVectors();

  // One of each per thread; a thread translates one function at a time.
  static EpochIndexMap& ThreadSigs() {
    thread_local EpochIndexMap map;
    return map;
  }
  static EpochIndexMap& ThreadCallees() {
    thread_local EpochIndexMap map;
    return map;
  }
  struct Scratch;
  static Scratch& ThreadScratch();
  // Moves the vectors below that most operators use (values_, frames_, locals_, in_loop_,
  // set_nodes_, set_mark_) between this translation and the thread's Scratch (a swap: they stay
  // members, one load from `this` away); the others are references into the Scratch. The
  // constructor borrows them, the destructor gives them back cleared, capacity kept, so a
  // worker translating function after function stops allocating for them.
  void SwapScratch();

  struct Frame {
    Op op = Op::kBlock;  // kBlock, kLoop, kIf, kElse (an if after its else)
    std::span<const ValType> params, results;
    ir::Block next;             // the block after the construct; one parameter per result
    ir::Block header;           // loops: the loop header; one parameter per loop parameter
    ir::Block else_block;       // ifs before their else
    uint32_t height = 0;        // values_ size at entry, below the parameters
    uint32_t saved_params = 0;  // ifs: where the parameters are kept in saved_
    uint32_t outer_loop = 0;    // live loops: innermost_loop_ outside this one
    // Live frames: the block the construct starts in (blocks and ifs: every local it does not
    // set has at `next` the value it has at the end of `entry`, FunctionBuilder::DeclareJoin),
    // the frame's number in order of opening (set_mark_), and the list (set_nodes_) of the
    // locals a reachable local.set/local.tee inside it has assigned so far.
    ir::Block entry;
    uint32_t serial = 0;
    uint32_t sets = UINT32_MAX;
    bool dead = false;         // opened in unreachable code: nesting only
    bool unreachable = false;  // the current position in this frame is unreachable
  };
  struct Target {
    ir::Block block;
    size_t arity;
  };

  Status Step(const Operator& op, OperatorReader& reader);
  Status OpenFrame(const Operator& op);
  // Reads ahead from a live `loop` (its ordinal `first`, the reader just past its block type)
  // to its `end` and records the locals every loop in there (nested ones included) sets, so the
  // builder needs no parameter for the others (FunctionBuilder::DeclareLoopHeader). Each byte of
  // a function body is read ahead at most once: nested loops are recorded by the outermost.
  // The reader is back where it was afterwards.
  Status ScanLoops(OperatorReader& reader, uint32_t first);
  void Else();
  void End();
  Status Control(const Operator& op, OperatorReader& reader);
  Status Variable(const Operator& op);
  Status Memory(const Operator& op);
  Status Call(const Operator& op);
  Status Bulk(const Operator& op);
  Status Atomic(const Operator& op);
  Status Numeric(const Operator& op);     // translate_numeric.cc
  Status Simd(const Operator& op);        // translate_simd.cc
  Status SimdMemory(const Operator& op);  // translate_simd.cc
  // `v` as vector type `t` (a vbitcast when its type differs).
  ir::Value AsVector(ir::Value v, ir::Type t);
  ir::Value PopVector(ir::Type t) { return AsVector(Pop(), t); }
  // Bitcasts the vectors among the top `n` operands to i8x16, the canonical v128 type of every
  // boundary (block and call arguments, results, locals, globals). Inline: every local.set asks,
  // and only a function with SIMD operations has anything to do.
  [[gnu::always_inline]] void CanonicalizeVectors(size_t n) {
    EGRET_CHECK(values_.size() >= n);
    if (vectors_) BitcastTopVectors(n);  // only SIMD operations make vectors of other types
  }
  void BitcastTopVectors(size_t n);

  Status Unsupported(uint64_t offset, const std::string& what);
  Status BlockSpans(const BlockType& bt, std::span<const ValType>* params,
                    std::span<const ValType>* results);
  // A new block with a parameter of each type; fails only for kBottom. Most blocks have none:
  // that case is inline (no call, and the caller sees the Expected hold a block).
  Expected<ir::Block> BlockWithParams(std::span<const ValType> types) {
    if (types.empty()) return b_.CreateBlock();
    return BlockWithTypedParams(types);
  }
  Expected<ir::Block> BlockWithTypedParams(std::span<const ValType> types);
  void PushBlockParams(ir::Block b);
  Target LabelTarget(uint32_t depth);
  void SetUnreachable();
  // Ends the block with return_call (f valid) or return_call_indirect of `code`, with
  // call_args_, and makes the rest of the frame unreachable.
  Status TailCall(ir::SigRef sig, ir::Value code, ir::FuncRef f);
  // The top `n` operands, as block, call or return arguments: vectors among them are made
  // i8x16 first (CanonicalizeVectors). Always inline: GCC kept an out-of-line copy that every
  // branch, call and block end called (6,300 calls on Flite).
  [[gnu::always_inline]] std::span<const ir::Value> Top(size_t n) {
    CanonicalizeVectors(n);
    return {values_.data() + values_.size() - n, n};
  }
  [[gnu::always_inline]] ir::Value Pop() {  // most operators pop one or two operands
    EGRET_CHECK(!values_.empty());
    const ir::Value v = values_.back();
    values_.pop_back();
    return v;
  }
  [[gnu::always_inline]] void Push(ir::Value v) { values_.push_back(v); }

  // Fuel: adds fuel_pending_ to the VMContext's fuel counter and traps out_of_fuel when the sum
  // is positive; a no-op when fuel is off or nothing is pending.
  void ChargeFuel();

  ir::MemFlags VmctxFlags(bool readonly) const;
  ir::Value LoadVmctx(ir::Type t, uint32_t offset, bool readonly);
  ir::Value LoadPtr(ir::Type t, ir::Value base, uint32_t offset, bool readonly);
  // A field of a memory or table record (inline in the VMContext, or behind a pointer).
  ir::Value LoadRecord(ir::Type t, VMContextLayout::RecordRef r, uint32_t field, bool readonly);
  ir::Value HeapAddress(const Operator& op, ir::Value index, uint32_t access_bytes, int32_t* offset,
                        bool* checked);
  // threads: the Wasm effective address (index + offset, i64) of an atomic access, after its
  // alignment check (unaligned_atomic) and bounds check (heap_oob) against the current length.
  ir::Value AtomicEffectiveAddress(const Operator& op, ir::Value index, uint32_t access_bytes);
  Expected<ir::SigRef> SigFor(uint32_t type_index);
  ir::FuncRef Builtin(const char* name, std::initializer_list<ir::Type> params,
                      std::initializer_list<ir::Type> results);
  ir::Value CallBuiltin(const char* name, std::initializer_list<ir::Type> params,
                        std::initializer_list<ir::Type> results,
                        std::initializer_list<ir::Value> args);
  // Whether table `t` holds externrefs (its builtins then take and return r64).
  bool ExternTable(uint32_t t) const { return env_.tables[t].type.elem == ValType::kExternRef; }

  const ModuleEnv& env_;
  const VMContextLayout& layout_;
  std::span<const std::string> symbols_;
  TranslateOptions options_;
  uint32_t func_index_;
  // The thread's storage: the builder's tables and the vectors below are borrowed from it, the
  // ones used on every operator by a swap (SwapScratch), the others by reference.
  Scratch& scratch_;
  ir::FunctionBuilder b_;
  ir::Value vmctx_;
  // Reachable operators translated since the last ChargeFuel; always 0 when fuel is off.
  uint32_t fuel_pending_ = 0;
  // Some SIMD operation ran: the operand stack may hold vectors of another type than i8x16.
  bool vectors_ = false;

  ValueStack values_;
  std::vector<Frame> frames_;
  std::vector<ir::Value>& saved_;  // parameters of open ifs, for their else branches
  std::vector<ir::Variable> locals_;
  std::vector<LocalGroup>& groups_;
  // Signatures by type index and callees by function index (per-thread storage, see above).
  EpochIndexMap& sigs_;
  EpochIndexMap& callees_;
  // Builtins imported so far, by name (a dozen exist: a linear search).
  std::vector<std::pair<std::string_view, ir::FuncRef>>& builtins_;
  std::vector<ir::Value>& call_args_;
  std::vector<ir::FunctionBuilder::Dest>& dests_;
  // The locals each loop sets, by loop ordinal (the loop operators of the body counted in order,
  // dead ones too): a list through loop_nodes_ (local, next) from loop_head_[ordinal].
  // ScanLoops has filled the first loops_scanned_ ordinals; loops_seen_ counts the loop
  // operators translated so far. marked_[local] is 1 + the ordinal of the innermost loop the
  // scan has added the local to (0: none): the open loops at or outside it have it already.
  std::vector<uint32_t>& loop_head_;
  std::vector<std::pair<uint32_t, uint32_t>>& loop_nodes_;
  std::vector<uint32_t>& marked_;
  // in_loop_[local]: the serial of the last live loop opened whose locals (the ones ScanLoops
  // recorded for it) include `local`, 0 if none. A loop's locals include those of every loop
  // nested in it, and a frame opened later has a larger serial, so inside the innermost live
  // loop L a local is one of L's exactly when in_loop_[local] >= L's serial (the local.set check).
  std::vector<uint32_t> in_loop_;
  std::vector<uint32_t>& scan_stack_;  // ScanLoops' open constructs (a loop's ordinal or none)
  std::vector<uint32_t>& scan_loops_;  // ScanLoops' open loops' ordinals
  std::vector<ir::Variable>& loop_vars_;
  // The locals set in each live block/if frame (Frame::sets): a list through set_nodes_
  // (local, next). set_mark_[local] is 1 + the serial of the innermost frame the local was
  // added to (0: none): the open frames at or outside that one have it already.
  std::vector<std::pair<uint32_t, uint32_t>> set_nodes_;
  std::vector<uint32_t> set_mark_;
  uint32_t frame_serial_ = 0;  // serials handed out so far (the function's frame has 0)
  uint32_t loops_seen_ = 0, loops_scanned_ = 0;
  uint32_t innermost_loop_ = UINT32_MAX;  // index in frames_ of the innermost live loop, if any
};

// The storage of one thread's translations (Translation::SwapScratch).
struct Translation::Scratch {
  ir::FunctionBuilder::Scratch builder;
  std::vector<ir::Value> values;
  std::vector<Frame> frames;
  std::vector<ir::Value> saved;
  std::vector<ir::Variable> locals;
  std::vector<LocalGroup> groups;
  std::vector<std::pair<std::string_view, ir::FuncRef>> builtins;
  std::vector<ir::Value> call_args;
  std::vector<ir::FunctionBuilder::Dest> dests;
  std::vector<uint32_t> loop_head;
  std::vector<std::pair<uint32_t, uint32_t>> loop_nodes;
  std::vector<uint32_t> marked;
  std::vector<uint32_t> in_loop;
  std::vector<uint32_t> scan_stack;
  std::vector<uint32_t> scan_loops;
  std::vector<ir::Variable> loop_vars;
  std::vector<std::pair<uint32_t, uint32_t>> set_nodes;
  std::vector<uint32_t> set_mark;
  // The thread's Translation (ForThread). Last, so that it is destroyed first, at thread exit,
  // while the storage above that its destructor gives back still exists (as a thread_local of
  // its own it would be made before this Scratch, hence destroyed after it).
  std::optional<Translation> current;
};

inline Translation::Translation(const ModuleEnv& env, const VMContextLayout& layout,
                                std::span<const std::string> symbols, TranslateOptions options,
                                uint32_t func_index, ir::Function& f)
    : env_(env),
      layout_(layout),
      symbols_(symbols),
      options_(options),
      func_index_(func_index),
      scratch_(ThreadScratch()),
      b_(f, &scratch_.builder),
      saved_(scratch_.saved),
      groups_(scratch_.groups),
      sigs_(ThreadSigs()),
      callees_(ThreadCallees()),
      builtins_(scratch_.builtins),
      call_args_(scratch_.call_args),
      dests_(scratch_.dests),
      loop_head_(scratch_.loop_head),
      loop_nodes_(scratch_.loop_nodes),
      marked_(scratch_.marked),
      scan_stack_(scratch_.scan_stack),
      scan_loops_(scratch_.scan_loops),
      loop_vars_(scratch_.loop_vars) {
  sigs_.Begin(env.types.size());
  callees_.Begin(env.functions.size());
  SwapScratch();
}

inline Translation::Scratch& Translation::ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

inline void Translation::SwapScratch() {
  Scratch& s = scratch_;
  values_.swap(s.values);
  frames_.swap(s.frames);
  locals_.swap(s.locals);
  in_loop_.swap(s.in_loop);
  set_nodes_.swap(s.set_nodes);
  set_mark_.swap(s.set_mark);
}

inline Translation& Translation::ForThread(const ModuleEnv& env, const VMContextLayout& layout,
                                           std::span<const std::string> symbols,
                                           TranslateOptions options, uint32_t func_index,
                                           ir::Function& f) {
  std::optional<Translation>& t = ThreadScratch().current;
  if (t.has_value() && t->Serves(env, layout, symbols, options)) [[likely]] {
    t->Restart(func_index, f);
  } else {
    t.emplace(env, layout, symbols, options, func_index, f);
  }
  return *t;
}

inline void Translation::Restart(uint32_t func_index, ir::Function& f) {
  func_index_ = func_index;
  b_.Restart(f);
  vmctx_ = ir::Value();
  fuel_pending_ = 0;
  vectors_ = false;
  ClearVectors();
  sigs_.Begin(env_.types.size());
  callees_.Begin(env_.functions.size());
  frame_serial_ = 0;
  loops_seen_ = 0;
  loops_scanned_ = 0;
  innermost_loop_ = UINT32_MAX;
}

inline Translation::~Translation() {
  ClearVectors();
  SwapScratch();
}

inline void Translation::ClearVectors() {
  values_.clear();
  frames_.clear();
  saved_.clear();
  locals_.clear();
  groups_.clear();
  builtins_.clear();
  call_args_.clear();
  dests_.clear();
  loop_head_.clear();
  loop_nodes_.clear();
  marked_.clear();
  in_loop_.clear();
  scan_stack_.clear();
  scan_loops_.clear();
  loop_vars_.clear();
  set_nodes_.clear();
  set_mark_.clear();
}

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_TRANSLATOR_INTERNAL_H_
