// iv_reduce_test.cc: differential property test of iv_reduce (opt/iv_reduce.cc) against the IR
// interpreter, on random loops made for it.
//
// Each function has one loop over i32 or i64 with one to three induction variables (steps: an
// iadd_imm by an interesting constant, an iadd or isub of an invariant), offsets of them and
// of their next values in every form (inv + x, x + inv, x - inv, inv - x) in the header and
// in the latch, sometimes a use that keeps a variable (a multiply, a use after the loop),
// sometimes an exit on a compared offset, sometimes no preheader. The arguments are the
// interesting values of the width (0, +-1, the extremes) and random ones, so offsets and
// steps wrap. The pass alone, after licm, and the speed pipeline must keep the function
// verifying, write iadd_imm immediates in canonical (sign-extended) form and give the
// interpreter's exact results; the pass must also rewrite most of them.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/analysis_cache.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

class LoopGenerator {
 public:
  explicit LoopGenerator(uint32_t seed) : rng_(seed) {}

  bool wide() const { return wide_; }

  std::string Make() {
    wide_ = R(2) == 1;
    t_ = wide_ ? "i64" : "i32";
    n_ = 4;
    const bool preheader = R(5) != 0;
    std::string s = "function %f(" + t_ + ", " + t_ + ", " + t_ + ", " + t_ + ") -> " + t_ +
                    " {\nblock0(v0: " + t_ + ", v1: " + t_ + ", v2: " + t_ + ", v3: " + t_ + "):\n";
    invs_ = {"v0", "v1", "v2", "v3"};
    invs_.push_back(Emit(s, "iadd v0, v1"));
    invs_.push_back(Emit(s, "imul_imm v2, " + std::to_string(Interesting())));
    const int ivs = 1 + static_cast<int>(R(3));
    std::vector<std::string> inits;
    for (int k = 0; k < ivs; ++k) {
      inits.push_back(R(2) ? Emit(s, "iconst." + t_ + " " + std::to_string(Interesting()))
                           : Pick(invs_));
    }
    const std::string acc0 = Emit(s, "iconst." + t_ + " 0");
    const std::string cnt0 = Emit(s, "iconst.i32 " + std::to_string(1 + R(6)));
    const std::string args = Join(inits) + ", " + acc0 + ", " + cnt0;
    if (preheader) {
      s += "    jump block1(" + args + ")\n";
    } else {
      s += "    brif v3, block1(" + args + "), block2(" + acc0 + ")\n";
    }
    // The header.
    std::vector<std::string> ps, nexts;
    s += "block1(";
    for (int k = 0; k < ivs; ++k) {
      ps.push_back(V());
      s += ps.back() + ": " + t_ + ", ";
    }
    std::string acc = V(), cnt = V();
    s += acc + ": " + t_ + ", " + cnt + ": i32):\n";
    acc = Emit(s, "imul_imm " + acc + ", 31");
    for (int k = 0; k < ivs; ++k) {
      for (uint32_t o = R(4); o > 0; --o) acc = Mix(s, acc, Offset(s, ps[k]));
      if (R(6) == 0) acc = Mix(s, acc, Emit(s, "imul_imm " + ps[k] + ", 3"));  // keeps p
      switch (R(4)) {
        case 0:
          nexts.push_back(Emit(s, "iadd " + ps[k] + ", " + Pick(invs_)));
          break;
        case 1:
          nexts.push_back(Emit(s, "iadd " + Pick(invs_) + ", " + ps[k]));
          break;
        case 2:
          nexts.push_back(Emit(s, "isub " + ps[k] + ", " + Pick(invs_)));
          break;
        default:
          nexts.push_back(Emit(s, "iadd_imm " + ps[k] + ", " + std::to_string(Interesting())));
          break;
      }
      for (uint32_t o = R(3); o > 0; --o) acc = Mix(s, acc, Offset(s, nexts[k]));
    }
    const std::string cnt1 = Emit(s, "iadd_imm " + cnt + ", -1");
    s += "    brif " + cnt1 + ", block3, block2(" + acc + ")\n";
    // The latch.
    s += "block3:\n";
    std::string exit_test;
    for (int k = 0; k < ivs; ++k) {
      if (R(2)) acc = Mix(s, acc, Offset(s, nexts[k]));
      if (R(4) == 0) exit_test = Offset(s, nexts[k]);
    }
    const std::string back = Join(nexts) + ", " + acc + ", " + cnt1;
    if (!exit_test.empty()) {
      const std::string c = Emit(s, "icmp ult " + exit_test + ", " + Pick(invs_));
      s += "    brif " + c + ", block1(" + back + "), block2(" + acc + ")\n";
    } else {
      s += "    jump block1(" + back + ")\n";
    }
    // The exit: sometimes a use after the loop (block1 dominates block2 with a preheader).
    const std::string r = V();
    s += "block2(" + r + ": " + t_ + "):\n";
    std::string ret = r;
    if (preheader && R(6) == 0) ret = Emit(s, "bxor " + r + ", " + Pick(ps));
    s += "    return " + ret + "\n}\n";
    return s;
  }

  // Arguments of the width: interesting values and random ones.
  uint64_t Arg() {
    static constexpr uint64_t k[] = {0,          1,          ~uint64_t{0},       0x7fffffff,
                                     0x80000000, 0xfffffffe, 0x7fffffffffffffff, 0x8000000000000000,
                                     5,          3};
    const uint64_t v = R(2) ? k[R(std::size(k))] : (uint64_t{rng_()} << 32 | rng_());
    return wide_ ? v : v & 0xffffffff;
  }

 private:
  uint32_t R(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  std::string V() { return "v" + std::to_string(n_++); }
  std::string Emit(std::string& s, const std::string& rhs) {
    const std::string v = V();
    s += "    " + v + " = " + rhs + "\n";
    return v;
  }
  const std::string& Pick(const std::vector<std::string>& from) { return from[R(from.size())]; }
  static std::string Join(const std::vector<std::string>& vs) {
    std::string s;
    for (const std::string& v : vs) s += (s.empty() ? "" : ", ") + v;
    return s;
  }
  int64_t Interesting() {
    static constexpr int64_t k[] = {1,  -1, 2, 3,   -3, 7, 16, 0x7fffffff, -0x80000000LL,
                                    -5, 0,  9, 1000};
    return k[R(std::size(k))];
  }
  // An offset of x in a random form.
  std::string Offset(std::string& s, const std::string& x) {
    const std::string& inv = Pick(invs_);
    switch (R(4)) {
      case 0:
        return Emit(s, "iadd " + inv + ", " + x);
      case 1:
        return Emit(s, "iadd " + x + ", " + inv);
      case 2:
        return Emit(s, "isub " + x + ", " + inv);
      default:
        return Emit(s, "isub " + inv + ", " + x);
    }
  }
  std::string Mix(std::string& s, const std::string& acc, const std::string& v) {
    return Emit(s, std::string(R(2) ? "bxor " : "iadd ") + acc + ", " + v);
  }

  std::mt19937 rng_;
  bool wide_ = false;
  std::string t_;
  int n_ = 0;
  std::vector<std::string> invs_;
};

struct Outcome {
  int functions = 0;
  int changed = 0;
};

Outcome Check(std::span<const std::string_view> names, uint32_t seed, int count) {
  PassManagerOptions o;
  o.verify = true;
  Expected<PassManager> pm =
      names.empty() ? PassManager::ForOptLevel("speed", o) : PassManager::FromNames(names, o);
  EXPECT_TRUE(pm.ok());
  Outcome out;
  for (int iter = 0; iter < count; ++iter) {
    LoopGenerator g(seed * 7919 + static_cast<uint32_t>(iter));
    const std::string text = g.Make();
    Expected<ir::Module> parsed = ir::ParseModule(text);
    if (!parsed.ok() || !ir::Verify(parsed->functions[0]).ok()) {
      ADD_FAILURE() << "generator made invalid IR:\n" << text;
      return out;
    }
    ir::Module before = std::move(parsed).value();
    ir::Module after = before;
    Status s = pm->Run(after.functions[0]);
    if (!s.ok()) {
      ADD_FAILURE() << s.error().ToString() << "\n" << text;
      return out;
    }
    const std::string printed = ir::PrintFunction(after.functions[0]);
    // Immediates in canonical form: sign-extended from the operand's width (what simplify
    // writes and the backends encode).
    const ir::Function& af = after.functions[0];
    for (ir::Block b : af.layout.Blocks()) {
      for (ir::Inst i : af.layout.Insts(b)) {
        const ir::InstData& d = af.dfg[i];
        if (d.opcode != ir::Opcode::kIaddImm) continue;
        const uint32_t bits = ir::TypeBits(af.dfg.ValueType(d.args[0]));
        const int64_t canonical =
            bits >= 64
                ? d.imm
                : static_cast<int64_t>(static_cast<uint64_t>(d.imm) << (64 - bits)) >> (64 - bits);
        if (d.imm != canonical) {
          ADD_FAILURE() << "iadd_imm immediate " << d.imm << " not sign-extended:\n" << printed;
          return out;
        }
      }
    }
    ++out.functions;
    if (printed != ir::PrintFunction(before.functions[0])) ++out.changed;
    ir::InterpOptions io;
    io.max_steps = 100000;
    ir::Interpreter ib(before, io), ia(after, io);
    const ir::Type t = g.wide() ? ir::Type::kI64 : ir::Type::kI32;
    for (int k = 0; k < 8; ++k) {
      const ir::DataValue args[] = {{t, g.Arg()}, {t, g.Arg()}, {t, g.Arg()}, {t, g.Arg()}};
      const ir::InterpResult rb = ib.Call("f", args);
      const ir::InterpResult ra = ia.Call("f", args);
      if (rb.kind != ir::InterpResult::Kind::kReturned || rb.kind != ra.kind ||
          rb.values != ra.values) {
        ADD_FAILURE() << "before "
                      << (rb.values.empty() ? rb.error : ir::FormatDataValue(rb.values[0]))
                      << ", after "
                      << (ra.values.empty() ? ra.error : ir::FormatDataValue(ra.values[0]))
                      << "\nbefore:\n"
                      << text << "after:\n"
                      << printed;
        return out;
      }
    }
  }
  return out;
}

constexpr int kFunctions = 400;

TEST(IvReduce, AlonePreservesSemanticsAndRewritesMostLoops) {
  const std::string_view names[] = {"iv_reduce"};
  const Outcome o = Check(names, 31, kFunctions);
  EXPECT_EQ(o.functions, kFunctions);
  // About one loop in five has no preheader, and some variables keep another use.
  EXPECT_GT(o.changed, kFunctions / 2);
}

TEST(IvReduce, AfterLicmPreservesSemantics) {
  const std::string_view names[] = {"licm", "iv_reduce", "dce"};
  const Outcome o = Check(names, 57, kFunctions);
  EXPECT_EQ(o.functions, kFunctions);
  EXPECT_GT(o.changed, kFunctions / 2);
}

TEST(IvReduce, SpeedPipelinePreservesSemantics) {
  const Outcome o = Check({}, 91, kFunctions);
  EXPECT_EQ(o.functions, kFunctions);
}

// iv_reduce keeps exact the use counts it works with and leaves them to the cache: the ones the
// cache holds (cfg_simplify published them, licm kept them), or, without those, its own count.
// Either way what the cache holds afterwards equals a recount (aliases resolved).
TEST(IvReduce, LeavesExactUseCountsInTheCache) {
  const std::string_view with_names[] = {"cfg_simplify", "licm", "iv_reduce"};
  const std::string_view alone_names[] = {"iv_reduce"};
  for (const bool held : {true, false}) {
    SCOPED_TRACE(held ? "counts held" : "no counts held");
    Expected<PassManager> pm =
        held ? PassManager::FromNames(with_names) : PassManager::FromNames(alone_names);
    ASSERT_TRUE(pm.ok());
    AnalysisCache cache;
    int rewritten = 0;
    for (int iter = 0; iter < kFunctions; ++iter) {
      LoopGenerator g(8111 + static_cast<uint32_t>(iter));
      const std::string text = g.Make();
      Expected<ir::Module> parsed = ir::ParseModule(text);
      ASSERT_TRUE(parsed.ok());
      ir::Function& f = parsed->functions[0];
      const std::string before = ir::PrintFunction(f);
      cache.Reset(f);
      ASSERT_TRUE(pm->Run(f, cache).ok());
      const std::vector<uint32_t>* counts = cache.UseCounts();
      if (counts == nullptr) {
        // Only without counts held, and only when iv_reduce counted nothing (no candidate).
        ASSERT_FALSE(held) << text;
        continue;
      }
      rewritten += ir::PrintFunction(f) != before;
      std::vector<uint32_t> fresh(f.dfg.NumValues(), 0);
      for (ir::Block b : f.layout.Blocks())
        for (ir::Inst i : f.layout.Insts(b))
          f.dfg.ForEachOperand(i, [&](ir::Value v) { ++fresh[f.dfg.ResolveAliases(v).index]; });
      ASSERT_EQ(counts->size(), fresh.size());
      for (uint32_t k = 0; k < fresh.size(); ++k) {
        if (f.dfg.ValueInfo(ir::Value(k)).kind == ir::ValueKind::kAlias) continue;
        ASSERT_EQ((*counts)[k], fresh[k]) << "v" << k << "\n" << text << ir::PrintFunction(f);
      }
    }
    EXPECT_GT(rewritten, kFunctions / 2);
  }
}

}  // namespace
}  // namespace egret::opt
