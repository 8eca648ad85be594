#include <minima/layers/batchnorm.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <minima/config/option_error.hpp>
#include <minima/core/parallel.hpp>
#include <minima/nn/layer_registry.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("batchnorm", BatchNorm);

namespace {

// Column sums over the batch run in blocks of rows: each block adds its
// rows in float into a slot of its own (vector instructions take 8 floats,
// 4 doubles; 16 terms lose at most ~16 float ulps), then the blocks are
// added in order in double. Blocks are whole rows of parallel_for's aligned
// chunks, so any thread count, and any thread taking any chunk, gives the
// same bits.
constexpr int64_t kBlockRows = kChunkAlign;
// Forward and backward each read a row's features in two passes or more.
constexpr int64_t kRowPasses = 2;

// x - mu with mu held as mean + rest (see compute_batch_statistics): exact
// in float when x is near the mean.
inline float centered(float x, float mean, float rest) { return (x - mean) - rest; }

// sums[t][k] = the sum over rows i of term t, which add_row(i, acc) adds
// into acc[t * d + k] for every feature k.
template <size_t Terms, class AddRow>
void column_sums(int64_t m, int64_t d, std::vector<float>& partials,
                 const std::array<double*, Terms>& sums, const AddRow& add_row) {
  const int64_t blocks = (m + kBlockRows - 1) / kBlockRows, width = int64_t(Terms) * d;
  if (partials.size() < size_t(blocks * width))
    partials.resize(size_t(blocks * width));  // once per batch size
  float* base = partials.data();
  parallel_for(m, std::max(kBlockRows, grain_for(kRowPasses * d)),
               [=, &add_row](int64_t begin, int64_t end) {
                 for (int64_t first = begin; first < end; first += kBlockRows) {
                   float* acc = base + first / kBlockRows * width;
                   std::fill(acc, acc + width, 0.0f);
                   for (int64_t i = first; i < std::min(end, first + kBlockRows); ++i)
                     add_row(i, acc);
                 }
               });
  for (size_t t = 0; t < Terms; ++t) {
    double* sum = sums[t];
    std::fill(sum, sum + d, 0.0);
    for (int64_t b = 0; b < blocks; ++b) {
      const float* acc = base + b * width + int64_t(t) * d;
      for (int64_t k = 0; k < d; ++k) sum[k] += acc[k];
    }
  }
}

BatchNormOptions read_options(ConfigObject& args) {
  const BatchNormOptions defaults;
  return {
      .eps = args.get<double>("eps", defaults.eps),
      .momentum = args.get_nullable<double>("momentum", defaults.momentum),
      .affine = args.get<bool>("affine", defaults.affine),
      .track_running_stats = args.get<bool>("track_running_stats", defaults.track_running_stats)};
}

}  // namespace

BatchNorm::BatchNorm(Options options)
    : eps_(options.eps),
      momentum_(options.momentum),
      affine_(options.affine),
      track_(options.track_running_stats) {
  expect_option(eps_ > 0, "batchnorm", "eps", "a positive number");
  expect_option(!momentum_ || (*momentum_ >= 0 && *momentum_ <= 1), "batchnorm", "momentum",
                "a number in [0, 1] or null");
}

BatchNorm::BatchNorm(ConfigObject& args) : BatchNorm(read_options(args)) {}

json BatchNorm::config() const {
  return {{"eps", eps_},
          {"momentum", momentum_ ? json(*momentum_) : json(nullptr)},
          {"affine", affine_},
          {"track_running_stats", track_}};
}

Shape BatchNorm::do_build(const Shape& input_shape) {
  if (input_shape.rank() != 1)
    throw std::invalid_argument(
        "batchnorm normalizes feature vectors; its input must be [N, D], got per-sample shape " +
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
  mean_rest_ = Tensor(Shape{features_});
  inv_std_ = Tensor(Shape{features_});
  center_.assign(features_, 0.0);
  var_.assign(features_, 0.0);
  sum_dy_.assign(features_, 0.0);
  sum_dy_xc_.assign(features_, 0.0);
  factors_ = Tensor(Shape{3, features_});
  return input_shape;
}

void BatchNorm::init_params(Rng&) {
  if (!affine_) return;
  gamma_.value.fill(1.0f);
  beta_.value.zero();
}

// mu = 1/m sum x,  var = 1/m sum (x - mu)^2 (biased): the variance is a
// second pass around the mean, stable for inputs far from zero. The first
// pass sums x - x_0 (row 0), which float holds exactly for inputs near each
// other (Sterbenz), so x = 1000 + 0.01 * noise keeps its digits. The mean is
// kept as mean_ + mean_rest_ (its float rounding and the remainder), and
// x - mu = (x - mean_) - mean_rest_ is then accurate in float.
void BatchNorm::compute_batch_statistics(const Tensor& x) {
  const int64_t m = x.dim(0), d = features_;
  const float* in = x.data();
  float *hi = mean_.data(), *lo = mean_rest_.data();
  column_sums<1>(m, d, partials_, {center_.data()}, [=](int64_t i, float* acc) {
    const float* row = in + i * d;
    for (int64_t k = 0; k < d; ++k) acc[k] += row[k] - in[k];
  });
  for (int64_t k = 0; k < d; ++k) {
    center_[k] = double(in[k]) + center_[k] / double(m);
    hi[k] = float(center_[k]);
    lo[k] = float(center_[k] - double(hi[k]));
  }
  column_sums<1>(m, d, partials_, {var_.data()}, [=](int64_t i, float* acc) {
    const float* row = in + i * d;
    for (int64_t k = 0; k < d; ++k) {
      const float c = centered(row[k], hi[k], lo[k]);
      acc[k] += c * c;
    }
  });
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
    running_var_.value[k] =
        float((1.0 - factor) * running_var_.value[k] + factor * var_[k] * unbias);
  }
}

void BatchNorm::do_forward(const Tensor& x, Tensor& y, Mode mode) {
  const int64_t m = x.dim(0), d = features_;
  used_batch_stats_ = mode == Mode::Train || !track_;
  if (used_batch_stats_) {
    // Like PyTorch, also in Eval without running statistics.
    if (m < 2)
      throw std::invalid_argument(
          "batchnorm '" + name() + "': " +
          (mode == Mode::Train ? "a training batch" : "a batch without running statistics") +
          " needs more than one sample per feature (got a batch of " + std::to_string(m) + ")");
    compute_batch_statistics(x);
    if (mode == Mode::Train && track_) update_running_statistics(m);
  } else {
    for (int64_t k = 0; k < d; ++k) {
      mean_[k] = running_mean_.value[k];
      mean_rest_[k] = 0.0f;
      inv_std_[k] = float(1.0 / std::sqrt(double(running_var_.value[k]) + eps_));
    }
  }
  // y = gamma * (x - mu) * inv_std + beta = (x - mu) * scale + beta.
  float *scale = factors_.data(), *shift = scale + d;
  for (int64_t k = 0; k < d; ++k) {
    scale[k] = float((affine_ ? gamma_.value[k] : 1.0f) * double(inv_std_[k]));
    shift[k] = affine_ ? beta_.value[k] : 0.0f;
  }
  const float *in = x.data(), *hi = mean_.data(), *lo = mean_rest_.data();
  float* out = y.data();
  parallel_for(m, grain_for(kRowPasses * d), [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      for (int64_t k = 0; k < d; ++k)
        out[i * d + k] = centered(in[i * d + k], hi[k], lo[k]) * scale[k] + shift[k];
  });
}

// With xhat = (x - mu) * inv_std (Ioffe & Szegedy, sec. 3):
//   dbeta = sum dy,  dgamma = sum dy * xhat,
//   dx = gamma * inv_std / m * (m dy - sum dy - xhat * sum(dy * xhat)),
// computed as dx = a dy - b - c (x - mu) per feature with a = gamma inv_std,
// b = a mean(dy), c = a inv_std^2 mean(dy (x - mu)). When the running
// statistics normalized (eval), mu and inv_std are constants: b = c = 0.
void BatchNorm::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t m = x.dim(0), d = features_;
  const float *in = x.data(), *g = dy.data(), *hi = mean_.data(), *lo = mean_rest_.data();
  const float* inv_std = inv_std_.data();
  if (affine_ || used_batch_stats_) {
    column_sums<2>(m, d, partials_, {sum_dy_.data(), sum_dy_xc_.data()},
                   [=](int64_t i, float* acc) {
                     const float *xr = in + i * d, *gr = g + i * d;
                     float* acc_xc = acc + d;
                     for (int64_t k = 0; k < d; ++k) {
                       acc[k] += gr[k];
                       acc_xc[k] += gr[k] * centered(xr[k], hi[k], lo[k]);
                     }
                   });
  }
  if (affine_) {
    for (int64_t k = 0; k < d; ++k) {
      beta_.grad[k] += float(sum_dy_[k]);
      gamma_.grad[k] += float(sum_dy_xc_[k] * inv_std[k]);
    }
  }
  float *a = factors_.data(), *b = a + d, *c = a + 2 * d;
  for (int64_t k = 0; k < d; ++k) {
    const double scale = (affine_ ? gamma_.value[k] : 1.0f) * double(inv_std[k]);
    a[k] = float(scale);
    b[k] = used_batch_stats_ ? float(scale * sum_dy_[k] / double(m)) : 0.0f;
    c[k] = used_batch_stats_ ? float(scale * inv_std[k] * inv_std[k] * sum_dy_xc_[k] / double(m))
                             : 0.0f;
  }
  float* out = dx.data();
  parallel_for(m, grain_for(kRowPasses * d), [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      for (int64_t k = 0; k < d; ++k)
        out[i * d + k] = a[k] * g[i * d + k] - b[k] - c[k] * centered(in[i * d + k], hi[k], lo[k]);
  });
}

}  // namespace minima
