# lit configuration for egret's filetests.
#
# Run from the repository root:
#   python3 /usr/lib/llvm-14/build/utils/lit/lit.py tests/filetests
# The egret binary is taken from $EGRET_BUILD_DIR/bin (default: build/bin); FileCheck from
# LLVM 14; wat2wasm from wabt. Substitutions: %egret, %wat2wasm, %FileCheck (plain FileCheck also
# works), %dot, %bench_programs (the benchmark programs, $EGRET_BENCH_PROGRAMS). Features: `perf`
# (perf can sample cpu-clock here), `gdb` (gdb can run a program), `bench-programs`.
import os
import shutil

import lit.formats

config.name = "egret"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".eir", ".wat", ".test"]
config.excludes = ["Inputs", "lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
repo_root = os.path.abspath(os.path.join(config.test_source_root, "..", ".."))
build_dir = os.environ.get("EGRET_BUILD_DIR", os.path.join(repo_root, "build"))
config.test_exec_root = os.path.join(build_dir, "filetests")


def find_tool(name, candidates):
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    found = shutil.which(name)
    if not found:
        lit_config.fatal(f"cannot find {name}; run scripts/setup.sh (looked in {candidates})")
    return found


egret = find_tool("egret", [os.path.join(build_dir, "bin", "egret")])
filecheck = find_tool("FileCheck", ["/usr/lib/llvm-14/bin/FileCheck"])
not_tool = find_tool("not", ["/usr/lib/llvm-14/bin/not"])
wat2wasm = find_tool("wat2wasm", ["/usr/bin/wat2wasm"])
dot = shutil.which("dot") or "dot"

config.substitutions.append(("%egret", egret))
config.substitutions.append(("%wat2wasm", wat2wasm))
config.substitutions.append(("%FileCheck", filecheck))
config.substitutions.append(("%dot", dot))
# Make plain `FileCheck` and `not` in RUN lines resolve to LLVM 14's.
config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(filecheck), os.path.dirname(egret), config.environment.get("PATH", os.environ["PATH"])])


# Features for tests that drive external tools (tests/filetests/profiling/). A missing feature
# makes those tests UNSUPPORTED; the note printed here says why.
import subprocess


def tool_works(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
        return r.returncode == 0, r.stderr.decode(errors="replace").strip().splitlines()[-1:]
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, [str(e)]


perf_tool = shutil.which("perf")
if not perf_tool:
    lit_config.note("perf tests UNSUPPORTED: no perf on PATH (scripts/setup.sh installs linux-perf)")
else:
    ok, why = tool_works([perf_tool, "stat", "-e", "cpu-clock", "true"])
    if ok:
        config.available_features.add("perf")
    else:
        try:
            paranoid = open("/proc/sys/kernel/perf_event_paranoid").read().strip()
        except OSError:
            paranoid = "unreadable"
        lit_config.note("perf tests UNSUPPORTED: `perf stat -e cpu-clock true` fails here "
                        f"(kernel.perf_event_paranoid={paranoid}): {' '.join(why)}")
gdb_tool = shutil.which("gdb")
if not gdb_tool:
    lit_config.note("gdb tests UNSUPPORTED: no gdb on PATH (scripts/setup.sh installs it)")
else:
    ok, why = tool_works([gdb_tool, "-batch", "-nx", "-ex", "run", "--args", "/bin/true"])
    if ok:
        config.available_features.add("gdb")
    else:
        lit_config.note(f"gdb tests UNSUPPORTED: gdb cannot run a program here: {' '.join(why)}")
# %gdb: LeakSanitizer cannot run under ptrace, so a sanitizer build's egret (EGRET_BUILD_DIR=
# build-asan) would end with a fatal LSan error under gdb; leak checking is off for the inferior.
config.substitutions.append(("%gdb", "env ASAN_OPTIONS=detect_leaks=0 gdb"))
# The benchmark programs (C compiled to wasm32-wasi) the perf tests profile.
bench_programs = os.environ.get("EGRET_BENCH_PROGRAMS", "/work/shared/bench/programs")
if os.path.isfile(os.path.join(bench_programs, "fib.wasm")):
    config.available_features.add("bench-programs")
else:
    lit_config.note(f"tests needing the benchmark programs UNSUPPORTED: no {bench_programs}/fib.wasm "
                    "(set EGRET_BENCH_PROGRAMS)")
config.substitutions.append(("%bench_programs", bench_programs))
# The host architecture as a feature (`host-x86_64`, `host-aarch64`): tests that run an artifact
# of the other target expect the runtime's refusal only there.
import platform
config.available_features.add("host-" + platform.machine())
# %other_target: a target this host cannot execute (`egret ir run --target=%other_target` fails).
config.substitutions.append(("%other_target", "x86_64" if platform.machine() == "aarch64" else "aarch64"))
# %qemu_egret: the cross-built aarch64 egret ($EGRET_AARCH64_BUILD_DIR, default build-aarch64/;
# `make aarch64-egret`) under qemu-aarch64 ($EGRET_EMULATOR), for run tests that must also pass on
# aarch64 (feature `qemu-aarch64`; UNSUPPORTED, with a note, without the cross build or qemu).
a64_dir = os.environ.get("EGRET_AARCH64_BUILD_DIR") or os.path.join(repo_root, "build-aarch64")
if not os.path.isabs(a64_dir):
    a64_dir = os.path.join(repo_root, a64_dir)
a64_egret = os.path.join(a64_dir, "bin", "egret")
qemu_tool = shutil.which(os.environ.get("EGRET_EMULATOR", "qemu-aarch64"))
if platform.machine() != "aarch64" and qemu_tool and os.access(a64_egret, os.X_OK):
    config.available_features.add("qemu-aarch64")
    # No -L prefix: with it every thread hangs (docs/testing.md, "Threads under qemu").
    config.substitutions.append(("%qemu_egret", f"{qemu_tool} {a64_egret}"))
else:
    lit_config.note(f"aarch64 run tests UNSUPPORTED: needs qemu-aarch64 and {a64_egret} (make aarch64-egret)")
