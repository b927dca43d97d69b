#!/usr/bin/env python3
"""coverage.py: per-folder edge coverage of a libFuzzer target over its corpus.

Usage:
  PATH=$PATH:/usr/lib/llvm-14/bin BUILD/bin/TARGET_fuzz -runs=0 -print_coverage=1 \\
      tests/fuzz/TARGET/corpus > cov.txt 2>&1
  tests/fuzz/coverage.py cov.txt

libFuzzer's -print_coverage lists every instrumented function as COVERED_FUNC or
UNCOVERED_FUNC with `edges: covered/total` (SanitizerCoverage edges, not source lines). This
sums them per folder of the repository (backends/<target> and runtime/ one level deeper) and
prints covered/total edges and covered/total functions. Only sources compiled into the target
itself are instrumented (see each target's CMakeLists.txt).
"""
import collections
import re
import sys

PATTERN = re.compile(r"^(UN)?COVERED_FUNC: hits: (\d+) edges: (\d+)/(\d+) .* (\S+?):\d+$")
TOP_LEVEL = ("artifact", "backends", "compiler", "frontend", "ir", "machbuffer", "opt",
             "regalloc", "runtime", "support", "tests", "tools")


def area_of(path: str):
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part in TOP_LEVEL:
            rest = parts[i:]
            if rest[0] in ("backends", "runtime", "tests") and len(rest) > 2:
                return "/".join(rest[:2])
            return rest[0]
    return None


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    edges = collections.Counter()
    covered = collections.Counter()
    funcs = collections.Counter()
    funcs_hit = collections.Counter()
    for line in open(sys.argv[1], errors="replace"):
        m = PATTERN.match(line.strip())
        if not m:
            continue
        area = area_of(m.group(5))
        if area is None:
            continue
        covered[area] += int(m.group(3))
        edges[area] += int(m.group(4))
        funcs[area] += 1
        funcs_hit[area] += int(m.group(2)) > 0
    if not edges:
        print("coverage.py: no COVERED_FUNC lines (run the target with -print_coverage=1)",
              file=sys.stderr)
        return 1
    print(f"{'folder':20s} {'edges':>15s} {'':>6s} {'functions':>10s}")
    for area in sorted(edges):
        pct = 100.0 * covered[area] / max(1, edges[area])
        print(f"{area:20s} {covered[area]:7d}/{edges[area]:<7d} {pct:5.1f}% "
              f"{funcs_hit[area]:4d}/{funcs[area]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
