#!/bin/sh
echo "coverage unsupported in the offline Bazel build; use the CMake build" >&2
exit 1
