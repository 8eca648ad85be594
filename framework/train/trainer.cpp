#include <minima/train/trainer.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include <minima/core/atomic_file.hpp>
#include <minima/data/data_source.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/run_checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/io/train_state.hpp>
#include <minima/platform/processes.hpp>
#include <minima/platform/threads.hpp>
#include <minima/train/evaluate.hpp>
#include <minima/train/run_system.hpp>
#include <minima/train/thread_choice.hpp>

namespace minima {
namespace {

constexpr int64_t kEvalBatch = 1000;

std::string float_text(float v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", double(v));  // 9 significant digits round-trip any float
  return text;
}

// The batch size, if the training set has at least one whole batch.
int64_t checked_batch_size(const RunConfig& config, const Dataset& train) {
  if (config.train.batch_size > train.count)
    throw ConfigError("/train/batch_size", "expected at most the " + std::to_string(train.count) +
                                               " training samples, got " +
                                               std::to_string(config.train.batch_size));
  return config.train.batch_size;
}

// A label beyond the usual ten classes that the model cannot output is the
// label file's fault, not the model's: name the file and the label.
void check_labels_fit(const Dataset& data, int64_t outputs) {
  if (data.num_classes <= 10 || data.num_classes <= outputs) return;
  throw std::runtime_error(data.labels_source + ": label " + std::to_string(data.num_classes - 1) +
                           " is outside the model's " + std::to_string(outputs) + " classes (0.." +
                           std::to_string(outputs - 1) + ")");
}

// Data parallel: each of the P processes takes an equal slice of every batch.
void check_batch_splits(const RunConfig& config) {
  const int parts = process_count();
  if (config.train.batch_size % parts != 0)
    throw ConfigError("/train/batch_size",
                      "expected a multiple of the " + std::to_string(parts) +
                          " processes (each trains on an equal share of the batch), got " +
                          std::to_string(config.train.batch_size));
}

// Whether `flag` is set on any process (all of them get the same answer).
bool any_process(bool flag) {
  std::array<double, 1> count = {flag ? 1.0 : 0.0};
  sum_over_processes(count);
  return count[0] > 0;
}

// Rank 0 alone reports. mpirun hands it a pseudo-terminal even when its
// output goes to a file, so there a bar would fill logs: one line per
// evaluation instead.
ProgressStyle progress_style(ProgressStyle asked, bool writer) {
  if (!writer) return ProgressStyle::Quiet;
  return asked == ProgressStyle::Auto && started_by_mpirun() ? ProgressStyle::Lines : asked;
}

}  // namespace

Trainer::Trainer(const RunConfig& config, TrainerOptions options)
    : Trainer(config, std::make_shared<const TrainingData>(load_training_data(config.data)),
              std::move(options)) {}

Trainer::Trainer(const RunConfig& config, std::shared_ptr<const TrainingData> data,
                 TrainerOptions options)
    : config_(config),
      options_(std::move(options)),
      data_(std::move(data)),
      writer_(process_rank() == 0),
      lock_(writer_ ? RunLock(config.output.dir) : RunLock()),  // the writer alone holds it
      model_(Graph::from_json(config.layers, "/model/layers")),
      batcher_(data_->train, checked_batch_size(config, data_->train), data_->normalization,
               /*shuffle=*/true, config.seed,
               /*drop_last=*/true) {
  check_batch_splits(config_);
  batcher_.serve_part(process_rank(), process_count());
  model_.build(data_->train.sample_shape, config_.seed);
  check_labels_fit(data_->train, model_.output_shape().numel());
  if (model_.output_shape().numel() != data_->train.num_classes)
    throw ConfigError("/model", "expected a last layer with " +
                                    std::to_string(data_->train.num_classes) +
                                    " outputs (one per class of the data set), got " +
                                    model_.output_shape().str());
  steps_per_epoch_ = batcher_.batches_per_epoch();
  total_steps_ =
      config_.train.steps > 0 ? config_.train.steps : config_.train.epochs * steps_per_epoch_;
  evaluations_ = {config_.train.eval_every > 0 ? config_.train.eval_every : steps_per_epoch_,
                  total_steps_, config_.train.eval_early};
  ConfigObject optimizer(config_.optimizer, "/optimizer");
  optimizer_ = make_optimizer(optimizer, model_.values().numel());  // the arena, padding included
  ConfigObject schedule(config_.schedule, "/schedule");
  schedule_ = make_schedule(schedule, total_steps_);
  threads_ = config_.train.threads > 0 ? config_.train.threads
                                       : choose_threads(model_, config_.train.batch_size);
  progress_ = Progress(progress_style(options_.progress, writer_), total_steps_, steps_per_epoch_);
  if (options_.resume)
    resume();
  else
    start_fresh();
  if (writer_) write_file_atomically(path("system.json"), run_system(threads_).dump(2) + "\n");
}

std::string Trainer::path(const char* file) const {
  return (std::filesystem::path(config_.output.dir) / file).string();
}
std::string Trainer::model_path() const { return run_model_path(config_.output.dir); }

void Trainer::start_fresh() {
  if (!writer_) return;
  // A checkpoint of an earlier run in this directory is not this run's.
  remove_checkpoints(config_.output.dir);
  write_file_atomically(path("config.json"), config_.resolved().dump(2) + "\n");
  write_class_names(path("classes.json"), data_->train.class_names);
  metrics_ = MetricsLog::create(path("metrics.csv"));
}

void Trainer::resume() {
  const std::string& dir = config_.output.dir;
  const std::optional<CheckpointFiles> files = committed_checkpoint(dir);
  if (!files)
    throw std::runtime_error(dir +
                             ": nothing to resume from (no committed checkpoint: model.safetensors "
                             "naming checkpoints/step-<S>/)");
  const TrainState s = load_train_state(files->train_state, *optimizer_);
  load_model(files->model, model_);
  const auto metadata = load_safetensors(files->model).metadata;
  const auto model_step = metadata.find(kStepKey);
  if (model_step == metadata.end() || model_step->second != std::to_string(s.step))
    throw std::runtime_error(files->model + " is not from step " + std::to_string(s.step) +
                             " like " + files->train_state +
                             " (interrupted between the two writes?)");
  if (s.step > total_steps_)  // a finished run (s.step == total_steps_) resumes as complete()
    throw std::runtime_error(dir + ": the run already did " + std::to_string(s.step) + " of its " +
                             std::to_string(total_steps_) +
                             " steps (raise train.steps or train.epochs to train longer)");
  for (const auto& [layer, stream] : model_.random_streams()) {
    const auto saved = s.streams.find(layer);
    if (saved == s.streams.end())
      throw std::runtime_error(files->train_state + ": no random stream for layer '" + layer +
                               "' (metadata 'stream." + layer + "')");
    stream->set_state(saved->second);
  }
  batcher_.seek(s.batcher_epoch, s.batcher_position);
  step_ = checkpoint_step_ = s.step;
  seconds_before_ = s.seconds;
  loss_sum_ = s.loss_sum;
  correct_ = s.correct;
  seen_ = s.seen;
  if (!writer_) return;
  write_file_atomically(path("config.json"), config_.resolved().dump(2) + "\n");
  metrics_ = MetricsLog::resume(path("metrics.csv"), step_);
}

EvalPoint Trainer::run() {
  if (writer_ && !lock_.held()) lock_ = RunLock(config_.output.dir);
  set_threads(threads_);
  start_ = std::chrono::steady_clock::now();
  first_step_ = step_;
  stopped_ = false;
  int64_t interval_end = step_;
  while (step_ < total_steps_) {
    const bool stop = (options_.stop && options_.stop->load(std::memory_order_relaxed)) ||
                      (options_.stop_at_step > 0 && step_ >= options_.stop_at_step);
    if (any_process(stop)) {
      progress_.interrupt();
      if (checkpoint_step_ != step_) write_checkpoint();
      stopped_ = true;
      break;
    }
    if (step_ == interval_end) {
      interval_end = evaluations_.next_after(step_);
      progress_.begin_interval(step_, interval_end, seconds());
    }
    const auto step_start = std::chrono::steady_clock::now();
    train_step(schedule_->lr(step_, optimizer_->base_lr()));
    train_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - step_start).count();
    if (options_.after_step) options_.after_step(*this);
    progress_.update(step_, loss_sum_ / double(seen_), double(correct_) / double(seen_), seconds());
    const bool last = step_ == total_steps_;
    const bool evaluate_now = evaluations_.at(step_);
    if (evaluate_now) {
      evaluation_point();
      progress_.eval_point(last_eval_);
      if (options_.on_eval) options_.on_eval(last_eval_, *this);
    }
    const int64_t every = config_.output.checkpoint_every;
    if (last || (every > 0 ? step_ % every == 0 : evaluate_now)) write_checkpoint();
  }
  seconds_before_ = seconds();
  lock_.release();  // the run is over: another one may use the directory
  return last_eval_;
}

void Trainer::train_step(float lr) {
  lr_ = lr;
  if (!batcher_.next(batch_) &&
      !batcher_.next(batch_))  // false ends an epoch; the next call starts the next one
    throw std::logic_error("the training batcher gave no batch");
  model_.zero_grad();
  const Tensor& logits = model_.forward(batch_.x, Mode::Train);
  // This step's loss sum, right answers and samples, over all processes.
  std::array<double, 3> totals = {
      double(loss_.forward(logits, batch_.labels)) * double(batch_.size()), double(loss_.correct()),
      double(batch_.size())};
  sum_over_processes(totals);
  const double loss = totals[0] / totals[2];
  if (!std::isfinite(loss))
    diverged(step_ + 1, std::string("loss is ") + (std::isnan(loss) ? "nan" : "inf"));
  model_.backward(loss_.backward());
  average_gradients();
  optimizer_->step(model_.values(), model_.grads(), lr);
  ++step_;
  loss_sum_ += totals[0];
  correct_ += int64_t(totals[1]);
  seen_ += int64_t(totals[2]);
}

// Each process's loss is the mean over its B/P samples, so the gradient of
// the mean over all B is the mean of the P processes' gradients:
//   g = 1/P sum_p g_p.
void Trainer::average_gradients() {
  const int parts = process_count();
  if (parts == 1) return;
  Tensor& grads = model_.grads();
  const auto start = std::chrono::steady_clock::now();
  sum_over_processes(std::span<float>(grads.data(), size_t(grads.numel())));
  allreduce_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const float scale = 1.0f / float(parts);
  for (int64_t k = 0; k < grads.numel(); ++k) grads[k] *= scale;
}

void Trainer::evaluation_point() {
  const EvalResult result = evaluate(model_, data_->eval, data_->normalization, kEvalBatch);
  EvalPoint& p = last_eval_;
  p.step = step_;
  p.epoch = double(step_) / double(steps_per_epoch_);
  p.lr = lr_;
  p.train_loss = seen_ ? loss_sum_ / double(seen_) : 0.0;
  p.train_acc = seen_ ? double(correct_) / double(seen_) : 0.0;
  p.eval_loss = result.loss;
  p.eval_acc = result.accuracy();
  p.seconds = seconds();
  if (writer_) metrics_.append(p);
  loss_sum_ = 0;
  correct_ = seen_ = 0;
}

double Trainer::seconds() const {
  return seconds_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Trainer::write_checkpoint() {
  for (const StateEntry& e : model_.state())  // a checkpoint must stay a good one to go back to
    for (int64_t k = 0; k < e.tensor->numel(); ++k)
      if (!std::isfinite((*e.tensor)[k])) diverged(step_, "'" + e.name + "' is no longer finite");
  if (!writer_) {  // rank 0 writes the checkpoint every process could resume from
    checkpoint_step_ = step_;
    return;
  }
  const CheckpointFiles files = prepare_checkpoint(config_.output.dir, step_);
  save_model(files.model, model_,
             {{kStepKey, std::to_string(step_)},
              {kMeanKey, float_text(data_->normalization.mean)},
              {kStdKey, float_text(data_->normalization.std)}});
  TrainState s{step_, batcher_.epoch(), batcher_.position(), seconds(), loss_sum_, correct_, seen_,
               {}};
  for (const auto& [layer, stream] : model_.random_streams()) s.streams[layer] = stream->state();
  save_train_state(files.train_state, s, *optimizer_);
  commit_checkpoint(config_.output.dir, step_);
  checkpoint_step_ = step_;
}

void Trainer::diverged(int64_t step, const std::string& what) {
  progress_.interrupt();
  char lr_text[32];
  Progress::format_lr(lr_text, sizeof lr_text, lr_);
  const std::string checkpoint = checkpoint_step_ >= 0
                                     ? "the last good checkpoint is " + model_path() + " (step " +
                                           std::to_string(checkpoint_step_) + ")"
                                     : "no checkpoint was written yet";
  throw TrainingDiverged("training diverged at step " + std::to_string(step) + ": " + what +
                         " (lr " + lr_text + "); " + checkpoint);
}

}  // namespace minima
