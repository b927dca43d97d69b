// text_section.h: lays out every function of a module in one text section and resolves the
// direct calls between them.
//
// Calls inside a module are PC-relative and resolved here, when the text is built, so loading
// needs no relocations for them. A call whose callee is out of its kind's reach (aarch64 bl
// beyond +-128 MiB) goes through a veneer placed between functions. The builder reuses
// MachBuffer: each function is a label, each call site a label use, and the veneer islands are
// MachBuffer islands at function boundaries (unreachable, so without a jump around them).
//
// Invariants: functions are placed in the order they are appended, each at a multiple of
// max(options.function_alignment, its own alignment); every call site is patched to its callee
// or to a veneer that reaches it; every side table is rebased to text offsets and sorted (kept only
// with TextSectionOptions::keep_tables).
#ifndef EGRET_MACHBUFFER_TEXT_SECTION_H_
#define EGRET_MACHBUFFER_TEXT_SECTION_H_

#include <cstdint>
#include <vector>

#include "machbuffer/mach_code.h"
#include "machbuffer/machbuffer.h"
#include "support/error.h"

namespace egret {

struct TextSectionOptions {
  uint32_t function_alignment = 16;
  // Test mode: this many bytes of trapping padding between consecutive functions, so that tests
  // can force call veneers without megabytes of real code.
  uint64_t debug_padding = 0;
  // As MachBufferOptions::debug_branch_range_shrink, applied to call reach. A call can get a
  // veneer only after the end of its own function, so under shrinking the reach never goes
  // below what the largest function needs: its bytes, one veneer chain per call, and an island's
  // overhead (CallReachFloor). Give the largest size and call count among the MachCodes to be
  // appended; a function beyond them whose calls cannot reach past it is an Append error.
  uint32_t debug_branch_range_shrink = 1;
  uint32_t largest_function = 0;
  uint32_t most_calls = 0;
  // An estimate of the section's size (0: none), reserved up front so that the bytes appended
  // are not copied again each time the buffer outgrows its allocation; pages the code never
  // reaches are never touched.
  uint64_t expected_bytes = 0;
  // false: the TextSection's side tables (traps, call sites, source locations, stack maps and
  // frame ranges) stay empty, for a caller that maps each function's tables itself (at the
  // function's start, TextSectionBuilder::Start) into tables of its own: they are then not
  // copied into the section's first. Calls are resolved either way.
  bool keep_tables = true;

  // Capacities for the per-instruction tables from the same estimate (at least one
  // source-location range per 16 bytes of estimated code, one trap per 64: both above what egret
  // emits, which averages about one range per 10 bytes of code, and the estimate is about twice
  // the code), so that the tables are not copied each time they outgrow their allocation; pages
  // no entry reaches are never touched. Used for the section's own tables and, without
  // keep_tables, for the caller's.
  uint64_t expected_srclocs() const { return expected_bytes / 16; }
  uint64_t expected_traps() const { return expected_bytes / 64; }
};

struct TextFunctionRange {
  uint32_t start = 0;
  uint32_t size = 0;
  friend bool operator==(const TextFunctionRange&, const TextFunctionRange&) = default;
};

struct TextSection {
  std::vector<uint8_t> bytes;
  uint32_t alignment = 1;
  std::vector<TextFunctionRange> functions;  // indexed by function index
  // The functions' side tables, rebased to text offsets (call sites are already resolved; they
  // remain for return-address lookups).
  std::vector<MachTrap> traps;
  std::vector<MachCallSite> call_sites;
  std::vector<MachSrcLoc> srclocs;
  std::vector<MachStackMap> stack_maps;
  std::vector<uint32_t> stack_map_slots;
  std::vector<MachFrameRange> frame_ranges;  // in append order (sorted within a function)
  uint32_t veneers = 0;                      // call veneers
  uint32_t veneer_bytes = 0;                 // their bytes
  uint32_t islands = 0;  // veneer islands between functions or after the last one
};

template <class Traits>
class TextSectionBuilder {
 public:
  using Kind = typename Traits::Kind;

  explicit TextSectionBuilder(uint32_t num_functions, TextSectionOptions options = {});

  // The least call reach under shrinking for functions of up to `largest` bytes with up to
  // `calls` call sites (see TextSectionOptions).
  static int64_t CallReachFloor(uint32_t largest, uint32_t calls);
  // The effective reach of calls of `kind` (shrunk, with the floor).
  int64_t CallReach(Kind kind) const { return buf_.MaxForward(kind); }

  // Places function `index` next. Errors: index out of range or appended twice, a call to an
  // unknown function or with an unknown kind, a function too large for its own calls' reach.
  Status Append(uint32_t index, const MachCode& code);
  // The text offset of function `index`, once appended.
  uint32_t Start(uint32_t index) const { return out_.functions[index].start; }

  // Resolves the remaining calls (veneers go at the end). Error if a called function was never
  // appended.
  Expected<TextSection> Finish();

 private:
  void Pad(uint64_t bytes);
  static uint32_t LongestChain();  // bytes of the longest veneer chain of any kind

  TextSectionOptions options_;
  MachBuffer<Traits> buf_;
  std::vector<MachLabel> labels_;
  std::vector<uint8_t> placed_;
  std::vector<uint8_t> called_;
  TextSection out_;
  uint32_t appended_ = 0;
};

extern template class TextSectionBuilder<A64LabelUses>;
extern template class TextSectionBuilder<X64LabelUses>;

}  // namespace egret

#endif  // EGRET_MACHBUFFER_TEXT_SECTION_H_
