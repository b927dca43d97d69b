#!/usr/bin/env bash
# coverage.sh: source-line coverage of the compiler from replaying the checked-in fuzz corpora.
#
#   tests/fuzz/coverage.sh [--build=DIR] [--targets=a,b] [--json=FILE] [EXTRA_INPUT_DIR...]
#
# Configures DIR (default build-cov/, or $EGRET_COV_BUILD_DIR) with clang-14 and LLVM's
# source-based coverage (-fprofile-instr-generate -fcoverage-mapping, -O1, no sanitizers, no
# libFuzzer), builds each target's corpus replay (<target>_fuzz_replay, the same binaries the
# ctests run), replays tests/fuzz/<target>/corpus (plus any EXTRA_INPUT_DIR, given to every
# target) with one raw profile per process, merges them with llvm-profdata-14 and prints, per
# folder of the repository, lines covered / total for each target and for all of them together
# (llvm-cov-14 export, summed by tests/fuzz/coverage.py). --json keeps the combined llvm-cov
# export for a closer look (`llvm-cov-14 show` works on DIR too; the command is printed).
#
# Not part of CI: the instrumented build takes ~15 minutes on two cores. Every source file
# linked into a replay counts, including lines only other entry points reach (tools/, the
# --emit printers), so the totals are those of the folders as linked, not of the whole tree.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${EGRET_COV_BUILD_DIR:-$root/build-cov}" targets="differential,ir,frontend,artifact,text"
json="" extra=()
for arg in "$@"; do
  case "$arg" in
    --build=*) build="${arg#*=}" ;;
    --targets=*) targets="${arg#*=}" ;;
    --json=*) json="${arg#*=}" ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "coverage.sh: error: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    *) extra+=("$arg") ;;
  esac
done
for tool in clang++-14 llvm-profdata-14 llvm-cov-14; do
  command -v "$tool" >/dev/null || { echo "coverage.sh: error: $tool not found" >&2; exit 1; }
done
if [ ! -f "$build/build.ninja" ]; then
  flags="-fprofile-instr-generate -fcoverage-mapping"
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" -DEGRET_BENCH=OFF >/dev/null
fi
bins=()
for t in ${targets//,/ }; do bins+=("${t}_fuzz_replay"); done
ninja -C "$build" -j"${EGRET_JOBS:-2}" "${bins[@]}" >"$build/coverage-build.log" 2>&1 || {
  echo "coverage.sh: build failed:"; grep -m20 -E 'error|FAILED' "$build/coverage-build.log"; exit 1; }
prof="$build/coverage"
rm -rf "$prof" && mkdir -p "$prof"
objects=() exports=()
for t in ${targets//,/ }; do
  mkdir -p "$prof/$t"
  start=$(date +%s.%N)
  LLVM_PROFILE_FILE="$prof/$t/%p.profraw" "$build/bin/${t}_fuzz_replay" "$here/$t/corpus" \
    ${extra[@]+"${extra[@]}"} >"$prof/$t/replay.log" 2>&1 || {
    echo "coverage.sh: the $t replay failed:"; tail -n 20 "$prof/$t/replay.log"; exit 1; }
  end=$(date +%s.%N)
  llvm-profdata-14 merge -sparse -o "$prof/$t.profdata" "$prof/$t"/*.profraw
  llvm-cov-14 export -summary-only -instr-profile="$prof/$t.profdata" "$build/bin/${t}_fuzz_replay" \
    >"$prof/$t.json"
  inputs=$(find "$here/$t/corpus" ${extra[@]+"${extra[@]}"} -type f | wc -l)
  awk -v t="$t" -v n="$inputs" -v s="$start" -v e="$end" \
    'BEGIN { printf "coverage.sh: %s: %d inputs replayed in %.1f s (instrumented)\n", t, n, e - s }' 
  objects+=(-object "$build/bin/${t}_fuzz_replay")
  exports+=("$t=$prof/$t.json")
done
llvm-profdata-14 merge -sparse -o "$prof/all.profdata" "$prof"/*.profdata
# The first -object is the positional binary.
llvm-cov-14 export -summary-only -instr-profile="$prof/all.profdata" "${objects[@]:1}" \
  >"$prof/all.json"
[ -n "$json" ] && cp "$prof/all.json" "$json"
echo
python3 "$here/coverage.py" "${exports[@]}" "all=$prof/all.json"
echo
echo "line by line: llvm-cov-14 show -instr-profile=$prof/all.profdata ${objects[*]:1} SOURCE.cc"
