#!/usr/bin/env bash
# run_threads.sh: egret's own threads, natively and under qemu-aarch64 (the cross build's ctest).
#
#   tests/programs/run_threads.sh EGRET wasi-threads [REPEAT]
#   tests/programs/run_threads.sh EGRET compile-jobs [REPEAT]
#
# wasi-threads: tests/filetests/wasi/threads-sum.wat (4 wasi-threads instances on 4 host threads
#   add 1..100000 into one shared memory with i32/i64 atomic adds, the main thread waits with
#   memory.atomic.wait32 and prints the sum) under `egret run`, at --opt-level=speed and none, each
#   REPEAT times (default 3); on aarch64 also compiled with --target-features=-lse, so the
#   read-modify-writes are ldaxr/stlxr loops instead of LSE instructions. Every run must print
#   the exact sum within $EGRET_THREADS_TIMEOUT seconds (default 120).
# compile-jobs: `egret compile --jobs=N` (N = 2, 4, 8, and 0 = every CPU) of the same module and,
#   when the benchmark programs are there, of the largest of them, REPEAT times each: every
#   artifact must be byte-identical to --jobs=1's, and no compile may hang (the timeout).
#
# $EGRET_EMULATOR (e.g. qemu-aarch64) runs EGRET under an emulator, as in run_program.sh. It must
# not pass `-L /usr/aarch64-linux-gnu`: that prefix makes qemu load the cross toolchain's
# ld-linux-aarch64.so.1 (glibc 2.36-8cross1) while /etc/ld.so.cache still resolves libc.so.6 to
# the arm64 multiarch package's (2.36-9+deb12u14); the two disagree on the layout of
# _rtld_global (4512 vs 4520 bytes), and the first pthread_create or fork spins forever
# (docs/testing.md, "Threads under qemu"). This script refuses such an emulator rather than hang.
# Exit 77 (ctest: skipped) when wat2wasm is missing.
set -uo pipefail
egret="$1"
what="$2"
repeat="${3:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
limit="${EGRET_THREADS_TIMEOUT:-120}"
emulator=()
[ -n "${EGRET_EMULATOR:-}" ] && read -r -a emulator <<<"$EGRET_EMULATOR"
for a in "${emulator[@]+"${emulator[@]}"}"; do
  case "$a" in
    -L|-L*) echo "error: EGRET_EMULATOR='$EGRET_EMULATOR' passes -L: with the cross toolchain's"\
                 "loader and the multiarch libc the first thread hangs (see this script's header)"
            exit 1 ;;
  esac
done
command -v wat2wasm >/dev/null || { echo "skipped: no wat2wasm (scripts/setup.sh)"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wasm="$work/threads-sum.wasm"
wat2wasm --enable-threads "$root/tests/filetests/wasi/threads-sum.wat" -o "$wasm" || exit 1
run() { timeout "$limit" "${emulator[@]+"${emulator[@]}"}" "$egret" "$@"; }
# The target EGRET runs code for (its host), from `compile --help`'s default.
target="$(run compile --help 2>&1 | sed -n "s/.*--target=.*default: the host's, \([a-z0-9_]*\)).*/\1/p")"
fail=0

case "$what" in
  wasi-threads)
    expected=$'threads 4\nsum 5000050000\ncount 100000'
    variants=("speed" "none")
    # aarch64 without LSE: the read-modify-writes become load/store-exclusive loops.
    if [ "$target" = aarch64 ]; then
      run compile --target-features=-lse "$wasm" -o "$work/nolse.egret" ||
        { echo "FAIL compile --target-features=-lse"; exit 1; }
      variants+=("nolse")
    fi
    for v in "${variants[@]}"; do
      before=$fail
      for i in $(seq 1 "$repeat"); do
        case "$v" in
          nolse) out="$(run run "$work/nolse.egret" 2>&1)"; rc=$? ;;
          *) out="$(run run --opt-level="$v" "$wasm" 2>&1)"; rc=$? ;;
        esac
        if [ $rc -ne 0 ] || [ "$out" != "$expected" ]; then
          echo "FAIL wasi-threads ($v, run $i): exit $rc$([ $rc = 124 ] && echo " (timed out after ${limit}s)")"
          printf '%s\n' "$out" | sed 's/^/  output: /' | head -10
          fail=1
        fi
      done
      [ $fail = "$before" ] && echo "ok wasi-threads ($v, $target): $repeat runs"
    done
    ;;
  compile-jobs)
    modules=("$wasm")
    programs="${EGRET_BENCH_PROGRAMS:-$root/../shared/bench/programs}"
    big="$(ls -S "$programs"/*.wasm 2>/dev/null | head -1)"
    [ -n "$big" ] && modules+=("$big")
    for m in "${modules[@]}"; do
      before=$fail
      run compile --jobs=1 "$m" -o "$work/ref.egret" || { echo "FAIL compile --jobs=1 $m"; exit 1; }
      for i in $(seq 1 "$repeat"); do
        for j in 2 4 8 0; do
          run compile --jobs=$j "$m" -o "$work/j.egret"
          rc=$?
          if [ $rc -ne 0 ] || ! cmp -s "$work/ref.egret" "$work/j.egret"; then
            echo "FAIL compile --jobs=$j $(basename "$m") (run $i): exit $rc$([ $rc = 124 ] && echo " (timed out after ${limit}s)")"
            fail=1
          fi
        done
      done
      [ $fail = "$before" ] && echo "ok compile --jobs=2,4,8,0 $(basename "$m"): $repeat rounds, artifacts identical to --jobs=1"
    done
    ;;
  *) echo "usage: run_threads.sh EGRET wasi-threads|compile-jobs [REPEAT]"; exit 2 ;;
esac
exit $fail
