// compiler.cc: the pipeline (see compiler.h).
#include "compiler/compiler.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>

#include "artifact/builtin.h"
#include "artifact/vmoffsets.h"
#include "backends/target_registry.h"
#include "compiler/module_metadata.h"
#include "frontend/validator.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"

namespace egret::compiler {
namespace {

// The backend's stage callbacks, timed with the compiling thread's CPU clock: each StageDone
// closes the lap that started at the previous one (or at Start, just before CompileFunction).
class StageClock final : public backend::StageObserver {
 public:
  explicit StageClock(StageTimes* times) : times_(times) {}
  void Start() { lap_ = opt::ThreadCpuNanoseconds(); }
  void StageDone(backend::PipelineStage stage) override {
    const uint64_t now = opt::ThreadCpuNanoseconds();
    const uint64_t ns = now - lap_;
    lap_ = now;
    switch (stage) {
      case backend::PipelineStage::kLower:
        times_->lower += ns;
        return;
      case backend::PipelineStage::kRegalloc:
        times_->regalloc += ns;
        return;
      case backend::PipelineStage::kEmit:
        times_->emit += ns;
        return;
    }
  }

 private:
  StageTimes* times_;
  uint64_t lap_ = 0;
};

uint64_t PeakRssKb() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss);  // kilobytes on Linux
}

// The frontend's builtin function names (frontend/translator.cc) and their artifact ids.
struct BuiltinName {
  const char* name;
  artifact::Builtin id;
};
constexpr BuiltinName kBuiltinNames[] = {
    {"memory_grow", artifact::Builtin::kMemoryGrow},
    {"memory_fill", artifact::Builtin::kMemoryFill},
    {"memory_copy", artifact::Builtin::kMemoryCopy},
    {"memory_init", artifact::Builtin::kMemoryInit},
    {"data_drop", artifact::Builtin::kDataDrop},
    {"table_grow", artifact::Builtin::kTableGrow},
    {"table_fill", artifact::Builtin::kTableFill},
    {"table_copy", artifact::Builtin::kTableCopy},
    {"table_init", artifact::Builtin::kTableInit},
    {"elem_drop", artifact::Builtin::kElemDrop},
    {"table_get", artifact::Builtin::kTableGet},
    {"table_set", artifact::Builtin::kTableSet},
    {"ref_func", artifact::Builtin::kRefFunc},
    {"memory_atomic_notify", artifact::Builtin::kMemoryAtomicNotify},
    {"memory_atomic_wait32", artifact::Builtin::kMemoryAtomicWait32},
    {"memory_atomic_wait64", artifact::Builtin::kMemoryAtomicWait64},
    {"global_get_externref", artifact::Builtin::kGlobalGetExternRef},
    {"global_set_externref", artifact::Builtin::kGlobalSetExternRef},
};

// A function's table (Src entries, function-relative) read as the artifact's (Dst entries,
// Map(src, start) for the function placed at text offset `start`): random access, so that
// std::vector::insert sizes the artifact's table once per function and fills it in one loop (a
// push_back per entry reloaded the vector's end each time).
template <class Src, class Dst, Dst (*Map)(const Src&, uint32_t)>
struct MapIterator {
  using iterator_category = std::random_access_iterator_tag;
  using value_type = Dst;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Dst;
  const Src* p;
  uint32_t start;
  Dst operator*() const { return Map(*p, start); }
  MapIterator& operator++() {
    ++p;
    return *this;
  }
  MapIterator operator++(int) { return MapIterator{p++, start}; }
  MapIterator& operator--() {
    --p;
    return *this;
  }
  MapIterator& operator+=(difference_type n) {
    p += n;
    return *this;
  }
  difference_type operator-(const MapIterator& o) const { return p - o.p; }
  bool operator==(const MapIterator& o) const { return p == o.p; }
};

// Appends the entries of `from`, mapped for a function at text offset `start`, to `to`.
template <class Dst, class Src, Dst (*Map)(const Src&, uint32_t)>
void AppendMapped(const std::vector<Src>& from, uint32_t start, std::vector<Dst>* to) {
  using It = MapIterator<Src, Dst, Map>;
  to->insert(to->end(), It{from.data(), start}, It{from.data() + from.size(), start});
}

artifact::SourceLoc ToSourceLoc(const MachSrcLoc& s, uint32_t start) {
  return {start + s.start, s.loc};
}
artifact::TrapEntry ToTrap(const MachTrap& t, uint32_t start) { return {start + t.offset, t.code}; }
artifact::FrameRange ToFrameRange(const MachFrameRange& r, uint32_t start) {
  return {start + r.start, r.end - r.start, artifact::FrameKind(r.kind)};
}

// Appends the source-location ranges of a function placed at text offset `start` to the
// artifact's table, whose text offsets strictly increase: a range is kept only if it starts
// after the last one kept (so of the ranges that start at one offset, the first). Functions are
// appended at increasing offsets and a function's ranges are in code order without overlap, so
// usually every range is kept: the entries are one sized insert, checked afterwards (6 Ir per
// range), and filtered in place only when a start does not increase.
void AppendSourceLocs(uint32_t start, const std::vector<MachSrcLoc>& ranges,
                      std::vector<artifact::SourceLoc>* out) {
  if (ranges.empty()) return;
  const size_t first = out->size();
  AppendMapped<artifact::SourceLoc, MachSrcLoc, ToSourceLoc>(ranges, start, out);
  artifact::SourceLoc* const e = out->data();
  const size_t n = out->size();
  size_t i = first == 0 ? 1 : first;
  while (i < n && e[i - 1].text_offset < e[i].text_offset) ++i;
  if (i == n) return;
  // e[0, i) are kept (they increase); e[i] starts at or before e[i - 1].
  size_t kept = i;
  for (; i < n; ++i)
    if (e[kept - 1].text_offset < e[i].text_offset) e[kept++] = e[i];
  out->resize(kept);
}
// Appends the side tables of text entry `code`, placed at text offset `start`, to the
// artifact's (the text builder keeps no copy of them: TextSectionOptions::keep_tables). Text
// entries are appended in index order, at increasing offsets, so the traps and source locations
// stay sorted; the stack maps and frame ranges are checked (and sorted if need be) at the end.
void AppendTables(uint32_t start, const MachCode& code, artifact::Artifact* art) {
  AppendMapped<artifact::TrapEntry, MachTrap, ToTrap>(code.traps, start, &art->traps);
  AppendSourceLocs(start, code.srclocs, &art->source_locs);
  for (const MachStackMap& m : code.stack_maps) {
    art->stack_maps.push_back({start + m.offset, m.frame_size,
                               static_cast<uint32_t>(art->stack_map_slots.size()), m.num_slots});
    art->stack_map_slots.insert(art->stack_map_slots.end(),
                                code.stack_map_slots.begin() + m.first_slot,
                                code.stack_map_slots.begin() + m.first_slot + m.num_slots);
  }
  AppendMapped<artifact::FrameRange, MachFrameRange, ToFrameRange>(code.frame_ranges, start,
                                                                   &art->frame_ranges);
}

struct FunctionResult {
  Expected<backend::CompiledFunction> compiled = Error("not compiled");
  std::string opt_ir, pass_log;
};

}  // namespace

uint64_t ProcessCpuNanoseconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

Expected<uint32_t> ParseBranchRangeShrink(int64_t n) {
  if (n < 1 || n > int64_t{UINT32_MAX}) {
    return Error("--debug-branch-range-shrink must be between 1 (real ranges) and " +
                 std::to_string(UINT32_MAX) + ", got " + std::to_string(n));
  }
  return static_cast<uint32_t>(n);
}

uint32_t DefaultLoopAlign(OptLevel /*level*/) { return 1; }

Expected<uint32_t> ParseLoopAlign(std::string_view text) {
  uint32_t n = 0;
  bool digits = !text.empty() && text.size() <= 3;
  for (char c : text) {
    if (c < '0' || c > '9') digits = false;
    if (digits) n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (!digits || n == 0 || n > 64 || (n & (n - 1)) != 0) {
    return Error("expected a power of two from 1 (no alignment) to 64, got '" + std::string(text) +
                 "'");
  }
  return n;
}

void StageTimes::Merge(const StageTimes& other) {
  decode_validate += other.decode_validate;
  translate += other.translate;
  verify += other.verify;
  passes.Merge(other.passes);
  lower += other.lower;
  regalloc += other.regalloc;
  emit += other.emit;
  link += other.link;
}

std::string CompileStats::StageTable() const {
  struct Row {
    std::string name;
    uint64_t ns;
  };
  std::vector<Row> rows = {{"decode/validate", time.decode_validate},
                           {"translate", time.translate},
                           {"verify", time.verify + time.passes.verify_nanoseconds}};
  for (const opt::PassStats& p : time.passes.passes)
    rows.push_back({"opt " + std::string(p.name), p.nanoseconds});
  rows.push_back({"lower", time.lower});
  rows.push_back({"regalloc", time.regalloc});
  rows.push_back({"emit", time.emit});
  rows.push_back({"link", time.link});
  uint64_t total = 0;
  for (const Row& r : rows) total += r.ns;
  rows.push_back({"total", total});
  std::string out = "stage                  time ms   share\n";
  char line[128];
  for (const Row& r : rows) {
    std::snprintf(line, sizeof line, "%-18s %11.3f %6.1f%%\n", r.name.c_str(),
                  static_cast<double>(r.ns) / 1e6,
                  total ? 100.0 * static_cast<double>(r.ns) / static_cast<double>(total) : 0.0);
    out += line;
  }
  std::snprintf(line, sizeof line, "peak memory: %.1f MB (ru_maxrss)\n",
                static_cast<double>(peak_rss_kb) / 1024.0);
  out += line;
  return out;
}

std::string CompileStats::ToString() const {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "functions: %llu, vcode insts: %llu, code bytes: %llu\n"
                "regalloc: %llu spills, %llu reloads, %llu moves, %llu remats\n",
                static_cast<unsigned long long>(functions),
                static_cast<unsigned long long>(vcode_insts),
                static_cast<unsigned long long>(code_bytes),
                static_cast<unsigned long long>(spills), static_cast<unsigned long long>(reloads),
                static_cast<unsigned long long>(moves), static_cast<unsigned long long>(remats));
  std::string out = buf;
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::snprintf(buf, sizeof buf, "frames: %llu of %llu functions frameless\n",
                u(frameless_functions), u(functions));
  out += buf;
  std::snprintf(
      buf, sizeof buf,
      "islands%s: %llu in %llu functions (%llu bytes: %llu veneers of %llu bytes, "
      "%llu constants); calls: %llu veneers of %llu bytes in %llu islands between "
      "functions\n",
      debug_branch_range_shrink == 1
          ? ""
          : (" (ranges shrunk by " + std::to_string(debug_branch_range_shrink) + ")").c_str(),
      u(islands), u(island_functions.size()), u(island_bytes), u(veneers), u(veneer_bytes),
      u(island_constants), u(call_veneers), u(call_veneer_bytes), u(call_islands));
  out += buf;
  for (const FunctionIslands& f : island_functions) {
    std::snprintf(buf, sizeof buf,
                  "  function %%%s: %u islands (%u bytes), %u veneers (%u bytes), %u constants "
                  "in islands\n",
                  f.name.c_str(), f.buffer.code_islands, f.buffer.island_bytes, f.buffer.veneers,
                  f.buffer.veneer_bytes, f.buffer.island_constants);
    out += buf;
  }
  out += "time per stage (summed over functions and worker threads):\n" + StageTable();
  return out;
}

Expected<std::unique_ptr<backend::TargetIsa>> LookupIsa(Target target, std::string_view features) {
  return backend::LookupTargetIsa(Name(target), features);
}

Expected<CompileResult> CompileModule(const wasm::ModuleEnv& env, const CompileOptions& options) {
  EGRET_ASSIGN_OR_RETURN(std::unique_ptr<backend::TargetIsa> isa,
                         LookupIsa(options.target, options.features));
  CompileResult result;
  artifact::Artifact& art = result.artifact;
  EGRET_TRY(FillModuleMetadata(env, &art, options.copy_data_segments));

  EGRET_ASSIGN_OR_RETURN(wasm::VMContextLayout layout, wasm::VMContextLayout::Compute(env));
  std::vector<std::string> symbols = wasm::FunctionSymbols(env);  // moved into the reports
  wasm::TranslateOptions topts;
  topts.heap = options.heap;
  topts.fuel = options.fuel;
  const wasm::FunctionTranslator translator(env, layout, symbols, topts);

  backend::ModuleContext module;
  const uint32_t nimp = env.num_imported_functions;
  const uint32_t ndef = env.num_defined_functions();
  // Sized once: the defined functions, the builtins and the four `_ref` forms below.
  module.callees.reserve(ndef + std::size(kBuiltinNames) + 4);
  for (uint32_t i = nimp; i < env.functions.size(); ++i)
    module.callees[symbols[i]] = {backend::CallTarget::Kind::kFunction, i - nimp};
  for (const BuiltinName& b : kBuiltinNames)
    module.callees[std::string("egret_builtin_") + b.name] = {backend::CallTarget::Kind::kBuiltin,
                                                              static_cast<uint32_t>(b.id)};
  // The externref-table forms of the table builtins: the same C functions (references are
  // pointers either way), under the names whose IR signatures carry r64 (frontend Bulk).
  for (const char* name : {"table_get", "table_set", "table_grow", "table_fill"}) {
    const backend::CallTarget target = module.callees.at(std::string("egret_builtin_") + name);
    module.callees[std::string("egret_builtin_") + name + "_ref"] = target;
  }
  module.builtins_offset = artifact::VMOffsets::builtins();
  module.store_limits_offset = artifact::VMOffsets::store_limits();
  module.stack_limit_offset = artifact::kVMStoreLimitsStackLimit;

  backend::CompileOptions bopts;
  bopts.regalloc = std::string(Name(options.allocator()));
  bopts.regalloc_checker = options.regalloc_checker;
  bopts.keep_text = options.keep_text;
  bopts.duplicate_dispatch = options.opt_level == OptLevel::kSpeed;
  bopts.loop_align = options.align_loops.value_or(DefaultLoopAlign(options.opt_level));
  EGRET_ASSIGN_OR_RETURN(bopts.debug_branch_range_shrink,
                         ParseBranchRangeShrink(options.debug_branch_range_shrink));

  // Text entries: defined functions [0, ndef), their array trampolines [ndef, 2 ndef), then one
  // wasm-to-array trampoline per function type an import uses.
  std::vector<uint32_t> import_types;
  for (uint32_t i = 0; i < nimp; ++i) import_types.push_back(env.functions[i].type_index);
  std::sort(import_types.begin(), import_types.end());
  import_types.erase(std::unique(import_types.begin(), import_types.end()), import_types.end());
  std::vector<uint32_t> supported_import_types;
  for (uint32_t t : import_types)
    if (wasm::WasmSignature(env.types[t]).ok()) supported_import_types.push_back(t);

  // Streaming link (real branch ranges): a function's code goes into the text section as soon
  // as it and every lower-indexed function are compiled, and its MachCode is freed then, so the
  // module's machine code never exists twice. Under range shrinking the text builder needs the
  // largest function and call count first (TextSectionOptions), so linking waits for the end.
  TextSectionOptions text_options;
  text_options.debug_branch_range_shrink = bopts.debug_branch_range_shrink;
  // The text section's size, estimated from the function bodies (x64 and aarch64 emit about
  // 2-3 bytes of code per byte of Wasm body at speed, more at none; trampolines and alignment
  // add a little per function): reserved up front, so that appended code is rarely moved.
  {
    uint64_t body_bytes = 0;
    for (uint32_t k = 0; k < ndef; ++k) body_bytes += env.body(nimp + k).size();
    text_options.expected_bytes = 4 * body_bytes + 256 * uint64_t{ndef};
  }
  // The compiler maps every text entry's tables into the artifact's itself (AppendTables), so
  // the text builder keeps none; the artifact's per-instruction tables are reserved from the
  // same estimate as the builder's would be (TextSectionOptions::expected_srclocs).
  text_options.keep_tables = false;
  art.source_locs.reserve(text_options.expected_srclocs());
  art.traps.reserve(text_options.expected_traps());
  const uint32_t num_text = 2 * ndef + static_cast<uint32_t>(supported_import_types.size());
  const bool stream = bopts.debug_branch_range_shrink == 1;
  std::unique_ptr<backend::TextBuilder> text;
  if (stream) text = isa->NewTextBuilder(num_text, text_options);

  // Parallel part: each worker takes the next function index; results go to their own slot,
  // stage times to the worker's own StageTimes (merged after the join).
  std::vector<FunctionResult> results(ndef);
  std::atomic<uint32_t> next{0};
  const bool verify_each = options.verify_ir == IrVerification::kEachPass;
  const bool run_passes = options.opt_level != OptLevel::kNone || !options.print_after.empty();
  const bool timing = options.time_stages;
  // The thread's CPU time when timing, else 0 (no clock is read).
  auto now = [timing] { return timing ? opt::ThreadCpuNanoseconds() : 0; };
  std::mutex link_mu;
  std::vector<uint8_t> done(ndef, 0);  // guarded by link_mu
  uint32_t linked = 0;  // functions [0, linked) are in `text` and freed; guarded by link_mu
  // Frameless functions among those linked (Artifact::IsFrameless: the whole body is one frame
  // range, which must then be the function's first; counted from its own table, without the
  // artifact's binary search per function); guarded by link_mu.
  uint32_t frameless = 0;
  Status link_status;  // the first Append failure; guarded by link_mu
  // Places text entry `index` and appends its side tables to the artifact's (AppendTables).
  auto append = [&](uint32_t index, const MachCode& code) -> Status {
    EGRET_TRY(text->Append(index, code));
    AppendTables(text->Start(index), code, &art);
    return Status::Ok();
  };
  // Appends function k's code and frees it, keeping its stats.
  auto link = [&](uint32_t k) -> Status {
    EGRET_TRY(append(k, results[k].compiled->code));
    MachCode& code = results[k].compiled->code;
    frameless += !code.frame_ranges.empty() && code.frame_ranges[0].start == 0 &&
                 code.frame_ranges[0].end == code.bytes.size();
    // Kept: the stats (for --stats) and the data stretches (small; --emit=asm prints them).
    const MachBufferStats stats = code.stats;
    std::vector<MachData> data = std::move(code.data);
    code = MachCode();
    code.stats = stats;
    code.data = std::move(data);
    return Status::Ok();
  };
  // Called by a worker when function k is compiled (or failed): links the run it completes.
  // A failed function stops the stream; the sequential part reports its error.
  auto compiled = [&](uint32_t k) {
    if (!stream) return;
    std::lock_guard<std::mutex> lock(link_mu);
    done[k] = 1;
    while (linked < ndef && done[linked] && results[linked].compiled.ok() && link_status.ok()) {
      link_status = link(linked);
      if (link_status.ok()) ++linked;
    }
  };
  ir::PrintOptions print_options;
  print_options.srclocs = options.ir_srclocs;
  auto worker = [&](StageTimes* times) {
    StageClock clock(times);
    backend::CompileOptions worker_bopts = bopts;
    if (timing) worker_bopts.observer = &clock;
    // Per worker, reused by every function it compiles: the IR function (its tables keep their
    // capacity, ir::Function::Reset; the translator's tables are per thread too) and the pass
    // pipeline.
    ir::Function f;
    // The analyses of f: the passes' cache, then the verifier's CFG and dominator tree and
    // lowering's loops (each computed once unless a pass changed what it depends on).
    opt::AnalysisCache analyses;
    FunctionResult* current = nullptr;  // the function being compiled, for on_print
    std::optional<Expected<opt::PassManager>> pm;
    if (run_passes) {
      opt::PassManagerOptions popts;
      popts.verify = verify_each;
      popts.print_after = options.print_after;
      popts.on_print = [&current, &print_options](std::string_view pass, const ir::Function& fn) {
        current->pass_log +=
            "; after " + std::string(pass) + "\n" + ir::PrintFunction(fn, print_options);
      };
      pm.emplace(opt::PassManager::ForOptLevel(options.opt_level, std::move(popts)));
    }
    for (;;) {
      const uint32_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= ndef) return;
      FunctionResult& r = results[k];
      current = &r;
      const uint64_t t0 = now();
      Status translated = translator.Translate(nimp + k, &f);
      times->translate += now() - t0;
      if (!translated.ok()) {
        r.compiled = std::move(translated).error();
        continue;
      }
      analyses.Reset(f);
      // Verifies the function; the error says which stage produced IR that does not verify.
      auto verify = [&](const char* after) -> bool {
        const uint64_t v0 = now();
        Status st = ir::Verify(f, analyses);
        times->verify += now() - v0;
        if (st.ok()) return true;
        r.compiled = Error("internal error: the IR of function " + f.name + " does not verify " +
                           after + ": " + st.error().message);
        return false;
      };
      if ((verify_each || !run_passes) && !verify("after translation")) continue;
      if (run_passes) {
        if (!pm->ok()) {
          r.compiled = pm->error();
          continue;
        }
        if (Status st = (*pm)->Run(f, analyses, timing ? &times->passes : nullptr); !st.ok()) {
          r.compiled = Error("internal error in function " + f.name + ": " + st.error().message);
          continue;
        }
        if (!verify_each && !verify("after the IR passes")) continue;
      }
      if (options.keep_opt_ir) r.opt_ir = ir::PrintFunction(f, print_options);
      worker_bopts.loops = &analyses;
      if (timing) clock.Start();
      r.compiled = isa->CompileFunction(f, module, worker_bopts);
      compiled(k);
    }
  };
  uint32_t jobs = options.worker_threads();
  jobs = std::min<uint32_t>(jobs, std::max<uint32_t>(ndef, 1));
  std::vector<StageTimes> worker_times(jobs);
  if (jobs <= 1) {
    worker(&worker_times[0]);
  } else {
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < jobs; ++t) threads.emplace_back(worker, &worker_times[t]);
    for (std::thread& t : threads) t.join();
  }

  // Sequential part: link in index order.
  const uint64_t link_start = now();
  CompileStats& st = result.stats;
  st.functions = ndef;
  for (const StageTimes& t : worker_times) st.time.Merge(t);
  for (FunctionResult& r : results) {
    if (!r.compiled.ok()) return std::move(r.compiled).error();
    st.vcode_insts += r.compiled->num_vcode_insts;
    st.spills += r.compiled->regalloc_stats.spills;
    st.reloads += r.compiled->regalloc_stats.reloads;
    st.remats += r.compiled->regalloc_stats.remats;
    st.moves += r.compiled->regalloc_stats.moves;
  }
  st.debug_branch_range_shrink = bopts.debug_branch_range_shrink;
  for (uint32_t k = 0; k < ndef; ++k) {
    const MachBufferStats& b = results[k].compiled->code.stats;
    st.islands += b.code_islands;
    st.island_bytes += b.island_bytes;
    st.island_constants += b.island_constants;
    st.veneers += b.veneers;
    st.veneer_bytes += b.veneer_bytes;
    if (b.code_islands != 0 || b.veneers != 0)
      st.island_functions.push_back({symbols[nimp + k], b});
  }
  // The trampolines' code: the array-to-Wasm trampoline of function k is text entry ndef + k,
  // and its code depends on the function's signature only (the callee is its one call site,
  // backends/common/trampoline_cache.h). So one MachCode per function type is built, for the
  // first function of the type, and appended for every function of the type with the call
  // site's callee set to that function: no copy per function. Code without exactly one call
  // site (not shared) is built per function, as before. Then the wasm-to-array trampolines.
  std::vector<MachCode> trampolines;
  std::vector<uint32_t> trampoline_of(ndef);  // function k -> its code in `trampolines`
  std::vector<uint8_t> shared_trampoline;     // per entry of `trampolines`: shared by a type
  {
    // One IR signature per function type, built when a function first uses it (the first
    // function, in index order, whose type has none reports the error, as before).
    std::vector<std::optional<ir::Signature>> signatures(env.types.size());
    std::vector<uint32_t> type_trampoline(env.types.size(), UINT32_MAX);
    for (uint32_t k = 0; k < ndef; ++k) {
      const uint32_t t = env.functions[nimp + k].type_index;
      if (type_trampoline[t] != UINT32_MAX) {
        trampoline_of[k] = type_trampoline[t];
        continue;
      }
      if (!signatures[t]) {
        EGRET_ASSIGN_OR_RETURN(ir::Signature sig, wasm::WasmSignature(env.types[t]));
        signatures[t] = std::move(sig);
      }
      trampoline_of[k] = static_cast<uint32_t>(trampolines.size());
      trampolines.push_back(isa->ArrayToWasmTrampoline(*signatures[t], k));
      const MachCode& code = trampolines.back();
      const bool shared = code.call_sites.size() == 1 && code.call_sites[0].callee == k;
      shared_trampoline.push_back(shared);
      if (shared) type_trampoline[t] = trampoline_of[k];
    }
  }
  const size_t first_import_trampoline = trampolines.size();
  for (size_t j = 0; j < supported_import_types.size(); ++j) {
    EGRET_ASSIGN_OR_RETURN(ir::Signature sig,
                           wasm::WasmSignature(env.types[supported_import_types[j]]));
    trampolines.push_back(isa->WasmToArrayTrampoline(sig));
  }
  if (!stream) {
    // Under range shrinking the text builder keeps call reach above what the largest function
    // needs (TextSectionOptions). (A shared trampoline's size and calls are those of every
    // function of its type.)
    auto measure = [&](const MachCode& code) {
      text_options.largest_function =
          std::max(text_options.largest_function, static_cast<uint32_t>(code.bytes.size()));
      text_options.most_calls =
          std::max(text_options.most_calls, static_cast<uint32_t>(code.call_sites.size()));
    };
    for (uint32_t k = 0; k < ndef; ++k) measure(results[k].compiled->code);
    for (const MachCode& code : trampolines) measure(code);
    text = isa->NewTextBuilder(num_text, text_options);
  }
  EGRET_TRY(link_status);
  for (uint32_t k = linked; k < ndef; ++k) EGRET_TRY(link(k));
  for (uint32_t k = 0; k < ndef; ++k) {
    MachCode& code = trampolines[trampoline_of[k]];
    if (shared_trampoline[trampoline_of[k]]) code.call_sites[0].callee = k;
    EGRET_TRY(append(ndef + k, code));
  }
  for (size_t j = first_import_trampoline; j < trampolines.size(); ++j) {
    EGRET_TRY(
        append(2 * ndef + static_cast<uint32_t>(j - first_import_trampoline), trampolines[j]));
  }
  trampolines = {};
  EGRET_ASSIGN_OR_RETURN(TextSection section, text->Finish());
  st.call_islands = section.islands;
  st.call_veneers = section.veneers;
  st.call_veneer_bytes = section.veneer_bytes;
  art.target = isa->artifact_target();
  art.text = std::move(section.bytes);
  for (uint32_t k = 0; k < ndef; ++k) {
    art.functions[k].body = {section.functions[k].start, section.functions[k].size};
    art.functions[k].array_call = {section.functions[ndef + k].start,
                                   section.functions[ndef + k].size};
  }
  for (size_t j = 0; j < supported_import_types.size(); ++j) {
    const TextFunctionRange& r = section.functions[2 * ndef + j];
    art.wasm_to_array.push_back({supported_import_types[j], {r.start, r.size}});
  }
  // Stack maps, sorted by return offset: already, unless text entries were appended out of
  // order, as they are not (return offsets are distinct, so the sort would change nothing);
  // else they are reordered, each with its slots.
  auto map_before = [](const artifact::StackMap& x, const artifact::StackMap& y) {
    return x.offset < y.offset;
  };
  if (!std::is_sorted(art.stack_maps.begin(), art.stack_maps.end(), map_before)) {
    std::vector<artifact::StackMap> maps;
    std::vector<uint32_t> slots;
    maps.swap(art.stack_maps);
    slots.swap(art.stack_map_slots);
    std::sort(maps.begin(), maps.end(), map_before);
    art.stack_map_slots.reserve(slots.size());
    for (artifact::StackMap& m : maps) {
      const uint32_t first = m.first_slot;
      m.first_slot = static_cast<uint32_t>(art.stack_map_slots.size());
      art.stack_map_slots.insert(art.stack_map_slots.end(), slots.begin() + first,
                                 slots.begin() + first + m.num_slots);
    }
    art.stack_maps = std::move(maps);
  }
  // Frame ranges, sorted by offset (each function's own are sorted and inside its body).
  // (Ranges do not overlap, so their offsets are distinct: as for the stack maps.)
  auto range_before = [](const artifact::FrameRange& x, const artifact::FrameRange& y) {
    return x.offset < y.offset;
  };
  if (!std::is_sorted(art.frame_ranges.begin(), art.frame_ranges.end(), range_before))
    std::sort(art.frame_ranges.begin(), art.frame_ranges.end(), range_before);
  st.frameless_functions = frameless;
#ifdef EGRET_DEBUG
  uint32_t frameless_check = 0;
  for (uint32_t k = 0; k < ndef; ++k) frameless_check += art.IsFrameless(k);
  EGRET_DCHECK(frameless_check == frameless);
#endif
  st.code_bytes = art.text.size();
  st.time.link = now() - link_start;
  st.peak_rss_kb = PeakRssKb();

  // The reports take the names, texts and data stretches over (this is their last use: the
  // translator, which refers to `symbols`, is done). Most texts are empty, as are the reports':
  // those are not moved.
  auto take = [](std::string* to, std::string& from) {
    if (!from.empty()) *to = std::move(from);
  };
  result.functions.resize(ndef);
  for (uint32_t k = 0; k < ndef; ++k) {
    FunctionReport& fr = result.functions[k];
    backend::CompiledFunction& c = *results[k].compiled;
    fr.name = std::move(symbols[nimp + k]);
    take(&fr.vcode_before, c.vcode_before);
    take(&fr.vcode_after, c.vcode_after);
    take(&fr.dot, c.dot);
    take(&fr.opt_ir, results[k].opt_ir);
    take(&fr.pass_log, results[k].pass_log);
    fr.text_offset = section.functions[k].start;
    fr.size = section.functions[k].size;
    fr.buffer = c.code.stats;
    fr.data = std::move(c.code.data);
  }
  return result;
}

Expected<CompileResult> CompileBytes(std::vector<uint8_t> bytes, const std::string& file,
                                     const CompileOptions& options) {
  wasm::WasmError error;
  // Bodies are validated on as many threads as they will be compiled on; the stage time is the
  // process's CPU time, so it includes the validation threads (nothing else runs meanwhile).
  const uint64_t t0 = options.time_stages ? ProcessCpuNanoseconds() : 0;
  std::optional<wasm::ModuleEnv> env = wasm::LoadModule(
      std::move(bytes), file, &error, options.worker_threads(), options.wasm_features);
  const uint64_t decode_validate = options.time_stages ? ProcessCpuNanoseconds() - t0 : 0;
  if (!env) return error.error;
  EGRET_ASSIGN_OR_RETURN(CompileResult result, CompileModule(*env, options));
  result.stats.time.decode_validate = decode_validate;
  return result;
}

}  // namespace egret::compiler
