#!/usr/bin/env python3
"""Writes a module whose functions outgrow the reach of aarch64's short branches.

  $tbz    ~48 KiB between a tbnz/tbz on bit 2 and its target (tbz/tbnz reach 32 KiB)
  $bcond  ~1.4 MiB between a b.cond and its target (b.cond reaches 1 MiB), with a float
          constant (ldr literal, 1 MiB reach) used at the top

Each step is `x = x * 0x12345679` (movz, movk, mul: 12 bytes), which no pass removes at
--opt-level=none.
"""
import sys


def body(steps):
    return " ".join("local.get 1 i32.const 0x12345679 i32.mul local.set 1" for _ in range(steps))


def main():
    out = ["(module"]
    out.append("  (func $tbz (export \"tbz\") (param i32 i32) (result i32)")
    out.append("    (if (i32.and (local.get 0) (i32.const 4)) (then " + body(4096) + "))")
    out.append("    local.get 1)")
    out.append("  (func $bcond (export \"bcond\") (param i32 i32 f64) (result i32 f64)")
    out.append("    (local.set 2 (f64.add (local.get 2) (f64.const 1.25)))")
    out.append("    (if (i32.lt_s (local.get 0) (i32.const 100)) (then " + body(120000) + "))")
    out.append("    local.get 1 local.get 2)")
    out.append(")")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
