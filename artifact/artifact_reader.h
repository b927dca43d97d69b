// artifact_reader.h: parses and validates a serialized artifact.
//
// ReadArtifact checks the header (magic, version, target, size, checksum) and then every field:
// lengths against the remaining bytes, code ranges against the text section and against each
// other, trap/relocation/source-location offsets against the code ranges, sort orders, index
// ranges and constant-expression types (artifact.h lists the invariants a returned Artifact
// satisfies). Any violation returns an Error whose offset is the absolute byte offset of the
// offending field; nothing in a malformed input can make it crash, allocate unboundedly (every
// count is bounded by the bytes that remain) or overflow. The checksum detects accidents, not
// attackers: a file's author can recompute it (docs/runtime.md, "Threat model").
#ifndef EGRET_ARTIFACT_ARTIFACT_READER_H_
#define EGRET_ARTIFACT_ARTIFACT_READER_H_

#include <cstdint>
#include <optional>
#include <span>

#include "artifact/artifact.h"
#include "support/error.h"

namespace egret::artifact {

struct ReadOptions {
  // Fuzzers turn this off to reach the structural checks behind it.
  bool verify_checksum = true;
  // The runtime sets the target it executes: an artifact for another one is refused right after
  // the header, with an error naming both, before any target-specific check (aarch64's
  // instruction alignment) could report something less helpful. Tools that only inspect leave
  // it unset and read either target.
  std::optional<Target> host_target;
  // Set: the text section is not copied into Artifact::text (which stays empty); instead
  // *borrowed_text is set to the section's contents inside the input bytes (empty if there is
  // none), which the caller maps or copies. Every check against the text's size still applies.
  std::span<const uint8_t>* borrowed_text = nullptr;
};

Expected<Artifact> ReadArtifact(std::span<const uint8_t> bytes, const ReadOptions& options = {});

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_ARTIFACT_READER_H_
