// log_emitter.h: an InstEmitter for the emission-loop tests (emit_loop, emit_order,
// dispatch_copies). It logs one letter per event, instructions as their index ('0' + i), edits as
// 'b' (before) or 'a' (after), the prologue as 'P', and writes that letter as a byte into the
// buffer so that every event has an offset. With a CopyInfo table it answers CopyInfoOf from it;
// without one it copies nothing (InstEmitter's default).
#ifndef EGRET_TESTS_UNIT_BACKENDS_COMMON_LOG_EMITTER_H_
#define EGRET_TESTS_UNIT_BACKENDS_COMMON_LOG_EMITTER_H_

#include <span>
#include <string>
#include <vector>

#include "backends/common/emit_loop.h"

namespace egret::backend {

class LogEmitter final : public InstEmitter {
 public:
  explicit LogEmitter(X64MachBuffer& buf, const std::vector<CopyInfo>* copy_info = nullptr)
      : buf_(buf), copy_info_(copy_info) {}
  void Prologue() override { Put('P'); }
  void EmitInst(uint32_t i) override { Put(static_cast<char>('0' + i)); }
  void EmitEdit(const regalloc::Edit& e) override { Put(e.point.is_after() ? 'a' : 'b'); }
  CopyInfo CopyInfoOf(uint32_t i) const override {
    return copy_info_ != nullptr ? (*copy_info_)[i] : InstEmitter::CopyInfoOf(i);
  }
  std::string log;

 private:
  void Put(char c) {
    log += c;
    const uint8_t byte = static_cast<uint8_t>(c);
    buf_.PutBytes(std::span<const uint8_t>(&byte, 1));
  }
  X64MachBuffer& buf_;
  const std::vector<CopyInfo>* copy_info_;
};

}  // namespace egret::backend

#endif  // EGRET_TESTS_UNIT_BACKENDS_COMMON_LOG_EMITTER_H_
