// "fold_bn": true: at the end of every run with BatchNorm, folds it into the
// Dense or Conv2d before it (the inference copy `minima export --fold-bn`
// writes) and runs both on the test set: the largest |logit difference|,
// both accuracies and the predictions that change. Off unless named.
#include <cmath>

#include <minima/lesson/fold/fold_report.hpp>
#include <minima/lesson/fold/fold_result.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/nn/fold_batchnorm.hpp>
#include <minima/train/fold_check.hpp>

namespace minima::lesson {
namespace {

class FoldRecorder : public Recorder {
 public:
  explicit FoldRecorder(const RunSetup& run) : data_(run.data) {}
  void start(Trainer& trainer) override { trainer_ = &trainer; }

  nlohmann::json result() const override {
    FoldedModel folded = fold_batchnorm(trainer_->model());
    FoldResult r{folded.folded, folded.skipped, 0, std::nullopt, 0, 0, 0};
    if (folded.folded.empty()) return r;
    const FoldCheck check =
        check_fold(trainer_->model(), folded.graph, data_.eval, data_.normalization);
    r.samples = check.samples;
    if (std::isfinite(check.max_abs_logit_difference))
      r.max_abs_logit_difference = check.max_abs_logit_difference;
    r.accuracy = check.accuracy;
    r.folded_accuracy = check.folded_accuracy;
    r.changed_predictions = check.changed_predictions;
    return r;
  }

 private:
  const TrainingData& data_;
  Trainer* trainer_ = nullptr;
};

class FoldMeasurement : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    return on_when_true(value, pointer);
  }
  std::unique_ptr<Recorder> attach(const nlohmann::json&, const RunSetup& run) const override {
    return std::make_unique<FoldRecorder>(run);
  }
  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    return fold_aggregate(v);
  }
  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    return fold_tables(summary);
  }
  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return fold_sentences(summary);
  }
  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    fold_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("fold_bn", 70, FoldMeasurement);

}  // namespace minima::lesson
