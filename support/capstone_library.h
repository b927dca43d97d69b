// capstone_library.h: the capstone disassembler, loaded with dlopen on first use.
//
// egret disassembles only for `egret compile --emit=asm` (TargetIsa::DisassembleFunction).
// Linking libcapstone would make the dynamic loader apply its 77 K relative relocations (its
// instruction tables) at the start of every egret command, 1.0 M of the 3.8 M instructions an
// `egret validate` of an empty module executed (docs/performance.md, "Issue 24, session 38").
// So egret includes capstone's header for its types and constants only, and reaches its six
// functions through the table below, filled from `libcapstone.so.<CS_API_MAJOR>` the first time
// a disassembly is asked for. Unit tests that check encoders against capstone link it directly.
//
// Invariants:
//   - The library is opened at most once per process; Capstone() is safe to call from several
//     threads, and every call returns the same answer (the table, or nullptr and the same error).
//   - Only the major version the header describes is loaded (cs_insn's layout changes between
//     majors): the soname carries CS_API_MAJOR, and cs_version() must agree.
//   - The library stays loaded until exit (never dlclose'd), so the pointers stay valid.
#ifndef EGRET_SUPPORT_CAPSTONE_LIBRARY_H_
#define EGRET_SUPPORT_CAPSTONE_LIBRARY_H_

#include <capstone/capstone.h>

#include <string>

namespace egret {

// The capstone functions egret calls, with capstone's own signatures.
struct CapstoneApi {
  decltype(&cs_open) open = nullptr;
  decltype(&cs_option) option = nullptr;
  decltype(&cs_malloc) malloc = nullptr;
  decltype(&cs_disasm_iter) disasm_iter = nullptr;
  decltype(&cs_free) free = nullptr;
  decltype(&cs_close) close = nullptr;
};

// The file name dlopen is given, e.g. "libcapstone.so.4".
const char* CapstoneSoname();

// The loaded library, or nullptr if it cannot be loaded; then *error (when given) says why, e.g.
// "cannot load the capstone disassembler (libcapstone.so.4: cannot open shared object file: No
// such file or directory); install capstone 4.x (Debian package libcapstone4)".
const CapstoneApi* Capstone(std::string* error = nullptr);

}  // namespace egret

#endif  // EGRET_SUPPORT_CAPSTONE_LIBRARY_H_
