// amode.cc: Amode constructors; they enforce the invariants the encoder relies on.
#include "backends/x64/amode.h"

#include "support/error.h"

namespace egret::x64 {

Amode Amode::Index(Gpr index, int scale, int32_t disp) {
  Amode a = BaseIndex(Gpr::kRax, index, scale, disp);  // checks the index and the scale
  a.kind = Kind::kIndex;
  return a;
}

Amode Amode::RipLabel(Label label) {
  EGRET_CHECK(label.valid());
  Amode a;
  a.kind = Kind::kRipLabel;
  a.label = label;
  return a;
}

bool Amode::operator==(const Amode& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kBase:
      return base == o.base && disp == o.disp;
    case Kind::kBaseIndex:
      return base == o.base && index == o.index && scale_log2 == o.scale_log2 && disp == o.disp;
    case Kind::kIndex:
      return index == o.index && scale_log2 == o.scale_log2 && disp == o.disp;
    case Kind::kRipLabel:
      return label == o.label;
  }
  return false;
}

}  // namespace egret::x64
