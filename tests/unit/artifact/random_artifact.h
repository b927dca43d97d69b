// random_artifact.h: builds valid random artifacts for round-trip and corruption tests.
//
// Every artifact it returns satisfies the invariants ReadArtifact enforces (artifact.h), so a
// write→read round trip must reproduce it exactly. Sizes stay small so that byte-by-byte
// corruption loops over them remain fast under ASan.
#ifndef EGRET_TESTS_UNIT_ARTIFACT_RANDOM_ARTIFACT_H_
#define EGRET_TESTS_UNIT_ARTIFACT_RANDOM_ARTIFACT_H_

#include <cstdint>
#include <random>

#include "artifact/artifact.h"

namespace egret::artifact::testing {

Artifact RandomArtifact(std::mt19937& rng, int scale = 4);

// A small hand-written artifact exercising every section (used by corruption tests).
Artifact SmallArtifact();

}  // namespace egret::artifact::testing

#endif  // EGRET_TESTS_UNIT_ARTIFACT_RANDOM_ARTIFACT_H_
