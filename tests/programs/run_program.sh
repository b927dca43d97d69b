#!/usr/bin/env bash
# run_program.sh: runs one benchmark program under `egret run` and checks its checksum line.
#
#   tests/programs/run_program.sh EGRET NAME [--full]
#
# The programs are wasm32-wasi builds of small self-checking C kernels
# (../shared/bench/programs, or $EGRET_BENCH_PROGRAMS). Each prints `NAME n=N checksum=HEX`.
# By default the program runs at its BENCH_SMALL_N (about 1/60 of the default work, so the
# whole set stays within seconds) and the expected line comes from a native build of the same C
# source at the same size (cc -O2, cached in $EGRET_PROGRAMS_WORK or /tmp); every kernel is
# bit-exact across targets. --full runs the default size and compares with expected/NAME.txt.
# Exit 77 (ctest: skipped) when the programs or a C compiler are missing.
#
# $EGRET_EMULATOR (e.g. qemu-aarch64) runs EGRET under an emulator: the cross build's ctest sets it
# from CMAKE_CROSSCOMPILING_EMULATOR, so in build-aarch64 every program runs under qemu with the
# aarch64 egret (compiling for its host target, aarch64) against the same native checksum.
set -uo pipefail
egret="$1"
emulator=()
[ -n "${EGRET_EMULATOR:-}" ] && read -r -a emulator <<<"$EGRET_EMULATOR"
name="$2"
mode="${3:-small}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${EGRET_BENCH_PROGRAMS:-$root/../shared/bench/programs}"
[ -f "$dir/$name.wasm" ] || { echo "skipped: no $dir/$name.wasm (set EGRET_BENCH_PROGRAMS)"; exit 77; }

actual_err="$(mktemp)"
trap 'rm -f "$actual_err"' EXIT
if [ "$mode" = "--full" ]; then
  expected="$(cat "$dir/expected/$name.txt")"
  actual="$("${emulator[@]}" "$egret" run "$dir/$name.wasm" 2>"$actual_err")"
  rc=$?
else
  small="$(sed -n 's/^#define BENCH_SMALL_N \([0-9]*\).*/\1/p' "$dir/$name.c")"
  [ -n "$small" ] || { echo "error: no BENCH_SMALL_N in $dir/$name.c"; exit 1; }
  cc="$(command -v cc || command -v gcc || true)"
  [ -n "$cc" ] || { echo "skipped: no C compiler for the native reference"; exit 77; }
  work="${EGRET_PROGRAMS_WORK:-${TMPDIR:-/tmp}/egret-programs-$(id -u)}"
  mkdir -p "$work"
  native="$work/$name"
  if [ ! -x "$native" ] || [ "$dir/$name.c" -nt "$native" ] || [ "$dir/bench.h" -nt "$native" ]; then
    "$cc" -O2 -o "$native.tmp.$$" "$dir/$name.c" -lm || { echo "error: native build failed"; exit 1; }
    mv "$native.tmp.$$" "$native"
  fi
  expected="$("$native" "$small" 2>/dev/null)"
  actual="$("${emulator[@]}" "$egret" run "$dir/$name.wasm" "$small" 2>"$actual_err")"
  rc=$?
fi
if [ $rc -ne 0 ] || [ "$actual" != "$expected" ]; then
  echo "FAIL $name ($mode): exit $rc"
  echo "  expected: $expected"
  echo "  actual:   $actual"
  sed 's/^/  stderr: /' "$actual_err" | head -20
  exit 1
fi
echo "ok $name ($mode): $actual"
