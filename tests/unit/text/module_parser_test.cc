// module_parser_test.cc: the module parser's encodings, every abbreviation (each checked
// against its spelled-out form), index and label resolution, and errors with positions.
#include "frontend/text/module_parser.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "frontend/validator.h"

namespace egret::text {
namespace {

std::vector<uint8_t> Wasm(std::string_view src) {
  Expected<std::vector<uint8_t>> w = WatToWasm(src);
  EXPECT_TRUE(w.ok()) << src << "\n" << (w.ok() ? "" : w.error().ToString());
  return w.ok() ? *w : std::vector<uint8_t>{};
}

std::string Err(std::string_view src) {
  Expected<std::vector<uint8_t>> w = WatToWasm(src);
  if (w.ok()) return "ok";
  return std::to_string(w.error().line) + ":" + std::to_string(w.error().column) + " " +
         w.error().message;
}

// The module, valid per egret's own decoder and validator.
void ExpectValid(const std::vector<uint8_t>& wasm) {
  wasm::WasmError e;
  EXPECT_TRUE(wasm::LoadModule(wasm, "test.wasm", &e).has_value()) << e.error.ToString();
}

#define EXPECT_SAME_MODULE(abbreviated, expanded) EXPECT_EQ(Wasm(abbreviated), Wasm(expanded))

TEST(ModuleParser, EmptyModuleAndBareFields) {
  const std::vector<uint8_t> header = {0, 'a', 's', 'm', 1, 0, 0, 0};
  EXPECT_EQ(Wasm("(module)"), header);
  EXPECT_EQ(Wasm("(module $name)"), header);
  EXPECT_EQ(Wasm(""), header);
  EXPECT_SAME_MODULE("(func) (memory 1)", "(module (func) (memory 1))");
}

TEST(ModuleParser, FunctionBytes) {
  const std::vector<uint8_t> want = {
      0,    'a', 's',  'm',  1,   0,    0,   0,    1, 7,    1,
      0x60, 2,   0x7f, 0x7f, 1,   0x7f,                             // type (i32 i32) -> i32
      3,    2,   1,    0,                                           // func 0: type 0
      7,    7,   1,    3,    'a', 'd',  'd', 0,    0,               // export "add" func 0
      10,   9,   1,    7,    0,   0x20, 0,   0x20, 1, 0x6a, 0x0b};  // local.get 0 local.get 1
                                                                    // i32.add end
  EXPECT_EQ(Wasm("(module (func (export \"add\") (param $a i32) (param $b i32) (result i32)"
                 "  local.get $a local.get $b i32.add))"),
            want);
  EXPECT_EQ(Wasm("(func (export \"add\") (param i32 i32) (result i32)"
                 "  (i32.add (local.get 0) (local.get 1)))"),
            want);
}

TEST(ModuleParser, FoldedEqualsFlat) {
  EXPECT_SAME_MODULE(
      "(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const "
      "3))))",
      "(func (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end)");
  EXPECT_SAME_MODULE("(func (block $b (loop $l (br_if $l (i32.const 0)) (br $b))))",
                     "(func block $b loop $l i32.const 0 br_if $l br $b end $l end $b)");
  EXPECT_SAME_MODULE("(func (drop (select (i32.const 1) (i32.const 2) (i32.const 0))))",
                     "(func i32.const 1 i32.const 2 i32.const 0 select drop)");
}

TEST(ModuleParser, LabelsResolveInnermostFirst) {
  EXPECT_SAME_MODULE("(func (block $a (block $a (br $a))) (block $x (block (br $x))))",
                     "(func (block (block (br 0))) (block (block (br 1))))");
  EXPECT_SAME_MODULE("(func (br_table 0 0 0 (i32.const 0)))", "(func i32.const 0 br_table 0 0 0)");
  EXPECT_EQ(Err("(func (block $a (br $b)))"), "1:21 unknown label $b");
  EXPECT_EQ(Err("(func block $a end $b)"), "1:20 mismatching label");
  EXPECT_EQ(Err("(func block end $a)"), "1:17 mismatching label");
}

TEST(ModuleParser, InlineExports) {
  EXPECT_SAME_MODULE("(func $f (export \"a\") (export \"b\"))",
                     "(func $f) (export \"a\" (func $f)) (export \"b\" (func $f))");
  EXPECT_SAME_MODULE(
      "(memory (export \"m\") 1) (table (export \"t\") 1 funcref)"
      "(global (export \"g\") i32 (i32.const 0))",
      "(memory 1) (table 1 funcref) (global i32 (i32.const 0))"
      "(export \"m\" (memory 0)) (export \"t\" (table 0)) (export \"g\" (global 0))");
}

TEST(ModuleParser, InlineImports) {
  EXPECT_SAME_MODULE("(func $f (import \"m\" \"f\") (param i32))",
                     "(import \"m\" \"f\" (func $f (param i32)))");
  EXPECT_SAME_MODULE("(memory (import \"m\" \"mem\") 1 2)", "(import \"m\" \"mem\" (memory 1 2))");
  EXPECT_SAME_MODULE("(table $t (import \"m\" \"t\") 3 funcref)",
                     "(import \"m\" \"t\" (table $t 3 funcref))");
  EXPECT_SAME_MODULE("(global $g (import \"m\" \"g\") (mut i64))",
                     "(import \"m\" \"g\" (global $g (mut i64)))");
  EXPECT_SAME_MODULE("(func (export \"e\") (import \"m\" \"f\"))",
                     "(import \"m\" \"f\" (func)) (export \"e\" (func 0))");
  EXPECT_EQ(Err("(func) (import \"m\" \"f\" (func))"), "1:8 import after function");
  EXPECT_EQ(Err("(memory 1) (func (import \"m\" \"f\"))"), "1:12 import after memory");
}

TEST(ModuleParser, InlineElemAndData) {
  EXPECT_SAME_MODULE("(table funcref (elem $f $g)) (func $f) (func $g)",
                     "(table 2 2 funcref) (elem (i32.const 0) $f $g) (func $f) (func $g)");
  EXPECT_SAME_MODULE("(memory (data \"ab\" \"c\"))", "(memory 1 1) (data (i32.const 0) \"abc\")");
  EXPECT_SAME_MODULE("(memory (data))", "(memory 0 0) (data (i32.const 0) \"\")");
  // Elem and data offsets: `(offset ...)` or one folded instruction; `(table 0)` is implied.
  EXPECT_SAME_MODULE("(table 1 funcref) (func) (elem (table 0) (offset (i32.const 0)) func 0)",
                     "(table 1 funcref) (func) (elem (i32.const 0) 0)");
  EXPECT_SAME_MODULE("(memory 1) (data (memory 0) (offset (i32.const 5)) \"x\")",
                     "(memory 1) (data (i32.const 5) \"x\")");
}

TEST(ModuleParser, ElemSegmentForms) {
  // An expression list of ref.func is written as function indices, as wat2wasm does.
  EXPECT_SAME_MODULE("(table 1 funcref) (func) (elem (i32.const 0) funcref (ref.func 0))",
                     "(table 1 funcref) (func) (elem (i32.const 0) func 0)");
  EXPECT_SAME_MODULE("(func) (elem funcref (item ref.func 0))", "(func) (elem func 0)");
  std::vector<uint8_t> passive = Wasm("(elem funcref (ref.null func))");
  ExpectValid(passive);
  const std::vector<uint8_t> tail = {9, 7, 1, 5, 0x70, 1, 0xd0, 0x70, 0x0b};
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), passive.end() - tail.size()));
  ExpectValid(
      Wasm("(table 1 externref) (elem (table 0) (i32.const 0) externref (ref.null "
           "extern)) (func) (elem declare func 0)"));
}

TEST(ModuleParser, TypeUsesAndImplicitTypes) {
  // A type use without (type x) names the first matching type, explicit or implicit.
  EXPECT_SAME_MODULE("(type (func (param i32))) (func (param i32))",
                     "(type (func (param i32))) (func (type 0))");
  EXPECT_SAME_MODULE("(func (param i64)) (type $t (func (param i32))) (func (param i32))",
                     "(type $t (func (param i32))) (type (func (param i64))) (func (type 1))"
                     "(func (type $t))");
  EXPECT_SAME_MODULE(
      "(type $t (func (param i32) (result i32))) (func (type $t) (param i32) "
      "(result i32) local.get 0)",
      "(type $t (func (param i32) (result i32))) (func (type $t) local.get 0)");
  // Block types: short forms, type indices, and implicit types for multi-value blocks.
  EXPECT_SAME_MODULE("(func (block (param) (result i32) (i32.const 0)) drop)",
                     "(func (block (result i32) (i32.const 0)) drop)");
  EXPECT_SAME_MODULE(
      "(func (i32.const 1) (block (param i32) (result i32 i32) (i32.const 2)) drop drop)",
      "(type (func)) (type (func (param i32) (result i32 i32)))"
      "(func (type 0) (i32.const 1) (block (type 1) (i32.const 2)) drop drop)");
  EXPECT_EQ(Err("(type $t (func (param i32))) (func (type $t) (param i64))"),
            "1:36 inline function type");
  EXPECT_EQ(Err("(func (type 3) (param i32))"), "1:7 unknown type");
  EXPECT_EQ(Err("(func (call_indirect (param $x i32)))"), "1:29 unexpected token identifier");
}

TEST(ModuleParser, Immediates) {
  ExpectValid(
      Wasm("(memory 1) (func (result i64)"
           "  (i64.load8_u offset=0x10 align=1 (i32.const 0)))"));
  const std::vector<uint8_t> w = Wasm("(memory 1) (func (drop (i32.load offset=4 (i32.const 0))))");
  const std::vector<uint8_t> load = {0x41, 0x00, 0x28, 0x02, 0x04, 0x1a};  // align 2^2, offset 4
  EXPECT_NE(std::search(w.begin(), w.end(), load.begin(), load.end()), w.end());
  EXPECT_EQ(Err("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))"),
            "1:34 alignment must be a power of two");
  ExpectValid(
      Wasm("(table $t 1 funcref) (table $u 1 funcref) (elem $e func)"
           "(func (table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 0))"
           "      (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0))"
           "      (drop (table.size $u)) (elem.drop $e))"));
  ExpectValid(Wasm("(func (result f64) (f64.const -0x1.8p-3))"));
  ExpectValid(
      Wasm("(func (result i32) (select (result i32) (i32.const 1) (i32.const 2) "
           "(i32.const 0)))"));
  ExpectValid(Wasm("(func (result v128) (v128.const i16x8 -1 2 3 4 5 6 7 0xffff))"));
}

TEST(ModuleParser, DataCountOnlyWhenBulkDataIsUsed) {
  const std::vector<uint8_t> plain = Wasm("(memory 1) (data \"a\")");
  EXPECT_EQ(std::find(plain.begin() + 8, plain.end(), 12), plain.end());
  const std::vector<uint8_t> bulk = Wasm("(memory 1) (data $d \"a\") (func (data.drop $d))");
  ExpectValid(bulk);
}

TEST(ModuleParser, NamesAndIndices) {
  EXPECT_SAME_MODULE("(func $a (call $b)) (func $b (call $a))", "(func (call 1)) (func (call 0))");
  EXPECT_SAME_MODULE("(global $g (mut i32) (i32.const 0)) (func (global.set $g (i32.const 1)))",
                     "(global (mut i32) (i32.const 0)) (func (global.set 0 (i32.const 1)))");
  EXPECT_SAME_MODULE(
      "(func (param $p i32) (local $l i64) (local f32 f32)"
      "  (local.set $l (i64.const 0)) (drop (local.get $p)) (drop (local.get 3)))",
      "(func (param i32) (local i64 f32 f32)"
      "  (local.set 1 (i64.const 0)) (drop (local.get 0)) (drop (local.get 3)))");
  EXPECT_EQ(Err("(func $f) (func $f)"), "1:17 duplicate func $f");
  EXPECT_EQ(Err("(func (param $x i32) (local $x i32))"), "1:29 duplicate local $x");
  EXPECT_EQ(Err("(func (call $nope))"), "1:13 unknown func $nope");
  EXPECT_EQ(Err("(func (local.get $x))"), "1:18 unknown local $x");
  EXPECT_EQ(Err("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))"),
            "1:39 duplicate global $g");
}

TEST(ModuleParser, ErrorsWithPositions) {
  EXPECT_EQ(Err("(module\n  (func (i32.const 0x1_0000_0000) drop))"), "2:20 constant out of range");
  EXPECT_EQ(Err("(func (i64.const 1__0) drop)"), "1:18 unknown operator 1__0");
  EXPECT_EQ(Err("(func (f32.const 1e39) drop)"), "1:18 constant out of range");
  EXPECT_EQ(Err("(func (i32.add_x))"), "1:8 unknown operator i32.add_x");
  EXPECT_EQ(Err("(func end)"), "1:7 unexpected token 'end'");
  EXPECT_EQ(Err("(module (func)"), "1:15 unexpected end of input");
  EXPECT_EQ(Err("(module (func)) (func)"), "1:17 unexpected token after the module");
  EXPECT_EQ(Err("(module (fnc))"), "1:10 unknown operator fnc");
  EXPECT_EQ(Err("(export \"\xff\" (func 0))"), "1:10 malformed UTF-8 encoding");  // lexer
  EXPECT_EQ(Err("(export \"\\ff\" (func 0))"), "1:9 malformed UTF-8 encoding");   // escape
  EXPECT_EQ(Err("(start 0) (start 0)"), "1:11 multiple start sections");
  EXPECT_EQ(Err("(func (param i33))"), "1:14 unknown operator i33");
}

// The reference interpreter's categories, which `assert_malformed` checks as message prefixes:
// what its lexer cannot read is an "unknown operator", a real token out of place is an
// "unexpected token", and SIMD literals have their own messages.
TEST(ModuleParser, ErrorCategoriesOfTheReferenceInterpreter) {
  EXPECT_EQ(Err("(func (result i32) (i32.const 1.0))"), "1:31 unexpected token '1.0'");
  EXPECT_EQ(Err("(func (result f32) (f32.const nan:canonical))"),
            "1:31 unexpected token 'nan:canonical'");
  EXPECT_EQ(Err("(func (result f32) (f32.const .5))"), "1:31 unknown operator .5");
  EXPECT_EQ(Err("(func (result i32) (i32.const _1))"), "1:31 unknown operator _1");
  EXPECT_EQ(Err("(func (br 0drop))"), "1:11 unknown operator 0drop");
  EXPECT_EQ(Err("(func (result i32) (param i32))"), "1:21 unexpected token 'param'");
  EXPECT_EQ(Err("(func (nop) (local i32))"), "1:14 unexpected token 'local'");
  EXPECT_EQ(Err("(func (v128.const i32x4 0 0 0) drop)"), "1:30 wrong number of lane literals");
  EXPECT_EQ(Err("(func (v128.const i32x4 0 0 0 0 0) drop)"), "1:33 wrong number of lane literals");
  EXPECT_EQ(Err("(func (v128.const f32x4 .0 .0 .0 .0) drop)"), "1:25 unknown operator .0");
  EXPECT_EQ(Err("(func (v128.const i16x8 0 0 0 0 0 0 0 0x10000) drop)"),
            "1:39 constant out of range");
  EXPECT_EQ(Err("(func (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (local.get 0)))"),
            "1:57 invalid lane length");
  EXPECT_EQ(Err("(func (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1))"),
            "1:57 malformed lane index");
  EXPECT_EQ(Err("(func (i8x16.extract_lane_s 256 (local.get 0)))"), "1:29 malformed lane index");
  EXPECT_EQ(Err("(func (i8x16.extract_lane_s -1 (local.get 0)))"), "1:29 unexpected token '-1'");
}

TEST(ModuleParser, NestingIsBoundedWithoutRecursionForFlatBlocks) {
  std::string flat = "(func";
  for (int i = 0; i < 50000; ++i) flat += " block";
  for (int i = 0; i < 50000; ++i) flat += " end";
  ExpectValid(Wasm(flat + ")"));
  std::string folded = "(func";
  for (int i = 0; i < 1001; ++i) folded += " (block";
  folded += std::string(1001, ')') + ")";
  EXPECT_EQ(Err(folded), "1:7007 nesting too deep");
  EXPECT_EQ(Err("(func block (then))"), "1:14 unexpected token 'then'");
  EXPECT_EQ(Err("(func i32.const 0 if else else end)"), "1:27 unexpected token 'else'");
}

TEST(ModuleParser, NameSection) {
  const std::string src =
      "(module $mod (import \"m\" \"f\" (func $imp (param $p i32)))"
      "  (func $a (param $x i32) (param i32) (local $y i64) (local f32))"
      "  (func (param $z i32)) (func $c))";
  Expected<std::vector<uint8_t>> w = WatToWasm(src, TextOptions{.debug_names = true});
  ASSERT_TRUE(w.ok());
  // The same module with one custom section appended: id 0, then the name "name".
  const std::vector<uint8_t> plain = Wasm(src);
  ASSERT_GT(w->size(), plain.size() + 6);
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), w->begin()));
  EXPECT_EQ((*w)[plain.size()], 0);
  wasm::WasmError e;
  std::optional<wasm::ModuleEnv> env = wasm::LoadModule(*w, "names.wasm", &e);
  ASSERT_TRUE(env.has_value()) << e.error.ToString();
  EXPECT_EQ(env->module_name, "mod");
  EXPECT_EQ(env->function_names.at(0), "imp");
  EXPECT_EQ(env->function_names.at(1), "a");
  EXPECT_EQ(env->function_names.count(2), 0u);
  EXPECT_EQ(env->function_names.at(3), "c");
  EXPECT_EQ(env->local_names.at(0).at(0), "p");
  EXPECT_EQ(env->local_names.at(1).at(0), "x");
  EXPECT_EQ(env->local_names.at(1).count(1), 0u);
  EXPECT_EQ(env->local_names.at(1).at(2), "y");
  EXPECT_EQ(env->local_names.at(2).at(0), "z");
}

TEST(ModuleParser, InvalidButWellFormedIsLeftToTheValidator) {
  // Text-level fine, binary-level invalid: the parser writes it; the validator rejects it.
  const std::vector<uint8_t> w = Wasm("(func (result i32) (i64.const 0))");
  wasm::WasmError e;
  EXPECT_FALSE(wasm::LoadModule(w, "t.wasm", &e).has_value());
  EXPECT_EQ(e.kind, wasm::ErrorKind::kInvalid);
  ExpectValid(Wasm("(func (call 0))"));
  EXPECT_FALSE(wasm::LoadModule(Wasm("(func (call 7))"), "t.wasm", &e).has_value());
}

// Multi-memory and memory64 syntax. Memory limits and memarg offsets are written as u64 LEB128
// (memory64's encoding, the same bytes below 2^32): a 32-bit memory's limit of 2^32 parses, and
// the decoder rejects it as malformed without memory64 and the validator as invalid with it.
TEST(ModuleParser, MemoryIndicesAndMemory64) {
  wasm::WasmFeatures both = wasm::WasmFeatures::Default();
  both.set(wasm::WasmFeature::kMultiMemory, true);
  both.set(wasm::WasmFeature::kMemory64, true);
  // i32.load $b offset=4: alignment 2 with bit 6 (0x42), memory 1, offset 4.
  const std::vector<uint8_t> w = Wasm(
      "(memory $a 1) (memory $b i64 2 3)"
      "(func (param i64) (result i32) (i32.load $b offset=4 (local.get 0)))"
      "(func (memory.copy $b $a (i64.const 0) (i32.const 0) (i32.const 0))"
      "  (drop (memory.size $b)))"
      "(data (memory $b) (i64.const 8) \"x\")");
  const std::vector<uint8_t> load = {0x20, 0x00, 0x28, 0x42, 0x01, 0x04};
  EXPECT_NE(std::search(w.begin(), w.end(), load.begin(), load.end()), w.end());
  const std::vector<uint8_t> copy = {0xfc, 0x0a, 0x01, 0x00};
  EXPECT_NE(std::search(w.begin(), w.end(), copy.begin(), copy.end()), w.end());
  const std::vector<uint8_t> mem_section = {0x05, 0x06, 0x02, 0x00, 0x01, 0x05, 0x02, 0x03};
  EXPECT_NE(std::search(w.begin(), w.end(), mem_section.begin(), mem_section.end()), w.end());
  wasm::WasmError e;
  EXPECT_TRUE(wasm::LoadModule(w, "mm.wasm", &e, 1, both).has_value()) << e.error.ToString();
  // An inline data segment of an i64 memory starts at (i64.const 0).
  const std::vector<uint8_t> inline64 = Wasm("(memory i64 (data \"abc\"))");
  const std::vector<uint8_t> offset = {0x00, 0x42, 0x00, 0x0b, 0x03, 'a', 'b', 'c'};
  EXPECT_NE(std::search(inline64.begin(), inline64.end(), offset.begin(), offset.end()),
            inline64.end());
  EXPECT_TRUE(wasm::LoadModule(inline64, "i.wasm", &e, 1, both).has_value()) << e.error.ToString();
  // A lone number after a lane access is its lane, two numbers are memory then lane.
  EXPECT_EQ(Err("(memory 1) (memory 1) (func (param v128) (result v128)"
                " (v128.load8_lane 1 1 (i32.const 0) (local.get 0)))"),
            "ok");
  // 2^32 pages: parses; malformed without memory64, invalid with it.
  const std::vector<uint8_t> big = Wasm("(memory 0x1_0000_0000)");
  ASSERT_FALSE(big.empty());
  EXPECT_FALSE(wasm::LoadModule(big, "big.wasm", &e).has_value());
  EXPECT_EQ(e.kind, wasm::ErrorKind::kMalformed);
  EXPECT_FALSE(wasm::LoadModule(big, "big.wasm", &e, 1, both).has_value());
  EXPECT_EQ(e.kind, wasm::ErrorKind::kInvalid);
  EXPECT_NE(e.error.message.find("at most 65536 pages"), std::string::npos);
}

}  // namespace
}  // namespace egret::text
