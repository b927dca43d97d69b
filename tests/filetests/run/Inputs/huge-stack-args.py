#!/usr/bin/env python3
"""Writes a module whose function takes N i64 parameters (default 8,300: more than 64 KiB of
stack arguments, beyond x64's `ret $imm16`), called directly and tail-called from a function
with few parameters (its area grows by as much), each returning a weighted sum of its parameters
so a misplaced one shows. Usage: huge-stack-args.py OUT.wat [N]."""
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8300
params = " ".join(["i64"] * n)
terms = "(i64.const 0)"
for k in (0, 1, 2, 7, n // 2, n - 3, n - 2, n - 1):
    terms = f"(i64.add {terms} (i64.mul (local.get {k}) (i64.const {k + 1})))"
args = " ".join(f"(i64.add (local.get 0) (i64.const {k}))" for k in range(n))
with open(out, "w") as f:
    f.write(f"""(module
  (func $huge (param {params}) (result i64) {terms})
  (func (export "call") (param i64) (result i64) (call $huge {args}))
  (func (export "tail") (param i64) (result i64) (return_call $huge {args})))
""")
