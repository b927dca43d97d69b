// frame_test.cc: the x64 frame layout of spill slots (emit.h, FrameInfo): 8-byte slots in
// functions without vectors, and 16-byte, 16-byte-aligned float-class slots first when the
// function holds vectors (FrameFacts::wide_float_slots).
#include <gtest/gtest.h>

#include "backends/x64/emit.h"

namespace egret::x64 {
namespace {

using regalloc::RegClass;

regalloc::Output SpillSlots(std::initializer_list<RegClass> classes) {
  regalloc::Output out;
  out.num_spill_slots = static_cast<uint32_t>(classes.size());
  out.spill_slot_class.assign(classes.begin(), classes.end());
  return out;
}

TEST(X64Frame, ScalarSlotsAreEightBytesInSlotOrder) {
  VCode v;
  v.frame.outgoing_bytes = 16;
  const regalloc::Output ra = SpillSlots({RegClass::kInt, RegClass::kFloat, RegClass::kInt});
  const FrameInfo f = ComputeFrame(v, ra);
  EXPECT_FALSE(f.wide_float_slots);
  EXPECT_EQ(f.SlotOffset(0), 16u);
  EXPECT_EQ(f.SlotOffset(1), 24u);
  EXPECT_EQ(f.SlotOffset(2), 32u);
  EXPECT_EQ(f.frame_bytes, 48u);  // 16 + 3 * 8, rounded up to keep rsp 16-byte aligned
}

TEST(X64Frame, VectorFunctionsGetAligned16ByteFloatSlotsFirst) {
  VCode v;
  v.frame.outgoing_bytes = 32;
  v.frame.wide_float_slots = true;
  const regalloc::Output ra =
      SpillSlots({RegClass::kInt, RegClass::kFloat, RegClass::kInt, RegClass::kFloat});
  const FrameInfo f = ComputeFrame(v, ra);
  EXPECT_TRUE(f.wide_float_slots);
  // Float slots 1 and 3: 16 bytes each from the end of the outgoing area (a multiple of 16).
  EXPECT_EQ(f.SlotOffset(1), 32u);
  EXPECT_EQ(f.SlotOffset(3), 48u);
  // Integer slots 0 and 2: 8 bytes each after them.
  EXPECT_EQ(f.SlotOffset(0), 64u);
  EXPECT_EQ(f.SlotOffset(2), 72u);
  EXPECT_EQ(f.frame_bytes, 80u);
  for (uint32_t s : {1u, 3u}) EXPECT_EQ(f.SlotOffset(s) % 16, 0u) << s;
}

}  // namespace
}  // namespace egret::x64
