// artifact_fuzz.cc: libFuzzer target over ReadArtifact.
//
// The checksum would stop almost every mutation at the header, so the input is read twice: as
// is, and with checksum verification off so mutations reach the section parsers. Properties
// checked beyond "no crash, no sanitizer report":
//   - whatever is accepted re-encodes to an artifact that reads back equal (the writer and the
//     reader agree on every field);
//   - its layout holds, checked here by brute force independently of the reader's sorted walk:
//     code ranges pairwise disjoint (an array_call may only coincide with its own body), every
//     trap entry and source location inside a range, every relocation inside one range;
//   - the runtime's queries (trap lookup, PC → function, names, VMOffsets) are safe on it;
//   - it loads and instantiates (imports satisfied by host objects of the right type, the start
//     function dropped since its code is arbitrary bytes), or fails with an Error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "artifact/artifact.h"
#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "artifact/vmoffsets.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

// The reader's layout invariants (artifact.h), restated pairwise. Quadratic, so only on the
// small artifacts a fuzzer produces.
void CheckLayout(const egret::artifact::Artifact& a) {
  using egret::artifact::CodeRange;
  std::vector<CodeRange> ranges;
  for (const egret::artifact::Function& f : a.functions) {
    ranges.push_back(f.body);
    if (!f.array_call.empty() && !(f.array_call == f.body)) ranges.push_back(f.array_call);
  }
  for (const egret::artifact::WasmToArrayTrampoline& t : a.wasm_to_array) ranges.push_back(t.code);
  if (ranges.size() > 256) return;
  for (size_t i = 0; i < ranges.size(); ++i) {
    Check(!ranges[i].empty() && ranges[i].end() <= a.text.size());
    for (size_t j = i + 1; j < ranges.size(); ++j)
      Check(ranges[i].end() <= ranges[j].offset || ranges[j].end() <= ranges[i].offset);
  }
  auto inside = [&](uint64_t begin, uint64_t end) {
    for (const CodeRange& r : ranges)
      if (begin >= r.offset && end <= r.end()) return true;
    return false;
  };
  for (size_t i = 0; i < a.traps.size() && i < 256; ++i)
    Check(inside(a.traps[i].offset, a.traps[i].offset + uint64_t{1}));
  for (size_t i = 0; i < a.source_locs.size() && i < 256; ++i)
    Check(inside(a.source_locs[i].text_offset, a.source_locs[i].text_offset + uint64_t{1}));
  for (size_t i = 0; i < a.relocations.size() && i < 256; ++i)
    Check(inside(a.relocations[i].offset, a.relocations[i].offset + uint64_t{8}));
}

void Exercise(const egret::artifact::Artifact& a) {
  using egret::artifact::Artifact;
  CheckLayout(a);
  auto again = egret::artifact::ReadArtifact(egret::artifact::WriteArtifact(a));
  Check(again.ok());
  Check(*again == a);
  for (uint32_t off = 0; off < a.text.size() && off < 256; ++off) {
    (void)a.LookupTrap(off);
    if (auto f = a.FunctionAt(off)) {
      Check(*f < a.functions.size());
      const uint32_t index = a.NumImported(egret::artifact::ExternKind::kFunc) + *f;
      (void)a.FunctionNameOf(index);
      Check(a.FunctionType(index) != nullptr);
    }
  }
  auto offsets = egret::artifact::VMOffsets::Compute(a);
  if (offsets.ok()) Check(offsets->size() >= 64);
}

void Instantiate(egret::artifact::Artifact a) {
  using namespace egret::runtime;
  using egret::artifact::ExternKind;
  if (a.target != egret::artifact::Target::kX86_64) return;
  a.start.reset();
  // Small caps keep each run cheap: a fuzzed minimum of 2^32-1 elements must fail, not allocate.
  EngineConfig config;
  config.max_table_elements = 1024;
  config.memory.max_pages_cap = 16;
  static Engine* engine = new Engine(config);
  Store store(*engine);
  std::vector<Extern> imports;
  for (const egret::artifact::Import& im : a.imports) {
    switch (im.kind) {
      case ExternKind::kFunc:
        imports.push_back(Extern::Of(store.NewHostFunc(
            a.types[im.type_index], [](std::span<ValRaw>) { return std::nullopt; })));
        break;
      case ExternKind::kTable: {
        auto t = store.NewTable(im.table);
        if (!t.ok()) return;
        imports.push_back(Extern::Of(*t));
        break;
      }
      case ExternKind::kMemory: {
        auto m = store.NewMemory(im.memory);
        if (!m.ok()) return;
        imports.push_back(Extern::Of(*m));
        break;
      }
      case ExternKind::kGlobal:
        imports.push_back(Extern::Of(store.NewGlobal(im.global, Val::Default(im.global.type))));
        break;
    }
  }
  auto module = Module::FromArtifact(*engine, std::move(a));
  if (!module.ok()) return;
  auto instance = Instance::Instantiate(store, *module, imports);
  if (!instance.ok()) return;
  for (const egret::artifact::Export& e : (*module)->artifact().exports)
    Check((*instance)->GetExport(e.name).has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  auto checked = egret::artifact::ReadArtifact(bytes);
  if (checked.ok()) Exercise(*checked);
  egret::artifact::ReadOptions options;
  options.verify_checksum = false;
  auto unchecked = egret::artifact::ReadArtifact(bytes, options);
  if (checked.ok()) Check(unchecked.ok());
  if (unchecked.ok()) {
    Exercise(*unchecked);
    Instantiate(std::move(*unchecked));
  }
  return 0;
}
