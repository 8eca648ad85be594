#pragma once
// maxpool2d: the largest value under each window, per channel (PyTorch's
// MaxPool2d: the padding never wins, the first of equal maxima does).
// Config and shapes: layers/pool2d.hpp.
#include <vector>

#include <minima/layers/pool2d.hpp>

namespace minima {

class MaxPool2d : public Pool2d {
 public:
  explicit MaxPool2d(int64_t kernel, Options options = {});
  explicit MaxPool2d(ConfigObject& args);
  std::string type() const override { return "maxpool2d"; }
  void to_onnx(OnnxScope& scope) const override;

 protected:
  Shape do_build(const Shape& input_shape) override;
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;

 private:
  std::vector<int32_t> offsets_;  // [P, k k] window_.offsets(H, W)
  std::vector<int32_t> argmax_;   // [N, C, P] the pixel each output came from (forward's cache)
};

}  // namespace minima
