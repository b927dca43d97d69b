// host_errno.cc: see host_errno.h.
#include "runtime/wasi/host_errno.h"

#include <cerrno>
#include <cstdint>

namespace egret::wasi {

Errno ErrnoFromHost(int host_errno) {
  // Every POSIX errno preview1 lists, by name; a host errno with no WASI counterpart falls
  // through to EIO (ENOTCAPABLE has no host counterpart at all).
  switch (host_errno) {
    case E2BIG:
      return Errno::k2Big;
    case EACCES:
      return Errno::kAcces;
    case EADDRINUSE:
      return Errno::kAddrInUse;
    case EADDRNOTAVAIL:
      return Errno::kAddrNotAvail;
    case EAFNOSUPPORT:
      return Errno::kAfNoSupport;
    case EAGAIN:
      return Errno::kAgain;
    case EALREADY:
      return Errno::kAlready;
    case EBADF:
      return Errno::kBadf;
    case EBADMSG:
      return Errno::kBadMsg;
    case EBUSY:
      return Errno::kBusy;
    case ECANCELED:
      return Errno::kCanceled;
    case ECHILD:
      return Errno::kChild;
    case ECONNABORTED:
      return Errno::kConnAborted;
    case ECONNREFUSED:
      return Errno::kConnRefused;
    case ECONNRESET:
      return Errno::kConnReset;
    case EDEADLK:
      return Errno::kDeadlk;
    case EDESTADDRREQ:
      return Errno::kDestAddrReq;
    case EDOM:
      return Errno::kDom;
    case EDQUOT:
      return Errno::kDquot;
    case EEXIST:
      return Errno::kExist;
    case EFAULT:
      return Errno::kFault;
    case EFBIG:
      return Errno::kFbig;
    case EHOSTUNREACH:
      return Errno::kHostUnreach;
    case EIDRM:
      return Errno::kIdrm;
    case EILSEQ:
      return Errno::kIlseq;
    case EINPROGRESS:
      return Errno::kInProgress;
    case EINTR:
      return Errno::kIntr;
    case EINVAL:
      return Errno::kInval;
    case EIO:
      return Errno::kIo;
    case EISCONN:
      return Errno::kIsConn;
    case EISDIR:
      return Errno::kIsDir;
    case ELOOP:
      return Errno::kLoop;
    case EMFILE:
      return Errno::kMfile;
    case EMLINK:
      return Errno::kMlink;
    case EMSGSIZE:
      return Errno::kMsgSize;
    case EMULTIHOP:
      return Errno::kMultihop;
    case ENAMETOOLONG:
      return Errno::kNameTooLong;
    case ENETDOWN:
      return Errno::kNetDown;
    case ENETRESET:
      return Errno::kNetReset;
    case ENETUNREACH:
      return Errno::kNetUnreach;
    case ENFILE:
      return Errno::kNfile;
    case ENOBUFS:
      return Errno::kNoBufs;
    case ENODEV:
      return Errno::kNoDev;
    case ENOENT:
      return Errno::kNoEnt;
    case ENOEXEC:
      return Errno::kNoExec;
    case ENOLCK:
      return Errno::kNoLck;
    case ENOLINK:
      return Errno::kNoLink;
    case ENOMEM:
      return Errno::kNoMem;
    case ENOMSG:
      return Errno::kNoMsg;
    case ENOPROTOOPT:
      return Errno::kNoProtoOpt;
    case ENOSPC:
      return Errno::kNoSpc;
    case ENOSYS:
      return Errno::kNoSys;
    case ENOTCONN:
      return Errno::kNotConn;
    case ENOTDIR:
      return Errno::kNotDir;
    case ENOTEMPTY:
      return Errno::kNotEmpty;
    case ENOTRECOVERABLE:
      return Errno::kNotRecoverable;
    case ENOTSOCK:
      return Errno::kNotSock;
    case ENOTSUP:
      return Errno::kNotSup;
    case ENOTTY:
      return Errno::kNoTty;
    case ENXIO:
      return Errno::kNxio;
    case EOVERFLOW:
      return Errno::kOverflow;
    case EOWNERDEAD:
      return Errno::kOwnerDead;
    case EPERM:
      return Errno::kPerm;
    case EPIPE:
      return Errno::kPipe;
    case EPROTO:
      return Errno::kProto;
    case EPROTONOSUPPORT:
      return Errno::kProtoNoSupport;
    case EPROTOTYPE:
      return Errno::kProtoType;
    case ERANGE:
      return Errno::kRange;
    case EROFS:
      return Errno::kRofs;
    case ESPIPE:
      return Errno::kSpipe;
    case ESRCH:
      return Errno::kSrch;
    case ESTALE:
      return Errno::kStale;
    case ETIMEDOUT:
      return Errno::kTimedOut;
    case ETXTBSY:
      return Errno::kTxtBsy;
    case EXDEV:
      return Errno::kXdev;
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
