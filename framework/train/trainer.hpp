#pragma once
// Training a model from a RunConfig: the loop, evaluation points, metrics,
// checkpoints and resuming.
//
// A run directory (config.output.dir) holds
//   lock                     held (flock) by the Trainer using the directory (run_lock.hpp)
//   config.json              the resolved config (written at start)
//   metrics.csv              one row per evaluation point (metrics_log.hpp)
//   model.safetensors        -> the last committed checkpoint's weights (run_checkpoint.hpp),
//                            with the input normalization in their metadata
//   checkpoints/step-<S>/    model.safetensors + train_state.safetensors (optimizer
//                            state, step, data position: train_state.hpp)
// A checkpoint is committed by one atomic rename, so a kill at any instant
// leaves the last committed checkpoint whole, and `resume` continues from it
// bit-exactly: the same final weights and metrics rows as an uninterrupted
// run (with the same thread count: a GEMM split into other slices may round
// differently). A second Trainer on a directory in use is refused (the
// constructor throws, naming the holder's PID); the lock is held from the
// constructor until run() returns.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <minima/data/batcher.hpp>
#include <minima/data/data_source.hpp>
#include <minima/data/dataset.hpp>
#include <minima/io/metrics_log.hpp>
#include <minima/io/run_lock.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>
#include <minima/optim/optimizer.hpp>
#include <minima/optim/schedule.hpp>
#include <minima/train/eval_schedule.hpp>
#include <minima/train/progress.hpp>
#include <minima/train/run_config.hpp>

namespace minima {

// Thrown at the first non-finite training loss, or when a checkpoint would
// hold non-finite weights; the message names the last good checkpoint.
class TrainingDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Trainer;

struct TrainerOptions {
  ProgressStyle progress = ProgressStyle::Auto;
  // Continue from the checkpoint in config.output.dir instead of starting afresh.
  bool resume = false;
  // Stop (after writing a checkpoint) once this many steps are done; 0 = never.
  int64_t stop_at_step = 0;
  // Checked before every step; when set the run checkpoints and returns (Ctrl-C).
  std::atomic<bool>* stop = nullptr;
  // Called at every evaluation point, after its metrics row is written.
  std::function<void(const EvalPoint&, Trainer&)> on_eval;
  // Called after every training step (trainer.step() is the steps done), before
  // that step's evaluation. It must leave the run alone: no change to the
  // model's parameters, buffers or random streams (an Eval-mode forward is fine).
  std::function<void(Trainer&)> after_step;
};

class Trainer {
 public:
  // Loads the data named by the config.
  explicit Trainer(const RunConfig& config, TrainerOptions options = {});
  // Shares data already loaded (compare runs several variants on one copy).
  Trainer(const RunConfig& config, std::shared_ptr<const TrainingData> data,
          TrainerOptions options = {});

  // Trains to the last step (or until stopped) and returns the last
  // evaluation point. Throws TrainingDiverged at a non-finite loss (the last
  // checkpoint stays as it was).
  EvalPoint run();
  // run() returned early because of the stop flag or stop_at_step.
  bool stopped() const { return stopped_; }
  // Every step done: a resumed finished run, whose run() trains nothing.
  bool complete() const { return step_ >= total_steps_; }

  const RunConfig& config() const { return config_; }
  Graph& model() { return model_; }
  const Graph& model() const { return model_; }
  const Dataset& train_data() const { return data_->train; }
  const Dataset& eval_data() const { return data_->eval; }
  const std::string& eval_name() const { return data_->eval_name; }
  const Normalization& normalization() const { return data_->normalization; }
  int64_t step() const { return step_; }
  int64_t total_steps() const { return total_steps_; }
  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  // The steps at which it evaluates (every eval_every steps or once per
  // epoch, the last step, and the early ones with train.eval_early).
  const EvalSchedule& evaluations() const { return evaluations_; }
  int threads() const { return threads_; }
  // Time spent in training steps (batch, forward, backward, update) during
  // run(): no evaluation, checkpoints or callbacks; this session only.
  double train_seconds() const { return train_seconds_; }
  // Of that, time in the gradient all-reduce of a data-parallel run (sending,
  // and waiting for the slowest process); 0 for one process.
  double allreduce_seconds() const { return allreduce_seconds_; }
  // Steps done by this session's run() (a resumed run's earlier ones excluded).
  int64_t session_steps() const { return step_ - first_step_; }
  std::string model_path() const;
  // The step of the last checkpoint written or resumed from; -1 if none.
  int64_t checkpoint_step() const { return checkpoint_step_; }

 private:
  void start_fresh();
  void resume();
  void train_step(float lr);
  void average_gradients();  // over the processes of a data-parallel run
  void evaluation_point();
  void write_checkpoint();
  double seconds() const;  // wall time of the run, earlier sessions included
  [[noreturn]] void diverged(int64_t step, const std::string& what);
  std::string path(const char* file) const;

  RunConfig config_;
  TrainerOptions options_;
  std::shared_ptr<const TrainingData> data_;
  bool writer_;   // this process writes the run directory (rank 0 of a data-parallel run)
  RunLock lock_;  // of config_.output.dir, before anything in it is touched
  Graph model_;
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<Schedule> schedule_;
  Batcher batcher_;
  Batch batch_;
  SoftmaxCrossEntropy loss_;
  MetricsLog metrics_;
  Progress progress_;
  int threads_ = 1;
  int64_t steps_per_epoch_ = 0, total_steps_ = 0;
  EvalSchedule evaluations_;
  int64_t step_ = 0, checkpoint_step_ = -1;
  float lr_ = 0;  // of the last step
  double train_seconds_ = 0, allreduce_seconds_ = 0;
  int64_t first_step_ = 0;     // step_ when this session's run() began
  double seconds_before_ = 0;  // wall time before this run() (earlier sessions of a resumed run)
  std::chrono::steady_clock::time_point start_;  // of this run()
  double loss_sum_ = 0;  // running training statistics since the last evaluation point
  int64_t correct_ = 0, seen_ = 0;
  EvalPoint last_eval_;
  bool stopped_ = false;
};

}  // namespace minima
