#include <minima/lesson/thresholds/threshold_table.hpp>

#include <cstdio>

#include <minima/lesson/thresholds/steps_to_threshold.hpp>

namespace minima::lesson {
namespace {

const char* const kNone = "\u2014";  // em dash

std::string whole(double v) { return format_fixed(v, 0); }
std::string factor(double v) { return format_fixed(v, 1) + "\u00d7"; }
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

TextTable results_table(const CompareSummary& summary) {
  TextTable table;
  table.header.push_back("run");
  const std::vector<double> thresholds = thresholds_of(summary);
  for (double t : thresholds) {
    char text[32];
    std::snprintf(text, sizeof(text), "\u2265%g%%", t * 100);
    table.header.push_back(text);
  }
  for (const char* h : {"final acc", "steps", "ms/step"}) table.header.push_back(h);

  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    TableRow row;
    row.cells.push_back(v.name);
    for (double t : thresholds) row.cells.push_back(format_steps(v, t));
    row.cells.push_back(format_spread(final_accuracy_spread(v), percent));
    bool stopped = false;
    for (const SeedResult& s : v.seeds) stopped = stopped || !s.finished;
    row.cells.push_back(format_steps_run(v) + (stopped ? " (stopped)" : ""));
    row.cells.push_back(format_fixed(median_ms_per_step(v), 3));
    table.rows.push_back(row);

    const VariantSummary* base = baseline_of(summary, v);
    if (!base) continue;
    TableRow speedups{{"  speed-up vs " + base->name}, true};
    for (double t : thresholds)
      speedups.cells.push_back(format_speedup(speedup_spread(*base, v, t)));
    speedups.cells.resize(table.header.size());
    table.rows.push_back(speedups);
  }
  return table;
}

}  // namespace minima::lesson
