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

# egret_link_absl_statically()
# Points every shared abseil target that find_package(absl) imported in this directory at its
# static archive, which Debian's libabsl-dev installs beside the shared library (same sources,
# position-independent). All or nothing: if one archive is missing, every target stays shared.
# Part of EGRET_STATIC_RUNTIME (top-level CMakeLists.txt): a shared abseil would load
# libstdc++.so into egret again and bring back its start-up symbol lookups.
function(egret_link_absl_statically)
  get_directory_property(imported IMPORTED_TARGETS)
  set(changes)
  foreach(target ${imported})
    if(NOT target MATCHES "^absl::")
      continue()
    endif()
    get_target_property(type ${target} TYPE)
    if(NOT type STREQUAL "SHARED_LIBRARY")
      continue()
    endif()
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    foreach(config ${configs})
      get_target_property(location ${target} IMPORTED_LOCATION_${config})
      string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive "${location}")
      if(archive STREQUAL location OR NOT EXISTS "${archive}")
        message(STATUS "egret: no static archive for ${target} (${location}): abseil stays shared")
        return()
      endif()
      list(APPEND changes "${target}|${config}|${archive}")
    endforeach()
  endforeach()
  foreach(change ${changes})
    string(REPLACE "|" ";" fields "${change}")
    list(GET fields 0 target)
    list(GET fields 1 config)
    list(GET fields 2 archive)
    set_property(TARGET ${target} PROPERTY IMPORTED_LOCATION_${config} "${archive}")
    set_property(TARGET ${target} PROPERTY IMPORTED_SONAME_${config})
  endforeach()
endfunction()
