#pragma once
// tanh: y = tanh(x), dy/dx = 1 - y^2.
#include <cmath>

#include <minima/layers/activation.hpp>

namespace minima {

struct TanhOp {
  static constexpr const char* name = "tanh";
  static constexpr const char* onnx_op = "Tanh";
  static float forward(float x) { return std::tanh(x); }
  static float derivative(float, float y) { return 1.0f - y * y; }
  // Saturated near its asymptotes -1 and 1, where 1 - y^2 < 0.02.
  static constexpr ActivationTraits traits{.out_lo = -1,
                                           .out_hi = 1,
                                           .saturated_below = -0.99,
                                           .saturated_above = 0.99,
                                           .saturated_words = "|y| > 0.99"};
};

// Tanh(): the "tanh" layer, typed.
using Tanh = Activation<TanhOp>;
extern template class Activation<TanhOp>;

}  // namespace minima
