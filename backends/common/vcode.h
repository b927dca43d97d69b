// vcode.h: a function's machine code over virtual registers, generic over a target's machine
// instruction type `I`, between lowering and emission.
//
// Lowering appends one `I` per machine instruction (or per "macro" instruction whose emission is
// several machine instructions, such as a division with its trap checks) together with its
// register operands, which live in the register allocator's input: `ra` has one regalloc
// instruction per `I`, same index, so after allocation operand k of instruction i sits in
// output.allocs[ra.insts[i].operand_begin + k]. The instruction itself holds only what the
// allocator does not: its kind, immediates, condition codes, which operand is which.
//
// Invariants:
//   - insts, srclocs and ra.insts are parallel;
//   - blocks are in final layout order; the last instruction of each block is its terminator;
//   - a multi-successor terminator has no defs and its successors have one predecessor (the
//     lowering context inserts edge blocks);
//   - srclocs[i] is the Wasm byte offset of the IR instruction that produced instruction i, or
//     kNoSrcLoc.
//
// The template holds data only; its printers are non-template (vcode_printer.h) so that a target
// instantiates nothing but the vectors.
#ifndef EGRET_BACKENDS_COMMON_VCODE_H_
#define EGRET_BACKENDS_COMMON_VCODE_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "regalloc/function.h"

namespace egret::backend {

inline constexpr uint32_t kNoSrcLoc = UINT32_MAX;

// Frame facts lowering finds; the target's frame layout reads them after allocation.
struct FrameFacts {
  uint32_t outgoing_bytes = 0;  // largest outgoing argument + stack result area of any call
  uint32_t stack_args = 0;      // this function's incoming stack arguments (8-byte slots)
  // The argument area it owns (backend::ArgAreaSlots, >= stack_args, even): the prologue grows
  // the incoming area by the difference, every return pops all of it (callee pops).
  uint32_t arg_area_slots = 0;
  bool has_calls = false;
  // The function holds 128-bit vector values in float-class vregs: its float-class spill slots
  // must be 16 bytes (16-byte aligned) and spilled/reloaded at full width. Otherwise they hold at
  // most 8 bytes and the target may keep 8-byte slots and scalar moves.
  bool wide_float_slots = false;
};

template <class I>
struct VCode {
  std::vector<I> insts;                            // parallel to ra.insts
  std::vector<uint32_t> srclocs;                   // parallel to insts
  regalloc::Function ra;                           // operands, blocks, successors, block parameters
  std::vector<std::vector<uint32_t>> jump_tables;  // br_table targets (VCode blocks), default last
  FrameFacts frame;

  uint32_t size() const { return static_cast<uint32_t>(insts.size()); }

  // Appends machine instruction `mi`, from the IR instruction at `srcloc`, with its allocator
  // operands, clobbers and safepoint flag: regalloc::Function::AddInst and the two tables
  // parallel to it here, in one step. When every table has room (Reserve and a recycled VCode
  // nearly always give it) the append is a few stores per table; otherwise AppendGrowing, out
  // of line, grows them first, so that the common case pays for no reallocation path (x64's
  // EmitSpan: 6 Ir fewer per instruction, lz20 -0.6 M). Returns its index. (aarch64 still
  // appends through AddInst: there the smaller EmitSpan made GCC take Foldable and the operand
  // appends out of line elsewhere in lower.cc, +1.9 M on lz20.)
  [[gnu::always_inline]] uint32_t Append(const I& mi, uint32_t srcloc,
                                         std::span<const regalloc::Operand> ops,
                                         regalloc::PRegSet clobbers, bool safepoint) {
    if (!HasRoomFor(ops.size(), !clobbers.Empty())) [[unlikely]]
      return AppendGrowing(mi, srcloc, ops, clobbers, safepoint);
    return AppendInRoom(mi, srcloc, ops, clobbers, safepoint);
  }
  // Whether the tables Append writes can take one more instruction of `num_ops` operands (and
  // a clobber set) without growing. (Pointer comparisons: element counts would divide.)
  bool HasRoomFor(size_t num_ops, bool clobber_set) const {
    auto full = [](const auto& v) { return v.data() + v.size() == v.data() + v.capacity(); };
    const regalloc::Operand* end = ra.operands.data() + ra.operands.size();
    const regalloc::Operand* cap = ra.operands.data() + ra.operands.capacity();
    return !full(insts) && !full(srclocs) && !full(ra.insts) &&
           static_cast<size_t>(cap - end) >= num_ops && !(clobber_set && full(ra.clobber_sets));
  }
  [[gnu::noinline]] uint32_t AppendGrowing(const I& mi, uint32_t srcloc,
                                           std::span<const regalloc::Operand> ops,
                                           regalloc::PRegSet clobbers, bool safepoint) {
    auto grow = [](auto& v, size_t more) {
      if (v.capacity() - v.size() < more) v.reserve(std::max(2 * v.capacity(), v.size() + more));
    };
    grow(insts, 1);
    grow(srclocs, 1);
    grow(ra.insts, 1);
    grow(ra.operands, ops.size());
    grow(ra.clobber_sets, 1);
    return AppendInRoom(mi, srcloc, ops, clobbers, safepoint);
  }
  // Append once HasRoomFor holds. Each append below fits, which the compiler is told, so that
  // it drops their reallocating paths.
  [[gnu::always_inline]] uint32_t AppendInRoom(const I& mi, uint32_t srcloc,
                                               std::span<const regalloc::Operand> ops,
                                               regalloc::PRegSet clobbers, bool safepoint) {
    EGRET_CHECK(!ra.blocks.empty());
    auto append = [](auto& v, const auto& x) {
      if (v.size() == v.capacity()) __builtin_unreachable();
      v.push_back(x);
    };
    append(insts, mi);
    append(srclocs, srcloc);
    regalloc::InstData d;
    d.operand_begin = static_cast<uint32_t>(ra.operands.size());
    for (const regalloc::Operand& op : ops) append(ra.operands, op);
    d.operand_end = d.operand_begin + static_cast<uint32_t>(ops.size());
    if (!clobbers.Empty()) {
      d.clobbers = static_cast<uint32_t>(ra.clobber_sets.size());
      append(ra.clobber_sets, clobbers);
    }
    d.safepoint = safepoint;
    append(ra.insts, d);
    const uint32_t index = static_cast<uint32_t>(ra.insts.size() - 1);
    ra.blocks.back().inst_end = index + 1;
    return index;
  }

  // Room for about one machine instruction per IR instruction up front, in the VCode and in
  // the allocator's tables (which would otherwise grow by doubling, copying as they go): about
  // three operands per instruction, a vreg per value, the blocks the lowering order counted,
  // two successor edges per block, and as many branch arguments as values. Both targets'
  // lowerings call it at their entry block.
  void Reserve(size_t ir_insts, size_t ir_values, size_t vblocks) {
    insts.reserve(ir_insts);
    srclocs.reserve(ir_insts);
    ra.insts.reserve(ir_insts);
    ra.operands.reserve(3 * ir_insts);
    ra.vregs.reserve(ir_values);
    ra.blocks.reserve(vblocks);
    ra.succs.reserve(2 * vblocks);
    ra.branch_args.reserve(ir_values);
  }
};

// Per thread and instruction type, the storage of the VCode the last pipeline run finished
// with: CompileFunctionPipeline gives its VCode back (RecycleVCode) after emission and a
// target's lowering starts the next function from it (TakeRecycledVCode), so a worker's VCode
// vectors keep their capacity across functions instead of being allocated (Reserve) and freed
// once per function. A taken VCode is empty, as a default-constructed one is.
// The spare holds only the vectors that grow with the function (the VCode's and its
// regalloc::Function's), each empty with the capacity of the largest function so far; a taken
// VCode is a default-constructed one that swaps them in, and a recycled one swaps them back
// (cleared), so neither direction constructs, assigns or destroys a whole VCode.
template <class I>
struct VCodeSpare {
  std::vector<I> insts;
  std::vector<uint32_t> srclocs;
  using F = regalloc::Function;
  decltype(F::blocks) blocks;
  decltype(F::insts) ra_insts;
  decltype(F::operands) operands;
  decltype(F::clobber_sets) clobber_sets;
  decltype(F::succs) succs;
  decltype(F::preds) preds;
  decltype(F::block_params) block_params;
  decltype(F::branch_args) branch_args;
  decltype(F::vregs) vregs;
  decltype(F::loop_depth) loop_depth;
  decltype(F::loop_header) loop_header;
  decltype(F::loop_parent) loop_parent;

  // Exchanges the spare's vectors with `v`'s (the one list both directions use).
  void SwapWith(VCode<I>& v) {
    insts.swap(v.insts);
    srclocs.swap(v.srclocs);
    regalloc::Function& ra = v.ra;
    blocks.swap(ra.blocks);
    ra_insts.swap(ra.insts);
    operands.swap(ra.operands);
    clobber_sets.swap(ra.clobber_sets);
    succs.swap(ra.succs);
    preds.swap(ra.preds);
    block_params.swap(ra.block_params);
    branch_args.swap(ra.branch_args);
    vregs.swap(ra.vregs);
    loop_depth.swap(ra.loop_depth);
    loop_header.swap(ra.loop_header);
    loop_parent.swap(ra.loop_parent);
  }
};
template <class I>
VCodeSpare<I>& RecycledVCode() {
  thread_local VCodeSpare<I> spare;
  return spare;
}
// Clears the vectors of `v` that grow with the function (the spare's list) and exchanges them
// with the spare's: the spare keeps their storage, `v` gets the spare's empty vectors.
template <class I>
void ClearIntoSpare(VCode<I>& v) {
  auto clear = [](auto&... vs) { (vs.clear(), ...); };
  regalloc::Function& ra = v.ra;
  clear(v.insts, v.srclocs, ra.blocks, ra.insts, ra.operands, ra.clobber_sets, ra.succs, ra.preds,
        ra.block_params, ra.branch_args, ra.vregs, ra.loop_depth, ra.loop_header, ra.loop_parent);
  RecycledVCode<I>().SwapWith(v);
}
template <class I>
VCode<I> TakeRecycledVCode() {
  VCode<I> v;
  // Invariant: the spare's vectors are empty (RecycleVCode clears what it keeps), so `v`
  // starts as a default-constructed VCode does.
  RecycledVCode<I>().SwapWith(v);
  return v;
}
// `*v = TakeRecycledVCode<I>()` in place, for a VCode that lives across functions (both
// targets' per-thread Lowerer, whose Run moved the last function's VCode out): no VCode is
// constructed, move-assigned or destroyed (x64: -0.89 M on lz20, about 730 Ir per function;
// aarch64 keeps TakeRecycledVCode: there the smaller Reset made GCC take LowerMemory out of
// LowerInst, +0.23 M in all). Afterwards `*v`
// is as a default-constructed VCode holding the spare's vectors. Whatever `*v` still held (a
// function whose lowering failed, which Run did not move out) is dropped; its vectors' storage
// goes to the spare, cleared.
template <class I>
void TakeRecycledVCodeInto(VCode<I>* v) {
  // Every member is reset below: a new member of VCode or regalloc::Function must be too.
  static_assert(
      sizeof(regalloc::Function) == sizeof(std::string) + 12 * sizeof(std::vector<uint32_t>),
      "reset the new regalloc::Function member in TakeRecycledVCodeInto");
  static_assert(sizeof(VCode<I>) == 3 * sizeof(std::vector<uint32_t>) + sizeof(regalloc::Function) +
                                        sizeof(FrameFacts),
                "reset the new VCode member in TakeRecycledVCodeInto");
  v->jump_tables.clear();
  v->ra.name.clear();
  v->frame = FrameFacts();
  ClearIntoSpare(*v);
}
template <class I>
void RecycleVCode(VCode<I>&& v) {
  // The vectors that grow with the function are kept (cleared); everything else (the name, the
  // jump tables, the frame facts, and any member regalloc::Function gains) goes with `v`, and so
  // does whatever storage the spare held (nothing, unless two VCodes were taken at once).
  ClearIntoSpare(v);
}

// Whether a function can run without a frame record (a frameless leaf, docs/x64.md and
// docs/aarch64.md): no call of any kind (Wasm, import, indirect, builtin, tail call: only a call
// needs the stack aligned or overwrites the return address), nothing addressed from the frame
// pointer (no stack arguments, no stack results, no argument area to grow), and a frame layout with
// nothing to save or hold
// (`layout_empty`: no callee-saved register, no spill slot). Such a function touches no stack
// memory but its return address. Both targets' machine opcodes name these kinds alike.
template <class I>
bool NeedsNoFrame(const VCode<I>& v, bool layout_empty) {
  const FrameFacts& f = v.frame;
  if (!layout_empty || f.has_calls || f.stack_args != 0 || f.arg_area_slots != 0 ||
      f.outgoing_bytes != 0)
    return false;
  using Op = decltype(I::op);
  for (const I& m : v.insts) {
    switch (m.op) {
      case Op::kCall:
      case Op::kCallBuiltin:
      case Op::kCallInd:
      case Op::kReturnCall:
      case Op::kReturnCallInd:
      case Op::kLoadArg:
      case Op::kStoreRet:
      case Op::kLoadOutRet:
      case Op::kStoreOutArg:
        return false;
      default:
        break;
    }
  }
  return true;
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_VCODE_H_
