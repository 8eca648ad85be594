#pragma once
// The one way minima multiplies matrices: a thin wrapper over cblas_sgemm.
// Tensors are read as 2-D [dim(0), cols()] row-major matrices.
#include <string>
#include <vector>

#include <minima/core/tensor.hpp>

namespace minima {

enum class Trans { No, Yes };

// C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T.
// C must already have the result's shape (throws naming all shapes if not).
void gemm(const Tensor& a, Trans trans_a, const Tensor& b, Trans trans_b, Tensor& c,
          float alpha = 1.0f, float beta = 0.0f);

// One recorded call, enough to replay it with the same shapes (for the
// GEMM-only lower bound in `minima bench`).
struct GemmCall {
  bool trans_a, trans_b;
  int m, n, k;
  float beta;
};
// While a recorder is set, every gemm() appends its call to it.
void set_gemm_recorder(std::vector<GemmCall>* recorder);

// BLAS runtime facts and control.
void set_blas_threads(int threads);
int blas_threads();
std::string blas_corename();  // e.g. "Haswell", "SkylakeX"
std::string blas_config();    // build/version string

}  // namespace minima
