#include <minima/lesson/summary.hpp>

#include <stdexcept>

#include <minima/lesson/measurement.hpp>

namespace minima::lesson {

nlohmann::json summary_to_json(const CompareSummary& summary) {
  nlohmann::json j = summary;
  j["format"] = CompareSummary::kFormat;
  const std::vector<NamedMeasurement> measures = measurements_in(summary);
  for (size_t i = 0; i < summary.variants.size(); ++i) {
    const VariantSummary& v = summary.variants[i];
    if (v.seeds.empty()) continue;
    nlohmann::json aggregate = {{"final_accuracy", final_accuracy_spread(v)},
                                {"ms_per_step", median_ms_per_step(v)}};
    for (const NamedMeasurement& m : measures) {
      nlohmann::json derived = m.measurement->aggregate(summary, v);
      if (!derived.is_null()) aggregate[m.name] = std::move(derived);
    }
    j["variants"][i]["aggregate"] = std::move(aggregate);
  }
  return j;
}

CompareSummary summary_from_json(const nlohmann::json& doc) {
  const nlohmann::json format = doc.value("format", nlohmann::json(nullptr));
  if (format != CompareSummary::kFormat)
    throw std::runtime_error("a summary.json of format " +
                             (format.is_null() ? std::string("1 (no \"format\")") : format.dump()) +
                             "; this minima reads format " +
                             std::to_string(CompareSummary::kFormat) +
                             ": run the comparison again to write one");
  return doc.get<CompareSummary>();
}

bool several_seeds(const CompareSummary& summary) { return seed_count(summary) > 1; }

size_t seed_count(const CompareSummary& summary) {
  size_t most = 0;
  for (const VariantSummary& v : summary.variants) most = std::max(most, v.seeds.size());
  return most;
}

const VariantSummary* baseline_of(const CompareSummary& summary, const VariantSummary& v) {
  if (v.baseline.empty()) return nullptr;
  for (const VariantSummary& other : summary.variants)
    if (other.name == v.baseline && !other.seeds.empty()) return &other;
  return nullptr;
}

Spread final_accuracy_spread(const VariantSummary& v) {
  std::vector<double> finals;
  for (const SeedResult& s : v.seeds) finals.push_back(s.final_accuracy());
  return spread_of_values(finals);
}

double median_ms_per_step(const VariantSummary& v) {
  std::vector<double> ms;
  for (const SeedResult& s : v.seeds) ms.push_back(s.ms_per_step);
  return percentile(ms, 50);
}

}  // namespace minima::lesson
