#include "cli/compare/compare_tables.hpp"

#include <algorithm>
#include <cstdio>

namespace minima {
namespace {

const char* const kNone = "\u2014";  // em dash

std::string whole(double v) { return format_fixed(v, 0); }
std::string factor(double v) { return format_fixed(v, 1) + "\u00d7"; }
std::string one_decimal(double v) { return format_fixed(v, 1); }
std::string percent(double v) { return format_percent(v, 2); }

}  // namespace

std::string format_steps(const VariantSummary& v, double threshold) {
  return any_reached(v, threshold) ? format_spread(steps_spread(v, threshold), whole) : kNone;
}

std::string format_steps_run(const VariantSummary& v) {
  std::vector<double> steps;
  for (const SeedResult& s : v.seeds) steps.push_back(double(s.steps));
  return format_spread(spread_of_values(steps), whole);
}

std::string format_speedup(const std::optional<Spread>& s) {
  return s ? format_spread(*s, factor) : kNone;
}

std::string format_drift(const std::optional<Spread>& s) {
  return s ? format_spread(*s, one_decimal) : kNone;
}

TextTable results_table(const CompareSummary& summary) {
  TextTable table;
  table.header.push_back("run");
  for (double t : summary.thresholds) {
    char text[32];
    std::snprintf(text, sizeof(text), "\u2265%g%%", t * 100);
    table.header.push_back(text);
  }
  for (const char* h : {"final acc", "steps", "ms/step"}) table.header.push_back(h);

  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    TableRow row;
    row.cells.push_back(v.name);
    for (double t : summary.thresholds) row.cells.push_back(format_steps(v, t));
    row.cells.push_back(format_spread(final_accuracy_spread(v), percent));
    bool stopped = false;
    for (const SeedResult& s : v.seeds) stopped = stopped || !s.finished;
    row.cells.push_back(format_steps_run(v) + (stopped ? " (stopped)" : ""));
    row.cells.push_back(format_fixed(median_ms_per_step(v), 3));
    table.rows.push_back(row);

    const VariantSummary* base = baseline_of(summary, v);
    if (!base) continue;
    TableRow factors{{"  speed-up vs " + base->name}, true};
    for (double t : summary.thresholds)
      factors.cells.push_back(format_speedup(speedup_spread(*base, v, t)));
    factors.cells.resize(table.header.size());
    table.rows.push_back(factors);
  }
  return table;
}

TextTable drift_table(const CompareSummary& summary) {
  size_t layers = 0;
  const VariantSummary* widest = nullptr;  // the variant with the most probed layers
  for (const VariantSummary& v : summary.variants)
    if (!widest || v.layers.size() > layers) {
      layers = v.layers.size();
      widest = &v;
    }
  TextTable table;
  table.header.push_back("run");
  for (size_t l = 0; l < layers; ++l)
    table.header.push_back("hidden " + std::to_string(l + 1) +
                           (unit_of(*widest, l) == "channel" ? " (channels)" : ""));
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    TableRow row;
    row.cells.push_back(v.name);
    for (size_t l = 0; l < layers; ++l)
      row.cells.push_back(l < v.layers.size() ? format_drift(drift_spread(v, l)) : "");
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace minima
