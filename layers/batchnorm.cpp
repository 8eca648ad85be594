#include "layers/batchnorm.hpp"

#include <cmath>
#include <stdexcept>

#include "framework/registry.hpp"

namespace minima {

MINIMA_REGISTER_LAYER("batchnorm", BatchNorm);

BatchNorm::BatchNorm(ConfigObject& args)
    : eps_(args.get<double>("eps", 1e-5)),
      momentum_(args.get_nullable<double>("momentum", 0.1)),
      affine_(args.get<bool>("affine", true)),
      track_(args.get<bool>("track_running_stats", true)) {
  args.expect(eps_ > 0, "eps", "a positive number");
  args.expect(!momentum_ || (*momentum_ >= 0 && *momentum_ <= 1), "momentum", "a number in [0, 1] or null");
}

json BatchNorm::config() const {
  return {{"eps", eps_},
          {"momentum", momentum_ ? json(*momentum_) : json(nullptr)},
          {"affine", affine_},
          {"track_running_stats", track_}};
}

Shape BatchNorm::do_build(const Shape& input_shape) {
  if (input_shape.rank() != 1)
    throw std::invalid_argument("batchnorm normalizes feature vectors; its input must be [N, D], got per-sample shape " +
                                input_shape.str() + " (put it after a dense layer)");
  features_ = input_shape[0];
  if (affine_) {
    add_param(gamma_, "weight", Shape{features_});
    add_param(beta_, "bias", Shape{features_});
  }
  if (track_) {
    add_buffer(running_mean_, "running_mean", Shape{features_}, 0.0f);
    add_buffer(running_var_, "running_var", Shape{features_}, 1.0f);
    add_buffer(num_batches_tracked_, "num_batches_tracked", Shape{1}, 0.0f, true);
  }
  mean_ = Tensor(Shape{features_});
  inv_std_ = Tensor(Shape{features_});
  center_.assign(features_, 0.0);
  var_.assign(features_, 0.0);
  sum_dy_.assign(features_, 0.0);
  sum_dy_xhat_.assign(features_, 0.0);
  return input_shape;
}

void BatchNorm::init_params(Rng&) {
  if (!affine_) return;
  gamma_.value.fill(1.0f);
  beta_.value.zero();
}

// mu = 1/m sum x,  var = 1/m sum (x - mu)^2 (biased), in double and in two
// passes: stable for inputs far from zero.
void BatchNorm::compute_batch_statistics(const Tensor& x) {
  const int64_t m = x.dim(0), d = features_;
  std::fill(center_.begin(), center_.end(), 0.0);
  std::fill(var_.begin(), var_.end(), 0.0);
  for (int64_t i = 0; i < m; ++i) {
    const float* row = x.data() + i * d;
    for (int64_t k = 0; k < d; ++k) center_[k] += row[k];
  }
  for (int64_t k = 0; k < d; ++k) {
    center_[k] /= double(m);
    mean_[k] = float(center_[k]);
  }
  for (int64_t i = 0; i < m; ++i) {
    const float* row = x.data() + i * d;
    for (int64_t k = 0; k < d; ++k) {
      const double c = double(row[k]) - center_[k];
      var_[k] += c * c;
    }
  }
  for (int64_t k = 0; k < d; ++k) {
    var_[k] /= double(m);
    inv_std_[k] = float(1.0 / std::sqrt(var_[k] + eps_));
  }
}

// r = (1 - momentum) r + momentum * stat, with the unbiased variance
// m/(m-1) var for running_var (PyTorch). momentum null: cumulative average,
// momentum = 1 / num_batches_tracked.
void BatchNorm::update_running_statistics(int64_t m) {
  num_batches_tracked_.value[0] += 1.0f;
  const double factor = momentum_ ? *momentum_ : 1.0 / double(num_batches_tracked_.value[0]);
  const double unbias = double(m) / double(m - 1);
  for (int64_t k = 0; k < features_; ++k) {
    running_mean_.value[k] = float((1.0 - factor) * running_mean_.value[k] + factor * center_[k]);
    running_var_.value[k] = float((1.0 - factor) * running_var_.value[k] + factor * var_[k] * unbias);
  }
}

void BatchNorm::do_forward(const Tensor& x, Tensor& y, Mode mode) {
  const int64_t m = x.dim(0), d = features_;
  used_batch_stats_ = mode == Mode::Train || !track_;
  if (used_batch_stats_) {
    // Like PyTorch, also in Eval without running statistics.
    if (m < 2)
      throw std::invalid_argument("batchnorm '" + name() + "': " +
                                  (mode == Mode::Train ? "a training batch" : "a batch without running statistics") +
                                  " needs more than one sample per feature (got a batch of " + std::to_string(m) + ")");
    compute_batch_statistics(x);
    if (mode == Mode::Train && track_) update_running_statistics(m);
  } else {
    for (int64_t k = 0; k < d; ++k) {
      center_[k] = running_mean_.value[k];
      mean_[k] = running_mean_.value[k];
      inv_std_[k] = float(1.0 / std::sqrt(double(running_var_.value[k]) + eps_));
    }
  }
  // y = gamma * (x - mu) * inv_std + beta = (x - mu) * scale + beta per
  // feature, with x - mu in double: for x = 1000 + 0.01 * noise a float mu
  // (or x * scale + shift) would round away the digits that matter.
  const float* gamma = affine_ ? gamma_.value.data() : nullptr;
  const float* beta = affine_ ? beta_.value.data() : nullptr;
  double* scale = sum_dy_.data();  // borrowed as scratch: free until backward
  for (int64_t k = 0; k < d; ++k) scale[k] = (gamma ? gamma[k] : 1.0f) * double(inv_std_[k]);
  for (int64_t i = 0; i < m; ++i) {
    const float* in = x.data() + i * d;
    float* out = y.data() + i * d;
    for (int64_t k = 0; k < d; ++k) out[k] = float((double(in[k]) - center_[k]) * scale[k] + (beta ? beta[k] : 0.0f));
  }
}

// With xhat = (x - mu) * inv_std (Ioffe & Szegedy, sec. 3):
//   dbeta = sum dy,  dgamma = sum dy * xhat,
//   dx = gamma * inv_std / m * (m dy - sum dy - xhat * sum(dy * xhat)).
// When the running statistics normalized (eval), mu and inv_std are
// constants: dx = gamma * inv_std * dy.
void BatchNorm::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t m = x.dim(0), d = features_;
  double* sdy = sum_dy_.data();
  double* sdyx = sum_dy_xhat_.data();
  std::fill(sdy, sdy + d, 0.0);
  std::fill(sdyx, sdyx + d, 0.0);
  const double* mu = center_.data();
  const float* inv_std = inv_std_.data();
  for (int64_t i = 0; i < m; ++i) {
    const float* in = x.data() + i * d;
    const float* g = dy.data() + i * d;
    for (int64_t k = 0; k < d; ++k) {
      sdy[k] += g[k];
      sdyx[k] += g[k] * (double(in[k]) - mu[k]) * inv_std[k];
    }
  }
  if (affine_) {
    for (int64_t k = 0; k < d; ++k) {
      beta_.grad[k] += float(sdy[k]);
      gamma_.grad[k] += float(sdyx[k]);
    }
  }
  const float* gamma = affine_ ? gamma_.value.data() : nullptr;
  if (!used_batch_stats_) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t k = 0; k < d; ++k)
        dx.data()[i * d + k] = dy.data()[i * d + k] * (gamma ? gamma[k] : 1.0f) * inv_std[k];
    return;
  }
  // Per feature: dx = a * dy - b - c * xhat with a = gamma*inv_std,
  // b = a * mean(dy), c = a * mean(dy * xhat).
  for (int64_t k = 0; k < d; ++k) {
    const double a = (gamma ? gamma[k] : 1.0f) * double(inv_std[k]);
    sdy[k] = a * sdy[k] / double(m);
    sdyx[k] = a * sdyx[k] / double(m);
  }
  for (int64_t i = 0; i < m; ++i) {
    const float* in = x.data() + i * d;
    const float* g = dy.data() + i * d;
    float* out = dx.data() + i * d;
    for (int64_t k = 0; k < d; ++k) {
      const double a = (gamma ? gamma[k] : 1.0f) * double(inv_std[k]);
      const double xhat = (double(in[k]) - mu[k]) * inv_std[k];
      out[k] = float(a * g[k] - sdy[k] - sdyx[k] * xhat);
    }
  }
}

}  // namespace minima
