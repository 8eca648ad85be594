// `minima train CONFIG [--set key=value ...] [--resume RUN_DIR] [--quiet] [--tensorboard DIR]`
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <minima/core/blas.hpp>
#include <minima/core/format.hpp>
#include <minima/platform/blas_kernel.hpp>
#include <minima/platform/processes.hpp>
#include <minima/train/tensorboard_log.hpp>
#include <minima/train/trainer.hpp>
#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

struct TrainArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string resume;
  bool quiet = false;
  std::string tensorboard;  // --tensorboard DIR; "" = no TensorBoard log
};

// The config to run: CONFIG, or for --resume the run's own config.json
// (CONFIG may replace it if it describes the same run).
RunConfig config_for(const TrainArgs& a) {
  if (a.resume.empty()) return load_run_config(a.config, a.overrides);
  if (!std::filesystem::is_directory(a.resume))
    throw std::runtime_error(a.resume + ": not a run directory");
  const std::string saved_path = (std::filesystem::path(a.resume) / "config.json").string();
  RunConfig config = load_run_config(a.config.empty() ? saved_path : a.config, a.overrides);
  check_same_run(load_run_config(saved_path), config, a.resume);
  config.output.dir = a.resume;
  return config;
}

// The run's name in a TensorBoard log: its directory's name ("runs/mnist_mlp_bn/" ->
// "mnist_mlp_bn").
std::string tensorboard_run_name(const std::string& run_dir) {
  std::filesystem::path dir = std::filesystem::path(run_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  return dir.filename().string();
}

// " per process, 2 processes of 30 samples each" for a data-parallel run, else "".
std::string processes_words(int64_t batch) {
  const int processes = process_count();
  if (processes == 1) return "";
  return " per process, " + std::to_string(processes) + " processes of " +
         std::to_string(batch / processes) + " samples each";
}

void print_start(const Trainer& t, bool resuming) {
  const RunConfig& c = t.config();
  if (resuming)
    std::printf("resuming %s at step %lld\n", c.output.dir.c_str(),
                static_cast<long long>(t.step()));
  std::printf(
      "%s: %lld steps (%lld per epoch, batch %lld), %lld parameters, %s set of %lld samples, %d "
      "thread%s%s (BLAS kernel %s, chosen by %s)\n",
      c.source.c_str(), static_cast<long long>(t.total_steps()),
      static_cast<long long>(t.steps_per_epoch()), static_cast<long long>(c.train.batch_size),
      static_cast<long long>(t.model().num_params()), t.eval_name().c_str(),
      static_cast<long long>(t.eval_data().count), t.threads(), t.threads() == 1 ? "" : "s",
      processes_words(c.train.batch_size).c_str(), blas_corename().c_str(),
      to_string(blas_kernel_decision().source));
  std::fflush(stdout);
}

int run_train(const TrainArgs& a) {
  if (a.config.empty() && a.resume.empty())
    throw UsageError("expected a CONFIG file (or --resume RUN_DIR)");
  TrainerOptions options;
  options.progress = a.quiet ? ProgressStyle::Quiet : ProgressStyle::Auto;
  options.resume = !a.resume.empty();
  options.stop = &interrupt_requested();
  std::unique_ptr<TensorBoardLog> tensorboard;  // made once the trainer built the model
  options.on_eval = [&tensorboard](const EvalPoint& point, Trainer& t) {
    if (tensorboard) tensorboard->write(point, t.model());
  };
  const RunConfig config = config_for(a);
  // Settings the data or the layers cannot take are found while building:
  // name the config file they are about.
  Trainer trainer = [&] {
    try {
      return Trainer(config, options);
    } catch (const ConfigError& e) {
      throw e.in_file(config.source);
    }
  }();
  const bool writer = process_rank() == 0;  // of a data-parallel run, rank 0 speaks for all
  if (options.resume && trainer.complete()) {
    // Resuming what is done succeeds, so a requeue loop that always resumes ends.
    if (writer)
      std::printf("minima train: the run in %s is complete (%lld of %lld steps); nothing to do\n",
                  trainer.config().output.dir.c_str(), static_cast<long long>(trainer.step()),
                  static_cast<long long>(trainer.total_steps()));
    return 0;
  }
  if (!a.tensorboard.empty() && writer)
    tensorboard = std::make_unique<TensorBoardLog>(
        TensorBoardLog::run_dir(a.tensorboard, tensorboard_run_name(config.output.dir),
                                config.seed),
        trainer.model(),
        first_samples(trainer.eval_data(), trainer.normalization(), TensorBoardLog::kProbeSamples)
            .x);
  if (tensorboard && !a.quiet) std::printf("TensorBoard log: %s\n", tensorboard->path().c_str());
  if (!a.quiet && writer) print_start(trainer, options.resume);

  const EvalPoint last = [&] {
    const InterruptGuard interrupts;  // Ctrl-C: stop at the next step, saved
    return trainer.run();
  }();

  const std::string& dir = trainer.config().output.dir;
  if (trainer.stopped()) {
    if (writer)
      std::fprintf(
          stderr,
          "minima train: interrupted at step %lld/%lld; checkpoint and metrics saved in %s "
          "(continue with: minima train --resume %s)\n",
          static_cast<long long>(trainer.step()), static_cast<long long>(trainer.total_steps()),
          dir.c_str(), dir.c_str());
    return 130;
  }
  if (!writer) return 0;
  std::printf("final: step %lld  epoch %.2f  %s loss %.4f  %s accuracy %.2f%%  %.1fs\n",
              static_cast<long long>(last.step), last.epoch, trainer.eval_name().c_str(),
              last.eval_loss, trainer.eval_name().c_str(), 100.0 * last.eval_acc, last.seconds);
  if (started_by_mpirun() && trainer.session_steps() > 0)
    std::printf(
        "data parallel: %d process%s, %.3f ms per training step, %.0f%% of it in the "
        "all-reduce of the %s gradient\n",
        process_count(), process_count() == 1 ? "" : "es",
        1e3 * trainer.train_seconds() / double(trainer.session_steps()),
        100.0 * trainer.allreduce_seconds() / trainer.train_seconds(),
        format_bytes(trainer.model().grads().numel() * int64_t(sizeof(float))).c_str());
  std::printf("run directory: %s (config.json, metrics.csv, model.safetensors, checkpoints/)\n",
              dir.c_str());
  return 0;
}

CommandRun declare_train(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  app.add_option("CONFIG", args->config, "the run config (JSON)");
  add_config_overrides(app, args->overrides,
                       "override a config value by its dotted path, e.g.\n"
                       "--set optimizer.lr=0.5 --set data.dir=/data/mnist");
  app.add_option("--resume", args->resume,
                 "continue an interrupted run from its last checkpoint,\n"
                 "with RUN_DIR/config.json (or CONFIG, if it describes the\n"
                 "same model, data, seed and batch size)")
      ->type_name("RUN_DIR");
  app.add_flag("-q,--quiet", args->quiet, "print only the final result");
  app.add_option("--tensorboard", args->tensorboard,
                 "also write a TensorBoard event file in DIR/<run>/seed-<seed>/\n"
                 "(<run>: the run directory's name): the metrics and a\n"
                 "histogram of every hidden nonlinearity's input at each\n"
                 "evaluation (docs/interop.md)")
      ->type_name("DIR");
  app.footer(
      "Trains the model CONFIG describes and writes its run directory (output.dir):\n"
      "config.json, metrics.csv (one row per evaluation) and checkpoints: each in\n"
      "checkpoints/step-<S>/ (model.safetensors + train_state.safetensors), committed\n"
      "by atomically pointing the symlink model.safetensors at it. A run locks its\n"
      "directory: a second run into it is refused.\n"
      "\n"
      "On a terminal a progress bar is drawn per epoch (or evaluation interval);\n"
      "otherwise one line per evaluation. Ctrl-C stops at the next step, saves a\n"
      "checkpoint and exits with status 130. A non-finite loss stops the run with\n"
      "an error naming the last good checkpoint.\n"
      "\n"
      "Under `mpirun -np P minima train CONFIG`, each of the P processes trains on\n"
      "its share of every batch (train.batch_size must be a multiple of P), the\n"
      "gradients are averaged, and rank 0 alone prints and writes the run\n"
      "directory; resume with the same P (docs/scale-out.md).");
  return [args] { return run_train(*args); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "train",
                (CommandEntry{"train a model from a JSON config", declare_train}));

}  // namespace minima::cli
