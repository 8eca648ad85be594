// tanh: y = tanh(x), dy/dx = 1 - y^2.
#include <cmath>

#include <minima/layers/activation.hpp>
#include <minima/nn/registry.hpp>

namespace minima {

struct TanhOp {
  static constexpr const char* name = "tanh";
  static float forward(float x) { return std::tanh(x); }
  static float derivative(float, float y) { return 1.0f - y * y; }
};

MINIMA_REGISTER_LAYER("tanh", Activation<TanhOp>);

}  // namespace minima
