#pragma once
// dense: y = x W^T + b, PyTorch Linear layout (W is [H, D]).
// Config: {"type": "dense", "units": H, "bias": true,
//          "init": "he" | "xavier" | "gaussian" | "zeros", "std": 0.01}
#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

class Dense : public UnaryLayer {
 public:
  explicit Dense(ConfigObject& args);
  std::string type() const override { return "dense"; }
  json config() const override;
  void init_params(Rng& rng) override;

  Param& weight() { return weight_; }
  Param& bias() { return bias_; }
  bool has_bias() const { return use_bias_; }

 protected:
  Shape do_build(const Shape& input_shape) override;
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;

 private:
  int64_t units_;
  bool use_bias_;
  std::string init_;
  double std_;
  Param weight_;  // [H, D]
  Param bias_;    // [H]
};

}  // namespace minima
