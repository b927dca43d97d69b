// instance.h: an instantiated module: its VMContext, memories, tables, globals and funcrefs.
//
// Instantiation (spec order): check each import against the module's import type; allocate the
// VMContext with the module's VMOffsets layout; fill the header (magic, signature ids, builtins,
// store and instance pointers); write the imported functions, tables, memories and globals;
// create the defined memories and tables (their definitions moved into the VMContext); write a
// VMFuncRef for every function; evaluate global initializers; apply active element and data
// segments (dropping them, and dropping declarative element segments); run the start function.
// A trap during segments or start makes instantiation fail with the trap's message.
//
// The instance is owned by its Store, and so are the memories and tables it defines.
#ifndef EGRET_RUNTIME_INSTANCE_H_
#define EGRET_RUNTIME_INSTANCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/module.h"
#include "runtime/store.h"
#include "runtime/vmfuncref.h"
#include "support/error.h"

namespace egret::runtime {

class InstancePre;

class Instance {
 public:
  // `imports` in the module's import order.
  static Expected<Instance*> Instantiate(Store& store, std::shared_ptr<const Module> module,
                                         std::span<const Extern> imports);
  // Checks `imports` against the module's import types (the first step of Instantiate) and
  // allocates nothing unless they do not match.
  static Status CheckImports(const Store& store, const Module& module,
                             std::span<const Extern> imports);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const Module& module() const { return *module_; }
  Store& store() const { return *store_; }
  VMContext* vmctx() const { return reinterpret_cast<VMContext*>(vmctx_.get()); }
  static Instance* FromVMContext(VMContext* vmctx);

  std::optional<Extern> GetExport(std::string_view name) const;
  Func GetFunc(std::string_view name) const;  // invalid if missing or not a function

  // Index-space accessors (imports first), used by builtins and exports.
  VMFuncRef* funcref(uint32_t func_index) const;
  LinearMemory* memory(uint32_t index) const { return memories_[index]; }
  Table* table(uint32_t index) const { return tables_[index]; }
  Global global(uint32_t index) const;
  // A passive segment's contents; empty once dropped (or for active segments after
  // instantiation).
  std::span<const uint8_t> data_segment(uint32_t index) const;
  std::span<void* const> element_segment(uint32_t index) const;
  void DropData(uint32_t index);
  void DropElement(uint32_t index);

 private:
  Instance() = default;
  template <class T>
  T* At(uint32_t offset) const {
    return reinterpret_cast<T*>(vmctx_.get() + offset);
  }
  Expected<Val> Evaluate(const artifact::ConstExpr& expr) const;
  friend class InstancePre;
  static Expected<Instance*> Create(Store& store, std::shared_ptr<const Module> module,
                                    std::span<const Extern> imports, const InstancePre* pre);
  // `pre`: the imports were checked by InstancePre, whose resolved function imports are copied.
  Status Initialize(std::span<const Extern> imports, const InstancePre* pre);
  // The funcref an importing instance stores for an imported function.
  static VMFuncRef ResolveImport(const Module& module, const VMFuncRef& ref,
                                 const artifact::Import& im);
  Status ApplySegmentsAndStart();

  // Frees a VMContext: back to the engine's VMContext pool (which zeroes its `bytes`) or free().
  struct VMContextDeleter {
    SlotPool* pool;
    uint64_t bytes;
    void operator()(uint8_t* p) const;
  };

  Store* store_ = nullptr;
  std::shared_ptr<const Module> module_;
  std::unique_ptr<uint8_t[], VMContextDeleter> vmctx_{nullptr, VMContextDeleter{nullptr, 0}};
  std::vector<LinearMemory*> memories_;
  std::vector<Table*> tables_;
  std::vector<Global> globals_;
  std::vector<bool> data_dropped_;
  std::vector<std::vector<void*>> elements_;  // evaluated element segments; cleared on drop
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_INSTANCE_H_
