#include "tests/allocation_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>

namespace {
std::atomic<long long> allocations{0};
void count() { allocations.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

#if defined(__SANITIZE_ADDRESS__)

// AddressSanitizer owns malloc, so nothing may interpose it; instead its
// allocator calls a hook for every allocation (sanitizer/allocator_interface.h,
// which gcc does not ship; the runtime exports the function).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             size_t),
                                                         void (*free_hook)(const volatile void*));

namespace {
void on_malloc(const volatile void*, size_t) { count(); }
void on_free(const volatile void*) {}
}  // namespace

namespace minima::test {
// Installed on first use, so a static initializer in another file can ask.
bool counting_allocations() {
  static const bool installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
  return installed;
}
}  // namespace minima::test

#else

// glibc's own entry points, which the definitions below forward to.
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
}

namespace minima::test {
bool counting_allocations() { return true; }
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

namespace minima::test {
long long heap_allocations() { return allocations.load(std::memory_order_relaxed); }
}  // namespace minima::test
