// gemm() against a naive triple loop in double, for every transpose
// combination, odd sizes, alpha/beta, and its shape errors.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <minima/core/blas.hpp>
#include <minima/platform/threads.hpp>
#include "tests/support.hpp"
#include "tests/threads_guard.hpp"

using minima::Shape;
using minima::Tensor;
using minima::Trans;

namespace {

// C = alpha op(A) op(B) + beta C in double; a is stored [m, k] (or [k, m]
// when transposed), b [k, n] (or [n, k]).
Tensor naive_gemm(const Tensor& a, bool ta, const Tensor& b, bool tb, const Tensor& c, double alpha,
                  double beta) {
  const int64_t m = c.dim(0), n = c.cols(), k = ta ? a.dim(0) : a.cols();
  Tensor out(c.shape());
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int64_t p = 0; p < k; ++p) {
        const double x = ta ? a.at(p, i) : a.at(i, p);
        const double y = tb ? b.at(j, p) : b.at(p, j);
        sum += x * y;
      }
      out.at(i, j) = float(alpha * sum + beta * double(c.at(i, j)));
    }
  return out;
}

}  // namespace

TEST_CASE("gemm matches a double triple loop for all transposes, odd sizes, alpha and beta") {
  struct Size {
    int64_t m, k, n;
  };
  struct Scale {
    float alpha, beta;
  };
  minima::Rng rng(11);
  for (const Size s : {Size{1, 1, 1}, Size{7, 13, 5}, Size{33, 17, 65}})
    for (const bool ta : {false, true})
      for (const bool tb : {false, true})
        for (const Scale sc : {Scale{1.0f, 0.0f}, Scale{-0.5f, 1.0f}, Scale{2.0f, -0.75f}}) {
          CAPTURE(s.m);
          CAPTURE(s.k);
          CAPTURE(s.n);
          CAPTURE(ta);
          CAPTURE(tb);
          CAPTURE(sc.alpha);
          CAPTURE(sc.beta);
          const Tensor a =
              minima::test::random_uniform(ta ? Shape{s.k, s.m} : Shape{s.m, s.k}, rng);
          const Tensor b =
              minima::test::random_uniform(tb ? Shape{s.n, s.k} : Shape{s.k, s.n}, rng);
          Tensor c = minima::test::random_uniform(Shape{s.m, s.n}, rng);
          const Tensor expected = naive_gemm(a, ta, b, tb, c, sc.alpha, sc.beta);
          minima::gemm(a, ta ? Trans::Yes : Trans::No, b, tb ? Trans::Yes : Trans::No, c, sc.alpha,
                       sc.beta);
          // Entries are sums of k <= 65 products of numbers in [-1, 1]; float32
          // accumulation stays within ~k * 6e-8 * k of the double result, far
          // below 1e-4, while a wrong index or transpose is off by O(0.1..1).
          minima::test::check_close(c, expected, 1e-5, 1e-4, "gemm");
        }
}

TEST_CASE("run_gemm with beta 0 overwrites its block of C, NaN included, and nothing beside it") {
  // C is a block of a wider buffer (ldc > n), as conv2d's chunk products are.
  // beta = 0 ignores what the block held (BLAS: C is not read); the columns
  // between the block's rows keep their values, on one thread and on
  // slices (64 x 130 x 130: over 2^20 multiply-adds, split on 2 threads).
  const minima::test::ThreadsGuard guard;
  minima::Rng rng(12);
  const int64_t m = 64, n = 130, k = 130, ldc = n + 7;
  const Tensor a = minima::test::random_uniform(Shape{m, k}, rng);
  const Tensor b = minima::test::random_uniform(Shape{k, n}, rng);
  const Tensor zeros(Shape{m, n});
  const Tensor expected = naive_gemm(a, false, b, false, zeros, 1.0, 0.0);
  for (const int threads : {1, 2}) {
    CAPTURE(threads);
    minima::set_threads(threads);
    std::vector<float> c(size_t(m * ldc), 7.0f);
    for (int64_t i = 0; i < m; ++i)
      std::fill_n(c.begin() + i * ldc, n, std::numeric_limits<float>::quiet_NaN());
    minima::run_gemm({false, false, int(m), int(n), int(k), 1.0f, 0.0f, a.data(), b.data(),
                      c.data(), int(k), int(n), int(ldc)});
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j)
        REQUIRE(c[size_t(i * ldc + j)] == doctest::Approx(expected.at(i, j)).epsilon(1e-5));
      for (int64_t j = n; j < ldc; ++j) REQUIRE(c[size_t(i * ldc + j)] == 7.0f);
    }
  }
}

TEST_CASE("gemm reads higher-rank tensors as [dim(0), cols()] matrices") {
  minima::Rng rng(3);
  const Tensor a = minima::test::random_uniform(Shape{4, 2, 3}, rng);  // a 4 x 6 matrix
  const Tensor b = minima::test::random_uniform(Shape{5, 6}, rng);
  Tensor c(Shape{4, 5});
  minima::gemm(a, Trans::No, b, Trans::Yes, c);
  const Tensor a2 = Tensor::view(const_cast<float*>(a.data()), Shape{4, 6});
  minima::test::check_close(c, naive_gemm(a2, false, b, true, Tensor(Shape{4, 5}), 1.0, 0.0), 1e-5,
                            1e-5, "rank 3");
}

TEST_CASE("gemm with an empty inner dimension gives beta * C") {
  // The weight gradient dW = dy^T x of an empty batch: k = 0.
  Tensor dy(Shape{0, 3}), x(Shape{0, 4});
  Tensor dw(Shape{3, 4});
  dw.fill(2.0f);
  minima::gemm(dy, Trans::Yes, x, Trans::No, dw, 1.0f, 0.5f);
  for (int64_t k = 0; k < dw.numel(); ++k) CHECK(dw[k] == 1.0f);
  Tensor a(Shape{2, 0}), b(Shape{0, 3}), c(Shape{2, 3});
  c.fill(1.0f);
  minima::gemm(a, Trans::No, b, Trans::No, c);
  for (int64_t k = 0; k < c.numel(); ++k) CHECK(c[k] == 0.0f);
}

TEST_CASE("gemm refuses mismatched shapes and names all of them") {
  Tensor a(Shape{3, 4}), b(Shape{5, 2}), c(Shape{3, 2});
  CHECK_THROWS_WITH_AS(minima::gemm(a, Trans::No, b, Trans::No, c),
                       "gemm: cannot multiply [3, 4] by [5, 2] into [3, 2]", std::invalid_argument);
  Tensor b_ok(Shape{4, 2}), c_bad(Shape{2, 3});
  CHECK_THROWS_WITH_AS(minima::gemm(a, Trans::Yes, b_ok, Trans::Yes, c_bad),
                       "gemm: cannot multiply [3, 4]^T by [4, 2]^T into [2, 3]",
                       std::invalid_argument);
  CHECK_THROWS_AS(minima::gemm(a, Trans::No, b_ok, Trans::No, c_bad), std::invalid_argument);
}

TEST_CASE("gemm recorder sees each call's shapes") {
  std::vector<minima::GemmCall> calls;
  minima::set_gemm_recorder(&calls);
  Tensor a(Shape{3, 4}), b(Shape{2, 4}), c(Shape{3, 2});
  minima::gemm(a, Trans::No, b, Trans::Yes, c, 1.0f, 0.25f);
  minima::set_gemm_recorder(nullptr);
  minima::gemm(a, Trans::No, b, Trans::Yes, c);  // not recorded
  REQUIRE(calls.size() == 1);
  CHECK_FALSE(calls[0].trans_a);
  CHECK(calls[0].trans_b);
  CHECK(calls[0].m == 3);
  CHECK(calls[0].n == 2);
  CHECK(calls[0].k == 4);
  CHECK(calls[0].beta == 0.25f);
}
