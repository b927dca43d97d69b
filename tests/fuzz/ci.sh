#!/usr/bin/env bash
# ci.sh: the fuzzing stop of CI. Every libFuzzer target runs from its checked-in corpus for a
# fixed time, then a fixed-seed slice of the binaryen campaign runs.
#
#   tests/fuzz/ci.sh [--seconds=N] [--fuzz-seed=N] [--seed=N] [--count=N] [--jobs=N]
#                    [--targets=a,b]
#
# --seconds   per libFuzzer target (default 60), through tests/fuzz/run.sh, in
#             $EGRET_FUZZ_BUILD_DIR (default build-fuzz: clang-14, ASan+UBSan)
# --fuzz-seed libFuzzer's -seed for every target (default 0: libFuzzer picks one). A fixed seed
#             makes a CI run replayable: the same inputs in the same order, cut by the time.
# --seed, --count, --jobs   the differential.sh slice (default seed 1, 50 modules, 2 jobs),
#             with egret_fuzz_exec from the same sanitizer build; --count=0 skips it
# --targets   only these targets (default: every tests/fuzz folder that builds a <name>_fuzz)
#
# Prints one line per target (`fuzz TARGET: ok, N runs, X exec/s` or `fuzz TARGET: FAILED ...`)
# and differential.sh's `differential: N passed, N failed`. Exit status: 0 if nothing failed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds=60 fuzz_seed=0 seed=1 count=50 jobs=2 targets=""
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds="${arg#*=}" ;;
    --fuzz-seed=*) fuzz_seed="${arg#*=}" ;;
    --seed=*) seed="${arg#*=}" ;;
    --count=*) count="${arg#*=}" ;;
    --jobs=*) jobs="${arg#*=}" ;;
    --targets=*) targets="${arg#*=}" ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ci.sh: error: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
build="${EGRET_FUZZ_BUILD_DIR:-$root/build-fuzz}"
export EGRET_FUZZ_BUILD_DIR="$build"
if [ -z "$targets" ]; then
  for dir in "$here"/*/; do
    name="$(basename "$dir")"
    grep -q "add_executable(${name}_fuzz " "$dir/CMakeLists.txt" 2>/dev/null && targets="$targets,$name"
  done
fi
# Configure and build up front, so a build failure shows its errors (run.sh hides ninja's output).
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DEGRET_SANITIZE=ON -DEGRET_FUZZ=ON -DEGRET_BENCH=OFF >/dev/null || exit 1
fi
build_targets=""
for t in ${targets//,/ }; do build_targets="$build_targets ${t}_fuzz"; done
[ "$count" != 0 ] && build_targets="$build_targets egret_fuzz_exec"
# The build log lives in the build folder: two checkouts fuzzing at once must not share one.
build_log="$build/fuzz-ci-build.log"
# shellcheck disable=SC2086
ninja -C "$build" -j"${EGRET_JOBS:-2}" $build_targets >"$build_log" 2>&1 || {
  echo "ci.sh: build failed (log: $build_log):"; grep -m20 -E 'error|FAILED' "$build_log"; exit 1; }
status=0
for t in ${targets//,/ }; do
  log="$(mktemp /tmp/egret-fuzz-ci.XXXXXX)"
  if "$here/run.sh" "$t" "$seconds" -seed="$fuzz_seed" >"$log" 2>&1; then
    runs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -a 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    echo "fuzz $t: ok, ${runs:-?} runs, ${rate:-?} exec/s"
    rm -f "$log"
  else
    echo "fuzz $t: FAILED, see $log and $build/fuzz/$t/crash-*"
    grep -a -m5 -E 'ERROR|mismatch|error' "$log" | sed 's/^/  /'
    status=1
  fi
done
if [ "$count" != 0 ]; then
  "$here/differential.sh" --seed="$seed" --count="$count" --jobs="$jobs" \
    --exec="$build/bin/egret_fuzz_exec" || status=1
fi
exit $status
