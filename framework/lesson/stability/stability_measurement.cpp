// "stability": true (or {"min_accuracy": 90}): how each run ended, and over a
// sweep of the learning rate the largest rate that trains stably
// (stability.hpp): a table of verdicts per setting and swept value, and
// per setting and seed the largest stable value and what happens above it.
#include <minima/config/config_object.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/stability/stability.hpp>
#include <minima/lesson/stability/stability_report.hpp>

namespace minima::lesson {
namespace {

constexpr double kDefaultMinAccuracy = 90;

// The trainer ends a run early at a non-finite loss or weight (it diverged)
// or at Ctrl-C (stopped); otherwise it runs every step.
class StabilityRecorder : public Recorder {
 public:
  void start(Trainer& trainer) override { trainer_ = &trainer; }
  nlohmann::json result() const override {
    RunEnd end{"finished", trainer_->step()};
    if (trainer_->stopped())
      end.ended = "stopped";
    else if (!trainer_->complete())
      end.ended = "diverged";
    return end;
  }

 private:
  const Trainer* trainer_ = nullptr;
};

class StabilityMeasurement : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    if (value && value->is_object()) {
      ConfigObject spec(*value, pointer);
      const double min_accuracy = spec.get<double>("min_accuracy", kDefaultMinAccuracy);
      spec.expect(min_accuracy > 0 && min_accuracy <= 100, "min_accuracy",
                  "a test accuracy in percent, in (0, 100]");
      spec.finish();
      return nlohmann::json{{"min_accuracy", min_accuracy}};
    }
    if (value && !value->is_boolean())
      throw ConfigError(pointer, "expected true, false or {\"min_accuracy\": percent}");
    if (!on_when_true(value, pointer)) return std::nullopt;
    return nlohmann::json{{"min_accuracy", kDefaultMinAccuracy}};
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json&, const RunSetup&) const override {
    return std::make_unique<StabilityRecorder>();
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    return stability_tables(summary);
  }
  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return stability_sentences(summary);
  }
  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    stability_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("stability", 60, StabilityMeasurement);

}  // namespace minima::lesson
