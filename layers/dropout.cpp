#include <minima/layers/dropout.hpp>

#include <algorithm>
#include <stdexcept>

#include <minima/config/option_error.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("dropout", Dropout);

Dropout::Dropout(double p) : p_(p) {
  expect_option(p_ >= 0.0 && p_ < 1.0, "dropout", "p", "a drop probability in [0, 1)");
}

Dropout::Dropout(ConfigObject& args) : Dropout(args.get<double>("p", kDefaultP)) {}

void Dropout::hold_mask(bool hold) {
  hold_ = hold;
  mask_drawn_ = false;
}

// mask = 1/(1-p) with probability 1-p, else 0.
void Dropout::draw_mask(const Shape& shape) {
  mask_.resize(shape);
  const float keep_scale = float(1.0 / (1.0 - p_));
  const float p = float(p_);
  float* m = mask_.data();
  for (int64_t k = 0; k < mask_.numel(); ++k) m[k] = stream_.uniform() < p ? 0.0f : keep_scale;
  mask_drawn_ = true;
}

// Train: y = x * mask. Eval: y = x.
void Dropout::do_forward(const Tensor& x, Tensor& y, Mode mode) {
  masked_ = mode == Mode::Train;
  if (!masked_) {
    std::copy(x.data(), x.data() + x.numel(), y.data());
    return;
  }
  if (!hold_ || !mask_drawn_)
    draw_mask(x.shape());
  else if (mask_.shape() != x.shape())
    throw std::invalid_argument("dropout '" + name() + "': the held mask is " +
                                mask_.shape().str() + " but the batch is " + x.shape().str());
  const float *in = x.data(), *m = mask_.data();
  float* out = y.data();
  for (int64_t k = 0; k < x.numel(); ++k) out[k] = in[k] * m[k];
}

// dx = dy * mask (Train), dx = dy (Eval).
void Dropout::do_backward(const Tensor&, const Tensor&, const Tensor& dy, Tensor& dx) {
  const float* g = dy.data();
  float* d = dx.data();
  if (!masked_) {
    std::copy(g, g + dy.numel(), d);
    return;
  }
  const float* m = mask_.data();
  for (int64_t k = 0; k < dy.numel(); ++k) d[k] = g[k] * m[k];
}

// ONNX: Identity, Eval mode's dropout.
void Dropout::to_onnx(OnnxScope& scope) const {
  scope.node("Identity", {scope.inputs()[0]}, scope.output());
}

}  // namespace minima
