#include <minima/layers/maxpool2d.hpp>

#include <algorithm>
#include <limits>

#include <minima/nn/layer_registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("maxpool2d", MaxPool2d);

MaxPool2d::MaxPool2d(int64_t kernel, Options options) : Pool2d("maxpool2d", kernel, options) {}

MaxPool2d::MaxPool2d(ConfigObject& args) : Pool2d("maxpool2d", args) {}

Shape MaxPool2d::do_build(const Shape& input_shape) {
  const Shape out = Pool2d::do_build(input_shape);
  offsets_ = window_.offsets(height_, width_);
  return out;
}

// y[n, c, p] = max over q of x[n, c, offsets[p, q]] (padding skipped);
// argmax[n, c, p] = the first pixel holding it.
void MaxPool2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t hw = pixels_, p_out = positions_, kk = window_.kernel * window_.kernel;
  if (argmax_.size() < size_t(y.numel())) argmax_.resize(size_t(y.numel()));  // grows only
  const int32_t* offsets = offsets_.data();
  const float* in = x.data();
  float* out = y.data();
  int32_t* argmax = argmax_.data();
  for_each_plane(x.dim(0), [=](int64_t j) {
    const float* plane = in + j * hw;
    for (int64_t p = 0; p < p_out; ++p) {
      float best = -std::numeric_limits<float>::infinity();
      int32_t where = -1;
      for (int64_t q = 0; q < kk; ++q) {
        const int32_t at = offsets[p * kk + q];
        if (at >= 0 && (where < 0 || plane[at] > best)) {
          best = plane[at];
          where = at;
        }
      }
      out[j * p_out + p] = best;
      argmax[j * p_out + p] = where;
    }
  });
}

// dx[n, c, argmax[n, c, p]] += dy[n, c, p], from dx = 0.
void MaxPool2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t hw = pixels_, p_out = positions_;
  const int32_t* argmax = argmax_.data();
  const float* g = dy.data();
  float* d = dx.data();
  for_each_plane(x.dim(0), [=](int64_t j) {
    float* plane = d + j * hw;
    std::fill(plane, plane + hw, 0.0f);
    for (int64_t p = 0; p < p_out; ++p) plane[argmax[j * p_out + p]] += g[j * p_out + p];
  });
}

// ONNX: MaxPool (padding never wins a window's maximum, as here).
void MaxPool2d::to_onnx(OnnxScope& scope) const { pool_node(scope, "MaxPool"); }

}  // namespace minima
