// "train_mode_accuracy": true: at every evaluation, the test accuracy with
// BatchNorm on each test batch's own statistics too, and the train–eval
// gap (train_eval_gap.hpp). Off unless the compare config asks for it.
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/train_mode/train_eval_gap.hpp>
#include <minima/lesson/train_mode/train_mode_accuracy.hpp>

namespace minima::lesson {
namespace {

class TrainModeRecorder : public Recorder {
 public:
  explicit TrainModeRecorder(const RunSetup& run)
      : accuracy_(run.model, run.config.train.batch_size), data_(run.data) {}

  void start(Trainer& trainer) override { record(trainer); }
  void at_evaluation(const EvalPoint&, Trainer& trainer) override { record(trainer); }
  nlohmann::json result() const override { return points_; }

 private:
  void record(Trainer& trainer) {
    points_.push_back({trainer.step(), accuracy_(trainer.model().values(), data_)});
  }

  TrainModeAccuracy accuracy_;
  const TrainingData& data_;
  std::vector<AccuracyPoint> points_;
};

class TrainMode : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    return on_when_true(value, pointer);
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json&, const RunSetup& run) const override {
    return std::make_unique<TrainModeRecorder>(run);
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    const TextTable table = train_eval_table(summary);
    if (table.rows.empty()) return {};
    return {{"test accuracy in eval mode and in train mode (BN on batch statistics):", table, ""}};
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return train_eval_sentences(summary);
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    train_eval_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("train_mode_accuracy", 50, TrainMode);

}  // namespace minima::lesson
