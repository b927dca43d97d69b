#!/usr/bin/env python3
"""Checks print -> parse -> print for every .eir file in a folder.

For each file that `egret ir print` accepts (files named parse-error-* must be rejected), the
printed text is parsed and printed again; both prints must be identical. Usage:
  roundtrip_check.py EGRET_BINARY FOLDER
"""
import pathlib
import subprocess
import sys


def main() -> int:
    egret, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    files = sorted(folder.glob("*.eir"))
    failures = 0
    checked = 0
    for f in files:
        first = subprocess.run([egret, "ir", "print", str(f)], capture_output=True, text=True)
        if f.name.startswith("parse-error-"):
            if first.returncode == 0:
                print(f"FAIL {f.name}: expected a parse error")
                failures += 1
            continue
        if first.returncode != 0:
            print(f"FAIL {f.name}: does not parse: {first.stderr.strip()}")
            failures += 1
            continue
        second = subprocess.run([egret, "ir", "print", "-"], input=first.stdout,
                                capture_output=True, text=True)
        if second.returncode != 0 or second.stdout != first.stdout:
            print(f"FAIL {f.name}: print(parse(print(f))) differs from print(f)")
            failures += 1
            continue
        checked += 1
    print(f"round-tripped {checked} files, {failures} failures")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
