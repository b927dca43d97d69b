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
#   bench/callgrind.sh --per-byte [FILE.wasm...]
#       instructions per Wasm byte (issue 24): for each module (default: every program, plus
#       $EGRET_BENCH_MODULE if set, e.g. Flite), `egret validate`, `egret compile
#       --opt-level=none` and `--opt-level=speed` (both --jobs=1), as Ir per byte of module and
#       per byte of function bodies. Whole processes, so file reading and the artifact write
#       count too.
#   bench/callgrind.sh --stages [FILE.wasm...]
#       the same compiles (none and speed, --jobs=1), broken down per stage (decode/validate,
#       translate, verify, IR passes, lower, regalloc, emit, artifact write, other) in Ir per
#       byte of function bodies, one table per module (bench/callgrind_stages.py).
# Environment: EGRET (default build/bin/egret), EGRET_BENCH_DIR (default ../shared/bench).
# Compare two commits: run it on each build and diff the tables.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EGRET=${EGRET:-$ROOT/build/bin/egret}
BENCH=${EGRET_BENCH_DIR:-$(cd "$ROOT/.." && pwd)/shared/bench}
PROGS=$BENCH/programs
compile_only=0
per_byte=0
extra=()
names=()
for a in "$@"; do
  case "$a" in
    --compile-only) compile_only=1 ;;
    --per-byte) per_byte=1 ;;
    --stages) per_byte=2 ;;
    --regalloc=*) extra+=("$a") ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) names+=("$a") ;;
  esac
done
command -v valgrind >/dev/null || { echo "callgrind.sh: install valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -x "$EGRET" ] || { echo "callgrind.sh: no egret at $EGRET (make build, or set EGRET=)" >&2; exit 2; }
# (--per-byte and --stages take module paths and default to every program's path below.)
if [ ${#names[@]} -eq 0 ] && [ $per_byte = 0 ]; then
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

if [ $per_byte != 0 ]; then
  files=("${names[@]}")
  if [ ${#files[@]} -eq 0 ]; then
    files=("$PROGS"/*.wasm)
    [ -n "${EGRET_BENCH_MODULE:-}" ] && files+=("$EGRET_BENCH_MODULE")
  fi
  # Bytes of the code section's function bodies, from the decoder's view of the module.
  code_bytes() {
    python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
def leb(p):
    r = s = 0
    while True:
        b = d[p]; p += 1; r |= (b & 0x7f) << s; s += 7
        if b < 0x80: return r, p
p, n = 8, 0
while p < len(d):
    sid = d[p]; size, q = leb(p + 1)
    if sid == 10:
        count, r = leb(q)
        for _ in range(count):
            sz, r = leb(r); n += sz; r += sz
    p = q + size
print(n)
PY
  }
  per() { [ "$1" = fail ] && echo - || awk -v c="$1" -v b="$2" 'BEGIN {printf "%.0f", c / b}'; }
  if [ $per_byte = 2 ]; then
    for wasm in "${files[@]}"; do
      code=$(code_bytes "$wasm")
      for level in none speed; do
        valgrind --tool=callgrind --callgrind-out-file="$tmp/$level.out" "$EGRET" compile --jobs=1 \
          --opt-level=$level "${extra[@]}" "$wasm" -o /dev/null >"$tmp/stdout" 2>"$tmp/stderr" ||
          { echo "callgrind.sh: egret compile failed on $wasm" >&2; cat "$tmp/stderr" >&2; exit 1; }
      done
      echo "$(basename "$wasm" .wasm) ($(awk -v b="$code" 'BEGIN {printf "%.1f", b / 1e3}') KB of function bodies), Ir per byte of function bodies:"
      echo
      python3 "$ROOT/bench/callgrind_stages.py" "$code" none="$tmp/none.out" speed="$tmp/speed.out"
      echo
    done
    exit 0
  fi
  echo "| module | wasm KB | code KB | validate Ir/byte | none Ir/byte | speed Ir/byte | validate Ir/code byte | none Ir/code byte | speed Ir/code byte |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for wasm in "${files[@]}"; do
    bytes=$(stat -c %s "$wasm")
    code=$(code_bytes "$wasm")
    v=$(ir "$EGRET" validate "$wasm")
    n=$(ir "$EGRET" compile --jobs=1 --opt-level=none "${extra[@]}" "$wasm" -o /dev/null)
    s=$(ir "$EGRET" compile --jobs=1 --opt-level=speed "${extra[@]}" "$wasm" -o /dev/null)
    echo "| $(basename "$wasm" .wasm) | $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e3}') |" \
      "$(awk -v b="$code" 'BEGIN {printf "%.1f", b / 1e3}') | $(per "$v" "$bytes") | $(per "$n" "$bytes") |" \
      "$(per "$s" "$bytes") | $(per "$v" "$code") | $(per "$n" "$code") | $(per "$s" "$code") |"
  done
  exit 0
fi

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
