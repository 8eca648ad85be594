#pragma once
// sigmoid: y = 1 / (1 + e^-x), dy/dx = y (1 - y).
#include <minima/core/fast_exp.hpp>
#include <minima/layers/activation.hpp>

namespace minima {

struct SigmoidOp {
  static constexpr const char* name = "sigmoid";
  static constexpr const char* onnx_op = "Sigmoid";
  static float forward(float x) { return 1.0f / (1.0f + fast_exp(-x)); }
  static float derivative(float, float y) { return y * (1.0f - y); }
  // Saturated near its asymptotes 0 and 1, where y (1 - y) < 0.01.
  static constexpr ActivationTraits traits{.out_lo = 0,
                                           .out_hi = 1,
                                           .saturated_below = 0.01,
                                           .saturated_above = 0.99,
                                           .saturated_words = "< 0.01 or > 0.99"};
};

// Sigmoid(): the "sigmoid" layer, typed.
using Sigmoid = Activation<SigmoidOp>;
extern template class Activation<SigmoidOp>;

}  // namespace minima
