// `minima compare COMPARE_CONFIG [--set key=value ...] [--out DIR] [--png FILE] [--quiet]
//                 [--jobs N]`
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <minima/core/atomic_file.hpp>
#include <minima/core/blas.hpp>
#include <minima/core/blas_kernel.hpp>
#include <minima/core/threads.hpp>
#include <minima/report/png_chart.hpp>
#include <minima/train/thread_choice.hpp>
#include <minima/train/trainer.hpp>
#include "cli/command.hpp"
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_report.hpp"
#include "cli/compare/probe.hpp"
#include "cli/compare/side_by_side.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

std::atomic<bool> stop_requested{false};

void on_interrupt(int) { stop_requested.store(true); }

struct CompareArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string out;
  std::string png;
  bool quiet = false;
  int jobs = 0;  // runs at once; 0 = as many as the cores allow
};

// One variant, checked and ready to train.
struct Plan {
  const CompareVariant* variant;
  json written;  // the variant's config as written (with its run folder), shown in the report
  RunConfig config;
  std::shared_ptr<const TrainingData> data;
  ProbeTarget probe;
  int threads = 1;  // the run's training threads (train.threads, or the trainer's choice)
};

// Validates every variant (config, data, probe layer) before any training,
// so that a typo in the last variant does not surface an hour in. Data sets
// are loaded once and shared.
std::vector<Plan> plan_runs(const CompareConfig& compare, const std::string& out_dir) {
  std::vector<Plan> plans;
  std::map<std::string, std::shared_ptr<const TrainingData>> loaded;
  for (const CompareVariant& v : compare.variants) {
    const std::string where = "variant '" + v.name + "' (" + v.source + "): ";
    try {
      json written = v.config;
      written["output"]["dir"] = (std::filesystem::path(out_dir) / v.slug).string();
      Plan plan{&v, written, parse_run_config(written, v.source), nullptr, {}};
      const DataConfig& d = plan.config.data;
      const std::string key = json{d.dataset, d.dir, d.validation, d.normalize}.dump();
      if (!loaded.count(key))
        loaded[key] = std::make_shared<const TrainingData>(load_training_data(d));
      plan.data = loaded[key];
      Graph model = Graph::from_json(plan.config.layers, "/model/layers");
      model.build(plan.data->train.sample_shape, plan.config.seed);
      plan.probe = resolve_probe(model, compare.probe);
      plan.threads = plan.config.train.threads > 0
                         ? plan.config.train.threads
                         : choose_threads(model, plan.config.train.batch_size);
      plans.push_back(std::move(plan));
    } catch (const std::exception& e) {
      throw std::runtime_error(where + e.what());
    }
  }
  return plans;
}

// The first `count` samples of the evaluation set, scaled like training batches.
Tensor probe_inputs(const TrainingData& data, int64_t count) {
  Batcher batcher(data.eval, std::min(count, data.eval.count), data.normalization,
                  /*shuffle=*/false, 0,
                  /*drop_last=*/false);
  Batch batch;
  batcher.next(batch);
  return batch.x;
}

std::string probe_csv(const std::vector<ProbePoint>& points) {
  std::string text = "step,p15,p50,p85\n";
  char row[128];
  for (const ProbePoint& p : points) {
    std::snprintf(row, sizeof(row), "%lld,%.6g,%.6g,%.6g\n", static_cast<long long>(p.step), p.p15,
                  p.p50, p.p85);
    text += row;
  }
  return text;
}

std::vector<std::string> setup_notes(const std::vector<Plan>& plans, const CompareConfig& compare) {
  std::vector<std::string> notes;
  bool same_seed = true;
  std::string seeds;
  for (const Plan& p : plans) {
    same_seed = same_seed && p.config.seed == plans[0].config.seed;
    seeds += (seeds.empty() ? "" : ", ") + p.variant->name + ": " + std::to_string(p.config.seed);
  }
  notes.push_back(
      same_seed
          ? "Every run uses seed " + std::to_string(plans[0].config.seed) +
                ": the same data order, and identical initial weights in the layers they share."
          : "The runs use different seeds (" + seeds + ").");
  const Plan& first = plans[0];
  const int64_t eval_every = first.config.train.eval_every;
  notes.push_back("Accuracy on the " + first.data->eval_name + " set (" +
                  std::to_string(first.data->eval.count) + " samples), evaluated " +
                  (eval_every > 0 ? "every " + std::to_string(eval_every) + " steps"
                                  : std::string("once per epoch")) +
                  "; hidden-unit percentiles over its first " +
                  std::to_string(std::min(compare.probe.batch, first.data->eval.count)) +
                  " samples.");
  notes.push_back("BLAS kernels: OpenBLAS " + blas_corename() + ", chosen by " +
                  to_string(blas_kernel_decision().source) + " (" + blas_kernel_decision().reason +
                  ").");
  return notes;
}

// What one variant's run adds to the report.
struct VariantOutcome {
  VariantRecord record;
  std::string diverged_note, stop_note;  // empty unless it diverged / Ctrl-C stopped it
};

struct RunContext {
  const CompareConfig& compare;
  size_t count;       // of variants
  bool quiet;         // print nothing while training
  bool side_by_side;  // runs share the terminal: one line per evaluation, named
  std::mutex& print;  // held while printing
};

// "[with BN] step 500/5000  loss 0.2345  eval_acc 93.10%  12.3s"
void print_eval_line(const std::string& name, const EvalPoint& p, int64_t total) {
  std::printf("[%s] step %lld/%lld  loss %.4f  eval_acc %.2f%%  %.1fs\n", name.c_str(),
              static_cast<long long>(p.step), static_cast<long long>(total), p.train_loss,
              100.0 * p.eval_acc, p.seconds);
  std::fflush(stdout);
}

VariantOutcome run_variant(const Plan& plan, size_t index, const RunContext& context) {
  VariantOutcome outcome;
  VariantRecord& record = outcome.record;
  record.run.name = plan.variant->name;
  record.run.baseline = plan.variant->baseline;
  record.style = plan.variant->style;
  record.config = plan.written;
  record.source = plan.variant->source;
  record.probe_label = plan.probe.label;
  const Tensor probe_x = probe_inputs(*plan.data, context.compare.probe.batch);
  const std::string probe_path =
      (std::filesystem::path(plan.config.output.dir) / "probe.csv").string();

  TrainerOptions options;
  options.progress =
      context.quiet || context.side_by_side ? ProgressStyle::Quiet : ProgressStyle::Auto;
  options.stop = &stop_requested;
  options.on_eval = [&](const EvalPoint& p, Trainer& trainer) {
    record.run.evals.push_back({p.step, p.eval_acc, p.seconds});
    record.losses.push_back({p.step, p.train_loss});
    record.probe.push_back(probe_percentiles(trainer.model(), probe_x, plan.probe, p.step));
    record.run.steps = p.step;
    record.run.seconds = p.seconds;
    write_file_atomically(probe_path, probe_csv(record.probe));
    if (context.side_by_side && !context.quiet) {
      const std::lock_guard lock(context.print);
      print_eval_line(record.run.name, p, trainer.total_steps());
    }
  };
  Trainer trainer(plan.config, plan.data, options);
  record.probe.push_back(probe_percentiles(trainer.model(), probe_x, plan.probe, 0));
  if (!context.quiet) {
    const std::lock_guard lock(context.print);
    std::printf("[%zu/%zu] %s: %lld steps -> %s\n", index + 1, context.count,
                plan.variant->name.c_str(), static_cast<long long>(trainer.total_steps()),
                plan.config.output.dir.c_str());
    std::fflush(stdout);
  }
  try {
    trainer.run();
  } catch (const TrainingDiverged& e) {
    record.run.finished = false;
    outcome.diverged_note = "'" + record.run.name + "' " + e.what();
    const std::lock_guard lock(context.print);
    std::fprintf(stderr, "minima compare: '%s' %s\n", record.run.name.c_str(), e.what());
  }
  if (trainer.stopped()) {
    record.run.finished = false;
    record.run.steps = trainer.step();
    outcome.stop_note = "Stopped early (Ctrl-C) during '" + record.run.name + "' at step " +
                        std::to_string(trainer.step()) + " of " +
                        std::to_string(trainer.total_steps()) + "; the report shows what finished.";
  }
  return outcome;
}

// The most threads any of the runs will train on.
int most_threads(const std::vector<Plan>& plans) {
  int most = 1;
  for (const Plan& p : plans) most = std::max(most, p.threads);
  return most;
}

// How many runs train at once: --jobs, or as many as the cores allow.
int compare_jobs(const CompareArgs& a, const std::vector<Plan>& plans) {
  const int threads = most_threads(plans);
  if (a.jobs == 0) return side_by_side_jobs(plans.size(), threads, default_threads());
  if (a.jobs > 1 && threads > 1) {
    std::fprintf(stderr,
                 "minima compare: the runs train on %d threads each, so they run one at a time "
                 "(--jobs %d ignored)\n",
                 threads, a.jobs);
    return 1;
  }
  return a.jobs;
}

int run_compare(const CompareArgs& a) {
  if (a.config.empty()) throw UsageError("expected a COMPARE_CONFIG file");
  const CompareConfig compare = load_compare_config(a.config, a.overrides);
  const std::string out_dir = a.out.empty() ? compare.output_dir : a.out;
  const std::vector<Plan> plans = plan_runs(compare, out_dir);
  std::filesystem::create_directories(out_dir);
  const std::string report_path = (std::filesystem::path(out_dir) / "report.html").string();

  CompareResults setup;
  setup.title = compare.description.empty()
                    ? "minima compare: " + std::filesystem::path(a.config).stem().string()
                    : compare.description;
  setup.source = a.config;
  setup.thresholds = compare.thresholds;
  setup.probe_batch = std::min(compare.probe.batch, plans[0].data->eval.count);
  setup.notes = setup_notes(plans, compare);
  // The runs finished so far, in the compare config's order.
  std::vector<std::optional<VariantOutcome>> outcomes(plans.size());
  auto results = [&] {
    CompareResults r = setup;
    for (const std::optional<VariantOutcome>& o : outcomes) {
      if (!o) continue;
      r.variants.push_back(o->record);
      for (const std::string& note : {o->diverged_note, o->stop_note})
        if (!note.empty()) r.notes.push_back(note);
    }
    return r;
  };

  // The first Ctrl-C stops the running runs at their next step; a second one kills.
  struct sigaction action = {}, previous = {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous);

  const int jobs = compare_jobs(a, plans);
  // Side by side, every run trains on one thread of its own: the shared
  // pool is set to one thread here, before they start, and stays so.
  if (jobs > 1) set_threads(1);
  std::mutex mutex;  // guards `outcomes`, the report files and the terminal
  const RunContext context{compare, plans.size(), a.quiet, jobs > 1, mutex};
  run_side_by_side(plans.size(), jobs, [&](size_t i) {
    if (stop_requested.load()) return;  // not started before Ctrl-C: not in the report
    VariantOutcome outcome = run_variant(plans[i], i, context);
    const std::lock_guard lock(mutex);
    outcomes[i] = std::move(outcome);
    const CompareResults so_far = results();
    write_file_atomically(report_path, compare_report_html(so_far));
    if (!a.png.empty()) write_png_chart(accuracy_chart(so_far), a.png);
  });
  sigaction(SIGINT, &previous, nullptr);

  if (!a.quiet) std::printf("\n");
  std::printf("%s", format_text_table(compare_table(results())).c_str());
  std::printf("report: %s%s%s\n", report_path.c_str(),
              a.png.empty() ? "" : ", accuracy chart: ", a.png.c_str());
  bool stopped = false;
  for (const std::optional<VariantOutcome>& o : outcomes)
    if (o && !o->stop_note.empty()) {
      std::fprintf(stderr, "minima compare: %s\n", o->stop_note.c_str());
      stopped = true;
    }
  return stopped ? 130 : 0;
}

CommandRun declare_compare(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  app.add_option("COMPARE_CONFIG", args->config, "the compare config (JSON)");
  add_config_overrides(app, args->overrides,
                       "override a value in every run (last, over the compare\n"
                       "config's own settings), e.g. --set train.steps=2000");
  app.add_option("--out", args->out, "the run folder")->type_name("DIR");
  app.add_option("--png", args->png, "also write the accuracy chart as a PNG image")
      ->type_name("FILE");
  app.add_flag("-q,--quiet", args->quiet, "print only the table");
  app.add_option("-j,--jobs", args->jobs,
                 "train this many variants at once (default: side by side when\n"
                 "each run trains on one thread, as many as there are cores;\n"
                 "1: one after the other). Results are the same either way")
      ->type_name("N")
      ->check(whole_number(1, 1024));
  app.footer(
      "Trains every variant COMPARE_CONFIG names (side by side when each run leaves\n"
      "cores idle, see --jobs) with the same seed and data order, and writes a run\n"
      "folder (default runs/<config name>): one subfolder per variant (config.json,\n"
      "metrics.csv, probe.csv, checkpoints) and report.html, a self-contained page\n"
      "with the learning curves, the percentiles of a hidden unit's input over\n"
      "training (the paper's Figure 1) and the table of steps to reach each test\n"
      "accuracy, which is also printed.\n"
      "\n"
      "A compare config is one of\n"
      "  {\"base\": \"paper_fig1_bn.json\",\n"
      "   \"variants\": {\"without BN\": {\"model.batchnorm\": false}, \"with BN\": {}}}\n"
      "  {\"configs\": [\"mnist_mlp.json\", \"mnist_mlp_bn.json\"]}\n"
      "  {\"base\": ..., \"sweep\": {\"key\": \"optimizer.lr\", \"values\": [0.1, 2]}, "
      "\"variants\": {...}}\n"
      "with optional \"description\", \"baseline\", \"seed\", \"eval_every\", \"thresholds\"\n"
      "(in %, default [90, 95, 97, 98]), \"probe\": {\"layer\", \"unit\", \"batch\"} and "
      "\"output\".\n"
      "Paths are relative to the compare config.\n"
      "\n"
      "Side by side, each run prints one line per evaluation, named by its variant.\n"
      "\n"
      "Ctrl-C stops the running runs at their next step and writes the report of\n"
      "what finished (exit status 130).");
  return [args] { return run_compare(*args); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "compare",
                (CommandEntry{"train variants side by side (e.g. with and without BN) and report",
                              declare_compare}));

}  // namespace minima::cli
