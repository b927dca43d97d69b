#!/usr/bin/env bash
# callgrind.sh: instruction counts (Ir) that do not depend on the machine's noise.
#
# Wall-clock figures on a shared 2-core machine move by 5-30 % from run to run; the number of
# instructions executed moves by well under 0.1 %, so a change's effect on compile or run time
# shows up here even when the timings cannot see it. For each program of ../shared/bench/programs:
#   compile   `egret compile --jobs=1 NAME.wasm -o /dev/null` (whole process: decode, validate,
#             translate, lower, regalloc, emit, link, artifact write)
#   run       `egret run NAME.wasm N` at N = BENCH_SMALL_N (compile + instantiate + kernel)
# and prints a markdown table of Ir in millions. Use a Release build (Debug counts the regalloc
# checker and assertions): EGRET=build-rel/bin/egret bench/callgrind.sh.
#
#   bench/callgrind.sh                     every program, compile and run
#   bench/callgrind.sh --compile-only fib  one program, compile only
#   bench/callgrind.sh --regalloc=linear   pass an allocator to both commands
# Environment: EGRET (default build/bin/egret), EGRET_BENCH_DIR (default ../shared/bench).
# Compare two commits: run it on each build and diff the tables.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EGRET=${EGRET:-$ROOT/build/bin/egret}
BENCH=${EGRET_BENCH_DIR:-$(cd "$ROOT/.." && pwd)/shared/bench}
PROGS=$BENCH/programs
compile_only=0
extra=()
names=()
for a in "$@"; do
  case "$a" in
    --compile-only) compile_only=1 ;;
    --regalloc=*) extra+=("$a") ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) names+=("$a") ;;
  esac
done
command -v valgrind >/dev/null || { echo "callgrind.sh: install valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -x "$EGRET" ] || { echo "callgrind.sh: no egret at $EGRET (make build, or set EGRET=)" >&2; exit 2; }
if [ ${#names[@]} -eq 0 ]; then
  for f in "$PROGS"/*.wasm; do names+=("$(basename "$f" .wasm)"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Ir of one command (callgrind's "summary:" line), or "fail".
ir() {
  local out=$tmp/cg.out
  if valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"; then
    awk '/^summary:/ {print $2}' "$out"
  else
    echo fail
  fi
}
mil() { [ "$1" = fail ] && echo fail || awk -v v="$1" 'BEGIN {printf "%.1f", v / 1e6}'; }

echo "| program | wasm KB | compile Mi Ir | Ir per wasm byte |$([ $compile_only = 1 ] || echo ' run (small n) Mi Ir |')"
echo "|---|---:|---:|---:|$([ $compile_only = 1 ] || echo '---:|')"
for n in "${names[@]}"; do
  wasm=$PROGS/$n.wasm
  bytes=$(stat -c %s "$wasm")
  c=$(ir "$EGRET" compile --jobs=1 "${extra[@]}" "$wasm" -o /dev/null)
  per=$([ "$c" = fail ] && echo - || awk -v c="$c" -v b="$bytes" 'BEGIN {printf "%.0f", c / b}')
  line="| $n | $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e3}') | $(mil "$c") | $per |"
  if [ $compile_only = 0 ]; then
    small=$(sed -n 's/^#define[[:space:]]*BENCH_SMALL_N[[:space:]]*(\{0,1\}\([0-9]*\).*/\1/p' "$PROGS/$n.c" | head -1)
    r=$(ir "$EGRET" run "${extra[@]}" "$wasm" $small)
    line="$line $(mil "$r") |"
  fi
  echo "$line"
done
