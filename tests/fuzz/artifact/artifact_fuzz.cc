// artifact_fuzz.cc: libFuzzer target over ReadArtifact.
//
// The checksum would stop almost every mutation at the header, so the input is read twice: as
// is, and with checksum verification off so mutations reach the section parsers. Properties
// checked beyond "no crash, no sanitizer report":
//   - whatever is accepted re-encodes to an artifact that reads back equal (the writer and the
//     reader agree on every field);
//   - the runtime's queries (trap lookup, PC → function, names, VMOffsets) are safe on it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "artifact/artifact.h"
#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "artifact/vmoffsets.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

void Exercise(const egret::artifact::Artifact& a) {
  using egret::artifact::Artifact;
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  auto checked = egret::artifact::ReadArtifact(bytes);
  if (checked.ok()) Exercise(*checked);
  egret::artifact::ReadOptions options;
  options.verify_checksum = false;
  auto unchecked = egret::artifact::ReadArtifact(bytes, options);
  if (unchecked.ok()) Exercise(*unchecked);
  if (checked.ok()) Check(unchecked.ok());
  return 0;
}
