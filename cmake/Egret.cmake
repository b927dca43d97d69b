# Helpers shared by every folder's CMakeLists.txt.
#
# Every library is `egret_<folder>` with the repository root on its include path, so sources
# include each other as "support/leb128.h". Every source a folder compiles is listed explicitly;
# tests/build/source_lists_test.py checks that these lists match the files on disk (which is what
# the Bazel globs pick up), so the two builds cannot drift apart.

# egret_library(NAME SOURCES ... [DEPS ...])
function(egret_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# egret_unit_test(NAME PREFIX SOURCES ... [DEPS ...])
# One googletest binary; each TEST becomes its own ctest test named PREFIX.Suite.Name, so
# `ctest -R machbuffer` selects an area.
include(GoogleTest)
function(egret_unit_test name)
  cmake_parse_arguments(ARG "" "PREFIX" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name} TEST_PREFIX "${ARG_PREFIX}." DISCOVERY_MODE PRE_TEST
                       DISCOVERY_TIMEOUT 60)
endfunction()
