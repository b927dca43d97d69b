#include "support/error.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace egret {

std::string Error::ToString() const {
  std::string out = file;
  char buf[64];
  if (offset != kNoOffset) {
    std::snprintf(buf, sizeof buf, "%s0x%" PRIx64, out.empty() ? "" : ":", offset);
    out += buf;
  } else if (line != 0) {
    std::snprintf(buf, sizeof buf, "%s%u:%u", out.empty() ? "" : ":", line, column);
    out += buf;
  }
  if (!out.empty()) out += ": ";
  out += "error: ";
  out += message;
  return out;
}

void Fatal(const char* file, int line, const std::string& message) {
  std::fprintf(stderr, "egret: internal error at %s:%d: %s\n", file, line, message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace egret
