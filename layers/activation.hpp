#pragma once
// Elementwise activations share one implementation: an Op supplies
//   static constexpr const char* name           // its type name, "relu"
//   static float forward(float x)
//   static float derivative(float x, float y)   // dy/dx, from input or output
//   static constexpr ActivationTraits traits    // output range, saturated region
//   static constexpr const char* onnx_op        // ONNX's operator, "Relu" (optional:
//                                               // without it, export --onnx refuses the layer)
// Each activation's header names the layer (using Relu = Activation<ReluOp>)
// and its .cpp instantiates it and registers it under Op::name
// (MINIMA_REGISTER_LAYER); its traits make it an activation for model
// builders, probes and telemetry.
#include <cstdint>

#include <minima/config/config_object.hpp>
#include <minima/core/parallel.hpp>
#include <minima/core/vector_clones.hpp>
#include <minima/nn/layer.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

// y = f(x) on [begin, end).
template <class Op>
MINIMA_VECTOR_CLONES void activation_forward(const float* in, float* out, int64_t begin,
                                             int64_t end) {
  for (int64_t k = begin; k < end; ++k) out[k] = Op::forward(in[k]);
}

// dx = dy * f'(x) on [begin, end).
template <class Op>
MINIMA_VECTOR_CLONES void activation_backward(const float* in, const float* out, const float* g,
                                              float* d, int64_t begin, int64_t end) {
  for (int64_t k = begin; k < end; ++k) {
    // The slope in a variable of its own lets GCC if-convert ReLU's
    // comparison and vectorize the loop (inline, it keeps a branch).
    const float slope = Op::derivative(in[k], out[k]);
    d[k] = g[k] * slope;
  }
}

template <class Op>
class Activation : public UnaryLayer {
 public:
  Activation() = default;
  // An activation has no keys.
  explicit Activation(ConfigObject&) {}
  std::string type() const override { return Op::name; }
  json config() const override { return json::object(); }
  static constexpr LayerTraits kTraits{.activation = &Op::traits};
  const LayerTraits& traits() const override { return kTraits; }
  // ONNX: the elementwise operator of the same function (Op::onnx_op).
  void to_onnx(OnnxScope& scope) const override {
    if constexpr (requires { Op::onnx_op; })
      scope.node(Op::onnx_op, {scope.inputs()[0]}, scope.output());
    else
      UnaryLayer::to_onnx(scope);  // no ONNX form: the error naming the layer
  }

 protected:
  Shape do_build(const Shape& input_shape) override { return input_shape; }
  void do_forward(const Tensor& x, Tensor& y, Mode) override {
    const float* in = x.data();
    float* out = y.data();
    parallel_for(x.numel(), kParallelGrain,
                 [=](int64_t begin, int64_t end) { activation_forward<Op>(in, out, begin, end); });
  }
  // dx = dy * f'(x)
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override {
    const float *in = x.data(), *out = y.data(), *g = dy.data();
    float* d = dx.data();
    parallel_for(x.numel(), kParallelGrain, [=](int64_t begin, int64_t end) {
      activation_backward<Op>(in, out, g, d, begin, end);
    });
  }
};

}  // namespace minima
