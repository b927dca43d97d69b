#!/usr/bin/env python3
"""aarch64_figures.py: the figures of docs/aarch64.md, side by side for aarch64 and x86_64.

    tests/programs/aarch64_figures.py [--egret=build/bin/egret] [--programs=DIR] [--flite=WASM]
                                      [--reps=5]

Compile-only on this host, so cross compilation to aarch64 is measured like x64's:
  1. code bytes per Wasm code-section byte (`--stats` "code bytes", functions and trampolines,
     against the bodies in the Wasm code section), per program, at --opt-level=none and speed;
  2. compile throughput: the least over --reps runs of `--stats`' translate + compile + link
     (--jobs=1), summed over the programs, per target, and their ratio; with --callgrind also the
     instructions `egret compile --jobs=1` executes (valgrind's callgrind), in total and inside the
     per-function backend pipeline (CompileFunctionPipeline: lower, regalloc, emit), which do not
     depend on the machine's load;
  3. islands and veneers from `--stats`, at real ranges and with every range divided by 4096
     (--debug-branch-range-shrink, to show what the same code needs when ranges are short).
The bench programs are ../shared/bench/programs (or $EGRET_BENCH_PROGRAMS); Flite comes from
--flite or $EGRET_FLITE_WASM (docs/wasi.md) and is reported separately when present. Times are
of this (shared, noisy) machine; only their ratio means anything.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

TARGETS = ("x86_64", "aarch64")
ISLANDS = re.compile(
    r"islands(?: \(ranges shrunk by \d+\))?: (\d+) in (\d+) functions \((\d+) bytes: (\d+) "
    r"veneers of (\d+) bytes, (\d+) constants\); calls: (\d+) veneers of (\d+) bytes in (\d+) "
    r"islands")


def code_section_bytes(path):
    """Bytes of the Wasm code section's payload (the function bodies and their counts)."""
    data = open(path, "rb").read()
    pos, total = 8, 0
    while pos < len(data):
        section = data[pos]
        pos += 1
        size, shift = 0, 0
        while True:
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if section == 10:
            total += size
        pos += size
    return total


def stats(egret, wasm, target, opt_level="none", shrink=1):
    """The `--stats` figures of one compile: code bytes, milliseconds, islands and veneers."""
    out = "/tmp/aarch64_figures.%d.egret" % os.getpid()
    r = subprocess.run([egret, "compile", "--target=" + target, "--opt-level=" + opt_level,
                        "--jobs=1", "--stats", f"--debug-branch-range-shrink={shrink}", wasm,
                        "-o", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if os.path.exists(out):
        os.remove(out)
    if r.returncode != 0:
        sys.exit(f"{wasm}: egret compile --target={target} failed:\n{r.stderr}")
    text = r.stderr
    code = int(re.search(r"code bytes: (\d+)", text).group(1))
    t = re.search(r"translate ([\d.]+) ms, compile \(lower\+regalloc\+emit\) ([\d.]+) ms, "
                  r"link ([\d.]+) ms", text)
    ms = sum(float(x) for x in t.groups())
    islands = tuple(int(x) for x in ISLANDS.search(text).groups())
    return code, ms, islands


def instructions(egret, wasm, target):
    """(all instructions of `egret compile --jobs=1`, those inside CompileFunctionPipeline)."""
    with tempfile.TemporaryDirectory() as tmp:
        profile = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + profile, egret,
                        "compile", "--target=" + target, "--jobs=1", wasm, "-o",
                        os.path.join(tmp, "out.egret")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        text = subprocess.run(["callgrind_annotate", "--inclusive=yes", profile],
                              stdout=subprocess.PIPE, text=True, check=True).stdout
    count = lambda line: int(line.split()[0].replace(",", ""))
    total = next(count(l) for l in text.splitlines() if "PROGRAM TOTALS" in l)
    # The pipeline template may appear as a clone too; the outermost has the largest count.
    backend = max(count(l) for l in text.splitlines() if "CompileFunctionPipeline<" in l)
    return total, backend


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--egret", default=os.path.join(root, "build", "bin", "egret"))
    ap.add_argument("--programs", default=os.environ.get(
        "EGRET_BENCH_PROGRAMS", os.path.join(root, "..", "shared", "bench", "programs")))
    ap.add_argument("--flite", default=os.environ.get("EGRET_FLITE_WASM", ""))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--callgrind", action="store_true",
                    help="also count instructions with valgrind (about 1 min)")
    args = ap.parse_args()
    programs = sorted(glob.glob(os.path.join(args.programs, "*.wasm")))
    if not programs:
        sys.exit(f"no programs in {args.programs}")
    sets = [("bench programs", programs)]
    if args.flite and os.path.isfile(args.flite):
        sets.append(("Flite", [args.flite]))

    print("== code bytes per Wasm code byte (--stats code bytes / code section bytes)")
    print(f"{'module':<12} {'wasm code':>10} {'x64':>10} {'aarch64':>10} {'x64/B':>7} "
          f"{'a64/B':>7} {'a64/x64':>8}")
    for level in ("none", "speed"):
        for label, files in sets:
            wasm_total = x_total = a_total = 0
            for f in files:
                w = code_section_bytes(f)
                x = stats(args.egret, f, "x86_64", level)[0]
                a = stats(args.egret, f, "aarch64", level)[0]
                wasm_total, x_total, a_total = wasm_total + w, x_total + x, a_total + a
                if level == "none" and len(files) > 1:
                    name = os.path.basename(f)[:-5]
                    print(f"{name:<12} {w:>10} {x:>10} {a:>10} {x / w:>7.2f} {a / w:>7.2f} "
                          f"{a / x:>8.2f}")
            print(f"{label + ' ' + level:<12} {wasm_total:>10} {x_total:>10} {a_total:>10} "
                  f"{x_total / wasm_total:>7.2f} {a_total / wasm_total:>7.2f} "
                  f"{a_total / x_total:>8.2f}")

    print(f"\n== compile time, --jobs=1, least of {args.reps} runs (translate+compile+link)")
    for label, files in sets:
        wasm_total = sum(code_section_bytes(f) for f in files)
        best = {}
        for target in TARGETS:
            best[target] = sum(min(stats(args.egret, f, target)[1] for _ in range(args.reps))
                               for f in files)
        x, a = best["x86_64"], best["aarch64"]
        print(f"{label}: x64 {x:.1f} ms ({wasm_total / x / 1e3:.2f} MB/s of Wasm code), aarch64 "
              f"{a:.1f} ms ({wasm_total / a / 1e3:.2f} MB/s); aarch64/x64 time {a / x:.2f}")

    if args.callgrind:
        print("\n== instructions executed by egret compile --jobs=1 (callgrind)")
        for label, files in sets:
            got = {t: [instructions(args.egret, f, t) for f in files] for t in TARGETS}
            tot = {t: sum(x[0] for x in got[t]) for t in TARGETS}
            be = {t: sum(x[1] for x in got[t]) for t in TARGETS}
            print(f"{label}: all x64 {tot['x86_64']:,} aarch64 {tot['aarch64']:,} (aarch64/x64 "
                  f"{tot['aarch64'] / tot['x86_64']:.3f}); backend pipeline x64 {be['x86_64']:,} "
                  f"aarch64 {be['aarch64']:,} (aarch64/x64 {be['aarch64'] / be['x86_64']:.3f})")

    for shrink in (1, 4096):
        print(f"\n== islands and veneers, --debug-branch-range-shrink={shrink} (--stats)")
        for label, files in sets:
            for target in TARGETS:
                sums = [0] * 9
                for f in files:
                    got = stats(args.egret, f, target, shrink=shrink)[2]
                    sums = [s + v for s, v in zip(sums, got)]
                print(f"{label} {target}: {sums[0]} islands in {sums[1]} functions ({sums[2]} "
                      f"bytes: {sums[3]} veneers of {sums[4]} bytes, {sums[5]} constants); "
                      f"calls: {sums[6]} veneers of {sums[7]} bytes in {sums[8]} islands")

if __name__ == "__main__":
    main()
