#!/usr/bin/env python3
"""replicate.py: a large, valid module from a small one, for compile-speed figures.

Repeats every defined function of IN.wasm N times (function and code sections; the copies keep
their bodies, so calls still target the originals) and writes OUT.wasm. Everything else is
copied unchanged. Usage: replicate.py IN.wasm N OUT.wasm
"""
import sys


def leb_u(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def enc_u(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def main():
    src, n, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = open(src, "rb").read()
    out = bytearray(data[:8])
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, p = leb_u(data, pos + 1)
        body = data[p : p + size]
        pos = p + size
        if sid in (3, 10):  # function, code: vec of entries
            count, q = leb_u(body, 0)
            if sid == 3:
                entries = []
                for _ in range(count):
                    start = q
                    _, q = leb_u(body, q)
                    entries.append(body[start:q])
            else:
                entries = []
                for _ in range(count):
                    sz, r = leb_u(body, q)
                    entries.append(body[q : r + sz])
                    q = r + sz
            body = enc_u(count * n) + b"".join(entries) * n
        out.append(sid)
        out += enc_u(len(body)) + body
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
