// fast_exp: e^x to float accuracy over its whole range, NaN kept, and the
// clamp at the ends.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <minima/core/fast_exp.hpp>

using minima::fast_exp;

TEST_CASE("fast_exp is within 3e-7 of e^x from -87 to 88") {
  double worst = 0;
  float worst_at = 0;
  auto check = [&](float x) {
    const double exact = std::exp(double(x));
    const double error = std::fabs(double(fast_exp(x)) - exact) / exact;
    if (error > worst) {
      worst = error;
      worst_at = x;
    }
  };
  for (int i = -870000; i <= 880000; ++i) check(float(i) * 1e-4f);  // steps of 1e-4
  for (int e = 1; e < 126; ++e) {  // and tiny inputs of either sign
    check(std::ldexp(1.0f, -e));
    check(-std::ldexp(1.0f, -e));
  }
  CAPTURE(worst_at);
  CHECK(worst < 3e-7);
  CHECK(fast_exp(0.0f) == 1.0f);
  CHECK(fast_exp(1.0f) == doctest::Approx(2.718281828).epsilon(3e-7));
}

TEST_CASE("fast_exp keeps NaN and clamps the ends instead of overflowing") {
  CHECK(std::isnan(fast_exp(std::numeric_limits<float>::quiet_NaN())));
  CHECK(fast_exp(std::numeric_limits<float>::infinity()) == fast_exp(88.0f));
  CHECK(fast_exp(1000.0f) == fast_exp(88.0f));
  CHECK(std::isfinite(fast_exp(88.0f)));
  CHECK(fast_exp(88.0f) == doctest::Approx(std::exp(88.0)).epsilon(3e-7));
  CHECK(fast_exp(-std::numeric_limits<float>::infinity()) == fast_exp(-87.0f));
  CHECK(fast_exp(-87.0f) > 0.0f);
  CHECK(fast_exp(-87.0f) == doctest::Approx(std::exp(-87.0)).epsilon(3e-7));
}
