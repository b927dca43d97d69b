# egret: the README's two commands are `make demo` and `make check`.
# Both run scripts/setup.sh first (idempotent: it installs only what is missing).
BUILD ?= build
NPROC := $(shell nproc)
CMAKE_FLAGS ?=
LIT := python3 /usr/lib/llvm-14/build/utils/lit/lit.py
# ccache: paths under the checkout are hashed relative to it, so a fresh clone elsewhere (CI)
# reuses what an earlier checkout compiled.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all setup configure build demo check test asan asan-check aarch64 aarch64-egret aarch64-check bazel-test format format-check clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: setup configure
	ninja -C $(BUILD) -j $(NPROC)

# Compile and run the bundled example (see scripts/demo.sh).
demo: build
	@bash scripts/demo.sh $(BUILD)

# Every test suite; ends with `N passed, N failed`. Includes the spec suite on aarch64: the
# cross-built egret (build-aarch64/bin/egret) under qemu-aarch64.
check: build aarch64-egret
	@EGRET_AARCH64_BUILD_DIR=$(AARCH64_BUILD) bash scripts/check.sh $(BUILD)

test: check

# AddressSanitizer + UndefinedBehaviorSanitizer build, with its own tests.
asan: setup
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEGRET_SANITIZE=ON -DEGRET_BENCH=OFF
	ninja -C build-asan -j $(NPROC)

asan-check: asan
	@EGRET_SPEC_JOBS=$(NPROC) bash scripts/check.sh build-asan

# egret cross-built for aarch64 (cmake/aarch64-linux-gnu.cmake), tests included; ctest in
# build-aarch64 runs them under qemu-aarch64 (docs/testing.md, "Cross build for aarch64").
# No benchmarks: Google Benchmark is not among the arm64 packages, and times under qemu mean nothing.
AARCH64_BUILD ?= build-aarch64

$(AARCH64_BUILD)/build.ninja:
	cmake -S . -B $(AARCH64_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DEGRET_BENCH=OFF \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake $(CMAKE_FLAGS)

aarch64: setup $(AARCH64_BUILD)/build.ninja
	ninja -C $(AARCH64_BUILD) -j $(NPROC)

# Only the aarch64 egret binary (what `make check` needs for the spec suite under qemu).
aarch64-egret: setup $(AARCH64_BUILD)/build.ninja
	ninja -C $(AARCH64_BUILD) -j $(NPROC) egret

# Every unit test, the fuzz corpus replays (the differential and IR replays execute aarch64 code
# against the interpreter) and the bench programs (egret under qemu via $EGRET_EMULATOR), all
# under qemu-aarch64 (docs/testing.md, "Cross build for aarch64").
aarch64-check: aarch64
	cd $(AARCH64_BUILD) && ctest -j $(NPROC) --output-on-failure

bazel-test: setup
	bazel test //...

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan build-debug $(AARCH64_BUILD)
