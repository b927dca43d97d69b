// x64_isa.cc: the x64 pipeline for one function, the trampolines, and disassembly.
//
// Trampolines (docs/backend.md):
//   array -> Wasm: System V entry (callee_vmctx rdi, caller_vmctx rsi, ValRaw* rdx, n rcx).
//     Keeps the ValRaw pointer in rbx (callee-saved), loads each argument from its 16-byte slot
//     into its Wasm-convention register or outgoing stack slot, calls the function (a direct
//     call resolved by the text-section builder), and stores the results back into the slots.
//   Wasm -> array: Wasm-convention entry whose vmctx argument is a host context; spills the
//     arguments into 16-byte slots on its own stack, calls the host context's array_call
//     ([rdi + kVMHostContextArrayCall]) and loads the results back into the Wasm return
//     locations.
#include "backends/x64/x64_isa.h"

#include <capstone/capstone.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "artifact/artifact.h"
#include "artifact/vmoffsets.h"
#include "backends/common/array_marshaller.h"
#include "backends/common/function_pipeline.h"
#include "backends/common/trampoline_cache.h"
#include "backends/x64/abi.h"
#include "backends/x64/emit.h"
#include "backends/x64/encoder.h"
#include "backends/x64/lower.h"
#include "support/capstone_library.h"

namespace egret::x64 {
namespace {

// Encoded straight into the buffer (EncodeTo: the common forms inline, encoder_fast.h).
void Put(X64MachBuffer& buf, const Inst& inst) {
  uint8_t* bytes = buf.ReserveBytes(kMaxInstLength);
  LabelField label;
  buf.CommitBytes(EncodeTo(inst, bytes, &label));
  EGRET_CHECK(!label.label.valid());
}

uint32_t Align16(uint32_t v) { return (v + 15) & ~15u; }

// The x64 moves of a trampoline: the array is addressed from `array_base`, stack slot s of the
// argument/result area is [stack_base + stack_disp + 8*s]; stack-to-stack copies go through kTmp.
class X64ArrayMarshaller final : public backend::ArrayMarshaller {
 public:
  X64ArrayMarshaller(X64MachBuffer& buf, Gpr array_base, Gpr stack_base, int32_t stack_disp)
      : buf_(buf), array_base_(array_base), stack_base_(stack_base), stack_disp_(stack_disp) {}

  void RegFromArray(const AbiLoc& loc, int32_t offset) override {
    if (loc.fp) {
      Put(buf_, Inst::SseRM(FloatMove(loc), XmmFromEnc(loc.reg), Array(offset)));
    } else {
      Put(buf_, Inst::MovRM(OpSize::k64, GprFromEnc(loc.reg), Array(offset)));
    }
  }
  void ArrayFromReg(int32_t offset, const AbiLoc& loc) override {
    if (loc.fp) {
      Put(buf_, Inst::SseMR(FloatMove(loc), Array(offset), XmmFromEnc(loc.reg)));
    } else {
      Put(buf_, Inst::MovMR(OpSize::k64, Array(offset), GprFromEnc(loc.reg)));
    }
  }
  // A 16-byte value is copied as two 8-byte halves through kTmp (no vector register is free in
  // every trampoline position).
  void StackFromArray(const AbiLoc& loc, int32_t offset) override {
    for (uint32_t half = 0; half < backend::StackBytes(loc.kind) / 8; ++half) {
      const auto d = static_cast<int32_t>(8 * half);
      Put(buf_, Inst::MovRM(OpSize::k64, kTmp, Array(offset + d)));
      Put(buf_, Inst::MovMR(OpSize::k64, Stack(loc.slot, d), kTmp));
    }
  }
  void ArrayFromStack(int32_t offset, const AbiLoc& loc) override {
    for (uint32_t half = 0; half < backend::StackBytes(loc.kind) / 8; ++half) {
      const auto d = static_cast<int32_t>(8 * half);
      Put(buf_, Inst::MovRM(OpSize::k64, kTmp, Stack(loc.slot, d)));
      Put(buf_, Inst::MovMR(OpSize::k64, Array(offset + d), kTmp));
    }
  }

 private:
  Amode Array(int32_t offset) const { return Amode::Base(array_base_, offset); }
  Amode Stack(uint32_t slot, int32_t extra) const {
    return Amode::Base(stack_base_, stack_disp_ + 8 * static_cast<int32_t>(slot) + extra);
  }
  // The move of a float-class location: movss, movsd, or movups for all 16 bytes (ValRaw slots
  // are only 8-byte aligned in the host's array).
  static SseOp FloatMove(const AbiLoc& loc) {
    switch (loc.kind) {
      case backend::ValueKind::kF32:
        return SseOp::kMovss;
      case backend::ValueKind::kF64:
        return SseOp::kMovsd;
      case backend::ValueKind::kV128:
        return SseOp::kMovups;
      case backend::ValueKind::kInt:
        break;
    }
    EGRET_CHECK(false);
    return SseOp::kMovsd;
  }

  X64MachBuffer& buf_;
  Gpr array_base_, stack_base_;
  int32_t stack_disp_;
};

}  // namespace

Expected<std::unique_ptr<backend::TargetIsa>> X64Isa::Create(std::string_view features) {
  CpuFeatures f = CpuFeatures::Detect();
  if (!features.empty()) {
    EGRET_ASSIGN_OR_RETURN(f, CpuFeatures::Parse(features));
  }
  return std::unique_ptr<backend::TargetIsa>(new X64Isa(f));
}

artifact::Target X64Isa::artifact_target() const { return artifact::Target::kX86_64; }

std::unique_ptr<backend::TextBuilder> X64Isa::NewTextBuilder(
    uint32_t num_functions, const TextSectionOptions& options) const {
  return std::make_unique<backend::TextBuilderFor<X64LabelUses>>(num_functions, options);
}

namespace {

// x64's stages of the shared per-function pipeline (backends/common/function_pipeline.h).
struct X64Stages {
  CpuFeatures features;

  Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module) const {
    return x64::Lower(f, module, features);
  }
  const regalloc::MachineEnv& MachineEnv() const { return X64MachineEnv(); }
  std::string VCodeText(const VCode& v, const std::vector<regalloc::Allocation>* allocs) const {
    return x64::PrintVCode(v, allocs);
  }
  MachCode Emit(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                const MachBufferOptions& buffer_options,
                const backend::EmitOptions& emit_options) const {
    MachBufferOptions options = buffer_options;
    options.relax_branches = true;  // jmp/jcc rel8 wherever the target is near
    X64MachBuffer buf(options);
    EmitFunction(v, ra, module, &buf, emit_options);
    return buf.Finish();
  }
  std::string_view ErrorPrefix() const { return "x64"; }
};

}  // namespace

Expected<backend::CompiledFunction> X64Isa::CompileFunction(
    const ir::Function& f, const backend::ModuleContext& module,
    const backend::CompileOptions& options) const {
  return backend::CompileFunctionPipeline(X64Stages{features_}, f, module, options);
}

namespace {

// The trampoline itself (ArrayToWasmTrampoline caches it per signature).
MachCode BuildArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) {
  X64MachBuffer buf;
  CallLayout l = ComputeCallLayout(sig.params, sig.results);
  Put(buf, Inst::PushR(Gpr::kRbp));
  Put(buf, Inst::MovRR(OpSize::k64, Gpr::kRbp, Gpr::kRsp));
  Put(buf, Inst::PushR(Gpr::kRbx));
  Put(buf, Inst::PushR(Gpr::kR12));  // keeps 16-byte alignment with rbx
  const uint32_t area = l.AreaBytes();
  if (area != 0) Put(buf, Inst::AluRI(AluOp::kSub, OpSize::k64, Gpr::kRsp, area));
  Put(buf, Inst::MovRR(OpSize::k64, Gpr::kRbx, Gpr::kRdx));
  // Parameter 0 is the vmctx, already in rdi; the rest come from slots 0.. of the array (in
  // rbx); stack arguments go to the outgoing area at [rsp].
  X64ArrayMarshaller m(buf, Gpr::kRbx, Gpr::kRsp, 0);
  backend::ParamsFromArray(sig, l, m);
  const uint8_t call[5] = {0xe8, 0, 0, 0, 0};
  buf.PutBytes(call);
  buf.AddCall(buf.CurOffset() - 4, callee, X64LabelUse::kJmpRel32);
  // The callee popped its stack arguments: stack results are addressed from rsp as before.
  if (l.stack_args != 0)
    Put(buf,
        Inst::AluRI(AluOp::kSub, OpSize::k64, Gpr::kRsp, static_cast<int32_t>(8 * l.stack_args)));
  backend::ResultsToArray(sig, l, m);
  Put(buf, Inst::Lea(OpSize::k64, Gpr::kRsp, Amode::Base(Gpr::kRbp, -16)));
  Put(buf, Inst::PopR(Gpr::kR12));
  Put(buf, Inst::PopR(Gpr::kRbx));
  Put(buf, Inst::PopR(Gpr::kRbp));
  Put(buf, Inst::Ret());
  return buf.Finish();
}

}  // namespace

MachCode X64Isa::ArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) const {
  // The code depends on the signature only (backends/common/trampoline_cache.h).
  thread_local backend::TrampolineCache cache;
  return cache.Get(sig, callee, BuildArrayToWasmTrampoline);
}

MachCode X64Isa::WasmToArrayTrampoline(const ir::Signature& sig) const {
  X64MachBuffer buf;
  CallLayout l = ComputeCallLayout(sig.params, sig.results);
  const uint32_t slots = backend::ArraySlots(sig);
  const uint32_t area = Align16(backend::kValRawBytes * std::max<uint32_t>(slots, 1));
  Put(buf, Inst::PushR(Gpr::kRbp));
  Put(buf, Inst::MovRR(OpSize::k64, Gpr::kRbp, Gpr::kRsp));
  Put(buf, Inst::AluRI(AluOp::kSub, OpSize::k64, Gpr::kRsp, area));
  // The array is this frame's [rsp]; stack arguments and results are the caller's, above rbp.
  X64ArrayMarshaller m(buf, Gpr::kRsp, Gpr::kRbp, 16);
  backend::ParamsToArray(sig, l, m);
  // array_call(callee_vmctx = host context, caller_vmctx (unknown here: the host context
  // again), args_results, n).
  Put(buf, Inst::MovRR(OpSize::k64, Gpr::kRsi, Gpr::kRdi));
  Put(buf, Inst::MovRR(OpSize::k64, Gpr::kRdx, Gpr::kRsp));
  Put(buf, Inst::MovRI(OpSize::k32, Gpr::kRcx, static_cast<int64_t>(slots)));
  Put(buf, Inst::CallM(Amode::Base(Gpr::kRdi, artifact::kVMHostContextArrayCall)));
  backend::ResultsFromArray(sig, l, m);
  Put(buf, Inst::MovRR(OpSize::k64, Gpr::kRsp, Gpr::kRbp));
  Put(buf, Inst::PopR(Gpr::kRbp));
  // A Wasm callee pops its stack arguments (call_conv.h).
  const uint32_t pop = 8 * l.stack_args;
  if (pop <= 0xffff) {
    Put(buf, Inst::Ret(static_cast<uint16_t>(pop)));
  } else {
    Put(buf, Inst::PopR(kTmp));
    Put(buf, Inst::AluRI(AluOp::kAdd, OpSize::k64, Gpr::kRsp, static_cast<int32_t>(pop)));
    Put(buf, Inst::JmpR(kTmp));
  }
  return buf.Finish();
}

std::string X64Isa::Disassemble(std::span<const uint8_t> code, uint64_t address) const {
  return DisassembleFunction(code, address, {});
}

namespace {

uint32_t Load32At(std::span<const uint8_t> code, size_t at) {
  return static_cast<uint32_t>(code[at]) | static_cast<uint32_t>(code[at + 1]) << 8 |
         static_cast<uint32_t>(code[at + 2]) << 16 | static_cast<uint32_t>(code[at + 3]) << 24;
}

// One data stretch as assembler directives: jump-table entries as `.long` with the target they
// name, constants as `.quad` (or `.long` for 4-byte ones), padding as `.byte`, an island as a
// marker line.
void PrintData(std::span<const uint8_t> code, uint64_t address, const MachData& d,
               std::string* out) {
  char line[160];
  switch (d.kind) {
    case MachDataKind::kIsland:
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  ;; island\n", address + d.start);
      *out += line;
      return;
    case MachDataKind::kJumpTable:
      for (uint32_t at = d.start; at + 4 <= d.end; at += 4) {
        const auto rel = static_cast<int32_t>(Load32At(code, at));
        std::snprintf(line, sizeof line, "  %4" PRIx64 ":  .long 0x%08x  ;; -> 0x%" PRIx64 "\n",
                      address + at, static_cast<uint32_t>(rel),
                      static_cast<uint64_t>(static_cast<int64_t>(address + at) + rel));
        *out += line;
      }
      return;
    case MachDataKind::kConstant:
      if ((d.end - d.start) % 8 == 0) {
        for (uint32_t at = d.start; at + 8 <= d.end; at += 8) {
          const uint64_t v = Load32At(code, at) | static_cast<uint64_t>(Load32At(code, at + 4))
                                                      << 32;
          std::snprintf(line, sizeof line, "  %4" PRIx64 ":  .quad 0x%016" PRIx64 "\n",
                        address + at, v);
          *out += line;
        }
      } else {
        for (uint32_t at = d.start; at + 4 <= d.end; at += 4) {
          std::snprintf(line, sizeof line, "  %4" PRIx64 ":  .long 0x%08x\n", address + at,
                        Load32At(code, at));
          *out += line;
        }
      }
      return;
    case MachDataKind::kPadding: {
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  .byte", address + d.start);
      *out += line;
      for (uint32_t at = d.start; at < d.end; ++at) {
        std::snprintf(line, sizeof line, "%s0x%02x", at == d.start ? " " : ", ", code[at]);
        *out += line;
      }
      *out += "\n";
      return;
    }
  }
}

}  // namespace

std::string X64Isa::DisassembleFunction(std::span<const uint8_t> code, uint64_t address,
                                        std::span<const MachData> data) const {
  std::string error;
  const CapstoneApi* cs = Capstone(&error);
  if (cs == nullptr) return "(" + error + ")\n";
  csh handle;
  if (cs->open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return "(capstone unavailable)\n";
  cs->option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
  std::string out;
  const uint8_t* p = code.data();
  size_t size = code.size();
  uint64_t addr = address;
  cs_insn* insn = cs->malloc(handle);
  char line[256];
  size_t next = 0;  // the next data stretch
  while (size > 0) {
    const auto at = static_cast<uint32_t>(p - code.data());
    if (next < data.size() && data[next].start <= at) {
      // Data (stretches never overlap; an island marker is empty).
      PrintData(code, address, data[next], &out);
      const uint32_t end = std::max(at, data[next].end);
      p = code.data() + end;
      size = code.size() - end;
      addr = address + end;
      ++next;
      continue;
    }
    // Instructions up to the next data stretch.
    size_t limit = size;
    if (next < data.size()) limit = std::min<size_t>(size, data[next].start - at);
    const size_t rest = size - limit;
    size = limit;
    const bool ok = cs->disasm_iter(handle, &p, &size, &addr, insn);
    size += rest;
    if (!ok) {
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  .byte 0x%02x\n", addr, *p);
      out += line;
      ++p;
      --size;
      ++addr;
      continue;
    }
    std::snprintf(line, sizeof line, "  %4" PRIx64 ":  %s %s\n", insn->address, insn->mnemonic,
                  insn->op_str);
    out += line;
  }
  cs->free(insn, 1);
  cs->close(&handle);
  return out;
}

}  // namespace egret::x64
