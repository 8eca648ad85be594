#include <doctest/doctest.h>

#include <minima/platform/blas_kernel_description.hpp>

using namespace minima;

TEST_CASE(
    "blas_kernel_description: the kernel with its widest vector instructions, in plain words") {
  CHECK(blas_kernel_description("Zen") == "OpenBLAS Zen (AVX2)");
  CHECK(blas_kernel_description("SkylakeX") == "OpenBLAS SkylakeX (AVX-512)");
  CHECK(blas_kernel_description("Sandybridge") == "OpenBLAS Sandybridge (AVX)");
  CHECK(blas_kernel_description("Prescott") == "OpenBLAS Prescott (SSE only)");
  CHECK(blas_kernel_description("Future9000") == "OpenBLAS Future9000");
}
