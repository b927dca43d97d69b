#include "support/trap_code.h"

#include <gtest/gtest.h>

#include <set>

namespace egret {
namespace {

TEST(TrapCode, NamesRoundTripAndAreUnique) {
  std::set<std::string_view> names;
  for (int i = 0; i < kNumTrapCodes; ++i) {
    const auto code = static_cast<TrapCode>(i);
    EXPECT_TRUE(names.insert(TrapCodeName(code)).second);
    EXPECT_EQ(ParseTrapCode(TrapCodeName(code)), code);
    EXPECT_FALSE(TrapCodeMessage(code).empty());
  }
  EXPECT_EQ(ParseTrapCode("nope"), std::nullopt);
  EXPECT_EQ(TrapCodeMessage(TrapCode::kIntegerDivisionByZero), "integer divide by zero");
}

}  // namespace
}  // namespace egret
