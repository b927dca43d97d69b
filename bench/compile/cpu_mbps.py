#!/usr/bin/env python3
"""cpu_mbps.py: compile MB/s per core of one or more egret binaries, side by side.

    cpu_mbps.py [-r RUNS] [--levels none,speed] NAME=EGRET [NAME=EGRET ...] -- FILE.wasm ...

For each module and opt level, runs `EGRET compile --jobs=1 --opt-level=L FILE -o /dev/null`
RUNS times per binary, the binaries alternating run by run (so load on a shared machine hits
them alike), and takes each binary's median CPU time (user + system of the child, from
getrusage: wall time on a loaded machine means little). Prints a markdown table of MB of Wasm
(module bytes) per CPU second, and the ratio of every binary to the first.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys


def cpu_seconds(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("-r", "--runs", type=int, default=5)
    p.add_argument("--levels", default="none,speed")
    p.add_argument("binaries", nargs="+")
    args = p.parse_args(argv[:split])
    files = argv[split + 1:]
    bins = [b.split("=", 1) for b in args.binaries]
    levels = args.levels.split(",")
    header = "| module | MB | level | " + " | ".join(f"{n} MB/s" for n, _ in bins)
    header += "".join(f" | {n} / {bins[0][0]}" for n, _ in bins[1:]) + " |"
    print(header)
    print("|---|---:|---|" + "---:|" * (2 * len(bins) - 1))
    for f in files:
        mb = os.path.getsize(f) / 1e6
        for level in levels:
            times = {n: [] for n, _ in bins}
            for _ in range(args.runs):
                for n, exe in bins:
                    times[n].append(cpu_seconds([exe, "compile", "--jobs=1", f"--opt-level={level}",
                                                 f, "-o", "/dev/null"]))
            rates = [mb / statistics.median(times[n]) for n, _ in bins]
            row = f"| {os.path.basename(f)} | {mb:.3f} | {level} | "
            row += " | ".join(f"{r:.2f}" for r in rates)
            row += "".join(f" | {r / rates[0]:.3f}" for r in rates[1:]) + " |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
