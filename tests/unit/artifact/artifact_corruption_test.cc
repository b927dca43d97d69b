// Corruption: a damaged, truncated or foreign file must produce an Error with a byte offset,
// never a crash (these tests run under ASan+UBSan), and never a silently different artifact.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "artifact/artifact.h"
#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "artifact/checksum.h"
#include "artifact/format.h"
#include "tests/unit/artifact/random_artifact.h"

namespace egret::artifact {
namespace {

using Bytes = std::vector<uint8_t>;

// Recomputes the header's payload size and checksum, so a mutated payload reaches the
// structural checks instead of being stopped by the checksum.
void Seal(Bytes& b) {
  const uint64_t size = b.size() - kHeaderSize;
  const uint64_t sum = Checksum64(std::span<const uint8_t>(b).subspan(kHeaderSize), kFormatVersion);
  std::memcpy(&b[16], &size, 8);
  std::memcpy(&b[24], &sum, 8);
}

std::string ReadError(const Bytes& b) {
  auto r = ReadArtifact(b);
  if (r.ok()) return "";
  EXPECT_NE(r.error().offset, Error::kNoOffset) << r.error().message;
  EXPECT_LE(r.error().offset, b.size()) << r.error().message;
  return r.error().message;
}

// Writes a (possibly invalid) artifact and returns the reader's error message ("" if accepted).
std::string ErrorFor(const Artifact& a) { return ReadError(WriteArtifact(a)); }

TEST(ArtifactCorruption, EveryByteFlipped) {
  const Bytes good = WriteArtifact(testing::SmallArtifact());
  for (size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0xFF;
    EXPECT_NE(ReadError(bad), "") << "flipping byte " << i << " went unnoticed";
  }
}

TEST(ArtifactCorruption, EveryTruncation) {
  const Bytes good = WriteArtifact(testing::SmallArtifact());
  for (size_t len = 0; len < good.size(); ++len) {
    Bytes bad(good.begin(), good.begin() + len);
    EXPECT_NE(ReadError(bad), "") << "truncation to " << len << " bytes went unnoticed";
  }
}

TEST(ArtifactCorruption, EveryByteFlippedBehindAValidChecksum) {
  // With the checksum re-sealed, each mutation reaches the parser. It may be accepted (a flipped
  // immediate is still a valid artifact) but must never crash, and what it accepts must be
  // valid: re-encoding it and reading it back gives the same artifact. (The bytes may differ:
  // a flipped continuation bit can turn a LEB128 into a longer, still valid encoding.)
  std::mt19937 rng(99);
  for (int round = 0; round < 4; ++round) {
    const Bytes good =
        WriteArtifact(round == 0 ? testing::SmallArtifact() : testing::RandomArtifact(rng, 3));
    for (size_t i = kHeaderSize; i < good.size(); ++i) {
      for (uint8_t mask : {0x01, 0x80, 0xFF}) {
        Bytes bad = good;
        bad[i] ^= mask;
        Seal(bad);
        auto r = ReadArtifact(bad);
        if (r.ok()) {
          auto again = ReadArtifact(WriteArtifact(*r));
          ASSERT_TRUE(again.ok()) << "byte " << i << ": " << again.error().ToString();
          EXPECT_EQ(*again, *r) << "byte " << i;
        } else {
          EXPECT_GE(r.error().offset, kHeaderSize) << r.error().message;
          EXPECT_LE(r.error().offset, bad.size()) << r.error().message;
        }
      }
    }
  }
}

TEST(ArtifactCorruption, ExtraBytesAreRejected) {
  Bytes b = WriteArtifact(testing::SmallArtifact());
  b.push_back(0);
  EXPECT_NE(ReadError(b).find("payload size"), std::string::npos);
  Seal(b);  // now the size matches, but a section id 0 follows
  EXPECT_NE(ReadError(b).find("unknown section id 0"), std::string::npos);
}

TEST(ArtifactCorruption, ForeignFiles) {
  EXPECT_NE(ReadError({}).find("truncated header"), std::string::npos);
  Bytes wasm = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  EXPECT_NE(ReadError(wasm).find("bad magic"), std::string::npos);
  Bytes elf(64, 0);
  std::memcpy(elf.data(),
              "\x7f"
              "ELF",
              4);
  auto r = ReadArtifact(elf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, 0u);
  EXPECT_NE(r.error().message.find("bad magic"), std::string::npos);
}

TEST(ArtifactCorruption, HeaderFields) {
  const Bytes good = WriteArtifact(testing::SmallArtifact());
  Bytes b = good;
  b[8] = 2;  // version 2
  auto r = ReadArtifact(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, 8u);
  EXPECT_NE(r.error().message.find("unsupported format version 2"), std::string::npos);

  b = good;
  b[12] = 9;  // unknown target
  EXPECT_NE(ReadError(b).find("unknown target"), std::string::npos);
  b = good;
  b[14] = 1;  // reserved flag bit
  EXPECT_NE(ReadError(b).find("unknown target or flags"), std::string::npos);

  b = good;
  b[24] ^= 1;
  r = ReadArtifact(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, 24u);
  EXPECT_NE(r.error().message.find("checksum mismatch"), std::string::npos);

  b = good;
  b.back() ^= 1;  // payload damage
  EXPECT_NE(ReadError(b).find("checksum mismatch"), std::string::npos);
  ReadOptions no_checksum;
  no_checksum.verify_checksum = false;
  EXPECT_TRUE(ReadArtifact(good, no_checksum).ok());
}

TEST(ArtifactCorruption, SectionOrder) {
  // Swap the order of two sections by hand: types (id 1) after imports (id 2).
  Bytes b(std::begin(kMagic), std::end(kMagic));
  b.resize(kHeaderSize);
  b[8] = kFormatVersion;
  b[12] = 1;
  const Bytes payload = {2, 1, 0, 1, 1, 0};  // imports: 0 entries; types: 0 entries
  b.insert(b.end(), payload.begin(), payload.end());
  Seal(b);
  EXPECT_NE(ReadError(b).find("out of order or repeated"), std::string::npos);
  b.resize(kHeaderSize);
  const Bytes big = {1, 0x80, 0x80, 0x04};  // types section of 64 KiB in a tiny file
  b.insert(b.end(), big.begin(), big.end());
  Seal(b);
  EXPECT_NE(ReadError(b).find("runs past the end"), std::string::npos);
  b.resize(kHeaderSize);
  const Bytes huge_count = {1, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};  // 2^32-1 types
  b.insert(b.end(), huge_count.begin(), huge_count.end());
  Seal(b);
  EXPECT_NE(ReadError(b).find("exceeds the remaining"), std::string::npos);
}

// Semantic checks: each mutation of a valid artifact breaks exactly one rule.
TEST(ArtifactValidation, IndicesAndRanges) {
  const Artifact good = testing::SmallArtifact();
  ASSERT_EQ(ErrorFor(good), "");
  struct Case {
    const char* expect;
    void (*mutate)(Artifact&);
  };
  const Case cases[] = {
      {"type index 7 out of range", [](Artifact& a) { a.imports[0].type_index = 7; }},
      {"type index 2 out of range", [](Artifact& a) { a.functions[1].type_index = 2; }},
      {"lies outside the text section",
       [](Artifact& a) {
         a.functions[1].body = {8, 5};
       }},
      {"lies outside the text section",
       [](Artifact& a) {
         a.functions[0].array_call = {0xFFFFFFF0, 0x20};
       }},
      {"empty function body",
       [](Artifact& a) {
         a.functions[1].body = {0, 0};
       }},
      {"must be 0",
       [](Artifact& a) {
         a.functions[1].array_call = {3, 0};
       }},
      {"overlaps or precedes",
       [](Artifact& a) {
         a.functions[1].body = {7, 2};
       }},
      {"maximum size is below the minimum",
       [](Artifact& a) {
         a.tables[0].limits = {5, 4};
       }},
      {"exceeds 65536",
       [](Artifact& a) {
         a.memories[0].limits = {65537, {}};
       }},
      {"shared memory needs a maximum",
       [](Artifact& a) {
         a.memories[0] = {{1, {}}, false, true};
       }},
      {"reads mutable global", [](Artifact& a) { a.imports[1].global.is_mutable = true; }},
      {"global index 1 out of range",
       [](Artifact& a) { a.globals[0].init.ops[0] = ConstOp::GlobalGet(1); }},
      {"must produce one i32", [](Artifact& a) { a.globals[0].init.ops[0] = ConstOp::I64(1); }},
      {"must produce one i32",
       [](Artifact& a) { a.globals[0].init.ops.push_back(ConstOp::I32(1)); }},
      {"arithmetic needs two i32",
       [](Artifact& a) {
         a.globals[0].init.ops.push_back({ConstOp::Kind::kI32Add, 0, 0, 0});
       }},
      {"function index 3 out of range",
       [](Artifact& a) { a.elements[0].items[0].ops[0] = ConstOp::RefFunc(3); }},
      {"export index 1 out of range", [](Artifact& a) { a.exports[1].index = 1; }},
      {"duplicate export name \"run\"", [](Artifact& a) { a.exports[1].name = "run"; }},
      {"start function must have type", [](Artifact& a) { a.start = 1; }},
      {"start function index 3 out of range", [](Artifact& a) { a.start = 3; }},
      {"table index 1 out of range", [](Artifact& a) { a.elements[0].table_index = 1; }},
      {"does not match its table",
       [](Artifact& a) {
         a.elements[0].elem_type = ValType::kExternRef;
         a.elements[0].items.clear();
       }},
      {"memory index 1 out of range", [](Artifact& a) { a.data[0].memory_index = 1; }},
      {"must produce one i64", [](Artifact& a) { a.memories[0].is64 = true; }},
      {"trap at 0xc lies outside",
       [](Artifact& a) {
         a.traps.push_back({12, TrapCode::kUnreachable});
       }},
      {"not sorted by offset",
       [](Artifact& a) {
         a.traps.insert(a.traps.begin(), {5, TrapCode::kUnreachable});
       }},
      {"not sorted by offset",
       [](Artifact& a) {
         a.traps.push_back({4, TrapCode::kHeapOutOfBounds});
       }},
      {"invalid trap code", [](Artifact& a) { a.traps[0].code = TrapCode(kNumTrapCodes); }},
      {"relocation at 0x5 lies outside",
       [](Artifact& a) {
         a.relocations.push_back({5, RelocKind::kAbs64Builtin, 0});
       }},
      {"builtin index 999 out of range",
       [](Artifact& a) {
         a.relocations.push_back({0, RelocKind::kAbs64Builtin, 999});
       }},
      {"invalid relocation kind",
       [](Artifact& a) {
         a.relocations.push_back({0, RelocKind(7), 0});
       }},
      {"source locations are not sorted",
       [](Artifact& a) {
         a.source_locs.push_back({4, 1});
       }},
      {"function names are not sorted", [](Artifact& a) { a.function_names[1].func_index = 1; }},
      {"function index 3 out of range", [](Artifact& a) { a.function_names[1].func_index = 3; }},
      {"invalid value type 0x0", [](Artifact& a) { a.types[0].params[0] = ValType(0); }},
      {"expected a reference type", [](Artifact& a) { a.tables[0].elem = ValType::kI32; }},
      {"invalid segment mode", [](Artifact& a) { a.data[0].mode = SegmentMode::kDeclarative; }},
      {"not sorted by type",
       [](Artifact& a) {
         a.wasm_to_array = {{1, {8, 1}}, {0, {9, 1}}};
       }},
  };
  for (const Case& c : cases) {
    Artifact a = good;
    c.mutate(a);
    const std::string err = ErrorFor(a);
    EXPECT_NE(err.find(c.expect), std::string::npos)
        << "expected \"" << c.expect << "\", got \"" << err << "\"";
  }
}

}  // namespace
}  // namespace egret::artifact
