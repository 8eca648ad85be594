#pragma once
// dense: y = x W^T + b, PyTorch Linear layout (W is [H, D]).
// Config: {"type": "dense", "units": H, "bias": true,
//          "init": "he" | "xavier" | "gaussian" | "zeros", "std": 0.01}
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

// Dense's settings besides its width, with their defaults (the config's
// keys of the same names): Dense(100, {.bias = false}).
struct DenseOptions {
  bool bias = true;
  std::string init = "he";  // one of Dense::inits()
  double std = 0.01;        // the weights' standard deviation with init "gaussian"
};

class Dense : public UnaryLayer {
 public:
  using Options = DenseOptions;
  // Throws OptionError for units <= 0, an unknown init or std <= 0.
  explicit Dense(int64_t units, Options options = {});
  // Reads "units" and the keys of Options.
  explicit Dense(ConfigObject& args);
  // The weight initialisations "init" may name, in the order messages list them.
  static const std::vector<std::string>& inits();

  std::string type() const override { return "dense"; }
  static constexpr LayerTraits kTraits{.accepts_folded_scale = true};
  const LayerTraits& traits() const override { return kTraits; }
  InputForm input_form() const override { return InputForm::Flat; }
  json config() const override;
  void init_params(Rng& rng) override;
  void to_onnx(OnnxScope& scope) const override;

  Param& weight() { return weight_; }
  Param& bias() { return bias_; }
  bool has_bias() const { return options_.bias; }

 protected:
  Shape do_build(const Shape& input_shape) override;
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;

 private:
  void check() const;

  int64_t units_;
  Options options_;
  Param weight_;  // [H, D]
  Param bias_;    // [H]
};

}  // namespace minima
