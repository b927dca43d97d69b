# lit configuration for egret's filetests.
#
# Run from the repository root:
#   python3 /usr/lib/llvm-14/build/utils/lit/lit.py tests/filetests
# The egret binary is taken from $EGRET_BUILD_DIR/bin (default: build/bin); FileCheck from
# LLVM 14; wat2wasm from wabt. Substitutions: %egret, %wat2wasm, %FileCheck (plain FileCheck also
# works), %dot.
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
