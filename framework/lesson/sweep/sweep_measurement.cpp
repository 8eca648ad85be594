// "sweep_charts": in a sweep (a compare config with "sweep"), final accuracy
// and steps to a threshold against the swept value, the accuracy curves one
// chart per value, and the sentences on where each variant wins. Always on;
// it shows nothing outside a sweep.
#include <algorithm>

#include <minima/config/config_object.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/sweep/sweep_charts.hpp>
#include <minima/lesson/sweep/sweep_sentences.hpp>
#include <minima/lesson/thresholds/steps_to_threshold.hpp>

namespace minima::lesson {
namespace {

class SweepCharts : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    if (value) throw ConfigError(pointer, "takes no settings: a sweep's charts follow \"sweep\"");
    return nlohmann::json::object();
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return sweep_sentences(summary);
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    if (summary.sweep_key.empty() || thresholds_of(summary).empty()) return;
    page.heading("By " + summary.sweep_key);
    for (const std::string& sentence : sweep_sentences(summary)) page.paragraph(sentence);
    page.chart(final_accuracy_chart(summary));
    const double t = sweep_threshold(summary);
    std::string missing;
    bool any = false;
    for (const VariantSummary& v : summary.variants) {
      if (v.seeds.empty()) continue;
      const bool reached = steps_spread(v, t).median.bound == Bounded::Bound::Exact;
      any = any || reached;
      if (!reached) missing += (missing.empty() ? "" : ", ") + v.name;
    }
    if (any) page.chart(steps_chart(summary, t));
    if (!missing.empty()) {
      const std::string never =
          (several_seeds(summary) ? "the median seed never reached " : "never reached ") +
          format_percent(t, 0);
      page.paragraph((any ? "Not in the steps chart (" + never + "): "
                          : "No steps chart: " + never + " in any run: ") +
                     missing + ".");
    }
    page.heading("Learning curves, one chart per value");
    const std::vector<Chart> per_value = accuracy_per_value(summary);
    page.chart_grid(per_value, int(std::min<size_t>(per_value.size(), 4)));
    if (several_seeds(summary))
      page.paragraph(
          "Lines are the median over the seeds, the shaded band spans their minimum to maximum, "
          "and in the curves each pale line is one seed.");
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("sweep_charts", 15, SweepCharts);

}  // namespace minima::lesson
