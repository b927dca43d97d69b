# aarch64-linux-gnu.cmake: cross-compiling egret for 64-bit Arm Linux on a Debian x86-64 host.
#
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DCMAKE_BUILD_TYPE=Release -DEGRET_BENCH=OFF        (or simply: make aarch64)
#
# The compiler is Debian's aarch64-linux-gnu-g++ (package g++-aarch64-linux-gnu). Libraries come
# from Debian's multiarch arm64 packages (scripts/setup.sh's ARM64_PKGS), which install beside the
# host's: headers under /usr/include (shared by both architectures), libraries, CMake package
# files and pkg-config files under /usr/lib/aarch64-linux-gnu. So the "sysroot" is the host's own
# root and the architecture is selected by the multiarch directory, never by a separate tree.
#
# Invariant: nothing that gets linked comes from /usr/lib/x86_64-linux-gnu. find_library and
# find_package search the aarch64 multiarch directory (CMAKE_LIBRARY_ARCHITECTURE), pkg-config
# reads only the aarch64 and architecture-independent .pc directories, and header-only packages
# (nlohmann-json, arch "all") are shared.
#
# Binaries run through CMAKE_CROSSCOMPILING_EMULATOR (qemu-aarch64 from qemu-user), so ctest and
# gtest_discover_tests start the unit tests under qemu transparently. The emulator gets no `-L`
# prefix: libc6:arm64 installs the loader as /lib/ld-linux-aarch64.so.1 on the host itself, and
# the loader finds the arm64 libraries through /etc/ld.so.conf.d/aarch64-linux-gnu.conf. Never add
# `-L /usr/aarch64-linux-gnu`: qemu then takes the cross toolchain's loader from that prefix
# (libc6-arm64-cross, glibc 2.36-8cross1), but the host's /etc/ld.so.cache still resolves
# libc.so.6 to the multiarch one (libc6:arm64, 2.36-9+deb12u14). The two builds disagree on the
# private layout of _rtld_global (4512 vs 4520 bytes), so the first pthread_create or fork()
# spins forever in libc: every multi-threaded compile (--jobs), wasi-threads program, threaded
# test and death test hangs. Not a qemu or egret bug; docs/testing.md, "Threads under qemu", has
# the reproducers. tests/spec/run.sh and tests/programs/run_threads.sh refuse such an emulator.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(EGRET_CROSS_TRIPLE aarch64-linux-gnu)
find_program(EGRET_CROSS_CXX NAMES ${EGRET_CROSS_TRIPLE}-g++-12 ${EGRET_CROSS_TRIPLE}-g++ REQUIRED)
find_program(EGRET_CROSS_CC NAMES ${EGRET_CROSS_TRIPLE}-gcc-12 ${EGRET_CROSS_TRIPLE}-gcc REQUIRED)
set(CMAKE_CXX_COMPILER ${EGRET_CROSS_CXX})
set(CMAKE_C_COMPILER ${EGRET_CROSS_CC})
set(CMAKE_LIBRARY_ARCHITECTURE ${EGRET_CROSS_TRIPLE})

# Search the host root for packages and libraries (the multiarch directory picks the
# architecture), but never run a program found there as if it were a target tool.
set(CMAKE_FIND_ROOT_PATH /usr/${EGRET_CROSS_TRIPLE} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (capstone): only the aarch64 and architecture-independent .pc files.
set(ENV{PKG_CONFIG_LIBDIR}
    "/usr/lib/${EGRET_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

find_program(EGRET_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${EGRET_QEMU_AARCH64})
