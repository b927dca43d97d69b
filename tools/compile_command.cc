// compile_command.cc: `egret compile`.
//
// `egret compile FILE.wasm -o FILE.egret` runs the pipeline in compiler/ and writes the artifact;
// `--emit=ir` prints the frontend's IR, `--emit=vcode` the VCode before and after register
// allocation, `--emit=asm` the final machine code per function (capstone, AT&T syntax).
// `--opt-level=speed` runs the IR passes (opt/pass_manager.h) before the backend;
// `--emit=opt-ir` prints the IR after them, and `--print-after=PASS|all` writes the IR after the
// named pass (or every pass) to stderr, each function's output headed by `; after PASS`.
// `--stats` prints time per stage, instruction counts and register-allocation statistics.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "artifact/artifact_writer.h"
#include "compiler/compiler.h"
#include "compiler/module_metadata.h"
#include "frontend/translator.h"
#include "frontend/validator.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"
#include "support/capstone_library.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/compile_flags.h"
#include "tools/text_input.h"

namespace egret::tools {
namespace {

struct CompileOptions {
  std::string input;
  std::string output;
  CompileFlags flags;  // --target, --opt-level, --regalloc, --jobs, --verify-each
  std::string emit;    // empty: produce an artifact
  std::string heap = "guard";
  std::string print_after;  // pass name or "all"
  bool no_srclocs = false;
  bool verify = true;
  bool stats = false;
  bool fuel = false;
  bool regalloc_checker = compiler::CompileOptions().regalloc_checker;
  bool no_regalloc_checker = false;
  int64_t branch_range_shrink = 1;  // --debug-branch-range-shrink
  std::string features;
};

// Writes the output through `write` (false: a write failed). A regular file is replaced
// atomically (written beside it, then renamed over it): a running `egret run` maps artifacts and
// executes their code in place, so overwriting a mapped file in place would change or truncate
// code under it. Anything else (a device such as /dev/null, a FIFO) is written directly.
int WriteOutput(const std::string& path, const std::function<bool(std::FILE*)>& write) {
  if (path.empty() || path == "-") {
    return write(stdout) && std::fflush(stdout) == 0 ? cli::kExitOk : cli::kExitFailure;
  }
  struct stat st {};
  const bool replace = stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode);
  const std::string target = replace ? path + ".tmp." + std::to_string(getpid()) : path;
  std::FILE* file = std::fopen(target.c_str(), "wb");
  bool ok = file != nullptr && write(file);
  if (file != nullptr && std::fclose(file) != 0) ok = false;
  if (!ok) {
    if (replace) std::remove(target.c_str());
    std::fprintf(stderr, "egret compile: error: cannot write '%s'\n", path.c_str());
    return cli::kExitFailure;
  }
  if (replace && std::rename(target.c_str(), path.c_str()) != 0) {
    std::remove(target.c_str());
    std::fprintf(stderr, "egret compile: error: cannot write '%s'\n", path.c_str());
    return cli::kExitFailure;
  }
  return cli::kExitOk;
}

int WriteOutput(const std::string& path, const void* data, size_t size) {
  return WriteOutput(path, [&](std::FILE* f) { return std::fwrite(data, 1, size, f) == size; });
}

// `decode_validate_ns`: the time LoadModule took, for --stats.
std::string AnnotateStackMaps(const std::string& asm_text, const artifact::Artifact& a,
                              uint32_t start, uint32_t size);

int Compile(const CompileOptions& o, const wasm::ModuleEnv& env, uint64_t decode_validate_ns) {
  compiler::CompileOptions copts;
  o.flags.ApplyTo(&copts);
  copts.regalloc_checker = o.regalloc_checker && !o.no_regalloc_checker;
  copts.heap =
      o.heap == "bounds-check" ? wasm::HeapStrategy::kBoundsCheck : wasm::HeapStrategy::kGuardPages;
  copts.fuel = o.fuel;
  copts.time_stages = o.stats;
  copts.keep_text = o.emit == "vcode" || o.emit == "dot";
  copts.features = o.features;
  copts.print_after = o.print_after;
  copts.keep_opt_ir = o.emit == "opt-ir";
  copts.ir_srclocs = !o.no_srclocs;
  copts.debug_branch_range_shrink = static_cast<uint32_t>(o.branch_range_shrink);
  // An artifact is written with the data segments' bytes taken from the module's bytes (`env`
  // outlives the write), so they are not held a second time in the Artifact.
  copts.copy_data_segments = !o.emit.empty();
  Expected<compiler::CompileResult> r = compiler::CompileModule(env, copts);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.error().ToString().c_str());
    return cli::kExitFailure;
  }
  r->stats.time.decode_validate = decode_validate_ns;
  if (o.stats) std::fprintf(stderr, "%s", r->stats.ToString().c_str());
  for (const compiler::FunctionReport& f : r->functions) {
    std::fwrite(f.pass_log.data(), 1, f.pass_log.size(), stderr);
  }
  if (o.emit.empty()) {
    if (o.output.empty()) {
      std::fprintf(stderr, "egret compile: error: -o FILE is required to write an artifact\n");
      return cli::kExitUsage;
    }
    // Streamed to the file piece by piece: the artifact is never built in memory whole.
    artifact::WriteOptions wopts;
    wopts.data_bytes = compiler::DataSegmentBytes(env);
    return WriteOutput(o.output, [&](std::FILE* f) {
      return artifact::WriteArtifact(r->artifact, wopts, [f](std::span<const uint8_t> piece) {
        return std::fwrite(piece.data(), 1, piece.size(), f) == piece.size();
      });
    });
  }
  std::string out;
  auto isa = compiler::LookupIsa(o.flags.target);
  for (const compiler::FunctionReport& f : r->functions) {
    if (o.emit == "dot") {
      out += f.dot;
      continue;
    }
    if (o.emit == "opt-ir") {
      out += f.opt_ir;
      continue;
    }
    out += "function %" + f.name + ":\n";
    if (o.emit == "vcode") {
      out += ";; before register allocation\n" + f.vcode_before;
      out += ";; after register allocation\n" + f.vcode_after;
    } else {
      out += AnnotateStackMaps(
          (*isa)->DisassembleFunction(
              std::span<const uint8_t>(r->artifact.text.data() + f.text_offset, f.size), 0, f.data),
          r->artifact, f.text_offset, f.size);
    }
    out += "\n";
  }
  return WriteOutput(o.output, out.data(), out.size());
}

// --emit=asm: appends `; stack map: [sp+0, sp+16]` to each call whose return address has a
// non-empty stack map (the byte offsets from sp at the call of the slots holding references live
// across it). A disassembly line starts with the instruction's function-relative hex offset
// ("    2b:  callq *%rbx"), so the call is the line before the one at the map's offset.
std::string AnnotateStackMaps(const std::string& asm_text, const artifact::Artifact& a,
                              uint32_t start, uint32_t size) {
  std::map<uint32_t, std::string> notes;  // function-relative return offset -> note
  auto it =
      std::lower_bound(a.stack_maps.begin(), a.stack_maps.end(), start,
                       [](const artifact::StackMap& m, uint32_t off) { return m.offset < off; });
  for (; it != a.stack_maps.end() && it->offset <= start + size; ++it) {
    if (it->num_slots == 0) continue;
    std::string note = "  ; stack map: [";
    bool first = true;
    for (uint32_t slot : a.StackMapSlots(*it)) {
      note += (first ? "sp+" : ", sp+") + std::to_string(8 * slot);
      first = false;
    }
    notes[it->offset - start] = note + "]";
  }
  if (notes.empty()) return asm_text;
  std::vector<std::string> lines;
  for (size_t at = 0; at < asm_text.size();) {
    size_t end = asm_text.find('\n', at);
    if (end == std::string::npos) end = asm_text.size();
    lines.push_back(asm_text.substr(at, end - at));
    at = end + 1;
  }
  // The offset of each instruction line, if it has one.
  auto offset_of = [](const std::string& line) -> std::optional<uint32_t> {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    uint32_t v = 0;
    size_t k = line.find_first_not_of(' ');
    if (k >= colon) return std::nullopt;
    for (; k < colon; ++k) {
      const char c = line[k];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + uint32_t(d);
    }
    return v;
  };
  size_t prev = SIZE_MAX;  // the previous instruction line
  for (size_t k = 0; k < lines.size(); ++k) {
    const std::optional<uint32_t> off = offset_of(lines[k]);
    if (!off) continue;
    if (auto n = notes.find(*off); n != notes.end() && prev != SIZE_MAX) {
      lines[prev] += n->second;
      notes.erase(n);
    }
    prev = k;
  }
  if (!notes.empty() && prev != SIZE_MAX && notes.begin()->first == size)
    lines[prev] += notes.begin()->second;  // a call that ends the function
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k) {
    out += lines[k];
    if (k + 1 < lines.size() || (!asm_text.empty() && asm_text.back() == '\n')) out += '\n';
  }
  return out;
}

int EmitIr(const CompileOptions& o, const wasm::ModuleEnv& env) {
  wasm::TranslateOptions topts;
  topts.heap =
      o.heap == "bounds-check" ? wasm::HeapStrategy::kBoundsCheck : wasm::HeapStrategy::kGuardPages;
  topts.fuel = o.fuel;
  Expected<std::vector<ir::Function>> funcs = wasm::TranslateModule(env, topts);
  if (!funcs.ok()) {
    std::fprintf(stderr, "%s\n", funcs.error().ToString().c_str());
    return cli::kExitFailure;
  }
  ir::PrintOptions popts;
  popts.srclocs = !o.no_srclocs;
  std::string out;
  for (const ir::Function& f : *funcs) {
    if (o.verify) {
      if (Status st = ir::Verify(f); !st.ok()) {
        std::fprintf(stderr, "%s\n%s", st.error().ToString().c_str(),
                     ir::PrintFunction(f, popts).c_str());
        return cli::kExitFailure;
      }
    }
    if (!out.empty()) out += '\n';
    out += ir::PrintFunction(f, popts);
  }
  if (o.output.empty() || o.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    std::ofstream file(o.output, std::ios::binary);
    file << out;
    if (!file) {
      std::fprintf(stderr, "egret compile: error: cannot write '%s'\n", o.output.c_str());
      return cli::kExitFailure;
    }
  }
  return cli::kExitOk;
}

// --emit=wasm: the input's binary encoding (a .wat converted, a .wasm copied), unvalidated.
int WriteWasm(const CompileOptions& o, std::span<const uint8_t> bytes) {
  if (o.output.empty() || o.output == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return cli::kExitOk;
  }
  std::ofstream out(o.output, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "egret compile: error: cannot write '%s'\n", o.output.c_str());
    return cli::kExitFailure;
  }
  return cli::kExitOk;
}

}  // namespace

int CompileCommand(std::span<const std::string> args) {
  cli::ArgParser parser("egret compile", "FILE.wasm|FILE.wat",
                        "Compile a WebAssembly module, or print one of its intermediate forms.");
  CompileOptions o;
  std::vector<std::string> files;
  parser.Option("o", &o.output, "FILE", "output file (default: stdout for --emit)");
  AddCompileFlags(parser, &o.flags, /*with_target=*/true);
  parser.Choice("emit", &o.emit, {"ir", "opt-ir", "vcode", "asm", "dot", "wasm"},
                "print an intermediate form instead of writing an artifact");
  parser.Option("print-after", &o.print_after, "PASS",
                "print the IR after pass PASS (or `all` passes) to stderr; needs "
                "--opt-level=speed");
  parser.Choice("heap", &o.heap, {"guard", "bounds-check"},
                "linear-memory strategy: guard pages (default) or explicit bounds checks");
  parser.Flag("no-srclocs", &o.no_srclocs, "omit the @offset source locations in IR output");
  parser.Flag("stats", &o.stats, "print time per stage, instruction and regalloc counts");
  parser.Flag("fuel", &o.fuel, "emit fuel accounting (for egret run --fuel; docs/frontend.md)");
  parser.Flag("regalloc-checker", &o.regalloc_checker,
              "prove every register allocation with the checker (default in Debug builds)");
  parser.Flag("no-regalloc-checker", &o.no_regalloc_checker, "skip the allocation checker");
  parser.Option("target-features", &o.features, "SPEC",
                "CPU features, e.g. +all,-lzcnt (default: the host's)");
  parser.Option("debug-branch-range-shrink", &o.branch_range_shrink, "N",
                "test mode: divide every shrinkable branch range by N so that small code gets "
                "islands and veneers (docs/machbuffer.md); 1 (default): real ranges");
  parser.Positionals(&files, 1, 1);
  switch (parser.Parse(args)) {
    case cli::ParseOutcome::kHelp:
      return cli::kExitOk;
    case cli::ParseOutcome::kError:
      return cli::kExitUsage;
    case cli::ParseOutcome::kOk:
      break;
  }
  o.input = files[0];
  if (!CheckJobs("egret compile", o.flags.jobs)) return cli::kExitUsage;
  if (Expected<uint32_t> n = compiler::ParseBranchRangeShrink(o.branch_range_shrink); !n.ok()) {
    std::fprintf(stderr, "egret compile: error: %s\n", n.error().message.c_str());
    return cli::kExitUsage;
  }
  // An unknown target or feature string is a usage error (backend::LookupTargetIsa).
  if (o.emit != "ir" && o.emit != "wasm") {
    if (auto isa = compiler::LookupIsa(o.flags.target, o.features); !isa.ok()) {
      std::fprintf(stderr, "egret compile: error: %s\n", isa.error().message.c_str());
      return cli::kExitUsage;
    }
  }
  // --emit=asm loads capstone (support/capstone_library.h): a missing library fails here, before
  // any compile work, rather than printing the error in place of every function.
  if (o.emit == "asm") {
    if (std::string why; Capstone(&why) == nullptr) {
      std::fprintf(stderr, "egret compile: error: --emit=asm: %s\n", why.c_str());
      return cli::kExitFailure;
    }
  }
  if (!o.print_after.empty()) {
    if (Status st = opt::CheckPrintAfter(o.print_after); !st.ok()) {
      std::fprintf(stderr, "egret compile: error: --print-after: %s\n", st.error().message.c_str());
      return cli::kExitUsage;
    }
    if (o.flags.opt_level == compiler::OptLevel::kNone) {
      std::fprintf(stderr,
                   "egret compile: error: --print-after needs --opt-level=speed (no passes "
                   "run at none)\n");
      return cli::kExitUsage;
    }
  }
  // A .wat input is converted first (tools/text_input.h); --emit=wasm writes that binary.
  Expected<wasm::ModuleBytes> input = ReadModuleInput(o.input);
  if (!input.ok()) {
    std::fprintf(stderr, "%s\n", input.error().ToString().c_str());
    return cli::kExitFailure;
  }
  wasm::ModuleBytes bytes = std::move(*input);
  if (o.emit == "wasm") return WriteWasm(o, bytes);
  wasm::WasmError error;
  // Bodies are validated on as many threads as they are compiled on; the time is the process's
  // CPU time, which includes the validation threads.
  const uint64_t load_start = o.stats ? compiler::ProcessCpuNanoseconds() : 0;
  std::optional<wasm::ModuleEnv> env = wasm::LoadModule(
      std::move(bytes), o.input, &error, o.flags.jobs == 0 ? compiler::DefaultJobs() : o.flags.jobs,
      o.flags.wasm_features);
  const uint64_t load_ns = o.stats ? compiler::ProcessCpuNanoseconds() - load_start : 0;
  if (!env) {
    std::fprintf(stderr, "%s\n", error.error.ToString().c_str());
    return cli::kExitFailure;
  }
  if (o.emit == "ir") return EmitIr(o, *env);
  return Compile(o, *env, load_ns);
}

}  // namespace egret::tools
