#!/usr/bin/env bash
# check.sh: runs every test suite against an existing build and ends with one total line,
#   N passed, N failed
# Suites: ctest (unit tests, fuzz corpus replays, build checks), lit filetests, the spec
# testsuite (at the default opt level, speed, and at --opt-level=none; and on aarch64 under qemu when
# $EGRET_AARCH64_BUILD_DIR names a cross build, as `make check` does), and a fixed-seed slice of the
# binaryen differential campaign (egret against V8; tests/fuzz/differential.sh).
# Usage: scripts/check.sh [BUILD_DIR]   (default: build; also honours $EGRET_BUILD_DIR)
# Exits non-zero if any suite fails.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${EGRET_BUILD_DIR:-$root/build}}"
build="$(cd "$build" && pwd)"
export EGRET_BUILD_DIR="$build"
lit=(python3 /usr/lib/llvm-14/build/utils/lit/lit.py)
logs="$build/check-logs"
mkdir -p "$logs"
passed=0; failed=0; status=0

echo "== unit tests (ctest) =="
(cd "$build" && ctest --output-on-failure -j "$(nproc)" >"$logs/ctest.log" 2>&1)
rc=$?
tail -n 3 "$logs/ctest.log"
summary="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logs/ctest.log" | tail -1)"
if [ -n "$summary" ]; then
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$summary")
  t=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$summary")
  passed=$((passed + t - f)); failed=$((failed + f))
  [ "$f" -gt 0 ] && grep -E '^\s+[0-9]+ - ' "$logs/ctest.log" | head -20
else
  failed=$((failed + 1))
fi
[ $rc -ne 0 ] && status=1

echo "== filetests (lit) =="
(cd "$root" && "${lit[@]}" --no-progress-bar -j "$(nproc)" tests/filetests >"$logs/lit.log" 2>&1)
rc=$?
grep -E '^(FAIL|XPASS|UNRESOLVED|TIMEOUT):' "$logs/lit.log" | head -20
grep -E '^\s*(Passed|Failed|Unsupported|Expectedly Failed|Unexpectedly Passed|Unresolved|Timed Out)\s*:' "$logs/lit.log"
lp=$(grep -E '^\s*(Passed|Expectedly Failed)\s*:' "$logs/lit.log" | awk -F: '{s+=$2} END {print s+0}')
lf=$(grep -E '^\s*(Failed|Unexpectedly Passed|Unresolved|Timed Out)\s*:' "$logs/lit.log" | awk -F: '{s+=$2} END {print s+0}')
passed=$((passed + lp)); failed=$((failed + lf))
if [ $rc -ne 0 ]; then status=1; [ "$lf" -eq 0 ] && failed=$((failed + 1)); fi

run_spec() {  # run_spec TITLE LOG [run.sh flags...]
  local title="$1" log="$2"; shift 2
  echo "== $title =="
  "$root/tests/spec/run.sh" "$@" >"$logs/$log" 2>&1
  local rc=$?
  grep -E '^FAIL' "$logs/$log" | head -20
  local spec; spec="$(grep -E '^spec: [0-9]+ passed' "$logs/$log" | tail -1)"
  echo "$spec"
  if [ -n "$spec" ]; then
    read -r _ sp _ sf _ _ _ <<<"${spec//,/}"
    passed=$((passed + sp)); failed=$((failed + sf))
  else
    tail -5 "$logs/$log"; failed=$((failed + 1))
  fi
  [ $rc -ne 0 ] && status=1
}
run_spec "spec testsuite" spec.log
run_spec "spec testsuite at --opt-level=none" spec-none.log --opt-level=none
# Compile mode proves every valid module's register allocation with the checker (issue 15).
run_spec "spec testsuite, compile mode with the regalloc checker (speed)" spec-compile.log \
  --mode=compile --opt-level=speed
run_spec "spec testsuite, compile mode with the regalloc checker (none)" spec-compile-none.log \
  --mode=compile --opt-level=none
# Post-2.0 proposals (issue 19): each must pass at least as many commands as wabt's interpreter.
run_spec "spec proposal extended-const" spec-extended-const.log --proposal=extended-const
run_spec "spec proposal tail-call" spec-tail-call.log --proposal=tail-call
run_spec "spec proposal threads" spec-threads.log --proposal=threads
run_spec "spec proposal threads at --opt-level=none" spec-threads-none.log --proposal=threads \
  --opt-level=none
# Proposals, each with its feature (multi-memory and memory64 are off by default).
for level in speed none; do
  run_spec "proposals/multi-memory at --opt-level=$level" "spec-multi-memory-$level.log" \
    --proposal=multi-memory --wasm-features=+multi-memory --opt-level=$level
  run_spec "proposals/memory64 at --opt-level=$level" "spec-memory64-$level.log" \
    --proposal=memory64 --wasm-features=+memory64 --opt-level=$level
done
# aarch64: the cross-built egret (make aarch64-egret) under qemu-aarch64, when given.
if [ -n "${EGRET_AARCH64_BUILD_DIR:-}" ]; then
  if [ -x "$EGRET_AARCH64_BUILD_DIR/bin/egret" ]; then
    EGRET_BUILD_DIR="$(cd "$EGRET_AARCH64_BUILD_DIR" && pwd)" \
      run_spec "spec testsuite on aarch64 (qemu-aarch64)" spec-aarch64.log --target=aarch64
    EGRET_BUILD_DIR="$(cd "$EGRET_AARCH64_BUILD_DIR" && pwd)" \
      run_spec "spec testsuite on aarch64, compile mode with the regalloc checker (qemu-aarch64)" \
      spec-aarch64-compile.log --target=aarch64 --mode=compile --opt-level=speed
    EGRET_BUILD_DIR="$(cd "$EGRET_AARCH64_BUILD_DIR" && pwd)" \
      run_spec "spec proposals extended-const, tail-call, threads on aarch64 (qemu-aarch64)" \
      spec-aarch64-proposals.log --target=aarch64 --proposal=extended-const --proposal=tail-call \
      --proposal=threads
    EGRET_BUILD_DIR="$(cd "$EGRET_AARCH64_BUILD_DIR" && pwd)" \
      run_spec "proposals/multi-memory on aarch64 (qemu-aarch64)" spec-multi-memory-aarch64.log \
      --target=aarch64 --proposal=multi-memory --wasm-features=+multi-memory
    EGRET_BUILD_DIR="$(cd "$EGRET_AARCH64_BUILD_DIR" && pwd)" \
      run_spec "proposals/memory64 on aarch64 (qemu-aarch64)" spec-memory64-aarch64.log \
      --target=aarch64 --proposal=memory64 --wasm-features=+memory64
  else
    echo "== spec testsuite on aarch64: $EGRET_AARCH64_BUILD_DIR/bin/egret missing =="
    failed=$((failed + 1)); status=1
  fi
fi

echo "== differential campaign (binaryen -ttf modules, egret vs V8; seed 1) =="
"$root/tests/fuzz/differential.sh" --seed=1 --count="${EGRET_DIFF_COUNT:-200}" --jobs="$(nproc)" \
  --exec="$build/bin/egret_fuzz_exec" >"$logs/differential.log" 2>&1
rc=$?
diff_line="$(grep -E '^differential: [0-9]+ passed, [0-9]+ failed' "$logs/differential.log" | tail -1)"
grep -v -E '^differential: [0-9]+ passed' "$logs/differential.log" | tail -5
echo "$diff_line"
if [ -n "$diff_line" ]; then
  read -r _ dp _ df _ <<<"${diff_line//,/}"
  passed=$((passed + dp)); failed=$((failed + df))
else
  failed=$((failed + 1))
fi
[ $rc -ne 0 ] && status=1

echo "logs: $logs"
echo "$passed passed, $failed failed"
exit $status
