#include <minima/core/blas.hpp>

#include <cblas.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include <minima/core/parallel.hpp>

namespace minima {
namespace {
std::vector<GemmCall>* g_recorder = nullptr;
std::mutex g_recorder_mutex;  // parts record their calls at the same time
// Multiply-adds below which a GEMM stays on one thread: waking a second
// costs microseconds, and 2^20 multiply-adds take about 20.
constexpr int64_t kSplitMacs = int64_t(1) << 20;

// cblas_sgemm, but C = op(A) op(B) (beta = 0) is computed as C = 0, then
// C += op(A) op(B) (beta = 1): OpenBLAS 0.3.21 clears C with beta = 0 in a
// slow pass of its own (docs/speed.md measures it). Its kernels add the
// product to the cleared C either way, so the results are the same.
void sgemm(CBLAS_TRANSPOSE op_a, CBLAS_TRANSPOSE op_b, int m, int n, int k, float alpha,
           const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
  if (beta == 0.0f) {
    for (int i = 0; i < m; ++i) std::fill_n(c + int64_t(i) * ldc, n, 0.0f);
    beta = 1.0f;
  }
  cblas_sgemm(CblasRowMajor, op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
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
  const GemmCall call{ta,       tb,       int(m),   int(n),      int(k),      alpha, beta,
                      a.data(), b.data(), c.data(), int(a_cols), int(b_cols), int(n)};
  run_gemm(call);
}

void run_gemm(const GemmCall& call) {
  if (g_recorder) {
    const std::lock_guard<std::mutex> lock(g_recorder_mutex);
    g_recorder->push_back(call);
  }
  const bool ta = call.trans_a, tb = call.trans_b;
  const int m = call.m, n = call.n, k = call.k, lda = call.lda, ldb = call.ldb, ldc = call.ldc;
  const float alpha = call.alpha, beta = call.beta;
  const float *a = call.a, *b = call.b;
  float* c = call.c;
  if (m == 0 || n == 0) return;
  if (k == 0) {  // op(A) op(B) is all zeros (and BLAS refuses a leading dimension of 0)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        float& out = c[int64_t(i) * ldc + j];
        out = beta == 0.0f ? 0.0f : beta * out;
      }
    return;
  }
  const CBLAS_TRANSPOSE op_a = ta ? CblasTrans : CblasNoTrans,
                        op_b = tb ? CblasTrans : CblasNoTrans;
  const int threads = parallel_threads();
  if (threads == 1 || call.part >= 0 || int64_t(m) * n * k < kSplitMacs) {
    sgemm(op_a, op_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // One OpenBLAS call per pool thread on its own slice of C (OpenBLAS
  // itself runs on one thread; see set_threads). Every element of C is
  // still one call's dot product over all of k. Along C's longer side:
  // the operand packed once per slice is then the smaller one.
  if (m >= n) {  // rows of C: rows of op(A)
    parallel_for(m, (m + threads - 1) / threads, [=](int64_t begin, int64_t end) {
      sgemm(op_a, op_b, int(end - begin), n, k, alpha, a + (ta ? begin : begin * lda), lda, b, ldb,
            beta, c + begin * ldc, ldc);
    });
  } else {  // columns of C: columns of op(B)
    parallel_for(n, (n + threads - 1) / threads, [=](int64_t begin, int64_t end) {
      sgemm(op_a, op_b, m, int(end - begin), k, alpha, a, lda, b + (tb ? begin * ldb : begin), ldb,
            beta, c + begin, ldc);
    });
  }
}

void set_gemm_recorder(std::vector<GemmCall>* recorder) { g_recorder = recorder; }

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }
int blas_threads() { return openblas_get_num_threads(); }
std::string blas_corename() { return openblas_get_corename(); }
std::string blas_config() { return openblas_get_config(); }

}  // namespace minima
