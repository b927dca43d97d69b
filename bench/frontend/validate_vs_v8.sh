#!/usr/bin/env bash
# validate_vs_v8.sh: validation MB/s per core, egret against V8 (node's WebAssembly.validate),
# on the same bytes, measured in one run.
#
#   bench/frontend/validate_vs_v8.sh [FILE.wasm...]   (default: $EGRET_BENCH_MODULE if set, and
#                                                       every benchmark program)
# For each module, in turn and `-r` rounds (default 3): egret's BM_Module_Validate/1 (decode +
# validate in process, one thread, MB/s of CPU time) and bench/frontend/validate_v8.js (same,
# MB/s of CPU time); prints the median of each and their ratio. CPU time keeps the figures
# meaningful on a loaded machine; both are one thread, so MB/s per core.
# Environment: BENCH_FRONTEND (default build/bin/bench_frontend), NODE (default node).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH_FRONTEND:-$ROOT/build/bin/bench_frontend}
NODE=${NODE:-node}
rounds=3
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    -r) rounds=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) files+=("$1"); shift ;;
  esac
done
if [ ${#files[@]} -eq 0 ]; then
  [ -n "${EGRET_BENCH_MODULE:-}" ] && files+=("$EGRET_BENCH_MODULE")
  files+=("$(cd "$ROOT/.." && pwd)"/shared/bench/programs/*.wasm)
fi
[ -x "$BENCH" ] || { echo "validate_vs_v8.sh: no $BENCH (ninja -C build bench_frontend)" >&2; exit 2; }
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "| module | KB | egret MB/s | V8 MB/s | egret / V8 |"
echo "|---|---:|---:|---:|---:|"
for f in "${files[@]}"; do
  e=(); v=()
  for ((r = 0; r < rounds; ++r)); do
    # bytes_per_second from the JSON report (module bytes over CPU time).
    e+=("$(EGRET_BENCH_MODULE=$f "$BENCH" --benchmark_filter='BM_Module_Validate/1$' \
      --benchmark_min_time=1 --benchmark_format=json 2>/dev/null |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["bytes_per_second"] / 1e6)')")
    v+=("$(MIN_MS=1000 "$NODE" "$ROOT/bench/frontend/validate_v8.js" "$f" | cut -f3)")
  done
  em=$(printf '%s\n' "${e[@]}" | median)
  vm=$(printf '%s\n' "${v[@]}" | median)
  kb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.0f", b / 1e3}')
  awk -v n="$(basename "$f" .wasm)" -v kb="$kb" -v e="$em" -v v="$vm" \
    'BEGIN {printf "| %s | %s | %.0f | %.0f | %.2f |\n", n, kb, e, v, e / v}'
done
