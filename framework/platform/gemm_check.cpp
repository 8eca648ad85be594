#include <minima/platform/gemm_check.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <minima/core/blas.hpp>
#include <minima/core/rng.hpp>

namespace minima {

GemmCheck gemm_sanity_check() {
  // Odd sizes so that kernels' edge cases (partial tiles) are exercised.
  const int64_t m = 37, n = 29, k = 53;
  Rng rng(12345);
  GemmCheck check{true, 0.0};
  for (Trans ta : {Trans::No, Trans::Yes})
    for (Trans tb : {Trans::No, Trans::Yes}) {
      Tensor a(ta == Trans::No ? Shape{m, k} : Shape{k, m});
      Tensor b(tb == Trans::No ? Shape{k, n} : Shape{n, k});
      Tensor c(Shape{m, n});
      for (Tensor* t : {&a, &b, &c})
        for (int64_t i = 0; i < t->numel(); ++i) (*t)[i] = rng.uniform() * 2.0f - 1.0f;
      const Tensor c0 = c;
      const float alpha = 0.75f, beta = 0.5f;
      gemm(a, ta, b, tb, c, alpha, beta);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double ref = 0.0;  // alpha * op(A) op(B) + beta * C0 in double
          for (int64_t p = 0; p < k; ++p)
            ref += double(ta == Trans::No ? a.at(i, p) : a.at(p, i)) *
                   double(tb == Trans::No ? b.at(p, j) : b.at(j, p));
          ref = alpha * ref + beta * double(c0.at(i, j));
          check.max_error =
              std::max(check.max_error, std::abs(double(c.at(i, j)) - ref) / (std::abs(ref) + 1.0));
        }
    }
  // float32 sums of k products of terms in [-1, 1]: error grows ~ k * 2^-24.
  check.ok = check.max_error < double(k) * 1.2e-7 * 4.0;
  return check;
}

}  // namespace minima
