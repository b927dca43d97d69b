// test_module.h: hand-assembled functions for the host architecture (x86-64 bytes, or aarch64
// words from a64_encoding.h) loaded as a registered "module", for testing the runtime's
// machine-level behaviour without a code generator.
//
//   TestModuleBuilder b;
//   uint32_t f = b.Add("ud2_fn", {0x55, 0x48, 0x89, 0xE5, 0x0F, 0x0B},
//                      {{4, TrapCode::kUnreachable}});
//   auto m = b.Load();  // the artifact's target is the host's
//   auto fn = m->Entry<void (*)()>(f);
#ifndef EGRET_TESTS_UNIT_RUNTIME_TEST_MODULE_H_
#define EGRET_TESTS_UNIT_RUNTIME_TEST_MODULE_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"
#include "runtime/host_target.h"

namespace egret::runtime::testing {

struct TestModule {
  artifact::Artifact artifact;
  std::unique_ptr<CodeMemory> code;
  CodeRegistration registration;

  template <class Fn>
  Fn Entry(uint32_t func) const {
    return reinterpret_cast<Fn>(
        const_cast<uint8_t*>(code->data() + artifact.functions[func].body.offset));
  }
  uintptr_t Address(uint32_t func, uint32_t offset = 0) const {
    return code->start() + artifact.functions[func].body.offset + offset;
  }
};

class TestModuleBuilder {
 public:
  // Appends a function; `traps` are offsets within `bytes`. Returns its function index. Bodies
  // are 16-byte aligned, separated by padding that traps if executed (x86-64 int3, aarch64
  // udf #0 words).
  uint32_t Add(std::string name, std::vector<uint8_t> bytes,
               std::initializer_list<std::pair<uint32_t, TrapCode>> traps = {}) {
    auto& a = artifact_;
    const uint8_t pad = HostTarget() == artifact::Target::kX86_64 ? 0xCC : 0x00;
    while (a.text.size() % 16 != 0) a.text.push_back(pad);
    const uint32_t offset = uint32_t(a.text.size());
    const uint32_t index = uint32_t(a.functions.size());
    a.text.insert(a.text.end(), bytes.begin(), bytes.end());
    a.functions.push_back({0, {offset, uint32_t(bytes.size())}, {}});
    for (auto [off, code] : traps) a.traps.push_back({offset + off, code});
    a.function_names.push_back({index, std::move(name)});
    return index;
  }
  // The rel32 for a `call` whose displacement field ends at `call_end` in function `from`'s body
  // and targets function `to`, given the layout so far (callers are added after callees).
  int32_t Rel32(uint32_t from_offset_in_text, uint32_t to) const {
    return int32_t(artifact_.functions[to].body.offset) - int32_t(from_offset_in_text);
  }
  uint32_t NextOffset() const { return uint32_t((artifact_.text.size() + 15) / 16 * 16); }

  std::unique_ptr<TestModule> Load() {
    auto m = std::make_unique<TestModule>();
    m->artifact = std::move(artifact_);
    m->artifact.target = HostTarget();
    m->artifact.types = {artifact::FuncType{}};
    m->artifact.module_name = "test";
    auto code = LoadCode(m->artifact, {});
    EGRET_CHECK(code.ok());
    m->code = std::move(*code);
    auto reg = CodeRegistration::Create({m->code->start(), m->code->end(), &m->artifact});
    EGRET_CHECK(reg.ok());
    m->registration = std::move(*reg);
    return m;
  }

 private:
  artifact::Artifact artifact_;
};

inline void PutLE32(std::vector<uint8_t>& v, size_t at, int32_t x) {
  for (int i = 0; i < 4; ++i) v[at + i] = uint8_t(uint32_t(x) >> (8 * i));
}

}  // namespace egret::runtime::testing

#endif  // EGRET_TESTS_UNIT_RUNTIME_TEST_MODULE_H_
