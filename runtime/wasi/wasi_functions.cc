// wasi_functions.cc: the preview1 function table. Signatures are the core Wasm types of the
// witx definitions (pointers, sizes, fds and flags are i32; offsets, timestamps, rights and
// file sizes are i64); every function returns its errno as an i32 except proc_exit.
#include "runtime/wasi/wasi_functions.h"

#include <algorithm>

#include "runtime/wasi/wasi_impl.h"

namespace egret::wasi {
namespace {

constexpr WasiValType I = WasiValType::kI32;
constexpr WasiValType L = WasiValType::kI64;

// Parameter lists, named by their shape: i = i32, L = i64.
constexpr WasiValType kP_i[] = {I};
constexpr WasiValType kP_iL[] = {I, L};
constexpr WasiValType kP_iLL[] = {I, L, L};
constexpr WasiValType kP_iLLi[] = {I, L, L, I};
constexpr WasiValType kP_iLi[] = {I, L, I};
constexpr WasiValType kP_iLii[] = {I, L, I, I};
constexpr WasiValType kP_ii[] = {I, I};
constexpr WasiValType kP_iii[] = {I, I, I};
constexpr WasiValType kP_iiiLi[] = {I, I, I, L, I};
constexpr WasiValType kP_iiii[] = {I, I, I, I};
constexpr WasiValType kP_iiiiLLi[] = {I, I, I, I, L, L, I};
constexpr WasiValType kP_iiiii[] = {I, I, I, I, I};
constexpr WasiValType kP_iiiiiLLii[] = {I, I, I, I, I, L, L, I, I};
constexpr WasiValType kP_iiiiii[] = {I, I, I, I, I, I};
constexpr WasiValType kP_iiiiiii[] = {I, I, I, I, I, I, I};
constexpr WasiValType kErrnoResult[] = {I};

constexpr WasiFunction kFunctions[] = {
    {"args_get", kP_ii, kErrnoResult, internal::ArgsGet, true},
    {"args_sizes_get", kP_ii, kErrnoResult, internal::ArgsSizesGet, true},
    {"clock_res_get", kP_ii, kErrnoResult, internal::ClockResGet, true},
    {"clock_time_get", kP_iLi, kErrnoResult, internal::ClockTimeGet, true},
    {"environ_get", kP_ii, kErrnoResult, internal::EnvironGet, true},
    {"environ_sizes_get", kP_ii, kErrnoResult, internal::EnvironSizesGet, true},
    {"fd_advise", kP_iLLi, kErrnoResult, internal::FdAdvise, true},
    {"fd_allocate", kP_iLL, kErrnoResult, internal::FdAllocate, true},
    {"fd_close", kP_i, kErrnoResult, internal::FdClose, true},
    {"fd_datasync", kP_i, kErrnoResult, internal::FdDatasync, true},
    {"fd_fdstat_get", kP_ii, kErrnoResult, internal::FdFdstatGet, true},
    {"fd_fdstat_set_flags", kP_ii, kErrnoResult, internal::FdFdstatSetFlags, true},
    {"fd_fdstat_set_rights", kP_iLL, kErrnoResult, internal::FdFdstatSetRights, true},
    {"fd_filestat_get", kP_ii, kErrnoResult, internal::FdFilestatGet, true},
    {"fd_filestat_set_size", kP_iL, kErrnoResult, internal::FdFilestatSetSize, true},
    {"fd_filestat_set_times", kP_iLLi, kErrnoResult, internal::FdFilestatSetTimes, true},
    {"fd_pread", kP_iiiLi, kErrnoResult, internal::FdPread, true},
    {"fd_prestat_dir_name", kP_iii, kErrnoResult, internal::FdPrestatDirName, true},
    {"fd_prestat_get", kP_ii, kErrnoResult, internal::FdPrestatGet, true},
    {"fd_pwrite", kP_iiiLi, kErrnoResult, internal::FdPwrite, true},
    {"fd_read", kP_iiii, kErrnoResult, internal::FdRead, true},
    {"fd_readdir", kP_iiiLi, kErrnoResult, internal::FdReaddir, true},
    {"fd_renumber", kP_ii, kErrnoResult, internal::FdRenumber, true},
    {"fd_seek", kP_iLii, kErrnoResult, internal::FdSeek, true},
    {"fd_sync", kP_i, kErrnoResult, internal::FdSync, true},
    {"fd_tell", kP_ii, kErrnoResult, internal::FdTell, true},
    {"fd_write", kP_iiii, kErrnoResult, internal::FdWrite, true},
    {"path_create_directory", kP_iii, kErrnoResult, internal::PathCreateDirectory, true},
    {"path_filestat_get", kP_iiiii, kErrnoResult, internal::PathFilestatGet, true},
    {"path_filestat_set_times", kP_iiiiLLi, kErrnoResult, internal::PathFilestatSetTimes, true},
    {"path_link", kP_iiiiiii, kErrnoResult, internal::PathLink, true},
    {"path_open", kP_iiiiiLLii, kErrnoResult, internal::PathOpen, true},
    {"path_readlink", kP_iiiiii, kErrnoResult, internal::PathReadlink, true},
    {"path_remove_directory", kP_iii, kErrnoResult, internal::PathRemoveDirectory, true},
    {"path_rename", kP_iiiiii, kErrnoResult, internal::PathRename, true},
    {"path_symlink", kP_iiiii, kErrnoResult, internal::PathSymlink, true},
    {"path_unlink_file", kP_iii, kErrnoResult, internal::PathUnlinkFile, true},
    {"poll_oneoff", kP_iiii, kErrnoResult, internal::PollOneoff, true},
    {"proc_exit", kP_i, {}, internal::ProcExit, true},
    {"proc_raise", kP_i, kErrnoResult, internal::NotImplemented, false},
    {"random_get", kP_ii, kErrnoResult, internal::RandomGet, true},
    {"sched_yield", {}, kErrnoResult, internal::SchedYield, true},
    {"sock_accept", kP_iii, kErrnoResult, internal::NotImplemented, false},
    {"sock_recv", kP_iiiiii, kErrnoResult, internal::NotImplemented, false},
    {"sock_send", kP_iiiii, kErrnoResult, internal::NotImplemented, false},
    {"sock_shutdown", kP_ii, kErrnoResult, internal::NotImplemented, false},
};

}  // namespace

std::span<const WasiFunction> WasiFunctions() { return kFunctions; }

const WasiFunction* FindWasiFunction(std::string_view name) {
  auto it = std::lower_bound(std::begin(kFunctions), std::end(kFunctions), name,
                             [](const WasiFunction& f, std::string_view n) { return f.name < n; });
  if (it == std::end(kFunctions) || it->name != name) return nullptr;
  return &*it;
}

}  // namespace egret::wasi
