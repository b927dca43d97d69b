// random_test.cc: differential property test of every pass alone and of the speed pipeline,
// against the IR interpreter, on random functions.
//
// The generator makes functions with forward edges plus counted loops (each back edge passes
// an incremented counter that must stay below a small trip count, so every function
// terminates), values of i32 and i64, every integer operation with operands that are often
// interesting constants (0, 1, -1, powers of two, INT_MIN, divisors for magic numbers),
// compares, selects, width changes, conditional traps, and memory accesses in each alias class
// the IR names: `heap` (in bounds and masked, or possibly out of bounds and trapping), `vmctx`
// and `table` fields at fixed offsets (overlapping widths), accesses with no region flag that
// may alias any of them, `readonly` fields nothing writes, and calls to a function that writes
// the heap and a vmctx field. Memory starts with the same pseudo-random bytes for both runs.
//
// A pass must keep the function verifying and give the interpreter's exact results, trap codes
// and final memory (so a store moved across a trap, or a store removed that a trap would have
// left visible, is caught) on every input.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/builder.h"
#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/analysis_cache.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

using ir::MemFlags;
using ir::Opcode;
using ir::Type;
using ir::Value;

// Memory layout of the generated functions (interpreter heap addresses).
constexpr int64_t kVmctxBase = 0x8000;     // `vmctx` fields
constexpr int64_t kTableBase = 0x9000;     // `table` fields
constexpr int64_t kReadonlyBase = 0xA000;  // `vmctx readonly` fields, never written
constexpr int64_t kTrapRegion = 0xF000;    // heap accesses that may run off the end

class Generator {
 public:
  explicit Generator(uint32_t seed, bool loops, bool memory)
      : rng_(seed), loops_(loops), memory_(memory) {}

  ir::Module Make() {
    ir::Module m;
    m.functions.push_back(MakeMain());
    m.functions.push_back(MakeClobber());
    return m;
  }

 private:
  uint32_t R(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  int64_t Interesting(Type t) {
    static constexpr int64_t k[] = {0,
                                    1,
                                    -1,
                                    2,
                                    3,
                                    5,
                                    7,
                                    8,
                                    10,
                                    16,
                                    31,
                                    32,
                                    33,
                                    63,
                                    64,
                                    100,
                                    1000,
                                    0x7fffffff,
                                    -0x80000000LL,
                                    0x55555555,
                                    -7,
                                    -8,
                                    641};
    if (R(6) == 0) {  // wraps like the IR's i64 multiply: computed unsigned, no signed overflow
      return static_cast<int64_t>(uint64_t{rng_()} * (t == Type::kI64 ? 0x100000001ULL : 1));
    }
    if (t == Type::kI64 && R(5) == 0) return R(2) ? INT64_MIN : INT64_MAX;
    return k[R(sizeof(k) / sizeof(k[0]))];
  }

  ir::Function MakeClobber() {
    ir::Function f("clobber", {{Type::kI32}, {Type::kI32}});
    ir::FunctionBuilder b(f);
    ir::Block e = b.CreateBlock();
    b.SwitchToBlock(e);
    Value x = b.AppendBlockParam(e, Type::kI32);
    b.SealBlock(e);
    const MemFlags vm = MemFlags{}.With(MemFlags::kVmctx).With(MemFlags::kNotrap);
    b.Store(Opcode::kStore, vm, x, b.Iconst(Type::kI64, kVmctxBase), 8);
    b.Store(Opcode::kStore, MemFlags{}.With(MemFlags::kHeap), x, b.Iconst(Type::kI64, 0), 0x20);
    b.Return({b.BinaryImm(Opcode::kIaddImm, x, 1)});
    b.Finalize();
    return f;
  }

  Value Pick(Type t) {
    std::vector<Value>& pool = t == Type::kI32 ? avail32_ : avail64_;
    if (pool.empty()) pool.push_back(b_->Iconst(t, Interesting(t)));
    const size_t lim = std::min<size_t>(pool.size(), 4);
    return pool[R(2) ? R(static_cast<uint32_t>(lim)) : R(static_cast<uint32_t>(pool.size()))];
  }
  Value Operand(Type t) { return R(3) == 0 ? b_->Iconst(t, Interesting(t)) : Pick(t); }
  void Add(Value v) {
    (b_->func().dfg.ValueType(v) == Type::kI32 ? avail32_ : avail64_).push_back(v);
  }

  void Arith() {
    static constexpr Opcode kBin[] = {Opcode::kIadd, Opcode::kIsub, Opcode::kImul, Opcode::kBand,
                                      Opcode::kBor,  Opcode::kBxor, Opcode::kIshl, Opcode::kUshr,
                                      Opcode::kSshr, Opcode::kRotl, Opcode::kRotr, Opcode::kUdiv,
                                      Opcode::kSdiv, Opcode::kUrem, Opcode::kSrem};
    static constexpr Opcode kImm[] = {Opcode::kIaddImm, Opcode::kImulImm, Opcode::kBandImm,
                                      Opcode::kBorImm,  Opcode::kBxorImm, Opcode::kIshlImm,
                                      Opcode::kUshrImm, Opcode::kSshrImm, Opcode::kRotlImm};
    static constexpr Opcode kUn[] = {Opcode::kClz, Opcode::kCtz, Opcode::kPopcnt, Opcode::kIneg,
                                     Opcode::kBnot};
    const Type t = R(4) == 0 ? Type::kI64 : Type::kI32;
    switch (R(10)) {
      case 0:
      case 1:
      case 2: {
        const Opcode op = kBin[R(sizeof(kBin) / sizeof(kBin[0]))];
        // Divisions by a non-constant are rarer, so that fewer runs trap.
        Value y = (op >= Opcode::kSdiv && op <= Opcode::kUrem && R(4) != 0)
                      ? b_->Iconst(t, Interesting(t))
                      : Operand(t);
        Add(b_->Binary(op, Operand(t), y));
        break;
      }
      case 3:
      case 4:
        Add(b_->BinaryImm(kImm[R(sizeof(kImm) / sizeof(kImm[0]))], Pick(t), Interesting(t)));
        break;
      case 5:
        Add(b_->Unary(kUn[R(sizeof(kUn) / sizeof(kUn[0]))], Pick(t)));
        break;
      case 6:
        Add(R(2) ? b_->Icmp(static_cast<ir::IntCC>(R(10)), Pick(t), Operand(t))
                 : b_->IcmpImm(static_cast<ir::IntCC>(R(10)), Pick(t), Interesting(t)));
        break;
      case 7: {
        Value c = R(2) ? b_->IcmpImm(ir::IntCC::kEq, Pick(Type::kI32), 0) : Pick(Type::kI32);
        Add(b_->Select(c, Operand(t), Operand(t)));
        break;
      }
      case 8:
        if (t == Type::kI64) {
          Add(b_->Convert(Opcode::kIreduce, Type::kI32, Pick(Type::kI64)));
        } else {
          Add(b_->Convert(R(2) ? Opcode::kUextend : Opcode::kSextend, Type::kI64,
                          Pick(Type::kI32)));
        }
        break;
      default:
        if (R(8) == 0) {
          const Value c = R(2) ? Pick(Type::kI32) : b_->IcmpImm(ir::IntCC::kUgt, Pick(t), 100);
          if (R(2)) {
            b_->Trapnz(c, TrapCode::kIntegerOverflow);
          } else {
            b_->Trapz(c, TrapCode::kUnreachable);
          }
        } else {
          Add(b_->Iconst(t, Interesting(t)));
        }
        break;
    }
  }

  void Memory() {
    const MemFlags notrap = MemFlags{}.With(MemFlags::kNotrap);
    const bool store = R(2) == 0;
    const bool wide = R(4) == 0;
    const Type t = wide ? Type::kI64 : Type::kI32;
    MemFlags flags;
    Value addr;
    int32_t offset = static_cast<int32_t>(R(3) * 4);
    switch (R(7)) {
      case 0:
      case 1: {  // heap, in bounds
        Value idx = b_->Convert(Opcode::kUextend, Type::kI64,
                                b_->BinaryImm(Opcode::kBandImm, Pick(Type::kI32), 0xf8));
        addr = b_->Binary(Opcode::kIadd, heap_base_, idx);
        flags = MemFlags{}.With(MemFlags::kHeap).With(R(2) ? MemFlags::kNotrap : MemFlags::kHeap);
        break;
      }
      case 2: {  // heap, may trap
        Value idx = b_->Convert(Opcode::kUextend, Type::kI64, Pick(Type::kI32));
        addr = b_->BinaryImm(Opcode::kIaddImm, idx, kTrapRegion);
        flags = MemFlags{}.With(MemFlags::kHeap);
        offset = static_cast<int32_t>(R(3) * 0x800);
        break;
      }
      case 3:
        addr = vm_base_;
        flags = notrap.With(MemFlags::kVmctx);
        break;
      case 4:
        addr = table_base_;
        flags = notrap.With(MemFlags::kTable);
        break;
      case 5:  // no region: may alias the vmctx and table fields
        addr = R(2) ? vm_base_ : table_base_;
        flags = notrap;
        break;
      default:
        if (store) return;
        addr = ro_base_;
        flags = notrap.With(MemFlags::kVmctx).With(MemFlags::kReadonly);
        break;
    }
    if (store) {
      static constexpr Opcode kStores[] = {Opcode::kStore, Opcode::kIstore8, Opcode::kIstore16,
                                           Opcode::kIstore32};
      Opcode op = kStores[R(wide ? 4 : 3)];
      if (R(2)) op = Opcode::kStore;
      b_->Store(op, flags, Operand(t), addr, offset);
    } else {
      static constexpr Opcode kLoads[] = {Opcode::kLoad,    Opcode::kUload8,  Opcode::kSload8,
                                          Opcode::kUload16, Opcode::kSload16, Opcode::kUload32,
                                          Opcode::kSload32};
      Opcode op = kLoads[R(wide ? 7 : 5)];
      if (R(2)) op = Opcode::kLoad;
      Add(b_->Load(op, t, flags, addr, offset));
    }
  }

  ir::Function MakeMain() {
    ir::Function f("f", {{Type::kI32, Type::kI32}, {Type::kI32}});
    ir::FunctionBuilder b(f);
    b_ = &b;
    const ir::FuncRef clobber =
        b.ImportFunction("clobber", b.ImportSignature({{Type::kI32}, {Type::kI32}}));
    const uint32_t n = 2 + R(6);
    std::vector<ir::Block> blocks;
    for (uint32_t k = 0; k < n; ++k) blocks.push_back(b.CreateBlock());
    // Loop headers: block h gets a counter parameter (its first) when a later block branches
    // back to it.
    std::vector<int> back_edge_to(n, -1);  // back_edge_to[j] = h
    std::vector<bool> is_header(n, false);
    if (loops_) {
      for (int tries = R(3); tries > 0; --tries) {
        const uint32_t h = 1 + R(n - 1), j = h + R(n - h);
        if (back_edge_to[j] < 0 && !is_header[h]) {
          back_edge_to[j] = static_cast<int>(h);
          is_header[h] = true;
        }
      }
    }
    // A forward edge from k must not jump into the middle of a loop k is not in: it goes to
    // the loop's header instead, so the header dominates the loop (and its counter is usable
    // at the back edge).
    auto retarget = [&](uint32_t k, uint32_t t) {
      for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t j = 0; j < n; ++j) {
          const int h = back_edge_to[j];
          if (h >= 0 && k < static_cast<uint32_t>(h) && static_cast<uint32_t>(h) < t && t <= j) {
            t = static_cast<uint32_t>(h);
            changed = true;
          }
        }
      }
      return t;
    };
    std::vector<std::vector<Value>> params(n);
    std::vector<std::vector<Type>> param_types(n);
    for (uint32_t k = 0; k < n; ++k) f.layout.AppendBlock(blocks[k]);
    b.SwitchToBlock(blocks[0]);
    params[0] = {b.AppendBlockParam(blocks[0], Type::kI32),
                 b.AppendBlockParam(blocks[0], Type::kI32)};
    for (uint32_t k = 1; k < n; ++k) {
      if (is_header[k]) {
        params[k].push_back(b.AppendBlockParam(blocks[k], Type::kI32));
        param_types[k].push_back(Type::kI32);
      }
      for (uint32_t p = R(3); p > 0; --p) {
        const Type t = R(4) == 0 ? Type::kI64 : Type::kI32;
        params[k].push_back(b.AppendBlockParam(blocks[k], t));
        param_types[k].push_back(t);
      }
    }
    std::vector<Value> entry32, entry64;
    for (uint32_t k = 0; k < n; ++k) {
      b.SwitchToBlock(blocks[k]);
      avail32_.clear();
      avail64_.clear();
      for (Value v : params[k]) Add(v);
      if (k == 0) {
        heap_base_ = b.Iconst(Type::kI64, 0);
        vm_base_ = b.Iconst(Type::kI64, kVmctxBase);
        table_base_ = b.Iconst(Type::kI64, kTableBase);
        ro_base_ = b.Iconst(Type::kI64, kReadonlyBase);
      } else {
        avail32_.insert(avail32_.end(), entry32.begin(), entry32.end());
        avail64_.insert(avail64_.end(), entry64.begin(), entry64.end());
      }
      for (uint32_t i = R(12); i > 0; --i) {
        if (memory_ && R(2) == 0) {
          Memory();
        } else if (memory_ && R(25) == 0) {
          const Value arg = Pick(Type::kI32);
          Add(b.Results(b.Call(clobber, std::span<const Value>(&arg, 1)))[0]);
        } else {
          Arith();
        }
      }
      if (k == 0) {
        entry32 = avail32_;
        entry64 = avail64_;
      }
      auto args_for = [&](uint32_t t, bool counter_from_zero) {
        std::vector<Value> a;
        for (size_t p = 0; p < params[t].size(); ++p) {
          if (p == 0 && is_header[t]) {
            a.push_back(counter_from_zero ? b.Iconst(Type::kI32, 0) : Pick(Type::kI32));
          } else {
            a.push_back(Pick(param_types[t][p]));
          }
        }
        return a;
      };
      const uint32_t left = n - 1 - k;
      if (back_edge_to[k] >= 0) {
        // The back edge: counter + 1 < trip count continues the loop.
        const uint32_t h = static_cast<uint32_t>(back_edge_to[k]);
        const Value next = b.BinaryImm(Opcode::kIaddImm, params[h][0], 1);
        const Value go = b.IcmpImm(ir::IntCC::kUlt, next, 1 + R(4));
        std::vector<Value> back = args_for(h, false);
        back[0] = next;
        if (left == 0) {
          const Value ret = Pick(Type::kI32);
          ir::Block exit = b.CreateBlock();
          b.Brif(go, blocks[h], back, exit, {});
          b.SwitchToBlock(exit);
          b.Return({ret});
        } else {
          const uint32_t t = retarget(k, k + 1 + R(left));
          const auto out = args_for(t, true);
          b.Brif(go, blocks[h], back, blocks[t], out);
        }
      } else if (left == 0 || R(5) == 0) {
        b.Return({Pick(Type::kI32)});
      } else if (left == 1 || R(2) == 0) {
        const uint32_t t = retarget(k, k + 1 + R(left));
        b.Jump(blocks[t], args_for(t, true));
      } else {
        const uint32_t t0 = retarget(k, k + 1 + R(left)), t1 = retarget(k, k + 1 + R(left));
        const Value c = R(3) == 0 ? b.IcmpImm(static_cast<ir::IntCC>(R(10)), Pick(Type::kI32),
                                              Interesting(Type::kI32))
                                  : Pick(Type::kI32);
        const auto a0 = args_for(t0, true), a1 = args_for(t1, true);
        b.Brif(c, blocks[t0], a0, blocks[t1], a1);
      }
    }
    b.SealAllBlocks();
    b.Finalize();
    b_ = nullptr;
    return f;
  }

  std::mt19937 rng_;
  bool loops_, memory_;
  ir::FunctionBuilder* b_ = nullptr;
  std::vector<Value> avail32_, avail64_;
  Value heap_base_, vm_base_, table_base_, ro_base_;
};

std::vector<uint8_t> InitialHeap(uint32_t seed) {
  std::vector<uint8_t> heap(64 * 1024);
  std::mt19937 rng(seed);
  for (uint8_t& byte : heap) byte = static_cast<uint8_t>(rng());
  return heap;
}

std::string Describe(const ir::InterpResult& r) {
  switch (r.kind) {
    case ir::InterpResult::Kind::kReturned:
      return r.values.empty() ? "returned" : "returned " + ir::FormatDataValue(r.values[0]);
    case ir::InterpResult::Kind::kTrapped:
      return "trapped " + std::to_string(static_cast<int>(r.trap));
    case ir::InterpResult::Kind::kError:
      return "error " + r.error;
  }
  return "?";
}

struct Outcome {
  int functions = 0;
  int shrunk = 0;
  int trapped_runs = 0;
  int runs = 0;
};

// Runs `names` (empty: the speed pipeline) over `count` random functions and compares.
Outcome CheckPasses(std::span<const std::string_view> names, uint32_t seed, int count, bool loops,
                    bool memory) {
  PassManagerOptions o;
  o.verify = true;
  Expected<PassManager> pm =
      names.empty() ? PassManager::ForOptLevel("speed", o) : PassManager::FromNames(names, o);
  EXPECT_TRUE(pm.ok());
  Outcome out;
  std::mt19937 args_rng(seed);
  for (int iter = 0; iter < count; ++iter) {
    Generator g(seed * 7919 + static_cast<uint32_t>(iter), loops, memory);
    ir::Module before = g.Make();
    const std::string text = ir::PrintFunction(before.functions[0]);
    if (!ir::Verify(before.functions[0]).ok()) {
      ADD_FAILURE() << "generator made invalid IR:\n" << text;
      return out;
    }
    ir::Module after = before;
    for (ir::Function& f : after.functions) {
      Status s = pm->Run(f);
      if (!s.ok()) {
        ADD_FAILURE() << s.error().ToString() << "\n" << text;
        return out;
      }
    }
    ++out.functions;
    if (after.functions[0].NumLayoutInsts() < before.functions[0].NumLayoutInsts()) ++out.shrunk;
    ir::InterpOptions io;
    io.max_steps = 100000;
    ir::Interpreter ib(before, io), ia(after, io);
    ib.heap() = InitialHeap(seed + static_cast<uint32_t>(iter));
    ia.heap() = ib.heap();
    for (int t = 0; t < 10; ++t) {
      const uint32_t x = t < 4 ? static_cast<uint32_t>(t) : args_rng() % (t < 7 ? 9u : 0xffffffffu);
      const uint32_t y =
          t < 4 ? static_cast<uint32_t>(3 - t) : args_rng() % (t < 7 ? 9u : 0xffffffffu);
      const ir::DataValue args[] = {{Type::kI32, x}, {Type::kI32, y}};
      const ir::InterpResult rb = ib.Call("f", args);
      const ir::InterpResult ra = ia.Call("f", args);
      ++out.runs;
      if (rb.kind == ir::InterpResult::Kind::kTrapped) ++out.trapped_runs;
      const bool same = rb.kind == ra.kind && rb.values == ra.values &&
                        (rb.kind != ir::InterpResult::Kind::kTrapped || rb.trap == ra.trap);
      if (!same || ib.heap() != ia.heap()) {
        ADD_FAILURE() << "f(" << x << ", " << y << "): before " << Describe(rb) << ", after "
                      << Describe(ra) << (ib.heap() != ia.heap() ? " (memory differs)" : "")
                      << "\nbefore:\n"
                      << text << "after:\n"
                      << ir::PrintFunction(after.functions[0]);
        return out;
      }
    }
  }
  return out;
}

constexpr int kFunctions = 300;

TEST(Random, EveryPassAlonePreservesSemantics) {
  for (const Pass& p : AllPasses()) {
    SCOPED_TRACE(std::string(p.name));
    const std::string_view names[] = {p.name};
    const Outcome o = CheckPasses(names, 1000 + static_cast<uint32_t>(&p - AllPasses().data()),
                                  kFunctions, /*loops=*/true, /*memory=*/true);
    EXPECT_EQ(o.functions, kFunctions);
  }
}

TEST(Random, SpeedPipelinePreservesSemanticsAcyclic) {
  const Outcome o = CheckPasses({}, 12345, kFunctions, /*loops=*/false, /*memory=*/false);
  EXPECT_EQ(o.functions, kFunctions);
  EXPECT_GT(o.shrunk, kFunctions / 4);  // the pipeline is not a no-op on these
}

TEST(Random, SpeedPipelinePreservesSemanticsWithLoopsAndMemory) {
  const Outcome o = CheckPasses({}, 777, 2 * kFunctions, /*loops=*/true, /*memory=*/true);
  EXPECT_EQ(o.functions, 2 * kFunctions);
  EXPECT_GT(o.shrunk, kFunctions / 2);
  // Enough runs trap (division by zero, heap out of bounds, trapnz) for the trap checks to
  // mean something, and enough return.
  EXPECT_GT(o.trapped_runs, o.runs / 20);
  EXPECT_LT(o.trapped_runs, o.runs * 3 / 4);
}

// simplify counts the uses on its walk and publishes them, cfg_simplify keeps them exact, and
// the passes that preserve them (gvn, licm, load_elim and iv_reduce: KeptUseCounts at each
// edit) too, so that neither cfg_simplify nor iv_reduce counts. After each pass of the speed
// pipeline, in its order, the cache's counts must equal a recount (aliases resolved), and each
// pass must have changed some functions for the check to mean something.
TEST(Random, PreservingPassesKeepTheUseCountsExact) {
  const std::string_view kept[] = {"simplify", "cfg_simplify", "gvn",
                                   "licm",     "load_elim",    "iv_reduce"};
  std::vector<PassManager> one;
  for (std::string_view name : kept) {
    const std::string_view names[] = {name};
    Expected<PassManager> pm = PassManager::FromNames(names);
    ASSERT_TRUE(pm.ok());
    one.push_back(std::move(*pm));
  }
  int changed[std::size(kept)] = {};
  AnalysisCache cache;
  for (int iter = 0; iter < kFunctions; ++iter) {
    Generator g(4242 + static_cast<uint32_t>(iter), /*loops=*/true, /*memory=*/true);
    ir::Module m = g.Make();
    ir::Function& f = m.functions[0];
    cache.Reset(f);
    for (size_t p = 0; p < std::size(kept); ++p) {
      const std::string before = ir::PrintFunction(f);
      ASSERT_TRUE(one[p].Run(f, cache).ok());
      const std::string after = ir::PrintFunction(f);
      changed[p] += before != after;
      const std::vector<uint32_t>* held = cache.UseCounts();
      ASSERT_NE(held, nullptr) << kept[p];
      std::vector<uint32_t> fresh(f.dfg.NumValues(), 0);
      for (ir::Block b : f.layout.Blocks())
        for (ir::Inst i : f.layout.Insts(b))
          f.dfg.ForEachOperand(i, [&](Value v) { ++fresh[f.dfg.ResolveAliases(v).index]; });
      ASSERT_EQ(held->size(), fresh.size()) << kept[p];
      for (uint32_t k = 0; k < fresh.size(); ++k) {
        if (f.dfg.ValueInfo(Value(k)).kind == ir::ValueKind::kAlias) continue;
        ASSERT_EQ((*held)[k], fresh[k]) << "v" << k << " after " << kept[p] << "\n" << after;
      }
    }
  }
  // (iv_reduce rewrites none of these loops: iv_reduce_test.cc checks its counts.)
  for (size_t p = 0; p + 1 < std::size(kept); ++p) EXPECT_GT(changed[p], 0) << kept[p];
}

}  // namespace
}  // namespace egret::opt
