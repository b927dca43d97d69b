// host_errno.h: mapping a host (POSIX) errno to the WASI errno the guest sees.
//
// WASI's errno list is POSIX's, renumbered. Every host error a host function can observe is
// mapped by name; anything unlisted becomes EIO rather than leaking a host number, because the
// guest would misread it.
#ifndef EGRET_RUNTIME_WASI_HOST_ERRNO_H_
#define EGRET_RUNTIME_WASI_HOST_ERRNO_H_

#include "runtime/wasi/wasi_abi.h"

namespace egret::wasi {

Errno ErrnoFromHost(int host_errno);

// The short POSIX-style name of a WASI errno ("EBADF"), for messages and tests.
const char* ErrnoName(Errno e);

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_HOST_ERRNO_H_
