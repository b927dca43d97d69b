// host_errno.cc: see host_errno.h.
#include "runtime/wasi/host_errno.h"

#include <cerrno>
#include <cstdint>

namespace egret::wasi {

Errno ErrnoFromHost(int host_errno) {
  // The numbering is the position in the witx list, which the table below follows; a host errno
  // with no WASI counterpart (and ENOTCAPABLE, which has no host one) falls through to EIO.
  switch (host_errno) {
    case E2BIG:
      return static_cast<Errno>(1);
    case EACCES:
      return static_cast<Errno>(2);
    case EADDRINUSE:
      return static_cast<Errno>(3);
    case EADDRNOTAVAIL:
      return static_cast<Errno>(4);
    case EAFNOSUPPORT:
      return static_cast<Errno>(5);
    case EAGAIN:
      return static_cast<Errno>(6);
    case EALREADY:
      return static_cast<Errno>(7);
    case EBADF:
      return static_cast<Errno>(8);
    case EBADMSG:
      return static_cast<Errno>(9);
    case EBUSY:
      return static_cast<Errno>(10);
    case ECANCELED:
      return static_cast<Errno>(11);
    case ECHILD:
      return static_cast<Errno>(12);
    case ECONNABORTED:
      return static_cast<Errno>(13);
    case ECONNREFUSED:
      return static_cast<Errno>(14);
    case ECONNRESET:
      return static_cast<Errno>(15);
    case EDEADLK:
      return static_cast<Errno>(16);
    case EDESTADDRREQ:
      return static_cast<Errno>(17);
    case EDOM:
      return static_cast<Errno>(18);
    case EDQUOT:
      return static_cast<Errno>(19);
    case EEXIST:
      return static_cast<Errno>(20);
    case EFAULT:
      return static_cast<Errno>(21);
    case EFBIG:
      return static_cast<Errno>(22);
    case EHOSTUNREACH:
      return static_cast<Errno>(23);
    case EIDRM:
      return static_cast<Errno>(24);
    case EILSEQ:
      return static_cast<Errno>(25);
    case EINPROGRESS:
      return static_cast<Errno>(26);
    case EINTR:
      return static_cast<Errno>(27);
    case EINVAL:
      return static_cast<Errno>(28);
    case EIO:
      return static_cast<Errno>(29);
    case EISCONN:
      return static_cast<Errno>(30);
    case EISDIR:
      return static_cast<Errno>(31);
    case ELOOP:
      return static_cast<Errno>(32);
    case EMFILE:
      return static_cast<Errno>(33);
    case EMLINK:
      return static_cast<Errno>(34);
    case EMSGSIZE:
      return static_cast<Errno>(35);
    case EMULTIHOP:
      return static_cast<Errno>(36);
    case ENAMETOOLONG:
      return static_cast<Errno>(37);
    case ENETDOWN:
      return static_cast<Errno>(38);
    case ENETRESET:
      return static_cast<Errno>(39);
    case ENETUNREACH:
      return static_cast<Errno>(40);
    case ENFILE:
      return static_cast<Errno>(41);
    case ENOBUFS:
      return static_cast<Errno>(42);
    case ENODEV:
      return static_cast<Errno>(43);
    case ENOENT:
      return static_cast<Errno>(44);
    case ENOEXEC:
      return static_cast<Errno>(45);
    case ENOLCK:
      return static_cast<Errno>(46);
    case ENOLINK:
      return static_cast<Errno>(47);
    case ENOMEM:
      return static_cast<Errno>(48);
    case ENOMSG:
      return static_cast<Errno>(49);
    case ENOPROTOOPT:
      return static_cast<Errno>(50);
    case ENOSPC:
      return static_cast<Errno>(51);
    case ENOSYS:
      return static_cast<Errno>(52);
    case ENOTCONN:
      return static_cast<Errno>(53);
    case ENOTDIR:
      return static_cast<Errno>(54);
    case ENOTEMPTY:
      return static_cast<Errno>(55);
    case ENOTRECOVERABLE:
      return static_cast<Errno>(56);
    case ENOTSOCK:
      return static_cast<Errno>(57);
    case ENOTSUP:
      return static_cast<Errno>(58);
    case ENOTTY:
      return static_cast<Errno>(59);
    case ENXIO:
      return static_cast<Errno>(60);
    case EOVERFLOW:
      return static_cast<Errno>(61);
    case EOWNERDEAD:
      return static_cast<Errno>(62);
    case EPERM:
      return static_cast<Errno>(63);
    case EPIPE:
      return static_cast<Errno>(64);
    case EPROTO:
      return static_cast<Errno>(65);
    case EPROTONOSUPPORT:
      return static_cast<Errno>(66);
    case EPROTOTYPE:
      return static_cast<Errno>(67);
    case ERANGE:
      return static_cast<Errno>(68);
    case EROFS:
      return static_cast<Errno>(69);
    case ESPIPE:
      return static_cast<Errno>(70);
    case ESRCH:
      return static_cast<Errno>(71);
    case ESTALE:
      return static_cast<Errno>(72);
    case ETIMEDOUT:
      return static_cast<Errno>(73);
    case ETXTBSY:
      return static_cast<Errno>(74);
    case EXDEV:
      return static_cast<Errno>(75);
#if EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP:
      return Errno::kNotSup;
#endif
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
      return Errno::kAgain;
#endif
    case 0:
      return Errno::kSuccess;
    default:
      return Errno::kIo;
  }
}

const char* ErrnoName(Errno e) {
  static constexpr const char* kNames[] = {
      "ESUCCESS",     "E2BIG",           "EACCES",       "EADDRINUSE",   "EADDRNOTAVAIL",
      "EAFNOSUPPORT", "EAGAIN",          "EALREADY",     "EBADF",        "EBADMSG",
      "EBUSY",        "ECANCELED",       "ECHILD",       "ECONNABORTED", "ECONNREFUSED",
      "ECONNRESET",   "EDEADLK",         "EDESTADDRREQ", "EDOM",         "EDQUOT",
      "EEXIST",       "EFAULT",          "EFBIG",        "EHOSTUNREACH", "EIDRM",
      "EILSEQ",       "EINPROGRESS",     "EINTR",        "EINVAL",       "EIO",
      "EISCONN",      "EISDIR",          "ELOOP",        "EMFILE",       "EMLINK",
      "EMSGSIZE",     "EMULTIHOP",       "ENAMETOOLONG", "ENETDOWN",     "ENETRESET",
      "ENETUNREACH",  "ENFILE",          "ENOBUFS",      "ENODEV",       "ENOENT",
      "ENOEXEC",      "ENOLCK",          "ENOLINK",      "ENOMEM",       "ENOMSG",
      "ENOPROTOOPT",  "ENOSPC",          "ENOSYS",       "ENOTCONN",     "ENOTDIR",
      "ENOTEMPTY",    "ENOTRECOVERABLE", "ENOTSOCK",     "ENOTSUP",      "ENOTTY",
      "ENXIO",        "EOVERFLOW",       "EOWNERDEAD",   "EPERM",        "EPIPE",
      "EPROTO",       "EPROTONOSUPPORT", "EPROTOTYPE",   "ERANGE",       "EROFS",
      "ESPIPE",       "ESRCH",           "ESTALE",       "ETIMEDOUT",    "ETXTBSY",
      "EXDEV",        "ENOTCAPABLE",
  };
  auto index = static_cast<uint16_t>(e);
  if (index >= sizeof(kNames) / sizeof(kNames[0])) return "E?";
  return kNames[index];
}

}  // namespace egret::wasi
