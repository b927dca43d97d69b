// table_ops_fuzz.cc: random sequences of externref operations (table and global writes and
// reads from Wasm and from the host, grow/fill/copy, calls into and out of Wasm, re-entry,
// garbage collections) against a model of who owns each host object.
//
// Each input is a configuration byte (the activations table's size: 1..16 entries, so that
// collections run often, also from inside Wasm) and a list of operations, 3 bytes each. The
// harness keeps a model: the table's and the global's contents, the host's handles, and the
// references Wasm frames hold across host calls. It checks:
//   - an object is never destroyed while the model says something owns it (its destructor
//     aborts otherwise), and never twice;
//   - after a collection with no Wasm frame on the stack, every object's reference count is
//     exactly the number of owners in the model (no activation left, nothing leaked), and
//     every object the model no longer owns is dead;
//   - references a Wasm frame held across nested operations and collections come back intact;
//   - traps (out-of-bounds table accesses) happen exactly when the model predicts them;
//   - when the store goes, every object has been destroyed exactly once.
// The module is compiled once for the host (x86-64, or aarch64 under qemu in the cross build).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "compiler/compiler.h"
#include "frontend/text/module_parser.h"
#include "runtime/engine.h"
#include "runtime/extern_ref.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace {

using egret::artifact::FuncType;
using egret::artifact::ValType;
using namespace egret::runtime;

#define TABLE_OPS_CHECK(cond, ...)                                  \
  do {                                                              \
    if (!(cond)) {                                                  \
      std::fprintf(stderr, "table_ops: check failed: %s: ", #cond); \
      std::fprintf(stderr, __VA_ARGS__);                            \
      std::fprintf(stderr, "\n");                                   \
      std::abort();                                                 \
    }                                                               \
  } while (0)

constexpr uint32_t kTableMax = 24;

constexpr const char* kModule = R"((module
  (import "host" "nested" (func $nested))
  (import "host" "check" (func $check (param externref externref)))
  (import "host" "make" (func $make (result externref)))
  (table $t (export "t") 4 24 externref)
  (global $g (export "g") (mut externref) (ref.null extern))
  (func (export "set") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
  (func (export "gset") (param externref) (global.set $g (local.get 0)))
  (func (export "gget") (result externref) (global.get $g))
  (func (export "grow") (param externref i32) (result i32)
    (table.grow $t (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 externref i32)
    (table.fill $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32)
    (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "id") (param externref) (result externref) (local.get 0))
  ;; Holds t[i], the global and a fresh host object across nested operations, then hands the
  ;; first two to the host to check and returns the third.
  (func (export "frame") (param i32) (result externref) (local externref externref externref)
    (local.set 1 (table.get $t (local.get 0)))
    (local.set 2 (global.get $g))
    (local.set 3 (call $make))
    (call $nested)
    (call $check (local.get 1) (local.get 2))
    (local.get 3))
))";

struct Harness;
Harness* g_harness = nullptr;

// What a replay exercised (EgretFuzzReplayFinish prints it).
struct Stats {
  uint64_t ops = 0, objects = 0, exact_checks = 0, nested_collections = 0, frames = 0, traps = 0;
} g_stats;

struct Obj {
  int id;
};

// The model and the store for one input.
// One engine and compiled module per activations-table size (compiled once per process).
struct Compiled {
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const Module> module;
};
Compiled& CompiledFor(uint8_t config) {
  static Compiled cache[16];
  Compiled& c = cache[config & 15];
  if (!c.engine) {
    EngineConfig ec;
    ec.externref_activations = 1 + (config & 15);
    c.engine = std::make_unique<Engine>(ec);
    auto wasm = egret::text::WatToWasm(kModule);
    TABLE_OPS_CHECK(wasm.ok(), "wat");
    auto compiled = egret::compiler::CompileBytes(std::move(*wasm), "table_ops",
                                                  egret::compiler::CompileOptions{});
    TABLE_OPS_CHECK(compiled.ok(), "compile");
    auto m = Module::FromArtifact(*c.engine, std::move(compiled->artifact));
    TABLE_OPS_CHECK(m.ok(), "load");
    c.module = *m;
  }
  return c;
}

struct Harness {
  Compiled& compiled;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;
  Func set, get, gset, gget, grow, fill, copy, id, frame;

  // Model.
  std::vector<int> table;  // object id per element, -1 null
  int global = -1;
  std::vector<ExternRef> handles;  // the host's handles
  std::vector<int> handle_ids;
  std::vector<int> frame_held;  // ids Wasm frames hold across nested operations
  std::vector<bool> alive;      // by id
  std::vector<int> deaths;      // by id
  int depth = 0;                // nested host callbacks running

  // The operation stream.
  const uint8_t* ops = nullptr;
  size_t n_ops = 0, next_op = 0;

  explicit Harness(uint8_t config) : compiled(CompiledFor(config)) {}

  ExternRef NewObj() {
    ++g_stats.objects;
    const int id = int(alive.size());
    alive.push_back(true);
    deaths.push_back(0);
    return ExternRef::NewRaw(new Obj{id}, ExternRef::TypeTag<Obj>(), [](void* p) {
      auto* o = static_cast<Obj*>(p);
      g_harness->OnDeath(o->id);
      delete o;
    });
  }

  int Owners(int id) const {
    int n = global == id;
    for (int t : table) n += t == id;
    for (int h : handle_ids) n += h == id;
    return n;
  }
  bool FrameHeld(int id) const {
    for (int f : frame_held)
      if (f == id) return true;
    return false;
  }

  void OnDeath(int id) {
    TABLE_OPS_CHECK(deaths[id] == 0, "object %d destroyed twice", id);
    TABLE_OPS_CHECK(Owners(id) == 0 && !FrameHeld(id),
                    "object %d destroyed while owned (%d owners, frame-held %d)", id, Owners(id),
                    int(FrameHeld(id)));
    deaths[id] = 1;
    alive[id] = false;
  }

  static int IdOf(void* raw) {
    if (raw == nullptr) return -1;
    const Obj* o = ExternRef::FromRaw(raw).get<Obj>();
    TABLE_OPS_CHECK(o != nullptr, "a reference that is not a host object");
    return o->id;
  }

  Val HandleVal(uint8_t b) {
    if (handles.empty() || b % 5 == 0) return Val::Default(ValType::kExternRef);
    return Val::ExternRef(handles[b % handles.size()]);
  }
  int ValId(const Val& v) const { return IdOf(v.ref()); }
  void Keep(const Val& v) {  // a result becomes a host handle
    if (v.ref() == nullptr) return;
    handles.push_back(v.externref());
    handle_ids.push_back(ValId(v));
  }

  // Calls f; returns whether it trapped.
  bool Call(Func f, std::vector<Val> args, std::vector<Val>* results = nullptr) {
    auto r = store->Call(f, args);
    TABLE_OPS_CHECK(r.ok(), "call failed: %s", r.error().ToString().c_str());
    if (r->trap) {
      ++g_stats.traps;
      return true;
    }
    if (results) *results = std::move(r->results);
    return false;
  }

  void ExactCheck() {
    ++g_stats.exact_checks;
    // No Wasm frame on the stack: a collection leaves no activation.
    store->GC();
    TABLE_OPS_CHECK(store->activations().size() == 0, "%zu activations after a collection",
                    store->activations().size());
    std::vector<uint64_t> counts(alive.size(), 0);
    for (size_t i = 0; i < handles.size(); ++i) counts[handle_ids[i]] = handles[i].ref_count();
    for (size_t id = 0; id < alive.size(); ++id) {
      const int owners = Owners(int(id));
      TABLE_OPS_CHECK(alive[id] == (owners > 0), "object %zu alive=%d with %d owners", id,
                      int(alive[id]), owners);
      if (counts[id] != 0)
        TABLE_OPS_CHECK(counts[id] == uint64_t(owners), "object %zu count %llu, model %d", id,
                        (unsigned long long)counts[id], owners);
    }
    // The instance's real table and global against the model.
    Table* t = instance->table(0);
    TABLE_OPS_CHECK(t->size() == table.size(), "table size %llu, model %zu",
                    (unsigned long long)t->size(), table.size());
    for (uint64_t i = 0; i < t->size(); ++i) {
      void* raw = nullptr;
      t->Get(i, &raw);
      TABLE_OPS_CHECK(IdOf(raw) == table[i], "t[%llu] = %d, model %d", (unsigned long long)i,
                      IdOf(raw), table[i]);
    }
    TABLE_OPS_CHECK(IdOf(instance->global(0).slot->ref) == global, "global %d, model %d",
                    IdOf(instance->global(0).slot->ref), global);
  }

  // Runs operations until the stream ends or, nested, until an "end nesting" operation.
  void RunOps() {
    while (next_op + 3 <= n_ops) {
      const uint8_t op = ops[next_op], a = ops[next_op + 1], b = ops[next_op + 2];
      next_op += 3;
      ++g_stats.ops;
      const uint32_t size = uint32_t(table.size());
      const uint32_t i = a % (size + 2);  // sometimes out of bounds
      switch (op % 16) {
        case 0:
        case 1: {  // a new object, held by the host
          handles.push_back(NewObj());
          handle_ids.push_back(int(alive.size()) - 1);
          break;
        }
        case 2: {  // the host drops a handle
          if (handles.empty()) break;
          const size_t k = a % handles.size();
          handle_ids.erase(handle_ids.begin() + k);  // the model first: the drop may destroy
          handles.erase(handles.begin() + k);
          break;
        }
        case 3: {  // table.set from Wasm
          Val v = HandleVal(b);
          const int vid = ValId(v);
          // The model changes first: the write may destroy what it overwrites.
          if (i < size) table[i] = vid;
          const bool trapped = Call(set, {Val::I32(int32_t(i)), v});
          TABLE_OPS_CHECK(trapped == (i >= size), "table.set %u trapped=%d", i, int(trapped));
          break;
        }
        case 4: {  // table.get from Wasm, kept by the host
          std::vector<Val> r;
          const bool trapped = Call(get, {Val::I32(int32_t(i))}, &r);
          TABLE_OPS_CHECK(trapped == (i >= size), "table.get %u trapped=%d", i, int(trapped));
          if (trapped) break;
          TABLE_OPS_CHECK(ValId(r[0]) == table[i], "table.get %u = %d, model %d", i, ValId(r[0]),
                          table[i]);
          if (b & 1) Keep(r[0]);
          break;
        }
        case 5: {  // global.set / global.get
          if (b & 1) {
            Val v = HandleVal(a);
            global = ValId(v);
            Call(gset, {v});
          } else {
            std::vector<Val> r;
            Call(gget, {}, &r);
            TABLE_OPS_CHECK(ValId(r[0]) == global, "global.get = %d, model %d", ValId(r[0]),
                            global);
            if (b & 2) Keep(r[0]);
          }
          break;
        }
        case 6: {  // table.grow
          Val v = HandleVal(b);
          const int vid = ValId(v);
          const uint32_t delta = a % 6;
          std::vector<Val> r;
          Call(grow, {v, Val::I32(int32_t(delta))}, &r);
          if (size + delta > kTableMax) {
            TABLE_OPS_CHECK(r[0].i32() == -1, "table.grow past the maximum returned %d",
                            r[0].i32());
          } else {
            TABLE_OPS_CHECK(r[0].i32() == int32_t(size), "table.grow returned %d", r[0].i32());
            table.resize(size + delta, vid);
          }
          break;
        }
        case 7: {  // table.fill
          Val v = HandleVal(b);
          const int vid = ValId(v);
          const uint32_t len = (b >> 3) % 5;
          const bool oob = i > size || len > size - i;
          if (!oob)
            for (uint32_t k = 0; k < len; ++k) table[i + k] = vid;
          const bool trapped = Call(fill, {Val::I32(int32_t(i)), v, Val::I32(int32_t(len))});
          TABLE_OPS_CHECK(trapped == oob, "table.fill trapped=%d", int(trapped));
          break;
        }
        case 8: {  // table.copy (may overlap)
          const uint32_t s = b % (size + 1), len = (b >> 4) % 5;
          const bool oob = i > size || len > size - i || s > size || len > size - s;
          if (!oob) {
            std::vector<int> src(table.begin() + s, table.begin() + s + len);
            for (uint32_t k = 0; k < len; ++k) table[i + k] = src[k];
          }
          const bool trapped =
              Call(copy, {Val::I32(int32_t(i)), Val::I32(int32_t(s)), Val::I32(int32_t(len))});
          TABLE_OPS_CHECK(trapped == oob, "table.copy trapped=%d", int(trapped));
          break;
        }
        case 9:  // a collection (exact at depth 0)
          if (depth == 0) {
            ExactCheck();
          } else {
            ++g_stats.nested_collections;
            store->GC();
          }
          break;
        case 10: {  // host-side table set (Table::Set)
          Val v = HandleVal(b);
          if (i < size) table[i] = ValId(v);
          const bool trapped = instance->table(0)->Set(i, v.ref()).has_value();
          TABLE_OPS_CHECK(trapped == (i >= size), "host table set trapped=%d", int(trapped));
          break;
        }
        case 11: {  // host-side global set
          Val v = HandleVal(a);
          global = ValId(v);
          instance->global(0).Set(v);
          break;
        }
        case 12: {  // an argument and a result through Wasm
          Val v = HandleVal(a);
          std::vector<Val> r;
          Call(id, {v}, &r);
          TABLE_OPS_CHECK(r[0] == v, "id returned another reference");
          if (b & 1) Keep(r[0]);
          break;
        }
        case 13:
        case 14: {  // a Wasm frame holds references across nested operations (re-entry)
          if (depth >= 3 || i >= size) break;
          const int held_t = table[i], held_g = global;
          frame_held.push_back(held_t);
          frame_held.push_back(held_g);
          pending_checks.push_back({held_t, held_g});
          ++g_stats.frames;
          std::vector<Val> r;
          const bool trapped = Call(frame, {Val::I32(int32_t(i))}, &r);
          TABLE_OPS_CHECK(!trapped, "frame trapped");
          frame_held.pop_back();
          frame_held.pop_back();
          TABLE_OPS_CHECK(ValId(r[0]) >= 0 && alive[ValId(r[0])], "frame's own object lost");
          if (b & 1) Keep(r[0]);
          break;
        }
        case 15:  // ends the innermost nested sequence
          if (depth > 0) return;
          break;
      }
    }
  }

  struct Pending {
    int t, g;
  };
  std::vector<Pending> pending_checks;

  void Setup() {
    store = std::make_unique<Store>(*compiled.engine);
    Linker linker;
    Store& s = *store;
    TABLE_OPS_CHECK(linker
                        .Define("host", "nested",
                                Extern::Of(s.NewHostFunc(FuncType{{}, {}},
                                                         [this](std::span<ValRaw>) {
                                                           ++depth;
                                                           RunOps();
                                                           --depth;
                                                           return std::optional<egret::TrapCode>();
                                                         })))
                        .ok(),
                    "define");
    TABLE_OPS_CHECK(linker
                        .Define("host", "check",
                                Extern::Of(s.NewHostFunc(
                                    FuncType{{ValType::kExternRef, ValType::kExternRef}, {}},
                                    [this](std::span<ValRaw> io) {
                                      const Pending p = pending_checks.back();
                                      pending_checks.pop_back();
                                      TABLE_OPS_CHECK(
                                          IdOf(io[0].ref) == p.t && IdOf(io[1].ref) == p.g,
                                          "frame held %d %d, got %d %d", p.t, p.g, IdOf(io[0].ref),
                                          IdOf(io[1].ref));
                                      return std::optional<egret::TrapCode>();
                                    })))
                        .ok(),
                    "define");
    TABLE_OPS_CHECK(linker
                        .Define("host", "make",
                                Extern::Of(s.NewHostFunc(FuncType{{}, {ValType::kExternRef}},
                                                         [this](std::span<ValRaw> io) {
                                                           ExternRef fresh = NewObj();
                                                           io[0].ref = store->ExternRefToRaw(fresh);
                                                           return std::optional<egret::TrapCode>();
                                                         })))
                        .ok(),
                    "define");
    auto inst = linker.Instantiate(s, compiled.module);
    TABLE_OPS_CHECK(inst.ok(), "instantiate");
    instance = *inst;
    set = instance->GetFunc("set");
    get = instance->GetFunc("get");
    gset = instance->GetFunc("gset");
    gget = instance->GetFunc("gget");
    grow = instance->GetFunc("grow");
    fill = instance->GetFunc("fill");
    copy = instance->GetFunc("copy");
    id = instance->GetFunc("id");
    frame = instance->GetFunc("frame");
    table.assign(4, -1);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 3 * 4096) return 0;
  Harness h(data[0]);
  g_harness = &h;
  h.Setup();
  h.ops = data + 1;
  h.n_ops = size - 1;
  h.RunOps();
  h.ExactCheck();
  // Everything goes: the host's handles, then the store with its table, global and instance.
  h.handle_ids.clear();
  h.handles.clear();
  h.table.clear();
  h.global = -1;
  h.store.reset();
  for (size_t id = 0; id < h.deaths.size(); ++id)
    TABLE_OPS_CHECK(h.deaths[id] == 1, "object %zu destroyed %d times", id, h.deaths[id]);
  g_harness = nullptr;
  return 0;
}

// The corpus replay's summary; fails if the corpus exercised nothing.
extern "C" int EgretFuzzReplayFinish(int inputs) {
  std::printf(
      "table_ops: %d inputs, %llu operations, %llu objects, %llu exact checks, %llu collections "
      "inside Wasm calls, %llu frames holding references, %llu traps\n",
      inputs, (unsigned long long)g_stats.ops, (unsigned long long)g_stats.objects,
      (unsigned long long)g_stats.exact_checks, (unsigned long long)g_stats.nested_collections,
      (unsigned long long)g_stats.frames, (unsigned long long)g_stats.traps);
  return g_stats.exact_checks > 0 && g_stats.frames > 0 ? 0 : 1;
}
