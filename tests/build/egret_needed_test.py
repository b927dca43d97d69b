#!/usr/bin/env python3
"""The shared libraries the egret executable needs at start-up (docs/performance.md, issue 24).

Every egret command pays the dynamic loader for each library it needs: libcapstone's 77 K
relative relocations (it is loaded with dlopen for --emit=asm only, support/capstone_library.h)
and libstdc++'s symbol lookups (a static libstdc++ and abseil under EGRET_STATIC_RUNTIME) were
3.4 M of the 3.8 M instructions of `egret validate` on an empty module.

Usage: egret_needed_test.py EGRET STATIC_RUNTIME(ON|OFF)
"""
import re
import shutil
import subprocess
import sys


def needed(path):
    readelf = shutil.which("readelf")
    if readelf is None:
        print("readelf not found: skipped")
        sys.exit(0)
    out = subprocess.run([readelf, "-d", path], check=True, capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def main():
    egret, static_runtime = sys.argv[1], sys.argv[2].upper() in ("ON", "1", "TRUE", "YES")
    libs = needed(egret)
    print("egret needs:", " ".join(libs))
    forbidden = [r"^libcapstone\."]
    if static_runtime:
        forbidden += [r"^libstdc\+\+\.", r"^libgcc_s\.", r"^libabsl_"]
    bad = [lib for lib in libs if any(re.search(f, lib) for f in forbidden)]
    if bad:
        print("egret must not need:", " ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
