// Table: get/set/grow/fill/copy/init with the spec's bounds checks.
#include "runtime/table.h"

#include <gtest/gtest.h>

namespace egret::runtime {
namespace {

// Element v (0: null): a VMFuncRef whose wasm_call is 0x1000 + v, so a table's code mirror can
// be checked against it.
void* P(uintptr_t v) {
  static VMFuncRef refs[64];
  EGRET_CHECK(v < 64);
  if (v == 0) return nullptr;
  refs[v].wasm_call = reinterpret_cast<const void*>(0x1000 + v);
  return &refs[v];
}

// A fixed-size funcref table's code mirror matches its elements (runtime/table.h).
void ExpectMirror(Table& t) {
  const uint64_t n = t.size();
  void** base = t.definition()->base;
  for (uint64_t i = 0; i < n; ++i) {
    const auto* f = static_cast<const VMFuncRef*>(base[i]);
    EXPECT_EQ(base[n + i], f != nullptr ? f->wasm_call : nullptr) << i;
  }
}

std::unique_ptr<Table> Make(uint64_t min, std::optional<uint64_t> max, void* init = nullptr) {
  auto t = Table::Create({artifact::ValType::kFuncRef, {min, max}}, init);
  EGRET_CHECK(t.ok());
  return std::move(*t);
}

TEST(Table, GetSetAndBounds) {
  auto t = Make(3, 10, P(8));
  EXPECT_EQ(t->size(), 3u);
  void* out = nullptr;
  EXPECT_EQ(t->Get(2, &out), std::nullopt);
  EXPECT_EQ(out, P(8));
  EXPECT_EQ(t->Set(1, P(16)), std::nullopt);
  EXPECT_EQ(t->Get(1, &out), std::nullopt);
  EXPECT_EQ(out, P(16));
  EXPECT_EQ(t->Get(3, &out), TrapCode::kTableOutOfBounds);
  EXPECT_EQ(t->Set(3, nullptr), TrapCode::kTableOutOfBounds);
  EXPECT_EQ(t->Get(UINT64_MAX, &out), TrapCode::kTableOutOfBounds);
  EXPECT_EQ(t->definition()->current_elements, 3u);
  EXPECT_EQ(t->definition()->base[1], P(16));
}

TEST(Table, Grow) {
  auto t = Make(1, 4);
  EXPECT_EQ(t->Grow(2, P(24)), 1);
  EXPECT_EQ(t->size(), 3u);
  void* out;
  EXPECT_EQ(t->Get(2, &out), std::nullopt);
  EXPECT_EQ(out, P(24));
  EXPECT_EQ(t->Grow(2, nullptr), -1);
  EXPECT_EQ(t->Grow(UINT64_MAX, nullptr), -1);
  EXPECT_EQ(t->Grow(0, nullptr), 3);
  EXPECT_EQ(t->definition()->current_elements, 3u);
  VMTableDefinition in_vmctx;
  t->RelocateDefinition(&in_vmctx);
  EXPECT_EQ(t->Grow(1, nullptr), 3);
  EXPECT_EQ(in_vmctx.current_elements, 4u);
  EXPECT_EQ(in_vmctx.base[2], P(24));
  EXPECT_FALSE(Table::Create({artifact::ValType::kFuncRef, {5, 4}}).ok() &&
               false);  // min > max is rejected by the artifact reader, not here
  EXPECT_FALSE(Table::Create({artifact::ValType::kFuncRef, {20, {}}}, nullptr, 10).ok());
  EXPECT_FALSE(Table::Create({artifact::ValType::kI32, {1, {}}}).ok());
}

TEST(Table, FillCopyInit) {
  auto t = Make(6, 6);
  EXPECT_EQ(t->Fill(1, P(8), 3), std::nullopt);
  void* out;
  t->Get(0, &out);
  EXPECT_EQ(out, nullptr);
  t->Get(3, &out);
  EXPECT_EQ(out, P(8));
  EXPECT_EQ(t->Fill(4, P(8), 3), TrapCode::kTableOutOfBounds);
  t->Get(5, &out);
  EXPECT_EQ(out, nullptr);  // nothing written on a trap
  EXPECT_EQ(t->Fill(6, P(8), 0), std::nullopt);

  void* seg[] = {P(1), P(2), P(3)};
  EXPECT_EQ(t->Init(0, seg, 0, 3), std::nullopt);
  EXPECT_EQ(Table::Copy(*t, 1, *t, 0, 3), std::nullopt);  // overlapping, same table
  const uintptr_t want[] = {1, 1, 2, 3, 0, 0};
  for (uint64_t i = 0; i < 6; ++i) {
    t->Get(i, &out);
    EXPECT_EQ(out, P(want[i])) << i;
  }
  EXPECT_EQ(t->Init(4, seg, 1, 3), TrapCode::kTableOutOfBounds);
  EXPECT_EQ(t->Init(0, seg, 2, 2), TrapCode::kTableOutOfBounds);
  EXPECT_EQ(t->Init(0, {}, 0, 0), std::nullopt);
  auto other = Make(2, std::nullopt);
  EXPECT_EQ(Table::Copy(*other, 0, *t, 2, 2), std::nullopt);
  other->Get(1, &out);
  EXPECT_EQ(out, P(3));
  EXPECT_EQ(Table::Copy(*other, 1, *t, 0, 2), TrapCode::kTableOutOfBounds);
  EXPECT_EQ(Table::Copy(*other, 0, *t, 5, 2), TrapCode::kTableOutOfBounds);
}

TEST(Table, CodeMirrorFollowsEveryWrite) {
  // Fixed size (max == min): a mirror of N code pointers after the N elements.
  EXPECT_TRUE(Table::HasCodeMirror({artifact::ValType::kFuncRef, {4, 4}}));
  EXPECT_FALSE(Table::HasCodeMirror({artifact::ValType::kFuncRef, {4, 5}}));
  EXPECT_FALSE(Table::HasCodeMirror({artifact::ValType::kFuncRef, {4, {}}}));
  EXPECT_FALSE(Table::HasCodeMirror({artifact::ValType::kExternRef, {4, 4}}));
  auto t = Make(4, 4, P(1));
  EXPECT_EQ(t->size(), 4u);
  EXPECT_EQ(t->definition()->current_elements, 4u);
  EXPECT_EQ(t->definition()->base[4], P(1) ? static_cast<VMFuncRef*>(P(1))->wasm_call : nullptr);
  ExpectMirror(*t);
  EXPECT_EQ(t->Set(2, P(5)), std::nullopt);
  ExpectMirror(*t);
  EXPECT_EQ(t->Set(3, nullptr), std::nullopt);
  EXPECT_EQ(t->definition()->base[4 + 3], nullptr);
  ExpectMirror(*t);
  EXPECT_EQ(t->Fill(0, P(6), 2), std::nullopt);
  ExpectMirror(*t);
  void* seg[] = {P(7), nullptr, P(9)};
  EXPECT_EQ(t->Init(1, seg, 0, 3), std::nullopt);
  ExpectMirror(*t);
  EXPECT_EQ(Table::Copy(*t, 0, *t, 1, 3), std::nullopt);  // overlapping, same table
  ExpectMirror(*t);
  auto growable = Make(2, 8, P(11));
  EXPECT_EQ(Table::Copy(*t, 2, *growable, 0, 2), std::nullopt);  // into the mirrored table
  ExpectMirror(*t);
  EXPECT_EQ(t->definition()->base[4 + 3], static_cast<VMFuncRef*>(P(11))->wasm_call);
  // It cannot grow, and a failed or empty grow leaves elements and mirror alone.
  EXPECT_EQ(t->Grow(1, P(12)), -1);
  EXPECT_EQ(t->Grow(0, P(12)), 4);
  EXPECT_EQ(t->size(), 4u);
  ExpectMirror(*t);
  // Traps write nothing, mirror included.
  EXPECT_EQ(t->Fill(3, P(13), 2), TrapCode::kTableOutOfBounds);
  ExpectMirror(*t);
  VMTableDefinition in_vmctx;
  t->RelocateDefinition(&in_vmctx);
  EXPECT_EQ(in_vmctx.current_elements, 4u);
  t->Clear();
  ExpectMirror(*t);
  EXPECT_EQ(in_vmctx.base[4], nullptr);
}

}  // namespace
}  // namespace egret::runtime
