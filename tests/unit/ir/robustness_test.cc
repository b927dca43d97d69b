// robustness_test.cc: mutated IR text must give an error or a valid function, never a crash
// (run under ASan/UBSan), and whatever parses and verifies must print, re-parse and run.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "random_function.h"

namespace egret::ir {
namespace {

constexpr std::string_view kSeed = R"(function %f(i32, i64) -> i32 {
    ss0 = stack_slot 8, align 8
    sig0 = (i32, i64) -> i32
    fn0 = %f sig0
block0(v0: i32, v1: i64):
    v2 = iconst.i32 7
    v3 = sdiv v0, v2
    v4 = icmp_imm slt v3, 0
    stack_store v3, ss0+4
    v5 = load.i32 heap v1+8
    brif v4, block1(v3), block2
block1(v6: i32):
    v7 = call %f(v6, v1)
    br_table v7, block2, [block1(v7), block2]
block2:
    v8 = stack_load.i32 ss0+4
    trapz v8, int_divz
    return v8
}
)";

// Tokens and characters that push mutations toward interesting near-miss programs.
constexpr std::string_view kPieces[] = {"v",
                                        "v9",
                                        "block",
                                        "block3",
                                        ",",
                                        "(",
                                        ")",
                                        "[",
                                        "]",
                                        ":",
                                        "=",
                                        "i8",
                                        "f64",
                                        "+",
                                        "-",
                                        "%",
                                        "@",
                                        "0x",
                                        "ss1",
                                        "sig2",
                                        "\n",
                                        " ",
                                        "99999999999999999999",
                                        "nan:0x",
                                        "iadd",
                                        "jump block0",
                                        "return",
                                        "load.i8",
                                        "}"};

std::string Mutate(std::mt19937& rng, std::string text) {
  const int edits = 1 + static_cast<int>(rng() % 2);
  for (int e = 0; e < edits; ++e) {
    const size_t pos = rng() % (text.size() + 1);
    switch (rng() % 3) {
      case 0:  // delete a short run
        if (pos < text.size()) text.erase(pos, 1 + rng() % 5);
        break;
      case 1:  // insert a piece
        text.insert(pos, kPieces[rng() % std::size(kPieces)]);
        break;
      default:  // replace a character with a digit
        if (pos < text.size()) text[pos] = static_cast<char>('0' + rng() % 10);
        break;
    }
  }
  return text;
}

TEST(Robustness, MutatedTextNeverCrashes) {
  {
    auto seed = ParseModule(kSeed);
    ASSERT_TRUE(seed.ok());
    ASSERT_TRUE(VerifyFunction(seed->functions[0]).empty());
  }
  std::mt19937 rng(2024);
  int parsed = 0, verified = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string text = Mutate(rng, std::string(kSeed));
    auto m = ParseModule(text, "fuzz.eir");
    if (!m.ok()) {
      EXPECT_GT(m.error().line, 0u) << text;  // every parse error has a position
      continue;
    }
    ++parsed;
    for (Function& f : m->functions) {
      const std::string printed = PrintFunction(f);
      auto again = ParseModule(printed);
      ASSERT_TRUE(again.ok()) << printed << "\n" << again.error().ToString();
      ASSERT_EQ(PrintModule(*again), printed);
      if (!VerifyFunction(f).empty()) continue;
      ++verified;
      Interpreter interp(*m, {.heap_size = 64, .max_steps = 2000, .max_call_depth = 20});
      std::vector<DataValue> args;
      for (Type t : f.signature.params) args.push_back({t, 0});
      interp.Call(f.name, args);  // any outcome is fine; it must not crash
    }
  }
  // The mutations must exercise both paths, or this test proves little.
  EXPECT_GT(parsed, 100);
  EXPECT_GT(verified, 20);
}

// Every error of both modes, as text: the fast path may only ever decline (and let the full
// checks run), so the two lists are always the same.
std::string Errors(const Function& f, bool fast) {
  SetVerifierFastPathForTesting(fast);
  std::string out;
  for (const VerifierError& e : VerifyFunction(f)) out += e.message + "\n";
  SetVerifierFastPathForTesting(true);
  return out;
}

TEST(Robustness, VerifierFastPathAgreesOnMutatedText) {
  std::mt19937 rng(77);
  int invalid = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    auto m = ParseModule(Mutate(rng, std::string(kSeed)), "fuzz.eir");
    if (!m.ok()) continue;
    for (const Function& f : m->functions) {
      const std::string full = Errors(f, false);
      ASSERT_EQ(Errors(f, true), full) << PrintFunction(f);
      invalid += !full.empty();
    }
  }
  EXPECT_GT(invalid, 20);
}

// The fast path takes every valid function: random CFGs (loops, irreducible parts, unreachable
// blocks, whose uses it checks without dominance), values used across the dominator tree. Its
// dominance check marks the values whose definitions the tree walk has passed and unmarks them
// when it leaves the defining block's subtree, so a mark left behind or missed shows here (a
// valid function declined) or in the agreement tests below (an invalid one accepted).
TEST(Robustness, VerifierFastPathAcceptsValidFunctions) {
  std::mt19937 rng(515);
  for (int iter = 0; iter < 1000; ++iter) {
    Function f = testing::BuildRandomFunction(rng, testing::MakeRandomCfg(rng, 16));
    ASSERT_EQ(Errors(f, false), "");
    ASSERT_TRUE(VerifierFastPathAcceptsForTesting(f)) << PrintFunction(f);
  }
}

// Random valid functions with one field of one instruction or value changed at random
// (operands, types, opcodes of the same format, flags, offsets, results, placement): what the
// text parser cannot express, such as unplaced definitions, included. (Values stay in range: the
// printer, which words the full checks' errors, needs that.)
TEST(Robustness, VerifierFastPathAgreesOnMutatedFunctions) {
  std::mt19937 rng(4242);
  int invalid = 0, valid = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Function f = testing::BuildRandomFunction(rng, testing::MakeRandomCfg(rng, 12));
    ASSERT_EQ(Errors(f, true), "");
    DataFlowGraph& dfg = f.dfg;
    const uint32_t values = static_cast<uint32_t>(dfg.NumValues());
    const uint32_t insts = static_cast<uint32_t>(dfg.NumInsts());
    auto any_value = [&] { return Value(static_cast<uint32_t>(rng() % values)); };
    const Inst i(static_cast<uint32_t>(rng() % insts));
    InstData& d = dfg[i];
    switch (rng() % 9) {
      case 0:
        d.args[rng() % 3] = any_value();
        break;
      case 1:
        d.type = static_cast<Type>(1 + rng() % (kNumTypes - 1));
        break;
      case 2: {
        const Opcode op = static_cast<Opcode>(rng() % kNumOpcodes);
        if (Info(op).format == Info(d.opcode).format) d.opcode = op;
        break;
      }
      case 3:
        d.imm = static_cast<int64_t>(rng()) << (rng() % 40);
        break;
      case 4:
        d.flags = MemFlags{}.With(MemFlags::kHeap).With(MemFlags::kTable);
        break;
      case 5:
        if (d.results.size != 0) dfg.pool().GetMut(d.results)[0] = any_value();
        break;
      case 6:
        dfg.MutableValueInfo(Value(static_cast<uint32_t>(rng() % values))).type =
            static_cast<Type>(1 + rng() % (kNumTypes - 1));
        break;
      case 7:
        if (f.layout.IsInstInserted(i) && !IsTerminator(d.opcode)) f.layout.RemoveInst(i);
        break;
      default:
        if (d.dest[0].args.size != 0) dfg.pool().GetMut(d.dest[0].args)[0] = any_value();
        break;
    }
    const std::string full = Errors(f, false);
    ASSERT_EQ(Errors(f, true), full) << PrintFunction(f);
    (full.empty() ? valid : invalid) += 1;
  }
  EXPECT_GT(invalid, 500);
  EXPECT_GT(valid, 100);
}

// Every `.type` suffix of every scalar kCtrl opcode (iconst with a zero and a non-zero
// immediate, the conversions from every operand type, the loads) in both modes: the fast path
// decides most suffixes by a table built from the rules and asks the rules about the rest, so
// the two must agree on each combination, valid and invalid alike.
TEST(Robustness, VerifierFastPathAgreesOnEverySuffix) {
  int valid = 0, invalid = 0;
  auto check = [&](const std::string& param, const std::string& inst) {
    const std::string text = "function %f(i64" + param + ") {\nblock0(v0: i64" +
                             (param.empty() ? "" : ", v1:" + param.substr(1)) +
                             "):\n    v2 = " + inst + "\n    return\n}\n";
    auto m = ParseModule(text, "suffix.eir");
    if (!m.ok()) return;  // a suffix the parser already refuses
    const std::string full = Errors(m->functions[0], false);
    ASSERT_EQ(Errors(m->functions[0], true), full) << text;
    (full.empty() ? valid : invalid) += 1;
  };
  for (int op = 0; op < kNumOpcodes; ++op) {
    const OpcodeInfo& info = kOpcodeInfos[op];
    if (info.typing != ResultTyping::kCtrl || info.Has(kVector)) continue;
    const std::string name(info.name);
    for (int to = 1; to < kNumTypes; ++to) {
      const std::string suffix = name + "." + std::string(TypeName(static_cast<Type>(to)));
      switch (info.format) {
        case InstFormat::kUnaryImm:
          check("", suffix + " 0");
          check("", suffix + " 1");
          break;
        case InstFormat::kUnary:
          for (int from = 1; from < kNumTypes; ++from)
            check(", " + std::string(TypeName(static_cast<Type>(from))), suffix + " v1");
          break;
        case InstFormat::kLoad:
          check("", suffix + " heap v0+8");
          break;
        default:
          break;
      }
    }
  }
  EXPECT_GT(valid, 50);
  EXPECT_GT(invalid, 500);
}

// The lean walk checks the common shapes of instruction (binary, with an immediate, compares,
// conversions, constants, loads, stores, select, calls, jump, brif) each in one piece of code
// that must make the general sequence's checks for its opcode. A function with one of each, and
// every field of every instruction changed in turn: each operand, result and branch argument to
// every value, the suffix and every value's type to every type, the results and the variable
// operands emptied or given another list, the callee reference to every index. Both modes
// must agree on each (an instruction whose lists do not fit its piece takes the general
// sequence, which these mutations reach too).
TEST(Robustness, VerifierFastPathAgreesOnEveryFieldOfEveryForm) {
  constexpr std::string_view kText = R"(function %f(i64, i32, i32) -> i32 {
    sig0 = (i32) -> i32
    sig1 = (i64, i32, i32) -> i32
    fn0 = %f sig1
block0(v0: i64, v1: i32, v2: i32):
    v3 = iadd v1, v2
    v4 = iadd_imm v3, 5
    v5 = icmp slt v3, v4
    v6 = icmp_imm eq v5, 0
    v7 = uextend.i64 v6
    v8 = iconst.i32 7
    v9 = load.i32 heap v0+8
    store heap v9, v7+16
    v10 = select v6, v8, v9
    v11 = call %f(v0, v10, v10)
    v12 = func_addr.i64 %f
    v13 = call_indirect sig0, v12(v11)
    brif v13, block1(v13), block2
block1(v14: i32):
    v15 = call %f(v0, v14, v2)
    jump block2
block2:
    return v4
}
)";
  auto m = ParseModule(kText, "forms.eir");
  ASSERT_TRUE(m.ok());
  const Function base = m->functions[0];
  ASSERT_EQ(Errors(base, false), "");
  ASSERT_TRUE(VerifierFastPathAcceptsForTesting(base));
  const uint32_t num_values = static_cast<uint32_t>(base.dfg.NumValues());
  const uint32_t num_insts = static_cast<uint32_t>(base.dfg.NumInsts());
  int valid = 0, invalid = 0;
  auto check = [&](const Function& f) {
    const std::string full = Errors(f, false);
    ASSERT_EQ(Errors(f, true), full) << PrintFunction(f);
    (full.empty() ? valid : invalid) += 1;
  };
  // Another instruction's lists, to hand to this one: the direct call's arguments (three) and
  // results (one).
  ValueList some_args, some_results;
  for (uint32_t k = 0; k < num_insts; ++k) {
    const InstData& d = base.dfg[Inst(k)];
    if (d.opcode == Opcode::kCall) some_args = d.vargs, some_results = d.results;
  }
  ASSERT_EQ(some_args.size, 3u);
  for (uint32_t k = 0; k < num_insts; ++k) {
    const Inst i(k);
    auto mutate = [&](auto&& change) {
      Function f = base;
      change(f.dfg, f.dfg[i]);
      check(f);
    };
    for (uint32_t v = 0; v < num_values; ++v) {
      for (int a = 0; a < 3; ++a)
        mutate([&](DataFlowGraph&, InstData& d) { d.args[a] = Value(v); });
      mutate([&](DataFlowGraph& dfg, InstData& d) {
        if (d.results.size != 0) dfg.pool().GetMut(d.results)[0] = Value(v);
      });
      mutate([&](DataFlowGraph& dfg, InstData& d) {
        if (d.vargs.size != 0) dfg.pool().GetMut(d.vargs)[0] = Value(v);
      });
      for (int dest = 0; dest < 2; ++dest)
        mutate([&](DataFlowGraph& dfg, InstData& d) {
          if (d.dest[dest].args.size != 0) dfg.pool().GetMut(d.dest[dest].args)[0] = Value(v);
        });
    }
    for (int t = 0; t < kNumTypes; ++t)
      mutate([&](DataFlowGraph&, InstData& d) { d.type = static_cast<Type>(t); });
    mutate([&](DataFlowGraph&, InstData& d) { d.results = ValueList{}; });
    mutate([&](DataFlowGraph&, InstData& d) { d.results = some_results; });
    mutate([&](DataFlowGraph&, InstData& d) { d.vargs = ValueList{}; });
    mutate([&](DataFlowGraph&, InstData& d) { d.vargs = some_args; });
    for (uint32_t ref = 0; ref < 3; ++ref)
      mutate([&](DataFlowGraph&, InstData& d) { d.ref = ref; });
    mutate([&](DataFlowGraph&, InstData& d) { d.imm = int64_t{1} << 40; });
  }
  for (uint32_t v = 0; v < num_values; ++v)
    for (int t = 0; t < kNumTypes; ++t) {
      Function f = base;
      f.dfg.MutableValueInfo(Value(v)).type = static_cast<Type>(t);
      check(f);
    }
  EXPECT_GT(valid, 30);
  EXPECT_GT(invalid, 500);
}

}  // namespace
}  // namespace egret::ir
