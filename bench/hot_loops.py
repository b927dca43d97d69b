#!/usr/bin/env python3
"""Instruction counts of the innermost loops in `egret compile --emit=asm` output (x64).

Usage: bench/hot_loops.py [--function NAME] FILE.s [FILE.s ...]

An innermost loop is the address range [target, branch] of a backward jmp/jcc that contains no
other backward branch. For each file, prints per function (or only NAME) each innermost loop
with its instruction count and byte size, in address order, so two builds of the same program
can be compared loop by loop. Jump-table and constant-pool data lines (`.long`, `.quad`,
`.byte`) are not counted.
"""
import re
import sys

LINE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
BRANCH = re.compile(r"^j[a-z]+$")


def parse(path):
    funcs, cur = {}, None
    for line in open(path):
        if line.startswith("function "):
            cur = line.split()[1].rstrip(":").lstrip("%")
            funcs[cur] = []
            continue
        m = LINE.match(line)
        if cur is None or not m or m.group(2).startswith("."):
            continue
        funcs[cur].append((int(m.group(1), 16), m.group(2), m.group(3)))
    return funcs


def loops(insts):
    back = []
    for addr, mnem, ops in insts:
        if BRANCH.match(mnem) and re.fullmatch(r"0x[0-9a-f]+", ops.strip()):
            t = int(ops.strip(), 16)
            if t <= addr:
                back.append((t, addr))
    inner = [(t, a) for (t, a) in back
             if not any((t2, a2) != (t, a) and t <= t2 and a2 <= a for (t2, a2) in back)]
    out = []
    for t, a in sorted(set(inner)):
        body = [i for i in insts if t <= i[0] <= a]
        size = (insts[insts.index(body[-1]) + 1][0] if insts.index(body[-1]) + 1 < len(insts)
                else body[-1][0]) - t
        out.append((t, a, len(body), size))
    return out


def main():
    args = sys.argv[1:]
    only = None
    if args[:1] == ["--function"]:
        only, args = args[1], args[2:]
    for path in args:
        for name, insts in parse(path).items():
            if only and name != only:
                continue
            for t, a, n, size in loops(insts):
                print(f"{path}\t{name}\t{t:#x}-{a:#x}\t{n} insts\t{size} bytes")


if __name__ == "__main__":
    main()
