#pragma once
// conv2d: 2-D convolution (cross-correlation, as PyTorch's Conv2d) of a
// per-sample image [C, H, W] with O filters [C, k, k], lowered to GEMMs
// (im2col: one column per output position), a chunk of samples at a time,
// each thread on a share of the batch of its own (its patches stay in its
// core's cache for its GEMMs).
// Weight [O, C, k, k], bias [O], output [O, H', W'].
// Config: {"type": "conv2d", "out_channels": O, "kernel": k, "stride": 1,
//          "padding": 0, "bias": true,
//          "init": "he" | "xavier" | "gaussian" | "zeros", "std": 0.01}
// Shape legend: N batch, C channels in, O out, P = H' W' output positions,
// K = C k k patch elements (layers/window2d.hpp).
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/layers/window2d.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

// Conv2d's settings besides out_channels and kernel, with their defaults
// (the config's keys of the same names): Conv2d(16, 5, {.padding = 2}).
struct Conv2dOptions {
  int64_t stride = 1;
  int64_t padding = 0;  // zeros on every side
  bool bias = true;
  std::string init = "he";  // one of weight_inits()
  double std = 0.01;        // the weights' standard deviation with init "gaussian"
};

class Conv2d : public UnaryLayer {
 public:
  using Options = Conv2dOptions;
  // Throws OptionError for out_channels or kernel <= 0, stride <= 0,
  // padding < 0, an unknown init or std <= 0.
  Conv2d(int64_t out_channels, int64_t kernel, Options options = {});
  // Reads "out_channels", "kernel" and the keys of Options.
  explicit Conv2d(ConfigObject& args);

  std::string type() const override { return "conv2d"; }
  static constexpr LayerTraits kTraits{.accepts_folded_scale = true};
  const LayerTraits& traits() const override { return kTraits; }
  json config() const override;
  InputForm input_form() const override { return InputForm::Image; }
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
  // One thread's share of the batch: its chunk buffers (a chunk of n
  // samples uses their first n P columns; P = H' W' output positions per
  // sample, K = C k k) and its share of the gradients.
  struct Part {
    Tensor cols;      // [K, chunk P] im2col: one patch per column (zeros in the padding)
    Tensor products;  // [O, chunk P] forward: W cols; backward: dy, samples side by side
    Tensor dcols;     // [K, chunk P] dcols = W^T dy, before col2im
    Tensor dweight;   // [O, K] this part's dW
    std::vector<double> bias_sums;  // [O] this part's db
  };

  void check() const;
  // The parts a batch is cut into: one per pool thread, at most one per
  // sample; their buffers are made the first time there are that many.
  int64_t prepare_parts(int64_t batch);
  // visit(first, n) for the chunks of part `part` of `parts`: the samples
  // [batch part / parts, batch (part + 1) / parts), chunk_ at a time.
  template <class Visit>
  void for_each_chunk(int64_t batch, int64_t parts, int64_t part, const Visit& visit) const;
  void im2col(const Tensor& x, int64_t first, int64_t n, Tensor& cols) const;

  int64_t out_channels_;  // O
  Options options_;
  Window2d window_;
  int64_t channels_ = 0, height_ = 0, width_ = 0;  // C, H, W
  int64_t out_height_ = 0, out_width_ = 0;         // H', W'
  std::vector<Window2d::Runs> runs_;               // [k k] window_.element_runs(H, W)
  Param weight_;                                   // [O, C, k, k]
  Param bias_;                                     // [O]
  int64_t chunk_ = 1;                              // samples per chunk
  std::vector<Part> parts_;
};

}  // namespace minima
