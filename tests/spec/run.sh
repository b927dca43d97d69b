#!/usr/bin/env bash
# run.sh: the spec testsuite runner.
#
#   tests/spec/run.sh [--mode=validate|compile|run] [--target=x86_64] [--engine=none|interp]
#                     [--opt-level=none|speed] [--debug-branch-range-shrink=N] [--json]
#                     [--exclude=GLOB]... [FILES...]
#
# Reads the pinned testsuite from ../shared/wasm-testsuite (or $EGRET_SPEC_DIR) and runs
# `egret wast --mode=MODE` (default: run, i.e. compile, instantiate and execute every command)
# on each .wast file, which egret parses itself (frontend/text), and prints one line per file
# and a total:
#   spec: N passed, N failed, N skipped
# FILES are names like `i32` or `i32.wast`; the default is every core file except the ones in
# kDefaultExcludes below (SIMD: the backends do not lower vector ops yet), which are listed as
# excluded. --exclude replaces that default (`--exclude=` excludes nothing);
# $EGRET_SPEC_EXCLUDE, when set, replaces it too (space-separated globs; set and empty:
# nothing excluded, so `EGRET_SPEC_EXCLUDE= tests/spec/run.sh` runs SIMD files as well). --engine=interp also executes assert_return/assert_trap on
# the translated IR with the IR interpreter (validate mode only). --opt-level is passed to egret
# wast when given (default: egret's own, speed); files run in parallel, each egret on one
# thread (--jobs=1). --debug-branch-range-shrink=N
# is passed to egret wast (test mode: islands and veneers in small code, docs/machbuffer.md);
# its results go to a folder of their own, so runs with different N may overlap. Expected failures
# (tests/spec/expected-failures.txt, "file:line" per line) count as passed-with-note, and an
# expected failure that passes is reported so the list can shrink. Each file gets
# $EGRET_SPEC_TIMEOUT seconds (default 300); a crash or timeout counts as one failure.
# --target=aarch64 on a non-aarch64 host runs $EGRET_BUILD_DIR/bin/egret (a cross-built aarch64
# egret, `make aarch64`) under qemu-aarch64 (or $EGRET_EMULATOR).
# --json: the former path: convert each .wast with wast2json into
# $EGRET_BUILD_DIR/spec/json/<name>/ (once; cached by content) and run egret on the JSON;
# text-format assert_malformed/assert_invalid commands are then skipped. (--text, the default,
# is accepted too.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec_dir="${EGRET_SPEC_DIR:-$root/../shared/wasm-testsuite}"
build_dir="${EGRET_BUILD_DIR:-$root/build}"
egret="$build_dir/bin/egret"
mode=run
target=x86_64
engine=none
opt_level=""  # empty: egret's default
shrink=1
excludes=()
excludes_given=0
# The default exclusion, in one place. Not supported yet: SIMD (v128) is translated (and runs
# under --engine=interp) but the backends do not lower vector ops yet. read -a: no globbing.
read -r -a kDefaultExcludes <<<"${EGRET_SPEC_EXCLUDE-simd_*}"
[ ${#kDefaultExcludes[@]} -gt 0 ] || kDefaultExcludes=("")
files=()
jobs="${EGRET_SPEC_JOBS:-$(nproc)}"

usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; }
text=1
for arg in "$@"; do
  case "$arg" in
    --mode=*) mode="${arg#--mode=}" ;;
    --target=*) target="${arg#--target=}" ;;
    --engine=*) engine="${arg#--engine=}" ;;
    --opt-level=*) opt_level="${arg#--opt-level=}" ;;
    --debug-branch-range-shrink=*) shrink="${arg#--debug-branch-range-shrink=}" ;;
    --text) text=1 ;;
    --json) text=0 ;;
    --exclude=*) excludes+=("${arg#--exclude=}"); excludes_given=1 ;;
    --help|-h) usage; exit 0 ;;
    -*) echo "run.sh: error: unknown flag '$arg'" >&2; exit 2 ;;
    *) files+=("${arg%.wast}") ;;
  esac
done
case "$mode" in validate|compile|run) ;; *) echo "run.sh: error: --mode must be validate|compile|run" >&2; exit 2 ;; esac
[ -d "$spec_dir" ] || { echo "run.sh: error: no testsuite at $spec_dir (set EGRET_SPEC_DIR)" >&2; exit 2; }
[ -x "$egret" ] || { echo "run.sh: error: $egret not built (run 'make build')" >&2; exit 2; }
emulator="${EGRET_EMULATOR:-}"
if [ -z "$emulator" ] && [ "$target" = aarch64 ] && [ "$(uname -m)" != aarch64 ]; then
  emulator=qemu-aarch64
  command -v "$emulator" >/dev/null || { echo "run.sh: error: qemu-aarch64 missing (scripts/setup.sh)" >&2; exit 2; }
fi
[ $text -eq 1 ] || command -v wast2json >/dev/null || { echo "run.sh: error: wast2json missing (run scripts/setup.sh)" >&2; exit 2; }

if [ ${#files[@]} -eq 0 ]; then
  for f in "$spec_dir"/*.wast; do files+=("$(basename "$f" .wast)"); done
  [ $excludes_given -eq 0 ] && excludes=("${kDefaultExcludes[@]}")
fi
selected=()
excluded=()
for name in "${files[@]}"; do
  skip=0
  for g in "${excludes[@]+"${excludes[@]}"}"; do
    # shellcheck disable=SC2053
    if [[ "$name" == $g || "$name.wast" == $g ]]; then skip=1; fi
  done
  if [ $skip -eq 0 ]; then selected+=("$name"); else excluded+=("$name"); fi
done
if [ ${#excluded[@]} -gt 0 ]; then
  echo "spec: ${#excluded[@]} files excluded (${excludes[*]}): ${excluded[*]}"
fi

# Convert (cached): the json folder carries a stamp with the .wast's checksum.
json_root="$build_dir/spec/json"
mkdir -p "$json_root"
convert() {
  local name="$1" src="$spec_dir/$1.wast" out="$json_root/$1"
  [ -f "$src" ] || { echo "run.sh: error: no such spec file: $src" >&2; return 2; }
  local sum; sum="$(sha1sum "$src" | cut -d' ' -f1)"
  if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$sum" ]; then return 0; fi
  rm -rf "$out"; mkdir -p "$out"
  local flags; flags="$(awk -F'\t' -v p="$1.wast" '$1==p {print $2}' "$spec_dir/manifest.tsv")"
  # shellcheck disable=SC2086
  if ! wast2json $flags "$src" -o "$out/$1.json" >"$out/wast2json.log" 2>&1; then
    echo "run.sh: error: wast2json failed on $src (see $out/wast2json.log)" >&2; return 2
  fi
  echo "$sum" > "$out/stamp"
}
export -f convert
export spec_dir json_root
if [ $text -eq 0 ]; then
  printf '%s\n' "${selected[@]}" | xargs -P "$jobs" -I{} bash -c 'convert "$@"' _ {} || exit 2
fi

if [ $text -eq 0 ] && $emulator "$egret" wast --help 2>&1 | grep -q "not available in this build yet"; then
  echo "spec: 'egret wast' is not available in this build yet; every file is skipped"
  total_skipped=0
  for name in "${selected[@]}"; do
    n=$(grep -c '"type": "' "$json_root/$name/$name.json" || true)
    total_skipped=$((total_skipped + n))
  done
  echo "spec: 0 passed, 0 failed, $total_skipped skipped"
  exit 0
fi

suffix=""; [ $text -eq 1 ] || suffix="-json"
[ "$shrink" = 1 ] || suffix="$suffix-shrink$shrink"
[ -z "$opt_level" ] || suffix="$suffix-$opt_level"
results="$build_dir/spec/results-$mode-$target$suffix"
rm -rf "$results"; mkdir -p "$results"
run_one() {
  local name="$1"
  timeout "${EGRET_SPEC_TIMEOUT:-300}" $emulator "$egret" wast --mode="$mode" --target="$target" --engine="$engine" \
    ${opt_level:+--opt-level="$opt_level"} --jobs=1 --debug-branch-range-shrink="$shrink" --expected-failures="$here/expected-failures.txt" \
    "$(if [ "$text" -eq 1 ]; then echo "$spec_dir/$name.wast"; else echo "$json_root/$name/$name.json"; fi)" \
    >"$results/$name.log" 2>&1
  echo $? > "$results/$name.rc"
}
export -f run_one
export egret emulator mode target engine opt_level shrink here results text
printf '%s\n' "${selected[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {}

tp=0; tf=0; ts=0; bad=0
for name in "${selected[@]}"; do
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$results/$name.log" | tail -1 || true)"
  rc="$(cat "$results/$name.rc")"
  if [ -z "$line" ]; then
    echo "FAIL $name: runner crashed (exit $rc); see $results/$name.log"
    tail -3 "$results/$name.log" | sed 's/^/    /'
    tf=$((tf + 1)); bad=1; continue
  fi
  read -r p _ f _ s _ <<<"${line//,/}"
  tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + s))
  if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
    echo "FAIL $name: $line"; bad=1
    grep -E '^[^ ].*: (FAIL|error)' "$results/$name.log" | head -5 | sed 's/^/    /' || true
  else
    echo "ok   $name: $line"
  fi
done
echo "spec: $tp passed, $tf failed, $ts skipped"
exit $bad
