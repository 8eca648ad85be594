#include <minima/core/blas.hpp>

#include <cblas.h>

#include <stdexcept>

#include <minima/core/parallel.hpp>

namespace minima {
namespace {
std::vector<GemmCall>* g_recorder = nullptr;
// Multiply-adds below which a GEMM stays on one thread: waking a second
// costs microseconds, and 2^20 multiply-adds take about 20.
constexpr int64_t kSplitMacs = int64_t(1) << 20;
}  // namespace

void gemm(const Tensor& a, Trans trans_a, const Tensor& b, Trans trans_b, Tensor& c, float alpha,
          float beta) {
  const bool ta = trans_a == Trans::Yes, tb = trans_b == Trans::Yes;
  const int64_t a_rows = a.dim(0), a_cols = a.cols(), b_rows = b.dim(0), b_cols = b.cols();
  const int64_t m = ta ? a_cols : a_rows, k = ta ? a_rows : a_cols;
  const int64_t kb = tb ? b_cols : b_rows, n = tb ? b_rows : b_cols;
  if (k != kb || c.dim(0) != m || c.cols() != n)
    throw std::invalid_argument("gemm: cannot multiply " + a.shape().str() + (ta ? "^T" : "") +
                                " by " + b.shape().str() + (tb ? "^T" : "") + " into " +
                                c.shape().str());
  if (g_recorder) g_recorder->push_back({ta, tb, int(m), int(n), int(k), beta});
  if (m == 0 || n == 0) return;
  if (k == 0) {  // op(A) op(B) is all zeros (and BLAS refuses a leading dimension of 0)
    float* out = c.data();
    for (int64_t i = 0; i < m * n; ++i) out[i] = beta == 0.0f ? 0.0f : beta * out[i];
    return;
  }
  const CBLAS_TRANSPOSE op_a = ta ? CblasTrans : CblasNoTrans,
                        op_b = tb ? CblasTrans : CblasNoTrans;
  const float *a_data = a.data(), *b_data = b.data();
  float* c_data = c.data();
  const int threads = parallel_threads();
  if (threads == 1 || m * n * k < kSplitMacs) {
    cblas_sgemm(CblasRowMajor, op_a, op_b, int(m), int(n), int(k), alpha, a_data, int(a_cols),
                b_data, int(b_cols), beta, c_data, int(n));
    return;
  }
  // One OpenBLAS call per pool thread on its own slice of C (OpenBLAS
  // itself runs on one thread; see set_threads). Every element of C is
  // still one call's dot product over all of k. Along C's longer side:
  // the operand packed once per slice is then the smaller one.
  if (m >= n) {  // rows of C: rows of op(A)
    parallel_for(m, (m + threads - 1) / threads, [=](int64_t begin, int64_t end) {
      cblas_sgemm(CblasRowMajor, op_a, op_b, int(end - begin), int(n), int(k), alpha,
                  a_data + (ta ? begin : begin * a_cols), int(a_cols), b_data, int(b_cols), beta,
                  c_data + begin * n, int(n));
    });
  } else {  // columns of C: columns of op(B)
    parallel_for(n, (n + threads - 1) / threads, [=](int64_t begin, int64_t end) {
      cblas_sgemm(CblasRowMajor, op_a, op_b, int(m), int(end - begin), int(k), alpha, a_data,
                  int(a_cols), b_data + (tb ? begin * b_cols : begin), int(b_cols), beta,
                  c_data + begin, int(n));
    });
  }
}

void set_gemm_recorder(std::vector<GemmCall>* recorder) { g_recorder = recorder; }

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }
int blas_threads() { return openblas_get_num_threads(); }
std::string blas_corename() { return openblas_get_corename(); }
std::string blas_config() { return openblas_get_config(); }

}  // namespace minima
