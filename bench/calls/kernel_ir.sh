#!/usr/bin/env bash
# kernel_ir.sh: instructions per kernel iteration of bench/calls/calls.wat, under callgrind.
#
#   EGRET=build/bin/egret bench/calls/kernel_ir.sh
#
# For each export it runs `egret run --jobs=1 calls.wat --invoke F N` at two sizes and prints
# (Ir(2N) - Ir(N)) / iterations: compilation and start-up cancel out, so the figure is the
# kernel's own cost, exact and independent of the machine's load. Compare two builds by running
# it with each.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EGRET=${EGRET:-$ROOT/build/bin/egret}
WAT=$ROOT/bench/calls/calls.wat
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EGRET" run --jobs=1 "$WAT" \
    --invoke "$1" "$2" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
# export, N, iterations per unit of N (the recursions make 10000 calls per round)
for spec in "many 100000 1" "few 100000 1" "tail 100 10000" "plain 100 10000"; do
  set -- $spec
  a=$(ir "$1" "$2")
  b=$(ir "$1" $(($2 * 2)))
  echo "$1: $(awk -v a="$a" -v b="$b" -v n="$2" -v k="$3" 'BEGIN { printf "%.2f", (b - a) / (n * k) }') Ir per call"
done
