#pragma once
// Is the BLAS kernel in use computing the right numbers? Used by `minima
// info` and by use_best_blas_kernel() before it keeps a kernel it chose.
namespace minima {

// Multiplies small random matrices (all four transpose combinations) with
// gemm() and with a double-precision loop; ok when every relative error is
// below float rounding for the inner dimension.
struct GemmCheck {
  bool ok = false;
  double max_error = 0.0;  // max |gemm - reference| / (|reference| + 1)
};
GemmCheck gemm_sanity_check();

}  // namespace minima
