#include <minima/layers/avgpool2d.hpp>

#include <algorithm>

#include <minima/nn/layer_registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("avgpool2d", AvgPool2d);

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
  for_each_plane(x.dim(0), [=, this](int64_t j) {
    float* plane = d + j * hw;
    std::fill_n(plane, hw, 0.0f);
    for (const Window2d::Runs& runs : runs_) window_.scatter_add(runs, g + j * p_out, scale, plane);
  });
}

}  // namespace minima
