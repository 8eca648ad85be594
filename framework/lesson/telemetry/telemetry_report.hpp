#pragma once
// The page's section on activation telemetry (telemetry.hpp), when the runs
// recorded it: per hidden layer the mean with a ±1 std band and the share of
// saturated (or dead) units over training, each variant a line, and one
// histogram-over-time heat map per variant and layer. The first seed's run
// of each variant is shown.
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/lesson/telemetry/telemetry.hpp>
#include <minima/report/chart.hpp>
#include <minima/report/html_report.hpp>

namespace minima::lesson {

// Per hidden layer: mean ± std, then the saturated share.
std::vector<Chart> telemetry_charts(const CompareSummary& summary);
// Per hidden layer, per variant (variants side by side): the share of
// activations in each histogram bin (y) at each recorded step (x).
std::vector<Chart> telemetry_heatmaps(const CompareSummary& summary);

// Nothing when no run recorded telemetry.
void telemetry_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
