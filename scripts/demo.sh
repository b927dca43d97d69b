#!/usr/bin/env bash
# demo.sh: the README's first command ends here. It runs the most of the pipeline that exists on
# the bundled example and shows its output. As stages land, this grows towards "compile and run a
# bundled WASI program and show its output and --stats".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
egret="$root/$build/bin/egret"
[ -x "$egret" ] || egret="$build/bin/egret"
echo "\$ egret --version"
"$egret" --version
echo
echo "\$ egret --help"
"$egret" --help
