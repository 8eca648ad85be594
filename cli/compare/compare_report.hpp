#pragma once
// What `minima compare` shows: the learning curves, training loss and the
// hidden-value percentiles of several runs (the paper's Figure 1), the
// steps-to-accuracy table, and the report page holding them all.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/report/chart.hpp>
#include "cli/compare/convergence.hpp"

namespace minima {

struct LossPoint {
  int64_t step;
  double loss;  // mean training loss over the steps since the previous point
};

// Percentiles of one hidden unit's values over a fixed batch of test inputs.
struct ProbePoint {
  int64_t step;
  double p15, p50, p85;
};

struct VariantRecord {
  RunOutcome run;  // name, baseline, evaluations, steps, time
  LineStyle style;
  nlohmann::json config;  // the run config (shown in the report)
  std::string source;     // the file it came from
  std::vector<LossPoint> losses;
  std::vector<ProbePoint> probe;
  std::string probe_label;  // "bn3 (input to sigmoid3), unit 0"
};

struct CompareResults {
  std::string title;
  std::string source;              // the compare config file
  std::vector<double> thresholds;  // test accuracy fractions
  int64_t probe_batch = 0;         // test inputs behind each percentile
  std::vector<std::string> notes;  // shown under the title (seed, BLAS core, "stopped early")
  std::vector<VariantRecord> variants;
};

Chart accuracy_chart(const CompareResults& results);
Chart loss_chart(const CompareResults& results);
// One chart per variant that has probe values, all on the same y range.
std::vector<Chart> probe_charts(const CompareResults& results);
TextTable compare_table(const CompareResults& results);

std::string compare_report_html(const CompareResults& results);

}  // namespace minima
