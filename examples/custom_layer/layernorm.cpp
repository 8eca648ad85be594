#include "layernorm.hpp"

#include <cmath>
#include <stdexcept>

#include <minima/nn/layer_registry.hpp>

// The one line that makes "layernorm" usable in any config.
MINIMA_REGISTER_LAYER("layernorm", LayerNorm);

LayerNorm::LayerNorm(minima::ConfigObject& args) : eps_(args.get<double>("eps", 1e-5)) {
  args.expect(eps_ > 0, "eps", "a positive number");
}

minima::Shape LayerNorm::do_build(const minima::Shape& input_shape) {
  if (input_shape.rank() != 1)
    throw std::invalid_argument("layernorm normalizes feature vectors, got per-sample shape " +
                                input_shape.str());
  features_ = input_shape[0];
  add_param(gamma_, "weight", minima::Shape{features_});
  add_param(beta_, "bias", minima::Shape{features_});
  return input_shape;
}

void LayerNorm::init_params(minima::Rng&) {
  gamma_.value.fill(1.0f);
  beta_.value.zero();
}

// Per sample i: mu_i = 1/D sum_k x_ik, var_i = 1/D sum_k (x_ik - mu_i)^2,
// xhat_ik = (x_ik - mu_i) / sqrt(var_i + eps), y_ik = gamma_k xhat_ik + beta_k.
void LayerNorm::do_forward(const minima::Tensor& x, minima::Tensor& y, minima::Mode) {
  const int64_t n = x.dim(0), d = features_;
  xhat_.resize(x.shape());  // grows only: no allocation once the batch size is seen
  inv_std_.resize(minima::Shape{n});
  for (int64_t i = 0; i < n; ++i) {
    const float* in = x.data() + i * d;
    double mean = 0.0, var = 0.0;
    for (int64_t k = 0; k < d; ++k) mean += in[k];
    mean /= double(d);
    for (int64_t k = 0; k < d; ++k) var += (in[k] - mean) * (in[k] - mean);
    var /= double(d);
    inv_std_[i] = float(1.0 / std::sqrt(var + eps_));
    float* xh = xhat_.data() + i * d;
    float* out = y.data() + i * d;
    for (int64_t k = 0; k < d; ++k) {
      xh[k] = float((in[k] - mean) * inv_std_[i]);
      out[k] = gamma_.value[k] * xh[k] + beta_.value[k];
    }
  }
}

// With g_k = dy_k * gamma_k (the gradient w.r.t. xhat), per sample:
//   dx_k = inv_std / D * (D g_k - sum_j g_j - xhat_k sum_j g_j xhat_j)
// (BatchNorm's formula with the roles of batch and features swapped), and
// over the batch: dgamma_k += sum_i dy_ik xhat_ik, dbeta_k += sum_i dy_ik.
void LayerNorm::do_backward(const minima::Tensor&, const minima::Tensor&, const minima::Tensor& dy,
                            minima::Tensor& dx) {
  const int64_t n = dy.dim(0), d = features_;
  for (int64_t i = 0; i < n; ++i) {
    const float* g_out = dy.data() + i * d;
    const float* xh = xhat_.data() + i * d;
    float* out = dx.data() + i * d;
    double sum_g = 0.0, sum_g_xhat = 0.0;
    for (int64_t k = 0; k < d; ++k) {
      const double g = double(g_out[k]) * gamma_.value[k];
      sum_g += g;
      sum_g_xhat += g * xh[k];
      gamma_.grad[k] += g_out[k] * xh[k];
      beta_.grad[k] += g_out[k];
    }
    const double scale = inv_std_[i] / double(d);
    for (int64_t k = 0; k < d; ++k) {
      const double g = double(g_out[k]) * gamma_.value[k];
      out[k] = float(scale * (double(d) * g - sum_g - xh[k] * sum_g_xhat));
    }
  }
}
