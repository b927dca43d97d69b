#!/usr/bin/env bash
# run.sh: the spec testsuite runner.
#
#   tests/spec/run.sh [--mode=validate|compile|run] [--target=x86_64] [--engine=none|interp]
#                     [--opt-level=none|speed] [--debug-branch-range-shrink=N] [--json]
#                     [--exclude=GLOB]... [--proposal=NAME]... [--wasm-features=LIST]
#                     [FILES...]
#
# Reads the pinned testsuite from ../shared/wasm-testsuite (or $EGRET_SPEC_DIR) and runs
# `egret wast --mode=MODE` (default: run, i.e. compile, instantiate and execute every command)
# on each .wast file, which egret parses itself (frontend/text), and prints one line per file
# and a total:
#   spec: N passed, N failed, N skipped
# FILES are names like `i32` or `i32.wast`, or proposal files `proposals/NAME/file.wast`; the
# default is every core file except the ones in kDefaultExcludes below (none by default), which are
# listed as excluded. --proposal=NAME (repeatable) runs every file
# of proposals/NAME/ instead (a proposal's folder often has its own copy of a core file, e.g.
# memory.wast: its results go to a per-proposal folder, results-.../proposals/NAME/). Each line
# and the total also show wabt's interpreter figure from manifest.tsv (spectest_interp_passed,
# the acceptance bar for a proposal: at least as many commands must pass), and the total line
# says whether egret reached it (run mode with compiled code only): `(wabt interp: N passed; at
# least as many)` or `(wabt interp: N passed; M fewer)`. --wasm-features is passed to egret
# wast. Expected failures of a proposal's files live in expected-failures-NAME.txt when it
# exists.
# --exclude replaces that default (`--exclude=` excludes nothing); $EGRET_SPEC_EXCLUDE, when
# set, replaces it too (space-separated globs; set and empty: nothing excluded).
# --engine=interp also executes assert_return/assert_trap on
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
# The default exclusion, in one place: nothing (every core file runs, SIMD included, on both
# targets). $EGRET_SPEC_EXCLUDE sets it (space-separated globs). read -a: no globbing.
read -r -a kDefaultExcludes <<<"${EGRET_SPEC_EXCLUDE-}"
[ ${#kDefaultExcludes[@]} -gt 0 ] || kDefaultExcludes=("")
files=()
proposals=()
wasm_features=""  # empty: egret's default
jobs="${EGRET_SPEC_JOBS:-$(nproc)}"

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; }
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
    --proposal=*) proposals+=("${arg#--proposal=}") ;;
    --wasm-features=*) wasm_features="${arg#--wasm-features=}" ;;
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
# qemu's -L /usr/aarch64-linux-gnu pairs the cross toolchain's loader with the multiarch libc, and
# every thread or fork then hangs (docs/testing.md, "Threads under qemu").
case " $emulator " in
  *" -L"*) echo "run.sh: error: EGRET_EMULATOR='$emulator' passes -L; run qemu-aarch64 without it (docs/testing.md, \"Threads under qemu\")" >&2; exit 2 ;;
esac
[ $text -eq 1 ] || command -v wast2json >/dev/null || { echo "run.sh: error: wast2json missing (run scripts/setup.sh)" >&2; exit 2; }

for p in "${proposals[@]+"${proposals[@]}"}"; do
  [ -d "$spec_dir/proposals/$p" ] || { echo "run.sh: error: no proposal '$p' in $spec_dir/proposals (known: $(ls "$spec_dir/proposals" | tr '\n' ' '))" >&2; exit 2; }
  for f in "$spec_dir/proposals/$p"/*.wast; do files+=("proposals/$p/$(basename "$f" .wast)"); done
done
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
  if ! wast2json $flags "$src" -o "$out/$(basename "$1").json" >"$out/wast2json.log" 2>&1; then
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
    n=$(grep -c '"type": "' "$json_root/$name/$(basename "$name").json" || true)
    total_skipped=$((total_skipped + n))
  done
  echo "spec: 0 passed, 0 failed, $total_skipped skipped"
  exit 0
fi

suffix=""; [ $text -eq 1 ] || suffix="-json"
[ "$shrink" = 1 ] || suffix="$suffix-shrink$shrink"
[ -z "$opt_level" ] || suffix="$suffix-$opt_level"
[ -z "$wasm_features" ] || suffix="$suffix-features-$(echo "$wasm_features" | tr -c 'a-z0-9\n' '_')"
results="$build_dir/spec/results-$mode-$target$suffix"
# Only the selected files' logs are replaced: core and proposal runs (proposals/NAME/ below) share
# the folder without erasing each other's results.
mkdir -p "$results"
for name in "${selected[@]}"; do rm -f "$results/$name.log" "$results/$name.rc"; done
run_one() {
  local name="$1" xfail="$here/expected-failures.txt"
  mkdir -p "$(dirname "$results/$name")"
  case "$name" in
    proposals/*/*) local p="${name#proposals/}"; p="${p%%/*}"
                   xfail="$here/expected-failures-$p.txt"; [ -f "$xfail" ] || xfail="" ;;
  esac
  timeout "${EGRET_SPEC_TIMEOUT:-300}" $emulator "$egret" wast --mode="$mode" --target="$target" --engine="$engine" \
    ${opt_level:+--opt-level="$opt_level"} ${wasm_features:+--wasm-features="$wasm_features"} \
    --jobs=1 --debug-branch-range-shrink="$shrink" ${xfail:+--expected-failures="$xfail"} \
    "$(if [ "$text" -eq 1 ]; then echo "$spec_dir/$name.wast"; else echo "$json_root/$name/$(basename "$name").json"; fi)" \
    >"$results/$name.log" 2>&1
  echo $? > "$results/$name.rc"
}
export -f run_one
export egret emulator mode target engine opt_level wasm_features shrink here results text
printf '%s\n' "${selected[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {}

# wabt's interpreter: commands it passes per file (manifest.tsv's spectest_interp_passed).
wabt_passed() {
  awk -F'\t' -v p="$1.wast" 'NR==1 {for (i=1;i<=NF;i++) if ($i=="spectest_interp_passed") c=i; next}
                              $1==p && c {print $c}' "$spec_dir/manifest.tsv"
}
tp=0; tf=0; ts=0; bad=0; tw=0; wabt_known=1
for name in "${selected[@]}"; do
  w="$(wabt_passed "$name")"
  if [ -n "$w" ]; then tw=$((tw + w)); wnote=" (wabt interp: $w)"; else wabt_known=0; wnote=""; fi
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
    echo "FAIL $name: $line$wnote"; bad=1
    grep -E '^[^ ].*: (FAIL|error)' "$results/$name.log" | head -5 | sed 's/^/    /' || true
  else
    echo "ok   $name: $line$wnote"
  fi
done
# The comparison means something only when every command runs (run mode, compiled code).
if [ $wabt_known -eq 1 ] && [ "$mode" = run ] && [ "$engine" = none ]; then
  if [ "$tp" -ge "$tw" ]; then cmp="at least as many"; else cmp="$((tw - tp)) fewer"; fi
  echo "spec: $tp passed, $tf failed, $ts skipped (wabt interp: $tw passed; $cmp)"
else
  echo "spec: $tp passed, $tf failed, $ts skipped"
fi
exit $bad
