// "thresholds": steps to each test accuracy, the learning curves, and the
// sentences on which variant converges faster.
#include <minima/config/config_object.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/thresholds/learning_curves.hpp>
#include <minima/lesson/thresholds/steps_to_threshold.hpp>
#include <minima/lesson/thresholds/threshold_sentences.hpp>
#include <minima/lesson/thresholds/threshold_table.hpp>

namespace minima::lesson {
namespace {

class Thresholds : public Measurement {
 public:
  // "thresholds": test accuracies in %, default [90, 95, 97, 98]; stored as fractions.
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    const std::string expected = "a non-empty list of accuracies in % between 0 and 100";
    if (!value) return nlohmann::json{0.90, 0.95, 0.97, 0.98};
    if (!value->is_array() || value->empty()) throw ConfigError(pointer, "expected " + expected);
    nlohmann::json fractions = nlohmann::json::array();
    for (const nlohmann::json& p : *value) {
      if (!p.is_number() || !(p.get<double>() > 0 && p.get<double>() <= 100))
        throw ConfigError(pointer, "expected " + expected);
      fractions.push_back(p.get<double>() / 100);
    }
    return fractions;
  }

  nlohmann::json aggregate(const CompareSummary& summary, const VariantSummary& v) const override {
    const VariantSummary* base = baseline_of(summary, v);
    nlohmann::json steps_to = nlohmann::json::array(), speedups = nlohmann::json::array();
    for (double t : thresholds_of(summary)) {
      steps_to.push_back(steps_spread(v, t));
      speedups.push_back(base ? nlohmann::json(speedup_spread(*base, v, t)) : nullptr);
    }
    return {{"steps_to", steps_to}, {"speedup", speedups}};
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    return {{"", results_table(summary), ""}};
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return threshold_sentences(summary);
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    const std::vector<std::string> said = threshold_sentences(summary);
    if (!said.empty()) {
      page.heading("In this run");
      for (const std::string& sentence : said) page.paragraph(sentence);
    }
    const size_t seeds = seed_count(summary);
    page.heading("Steps to reach test accuracy");
    page.table(results_table(summary));
    page.paragraph(
        "Each cell is the first evaluated training step at which test accuracy reached the "
        "threshold" +
        (seeds > 1 ? ", the median [min\u2013max] over " + std::to_string(seeds) +
                         " seeds (each seed is one run of every variant: the same data "
                         "order and, in the layers they share, the same initial weights)"
                   : std::string()) +
        ". \u2265 N: a run had not reached it when it stopped after N steps (it counts as N "
        "when ordering the seeds); \u2014: no run reached it. A speed-up is the baseline's "
        "steps divided by the run's, per seed (the same seed paired). ms/step is the time of "
        "one training step (forward, backward, update; no evaluation), median over the seeds, "
        "measured in this process.");
    if (!summary.sweep_key.empty()) return;  // the sweep's section draws its curves
    page.heading("Learning curves");
    const std::vector<Chart> panels = accuracy_panels(summary);
    if (panels.size() == 1) {
      page.chart(panels[0]);
    } else {
      page.chart_row(panels, 460, 400);
      page.paragraph(
          "Left, test accuracy on its full range, where the thresholds get only the top of the "
          "chart because a run stays far below them; right, the same runs' test error (100% "
          "\u2212 accuracy) on a log scale, where each threshold line gets room: lower is "
          "better.");
    }
    page.chart(loss_chart(summary), 900, 400);
    if (seeds > 1)
      page.paragraph(
          "Each thick line is the median over the seeds, the shaded band spans their minimum to "
          "maximum, and each pale line is one seed.");
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("thresholds", 10, Thresholds);

}  // namespace minima::lesson
