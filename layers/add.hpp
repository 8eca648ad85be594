#pragma once
// add: elementwise sum of two or more inputs of the same shape, the join of
// a residual block (y = x + F(x)).
// Config: {"type": "add", "inputs": ["a", "b", ...]}
#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

class Add : public Layer {
 public:
  explicit Add(ConfigObject& args);
  std::string type() const override { return "add"; }
  json config() const override { return json::object(); }
  int arity() const override { return 0; }
  void to_onnx(OnnxScope& scope) const override;

 protected:
  Shape do_build(const std::vector<Shape>& input_shapes) override;
  void do_forward(std::span<const Tensor* const> x, Tensor& y, Mode mode) override;
  void do_backward(std::span<const Tensor* const> x, const Tensor& y, const Tensor& dy,
                   std::span<Tensor> dx) override;
};

}  // namespace minima
