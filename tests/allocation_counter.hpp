#pragma once
// Counts the process's heap allocations, so a test can assert that a piece
// of code allocates nothing. The test binary interposes malloc and its
// siblings (allocation_counter.cpp); under AddressSanitizer, which owns
// malloc itself, it counts through the sanitizer's malloc hook instead.
//
// OpenBLAS allocates by itself on some CPUs: 0.3.21's small-matrix sgemm
// kernels for SkylakeX malloc a packing buffer on every call (seen on an
// AVX-512 Xeon: 1,152 bytes per convolution GEMM), which minima cannot
// avoid. allocations_during() counts minima's allocations: those with a
// frame of libopenblas near the top of their stack are set apart.

namespace minima::test {

// False when allocations cannot be counted (the sanitizer refused the hook).
bool counting_allocations();
// malloc, calloc, realloc, aligned_alloc, posix_memalign and memalign
// calls so far (operator new goes through malloc).
long long heap_allocations();

// While on, each allocation's stack is walked to tell OpenBLAS's own apart
// (a walk per allocation: only for the code under test).
void attribute_openblas_allocations(bool on);
// Allocations made by OpenBLAS itself while attribution was on.
long long openblas_allocations();

// The heap allocations `action` makes, on any thread (BLAS workers
// included), less those OpenBLAS makes by itself.
template <class Action>
long long allocations_during(Action&& action) {
  attribute_openblas_allocations(true);
  const long long before = heap_allocations(), by_openblas_before = openblas_allocations();
  action();
  const long long made = heap_allocations() - before;
  const long long by_openblas = openblas_allocations() - by_openblas_before;
  attribute_openblas_allocations(false);
  return made - by_openblas;
}

}  // namespace minima::test
