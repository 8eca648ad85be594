#include "cli/compare/compare_run.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

#include <minima/data/batcher.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/train/evaluate.hpp>
#include <minima/train/tensorboard_log.hpp>
#include <minima/train/trainer.hpp>
#include "cli/interrupt.hpp"

namespace minima::cli {
namespace {

// The recorders of every measurement that is on, called at the hooks in
// report order; a probe point is passed on once per step.
class Recorders {
 public:
  Recorders(const json& measures, const lesson::RunSetup& run) {
    for (const lesson::NamedMeasurement& m : lesson::measurements_in_order())
      if (measures.contains(m.name))
        if (auto r = m.measurement->attach(measures.at(m.name), run))
          recorders_.emplace_back(m.name, std::move(r));
  }

  void start(Trainer& trainer) {
    for (auto& [name, r] : recorders_) r->start(trainer);
    at_probe_point(trainer);
  }
  void after_step(Trainer& trainer) {
    for (auto& [name, r] : recorders_) r->after_step(trainer);
    if (lesson::is_log_probe_step(trainer.step())) at_probe_point(trainer);
  }
  void at_evaluation(const EvalPoint& point, Trainer& trainer) {
    for (auto& [name, r] : recorders_) r->at_evaluation(point, trainer);
    at_probe_point(trainer);
  }
  // {"<measurement>": its result, ...}
  json results() const {
    json out = json::object();
    for (const auto& [name, r] : recorders_) out[name] = r->result();
    return out;
  }

 private:
  void at_probe_point(Trainer& trainer) {
    if (probed_ == trainer.step()) return;
    for (auto& [name, r] : recorders_) r->at_probe_point(trainer);
    probed_ = trainer.step();
  }

  std::vector<std::pair<std::string, std::unique_ptr<lesson::Recorder>>> recorders_;
  int64_t probed_ = -1;  // the last probe point's step
};

// "[with BN, seed 1] step 500/5000  loss 0.2345  eval_acc 93.10%  12.3s"
void print_eval_line(const std::string& name, const EvalPoint& p, int64_t total) {
  std::printf("[%s] step %lld/%lld  loss %.4f  eval_acc %.2f%%  %.1fs\n", name.c_str(),
              static_cast<long long>(p.step), static_cast<long long>(total), p.train_loss,
              100.0 * p.eval_acc, p.seconds);
  std::fflush(stdout);
}

// Trains to the end, Ctrl-C or divergence, and notes which.
void train(Trainer& trainer, const std::string& name, const RunContext& context,
           RunOutcome& outcome) {
  try {
    trainer.run();
  } catch (const TrainingDiverged& e) {
    outcome.result.finished = false;
    outcome.diverged_note = "'" + name + "' " + e.what();
    const std::lock_guard lock(context.print);
    if (context.writer) std::fprintf(stderr, "minima compare: '%s' %s\n", name.c_str(), e.what());
  }
  if (trainer.stopped()) {
    outcome.result.finished = false;
    outcome.result.steps = trainer.step();
    const bool cancelled = context.stop != &interrupt_requested();
    outcome.stop_note = std::string(cancelled ? "Cancelled" : "Stopped early (Ctrl-C)") +
                        " during '" + name + "' at step " + std::to_string(trainer.step()) +
                        " of " + std::to_string(trainer.total_steps()) +
                        "; the report shows what finished.";
  }
}

}  // namespace

RunOutcome run_one(const Plan& plan, size_t index, const RunContext& context) {
  const CompareVariant& variant = context.compare.variants[plan.variant];
  const std::string name = variant.seeds.size() > 1
                               ? variant.name + ", seed " + std::to_string(plan.seed)
                               : variant.name;
  RunOutcome outcome;
  lesson::SeedResult& result = outcome.result;
  const RunId id{plan.variant, variant.name, plan.seed};
  result.seed = plan.seed;
  std::unique_ptr<Recorders> recorders;         // made once the trainer has built the model
  std::unique_ptr<TensorBoardLog> tensorboard;  // the same

  TrainerOptions options;
  options.progress =
      context.quiet || context.side_by_side ? ProgressStyle::Quiet : ProgressStyle::Auto;
  options.stop = context.stop;
  options.after_step = [&](Trainer& trainer) { recorders->after_step(trainer); };
  options.on_eval = [&](const EvalPoint& p, Trainer& trainer) {
    result.accuracy.push_back({p.step, p.eval_acc});
    result.loss.push_back({p.step, p.train_loss});
    result.steps = p.step;
    recorders->at_evaluation(p, trainer);
    if (context.observer) context.observer->evaluated(id, p);
    if (tensorboard) tensorboard->write(p, trainer.model());
    if (context.side_by_side && !context.quiet) {
      const std::lock_guard lock(context.print);
      print_eval_line(name, p, trainer.total_steps());
    }
  };
  const auto run_start = std::chrono::steady_clock::now();
  Trainer trainer(plan.config, plan.data, options);
  recorders = std::make_unique<Recorders>(
      context.compare.measures, lesson::RunSetup{plan.config, *plan.data, trainer.model(),
                                                 context.writer ? plan.config.output.dir : ""});
  if (!context.tensorboard.empty() && context.writer)
    tensorboard = std::make_unique<TensorBoardLog>(
        TensorBoardLog::run_dir(context.tensorboard, variant.slug, plan.seed), trainer.model(),
        first_samples(plan.data->eval, plan.data->normalization, 1000).x);
  // Step 0: the untrained net (one evaluation, no training state touched).
  result.accuracy.push_back(
      {0, evaluate(trainer.model(), plan.data->eval, plan.data->normalization, 1000).accuracy()});
  recorders->start(trainer);
  if (context.observer)
    context.observer->started(id, trainer.total_steps(), result.final_accuracy());
  if (!context.quiet) {
    const std::lock_guard lock(context.print);
    std::printf("[%zu/%zu] %s: %lld steps -> %s\n", index + 1, context.count, name.c_str(),
                static_cast<long long>(trainer.total_steps()), plan.config.output.dir.c_str());
    std::fflush(stdout);
  }
  train(trainer, name, context, outcome);
  result.run_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  result.ms_per_step =
      1000 * trainer.train_seconds() / double(std::max<int64_t>(1, trainer.step()));
  result.measures = recorders->results();
  if (context.observer) context.observer->ended(id, trainer.step(), result.finished);
  return outcome;
}

}  // namespace minima::cli
