# runtest_format.py: the lit test format of tests/filetests/runtests (see lit.local.cfg there).
#
# A module of its own because lit pickles the format to hand tests to worker processes.
import fnmatch
import os
import re
import subprocess

import lit.formats
import lit.Test

# The configurations each file runs in, per target: both opt levels; on x86_64 also the baseline
# CPU (`-all`: no SSE4.1, LZCNT, BMI1, POPCNT), so every x64 fallback sequence runs (clz and ctz
# through bsr/bsf, popcnt by bit twiddling, rounding through the runtime's builtins); on aarch64
# also every branch range divided by 4096, so small functions execute through islands, veneers and
# out-of-line constants (x64's rel32 shrinks to no less than 512 KiB: nothing would change).
OPT_LEVELS = {"none": [], "speed": ["--opt-level=speed"]}
TARGET_LEVELS = {
    "x86_64": {"baseline": ["--target-features=-all"]},
    "aarch64": {"shrink": ["--debug-branch-range-shrink=4096"]},
}


def levels(target):
    return {**OPT_LEVELS, **TARGET_LEVELS.get(target, {})}

INTERP_RUN = re.compile(r"RUN:[ \t]*(?![ \t]|not\b)(.*?)%egret ir interp(?P<opts>[^|&;]*?)\s(%s|%t\.eir)\b")


def read_expectations(path):
    """{(target, relpath, line)}: '*' as the target applies to every target; `TARGET/LEVEL`
    (x86_64/speed) to one opt level only. FILE may be a glob (ir/simd-*.eir) and LINE `*`
    (line None): every run line of the matching files, none of which may pass."""
    expected = set()
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            parts = text.split(None, 2)
            m = re.fullmatch(r"(.+):(\d+|\*)", parts[1]) if len(parts) >= 2 else None
            if len(parts) < 3 or not m:
                raise ValueError(f"{path}:{n}: expected 'TARGET FILE:LINE reason'")
            line = None if m.group(2) == "*" else int(m.group(2))
            expected.add((parts[0], m.group(1), line))
    return expected


class RunTestFormat(lit.formats.base.TestFormat):
    """`targets`: {name: (argv prefix running egret, None) or (None, why unsupported)}."""

    def __init__(self, filetests_root, targets, expectations_path):
        self.filetests_root = filetests_root
        self.targets = targets
        self.expectations_path = expectations_path
        self.expected = read_expectations(expectations_path)

    def files(self):
        for d in ("ir", "opt"):
            for name in sorted(os.listdir(os.path.join(self.filetests_root, d))):
                if not name.endswith(".eir"):
                    continue
                path = os.path.join(self.filetests_root, d, name)
                text = open(path).read()
                if "; run:" not in text:
                    continue
                interp = [m for m in INTERP_RUN.finditer(text)]
                if interp:
                    yield f"{d}/{name}", path, interp[0].group("opts").split()

    def getTestsInDirectory(self, testSuite, path_in_suite, litConfig, localConfig):
        for rel, path, opts in self.files():
            for target in self.targets:
                for level in levels(target):
                    test = lit.Test.Test(testSuite,
                                         path_in_suite + (target, level) + tuple(rel.split("/")),
                                         localConfig, file_path=path)
                    test.runtest = (target, level, rel, path, opts)
                    yield test

    def execute(self, test, litConfig):
        target, level, rel, path, opts = test.runtest
        argv, unsupported = self.targets[target]
        if unsupported:
            return lit.Test.UNSUPPORTED, unsupported
        heap = [o for o in opts if o.startswith("--heap-size")]
        cmd = argv + ["ir", "run"] + levels(target)[level] + heap + [path]
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        except subprocess.TimeoutExpired:
            return lit.Test.FAIL, " ".join(cmd) + ": timed out"
        out = r.stdout.decode(errors="replace")
        report = "$ " + " ".join(cmd) + "\n" + out
        summary = re.search(r"^(\d+) passed, (\d+) failed, (\d+) not compiled", out, re.M)
        if not summary:
            return lit.Test.FAIL, report + "\nno summary line (crash or error above)"
        not_ok, all_lines = set(), set()
        for m in re.finditer(r"^.*?:(\d+): (FAIL|not compiled|ok):", out, re.M):
            all_lines.add(int(m.group(1)))
            if m.group(2) != "ok":
                not_ok.add(int(m.group(1)))
        applies = ("*", target, f"*/{level}", f"{target}/{level}")
        want = set()
        for (t, f, line) in self.expected:
            if t not in applies or not fnmatch.fnmatchcase(rel, f):
                continue
            if line is None:
                want |= all_lines
            else:
                want.add(line)
        problems = []
        for line in sorted(not_ok - want):
            problems.append(f"{rel}:{line} does not pass natively on {target} at {level} and is "
                            f"not in {os.path.basename(self.expectations_path)}")
        for line in sorted(want - not_ok):
            problems.append(f"{rel}:{line} now passes natively on {target} at {level}: remove it "
                            f"from {os.path.basename(self.expectations_path)}")
        if problems:
            return lit.Test.FAIL, report + "\n" + "\n".join(problems)
        return lit.Test.PASS, report


