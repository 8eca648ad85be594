#include <minima/layers/avgpool2d.hpp>

#include <algorithm>

#include <minima/nn/layer_registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("avgpool2d", AvgPool2d);

AvgPool2d::AvgPool2d(int64_t kernel, Options options) : Pool2d("avgpool2d", kernel, options) {}

AvgPool2d::AvgPool2d(ConfigObject& args) : Pool2d("avgpool2d", args) {}

// y[n, c, oh, ow] = 1/kk * sum over ki, kj of x[n, c, oh s - pad + ki, ow s - pad + kj]
// (the padding adds 0), the window's elements added in order.
void AvgPool2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t h = height_, w = width_, p_out = positions_, k = window_.kernel,
                stride = window_.stride;
  const float scale = 1.0f / float(k * k);
  const float* in = x.data();
  float* out = y.data();
  for_each_plane(x.dim(0), [=, this](int64_t j) {
    const float* plane = in + j * h * w;
    float* sums = out + j * p_out;
    std::fill_n(sums, p_out, 0.0f);
    for (int64_t ki = 0; ki < k; ++ki)
      for (int64_t kj = 0; kj < k; ++kj)
        window_.for_each_run(h, w, ki, kj, [=](int64_t position, int64_t pixel, int64_t count) {
          for (int64_t t = 0; t < count; ++t) sums[position + t] += plane[pixel + t * stride];
        });
    for (int64_t p = 0; p < p_out; ++p) sums[p] *= scale;
  });
}

// dx[n, c, ih, iw] = sum of dy[n, c, p] / kk over the windows p that hold it.
void AvgPool2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t h = height_, w = width_, p_out = positions_, k = window_.kernel,
                stride = window_.stride;
  const float scale = 1.0f / float(k * k);
  const float* g = dy.data();
  float* d = dx.data();
  for_each_plane(x.dim(0), [=, this](int64_t j) {
    const float* share = g + j * p_out;
    float* plane = d + j * h * w;
    std::fill_n(plane, h * w, 0.0f);
    for (int64_t ki = 0; ki < k; ++ki)
      for (int64_t kj = 0; kj < k; ++kj)
        window_.for_each_run(h, w, ki, kj, [=](int64_t position, int64_t pixel, int64_t count) {
          for (int64_t t = 0; t < count; ++t)
            plane[pixel + t * stride] += share[position + t] * scale;
        });
  });
}

}  // namespace minima
