#!/usr/bin/env python3
"""coverage.py: per-folder coverage of the fuzz targets, as a table.

Line coverage (what tests/fuzz/coverage.sh prints), from llvm-cov exports:
  llvm-cov-14 export -summary-only -instr-profile=P BINARY > target.json
  tests/fuzz/coverage.py NAME=target.json [NAME=other.json ...]
One column per export: source lines covered / lines with code, per folder of the repository
(backends/<target>, frontend/text, runtime/<part> and tests/<part> one level deeper). Files
outside the repository (system headers) are left out.

Edge coverage of a libFuzzer binary (SanitizerCoverage edges, not lines):
  PATH=$PATH:/usr/lib/llvm-14/bin BUILD/bin/TARGET_fuzz -runs=0 -print_coverage=1 \\
      tests/fuzz/TARGET/corpus > cov.txt 2>&1
  tests/fuzz/coverage.py cov.txt
libFuzzer's -print_coverage lists every instrumented function as COVERED_FUNC or
UNCOVERED_FUNC with `edges: covered/total`; this sums them per folder and prints covered/total
edges and covered/total functions. Only sources compiled into the target itself are
instrumented (see each target's CMakeLists.txt).
"""
import collections
import json
import re
import sys

PATTERN = re.compile(r"^(UN)?COVERED_FUNC: hits: (\d+) edges: (\d+)/(\d+) .* (\S+?):\d+$")
TOP_LEVEL = ("artifact", "backends", "compiler", "frontend", "ir", "machbuffer", "opt",
             "regalloc", "runtime", "support", "tests", "tools")
TWO_LEVELS = ("backends", "runtime", "tests")


def area_of(path: str):
    parts = path.split("/")
    # The last top-level name in the path is the repository's (a checkout may sit under a
    # folder that happens to be called `tests` or `support`).
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in TOP_LEVEL and i + 1 < len(parts):
            rest = parts[i:]
            if len(rest) > 2 and (rest[0] in TWO_LEVELS or rest[:2] == ["frontend", "text"]):
                return "/".join(rest[:2])
            return rest[0]
    return None


def edges_main(path: str) -> int:
    edges = collections.Counter()
    covered = collections.Counter()
    funcs = collections.Counter()
    funcs_hit = collections.Counter()
    for line in open(path, errors="replace"):
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


def lines_of(path: str):
    """folder -> [covered, total] lines from one llvm-cov export."""
    with open(path) as f:
        data = json.load(f)
    folders = collections.defaultdict(lambda: [0, 0])
    for export in data["data"]:
        for entry in export["files"]:
            area = area_of(entry["filename"])
            if area is None:
                continue
            lines = entry["summary"]["lines"]
            folders[area][0] += lines["covered"]
            folders[area][1] += lines["count"]
    return folders


def lines_main(specs) -> int:
    columns = []
    for spec in specs:
        name, _, path = spec.partition("=")
        if not path:
            print(f"coverage.py: error: expected NAME=FILE.json, got '{spec}'", file=sys.stderr)
            return 2
        columns.append((name, lines_of(path)))
    areas = sorted({a for _, folders in columns for a in folders})
    if not areas:
        print("coverage.py: no repository sources in the exports", file=sys.stderr)
        return 1
    cell = 22
    print("lines covered / lines with code, per folder")
    print(f"{'folder':20s}" + "".join(f"{name:>{cell}s}" for name, _ in columns))
    for area in areas:
        row = f"{area:20s}"
        for _, folders in columns:
            if area in folders and folders[area][1]:
                c, t = folders[area]
                row += f"{f'{c}/{t} {100.0 * c / t:5.1f}%':>{cell}s}"
            else:
                row += f"{'-':>{cell}s}"
        print(row)
    return 0


def main() -> int:
    args = sys.argv[1:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if len(args) == 1 and "=" not in args[0]:
        return edges_main(args[0])
    return lines_main(args)


if __name__ == "__main__":
    sys.exit(main())
