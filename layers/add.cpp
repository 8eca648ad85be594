#include <minima/layers/add.hpp>

#include <algorithm>
#include <stdexcept>

#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("add", Add);

Add::Add(ConfigObject&) {}

Shape Add::do_build(const std::vector<Shape>& input_shapes) {
  for (size_t i = 1; i < input_shapes.size(); ++i)
    if (input_shapes[i] != input_shapes[0])
      throw std::invalid_argument("add needs inputs of one shape, but input 0 is " +
                                  input_shapes[0].str() + " and input " + std::to_string(i) +
                                  " is " + input_shapes[i].str());
  return input_shapes[0];
}

// y = x_0 + x_1 + ...
void Add::do_forward(std::span<const Tensor* const> x, Tensor& y, Mode) {
  std::copy(x[0]->data(), x[0]->data() + y.numel(), y.data());
  float* out = y.data();
  for (size_t i = 1; i < x.size(); ++i) {
    const float* in = x[i]->data();
    for (int64_t k = 0; k < y.numel(); ++k) out[k] += in[k];
  }
}

// dy/dx_i is the identity: every input receives dy.
void Add::do_backward(std::span<const Tensor* const>, const Tensor&, const Tensor& dy,
                      std::span<Tensor> dx) {
  for (Tensor& d : dx) std::copy(dy.data(), dy.data() + dy.numel(), d.data());
}

// ONNX: Add, one node per input after the first: ((x0 + x1) + x2) + ...
void Add::to_onnx(OnnxScope& scope) const {
  const std::vector<std::string>& x = scope.inputs();
  std::string sum = x[0];
  for (size_t i = 1; i < x.size(); ++i) {
    const bool last = i + 1 == x.size();
    const std::string suffix = last ? "" : "sum" + std::to_string(i);
    const std::string out = last ? scope.output() : scope.intermediate(suffix);
    scope.node("Add", {sum, x[i]}, out, suffix);
    sum = out;
  }
}

}  // namespace minima
