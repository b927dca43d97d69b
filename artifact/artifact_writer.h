// artifact_writer.h: serializes an Artifact to bytes (see format.h for the layout).
//
// The writer does not validate: it faithfully encodes whatever it is given, so tests can produce
// well-checksummed but semantically broken files for the reader to reject. The compiler should
// round-trip through ReadArtifact in debug builds to catch its own mistakes.
#ifndef EGRET_ARTIFACT_ARTIFACT_WRITER_H_
#define EGRET_ARTIFACT_ARTIFACT_WRITER_H_

#include <cstdint>
#include <vector>

#include "artifact/artifact.h"

namespace egret::artifact {

std::vector<uint8_t> WriteArtifact(const Artifact& artifact);

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_ARTIFACT_WRITER_H_
