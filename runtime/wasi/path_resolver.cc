// path_resolver.cc: see path_resolver.h for the rules. The walk keeps two stacks:
//  - `pending`: components still to resolve, last one on top (symlink targets push onto it);
//  - `dirs`: the directories opened so far; the start fd is implicit below them.
#include "runtime/wasi/path_resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "runtime/wasi/host_errno.h"

namespace egret::wasi {
namespace {

#ifdef O_PATH
// O_PATH opens a directory only as a lookup anchor: it needs no read permission on it and
// grants no I/O, which is all an intermediate component is used for.
constexpr int kDirOpenFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
#else
constexpr int kDirOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
#endif

struct Component {
  std::string name;
  bool trailing_slash = false;  // the text had a '/' after this component
};

// Pushes the components of `text` onto `pending` so that the first one ends on top.
void PushComponents(std::string_view text, std::vector<Component>& pending) {
  size_t first_new = pending.size();
  size_t i = 0;
  while (i < text.size()) {
    size_t slash = text.find('/', i);
    size_t end = slash == std::string_view::npos ? text.size() : slash;
    if (end > i) {
      pending.push_back(Component{std::string(text.substr(i, end - i)), end < text.size()});
    } else if (pending.size() > first_new) {
      pending.back().trailing_slash = true;  // "a//b": the empty piece adds nothing
    }
    i = end + 1;
  }
  // Reverse the freshly pushed run so the first component is popped first.
  for (size_t lo = first_new, hi = pending.size(); lo + 1 < hi; ++lo, --hi) {
    std::swap(pending[lo], pending[hi - 1]);
  }
}

// Reads the symlink `name` in `dir`. Returns kSuccess and the target, kInval when `name` is not
// a symlink, or another errno.
Errno ReadLink(int dir, const std::string& name, std::string* target) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof(buf));
  if (n < 0) return ErrnoFromHost(errno);
  if (static_cast<size_t>(n) >= sizeof(buf)) return Errno::kNameTooLong;
  target->assign(buf, static_cast<size_t>(n));
  return Errno::kSuccess;
}

// "." or "./": the directory reached is the object itself. (Built char by char: assigning a
// literal here trips a GCC 12 -O3 -Wrestrict false positive.)
void SetDot(std::string* name, bool trailing_slash) {
  name->clear();
  name->push_back('.');
  if (trailing_slash) name->push_back('/');
}

}  // namespace

Errno ResolvePath(int start_fd, std::string_view path, bool follow_final, ResolvedPath* out) {
  if (path.empty()) return Errno::kNoEnt;
  // The host's own limit, and a bound on the work and open directories one call can cost.
  if (path.size() >= PATH_MAX) return Errno::kNameTooLong;
  if (path.find('\0') != std::string_view::npos) return Errno::kInval;
  if (path.front() == '/') return Errno::kNotCapable;

  std::vector<Component> pending;
  PushComponents(path, pending);
  if (pending.empty()) return Errno::kNoEnt;  // unreachable: path is relative and non-empty

  std::vector<UniqueFd> dirs;
  auto top = [&] { return dirs.empty() ? start_fd : dirs.back().get(); };
  int symlinks = 0;

  // Splices the symlink `name` (in top()) in front of the pending components.
  auto expand_symlink = [&](const std::string& target) -> Errno {
    if (++symlinks > kMaxSymlinks) return Errno::kLoop;
    if (target.empty()) return Errno::kNoEnt;
    if (target.front() == '/') return Errno::kNotCapable;
    PushComponents(target, pending);
    return Errno::kSuccess;
  };

  while (true) {
    // Not reached today (every expansion pushes at least one component, and the final one
    // breaks out below), but if nothing is left the last directory reached is the object.
    if (pending.empty()) {
      SetDot(&out->name, false);
      break;
    }
    Component comp = std::move(pending.back());
    pending.pop_back();
    bool is_last = pending.empty();

    if (comp.name == ".") {
      if (is_last) {
        SetDot(&out->name, comp.trailing_slash);
        break;
      }
      continue;
    }
    if (comp.name == "..") {
      if (dirs.empty()) return Errno::kNotCapable;
      dirs.pop_back();
      if (is_last) {
        SetDot(&out->name, comp.trailing_slash);
        break;
      }
      continue;
    }

    if (is_last) {
      if (!follow_final && !comp.trailing_slash) {
        out->name = std::move(comp.name);
        break;
      }
      std::string target;
      Errno e = ReadLink(top(), comp.name, &target);
      if (e == Errno::kSuccess) {
        // "link/" must resolve to a directory: carry the slash onto the target's last part.
        if (comp.trailing_slash) target.push_back('/');
        EGRET_WASI_TRY_ERRNO(expand_symlink(target));
        continue;
      }
      // Not a symlink (EINVAL) or not there (ENOENT, e.g. a file about to be created): the name
      // itself is the answer; the caller's *at() call reports anything else.
      out->name = std::move(comp.name);
      if (comp.trailing_slash) out->name.push_back('/');
      break;
    }

    int fd = ::openat(top(), comp.name.c_str(), kDirOpenFlags);
    if (fd >= 0) {
      dirs.emplace_back(fd);
      continue;
    }
    int open_errno = errno;
    if (open_errno == ELOOP || open_errno == ENOTDIR || open_errno == EMLINK) {
      std::string target;
      if (ReadLink(top(), comp.name, &target) == Errno::kSuccess) {
        EGRET_WASI_TRY_ERRNO(expand_symlink(target));
        continue;
      }
    }
    return ErrnoFromHost(open_errno);
  }

  if (dirs.empty()) {
    out->owned.Reset();
    out->dir_fd = start_fd;
  } else {
    out->owned = std::move(dirs.back());
    out->dir_fd = out->owned.get();
  }
  return Errno::kSuccess;
}

}  // namespace egret::wasi
