// capstone_library.cc: dlopen of libcapstone (capstone_library.h).
#include "support/capstone_library.h"

#include <dlfcn.h>

#define EGRET_CS_STR2(x) #x
#define EGRET_CS_STR(x) EGRET_CS_STR2(x)

namespace egret {
namespace {

struct Loaded {
  CapstoneApi api;
  bool ok = false;
  std::string error;
};

// Looks up `name` in `lib` into *fn (false, and *error set, if it is missing).
template <class Fn>
bool Resolve(void* lib, const char* name, Fn* fn, std::string* error) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (*fn != nullptr) return true;
  *error = std::string(CapstoneSoname()) + " has no " + name;
  return false;
}

Loaded Load() {
  Loaded l;
  const auto fail = [&l](const std::string& why) {
    l.error = "cannot load the capstone disassembler (" + why +
              "); install capstone " EGRET_CS_STR(CS_API_MAJOR) ".x (Debian package "
              "libcapstone" EGRET_CS_STR(CS_API_MAJOR) ")";
    return l;
  };
  void* lib = dlopen(CapstoneSoname(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    return fail(why != nullptr ? why : CapstoneSoname());
  }
  std::string why;
  decltype(&cs_version) version = nullptr;
  if (!Resolve(lib, "cs_version", &version, &why) || !Resolve(lib, "cs_open", &l.api.open, &why) ||
      !Resolve(lib, "cs_option", &l.api.option, &why) ||
      !Resolve(lib, "cs_malloc", &l.api.malloc, &why) ||
      !Resolve(lib, "cs_disasm_iter", &l.api.disasm_iter, &why) ||
      !Resolve(lib, "cs_free", &l.api.free, &why) ||
      !Resolve(lib, "cs_close", &l.api.close, &why)) {
    dlclose(lib);
    return fail(why);
  }
  int major = 0;
  int minor = 0;
  version(&major, &minor);
  if (major != CS_API_MAJOR) {
    dlclose(lib);
    return fail(std::string(CapstoneSoname()) + " is version " + std::to_string(major) + "." +
                std::to_string(minor));
  }
  l.ok = true;
  return l;
}

}  // namespace

const char* CapstoneSoname() { return "libcapstone.so." EGRET_CS_STR(CS_API_MAJOR); }

const CapstoneApi* Capstone(std::string* error) {
  static const Loaded loaded = Load();  // once per process (thread-safe initialisation)
  if (!loaded.ok) {
    if (error != nullptr) *error = loaded.error;
    return nullptr;
  }
  return &loaded.api;
}

}  // namespace egret
