// artifact_writer.h: serializes an Artifact to bytes (see format.h for the layout).
//
// The writer does not validate: it faithfully encodes whatever it is given, so tests can produce
// well-checksummed but semantically broken files for the reader to reject. The compiler should
// round-trip through ReadArtifact in debug builds to catch its own mistakes.
#ifndef EGRET_ARTIFACT_ARTIFACT_WRITER_H_
#define EGRET_ARTIFACT_ARTIFACT_WRITER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "artifact/artifact.h"

namespace egret::artifact {

struct WriteOptions {
  // Empty, or one span per data segment: segment i's bytes are data_bytes[i] and
  // artifact.data[i].bytes is ignored, so a compiler can write the segments straight from the
  // module's bytes without copying them into the Artifact (compiler::CompileOptions::
  // copy_data_segments). The output is the same as with the bytes in the Artifact.
  std::vector<std::span<const uint8_t>> data_bytes;
};

std::vector<uint8_t> WriteArtifact(const Artifact& artifact, const WriteOptions& options = {});

// The same bytes, given to `sink` in pieces, in order, without ever holding the whole artifact
// in memory (the text and data bytes are passed from where they are). Stops at, and returns
// false on, the first piece the sink refuses.
bool WriteArtifact(const Artifact& artifact, const WriteOptions& options,
                   const std::function<bool(std::span<const uint8_t>)>& sink);

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_ARTIFACT_WRITER_H_
