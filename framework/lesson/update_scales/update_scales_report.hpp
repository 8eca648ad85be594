#pragma once
// The update:data and gradient:data ratios in the terminal and on the page:
// a table per ratio (run x weight tensor, the ratio's median over training,
// median [min–max] over seeds) and, per run, a chart of each ratio over
// training with a line per weight tensor (median over seeds, min–max band).
#include <vector>

#include <minima/lesson/measurement.hpp>
#include <minima/lesson/update_scales/update_scales_summary.hpp>
#include <minima/report/chart.hpp>

namespace minima::lesson {

// Columns: run, then one per weight tensor of the summary.
TextTable update_scales_table(const CompareSummary& summary, ScaleRatio ratio);
// Both tables with their captions; the second's footnote gives what recording cost.
std::vector<ReportTable> update_scales_tables(const CompareSummary& summary);

// Per run that recorded: its update:data chart (with the 1e-3 guide), then
// its gradient:data chart. Each ratio's charts share one y range.
std::vector<Chart> update_scales_charts(const CompareSummary& summary);

// Nothing when no run recorded the ratios.
void update_scales_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
