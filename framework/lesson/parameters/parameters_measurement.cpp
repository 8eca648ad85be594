// "parameters": true: the trainable parameters of every run's model, and per
// setting how many more or fewer than its baseline's it trains (a bias
// before BatchNorm, say, adds one per unit and changes nothing else).
#include <minima/core/format.hpp>
#include <minima/lesson/measurement.hpp>

namespace minima::lesson {
namespace {

struct ParameterCount {
  int64_t trainable = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ParameterCount, trainable)

class ParametersRecorder : public Recorder {
 public:
  explicit ParametersRecorder(const Graph& model) : count_{model.num_params()} {}
  nlohmann::json result() const override { return count_; }

 private:
  ParameterCount count_;
};

std::optional<int64_t> trainable_of(const VariantSummary& v) {
  const std::vector<ParameterCount> counts = results_of<ParameterCount>(v, "parameters");
  if (counts.empty()) return std::nullopt;
  return counts.front().trainable;
}

class Parameters : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    return on_when_true(value, pointer);
  }
  std::unique_ptr<Recorder> attach(const nlohmann::json&, const RunSetup& run) const override {
    return std::make_unique<ParametersRecorder>(run.model);
  }
  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    const std::optional<int64_t> n = trainable_of(v);
    return n ? nlohmann::json(*n) : nlohmann::json(nullptr);
  }

  // Per setting (a sweep's values train the same model) against its baseline's.
  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    std::vector<std::string> out, said;
    for (const VariantSummary& v : summary.variants) {
      const VariantSummary* base = baseline_of(summary, v);
      if (!base || std::find(said.begin(), said.end(), v.setting) != said.end()) continue;
      const std::optional<int64_t> mine = trainable_of(v), theirs = trainable_of(*base);
      if (!mine || !theirs) continue;
      said.push_back(v.setting);
      const int64_t more = *mine - *theirs;
      out.push_back("'" + v.setting + "' trains " +
                    (more == 0 ? "as many parameters as"
                               : grouped_digits(std::abs(more)) + (more > 0 ? " more" : " fewer") +
                                     " parameters than") +
                    " '" + base->setting + "' (" + grouped_digits(*mine) + " and " +
                    grouped_digits(*theirs) + ").");
    }
    return out;
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    const std::vector<std::string> said = sentences(summary);
    if (said.empty()) return;
    page.heading("Trainable parameters");
    for (const std::string& sentence : said) page.paragraph(sentence);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("parameters", 65, Parameters);

}  // namespace minima::lesson
