#pragma once
// relu: y = max(x, 0).
#include <minima/layers/activation.hpp>

namespace minima {

struct ReluOp {
  static constexpr const char* name = "relu";
  static constexpr const char* onnx_op = "Relu";
  static float forward(float x) { return x > 0.0f ? x : 0.0f; }
  static float derivative(float x, float) { return x > 0.0f ? 1.0f : 0.0f; }
  // Dead where y = 0 (x <= 0): a unit 0 on the whole batch passes no gradient.
  static constexpr ActivationTraits traits{.out_lo = 0,
                                           .out_hi = 4,
                                           .saturated_below = 0,
                                           .count = ActivationTraits::Count::DeadUnits,
                                           .saturated_words = "0 on the whole batch"};
};

// Relu(): the "relu" layer, typed.
using Relu = Activation<ReluOp>;
extern template class Activation<ReluOp>;

}  // namespace minima
