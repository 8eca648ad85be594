#include "tests/allocation_counter.hpp"

#include <dlfcn.h>
#include <execinfo.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>

namespace {

std::atomic<long long> allocations{0}, openblas_made{0};
std::atomic<bool> attributing{false};
std::atomic<const void*> openblas_base{nullptr};  // where libopenblas is loaded
thread_local bool walking = false;  // this thread is walking its stack: its own allocations pass

// The load address of the shared object holding `address`, or null.
const void* object_of(const void* address) {
  Dl_info info;
  return dladdr(address, &info) != 0 ? info.dli_fbase : nullptr;
}

// Whether one of the innermost frames (the allocator's, then its caller's)
// lies in libopenblas.
bool made_by_openblas() {
  void* frames[12];
  const int depth = backtrace(frames, 12);
  const void* openblas = openblas_base.load(std::memory_order_relaxed);
  for (int i = 1; i < depth; ++i)
    if (object_of(frames[i]) == openblas) return true;
  return false;
}

void count() {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (!attributing.load(std::memory_order_relaxed) || walking) return;
  walking = true;
  if (made_by_openblas()) openblas_made.fetch_add(1, std::memory_order_relaxed);
  walking = false;
}

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

long long openblas_allocations() { return openblas_made.load(std::memory_order_relaxed); }

void attribute_openblas_allocations(bool on) {
  if (on) {
    openblas_base.store(object_of(dlsym(RTLD_DEFAULT, "cblas_sgemm")));
    walking = true;
    made_by_openblas();  // the first walk loads the unwinder, which allocates
    walking = false;
  }
  attributing.store(on);
}

}  // namespace minima::test
