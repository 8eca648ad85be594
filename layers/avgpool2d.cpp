#include <minima/layers/avgpool2d.hpp>

#include <algorithm>

#include <minima/nn/layer_registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("avgpool2d", AvgPool2d);

AvgPool2d::AvgPool2d(int64_t kernel, Options options) : Pool2d("avgpool2d", kernel, options) {}

AvgPool2d::AvgPool2d(ConfigObject& args) : Pool2d("avgpool2d", args) {}

// y[n, c, p] = 1/kk * sum over q of x[n, c, offsets[p, q]] (padding adds 0).
void AvgPool2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t hw = pixels_, p_out = positions_, kk = window_.kernel * window_.kernel;
  const float scale = 1.0f / float(kk);
  const int32_t* offsets = offsets_.data();
  const float* in = x.data();
  float* out = y.data();
  for_each_plane(x.dim(0), [=](int64_t j) {
    const float* plane = in + j * hw;
    for (int64_t p = 0; p < p_out; ++p) {
      float sum = 0.0f;
      for (int64_t q = 0; q < kk; ++q) {
        const int32_t at = offsets[p * kk + q];
        if (at >= 0) sum += plane[at];
      }
      out[j * p_out + p] = sum * scale;
    }
  });
}

// dx[n, c, offsets[p, q]] += dy[n, c, p] / kk for every q, from dx = 0.
void AvgPool2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t hw = pixels_, p_out = positions_, kk = window_.kernel * window_.kernel;
  const float scale = 1.0f / float(kk);
  const int32_t* offsets = offsets_.data();
  const float* g = dy.data();
  float* d = dx.data();
  for_each_plane(x.dim(0), [=](int64_t j) {
    float* plane = d + j * hw;
    std::fill(plane, plane + hw, 0.0f);
    for (int64_t p = 0; p < p_out; ++p) {
      const float share = g[j * p_out + p] * scale;
      for (int64_t q = 0; q < kk; ++q) {
        const int32_t at = offsets[p * kk + q];
        if (at >= 0) plane[at] += share;
      }
    }
  });
}

}  // namespace minima
