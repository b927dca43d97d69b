#!/usr/bin/env python3
"""Checks that the CMake and Bazel builds compile the same sources.

CMake lists every source explicitly; Bazel's BUILD.bazel files use globs over a folder (and may
name files explicitly too). So the two agree exactly when, in every folder:
  - the .cc/.h files named in CMakeLists.txt are exactly the .cc/.h files on disk, and
  - every folder with sources has a BUILD.bazel, and every file a BUILD.bazel names exists.
Prints one line per disagreement and exits 1 if there is any.
"""
import pathlib
import re
import sys

SOURCE = re.compile(r"(?<![*A-Za-z0-9_./-])[A-Za-z0-9_./-]+\.(?:cc|h|c)\b")
SKIP_DIRS = {".git", "third_party", "build", "docs"}


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    checked = 0
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()):
        rel = folder.relative_to(root)
        if rel.parts and (rel.parts[0] in SKIP_DIRS or rel.parts[0].startswith(("build", "bazel-", "."))):
            continue
        on_disk = {f.name for f in folder.iterdir() if f.suffix in (".cc", ".h", ".c")}
        cmake = folder / "CMakeLists.txt"
        bazel = folder / "BUILD.bazel"
        if not on_disk and not cmake.exists():
            continue
        if not cmake.exists():
            problems.append(f"{rel}: has sources but no CMakeLists.txt")
            continue
        if not bazel.exists():
            problems.append(f"{rel}: has a CMakeLists.txt but no BUILD.bazel")
        text = re.sub(r"#.*", "", cmake.read_text())
        in_cmake = set()
        for name in SOURCE.findall(text):
            if "/" in name or "${" in name:
                continue  # a path into another folder (a script, a generated file)
            in_cmake.add(name)
        for name in sorted(on_disk - in_cmake):
            problems.append(f"{rel}/{name}: on disk (so in Bazel's glob) but not in CMakeLists.txt")
        for name in sorted(in_cmake - on_disk):
            problems.append(f"{rel}/{name}: named in CMakeLists.txt but missing on disk")
        if bazel.exists():
            btext = re.sub(r"#.*", "", bazel.read_text())
            for name in SOURCE.findall(btext):
                if "/" not in name and "*" not in name and name not in on_disk:
                    problems.append(f"{rel}/{name}: named in BUILD.bazel but missing on disk")
        checked += 1
    problems += check_top_level_aliases(root)
    for p in problems:
        print(p)
    print(f"source lists: {checked} folders checked, {len(problems)} problems")
    return 1 if problems else 0


def check_top_level_aliases(root: pathlib.Path) -> list:
    """The top-level BUILD.bazel (the design's) exists, and each alias names a target that a
    folder's BUILD.bazel defines: `//f` is `//f:<last part of f>`."""
    top = root / "BUILD.bazel"
    if not top.exists():
        return ["BUILD.bazel: missing at the top of the repository (aliases such as //:egret)"]
    problems = []
    for actual in re.findall(r'actual\s*=\s*"//([^"]*)"', top.read_text()):
        folder, _, name = actual.partition(":")
        name = name or folder.rsplit("/", 1)[-1]
        build = root / folder / "BUILD.bazel"
        if not build.exists() or not re.search(r'name\s*=\s*"%s"' % re.escape(name), build.read_text()):
            problems.append(f"BUILD.bazel: alias to //{actual}, which no {folder}/BUILD.bazel defines")
    return problems


if __name__ == "__main__":
    sys.exit(main())
