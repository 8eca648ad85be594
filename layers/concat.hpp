#pragma once
// concat: joins two or more feature vectors side by side, per sample:
// inputs [N, D_0], [N, D_1], ... -> [N, D_0 + D_1 + ...], in input order.
// Config: {"type": "concat", "inputs": ["a", "b", ...]}
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

class Concat : public Layer {
 public:
  explicit Concat(ConfigObject& args);
  std::string type() const override { return "concat"; }
  json config() const override { return json::object(); }
  int arity() const override { return 0; }
  void to_onnx(OnnxScope& scope) const override;

 protected:
  Shape do_build(const std::vector<Shape>& input_shapes) override;
  void do_forward(std::span<const Tensor* const> x, Tensor& y, Mode mode) override;
  void do_backward(std::span<const Tensor* const> x, const Tensor& y, const Tensor& dy,
                   std::span<Tensor> dx) override;

 private:
  std::vector<int64_t> widths_;  // D_i
  int64_t total_ = 0;            // sum of D_i
};

}  // namespace minima
