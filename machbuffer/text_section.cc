// text_section.cc: TextSectionBuilder, instantiated for aarch64 and x64.
//
// Work is linear in code size plus call sites: each call is one MachBuffer fixup, and the
// buffer's per-kind deadline queues decide where call veneers go.
#include "machbuffer/text_section.h"

#include <algorithm>
#include <string>

namespace egret {

template <class Traits>
uint32_t TextSectionBuilder<Traits>::LongestChain() {
  uint32_t longest = 0;
  for (int k = 0; k < Traits::kNumKinds; ++k) {
    uint32_t bytes = 0;
    int kind = k;
    for (int depth = 0; depth < Traits::kNumKinds; ++depth) {
      const LabelUseInfo& info = Traits::Info(static_cast<Kind>(kind));
      if (info.veneer_kind == LabelUseInfo::kNoVeneer) break;
      bytes += info.veneer_size;
      kind = info.veneer_kind;
    }
    longest = std::max(longest, bytes);
  }
  return longest;
}

template <class Traits>
int64_t TextSectionBuilder<Traits>::CallReachFloor(uint32_t largest, uint32_t calls) {
  // The island after the function holds the veneers of all its calls (and of older calls that
  // could not wait, which the check before Append accounts for), behind its alignment; the
  // MachBuffer's own slack and kMinShrunkRange cover the rest.
  return int64_t{largest} + int64_t{calls} * LongestChain() + kMinShrunkRange;
}

template <class Traits>
TextSectionBuilder<Traits>::TextSectionBuilder(uint32_t num_functions, TextSectionOptions options)
    : options_(options),
      buf_(MachBufferOptions{options.debug_branch_range_shrink,
                             CallReachFloor(options.largest_function, options.most_calls)}),
      placed_(num_functions, 0),
      called_(num_functions, 0) {
  EGRET_CHECK(options_.function_alignment != 0 &&
              (options_.function_alignment & (options_.function_alignment - 1)) == 0);
  if (options_.expected_bytes != 0) {
    buf_.ReserveCode(options_.expected_bytes);
    // The per-instruction tables, from the same estimate (TextSectionOptions::expected_srclocs).
    if (options_.keep_tables) {
      out_.srclocs.reserve(options_.expected_srclocs());
      out_.traps.reserve(options_.expected_traps());
    }
  }
  labels_.reserve(num_functions);
  const uint32_t first_label = buf_.NewLabels(num_functions).index;
  for (uint32_t i = 0; i < num_functions; ++i) labels_.push_back(MachLabel(first_label + i));
  out_.functions.resize(num_functions);
  out_.alignment = options_.function_alignment;
}

template <class Traits>
void TextSectionBuilder<Traits>::Pad(uint64_t bytes) {
  // In chunks, so that pending calls get veneers before the padding carries them out of reach.
  constexpr uint64_t kChunk = 1 << 20;
  while (bytes > 0) {
    const uint32_t n = static_cast<uint32_t>(std::min(bytes, kChunk));
    if (buf_.IslandNeeded(n)) buf_.EmitIsland(n, /*reachable=*/false);
    buf_.PutPadding(n);
    bytes -= n;
  }
}

template <class Traits>
Status TextSectionBuilder<Traits>::Append(uint32_t index, const MachCode& code) {
  // The error prefix, built only when there is an error.
  auto where = [index] { return "function " + std::to_string(index); };
  if (index >= placed_.size()) return Error(where() + ": index out of range");
  if (placed_[index]) return Error(where() + ": appended twice");
  // The function's calls join the pending fixups at once: count their veneers in the distance
  // of the island check, so that the island after the function (if the next Append needs one)
  // still serves every older call in time.
  const uint32_t align = std::max(options_.function_alignment, code.alignment);
  const uint64_t distance =
      code.bytes.size() + align + uint64_t{code.call_sites.size()} * LongestChain();
  for (const MachCallSite& cs : code.call_sites) {
    if (cs.callee >= placed_.size()) {
      return Error(where() + ": call to unknown function " + std::to_string(cs.callee));
    }
    if (cs.kind >= Traits::kNumKinds) return Error(where() + ": call with an unknown label use");
    const Kind kind = static_cast<Kind>(cs.kind);
    if (cs.fixup_offset + uint64_t{Traits::Info(kind).patch_size} > code.bytes.size()) {
      return Error(where() + ": call site outside the function");
    }
    // A call must be able to reach past the end of its own function, and past the veneers of
    // all its calls, to its own veneer.
    if (distance + Traits::kJumpSize >= uint64_t(buf_.MaxForward(kind))) {
      return Error(where() + " is " + std::to_string(code.bytes.size()) + " bytes and " +
                   std::to_string(code.call_sites.size()) +
                   " call sites, beyond the reach of its " + Traits::Info(kind).name + " calls (" +
                   std::to_string(buf_.MaxForward(kind)) + " bytes)");
    }
  }
  if (uint64_t{buf_.CurOffset()} + options_.debug_padding + distance + 4096 >= UINT32_MAX / 2) {
    return Error(where() + ": text section too large");
  }
  if (appended_ != 0 && options_.debug_padding != 0) Pad(options_.debug_padding);
  out_.alignment = std::max(out_.alignment, align);
  const uint32_t size = static_cast<uint32_t>(code.bytes.size());
  if (buf_.IslandNeeded(static_cast<uint32_t>(distance))) {
    buf_.EmitIsland(static_cast<uint32_t>(distance), /*reachable=*/false);
  }
  const uint32_t pad = (align - buf_.CurOffset() % align) % align;
  if (pad != 0) buf_.PutPadding(pad);
  const uint32_t start = buf_.CurOffset();
  buf_.BindLabel(labels_[index]);
  buf_.PutBytes(code.bytes);
  placed_[index] = 1;
  ++appended_;
  out_.functions[index] = TextFunctionRange{start, size};
  for (const MachCallSite& cs : code.call_sites) {
    buf_.UseLabelAtOffset(start + cs.fixup_offset, labels_[cs.callee], static_cast<Kind>(cs.kind));
    called_[cs.callee] = 1;
  }
  if (!options_.keep_tables) return Status::Ok();
  for (const MachCallSite& cs : code.call_sites) {
    out_.call_sites.push_back(
        MachCallSite{start + cs.fixup_offset, start + cs.return_offset, cs.callee, cs.kind});
  }
  for (const MachTrap& t : code.traps) out_.traps.push_back(MachTrap{start + t.offset, t.code});
  for (const MachSrcLoc& s : code.srclocs) {
    out_.srclocs.push_back(MachSrcLoc{start + s.start, start + s.end, s.loc});
  }
  const uint32_t slot_base = static_cast<uint32_t>(out_.stack_map_slots.size());
  for (const MachStackMap& m : code.stack_maps) {
    out_.stack_maps.push_back(
        MachStackMap{start + m.offset, m.frame_size, slot_base + m.first_slot, m.num_slots});
  }
  out_.stack_map_slots.insert(out_.stack_map_slots.end(), code.stack_map_slots.begin(),
                              code.stack_map_slots.end());
  for (const MachFrameRange& r : code.frame_ranges)
    out_.frame_ranges.push_back(MachFrameRange{start + r.start, start + r.end, r.kind});
  return Status::Ok();
}

template <class Traits>
Expected<TextSection> TextSectionBuilder<Traits>::Finish() {
  for (size_t i = 0; i < placed_.size(); ++i) {
    if (called_[i] && !placed_[i]) {
      return Error("function " + std::to_string(i) + " is called but was never appended");
    }
  }
  MachCode code = buf_.Finish();
  out_.bytes = std::move(code.bytes);
  out_.veneers = code.stats.veneers;
  out_.veneer_bytes = code.stats.veneer_bytes;
  out_.islands = code.stats.islands;
  return std::move(out_);
}

template class TextSectionBuilder<A64LabelUses>;
template class TextSectionBuilder<X64LabelUses>;

}  // namespace egret
