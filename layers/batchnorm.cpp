#include <minima/layers/batchnorm.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <minima/config/option_error.hpp>
#include <minima/core/reductions.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/platform/process_sums.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("batchnorm", BatchNorm);

namespace {

BatchNormOptions read_batchnorm_options(ConfigObject& args) {
  const BatchNormOptions defaults;
  return {
      .eps = args.get<double>("eps", defaults.eps),
      .momentum = args.get_nullable<double>("momentum", defaults.momentum),
      .affine = args.get<bool>("affine", defaults.affine),
      .track_running_stats = args.get<bool>("track_running_stats", defaults.track_running_stats),
      .sync = args.get<bool>("sync", defaults.sync),
      .running_var = args.get<std::string>("running_var", defaults.running_var),
      .normalize = args.get<std::string>("normalize", defaults.normalize)};
}

bool batchnorm_allows(const std::vector<std::string>& choices, const std::string& value) {
  return std::find(choices.begin(), choices.end(), value) != choices.end();
}

}  // namespace

// The sums' buffers beside the named caches mean_, inv_std_ (core/reductions.hpp).
struct BatchNorm::Workspace {
  ChannelSums sums;             // the sums over the batch, in parts
  ProcessSums processes;        // with sync in training: the sums over all processes
  Tensor mean_rest;             // [D] what rounding the mean to mean_ dropped: mu - mean_
  std::vector<double> mean;     // [D] the batch mean in double
  std::vector<double> var;      // [D] the biased batch variance
  std::vector<double> dy_sums;  // [2 D] backward's sums: dy, dy (x - mu)
  Tensor factors;               // [3, D] per-channel factors of the last pass over the batch
  explicit Workspace(int64_t d)
      : processes(d), mean_rest(Shape{d}), mean(d), var(d), dy_sums(2 * d), factors(Shape{3, d}) {}
};

BatchNorm::BatchNorm(Options options) : options_(options) {
  expect_option(options_.eps > 0, "batchnorm", "eps", "a positive number");
  expect_option(!options_.momentum || (*options_.momentum >= 0 && *options_.momentum <= 1),
                "batchnorm", "momentum", "a number in [0, 1] or null");
  expect_option(batchnorm_allows(running_vars(), options_.running_var), "batchnorm", "running_var",
                one_of(running_vars()));
  expect_option(batchnorm_allows(normalizations(), options_.normalize), "batchnorm", "normalize",
                one_of(normalizations()));
  subtracts_mean_ = options_.normalize != "variance";
  divides_by_std_ = options_.normalize != "mean";
}

const std::vector<std::string>& BatchNorm::running_vars() {
  static const std::vector<std::string> values = {"unbiased", "biased"};
  return values;
}

const std::vector<std::string>& BatchNorm::normalizations() {
  static const std::vector<std::string> values = {"full", "mean", "variance"};
  return values;
}

BatchNorm::BatchNorm(ConfigObject& args) : BatchNorm(read_batchnorm_options(args)) {}

BatchNorm::~BatchNorm() = default;

json BatchNorm::config() const {
  return {{"eps", options_.eps},
          {"momentum", options_.momentum ? json(*options_.momentum) : json(nullptr)},
          {"affine", options_.affine},
          {"track_running_stats", options_.track_running_stats},
          {"sync", options_.sync},
          {"running_var", options_.running_var},
          {"normalize", options_.normalize}};
}

Shape BatchNorm::do_build(const Shape& input_shape) {
  if (input_shape.rank() != 1 && input_shape.rank() != 3)
    throw std::invalid_argument(
        "batchnorm normalizes feature vectors or images; its input must be [N, D] or "
        "[N, C, H, W], got per-sample shape " +
        input_shape.str() + " (put it after a dense or conv2d layer)");
  features_ = input_shape[0];
  spatial_ = input_shape.numel() / features_;
  if (options_.affine) {
    add_param(gamma_, "weight", Shape{features_});
    add_param(beta_, "bias", Shape{features_});
  }
  if (options_.track_running_stats) {
    add_buffer(running_mean_, "running_mean", Shape{features_}, 0.0f);
    add_buffer(running_var_, "running_var", Shape{features_}, 1.0f);
    add_buffer(num_batches_tracked_, "num_batches_tracked", Shape{1}, 0.0f, true);
  }
  mean_ = Tensor(Shape{features_});
  inv_std_ = Tensor(Shape{features_});
  work_ = std::make_unique<Workspace>(features_);
  return input_shape;
}

void BatchNorm::init_params(Rng&) {
  if (!options_.affine) return;
  gamma_.value.fill(1.0f);
  beta_.value.zero();
}

// mu = 1/m sum x,  var = 1/m sum (x - mu)^2 (biased): the variance is a
// second pass around the mean, stable for inputs far from zero, and the
// mean is kept as mean_ + mean_rest (its float rounding and the remainder),
// so that x - mu is accurate in float (core/reductions.hpp says how). With
// sync in training, mu and var are over the values of all processes.
void BatchNorm::compute_batch_statistics(const float* x, int64_t n, Mode mode) {
  const ChannelLayout batch{n, features_, spatial_};
  Workspace& w = *work_;
  w.processes.set_over_processes(options_.sync && mode == Mode::Train);
  count_ = channel_means(batch, x, w.sums, w.processes, w.mean);
  split_means(w.mean, mean_.data(), w.mean_rest.data());
  channel_squared_deviations(batch, x, SplitMean{mean_.data(), w.mean_rest.data()}, w.sums,
                             w.processes, w.var);
  for (int64_t c = 0; c < features_; ++c) {
    w.var[c] /= count_;
    inv_std_[c] = float(1.0 / std::sqrt(w.var[c] + options_.eps));
  }
}

// r = (1 - momentum) r + momentum * stat, with the unbiased variance
// m/(m-1) var for running_var (PyTorch; m the values the statistics are
// over), or with running_var "biased" the var that normalized.
// momentum null: cumulative average, momentum = 1 / num_batches_tracked.
void BatchNorm::update_running_statistics() {
  num_batches_tracked_.value[0] += 1.0f;
  const double factor =
      options_.momentum ? *options_.momentum : 1.0 / double(num_batches_tracked_.value[0]);
  const double unbias = options_.running_var == "unbiased" ? count_ / (count_ - 1.0) : 1.0;
  for (int64_t k = 0; k < features_; ++k) {
    running_mean_.value[k] =
        float((1.0 - factor) * running_mean_.value[k] + factor * work_->mean[k]);
    running_var_.value[k] =
        float((1.0 - factor) * running_var_.value[k] + factor * work_->var[k] * unbias);
  }
}

// Train (Ioffe & Szegedy, Alg. 1), per channel over its m values (sec. 3.2):
//   mu = 1/m sum x,  var = 1/m sum (x - mu)^2,  inv_std = 1 / sqrt(var + eps),
//   xhat = (x - mu) * inv_std,  y = gamma * xhat + beta;
// normalize "mean": xhat = x - mu;  "variance": xhat = x * inv_std.
// Eval with running statistics: mu = running_mean, var = running_var.
void BatchNorm::do_forward(const Tensor& x_batch, Tensor& y_batch, Mode mode) {
  const ChannelLayout batch{x_batch.dim(0), features_, spatial_};
  const float* x = x_batch.data();
  used_batch_stats_ = mode == Mode::Train ||
                      !options_.track_running_stats;  // like PyTorch, also in Eval without them
  if (used_batch_stats_) {
    check_batch_size(batch.per_channel(), mode);
    compute_batch_statistics(x, batch.n, mode);
    if (mode == Mode::Train && options_.track_running_stats) update_running_statistics();
  } else {
    use_running_statistics();
  }
  // y = gamma * xhat + beta = (x - mu) * scale + shift, with scale = gamma * inv_std
  // ("mean": gamma) and shift = beta ("variance": beta + scale * mu, as xhat = x * inv_std).
  float *scale = work_->factors.data(), *shift = scale + features_;
  for (int64_t c = 0; c < features_; ++c) {
    scale[c] = float(scale_of(c));
    shift[c] = float((options_.affine ? beta_.value[c] : 0.0f) +
                     (subtracts_mean_ ? 0.0 : scale_of(c) * mean_of(c)));
  }
  const SplitMean mu{mean_.data(), work_->mean_rest.data()};  // mu = mean_ + mean_rest
  map_channels(batch, y_batch.data(), [=](int64_t c) {
    return [=, mu = mu[c], scale = scale[c], shift = shift[c]](int64_t j) {
      return mu.centered(x[j]) * scale + shift;
    };
  });
}

// With xhat = (x - mu) * inv_std (Ioffe & Szegedy, sec. 3), per channel:
//   dbeta = sum dy,  dgamma = sum dy * xhat,
//   dx = gamma / (m sqrt(var + eps)) (m dy - sum dy - xhat sum (dy xhat))
//      = scale * dy - dbeta_part - (x - mu) * dgamma_part, with scale = gamma * inv_std,
//   dbeta_part = scale * dbeta / m and (xhat's inv_std moved in)
//   dgamma_part = scale * inv_std * dgamma / m.
// normalize "mean" (xhat = x - mu, scale = gamma; var is not used):
//   dgamma = sum dy (x - mu),  dx = gamma (dy - sum dy / m):  dgamma_part = 0.
// normalize "variance" (xhat = x * inv_std; mu moves xhat only through var,
// whose derivative by mu, -2/m sum (x - mu), is 0): dgamma = inv_std sum dy x,
//   dx = gamma inv_std (dy - (x - mu) inv_std^2 sum (dy x) / m):  dbeta_part = 0,
//   dgamma_part = scale * inv_std * dgamma / m as above.
// Eval (running statistics): mu and inv_std are constants, dx = scale * dy.
// With sync, m and the dx sums are all processes'; the parameter gradients
// keep this process's part (the trainer averages them like any gradient).
void BatchNorm::do_backward(const Tensor& x_batch, const Tensor&, const Tensor& dy_batch,
                            Tensor& dx_batch) {
  const ChannelLayout batch{x_batch.dim(0), features_, spatial_};
  const float *x = x_batch.data(), *dy = dy_batch.data();
  Workspace& w = *work_;
  const SplitMean mu{mean_.data(), w.mean_rest.data()};  // mu = mean_ + mean_rest
  // sum_dy = dbeta, sum_dy_xc = sum dy * (x - mu)
  double *sum_dy = w.dy_sums.data(), *sum_dy_xc = sum_dy + features_;
  if (options_.affine || used_batch_stats_)
    w.sums(batch, std::array{sum_dy, sum_dy_xc}, [=](int64_t c) {
      return [=, mu = mu[c]](int64_t j) {
        return std::array<float, 2>{dy[j], dy[j] * mu.centered(x[j])};
      };
    });
  // dgamma = sum dy * xhat: sum_dy_xc * inv_std; "mean": sum_dy_xc;
  // "variance": sum dy x * inv_std, with sum dy x = sum_dy_xc + mu sum_dy.
  auto dgamma = [&](int64_t c) {
    const double sum_dy_x = sum_dy_xc[c] + (subtracts_mean_ ? 0.0 : mean_of(c) * sum_dy[c]);
    return sum_dy_x * (divides_by_std_ ? double(inv_std_[c]) : 1.0);
  };
  if (options_.affine)
    for (int64_t c = 0; c < features_; ++c) {
      beta_.grad[c] += float(sum_dy[c]);  // dbeta
      gamma_.grad[c] += float(dgamma(c));
    }
  w.processes.sum(w.dy_sums);  // with sync, dx needs the sums over all values
  float *scale = w.factors.data(), *dbeta_part = scale + features_,
        *dgamma_part = scale + 2 * features_;
  for (int64_t c = 0; c < features_; ++c) {
    scale[c] = float(scale_of(c));
    dbeta_part[c] =
        used_batch_stats_ && subtracts_mean_ ? float(scale_of(c) * sum_dy[c] / count_) : 0.0f;
    dgamma_part[c] = used_batch_stats_ && divides_by_std_
                         ? float(scale_of(c) * inv_std_[c] * dgamma(c) / count_)
                         : 0.0f;
  }
  map_channels(batch, dx_batch.data(), [=](int64_t c) {
    return [=, mu = mu[c], scale = scale[c], dbeta_part = dbeta_part[c],
            dgamma_part = dgamma_part[c]](int64_t j) {
      return scale * dy[j] - dbeta_part - mu.centered(x[j]) * dgamma_part;
    };
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

double BatchNorm::mean_of(int64_t c) const {
  return double(mean_[c]) + double(work_->mean_rest[c]);
}

double BatchNorm::scale_of(int64_t c) const {
  return gamma(c) * (divides_by_std_ ? double(inv_std_[c]) : 1.0);
}

// mu = running_mean (exact in float: no remainder), inv_std from running_var.
void BatchNorm::use_running_statistics() {
  work_->processes.set_over_processes(false);
  for (int64_t k = 0; k < features_; ++k) {
    mean_[k] = running_mean_.value[k];
    work_->mean_rest[k] = 0.0f;
    inv_std_[k] = float(1.0 / std::sqrt(double(running_var_.value[k]) + options_.eps));
  }
}

}  // namespace minima
