#include <minima/lesson/landscape/landscape_summary.hpp>

#include <algorithm>
#include <cstdio>

namespace minima::lesson {

std::vector<LandscapeRun> landscape_runs(const VariantSummary& v) {
  std::vector<LandscapeRun> runs;
  for (const SeedResult& s : v.seeds)
    if (auto result = result_of<LandscapeResult>(s, "landscape"))
      runs.push_back({s.seed, s.run_seconds, std::move(*result)});
  return runs;
}

std::vector<std::string> landscape_layers(const VariantSummary& v) {
  const std::vector<LandscapeRun> runs = landscape_runs(v);
  return runs.empty() ? std::vector<std::string>{} : runs.front().result.layers;
}

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
    for (const LandscapeRun& run : landscape_runs(v))
      if (!run.result.points.empty()) return true;
  return false;
}

std::vector<std::pair<int64_t, std::vector<double>>> landscape_over_seeds(
    const VariantSummary& v, const LandscapeValue& value) {
  std::vector<std::pair<int64_t, std::vector<double>>> out;
  const std::vector<LandscapeRun> runs = landscape_runs(v);
  if (runs.empty()) return out;
  for (const LandscapePoint& p : runs.front().result.points) {
    std::vector<double> values;
    for (const LandscapeRun& run : runs)
      for (const LandscapePoint& q : run.result.points)
        if (q.step == p.step) values.push_back(value(q));
    out.emplace_back(p.step, values);
  }
  return out;
}

std::optional<Spread> landscape_spread(const VariantSummary& v, const LandscapeValue& value) {
  std::vector<double> medians;
  for (const LandscapeRun& run : landscape_runs(v)) {
    if (run.result.points.empty()) continue;
    std::vector<double> values;
    for (const LandscapePoint& p : run.result.points) values.push_back(value(p));
    medians.push_back(percentile(values, 50));
  }
  if (medians.empty()) return std::nullopt;
  return spread_of_values(medians);
}

std::vector<std::pair<size_t, std::string>> shifted_layers(const CompareSummary& summary) {
  std::vector<std::pair<size_t, std::string>> out;
  for (const VariantSummary& v : summary.variants) {
    const std::vector<std::string> layers = landscape_layers(v);
    for (size_t l = 0; l < layers.size(); ++l) {
      const std::string& name = layers[l];
      const std::optional<Spread> l2 = landscape_spread(v, ics_l2(l));
      const bool listed =
          std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.second == name; });
      if (l2 && l2->max.value > 0 && !listed) out.emplace_back(l, name);
    }
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

std::optional<double> measure_overhead(const std::vector<LandscapeRun>& runs) {
  double measuring = 0, without = 0;
  for (const LandscapeRun& run : runs)
    if (!run.result.points.empty()) {
      measuring += run.result.measure_seconds;
      without += run.run_seconds - run.result.measure_seconds;
    }
  if (!(without > 0)) return std::nullopt;
  return measuring / without;
}

std::optional<double> measure_overhead(const CompareSummary& summary) {
  std::vector<LandscapeRun> runs;
  for (const VariantSummary& v : summary.variants)
    for (LandscapeRun& run : landscape_runs(v)) runs.push_back(std::move(run));
  return measure_overhead(runs);
}

}  // namespace minima::lesson
