#include <minima/lesson/sweep/sweep_sentences.hpp>

#include <algorithm>

#include <minima/lesson/sweep/sweep_charts.hpp>
#include <minima/lesson/thresholds/steps_to_threshold.hpp>
#include <minima/lesson/thresholds/threshold_sentences.hpp>

namespace minima::lesson {
namespace {

std::string value_list(const std::vector<std::string>& values) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i)
    text += (i == 0 ? "" : i + 1 == values.size() ? " and " : ", ") + values[i];
  return text;
}

std::string sweep_label(const CompareSummary& summary, const VariantSummary& v) {
  const std::string key = summary.sweep_key.substr(summary.sweep_key.rfind('.') + 1);
  return key + "=" + v.sweep_value.dump();
}

}  // namespace

std::vector<std::string> sweep_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const std::vector<double> thresholds = thresholds_of(summary);
  if (summary.sweep_key.empty() || thresholds.empty()) return out;
  const double lowest = *std::min_element(thresholds.begin(), thresholds.end());
  std::vector<std::string> stalls;
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty() && steps_spread(v, lowest).median.bound != Bounded::Bound::Exact)
      stalls.push_back(v.name + " (final " + final_accuracy_text(v) + ")");
  const bool seeds = several_seeds(summary);
  const std::string target = percent_label(lowest);
  if (stalls.empty())
    out.push_back(seeds ? "Every run's median seed reaches " + target + " at every value."
                        : "Every run reaches " + target + " at every value.");
  else
    out.push_back((seeds ? "Runs whose median seed never reaches " : "Runs that never reach ") +
                  target + ": " + value_list(stalls) + ".");
  // Per setting (the variant without its value), the values where it ends higher or lower.
  std::vector<std::string> settings;
  for (const VariantSummary& v : summary.variants)
    if (baseline_of(summary, v) &&
        std::find(settings.begin(), settings.end(), v.setting) == settings.end())
      settings.push_back(v.setting);
  const double top = sweep_threshold(summary);
  for (const std::string& setting : settings) {
    std::vector<std::string> higher, lower, faster, slower, neither;
    std::string base_setting;
    for (const VariantSummary& v : summary.variants) {
      const VariantSummary* base = baseline_of(summary, v);
      if (v.setting != setting || !base || v.seeds.empty()) continue;
      base_setting = base->setting;
      const std::string at = sweep_label(summary, v);
      const double mv = final_accuracy_spread(v).median.value,
                   mb = final_accuracy_spread(*base).median.value;
      if (mv > mb) higher.push_back(at);
      if (mv < mb) lower.push_back(at);
      const std::optional<Spread> up = speedup_spread(*base, v, top);
      if (!any_reached(v, top) && !any_reached(*base, top)) neither.push_back(at);
      const Faster f = up ? faster_of(*up) : Faster::Unknown;
      if (f == Faster::Variant) faster.push_back(at);
      if (f == Faster::Baseline) slower.push_back(at);
    }
    const std::string name = setting.empty() ? "the variant" : setting;
    const std::string versus = base_setting.empty() ? "the first value" : base_setting;
    out.push_back(name + " ends higher than " + versus + " at " +
                  (higher.empty() ? "no value" : value_list(higher)) + "; lower at " +
                  (lower.empty() ? "no value" : value_list(lower)) + ".");
    out.push_back(name + " reaches " + percent_label(top) + " in fewer steps than " + versus +
                  " at " + (faster.empty() ? "no value" : value_list(faster)) + "; in more at " +
                  (slower.empty() ? "no value" : value_list(slower)) +
                  (neither.empty() ? "" : "; neither reaches it at " + value_list(neither)) + ".");
  }
  return out;
}

}  // namespace minima::lesson
