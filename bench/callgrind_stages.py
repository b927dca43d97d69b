#!/usr/bin/env python3
"""callgrind_stages.py: instructions per Wasm byte per compile stage, from callgrind profiles.

    callgrind_stages.py CODE_BYTES NAME=callgrind.out [NAME=callgrind.out ...]

Each profile is one `egret compile --jobs=1` process (bench/callgrind.sh --stages runs them).
A stage is the inclusive Ir of the function that runs it (`callgrind_annotate --inclusive=yes`);
`other` is the rest of the process (start-up, reading the file, metadata, linking), so the
column sums to the whole process. Prints a markdown table, one column per profile, in Ir per
byte of function bodies (CODE_BYTES).
"""
import re
import subprocess
import sys

# (stage, regular expression on callgrind_annotate's function name). Stages do not nest.
STAGES = [
    ("decode/validate", r"egret::wasm::LoadModule\("),
    ("translate", r"egret::wasm::FunctionTranslator::Translate\("),
    ("verify", r"egret::ir::Verify\(egret::ir::Function const&"),
    ("IR passes", r"egret::opt::PassManager::Run\("),
    ("lower", r"egret::(x64|aarch64)::Lower\(egret::ir::Function const&"),
    ("regalloc", r"egret::regalloc::Allocate\("),
    ("emit", r"egret::(x64|aarch64)::EmitFunction\("),
    ("artifact write", r"egret::artifact::WriteArtifact"),
]
LINE = re.compile(r"^\s*([\d,]+) \([\s\d.]+%\)\s+\S*?:(.*) \[")


def stage_costs(path):
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                         check=True, capture_output=True, text=True).stdout
    total = None
    costs = {name: 0 for name, _ in STAGES}
    for line in out.splitlines():
        if total is None and "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
            continue
        m = LINE.match(line)
        if not m:
            continue
        ir, fn = int(m.group(1).replace(",", "")), m.group(2)
        for name, pattern in STAGES:
            # Several symbols can match (a function and its clones); keep the largest, which
            # includes the others when they call each other.
            if re.search(pattern, fn):
                costs[name] = max(costs[name], ir)
    costs["other"] = total - sum(costs.values())
    costs["total"] = total
    return costs


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    code = int(sys.argv[1])
    columns = []
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        columns.append((name, stage_costs(path)))
    print("| stage | " + " | ".join(n for n, _ in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for stage in [s for s, _ in STAGES] + ["other", "total"]:
        cells = [f"{c[stage] / code:,.0f}" for _, c in columns]
        label = f"**{stage}**" if stage == "total" else stage
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
