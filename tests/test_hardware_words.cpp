#include <doctest/doctest.h>

#include "cli/compare/hardware_words.hpp"

using namespace minima;

TEST_CASE("blas_kernel_words: the kernel with its widest vector instructions, in plain words") {
  CHECK(blas_kernel_words("Zen") == "OpenBLAS Zen (AVX2)");
  CHECK(blas_kernel_words("SkylakeX") == "OpenBLAS SkylakeX (AVX-512)");
  CHECK(blas_kernel_words("Sandybridge") == "OpenBLAS Sandybridge (AVX)");
  CHECK(blas_kernel_words("Prescott") == "OpenBLAS Prescott (SSE only)");
  CHECK(blas_kernel_words("Future9000") == "OpenBLAS Future9000");
}
