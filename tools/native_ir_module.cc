// native_ir_module.cc: see native_ir_module.h.
#include "tools/native_ir_module.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "artifact/artifact.h"
#include "artifact/builtin.h"
#include "artifact/vmoffsets.h"
#include "ir/verifier.h"
#include "runtime/builtins.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"
#include "runtime/host_target.h"
#include "runtime/trap_handler.h"
#include "runtime/vmfuncref.h"

namespace egret::tools {

namespace {

using ir::Opcode;
using ir::Type;

constexpr uint64_t kGuardBelow = 64 * 1024;
constexpr uint64_t kGuardAbove = uint64_t{8} << 30;

bool IsNarrow(Type t) { return t == Type::kI8 || t == Type::kI16; }

bool IsValueType(Type t) {
  return t == Type::kI32 || t == Type::kI64 || t == Type::kF32 || t == Type::kF64 ||
         ir::IsVector(t);
}

uint64_t MaskToType(Type t, uint64_t bits) {
  const uint32_t w = ir::TypeBits(t);
  return w >= 64 ? bits : bits & ((uint64_t{1} << w) - 1);
}

Error FunctionError(const ir::Function& f, const std::string& what) {
  return Error("function %" + f.name + ": " + what);
}

// Inserts `load.i64 vmctx notrap aligned readonly vmctx+offset; iadd addr, base` before `at` and
// returns the sum.
ir::Value RebaseAddress(ir::Function& f, ir::Inst at, ir::Value addr, ir::Value vmctx,
                        uint32_t heap_base_offset) {
  ir::DataFlowGraph& dfg = f.dfg;
  ir::InstData load;
  load.opcode = Opcode::kLoad;
  load.type = Type::kI64;
  load.flags = ir::MemFlags{}
                   .With(ir::MemFlags::kVmctx)
                   .With(ir::MemFlags::kNotrap)
                   .With(ir::MemFlags::kAligned)
                   .With(ir::MemFlags::kReadonly);
  load.args[0] = vmctx;
  load.imm = heap_base_offset;
  const ir::Inst base = dfg.MakeInst(load);
  dfg.MakeInstResults(base);
  f.layout.InsertInstBefore(base, at);
  ir::InstData add;
  add.opcode = Opcode::kIadd;
  add.args[0] = addr;
  add.args[1] = dfg.FirstResult(base);
  const ir::Inst sum = dfg.MakeInst(add);
  dfg.MakeInstResults(sum);
  f.layout.InsertInstBefore(sum, at);
  f.SetSrcLoc(base, f.SrcLoc(at));
  f.SetSrcLoc(sum, f.SrcLoc(at));
  return dfg.FirstResult(sum);
}

// A function of signature `sig` whose body traps: it stands in the text section for a function
// that could not be compiled, so the calls of other functions still resolve. Nothing runs it:
// every function that reaches it is refused (CompileError).
ir::Function TrapStub(const std::string& name, const ir::Signature& sig) {
  ir::Function f(name, sig);
  const ir::Block b = f.dfg.MakeBlock();
  f.layout.AppendBlock(b);
  for (Type t : sig.params) f.dfg.AppendBlockParam(b, t);
  ir::InstData trap;
  trap.opcode = Opcode::kTrap;
  trap.trap = TrapCode::kUnreachable;
  const ir::Inst i = f.dfg.MakeInst(trap);
  f.dfg.MakeInstResults(i);
  f.layout.AppendInst(i, b);
  return f;
}

}  // namespace

Status AdaptForNativeRun(ir::Function& f, uint32_t heap_base_offset) {
  ir::DataFlowGraph& dfg = f.dfg;
  for (const std::vector<Type>* types : {&f.signature.params, &f.signature.results})
    for (Type t : *types)
      if (!IsValueType(t) && !IsNarrow(t))
        return FunctionError(f, std::string(ir::TypeName(t)) + " in the signature");
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst i : f.layout.Insts(b)) {
      const Opcode op = dfg[i].opcode;
      if (op == Opcode::kStackAddr)
        return FunctionError(f,
                             "stack_addr is not run natively (its address must not be rebased "
                             "onto the heap)");
      if (op == Opcode::kFuncAddr || op == Opcode::kCallIndirect)
        return FunctionError(
            f, std::string(ir::Info(op).name) +
                   " is not run natively (the interpreter checks call_indirect's signature and "
                   "null callee; compiled code relies on the Wasm frontend's explicit checks)");
      if (op == Opcode::kCall) {
        const ir::ExtFuncData& callee = dfg.ext_func(ir::FuncRef{dfg[i].ref});
        const ir::Signature& sig = dfg.signature(callee.sig);
        for (const std::vector<Type>* types : {&sig.params, &sig.results})
          for (Type t : *types)
            if (IsNarrow(t))
              return FunctionError(f, "calls %" + callee.name + ", whose signature has " +
                                          std::string(ir::TypeName(t)) +
                                          " (widened to i32 only at the run lines' boundary)");
      }
    }
  }

  // The VMContext becomes entry parameter 0: detach the parameters, add it, re-attach them.
  const ir::Block entry = f.EntryBlock();
  const std::vector<ir::Value> params(dfg.BlockParams(entry).begin(), dfg.BlockParams(entry).end());
  std::vector<Type> types;
  for (ir::Value v : params) types.push_back(dfg.ValueType(v));
  for (size_t k = params.size(); k-- > 0;) dfg.RemoveBlockParam(entry, static_cast<uint32_t>(k));
  const ir::Value vmctx = dfg.AppendBlockParam(entry, Type::kI64);
  // An i8/i16 parameter arrives as an i32 (the trampolines pass Wasm values) and is reduced first.
  const ir::Inst first = f.layout.FirstInst(entry);
  for (size_t k = 0; k < params.size(); ++k) {
    if (!IsNarrow(types[k])) {
      dfg.AttachBlockParam(entry, params[k], types[k]);
      continue;
    }
    const ir::Value wide = dfg.AppendBlockParam(entry, Type::kI32);
    ir::InstData reduce;
    reduce.opcode = Opcode::kIreduce;
    reduce.type = types[k];
    reduce.args[0] = wide;
    const ir::Inst r = dfg.MakeInst(reduce);
    dfg.AttachInstResult(r, params[k], types[k]);
    f.layout.InsertInstBefore(r, first);
  }
  for (Type& t : f.signature.params)
    if (IsNarrow(t)) t = Type::kI32;
  f.signature.params.insert(f.signature.params.begin(), Type::kI64);
  // An i8/i16 result leaves zero-extended to i32; Call() masks it back to its type.
  std::vector<ir::Inst> returns;
  for (ir::Block b : f.layout.Blocks())
    for (ir::Inst i : f.layout.Insts(b))
      if (dfg[i].opcode == Opcode::kReturn) returns.push_back(i);
  for (ir::Inst ret : returns) {
    std::vector<ir::Value> values(dfg.VarArgs(ret).begin(), dfg.VarArgs(ret).end());
    for (ir::Value& v : values) {
      if (!IsNarrow(dfg.ValueType(v))) continue;
      ir::InstData extend;
      extend.opcode = Opcode::kUextend;
      extend.type = Type::kI32;
      extend.args[0] = v;
      const ir::Inst e = dfg.MakeInst(extend);
      dfg.MakeInstResults(e);
      f.layout.InsertInstBefore(e, ret);
      v = dfg.FirstResult(e);
    }
    dfg[ret].vargs = dfg.MakeList(values);
  }
  for (Type& t : f.signature.results)
    if (IsNarrow(t)) t = Type::kI32;

  // Callees get the VMContext too: each FuncRef is re-imported once with the widened signature.
  std::unordered_map<uint32_t, ir::FuncRef> widened;
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst i = f.layout.FirstInst(b); i.valid(); i = f.layout.NextInst(i)) {
      const ir::InstFormat format = ir::Info(dfg[i].opcode).format;
      if (format == ir::InstFormat::kCall) {
        auto [it, fresh] = widened.try_emplace(dfg[i].ref);
        if (fresh) {
          const ir::ExtFuncData& callee = dfg.ext_func(ir::FuncRef{dfg[i].ref});
          ir::Signature sig = dfg.signature(callee.sig);
          sig.params.insert(sig.params.begin(), Type::kI64);
          it->second = dfg.ImportFunction({callee.name, dfg.ImportSignature(std::move(sig))});
        }
        std::vector<ir::Value> args{vmctx};
        for (ir::Value v : dfg.VarArgs(i)) args.push_back(v);
        dfg[i].vargs = dfg.MakeList(args);
        dfg[i].ref = it->second.index;
      } else if (format == ir::InstFormat::kLoad || format == ir::InstFormat::kStore ||
                 ir::IsAtomicFormat(format)) {
        const size_t slot =
            format == ir::InstFormat::kStore || format == ir::InstFormat::kAtomicStore ? 1 : 0;
        const ir::Value addr = dfg[i].args[slot];
        const ir::Value rebased = RebaseAddress(f, i, addr, vmctx, heap_base_offset);
        dfg[i].args[slot] = rebased;
      }
    }
  }
  if (Status st = ir::Verify(f); !st.ok())
    return FunctionError(
        f, "internal error: the adapted function does not verify: " + st.error().message);
  return Status::Ok();
}

struct NativeIrModule::Impl {
  struct Entry {
    const ir::Signature* sig = nullptr;  // the original signature (without the VMContext)
    runtime::ArrayCallFn array_call = nullptr;
    std::string error;  // non-empty: not runnable
  };
  std::vector<ir::Function> functions;    // adapted (VMContext first, i8/i16 widened)
  std::vector<ir::Signature> signatures;  // the original ones, which run lines are checked against
  std::unordered_map<std::string, Entry> entries;
  // The artifact the trap handler reads; heap-allocated so its address is stable.
  std::unique_ptr<artifact::Artifact> artifact = std::make_unique<artifact::Artifact>();
  std::unique_ptr<runtime::CodeMemory> code;
  runtime::CodeRegistration registration;
  std::array<const void*, artifact::kNumBuiltins> builtins = runtime::builtins::BuiltinTable();
  std::vector<uint64_t> vmctx;    // 8-aligned VMContext image
  runtime::VMStoreLimits limits;  // what the VMContext's store-limits pointer points to
  uint8_t* reservation = nullptr;
  size_t reservation_size = 0;
  uint8_t* heap_pages = nullptr;  // the readable and writable pages
  size_t heap_pages_size = 0;
  size_t max_stack = 0;
  MachBufferStats buffer_stats;  // summed over the compiled functions (not the stand-ins)

  ~Impl() {
    if (reservation) munmap(reservation, reservation_size);
  }
};

NativeIrModule::NativeIrModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NativeIrModule::~NativeIrModule() = default;

size_t NativeIrModule::code_size() const { return impl_->artifact->text.size(); }

const MachBufferStats& NativeIrModule::buffer_stats() const { return impl_->buffer_stats; }

const std::string& NativeIrModule::CompileError(std::string_view name) const {
  static const std::string kNone;
  auto it = impl_->entries.find(std::string(name));
  return it == impl_->entries.end() ? kNone : it->second.error;
}

Expected<std::unique_ptr<NativeIrModule>> NativeIrModule::Compile(const ir::Module& module,
                                                                  const backend::TargetIsa& isa,
                                                                  const NativeIrOptions& options) {
  if (isa.artifact_target() != runtime::HostTarget())
    return Error("this " + std::string(artifact::TargetName(runtime::HostTarget())) +
                 " host cannot execute " + std::string(isa.name()) + " code");
  auto impl = std::make_unique<Impl>();
  const uint32_t n = static_cast<uint32_t>(module.functions.size());
  if (n == 0) return Error("no functions to compile");
  impl->max_stack = options.max_stack;

  // The VMContext: the fixed header, and one defined memory whose base is the heap's.
  artifact::VMOffsetsCounts counts;
  counts.defined_memories = 1;
  EGRET_ASSIGN_OR_RETURN(artifact::VMOffsets offsets, artifact::VMOffsets::Compute(counts));
  const uint32_t heap_base_offset = offsets.defined_memory_base(0);

  // Adapt every function; the callee table names each function's text entry.
  backend::ModuleContext ctx;
  ctx.builtins_offset = artifact::VMOffsets::builtins();
  ctx.store_limits_offset = artifact::VMOffsets::store_limits();
  ctx.stack_limit_offset = artifact::kVMStoreLimitsStackLimit;
  std::vector<std::string> errors(n);
  for (uint32_t i = 0; i < n; ++i) {
    impl->signatures.push_back(module.functions[i].signature);
    impl->functions.push_back(module.functions[i]);
    ir::Function& f = impl->functions.back();
    if (!ctx.callees.emplace(f.name, backend::CallTarget{backend::CallTarget::Kind::kFunction, i})
             .second)
      return Error("two functions named %" + f.name);
    if (Status st = AdaptForNativeRun(f, heap_base_offset); !st.ok())
      errors[i] = st.error().message;
  }

  backend::CompileOptions bopts;
  bopts.regalloc = options.regalloc;
  bopts.regalloc_checker = options.regalloc_checker;
  bopts.debug_branch_range_shrink = options.debug_branch_range_shrink;
  std::vector<MachCode> bodies(n);
  for (uint32_t i = 0; i < n; ++i) {
    const ir::Function& f = impl->functions[i];
    if (errors[i].empty()) {
      for (uint32_t k = 0; k < f.dfg.NumExtFuncs() && errors[i].empty(); ++k) {
        const std::string& callee = f.dfg.ext_func(ir::FuncRef{k}).name;
        if (!ctx.callees.contains(callee))
          errors[i] = "function %" + f.name + ": calls %" + callee + ", which is not in the file";
      }
    }
    if (errors[i].empty()) {
      Expected<backend::CompiledFunction> c = isa.CompileFunction(f, ctx, bopts);
      if (c.ok()) {
        MachBufferStats& sum = impl->buffer_stats;
        const MachBufferStats& one = c->code.stats;
        sum.code_islands += one.code_islands;
        sum.island_bytes += one.island_bytes;
        sum.island_constants += one.island_constants;
        sum.veneers += one.veneers;
        sum.veneer_bytes += one.veneer_bytes;
        bodies[i] = std::move(c->code);
        continue;
      }
      errors[i] = "function %" + f.name + ": " + c.error().message;
    }
    // The stand-in keeps the original signature widened by the VMContext, so callers link.
    ir::Signature sig = module.functions[i].signature;
    for (std::vector<Type>* types : {&sig.params, &sig.results})
      for (Type& t : *types)
        if (IsNarrow(t)) t = Type::kI32;
    sig.params.insert(sig.params.begin(), Type::kI64);
    bool passable = true;
    for (Type t : sig.params) passable = passable && IsValueType(t);
    for (Type t : sig.results) passable = passable && IsValueType(t);
    if (!passable) sig = ir::Signature{{Type::kI64}, {}};
    impl->functions[i] = TrapStub(f.name, sig);
    EGRET_ASSIGN_OR_RETURN(backend::CompiledFunction stub,
                           isa.CompileFunction(impl->functions[i], ctx, bopts));
    bodies[i] = std::move(stub.code);
  }
  // A function that calls one that cannot run cannot run either (to a fixed point).
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t i = 0; i < n; ++i) {
      if (!errors[i].empty()) continue;
      const ir::Function& f = impl->functions[i];
      for (uint32_t k = 0; k < f.dfg.NumExtFuncs(); ++k) {
        const uint32_t callee = ctx.callees.at(f.dfg.ext_func(ir::FuncRef{k}).name).index;
        if (!errors[callee].empty()) {
          errors[i] = "function %" + f.name + " calls %" + impl->functions[callee].name +
                      ", which cannot run: " + errors[callee];
          changed = true;
          break;
        }
      }
    }
  }

  // Text entries: functions [0, n), then their array-to-wasm trampolines [n, 2n).
  std::unique_ptr<backend::TextBuilder> text = isa.NewTextBuilder(2 * n);
  for (uint32_t i = 0; i < n; ++i) EGRET_TRY(text->Append(i, bodies[i]));
  for (uint32_t i = 0; i < n; ++i)
    EGRET_TRY(text->Append(n + i, isa.ArrayToWasmTrampoline(impl->functions[i].signature, i)));
  EGRET_ASSIGN_OR_RETURN(TextSection section, text->Finish());

  artifact::Artifact& art = *impl->artifact;
  art.target = isa.artifact_target();
  art.text = std::move(section.bytes);
  art.module_name = "ir";
  for (uint32_t i = 0; i < n; ++i) {
    artifact::Function af;
    af.body = {section.functions[i].start, section.functions[i].size};
    af.array_call = {section.functions[n + i].start, section.functions[n + i].size};
    art.functions.push_back(af);
  }
  for (const MachTrap& t : section.traps) art.traps.push_back({t.offset, t.code});
  EGRET_ASSIGN_OR_RETURN(impl->code, runtime::LoadCode(art, impl->builtins));
  EGRET_ASSIGN_OR_RETURN(impl->registration,
                         runtime::CodeRegistration::Create(
                             {impl->code->start(), impl->code->end(), impl->artifact.get()}));

  // The heap: PROT_NONE reservation, its pages made accessible, the heap ending at a page end.
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t pages = (options.heap_size + page - 1) / page * page;
  impl->reservation_size = kGuardBelow + pages + kGuardAbove;
  void* r = mmap(nullptr, impl->reservation_size, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED)
    return Error("cannot reserve the heap (" + std::string(strerror(errno)) + ")");
  impl->reservation = static_cast<uint8_t*>(r);
  impl->heap_pages = impl->reservation + kGuardBelow;
  impl->heap_pages_size = pages;
  if (pages && mprotect(impl->heap_pages, pages, PROT_READ | PROT_WRITE) != 0)
    return Error("cannot map the heap (" + std::string(strerror(errno)) + ")");
  const uint8_t* heap_base = impl->heap_pages + pages - options.heap_size;

  impl->vmctx.assign((offsets.size() + 7) / 8, 0);
  auto* vm = reinterpret_cast<uint8_t*>(impl->vmctx.data());
  const uint32_t magic = artifact::kVMContextMagic;
  std::memcpy(vm, &magic, sizeof magic);
  const void* const* table = impl->builtins.data();
  std::memcpy(vm + artifact::VMOffsets::builtins(), &table, sizeof table);
  runtime::VMStoreLimits* limits = &impl->limits;
  std::memcpy(vm + artifact::VMOffsets::store_limits(), &limits, sizeof limits);
  std::memcpy(vm + heap_base_offset, &heap_base, sizeof heap_base);
  const uint64_t length = options.heap_size;
  std::memcpy(vm + offsets.defined_memory_length(0), &length, sizeof length);

  for (uint32_t i = 0; i < n; ++i) {
    Impl::Entry e;
    e.sig = &impl->signatures[i];
    e.array_call = reinterpret_cast<runtime::ArrayCallFn>(impl->code->start() +
                                                          art.functions[i].array_call.offset);
    e.error = errors[i];
    impl->entries.emplace(impl->functions[i].name, std::move(e));
  }
  return std::unique_ptr<NativeIrModule>(new NativeIrModule(std::move(impl)));
}

ir::InterpResult NativeIrModule::Call(std::string_view name, std::span<const ir::DataValue> args) {
  ir::InterpResult r;
  r.kind = ir::InterpResult::Kind::kError;
  auto it = impl_->entries.find(std::string(name));
  if (it == impl_->entries.end()) {
    r.error = "no function %" + std::string(name);
    return r;
  }
  if (!it->second.error.empty()) {
    r.error = "not compiled: " + it->second.error;
    return r;
  }
  const ir::Signature& sig = *it->second.sig;
  if (args.size() != sig.params.size()) {
    r.error = "%" + std::string(name) + " takes " + std::to_string(sig.params.size()) +
              " arguments, got " + std::to_string(args.size());
    return r;
  }
  std::vector<runtime::ValRaw> slots(std::max<size_t>({args.size(), sig.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != sig.params[i]) {
      r.error =
          "argument " + std::to_string(i) + " of %" + std::string(name) + " has the wrong type";
      return r;
    }
    std::memset(&slots[i], 0, sizeof slots[i]);
    const uint64_t bits = MaskToType(args[i].type, args[i].bits);
    std::memcpy(&slots[i], &bits, sizeof bits);
    // A vector fills the whole 16-byte slot (lanes little-endian: bits, then hi).
    if (ir::IsVector(args[i].type))
      std::memcpy(reinterpret_cast<uint8_t*>(&slots[i]) + 8, &args[i].hi, sizeof args[i].hi);
  }
  std::memset(impl_->heap_pages, 0, impl_->heap_pages_size);
  auto* vm = reinterpret_cast<uint8_t*>(impl_->vmctx.data());
  impl_->limits.stack_limit = runtime::StackLimitForEntry(impl_->max_stack);
  auto* vmctx = reinterpret_cast<runtime::VMContext*>(vm);
  runtime::ArrayCallFn fn = it->second.array_call;
  runtime::ValRaw* data = slots.data();
  const size_t nslots = slots.size();
  std::optional<runtime::Trap> trap =
      runtime::CallWithTrapHandling([fn, vmctx, data, nslots] { fn(vmctx, vmctx, data, nslots); });
  if (trap) {
    r.kind = ir::InterpResult::Kind::kTrapped;
    r.trap = trap->code;
    return r;
  }
  r.kind = ir::InterpResult::Kind::kReturned;
  for (size_t i = 0; i < sig.results.size(); ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, &slots[i], sizeof bits);
    if (ir::IsVector(sig.results[i])) {
      uint64_t hi = 0;
      std::memcpy(&hi, reinterpret_cast<const uint8_t*>(&slots[i]) + 8, sizeof hi);
      r.values.push_back(ir::DataValue::Vector(sig.results[i], ir::V128{bits, hi}));
      continue;
    }
    r.values.push_back({sig.results[i], MaskToType(sig.results[i], bits)});
  }
  return r;
}

}  // namespace egret::tools
