#include "tests/allocation_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)

namespace minima::test {
bool counting_allocations() { return false; }
long long heap_allocations() { return 0; }
}  // namespace minima::test

#else

// glibc's own entry points, which the definitions below forward to.
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
}

namespace {
std::atomic<long long> allocations{0};
void count() { allocations.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

namespace minima::test {
bool counting_allocations() { return true; }
long long heap_allocations() { return allocations.load(std::memory_order_relaxed); }
}  // namespace minima::test

extern "C" {

void* malloc(size_t size) noexcept {
  count();
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) noexcept {
  count();
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) noexcept {
  count();
  return __libc_realloc(p, size);
}

void* aligned_alloc(size_t alignment, size_t size) noexcept {
  count();
  return __libc_memalign(alignment, size);
}

void* memalign(size_t alignment, size_t size) noexcept {
  count();
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  count();
  void* p = __libc_memalign(alignment, size);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

}  // extern "C"

#endif
