// path_resolver.h: resolving a guest path beneath a directory descriptor without escaping it.
//
// WASI is capability-based: a path is always relative to a directory fd the guest holds (a
// preopen, or a directory opened through one), and must name something inside that directory's
// tree. The host kernel knows nothing about that rule, so the resolver walks the path itself,
// one component at a time:
//
//  - an absolute path is refused (ENOTCAPABLE); wasi-libc resolves absolute paths against the
//    preopens before calling the host, so a well-behaved guest never sends one;
//  - each directory component is opened with openat(O_DIRECTORY | O_NOFOLLOW) relative to the
//    previous one, so the kernel never follows a symlink or `..` on our behalf;
//  - `..` pops the walk's own stack of opened directories; popping the starting directory is
//    an escape (ENOTCAPABLE);
//  - a symlink met on the way is read with readlinkat and its target spliced in front of the
//    remaining components; an absolute target is an escape (ENOTCAPABLE); more than kMaxSymlinks
//    expansions is ELOOP.
//
// The result is a directory fd plus one final component name that contains no '/', which the
// caller hands to an *at() call with AT_SYMLINK_NOFOLLOW / O_NOFOLLOW. Because every step is
// relative to a descriptor already known to be inside the tree, concurrent renames by other
// processes cannot redirect the walk outside it; at worst an operation fails.
//
// Final component: with `follow_final` (or a trailing '/'), a symlink in the final position is
// expanded too, so the returned name is never a symlink at resolution time; without it, the
// name is returned as is (the symlink itself is the object). A trailing '/' is kept on the
// returned name so the kernel still insists on a directory.
#ifndef EGRET_RUNTIME_WASI_PATH_RESOLVER_H_
#define EGRET_RUNTIME_WASI_PATH_RESOLVER_H_

#include <string>
#include <string_view>

#include "runtime/wasi/unique_fd.h"
#include "runtime/wasi/wasi_abi.h"

namespace egret::wasi {

inline constexpr int kMaxSymlinks = 40;  // as Linux's MAXSYMLINKS

struct ResolvedPath {
  UniqueFd owned;    // the opened parent when it is not the starting fd itself
  int dir_fd = -1;   // directory in which `name` is looked up (owned.get() or the start fd)
  std::string name;  // one component (".", "file", "dir/"), never containing '/' otherwise
};

// Resolves `path` beneath `start_fd`. On success fills *out and returns kSuccess.
Errno ResolvePath(int start_fd, std::string_view path, bool follow_final, ResolvedPath* out);

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_PATH_RESOLVER_H_
