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
};

// Tanh(): the "tanh" layer, typed.
using Tanh = Activation<TanhOp>;
extern template class Activation<TanhOp>;

}  // namespace minima
