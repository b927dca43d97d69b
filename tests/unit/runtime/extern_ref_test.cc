// ExternRef handles, the activations table, and the counts externref tables, globals and Vals
// own (no compiled code: tests/unit/runtime/externref_wasm_test.cc runs Wasm).
#include "runtime/extern_ref.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/engine.h"
#include "runtime/store.h"
#include "runtime/table.h"

namespace egret::runtime {
namespace {

// A host object that records its destruction, so tests can say "exactly once, and not before".
struct Obj {
  int id;
  std::vector<int>* dead;
};
ExternRef MakeObj(int id, std::vector<int>* dead) {
  return ExternRef::NewRaw(new Obj{id, dead}, ExternRef::TypeTag<Obj>(), [](void* p) {
    auto* o = static_cast<Obj*>(p);
    o->dead->push_back(o->id);
    delete o;
  });
}

TEST(ExternRef, HandleCountsAndDestroysOnce) {
  std::vector<int> dead;
  {
    ExternRef a = MakeObj(1, &dead);
    EXPECT_EQ(a.ref_count(), 1u);
    ExternRef b = a;  // clone
    EXPECT_EQ(a.ref_count(), 2u);
    EXPECT_TRUE(a == b);
    ExternRef c = std::move(b);
    EXPECT_TRUE(b.is_null());
    EXPECT_EQ(a.ref_count(), 2u);
    c = ExternRef();  // drop
    EXPECT_EQ(a.ref_count(), 1u);
    EXPECT_TRUE(dead.empty());
    ASSERT_NE(a.get<Obj>(), nullptr);
    EXPECT_EQ(a.get<Obj>()->id, 1);
    EXPECT_EQ(a.get<int>(), nullptr);      // another type tag
    EXPECT_FALSE(a == MakeObj(1, &dead));  // identity, not value
    EXPECT_EQ(dead, std::vector<int>{1});  // the temporary went
    dead.clear();
  }
  EXPECT_EQ(dead, std::vector<int>{1});
}

TEST(ExternRef, NullAndTypedValues) {
  ExternRef null;
  EXPECT_TRUE(null.is_null());
  EXPECT_EQ(null.ref_count(), 0u);
  EXPECT_EQ(null.data(), nullptr);
  EXPECT_TRUE(null == ExternRef(nullptr));
  ExternRef s = ExternRef::New(std::string("host"));
  ASSERT_NE(s.get<std::string>(), nullptr);
  EXPECT_EQ(*s.get<std::string>(), "host");
  ExternRef from_raw = ExternRef::FromRaw(s.raw());  // clone of a borrowed record
  EXPECT_EQ(s.ref_count(), 2u);
  VMExternData* raw = std::move(from_raw).Release();
  EXPECT_EQ(s.ref_count(), 2u);
  ExternRef back = ExternRef::Adopt(raw);
  EXPECT_TRUE(back == s);
}

TEST(ExternRef, ValOwnsOneCount) {
  std::vector<int> dead;
  ExternRef a = MakeObj(7, &dead);
  {
    Val v = Val::ExternRef(a);
    EXPECT_EQ(a.ref_count(), 2u);
    Val w = v;
    EXPECT_EQ(a.ref_count(), 3u);
    EXPECT_TRUE(v == w);
    std::vector<Val> many(10, v);
    EXPECT_EQ(a.ref_count(), 13u);
    many.clear();
    w = Val::I32(3);  // overwriting releases
    EXPECT_EQ(a.ref_count(), 2u);
    EXPECT_TRUE(v.externref() == a);
    Val r = Val::FromRaw(artifact::ValType::kExternRef, v.raw);  // borrowed raw -> counted
    EXPECT_EQ(a.ref_count(), 3u);
  }
  EXPECT_EQ(a.ref_count(), 1u);
  a = ExternRef();
  EXPECT_EQ(dead, std::vector<int>{7});
}

TEST(ExternRefActivations, CollectModes) {
  std::vector<int> dead;
  ExternRefActivations table(4);
  ExternRef a = MakeObj(1, &dead), b = MakeObj(2, &dead), c = MakeObj(3, &dead);
  EXPECT_TRUE(table.TryInsert(a.raw()));
  EXPECT_TRUE(table.TryInsert(b.raw()));
  EXPECT_TRUE(table.TryInsert(a.raw()));  // duplicates are fine
  EXPECT_TRUE(table.TryInsert(nullptr));  // null is not recorded
  EXPECT_TRUE(table.TryInsert(c.raw()));
  EXPECT_EQ(table.free_slots(), 0u);
  EXPECT_FALSE(table.TryInsert(c.raw()));
  EXPECT_EQ(c.ref_count(), 2u);
  table.Insert(c.raw());  // overflow
  EXPECT_EQ(c.ref_count(), 3u);
  EXPECT_EQ(table.size(), 5u);
  EXPECT_EQ(a.ref_count(), 3u);

  // Conservative: nothing is released, the chunk is emptied into the overflow list.
  auto s = table.Collect(ExternRefActivations::Mode::kConservative);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(table.free_slots(), 4u);
  EXPECT_EQ(a.ref_count(), 3u);

  // Precise: only what the scan reports is kept, once.
  struct Roots {
    std::vector<void*> slots;
  } roots{{b.raw(), b.raw(), nullptr}};
  auto scan = [](void* ctx, ExternRefVisitor visit, void* visit_ctx) {
    for (void*& slot : static_cast<Roots*>(ctx)->slots) visit(visit_ctx, &slot);
  };
  table.TryInsert(a.raw());
  s = table.Collect(ExternRefActivations::Mode::kPrecise, scan, &roots);
  EXPECT_EQ(s.roots, 1u);
  EXPECT_EQ(s.dropped, 6u);
  EXPECT_EQ(a.ref_count(), 1u);
  EXPECT_EQ(b.ref_count(), 2u);  // the handle and the kept root
  EXPECT_EQ(c.ref_count(), 1u);
  EXPECT_EQ(table.size(), 1u);

  // The last owner goes while the table keeps it: the object lives until the next collection.
  b = ExternRef();
  EXPECT_TRUE(dead.empty());
  table.Collect(ExternRefActivations::Mode::kNoWasmFrames);
  EXPECT_EQ(dead, std::vector<int>{2});
  EXPECT_EQ(table.size(), 0u);
}

TEST(ExternRefActivations, DestructorReleasesEverything) {
  std::vector<int> dead;
  {
    ExternRefActivations table(2);
    ExternRef a = MakeObj(1, &dead);
    for (int i = 0; i < 5; ++i) table.Insert(a.raw());
    EXPECT_EQ(a.ref_count(), 6u);
  }
  EXPECT_EQ(dead, std::vector<int>{1});
}

TEST(ExternRefTable, EveryWriteCountsNewAndReleasesOld) {
  std::vector<int> dead;
  ExternRef a = MakeObj(1, &dead), b = MakeObj(2, &dead);
  {
    auto created = Table::Create({artifact::ValType::kExternRef, {3, 100}}, a.raw());
    ASSERT_TRUE(created.ok());
    Table& t = **created;
    EXPECT_EQ(a.ref_count(), 4u);
    EXPECT_EQ(t.Set(0, b.raw()), std::nullopt);
    EXPECT_EQ(a.ref_count(), 3u);
    EXPECT_EQ(b.ref_count(), 2u);
    EXPECT_EQ(t.Set(0, b.raw()), std::nullopt);  // the same value: no change
    EXPECT_EQ(b.ref_count(), 2u);
    EXPECT_EQ(t.Set(5, b.raw()), TrapCode::kTableOutOfBounds);
    EXPECT_EQ(b.ref_count(), 2u);  // a trapping write changes nothing
    EXPECT_EQ(t.Grow(4, b.raw()), 3);
    EXPECT_EQ(b.ref_count(), 6u);
    EXPECT_EQ(t.Fill(1, nullptr, 4), std::nullopt);  // a a b b -> null
    EXPECT_EQ(a.ref_count(), 1u);
    EXPECT_EQ(b.ref_count(), 4u);
    EXPECT_EQ(t.Fill(6, a.raw(), 2), TrapCode::kTableOutOfBounds);
    EXPECT_EQ(a.ref_count(), 1u);
    // [b, -, -, -, -, b, b]: overlapping copy to the right.
    EXPECT_EQ(Table::Copy(t, 1, t, 0, 6), std::nullopt);  // [b, b, -, -, -, -, b]
    EXPECT_EQ(b.ref_count(), 4u);
    EXPECT_EQ(Table::Copy(t, 2, t, 0, 2), std::nullopt);  // [b, b, b, b, -, -, b]
    EXPECT_EQ(b.ref_count(), 6u);
    std::vector<void*> segment{a.raw(), nullptr, a.raw()};
    EXPECT_EQ(t.Init(0, segment, 0, 3), std::nullopt);  // [a, -, a, b, -, -, b]
    EXPECT_EQ(a.ref_count(), 3u);
    EXPECT_EQ(b.ref_count(), 3u);
    EXPECT_EQ(t.Init(6, segment, 0, 3), TrapCode::kTableOutOfBounds);
    a = ExternRef();
    b = ExternRef();
    EXPECT_TRUE(dead.empty());  // the table still holds both
  }
  std::sort(dead.begin(), dead.end());
  EXPECT_EQ(dead, (std::vector<int>{1, 2}));
}

TEST(ExternRefStore, HostGlobalsAndTablesOwnTheirValues) {
  std::vector<int> dead;
  Engine engine;
  {
    Store store(engine);
    ExternRef a = MakeObj(1, &dead), b = MakeObj(2, &dead);
    Global g = store.NewGlobal({artifact::ValType::kExternRef, true}, Val::ExternRef(a));
    EXPECT_EQ(a.ref_count(), 2u);
    g.Set(Val::ExternRef(b));
    EXPECT_EQ(a.ref_count(), 1u);
    EXPECT_EQ(b.ref_count(), 2u);
    EXPECT_TRUE(g.Get().externref() == b);
    auto t = store.NewTable({artifact::ValType::kExternRef, {2, {}}}, a.raw());
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(a.ref_count(), 3u);
    void* raw = store.ExternRefToRaw(a);  // what a host function returns to Wasm
    EXPECT_EQ(raw, a.raw());
    EXPECT_EQ(a.ref_count(), 4u);
    EXPECT_EQ(store.activations().size(), 1u);
    store.GC();  // no Wasm frame on the stack: the activation goes
    EXPECT_EQ(a.ref_count(), 3u);
    a = ExternRef();
    b = ExternRef();
    EXPECT_TRUE(dead.empty());
  }
  std::sort(dead.begin(), dead.end());
  EXPECT_EQ(dead, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace egret::runtime
