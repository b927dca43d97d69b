// decoder_test.cc: the binary format checks of DecodeModule (all malformed).
#include "frontend/decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>

#include "tests/unit/frontend/wasm_builder.h"

namespace egret::wasm {
namespace {

using namespace testing;

std::string DecodeError(const Bytes& bytes) {
  Expected<ModuleEnv> env = DecodeModule(bytes, "m.wasm");
  return env.ok() ? "ok" : env.error().ToString();
}

TEST(Decoder, EmptyModule) {
  Expected<ModuleEnv> env = DecodeModule(Header());
  ASSERT_TRUE(env.ok());
  EXPECT_TRUE(env->functions.empty());
}

// ModuleBytes: a vector is adopted without a copy; ForOverwrite storage holds what was written
// into it; copies are deep; a moved-from object is empty; TakeVector gives the bytes back.
TEST(ModuleBytes, AdoptOverwriteCopyMoveTake) {
  std::vector<uint8_t> v = Header();
  const uint8_t* storage = v.data();
  ModuleBytes adopted(std::move(v));
  EXPECT_EQ(adopted.data(), storage);
  EXPECT_EQ(adopted.size(), 8u);
  EXPECT_EQ(adopted[1], 'a');

  ModuleBytes raw = ModuleBytes::ForOverwrite(8);
  ASSERT_EQ(raw.size(), 8u);
  const std::vector<uint8_t> header = Header();
  std::copy(header.begin(), header.end(), raw.mutable_data());
  raw.Truncate(20);  // never grows
  EXPECT_EQ(raw.size(), 8u);
  ModuleBytes copy = raw;
  EXPECT_NE(copy.data(), raw.data());
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), header.begin(), header.end()));
  Expected<ModuleEnv> env = DecodeModule(std::move(raw));
  ASSERT_TRUE(env.ok());
  EXPECT_TRUE(raw.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(std::span<const uint8_t>(env->bytes).size(), 8u);

  copy.Truncate(4);
  std::vector<uint8_t> taken = std::move(copy).TakeVector();
  EXPECT_EQ(taken, std::vector<uint8_t>(header.begin(), header.begin() + 4));
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(ModuleBytes::ForOverwrite(0).empty());
}

TEST(Decoder, BadMagicAndVersion) {
  EXPECT_EQ(DecodeError({0x00, 'a', 's'}), "m.wasm:0x0: error: magic header not detected");
  EXPECT_EQ(DecodeError({0x00, 'a', 's', 'n', 1, 0, 0, 0}),
            "m.wasm:0x0: error: magic header not detected");
  EXPECT_EQ(DecodeError({0x00, 'a', 's', 'm', 2, 0, 0, 0}),
            "m.wasm:0x4: error: unknown binary version");
}

TEST(Decoder, SectionOrderAndIds) {
  // Function section before type section.
  EXPECT_NE(DecodeError(ModuleOf({FunctionSection(0), TypeSection({}, {})})).find("out of order"),
            std::string::npos);
  // Duplicate sections are out of order too.
  EXPECT_NE(DecodeError(ModuleOf({TypeSection({}, {}), TypeSection({}, {})})).find("out of order"),
            std::string::npos);
  EXPECT_NE(DecodeError(ModuleOf({Section(13, {})})).find("malformed section id"),
            std::string::npos);
  // Custom sections may appear anywhere.
  EXPECT_EQ(
      DecodeError(ModuleOf({Section(0, Name("a")), TypeSection({}, {}), Section(0, Name("b"))})),
      "ok");
}

TEST(Decoder, SectionSizeMismatch) {
  // A type section claiming one more byte than its content uses.
  Bytes payload = {0x01, 0x60, 0x00, 0x00, 0x00};
  EXPECT_NE(DecodeError(ModuleOf({Section(1, payload)})).find("section size mismatch"),
            std::string::npos);
  // A section running past the end of the module.
  Bytes m = Header();
  m.insert(m.end(), {0x01, 0x10, 0x00});
  EXPECT_NE(DecodeError(m).find("unexpected end"), std::string::npos);
}

TEST(Decoder, FunctionAndCodeCountsMustAgree) {
  EXPECT_NE(
      DecodeError(ModuleOf({TypeSection({}, {}), FunctionSection(2), CodeSection({{0x00, 0x0b}})}))
          .find("inconsistent lengths"),
      std::string::npos);
  EXPECT_NE(
      DecodeError(ModuleOf({TypeSection({}, {}), FunctionSection(1)})).find("inconsistent lengths"),
      std::string::npos);
}

TEST(Decoder, StrictLeb128AndUtf8) {
  // A type count encoded in 6 bytes.
  Bytes payload = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  EXPECT_NE(DecodeError(ModuleOf({Section(1, payload)})), "ok");
  // A custom section name with an invalid UTF-8 byte.
  EXPECT_NE(DecodeError(ModuleOf({Section(0, Bytes{0x01, 0xff})})).find("UTF-8"),
            std::string::npos);
  EXPECT_TRUE(IsValidUtf8(Bytes{'a', 0xc3, 0xa9}));
  EXPECT_FALSE(IsValidUtf8(Bytes{0xc0, 0x80}));              // overlong NUL
  EXPECT_FALSE(IsValidUtf8(Bytes{0xed, 0xa0, 0x80}));        // surrogate
  EXPECT_FALSE(IsValidUtf8(Bytes{0xf4, 0x90, 0x80, 0x80}));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8(Bytes{0xe2, 0x82}));              // truncated
}

TEST(Decoder, ImportsExportsAndIndexSpaces) {
  Bytes imports = Section(2, Cat({U32(2), Name("env"), Name("f"), Bytes{0x00, 0x00}, Name("env"),
                                  Name("g"), Bytes{0x03, kI32, 0x01}}));
  Bytes exports = Section(7, Cat({U32(1), Name("run"), Bytes{0x00, 0x01}}));
  Bytes m = ModuleOf(
      {TypeSection({}, {}), imports, FunctionSection(1), exports, CodeSection({{0x00, 0x0b}})});
  Expected<ModuleEnv> env = DecodeModule(m);
  ASSERT_TRUE(env.ok()) << env.error().ToString();
  EXPECT_EQ(env->num_imported_functions, 1u);
  EXPECT_EQ(env->num_imported_globals, 1u);
  ASSERT_EQ(env->functions.size(), 2u);
  EXPECT_TRUE(env->functions[0].imported);
  EXPECT_FALSE(env->functions[1].imported);
  EXPECT_TRUE(env->globals[0].type.mut);
  EXPECT_TRUE(env->declared_refs[1]);  // exported functions may be referenced
  EXPECT_EQ(env->DisplayName(1), "run");
  EXPECT_EQ(env->body(1).size(), 2u);
}

TEST(Decoder, MalformedImportKindAndMutability) {
  Bytes bad_kind = Section(2, Cat({U32(1), Name("a"), Name("b"), Bytes{0x04, 0x00}}));
  EXPECT_NE(DecodeError(ModuleOf({bad_kind})).find("import kind"), std::string::npos);
  Bytes bad_mut = Section(2, Cat({U32(1), Name("a"), Name("b"), Bytes{0x03, kI32, 0x02}}));
  EXPECT_NE(DecodeError(ModuleOf({bad_mut})).find("mutability"), std::string::npos);
}

TEST(Decoder, ElementSegmentForms) {
  // Table, then segments of flags 0 (active, func indices), 1 (passive), 3 (declarative) and
  // 5 (passive, expressions).
  Bytes table = Section(4, Bytes{0x01, 0x70, 0x00, 0x01});
  Bytes elems =
      Section(9, Bytes{0x04,                                  //
                       0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,    // active table 0 at 0: [f0]
                       0x01, 0x00, 0x01, 0x00,                // passive funcref [f0]
                       0x03, 0x00, 0x00,                      // declarative, empty
                       0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b});  // passive funcref [ref.null func]
  Bytes m = ModuleOf(
      {TypeSection({}, {}), FunctionSection(1), table, elems, CodeSection({{0x00, 0x0b}})});
  Expected<ModuleEnv> env = DecodeModule(m);
  ASSERT_TRUE(env.ok()) << env.error().ToString();
  ASSERT_EQ(env->elems.size(), 4u);
  EXPECT_EQ(env->elems[0].mode, SegmentMode::kActive);
  EXPECT_EQ(env->elems[0].offset_expr.kind, ConstExpr::Kind::kI32);
  EXPECT_EQ(env->elems[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(env->elems[2].mode, SegmentMode::kDeclarative);
  EXPECT_EQ(env->elems[3].items[0].kind, ConstExpr::Kind::kRefNull);
  Bytes bad = Section(9, Bytes{0x01, 0x08});
  EXPECT_NE(DecodeError(ModuleOf({bad})).find("elements segment kind"), std::string::npos);
}

TEST(Decoder, DataCountMustMatch) {
  Bytes m = ModuleOf({Section(5, Bytes{0x01, 0x00, 0x01}), Section(12, Bytes{0x02}),
                      Section(11, Bytes{0x01, 0x01, 0x00})});
  EXPECT_NE(DecodeError(m).find("data count and data section"), std::string::npos);
}

TEST(Decoder, NameSection) {
  Bytes names = Cat({Name("name"), Section(0, Name("mod")),                           // module name
                     Section(1, Cat({U32(1), U32(0), Name("main")})),                 // function 0
                     Section(2, Cat({U32(1), U32(0), U32(1), U32(0), Name("x")}))});  // local
  Bytes m = ModuleOf({TypeSection({kI32}, {}), FunctionSection(1), CodeSection({{0x00, 0x0b}}),
                      Section(0, names)});
  Expected<ModuleEnv> env = DecodeModule(m);
  ASSERT_TRUE(env.ok()) << env.error().ToString();
  EXPECT_EQ(env->module_name, "mod");
  EXPECT_EQ(env->FunctionName(0), "main");
  EXPECT_EQ(env->LocalName(0, 0), "x");
  // A broken name section is ignored, not an error.
  Bytes broken = Cat({Name("name"), Bytes{0x01, 0x05, 0x01}});
  EXPECT_EQ(DecodeError(ModuleOf({Section(0, broken)})), "ok");
}

}  // namespace
}  // namespace egret::wasm
