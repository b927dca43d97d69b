// module_generator.cc: see module_generator.h.
//
// Structure: ModuleGenerator first decides the module-level plan (types, functions, tables,
// memory, globals, segments, exports, start), then generates each body with a BodyGenerator
// that owns the operand and control stacks, and finally encodes the sections in binary order.
//
// Body invariants (they are what makes every module valid):
//   - stack_ holds exactly the types the validator would have; nothing is emitted in unreachable
//     code: after br, br_table, return or unreachable the current frame is closed at once (an
//     `if` arm moves to its `else`), so the stack never becomes polymorphic.
//   - Need(types) leaves `types` on top of the current frame's part of the stack, reusing the
//     longest suffix of what is there when it matches a prefix of `types`.
//   - Closing a frame first makes its part of the stack equal its results (keeping a matching
//     prefix, dropping the rest, producing the missing values), then emits `end`.
#include "tests/fuzz/wasmgen/module_generator.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "frontend/module_env.h"
#include "frontend/opcodes.h"
#include "frontend/wasm_types.h"
#include "support/leb128.h"

namespace egret::fuzz {

uint32_t ByteSource::U32() {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(U8()) << (8 * i);
  return v;
}

uint64_t ByteSource::U64() { return uint64_t(U32()) | (uint64_t(U32()) << 32); }

uint32_t ByteSource::Below(uint32_t n) {
  if (n <= 1) return 0;
  if (n <= 256) return U8() % n;
  if (n <= 65536) return (uint32_t(U8()) | uint32_t(U8()) << 8) % n;
  return U32() % n;
}

namespace {

using wasm::FuncType;
using wasm::GetOpInfo;
using wasm::Op;
using wasm::ValType;

constexpr ValType kNumTypes[] = {ValType::kI32, ValType::kI64, ValType::kF32, ValType::kF64};

bool IsFloat(ValType t) { return t == ValType::kF32 || t == ValType::kF64; }

// Opcode families drawn from the table in frontend/opcodes.h, so a new instruction there is
// picked up here.
struct OpLists {
  std::vector<Op> numeric;  // fixed signature, no immediate (numeric, nop)
  std::vector<Op> loads, stores;
  // SIMD (GenOptions::simd): no immediate (lanewise, splat, reductions), a lane index
  // (extract/replace_lane), memory (v128 loads and stores, the memarg-and-lane forms).
  std::vector<Op> simd_numeric, simd_lane, simd_reduce, simd_loads, simd_stores, simd_lane_mem;
  // Threads (GenOptions::atomics): atomic loads, stores, read-modify-writes (cmpxchg included);
  // wait, notify and fence are drawn by name.
  std::vector<Op> atomic_loads, atomic_stores, atomic_rmws;
  OpLists() {
    for (int i = 0; i < wasm::kNumOps; ++i) {
      const Op op = static_cast<Op>(i);
      const wasm::OpInfo& info = GetOpInfo(op);
      if (!info.sig.fixed) continue;
      if (info.prefix == 0xfe) {
        if (info.imm != wasm::ImmKind::kMemArg || op == Op::kMemoryAtomicNotify ||
            op == Op::kMemoryAtomicWait32 || op == Op::kMemoryAtomicWait64)
          continue;
        (info.sig.num_results == 0  ? atomic_stores
         : info.sig.num_params == 1 ? atomic_loads
                                    : atomic_rmws)
            .push_back(op);
        continue;
      }
      if (info.prefix == 0xfd) {
        if (info.imm == wasm::ImmKind::kNone) simd_numeric.push_back(op);
        if (info.imm == wasm::ImmKind::kLane) simd_lane.push_back(op);
        if (info.imm == wasm::ImmKind::kMemArg)
          (info.sig.num_results ? simd_loads : simd_stores).push_back(op);
        if (info.imm == wasm::ImmKind::kMemArgLane) simd_lane_mem.push_back(op);
        // v128 -> scalar: where vector values reach what a harness observes.
        if (info.sig.num_params == 1 && info.sig.params[0] == ValType::kV128 &&
            info.sig.num_results == 1 && info.sig.result != ValType::kV128)
          simd_reduce.push_back(op);
        continue;
      }
      if (info.imm == wasm::ImmKind::kNone) numeric.push_back(op);
      if (info.imm == wasm::ImmKind::kMemArg) {
        (info.sig.num_results ? loads : stores).push_back(op);
      }
    }
  }
};
const OpLists& Lists() {
  static const OpLists lists;
  return lists;
}

// Float results of arithmetic may be NaNs whose bits an engine chooses; bit-moving operations
// (abs, neg, copysign) and conversions from integers cannot make a new NaN.
bool MayMakeArithmeticNaN(Op op) {
  const wasm::OpInfo& info = GetOpInfo(op);
  if (!info.sig.fixed || info.sig.num_results != 1 || !IsFloat(info.sig.result)) return false;
  bool float_param = false;
  for (ValType p : info.sig.param_span()) float_param |= IsFloat(p);
  if (!float_param) return false;
  const std::string_view n = info.name;
  return n.find("abs") == n.npos && n.find("neg") == n.npos && n.find("copysign") == n.npos;
}

// SIMD: float-lane results of float-lane arithmetic may hold NaNs whose bits an engine chooses.
// Comparisons give masks; abs/neg/splat/replace_lane/pmin/pmax move bits; conversions from
// integers make no NaN.
bool SimdMayMakeArithmeticNaN(Op op) {
  const wasm::OpInfo& info = GetOpInfo(op);
  if (!info.sig.fixed || info.sig.num_results != 1 || info.sig.result != ValType::kV128)
    return false;
  const std::string_view n = info.name;
  if (n.substr(0, 6) != "f32x4." && n.substr(0, 6) != "f64x2.") return false;
  const std::string_view what = n.substr(6);
  for (std::string_view exact :
       {"eq", "ne", "lt", "gt", "le", "ge", "abs", "neg", "splat", "replace_lane", "pmin", "pmax"})
    if (what == exact) return false;
  return what.substr(0, 7) != "convert";
}

void Emit(std::vector<uint8_t>& out, Op op) {
  const wasm::OpInfo& info = GetOpInfo(op);
  if (info.prefix == 0) {
    out.push_back(static_cast<uint8_t>(info.code));
  } else {
    out.push_back(info.prefix);
    WriteU32(out, info.code);
  }
}

void PutName(std::vector<uint8_t>& out, const std::string& s) {
  WriteU32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

struct GlobalDef {
  ValType type;
  bool mut;
  uint64_t init;
  bool exported;
};

struct TableDef {
  ValType elem;
  uint32_t min, max;
};

struct ElemDef {
  wasm::SegmentMode mode;
  uint32_t table = 0;
  uint32_t offset = 0;
  ValType type = ValType::kFuncRef;
  std::vector<int64_t> items;  // function index, or -1 for ref.null
  bool expr_form = false;
};

struct DataDef {
  bool active = false;
  uint32_t offset = 0;
  std::vector<uint8_t> bytes;
};

struct ModulePlan {
  std::vector<FuncType> types;
  uint32_t num_imported = 0;  // func_types[0, num_imported) are imports
  std::vector<uint32_t> func_types;
  std::vector<bool> func_exported;
  std::vector<TableDef> tables;
  bool has_memory = false;
  bool mem_shared = false;  // GenOptions::atomics only
  uint32_t mem_min = 0, mem_max = 0;
  std::vector<GlobalDef> globals;
  std::vector<ElemDef> elems;
  std::vector<DataDef> datas;
  std::optional<uint32_t> start;
};

// Interesting constants: boundaries of division, shifts, conversions and rounding.
uint64_t InterestingBits(ByteSource& src, ValType t) {
  static constexpr uint32_t kI32[] = {0,  1,          0xffffffff, 0x80000000, 0x7fffffff, 2, 31,
                                      32, 0x7fffff00, 0xfff0,     0x10000,    8,          7};
  static constexpr uint64_t kI64[] = {
      0,  1,  ~uint64_t{0}, uint64_t{1} << 63, (uint64_t{1} << 63) - 1,
      63, 64, 0xffffffff,   0x80000000,        0x100000000,
      3};
  static constexpr uint32_t kF32[] = {0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000,
                                      0xffc00000, 0x7fa00001, 0x7f800000, 0xff800000, 0x4f000000,
                                      0xcf000000, 0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000,
                                      0x3f000000, 0x3fc00000, 0x40200000, 0x00000001, 0x7f7fffff,
                                      0xbf7fffff, 0x4effffff, 0xcf000001, 0x3effffff};
  static constexpr uint64_t kF64[] = {0,
                                      0x8000000000000000,
                                      0x3ff0000000000000,
                                      0xbff0000000000000,
                                      0x7ff8000000000000,
                                      0xfff8000000000000,
                                      0x7ff4000000000001,
                                      0x7ff0000000000000,
                                      0xfff0000000000000,
                                      0x41e0000000000000,
                                      0xc1e0000000000000,
                                      0x41dfffffffc00000,
                                      0xc1e0000000200000,
                                      0x41f0000000000000,
                                      0x43e0000000000000,
                                      0xc3e0000000000000,
                                      0x43f0000000000000,
                                      0x3fe0000000000000,
                                      0x3ff8000000000000,
                                      0x4004000000000000,
                                      0x0000000000000001,
                                      0x7fefffffffffffff};
  const bool random = src.Chance(IsFloat(t) ? 15 : 30);  // floats: mostly the special values
  switch (t) {
    case ValType::kI32:
      if (random) return src.U32();
      if (src.Chance(30)) return static_cast<uint32_t>(int32_t(src.Below(17)) - 8);
      return kI32[src.Below(std::size(kI32))];
    case ValType::kI64:
      if (random) return src.U64();
      if (src.Chance(30)) return static_cast<uint64_t>(int64_t(src.Below(17)) - 8);
      return kI64[src.Below(std::size(kI64))];
    case ValType::kF32:
      if (random) return src.U32();
      return kF32[src.Below(std::size(kF32))];
    case ValType::kF64:
      if (random) return src.U64();
      return kF64[src.Below(std::size(kF64))];
    default:
      return 0;
  }
}

class BodyGenerator {
 public:
  BodyGenerator(ByteSource& src, const GenOptions& o, const ModulePlan& plan, uint32_t func)
      : src_(src), o_(o), plan_(plan), func_(func), type_(plan.types[plan.func_types[func]]) {}

  std::vector<uint8_t> Generate();

 private:
  enum class Kind : uint8_t { kFunc, kBlock, kLoop, kIfThen, kIfElse };
  struct Frame {
    Kind kind;
    std::vector<ValType> params, results;
    size_t height;             // stack size below the frame's operands
    bool counted = false;      // a counted loop: its close emits the back edge
    bool close_outer = false;  // the block wrapping a counted loop closes with it
  };

  // --- stack and emission helpers
  void Op0(Op op) { Emit(code_, op); }
  void U32(uint32_t v) { WriteU32(code_, v); }
  void Push(ValType t) { stack_.push_back(t); }
  void Pop(size_t n) { stack_.resize(stack_.size() - n); }
  size_t Avail() const { return stack_.size() - frames_.back().height; }
  bool TopIs(ValType t) const { return Avail() > 0 && stack_.back() == t; }
  uint32_t NewLocal(ValType t) {
    locals_.push_back(t);
    return static_cast<uint32_t>(locals_.size() - 1);
  }
  // A local of type t (excluding loop counters when `writable`), or nullopt.
  std::optional<uint32_t> PickLocal(ValType t, bool writable);
  std::optional<uint32_t> PickGlobal(ValType t, bool must_be_mutable);
  uint32_t Scratch(ValType t);

  // --- operands
  void Leaf(ValType t);
  void Const(ValType t, uint64_t bits);
  void Need(std::span<const ValType> types);
  void NeedOne(ValType t) { Need({&t, 1}); }
  // Pushes an i32 address, usually inside or near the memory's live range; with `may_use_top`
  // it may instead mask an i32 already on top into a small range.
  void Address(bool may_use_top);
  void SmallI32(uint32_t limit);
  void Canonicalize(ValType t);
  void CanonicalizeV128(bool f64);
  void V128Leaf();
  void PickMemArg(Op op, uint32_t* align, uint32_t* offset);

  // --- instructions
  void Step();
  void Numeric();
  void LocalOp();
  void GlobalOp();
  void MemoryOp();
  void SimdOp();
  void SimdMemoryOp();
  // GenOptions::atomics: an atomic access, wait, notify or fence (see AtomicOp).
  void AtomicOp();
  void AtomicAddress(uint32_t bytes);
  void BulkMemoryOp();
  void TableOp();
  void RefOp();
  void CallOp();
  // return_call / return_call_indirect to a callee with this function's results; false (and
  // nothing emitted) when there is none.
  bool TailCallOp();
  void ControlOp();
  void BranchOp();
  void SelectOp();
  void BlockType(std::vector<ValType>* params, std::vector<ValType>* results);
  void Enter(Kind kind);
  void CountedLoop();
  // The labels' types: a loop's parameters, otherwise its results.
  const std::vector<ValType>& LabelTypes(uint32_t depth) const {
    const Frame& f = frames_[frames_.size() - 1 - depth];
    return f.kind == Kind::kLoop ? f.params : f.results;
  }
  void MatchResults(const Frame& f);
  void Convert(ValType from, ValType to);
  void Close();             // else/end of the innermost frame (when reachable)
  void CloseUnreachable();  // after an unconditional branch
  void EndFrame();          // emits `end`, pushes results onto the parent
  std::vector<uint32_t> FuncTables() const;

  ByteSource& src_;
  const GenOptions& o_;
  const ModulePlan& plan_;
  const uint32_t func_;
  const FuncType& type_;
  std::vector<ValType> locals_;  // params first
  std::vector<bool> counter_;    // per local: a loop counter (never written by random code)
  std::vector<ValType> stack_;
  std::vector<Frame> frames_;
  std::vector<uint8_t> code_;
  int64_t scratch_[5] = {-1, -1, -1, -1, -1};  // i32 i64 f32 f64 v128
  uint32_t ops_left_ = 0;
};

std::optional<uint32_t> BodyGenerator::PickLocal(ValType t, bool writable) {
  uint32_t candidates[64];
  uint32_t n = 0;
  for (uint32_t i = 0; i < locals_.size() && n < 64; ++i) {
    if (locals_[i] != t) continue;
    if (writable && i < counter_.size() && counter_[i]) continue;
    candidates[n++] = i;
  }
  if (n == 0) return std::nullopt;
  return candidates[src_.Below(n)];
}

std::optional<uint32_t> BodyGenerator::PickGlobal(ValType t, bool must_be_mutable) {
  uint32_t candidates[64];
  uint32_t n = 0;
  for (uint32_t i = 0; i < plan_.globals.size() && n < 64; ++i) {
    if (plan_.globals[i].type != t || (must_be_mutable && !plan_.globals[i].mut)) continue;
    candidates[n++] = i;
  }
  if (n == 0) return std::nullopt;
  return candidates[src_.Below(n)];
}

uint32_t BodyGenerator::Scratch(ValType t) {
  const int k = t == ValType::kI32   ? 0
                : t == ValType::kI64 ? 1
                : t == ValType::kF32 ? 2
                : t == ValType::kF64 ? 3
                                     : 4;
  if (scratch_[k] < 0) {
    scratch_[k] = NewLocal(t);
    counter_.resize(locals_.size(), false);
  }
  return static_cast<uint32_t>(scratch_[k]);
}

void BodyGenerator::Const(ValType t, uint64_t bits) {
  switch (t) {
    case ValType::kI32:
      Op0(Op::kI32Const);
      WriteS32(code_, static_cast<int32_t>(static_cast<uint32_t>(bits)));
      break;
    case ValType::kI64:
      Op0(Op::kI64Const);
      WriteS64(code_, static_cast<int64_t>(bits));
      break;
    case ValType::kF32:
      Op0(Op::kF32Const);
      for (int i = 0; i < 4; ++i) code_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      break;
    case ValType::kF64:
      Op0(Op::kF64Const);
      for (int i = 0; i < 8; ++i) code_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      break;
    default:  // references
      Op0(Op::kRefNull);
      code_.push_back(static_cast<uint8_t>(t));
      break;
  }
  Push(t);
}

void BodyGenerator::Leaf(ValType t) {
  const uint32_t pick = src_.Below(10);
  if (pick < 3) {
    if (std::optional<uint32_t> l = PickLocal(t, false)) {
      Op0(Op::kLocalGet);
      U32(*l);
      Push(t);
      return;
    }
  } else if (pick == 3) {
    if (std::optional<uint32_t> g = PickGlobal(t, false)) {
      Op0(Op::kGlobalGet);
      U32(*g);
      Push(t);
      return;
    }
  }
  if (t == ValType::kFuncRef && !plan_.func_types.empty() && src_.Chance(60)) {
    Op0(Op::kRefFunc);
    U32(src_.Below(static_cast<uint32_t>(plan_.func_types.size())));
    Push(t);
    return;
  }
  if (t == ValType::kV128) {
    V128Leaf();
    return;
  }
  if (wasm::IsRefType(t)) {
    Op0(Op::kRefNull);
    code_.push_back(static_cast<uint8_t>(t));
    Push(t);
    return;
  }
  Const(t, InterestingBits(src_, t));
}

void BodyGenerator::Need(std::span<const ValType> types) {
  const size_t k = types.size();
  size_t reuse = 0;
  for (size_t j = std::min(k, Avail()); j > 0; --j) {
    if (std::equal(types.begin(), types.begin() + j, stack_.end() - j)) {
      reuse = j;
      break;
    }
  }
  for (size_t i = reuse; i < k; ++i) Leaf(types[i]);
}

void BodyGenerator::SmallI32(uint32_t limit) {
  if (src_.Chance(85)) {
    Const(ValType::kI32, src_.Below(limit + 1));
  } else {
    Leaf(ValType::kI32);
  }
}

void BodyGenerator::Address(bool may_use_top) {
  // Mostly in bounds, so that functions run on past their memory accesses; out of bounds often
  // enough (the end straddled, arbitrary values) that every trap path is exercised.
  const uint64_t live = uint64_t(plan_.mem_min) * wasm::kPageSize;
  const uint32_t pick = src_.Below(100);
  if (pick < 62) {
    Const(ValType::kI32, src_.Below(static_cast<uint32_t>(std::min<uint64_t>(live, 256) + 8)));
  } else if (pick < 72 && live >= 16) {
    Const(ValType::kI32, live - src_.Below(24));  // straddles the end
  } else if (pick < 92 && may_use_top && TopIs(ValType::kI32)) {
    Const(ValType::kI32, 0x3ff);  // mask a computed value into a small range
    Op0(Op::kI32And);
    Pop(1);
  } else {
    Leaf(ValType::kI32);
  }
}

// [v] -> [v == v ? v : canonical NaN]. The scratch local ends up holding the canonical value
// too: any later local.get may read it (LocalOp picks among all locals), so no local may keep a
// NaN whose bits the engine chose.
void BodyGenerator::Canonicalize(ValType t) {
  const uint32_t tmp = Scratch(t);
  Op0(Op::kLocalTee);
  U32(tmp);
  Const(t, t == ValType::kF32 ? 0x7fc00000u : 0x7ff8000000000000u);
  Op0(Op::kLocalGet);
  U32(tmp);
  Op0(Op::kLocalGet);
  U32(tmp);
  Op0(t == ValType::kF32 ? Op::kF32Eq : Op::kF64Eq);
  Op0(Op::kSelect);
  Op0(Op::kLocalTee);
  U32(tmp);
  Pop(1);
}

// A v128 from a v128.const (lanes of interesting scalars in a random shape) or a splat.
void BodyGenerator::V128Leaf() {
  if (src_.Chance(55)) {
    static constexpr ValType kLaneTypes[] = {ValType::kI32, ValType::kI64, ValType::kF32,
                                             ValType::kF64, ValType::kI32, ValType::kI32};
    static constexpr uint32_t kLaneBytes[] = {4, 8, 4, 8, 1, 2};
    const uint32_t shape = src_.Below(6);
    const uint32_t width = kLaneBytes[shape];
    Op0(Op::kV128Const);
    for (uint32_t lane = 0; lane < 16 / width; ++lane) {
      const uint64_t bits = InterestingBits(src_, kLaneTypes[shape]);
      for (uint32_t b = 0; b < width; ++b) code_.push_back(static_cast<uint8_t>(bits >> (8 * b)));
    }
    Push(ValType::kV128);
    return;
  }
  static constexpr Op kSplats[] = {Op::kI8x16Splat, Op::kI16x8Splat, Op::kI32x4Splat,
                                   Op::kI64x2Splat, Op::kF32x4Splat, Op::kF64x2Splat};
  const Op op = kSplats[src_.Below(6)];
  Leaf(GetOpInfo(op).sig.params[0]);  // a fresh scalar: a leaf never consumes what is there
  Op0(op);
  Pop(1);
  Push(ValType::kV128);
}

// [v] -> [lanes that are NaN replaced by the canonical NaN]: v == v is a lane mask, and
// v128.bitselect(v, canonical, mask) keeps v where the mask is set. The scratch local ends up
// canonical too (see Canonicalize).
void BodyGenerator::CanonicalizeV128(bool f64) {
  const uint32_t tmp = Scratch(ValType::kV128);
  Op0(Op::kLocalTee);
  U32(tmp);
  Op0(Op::kV128Const);
  for (int lane = 0; lane < (f64 ? 2 : 4); ++lane) {
    const uint64_t nan = f64 ? 0x7ff8000000000000u : 0x7fc00000u;
    for (int b = 0; b < (f64 ? 8 : 4); ++b) code_.push_back(static_cast<uint8_t>(nan >> (8 * b)));
  }
  Op0(Op::kLocalGet);
  U32(tmp);
  Op0(Op::kLocalGet);
  U32(tmp);
  Op0(f64 ? Op::kF64x2Eq : Op::kF32x4Eq);
  Op0(Op::kV128Bitselect);
  Op0(Op::kLocalTee);
  U32(tmp);
}

// One SIMD instruction (GenOptions::simd): lanewise arithmetic, a lane access, a shuffle, a
// reduction to a scalar (often when a vector is on top, so vector results get observed) or a
// memory access.
void BodyGenerator::SimdOp() {
  const OpLists& lists = Lists();
  if (TopIs(ValType::kV128) && src_.Chance(30)) {
    const bool lane = src_.Chance(50);
    const std::vector<Op>& ops = lane ? lists.simd_lane : lists.simd_reduce;
    Op op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
    for (int tries = 0; lane && tries < 8 && GetOpInfo(op).sig.num_params != 1; ++tries)
      op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
    const wasm::OpSig& sig = GetOpInfo(op).sig;
    Need(sig.param_span());
    Op0(op);
    if (GetOpInfo(op).imm == wasm::ImmKind::kLane)
      code_.push_back(static_cast<uint8_t>(src_.Below(wasm::LaneCount(op))));
    Pop(sig.num_params);
    Push(sig.result);
    return;
  }
  const uint32_t pick = src_.Below(100);
  if (pick < 15 && plan_.has_memory) {
    SimdMemoryOp();
    return;
  }
  if (pick < 25) {
    const std::vector<Op>& ops = lists.simd_lane;
    const Op op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
    const wasm::OpSig& sig = GetOpInfo(op).sig;
    Need(sig.param_span());
    Op0(op);
    code_.push_back(static_cast<uint8_t>(src_.Below(wasm::LaneCount(op))));
    Pop(sig.num_params);
    Push(sig.result);
    return;
  }
  if (pick < 30) {
    const ValType want[2] = {ValType::kV128, ValType::kV128};
    Need(want);
    Op0(Op::kI8x16Shuffle);
    for (int i = 0; i < 16; ++i) code_.push_back(static_cast<uint8_t>(src_.Below(32)));
    Pop(2);
    Push(ValType::kV128);
    return;
  }
  const std::vector<Op>& ops = lists.simd_numeric;
  Op op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
  if (Avail() > 0 && src_.Chance(75)) {
    const ValType top = stack_.back();
    for (int tries = 0; tries < 24; ++tries) {
      const Op cand = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
      const wasm::OpSig& s = GetOpInfo(cand).sig;
      if (s.num_params > 0 && s.params[s.num_params - 1] == top) {
        op = cand;
        break;
      }
    }
  }
  const wasm::OpSig& sig = GetOpInfo(op).sig;
  Need(sig.param_span());
  Op0(op);
  Pop(sig.num_params);
  Push(sig.result);
  if (o_.canonicalize_nans && SimdMayMakeArithmeticNaN(op))
    CanonicalizeV128(GetOpInfo(op).name.substr(0, 3) == "f64");
}

// v128.load*/store and the lane forms, with the scalar accesses' addresses, alignments and
// offsets (traps included).
void BodyGenerator::SimdMemoryOp() {
  const OpLists& lists = Lists();
  const uint32_t kind = src_.Below(3);
  const std::vector<Op>& ops = kind == 0   ? lists.simd_loads
                               : kind == 1 ? lists.simd_stores
                                           : lists.simd_lane_mem;
  const Op op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
  const wasm::OpSig& sig = GetOpInfo(op).sig;
  uint32_t align = 0, offset = 0;
  PickMemArg(op, &align, &offset);
  if (sig.num_params == 2) {  // the vector operand after the address: park one computed first
    std::optional<uint32_t> parked;
    if (TopIs(ValType::kV128) && src_.Chance(85)) {
      parked = Scratch(ValType::kV128);
      Op0(Op::kLocalSet);
      U32(*parked);
      Pop(1);
    }
    Address(true);
    if (parked) {
      Op0(Op::kLocalGet);
      U32(*parked);
      Push(ValType::kV128);
    } else {
      Leaf(ValType::kV128);
    }
  } else {
    Address(true);
  }
  Op0(op);
  U32(align);
  U32(offset);
  if (GetOpInfo(op).imm == wasm::ImmKind::kMemArgLane)
    code_.push_back(static_cast<uint8_t>(src_.Below(wasm::LaneCount(op))));
  Pop(sig.num_params);
  if (sig.num_results) Push(sig.result);
}

void BodyGenerator::PickMemArg(Op op, uint32_t* align, uint32_t* offset) {
  const uint32_t natural = wasm::NaturalAlignLog2(op);
  *align = src_.Chance(70) ? natural : src_.Below(natural + 1);
  const uint32_t pick = src_.Below(100);
  if (pick < 4) {
    *offset = src_.U32();  // usually far out of bounds, may need an explicit check (>= 2 GiB)
  } else if (pick < 8) {
    *offset = static_cast<uint32_t>(uint64_t(plan_.mem_min) * wasm::kPageSize) - src_.Below(16);
  } else {
    *offset = src_.Below(40);
  }
}

void BodyGenerator::Numeric() {
  if (o_.simd && src_.Chance(40)) {
    SimdOp();
    return;
  }
  const std::vector<Op>& ops = Lists().numeric;
  Op op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
  if (Avail() > 0 && src_.Chance(75)) {
    // Prefer an operation that consumes the top of the stack, so values flow into each other.
    const ValType top = stack_.back();
    for (int tries = 0; tries < 24; ++tries) {
      const Op cand = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
      const wasm::OpSig& s = GetOpInfo(cand).sig;
      if (s.num_params > 0 && s.params[s.num_params - 1] == top) {
        op = cand;
        break;
      }
    }
  }
  const wasm::OpSig& sig = GetOpInfo(op).sig;
  Need(sig.param_span());
  Op0(op);
  Pop(sig.num_params);
  if (sig.num_results) {
    Push(sig.result);
    if (o_.canonicalize_nans && MayMakeArithmeticNaN(op)) Canonicalize(sig.result);
  }
}

void BodyGenerator::LocalOp() {
  const uint32_t kind = src_.Below(3);  // get, set, tee
  if (kind == 0 || Avail() == 0) {
    if (locals_.empty()) {
      NewLocal(kNumTypes[src_.Below(4)]);
      counter_.resize(locals_.size(), false);
    }
    const uint32_t l = src_.Below(static_cast<uint32_t>(locals_.size()));
    Op0(Op::kLocalGet);
    U32(l);
    Push(locals_[l]);
    return;
  }
  std::optional<uint32_t> l = PickLocal(stack_.back(), true);
  if (!l) {
    const ValType t = kNumTypes[src_.Below(4)];
    l = PickLocal(t, true);
    if (!l) {
      l = NewLocal(t);
      counter_.resize(locals_.size(), false);
    }
    NeedOne(t);
  }
  Op0(kind == 1 ? Op::kLocalSet : Op::kLocalTee);
  U32(*l);
  if (kind == 1) Pop(1);
}

void BodyGenerator::GlobalOp() {
  if (plan_.globals.empty()) return;
  if (src_.Chance(50)) {
    const uint32_t g = src_.Below(static_cast<uint32_t>(plan_.globals.size()));
    Op0(Op::kGlobalGet);
    U32(g);
    Push(plan_.globals[g].type);
    return;
  }
  std::optional<uint32_t> g;
  if (Avail() > 0) g = PickGlobal(stack_.back(), true);
  if (!g) g = PickGlobal(kNumTypes[src_.Below(4)], true);
  if (!g) return;
  NeedOne(plan_.globals[*g].type);
  Op0(Op::kGlobalSet);
  U32(*g);
  Pop(1);
}

void BodyGenerator::MemoryOp() {
  if (!plan_.has_memory) return;
  const bool store = src_.Chance(45);
  const std::vector<Op>& ops = store ? Lists().stores : Lists().loads;
  Op op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
  if (store && Avail() > 0 && src_.Chance(75)) {
    // Prefer storing the value just computed: memory is where the harness sees it.
    for (int tries = 0; tries < 12; ++tries) {
      const Op cand = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
      if (GetOpInfo(cand).sig.params[1] == stack_.back()) {
        op = cand;
        break;
      }
    }
  }
  const wasm::OpSig& sig = GetOpInfo(op).sig;
  uint32_t align = 0, offset = 0;
  PickMemArg(op, &align, &offset);
  if (store) {
    const ValType vt = sig.params[1];
    // Keep a computed value: park it in a scratch local while the address is pushed.
    std::optional<uint32_t> parked;
    if (TopIs(vt) && src_.Chance(85)) {
      parked = Scratch(vt);
      Op0(Op::kLocalSet);
      U32(*parked);
      Pop(1);
    }
    Address(true);
    if (parked) {
      Op0(Op::kLocalGet);
      U32(*parked);
      Push(vt);
    } else {
      Leaf(vt);
    }
  } else {
    Address(true);
  }
  Op0(op);
  U32(align);
  U32(offset);
  Pop(sig.num_params);
  if (sig.num_results) Push(sig.result);
}

// An i32 address for an atomic access of `bytes` bytes: mostly aligned and inside the memory,
// sometimes at or past its end, and sometimes anything (Address), so that the unaligned-atomic
// and out-of-bounds traps are both reached.
void BodyGenerator::AtomicAddress(uint32_t bytes) {
  const uint64_t live = uint64_t(plan_.mem_min) * wasm::kPageSize;
  const uint32_t aligned = ~(bytes - 1);
  const uint32_t pick = src_.Below(100);
  if (pick < 60) {
    Const(ValType::kI32,
          src_.Below(static_cast<uint32_t>(std::min<uint64_t>(live, 256) + 8)) & aligned);
  } else if (pick < 70 && live >= 16) {
    Const(ValType::kI32, static_cast<uint32_t>(live - src_.Below(24)) & aligned);
  } else if (pick < 85 && TopIs(ValType::kI32)) {
    Const(ValType::kI32, 0x3ff & aligned);  // mask a computed value into a small aligned range
    Op0(Op::kI32And);
    Pop(1);
  } else {
    Address(true);
  }
}

// One threads-proposal instruction (GenOptions::atomics): an atomic load, store or
// read-modify-write (cmpxchg included) at every width, memory.atomic.notify (one thread: no
// waiter, so 0), memory.atomic.wait32/64 with a constant timeout of 0 or 1 us (never infinite:
// nothing could wake it; a different value gives 1, an equal one times out with 2, an unshared
// memory traps), or atomic.fence. The alignment immediate is the natural one (the validator
// requires it); the effective address (AtomicAddress plus the offset) is mostly aligned and
// sometimes not, so every atomic trap is reachable. Results are deterministic with one thread.
void BodyGenerator::AtomicOp() {
  const OpLists& lists = Lists();
  const uint32_t pick = src_.Below(100);
  if (pick < 5) {
    Op0(Op::kAtomicFence);
    code_.push_back(0);
    return;
  }
  Op op;
  if (pick < 11) {
    op = Op::kMemoryAtomicNotify;
  } else if (pick < 17) {
    op = src_.Chance(50) ? Op::kMemoryAtomicWait32 : Op::kMemoryAtomicWait64;
  } else {
    const std::vector<Op>& ops = pick < 40   ? lists.atomic_loads
                                 : pick < 60 ? lists.atomic_stores
                                             : lists.atomic_rmws;
    op = ops[src_.Below(static_cast<uint32_t>(ops.size()))];
  }
  const wasm::OpSig& sig = GetOpInfo(op).sig;
  const uint32_t natural = wasm::NaturalAlignLog2(op), bytes = 1u << natural;
  uint32_t offset;
  const uint32_t opick = src_.Below(100);
  if (opick < 80) {
    offset = src_.Below(40) & ~(bytes - 1);
  } else if (opick < 92) {
    offset = src_.Below(40);  // may misalign an aligned address
  } else if (opick < 96) {
    offset = static_cast<uint32_t>(uint64_t(plan_.mem_min) * wasm::kPageSize) - src_.Below(16);
  } else {
    offset = src_.U32();
  }
  const bool wait = op == Op::kMemoryAtomicWait32 || op == Op::kMemoryAtomicWait64;
  // The operand after the address: keep a computed value of its type (parked while the address
  // is pushed), as stores do.
  std::optional<uint32_t> parked;
  if (sig.num_params >= 2 && TopIs(sig.params[1]) && src_.Chance(85)) {
    parked = Scratch(sig.params[1]);
    Op0(Op::kLocalSet);
    U32(*parked);
    Pop(1);
  }
  AtomicAddress(bytes);
  if (sig.num_params >= 2) {
    if (parked) {
      Op0(Op::kLocalGet);
      U32(*parked);
      Push(sig.params[1]);
    } else {
      Leaf(sig.params[1]);
    }
  }
  if (wait) {
    Const(ValType::kI64, src_.Chance(75) ? 0 : 1000);  // nanoseconds
  } else if (sig.num_params == 3) {
    Leaf(sig.params[2]);  // cmpxchg's replacement
  }
  Op0(op);
  U32(natural);
  U32(offset);
  Pop(sig.num_params);
  if (sig.num_results) Push(sig.result);
}

void BodyGenerator::BulkMemoryOp() {
  if (!plan_.has_memory) return;
  const uint32_t live = plan_.mem_min * 65536u;
  const uint32_t datas = static_cast<uint32_t>(plan_.datas.size());
  switch (src_.Below(datas ? 6 : 4)) {
    case 0:
      Op0(Op::kMemorySize);
      code_.push_back(0);
      Push(ValType::kI32);
      break;
    case 1:
      SmallI32(2);
      Op0(Op::kMemoryGrow);
      code_.push_back(0);
      break;  // i32 -> i32
    case 2:
      Address(true);
      Leaf(ValType::kI32);
      SmallI32(std::min(live + 8, 64u));
      Op0(Op::kMemoryFill);
      code_.push_back(0);
      Pop(3);
      break;
    case 3:
      Address(true);
      Address(false);
      SmallI32(std::min(live + 8, 64u));
      Op0(Op::kMemoryCopy);
      code_.push_back(0);
      code_.push_back(0);
      Pop(3);
      break;
    case 4: {
      const uint32_t seg = src_.Below(datas);
      Address(true);
      SmallI32(static_cast<uint32_t>(plan_.datas[seg].bytes.size()) + 2);
      SmallI32(static_cast<uint32_t>(plan_.datas[seg].bytes.size()) + 2);
      Op0(Op::kMemoryInit);
      U32(seg);
      code_.push_back(0);
      Pop(3);
      break;
    }
    default:
      Op0(Op::kDataDrop);
      U32(src_.Below(datas));
      break;
  }
}

std::vector<uint32_t> BodyGenerator::FuncTables() const {
  std::vector<uint32_t> r;
  for (uint32_t t = 0; t < plan_.tables.size(); ++t)
    if (plan_.tables[t].elem == ValType::kFuncRef) r.push_back(t);
  return r;
}

void BodyGenerator::TableOp() {
  if (plan_.tables.empty()) return;
  const uint32_t t = src_.Below(static_cast<uint32_t>(plan_.tables.size()));
  const TableDef& table = plan_.tables[t];
  const ValType et = table.elem;
  switch (src_.Below(8)) {
    case 0:
      SmallI32(table.max + 1);
      Op0(Op::kTableGet);
      U32(t);
      Pop(1);
      Push(et);
      break;
    case 1:
      SmallI32(table.max + 1);
      Leaf(et);
      Op0(Op::kTableSet);
      U32(t);
      Pop(2);
      break;
    case 2:
      Op0(Op::kTableSize);
      U32(t);
      Push(ValType::kI32);
      break;
    case 3:
      Leaf(et);
      SmallI32(3);
      Op0(Op::kTableGrow);
      U32(t);
      Pop(2);
      Push(ValType::kI32);
      break;
    case 4:
      SmallI32(table.max + 1);
      Leaf(et);
      SmallI32(4);
      Op0(Op::kTableFill);
      U32(t);
      Pop(3);
      break;
    case 5: {
      // table.copy needs a source of the same element type.
      std::vector<uint32_t> same;
      for (uint32_t s = 0; s < plan_.tables.size(); ++s)
        if (plan_.tables[s].elem == et) same.push_back(s);
      const uint32_t s = same[src_.Below(static_cast<uint32_t>(same.size()))];
      SmallI32(table.max + 1);
      SmallI32(plan_.tables[s].max + 1);
      SmallI32(4);
      Op0(Op::kTableCopy);
      U32(t);
      U32(s);
      Pop(3);
      break;
    }
    case 6: {
      std::vector<uint32_t> segs;
      for (uint32_t e = 0; e < plan_.elems.size(); ++e)
        if (plan_.elems[e].type == et) segs.push_back(e);
      if (segs.empty()) return;
      const uint32_t e = segs[src_.Below(static_cast<uint32_t>(segs.size()))];
      SmallI32(table.max + 1);
      SmallI32(static_cast<uint32_t>(plan_.elems[e].items.size()) + 1);
      SmallI32(3);
      Op0(Op::kTableInit);
      U32(e);
      U32(t);
      Pop(3);
      break;
    }
    default:
      if (plan_.elems.empty()) return;
      Op0(Op::kElemDrop);
      U32(src_.Below(static_cast<uint32_t>(plan_.elems.size())));
      break;
  }
}

void BodyGenerator::RefOp() {
  switch (src_.Below(3)) {
    case 0: {
      const ValType t = src_.Chance(50) ? ValType::kFuncRef : ValType::kExternRef;
      Op0(Op::kRefNull);
      code_.push_back(static_cast<uint8_t>(t));
      Push(t);
      break;
    }
    case 1:
      if (!(TopIs(ValType::kFuncRef) || TopIs(ValType::kExternRef)))
        Leaf(src_.Chance(60) ? ValType::kFuncRef : ValType::kExternRef);
      Op0(Op::kRefIsNull);
      Pop(1);
      Push(ValType::kI32);
      break;
    default:
      Op0(Op::kRefFunc);
      U32(src_.Below(static_cast<uint32_t>(plan_.func_types.size())));
      Push(ValType::kFuncRef);
      break;
  }
}

void BodyGenerator::CallOp() {
  const uint32_t n = static_cast<uint32_t>(plan_.func_types.size());
  const std::vector<uint32_t> tables = FuncTables();
  if (!tables.empty() && src_.Chance(40)) {
    const uint32_t type = src_.Below(static_cast<uint32_t>(plan_.types.size()));
    const uint32_t t = tables[src_.Below(static_cast<uint32_t>(tables.size()))];
    Need(plan_.types[type].params());
    SmallI32(plan_.tables[t].max + 1);
    Op0(Op::kCallIndirect);
    U32(type);
    U32(t);
    Pop(plan_.types[type].params().size() + 1);
    for (ValType r : plan_.types[type].results()) Push(r);
    return;
  }
  // Mostly calls to later functions (a DAG), sometimes anywhere (recursion, bounded by fuel).
  uint32_t callee;
  if (func_ + 1 < n && src_.Chance(85)) {
    callee = src_.Range(func_ + 1, n - 1);
  } else {
    callee = src_.Below(n);
  }
  const FuncType& ft = plan_.types[plan_.func_types[callee]];
  Need(ft.params());
  Op0(Op::kCall);
  U32(callee);
  Pop(ft.params().size());
  for (ValType r : ft.results()) Push(r);
}

bool BodyGenerator::TailCallOp() {
  const std::span<const ValType> results = type_.results();
  auto same_results = [&](const FuncType& t) {
    return std::equal(t.results().begin(), t.results().end(), results.begin(), results.end());
  };
  const std::vector<uint32_t> tables = FuncTables();
  if (!tables.empty() && src_.Chance(40)) {
    std::vector<uint32_t> types;
    for (uint32_t k = 0; k < plan_.types.size(); ++k)
      if (same_results(plan_.types[k])) types.push_back(k);
    if (!types.empty()) {
      const uint32_t type = types[src_.Below(static_cast<uint32_t>(types.size()))];
      const uint32_t t = tables[src_.Below(static_cast<uint32_t>(tables.size()))];
      Need(plan_.types[type].params());
      SmallI32(plan_.tables[t].max + 1);
      Op0(Op::kReturnCallIndirect);
      U32(type);
      U32(t);
      CloseUnreachable();
      return true;
    }
  }
  std::vector<uint32_t> callees;
  for (uint32_t f = 0; f < plan_.func_types.size(); ++f)
    if (same_results(plan_.types[plan_.func_types[f]])) callees.push_back(f);
  if (callees.empty()) return false;  // (a defined function always matches itself)
  const uint32_t callee = callees[src_.Below(static_cast<uint32_t>(callees.size()))];
  Need(plan_.types[plan_.func_types[callee]].params());
  Op0(Op::kReturnCall);
  U32(callee);
  CloseUnreachable();
  return true;
}

void BodyGenerator::SelectOp() {
  if (Avail() > 0 && src_.Chance(30)) {
    Op0(Op::kDrop);
    Pop(1);
    return;
  }
  const bool typed = src_.Chance(40);
  ValType t = kNumTypes[src_.Below(4)];
  if (typed && src_.Chance(30)) t = src_.Chance(50) ? ValType::kFuncRef : ValType::kExternRef;
  if (Avail() > 0 &&
      (typed || wasm::IsNumType(stack_.back()) || (o_.simd && TopIs(ValType::kV128))) &&
      src_.Chance(50))
    t = stack_.back();
  const ValType want[3] = {t, t, ValType::kI32};
  Need(want);
  if (typed) {
    Op0(Op::kSelectT);
    U32(1);
    code_.push_back(static_cast<uint8_t>(t));
  } else {
    Op0(Op::kSelect);
  }
  Pop(3);
  Push(t);
}

void BodyGenerator::BlockType(std::vector<ValType>* params, std::vector<ValType>* results) {
  const uint32_t pick = src_.Below(10);
  if (pick < 3) {
    code_.push_back(0x40);
  } else if (pick < 7) {
    ValType t = kNumTypes[src_.Below(4)];
    if (src_.Chance(10)) t = src_.Chance(50) ? ValType::kFuncRef : ValType::kExternRef;
    if (o_.simd && src_.Chance(12)) t = ValType::kV128;
    code_.push_back(static_cast<uint8_t>(t));
    results->push_back(t);
  } else {
    const uint32_t ti = src_.Below(static_cast<uint32_t>(plan_.types.size()));
    WriteS64(code_, ti);  // an s33 type index
    params->assign(plan_.types[ti].params().begin(), plan_.types[ti].params().end());
    results->assign(plan_.types[ti].results().begin(), plan_.types[ti].results().end());
  }
}

void BodyGenerator::Enter(Kind kind) {
  // Operands are produced before the opcode; the block type comes after it.
  std::vector<ValType> params, results;
  std::vector<uint8_t> bt;
  std::swap(code_, bt);
  BlockType(&params, &results);
  std::swap(code_, bt);
  std::vector<ValType> want = params;
  if (kind == Kind::kIfThen) want.push_back(ValType::kI32);
  Need(want);
  Op0(kind == Kind::kBlock ? Op::kBlock : kind == Kind::kLoop ? Op::kLoop : Op::kIf);
  code_.insert(code_.end(), bt.begin(), bt.end());
  if (kind == Kind::kIfThen) Pop(1);
  Pop(params.size());
  Frame f{kind, params, results, stack_.size()};
  for (ValType p : params) Push(p);
  frames_.push_back(std::move(f));
}

// block { loop { if (c == 0) br 1; c -= 1; ...body...; br 0 } }: terminates without fuel.
void BodyGenerator::CountedLoop() {
  const uint32_t c = NewLocal(ValType::kI32);
  counter_.resize(locals_.size(), false);
  counter_[c] = true;
  Const(ValType::kI32, src_.Range(1, 6));
  Op0(Op::kLocalSet);
  U32(c);
  Pop(1);
  Op0(Op::kBlock);
  code_.push_back(0x40);
  frames_.push_back({Kind::kBlock, {}, {}, stack_.size()});
  Op0(Op::kLoop);
  code_.push_back(0x40);
  frames_.push_back({Kind::kLoop, {}, {}, stack_.size()});
  frames_.back().counted = true;
  frames_.back().close_outer = true;  // the wrapping block ends right after the loop
  Op0(Op::kLocalGet);
  U32(c);
  Op0(Op::kI32Eqz);
  Op0(Op::kBrIf);
  U32(1);
  Op0(Op::kLocalGet);
  U32(c);
  Const(ValType::kI32, 1);
  Op0(Op::kI32Sub);
  Op0(Op::kLocalSet);
  U32(c);
  Pop(1);
}

void BodyGenerator::ControlOp() {
  if (frames_.size() > o_.max_nesting) {
    Close();
    return;
  }
  switch (src_.Below(5)) {
    case 0:
      Enter(Kind::kBlock);
      break;
    case 1:
      if (src_.Chance(50)) {
        CountedLoop();
      } else {
        Enter(Kind::kLoop);
      }
      break;
    case 2:
    case 3:
      Enter(Kind::kIfThen);
      break;
    default:
      if (frames_.size() > 1) Close();
      break;
  }
}

void BodyGenerator::BranchOp() {
  const uint32_t depth_count = static_cast<uint32_t>(frames_.size());
  const uint32_t depth = src_.Below(depth_count);
  const std::vector<ValType> label = LabelTypes(depth);
  uint32_t kind = src_.Below(7);
  // An unconditional branch in the function's own frame ends the body: rarely, until the end.
  if (frames_.size() == 1 && ops_left_ > 2 && kind >= 3 && src_.Chance(80)) kind = 0;
  switch (kind) {
    case 0:
    case 1:
    case 2: {  // br_if
      std::vector<ValType> want = label;
      want.push_back(ValType::kI32);
      Need(want);
      Op0(Op::kBrIf);
      U32(depth);
      Pop(1);
      break;
    }
    case 3: {  // br
      Need(label);
      Op0(Op::kBr);
      U32(depth);
      CloseUnreachable();
      break;
    }
    case 4: {  // br_table over labels of the same types
      std::vector<uint32_t> targets;
      const uint32_t n = src_.Below(4);
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t d = src_.Below(depth_count);
        if (LabelTypes(d) == label) targets.push_back(d);
      }
      std::vector<ValType> want = label;
      want.push_back(ValType::kI32);
      Need(want);
      Op0(Op::kBrTable);
      U32(static_cast<uint32_t>(targets.size()));
      for (uint32_t d : targets) U32(d);
      U32(depth);
      CloseUnreachable();
      break;
    }
    case 5:
      if (o_.tail_calls && src_.Chance(50) && TailCallOp()) break;
      Need(type_.results());
      Op0(Op::kReturn);
      CloseUnreachable();
      break;
    default:
      if (src_.Chance(30)) {
        Op0(Op::kUnreachable);
        CloseUnreachable();
      } else {
        Op0(Op::kNop);
      }
      break;
  }
}

void BodyGenerator::MatchResults(const Frame& f) {
  // Keep the longest prefix of the frame's operands that matches its results, drop the rest.
  // The last computed value (the top) is not wasted when it would be dropped: it is parked in a
  // scratch local and becomes, converted, the last numeric result still missing, so computed
  // values (NaNs included) reach results, memory and globals instead of constants.
  const size_t avail = stack_.size() - f.height;
  size_t keep = 0;
  while (keep < avail && keep < f.results.size() && stack_[f.height + keep] == f.results[keep])
    ++keep;
  std::optional<ValType> parked;
  size_t parked_slot = 0;
  if (keep < avail && wasm::IsNumType(stack_.back())) {
    for (size_t j = f.results.size(); j > keep; --j) {
      if (!wasm::IsNumType(f.results[j - 1])) continue;
      parked = stack_.back();
      parked_slot = j - 1;
      Op0(Op::kLocalSet);
      U32(Scratch(*parked));
      Pop(1);
      break;
    }
  }
  for (size_t i = stack_.size() - f.height; i > keep; --i) {
    Op0(Op::kDrop);
    Pop(1);
  }
  for (size_t i = keep; i < f.results.size(); ++i) {
    if (parked && i == parked_slot) {
      Op0(Op::kLocalGet);
      U32(Scratch(*parked));
      Push(*parked);
      Convert(*parked, f.results[i]);
    } else {
      Leaf(f.results[i]);
    }
  }
}

// [from] -> [to] for numeric types, by a conversion, a reinterpretation or a saturating
// truncation (never a trap, so the value always arrives).
void BodyGenerator::Convert(ValType from, ValType to) {
  if (from == to) return;
  const bool alt = src_.Chance(50);
  Op op = Op::kNop;
  switch (to) {
    case ValType::kI32:
      op = from == ValType::kI64   ? Op::kI32WrapI64
           : from == ValType::kF32 ? (alt ? Op::kI32ReinterpretF32 : Op::kI32TruncSatF32S)
                                   : (alt ? Op::kI32TruncSatF64U : Op::kI32TruncSatF64S);
      break;
    case ValType::kI64:
      op = from == ValType::kI32   ? (alt ? Op::kI64ExtendI32S : Op::kI64ExtendI32U)
           : from == ValType::kF64 ? (alt ? Op::kI64ReinterpretF64 : Op::kI64TruncSatF64S)
                                   : (alt ? Op::kI64TruncSatF32U : Op::kI64TruncSatF32S);
      break;
    case ValType::kF32:
      op = from == ValType::kI32   ? (alt ? Op::kF32ReinterpretI32 : Op::kF32ConvertI32S)
           : from == ValType::kI64 ? (alt ? Op::kF32ConvertI64U : Op::kF32ConvertI64S)
                                   : Op::kF32DemoteF64;
      break;
    default:
      op = from == ValType::kI64   ? (alt ? Op::kF64ReinterpretI64 : Op::kF64ConvertI64S)
           : from == ValType::kI32 ? (alt ? Op::kF64ConvertI32U : Op::kF64ConvertI32S)
                                   : Op::kF64PromoteF32;
      break;
  }
  Op0(op);
  Pop(1);
  Push(to);
  if (o_.canonicalize_nans && MayMakeArithmeticNaN(op)) Canonicalize(to);
}

void BodyGenerator::EndFrame() {
  Frame f = std::move(frames_.back());
  frames_.pop_back();
  Op0(Op::kEnd);
  stack_.resize(f.height);
  if (!frames_.empty()) {
    for (ValType r : f.results) Push(r);
    if (f.close_outer) Close();
  }
}

void BodyGenerator::Close() {
  Frame& f = frames_.back();
  MatchResults(f);
  if (f.kind == Kind::kIfThen && (f.params != f.results || src_.Chance(70))) {
    Op0(Op::kElse);
    f.kind = Kind::kIfElse;
    stack_.resize(f.height);
    for (ValType p : f.params) Push(p);
    return;
  }
  if (f.counted) {
    Op0(Op::kBr);
    U32(0);
  }
  EndFrame();
}

void BodyGenerator::CloseUnreachable() {
  Frame& f = frames_.back();
  stack_.resize(f.height);
  if (f.kind == Kind::kIfThen) {
    Op0(Op::kElse);
    f.kind = Kind::kIfElse;
    for (ValType p : f.params) Push(p);
    return;
  }
  // `end` in unreachable code: the stack is polymorphic, so the results need not be produced.
  EndFrame();
}

void BodyGenerator::Step() {
  if (Avail() > o_.max_stack) {
    Op0(Op::kDrop);
    Pop(1);
    return;
  }
  const uint32_t pick = src_.Below(100);
  if (pick < 30) {
    Numeric();
  } else if (pick < 36) {
    Leaf(kNumTypes[src_.Below(4)]);
  } else if (pick < 44) {
    LocalOp();
  } else if (pick < 49) {
    GlobalOp();
  } else if (pick < 59) {
    if (o_.atomics && plan_.has_memory && src_.Chance(35)) {
      AtomicOp();
    } else {
      MemoryOp();
    }
  } else if (pick < 63) {
    BulkMemoryOp();
  } else if (pick < 67) {
    TableOp();
  } else if (pick < 70) {
    RefOp();
  } else if (pick < 76) {
    CallOp();
  } else if (pick < 84) {
    ControlOp();
  } else if (pick < 92) {
    BranchOp();
  } else {
    SelectOp();
  }
}

std::vector<uint8_t> BodyGenerator::Generate() {
  locals_.assign(type_.params().begin(), type_.params().end());
  const uint32_t extra = src_.Below(5);
  for (uint32_t i = 0; i < extra; ++i) {
    static constexpr ValType kAll[] = {ValType::kI32, ValType::kI64,     ValType::kF32,
                                       ValType::kF64, ValType::kFuncRef, ValType::kExternRef,
                                       ValType::kV128};  // v128 only with GenOptions::simd
    locals_.push_back(kAll[src_.Below(o_.simd ? 7 : 6)]);
  }
  counter_.assign(locals_.size(), false);
  frames_.push_back({Kind::kFunc, {}, {type_.results().begin(), type_.results().end()}, 0});
  const uint32_t max_ops =
      o_.max_ops_per_function * (src_.Chance(o_.long_body_percent) ? o_.long_body_factor : 1);
  ops_left_ = src_.Range(std::max(1u, max_ops / 4), max_ops);
  while (!frames_.empty()) {
    if (ops_left_ == 0 || src_.exhausted()) {
      Close();
      continue;
    }
    --ops_left_;
    Step();
  }
  // Local declarations: one group per local beyond the parameters, in order.
  std::vector<uint8_t> body;
  const size_t first = type_.params().size();
  std::vector<std::pair<uint32_t, ValType>> groups;
  for (size_t i = first; i < locals_.size(); ++i) {
    if (!groups.empty() && groups.back().second == locals_[i]) {
      ++groups.back().first;
    } else {
      groups.push_back({1, locals_[i]});
    }
  }
  WriteU32(body, static_cast<uint32_t>(groups.size()));
  for (auto [count, t] : groups) {
    WriteU32(body, count);
    body.push_back(static_cast<uint8_t>(t));
  }
  body.insert(body.end(), code_.begin(), code_.end());
  return body;
}

// ---------------------------------------------------------------------------------------------

class ModuleGenerator {
 public:
  ModuleGenerator(ByteSource& src, const GenOptions& o) : src_(src), o_(o) {}
  std::vector<uint8_t> Generate();

 private:
  ValType AnyType(bool allow_refs);
  void Plan();
  void ConstExpr(std::vector<uint8_t>& out, ValType t, uint64_t bits);
  void Section(uint8_t id, const std::vector<uint8_t>& payload);

  ByteSource& src_;
  const GenOptions& o_;
  ModulePlan p_;
  std::vector<uint8_t> out_;
};

ValType ModuleGenerator::AnyType(bool allow_refs) {
  const uint32_t pick = src_.Below(allow_refs ? 20 : 17);
  if (pick < 6) return ValType::kI32;
  if (pick < 10) return ValType::kI64;
  if (pick < 13) return ValType::kF32;
  if (pick < 17) return ValType::kF64;
  return pick < 19 ? ValType::kFuncRef : ValType::kExternRef;
}

void ModuleGenerator::Plan() {
  const uint32_t ntypes = src_.Range(1, std::max(1u, o_.max_types));
  for (uint32_t i = 0; i < ntypes; ++i) {
    FuncType t;
    // Mostly short signatures; sometimes long ones, whose arguments and results the ABI passes
    // on the stack.
    uint32_t np = src_.Below(4), nr = src_.Below(3);
    if (src_.Chance(10)) np = src_.Below(13);
    if (src_.Chance(10)) nr = src_.Below(6);
    if (i == 0) np = nr = 0;  // [] -> []: start functions and empty block types
    for (uint32_t k = 0; k < np; ++k) t.types.push_back(AnyType(true));
    t.num_params = np;
    for (uint32_t k = 0; k < nr; ++k) t.types.push_back(AnyType(true));
    p_.types.push_back(std::move(t));
  }
  p_.num_imported = o_.max_imported_functions ? src_.Below(o_.max_imported_functions + 1) : 0;
  for (uint32_t f = 0; f < p_.num_imported; ++f) {
    p_.func_types.push_back(src_.Below(ntypes));
    p_.func_exported.push_back(false);
  }
  const uint32_t nfuncs = p_.num_imported + src_.Range(1, std::max(1u, o_.max_functions));
  bool any_export = false;
  for (uint32_t f = p_.num_imported; f < nfuncs; ++f) {
    p_.func_types.push_back(src_.Below(ntypes));
    const bool exported = src_.Chance(80);
    p_.func_exported.push_back(exported);
    any_export |= exported;
  }
  if (!any_export) p_.func_exported[p_.num_imported] = true;
  // Tables: a funcref table first (call_indirect), maybe a second of either type.
  const uint32_t ntables = src_.Below(3);
  for (uint32_t t = 0; t < ntables; ++t) {
    TableDef d;
    d.elem = t == 0 || src_.Chance(50) ? ValType::kFuncRef : ValType::kExternRef;
    d.min = src_.Below(std::max(1u, o_.max_table_size / 2) + 1);
    d.max = std::min(o_.max_table_size, d.min + src_.Below(o_.max_table_size + 1));
    d.max = std::max(d.max, d.min);
    p_.tables.push_back(d);
  }
  p_.has_memory = src_.Chance(85);
  if (p_.has_memory) {
    // Usually at least one page, so that accesses can succeed.
    p_.mem_max = src_.Chance(90) ? src_.Range(1, std::max(1u, o_.max_memory_pages)) : 0;
    p_.mem_min = src_.Range(p_.mem_max > 0 && src_.Chance(90) ? 1 : 0, std::min(p_.mem_max, 2u));
    // Atomics work on both; wait traps on an unshared memory. (No byte is read without atomics.)
    if (o_.atomics) p_.mem_shared = src_.Chance(70);
  }
  const uint32_t nglobals = src_.Below(6);
  for (uint32_t g = 0; g < nglobals; ++g) {
    const ValType t = kNumTypes[src_.Below(4)];
    p_.globals.push_back({t, src_.Chance(65), InterestingBits(src_, t), src_.Chance(60)});
  }
  // Element segments: active ones fit their table's initial size (instantiation succeeds).
  const uint32_t nelems = p_.tables.empty() ? 0 : src_.Below(4);
  for (uint32_t e = 0; e < nelems; ++e) {
    ElemDef d;
    d.mode = src_.Chance(50) ? wasm::SegmentMode::kActive : wasm::SegmentMode::kPassive;
    d.table = src_.Below(static_cast<uint32_t>(p_.tables.size()));
    d.type = d.mode == wasm::SegmentMode::kActive ? p_.tables[d.table].elem
             : src_.Chance(75)                    ? ValType::kFuncRef
                                                  : ValType::kExternRef;
    uint32_t n = src_.Below(5);
    if (d.mode == wasm::SegmentMode::kActive) {
      n = std::min(n, p_.tables[d.table].min);
      d.offset = src_.Below(p_.tables[d.table].min - n + 1);
    }
    for (uint32_t k = 0; k < n; ++k) {
      if (d.type == ValType::kFuncRef && src_.Chance(80)) {
        d.items.push_back(src_.Below(nfuncs));
      } else {
        d.items.push_back(-1);
      }
    }
    const bool all_funcs =
        d.type == ValType::kFuncRef &&
        std::all_of(d.items.begin(), d.items.end(), [](int64_t i) { return i >= 0; });
    d.expr_form = !all_funcs || src_.Chance(40);
    p_.elems.push_back(std::move(d));
  }
  // A declarative segment naming every function, so bodies may use ref.func on any of them.
  ElemDef decl;
  decl.mode = wasm::SegmentMode::kDeclarative;
  for (uint32_t f = 0; f < nfuncs; ++f) decl.items.push_back(f);
  decl.expr_form = src_.Chance(30);
  p_.elems.push_back(std::move(decl));
  if (p_.has_memory) {
    const uint32_t ndatas = src_.Below(4);
    const uint64_t live = uint64_t(p_.mem_min) * wasm::kPageSize;
    for (uint32_t d = 0; d < ndatas; ++d) {
      DataDef def;
      def.active = src_.Chance(50);
      uint32_t len = src_.Below(17);
      if (def.active) {
        len = static_cast<uint32_t>(std::min<uint64_t>(len, live));
        const uint64_t room = live - len;
        def.offset = src_.Chance(70)
                         ? src_.Below(static_cast<uint32_t>(std::min<uint64_t>(room, 200)) + 1)
                         : static_cast<uint32_t>(room);
      }
      for (uint32_t k = 0; k < len; ++k) def.bytes.push_back(src_.U8());
      p_.datas.push_back(std::move(def));
    }
  }
  if (o_.allow_start && src_.Chance(20)) {
    for (uint32_t f = p_.num_imported; f < nfuncs; ++f) {
      const FuncType& t = p_.types[p_.func_types[f]];
      if (t.params().empty() && t.results().empty()) {
        p_.start = f;
        break;
      }
    }
  }
}

void ModuleGenerator::ConstExpr(std::vector<uint8_t>& out, ValType t, uint64_t bits) {
  switch (t) {
    case ValType::kI32:
      Emit(out, Op::kI32Const);
      WriteS32(out, static_cast<int32_t>(static_cast<uint32_t>(bits)));
      break;
    case ValType::kI64:
      Emit(out, Op::kI64Const);
      WriteS64(out, static_cast<int64_t>(bits));
      break;
    case ValType::kF32:
      Emit(out, Op::kF32Const);
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      break;
    case ValType::kF64:
      Emit(out, Op::kF64Const);
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      break;
    default:
      break;
  }
  Emit(out, Op::kEnd);
}

void ModuleGenerator::Section(uint8_t id, const std::vector<uint8_t>& payload) {
  out_.push_back(id);
  WriteU32(out_, static_cast<uint32_t>(payload.size()));
  out_.insert(out_.end(), payload.begin(), payload.end());
}

std::vector<uint8_t> ModuleGenerator::Generate() {
  Plan();
  // Bodies first (they consume bytes); the sections are then pure encoding.
  std::vector<std::vector<uint8_t>> bodies;
  for (uint32_t f = p_.num_imported; f < p_.func_types.size(); ++f)
    bodies.push_back(BodyGenerator(src_, o_, p_, f).Generate());

  out_ = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  std::vector<uint8_t> s;
  WriteU32(s, static_cast<uint32_t>(p_.types.size()));
  for (const FuncType& t : p_.types) {
    s.push_back(0x60);
    WriteU32(s, static_cast<uint32_t>(t.params().size()));
    for (ValType v : t.params()) s.push_back(static_cast<uint8_t>(v));
    WriteU32(s, static_cast<uint32_t>(t.results().size()));
    for (ValType v : t.results()) s.push_back(static_cast<uint8_t>(v));
  }
  Section(1, s);
  if (p_.num_imported > 0) {
    s.clear();
    WriteU32(s, p_.num_imported);
    for (uint32_t f = 0; f < p_.num_imported; ++f) {
      PutName(s, "host");
      PutName(s, "f" + std::to_string(f));
      s.push_back(0x00);
      WriteU32(s, p_.func_types[f]);
    }
    Section(2, s);
  }
  s.clear();
  WriteU32(s, static_cast<uint32_t>(p_.func_types.size() - p_.num_imported));
  for (uint32_t f = p_.num_imported; f < p_.func_types.size(); ++f) WriteU32(s, p_.func_types[f]);
  Section(3, s);
  if (!p_.tables.empty()) {
    s.clear();
    WriteU32(s, static_cast<uint32_t>(p_.tables.size()));
    for (const TableDef& t : p_.tables) {
      s.push_back(static_cast<uint8_t>(t.elem));
      s.push_back(0x01);
      WriteU32(s, t.min);
      WriteU32(s, t.max);
    }
    Section(4, s);
  }
  if (p_.has_memory) {
    s = {0x01, static_cast<uint8_t>(p_.mem_shared ? 0x03 : 0x01)};  // shared needs a maximum
    WriteU32(s, p_.mem_min);
    WriteU32(s, p_.mem_max);
    Section(5, s);
  }
  if (!p_.globals.empty()) {
    s.clear();
    WriteU32(s, static_cast<uint32_t>(p_.globals.size()));
    for (const GlobalDef& g : p_.globals) {
      s.push_back(static_cast<uint8_t>(g.type));
      s.push_back(g.mut ? 1 : 0);
      ConstExpr(s, g.type, g.init);
    }
    Section(6, s);
  }
  {
    std::vector<uint8_t> e;
    uint32_t count = 0;
    for (uint32_t f = 0; f < p_.func_types.size(); ++f) {
      if (!p_.func_exported[f]) continue;
      PutName(e, "f" + std::to_string(f));
      e.push_back(0x00);
      WriteU32(e, f);
      ++count;
    }
    for (uint32_t g = 0; g < p_.globals.size(); ++g) {
      if (!p_.globals[g].exported) continue;
      PutName(e, "g" + std::to_string(g));
      e.push_back(0x03);
      WriteU32(e, g);
      ++count;
    }
    if (p_.has_memory) {
      PutName(e, "mem");
      e.push_back(0x02);
      WriteU32(e, 0);
      ++count;
    }
    s.clear();
    WriteU32(s, count);
    s.insert(s.end(), e.begin(), e.end());
    Section(7, s);
  }
  if (p_.start) {
    s.clear();
    WriteU32(s, *p_.start);
    Section(8, s);
  }
  {
    s.clear();
    WriteU32(s, static_cast<uint32_t>(p_.elems.size()));
    for (const ElemDef& d : p_.elems) {
      const bool active = d.mode == wasm::SegmentMode::kActive;
      // Flags: bit 0 passive/declarative, bit 1 explicit table (active) or declarative,
      // bit 2 expressions instead of function indices.
      uint32_t flags = d.expr_form ? 4 : 0;
      const bool short_active = active && d.table == 0 && d.type == ValType::kFuncRef;
      if (active) {
        if (!short_active) flags |= 2;
      } else {
        flags |= d.mode == wasm::SegmentMode::kPassive ? 1 : 3;
      }
      WriteU32(s, flags);
      if (active && !short_active) WriteU32(s, d.table);
      if (active) ConstExpr(s, ValType::kI32, d.offset);
      if (!short_active) s.push_back(d.expr_form ? static_cast<uint8_t>(d.type) : 0x00);
      WriteU32(s, static_cast<uint32_t>(d.items.size()));
      for (int64_t item : d.items) {
        if (!d.expr_form) {
          WriteU32(s, static_cast<uint32_t>(item));
        } else if (item >= 0) {
          Emit(s, Op::kRefFunc);
          WriteU32(s, static_cast<uint32_t>(item));
          Emit(s, Op::kEnd);
        } else {
          Emit(s, Op::kRefNull);
          s.push_back(static_cast<uint8_t>(d.type));
          Emit(s, Op::kEnd);
        }
      }
    }
    Section(9, s);
  }
  if (!p_.datas.empty()) {
    s.clear();
    WriteU32(s, static_cast<uint32_t>(p_.datas.size()));
    Section(12, s);  // data count: memory.init and data.drop need it
  }
  s.clear();
  WriteU32(s, static_cast<uint32_t>(bodies.size()));
  for (const std::vector<uint8_t>& b : bodies) {
    WriteU32(s, static_cast<uint32_t>(b.size()));
    s.insert(s.end(), b.begin(), b.end());
  }
  Section(10, s);
  if (!p_.datas.empty()) {
    s.clear();
    WriteU32(s, static_cast<uint32_t>(p_.datas.size()));
    for (const DataDef& d : p_.datas) {
      if (d.active) {
        s.push_back(0x00);
        ConstExpr(s, ValType::kI32, d.offset);
      } else {
        s.push_back(0x01);
      }
      WriteU32(s, static_cast<uint32_t>(d.bytes.size()));
      s.insert(s.end(), d.bytes.begin(), d.bytes.end());
    }
    Section(11, s);
  }
  return std::move(out_);
}

}  // namespace

std::vector<uint8_t> GenerateModule(ByteSource& source, const GenOptions& options) {
  return ModuleGenerator(source, options).Generate();
}

}  // namespace egret::fuzz
