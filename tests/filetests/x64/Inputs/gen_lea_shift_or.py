#!/usr/bin/env python3
"""Generates tests/filetests/x64/Inputs/lea-shift-or.wast (`python3 gen_lea_shift_or.py >
lea-shift-or.wast`): left shifts by 1..4 whose operand lives on (lea), or/xor with constants
under the known-zero bits of a shift (lea) and near misses, at i32 and i64, checked against a
Python evaluation; and a scan loop whose heap address is shared by a load in the loop and a
store after it (folded into both addressing modes), checked against a Python model."""

M = {"i32": (1 << 32) - 1, "i64": (1 << 64) - 1}
VALUES = {
    "i32": [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0x80000001, 0xc0000000, 0xffffffff, 0x12345678,
            0x40000000, 0xfffffffe],
    "i64": [0, 1, 3, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff,
            0x123456789abcdef0, 0x4000000000000000, 0xe000000000000000, 0x80000000],
}


def lit(t, v):
    return "(%s.const 0x%x)" % (t, v)


out = ["(module"]
asserts = []
for t in ("i32", "i64"):
    for k in (1, 2, 3, 4):
        # x << k with x returned too (x lives on)
        name = "shl%d_live_%s" % (k, t)
        out.append('  (func (export "%s") (param $x %s) (result %s %s)' % (name, t, t, t))
        out.append("    local.get $x %s.const %d %s.shl local.get $x)" % (t, k, t))
        for x in VALUES[t]:
            asserts.append('(assert_return (invoke "%s" %s) %s %s)' % (
                name, lit(t, x), lit(t, (x << k) & M[t]), lit(t, x)))
    for k, c, op in ((1, 1, "or"), (1, 1, "xor"), (2, 3, "or"), (3, 5, "xor"), (1, 3, "or"),
                     (2, 7, "xor")):
        # c = x << k returned too (lives on); c op const (lea when const < 2^k)
        name = "%s%d_%d_%s" % (op, k, c, t)
        out.append('  (func (export "%s") (param $x %s) (result %s %s) (local $c %s)' % (
            name, t, t, t, t))
        out.append("    local.get $x %s.const %d %s.shl local.tee $c %s.const %d %s.%s local.get $c)"
                   % (t, k, t, t, c, t, op))
        for x in VALUES[t]:
            s = (x << k) & M[t]
            r = (s | c) if op == "or" else (s ^ c)
            asserts.append('(assert_return (invoke "%s" %s) %s %s)' % (
                name, lit(t, x), lit(t, r), lit(t, s)))

# while (mem[i] < p) i += 4; mem[i] = p; return i  (mem holds 0, 10, 20, ... at 0, 4, 8, ...)
out.append('  (memory 1)')
out.append('  (func (export "init") (local $i i32)')
out.append('    (loop $l local.get $i local.get $i i32.const 4 i32.div_u i32.const 10 i32.mul'
           ' i32.store local.get $i i32.const 4 i32.add local.tee $i i32.const 4096 i32.lt_u'
           ' br_if $l))')
out.append('  (func (export "scan") (param $i i32) (param $p i32) (result i32)')
out.append('    (loop $l local.get $i i32.const 4 i32.add local.set $i local.get $i i32.load'
           ' local.get $p i32.lt_s br_if $l)')
out.append('    local.get $i local.get $p i32.store local.get $i)')
out.append('  (func (export "load") (param $i i32) (result i32) local.get $i i32.load)')
out.append(")")
mem = [10 * (a // 4) if a % 4 == 0 and a < 4096 else 0 for a in range(0, 8192, 4)]
asserts.append('(invoke "init")')
for start, p in ((-4 & 0xffffffff, 0), (0, 35), (8, 100), (100, 101), (400, 2000), (0, 5)):
    i = start
    while True:
        i = (i + 4) & 0xffffffff
        if (mem[i // 4] if mem[i // 4] < 2**31 else mem[i // 4] - 2**32) >= p:
            break
    mem[i // 4] = p
    asserts.append('(assert_return (invoke "scan" (i32.const %d) (i32.const %d)) (i32.const %d))'
                   % (start if start < 2**31 else start - 2**32, p, i))
    asserts.append('(assert_return (invoke "load" (i32.const %d)) (i32.const %d))' % (i, p))
print("\n".join(out))
print("\n".join(asserts))
