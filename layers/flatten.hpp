#pragma once
// flatten: a sample of any shape, e.g. an image [C, H, W], as one feature
// vector [C H W] in row-major order (PyTorch's nn.Flatten). The values are
// copied, unchanged. Config: {"type": "flatten"} (no keys).
#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

class Flatten : public UnaryLayer {
 public:
  Flatten() = default;
  explicit Flatten(ConfigObject&) {}
  std::string type() const override { return "flatten"; }
  json config() const override { return json::object(); }
  void to_onnx(OnnxScope& scope) const override;

 protected:
  Shape do_build(const Shape& input_shape) override { return Shape{input_shape.numel()}; }
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;
};

}  // namespace minima
