// machbuffer_bench.cc: MachBuffer emission cost per fixup at 10k, 100k and 1M fixups.
//
// The point is scaling: total work must stay linear in the number of fixups (Cranelift once
// spent 9.8 s on one aarch64 module against 0.78 s on x64 because of quadratic fixup handling),
// so the time per fixup should stay flat across the three sizes. The synthetic function mixes
// the shapes a backend produces: short forward conditional branches (tbz, b.cond), jumps,
// constant loads, and a few far forward branches that need veneers in islands, at real ranges.
//
//   ninja -C build-rel bench_machbuffer && build-rel/bin/bench_machbuffer
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "machbuffer/machbuffer.h"

namespace egret {
namespace {

enum class OpKind : uint8_t { kTbz, kBCond, kJump, kLoad };

struct Op {
  OpKind kind;
  uint32_t target;  // block index for branches, constant index for loads
};

// Two fixups per block; block b's label is bound at the block's start.
std::vector<Op> MakeProgram(uint32_t fixups) {
  std::mt19937_64 rng(42);
  const uint32_t blocks = fixups / 2;
  std::vector<Op> ops;
  ops.reserve(fixups);
  for (uint32_t b = 0; b < blocks; ++b) {
    for (int i = 0; i < 2; ++i) {
      const uint32_t r = static_cast<uint32_t>(rng() % 100);
      Op op;
      if (r < 30) {
        op.kind = OpKind::kLoad;
        op.target = static_cast<uint32_t>(rng() % 256);
      } else {
        op.kind = r < 50 ? OpKind::kTbz : r < 85 ? OpKind::kBCond : OpKind::kJump;
        // Mostly near; 1 in 50 far (beyond tbz's 32 KiB and often beyond b.cond's 1 MiB).
        const uint32_t ahead = rng() % 50 == 0 ? 1 + static_cast<uint32_t>(rng() % 200000)
                                               : 1 + static_cast<uint32_t>(rng() % 64);
        op.target = std::min(blocks - 1, b + ahead);
        if (op.target == b) op.kind = OpKind::kLoad;
      }
      ops.push_back(op);
    }
  }
  return ops;
}

void EmitA64(const std::vector<Op>& ops, benchmark::State& state) {
  A64MachBuffer buf;
  const uint32_t blocks = static_cast<uint32_t>(ops.size() / 2);
  std::vector<MachLabel> labels;
  labels.reserve(blocks);
  for (uint32_t b = 0; b < blocks; ++b) labels.push_back(buf.NewLabel());
  auto check = [&] {
    if (buf.IslandNeeded(4)) buf.EmitIsland(4);
  };
  for (uint32_t b = 0; b < blocks; ++b) {
    buf.BindLabel(labels[b]);
    check();
    buf.Put4(0xd2800002u | ((b & 0xffff) << 5));  // movz x2: keeps blocks non-empty
    for (int i = 0; i < 2; ++i) {
      const Op& op = ops[2 * b + i];
      check();
      uint8_t insn[4], inv[4];
      switch (op.kind) {
        case OpKind::kTbz:
          Write32(insn, 0x36000005u | (3u << 19));
          Write32(inv, 0x37000005u | (3u << 19));
          buf.EmitCondBranch(insn, inv, 0, labels[op.target], A64LabelUse::kBranch14);
          break;
        case OpKind::kBCond:
          Write32(insn, 0x54000000u);
          Write32(inv, 0x54000001u);
          buf.EmitCondBranch(insn, inv, 0, labels[op.target], A64LabelUse::kBranch19);
          break;
        case OpKind::kJump:
          Write32(insn, 0x14000000u);
          buf.EmitUncondBranch(insn, 0, labels[op.target], A64LabelUse::kBranch26);
          break;
        case OpKind::kLoad: {
          const uint64_t value = 0x9e3779b97f4a7c15ull * (op.target + 1);
          uint8_t bytes[8];
          Write32(bytes, static_cast<uint32_t>(value));
          Write32(bytes + 4, static_cast<uint32_t>(value >> 32));
          const MachLabel l = buf.ConstantLabel(bytes, 8);
          buf.Put4(0x58000003u);
          buf.UseLabelAtOffset(buf.CurOffset() - 4, l, A64LabelUse::kLdr19);
          break;
        }
      }
    }
  }
  check();
  buf.Put4(0xd65f03c0u);
  MachCode code = buf.Finish();
  state.counters["islands"] = code.stats.islands;
  state.counters["veneers"] = code.stats.veneers;
  state.counters["code_bytes"] = static_cast<double>(code.bytes.size());
  benchmark::DoNotOptimize(code.bytes.data());
}

void BM_A64Fixups(benchmark::State& state) {
  const std::vector<Op> ops = MakeProgram(static_cast<uint32_t>(state.range(0)));
  for (auto _ : state) EmitA64(ops, state);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_A64Fixups)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_X64Fixups(benchmark::State& state) {
  const std::vector<Op> ops = MakeProgram(static_cast<uint32_t>(state.range(0)));
  for (auto _ : state) {
    X64MachBuffer buf;
    const uint32_t blocks = static_cast<uint32_t>(ops.size() / 2);
    std::vector<MachLabel> labels;
    labels.reserve(blocks);
    for (uint32_t b = 0; b < blocks; ++b) labels.push_back(buf.NewLabel());
    const uint8_t jcc[6] = {0x0f, 0x84, 0, 0, 0, 0}, jncc[6] = {0x0f, 0x85, 0, 0, 0, 0};
    const uint8_t jmp[5] = {0xe9, 0, 0, 0, 0}, load[7] = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
    for (uint32_t b = 0; b < blocks; ++b) {
      buf.BindLabel(labels[b]);
      buf.Put1(0x90);
      for (int i = 0; i < 2; ++i) {
        const Op& op = ops[2 * b + i];
        if (buf.IslandNeeded(16)) buf.EmitIsland(16);
        if (op.kind == OpKind::kLoad) {
          uint8_t bytes[8] = {static_cast<uint8_t>(op.target), 1, 2, 3, 4, 5, 6, 7};
          const MachLabel l = buf.ConstantLabel(bytes, 8);
          buf.PutBytes(load);
          buf.UseLabelAtOffset(buf.CurOffset() - 4, l, X64LabelUse::kRipRel32);
        } else if (op.kind == OpKind::kJump) {
          buf.EmitUncondBranch(jmp, 1, labels[op.target], X64LabelUse::kJmpRel32);
        } else {
          buf.EmitCondBranch(jcc, jncc, 2, labels[op.target], X64LabelUse::kJmpRel32);
        }
      }
    }
    buf.Put1(0xc3);
    MachCode code = buf.Finish();
    benchmark::DoNotOptimize(code.bytes.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_X64Fixups)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace egret
