#include <minima/layers/avgpool2d.hpp>

#include <algorithm>

#include <minima/core/vector_clones.hpp>
#include <minima/nn/layer_registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("avgpool2d", AvgPool2d);

namespace {

// 2x2 windows side by side (stride 2, no padding: LeNet's pooling, and most
// CNNs') have loops of their own, a fixed stride that vectorizes: each
// output row in one pass over two input rows, each input pixel's gradient
// written once. The runs instead make four passes with a stride known only
// at run time, and backward clears the plane first.

// y[oh, ow] = (x[2 oh, 2 ow] + x[2 oh, 2 ow + 1] + x[2 oh + 1, 2 ow] + x[2 oh + 1, 2 ow + 1]) / 4,
// added in the runs' order (window element by element).
MINIMA_VECTOR_CLONES void pool_2x2(const float* x, int64_t w, int64_t out_h, int64_t out_w,
                                   float* y) {
  for (int64_t oh = 0; oh < out_h; ++oh) {
    const float* top = x + 2 * oh * w;
    const float* bottom = top + w;
    float* row = y + oh * out_w;
    for (int64_t ow = 0; ow < out_w; ++ow)
      row[ow] = (((top[2 * ow] + top[2 * ow + 1]) + bottom[2 * ow]) + bottom[2 * ow + 1]) * 0.25f;
  }
}

// dx[2 oh + a, 2 ow + b] = dy[oh, ow] / 4 for a, b in {0, 1}; the last row or
// column of an odd H or W lies in no window: 0.
MINIMA_VECTOR_CLONES void unpool_2x2(const float* dy, int64_t h, int64_t w, int64_t out_h,
                                     int64_t out_w, float* dx) {
  for (int64_t oh = 0; oh < out_h; ++oh) {
    float* top = dx + 2 * oh * w;
    float* bottom = top + w;
    const float* row = dy + oh * out_w;
    for (int64_t ow = 0; ow < out_w; ++ow) {
      const float share = row[ow] * 0.25f;
      top[2 * ow] = top[2 * ow + 1] = bottom[2 * ow] = bottom[2 * ow + 1] = share;
    }
    if (w > 2 * out_w) top[w - 1] = bottom[w - 1] = 0.0f;
  }
  if (h > 2 * out_h) std::fill_n(dx + (h - 1) * w, w, 0.0f);
}

}  // namespace

AvgPool2d::AvgPool2d(int64_t kernel, Options options) : Pool2d("avgpool2d", kernel, options) {}

AvgPool2d::AvgPool2d(ConfigObject& args) : Pool2d("avgpool2d", args) {}

Shape AvgPool2d::do_build(const Shape& input_shape) {
  const Shape out = Pool2d::do_build(input_shape);
  runs_ = window_.element_runs(height_, width_);
  return out;
}

// y[n, c, oh, ow] = 1/kk * sum over ki, kj of x[n, c, oh s - pad + ki, ow s - pad + kj]
// (the padding adds 0), the window's elements added in order.
void AvgPool2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t hw = pixels_, p_out = positions_;
  const float scale = 1.0f / float(window_.kernel * window_.kernel);
  const float* in = x.data();
  float* out = y.data();
  if (side_by_side_2x2()) {
    const int64_t w = width_, out_h = height_ / 2, out_w = width_ / 2;
    for_each_plane(x.dim(0),
                   [=](int64_t j) { pool_2x2(in + j * hw, w, out_h, out_w, out + j * p_out); });
    return;
  }
  for_each_plane(x.dim(0), [=, this](int64_t j) {
    float* sums = out + j * p_out;
    std::fill_n(sums, p_out, 0.0f);
    for (const Window2d::Runs& runs : runs_) window_.gather_add(runs, in + j * hw, sums);
    for (int64_t p = 0; p < p_out; ++p) sums[p] *= scale;
  });
}

// dx[n, c, ih, iw] = sum of dy[n, c, p] / kk over the windows p that hold it.
void AvgPool2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t hw = pixels_, p_out = positions_;
  const float scale = 1.0f / float(window_.kernel * window_.kernel);
  const float* g = dy.data();
  float* d = dx.data();
  if (side_by_side_2x2()) {
    const int64_t h = height_, w = width_, out_h = height_ / 2, out_w = width_ / 2;
    for_each_plane(x.dim(0),
                   [=](int64_t j) { unpool_2x2(g + j * p_out, h, w, out_h, out_w, d + j * hw); });
    return;
  }
  for_each_plane(x.dim(0), [=, this](int64_t j) {
    float* plane = d + j * hw;
    std::fill_n(plane, hw, 0.0f);
    for (const Window2d::Runs& runs : runs_) window_.scatter_add(runs, g + j * p_out, scale, plane);
  });
}

// ONNX: AveragePool with count_include_pad = 1: padding counts as zeros and
// every window divides by k k, as here.
void AvgPool2d::to_onnx(OnnxScope& scope) const {
  pool_node(scope, "AveragePool").attribute("count_include_pad", int64_t(1));
}

}  // namespace minima
