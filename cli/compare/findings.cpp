#include "cli/compare/findings.hpp"

#include <algorithm>
#include <cstdio>

#include "cli/compare/compare_tables.hpp"

namespace minima {
namespace {

std::string percent_label(double threshold) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g%%", threshold * 100);
  return text;
}

std::string final_text(const VariantSummary& v) {
  return format_spread(final_accuracy_spread(v), [](double a) { return format_percent(a, 2); });
}

// "with BN needs 100 [100–200] steps, without BN 300 [300–400]: with BN is 3.0× [...] faster."
std::string threshold_sentence(const VariantSummary& base, const VariantSummary& v, double t) {
  const std::string head = percent_label(t) + ": ";
  if (!any_reached(v, t) && !any_reached(base, t)) {
    std::vector<double> steps_run;
    for (const SeedResult& s : v.seeds) steps_run.push_back(double(s.steps));
    return head + "neither " + v.name + " nor " + base.name + " reaches it (" +
           format_spread(spread_of_values(steps_run), [](double s) { return format_fixed(s, 0); }) +
           " steps run).";
  }
  const std::string steps = v.name + " needs " + format_steps(v, t) + " steps, " + base.name + " " +
                            format_steps(base, t);
  const std::optional<Spread> up = speedup_spread(base, v, t);
  if (!up) return head + steps + ".";
  if (up->median.value > 1)
    return head + steps + ": " + v.name + " is " + format_speedup(up) + " faster.";
  if (up->median.value < 1)
    return head + steps + ": " + base.name + " is " + format_speedup(speedup_spread(v, base, t)) +
           " faster.";
  return head + steps + ": the median seed needs as many steps with either.";
}

// Final accuracy: which ends higher, and in how many of the paired seeds.
std::string final_sentence(const VariantSummary& base, const VariantSummary& v) {
  int higher = 0, pairs = 0;
  for (const SeedResult& s : v.seeds)
    for (const SeedResult& b : base.seeds)
      if (b.seed == s.seed) {
        ++pairs;
        higher += s.final_accuracy() > b.final_accuracy();
      }
  const double mv = final_accuracy_spread(v).median.value,
               mb = final_accuracy_spread(base).median.value;
  const std::string numbers = "final test accuracy " + v.name + " " + final_text(v) + ", " +
                              base.name + " " + final_text(base);
  const std::string seeds = " (" + v.name + " higher in " + std::to_string(higher) + " of " +
                            std::to_string(pairs) + (pairs == 1 ? " seed)." : " seeds).");
  if (mv > mb) return "The " + numbers + ": " + v.name + " ends higher" + seeds;
  if (mv < mb) return "The " + numbers + ": " + base.name + " ends higher" + seeds;
  return "The " + numbers + ": the medians are equal" + seeds;
}

// Drift of each probed layer: which drifts more, and the ratio of the medians.
std::vector<std::string> drift_sentences(const VariantSummary& base, const VariantSummary& v) {
  std::vector<std::string> out;
  for (size_t l = 0; l < std::min(v.layers.size(), base.layers.size()); ++l) {
    const std::optional<Spread> dv = drift_spread(v, l), db = drift_spread(base, l);
    if (!dv || !db) continue;
    const std::string head = "Drift of hidden layer " + std::to_string(l + 1) + ": " + v.name +
                             " " + format_drift(dv) + ", " + base.name + " " + format_drift(db);
    const double a = dv->median.value, b = db->median.value;
    const auto ratio = [](double hi, double lo) {
      return lo > 0 ? format_fixed(hi / lo, 1) + "\u00d7 as much" : std::string("more");
    };
    if (a > b)
      out.push_back(head + ": " + v.name + " drifts " + ratio(a, b) + ".");
    else if (b > a)
      out.push_back(head + ": " + base.name + " drifts " + ratio(b, a) + ".");
    else
      out.push_back(head + ": the same median drift.");
  }
  return out;
}

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

// A sweep: where the median seed never reaches the lowest threshold, and
// per variant the values where it beats its baseline or not.
std::vector<std::string> sweep_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const double lowest = *std::min_element(summary.thresholds.begin(), summary.thresholds.end());
  std::vector<std::string> stalls;
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty() && steps_spread(v, lowest).median.bound != Bounded::Bound::Exact)
      stalls.push_back(v.name + " (final " + final_text(v) + ")");
  out.push_back(stalls.empty() ? "Every run's median seed reaches " + percent_label(lowest) +
                                     " at every value."
                               : "The median seed never reaches " + percent_label(lowest) + ": " +
                                     value_list(stalls) + ".");
  // Per setting (the variant without its value), the values where it ends higher or lower.
  std::vector<std::string> settings;
  for (const VariantSummary& v : summary.variants)
    if (baseline_of(summary, v) &&
        std::find(settings.begin(), settings.end(), v.setting) == settings.end())
      settings.push_back(v.setting);
  for (const std::string& setting : settings) {
    std::vector<std::string> higher, lower, faster, slower;
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
      const double top = summary.thresholds.back();
      const std::optional<Spread> up = speedup_spread(*base, v, top);
      if (up && up->median.value > 1) faster.push_back(at);
      if (up && up->median.value < 1) slower.push_back(at);
    }
    const std::string name = setting.empty() ? "the variant" : setting;
    const std::string versus = base_setting.empty() ? "the first value" : base_setting;
    out.push_back(name + " ends higher than " + versus + " at " +
                  (higher.empty() ? "no value" : value_list(higher)) + "; lower at " +
                  (lower.empty() ? "no value" : value_list(lower)) + ".");
    out.push_back(name + " reaches " + percent_label(summary.thresholds.back()) +
                  " in fewer steps than " + versus + " at " +
                  (faster.empty() ? "no value" : value_list(faster)) + "; in more at " +
                  (slower.empty() ? "no value" : value_list(slower)) + ".");
  }
  return out;
}

}  // namespace

Findings findings(const CompareSummary& summary) {
  Findings out;
  if (summary.thresholds.empty()) return out;
  if (!summary.sweep_key.empty()) {
    out.speed = sweep_sentences(summary);
    return out;
  }
  for (const VariantSummary& v : summary.variants) {
    const VariantSummary* base = baseline_of(summary, v);
    if (!base || v.seeds.empty()) continue;
    for (double t : summary.thresholds) out.speed.push_back(threshold_sentence(*base, v, t));
    out.speed.push_back(final_sentence(*base, v));
    for (const std::string& s : drift_sentences(*base, v)) out.drift.push_back(s);
  }
  return out;
}

}  // namespace minima
