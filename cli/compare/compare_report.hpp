#pragma once
// What `minima compare` shows, made from a CompareSummary: the learning
// curves (mean with a min–max band over seeds), training loss, the
// percentiles of a typical unit's (after a convolution: channel's) input
// per variant (the paper's Figure 1(b,c)), and the report page holding
// them with the tables.
#include <string>
#include <vector>

#include <minima/report/chart.hpp>
#include "cli/compare/summary.hpp"

namespace minima {

// An empty chart over training: x "training step" from 0 (linear), y as given.
Chart training_chart(const std::string& title, const std::string& y_label, bool log_y = false);

Chart accuracy_chart(const CompareSummary& summary);
Chart loss_chart(const CompareSummary& summary);
// The probed layers the page charts, read from the first variant that ran:
// the last one (the paper's last hidden layer) and, before it, the last one
// whose units are channels when there is one (a CNN's last convolution).
std::vector<size_t> charted_probe_layers(const CompareSummary& summary);
// One chart per variant: the typical unit (or channel) of its probed layer
// `layer` in its first seed's run, all on the same y range.
std::vector<Chart> probe_charts(const CompareSummary& summary, size_t layer);
// A labelled line per threshold: {97, "97%"}.
std::vector<Guide> threshold_guides(const CompareSummary& summary);

std::string compare_report_html(const CompareSummary& summary);

}  // namespace minima
