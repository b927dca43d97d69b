// alias_analysis.cc: see alias_analysis.h.
#include "opt/alias_analysis.h"

namespace egret::opt {

namespace {

uint8_t Bit(MemClass c) { return static_cast<uint8_t>(1u << static_cast<uint8_t>(c)); }

}  // namespace

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
