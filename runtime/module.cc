// module.cc: see module.h.
#include "runtime/module.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "artifact/artifact_reader.h"
#include "runtime/host_target.h"

namespace egret::runtime {

Expected<std::shared_ptr<const Module>> Module::FromBytes(Engine& engine,
                                                          std::span<const uint8_t> bytes) {
  artifact::ReadOptions options;
  options.host_target = HostTarget();  // the wrong target is refused before anything else
  EGRET_ASSIGN_OR_RETURN(artifact::Artifact a, artifact::ReadArtifact(bytes, options));
  return FromArtifact(engine, std::move(a));
}

namespace {

// A read-only view of a whole file, unmapped and closed on destruction.
class FileView {
 public:
  ~FileView() {
    if (data_ != nullptr) munmap(data_, size_);
    if (fd_ >= 0) close(fd_);
  }
  Status Open(const std::string& path) {
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return Error("cannot read file: " + std::string(std::strerror(errno)));
    struct stat st;
    if (fstat(fd_, &st) != 0)
      return Error("cannot stat file: " + std::string(std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return Error("not a regular file");
    size_ = size_t(st.st_size);
    if (size_ == 0) return Status::Ok();  // the reader reports the truncated header
    void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p == MAP_FAILED) return Error("cannot map file: " + std::string(std::strerror(errno)));
    data_ = static_cast<uint8_t*>(p);
    return Status::Ok();
  }
  int fd() const { return fd_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  int fd_ = -1;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

Error InFile(Error e, const std::string& path) {
  if (e.file.empty()) e.file = path;
  return e;
}

}  // namespace

Expected<std::shared_ptr<const Module>> Module::DeserializeFile(Engine& engine,
                                                                const std::string& path,
                                                                const DeserializeOptions& options) {
  FileView file;
  if (Status s = file.Open(path); !s.ok()) return InFile(std::move(s).error(), path);
  std::span<const uint8_t> text;
  artifact::ReadOptions read;
  read.host_target = HostTarget();
  read.verify_checksum = options.verify_checksum;
  read.borrowed_text = &text;
  Expected<artifact::Artifact> a = artifact::ReadArtifact(file.bytes(), read);
  if (!a.ok()) return InFile(std::move(a).error(), path);
  std::unique_ptr<CodeMemory> code;
  if (!text.empty()) {
    const uint64_t offset = uint64_t(text.data() - file.bytes().data());
    const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
    if (options.map_code && offset % page == 0) {
      // A file on a noexec mount maps, but refuses PROT_EXEC at Publish: copy it then.
      Expected<std::unique_ptr<CodeMemory>> mapped =
          CodeMemory::MapFile(file.fd(), offset, text.size());
      if (mapped.ok() && PatchAndPublish(**mapped, *a, engine.builtins()).ok())
        code = std::move(*mapped);
    }
    if (code == nullptr) {
      // A version-1 file, a page size the writer did not align for, or mapping refused: copy.
      Expected<std::unique_ptr<CodeMemory>> copy = CodeMemory::Allocate(text.size());
      if (!copy.ok()) return InFile(std::move(copy).error(), path);
      code = std::move(*copy);
      std::memcpy(code->writable().data(), text.data(), text.size());
      if (Status s = PatchAndPublish(*code, *a, engine.builtins()); !s.ok())
        return InFile(std::move(s).error(), path);
    }
  }
  Expected<std::shared_ptr<const Module>> m = Create(engine, std::move(*a), std::move(code));
  if (!m.ok()) return InFile(std::move(m).error(), path);
  return m;
}

Expected<std::shared_ptr<const Module>> Module::FromArtifact(Engine& engine,
                                                             artifact::Artifact artifact) {
  return Create(engine, std::move(artifact), nullptr);
}

Expected<std::shared_ptr<const Module>> Module::Create(Engine& engine, artifact::Artifact artifact,
                                                       std::unique_ptr<CodeMemory> code) {
  if (artifact.target != HostTarget())
    return Error("module: compiled for " + std::string(artifact::TargetName(artifact.target)) +
                 ", but this host is " + std::string(artifact::TargetName(HostTarget())) +
                 " (compile the .wasm with --target=" +
                 std::string(artifact::TargetName(HostTarget())) + ")");
  std::shared_ptr<Module> m(new Module());
  m->engine_ = &engine;
  m->artifact_ = std::move(artifact);
  const artifact::Artifact& a = m->artifact_;
  EGRET_ASSIGN_OR_RETURN(m->offsets_, artifact::VMOffsets::Compute(a));
  m->signature_ids_ = engine.signatures().InternAll(a.types);
  for (const artifact::Import& im : a.imports)
    if (im.kind == artifact::ExternKind::kFunc) m->func_type_index_.push_back(im.type_index);
  for (const artifact::Function& f : a.functions) m->func_type_index_.push_back(f.type_index);
  m->export_index_.reserve(a.exports.size());
  for (uint32_t i = 0; i < a.exports.size(); ++i) m->export_index_.emplace(a.exports[i].name, i);
  if (code != nullptr) {
    m->code_ = std::move(code);
  } else {
    EGRET_ASSIGN_OR_RETURN(m->code_, LoadCode(a, engine.builtins()));
  }
  if (m->code_->size() > 0) {
    EGRET_ASSIGN_OR_RETURN(m->registration_,
                           CodeRegistration::Create({m->code_->start(), m->code_->end(), &a}));
  }
  if (profiling::Profiler* profiler = engine.profiler()) {
    EGRET_ASSIGN_OR_RETURN(m->profile_, profiler->AddModule(a, m->code_->data(), m->code_->size()));
  }
  return std::shared_ptr<const Module>(std::move(m));
}

const artifact::FuncType& Module::FunctionType(uint32_t func_index) const {
  EGRET_CHECK(func_index < func_type_index_.size());
  return artifact_.types[func_type_index_[func_index]];
}

const void* Module::WasmCall(uint32_t defined_index) const {
  EGRET_CHECK(defined_index < artifact_.functions.size());
  return code_->data() + artifact_.functions[defined_index].body.offset;
}

ArrayCallFn Module::ArrayCall(uint32_t defined_index) const {
  EGRET_CHECK(defined_index < artifact_.functions.size());
  const artifact::CodeRange& r = artifact_.functions[defined_index].array_call;
  if (r.empty()) return nullptr;
  return reinterpret_cast<ArrayCallFn>(const_cast<uint8_t*>(code_->data() + r.offset));
}

const void* Module::WasmToArrayTrampoline(uint32_t type_index) const {
  const auto& t = artifact_.wasm_to_array;
  auto it = std::lower_bound(
      t.begin(), t.end(), type_index,
      [](const artifact::WasmToArrayTrampoline& w, uint32_t i) { return w.type_index < i; });
  if (it == t.end() || it->type_index != type_index) return nullptr;
  return code_->data() + it->code.offset;
}

const MemoryImage* Module::memory_image(uint32_t memory_index) const {
  std::call_once(images_once_, [this] {
    images_.resize(artifact_.NumMemories());
    if (!engine_->config().memory_images) return;
    for (uint32_t i = artifact_.NumImported(artifact::ExternKind::kMemory); i < images_.size(); ++i)
      images_[i] = MemoryImage::Build(artifact_, i);
  });
  return memory_index < images_.size() ? images_[memory_index].get() : nullptr;
}

std::optional<artifact::Export> Module::FindExport(std::string_view name) const {
  auto it = export_index_.find(name);
  if (it == export_index_.end()) return std::nullopt;
  return artifact_.exports[it->second];
}

}  // namespace egret::runtime
