// SignatureRegistry: equal types share an id, different ones do not, ids are dense and stable.
#include "runtime/signature_registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace egret::runtime {
namespace {

using artifact::FuncType;
using artifact::ValType;

TEST(SignatureRegistry, InternsStructurally) {
  SignatureRegistry r;
  const FuncType a{{ValType::kI32, ValType::kI32}, {ValType::kI32}};
  const FuncType b{{ValType::kI32},
                   {ValType::kI32, ValType::kI32}};  // same multiset, different split
  const FuncType c{{}, {}};
  const uint32_t ia = r.Intern(a), ib = r.Intern(b), ic = r.Intern(c);
  EXPECT_NE(ia, ib);
  EXPECT_NE(ia, ic);
  EXPECT_EQ(r.Intern(FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}}), ia);
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(*r.Lookup(ib), b);
  EXPECT_EQ(r.Lookup(3), nullptr);
  auto ids = r.InternAll(std::vector<FuncType>{c, a, c});
  EXPECT_EQ(ids, (std::vector<uint32_t>{ic, ia, ic}));
}

TEST(SignatureRegistry, ConcurrentInterning) {
  SignatureRegistry r;
  std::vector<std::thread> threads;
  std::vector<std::vector<uint32_t>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 50; ++n)
        ids[t].push_back(r.Intern(FuncType{std::vector<ValType>(n, ValType::kI64), {}}));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(r.size(), 50u);
  for (int t = 1; t < 4; ++t) EXPECT_EQ(ids[t], ids[0]);
}

}  // namespace
}  // namespace egret::runtime
