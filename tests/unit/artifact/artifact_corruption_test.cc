// Corruption: a damaged, truncated or foreign file must produce an Error with a byte offset,
// never a crash (these tests run under ASan+UBSan), and never a silently different artifact.
// Hostile layouts: an artifact whose checksum was recomputed after its code ranges or side
// tables were moved (a trampoline into a function body, a trap entry into padding) must be
// rejected by the reader, before the runtime maps or calls anything (docs/runtime.md, "Threat
// model"). The last tests do this to a module the real compiler produced.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

#include "artifact/artifact.h"
#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "artifact/checksum.h"
#include "artifact/format.h"
#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/host_target.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "support/leb128.h"
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

// Stack maps must name return addresses inside function bodies, in order, with slots inside
// their frames: a walker trusts them to read only the caller's frame.
TEST(ArtifactCorruption, StackMapsAreValidated) {
  const Artifact good = testing::SmallArtifact();  // bodies [0, 8) and [8, 10); text 12 bytes
  ASSERT_EQ(ErrorFor(good), "");
  auto with = [&](std::vector<StackMap> maps, std::vector<uint32_t> slots) {
    Artifact a = good;
    a.stack_maps = std::move(maps);
    a.stack_map_slots = std::move(slots);
    return ErrorFor(a);
  };
  EXPECT_EQ(with({{8, 8, 0, 0}, {10, 8, 0, 0}}, {}), "");  // ends of both bodies
  EXPECT_NE(with({{11, 8, 0, 0}}, {}).find("not a return address inside a function body"),
            std::string::npos);  // in the array_call trampoline [10, 11)
  EXPECT_NE(with({{12, 8, 0, 0}}, {}).find("not a return address inside a function body"),
            std::string::npos);  // padding after it
  EXPECT_NE(with({{13, 8, 0, 0}}, {}).find("outside the text section"), std::string::npos);
  EXPECT_NE(with({{4, 8, 0, 1}}, {1}).find("slot 1 lies outside its frame of 1 words"),
            std::string::npos);
  EXPECT_NE(with({{4, 8, 0, 0}, {4, 8, 0, 0}}, {}).find("not sorted"), std::string::npos);
  EXPECT_NE(with({{4, 8 * ((uint32_t{1} << 28) + 1), 0, 0}}, {}).find("too large"),
            std::string::npos);
  // The reader's slots come back in order and exactly.
  auto r = ReadArtifact(WriteArtifact(good));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stack_maps, good.stack_maps);
  EXPECT_EQ(r->stack_map_slots, good.stack_map_slots);
}

// Frame ranges tell a stack walker where a return address is: each must be non-empty, inside
// one function body (not a trampoline), sorted and disjoint, and of the target's kinds.
TEST(ArtifactCorruption, FrameRangesAreValidated) {
  Artifact good = testing::SmallArtifact();  // bodies [0, 8) and [8, 10), array_call [10, 11)
  // push rbp | mov rbp, rsp | ... | ret after pop rbp; the second function frameless.
  good.frame_ranges = {{0, 1, FrameKind::kReturnAtSp},
                       {1, 3, FrameKind::kReturnAtSp8},
                       {7, 1, FrameKind::kReturnAtSp},
                       {8, 2, FrameKind::kReturnAtSp}};
  ASSERT_EQ(ErrorFor(good), "");
  auto r = ReadArtifact(WriteArtifact(good));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->frame_ranges, good.frame_ranges);
  EXPECT_FALSE(r->IsFrameless(0));
  EXPECT_TRUE(r->IsFrameless(1));
  auto with = [&](std::vector<FrameRange> ranges) {
    Artifact a = good;
    a.frame_ranges = std::move(ranges);
    return ErrorFor(a);
  };
  auto has = [](const std::string& error, const char* what) {
    return error.find(what) != std::string::npos;
  };
  EXPECT_TRUE(has(with({{2, 0, FrameKind::kReturnAtSp}}), "frame range [0x2, 0x2) is empty"));
  EXPECT_TRUE(has(with({{6, 4, FrameKind::kReturnAtSp}}), "not inside one function body"));
  EXPECT_TRUE(has(with({{10, 1, FrameKind::kReturnAtSp}}), "not inside one function body"));
  EXPECT_TRUE(has(with({{11, 1, FrameKind::kReturnAtSp}}), "not inside one function body"));
  EXPECT_TRUE(has(with({{12, 1, FrameKind::kReturnAtSp}}), "outside the text section"));
  EXPECT_TRUE(has(with({{0, 1, FrameKind::kReturnInLr}}), "kind 2 is not one of the target's"));
  EXPECT_TRUE(has(with({{0, 1, FrameKind(3)}}), "kind 3 is not one of the target's"));
  // Overlapping or unsorted: the gap from the previous end wraps past the text section.
  EXPECT_TRUE(has(with({{0, 4, FrameKind::kReturnAtSp}, {2, 1, FrameKind::kReturnAtSp}}),
                  "outside the text section"));
  // aarch64: the link-register kind only, whole instructions only.
  Artifact a64 = good;
  a64.target = Target::kAarch64;
  a64.functions[1].body = {8, 4};
  a64.functions[0].array_call = {};
  a64.frame_ranges = {{0, 4, FrameKind::kReturnInLr}, {8, 4, FrameKind::kReturnInLr}};
  EXPECT_EQ(ErrorFor(a64), "");
  a64.frame_ranges = {{0, 4, FrameKind::kReturnAtSp}};
  EXPECT_TRUE(has(ErrorFor(a64), "kind 0 is not one of the target's"));
  a64.frame_ranges = {{0, 2, FrameKind::kReturnInLr}};
  EXPECT_TRUE(has(ErrorFor(a64), "is not aligned to 4 bytes"));
}

// Versions 4 to 6 hold code that this runtime could run, but their payload is sealed with the
// multiply-rotate checksum that XXH3 replaced in version 7: refused at the version field, before
// the checksum is looked at, with a message that says to recompile.
TEST(ArtifactCorruption, VersionsBeforeXxh3AreRefused) {
  const Bytes good = WriteArtifact(testing::SmallArtifact());
  ASSERT_EQ(good[8], 7);
  for (uint32_t old_version : {4u, 5u, 6u}) {
    Bytes b = good;
    b[8] = uint8_t(old_version);
    auto r = ReadArtifact(b);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().offset, 8u);
    EXPECT_NE(r.error().message.find("format version " + std::to_string(old_version) +
                                     " is sealed with the checksum before XXH3"),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("recompile the .wasm"), std::string::npos);
  }
}

// The stack-map section exists from version 3 on. Readers now accept version 7 only, so a
// version-2 file holding one is refused at its version field before any section is read.
TEST(ArtifactCorruption, StackMapSectionNeedsVersion3) {
  Bytes b = WriteArtifact(testing::SmallArtifact());
  b[8] = 2;
  Seal(b);  // Seal checksums with kFormatVersion; recompute with the file's version instead
  const uint64_t sum = Checksum64(std::span<const uint8_t>(b).subspan(kHeaderSize), 2);
  std::memcpy(&b[24], &sum, 8);
  auto r = ReadArtifact(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, 8u);
  EXPECT_NE(r.error().message.find("format version 2 was compiled for an older VMContext layout"),
            std::string::npos)
      << r.error().message;
}

TEST(ArtifactCorruption, ExtraBytesAreRejected) {
  Bytes b = WriteArtifact(testing::SmallArtifact());
  b.push_back(0);
  EXPECT_NE(ReadError(b).find("payload size"), std::string::npos);
  Seal(b);  // now the size matches, but a section id 0 (padding) follows the last section
  EXPECT_NE(ReadError(b).find("out of order or repeated"), std::string::npos);
}

// Version 2: the writer pads so the text section's contents start page-aligned in the file,
// and the reader accepts that padding only as zeros, only first, and only in version 2 files.
TEST(ArtifactCorruption, TextIsPageAlignedAndPaddingIsChecked) {
  std::mt19937 rng(7);
  bool seen[3] = {};
  for (int round = 0; round < 200 && !(seen[1] && seen[2]); ++round) {
    const Artifact a = testing::RandomArtifact(rng, 3);
    if (a.text.empty()) continue;
    const Target target = a.target;
    seen[uint8_t(target)] = true;
    const Bytes b = WriteArtifact(a);
    std::span<const uint8_t> text;
    ReadOptions borrow;
    borrow.borrowed_text = &text;
    auto r = ReadArtifact(b, borrow);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r->text.empty());  // borrowed, not copied
    ASSERT_EQ(text.size(), a.text.size());
    EXPECT_TRUE(std::equal(text.begin(), text.end(), a.text.begin()));
    const uint64_t align =
        target == Target::kAarch64 ? kTextAlignmentAarch64 : kTextAlignmentX86_64;
    EXPECT_EQ(uint64_t(text.data() - b.data()) % align, 0u);
    EXPECT_EQ(b[kHeaderSize], 0);  // the padding section comes first
    auto copied = ReadArtifact(b);
    ASSERT_TRUE(copied.ok());
    EXPECT_EQ(*copied, a);
  }
  EXPECT_TRUE(seen[1] && seen[2]);  // both targets
  // A non-zero padding byte is refused, pointing at it. (Without stack maps, so that the same
  // bytes also stand for older versions below.)
  Artifact small = testing::SmallArtifact();
  small.stack_maps.clear();
  small.stack_map_slots.clear();
  Bytes b = WriteArtifact(small);
  ASSERT_EQ(b[kHeaderSize], 0);
  Bytes bad = b;
  bad[kHeaderSize + 10] = 7;
  Seal(bad);
  auto r = ReadArtifact(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, kHeaderSize + 10);
  EXPECT_NE(r.error().message.find("padding section holds a non-zero byte"), std::string::npos);
  // Files of versions 1 to 3 hold code for the VMContext layout before the store-limits
  // pointer: refused at the version field, with a message that says to recompile.
  for (uint32_t old_version : {1u, 2u, 3u}) {
    Bytes old = b;
    old[8] = uint8_t(old_version);
    const uint64_t sum =
        Checksum64(std::span<const uint8_t>(old).subspan(kHeaderSize), old_version);
    std::memcpy(&old[24], &sum, 8);
    auto r_old = ReadArtifact(old);
    ASSERT_FALSE(r_old.ok());
    EXPECT_EQ(r_old.error().offset, 8u);
    EXPECT_NE(r_old.error().message.find("format version " + std::to_string(old_version) +
                                         " was compiled for an older VMContext layout"),
              std::string::npos)
        << r_old.error().message;
    EXPECT_NE(r_old.error().message.find("recompile"), std::string::npos);
  }
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
  b[8] = kFormatVersion + 1;
  auto r = ReadArtifact(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, 8u);
  EXPECT_NE(
      r.error().message.find("unsupported format version " + std::to_string(kFormatVersion + 1)),
      std::string::npos);
  b[8] = 0;
  EXPECT_NE(ReadError(b).find("unsupported format version 0"), std::string::npos);

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
         a.traps.clear();  // the relocation would overwrite the trapping instruction at 4
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

// Layout checks: the code ranges the functions and wasm_to_array sections declare are disjoint,
// and every trap entry, source location and relocation lies inside one of them. SmallArtifact's
// text: body 0 [0, 8) with a trap at 4, body 1 [8, 10), function 0's array_call [10, 11), and
// one byte of padding at 11.
TEST(ArtifactValidation, CodeLayout) {
  struct Case {
    const char* expect;
    void (*mutate)(Artifact&);
  };
  const Case rejected[] = {
      {"array_call trampoline of defined function 0 [0x2, +0x3) overlaps the body of defined "
       "function 0 [0x0, +0x8)",
       [](Artifact& a) {
         a.functions[0].array_call = {2, 3};
       }},
      {"array_call trampoline of defined function 1 [0x8, +0x2) overlaps the body of defined "
       "function 1",
       [](Artifact& a) {
         a.functions[1].array_call = {8, 2};  // its own body, but not exactly: see below
         a.functions[1].body = {8, 3};
         a.functions[0].array_call = {};
       }},
      {"array_call trampoline of defined function 0 [0x8, +0x2) overlaps the body of defined "
       "function 1",
       [](Artifact& a) {
         a.functions[0].array_call = {8, 2};  // another function's body, exactly
       }},
      {"array_call trampoline of defined function 1 [0xa, +0x1) overlaps the array_call "
       "trampoline of defined function 0 [0xa, +0x1)",
       [](Artifact& a) {
         a.functions[1].array_call = {10, 1};
       }},
      {"wasm-to-array trampoline for type 0 [0x6, +0x2) overlaps the body of defined function 0",
       [](Artifact& a) {
         a.wasm_to_array = {{0, {6, 2}}};
       }},
      {"wasm-to-array trampoline for type 0 [0xa, +0x2) overlaps the array_call trampoline of "
       "defined function 0",
       [](Artifact& a) {
         a.wasm_to_array = {{0, {10, 2}}};
       }},
      {"wasm-to-array trampoline for type 1 [0xb, +0x1) overlaps the wasm-to-array trampoline "
       "for type 0 [0xb, +0x1)",
       [](Artifact& a) {
         a.wasm_to_array = {{0, {11, 1}}, {1, {11, 1}}};
       }},
      {"trap at 0xb is not inside a function body or trampoline",
       [](Artifact& a) {
         a.traps.push_back({11, TrapCode::kUnreachable});
       }},
      {"source location at 0xb is not inside a function body or trampoline",
       [](Artifact& a) {
         a.source_locs.push_back({11, 7});
       }},
      {"relocation [0x0, +0x8) overwrites the instruction of the trap entry at 0x4",
       [](Artifact& a) {
         a.relocations.push_back({0, RelocKind::kAbs64Builtin, 0});
       }},
      {"relocation [0x2, +0x8) is not inside one function body or trampoline (it crosses the end "
       "of the body of defined function 0 [0x0, +0x8))",
       [](Artifact& a) {
         a.traps.clear();
         a.relocations.push_back({2, RelocKind::kAbs64Builtin, 0});
       }},
      // aarch64: every range, trap and source location on a 4-byte instruction boundary.
      {"function body [0x8, +0x2) is not aligned to 4 bytes (the aarch64 instruction size)",
       [](Artifact& a) {
         a.target = Target::kAarch64;
         a.functions[0].array_call = {};
       }},
      {"trap at 0x6 is not aligned to 4 bytes",
       [](Artifact& a) {
         a.target = Target::kAarch64;
         a.functions[1].body = {8, 4};
         a.functions[0].array_call = {};
         a.traps = {{6, TrapCode::kUnreachable}};
       }},
      {"source location at 0x2 is not aligned to 4 bytes",
       [](Artifact& a) {
         a.target = Target::kAarch64;
         a.functions[1].body = {8, 4};
         a.functions[0].array_call = {};
         a.source_locs = {{2, 1}};
       }},
      {"array_call trampoline [0x9, +0x3) is not aligned to 4 bytes",
       [](Artifact& a) {
         a.target = Target::kAarch64;
         a.functions[1].body = {4, 4};
         a.functions[0].body = {0, 4};
         a.functions[0].array_call = {9, 3};
       }},
  };
  const Artifact good = testing::SmallArtifact();
  for (const Case& c : rejected) {
    Artifact a = good;
    c.mutate(a);
    const std::string err = ErrorFor(a);
    EXPECT_NE(err.find(c.expect), std::string::npos)
        << "expected \"" << c.expect << "\", got \"" << err << "\"";
  }
  const Case accepted[] = {
      // A body that is its own array_call entry (hand-assembled code in the array convention).
      {"", [](Artifact& a) { a.functions[1].array_call = a.functions[1].body; }},
      // Ranges touching end to start, and a trampoline in what was padding.
      {"",
       [](Artifact& a) {
         a.wasm_to_array = {{0, {11, 1}}};
       }},
      // Traps and source locations in a trampoline are inside emitted code.
      {"",
       [](Artifact& a) {
         a.traps.push_back({10, TrapCode::kStackOverflow});
         a.source_locs.push_back({10, 3});
       }},
      {"",
       [](Artifact& a) {
         a.target = Target::kAarch64;
         a.functions[1].body = {8, 4};
         a.functions[0].array_call = {};
       }},
  };
  for (const Case& c : accepted) {
    Artifact a = good;
    c.mutate(a);
    EXPECT_EQ(ErrorFor(a), "");
  }
}

TEST(ArtifactValidation, LayoutErrorsPointAtTheField) {
  // An overlap is reported at the trampoline's field: here the array_call range of function 0,
  // encoded as the LEB128 bytes 02 03 (offset 2, size 3).
  Artifact a = testing::SmallArtifact();
  a.functions[0].array_call = {2, 3};
  const Bytes b = WriteArtifact(a);
  auto r = ReadArtifact(b);
  ASSERT_FALSE(r.ok());
  ASSERT_LT(r.error().offset + 1, b.size());
  EXPECT_EQ(b[r.error().offset], 2);
  EXPECT_EQ(b[r.error().offset + 1], 3);
  // A wasm-to-array trampoline over a body.
  a = testing::SmallArtifact();
  a.wasm_to_array = {{1, {5, 1}}};
  const Bytes b2 = WriteArtifact(a);
  r = ReadArtifact(b2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(b2[r.error().offset], 5);
  EXPECT_EQ(b2[r.error().offset + 1], 1);
}

// Every random valid artifact survives the layout checks, and moving any one of its trampolines
// or trap entries anywhere in the text is accepted exactly when the moved item still respects
// the layout (checked here by brute force, independently of the reader's sorted walk).
TEST(ArtifactValidation, MovedTrampolinesAndTrapsAgainstABruteForceOracle) {
  std::mt19937 rng(7);
  int rejected = 0, accepted = 0;
  for (int round = 0; round < 60; ++round) {
    const Artifact good = testing::RandomArtifact(rng, 4);
    ASSERT_EQ(ErrorFor(good), "") << "round " << round;
    const uint32_t unit = good.target == Target::kAarch64 ? 4 : 1;
    // Every declared range but the one being moved.
    auto others = [&](const Artifact& a, int skip_func, int skip_w2a) {
      std::vector<CodeRange> r;
      for (size_t i = 0; i < a.functions.size(); ++i) {
        r.push_back(a.functions[i].body);
        if (int(i) != skip_func && !a.functions[i].array_call.empty() &&
            !(a.functions[i].array_call == a.functions[i].body))
          r.push_back(a.functions[i].array_call);
      }
      for (size_t i = 0; i < a.wasm_to_array.size(); ++i)
        if (int(i) != skip_w2a) r.push_back(a.wasm_to_array[i].code);
      return r;
    };
    auto overlaps = [](const CodeRange& x, const CodeRange& y) {
      return x.offset < y.end() && y.offset < x.end();
    };
    auto inside_some = [](const std::vector<CodeRange>& ranges, uint32_t off) {
      for (const CodeRange& r : ranges)
        if (off >= r.offset && off < r.end()) return true;
      return false;
    };
    auto covered = [&](const Artifact& a, const std::vector<CodeRange>& ranges, CodeRange moved) {
      // The side tables of `a` stay valid only if what they point at is still declared code.
      std::vector<CodeRange> all = ranges;
      all.push_back(moved);
      for (const TrapEntry& t : a.traps)
        if (!inside_some(all, t.offset)) return false;
      for (const SourceLoc& l : a.source_locs)
        if (!inside_some(all, l.text_offset)) return false;
      for (const Relocation& rel : a.relocations) {
        bool in_one = false;
        for (const CodeRange& r : all)
          in_one |= rel.offset >= r.offset && rel.offset + 8 <= r.end();
        if (!in_one) return false;
      }
      return true;
    };
    for (size_t f = 0; f < good.functions.size(); ++f) {
      if (good.functions[f].array_call.empty() ||
          good.functions[f].array_call == good.functions[f].body)
        continue;
      const std::vector<CodeRange> rest = others(good, int(f), -1);
      for (uint32_t off = 0; off + good.functions[f].array_call.size <= good.text.size();
           off += unit) {
        Artifact a = good;
        a.functions[f].array_call.offset = off;
        bool ok = covered(a, rest, a.functions[f].array_call);
        for (const CodeRange& r : rest)
          if (overlaps(r, a.functions[f].array_call) &&
              !(r == a.functions[f].body && r == a.functions[f].array_call))
            ok = false;
        const std::string err = ErrorFor(a);
        EXPECT_EQ(err.empty(), ok)
            << "round " << round << ", array_call of " << f << " at " << off << ": " << err;
        (err.empty() ? accepted : rejected)++;
      }
    }
    for (size_t w = 0; w < good.wasm_to_array.size(); ++w) {
      const std::vector<CodeRange> rest = others(good, -1, int(w));
      for (uint32_t off = 0; off + good.wasm_to_array[w].code.size <= good.text.size();
           off += unit) {
        Artifact a = good;
        a.wasm_to_array[w].code.offset = off;
        bool ok = covered(a, rest, a.wasm_to_array[w].code);
        for (const CodeRange& r : rest) ok &= !overlaps(r, a.wasm_to_array[w].code);
        const std::string err = ErrorFor(a);
        EXPECT_EQ(err.empty(), ok)
            << "round " << round << ", wasm-to-array " << w << " at " << off << ": " << err;
        (err.empty() ? accepted : rejected)++;
      }
    }
  }
  EXPECT_GT(rejected, 1000);
  EXPECT_GT(accepted, 50);
}

// End to end, on a module the real compiler produced: the pristine artifact runs, and every
// placement of an array_call trampoline that overlaps a function body (the SIGSEGV of issue 14:
// checksum recomputed, trampoline offset moved into a body) is refused by ReadArtifact and
// therefore by Module::FromBytes, before any code is mapped.
//
//   (memory 1)
//   (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
//   (func (export "inc2") (param i32) (result i32) local.get 0 call $inc call $inc)
//   (func (export "load") (param i32) (result i32) local.get 0 i32.load)
const std::vector<uint8_t> kWasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x03, 0x04, 0x03, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x0f, 0x02,
    0x04, 0x69, 0x6e, 0x63, 0x32, 0x00, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x02, 0x0a,
    0x1a, 0x03, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x10,
    0x00, 0x10, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b};

// The module compiled for `target` (default: this host's, so that it can run). The tests below
// take every offset from the artifact itself, so they hold for either target's code.
Artifact CompiledArtifact(compiler::Target target = compiler::HostTarget()) {
  compiler::CompileOptions o;
  o.target = target;
  o.regalloc_checker = true;
  Expected<compiler::CompileResult> r = compiler::CompileBytes(kWasm, "hardening.wasm", o);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? std::move(r->artifact) : Artifact{};
}

// The targets whose artifacts the reader checks; it needs no code generator for the host.
const compiler::Target kTargets[] = {compiler::Target::kX86_64, compiler::Target::kAarch64};

// Code offsets the reader accepts as instruction starts: A64 instructions are 4 bytes.
uint32_t InstructionAlignment(const Artifact& a) { return a.target == Target::kAarch64 ? 4 : 1; }

TEST(ArtifactHardening, CompiledModuleRunsAndPassesTheReader) {
  const Artifact a = CompiledArtifact();
  ASSERT_EQ(a.functions.size(), 3u);
  ASSERT_FALSE(a.traps.empty());  // the i32.load's guard-page fault
  const Bytes bytes = WriteArtifact(a);
  auto back = ReadArtifact(bytes);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, a);
  if (a.target != runtime::HostTarget())
    GTEST_SKIP() << "running it needs a code generator for this host ("
                 << TargetName(runtime::HostTarget()) << "); the compiler wrote "
                 << TargetName(a.target) << " code";
  runtime::Engine engine;
  auto module = runtime::Module::FromBytes(engine, bytes);
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  runtime::Store store(engine);
  runtime::Linker linker;
  auto inst = linker.Instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  const std::vector<runtime::Val> five = {runtime::Val::I32(5)};
  auto r = store.Call((*inst)->GetFunc("inc2"), five);
  ASSERT_TRUE(r.ok() && !r->trap && r->results.size() == 1);
  EXPECT_EQ(r->results[0].i32(), 7);
  const std::vector<runtime::Val> past_the_end = {runtime::Val::I32(70000)};
  r = store.Call((*inst)->GetFunc("load"), past_the_end);
  ASSERT_TRUE(r.ok() && r->trap);
  EXPECT_EQ(r->trap->code, TrapCode::kHeapOutOfBounds);
}

TEST(ArtifactHardening, TrampolineMovedIntoAFunctionBodyIsRejected) {
  for (compiler::Target target : kTargets) {
    SCOPED_TRACE(std::string(compiler::Name(target)));
    const Artifact good = CompiledArtifact(target);
    ASSERT_EQ(good.functions.size(), 3u);
    const uint32_t align = InstructionAlignment(good);
    runtime::Engine engine;
    int cases = 0, instructions = 0;
    for (size_t f = 0; f < good.functions.size(); ++f) {
      ASSERT_FALSE(good.functions[f].array_call.empty());
      for (size_t g = 0; g < good.functions.size(); ++g) {
        const CodeRange body = good.functions[g].body;
        if (f == 0) instructions += body.size / align;
        // Each instruction start of the body (every byte on x64, every 4th on aarch64: other
        // offsets are refused for their alignment first).
        for (uint32_t d = 0; d < body.size; d += align) {
          if (f == g && d == 0) continue;  // exactly its own body: a start, tested elsewhere
          Artifact a = good;
          a.functions[f].array_call.offset = body.offset + d;
          if (a.functions[f].array_call.end() > a.text.size()) continue;
          const Bytes bytes = WriteArtifact(a);  // recomputes the checksum
          const std::string err = ReadError(bytes);
          EXPECT_NE(err.find("array_call trampoline of defined function " + std::to_string(f)),
                    std::string::npos)
              << err;
          EXPECT_NE(err.find("overlaps the body of defined function " + std::to_string(g)),
                    std::string::npos)
              << err;
          auto module = runtime::Module::FromBytes(engine, bytes);
          ASSERT_FALSE(module.ok()) << "function " << f << " into body " << g << " +" << d;
          // On a host of another architecture the runtime refuses the target first (at the header).
          if (good.target == runtime::HostTarget()) {
            EXPECT_EQ(module.error().message, err);
          }
          ++cases;
        }
      }
    }
    // Every function's trampoline into every instruction start of every body, but its own start.
    EXPECT_GE(cases, 3 * instructions - 3 * 3);
    EXPECT_GT(cases, 30);
  }
}

TEST(ArtifactHardening, CompiledSideTablesMovedOutOfTheirFunctionAreRejected) {
  for (compiler::Target target : kTargets) {
    SCOPED_TRACE(std::string(compiler::Name(target)));
    const Artifact good = CompiledArtifact(target);
    ASSERT_FALSE(good.traps.empty());
    // Function bodies are 16-byte aligned: the padding after the last byte of body 0 (if any) and
    // the bytes just past the end of the text's last range are not code.
    std::vector<CodeRange> ranges;
    for (const Function& f : good.functions)
      ranges.push_back(f.body), ranges.push_back(f.array_call);
    int cases = 0;
    for (uint32_t off = 0; off < good.text.size(); off += InstructionAlignment(good)) {
      bool in_code = false;
      for (const CodeRange& r : ranges) in_code |= off >= r.offset && off < r.end();
      if (in_code) continue;
      Artifact a = good;
      a.traps = {{off, TrapCode::kHeapOutOfBounds}};
      EXPECT_NE(ErrorFor(a).find("is not inside a function body or trampoline"), std::string::npos);
      a = good;
      a.source_locs = {{off, 1}};
      EXPECT_NE(ErrorFor(a).find("is not inside a function body or trampoline"), std::string::npos);
      ++cases;
    }
    EXPECT_GT(cases, 0) << "the compiled text has no padding to test with";
  }
}

}  // namespace
}  // namespace egret::artifact
