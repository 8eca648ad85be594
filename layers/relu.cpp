// relu: y = max(x, 0).
#include <minima/layers/activation.hpp>
#include <minima/nn/registry.hpp>

namespace minima {

struct ReluOp {
  static constexpr const char* name = "relu";
  static float forward(float x) { return x > 0.0f ? x : 0.0f; }
  static float derivative(float x, float) { return x > 0.0f ? 1.0f : 0.0f; }
};

MINIMA_REGISTER_LAYER("relu", Activation<ReluOp>);

}  // namespace minima
