// malloc_count.c: counts a process's heap allocations (LD_PRELOAD), for the heap traffic per
// compiled function (docs/performance.md, "Compile speed"):
//
//   ninja -C build egret_malloc_count   # build/lib/libegret_malloc_count.so
//   LD_PRELOAD=build/lib/libegret_malloc_count.so build/bin/egret compile --jobs=1 X.wasm -o /dev/null
//
// prints `malloc_count: N allocations, B bytes` to stderr at exit (malloc, calloc, realloc,
// aligned allocations; operator new goes through malloc). Allocations per function in steady
// state: the difference between a module and the same functions replicated
// (bench/frontend/replicate.py), divided by the difference in functions.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_ulong count, bytes;
static void* (*real_malloc)(size_t);
static void* (*real_calloc)(size_t, size_t);
static void* (*real_realloc)(void*, size_t);
static int (*real_memalign)(void**, size_t, size_t);

// dlsym may allocate (calloc) before real_calloc is known: serve that from a static buffer.
static char early[4096];
static size_t early_used;

static void init(void) {
  if (real_malloc) return;
  real_calloc = dlsym(RTLD_NEXT, "calloc");
  real_realloc = dlsym(RTLD_NEXT, "realloc");
  real_memalign = dlsym(RTLD_NEXT, "posix_memalign");
  real_malloc = dlsym(RTLD_NEXT, "malloc");
}

void* malloc(size_t n) {
  init();
  atomic_fetch_add(&count, 1);
  atomic_fetch_add(&bytes, n);
  return real_malloc(n);
}

void* calloc(size_t k, size_t n) {
  if (!real_calloc) {
    if (!real_malloc && early_used + k * n <= sizeof early) {  // inside dlsym
      void* p = early + early_used;
      early_used += (k * n + 15) & ~(size_t)15;
      return p;
    }
    init();
  }
  atomic_fetch_add(&count, 1);
  atomic_fetch_add(&bytes, k * n);
  return real_calloc(k, n);
}

void* realloc(void* p, size_t n) {
  init();
  atomic_fetch_add(&count, 1);
  atomic_fetch_add(&bytes, n);
  return real_realloc(p, n);
}

int posix_memalign(void** out, size_t align, size_t n) {
  init();
  atomic_fetch_add(&count, 1);
  atomic_fetch_add(&bytes, n);
  return real_memalign(out, align, n);
}

void free(void* p) {
  static void (*real_free)(void*);
  if ((char*)p >= early && (char*)p < early + sizeof early) return;
  if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
  real_free(p);
}

__attribute__((destructor)) static void report(void) {
  fprintf(stderr, "malloc_count: %lu allocations, %lu bytes\n", (unsigned long)count,
          (unsigned long)bytes);
}
