#pragma once
// batchnorm: Batch Normalization over the batch, per feature (Ioffe &
// Szegedy 2015, Alg. 1), with PyTorch BatchNorm1d's running statistics; on
// images [C, H, W], per channel over the batch and all positions (sec. 3.2,
// PyTorch's BatchNorm2d).
// Config: {"type": "batchnorm", "eps": 1e-5, "momentum": 0.1 (null =
//          cumulative average), "affine": true, "track_running_stats": true,
//          "sync": false}
// With "sync" the training batch statistics of a data-parallel run are
// those of the whole batch over all processes (PyTorch's SyncBatchNorm);
// without it each process normalizes its own share of the batch.
// State (PyTorch names): weight (gamma), bias (beta), running_mean,
// running_var, num_batches_tracked.
#include <optional>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

// BatchNorm's settings with their defaults (the config's keys of the same
// names): BatchNorm({.momentum = 0.01}).
struct BatchNormOptions {
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;  // std::nullopt: cumulative average (config: null)
  bool affine = true;
  bool track_running_stats = true;
  bool sync = false;  // training statistics over all processes (core/processes.hpp)
};

namespace detail {
// BatchNorm's sums over the batch, part by part (see channel_sums in
// batchnorm.cpp); sized once per batch size.
struct BatchSumScratch {
  std::vector<float> row_blocks;  // feature vectors: per block of 16 rows, float sums [D]
  std::vector<double> planes;     // images: per (sample, channel) plane, a double sum
};
}  // namespace detail

class BatchNorm : public UnaryLayer {
 public:
  using Options = BatchNormOptions;
  // Throws OptionError for eps <= 0 or a momentum outside [0, 1].
  explicit BatchNorm(Options options = {});
  // Reads the keys of Options.
  explicit BatchNorm(ConfigObject& args);
  std::string type() const override { return "batchnorm"; }
  json config() const override;
  void init_params(Rng& rng) override;
  void to_onnx(OnnxScope& scope) const override;

  double eps() const { return eps_; }
  bool affine() const { return affine_; }
  bool tracks_running_stats() const { return track_; }
  const Tensor& gamma() const { return gamma_.value; }
  const Tensor& beta() const { return beta_.value; }
  const Tensor& running_mean() const { return running_mean_.value; }
  const Tensor& running_var() const { return running_var_.value; }
  const Tensor& batch_mean() const { return mean_; }        // the last forward's mean
  const Tensor& batch_inv_std() const { return inv_std_; }  // and 1/sqrt(var + eps)

 protected:
  Shape do_build(const Shape& input_shape) override;
  void do_forward(const Tensor& x, Tensor& y, Mode mode) override;
  void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) override;

 private:
  void check_batch_size(int64_t m, Mode mode) const;
  // mean_, mean_rest_, inv_std_, var_, count_ of a batch of n samples
  void compute_batch_statistics(const float* x, int64_t n, Mode mode);
  void use_running_statistics();  // the same from the running buffers
  void update_running_statistics();
  float gamma(int64_t c) const { return affine_ ? gamma_.value[c] : 1.0f; }

  double eps_;
  std::optional<double> momentum_;
  bool affine_, track_, sync_;
  double count_ = 0;      // m: values the last batch statistics are over per channel
                          // (N, or N H W for images; all processes' with sync)
  int64_t features_ = 0;  // D: features, or an image's channels C
  int64_t spatial_ = 1;   // S: H W for an image, 1 for a feature vector
  Param gamma_, beta_;    // [D] "weight", "bias"
  Buffer running_mean_, running_var_, num_batches_tracked_;
  // Named caches from forward, used by backward.
  Tensor mean_;                        // [D] mean used to normalize, rounded to float
  Tensor mean_rest_;                   // [D] what that rounding dropped: mean = mean_ + mean_rest_
  Tensor inv_std_;                     // [D] 1 / sqrt(var + eps)
  std::vector<double> center_;         // [D + 1] the batch mean in double; with sync, the
                                       // last slot takes the value count through the all-reduce
  std::vector<double> var_;            // [D] biased batch variance
  std::vector<double> backward_sums_;  // [2 D] backward's sums per feature: dy, dy (x - mu)
  Tensor factors_;  // [3, D] per-feature factors of forward's and backward's last pass
  detail::BatchSumScratch partials_;  // the sums over the batch in parts (see channel_sums)
  bool used_batch_stats_ = false;
  bool synced_ = false;  // the last forward's statistics were over all processes
};

}  // namespace minima
