// wasi_abi.h: the wasi_snapshot_preview1 ABI as seen from the guest: errno values, flag bits,
// and the byte layout of every structure a host function reads from or writes to linear memory.
//
// The guest is a wasm32 program, so every pointer is a u32 offset into linear memory and every
// structure is laid out with the witx rules (natural alignment, little-endian). Host code never
// overlays C structs on guest memory: it reads and writes fields at the offsets below through
// GuestMemory, which checks bounds and does not care about alignment. The values and offsets
// here are the ABI; they come from the preview1 witx files and must never change.
#ifndef EGRET_RUNTIME_WASI_WASI_ABI_H_
#define EGRET_RUNTIME_WASI_WASI_ABI_H_

#include <cstdint>

namespace egret::wasi {

// errno: u16. Every function that returns a value returns one of these.
enum class Errno : uint16_t {
  kSuccess = 0,
  k2Big = 1,
  kAcces = 2,
  kAddrInUse = 3,
  kAddrNotAvail = 4,
  kAfNoSupport = 5,
  kAgain = 6,
  kAlready = 7,
  kBadf = 8,
  kBadMsg = 9,
  kBusy = 10,
  kCanceled = 11,
  kChild = 12,
  kConnAborted = 13,
  kConnRefused = 14,
  kConnReset = 15,
  kDeadlk = 16,
  kDestAddrReq = 17,
  kDom = 18,
  kDquot = 19,
  kExist = 20,
  kFault = 21,
  kFbig = 22,
  kHostUnreach = 23,
  kIdrm = 24,
  kIlseq = 25,
  kInProgress = 26,
  kIntr = 27,
  kInval = 28,
  kIo = 29,
  kIsConn = 30,
  kIsDir = 31,
  kLoop = 32,
  kMfile = 33,
  kMlink = 34,
  kMsgSize = 35,
  kMultihop = 36,
  kNameTooLong = 37,
  kNetDown = 38,
  kNetReset = 39,
  kNetUnreach = 40,
  kNfile = 41,
  kNoBufs = 42,
  kNoDev = 43,
  kNoEnt = 44,
  kNoExec = 45,
  kNoLck = 46,
  kNoLink = 47,
  kNoMem = 48,
  kNoMsg = 49,
  kNoProtoOpt = 50,
  kNoSpc = 51,
  kNoSys = 52,
  kNotConn = 53,
  kNotDir = 54,
  kNotEmpty = 55,
  kNotRecoverable = 56,
  kNotSock = 57,
  kNotSup = 58,
  kNoTty = 59,
  kNxio = 60,
  kOverflow = 61,
  kOwnerDead = 62,
  kPerm = 63,
  kPipe = 64,
  kProto = 65,
  kProtoNoSupport = 66,
  kProtoType = 67,
  kRange = 68,
  kRofs = 69,
  kSpipe = 70,
  kSrch = 71,
  kStale = 72,
  kTimedOut = 73,
  kTxtBsy = 74,
  kXdev = 75,
  kNotCapable = 76,
};

// rights: u64 bit set.
namespace rights {
inline constexpr uint64_t kFdDatasync = 1ull << 0;
inline constexpr uint64_t kFdRead = 1ull << 1;
inline constexpr uint64_t kFdSeek = 1ull << 2;
inline constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kFdSync = 1ull << 4;
inline constexpr uint64_t kFdTell = 1ull << 5;
inline constexpr uint64_t kFdWrite = 1ull << 6;
inline constexpr uint64_t kFdAdvise = 1ull << 7;
inline constexpr uint64_t kFdAllocate = 1ull << 8;
inline constexpr uint64_t kPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kPathCreateFile = 1ull << 10;
inline constexpr uint64_t kPathLinkSource = 1ull << 11;
inline constexpr uint64_t kPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kPathOpen = 1ull << 13;
inline constexpr uint64_t kFdReaddir = 1ull << 14;
inline constexpr uint64_t kPathReadlink = 1ull << 15;
inline constexpr uint64_t kPathRenameSource = 1ull << 16;
inline constexpr uint64_t kPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kPathSymlink = 1ull << 24;
inline constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kSockShutdown = 1ull << 28;
inline constexpr uint64_t kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;

// What an open regular file, a directory, and a character device or pipe can do. The fd table
// reports these (intersected with what the guest asked for); see docs/wasi.md on rights.
inline constexpr uint64_t kRegularFile =
    kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell | kFdWrite | kFdAdvise |
    kFdAllocate | kFdFilestatGet | kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
inline constexpr uint64_t kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdDatasync | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource |
    kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// A stream (tty, pipe, socket): no seek/tell, which is how wasi-libc's isatty() tells them apart.
inline constexpr uint64_t kStream =
    kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet | kPollFdReadwrite;
}  // namespace rights

// filetype: u8.
enum class Filetype : uint8_t {
  kUnknown = 0,
  kBlockDevice = 1,
  kCharacterDevice = 2,
  kDirectory = 3,
  kRegularFile = 4,
  kSocketDgram = 5,
  kSocketStream = 6,
  kSymbolicLink = 7,
};

// fdflags: u16.
inline constexpr uint16_t kFdflagAppend = 1 << 0;
inline constexpr uint16_t kFdflagDsync = 1 << 1;
inline constexpr uint16_t kFdflagNonblock = 1 << 2;
inline constexpr uint16_t kFdflagRsync = 1 << 3;
inline constexpr uint16_t kFdflagSync = 1 << 4;

// oflags: u16 (path_open).
inline constexpr uint16_t kOflagCreat = 1 << 0;
inline constexpr uint16_t kOflagDirectory = 1 << 1;
inline constexpr uint16_t kOflagExcl = 1 << 2;
inline constexpr uint16_t kOflagTrunc = 1 << 3;

// lookupflags: u32.
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

// fstflags: u16 (*_filestat_set_times).
inline constexpr uint16_t kFstflagAtim = 1 << 0;
inline constexpr uint16_t kFstflagAtimNow = 1 << 1;
inline constexpr uint16_t kFstflagMtim = 1 << 2;
inline constexpr uint16_t kFstflagMtimNow = 1 << 3;

// whence: u8.
inline constexpr uint8_t kWhenceSet = 0;
inline constexpr uint8_t kWhenceCur = 1;
inline constexpr uint8_t kWhenceEnd = 2;

// clockid: u32.
inline constexpr uint32_t kClockRealtime = 0;
inline constexpr uint32_t kClockMonotonic = 1;
inline constexpr uint32_t kClockProcessCputime = 2;
inline constexpr uint32_t kClockThreadCputime = 3;

// advice: u8 (fd_advise).
inline constexpr uint8_t kAdviceNormal = 0;
inline constexpr uint8_t kAdviceSequential = 1;
inline constexpr uint8_t kAdviceRandom = 2;
inline constexpr uint8_t kAdviceWillNeed = 3;
inline constexpr uint8_t kAdviceDontNeed = 4;
inline constexpr uint8_t kAdviceNoReuse = 5;

// eventtype: u8; subclockflags: u16; eventrwflags: u16.
inline constexpr uint8_t kEventClock = 0;
inline constexpr uint8_t kEventFdRead = 1;
inline constexpr uint8_t kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1 << 0;
inline constexpr uint16_t kEventRwHangup = 1 << 0;

// preopentype: u8.
inline constexpr uint8_t kPreopenDir = 0;

// Structure layouts: size and field offsets in bytes.
namespace layout {
// iovec / ciovec { buf: u32, buf_len: u32 }
inline constexpr uint32_t kIovecSize = 8;
inline constexpr uint32_t kIovecBuf = 0;
inline constexpr uint32_t kIovecLen = 4;

// fdstat { fs_filetype: u8, fs_flags: u16, fs_rights_base: u64, fs_rights_inheriting: u64 }
inline constexpr uint32_t kFdstatSize = 24;
inline constexpr uint32_t kFdstatFiletype = 0;
inline constexpr uint32_t kFdstatFlags = 2;
inline constexpr uint32_t kFdstatRightsBase = 8;
inline constexpr uint32_t kFdstatRightsInheriting = 16;

// filestat { dev, ino: u64, filetype: u8, nlink, size, atim, mtim, ctim: u64 }
inline constexpr uint32_t kFilestatSize = 64;
inline constexpr uint32_t kFilestatDev = 0;
inline constexpr uint32_t kFilestatIno = 8;
inline constexpr uint32_t kFilestatFiletype = 16;
inline constexpr uint32_t kFilestatNlink = 24;
inline constexpr uint32_t kFilestatSizeField = 32;
inline constexpr uint32_t kFilestatAtim = 40;
inline constexpr uint32_t kFilestatMtim = 48;
inline constexpr uint32_t kFilestatCtim = 56;

// prestat { tag: u8, u: { dir: { pr_name_len: u32 } } }
inline constexpr uint32_t kPrestatSize = 8;
inline constexpr uint32_t kPrestatTag = 0;
inline constexpr uint32_t kPrestatNameLen = 4;

// dirent { d_next: u64, d_ino: u64, d_namlen: u32, d_type: u8 }, followed by the name.
inline constexpr uint32_t kDirentSize = 24;
inline constexpr uint32_t kDirentNext = 0;
inline constexpr uint32_t kDirentIno = 8;
inline constexpr uint32_t kDirentNamlen = 16;
inline constexpr uint32_t kDirentType = 20;

// subscription { userdata: u64, u: { tag: u8 @8, contents @16 } }
//   clock contents { id: u32 @0, timeout: u64 @8, precision: u64 @16, flags: u16 @24 }
//   fd_readwrite contents { file_descriptor: u32 @0 }
inline constexpr uint32_t kSubscriptionSize = 48;
inline constexpr uint32_t kSubscriptionUserdata = 0;
inline constexpr uint32_t kSubscriptionTag = 8;
inline constexpr uint32_t kSubscriptionClockId = 16;
inline constexpr uint32_t kSubscriptionClockTimeout = 24;
inline constexpr uint32_t kSubscriptionClockPrecision = 32;
inline constexpr uint32_t kSubscriptionClockFlags = 40;
inline constexpr uint32_t kSubscriptionFd = 16;

// event { userdata: u64, error: u16 @8, type: u8 @10, fd_readwrite: { nbytes: u64 @16,
//         flags: u16 @24 } }
inline constexpr uint32_t kEventSize = 32;
inline constexpr uint32_t kEventUserdata = 0;
inline constexpr uint32_t kEventError = 8;
inline constexpr uint32_t kEventType = 10;
inline constexpr uint32_t kEventNbytes = 16;
inline constexpr uint32_t kEventFlags = 24;
}  // namespace layout

}  // namespace egret::wasi

// Returns the errno from the enclosing function when `expr` is not kSuccess.
#define EGRET_WASI_TRY_ERRNO(expr)                                                     \
  do {                                                                                 \
    ::egret::wasi::Errno egret_wasi_errno_ = (expr);                                   \
    if (egret_wasi_errno_ != ::egret::wasi::Errno::kSuccess) return egret_wasi_errno_; \
  } while (0)

#endif  // EGRET_RUNTIME_WASI_WASI_ABI_H_
