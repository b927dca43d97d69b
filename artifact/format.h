// format.h: the byte layout of a serialized artifact (the constants reader and writer share).
//
//   offset  size  field
//   0       8     magic "\0egretaf"
//   8       4     format version (u32 LE), kFormatVersion
//   12      4     flags (u32 LE): bits 0-7 Target, all other bits zero
//   16      8     payload size in bytes (u64 LE); must equal file size - 32
//   24      8     Checksum64(payload, seed = version) (u64 LE): XXH3-64 from version 7 on
//   32      ...   payload: sections
//
// A section is `id:u8 size:uleb32 contents[size]`. Ids appear at most once, in increasing order;
// a missing section means "empty". Version 2 added section 0, padding: zero bytes that the writer
// sizes so that the text section's contents start at a multiple of TextAlignment(target) in the
// file, so a loader can map the code straight from the file (Module::DeserializeFile). Version 3
// added section 17, stack maps (artifact.h: StackMap). Version 4 has version 3's sections; its
// code reaches the stack limit and the fuel counter through the VMContext's store-limits pointer
// (artifact/vmoffsets.h), so older code cannot run on this runtime and readers accept version 4
// only (the reader still knows which sections each version introduced). Version 5 added section
// 18, frame ranges (artifact.h: FrameRange): the code ranges that run without their function's
// frame record (frameless leaf functions, prologue and epilogue windows). A version-4 artifact
// has none, which is exact for its code (every function kept its frame record), so readers accepted
// versions 4 and 5. Version 6 has version 5's sections; its call_indirect through a fixed-size
// funcref table reads the target from the table's code mirror (runtime/table.h), which a runtime
// that reads only up to version 5 does not keep, so such a runtime must refuse it. Versions 4 and
// 5 still ran (their code reads the target through the VMFuncRef). Version 7 has version 6's
// sections and code; its checksum is XXH3-64 (artifact/checksum.h) instead of the
// multiply-rotate function of versions 1 to 6, so readers accept version 7 only and tell the
// user of an older file to recompile it. Inside sections, counts and indices are unsigned
// LEB128 (the strict WebAssembly encoding), strings are `len:uleb32 bytes`. docs/runtime.md has the
// per-section table. Any change to the layout bumps kFormatVersion; readers reject other versions.
#ifndef EGRET_ARTIFACT_FORMAT_H_
#define EGRET_ARTIFACT_FORMAT_H_

#include <bit>
#include <cstdint>

namespace egret::artifact {

static_assert(std::endian::native == std::endian::little, "artifacts assume a little-endian host");

inline constexpr uint8_t kMagic[8] = {0x00, 'e', 'g', 'r', 'e', 't', 'a', 'f'};
inline constexpr uint32_t kFormatVersion = 7;             // what the writer writes
inline constexpr uint32_t kMinReadableFormatVersion = 7;  // readers accept [this, kFormatVersion]
inline constexpr uint32_t kHeaderSize = 32;

enum class SectionId : uint8_t {
  kPadding = 0,  // version 2: zeros aligning the text section's contents
  kTypes = 1,
  kImports = 2,
  kText = 3,
  kFunctions = 4,
  kWasmToArray = 5,
  kTables = 6,
  kMemories = 7,
  kGlobals = 8,
  kExports = 9,
  kStart = 10,
  kElements = 11,
  kData = 12,
  kTraps = 13,
  kRelocations = 14,
  kSourceLocs = 15,
  kNames = 16,
  kStackMaps = 17,    // version 3: GC reference slots at call return addresses
  kFrameRanges = 18,  // version 5: code without its function's frame record
};
inline constexpr uint8_t kMaxSectionId = 18;

// Where the writer puts the text section's contents (a file offset multiple of this): the page
// size of every supported host (4 KiB on x86-64; 4 or 16 KiB on aarch64 Linux, whose 64 KiB-page
// kernels fall back to copying).
inline constexpr uint32_t kTextAlignmentX86_64 = 4096;
inline constexpr uint32_t kTextAlignmentAarch64 = 16384;

// Limits/memory flag bits.
inline constexpr uint8_t kLimitsHasMax = 1;
inline constexpr uint8_t kMemoryIs64 = 2;
inline constexpr uint8_t kMemoryShared = 4;

// WebAssembly's bounds, enforced by the reader.
inline constexpr uint64_t kMaxMemory32Pages = 65536;
inline constexpr uint64_t kMaxMemory64Pages = uint64_t{1} << 48;
inline constexpr uint64_t kMaxTableElements = UINT32_MAX;

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_FORMAT_H_
