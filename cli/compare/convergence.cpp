#include "cli/compare/convergence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace minima {

std::vector<ThresholdHit> steps_to_thresholds(const std::vector<AccuracyPoint>& evals,
                                              const std::vector<double>& thresholds) {
  std::vector<ThresholdHit> hits;
  for (double t : thresholds) {
    ThresholdHit hit{t, std::nullopt, 0};
    for (const AccuracyPoint& e : evals) {
      if (e.accuracy >= t - 1e-12) {
        hit.step = e.step;
        hit.seconds = e.seconds;
        break;
      }
    }
    hits.push_back(hit);
  }
  return hits;
}

std::optional<Speedup> speedup(const ThresholdHit& baseline, int64_t baseline_steps,
                               const ThresholdHit& variant, int64_t variant_steps) {
  auto ratio = [](double a, double b) { return a / std::max(1.0, b); };
  if (baseline.reached() && variant.reached())
    return Speedup{ratio(double(*baseline.step), double(*variant.step))};
  if (!baseline.reached() && variant.reached())
    return Speedup{ratio(double(baseline_steps), double(*variant.step)), Speedup::Bound::AtLeast};
  if (baseline.reached() && !variant.reached())
    return Speedup{ratio(double(*baseline.step), double(variant_steps)), Speedup::Bound::AtMost};
  return std::nullopt;
}

std::vector<double> percentiles(std::vector<double> values, const std::vector<double>& qs) {
  if (values.empty()) throw std::invalid_argument("percentile of no values");
  std::sort(values.begin(), values.end());
  std::vector<double> out;
  for (double q : qs) {
    if (!(q >= 0 && q <= 100)) throw std::invalid_argument("percentile must be in [0, 100]");
    const double position = q / 100 * double(values.size() - 1);
    const size_t below = size_t(std::floor(position));
    const size_t above = std::min(below + 1, values.size() - 1);
    out.push_back(values[below] + (position - double(below)) * (values[above] - values[below]));
  }
  return out;
}

double percentile(std::vector<double> values, double q) {
  return percentiles(std::move(values), {q})[0];
}

std::string format_seconds(double seconds) {
  char text[48];
  if (seconds < 60) {
    std::snprintf(text, sizeof(text), "%.1f s", seconds);
  } else {
    const long total = std::lround(seconds);
    std::snprintf(text, sizeof(text), "%ld min %02ld s", total / 60, total % 60);
  }
  return text;
}

std::string format_percent(double fraction, int decimals) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f%%", decimals, fraction * 100);
  return text;
}

namespace {

const char* const kNotReached = "\u2014";  // em dash

std::string format_factor(const std::optional<Speedup>& s) {
  if (!s) return kNotReached;
  char text[48];
  const char* prefix = s->bound == Speedup::Bound::AtLeast  ? "\u2265"
                       : s->bound == Speedup::Bound::AtMost ? "\u2264"
                                                            : "";
  std::snprintf(text, sizeof(text), "%s%.1f\u00d7", prefix, s->factor);
  return text;
}

}  // namespace

TextTable convergence_table(const std::vector<RunOutcome>& runs,
                            const std::vector<double>& thresholds) {
  TextTable table;
  table.header.push_back("run");
  for (double t : thresholds) {
    char text[32];
    std::snprintf(text, sizeof(text), "\u2265%g%%", t * 100);
    table.header.push_back(text);
  }
  for (const char* h : {"final acc", "steps", "time"}) table.header.push_back(h);

  auto find = [&](const std::string& name) -> const RunOutcome* {
    for (const RunOutcome& r : runs)
      if (r.name == name) return &r;
    return nullptr;
  };
  for (const RunOutcome& run : runs) {
    const std::vector<ThresholdHit> hits = steps_to_thresholds(run.evals, thresholds);
    TableRow row;
    row.cells.push_back(run.name);
    for (const ThresholdHit& h : hits)
      row.cells.push_back(h.reached()
                              ? std::to_string(*h.step) + " (" + format_seconds(h.seconds) + ")"
                              : kNotReached);
    row.cells.push_back(run.evals.empty() ? kNotReached
                                          : format_percent(run.evals.back().accuracy, 2));
    row.cells.push_back(std::to_string(run.steps) + (run.finished ? "" : " (stopped)"));
    row.cells.push_back(format_seconds(run.seconds));
    table.rows.push_back(row);

    const RunOutcome* base = run.baseline.empty() ? nullptr : find(run.baseline);
    if (!base) continue;
    const std::vector<ThresholdHit> base_hits = steps_to_thresholds(base->evals, thresholds);
    TableRow factors{{"  speed-up vs " + base->name}, true};
    for (size_t i = 0; i < thresholds.size(); ++i)
      factors.cells.push_back(
          format_factor(speedup(base_hits[i], base->steps, hits[i], run.steps)));
    factors.cells.resize(table.header.size());
    table.rows.push_back(factors);
  }
  return table;
}

}  // namespace minima
