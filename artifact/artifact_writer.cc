// artifact_writer.cc: see artifact_writer.h. Sections are built in a scratch buffer so their
// size prefix can be written first; empty sections are omitted (the reader treats a missing
// section as empty). The bulk sections' contents, the text, the data segments' bytes and the
// per-entry tables, are never copied into the small-section payload: it records them as holes (a
// position and the bytes that go there), and the output is the payload with the holes filled in
// order, streamed to a sink (a file: no copy of the artifact in memory at all) or concatenated into
// one vector reserved at its final size.
#include "artifact/artifact_writer.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>

#include "artifact/checksum.h"
#include "artifact/format.h"
#include "support/error.h"
#include "support/leb128.h"

namespace egret::artifact {
namespace {

using Bytes = std::vector<uint8_t>;

void PutU8(Bytes& out, uint8_t v) { out.push_back(v); }
void PutFixed32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void PutFixed64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void PutCount(Bytes& out, size_t n) { WriteU32(out, uint32_t(n)); }

// The per-entry tables (source locations: one per machine instruction; traps, relocations,
// functions, stack maps, frame ranges) are written through a raw pointer into room for the
// longest encoding of each entry (TableBuffers). WriteU32 appends a byte at a time, which was
// most of the writer's time on code-heavy modules.
constexpr size_t kMaxLeb32 = 5;

// (Always inline: in the table loops the call was about a third of the writer's time.)
[[gnu::always_inline]] inline uint8_t* PutLeb32(uint8_t* p, uint32_t v) {
  // Text offsets and Wasm offsets are mostly below 2^21: up to three bytes without a loop.
  if (v < 0x80) {
    *p = uint8_t(v);
    return p + 1;
  }
  if (v < (1u << 14)) {
    p[0] = uint8_t(v | 0x80);
    p[1] = uint8_t(v >> 7);
    return p + 2;
  }
  if (v < (1u << 21)) {
    p[0] = uint8_t(v | 0x80);
    p[1] = uint8_t((v >> 7) | 0x80);
    p[2] = uint8_t(v >> 14);
    return p + 3;
  }
  while (v >= 0x80) {
    *p++ = uint8_t(v | 0x80);
    v >>= 7;
  }
  *p++ = uint8_t(v);
  return p;
}

// A table section (one entry per machine instruction, trap, relocation, function, stack map or
// frame range) is encoded straight into its own buffer, made with room for the longest encoding
// of every entry and never zero-filled, and the output takes that buffer as a hole (see Hole):
// neither a chunked copy into a scratch vector nor a copy of the section into the payload.
// Buffers are owned by the caller of BuildPayload and outlive the output's Emit.
using TableBuffers = std::vector<std::unique_ptr<uint8_t[]>>;

void PutString(Bytes& out, const std::string& s) {
  PutCount(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void PutLimits(Bytes& out, const Limits& l, uint8_t extra_flags) {
  PutU8(out, uint8_t((l.max ? kLimitsHasMax : 0) | extra_flags));
  WriteU64(out, l.min);
  if (l.max) WriteU64(out, *l.max);
}
void PutTableType(Bytes& out, const TableType& t) {
  PutU8(out, uint8_t(t.elem));
  PutLimits(out, t.limits, 0);
}
void PutMemoryType(Bytes& out, const MemoryType& m) {
  PutLimits(out, m.limits, uint8_t((m.is64 ? kMemoryIs64 : 0) | (m.shared ? kMemoryShared : 0)));
}
void PutGlobalType(Bytes& out, const GlobalType& g) {
  PutU8(out, uint8_t(g.type));
  PutU8(out, g.is_mutable ? 1 : 0);
}

void PutConstExpr(Bytes& out, const ConstExpr& e) {
  PutCount(out, e.ops.size());
  for (const ConstOp& op : e.ops) {
    PutU8(out, uint8_t(op.kind));
    switch (op.kind) {
      case ConstOp::Kind::kI32Const:
        WriteS32(out, int32_t(uint32_t(op.lo)));
        break;
      case ConstOp::Kind::kI64Const:
        WriteS64(out, int64_t(op.lo));
        break;
      case ConstOp::Kind::kF32Const:
        PutFixed32(out, uint32_t(op.lo));
        break;
      case ConstOp::Kind::kF64Const:
        PutFixed64(out, op.lo);
        break;
      case ConstOp::Kind::kV128Const:
        PutFixed64(out, op.lo);
        PutFixed64(out, op.hi);
        break;
      case ConstOp::Kind::kRefNull:
        PutU8(out, uint8_t(op.index));
        break;
      case ConstOp::Kind::kRefFunc:
      case ConstOp::Kind::kGlobalGet:
        WriteU32(out, op.index);
        break;
      default:  // arithmetic: no immediate
        break;
    }
  }
}

void PutRange(Bytes& out, const CodeRange& r) {
  WriteU32(out, r.offset);
  WriteU32(out, r.size);
}

void PutSection(Bytes& out, SectionId id, const Bytes& contents) {
  if (contents.empty()) return;
  PutU8(out, uint8_t(id));
  PutCount(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
}

// The encoded size of a data segment's fields before its bytes.
size_t DataSegmentHeaderSize(const DataSegment& d, size_t num_bytes) {
  Bytes h;
  PutU8(h, uint8_t(d.mode));
  if (d.mode == SegmentMode::kActive) {
    WriteU32(h, d.memory_index);
    PutConstExpr(h, d.offset);
  }
  PutCount(h, num_bytes);
  return h.size();
}

// Bytes that go at payload position `at` (before the payload byte there), in order.
struct Hole {
  size_t at;
  std::span<const uint8_t> bytes;
};

// The artifact without the bulk bytes: header (filled in last, its checksum over the body with
// the holes filled), then the sections, with the text and data bytes as `holes`.
Bytes BuildPayload(const Artifact& a, const WriteOptions& options, std::vector<Hole>* holes,
                   TableBuffers* tables) {
  EGRET_CHECK(options.data_bytes.empty() || options.data_bytes.size() == a.data.size());
  auto data_bytes = [&](size_t i) -> std::span<const uint8_t> {
    return options.data_bytes.empty() ? std::span<const uint8_t>(a.data[i].bytes)
                                      : options.data_bytes[i];
  };
  Bytes payload(kHeaderSize);
  {
    // The small sections fit in the slack or grow the vector once.
    // (The table sections are holes, not payload bytes.)
    size_t estimate = kHeaderSize + 16 * a.data.size() + (size_t{1} << 16);
    payload.reserve(estimate);
  }
  size_t hole_bytes = 0;  // the payload's file offset is payload.size() + hole_bytes
  auto hole = [&](std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    holes->push_back({payload.size(), bytes});
    hole_bytes += bytes.size();
  };
  Bytes s;
  auto flush = [&](SectionId id) {
    PutSection(payload, id, s);
    s.clear();
  };
  auto counted = [&](size_t n) { return n != 0 ? (PutCount(s, n), true) : false; };
  // Table section `id` of `count` entries (none: no section) in a buffer of `room` bytes, enough
  // for every entry's longest encoding; put(p) writes the entries from p and returns their end.
  // The payload gets the section's id, size and count; the entries go in as a hole.
  auto table = [&](SectionId id, size_t count, size_t room, auto&& put) {
    if (count == 0) return;
    std::unique_ptr<uint8_t[]> buffer(new uint8_t[room]);  // not zero-filled
    const size_t n = static_cast<size_t>(put(buffer.get()) - buffer.get());
    EGRET_CHECK(n <= room);
    uint8_t count_bytes[kMaxLeb32];
    const size_t c = static_cast<size_t>(PutLeb32(count_bytes, uint32_t(count)) - count_bytes);
    PutU8(payload, uint8_t(id));
    PutCount(payload, c + n);
    payload.insert(payload.end(), count_bytes, count_bytes + c);
    hole(std::span<const uint8_t>(buffer.get(), n));
    tables->push_back(std::move(buffer));
  };
  // The same for `count` entries of at most `max_entry` bytes each: put(p, k) writes entry k.
  auto entries = [&](SectionId id, size_t count, size_t max_entry, auto&& put) {
    table(id, count, count * max_entry, [&](uint8_t* p) {
      for (size_t k = 0; k < count; ++k) p = put(p, k);
      return p;
    });
  };

  if (counted(a.types.size())) {
    for (const FuncType& t : a.types) {
      PutCount(s, t.params.size());
      for (ValType v : t.params) PutU8(s, uint8_t(v));
      PutCount(s, t.results.size());
      for (ValType v : t.results) PutU8(s, uint8_t(v));
    }
  }
  flush(SectionId::kTypes);

  if (counted(a.imports.size())) {
    for (const Import& im : a.imports) {
      PutString(s, im.module);
      PutString(s, im.name);
      PutU8(s, uint8_t(im.kind));
      switch (im.kind) {
        case ExternKind::kFunc:
          WriteU32(s, im.type_index);
          break;
        case ExternKind::kTable:
          PutTableType(s, im.table);
          break;
        case ExternKind::kMemory:
          PutMemoryType(s, im.memory);
          break;
        case ExternKind::kGlobal:
          PutGlobalType(s, im.global);
          break;
      }
    }
  }
  flush(SectionId::kImports);

  // Version 2: a padding section in front puts the text section's contents at an aligned file
  // offset (header + padding + types + imports + text's id and size prefix). `payload` already
  // holds the header's kHeaderSize placeholder bytes, so its size is the file offset.
  if (!a.text.empty()) {
    const uint64_t align =
        a.target == Target::kAarch64 ? kTextAlignmentAarch64 : kTextAlignmentX86_64;
    Bytes text_prefix;
    PutCount(text_prefix, a.text.size());
    const uint64_t before = payload.size() + hole_bytes + 1 + text_prefix.size();
    // The padding section is `0 size:uleb32 zeros[size]`; the width of `size` depends on size.
    for (uint64_t width = 1; width <= 5; ++width) {
      const uint64_t pad = (align - (before + 1 + width) % align) % align;
      Bytes size_bytes;
      PutCount(size_bytes, pad);
      if (size_bytes.size() != width) continue;
      Bytes padded;
      padded.push_back(uint8_t(SectionId::kPadding));
      padded.insert(padded.end(), size_bytes.begin(), size_bytes.end());
      padded.resize(padded.size() + pad, 0);
      payload.insert(payload.begin() + kHeaderSize, padded.begin(), padded.end());
      break;
    }
    // The text section without a scratch copy. (The padding went in before any hole.)
    EGRET_CHECK(holes->empty());
    PutU8(payload, uint8_t(SectionId::kText));
    payload.insert(payload.end(), text_prefix.begin(), text_prefix.end());
    hole(a.text);
  }

  entries(SectionId::kFunctions, a.functions.size(), 5 * kMaxLeb32, [&](uint8_t* p, size_t k) {
    const Function& f = a.functions[k];
    p = PutLeb32(p, f.type_index);
    p = PutLeb32(PutLeb32(p, f.body.offset), f.body.size);
    return PutLeb32(PutLeb32(p, f.array_call.offset), f.array_call.size);
  });

  if (counted(a.wasm_to_array.size())) {
    for (const WasmToArrayTrampoline& t : a.wasm_to_array) {
      WriteU32(s, t.type_index);
      PutRange(s, t.code);
    }
  }
  flush(SectionId::kWasmToArray);

  if (counted(a.tables.size()))
    for (const TableType& t : a.tables) PutTableType(s, t);
  flush(SectionId::kTables);

  if (counted(a.memories.size()))
    for (const MemoryType& m : a.memories) PutMemoryType(s, m);
  flush(SectionId::kMemories);

  if (counted(a.globals.size())) {
    for (const Global& g : a.globals) {
      PutGlobalType(s, g.type);
      PutConstExpr(s, g.init);
    }
  }
  flush(SectionId::kGlobals);

  if (counted(a.exports.size())) {
    for (const Export& e : a.exports) {
      PutString(s, e.name);
      PutU8(s, uint8_t(e.kind));
      WriteU32(s, e.index);
    }
  }
  flush(SectionId::kExports);

  if (a.start) WriteU32(s, *a.start);
  flush(SectionId::kStart);

  if (counted(a.elements.size())) {
    for (const ElementSegment& e : a.elements) {
      PutU8(s, uint8_t(e.mode));
      if (e.mode == SegmentMode::kActive) {
        WriteU32(s, e.table_index);
        PutConstExpr(s, e.offset);
      }
      PutU8(s, uint8_t(e.elem_type));
      PutCount(s, e.items.size());
      for (const ConstExpr& item : e.items) PutConstExpr(s, item);
    }
  }
  flush(SectionId::kElements);

  if (!a.data.empty()) {  // straight into the output: the size is known beforehand
    Bytes count;
    PutCount(count, a.data.size());
    size_t size = count.size();
    for (size_t i = 0; i < a.data.size(); ++i)
      size += DataSegmentHeaderSize(a.data[i], data_bytes(i).size()) + data_bytes(i).size();
    PutU8(payload, uint8_t(SectionId::kData));
    PutCount(payload, size);
    const size_t start = payload.size() + hole_bytes;
    payload.insert(payload.end(), count.begin(), count.end());
    for (size_t i = 0; i < a.data.size(); ++i) {
      const DataSegment& d = a.data[i];
      PutU8(payload, uint8_t(d.mode));
      if (d.mode == SegmentMode::kActive) {
        WriteU32(payload, d.memory_index);
        PutConstExpr(payload, d.offset);
      }
      PutCount(payload, data_bytes(i).size());
      hole(data_bytes(i));
    }
    EGRET_CHECK(payload.size() + hole_bytes - start == size);
  }

  entries(SectionId::kTraps, a.traps.size(), kMaxLeb32 + 1, [&](uint8_t* p, size_t k) {
    p = PutLeb32(p, a.traps[k].offset);
    *p++ = uint8_t(a.traps[k].code);
    return p;
  });

  entries(SectionId::kRelocations, a.relocations.size(), 2 * kMaxLeb32 + 1,
          [&](uint8_t* p, size_t k) {
            const Relocation& r = a.relocations[k];
            p = PutLeb32(p, r.offset);
            *p++ = uint8_t(r.kind);
            return PutLeb32(p, r.target);
          });

  entries(SectionId::kSourceLocs, a.source_locs.size(), 2 * kMaxLeb32, [&](uint8_t* p, size_t k) {
    return PutLeb32(PutLeb32(p, a.source_locs[k].text_offset), a.source_locs[k].wasm_offset);
  });

  if (!a.module_name.empty() || !a.function_names.empty()) {
    PutString(s, a.module_name);
    PutCount(s, a.function_names.size());
    for (const FunctionName& n : a.function_names) {
      WriteU32(s, n.func_index);
      PutString(s, n.name);
    }
  }
  flush(SectionId::kNames);

  // Stack maps: per map the offset delta from the previous map, the frame size in 8-byte words,
  // the slot count, then each slot as the delta from the previous one (the first from -1), so
  // the common maps cost a few bytes.
  // (One call site per map: a table section, its room the longest encoding of every map.)
  {
    size_t room = 3 * kMaxLeb32 * a.stack_maps.size();
    for (const StackMap& m : a.stack_maps) room += kMaxLeb32 * m.num_slots;
    table(SectionId::kStackMaps, a.stack_maps.size(), room, [&](uint8_t* p) {
      uint32_t prev = 0;
      for (const StackMap& m : a.stack_maps) {
        EGRET_CHECK(m.offset >= prev && m.frame_size % 8 == 0);
        p = PutLeb32(p, m.offset - prev);
        prev = m.offset;
        p = PutLeb32(PutLeb32(p, m.frame_size / 8), m.num_slots);
        uint32_t last = UINT32_MAX;
        for (uint32_t k = 0; k < m.num_slots; ++k) {
          const uint32_t slot = a.stack_map_slots[m.first_slot + k];
          p = PutLeb32(p, slot - last - 1);
          last = slot;
        }
      }
      return p;
    });
  }

  // Frame ranges: per range the gap from the previous range's end (the first from 0), the size,
  // and the kind byte: three bytes for most. (Unsorted ranges are written as they are, the gap
  // wrapping: the reader rejects them.)
  uint32_t prev_end = 0;
  entries(SectionId::kFrameRanges, a.frame_ranges.size(), 2 * kMaxLeb32 + 1,
          [&](uint8_t* p, size_t k) {
            const FrameRange& r = a.frame_ranges[k];
            p = PutLeb32(PutLeb32(p, r.offset - prev_end), r.size);
            *p++ = uint8_t(r.kind);
            prev_end = r.offset + r.size;
            return p;
          });

  // Header fields are written in place (an insert into a reserved vector trips a false
  // -Wstringop-overflow in g++-12 -O3), over the body with its holes filled in.
  Checksum64Stream sum(kFormatVersion);
  size_t at = kHeaderSize;
  for (const Hole& h : *holes) {
    sum.Update(std::span<const uint8_t>(payload.data() + at, h.at - at));
    sum.Update(h.bytes);
    at = h.at;
  }
  sum.Update(std::span<const uint8_t>(payload.data() + at, payload.size() - at));
  Bytes header;
  PutFixed32(header, kFormatVersion);
  PutFixed32(header, uint32_t(a.target));
  PutFixed64(header, payload.size() - kHeaderSize + hole_bytes);
  PutFixed64(header, sum.Finish());
  std::memcpy(payload.data(), kMagic, sizeof kMagic);
  std::memcpy(payload.data() + sizeof kMagic, header.data(), header.size());
  return payload;
}

// Calls sink(piece) for the payload with its holes filled, in order; stops at the first false.
template <class Sink>
bool Emit(const Bytes& payload, const std::vector<Hole>& holes, Sink&& sink) {
  size_t at = 0;
  for (const Hole& h : holes) {
    if (h.at > at && !sink(std::span<const uint8_t>(payload.data() + at, h.at - at))) return false;
    if (!sink(h.bytes)) return false;
    at = h.at;
  }
  return at == payload.size() ||
         sink(std::span<const uint8_t>(payload.data() + at, payload.size() - at));
}

}  // namespace

std::vector<uint8_t> WriteArtifact(const Artifact& a, const WriteOptions& options) {
  std::vector<Hole> holes;
  TableBuffers tables;
  const Bytes payload = BuildPayload(a, options, &holes, &tables);
  size_t size = payload.size();
  for (const Hole& h : holes) size += h.bytes.size();
  Bytes out;
  out.reserve(size);
  Emit(payload, holes, [&](std::span<const uint8_t> piece) {
    out.insert(out.end(), piece.begin(), piece.end());
    return true;
  });
  return out;
}

bool WriteArtifact(const Artifact& a, const WriteOptions& options,
                   const std::function<bool(std::span<const uint8_t>)>& sink) {
  std::vector<Hole> holes;
  TableBuffers tables;
  const Bytes payload = BuildPayload(a, options, &holes, &tables);
  return Emit(payload, holes, sink);
}

}  // namespace egret::artifact
