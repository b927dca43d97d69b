# egret: the README's two commands are `make demo` and `make check`.
# Both run scripts/setup.sh first (idempotent: it installs only what is missing).
BUILD ?= build
NPROC := $(shell nproc)
CMAKE_FLAGS ?=
LIT := python3 /usr/lib/llvm-14/build/utils/lit/lit.py

.PHONY: all setup configure build demo check test asan asan-check bazel-test format format-check clean

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

# Every test suite; ends with `N passed, N failed`.
check: build
	@bash scripts/check.sh $(BUILD)

test: check

# AddressSanitizer + UndefinedBehaviorSanitizer build, with its own tests.
asan: setup
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEGRET_SANITIZE=ON -DEGRET_BENCH=OFF
	ninja -C build-asan -j $(NPROC)

asan-check: asan
	@EGRET_SPEC_JOBS=$(NPROC) bash scripts/check.sh build-asan

bazel-test: setup
	bazel test //...

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan build-debug
