#pragma once
// Counts the process's heap allocations, so a test can assert that a piece
// of code allocates nothing. The test binary interposes malloc and its
// siblings (allocation_counter.cpp); under AddressSanitizer, which owns
// malloc itself, it counts through the sanitizer's malloc hook instead.

namespace minima::test {

// False when allocations cannot be counted (the sanitizer refused the hook).
bool counting_allocations();
// malloc, calloc, realloc, aligned_alloc, posix_memalign and memalign
// calls so far (operator new goes through malloc).
long long heap_allocations();

}  // namespace minima::test
