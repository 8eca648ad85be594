// "landscape": {"every", "batch", "step_sizes"}: Santurkar et al.'s
// internal covariate shift and loss landscape along the gradient
// (landscape_meter.hpp), on a copy of the model at the probe points, every
// `every` steps and at the last step. Off unless the compare config names it.
#include <chrono>

#include <minima/config/config_object.hpp>
#include <minima/data/batcher.hpp>
#include <minima/lesson/landscape/landscape_report.hpp>
#include <minima/lesson/landscape/landscape_sentences.hpp>
#include <minima/lesson/landscape/landscape_summary.hpp>
#include <minima/lesson/landscape/landscape_tables.hpp>
#include <minima/lesson/measurement.hpp>

namespace minima::lesson {
namespace {

struct LandscapeSettings {
  // Measure every this many steps besides the log-spaced ones; 0 = those
  // only. The default keeps the paper's Figure 1 run within 25% of its wall
  // time (docs/why-bn-works.md).
  int64_t every = 100;
  int64_t batch = 0;  // fixed training samples (the first ones) measured on; 0 = the batch size
  // The moves along the gradient, eta, as multiples of the learning rate.
  std::vector<double> step_sizes = {0.05, 0.1, 0.25, 0.5, 1, 2, 4};
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LandscapeSettings, every, batch, step_sizes)

class LandscapeRecorder : public Recorder {
 public:
  LandscapeRecorder(const LandscapeSettings& settings, const RunSetup& run)
      : every_(settings.every),
        meter_(run.model,
               first_samples(run.data.train, run.data.normalization,
                             settings.batch > 0 ? settings.batch : run.config.train.batch_size),
               run.config.optimizer.value("lr", 0.0), settings.step_sizes) {
    result_.layers = meter_.layers();
  }

  void start(Trainer& trainer) override { measure(trainer); }
  void after_step(Trainer& trainer) override { measure(trainer); }
  nlohmann::json result() const override { return result_; }

 private:
  // At the log-spaced steps, every `every_` steps and the last; the time it takes is kept apart.
  void measure(Trainer& trainer) {
    const int64_t step = trainer.step();
    const bool due = is_log_probe_step(step) || step == trainer.total_steps() ||
                     (every_ > 0 && step % every_ == 0);
    if (measured_ == step || !due) return;
    const auto start = std::chrono::steady_clock::now();
    result_.points.push_back(meter_.measure(trainer.model().values(), step));
    result_.measure_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    measured_ = step;
  }

  int64_t every_;
  LandscapeMeter meter_;
  LandscapeResult result_;
  int64_t measured_ = -1;  // the last measured step
};

class Landscape : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    if (!value) return std::nullopt;
    ConfigObject landscape(*value, pointer);
    LandscapeSettings spec;
    spec.every = landscape.get<int64_t>("every", spec.every);
    landscape.expect(spec.every >= 0, "every",
                     "a number of steps >= 0 (0: the log-spaced steps only)");
    spec.batch = landscape.get<int64_t>("batch", spec.batch);
    landscape.expect(spec.batch >= 0, "batch",
                     "a number of training samples >= 0 (0: the run's batch size)");
    spec.step_sizes = landscape.get<std::vector<double>>("step_sizes", spec.step_sizes);
    const std::string sizes =
        "a non-empty list of multiples of the learning rate > 0, like [0.5, 1, 2]";
    landscape.expect(!spec.step_sizes.empty(), "step_sizes", sizes);
    for (double f : spec.step_sizes) landscape.expect(f > 0 && f <= 1000, "step_sizes", sizes);
    landscape.finish();
    return spec;
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json& settings,
                                   const RunSetup& run) const override {
    return std::make_unique<LandscapeRecorder>(settings.get<LandscapeSettings>(), run);
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    if (!has_landscape(summary)) return {};
    const std::optional<double> overhead = measure_overhead(summary);
    return {{"internal covariate shift (Santurkar et al. 2018, Def. 2.1), median over training:",
             ics_table(summary), ""},
            {"along the gradient (their Fig. 4), median over training:", smoothness_table(summary),
             overhead ? "measuring took " + format_percent(*overhead, 0) +
                            " on top of the runs' own wall time"
                      : ""}};
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    const LandscapeSentences said = landscape_sentences(summary);
    std::vector<std::string> out;
    for (const auto* part :
         {&said.ics, &said.ics_verdicts, &said.smoothness, &said.smoothness_verdicts})
      out.insert(out.end(), part->begin(), part->end());
    return out;
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    landscape_sections(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("landscape", 30, Landscape);

}  // namespace minima::lesson
