// "bn_statistics": true (or {"samples": 2000}): at step 0 and every
// evaluation, per BN layer, how far its running statistics are from the
// data's and the variance shift (bn_statistics.hpp). Off unless named.
#include <minima/config/config_object.hpp>
#include <minima/lesson/bn_statistics/bn_statistics.hpp>
#include <minima/lesson/bn_statistics/bn_statistics_report.hpp>
#include <minima/lesson/measurement.hpp>

namespace minima::lesson {
namespace {

constexpr int64_t kDefaultSamples = 2000;

class BatchNormStatsRecorder : public Recorder {
 public:
  BatchNormStatsRecorder(const RunSetup& run, int64_t samples)
      : meter_(run.model, run.config.train.batch_size, samples), data_(run.data) {
    result_.layers = meter_.layer_names();
  }

  void start(Trainer& trainer) override { record(trainer); }
  void at_evaluation(const EvalPoint&, Trainer& trainer) override { record(trainer); }
  nlohmann::json result() const override { return result_; }

 private:
  void record(Trainer& trainer) {
    if (result_.layers.empty()) return;
    result_.points.push_back(meter_.measure(trainer.model(), data_, trainer.step()));
  }

  BatchNormStatsMeter meter_;
  const TrainingData& data_;
  BatchNormStatsResult result_;
};

class BatchNormStats : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    if (value && value->is_object()) {
      ConfigObject spec(*value, pointer);
      const int64_t samples = spec.get<int64_t>("samples", kDefaultSamples);
      spec.expect(samples >= 2, "samples", "an integer of at least 2");
      spec.finish();
      return nlohmann::json{{"samples", samples}};
    }
    if (value && !value->is_boolean())
      throw ConfigError(pointer, "expected true, false or {\"samples\": N}");
    if (!on_when_true(value, pointer)) return std::nullopt;
    return nlohmann::json{{"samples", kDefaultSamples}};
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json& settings,
                                   const RunSetup& run) const override {
    return std::make_unique<BatchNormStatsRecorder>(run, settings.at("samples").get<int64_t>());
  }

  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    return bn_statistics_aggregate(v);
  }
  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    return bn_statistics_tables(summary);
  }
  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return bn_statistics_sentences(summary);
  }
  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    bn_statistics_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("bn_statistics", 55, BatchNormStats);

}  // namespace minima::lesson
