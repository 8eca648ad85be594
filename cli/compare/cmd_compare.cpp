// `minima compare COMPARE_CONFIG [--set key=value ...] [--out DIR] [--png FILE] [--quiet]
//                 [--jobs N] [--tensorboard DIR] [--serve [--port P] [--host NAME]]`
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include <minima/core/atomic_file.hpp>
#include <minima/core/format.hpp>
#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/thresholds/learning_curves.hpp>
#include <minima/platform/processes.hpp>
#include <minima/platform/threads.hpp>
#include <minima/report/png_chart.hpp>
#include "cli/command.hpp"
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_plan.hpp"
#include "cli/compare/compare_run.hpp"
#include "cli/compare/parallel_runs.hpp"
#include "cli/compare_summary.hpp"
#include "cli/interrupt.hpp"
#include "cli/options.hpp"
#include "cli/serve/live_compare.hpp"

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
  ServeArgs serve;          // --serve: the live page
};

// How many runs train at once: --jobs, or as many as the cores allow when
// even the run with the most threads leaves cores idle.
int compare_jobs(const CompareArgs& a, const std::vector<Plan>& plans) {
  int threads = 1;
  for (const Plan& p : plans) threads = std::max(threads, p.threads);
  if (a.jobs == 0) return parallel_run_count(plans.size(), threads, default_threads());
  if (a.jobs > 1 && threads > 1) {
    std::fprintf(stderr,
                 "minima compare: the runs train on %d threads each, so they run one at a time "
                 "(--jobs %d ignored)\n",
                 threads, a.jobs);
    return 1;
  }
  return a.jobs;
}

// What the terminal shows once the runs are done.
void print_results(const lesson::CompareSummary& summary, const CompareArgs& a,
                   const std::string& report_path) {
  if (!a.quiet) std::printf("\n");
  std::printf("%s", lesson::compare_report_text(summary).c_str());
  std::printf("report: %s%s%s\n", report_path.c_str(),
              a.png.empty() ? "" : ", accuracy chart: ", a.png.c_str());
  if (!a.tensorboard.empty())
    std::printf("TensorBoard logs: %s (tensorboard --logdir %s)\n", a.tensorboard.c_str(),
                a.tensorboard.c_str());
}

int run_compare(const CompareArgs& a) {
  if (a.config.empty()) throw UsageError("expected a COMPARE_CONFIG file");
  if (a.serve.serve && process_count() > 1) throw UsageError("--serve runs in one process only");
  CompareConfig compare = load_compare_config(a.config, a.overrides);
  const std::string out_dir = a.out.empty() ? compare.output_dir : a.out;
  std::vector<Plan> plans = plan_runs(compare, out_dir);
  // Under mpirun every process trains each run together with the others
  // (data parallel, one run at a time); rank 0 writes and prints.
  const bool writer = process_rank() == 0;
  if (writer) std::filesystem::create_directories(out_dir);
  const std::filesystem::path out(out_dir);
  const std::string report_path = (out / "report.html").string();
  lesson::CompareSummary setup = summary_setup(compare, plans, a.config, a.overrides);
  std::vector<std::optional<RunOutcome>> outcomes(plans.size());  // the runs finished so far
  std::vector<std::string> names;
  for (const lesson::VariantSummary& v : setup.variants) names.push_back(v.name);
  const auto live = a.serve.serve && writer
                        ? std::make_unique<LiveCompare>(a.serve, a.config, a.overrides, setup.title,
                                                        names, plans.size(), out_dir)
                        : nullptr;
  const int jobs = process_count() > 1 ? 1 : compare_jobs(a, plans);
  // Side by side, every run trains on one thread of its own: the shared
  // pool is set to one thread here, before they start, and stays so.
  if (jobs > 1) set_threads(1);
  std::mutex mutex;  // guards `outcomes`, the report files and the terminal
  RunContext context{compare, plans.size(), a.quiet || !writer,    jobs > 1, writer, a.tensorboard,
                     mutex,   live.get(),   &interrupt_requested()};
  // Trains plans[first...], rewriting summary.json and report.html after each run.
  const auto run_from = [&](size_t first) {
    run_in_parallel(plans.size() - first, jobs, [&](size_t k) {
      if (context.stop->load()) return;  // not started before Ctrl-C: not in the report
      RunOutcome outcome = run_one(plans[first + k], first + k, context);
      const std::lock_guard lock(mutex);
      outcomes[first + k] = std::move(outcome);
      if (!writer) return;
      const lesson::CompareSummary so_far = summary_so_far(setup, plans, outcomes);
      write_file_atomically((out / "summary.json").string(),
                            lesson::summary_to_json(so_far).dump(1) + "\n");
      write_file_atomically(report_path, lesson::compare_report_html(so_far));
      if (!a.png.empty()) write_png_chart(lesson::accuracy_chart(so_far), a.png);
      if (live)
        live->report_written(size_t(std::count_if(outcomes.begin(), outcomes.end(),
                                                  [](const auto& o) { return o.has_value(); })));
    });
  };
  {
    // The first Ctrl-C stops the running runs at their next step; a second one kills.
    const InterruptGuard interrupts;
    run_from(0);
  }

  bool stopped = false;
  for (const std::optional<RunOutcome>& o : outcomes)
    stopped = stopped || (o && !o->stop_note.empty());
  if (!writer) return stopped ? 130 : 0;
  print_results(summary_so_far(setup, plans, outcomes), a, report_path);
  for (const std::optional<RunOutcome>& o : outcomes)
    if (o && !o->stop_note.empty())
      std::fprintf(stderr, "minima compare: %s\n", o->stop_note.c_str());
  // A what-if from the live page: one more variant, compared with the first baseline.
  const auto run_more = [&](CompareConfig more, std::atomic<bool>& stop) {
    CompareVariant& v = more.variants.at(0);
    v.baseline = compare.variants[0].baseline.empty() ? compare.variants[0].name
                                                      : compare.variants[0].baseline;
    v.style = LineStyle::numbered(int(compare.variants.size()));
    const size_t first = plans.size();
    for (Plan& p : plan_runs(more, out_dir)) plans.push_back(std::move(p));
    for (size_t i = first; i < plans.size(); ++i) plans[i].variant = compare.variants.size();
    compare.variants.push_back(v);
    outcomes.resize(context.count = plans.size());
    setup = summary_setup(compare, plans, a.config, a.overrides);
    context.stop = &stop;
    run_from(first);
    context.stop = &interrupt_requested();
  };
  if (live) live->serve_until_interrupted(stopped, run_more);
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
  add_serve_options(app, args->serve);
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
      "1, 2; or a list [0, 7, 9]), \"eval_every\", \"samples\": {\"total\", \"eval_every\"}\n"
      "(train every run on as many samples, whatever its batch size), \"output\",\n"
      "and the settings of the measurements under their names (docs/compare.md\n"
      "describes each; a plugin can add one: minima --plugin FILE compare ...):\n" +
      joined_lines(lesson::measurement_names(), 79) +
      ".\n"
      "Paths are relative to the compare config.\n"
      "\n"
      "Side by side, each run prints one line per evaluation, named by its variant.\n"
      "With --serve, a browser at the printed address watches every chart grow and\n"
      "can ask \"what if?\": more variants of the base (docs/serve.md).\n"
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
