#include <minima/layers/dense.hpp>

#include <algorithm>
#include <cmath>

#include <minima/core/blas.hpp>
#include <minima/core/parallel.hpp>
#include <minima/nn/registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("dense", Dense);

Dense::Dense(ConfigObject& args)
    : units_(args.required<int64_t>("units")),
      use_bias_(args.get<bool>("bias", true)),
      init_(args.get<std::string>("init", "he")),
      std_(args.get<double>("std", 0.01)) {
  args.expect(units_ > 0, "units", "a positive integer");
  args.expect(init_ == "he" || init_ == "xavier" || init_ == "gaussian" || init_ == "zeros", "init",
              "one of \"he\", \"xavier\", \"gaussian\", \"zeros\"");
  args.expect(std_ > 0, "std", "a positive number");
}

json Dense::config() const {
  json c = {{"units", units_}, {"bias", use_bias_}, {"init", init_}};
  if (init_ == "gaussian") c["std"] = std_;
  return c;
}

Shape Dense::do_build(const Shape& input_shape) {
  add_param(weight_, "weight", Shape{units_, input_shape.numel()});
  if (use_bias_) add_param(bias_, "bias", Shape{units_});
  return Shape{units_};
}

void Dense::init_params(Rng& rng) {
  const double fan_in = double(weight_.value.dim(1)), fan_out = double(units_);
  Tensor& w = weight_.value;
  for (int64_t k = 0; k < w.numel(); ++k) {
    if (init_ == "he")  // Kaiming normal for ReLU: std = sqrt(2 / fan_in)
      w[k] = float(rng.normal() * std::sqrt(2.0 / fan_in));
    else if (init_ == "xavier")  // Glorot uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
      w[k] = float((2.0 * rng.uniform() - 1.0) * std::sqrt(6.0 / (fan_in + fan_out)));
    else if (init_ == "gaussian")
      w[k] = float(rng.normal() * std_);
    else
      w[k] = 0.0f;
  }
  if (use_bias_) bias_.value.zero();
}

void Dense::do_forward(const Tensor& x, Tensor& y, Mode) {
  // x: [N, D], y: [N, H]. The bias is fused: rows of y start as b, then
  // GEMM adds x W^T on top (beta = 1).
  float beta = 0.0f;
  if (use_bias_) {
    const float* b = bias_.value.data();
    float* out = y.data();
    const int64_t h = units_;
    parallel_for(y.dim(0), grain_for(h), [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) std::copy(b, b + h, out + i * h);
    });
    beta = 1.0f;
  }
  gemm(x, Trans::No, weight_.value, Trans::Yes, y, 1.0f, beta);
}

// dx = dy W;  dW += dy^T x;  db += sum over rows of dy.
void Dense::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  if (needs_input_grad()) gemm(dy, Trans::No, weight_.value, Trans::No, dx);
  gemm(dy, Trans::Yes, x, Trans::No, weight_.grad, 1.0f, 1.0f);
  if (use_bias_) {
    float* db = bias_.grad.data();
    const float* g = dy.data();
    const int64_t n = dy.dim(0), h = units_;
    parallel_for(h, grain_for(n), [=](int64_t begin, int64_t end) {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = begin; j < end; ++j) db[j] += g[i * h + j];
    });
  }
}

}  // namespace minima
