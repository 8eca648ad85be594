// "update_scales": true: per weight tensor the update:data and
// gradient:data ratios (update_scales.hpp) at steps 10, 20, 50, 100, ...,
// every evaluation and the last step. Off unless the compare config names it.
#include <chrono>
#include <cmath>

#include <minima/lesson/measurement.hpp>
#include <minima/lesson/update_scales/update_scales.hpp>
#include <minima/lesson/update_scales/update_scales_report.hpp>
#include <minima/lesson/update_scales/update_scales_sentences.hpp>
#include <minima/lesson/update_scales/update_scales_summary.hpp>

namespace minima::lesson {
namespace {

// dW of step s needs W before step s: the weights are copied after step
// s - 1 (or at the start, for step 1) only when step s is due, so the run
// pays one copy and one measure per recorded step.
class UpdateScalesRecorder : public Recorder {
 public:
  explicit UpdateScalesRecorder(const RunSetup& run) : meter_(run.model) {
    result_.tensors = meter_.tensor_names();
  }

  void start(Trainer& trainer) override { keep_if_next_is_due(trainer); }

  void after_step(Trainer& trainer) override {
    const int64_t step = trainer.step();
    if (kept_for_ == step) {
      const auto begin = std::chrono::steady_clock::now();
      UpdateScalesPoint point = meter_.measure(step);
      if (all_finite(point)) result_.points.push_back(std::move(point));
      add_seconds_since(begin);
    }
    keep_if_next_is_due(trainer);
  }

  nlohmann::json result() const override { return result_; }

 private:
  // At the probe points and every evaluation (the last step among them).
  static bool due(const Trainer& trainer, int64_t step) {
    return is_log_probe_step(step) || trainer.evaluations().at(step);
  }

  void keep_if_next_is_due(Trainer& trainer) {
    const int64_t next = trainer.step() + 1;
    if (next > trainer.total_steps() || !due(trainer, next)) return;
    const auto begin = std::chrono::steady_clock::now();
    meter_.keep_weights();
    kept_for_ = next;
    add_seconds_since(begin);
  }

  // A diverging run's weights or gradients can overflow; such a point says
  // nothing about scales (and JSON has no NaN), so it is left out.
  static bool all_finite(const UpdateScalesPoint& p) {
    for (const auto* ratios : {&p.update_ratio, &p.grad_ratio})
      for (double r : *ratios)
        if (!std::isfinite(r)) return false;
    return true;
  }

  void add_seconds_since(std::chrono::steady_clock::time_point begin) {
    result_.record_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  }

  UpdateScaleMeter meter_;
  UpdateScalesResult result_;
  int64_t kept_for_ = -1;  // the step whose "before" weights the meter holds
};

class UpdateScales : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    return on_when_true(value, pointer);
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json&, const RunSetup& run) const override {
    return std::make_unique<UpdateScalesRecorder>(run);
  }

  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    return update_scales_aggregate(v);
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    return update_scales_tables(summary);
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return update_scales_sentences(summary);
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    update_scales_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("update_scales", 45, UpdateScales);

}  // namespace minima::lesson
