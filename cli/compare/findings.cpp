#include "cli/compare/findings.hpp"

#include <algorithm>
#include <cstdio>

#include "cli/compare/compare_tables.hpp"
#include "cli/compare/sweep_charts.hpp"

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

// Which of a pair is faster by the median speed-up (baseline steps / variant
// steps): a bound decides only when it points away from 1 (≥1.5 is faster,
// ≥0.8 is not known).
enum class Faster { Variant, Baseline, Same, Unknown };
Faster faster_of(const Spread& speedup) {
  const Bounded& m = speedup.median;
  if (m.value > 1 && m.bound != Bounded::Bound::AtMost) return Faster::Variant;
  if (m.value < 1 && m.bound != Bounded::Bound::AtLeast) return Faster::Baseline;
  if (m.value == 1 && m.bound == Bounded::Bound::Exact) return Faster::Same;
  return Faster::Unknown;
}

// "with BN needs 100 [100–200] steps", or "without BN does not reach it in 5000 steps".
std::string needs(const VariantSummary& v, double t) {
  if (any_reached(v, t)) return v.name + " needs " + format_steps(v, t) + " steps";
  return v.name + " does not reach it in " + format_steps_run(v) + " steps";
}

// "90%: with BN needs 100 [100–200] steps; without BN needs 300 [300–400] steps: with BN is
// 3.0× [2.0×–3.0×] faster."
std::string threshold_sentence(const VariantSummary& base, const VariantSummary& v, double t) {
  const std::string head = percent_label(t) + ": ";
  if (!any_reached(v, t) && !any_reached(base, t)) {
    return head + "neither " + v.name + " nor " + base.name + " reaches it (" +
           format_steps_run(v) + " steps run).";
  }
  const std::string steps = needs(v, t) + "; " + needs(base, t);
  const std::optional<Spread> up = speedup_spread(base, v, t);
  switch (up ? faster_of(*up) : Faster::Unknown) {
    case Faster::Variant:
      return head + steps + ": " + v.name + " is " + format_speedup(up) + " faster.";
    case Faster::Baseline:
      return head + steps + ": " + base.name + " is " + format_speedup(speedup_spread(v, base, t)) +
             " faster.";
    case Faster::Same:
      return head + steps + ": the median seed needs as many steps with either.";
    case Faster::Unknown:
      break;
  }
  return head + steps + ".";
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
    const std::string head = "Drift of hidden layer " + std::to_string(l + 1) +
                             (unit_of(v, l) == "channel" ? " (per channel)" : "") + ": " + v.name +
                             " " + format_drift(dv) + ", " + base.name + " " + format_drift(db);
    const double a = dv->median.value, b = db->median.value;
    // Two decimals below 1.1x, so that a small difference does not read "1.0x as much".
    const auto ratio = [](double hi, double lo) {
      return lo > 0 ? format_fixed(hi / lo, hi / lo < 1.1 ? 2 : 1) + "\u00d7 as much"
                    : std::string("more");
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
