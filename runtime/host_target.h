// host_target.h: the artifact target this runtime executes, chosen when egret is compiled.
//
// An artifact records the architecture its code was compiled for (artifact/format.h, header
// flags bits 0-7). Module::FromArtifact refuses any other, naming both, so x86-64 code is never
// jumped to on aarch64 or the reverse. A cross-compiling egret (compile --target=...) may write
// artifacts for either target; only running them is tied to the host.
#ifndef EGRET_RUNTIME_HOST_TARGET_H_
#define EGRET_RUNTIME_HOST_TARGET_H_

#include "artifact/artifact.h"

namespace egret::runtime {

constexpr artifact::Target HostTarget() {
#if defined(__x86_64__)
  return artifact::Target::kX86_64;
#elif defined(__aarch64__)
  return artifact::Target::kAarch64;
#else
#error "runtime: supports x86-64 and aarch64 hosts only"
#endif
}

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_HOST_TARGET_H_
