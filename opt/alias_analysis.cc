// alias_analysis.cc: see alias_analysis.h.
#include "opt/alias_analysis.h"

namespace egret::opt {

namespace {

uint8_t Bit(MemClass c) { return static_cast<uint8_t>(1u << static_cast<uint8_t>(c)); }

uint32_t AccessBytes(ir::Opcode op, ir::Type value_type) {
  const uint32_t n = ir::MemAccessBytes(op);
  return n != 0 ? n : ir::TypeBytes(value_type);
}

}  // namespace

std::optional<MemLocation> LocationOf(const ir::Function& f, ir::Inst i) {
  const ir::InstData& d = f.dfg[i];
  MemLocation loc;
  switch (ir::Info(d.opcode).format) {
    case ir::InstFormat::kLoad:
    case ir::InstFormat::kStore: {
      const bool load = ir::Info(d.opcode).format == ir::InstFormat::kLoad;
      loc.cls = d.flags.Has(ir::MemFlags::kHeap)    ? MemClass::kHeap
                : d.flags.Has(ir::MemFlags::kVmctx) ? MemClass::kVmctx
                : d.flags.Has(ir::MemFlags::kTable) ? MemClass::kTable
                                                    : MemClass::kOther;
      loc.base = f.dfg.ResolveAliases(d.args[load ? 0 : 1]);
      loc.offset = d.imm;
      const ir::Type t = load ? f.dfg.ValueType(f.dfg.FirstResult(i)) : f.dfg.ValueType(d.args[0]);
      loc.size = AccessBytes(d.opcode, t);
      loc.readonly = d.flags.Has(ir::MemFlags::kReadonly);
      return loc;
    }
    case ir::InstFormat::kStackLoad:
      loc.cls = MemClass::kStack;
      loc.slot = d.ref;
      loc.offset = d.imm;
      loc.size = ir::TypeBytes(f.dfg.ValueType(f.dfg.FirstResult(i)));
      return loc;
    case ir::InstFormat::kStackStore:
      loc.cls = MemClass::kStack;
      loc.slot = d.ref;
      loc.offset = d.imm;
      loc.size = ir::TypeBytes(f.dfg.ValueType(d.args[0]));
      return loc;
    default:
      return std::nullopt;
  }
}

bool MayAlias(const MemLocation& a, const MemLocation& b) {
  if (a.readonly || b.readonly) return false;
  if (a.cls == MemClass::kOther || b.cls == MemClass::kOther) return true;
  if (a.cls != b.cls) return false;
  if (a.cls == MemClass::kStack ? a.slot != b.slot : a.base != b.base) {
    return a.cls != MemClass::kStack;  // different slots never alias; other bases may
  }
  // Same base (or slot): the byte ranges decide.
  return a.offset < b.offset + static_cast<int64_t>(b.size) &&
         b.offset < a.offset + static_cast<int64_t>(a.size);
}

void ClobberSet::AddEffectsOfWriter(const ir::Function& f, ir::Inst i) {
  const ir::InstData& d = f.dfg[i];
  if (ir::Info(d.opcode).Has(ir::kIsCall)) {
    everything_ = true;
    return;
  }
  if (!ir::Info(d.opcode).Has(ir::kWritesMem)) return;
  if (std::optional<MemLocation> loc = LocationOf(f, i)) {
    AddStore(*loc);
  } else {
    everything_ = true;
  }
}

void ClobberSet::AddStore(const MemLocation& loc) {
  if (everything_ || (whole_classes_ & Bit(loc.cls))) return;
  if (loc.cls == MemClass::kOther) {
    everything_ = true;  // a store that may alias anything
    return;
  }
  if (stores_.size() >= kMaxPrecise) {
    whole_classes_ |= Bit(loc.cls);
    return;
  }
  stores_.push_back(loc);
}

void ClobberSet::Merge(const ClobberSet& other) {
  everything_ |= other.everything_;
  whole_classes_ |= other.whole_classes_;
  for (const MemLocation& l : other.stores_) AddStore(l);
}

bool ClobberSet::MayClobber(const MemLocation& loc) const {
  if (loc.readonly) return false;
  if (everything_) return true;
  if (loc.cls == MemClass::kOther) return whole_classes_ != 0 || !stores_.empty();
  if (whole_classes_ & Bit(loc.cls)) return true;
  for (const MemLocation& s : stores_) {
    if (MayAlias(s, loc)) return true;
  }
  return false;
}

bool ClobberSet::MayClobber(const ir::Function& f, ir::Inst load) const {
  const std::optional<MemLocation> loc = LocationOf(f, load);
  return loc && MayClobber(*loc);
}

}  // namespace egret::opt
