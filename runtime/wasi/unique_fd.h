// unique_fd.h: an owned host file descriptor, closed exactly once.
//
// The WASI layer opens many short-lived directory descriptors while walking a guest path; an
// early return on any error must not leak them. UniqueFd is move-only and closes on destruction.
#ifndef EGRET_RUNTIME_WASI_UNIQUE_FD_H_
#define EGRET_RUNTIME_WASI_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace egret::wasi {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership without closing.
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_UNIQUE_FD_H_
