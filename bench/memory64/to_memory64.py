#!/usr/bin/env python3
"""to_memory64.py: rewrite a memory32 module into the same program on an i64 memory.

    bench/memory64/to_memory64.py IN.wasm OUT.wasm

For measuring what memory64's explicit bounds checks cost (docs/performance.md, "memory64"):
the output computes exactly what the input does, but its memory is i64-indexed, so every access
goes through the memory64 path of the compiler. The rewrite:

  - the memory (defined or imported) gets limits flag 0x04 and u64 limits;
  - active data segment offsets `i32.const N` become `i64.const N` (N as unsigned);
  - every load's i32 address is widened with `i64.extend_i32_u` right before the load; a store
    parks its value in a scratch local, widens the address, and takes the value back
    (`local.set`/`local.get` cost nothing after SSA construction, and `i64.extend_i32_u` is the
    `uextend` a memory32 access does anyway, so the difference is the bounds check alone);
  - memory.size and memory.grow results are wrapped back to i32 (`i32.wrap_i64`), memory.grow's
    operand and the bulk operators' addresses and lengths widened likewise.

Five scratch locals (i32, i32, i64, f32, f64) are appended to every function. Modules with SIMD
or several memories, or data offsets that are not constants, are refused. Addresses stay below
2^32, so results and traps are those of the original.
"""
import sys

# ---- LEB128 ----


def read_u(b, i):
    r = shift = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return r, i


def read_s(b, i, bits):
    r = shift = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            if x & 0x40 and shift < bits + 7:
                r -= 1 << shift
            return r, i


def u(v):
    out = bytearray()
    while True:
        x = v & 0x7F
        v >>= 7
        if v:
            out.append(x | 0x80)
        else:
            out.append(x)
            return bytes(out)


def s(v):
    out = bytearray()
    while True:
        x = v & 0x7F
        v >>= 7
        if (v == 0 and not x & 0x40) or (v == -1 and x & 0x40):
            out.append(x)
            return bytes(out)
        out.append(x | 0x80)


class Refused(Exception):
    pass


# ---- Instructions ----

I64_EXTEND_I32_U = b"\xad"
I32_WRAP_I64 = b"\xa7"
LOADS = set(range(0x28, 0x36))
# Store opcode -> which scratch local holds its value (index into the scratch list).
STORES = {0x36: 0, 0x37: 2, 0x38: 3, 0x39: 4, 0x3A: 0, 0x3B: 0, 0x3C: 2, 0x3D: 2, 0x3E: 2}


def skip_blocktype(b, i):
    if b[i] == 0x40 or b[i] in (0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F):
        return i + 1
    _, i = read_s(b, i, 33)
    return i


def rewrite_body(body, scratch):
    """Returns the rewritten expression bytes (after the locals)."""
    a, bb, c, d, e = scratch  # i32, i32, i64, f32, f64 local indices
    store_tmp = [a, None, c, d, e]
    get = lambda x: b"\x20" + u(x)
    set_ = lambda x: b"\x21" + u(x)
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        start = i
        op = body[i]
        i += 1
        if op in (0x02, 0x03, 0x04):
            i = skip_blocktype(body, i)
        elif op in (0x0C, 0x0D, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xD2):
            _, i = read_u(body, i)
        elif op == 0x0E:
            cnt, i = read_u(body, i)
            for _ in range(cnt + 1):
                _, i = read_u(body, i)
        elif op == 0x11:
            _, i = read_u(body, i)
            _, i = read_u(body, i)
        elif op == 0x1C:
            cnt, i = read_u(body, i)
            i += cnt
        elif op == 0xD0:
            i += 1
        elif op == 0x41:
            _, i = read_s(body, i, 32)
        elif op == 0x42:
            _, i = read_s(body, i, 64)
        elif op == 0x43:
            i += 4
        elif op == 0x44:
            i += 8
        elif op in LOADS or op in STORES:
            align, i = read_u(body, i)
            if align & 0x40:
                raise Refused("a memory index in a memarg (several memories)")
            _, i = read_u(body, i)
            if op in LOADS:
                out += I64_EXTEND_I32_U
            else:
                t = store_tmp[STORES[op]]
                out += set_(t) + I64_EXTEND_I32_U + get(t)
            out += body[start:i]
            continue
        elif op in (0x3F, 0x40):
            i += 1  # reserved 0x00
            if op == 0x40:
                out += I64_EXTEND_I32_U
            out += body[start:i] + I32_WRAP_I64
            continue
        elif op == 0xFC:
            sub, i = read_u(body, i)
            if sub <= 7:
                pass
            elif sub == 8:  # memory.init data 0x00: [d i32->i64, s i32, n i32]
                _, i = read_u(body, i)
                i += 1
                out += set_(a) + set_(bb) + I64_EXTEND_I32_U + get(bb) + get(a) + body[start:i]
                continue
            elif sub == 9 or sub == 13 or sub == 15 or sub == 16 or sub == 17:
                _, i = read_u(body, i)
            elif sub == 10:  # memory.copy: [d, s, n] all to i64
                i += 2
                out += (set_(a) + set_(bb) + I64_EXTEND_I32_U + get(bb) + I64_EXTEND_I32_U +
                        get(a) + I64_EXTEND_I32_U + body[start:i])
                continue
            elif sub == 11:  # memory.fill: [d -> i64, v i32, n -> i64]
                i += 1
                out += (set_(a) + set_(bb) + I64_EXTEND_I32_U + get(bb) + get(a) +
                        I64_EXTEND_I32_U + body[start:i])
                continue
            elif sub == 12 or sub == 14:
                _, i = read_u(body, i)
                _, i = read_u(body, i)
            else:
                raise Refused("unknown 0xfc operator %d" % sub)
        elif op == 0xFD:
            raise Refused("SIMD")
        elif op in (0x05, 0x0B, 0x00, 0x01, 0x0F, 0x1A, 0x1B, 0xD1) or 0x45 <= op <= 0xC4:
            pass
        else:
            raise Refused("unknown opcode 0x%02x" % op)
        out += body[start:i]
    return bytes(out)


def rewrite_function(body, num_params):
    i = 0
    groups, i = read_u(body, i)
    decls = []
    total = 0
    for _ in range(groups):
        cnt, i = read_u(body, i)
        decls.append((cnt, body[i]))
        total += cnt
        i += 1
    base = num_params + total
    scratch = [base, base + 1, base + 2, base + 3, base + 4]
    code = rewrite_body(body[i:], scratch)
    decls += [(2, 0x7F), (1, 0x7E), (1, 0x7D), (1, 0x7C)]
    out = bytearray(u(len(decls)))
    for cnt, t in decls:
        out += u(cnt) + bytes([t])
    return bytes(out) + code


def memtype64(b, i):
    flags = b[i]
    i += 1
    if flags & ~1:
        raise Refused("memory flags 0x%02x" % flags)
    mn, i = read_u(b, i)
    out = bytes([flags | 4]) + u(mn)
    if flags & 1:
        mx, i = read_u(b, i)
        out += u(mx)
    return out, i


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    data = open(argv[1], "rb").read()
    assert data[:8] == b"\x00asm\x01\x00\x00\x00", "not a Wasm 1.0 module"
    i = 8
    sections = []
    while i < len(data):
        sid = data[i]
        size, j = read_u(data, i + 1)
        sections.append((sid, data[j:j + size]))
        i = j + size
    types, func_types, num_imported_funcs, memories = [], [], 0, 0
    out = bytearray(data[:8])
    for sid, p in sections:
        if sid == 1:  # types: record parameter counts
            k = 0
            cnt, k = read_u(p, k)
            for _ in range(cnt):
                assert p[k] == 0x60
                np_, k = read_u(p, k + 1)
                k += np_
                nr, k = read_u(p, k)
                k += nr
                types.append(np_)
        elif sid == 2:  # imports
            k = 0
            cnt, k = read_u(p, k)
            np_ = bytearray(u(cnt))
            for _ in range(cnt):
                st = k
                for _ in range(2):
                    ln, k = read_u(p, k)
                    k += ln
                kind = p[k]
                k += 1
                np_ += p[st:k]
                if kind == 0:
                    t, k2 = read_u(p, k)
                    func_types.append(t)
                    num_imported_funcs += 1
                    np_ += p[k:k2]
                    k = k2
                elif kind == 1:
                    st2 = k
                    k += 1
                    fl = p[k]
                    k += 1
                    _, k = read_u(p, k)
                    if fl & 1:
                        _, k = read_u(p, k)
                    np_ += p[st2:k]
                elif kind == 2:
                    mt, k = memtype64(p, k)
                    memories += 1
                    np_ += mt
                else:
                    np_ += p[k:k + 2]
                    k += 2
            p = bytes(np_)
        elif sid == 3:
            k = 0
            cnt, k = read_u(p, k)
            for _ in range(cnt):
                t, k = read_u(p, k)
                func_types.append(t)
        elif sid == 5:
            k = 0
            cnt, k = read_u(p, k)
            np_ = bytearray(u(cnt))
            for _ in range(cnt):
                mt, k = memtype64(p, k)
                np_ += mt
            memories += cnt
            p = bytes(np_)
        elif sid == 10:
            k = 0
            cnt, k = read_u(p, k)
            np_ = bytearray(u(cnt))
            for f in range(cnt):
                size, k = read_u(p, k)
                nb = rewrite_function(p[k:k + size], types[func_types[num_imported_funcs + f]])
                np_ += u(len(nb)) + nb
                k += size
            p = bytes(np_)
        elif sid == 11:
            k = 0
            cnt, k = read_u(p, k)
            np_ = bytearray(u(cnt))
            for _ in range(cnt):
                flags, k = read_u(p, k)
                if flags == 1:
                    np_ += u(1)
                elif flags in (0, 2):
                    np_ += u(flags)
                    if flags == 2:
                        mem, k = read_u(p, k)
                        np_ += u(mem)
                    if p[k] != 0x41:
                        raise Refused("data offset that is not i32.const")
                    v, k = read_s(p, k + 1, 32)
                    assert p[k] == 0x0B
                    k += 1
                    np_ += b"\x42" + s(v & 0xFFFFFFFF) + b"\x0b"
                else:
                    raise Refused("data segment kind %d" % flags)
                ln, k = read_u(p, k)
                np_ += u(ln) + p[k:k + ln]
                k += ln
            p = bytes(np_)
        out += bytes([sid]) + u(len(p)) + p
    if memories != 1:
        raise Refused("%d memories (one expected)" % memories)
    open(argv[2], "wb").write(out)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Refused as e:
        sys.exit("to_memory64.py: refused: %s" % e)
