#!/usr/bin/env bash
# demo.sh: the README's first command (`make demo`) ends here. It compiles the bundled WASI
# example (examples/wc.wat, a `wc` written in WebAssembly text) ahead of time to an .egret
# artifact, runs it on some input, runs it again straight from .wasm with --stats, shows a trap
# with its backtrace, and, when the shared benchmark programs are present, runs one of those C
# programs (compiled to wasm32-wasi by clang) as well.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
egret="$build/bin/egret"
[ -x "$egret" ] || { echo "demo.sh: $egret not built (run 'make build')" >&2; exit 2; }
work="$build/demo"
mkdir -p "$work"
cd "$root"
show() { echo "\$ $*"; }

show egret --version
"$egret" --version
echo

show wat2wasm examples/wc.wat -o "$work/wc.wasm"
wat2wasm examples/wc.wat -o "$work/wc.wasm"
show egret compile "$work/wc.wasm" -o "$work/wc.egret" --stats
"$egret" compile "$work/wc.wasm" -o "$work/wc.egret" --stats
echo
show "egret run $work/wc.egret README.md < README.md"
"$egret" run "$work/wc.egret" README.md < README.md
show "wc README.md   # the host's wc, for comparison"
wc README.md
echo
show "egret run --stats $work/wc.wasm examples/wc.wat < examples/wc.wat"
"$egret" run --stats "$work/wc.wasm" examples/wc.wat < examples/wc.wat
echo

cat > "$work/divide.wat" <<'WAT'
(module
  (func $divide (export "divide") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_u)
  (func $average (export "average") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $divide))
WAT
wat2wasm --debug-names "$work/divide.wat" -o "$work/divide.wasm"
show egret run "$work/divide.wasm" --invoke average 84 2
"$egret" run "$work/divide.wasm" --invoke average 84 2
show egret run "$work/divide.wasm" --invoke average 84 0
"$egret" run "$work/divide.wasm" --invoke average 84 0 || echo "(exit status $?)"
echo

programs="${EGRET_BENCH_PROGRAMS:-$root/../shared/bench/programs}"
if [ -f "$programs/sieve.wasm" ]; then
  show egret run --stats "$programs/sieve.wasm" 2000
  "$egret" run --stats "$programs/sieve.wasm" 2000
fi
