#!/usr/bin/env python3
"""Cranelift's (or egret's) hottest machine code for a bench program, with perf samples per instruction.

Usage: bench/peer_hot.py [--engine cranelift|egret] [--delay S] [--duration S] [--window BYTES]
                         PROGRAM|FILE.wasm

Cranelift runs the programs inside wizer (bench/compare.sh, engine `cranelift`), which has no
option to print the code it compiles. This script starts wizer on the program, samples the
running process with `perf record -e cpu-clock` (a software clock: no hardware counters needed)
for --duration seconds after --delay seconds, copies the code around the most-sampled address
out of the live process with gdb, and disassembles it with objdump: each instruction with the
samples that landed on it, starting at the lowest sampled address near the hot spot. Compare
with `egret compile --opt-level=speed --emit=asm` (and `bench/hot_loops.py`) loop by loop, or
run the script with `--engine egret` (`egret run` at speed, EGRET or build/bin/egret) to get
egret's hot code sampled the same way.

The samples are taken while the kernel runs, so --delay must pass wizer's compilation and the
program's set-up, and --delay + --duration must end before the kernel does (the default sizes
run for 0.4 to 3 seconds). Needs perf, gdb, objdump, and WIZER (default: as bench/compare.sh).
"""
import argparse
import collections
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("EGRET_BENCH_DIR") or os.path.join(os.path.dirname(ROOT), "shared", "bench")


def fail(msg):
    sys.exit(f"peer_hot.py: {msg}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("program", help="a name in ../shared/bench/programs, or a .wasm path")
    ap.add_argument("--engine", choices=("cranelift", "egret"), default="cranelift",
                    help="cranelift (wizer, default) or egret (egret run, --opt-level=speed)")
    ap.add_argument("--delay", type=float, default=0.2, help="seconds before sampling (default 0.2)")
    ap.add_argument("--duration", type=float, default=0.15, help="seconds of sampling (default 0.15)")
    ap.add_argument("--window", type=int, default=1024,
                    help="bytes around the hottest address to copy (default 1024)")
    a = ap.parse_args()
    wasm = a.program if a.program.endswith(".wasm") else os.path.join(SHARED, "programs", a.program + ".wasm")
    if not os.path.isfile(wasm):
        fail(f"no such module: {wasm}")
    egret = os.environ.get("EGRET") or os.path.join(ROOT, "build", "bin", "egret")
    wizer = os.environ.get("WIZER") or os.path.join(SHARED, ".peers", "node_modules", "@bytecodealliance",
                                                     "wizer-linux-x64", "wizer")
    if a.engine == "egret":
        if not os.access(egret, os.X_OK):
            fail(f"no egret at {egret} (make build, or set EGRET=)")
        cmd = [egret, "run", "--opt-level=speed", wasm]
    elif not os.access(wizer, os.X_OK):
        fail(f"no wizer at {wizer} (set WIZER=, or run ../shared/bench/install-peers.sh)")
    else:
        cmd = [wizer, "--allow-wasi", "--inherit-stdio", "true", "--init-func", "_start", "-o", "/dev/null", wasm]
    for tool in ("perf", "gdb", "objdump"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            fail(f"{tool} is not installed")

    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(a.delay)
        data = os.path.join(tmp, "perf.data")
        rec = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock:u", "-F", "4000", "-o", data, "-p",
                                str(proc.pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(a.duration)
        # Stop the program before it can finish, so that its code is still there to copy.
        try:
            os.kill(proc.pid, signal.SIGSTOP)
        except ProcessLookupError:
            pass
        rec.send_signal(signal.SIGINT)
        rec_out, rec_err = rec.communicate()
        if not os.path.exists(data):
            proc.kill()
            fail(f"perf record failed (exit {rec.returncode}): {rec_err.strip()}")
        script = subprocess.run(["perf", "script", "-i", data, "-F", "ip"], capture_output=True, text=True)
        samples = collections.Counter(int(x, 16) for x in script.stdout.split() if re.fullmatch(r"[0-9a-f]+", x))
        if not samples:
            proc.kill()
            fail("no samples (did the program finish before --delay?)")
        top = samples.most_common(1)[0][0]
        lo, hi = top - a.window // 2, top + a.window // 2
        # Keep the window inside the mapping that holds the hot code (gdb copies nothing if any
        # byte of the range is unmapped).
        try:
            for line in open(f"/proc/{proc.pid}/maps"):
                start_s, end_s = line.split()[0].split("-")
                if int(start_s, 16) <= top < int(end_s, 16):
                    lo, hi = max(lo, int(start_s, 16)), min(hi, int(end_s, 16))
                    break
        except OSError:
            pass
        raw = os.path.join(tmp, "code.bin")
        gdb = subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-ex",
                              f"dump binary memory {raw} {lo:#x} {hi:#x}"], capture_output=True, text=True)
        os.kill(proc.pid, signal.SIGCONT)
        out, err = proc.communicate()
        if not os.path.exists(raw):
            fail("could not copy the code out of the process (it finished too early: lower --delay or "
                 f"--duration); gdb said: {gdb.stderr.strip()[-300:]}")
        near = {ip: n for ip, n in samples.items() if lo <= ip < hi}
        total = sum(samples.values())

        def disassemble(start):
            dis = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", f"--adjust-vma={lo:#x}",
                                  f"--start-address={start:#x}", f"--stop-address={max(near) + 48:#x}", raw],
                                 capture_output=True, text=True, check=True).stdout
            insts = []
            for line in dis.splitlines():
                m = re.match(r"^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.+)$", line)
                if m:  # (objdump continues a long instruction's bytes on a line without text)
                    insts.append((int(m.group(1), 16), m.group(2).strip()))
            return insts

        # A sampled address starts an instruction; so does the target of a branch found from
        # there. Start at the lowest such target in the window, so that a loop whose first
        # instructions got no sample is shown whole.
        start = min(near)
        insts = disassemble(start)
        targets = [int(t, 16) for _, text in insts
                   for t in re.findall(r"^j\w+\s+0x([0-9a-f]+)", text)]
        earlier = [t for t in targets if lo <= t < start]
        if earlier:
            start = min(earlier)
            insts = disassemble(start)
        print(f"# {os.path.basename(wasm)} under {a.engine}: {total} samples, {sum(near.values())} "
              f"within {a.window // 2} bytes of the hottest address; offsets from {start:#x} (this run's)")
        for ip, text in insts:
            n = samples.get(ip, 0)
            text = re.sub(r"0x([0-9a-f]+)", lambda m: (f"+{int(m.group(1), 16) - start:#x}"
                                                       if lo <= int(m.group(1), 16) < hi else m.group(0)), text)
            print(f"{n:6d} {100.0 * n / total:5.1f}%  {ip - start:5x}:  {text}")
        print(err.decode(errors="replace").strip(), file=sys.stderr)


if __name__ == "__main__":
    main()
