#include <minima/layers/batchnorm.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

#include <minima/config/option_error.hpp>
#include <minima/core/lane_sum.hpp>
#include <minima/core/parallel.hpp>
#include <minima/core/processes.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("batchnorm", BatchNorm);

namespace {

// A batch as BatchNorm sees it: n samples of C channels of S values each,
// x[i, c, s] at data[(i C + c) S + s]. Feature vectors [N, D] have C = D,
// S = 1; images [N, C, H, W] have S = H W. Each channel is normalized over
// its m = N S values.
struct BatchLayout {
  int64_t n, channels, spatial;
  int64_t per_channel() const { return n * spatial; }  // m
};

// Sums over the batch add float terms in short runs (vector instructions
// take 8 floats, 4 doubles; 16 terms lose at most ~16 float ulps), then the
// runs in a fixed order in double, so any thread count, and any thread
// taking any chunk of parallel_for, gives the same bits.
constexpr int64_t kRunTerms = kChunkAlign;
// Forward and backward each read every value in two passes or more.
constexpr int64_t kPasses = 2;

// The channel-by-channel loops below take at(c), which returns the function
// of the flat index j for channel c, its per-channel constants hoisted out
// of the loop over j.

// Feature vectors (S = 1), the columns of an [m, d] matrix: each block of
// 16 rows adds its rows in float into a slot of its own, then the blocks
// are added in order in double. Blocks are whole rows of parallel_for's
// aligned chunks.
template <size_t Terms, class At>
void column_sums(const BatchLayout& b, std::vector<float>& partials,
                 const std::array<double*, Terms>& sums, const At& at) {
  const int64_t m = b.n, d = b.channels;
  const int64_t blocks = (m + kRunTerms - 1) / kRunTerms, width = int64_t(Terms) * d;
  if (partials.size() < size_t(blocks * width))
    partials.resize(size_t(blocks * width));  // once per batch size
  float* base = partials.data();
  parallel_for(m, std::max(kRunTerms, grain_for(kPasses * d)),
               [=, &at](int64_t begin, int64_t end) {
                 for (int64_t first = begin; first < end; first += kRunTerms) {
                   float* acc = base + first / kRunTerms * width;
                   std::fill(acc, acc + width, 0.0f);
                   for (int64_t i = first; i < std::min(end, first + kRunTerms); ++i)
                     for (int64_t k = 0; k < d; ++k) {
                       const std::array<float, Terms> term = at(k)(i * d + k);
                       for (size_t t = 0; t < Terms; ++t) acc[int64_t(t) * d + k] += term[t];
                     }
                 }
               });
  for (size_t t = 0; t < Terms; ++t) {
    double* sum = sums[t];
    std::fill(sum, sum + d, 0.0);
    for (int64_t bl = 0; bl < blocks; ++bl) {
      const float* acc = base + bl * width + int64_t(t) * d;
      for (int64_t k = 0; k < d; ++k) sum[k] += acc[k];
    }
  }
}

// Images (S > 1): each (sample, channel) plane is summed by one thread
// (lane_sum) into partials [N C, Terms], then the planes are added in
// sample order in double.
template <size_t Terms, class At>
void plane_sums(const BatchLayout& b, std::vector<double>& partials,
                const std::array<double*, Terms>& sums, const At& at) {
  const int64_t c_count = b.channels, s_count = b.spatial, planes = b.n * c_count;
  if (partials.size() < size_t(planes) * Terms)
    partials.resize(size_t(planes) * Terms);  // once per batch size
  double* base = partials.data();
  parallel_for(planes, grain_for(kPasses * s_count), [=, &at](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const auto term = at(p % c_count);
      double* plane = base + p * int64_t(Terms);
      // Term by term while the plane is in cache, each t a constant (so
      // that term(j)[t] compiles to that term alone).
      [&]<size_t... t>(std::index_sequence<t...>) {
        ((plane[t] = lane_sum([&](int64_t j) { return term(j)[t]; }, p * s_count, s_count)), ...);
      }
      (std::make_index_sequence<Terms>());
    }
  });
  for (size_t t = 0; t < Terms; ++t)
    for (int64_t c = 0; c < c_count; ++c) {
      double sum = 0.0;
      for (int64_t i = 0; i < b.n; ++i)
        sum += base[(i * c_count + c) * int64_t(Terms) + int64_t(t)];
      sums[t][c] = sum;
    }
}

// sums[t][c] = the sum over channel c's m values x[j] of at(c)(j)[t].
template <size_t Terms, class At>
void channel_sums(const BatchLayout& b, detail::BatchSumScratch& scratch,
                  const std::array<double*, Terms>& sums, const At& at) {
  if (b.spatial == 1) return column_sums<Terms>(b, scratch.row_blocks, sums, at);
  plane_sums<Terms>(b, scratch.planes, sums, at);
}

// out[j] = at(c)(j) for every value j of the batch, c its channel: by rows
// of features, or by planes with the inner loop over a plane's values.
template <class At>
void map_channels(const BatchLayout& b, float* out, const At& at) {
  const int64_t c_count = b.channels, s_count = b.spatial;
  if (s_count == 1) {
    parallel_for(b.n, grain_for(kPasses * c_count), [=, &at](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        for (int64_t k = 0; k < c_count; ++k) out[i * c_count + k] = at(k)(i * c_count + k);
    });
    return;
  }
  parallel_for(b.n * c_count, grain_for(kPasses * s_count), [=, &at](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const auto value = at(p % c_count);
      for (int64_t j = p * s_count; j < (p + 1) * s_count; ++j) out[j] = value(j);
    }
  });
}

// The batch mean mu of a channel, held as a float plus the remainder its
// rounding dropped (see compute_batch_statistics), so that x - mu is exact
// in float when x is near the mean.
struct SplitMean {
  const float* value;  // [C] float(mu)
  const float* rest;   // [C] mu - float(mu)
  struct Channel {
    float value, rest;
    float centered(float x) const { return (x - value) - rest; }  // x - mu
  };
  Channel operator[](int64_t c) const { return {value[c], rest[c]}; }
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
  center_.assign(features_ + 1, 0.0);
  var_.assign(features_, 0.0);
  backward_sums_.assign(2 * features_, 0.0);
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
// pass sums x - x_0 (x_0 the channel's first value, sample 0's first
// position), which float holds exactly for inputs near each other
// (Sterbenz), so x = 1000 + 0.01 * noise keeps its digits. The mean is kept
// as mean_ + mean_rest_ (its float rounding and the remainder), and
// x - mu = (x - mean_) - mean_rest_ is then accurate in float.
// With sync, mu and var are over the values of all processes: each adds
// sum x = m x_0 + sum (x - x_0) and sum (x - mu)^2 of its own m values.
void BatchNorm::compute_batch_statistics(const float* x, int64_t n, Mode mode) {
  const BatchLayout batch{n, features_, spatial_};
  const int64_t m = batch.per_channel();
  const bool over_processes = synced_ = sync_ && mode == Mode::Train;
  channel_sums<1>(batch, partials_, {center_.data()}, [=](int64_t c) {
    return [=, x_0 = x[c * batch.spatial]](int64_t j) { return std::array<float, 1>{x[j] - x_0}; };
  });
  count_ = double(m);
  if (over_processes) {
    for (int64_t c = 0; c < features_; ++c)
      center_[c] += double(m) * double(x[c * spatial_]);  // sum x
    center_[features_] = count_;  // one all-reduce for the sums and the count
    sum_over_processes(center_);
    count_ = center_[features_];
  }
  for (int64_t c = 0; c < features_; ++c) {
    center_[c] =
        over_processes ? center_[c] / count_ : double(x[c * spatial_]) + center_[c] / count_;
    mean_[c] = float(center_[c]);
    mean_rest_[c] = float(center_[c] - double(mean_[c]));
  }
  const SplitMean mu{mean_.data(), mean_rest_.data()};
  channel_sums<1>(batch, partials_, {var_.data()}, [=](int64_t c) {
    return [=, mu = mu[c]](int64_t j) {
      const float xc = mu.centered(x[j]);
      return std::array<float, 1>{xc * xc};
    };
  });
  if (over_processes) sum_over_processes(var_);
  for (int64_t c = 0; c < features_; ++c) {
    var_[c] /= count_;
    inv_std_[c] = float(1.0 / std::sqrt(var_[c] + eps_));
  }
}

// r = (1 - momentum) r + momentum * stat, with the unbiased variance
// N/(N-1) var for running_var (PyTorch; N the values the statistics are over).
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

// Train (Ioffe & Szegedy, Alg. 1), per feature over the m = N values of
// the batch, or for images [N, C, H, W] per channel over its m = N H W
// values (sec. 3.2; PyTorch's BatchNorm2d):
//   mu = 1/m sum x,  var = 1/m sum (x - mu)^2,  inv_std = 1 / sqrt(var + eps),
//   xhat = (x - mu) * inv_std,  y = gamma * xhat + beta.
// Eval with running statistics: mu = running_mean, var = running_var.
void BatchNorm::do_forward(const Tensor& x_batch, Tensor& y_batch, Mode mode) {
  const BatchLayout batch{x_batch.dim(0), features_, spatial_};
  const float* x = x_batch.data();
  used_batch_stats_ = mode == Mode::Train || !track_;  // like PyTorch, also in Eval without them
  if (used_batch_stats_) {
    check_batch_size(batch.per_channel(), mode);
    compute_batch_statistics(x, batch.n, mode);
    if (mode == Mode::Train && track_) update_running_statistics();
  } else {
    use_running_statistics();
  }
  // y = gamma * xhat + beta = (x - mu) * gamma_inv_std + beta
  float *gamma_inv_std = factors_.data(), *beta = gamma_inv_std + features_;
  for (int64_t c = 0; c < features_; ++c) {
    gamma_inv_std[c] = float(gamma(c) * double(inv_std_[c]));
    beta[c] = affine_ ? beta_.value[c] : 0.0f;
  }
  const SplitMean mu{mean_.data(), mean_rest_.data()};
  map_channels(batch, y_batch.data(), [=](int64_t c) {
    return [=, mu = mu[c], gamma_inv_std = gamma_inv_std[c], beta = beta[c]](int64_t j) {
      return mu.centered(x[j]) * gamma_inv_std + beta;
    };
  });
}

// With xhat = (x - mu) * inv_std (Ioffe & Szegedy, sec. 3), per feature
// (channel) over its m values:
//   dbeta = sum dy,  dgamma = sum dy * xhat,
//   dx = gamma * inv_std * (dy - dbeta / m - xhat * dgamma / m).
// With sync, m counts all processes' values and dx takes dbeta and dgamma
// summed over all processes; the parameter gradients keep this process's
// part (the trainer averages them like every other gradient).
// With the running statistics (eval), mu and inv_std are constants:
//   dx = gamma * inv_std * dy.
void BatchNorm::do_backward(const Tensor& x_batch, const Tensor&, const Tensor& dy_batch,
                            Tensor& dx_batch) {
  const BatchLayout batch{x_batch.dim(0), features_, spatial_};
  const float *x = x_batch.data(), *dy = dy_batch.data();
  const SplitMean mu{mean_.data(), mean_rest_.data()};
  // sum_dy = dbeta, sum_dy_xc = sum dy * (x - mu), side by side for one all-reduce
  double *sum_dy = backward_sums_.data(), *sum_dy_xc = sum_dy + features_;
  if (affine_ || used_batch_stats_) {
    channel_sums<2>(batch, partials_, {sum_dy, sum_dy_xc}, [=](int64_t c) {
      return [=, mu = mu[c]](int64_t j) {
        return std::array<float, 2>{dy[j], dy[j] * mu.centered(x[j])};
      };
    });
  }
  if (affine_) {
    for (int64_t c = 0; c < features_; ++c) {
      beta_.grad[c] += float(sum_dy[c]);                    // dbeta
      gamma_.grad[c] += float(sum_dy_xc[c] * inv_std_[c]);  // dgamma
    }
  }
  if (synced_) {  // dx below needs the sums over all values (the gradients above stay local)
    sum_over_processes(backward_sums_);
  }
  // dx = gamma_inv_std * dy - dbeta_term - (x - mu) * xhat_term, where
  // dbeta_term = gamma_inv_std * dbeta / m and
  // xhat_term = gamma_inv_std * inv_std * dgamma / m (both 0 in eval).
  float *gamma_inv_std = factors_.data(), *dbeta_term = gamma_inv_std + features_,
        *xhat_term = gamma_inv_std + 2 * features_;
  for (int64_t c = 0; c < features_; ++c) {
    const double scale = gamma(c) * double(inv_std_[c]);
    const double dgamma = sum_dy_xc[c] * inv_std_[c];
    gamma_inv_std[c] = float(scale);
    dbeta_term[c] = used_batch_stats_ ? float(scale * sum_dy[c] / count_) : 0.0f;
    xhat_term[c] = used_batch_stats_ ? float(scale * inv_std_[c] * dgamma / count_) : 0.0f;
  }
  map_channels(batch, dx_batch.data(), [=](int64_t c) {
    return [=, mu = mu[c], gamma_inv_std = gamma_inv_std[c], dbeta_term = dbeta_term[c],
            xhat_term = xhat_term[c]](int64_t j) {
      return gamma_inv_std * dy[j] - dbeta_term - xhat_term * mu.centered(x[j]);
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

// mu = running_mean (exact in float: no remainder), inv_std from running_var.
void BatchNorm::use_running_statistics() {
  for (int64_t k = 0; k < features_; ++k) {
    mean_[k] = running_mean_.value[k];
    mean_rest_[k] = 0.0f;
    inv_std_[k] = float(1.0 / std::sqrt(double(running_var_.value[k]) + eps_));
  }
}

// ONNX: BatchNormalization(x, scale, B, input_mean, input_var) with epsilon,
// in inference mode: per channel (axis 1) of [N, C] or [N, C, H, W],
//   y = scale (x - input_mean) / sqrt(input_var + epsilon) + B,
// Eval mode with running statistics; scale = 1, B = 0 without affine.
void BatchNorm::to_onnx(OnnxScope& scope) const {
  if (!track_)
    throw std::invalid_argument("layer '" + name() +
                                "' (type batchnorm) has no ONNX form without "
                                "track_running_stats: its Eval mode normalizes with the "
                                "batch's own statistics");
  const std::vector<int64_t> dims = {features_};
  const std::string scale = affine_
                                ? scope.state("weight")
                                : scope.constant("scale", dims, std::vector<float>(features_, 1));
  const std::string shift = affine_
                                ? scope.state("bias")
                                : scope.constant("shift", dims, std::vector<float>(features_, 0));
  scope
      .node("BatchNormalization",
            {scope.inputs()[0], scale, shift, scope.state("running_mean"),
             scope.state("running_var")},
            scope.output())
      .attribute("epsilon", float(eps_));
}

}  // namespace minima
