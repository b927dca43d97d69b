// script_parser_test.cc: .wast commands, values and modules in their three forms.
#include "frontend/text/script_parser.h"

#include <gtest/gtest.h>

namespace egret::text {
namespace {

using K = ScriptCommand::Kind;
using T = ScriptValue::Type;

TEST(ScriptParser, Commands) {
  Expected<Script> s = ParseScript(R"wast(
(module $M (func (export "f") (param i32) (result i32) local.get 0))
(register "m" $M)
(assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
(assert_return (invoke "g" (f32.const 1.5) (f64.const -0)) (f32.const nan:canonical)
               (f64.const nan:arithmetic))
(assert_return (invoke "h" (ref.null func) (ref.extern 7)) (ref.extern) (ref.func)
               (either (i32.const 1) (i32.const 2)))
(assert_trap (invoke "t") "unreachable")
(assert_exhaustion (invoke "r") "call stack exhausted")
(get "g")
(invoke "f" (i64.const 1))
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func (i32.const 0x1_0000_0000))") "constant out of range")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module (func unreachable) (start 0)) "unreachable")
)wast");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  const std::vector<ScriptCommand>& c = s->commands;
  ASSERT_EQ(c.size(), 15u);
  EXPECT_EQ(c[0].kind, K::kModule);
  EXPECT_EQ(c[0].module.id, "$M");
  EXPECT_EQ(c[0].line, 2u);
  EXPECT_FALSE(c[0].module.error);
  EXPECT_EQ(c[1].kind, K::kRegister);
  EXPECT_EQ(c[1].text, "m");
  EXPECT_EQ(c[1].register_module, "$M");
  EXPECT_EQ(c[2].action.module, "$M");
  EXPECT_EQ(c[2].action.args[0].bits, 0xffffffffu);
  EXPECT_EQ(c[2].expected[0].bits, 0xffffffffu);
  EXPECT_EQ(c[3].action.args[0].bits, 0x3fc00000u);
  EXPECT_EQ(c[3].action.args[1].bits, 0x8000000000000000ull);
  EXPECT_EQ(c[3].expected[0].nan, ScriptValue::Nan::kCanonical);
  EXPECT_EQ(c[3].expected[1].nan, ScriptValue::Nan::kArithmetic);
  EXPECT_TRUE(c[4].action.args[0].is_null);
  EXPECT_EQ(c[4].action.args[1].type, T::kExternRef);
  EXPECT_EQ(c[4].action.args[1].bits, 7u);
  EXPECT_FALSE(c[4].expected[0].has_value);
  EXPECT_EQ(c[4].expected[1].type, T::kFuncRef);
  EXPECT_EQ(c[4].expected[2].alternatives.size(), 2u);
  EXPECT_EQ(c[5].kind, K::kAssertTrap);
  EXPECT_EQ(c[5].text, "unreachable");
  EXPECT_EQ(c[6].kind, K::kAssertExhaustion);
  EXPECT_EQ(c[7].kind, K::kAction);
  EXPECT_EQ(c[7].action.kind, ScriptAction::Kind::kGet);
  EXPECT_EQ(c[8].kind, K::kAction);
  EXPECT_EQ(c[9].kind, K::kAssertUninstantiable);
  EXPECT_EQ(c[10].kind, K::kAssertInvalid);
  EXPECT_FALSE(c[10].module.error);  // well-formed text; the validator rejects it
  EXPECT_EQ(c[11].kind, K::kAssertMalformed);
  EXPECT_EQ(c[11].module.form, ScriptModule::Form::kQuote);
  ASSERT_TRUE(c[11].module.error);
  EXPECT_EQ(c[11].module.error->message, "constant out of range");
  EXPECT_EQ(c[11].module.error->column, 18u);  // inside the quoted text
  EXPECT_EQ(c[12].module.form, ScriptModule::Form::kBinary);
  EXPECT_EQ(c[12].module.wasm, (std::vector<uint8_t>{0, 'a', 's', 'm', 2, 0, 0, 0}));
  EXPECT_EQ(c[13].kind, K::kAssertUnlinkable);
  EXPECT_EQ(c[14].kind, K::kAssertUninstantiable);
}

TEST(ScriptParser, AMalformedModuleDoesNotStopTheScript) {
  Expected<Script> s = ParseScript("(module (func (i32.const nope)))\n(module)");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->commands.size(), 2u);
  ASSERT_TRUE(s->commands[0].module.error);
  EXPECT_EQ(s->commands[0].module.error->line, 1u);
  EXPECT_EQ(s->commands[0].module.error->column, 26u);
  EXPECT_FALSE(s->commands[1].module.error);
}

TEST(ScriptParser, V128Values) {
  Expected<Script> s = ParseScript(
      "(assert_return (invoke \"f\" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1))"
      " (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic))");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  const ScriptValue& arg = s->commands[0].action.args[0];
  EXPECT_EQ(arg.lane_type, "i8");
  ASSERT_EQ(arg.lanes.size(), 16u);
  EXPECT_EQ(arg.lanes[15], 0xffu);
  const ScriptValue& want = s->commands[0].expected[0];
  EXPECT_EQ(want.lane_nan[0], ScriptValue::Nan::kCanonical);
  EXPECT_EQ(want.lanes[2], 0x80000000u);
}

TEST(ScriptParser, StructuralErrors) {
  auto err = [](std::string_view src) {
    Expected<Script> s = ParseScript(src);
    if (s.ok()) return std::string("ok");
    return std::to_string(s.error().line) + ":" + std::to_string(s.error().column) + " " +
           s.error().message;
  };
  EXPECT_EQ(err("(assert_bogus (invoke \"f\"))"), "1:1 unknown command assert_bogus");
  EXPECT_EQ(err("(invoke \"f\" (i32.const 1)"), "1:26 unexpected end of input");
  EXPECT_EQ(err("(assert_return (invoke \"f\") (i32.const 5000000000))"),
            "1:40 constant out of range");
  EXPECT_EQ(err("(module (func)"), "1:15 unexpected end of input");
}

TEST(ScriptParser, BareModuleFields) {
  Expected<Script> s = ParseScript("(func (export \"f\")) (memory 1)");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_EQ(s->commands.size(), 1u);
  EXPECT_EQ(s->commands[0].kind, K::kModule);
  EXPECT_GT(s->commands[0].module.wasm.size(), 8u);
}

}  // namespace
}  // namespace egret::text
