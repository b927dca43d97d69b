// aarch64_isa.cc: the AArch64 pipeline for one function, the trampolines, and disassembly.
//
// Trampolines (docs/aarch64.md):
//   array -> Wasm: AAPCS64 entry (callee_vmctx x0, caller_vmctx x1, ValRaw* x2, n x3). Builds a
//     frame record, keeps the ValRaw pointer in x19 (callee-saved, saved with x20 to keep sp
//     16-aligned), loads each argument from its 16-byte slot into its register or outgoing stack
//     slot, calls the function (bl, resolved by the text-section builder) and stores the results
//     back. x0 still holds the callee vmctx at the call: parameter 0 is never marshalled.
//   Wasm -> array: Wasm-convention entry whose vmctx argument (x0) is a host context; stores the
//     arguments into 16-byte slots on its own stack, calls the host context's array_call
//     ([x0 + kVMHostContextArrayCall]) with (hostctx, hostctx, slots, n) and loads the results
//     into the Wasm return locations.
#include "backends/aarch64/aarch64_isa.h"

#include <capstone/capstone.h>

#include <cinttypes>
#include <cstdio>

#include "artifact/artifact.h"
#include "artifact/vmoffsets.h"
#include "backends/aarch64/abi.h"
#include "backends/aarch64/emit.h"
#include "backends/aarch64/encoder.h"
#include "backends/aarch64/lower.h"
#include "backends/aarch64/printer.h"
#include "backends/common/array_marshaller.h"
#include "backends/common/function_pipeline.h"
#include "backends/common/trampoline_cache.h"
#include "support/capstone_library.h"

namespace egret::aarch64 {
namespace {

void Put(A64MachBuffer& buf, const Inst& i) { buf.Put4(Encode(i)); }
uint8_t R(Gpr g) { return static_cast<uint8_t>(g); }

// The moves of a trampoline: the array at [array_base + offset]; stack slot s of the
// argument/result area at [stack_base + stack_disp + 8*s]; stack-to-stack copies through x16.
class A64ArrayMarshaller final : public backend::ArrayMarshaller {
 public:
  A64ArrayMarshaller(A64MachBuffer& buf, Gpr array_base, Gpr stack_base, int32_t stack_disp)
      : buf_(buf), array_base_(array_base), stack_base_(stack_base), stack_disp_(stack_disp) {}

  // Vectors move all 16 bytes of their ValRaw slot (ldr/str q); a 16-byte stack value as two
  // 8-byte halves through x17.
  void RegFromArray(const AbiLoc& loc, int32_t offset) override {
    if (loc.kind == backend::ValueKind::kV128)
      return EmitQAccess(buf_, true, loc.reg, array_base_, offset);
    EmitSlotAccess(buf_, true, loc.fp, loc.kind == backend::ValueKind::kF64, loc.reg, array_base_,
                   offset);
  }
  void ArrayFromReg(int32_t offset, const AbiLoc& loc) override {
    if (loc.kind == backend::ValueKind::kV128)
      return EmitQAccess(buf_, false, loc.reg, array_base_, offset);
    EmitSlotAccess(buf_, false, loc.fp, loc.kind == backend::ValueKind::kF64, loc.reg, array_base_,
                   offset);
  }
  void StackFromArray(const AbiLoc& loc, int32_t offset) override {
    for (uint32_t k = 0; k < backend::StackBytes(loc.kind) / 8; ++k) {
      EmitSlotAccess(buf_, true, false, true, R(kTmp1), array_base_, offset + 8 * k);
      EmitSlotAccess(buf_, false, false, true, R(kTmp1), stack_base_, Stack(loc.slot + k));
    }
  }
  void ArrayFromStack(int32_t offset, const AbiLoc& loc) override {
    for (uint32_t k = 0; k < backend::StackBytes(loc.kind) / 8; ++k) {
      EmitSlotAccess(buf_, true, false, true, R(kTmp1), stack_base_, Stack(loc.slot + k));
      EmitSlotAccess(buf_, false, false, true, R(kTmp1), array_base_, offset + 8 * k);
    }
  }

 private:
  int64_t Stack(uint32_t slot) const { return stack_disp_ + 8 * int64_t{slot}; }

  A64MachBuffer& buf_;
  Gpr array_base_, stack_base_;
  int32_t stack_disp_;
};

uint32_t Align16(uint32_t v) { return (v + 15) & ~15u; }

// stp x29, x30, [sp, #-16]!; mov x29, sp
void FrameRecord(A64MachBuffer& buf) {
  Inst fr;
  fr.form = Form::kStpPre;
  fr.d = R(kFp);
  fr.m = R(kLr);
  fr.n = R(Gpr::kSp);
  fr.imm = -16;
  Put(buf, fr);
  Inst mov;
  mov.form = Form::kMovSp;
  mov.d = R(kFp);
  mov.n = R(Gpr::kSp);
  Put(buf, mov);
}

void PopPair(A64MachBuffer& buf, Gpr a, Gpr b) {
  Inst p;
  p.form = Form::kLdpPost;
  p.d = R(a);
  p.m = R(b);
  p.n = R(Gpr::kSp);
  p.imm = 16;
  Put(buf, p);
}

void Ret(A64MachBuffer& buf) {
  Inst r;
  r.form = Form::kRet;
  r.n = R(kLr);
  Put(buf, r);
}

// sp -= n, n < 2^24.
void SubSp(A64MachBuffer& buf, uint32_t n) {
  EGRET_CHECK(n < (1u << 24));
  if (n & ~0xfffu) Put(buf, RRI(Form::kSubImm, true, Gpr::kSp, Gpr::kSp, n & ~0xfffu));
  if (n & 0xfffu) Put(buf, RRI(Form::kSubImm, true, Gpr::kSp, Gpr::kSp, n & 0xfffu));
}

// sp += n, n < 2^24.
void AddSp(A64MachBuffer& buf, uint32_t n) {
  EGRET_CHECK(n < (1u << 24));
  if (n & ~0xfffu) Put(buf, RRI(Form::kAddImm, true, Gpr::kSp, Gpr::kSp, n & ~0xfffu));
  if (n & 0xfffu) Put(buf, RRI(Form::kAddImm, true, Gpr::kSp, Gpr::kSp, n & 0xfffu));
}

struct A64Stages {
  CpuFeatures features;

  Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module) const {
    return aarch64::Lower(f, module, features);
  }
  const regalloc::MachineEnv& MachineEnv() const { return A64MachineEnv(); }
  std::string VCodeText(const VCode& v, const std::vector<regalloc::Allocation>* allocs) const {
    return aarch64::PrintVCode(v, allocs);
  }
  MachCode Emit(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                const MachBufferOptions& buffer_options,
                const backend::EmitOptions& emit_options) const {
    A64MachBuffer buf(buffer_options);
    EmitFunction(v, ra, module, &buf, emit_options);
    return buf.Finish();
  }
  std::string_view ErrorPrefix() const { return "aarch64"; }
};

}  // namespace

Expected<std::unique_ptr<backend::TargetIsa>> A64Isa::Create(std::string_view features) {
  CpuFeatures f = CpuFeatures::Detect();
  if (!features.empty()) {
    EGRET_ASSIGN_OR_RETURN(f, CpuFeatures::Parse(features));
  }
  return std::unique_ptr<backend::TargetIsa>(new A64Isa(f));
}

artifact::Target A64Isa::artifact_target() const { return artifact::Target::kAarch64; }

std::unique_ptr<backend::TextBuilder> A64Isa::NewTextBuilder(
    uint32_t num_functions, const TextSectionOptions& options) const {
  return std::make_unique<backend::TextBuilderFor<A64LabelUses>>(num_functions, options);
}

Expected<backend::CompiledFunction> A64Isa::CompileFunction(
    const ir::Function& f, const backend::ModuleContext& module,
    const backend::CompileOptions& options) const {
  return backend::CompileFunctionPipeline(A64Stages{features_}, f, module, options);
}

namespace {

// The trampoline itself (ArrayToWasmTrampoline caches it per signature).
MachCode BuildArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) {
  A64MachBuffer buf;
  CallLayout l = ComputeCallLayout(sig.params, sig.results);
  FrameRecord(buf);
  Inst save;
  save.form = Form::kStpPre;
  save.d = R(Gpr::kX19);
  save.m = R(Gpr::kX20);
  save.n = R(Gpr::kSp);
  save.imm = -16;
  Put(buf, save);
  SubSp(buf, l.AreaBytes());
  Put(buf, MovReg(true, Gpr::kX19, Gpr::kX2));
  A64ArrayMarshaller m(buf, Gpr::kX19, Gpr::kSp, 0);
  backend::ParamsFromArray(sig, l, m);
  buf.Put4(0x94000000u);  // bl callee
  buf.AddCall(buf.CurOffset() - 4, callee, A64LabelUse::kBranch26);
  SubSp(buf, 8 * l.stack_args);  // the callee popped its stack arguments (call_conv.h)
  backend::ResultsToArray(sig, l, m);
  Put(buf, RRI(Form::kSubImm, true, Gpr::kSp, kFp, 16));
  PopPair(buf, Gpr::kX19, Gpr::kX20);
  PopPair(buf, kFp, kLr);
  Ret(buf);
  return buf.Finish();
}

}  // namespace

MachCode A64Isa::ArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) const {
  // The code depends on the signature only (backends/common/trampoline_cache.h).
  thread_local backend::TrampolineCache cache;
  return cache.Get(sig, callee, BuildArrayToWasmTrampoline);
}

MachCode A64Isa::WasmToArrayTrampoline(const ir::Signature& sig) const {
  A64MachBuffer buf;
  CallLayout l = ComputeCallLayout(sig.params, sig.results);
  const uint32_t slots = backend::ArraySlots(sig);
  const uint32_t area = Align16(backend::kValRawBytes * std::max<uint32_t>(slots, 1));
  FrameRecord(buf);
  SubSp(buf, area);
  // The array is this frame's [sp]; stack arguments and results are the caller's, above fp.
  A64ArrayMarshaller m(buf, Gpr::kSp, kFp, 16);
  backend::ParamsToArray(sig, l, m);
  Put(buf, MovReg(true, Gpr::kX1, Gpr::kX0));
  Inst sp;
  sp.form = Form::kMovSp;
  sp.d = R(Gpr::kX2);
  sp.n = R(Gpr::kSp);
  Put(buf, sp);
  EmitMovImm(buf, Gpr::kX3, slots, true);
  Put(buf, Mem(Form::kLdr, MemKind::kX, true, kTmp0, Gpr::kX0, artifact::kVMHostContextArrayCall));
  Inst call;
  call.form = Form::kBlr;
  call.n = R(kTmp0);
  Put(buf, call);
  backend::ResultsFromArray(sig, l, m);
  Inst back;
  back.form = Form::kMovSp;
  back.d = R(Gpr::kSp);
  back.n = R(kFp);
  Put(buf, back);
  PopPair(buf, kFp, kLr);
  AddSp(buf, 8 * l.stack_args);  // a Wasm callee pops its stack arguments (call_conv.h)
  Ret(buf);
  return buf.Finish();
}

namespace {

// Capstone 4 predates FEAT_LSE: the atomics egret emits (ldaddal, ldclral, ldeoral, ldsetal,
// swpal, casal at every width) are decoded here and printed by egret's own printer, which the
// encoder tests check against llvm-mc.
bool DecodeLse(uint32_t word, Inst* out) {
  Inst i;
  i.mem = static_cast<MemKind>(word >> 30);  // kB, kH, kW, kX are sizes 0..3
  i.is64 = i.mem == MemKind::kX;
  i.d = word & 31;
  i.n = (word >> 5) & 31;
  if ((word & 0x3FE0FC00u) == 0x08E0FC00u) {  // casal Rs, Rt, [Xn]
    i.form = Form::kCasal;
    i.d = (word >> 16) & 31;
    i.m = word & 31;
  } else if ((word & 0x3FE08C00u) == 0x38E00000u || (word & 0x3FE0FC00u) == 0x38E08000u) {
    i.m = (word >> 16) & 31;
    switch (word & 0xF000u) {
      case 0x0000u:
        i.form = Form::kLdaddal;
        break;
      case 0x1000u:
        i.form = Form::kLdclral;
        break;
      case 0x2000u:
        i.form = Form::kLdeoral;
        break;
      case 0x3000u:
        i.form = Form::kLdsetal;
        break;
      case 0x8000u:
        i.form = Form::kSwpal;
        break;
      default:
        return false;
    }
  } else {
    return false;
  }
  *out = i;
  return true;
}

}  // namespace

std::string A64Isa::Disassemble(std::span<const uint8_t> code, uint64_t address) const {
  std::string error;
  const CapstoneApi* cs = Capstone(&error);
  if (cs == nullptr) return "(" + error + ")\n";
  csh handle;
  if (cs->open(CS_ARCH_ARM64, CS_MODE_ARM, &handle) != CS_ERR_OK) return "(capstone unavailable)\n";
  std::string out;
  char line[256];
  cs_insn* insn = cs->malloc(handle);
  for (size_t at = 0; at + 4 <= code.size(); at += 4) {
    const uint8_t* p = code.data() + at;
    size_t size = 4;
    uint64_t addr = address + at;
    const uint32_t word = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                          static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
    if (cs->disasm_iter(handle, &p, &size, &addr, insn)) {
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  %s %s\n", insn->address, insn->mnemonic,
                    insn->op_str);
    } else if (Inst lse; DecodeLse(word, &lse)) {
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  %s\n", address + at,
                    Print(lse, address + at).c_str());
    } else if ((word & 0xffff0000u) == 0) {
      // Capstone 4 predates udf (egret's trap instruction).
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  udf #%u\n", address + at, word);
    } else {
      std::snprintf(line, sizeof line, "  %4" PRIx64 ":  .word 0x%08x\n", address + at, word);
    }
    out += line;
  }
  cs->free(insn, 1);
  cs->close(&handle);
  return out;
}

}  // namespace egret::aarch64
