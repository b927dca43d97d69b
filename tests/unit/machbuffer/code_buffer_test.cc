// code_buffer_test.cc: CodeBuffer (machbuffer/code_buffer.h), the MachBuffer's byte array:
// appends of every size (copied, or written in place: Reserve/Commit) across growth against a
// std::vector model, resize's zero bytes after a shrink, Release at both sides of the copy
// limit, the per-thread storage handed from one buffer to the next, and a reserved capacity
// that keeps the code in place.
#include "machbuffer/code_buffer.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace egret {
namespace {

std::vector<uint8_t> Contents(const CodeBuffer& b) {
  return std::vector<uint8_t>(b.view().begin(), b.view().end());
}

TEST(CodeBuffer, RandomOperationsMatchAVector) {
  std::mt19937 rng(30);
  CodeBuffer b;
  std::vector<uint8_t> model;
  std::vector<uint8_t> src(100);
  for (int step = 0; step < 20000; ++step) {
    for (uint8_t& x : src) x = static_cast<uint8_t>(rng());
    switch (rng() % 7) {
      case 0:
      case 1: {  // short appends (instructions) are the common case
        const size_t n = rng() % 17;
        b.append(src.data(), n);
        model.insert(model.end(), src.begin(), src.begin() + n);
        break;
      }
      case 2: {
        const size_t n = rng() % src.size();
        b.append(src.data(), n);
        model.insert(model.end(), src.begin(), src.begin() + n);
        break;
      }
      case 3:
        b.push_back(src[0]);
        model.push_back(src[0]);
        break;
      case 4: {  // shrink (branch removal) or grow with zeros (padding, veneer space)
        const size_t n =
            model.empty() || rng() % 2 ? model.size() + rng() % 40 : rng() % model.size();
        b.resize(n);
        model.resize(n);
        break;
      }
      case 5:
        if (!model.empty()) {
          const size_t i = rng() % model.size();
          b[i] = src[1];
          model[i] = src[1];
        }
        break;
      case 6: {  // in place (an encoder): room for n, then k <= n of them kept
        const size_t n = 1 + rng() % 32, k = rng() % (n + 1);
        uint8_t* p = b.Reserve(n);
        for (size_t j = 0; j < n; ++j) p[j] = src[j];
        ASSERT_EQ(b.size(), model.size());  // reserving appends nothing
        b.Commit(k);
        model.insert(model.end(), src.begin(), src.begin() + k);
        break;
      }
    }
    ASSERT_EQ(b.size(), model.size());
    ASSERT_LE(b.size(), b.capacity());
  }
  EXPECT_EQ(Contents(b), model);
}

// ReserveCapacity (a text section's estimated size): appends up to it never move the code,
// appends beyond it still grow, and the contents are the appended bytes either way.
TEST(CodeBuffer, ReservedCapacityKeepsTheCodeInPlace) {
  CodeBuffer b;
  b.ReserveCapacity(size_t{1} << 20);
  std::vector<uint8_t> model;
  const uint8_t* const at = b.Reserve(1);
  uint8_t chunk[1000];
  for (int k = 0; k < 1000; ++k) {
    for (int i = 0; i < 1000; ++i) chunk[i] = static_cast<uint8_t>(k * 7 + i);
    b.append(chunk, sizeof chunk);
    model.insert(model.end(), chunk, chunk + sizeof chunk);
    ASSERT_EQ(b.data(), at) << k;
  }
  for (int k = 0; k < 100; ++k) {  // past the reservation
    b.append(chunk, sizeof chunk);
    model.insert(model.end(), chunk, chunk + sizeof chunk);
  }
  EXPECT_EQ(Contents(b), model);
}

TEST(CodeBuffer, GrowingAfterAShrinkGivesZeros) {
  CodeBuffer b;
  const uint8_t ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  b.append(ones, 8);
  b.resize(2);
  b.resize(6);
  EXPECT_EQ(Contents(b), (std::vector<uint8_t>{1, 1, 0, 0, 0, 0}));
}

TEST(CodeBuffer, ReleaseCopiesSmallCodeAndHandsOverLargeCode) {
  CodeBuffer b;
  const uint8_t bytes[3] = {7, 8, 9};
  b.append(bytes, 3);
  const size_t capacity = b.capacity();
  EXPECT_EQ(b.Release(), (std::vector<uint8_t>{7, 8, 9}));
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.capacity(), capacity);  // kept for the next function

  std::vector<uint8_t> big(CodeBuffer::kCopyLimit + 5);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31);
  b.append(big.data(), big.size());
  const uint8_t* storage = b.data();
  const std::vector<uint8_t> out = b.Release();
  EXPECT_EQ(out, big);
  EXPECT_EQ(out.data(), storage);  // no copy of a whole text section
  EXPECT_EQ(b.size(), 0u);
}

TEST(CodeBuffer, StorageIsReusedByTheNextBufferOnTheThread) {
  // (No new thread: threads hang under the qemu the aarch64 tests run in; whatever spare an
  // earlier test left is taken by `a` and handed on the same way.)
  const uint8_t* first_storage = nullptr;
  std::vector<uint8_t> bytes(5000, 0xab);
  {
    CodeBuffer a;
    a.append(bytes.data(), bytes.size());
    first_storage = a.data();
  }
  CodeBuffer b;
  EXPECT_EQ(b.size(), 0u);             // empty, whatever the storage held
  EXPECT_GE(b.capacity(), 5000u);      // the first buffer's storage
  EXPECT_EQ(b.data(), first_storage);  // not a new allocation
  const uint8_t x = 1;
  b.append(&x, 1);
  EXPECT_EQ(Contents(b), (std::vector<uint8_t>{1}));
  CodeBuffer c;  // while b holds the storage, c starts without any
  EXPECT_EQ(c.capacity(), 0u);
}

TEST(CodeBuffer, MovedFromBufferIsEmpty) {
  CodeBuffer a;
  const uint8_t bytes[2] = {1, 2};
  a.append(bytes, 2);
  CodeBuffer b(std::move(a));
  EXPECT_EQ(Contents(b), (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): documented state
}

}  // namespace
}  // namespace egret
