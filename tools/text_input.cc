// text_input.cc: see text_input.h.
#include "tools/text_input.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "frontend/text/module_parser.h"

namespace egret::tools {

bool IsBinaryInput(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kWasm[4] = {0x00, 0x61, 0x73, 0x6d};
  static constexpr uint8_t kArtifact[8] = {0x00, 0x65, 0x67, 0x72, 0x65, 0x74, 0x61, 0x66};
  auto starts = [&](const uint8_t* m, size_t n) {
    return bytes.size() >= n && std::memcmp(bytes.data(), m, n) == 0;
  };
  // Any leading NUL byte means a binary (a text module never contains one).
  return starts(kWasm, 4) || starts(kArtifact, 8) || (!bytes.empty() && bytes[0] == 0);
}

Expected<wasm::ModuleBytes> TextToBinaryIfNeeded(wasm::ModuleBytes bytes, const std::string& name,
                                                 bool* text_error) {
  if (text_error) *text_error = false;
  if (IsBinaryInput(bytes)) return bytes;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  Expected<std::vector<uint8_t>> wasm =
      text::WatToWasm(text, {.debug_names = true});  // names for IR and backtraces
  if (!wasm.ok()) {
    if (text_error) *text_error = true;
    Error e = std::move(wasm).error();
    e.InFile(name);
    return e;
  }
  return wasm::ModuleBytes(std::move(*wasm));
}

Expected<wasm::ModuleBytes> ReadModuleInput(const std::string& path, bool* text_error) {
  if (text_error) *text_error = false;
  auto fail = [&](std::string why) {
    Error e("cannot read file: " + std::move(why));
    e.file = path;
    return e;
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("Is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::strerror(errno));
  // A regular file is read in one call into a buffer of its size, not zero-filled first (a
  // byte-at-a-time stream iterator cost 13 instructions per byte, most of `egret validate`, and
  // doubled the buffer; a std::vector's zero fill cost one per byte); anything else (a pipe) in
  // chunks. libstdc++ reports read errors by throwing from the stream buffer whatever the
  // stream's exception mask, hence the catch.
  wasm::ModuleBytes bytes;
  try {
    if (std::filesystem::is_regular_file(path, ec)) {
      in.seekg(0, std::ios::end);
      const std::streamoff size = in.tellg();
      in.seekg(0, std::ios::beg);
      if (size > 0) {
        bytes = wasm::ModuleBytes::ForOverwrite(static_cast<size_t>(size));
        in.read(reinterpret_cast<char*>(bytes.mutable_data()), static_cast<std::streamsize>(size));
        bytes.Truncate(static_cast<size_t>(in.gcount()));  // only what was read is defined
      }
    } else {
      std::vector<uint8_t> v;
      char chunk[1 << 16];
      while (in.read(chunk, sizeof chunk) || in.gcount() > 0)
        v.insert(v.end(), chunk, chunk + in.gcount());
      bytes = wasm::ModuleBytes(std::move(v));
    }
  } catch (const std::ios_base::failure& f) {
    return fail(f.what());
  }
  return TextToBinaryIfNeeded(std::move(bytes), path, text_error);
}

}  // namespace egret::tools
