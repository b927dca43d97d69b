// property_test.cc: random programs through MachBuffer, checked by running the final bytes.
//
// A random program is a list of blocks, each with zero or more labels, a body of markers and
// constant loads, a terminator (fallthrough, jump, conditional branch, conditional branch plus
// jump, return) and sometimes unreachable padding after it. The generator favours the shapes
// branch simplification rewrites: empty blocks that only jump (threading), jumps to the next
// block (removal), a conditional branch to the next block followed by a jump (inversion), and
// several labels on one block; some labels are pinned (as jump-table targets are). A reference
// interpreter runs the abstract program; the simulator in code_sim.h runs the emitted bytes,
// following every branch through veneers; both must produce the same trace (markers and loaded
// constants) and end the same way, for several inputs, with and without range shrinking, on
// aarch64 and x64.
//
// Reproduce a failure with the seed it prints: EGRET_MACHBUFFER_SEED=<seed>. An internal error
// aborts before gtest prints the seed; EGRET_MACHBUFFER_VERBOSE=1 prints every seed first.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "machbuffer/machbuffer.h"
#include "tests/unit/machbuffer/code_sim.h"
#include "tests/unit/machbuffer/emitters.h"

namespace egret {
namespace {

using namespace egret::testing;  // NOLINT: the test vocabulary

enum class Term { kFall, kJump, kCond, kCondJump, kRet };
enum class CondForm { kBCond, kCbz, kTbz };
enum class ItemKind { kMarker, kLoad, kAdr, kLoad4, kLoad16 };

struct Cond {
  CondForm form;
  uint32_t arg;  // condition code, register, or bit
  bool nz;
};

struct Item {
  ItemKind kind;
  uint64_t value;
};

struct Block {
  std::vector<uint32_t> labels;
  std::vector<Item> body;
  Term term;
  Cond cond;
  uint32_t t1 = 0, t2 = 0;  // target labels
  uint32_t pad_after = 0;
  bool island_before = false;
  bool aligned = false;  // its last label is bound with BindLabelAligned (a loop top)
};

struct Program {
  std::vector<Block> blocks;
  std::vector<uint32_t> block_of_label;
  std::vector<uint8_t> pinned;  // by label: PinLabel right after binding (a jump-table target)
};

struct Mode {
  const char* name;
  bool x64;
  uint32_t shrink;
  uint32_t max_pad;
  bool relax = false;  // x64 branch relaxation at Finish
  uint32_t align = 0;  // BindLabelAligned's alignment for some blocks (0: none)
};

Program Generate(std::mt19937_64& rng, const Mode& mode) {
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  Program p;
  const uint32_t num_blocks = 1 + pick(40);
  static const uint64_t kPool[] = {0x1,
                                   0xfeedface,
                                   0x0123456789abcdefull,
                                   0x8000000000000000ull,
                                   0x4242424242424242ull,
                                   0x7ff8000000000000ull};
  uint32_t next_label = 0, next_marker = 1;
  p.blocks.resize(num_blocks);
  for (uint32_t b = 0; b < num_blocks; ++b) {
    Block& blk = p.blocks[b];
    const uint32_t r = pick(10);
    const uint32_t labels = r == 0 ? 0 : r < 7 ? 1 : r < 9 ? 2 : 3;
    for (uint32_t i = 0; i < labels; ++i) {
      blk.labels.push_back(next_label++);
      p.block_of_label.push_back(b);
    }
    const uint32_t items = pick(3) == 0 ? 0 : pick(4);
    for (uint32_t i = 0; i < items; ++i) {
      const uint32_t k = pick(20);
      if (k < 12) {
        blk.body.push_back({ItemKind::kMarker, next_marker++});
      } else {
        const ItemKind kind = k == 12                ? ItemKind::kLoad4
                              : k == 13              ? ItemKind::kLoad16
                              : k >= 17 && !mode.x64 ? ItemKind::kAdr
                                                     : ItemKind::kLoad;
        blk.body.push_back({kind, kPool[pick(6)]});
      }
    }
    const uint32_t t = pick(20);
    blk.term = t < 4    ? Term::kFall
               : t < 9  ? Term::kJump
               : t < 13 ? Term::kCond
               : t < 17 ? Term::kCondJump
                        : Term::kRet;
    if (b + 1 == num_blocks && (blk.term == Term::kFall || blk.term == Term::kCond)) {
      blk.term = Term::kRet;
    }
    const uint32_t f = pick(3);
    blk.cond.form = mode.x64 ? CondForm::kBCond : static_cast<CondForm>(f);
    blk.cond.nz = pick(2) == 1;
    blk.cond.arg = mode.x64                            ? pick(16)
                   : blk.cond.form == CondForm::kBCond ? pick(14)
                   : blk.cond.form == CondForm::kCbz   ? pick(16)
                                                       : pick(64);
    const bool unconditional_end =
        blk.term == Term::kJump || blk.term == Term::kCondJump || blk.term == Term::kRet;
    if (unconditional_end && mode.max_pad != 0 && pick(3) == 0) {
      blk.pad_after = (pick(mode.max_pad) + 1) & ~3u;
    }
    blk.island_before = pick(25) == 0;
    if (mode.align != 0) blk.aligned = pick(4) == 0;
  }
  if (next_label == 0) {  // at least one label so branches have somewhere to go
    p.blocks[0].labels.push_back(next_label++);
    p.block_of_label.push_back(0);
  }
  // Some labels are pinned: their offsets are committed, so simplification must leave them be.
  p.pinned.resize(next_label);
  for (uint8_t& pin : p.pinned) pin = pick(10) == 0;
  // Targets: often the next block (removal, inversion), otherwise anywhere.
  for (uint32_t b = 0; b < num_blocks; ++b) {
    Block& blk = p.blocks[b];
    auto target = [&]() -> uint32_t {
      if (pick(3) == 0 && b + 1 < num_blocks && !p.blocks[b + 1].labels.empty()) {
        const auto& next = p.blocks[b + 1].labels;
        return next[pick(static_cast<uint32_t>(next.size()))];
      }
      return pick(next_label);
    };
    blk.t1 = target();
    blk.t2 = target();
  }
  return p;
}

bool Taken(const Cond& c, bool x64, uint64_t input) {
  if (x64 || c.form == CondForm::kBCond) return (((input >> (c.arg >> 1)) & 1) ^ (c.arg & 1)) != 0;
  const bool bit = (input >> c.arg) & 1;
  return bit == c.nz;  // cbz/tbz: taken when the bit is 0; cbnz/tbnz when it is 1
}

// The reference: runs the abstract program.
SimResult Interpret(const Program& p, bool x64, uint64_t input, size_t max_trace) {
  SimResult r;
  uint32_t b = 0;
  uint64_t idle = 0;
  const uint64_t max_idle = p.blocks.size() + 1;  // a trace-free cycle repeats within this
  while (r.trace.size() < max_trace) {
    if (++idle > max_idle) return r;
    const Block& blk = p.blocks[b];
    for (const Item& item : blk.body) {
      r.trace.push_back(item.kind == ItemKind::kLoad4 ? item.value & 0xffffffffu : item.value);
      idle = 0;
      if (r.trace.size() == max_trace) return r;
    }
    switch (blk.term) {
      case Term::kFall:
        b = b + 1;
        break;
      case Term::kJump:
        b = p.block_of_label[blk.t1];
        break;
      case Term::kCond:
        b = Taken(blk.cond, x64, input) ? p.block_of_label[blk.t1] : b + 1;
        break;
      case Term::kCondJump:
        b = p.block_of_label[Taken(blk.cond, x64, input) ? blk.t1 : blk.t2];
        break;
      case Term::kRet:
        r.returned = true;
        return r;
    }
  }
  return r;
}

uint32_t A64CondInsn(const Cond& c) {
  switch (c.form) {
    case CondForm::kBCond:
      return A64BCond(c.arg);
    case CondForm::kCbz:
      return A64Cbz(c.arg, c.nz);
    case CondForm::kTbz:
      return A64Tbz(5, c.arg, c.nz);
  }
  return 0;
}

// Emits the program with the emitter's conventions; returns the code and the stats. With
// mode.align, checks that every label BindLabelAligned accepted lands on its alignment when the
// code has no island in it (an island right after the label moves it), if its block's body
// keeps it there (a block that is only a jump has its labels threaded to the jump's target).
template <class Emitter>
MachCode Emit(const Program& p, Emitter& e, const Mode& mode) {
  std::vector<MachLabel> labels;
  for (size_t i = 0; i < p.block_of_label.size(); ++i) labels.push_back(e.buf.NewLabel());
  std::vector<MachLabel> must_align;
  for (const Block& blk : p.blocks) {
    if (blk.island_before) e.buf.EmitIsland(16);
    for (uint32_t l : blk.labels) {
      if (blk.aligned && l == blk.labels.back()) {
        if (e.buf.BindLabelAligned(labels[l], mode.align) && !blk.body.empty())
          must_align.push_back(labels[l]);
      } else {
        e.buf.BindLabel(labels[l]);
      }
      if (p.pinned[l]) e.buf.PinLabel(labels[l]);
    }
    for (const Item& item : blk.body) {
      if (item.kind == ItemKind::kMarker) {
        e.Marker(static_cast<uint32_t>(item.value));
      } else if (item.kind == ItemKind::kLoad4 || item.kind == ItemKind::kLoad16) {
        e.LoadConstSized(item.value, item.kind == ItemKind::kLoad4 ? 4 : 16);
      } else if constexpr (std::is_same_v<Emitter, A64Emitter>) {
        if (item.kind == ItemKind::kAdr) {
          e.AdrConst(item.value);
        } else {
          e.LoadConst(item.value);
        }
      } else {
        e.LoadConst(item.value);
      }
    }
    auto cond = [&](MachLabel target) {
      if constexpr (std::is_same_v<Emitter, A64Emitter>) {
        e.Cond(A64CondInsn(blk.cond), target);
      } else {
        e.Jcc(static_cast<uint8_t>(blk.cond.arg), target);
      }
    };
    auto jump = [&](MachLabel target) {
      if constexpr (std::is_same_v<Emitter, A64Emitter>) {
        e.B(target);
      } else {
        e.Jmp(target);
      }
    };
    switch (blk.term) {
      case Term::kFall:
        break;
      case Term::kJump:
        jump(labels[blk.t1]);
        break;
      case Term::kCond:
        cond(labels[blk.t1]);
        break;
      case Term::kCondJump:
        cond(labels[blk.t1]);
        jump(labels[blk.t2]);
        break;
      case Term::kRet:
        e.Ret();
        break;
    }
    if (blk.pad_after != 0) {
      if constexpr (std::is_same_v<Emitter, A64Emitter>) {
        e.Pad(blk.pad_after, 256);
      } else {
        e.Check(blk.pad_after);
        e.buf.PutPadding(blk.pad_after);
      }
    }
  }
  MachCode code = e.buf.Finish();
  if (code.stats.code_islands == 0) {
    for (MachLabel l : must_align) EXPECT_EQ(e.buf.LabelOffset(l) % mode.align, 0u);
  }
  return code;
}

uint64_t BaseSeed() {
  const char* env = std::getenv("EGRET_MACHBUFFER_SEED");
  return env ? std::strtoull(env, nullptr, 0) : 0x6d616368ull;
}

void RunMode(const Mode& mode, int programs) {
  const uint64_t base = BaseSeed();
  MachBufferStats total;
  for (int i = 0; i < programs; ++i) {
    const uint64_t seed = base + static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ull;
    SCOPED_TRACE(std::string(mode.name) + ": EGRET_MACHBUFFER_SEED=" + std::to_string(seed) +
                 " (program 0 of that seed)");
    // An internal error aborts the process before gtest can print the trace above.
    if (std::getenv("EGRET_MACHBUFFER_VERBOSE"))
      fprintf(stderr, "%s seed %llu\n", mode.name, static_cast<unsigned long long>(seed));
    std::mt19937_64 rng(seed);
    const Program p = Generate(rng, mode);
    MachCode code;
    if (mode.x64) {
      X64Emitter e(mode.shrink, mode.relax);
      code = Emit(p, e, mode);
    } else {
      A64Emitter e(mode.shrink);
      code = Emit(p, e, mode);
    }
    total.islands += code.stats.islands;
    total.code_islands += code.stats.code_islands;
    total.veneers += code.stats.veneers;
    // Veneers are 5 bytes on x64 (jmp rel32), 4 (b) or 20 (far) on aarch64; code islands hold
    // at least their jump or a veneer.
    if (mode.x64) {
      EXPECT_EQ(code.stats.veneer_bytes, 5 * code.stats.veneers);
    } else {
      EXPECT_GE(code.stats.veneer_bytes, 4 * code.stats.veneers);
      EXPECT_LE(code.stats.veneer_bytes, 20 * code.stats.veneers);
    }
    EXPECT_GE(code.stats.island_bytes, 4 * code.stats.code_islands);
    EXPECT_LE(code.stats.code_islands, code.stats.islands);
    total.branches_removed += code.stats.branches_removed;
    total.branches_inverted += code.stats.branches_inverted;
    total.labels_threaded += code.stats.labels_threaded;
    total.dead_branches += code.stats.dead_branches;
    total.branches_relaxed += code.stats.branches_relaxed;
    total.aligned_labels += code.stats.aligned_labels;
    if (code.stats.code_islands != 0) {
      EXPECT_EQ(code.stats.branches_relaxed, 0u);
    }
    for (int k = 0; k < 6; ++k) {
      const uint64_t input = rng();
      const size_t max_trace = 64;
      const SimResult want = Interpret(p, mode.x64, input, max_trace);
      const uint64_t max_idle = (p.blocks.size() + 2) * 64 + 1000;
      const SimResult got = mode.x64 ? SimulateX64(code.bytes, 0, input, max_trace, max_idle)
                                     : SimulateA64(code.bytes, 0, input, max_trace, max_idle);
      ASSERT_EQ(got.error, "") << "input " << input;
      ASSERT_EQ(got.trace, want.trace) << "input " << input;
      ASSERT_EQ(got.returned, want.returned) << "input " << input;
    }
  }
  // The generator must actually exercise what it is for.
  EXPECT_GT(total.branches_removed, 0u) << mode.name;
  EXPECT_GT(total.branches_inverted, 0u) << mode.name;
  EXPECT_GT(total.labels_threaded, 0u) << mode.name;
  EXPECT_GT(total.dead_branches, 0u) << mode.name;
  if ((!mode.x64 || mode.shrink > 1) && mode.max_pad != 0) {
    EXPECT_GT(total.veneers, 0u) << mode.name;
    EXPECT_GT(total.islands, 0u) << mode.name;
    EXPECT_GT(total.code_islands, 0u) << mode.name;
  }
  if (mode.relax) {
    EXPECT_GT(total.branches_relaxed, 0u) << mode.name;
  } else {
    EXPECT_EQ(total.branches_relaxed, 0u) << mode.name;
  }
  if (mode.align != 0) {
    EXPECT_GT(total.aligned_labels, 0u) << mode.name;
  } else {
    EXPECT_EQ(total.aligned_labels, 0u) << mode.name;
  }
  // At real ranges x64 never needs a veneer (its islands here are the forced ones).
  if (mode.x64 && mode.shrink == 1) {
    EXPECT_EQ(total.veneers, 0u) << mode.name;
  }
}

TEST(MachBufferProperty, A64RealRangesNoPadding) { RunMode({"a64", false, 1, 0}, 400); }
TEST(MachBufferProperty, A64RealRangesPadding) { RunMode({"a64-pad", false, 1, 24 * 1024}, 150); }
TEST(MachBufferProperty, A64Shrink16) { RunMode({"a64-shrink16", false, 16, 6 * 1024}, 300); }
TEST(MachBufferProperty, A64Shrink65536) { RunMode({"a64-shrink65536", false, 65536, 2048}, 300); }
TEST(MachBufferProperty, X64) { RunMode({"x64", true, 1, 0}, 400); }
// Relaxation: every shortened jmp/jcc must still reach its target (the simulator follows rel8
// forms); padding puts some targets beyond rel8 reach.
TEST(MachBufferProperty, X64Relaxed) { RunMode({"x64-relax", true, 1, 0, true}, 400); }
TEST(MachBufferProperty, X64RelaxedPadding) { RunMode({"x64-relax-pad", true, 1, 300, true}, 300); }
// Loop-top alignment (BindLabelAligned): nops the code runs through; under relaxation they are
// emitted long and cut to the final alignment, so branches across them shrink too.
TEST(MachBufferProperty, X64Aligned) { RunMode({"x64-align", true, 1, 0, false, 32}, 300); }
TEST(MachBufferProperty, X64RelaxedAligned) {
  RunMode({"x64-relax-align", true, 1, 300, true, 16}, 300);
}
TEST(MachBufferProperty, X64ShrinkAligned) {
  RunMode({"x64-shrink-align", true, 1u << 22, 1536, false, 16}, 200);
}
TEST(MachBufferProperty, A64Aligned) { RunMode({"a64-align", false, 1, 0, false, 16}, 300); }
TEST(MachBufferProperty, A64Shrink16Aligned) {
  RunMode({"a64-shrink16-align", false, 16, 6 * 1024, false, 64}, 200);
}
TEST(MachBufferProperty, X64Padding) { RunMode({"x64-pad", true, 1, 4096}, 150); }
// jmp/jcc reach 512 bytes: far branches go through `jmp rel32` veneers (the driver's
// --debug-branch-range-shrink on x64).
TEST(MachBufferProperty, X64Shrink) { RunMode({"x64-shrink", true, 1u << 22, 1536}, 300); }

}  // namespace
}  // namespace egret
