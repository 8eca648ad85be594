#include "framework/blas.hpp"

#include <cblas.h>

#include <stdexcept>

namespace minima {
namespace {
std::vector<GemmCall>* g_recorder = nullptr;
}

void gemm(const Tensor& a, Trans trans_a, const Tensor& b, Trans trans_b, Tensor& c, float alpha, float beta) {
  const bool ta = trans_a == Trans::Yes, tb = trans_b == Trans::Yes;
  const int64_t a_rows = a.dim(0), a_cols = a.cols(), b_rows = b.dim(0), b_cols = b.cols();
  const int64_t m = ta ? a_cols : a_rows, k = ta ? a_rows : a_cols;
  const int64_t kb = tb ? b_cols : b_rows, n = tb ? b_rows : b_cols;
  if (k != kb || c.dim(0) != m || c.cols() != n)
    throw std::invalid_argument("gemm: cannot multiply " + a.shape().str() + (ta ? "^T" : "") + " by " +
                                b.shape().str() + (tb ? "^T" : "") + " into " + c.shape().str());
  if (g_recorder) g_recorder->push_back({ta, tb, int(m), int(n), int(k), beta});
  if (m == 0 || n == 0) return;
  if (k == 0) {  // op(A) op(B) is all zeros (and BLAS refuses a leading dimension of 0)
    float* out = c.data();
    for (int64_t i = 0; i < m * n; ++i) out[i] = beta == 0.0f ? 0.0f : beta * out[i];
    return;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m), int(n),
              int(k), alpha, a.data(), int(a_cols), b.data(), int(b_cols), beta, c.data(), int(n));
}

void set_gemm_recorder(std::vector<GemmCall>* recorder) { g_recorder = recorder; }

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }
int blas_threads() { return openblas_get_num_threads(); }
std::string blas_corename() { return openblas_get_corename(); }
std::string blas_config() { return openblas_get_config(); }

}  // namespace minima
