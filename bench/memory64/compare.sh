#!/usr/bin/env bash
# compare.sh: what memory64's explicit bounds checks cost, on the bench programs.
#
#   bench/memory64/compare.sh [--time] [PROGRAM...]      (default: every program)
#
# Each program of ../shared/bench/programs is rewritten onto an i64 memory by to_memory64.py (same
# computation; see its header) and both versions are measured:
#   Ir       instructions executed by the kernel under callgrind: `egret run NAME.wasm N` at
#            N = BENCH_SMALL_N minus `egret compile` of the same module (the run includes the
#            compilation), for memory32 and memory64, and their ratio. Stable to < 0.1 %.
#   --time   also kernel_seconds (the program's own CLOCK_MONOTONIC time of the kernel at its
#            default size), median of 3 runs of each version, interleaved so both see the same
#            machine load.
# Checksums of both versions must agree (the script stops otherwise). Environment: EGRET
# (default build/bin/egret), EGRET_BENCH_DIR (default ../shared/bench), OPT (egret's
# --opt-level, default speed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EGRET=${EGRET:-$ROOT/build/bin/egret}
BENCH=${EGRET_BENCH_DIR:-$(cd "$ROOT/.." && pwd)/shared/bench}
PROGS=$BENCH/programs
OPT=${OPT:-speed}
timed=0
names=()
for a in "$@"; do
  case "$a" in
    --time) timed=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) names+=("$a") ;;
  esac
done
command -v valgrind >/dev/null || { echo "compare.sh: install valgrind" >&2; exit 2; }
[ -x "$EGRET" ] || { echo "compare.sh: no egret at $EGRET (make build, or set EGRET=)" >&2; exit 2; }
if [ ${#names[@]} -eq 0 ]; then
  for f in "$PROGS"/*.wasm; do names+=("$(basename "$f" .wasm)"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ir() {  # Ir of one command
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >"$tmp/out" 2>"$tmp/err" ||
    { echo "compare.sh: failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
  awk '/^summary:/ {print $2}' "$tmp/cg.out"
}
checksum() { grep -o 'checksum=[0-9a-f]*' "$1"; }
seconds() { sed -n 's/^kernel_seconds=//p' "$1"; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

header="| program | memory32 kernel M Ir | memory64 kernel M Ir | memory64 / memory32 |"
rule="|---|---:|---:|---:|"
[ $timed = 1 ] && header="$header memory32 s | memory64 s | ratio |" && rule="$rule---:|---:|---:|"
echo "$header"
echo "$rule"
for n in "${names[@]}"; do
  m32=$PROGS/$n.wasm m64=$tmp/$n.m64.wasm
  python3 "$ROOT/bench/memory64/to_memory64.py" "$m32" "$m64"
  small=$(sed -n 's/^#define[[:space:]]*BENCH_SMALL_N[[:space:]]*(\{0,1\}\([0-9]*\).*/\1/p' "$PROGS/$n.c" | head -1)
  declare -A k=()
  for v in 32 64; do
    f=$m32; flags=(--opt-level="$OPT")
    [ $v = 64 ] && f=$m64 && flags+=(--wasm-features=+memory64)
    c=$(ir "$EGRET" compile --jobs=1 "${flags[@]}" "$f" -o /dev/null)
    r=$(ir "$EGRET" run --jobs=1 "${flags[@]}" "$f" "$small")
    checksum "$tmp/out" >"$tmp/sum$v"
    k[$v]=$((r - c))
  done
  cmp -s "$tmp/sum32" "$tmp/sum64" || { echo "compare.sh: $n: checksums differ" >&2; exit 1; }
  line="| $n | $(awk -v x="${k[32]}" 'BEGIN {printf "%.1f", x / 1e6}') |"
  line="$line $(awk -v x="${k[64]}" 'BEGIN {printf "%.1f", x / 1e6}') |"
  line="$line $(awk -v a="${k[32]}" -v b="${k[64]}" 'BEGIN {printf "%.2f", b / a}') |"
  if [ $timed = 1 ]; then
    t32=() t64=()
    for _ in 1 2 3; do
      "$EGRET" run --opt-level="$OPT" "$m32" >"$tmp/o32" 2>"$tmp/e32"
      "$EGRET" run --opt-level="$OPT" --wasm-features=+memory64 "$m64" >"$tmp/o64" 2>"$tmp/e64"
      [ "$(checksum "$tmp/o32")" = "$(checksum "$tmp/o64")" ] ||
        { echo "compare.sh: $n: checksums differ" >&2; exit 1; }
      t32+=("$(seconds "$tmp/e32")"); t64+=("$(seconds "$tmp/e64")")
    done
    a=$(median3 "${t32[@]}") b=$(median3 "${t64[@]}")
    line="$line $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}') |"
  fi
  echo "$line"
done
