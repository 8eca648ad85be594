#pragma once
// batchnorm: Batch Normalization over the batch, per feature (Ioffe &
// Szegedy 2015, Alg. 1), with PyTorch BatchNorm1d's running statistics; on
// images [C, H, W], per channel over the batch and all positions (sec. 3.2,
// PyTorch's BatchNorm2d).
// Config: {"type": "batchnorm", "eps": 1e-5, "momentum": 0.1 (null =
//          cumulative average), "affine": true, "track_running_stats": true,
//          "sync": false, "running_var": "unbiased" | "biased",
//          "normalize": "full" | "mean" | "variance"}
// "running_var": what running_var tracks, the unbiased m/(m-1) var (PyTorch)
// or the biased var that normalizes. "normalize" (d2l's "lite" BN exercise):
// "full" (x - mu) / sqrt(var + eps), "mean" x - mu only, "variance"
// x / sqrt(var + eps) only; Eval uses running_mean, running_var likewise.
// With "sync" the training batch statistics of a data-parallel run are
// those of the whole batch over all processes (PyTorch's SyncBatchNorm);
// without it each process normalizes its own share of the batch.
// State (PyTorch names): weight (gamma), bias (beta), running_mean,
// running_var, num_batches_tracked.
// To read the math first: layers/batchnorm_reference.hpp, the same BatchNorm
// in plain double loops, which tests/test_batchnorm.cpp holds this one to.
#include <memory>
#include <optional>
#include <string>
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
  bool sync = false;  // training statistics over all processes (platform/processes.hpp)
  std::string running_var = "unbiased";  // one of BatchNorm::running_vars()
  std::string normalize = "full";        // one of BatchNorm::normalizations()
};

class BatchNorm : public UnaryLayer {
 public:
  using Options = BatchNormOptions;
  // Throws OptionError for eps <= 0, a momentum outside [0, 1], or an
  // unknown running_var or normalize.
  explicit BatchNorm(Options options = {});
  // Reads the keys of Options.
  explicit BatchNorm(ConfigObject& args);
  ~BatchNorm() override;
  std::string type() const override { return "batchnorm"; }
  static constexpr LayerTraits kTraits{.normalizes_over_batch = true};
  const LayerTraits& traits() const override { return kTraits; }
  json config() const override;
  void init_params(Rng& rng) override;
  void to_onnx(OnnxScope& scope) const override;
  // The values "running_var" and "normalize" take, in the order messages list them.
  static const std::vector<std::string>& running_vars();
  static const std::vector<std::string>& normalizations();

  double eps() const { return options_.eps; }
  bool affine() const { return options_.affine; }
  bool tracks_running_stats() const { return options_.track_running_stats; }
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
  struct Workspace;  // the sums' buffers and per-channel factors (batchnorm.cpp)
  void check_batch_size(int64_t m, Mode mode) const;
  // mean_, inv_std_, count_ (and the workspace's) of a batch of n samples
  void compute_batch_statistics(const float* x, int64_t n, Mode mode);
  void use_running_statistics();  // the same from the running buffers
  void update_running_statistics();
  float gamma(int64_t c) const { return options_.affine ? gamma_.value[c] : 1.0f; }
  double mean_of(int64_t c) const;   // mu = mean_ + mean_rest, in double
  double scale_of(int64_t c) const;  // gamma * inv_std, or gamma with normalize "mean"

  Options options_;
  bool subtracts_mean_ = true;  // normalize "full" or "mean"
  bool divides_by_std_ = true;  // normalize "full" or "variance"
  double count_ = 0;            // m: values the last batch statistics are over per channel
                                // (N, or N H W for images; all processes' with sync)
  int64_t features_ = 0;        // D: features, or an image's channels C
  int64_t spatial_ = 1;         // S: H W for an image, 1 for a feature vector
  Param gamma_, beta_;          // [D] "weight", "bias"
  Buffer running_mean_, running_var_, num_batches_tracked_;
  // Named caches from forward, used by backward.
  Tensor mean_;     // [D] mean used to normalize, rounded to float
  Tensor inv_std_;  // [D] 1 / sqrt(var + eps)
  bool used_batch_stats_ = false;
  std::unique_ptr<Workspace> work_;
};

}  // namespace minima
