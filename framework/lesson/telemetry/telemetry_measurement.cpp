// "telemetry": {"bins": 30}: per hidden layer the mean, standard deviation,
// saturated share and histogram of its activations over training
// (telemetry.hpp). Off unless the compare config names it.
#include <minima/config/config_object.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/telemetry/telemetry_report.hpp>

namespace minima::lesson {
namespace {

// Records at the probe points and every evaluation, from the activations
// of the step just trained (before an evaluation's or probe's forward pass
// replaces them).
class TelemetryRecorder : public Recorder {
 public:
  TelemetryRecorder(int bins, const RunSetup& run)
      : bins_(bins), layers_(telemetry_layers(run.model)) {}

  // At the probe points and every evaluation (once per epoch without eval_every; the last step).
  void after_step(Trainer& trainer) override {
    const int64_t step = trainer.step();
    if (is_log_probe_step(step) || trainer.evaluations().at(step))
      record_telemetry(trainer.model(), step, layers_, bins_);
  }

  nlohmann::json result() const override { return layers_; }

 private:
  int bins_;
  std::vector<LayerTelemetry> layers_;
};

class Telemetry : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    if (!value) return std::nullopt;
    ConfigObject telemetry(*value, pointer);
    const int bins = telemetry.get<int>("bins", 30);
    telemetry.expect(bins >= 2 && bins <= 200, "bins", "a number of histogram bins from 2 to 200");
    telemetry.finish();
    return nlohmann::json{{"bins", bins}};
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json& settings,
                                   const RunSetup& run) const override {
    return std::make_unique<TelemetryRecorder>(settings.at("bins").get<int>(), run);
  }

  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    nlohmann::json median_std = nlohmann::json::array(), most_saturated = nlohmann::json::array();
    for (size_t l = 0; typical_std_spread(v, l); ++l) {
      median_std.push_back(typical_std_spread(v, l));
      most_saturated.push_back(most_saturated_spread(v, l));
    }
    return {{"median_std", median_std}, {"most_saturated", most_saturated}};
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    const TextTable table = telemetry_table(summary);
    if (table.rows.empty()) return {};
    return {
        {"activations of each hidden layer: standard deviation (median over training), largest "
         "saturated share (median [min\u2013max] over seeds):",
         table, ""}};
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return telemetry_sentences(summary);
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    telemetry_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("telemetry", 40, Telemetry);

}  // namespace minima::lesson
