#pragma once
// e^x in plain float arithmetic that GCC vectorizes (std::exp is a scalar
// libm call: 12% of the paper network's training step went to it).
//   e^x = 2^n e^r,  n = round(x / ln 2),  r = x - n ln 2 in [-ln2/2, ln2/2],
// e^r by its Taylor series to r^7 (the next term, 0.347^8 / 8!, is below
// float's 2^-24), 2^n put straight into the exponent bits. Relative error
// within 3e-7 (tests/test_fast_exp.cpp); NaN stays NaN. Inputs are clamped to
// [-87, 88] so 2^n stays a normal float: e^x below e^-87 (~1.6e-38) reads as
// that, above e^88 as ~1.7e38 instead of overflowing to inf.
#include <algorithm>
#include <bit>
#include <cstdint>

namespace minima {

inline float fast_exp(float x) {
  // std::max / std::min return their first argument when a comparison is
  // false, so NaN passes through.
  x = std::min(std::max(x, -87.0f), 88.0f);
  // Adding 1.5 * 2^23 rounds x / ln 2 to an integer n held in the low bits.
  constexpr float kRound = 12582912.0f;
  const float shifted = x * 1.44269504f + kRound;
  const float n = shifted - kRound;
  // ln 2 in two parts, so that n * ln2_hi is exact for |n| < 2^9.
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^n: n + 127 in the exponent field (unsigned arithmetic: no overflow UB).
  const uint32_t biased = std::bit_cast<uint32_t>(shifted) - std::bit_cast<uint32_t>(kRound) + 127u;
  return p * std::bit_cast<float>(biased << 23);
}

}  // namespace minima
