#!/usr/bin/env bash
# compare.sh: egret against the peers on ../shared/bench/programs, measured side by side.
#
# Runs every program under every engine that is installed, interleaved (round 1: every program
# under every engine, round 2: again, ...), so a noisy neighbour slows all engines alike, and
# prints the median kernel time (the program's own CLOCK_MONOTONIC around the kernel, printed as
# kernel_seconds= on stderr: process start and Wasm compilation are excluded) and the ratio to
# native clang -O2. Every run's stdout must equal native clang's at the same size (and, at the
# default size, programs/expected/NAME.txt); a mismatch is printed as CHECKSUM MISMATCH and the
# cell shows "bad".
# Then compile throughput: MB/s of Wasm for egret (`egret compile --stats`, one thread) and V8
# Liftoff / TurboFan with eager compilation (tools/run-wasi.mjs --time, single-threaded).
#
#   bench/compare.sh                   all programs, default sizes, 3 rounds
#   bench/compare.sh -r 5 fib sieve    5 rounds, two programs
#   bench/compare.sh -r 31 i64         with 6 rounds or more, also the per-round paired ratio
#                                      egret / peer: its median, the 95% interval of the median
#                                      and how many rounds egret won (for claims of parity)
#   bench/compare.sh --small           BENCH_SMALL_N sizes (~1/60 of the work): for development
#   bench/compare.sh --tsv out.tsv     also write program/engine/median seconds (for bench/plot)
#   bench/compare.sh --simd            the -msimd128 builds (programs/simd/NAME.wasm) under every
#                                      Wasm engine, plus egret on the scalar build (egret-scalar);
#                                      native clang -O2 of the same C source stays the reference
#                                      (no compile-throughput table)
# Environment: EGRET (default build/bin/egret), EGRET_BENCH_DIR (default ../shared/bench),
# OUT (native builds; default build-bench/peers), PEERS (comma list to restrict engines),
# WIZER (the wizer binary that runs Cranelift; default ../shared/bench/.peers/..., where
# ../shared/bench/install-peers.sh puts it; `npm install --prefix DIR @bytecodealliance/wizer-linux-x64@11.0.3`
# installs it elsewhere when ../shared is read-only).
# EGRET_AB_FLAGS (extra `egret run` flags for an A/B column egret-ab, e.g. "--align-loops=16").
# Engines: clang gcc egret (default: --opt-level=speed) egret-linear (speed, --regalloc=linear)
# egret-none egret-ab v8 v8-turbofan v8-liftoff cranelift
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,32p' "$0"; exit 0 ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
export EGRET=${EGRET:-$ROOT/build/bin/egret}
export EGRET_BENCH_DIR=${EGRET_BENCH_DIR:-$(cd "$ROOT/.." && pwd)/shared/bench}
export OUT=${OUT:-$ROOT/build-bench/peers}
exec python3 - "$@" <<'PY'
import math, os, re, shutil, statistics, subprocess, sys, time

root, egret, shared, out = (os.environ[k] for k in ("ROOT", "EGRET", "EGRET_BENCH_DIR", "OUT"))
progs_dir = os.path.join(shared, "programs")
args = sys.argv[1:]
rounds, small, tsv, names, simd = 3, False, None, [], False
while args:
    a = args.pop(0)
    if a == "-r": rounds = int(args.pop(0))
    elif a == "--small": small = True
    elif a == "--tsv": tsv = args.pop(0)
    elif a == "--simd": simd = True
    else: names.append(a)
if not os.path.isdir(progs_dir):
    sys.exit(f"compare.sh: no programs at {progs_dir} (set EGRET_BENCH_DIR)")
wasm_dir = os.path.join(progs_dir, "simd") if simd else progs_dir
if not names:
    names = sorted(f[:-5] for f in os.listdir(wasm_dir) if f.endswith(".wasm"))

def small_n(name):
    m = re.search(r"#define\s+BENCH_SMALL_N\s+\(?([0-9]+)", open(os.path.join(progs_dir, name + ".c")).read())
    return m.group(1) if m else None

# --- engines -------------------------------------------------------------------------------
missing = []
os.makedirs(out, exist_ok=True)
natives = {}
for cc, exe in (("clang", "clang-14"), ("gcc", "gcc")):
    if not shutil.which(exe):
        missing.append(f"{cc}: apt-get install {'clang-14' if cc == 'clang' else 'gcc'}"); continue
    natives[cc] = {}
    for n in names:
        dst = os.path.join(out, cc, n)
        src = os.path.join(progs_dir, n + ".c")
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
            subprocess.run([exe, "-O2", "-w", src, "-o", dst, "-lm"], check=True)
        natives[cc][n] = dst
if "clang" not in natives:
    sys.exit("compare.sh: native clang-14 is the reference; install it (apt-get install clang-14)")

node = shutil.which("node")
run_wasi = os.path.join(shared, "tools", "run-wasi.mjs")
wizer = os.environ.get("WIZER") or os.path.join(shared, ".peers", "node_modules", "@bytecodealliance",
                                                  "wizer-linux-x64", "wizer")
engines = {}  # name -> function(program, argv) -> command
engines["clang"] = lambda n, a: [natives["clang"][n]] + a
if "gcc" in natives: engines["gcc"] = lambda n, a: [natives["gcc"][n]] + a
wasm = lambda n: os.path.join(wasm_dir, n + ".wasm")
if os.access(egret, os.X_OK):
    engines["egret"] = lambda n, a: [egret, "run", wasm(n)] + a
    if simd:  # the scalar build of the same program, for the gain from vectorization
        engines["egret-scalar"] = lambda n, a: [egret, "run", os.path.join(progs_dir, n + ".wasm")] + a
    engines["egret-linear"] = lambda n, a: [egret, "run", "--regalloc=linear", wasm(n)] + a
    engines["egret-none"] = lambda n, a: [egret, "run", "--opt-level=none", wasm(n)] + a
    if os.environ.get("EGRET_AB_FLAGS"):  # an A/B column: egret at speed plus the given flags
        ab = os.environ["EGRET_AB_FLAGS"].split()
        engines["egret-ab"] = lambda n, a: [egret, "run"] + ab + [wasm(n)] + a
else:
    missing.append(f"egret: build it (make build, or set EGRET=path/to/egret); looked at {egret}")
if node:
    engines["v8"] = lambda n, a: [node, "--no-warnings", run_wasi, wasm(n)] + a
    engines["v8-turbofan"] = lambda n, a: [node, "--no-warnings", "--no-liftoff", run_wasi, wasm(n)] + a
    engines["v8-liftoff"] = lambda n, a: [node, "--no-warnings", "--liftoff", "--no-wasm-tier-up", run_wasi, wasm(n)] + a
else:
    missing.append("v8: install Node.js 20 (apt-get install nodejs)")
if os.access(wizer, os.X_OK) and small:
    missing.append("cranelift: wizer passes no arguments to _start, so it runs only at the default size")
elif os.access(wizer, os.X_OK):
    engines["cranelift"] = lambda n, a: [wizer, "--allow-wasi", "--inherit-stdio", "true", "--init-func", "_start",
                                         wasm(n), "-o", "/dev/null"]
else:
    missing.append(f"cranelift: run {shared}/install-peers.sh (npm installs wizer into {shared}/.peers)")
if os.environ.get("PEERS"):
    keep = set(os.environ["PEERS"].split(",")) | {"clang"}
    engines = {k: v for k, v in engines.items() if k in keep}
for m in missing: print(f"# not available: {m}", file=sys.stderr)

# --- runs ----------------------------------------------------------------------------------
def run(cmd):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    m = re.search(r"kernel_seconds=([0-9.eE+-]+)", p.stderr)
    return p.returncode, p.stdout.strip(), (float(m.group(1)) if m else None), p.stderr

argv = {n: ([small_n(n)] if small and small_n(n) else []) for n in names}
ref = {}
for n in names:
    rc, stdout, _, err = run(engines["clang"](n, argv[n]))
    if rc != 0: sys.exit(f"compare.sh: native clang {n} failed: {err}")
    ref[n] = stdout
    exp = os.path.join(progs_dir, "expected", n + ".txt")
    if not argv[n] and os.path.exists(exp) and open(exp).read().strip() != stdout:
        print(f"# warning: native {n} prints {stdout!r}, expected file says otherwise", file=sys.stderr)

times = {(n, e): [] for n in names for e in engines}
by_round = {}  # (program, engine, round) -> seconds, for the paired ratios
bad = set()
for r in range(rounds):
    for n in names:
        for e, cmd in engines.items():
            try:
                rc, stdout, secs, err = run(cmd(n, argv[n]))
            except subprocess.TimeoutExpired:
                rc, stdout, secs, err = -1, "", None, "timeout"
            if rc != 0 or stdout != ref[n] or secs is None:
                if (n, e) not in bad:
                    print(f"# CHECKSUM MISMATCH or failure: {e} {n}: rc={rc} stdout={stdout!r} "
                          f"{err.strip().splitlines()[-1] if err.strip() else ''}", file=sys.stderr)
                bad.add((n, e))
                continue
            times[(n, e)].append(secs)
            by_round[(n, e, r)] = secs
    print(f"# round {r + 1}/{rounds} done", file=sys.stderr)

cols = list(engines)
med = {k: statistics.median(v) for k, v in times.items() if v and k not in bad}
def cell(n, e, ratio):
    if (n, e) not in med: return "bad" if (n, e) in bad else "-"
    return f"{med[(n, e)] / med[(n, 'clang')]:.2f}x" if ratio else f"{med[(n, e)]:.3f}"
size = "BENCH_SMALL_N" if small else "default n"
print(f"\nKernel seconds, median of {rounds} interleaved rounds ({size})\n")
print("| program | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * len(cols))
for n in names: print(f"| {n} | " + " | ".join(cell(n, e, False) for e in cols) + " |")
print(f"\nRatio to native clang -O2 (lower is better)\n")
print("| program | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * len(cols))
for n in names: print(f"| {n} | " + " | ".join(cell(n, e, True) for e in cols) + " |")
geo = []
for e in cols:
    rs = [med[(n, e)] / med[(n, "clang")] for n in names if (n, e) in med]
    geo.append(f"**{math.exp(sum(map(math.log, rs)) / len(rs)):.2f}x**" if len(rs) == len(names) else
               (f"{math.exp(sum(map(math.log, rs)) / len(rs)):.2f}x ({len(rs)}/{len(names)})" if rs else "-"))
print("| **geomean** | " + " | ".join(geo) + " |")
if "egret" in engines:
    print("\nRatio of egret to each peer (egret / peer; > 1 means egret is slower)\n")
    peers = [e for e in cols if not e.startswith("egret")]
    print("| program | " + " | ".join(peers) + " |")
    print("|---|" + "---:|" * len(peers))
    for n in names:
        row = [f"{med[(n, 'egret')] / med[(n, p)]:.2f}" if (n, "egret") in med and (n, p) in med else "-" for p in peers]
        print(f"| {n} | " + " | ".join(row) + " |")

def median_ci(xs):
    # The distribution-free 95% interval of the median: the order statistics x_(j) and
    # x_(n+1-j) with j the largest for which P(Binomial(n, 1/2) < j) <= 0.025 (None below 6).
    xs, n = sorted(xs), len(xs)
    j, cdf = 0, 0.0
    for k in range(n):
        cdf += math.comb(n, k) / 2 ** n
        if cdf > 0.025: break
        j = k + 1
    return (xs[j - 1], xs[n - j]) if j else None

if "egret" in engines and rounds >= 6:
    print("\nPaired egret / peer, round by round (each round runs the engines back to back): median "
          "ratio, [95% interval of the median], rounds egret was faster\n")
    peers = [e for e in cols if not e.startswith("egret")]
    print("| program | " + " | ".join(peers) + " |")
    print("|---|" + "---:|" * len(peers))
    for n in names:
        row = []
        for p in peers:
            rs = [by_round[(n, "egret", r)] / by_round[(n, p, r)] for r in range(rounds)
                  if (n, "egret", r) in by_round and (n, p, r) in by_round]
            ci = median_ci(rs) if len(rs) >= 6 else None
            row.append(f"{statistics.median(rs):.3f} [{ci[0]:.3f}, {ci[1]:.3f}] {sum(x < 1 for x in rs)}/{len(rs)}"
                       if ci else "-")
        print(f"| {n} | " + " | ".join(row) + " |")
if tsv:
    with open(tsv, "w") as f:
        f.write("program\t" + "\t".join(cols) + "\n")
        for n in names:
            f.write(n + "\t" + "\t".join(f"{med[(n, e)] / med[(n, 'clang')]:.4f}" if (n, e) in med else "nan" for e in cols) + "\n")

# --- compile throughput --------------------------------------------------------------------
if simd: sys.exit(0)
print(f"\nCompile throughput, MB/s of Wasm (median of {rounds}; one thread; higher is better)\n")
ccols = []
if "egret" in engines: ccols += ["egret (none)", "egret (speed)"]
if node: ccols += ["V8 Liftoff (eager)", "V8 TurboFan (eager)"]
if not ccols:
    print("(no compiler available)"); sys.exit(0)
empty = os.path.join(out, "empty.wasm")
open(empty, "wb").write(b"\0asm\1\0\0\0")
def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    return time.perf_counter() - t
def egret_compile(n, level):
    # `egret compile --stats` leaves out decode and validation, so time the whole process and
    # subtract the same command on an empty module (process start, artifact write).
    cmd = lambda f: [egret, "compile", "--jobs=1", f"--opt-level={level}", f, "-o", os.path.join(out, "x.egret")]
    t = wall(cmd(wasm(n))) - wall(cmd(empty))
    return t if t > 0 else None
def v8_compile(n, flags):
    p = subprocess.run([node, "--no-warnings", "--single-threaded", "--no-wasm-lazy-compilation"] + flags +
                       [run_wasi, "--time", wasm(n), "1"], capture_output=True, text=True, timeout=600)
    m = re.search(r"compile_seconds=([0-9.]+)", p.stderr)
    return float(m.group(1)) if m else None
print("| program | KB | " + " | ".join(ccols) + " |")
print("|---|---:|" + "---:|" * len(ccols))
for n in names:
    kb = os.path.getsize(wasm(n)) / 1e3
    row = []
    for c in ccols:
        f = {"egret (none)": lambda: egret_compile(n, "none"), "egret (speed)": lambda: egret_compile(n, "speed"),
             "V8 Liftoff (eager)": lambda: v8_compile(n, ["--liftoff", "--no-wasm-tier-up"]),
             "V8 TurboFan (eager)": lambda: v8_compile(n, ["--no-liftoff"])}[c]
        s = [x for x in (f() for _ in range(rounds)) if x]
        row.append(f"{kb / 1e3 / statistics.median(s):.1f}" if s else "-")
    print(f"| {n} | {kb:.1f} | " + " | ".join(row) + " |")
PY
