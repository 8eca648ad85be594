// `minima compare COMPARE_CONFIG [--set key=value ...] [--out DIR] [--png FILE] [--quiet]`
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include <minima/core/atomic_file.hpp>
#include <minima/core/blas.hpp>
#include <minima/core/blas_kernel.hpp>
#include <minima/report/png_chart.hpp>
#include <minima/train/trainer.hpp>
#include "cli/command.hpp"
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_report.hpp"
#include "cli/compare/probe.hpp"
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
};

// One variant, checked and ready to train.
struct Plan {
  const CompareVariant* variant;
  json written;  // the variant's config as written (with its run folder), shown in the report
  RunConfig config;
  std::shared_ptr<const TrainingData> data;
  ProbeTarget probe;
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

int run_compare(const CompareArgs& a) {
  if (a.config.empty()) throw UsageError("expected a COMPARE_CONFIG file");
  const CompareConfig compare = load_compare_config(a.config, a.overrides);
  const std::string out_dir = a.out.empty() ? compare.output_dir : a.out;
  const std::vector<Plan> plans = plan_runs(compare, out_dir);
  std::filesystem::create_directories(out_dir);
  const std::string report_path = (std::filesystem::path(out_dir) / "report.html").string();

  CompareResults results;
  results.title = compare.description.empty()
                      ? "minima compare: " + std::filesystem::path(a.config).stem().string()
                      : compare.description;
  results.source = a.config;
  results.thresholds = compare.thresholds;
  results.probe_batch = std::min(compare.probe.batch, plans[0].data->eval.count);
  results.notes = setup_notes(plans, compare);
  auto write_outputs = [&] {
    write_file_atomically(report_path, compare_report_html(results));
    if (!a.png.empty()) write_png_chart(accuracy_chart(results), a.png);
  };

  // The first Ctrl-C stops the current run at its next step; a second one kills.
  struct sigaction action = {}, previous = {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous);

  std::string stop_note;
  for (size_t i = 0; i < plans.size() && stop_note.empty(); ++i) {
    const Plan& plan = plans[i];
    VariantRecord record;
    record.run.name = plan.variant->name;
    record.run.baseline = plan.variant->baseline;
    record.style = plan.variant->style;
    record.config = plan.written;
    record.source = plan.variant->source;
    record.probe_label = plan.probe.label;
    const Tensor probe_x = probe_inputs(*plan.data, compare.probe.batch);
    const std::string probe_path =
        (std::filesystem::path(plan.config.output.dir) / "probe.csv").string();

    TrainerOptions options;
    options.progress = a.quiet ? ProgressStyle::Quiet : ProgressStyle::Auto;
    options.stop = &stop_requested;
    options.on_eval = [&](const EvalPoint& p, Trainer& trainer) {
      record.run.evals.push_back({p.step, p.eval_acc, p.seconds});
      record.losses.push_back({p.step, p.train_loss});
      record.probe.push_back(probe_percentiles(trainer.model(), probe_x, plan.probe, p.step));
      record.run.steps = p.step;
      record.run.seconds = p.seconds;
      write_file_atomically(probe_path, probe_csv(record.probe));
    };
    Trainer trainer(plan.config, plan.data, options);
    record.probe.push_back(probe_percentiles(trainer.model(), probe_x, plan.probe, 0));
    if (!a.quiet) {
      std::printf("[%zu/%zu] %s: %lld steps -> %s\n", i + 1, plans.size(),
                  plan.variant->name.c_str(), static_cast<long long>(trainer.total_steps()),
                  plan.config.output.dir.c_str());
      std::fflush(stdout);
    }
    try {
      trainer.run();
    } catch (const TrainingDiverged& e) {
      record.run.finished = false;
      results.notes.push_back("'" + record.run.name + "' " + e.what());
      std::fprintf(stderr, "minima compare: '%s' %s\n", record.run.name.c_str(), e.what());
    }
    if (trainer.stopped()) {
      record.run.finished = false;
      record.run.steps = trainer.step();
      stop_note = "Stopped early (Ctrl-C) during '" + record.run.name + "' at step " +
                  std::to_string(trainer.step()) + " of " + std::to_string(trainer.total_steps()) +
                  "; the report shows what finished.";
    }
    results.variants.push_back(std::move(record));
    if (!stop_note.empty()) results.notes.push_back(stop_note);
    write_outputs();
  }
  sigaction(SIGINT, &previous, nullptr);

  if (!a.quiet) std::printf("\n");
  std::printf("%s", format_text_table(compare_table(results)).c_str());
  std::printf("report: %s%s%s\n", report_path.c_str(),
              a.png.empty() ? "" : ", accuracy chart: ", a.png.c_str());
  if (!stop_note.empty()) {
    std::fprintf(stderr, "minima compare: %s\n", stop_note.c_str());
    return 130;
  }
  return 0;
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
  app.footer(
      "Trains every variant COMPARE_CONFIG names, one after the other, with the same\n"
      "seed and data order, and writes a run folder (default runs/<config name>):\n"
      "one subfolder per variant (config.json, metrics.csv, probe.csv, checkpoints)\n"
      "and report.html, a self-contained page with the learning curves, the\n"
      "percentiles of a hidden unit's input over training (the paper's Figure 1)\n"
      "and the table of steps to reach each test accuracy, which is also printed.\n"
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
      "Ctrl-C stops the current run at its next step and writes the report of what\n"
      "finished (exit status 130).");
  return [args] { return run_compare(*args); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "compare",
                (CommandEntry{"train variants side by side (e.g. with and without BN) and report",
                              declare_compare}));

}  // namespace minima::cli
