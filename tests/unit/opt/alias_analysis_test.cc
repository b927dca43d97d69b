// alias_analysis_test.cc: the alias classes and location rules, and ClobberSet summaries.
#include "opt/alias_analysis.h"

#include <gtest/gtest.h>

#include <string_view>

#include "ir/parser.h"

namespace egret::opt {
namespace {

ir::Function ParseOne(std::string_view text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return std::move(m->functions[0]);
}

// The locations of the function's memory instructions, in layout order.
std::vector<MemLocation> Locations(const ir::Function& f) {
  std::vector<MemLocation> out;
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst i : f.layout.Insts(b)) {
      if (auto loc = LocationOf(f, i)) out.push_back(*loc);
    }
  }
  return out;
}

TEST(AliasAnalysis, ClassesOffsetsAndSlots) {
  const ir::Function f = ParseOne(R"(
function %f(i64, i64, i32) {
    ss0 = stack_slot 16, align 8
    ss1 = stack_slot 8, align 8
block0(v0: i64, v1: i64, v2: i32):
    store heap v2, v0+4           ; 0: heap [4, 8) from v0
    store vmctx notrap v2, v0+4   ; 1: vmctx [4, 8) from v0
    store vmctx notrap v2, v0+8   ; 2: vmctx [8, 12)
    v3 = load.i64 vmctx notrap v0 ; 3: vmctx [0, 8): overlaps 1, not 2
    store vmctx notrap v2, v1+8   ; 4: vmctx from another base
    store table notrap v2, v0+4   ; 5: table
    store notrap v2, v0+100       ; 6: no region: may alias anything
    stack_store v2, ss0+4         ; 7
    stack_store v2, ss1+4         ; 8: another slot
    v4 = load.i32 vmctx notrap readonly v0+8   ; 9: readonly
    return
}
)");
  const std::vector<MemLocation> l = Locations(f);
  ASSERT_EQ(l.size(), 10u);
  EXPECT_FALSE(MayAlias(l[0], l[1]));  // heap vs vmctx, same address expression
  EXPECT_FALSE(MayAlias(l[1], l[2]));  // same base, disjoint bytes
  EXPECT_TRUE(MayAlias(l[1], l[3]));   // partial overlap
  EXPECT_FALSE(MayAlias(l[3], l[2]));  // [0, 8) and [8, 12)
  EXPECT_TRUE(MayAlias(l[2], l[4]));   // other base value: may be the same address
  EXPECT_FALSE(MayAlias(l[1], l[5]));  // vmctx vs table
  for (size_t k = 0; k < 6; ++k) EXPECT_TRUE(MayAlias(l[6], l[k])) << k;
  EXPECT_TRUE(MayAlias(l[6], l[7]));   // no region vs stack slot (its address may be taken)
  EXPECT_FALSE(MayAlias(l[7], l[8]));  // different slots
  EXPECT_FALSE(MayAlias(l[7], l[1]));
  EXPECT_FALSE(MayAlias(l[2], l[9]));  // nothing writes a readonly location
  EXPECT_FALSE(MayAlias(l[6], l[9]));
}

// LocationOf's per-opcode table: the four formats with a location, and the narrow sizes
// ir::MemAccessBytes gives (LocationOf is inline and keeps its own constexpr copy).
TEST(AliasAnalysis, LocationShapesFollowTheOpcodeTable) {
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::Opcode op = static_cast<ir::Opcode>(k);
    EXPECT_EQ(kLocationShapes[k].bytes, ir::MemAccessBytes(op)) << ir::Info(op).name;
    const ir::InstFormat f = ir::Info(op).format;
    const bool has = f == ir::InstFormat::kLoad || f == ir::InstFormat::kStore ||
                     f == ir::InstFormat::kStackLoad || f == ir::InstFormat::kStackStore;
    EXPECT_EQ(kLocationShapes[k].form != LocationForm::kNone, has) << ir::Info(op).name;
  }
}

TEST(AliasAnalysis, ClobberSetsSummarizeStoresAndCalls) {
  MemLocation vm4{MemClass::kVmctx, ir::Value(0), 0, 4, 4, false};
  MemLocation vm8{MemClass::kVmctx, ir::Value(0), 0, 8, 4, false};
  MemLocation heap{MemClass::kHeap, ir::Value(1), 0, 0, 4, false};
  MemLocation ro = vm4;
  ro.readonly = true;
  ClobberSet s;
  EXPECT_TRUE(s.empty());
  s.AddStore(heap);
  EXPECT_FALSE(s.MayClobber(vm4));
  EXPECT_TRUE(s.MayClobber(heap));
  s.AddStore(vm8);
  EXPECT_FALSE(s.MayClobber(vm4));
  EXPECT_TRUE(s.MayClobber(vm8));
  // Many stores of one class collapse into the whole class.
  for (int k = 0; k < 40; ++k) {
    MemLocation t{MemClass::kTable, ir::Value(2), 0, 8 * k, 8, false};
    s.AddStore(t);
  }
  MemLocation far_table{MemClass::kTable, ir::Value(3), 0, 4096, 8, false};
  EXPECT_TRUE(s.MayClobber(far_table));
  EXPECT_FALSE(s.MayClobber(vm4));
  s.AddEverything();
  EXPECT_TRUE(s.MayClobber(vm4));
  EXPECT_FALSE(s.MayClobber(ro));  // not even a call writes a readonly location
}

}  // namespace
}  // namespace egret::opt
