// alias_analysis.h: which memory accesses may touch the same bytes, from the facts the IR
// states (MemFlags and stack slots), never from guesses about address arithmetic.
//
// Every load and store has a MemLocation: its class, base value, constant offset and size.
// Classes are disjoint by construction of the IR (docs/ir.md, MemFlags):
//   heap   linear memory                 vmctx  fields of the VMContext (globals, bounds, ...)
//   table  table elements                stack  one stack slot (by slot number)
//   other  an access with no region flag: it may alias anything, including stack slots whose
//          address was taken
// Two accesses of one class alias unless they use the same base value with byte ranges that
// do not overlap, or (stack) different slots. A `readonly` location is never written while the
// function runs, so no store or call clobbers it. Calls may write every location that is not
// readonly.
#ifndef EGRET_OPT_ALIAS_ANALYSIS_H_
#define EGRET_OPT_ALIAS_ANALYSIS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "ir/function.h"

namespace egret::opt {

enum class MemClass : uint8_t { kHeap, kVmctx, kTable, kStack, kOther };

struct MemLocation {
  MemClass cls = MemClass::kOther;
  ir::Value base;     // the address operand, aliases resolved (invalid for stack slots)
  uint32_t slot = 0;  // stack slot number (kStack)
  int64_t offset = 0;
  uint32_t size = 0;      // bytes accessed
  bool readonly = false;  // `readonly` flag: never written during the function

  // Same bytes, same class: a later access here reads what an earlier one wrote or read.
  bool SameAs(const MemLocation& o) const {
    return cls == o.cls && base == o.base && slot == o.slot && offset == o.offset && size == o.size;
  }
};

// What LocationOf needs to know of an opcode, one byte: which of the four formats with a
// location it has (or none), and the bytes a narrow access reads or writes (0: those of the
// value's type). The narrow sizes are ir::MemAccessBytes's (a test compares every opcode).
enum class LocationForm : uint8_t { kNone, kLoad, kStore, kStackLoad, kStackStore };
struct LocationShape {
  LocationForm form = LocationForm::kNone;
  uint8_t bytes = 0;
};
inline constexpr uint8_t NarrowAccessBytes(ir::Opcode op) {
  switch (op) {
    case ir::Opcode::kUload8:
    case ir::Opcode::kSload8:
    case ir::Opcode::kIstore8:
      return 1;
    case ir::Opcode::kUload16:
    case ir::Opcode::kSload16:
    case ir::Opcode::kIstore16:
      return 2;
    case ir::Opcode::kUload32:
    case ir::Opcode::kSload32:
    case ir::Opcode::kIstore32:
      return 4;
    default:
      return 0;
  }
}
inline constexpr std::array<LocationShape, ir::kNumOpcodes> kLocationShapes = [] {
  std::array<LocationShape, ir::kNumOpcodes> t{};
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    switch (ir::kOpcodeInfos[k].format) {
      case ir::InstFormat::kLoad:
        t[k].form = LocationForm::kLoad;
        break;
      case ir::InstFormat::kStore:
        t[k].form = LocationForm::kStore;
        break;
      case ir::InstFormat::kStackLoad:
        t[k].form = LocationForm::kStackLoad;
        break;
      case ir::InstFormat::kStackStore:
        t[k].form = LocationForm::kStackStore;
        break;
      default:
        break;
    }
    t[k].bytes = NarrowAccessBytes(static_cast<ir::Opcode>(k));
  }
  return t;
}();

// The class of a load's or store's location, from its memory flags.
inline MemClass MemClassOf(ir::MemFlags flags) {
  return flags.Has(ir::MemFlags::kHeap)    ? MemClass::kHeap
         : flags.Has(ir::MemFlags::kVmctx) ? MemClass::kVmctx
         : flags.Has(ir::MemFlags::kTable) ? MemClass::kTable
                                           : MemClass::kOther;
}

// The location a load, store, stack_load or stack_store accesses; nullopt for other
// instructions. Inline: load_elim asks it for every memory access it visits.
inline std::optional<MemLocation> LocationOf(const ir::Function& f, ir::Inst i) {
  const ir::InstData& d = f.dfg[i];
  const LocationShape shape = kLocationShapes[static_cast<size_t>(d.opcode)];
  MemLocation loc;
  switch (shape.form) {
    case LocationForm::kNone:
      return std::nullopt;
    case LocationForm::kLoad:
    case LocationForm::kStore: {
      const bool load = shape.form == LocationForm::kLoad;
      loc.cls = MemClassOf(d.flags);
      loc.base = f.dfg.ResolveAliases(d.args[load ? 0 : 1]);
      loc.offset = d.imm;
      loc.size = shape.bytes != 0 ? shape.bytes
                                  : ir::TypeBytes(load ? f.dfg.ValueType(f.dfg.FirstResult(i))
                                                       : f.dfg.ValueType(d.args[0]));
      loc.readonly = d.flags.Has(ir::MemFlags::kReadonly);
      return loc;
    }
    case LocationForm::kStackLoad:
    case LocationForm::kStackStore:
      loc.cls = MemClass::kStack;
      loc.slot = d.ref;
      loc.offset = d.imm;
      loc.size = ir::TypeBytes(shape.form == LocationForm::kStackLoad
                                   ? f.dfg.ValueType(f.dfg.FirstResult(i))
                                   : f.dfg.ValueType(d.args[0]));
      return loc;
  }
  return std::nullopt;
}
// Whether a write to `a` may change bytes of `b` (or the reverse).
bool MayAlias(const MemLocation& a, const MemLocation& b);

// A summary of the memory some instructions may write: the precise store locations while they
// are few, whole classes after that, everything after a call.
class ClobberSet {
 public:
  // Adds the writes of instruction i (stores and calls; nothing for other instructions, which
  // are told apart inline: the callers walk every instruction of a block or loop).
  void AddEffectsOf(const ir::Function& f, ir::Inst i) {
    const ir::OpcodeInfo& info = ir::Info(f.dfg[i].opcode);
    if (info.Has(ir::kIsCall) || info.Has(ir::kWritesMem)) AddEffectsOfWriter(f, i);
  }
  void AddStore(const MemLocation& loc);
  // AddEffectsOf for a call or an instruction that writes memory.
  void AddEffectsOfWriter(const ir::Function& f, ir::Inst i);
  void AddEverything() { everything_ = true; }
  void Merge(const ClobberSet& other);
  // Whether any of the writes may change what `loc` holds.
  bool MayClobber(const MemLocation& loc) const;
  // The same for the location a load reads (false for a non-memory instruction).
  bool MayClobber(const ir::Function& f, ir::Inst load) const;
  bool empty() const { return !everything_ && whole_classes_ == 0 && stores_.empty(); }
  // Makes the set empty, keeping its storage.
  void Clear() {
    everything_ = false;
    whole_classes_ = 0;
    stores_.clear();
  }

 private:
  static constexpr size_t kMaxPrecise = 32;
  bool everything_ = false;
  uint8_t whole_classes_ = 0;  // bit per MemClass
  std::vector<MemLocation> stores_;
};

}  // namespace egret::opt

#endif  // EGRET_OPT_ALIAS_ANALYSIS_H_
