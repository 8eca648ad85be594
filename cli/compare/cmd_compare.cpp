// `minima compare COMPARE_CONFIG [--set key=value ...] [--out DIR] [--png FILE] [--quiet]
//                 [--jobs N] [--tensorboard DIR]`
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <minima/core/atomic_file.hpp>
#include <minima/core/blas.hpp>
#include <minima/platform/processes.hpp>
#include <minima/platform/threads.hpp>
#include <minima/report/png_chart.hpp>
#include <minima/train/evaluate.hpp>
#include <minima/train/landscape_meter.hpp>
#include <minima/train/tensorboard_log.hpp>
#include <minima/train/thread_choice.hpp>
#include <minima/train/trainer.hpp>
#include "cli/command.hpp"
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_report.hpp"
#include "cli/compare/compare_tables.hpp"
#include "cli/compare/drift.hpp"
#include "cli/compare/findings.hpp"
#include "cli/compare/hardware_words.hpp"
#include "cli/compare/landscape_findings.hpp"
#include "cli/compare/landscape_summary.hpp"
#include "cli/compare/landscape_tables.hpp"
#include "cli/compare/probe.hpp"
#include "cli/compare/side_by_side.hpp"
#include "cli/compare/train_eval_gap.hpp"
#include "cli/compare/train_mode_accuracy.hpp"
#include "cli/interrupt.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

struct CompareArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string out;
  std::string png;
  bool quiet = false;
  int jobs = 0;             // runs at once; 0 = as many as the cores allow
  std::string tensorboard;  // --tensorboard DIR; "" = no TensorBoard log
};

// One run of one variant with one seed, checked and ready to train.
struct Plan {
  size_t variant;  // index in CompareConfig::variants
  int64_t seed;
  RunConfig config;
  std::shared_ptr<const TrainingData> data;
  std::vector<ProbeTarget> probes;
  int threads = 1;  // the run's training threads (train.threads, or the trainer's choice)
};

// Validates every run (config, data, probe layers) before any training, so
// that a typo in the last variant does not surface an hour in. Data sets are
// loaded once and shared. Runs are seed-major (every variant's first seed,
// then every variant's second, ...), so the runs of one seed train at about
// the same time and their ms per step see the same load on the host.
std::vector<Plan> plan_runs(const CompareConfig& compare, const std::string& out_dir) {
  std::vector<Plan> plans;
  std::map<std::string, std::shared_ptr<const TrainingData>> loaded;
  size_t most_seeds = 0;
  for (const CompareVariant& v : compare.variants)
    most_seeds = std::max(most_seeds, v.seeds.size());
  for (size_t k = 0; k < most_seeds; ++k) {
    for (size_t i = 0; i < compare.variants.size(); ++i) {
      const CompareVariant& v = compare.variants[i];
      if (k >= v.seeds.size()) continue;
      const int64_t seed = v.seeds[k];
      try {
        json written = v.config;
        written["seed"] = seed;
        written["output"]["dir"] =
            (std::filesystem::path(out_dir) / v.slug / ("seed-" + std::to_string(seed))).string();
        Plan plan{i, seed, parse_run_config(written, v.source), nullptr, {}};
        const DataConfig& d = plan.config.data;
        const std::string key = json{d.dataset, d.dir, d.validation, d.normalize}.dump();
        if (!loaded.count(key))
          loaded[key] = std::make_shared<const TrainingData>(load_training_data(d));
        plan.data = loaded[key];
        Graph model = Graph::from_json(plan.config.layers, "/model/layers");
        model.build(plan.data->train.sample_shape, plan.config.seed);
        plan.probes = resolve_probes(model, compare.probe);
        plan.threads = plan.config.train.threads > 0
                           ? plan.config.train.threads
                           : choose_threads(model, plan.config.train.batch_size);
        plans.push_back(std::move(plan));
      } catch (const std::exception& e) {
        throw std::runtime_error("variant '" + v.name + "' (" + v.source + "): " + e.what());
      }
    }
  }
  return plans;
}

// Every probed unit's percentiles: "step,layer,unit,p15,p50,p85", in step
// order (in a layer after a convolution, the unit is a channel).
std::string probe_csv(const std::vector<ProbeTarget>& probes,
                      const std::vector<LayerTraces>& traces) {
  std::string text = "step,layer,unit,p15,p50,p85\n";
  if (traces.empty() || traces[0].empty()) return text;
  char row[160];
  for (size_t k = 0; k < traces[0][0].size(); ++k)
    for (size_t l = 0; l < traces.size(); ++l)
      for (size_t u = 0; u < traces[l].size(); ++u) {
        const ProbePoint& p = traces[l][u][k];
        std::snprintf(row, sizeof(row), "%lld,%s,%zu,%.6g,%.6g,%.6g\n",
                      static_cast<long long>(p.step), probes[l].name.c_str(), u, p.p15, p.p50,
                      p.p85);
        text += row;
      }
  return text;
}

std::vector<std::string> setup_notes(const std::vector<Plan>& plans, const CompareConfig& compare) {
  std::vector<std::string> notes;
  std::string seeds;
  for (const CompareVariant& v : compare.variants) {
    std::string list;
    for (int64_t s : v.seeds) list += (list.empty() ? "" : ", ") + std::to_string(s);
    seeds += (seeds.empty() ? "" : "; ") + v.name + ": " + list;
  }
  bool same = true;
  for (const CompareVariant& v : compare.variants)
    same = same && v.seeds == compare.variants[0].seeds;
  std::string first;
  for (int64_t s : compare.variants[0].seeds)
    first += (first.empty() ? "" : ", ") + std::to_string(s);
  notes.push_back(same ? (compare.variants[0].seeds.size() > 1 ? "Every variant runs with seeds "
                                                               : "Every run uses seed ") +
                             first +
                             ": with the same seed, the same data order, and identical initial "
                             "weights in the layers they share."
                       : "The runs use different seeds (" + seeds + ").");
  const Plan& p = plans[0];
  const int64_t eval_every = p.config.train.eval_every;
  bool channels = false;
  for (const Plan& plan : plans)
    for (const ProbeTarget& t : plan.probes) channels = channels || t.unit == "channel";
  notes.push_back("Accuracy on the " + p.data->eval_name + " set (" +
                  std::to_string(p.data->eval.count) + " samples), before training and " +
                  (eval_every > 0 ? "every " + std::to_string(eval_every) + " steps"
                                  : std::string("once per epoch")) +
                  "; hidden-unit percentiles over its first " +
                  std::to_string(std::min(compare.probe.batch, p.data->eval.count)) + " samples" +
                  (channels ? " (after a convolution per channel, over every position of every "
                              "sample)."
                            : "."));
  return notes;
}

// What one run adds to the summary.
struct RunOutcome {
  SeedResult result;
  std::vector<std::string> layers;            // labels of its probed layers
  std::vector<std::string> layer_units;       // per probed layer: "unit" or "channel"
  std::vector<std::string> landscape_layers;  // the weight layers ICS follows
  std::string diverged_note, stop_note;       // empty unless it diverged / Ctrl-C stopped it
};

struct RunContext {
  const CompareConfig& compare;
  size_t count;                    // of runs
  bool quiet;                      // print nothing while training
  bool side_by_side;               // runs share the terminal: one line per evaluation, named
  bool writer;                     // writes files and messages (rank 0 of a data-parallel compare)
  const std::string& tensorboard;  // the TensorBoard log's directory, or ""
  std::mutex& print;               // held while printing
};

// "[with BN, seed 1] step 500/5000  loss 0.2345  eval_acc 93.10%  12.3s"
void print_eval_line(const std::string& name, const EvalPoint& p, int64_t total) {
  std::printf("[%s] step %lld/%lld  loss %.4f  eval_acc %.2f%%  %.1fs\n", name.c_str(),
              static_cast<long long>(p.step), static_cast<long long>(total), p.train_loss,
              100.0 * p.eval_acc, p.seconds);
  std::fflush(stdout);
}

RunOutcome run_one(const Plan& plan, size_t index, const RunContext& context) {
  const CompareVariant& variant = context.compare.variants[plan.variant];
  const std::string name = variant.seeds.size() > 1
                               ? variant.name + ", seed " + std::to_string(plan.seed)
                               : variant.name;
  RunOutcome outcome;
  SeedResult& result = outcome.result;
  result.seed = plan.seed;
  for (const ProbeTarget& t : plan.probes) {
    outcome.layers.push_back(t.label);
    outcome.layer_units.push_back(t.unit);
  }
  const Tensor probe_x =
      first_samples(plan.data->eval, plan.data->normalization, context.compare.probe.batch).x;
  const std::string probe_path =
      (std::filesystem::path(plan.config.output.dir) / "probe.csv").string();
  std::vector<LayerTraces> traces;
  int64_t probed = -1;  // the last probed step
  auto probe = [&](Trainer& trainer) {
    if (probed == trainer.step()) return;
    probe_units(trainer.model(), probe_x, plan.probes, trainer.step(), traces);
    probed = trainer.step();
  };

  // Santurkar et al.'s measures on a copy of the model (made once the
  // trainer has built the model), at the log-spaced steps and every
  // `every` steps; their time is kept apart.
  const LandscapeSpec& landscape = context.compare.landscape;
  std::unique_ptr<LandscapeMeter> meter;
  int64_t measured = -1;  // the last measured step
  auto measure = [&](Trainer& trainer) {
    const int64_t step = trainer.step();
    const bool due = is_log_probe_step(step) || step == trainer.total_steps() ||
                     (landscape.every > 0 && step % landscape.every == 0);
    if (!meter || measured == step || !due) return;
    const auto start = std::chrono::steady_clock::now();
    result.landscape.push_back(meter->measure(trainer.model().values(), step));
    result.measure_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    measured = step;
  };

  TrainerOptions options;
  options.progress =
      context.quiet || context.side_by_side ? ProgressStyle::Quiet : ProgressStyle::Auto;
  options.stop = &interrupt_requested();
  // The activations of the step just trained, read before a probe's
  // forward pass replaces them.
  const int64_t eval_every = plan.config.train.eval_every;
  auto record = [&](Trainer& trainer) {
    const int64_t step = trainer.step();
    if (is_log_probe_step(step) || step == trainer.total_steps() ||
        (eval_every > 0 && step % eval_every == 0))
      record_telemetry(trainer.model(), step, result.telemetry, context.compare.telemetry_bins);
  };
  options.after_step = [&](Trainer& trainer) {
    measure(trainer);
    if (context.compare.telemetry_bins > 0) record(trainer);
    if (is_log_probe_step(trainer.step())) probe(trainer);
  };
  std::unique_ptr<TrainModeAccuracy> train_mode;  // made once the trainer built the model
  std::unique_ptr<TensorBoardLog> tensorboard;    // the same
  options.on_eval = [&](const EvalPoint& p, Trainer& trainer) {
    result.accuracy.push_back({p.step, p.eval_acc});
    if (train_mode)
      result.train_mode_accuracy.push_back(
          {p.step, (*train_mode)(trainer.model().values(), *plan.data)});
    result.loss.push_back({p.step, p.train_loss});
    result.steps = p.step;
    probe(trainer);
    if (context.writer) write_file_atomically(probe_path, probe_csv(plan.probes, traces));
    if (tensorboard) tensorboard->write(p, trainer.model());
    if (context.side_by_side && !context.quiet) {
      const std::lock_guard lock(context.print);
      print_eval_line(name, p, trainer.total_steps());
    }
  };
  const auto run_start = std::chrono::steady_clock::now();
  Trainer trainer(plan.config, plan.data, options);
  if (landscape.enabled) {
    const int64_t batch = landscape.batch > 0 ? landscape.batch : plan.config.train.batch_size;
    meter = std::make_unique<LandscapeMeter>(
        trainer.model(), first_samples(plan.data->train, plan.data->normalization, batch),
        plan.config.optimizer.value("lr", 0.0), landscape.step_sizes);
    outcome.landscape_layers = meter->layers();
    measure(trainer);
  }
  if (context.compare.telemetry_bins > 0) result.telemetry = telemetry_layers(trainer.model());
  if (!context.tensorboard.empty() && context.writer)
    tensorboard = std::make_unique<TensorBoardLog>(
        TensorBoardLog::run_dir(context.tensorboard, variant.slug, plan.seed), trainer.model(),
        probe_x);
  // Step 0: the untrained net (one evaluation, no training state touched).
  result.accuracy.push_back(
      {0, evaluate(trainer.model(), plan.data->eval, plan.data->normalization, 1000).accuracy()});
  if (context.compare.train_mode_accuracy) {
    train_mode = std::make_unique<TrainModeAccuracy>(trainer.model(), plan.config.train.batch_size);
    result.train_mode_accuracy.push_back({0, (*train_mode)(trainer.model().values(), *plan.data)});
  }
  probe(trainer);
  if (!context.quiet) {
    const std::lock_guard lock(context.print);
    std::printf("[%zu/%zu] %s: %lld steps -> %s\n", index + 1, context.count, name.c_str(),
                static_cast<long long>(trainer.total_steps()), plan.config.output.dir.c_str());
    std::fflush(stdout);
  }
  try {
    trainer.run();
  } catch (const TrainingDiverged& e) {
    result.finished = false;
    outcome.diverged_note = "'" + name + "' " + e.what();
    const std::lock_guard lock(context.print);
    if (context.writer) std::fprintf(stderr, "minima compare: '%s' %s\n", name.c_str(), e.what());
  }
  if (trainer.stopped()) {
    result.finished = false;
    result.steps = trainer.step();
    outcome.stop_note = "Stopped early (Ctrl-C) during '" + name + "' at step " +
                        std::to_string(trainer.step()) + " of " +
                        std::to_string(trainer.total_steps()) + "; the report shows what finished.";
  }
  result.run_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  result.ms_per_step =
      1000 * trainer.train_seconds() / double(std::max<int64_t>(1, trainer.step()));
  for (const LayerTraces& layer : traces) {
    const LayerDrift d = layer_drift(layer);
    result.drift.push_back(d.drift);
    result.shown.push_back({d.typical_unit, layer[size_t(d.typical_unit)]});
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

// "BLAS kernel: OpenBLAS Zen (AVX2)"
std::string hardware_line() { return "BLAS kernel: " + blas_kernel_words(blas_corename()); }

int run_compare(const CompareArgs& a) {
  if (a.config.empty()) throw UsageError("expected a COMPARE_CONFIG file");
  const CompareConfig compare = load_compare_config(a.config, a.overrides);
  const std::string out_dir = a.out.empty() ? compare.output_dir : a.out;
  const std::vector<Plan> plans = plan_runs(compare, out_dir);
  // Under mpirun every process trains each run together with the others
  // (data parallel, one run at a time); rank 0 writes and prints.
  const bool writer = process_rank() == 0;
  if (writer) std::filesystem::create_directories(out_dir);
  const std::filesystem::path out(out_dir);
  const std::string report_path = (out / "report.html").string();

  CompareSummary setup;
  setup.title = compare.description.empty()
                    ? "minima compare: " + std::filesystem::path(a.config).stem().string()
                    : compare.description;
  setup.source = a.config;
  setup.thresholds = compare.thresholds;
  setup.sweep_key = compare.sweep_key;
  setup.probe_batch = std::min(compare.probe.batch, plans[0].data->eval.count);
  setup.hardware = hardware_line();
  setup.notes = setup_notes(plans, compare);
  // The runs finished so far, in plan order.
  std::vector<std::optional<RunOutcome>> outcomes(plans.size());
  auto summary = [&] {
    CompareSummary s = setup;
    for (const CompareVariant& v : compare.variants) {
      const json description = v.config.value("description", json(""));
      VariantSummary& summary = s.variants.emplace_back();
      summary.name = v.name;
      summary.setting = v.setting;
      summary.sweep_value = v.sweep_value;
      summary.baseline = v.baseline;
      summary.description = description.is_string() ? description.get<std::string>() : "";
      summary.changes = v.changes;
      summary.source = v.source;
      summary.config = v.config;
      summary.style = v.style;
    }
    for (size_t i = 0; i < plans.size(); ++i) {
      const std::optional<RunOutcome>& o = outcomes[i];
      if (!o) continue;
      VariantSummary& v = s.variants[plans[i].variant];
      v.layers = o->layers;
      v.layer_units = o->layer_units;
      v.landscape_layers = o->landscape_layers;
      v.seeds.push_back(o->result);
      for (const std::string& note : {o->diverged_note, o->stop_note})
        if (!note.empty()) s.notes.push_back(note);
    }
    return s;
  };

  {
    // The first Ctrl-C stops the running runs at their next step; a second one kills.
    const InterruptGuard interrupts;
    const int jobs = process_count() > 1 ? 1 : compare_jobs(a, plans);
    // Side by side, every run trains on one thread of its own: the shared
    // pool is set to one thread here, before they start, and stays so.
    if (jobs > 1) set_threads(1);
    std::mutex mutex;  // guards `outcomes`, the report files and the terminal
    const RunContext context{compare,       plans.size(), a.quiet || !writer, jobs > 1, writer,
                             a.tensorboard, mutex};
    run_side_by_side(plans.size(), jobs, [&](size_t i) {
      if (interrupt_requested().load()) return;  // not started before Ctrl-C: not in the report
      RunOutcome outcome = run_one(plans[i], i, context);
      const std::lock_guard lock(mutex);
      outcomes[i] = std::move(outcome);
      if (!writer) return;
      const CompareSummary so_far = summary();
      write_file_atomically((out / "summary.json").string(), to_json(so_far).dump(1) + "\n");
      write_file_atomically(report_path, compare_report_html(so_far));
      if (!a.png.empty()) write_png_chart(accuracy_chart(so_far), a.png);
    });
  }

  bool stopped = false;
  for (const std::optional<RunOutcome>& o : outcomes)
    stopped = stopped || (o && !o->stop_note.empty());
  if (!writer) return stopped ? 130 : 0;
  const CompareSummary final_summary = summary();
  if (!a.quiet) std::printf("\n");
  std::printf("%s", format_text_table(results_table(final_summary)).c_str());
  std::printf("\ndrift of each hidden layer's input (see the report):\n%s",
              format_text_table(drift_table(final_summary)).c_str());
  if (has_landscape(final_summary))
    std::printf(
        "\ninternal covariate shift (Santurkar et al. 2018, Def. 2.1), median over training:\n"
        "%s\nalong the gradient (their Fig. 4), median over training:\n%s",
        format_text_table(ics_table(final_summary)).c_str(),
        format_text_table(smoothness_table(final_summary)).c_str());
  if (const std::optional<double> overhead = measure_overhead(final_summary))
    std::printf("measuring took %s on top of the runs' own wall time\n",
                format_percent(*overhead, 0).c_str());
  const TextTable train_eval = train_eval_table(final_summary);
  if (!train_eval.rows.empty())
    std::printf("\ntest accuracy in eval mode and in train mode (BN on batch statistics):\n%s",
                format_text_table(train_eval).c_str());
  const Findings found = findings(final_summary);
  const LandscapeFindings landscape = landscape_findings(final_summary);
  if (!found.speed.empty() || !found.drift.empty() || !landscape.ics.empty())
    std::printf("\nIn this run:\n");
  const std::vector<std::string> gaps = train_eval_sentences(final_summary);
  for (const auto* sentences :
       {&found.speed, &found.drift, &landscape.ics, &landscape.smoothness, &gaps})
    for (const std::string& sentence : *sentences) std::printf("  %s\n", sentence.c_str());
  std::printf("report: %s%s%s\n", report_path.c_str(),
              a.png.empty() ? "" : ", accuracy chart: ", a.png.c_str());
  if (!a.tensorboard.empty())
    std::printf("TensorBoard logs: %s (tensorboard --logdir %s)\n", a.tensorboard.c_str(),
                a.tensorboard.c_str());
  for (const std::optional<RunOutcome>& o : outcomes)
    if (o && !o->stop_note.empty())
      std::fprintf(stderr, "minima compare: %s\n", o->stop_note.c_str());
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
  app.add_option("--tensorboard", args->tensorboard,
                 "also write TensorBoard event files, one directory per\n"
                 "variant and seed: DIR/<variant>/seed-<N>/ (docs/interop.md)")
      ->type_name("DIR");
  app.add_option("-j,--jobs", args->jobs,
                 "train this many variants at once (default: side by side when\n"
                 "each run trains on one thread, as many as there are cores;\n"
                 "1: one after the other). Results are the same either way")
      ->type_name("N")
      ->check(whole_number(1, 1024));
  app.footer(
      "Trains every variant COMPARE_CONFIG names once per seed (side by side when\n"
      "each run leaves cores idle, see --jobs); a seed gives every variant the same\n"
      "data order and initial weights. Writes a run folder (default runs/<config\n"
      "name>): <variant>/seed-<N>/ per run (config.json, metrics.csv, probe.csv,\n"
      "checkpoints), summary.json (every number below, per variant and seed) and\n"
      "report.html, a self-contained page with the learning curves, the percentiles\n"
      "of a typical hidden unit's input over training (the paper's Figure 1; after\n"
      "a convolution a unit is a channel, over every position of the images), the\n"
      "drift of every hidden layer and the table of steps to reach each test\n"
      "accuracy (median [min-max] over seeds), which is also printed.\n"
      "\n"
      "A compare config is one of\n"
      "  {\"base\": \"paper_fig1_bn.json\",\n"
      "   \"variants\": {\"without BN\": {\"model.batchnorm\": false}, \"with BN\": {}}}\n"
      "  {\"configs\": [\"mnist_mlp.json\", \"mnist_mlp_bn.json\"]}\n"
      "  {\"base\": ..., \"sweep\": {\"key\": \"optimizer.lr\", \"values\": [0.1, 2]}, "
      "\"variants\": {...}}\n"
      "with optional \"description\", \"baseline\", \"seed\", \"seeds\" (3: the seed + 0,\n"
      "1, 2; or a list [0, 7, 9]), \"eval_every\", \"thresholds\" (in %, default\n"
      "[90, 95, 97, 98]), \"probe\": {\"layer\", \"batch\"}, \"landscape\": {\"every\",\n"
      "\"batch\", \"step_sizes\"} (internal covariate shift and the loss landscape\n"
      "along the gradient, Santurkar et al. 2018), \"telemetry\": {\"bins\"} (mean, std,\n"
      "saturation and histogram of every hidden layer's activations over training),\n"
      "\"samples\": {\"total\", \"eval_every\"} (train every run on as many samples,\n"
      "whatever its batch size), \"train_mode_accuracy\": true (also test accuracy\n"
      "with BN on batch statistics) and \"output\".\n"
      "Paths are relative to the compare config.\n"
      "\n"
      "Side by side, each run prints one line per evaluation, named by its variant.\n"
      "\n"
      "Ctrl-C stops the running runs at their next step and writes the report of\n"
      "what finished (exit status 130).\n"
      "\n"
      "Under `mpirun -np P minima compare ...` every run trains data parallel over\n"
      "the P processes, one run at a time, and rank 0 writes the report\n"
      "(docs/scale-out.md; configs/compare_sync_bn.json is the lesson for it).");
  return [args] { return run_compare(*args); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "compare",
                (CommandEntry{"train variants side by side (e.g. with and without BN) and report",
                              declare_compare}));

}  // namespace minima::cli
