// bench/atomics/atomics_native.cc: the native C++ counterparts of atomics.wat's loops (C++20
// std::atomic; -O2). Prints ns per iteration of each, best of `reps` runs.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

static std::atomic<int> cell{0}, wcell{0};

template <class F>
double BestNs(int reps, long n, F f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f(n);
    double ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    if (ns / n < best) best = ns / n;
  }
  return best;
}

// With a second argument (`rmw` or `waitnotify`) only that loop runs, once: for callgrind.
int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 10000000;
  if (argc > 2) {
    const bool rmw = argv[2][0] == 'r';
    for (long i = 0; i < n; ++i) {
      if (rmw) {
        cell.fetch_add(1, std::memory_order_seq_cst);
      } else {
        wcell.wait(1);
        wcell.notify_one();
      }
    }
    return 0;
  }
  std::printf("native rmw        %.2f ns\n", BestNs(5, n, [](long k) {
                for (long i = 0; i < k; ++i) cell.fetch_add(1, std::memory_order_seq_cst);
              }));
  std::printf("native waitnotify %.2f ns\n", BestNs(5, n, [](long k) {
                for (long i = 0; i < k; ++i) {
                  wcell.wait(1);  // the value is 0: returns at once
                  wcell.notify_one();
                }
              }));
  return cell.load() == 0;
}
