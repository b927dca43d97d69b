#!/usr/bin/env bash
# differential.sh: binaryen-generated modules, run under V8 (node) and under egret, compared.
#
#   tests/fuzz/differential.sh [--seed=N] [--count=N] [--jobs=N] [options]
#   tests/fuzz/differential.sh --corpus=DIR [options]
#
# Each module is `wasm-opt -ttf` over pseudo-random bytes (derived from the seed and the module's
# number, so a fixed seed gives the same modules and the same verdicts), restricted to what
# egret supports: MVP + sign-ext, nontrapping float-to-int, bulk memory, multivalue (reference
# types as binaryen 108 emits them are not standard Wasm: V8 and egret reject most such modules,
# so one module in eight enables them and those V8 rejects are skipped); NaNs removed (--denan).
# V8 runs it through tests/fuzz/binaryen/run_v8.mjs, egret through egret_fuzz_exec at opt levels
# none and speed with both allocators (checker on); the printed logs, results and normalized
# traps must be identical. A mismatch keeps the module in the work folder and, with --reduce,
# minimizes it with wasm-reduce into tests/fuzz/binaryen/corpus/seedS-N.wasm.
#
# Options:
#   --seed=N      first seed (default 1)             --count=N   modules (default 100)
#   --jobs=N      modules checked in parallel (default 2)
#   --exec=PATH   egret_fuzz_exec (default $EGRET_BUILD_DIR/bin/egret_fuzz_exec, else the first
#                 of build-h2, build found)
#   --emulator=CMD  run egret_fuzz_exec through CMD (a cross build's: qemu-aarch64)
#   --work=DIR    scratch folder (default a new temporary one, removed unless something failed)
#   --corpus=DIR  check every .wasm/.wat of DIR instead of generating modules (the ctest)
#   --reduce      minimize each failing module into tests/fuzz/binaryen/corpus/
#   --configs=L   egret configurations, comma-separated OPT:REGALLOC
#                 (default none:fast,none:linear,speed:fast,speed:linear)
#
# Prints one line per failure, then `differential: N passed, N failed` (and how many modules
# were skipped because binaryen or V8 would not take them). Exit status: 0 when nothing failed,
# 1 otherwise, 77 if node, wasm-opt or the runner is missing (ctest's skip code), 2 for usage.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

seed=1 count=100 jobs=2 exec="" emulator="" work="" corpus="" reduce=0
configs="none:fast,none:linear,speed:fast,speed:linear"
for arg in "$@"; do
  case "$arg" in
    --seed=*) seed="${arg#*=}" ;;
    --count=*) count="${arg#*=}" ;;
    --jobs=*) jobs="${arg#*=}" ;;
    --exec=*) exec="${arg#*=}" ;;
    --emulator=*) emulator="${arg#*=}" ;;
    --work=*) work="${arg#*=}" ;;
    --corpus=*) corpus="${arg#*=}" ;;
    --configs=*) configs="${arg#*=}" ;;
    --reduce) reduce=1 ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "differential.sh: error: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$seed" "$count" "$jobs"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "differential.sh: error: '$n' is not a number" >&2; exit 2; }
done
if [ -z "$exec" ]; then
  for d in "${EGRET_BUILD_DIR:-}" "$root/build-h2" "$root/build"; do
    if [ -n "$d" ] && [ -x "$d/bin/egret_fuzz_exec" ]; then exec="$d/bin/egret_fuzz_exec"; break; fi
  done
fi
missing=""
command -v node >/dev/null || missing="node"
command -v wasm-opt >/dev/null || missing="$missing wasm-opt (binaryen)"
[ -n "$exec" ] && [ -x "$exec" ] || missing="$missing egret_fuzz_exec (ninja egret_fuzz_exec)"
[ -z "$emulator" ] || command -v "${emulator%% *}" >/dev/null || missing="$missing $emulator"
if [ -n "$missing" ]; then
  echo "differential: skipped, not installed:$missing"
  exit 77
fi

cleanup_work=0
if [ -z "$work" ]; then work="$(mktemp -d /tmp/egret-differential.XXXXXX)"; cleanup_work=1; fi
mkdir -p "$work"
export EGRET_DIFF_EXEC="$exec" EGRET_DIFF_CONFIGS="$configs" EGRET_DIFF_WORK="$work"
export EGRET_DIFF_EMULATOR="$emulator"
export EGRET_DIFF_RUNNER="$here/binaryen/run_v8.mjs"

# check_module NAME WASM: prints "pass NAME", "skip NAME: why" or "fail NAME: why" and leaves
# the outputs in $work/NAME.*.
check_module() {
  local name="$1" wasm="$2" out="$EGRET_DIFF_WORK/$1"
  local v8rc=0
  timeout 60 node --experimental-wasm-type-reflection --stack-size=900 "$EGRET_DIFF_RUNNER" \
    "$wasm" >"$out.v8" 2>"$out.v8.err" || v8rc=$?
  if [ "$v8rc" = 2 ]; then echo "skip $name: V8: $(head -c 200 "$out.v8")"; return; fi
  if [ "$v8rc" != 0 ]; then echo "fail $name: V8 exited with $v8rc"; return; fi
  local cfg opt ra rc
  for cfg in ${EGRET_DIFF_CONFIGS//,/ }; do
    opt="${cfg%%:*}" ra="${cfg##*:}" rc=0
    # shellcheck disable=SC2086
    timeout 60 $EGRET_DIFF_EMULATOR "$EGRET_DIFF_EXEC" --opt-level="$opt" --regalloc="$ra" "$wasm" \
      >"$out.$opt-$ra" 2>"$out.$opt-$ra.err" || rc=$?
    if [ "$rc" != 0 ]; then
      echo "fail $name: egret $cfg exited with $rc: $(head -c 300 "$out.$opt-$ra" "$out.$opt-$ra.err" | tr '\n' ' ')"
      return
    fi
    if ! cmp -s "$out.v8" "$out.$opt-$ra"; then
      echo "fail $name: egret $cfg differs from V8 at: $(diff "$out.v8" "$out.$opt-$ra" | grep -m2 '^[<>]' | tr '\n' ' ')"
      return
    fi
  done
  echo "pass $name"
}
export -f check_module

# Feature flags of module N: one in eight also enables reference types.
features() {
  local f="--mvp-features --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory --enable-multivalue"
  if [ $(( $1 % 8 )) = 7 ]; then f="$f --enable-reference-types"; fi
  echo "$f"
}
export -f features

# generate_and_check SEED N: the module's input bytes come from Python's PRNG seeded with
# "SEED:N" (1 to 16 KiB), so they are the same on every machine.
generate_and_check() {
  local seed="$1" n="$2" name="seed$1-$2" base="$EGRET_DIFF_WORK/seed$1-$2"
  python3 -c "
import random, sys
r = random.Random('$seed:$n')
sys.stdout.buffer.write(r.randbytes(r.randint(1024, 16384)))" >"$base.in"
  # shellcheck disable=SC2046
  if ! wasm-opt -ttf "$base.in" -o "$base.wasm" --denan $(features "$n") 2>"$base.opt.err"; then
    echo "skip $name: wasm-opt failed"
    return
  fi
  rm -f "$base.in" "$base.opt.err"
  local verdict
  verdict="$(check_module "$name" "$base.wasm")"
  echo "$verdict"
  # Only failures keep their files.
  case "$verdict" in fail*) ;; *) rm -f "$base".* ;; esac
}
export -f generate_and_check

start=$(date +%s.%N)
results="$work/results.txt"
if [ -n "$corpus" ]; then
  [ -d "$corpus" ] || { echo "differential.sh: error: no folder $corpus" >&2; exit 2; }
  : >"$results"
  shopt -s nullglob
  for f in "$corpus"/*.wasm "$corpus"/*.wat; do
    name="$(basename "$f")"
    wasm="$f"
    if [[ "$f" == *.wat ]]; then
      wasm="$work/${name%.wat}.wasm"
      wat2wasm "$f" -o "$wasm" || { echo "fail $name: wat2wasm failed" >>"$results"; continue; }
    fi
    check_module "$name" "$wasm" >>"$results"
  done
else
  seq 0 $((count - 1)) | xargs -P "$jobs" -I{} bash -c "generate_and_check $seed {}" >"$results"
fi
elapsed=$(echo "$(date +%s.%N) - $start" | bc)

passed=$(grep -c '^pass ' "$results" || true)
failed=$(grep -c '^fail ' "$results" || true)
skipped=$(grep -c '^skip ' "$results" || true)
sort -V "$results" | grep '^fail ' || true
if [ "$reduce" = 1 ] && [ "$failed" != 0 ]; then
  for name in $(grep '^fail ' "$results" | sed 's/^fail \([^:]*\):.*/\1/' | sort -V); do
    [ -f "$work/$name.wasm" ] || continue
    echo "reducing $name into tests/fuzz/binaryen/corpus/$name.wasm"
    # Self-contained: wasm-reduce runs it through /bin/sh, which drops exported bash functions.
    {
      echo '#!/usr/bin/env bash'
      echo '# Exit 1 (printing "mismatch") while V8 and egret still disagree on the test module.'
      echo "export EGRET_DIFF_EXEC='$exec' EGRET_DIFF_EMULATOR='$emulator' EGRET_DIFF_CONFIGS='$configs' EGRET_DIFF_WORK='$work'"
      echo "export EGRET_DIFF_RUNNER='$EGRET_DIFF_RUNNER'"
      declare -f check_module
      echo "out=\$(check_module reduce '$work/$name.test.wasm' 2>/dev/null)"
      echo 'case "$out" in fail*) echo mismatch; exit 1 ;; *) echo same; exit 0 ;; esac'
    } >"$work/$name.reduce.sh"
    chmod +x "$work/$name.reduce.sh"
    (cd "$work" && wasm-reduce "$work/$name.wasm" --command="$work/$name.reduce.sh" \
      --binaries="$(dirname "$(command -v wasm-opt)")" --timeout=60 \
      -t "$work/$name.test.wasm" -w "$work/$name.reduced.wasm" >"$work/$name.reduce.log" 2>&1) ||
      echo "wasm-reduce failed, see $work/$name.reduce.log"
    [ -f "$work/$name.reduced.wasm" ] && cp "$work/$name.reduced.wasm" "$here/binaryen/corpus/$name.wasm"
  done
fi
total=$((passed + failed + skipped))
rate=$(echo "scale=1; $total / $elapsed" | bc)
printf 'differential: %d modules in %.1f s (%s modules/s), %d skipped (binaryen or V8 refused them)\n' \
  "$total" "$elapsed" "$rate" "$skipped"
echo "differential: $passed passed, $failed failed"
if [ "$failed" = 0 ] && [ "$cleanup_work" = 1 ]; then rm -rf "$work"; fi
if [ "$failed" != 0 ]; then echo "differential: outputs kept in $work"; exit 1; fi
exit 0
