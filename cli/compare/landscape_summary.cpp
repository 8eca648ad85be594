#include "cli/compare/landscape_summary.hpp"

#include <algorithm>
#include <cstdio>

namespace minima {

LandscapeValue ics_l2(size_t layer) {
  return [layer](const LandscapePoint& p) { return p.ics.at(layer).l2; };
}
LandscapeValue ics_cosine(size_t layer) {
  return [layer](const LandscapePoint& p) { return p.ics.at(layer).cosine; };
}
double loss_range(const LandscapePoint& p) { return p.along.loss_max - p.along.loss_min; }
double grad_change(const LandscapePoint& p) { return p.along.grad_change_max; }
double beta_smoothness(const LandscapePoint& p) { return p.along.beta; }

bool has_landscape(const CompareSummary& summary) {
  for (const VariantSummary& v : summary.variants)
    for (const SeedResult& s : v.seeds)
      if (!s.landscape.empty()) return true;
  return false;
}

std::vector<std::pair<int64_t, std::vector<double>>> landscape_over_seeds(
    const VariantSummary& v, const LandscapeValue& value) {
  std::vector<std::pair<int64_t, std::vector<double>>> out;
  if (v.seeds.empty()) return out;
  for (const LandscapePoint& p : v.seeds[0].landscape) {
    std::vector<double> values;
    for (const SeedResult& s : v.seeds)
      for (const LandscapePoint& q : s.landscape)
        if (q.step == p.step) values.push_back(value(q));
    out.emplace_back(p.step, values);
  }
  return out;
}

std::optional<Spread> landscape_spread(const VariantSummary& v, const LandscapeValue& value) {
  std::vector<double> medians;
  for (const SeedResult& s : v.seeds) {
    if (s.landscape.empty()) continue;
    std::vector<double> values;
    for (const LandscapePoint& p : s.landscape) values.push_back(value(p));
    medians.push_back(percentile(values, 50));
  }
  if (medians.empty()) return std::nullopt;
  return spread_of_values(medians);
}

std::vector<std::pair<size_t, std::string>> shifted_layers(const CompareSummary& summary) {
  std::vector<std::pair<size_t, std::string>> out;
  for (const VariantSummary& v : summary.variants)
    for (size_t l = 0; l < v.landscape_layers.size(); ++l) {
      const std::string& name = v.landscape_layers[l];
      const std::optional<Spread> l2 = landscape_spread(v, ics_l2(l));
      const bool listed =
          std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.second == name; });
      if (l2 && l2->max.value > 0 && !listed) out.emplace_back(l, name);
    }
  return out;
}

std::string format_significant(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", v);
  return text;
}

std::string format_measure(const std::optional<Spread>& s) {
  return s ? format_spread(*s, format_significant) : "\u2014";
}

std::optional<double> measure_overhead(const std::vector<SeedResult>& runs) {
  double measuring = 0, without = 0;
  for (const SeedResult& s : runs)
    if (!s.landscape.empty()) {
      measuring += s.measure_seconds;
      without += s.run_seconds - s.measure_seconds;
    }
  if (!(without > 0)) return std::nullopt;
  return measuring / without;
}

std::optional<double> measure_overhead(const CompareSummary& summary) {
  std::vector<SeedResult> runs;
  for (const VariantSummary& v : summary.variants)
    runs.insert(runs.end(), v.seeds.begin(), v.seeds.end());
  return measure_overhead(runs);
}

}  // namespace minima
