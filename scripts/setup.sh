#!/usr/bin/env bash
# setup.sh: install what egret needs on a Debian (bookworm) machine. Idempotent: a package is
# installed only when dpkg says it is missing, so a second run makes no apt calls at all.
set -euo pipefail

APT_OPTS=(-y -o DPkg::Lock::Timeout=600 --no-install-recommends)
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Native toolchain, libraries, test tools.
PKGS=(
  cmake ninja-build g++ make ccache pkg-config python3 nodejs
  clang-14 lld-14 clang-format clang-tidy libclang-rt-14-dev
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev libcapstone-dev nlohmann-json3-dev libxxhash-dev
  graphviz llvm-14-tools wabt binaryen valgrind gnuplot-nox linux-perf gdb
  qemu-user g++-aarch64-linux-gnu
  bazel-bootstrap bazel-rules-java
)
# arm64 multiarch -dev packages for the cross-built runtime under qemu-aarch64.
ARM64_PKGS=(libc6-dev:arm64 libstdc++-12-dev:arm64 libabsl-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
            libcapstone-dev:arm64)

missing=()
for p in "${PKGS[@]}" "${ARM64_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]}+${#ARM64_PKGS[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -o DPkg::Lock::Timeout=600 -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install "${APT_OPTS[@]}" "${missing[@]}"
echo "setup: done"
