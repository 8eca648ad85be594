#include <minima/layers/batchnorm.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <minima/config/option_error.hpp>
#include <minima/core/parallel.hpp>
#include <minima/core/processes.hpp>
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

// Each of n samples, an [a, b] matrix at from, transposed into [b, a] at
// to: to[(i b + q) a + p] = from[(i a + p) b + q].
void transpose_samples(const float* from, float* to, int64_t n, int64_t a, int64_t b) {
  parallel_for(n, grain_for(a * b), [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      for (int64_t p = 0; p < a; ++p)
        for (int64_t q = 0; q < b; ++q) to[(i * b + q) * a + p] = from[(i * a + p) * b + q];
  });
}

// Runs row(i) for every row i of an [m, d] batch on the pool.
template <class Row>
void for_each_row(int64_t m, int64_t d, const Row& row) {
  parallel_for(m, grain_for(kRowPasses * d), [&row](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) row(i);
  });
}

// The batch mean mu, held as a float plus the remainder its rounding
// dropped (see compute_batch_statistics), so that x - mu is exact in float
// when x is near the mean.
struct SplitMean {
  const float* value;  // [D] float(mu)
  const float* rest;   // [D] mu - float(mu)
  float centered(int64_t k, float x) const { return (x - value[k]) - rest[k]; }  // x - mu
};

BatchNormOptions read_options(ConfigObject& args) {
  const BatchNormOptions defaults;
  return {
      .eps = args.get<double>("eps", defaults.eps),
      .momentum = args.get_nullable<double>("momentum", defaults.momentum),
      .affine = args.get<bool>("affine", defaults.affine),
      .track_running_stats = args.get<bool>("track_running_stats", defaults.track_running_stats),
      .sync = args.get<bool>("sync", defaults.sync)};
}

}  // namespace

BatchNorm::BatchNorm(Options options)
    : eps_(options.eps),
      momentum_(options.momentum),
      affine_(options.affine),
      track_(options.track_running_stats),
      sync_(options.sync) {
  expect_option(eps_ > 0, "batchnorm", "eps", "a positive number");
  expect_option(!momentum_ || (*momentum_ >= 0 && *momentum_ <= 1), "batchnorm", "momentum",
                "a number in [0, 1] or null");
}

BatchNorm::BatchNorm(ConfigObject& args) : BatchNorm(read_options(args)) {}

json BatchNorm::config() const {
  return {{"eps", eps_},
          {"momentum", momentum_ ? json(*momentum_) : json(nullptr)},
          {"affine", affine_},
          {"track_running_stats", track_},
          {"sync", sync_}};
}

Shape BatchNorm::do_build(const Shape& input_shape) {
  if (input_shape.rank() != 1 && input_shape.rank() != 3)
    throw std::invalid_argument(
        "batchnorm normalizes feature vectors or images; its input must be [N, D] or "
        "[N, C, H, W], got per-sample shape " +
        input_shape.str() + " (put it after a dense or conv2d layer)");
  features_ = input_shape[0];
  spatial_ = input_shape.numel() / features_;
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
// With sync, mu and var are over the N rows of all processes: each adds
// sum x = m x_0 + sum (x - x_0) and sum (x - mu)^2 of its own m rows.
void BatchNorm::compute_batch_statistics(const float* in, int64_t m, Mode mode) {
  const int64_t d = features_;
  const bool over_processes = synced_ = sync_ && mode == Mode::Train;
  column_sums<1>(m, d, partials_, {center_.data()}, [=](int64_t i, float* acc) {
    const float* row = in + i * d;
    for (int64_t k = 0; k < d; ++k) acc[k] += row[k] - in[k];
  });
  count_ = double(m);
  if (over_processes) {
    for (int64_t k = 0; k < d; ++k) center_[k] += double(m) * double(in[k]);  // sum x
    sum_over_processes(center_);
    std::array<double, 1> rows = {count_};
    sum_over_processes(rows);
    count_ = rows[0];
  }
  for (int64_t k = 0; k < d; ++k) {
    center_[k] = over_processes ? center_[k] / count_ : double(in[k]) + center_[k] / count_;
    mean_[k] = float(center_[k]);
    mean_rest_[k] = float(center_[k] - double(mean_[k]));
  }
  const SplitMean mu{mean_.data(), mean_rest_.data()};
  column_sums<1>(m, d, partials_, {var_.data()}, [=](int64_t i, float* acc) {
    const float* row = in + i * d;
    for (int64_t k = 0; k < d; ++k) {
      const float xc = mu.centered(k, row[k]);
      acc[k] += xc * xc;
    }
  });
  if (over_processes) sum_over_processes(var_);
  for (int64_t k = 0; k < d; ++k) {
    var_[k] /= count_;
    inv_std_[k] = float(1.0 / std::sqrt(var_[k] + eps_));
  }
}

// r = (1 - momentum) r + momentum * stat, with the unbiased variance
// N/(N-1) var for running_var (PyTorch; N the rows of the statistics).
// momentum null: cumulative average, momentum = 1 / num_batches_tracked.
void BatchNorm::update_running_statistics() {
  num_batches_tracked_.value[0] += 1.0f;
  const double factor = momentum_ ? *momentum_ : 1.0 / double(num_batches_tracked_.value[0]);
  const double unbias = count_ / (count_ - 1.0);
  for (int64_t k = 0; k < features_; ++k) {
    running_mean_.value[k] = float((1.0 - factor) * running_mean_.value[k] + factor * center_[k]);
    running_var_.value[k] =
        float((1.0 - factor) * running_var_.value[k] + factor * var_[k] * unbias);
  }
}

// Images [N, C, H, W] are normalized per channel over its N H W values
// (Ioffe & Szegedy, sec. 3.2; PyTorch's BatchNorm2d): the same math on the
// matrix [N H W, C] whose rows are the pixels, each a vector of C features.
// transpose_samples lays the batch out so, and the result back.
void BatchNorm::do_forward(const Tensor& x, Tensor& y, Mode mode) {
  if (spatial_ == 1) return normalize(x.data(), y.data(), x.dim(0), mode);
  const int64_t n = x.dim(0);
  x_rows_.resize(Shape{n * spatial_, features_});  // grows with the batch only
  y_rows_.resize(Shape{n * spatial_, features_});
  transpose_samples(x.data(), x_rows_.data(), n, features_, spatial_);
  normalize(x_rows_.data(), y_rows_.data(), n * spatial_, mode);
  transpose_samples(y_rows_.data(), y.data(), n, spatial_, features_);
}

void BatchNorm::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  if (spatial_ == 1) return normalize_backward(x.data(), dy.data(), dx.data(), x.dim(0));
  const int64_t n = x.dim(0);
  // x_rows_ still holds forward's input; y_rows_ takes dy, then dx.
  transpose_samples(dy.data(), y_rows_.data(), n, features_, spatial_);
  dx_rows_.resize(y_rows_.shape());
  normalize_backward(x_rows_.data(), y_rows_.data(), dx_rows_.data(), n * spatial_);
  transpose_samples(dx_rows_.data(), dx.data(), n, spatial_, features_);
}

// Train (Ioffe & Szegedy, Alg. 1), per feature over the m rows of the batch:
//   mu = 1/m sum x,  var = 1/m sum (x - mu)^2,  inv_std = 1 / sqrt(var + eps),
//   xhat = (x - mu) * inv_std,  y = gamma * xhat + beta.
// Eval with running statistics: mu = running_mean, var = running_var.
void BatchNorm::normalize(const float* in, float* out, int64_t m, Mode mode) {
  const int64_t d = features_;
  used_batch_stats_ = mode == Mode::Train || !track_;  // like PyTorch, also in Eval without them
  if (used_batch_stats_) {
    check_batch_size(m, mode);
    compute_batch_statistics(in, m, mode);
    if (mode == Mode::Train && track_) update_running_statistics();
  } else {
    use_running_statistics();
  }
  // y = gamma * xhat + beta = (x - mu) * gamma_inv_std + beta
  float *gamma_inv_std = factors_.data(), *beta = gamma_inv_std + d;
  for (int64_t k = 0; k < d; ++k) {
    gamma_inv_std[k] = float(gamma(k) * double(inv_std_[k]));
    beta[k] = affine_ ? beta_.value[k] : 0.0f;
  }
  const SplitMean mu{mean_.data(), mean_rest_.data()};
  for_each_row(m, d, [=](int64_t i) {
    for (int64_t k = 0; k < d; ++k)
      out[i * d + k] = mu.centered(k, in[i * d + k]) * gamma_inv_std[k] + beta[k];
  });
}

// With xhat = (x - mu) * inv_std (Ioffe & Szegedy, sec. 3), per feature:
//   dbeta = sum dy,  dgamma = sum dy * xhat,
//   dx = gamma * inv_std * (dy - dbeta / m - xhat * dgamma / m).
// With sync, m is N (all processes' rows) and dx takes dbeta and dgamma
// summed over all processes; the parameter gradients keep this process's
// part (the trainer averages them like every other gradient).
// With the running statistics (eval), mu and inv_std are constants:
//   dx = gamma * inv_std * dy.
void BatchNorm::normalize_backward(const float* in, const float* g, float* out, int64_t m) {
  const int64_t d = features_;
  const SplitMean mu{mean_.data(), mean_rest_.data()};
  if (affine_ || used_batch_stats_) {  // sum_dy_ = dbeta, sum_dy_xc_ = sum dy * (x - mu)
    column_sums<2>(m, d, partials_, {sum_dy_.data(), sum_dy_xc_.data()},
                   [=](int64_t i, float* acc) {
                     for (int64_t k = 0; k < d; ++k) {
                       acc[k] += g[i * d + k];
                       acc[d + k] += g[i * d + k] * mu.centered(k, in[i * d + k]);
                     }
                   });
  }
  if (affine_) {
    for (int64_t k = 0; k < d; ++k) {
      beta_.grad[k] += float(sum_dy_[k]);                    // dbeta
      gamma_.grad[k] += float(sum_dy_xc_[k] * inv_std_[k]);  // dgamma
    }
  }
  if (synced_) {  // dx below needs the sums over all N rows (the gradients above stay local)
    sum_over_processes(sum_dy_);
    sum_over_processes(sum_dy_xc_);
  }
  // dx = gamma_inv_std * dy - dbeta_term - (x - mu) * xhat_term, where
  // dbeta_term = gamma_inv_std * dbeta / m and
  // xhat_term = gamma_inv_std * inv_std * dgamma / m (both 0 in eval).
  float *gamma_inv_std = factors_.data(), *dbeta_term = gamma_inv_std + d,
        *xhat_term = gamma_inv_std + 2 * d;
  for (int64_t k = 0; k < d; ++k) {
    const double scale = gamma(k) * double(inv_std_[k]);
    const double dgamma = sum_dy_xc_[k] * inv_std_[k];
    gamma_inv_std[k] = float(scale);
    dbeta_term[k] = used_batch_stats_ ? float(scale * sum_dy_[k] / count_) : 0.0f;
    xhat_term[k] = used_batch_stats_ ? float(scale * inv_std_[k] * dgamma / count_) : 0.0f;
  }
  for_each_row(m, d, [=](int64_t i) {
    for (int64_t k = 0; k < d; ++k)
      out[i * d + k] = gamma_inv_std[k] * g[i * d + k] - dbeta_term[k] -
                       xhat_term[k] * mu.centered(k, in[i * d + k]);
  });
}

// A batch of one sample has no spread to normalize by (PyTorch refuses it too).
void BatchNorm::check_batch_size(int64_t m, Mode mode) const {
  if (m >= 2) return;
  throw std::invalid_argument(
      "batchnorm '" + name() +
      "': " + (mode == Mode::Train ? "a training batch" : "a batch without running statistics") +
      " needs more than one sample per feature (got a batch of " + std::to_string(m) + ")");
}

// mu = running_mean (exact in float: no remainder), inv_std from running_var.
void BatchNorm::use_running_statistics() {
  for (int64_t k = 0; k < features_; ++k) {
    mean_[k] = running_mean_.value[k];
    mean_rest_[k] = 0.0f;
    inv_std_[k] = float(1.0 / std::sqrt(double(running_var_.value[k]) + eps_));
  }
}

}  // namespace minima
