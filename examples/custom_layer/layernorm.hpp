#pragma once
// layernorm: Layer Normalization (Ba, Kiros & Hinton 2016), written outside
// minima against its public API. Where BatchNorm normalizes each feature over
// the batch, LayerNorm normalizes each sample over its features: no batch
// statistics, so train and eval are the same and a batch of one is fine.
// Config: {"type": "layernorm", "eps": 1e-5}
// Params (PyTorch LayerNorm names): weight (gamma) [D], bias (beta) [D].
#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

class LayerNorm : public minima::UnaryLayer {
 public:
  explicit LayerNorm(minima::ConfigObject& args);
  std::string type() const override { return "layernorm"; }
  minima::json config() const override { return {{"eps", eps_}}; }
  void init_params(minima::Rng& rng) override;

 protected:
  minima::Shape do_build(const minima::Shape& input_shape) override;
  void do_forward(const minima::Tensor& x, minima::Tensor& y, minima::Mode mode) override;
  void do_backward(const minima::Tensor& x, const minima::Tensor& y, const minima::Tensor& dy,
                   minima::Tensor& dx) override;

 private:
  double eps_;
  int64_t features_ = 0;        // D
  minima::Param gamma_, beta_;  // [D]
  minima::Tensor xhat_;         // [N, D] the normalized input, from forward
  minima::Tensor inv_std_;      // [N] 1 / sqrt(var_i + eps) per sample
};
