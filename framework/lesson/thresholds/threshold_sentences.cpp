#include <minima/lesson/thresholds/threshold_sentences.hpp>

#include <cstdio>

#include <minima/lesson/thresholds/steps_to_threshold.hpp>
#include <minima/lesson/thresholds/threshold_table.hpp>

namespace minima::lesson {

std::string percent_label(double threshold) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g%%", threshold * 100);
  return text;
}

std::string final_accuracy_text(const VariantSummary& v) {
  return format_spread(final_accuracy_spread(v), [](double a) { return format_percent(a, 2); });
}

Faster faster_of(const Spread& speedup) {
  const Bounded& m = speedup.median;
  if (m.value > 1 && m.bound != Bounded::Bound::AtMost) return Faster::Variant;
  if (m.value < 1 && m.bound != Bounded::Bound::AtLeast) return Faster::Baseline;
  if (m.value == 1 && m.bound == Bounded::Bound::Exact) return Faster::Same;
  return Faster::Unknown;
}

namespace {

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
  const std::string numbers = "final test accuracy " + v.name + " " + final_accuracy_text(v) +
                              ", " + base.name + " " + final_accuracy_text(base);
  const std::string seeds = " (" + v.name + " higher in " + std::to_string(higher) + " of " +
                            std::to_string(pairs) + (pairs == 1 ? " seed)." : " seeds).");
  if (mv > mb) return "The " + numbers + ": " + v.name + " ends higher" + seeds;
  if (mv < mb) return "The " + numbers + ": " + base.name + " ends higher" + seeds;
  return "The " + numbers + ": the medians are equal" + seeds;
}

}  // namespace

std::vector<std::string> threshold_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const std::vector<double> thresholds = thresholds_of(summary);
  if (thresholds.empty() || !summary.sweep_key.empty()) return out;
  for (const VariantSummary& v : summary.variants) {
    const VariantSummary* base = baseline_of(summary, v);
    if (!base || v.seeds.empty()) continue;
    for (double t : thresholds) out.push_back(threshold_sentence(*base, v, t));
    out.push_back(final_sentence(*base, v));
  }
  return out;
}

}  // namespace minima::lesson
