#!/usr/bin/env bash
# run.sh: build (if needed) and run one libFuzzer target for a given time.
#
#   tests/fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# TARGET is a folder of tests/fuzz/ (frontend, artifact, ...); its binary is <TARGET>_fuzz. The
# build uses clang-14 with ASan+UBSan in $EGRET_FUZZ_BUILD_DIR (default: build-fuzz). New inputs
# go to a scratch corpus under the build folder, seeded from the checked-in corpus
# (tests/fuzz/TARGET/corpus), which is never written. Crashes are saved as
# <build>/fuzz/TARGET/crash-*; the exit status is libFuzzer's (0 when nothing was found).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ $# -lt 2 ]; then sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
target="$1"; seconds="$2"; shift 2
[ -d "$here/$target" ] || { echo "run.sh: error: no fuzz target folder tests/fuzz/$target" >&2; exit 2; }
build="${EGRET_FUZZ_BUILD_DIR:-$root/build-fuzz}"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DEGRET_SANITIZE=ON -DEGRET_FUZZ=ON -DEGRET_BENCH=OFF >/dev/null
fi
ninja -C "$build" -j"${EGRET_JOBS:-2}" "${target}_fuzz" >/dev/null
work="$build/fuzz/$target"
mkdir -p "$work/corpus"
cd "$work"
exec "$build/bin/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$@" "$work/corpus" "$here/$target/corpus"
