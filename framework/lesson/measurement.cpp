#include <minima/lesson/measurement.hpp>

#include <algorithm>

#include <minima/train/eval_schedule.hpp>

namespace minima::lesson {

Registry<MeasurementEntry>& measurement_registry() {
  static Registry<MeasurementEntry> registry("measurement");
  return registry;
}

std::vector<NamedMeasurement> measurements_in_order() {
  std::vector<std::pair<int, NamedMeasurement>> ordered;
  for (const std::string& name : measurement_registry().names()) {
    const MeasurementEntry& entry = *measurement_registry().find(name);
    ordered.push_back({entry.order, {name, entry.measurement.get()}});
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<NamedMeasurement> out;
  for (const auto& [order, named] : ordered) out.push_back(named);
  return out;
}

void add_tables(HtmlReport& page, const std::vector<ReportTable>& tables) {
  for (const ReportTable& t : tables) {
    if (!t.caption.empty()) page.paragraph(t.caption);
    page.table(t.table);
    if (!t.footnote.empty()) page.paragraph(t.footnote);
  }
}

std::vector<std::string> measurement_names() {
  std::vector<std::string> names;
  for (const NamedMeasurement& m : measurements_in_order()) names.push_back(m.name);
  return names;
}

std::vector<NamedMeasurement> measurements_in(const CompareSummary& summary) {
  std::vector<NamedMeasurement> out;
  for (const NamedMeasurement& m : measurements_in_order())
    if (summary.measures.contains(m.name)) out.push_back(m);
  return out;
}

std::optional<nlohmann::json> on_when_true(const nlohmann::json* value,
                                           const std::string& pointer) {
  if (!value) return std::nullopt;
  if (!value->is_boolean()) throw ConfigError(pointer, "expected true or false");
  if (!value->get<bool>()) return std::nullopt;
  return nlohmann::json::object();
}

bool is_log_probe_step(int64_t step) { return step == 0 || is_log_spaced_step(step); }

}  // namespace minima::lesson
