#pragma once
// dropout: inverted dropout (Srivastava et al. 2014, as in PyTorch). In
// Train mode each element is kept with probability 1 - p and kept elements
// are scaled by 1/(1-p), so the expected output equals the input and Eval
// mode is the identity.
// Config: {"type": "dropout", "p": 0.5}, p in [0, 1).
//
// Masks come from the layer's own random stream: a copy of the Rng given to
// init_params (in a Graph, Rng::keyed(seed, layer name)), so the same seed
// gives the same masks. The stream's position is saved in train_state (not
// in the model, as PyTorch's Dropout has no state), so resume is bit-exact.
#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

class Dropout : public UnaryLayer {
 public:
  static constexpr double kDefaultP = 0.5;
  // Throws OptionError unless p is in [0, 1): Dropout(0.2).
  explicit Dropout(double p = kDefaultP);
  // Reads "p".
  explicit Dropout(ConfigObject& args);
  std::string type() const override { return "dropout"; }
  json config() const override { return {{"p", p_}}; }
  void init_params(Rng& rng) override { stream_ = rng; }
  Rng* random_stream() override { return &stream_; }
  void to_onnx(OnnxScope& scope) const override;

  double p() const { return p_; }
  // The last Train forward's mask, [N, ...]: 0 (dropped) or 1/(1-p) (kept).
  const Tensor& mask() const { return mask_; }
  // For gradient checks, where L(v + h) and L(v - h) must see one mask:
  // while held, every Train forward reuses the mask drawn by the first Train
  // forward after hold_mask(true) (the batch shape must not change).
  void hold_mask(bool hold);

 protected:
  Shape do_build(const Shape& input_shape) override { return input_shape; }
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;

 private:
  void draw_mask(const Shape& shape);

  double p_;
  Rng stream_;
  Tensor mask_;  // [N, ...]
  bool hold_ = false, mask_drawn_ = false;
  bool masked_ = false;  // the last forward applied mask_ (Train) rather than the identity (Eval)
};

}  // namespace minima
