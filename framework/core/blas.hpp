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

// One product as gemm() hands it to BLAS, row-major: C (m x n, leading
// dimension ldc) = alpha * op(A) op(B) + beta * C, op(A) m x k, op(B) k x n.
// It points at the caller's memory, so it can be run again on the same
// buffers (the GEMM-only bound of `minima bench` replays a step's calls).
struct GemmCall {
  bool trans_a = false, trans_b = false;
  int m = 0, n = 0, k = 0;
  float alpha = 1.0f, beta = 0.0f;
  const float* a = nullptr;
  const float* b = nullptr;
  float* c = nullptr;
  int lda = 0, ldb = 0, ldc = 0;
  // -1: a call of the thread that runs the step; gemm() splits it into
  // slices over the pool when it is large. part >= 0: a call made inside
  // parallel_parts() by that part (conv2d's share of the batch), run whole
  // on the part's thread.
  int part = -1;
};
// Runs a call exactly as gemm() does: the same slices on the same threads.
void run_gemm(const GemmCall& call);
// While a recorder is set, every gemm() and run_gemm() appends its call to
// it (calls from parts running at the same time in the order they start).
void set_gemm_recorder(std::vector<GemmCall>* recorder);

// BLAS runtime facts and control.
void set_blas_threads(int threads);
int blas_threads();
std::string blas_corename();  // e.g. "Haswell", "SkylakeX"
std::string blas_config();    // build/version string

}  // namespace minima
