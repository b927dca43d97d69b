#!/usr/bin/env bash
# bench/atomics/run.sh [EGRET_BUILD_DIR]: the "Atomics" figures of docs/performance.md: ns per
# seq-cst fetch-add and per uncontended wait+notify pair, egret (x86-64, --opt-level=speed)
# against native C++ (bench_atomics_native: std::atomic, built Release with the project). Best of 5 runs of N iterations each.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
n=${N:-10000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wat2wasm --enable-threads "$here/atomics.wat" -o "$tmp/a.wasm"
"$build/bin/egret" compile "$tmp/a.wasm" -o "$tmp/a.egret"
native="$build/bin/bench_atomics_native"  # built with the project (Release: -O2 or above)
[ -x "$native" ] || { echo "run.sh: $native missing: ninja -C $build bench_atomics_native" >&2; exit 1; }
best() {  # best run time (ms) of `egret run --invoke $1 $n`, from --stats
  local b=999999
  for _ in 1 2 3 4 5; do
    t=$("$build/bin/egret" run --stats "$tmp/a.egret" --invoke "$1" "$n" 2>&1 >/dev/null |
        sed -n 's/.*run \([0-9.]*\) ms.*/\1/p')
    b=$(echo "$t $b" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "$b"
}
for f in plain rmw waitnotify; do
  ms=$(best "$f")
  echo "egret $f $(echo "$ms $n" | awk '{printf "%.2f", $1 * 1e6 / $2}') ns"
done
"$native" "$n"
# Instructions per iteration (callgrind; does not move with the machine's load): the difference
# between runs of N and 2N iterations, divided by N.
if command -v valgrind > /dev/null; then
  ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 |
         sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
  k=100000
  for f in plain rmw waitnotify; do
    a=$(ir "$build/bin/egret" run "$tmp/a.egret" --invoke "$f" "$k")
    b=$(ir "$build/bin/egret" run "$tmp/a.egret" --invoke "$f" "$((2 * k))")
    echo "egret $f $(( (b - a) / k )) Ir/iteration"
  done
  for f in rmw waitnotify; do
    a=$(ir "$native" "$k" "$f")
    b=$(ir "$native" "$((2 * k))" "$f")
    echo "native $f $(( (b - a) / k )) Ir/iteration"
  done
fi
