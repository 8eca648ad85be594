#pragma once
// avgpool2d: the mean under each window, per channel (PyTorch's AvgPool2d
// with count_include_pad: padding counts as zeros, every window divides by
// kernel^2). Config and shapes: layers/pool2d.hpp.
#include <vector>

#include <minima/layers/pool2d.hpp>

namespace minima {

class AvgPool2d : public Pool2d {
 public:
  explicit AvgPool2d(int64_t kernel, Options options = {});
  explicit AvgPool2d(ConfigObject& args);
  std::string type() const override { return "avgpool2d"; }
  void to_onnx(OnnxScope& scope) const override;

 protected:
  Shape do_build(const Shape& input_shape) override;
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;

 private:
  bool side_by_side_2x2() const {
    return window_.kernel == 2 && window_.stride == 2 && window_.padding == 0;
  }
  std::vector<Window2d::Runs> runs_;  // [k k] window_.element_runs(H, W)
};

}  // namespace minima
