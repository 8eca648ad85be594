#pragma once
// What the "probe" measurement shows: the drift of every probed layer
// (table and sentences), and the percentiles of a typical unit's (after a
// convolution: channel's) input over training per variant, the paper's
// Figure 1(b,c).
#include <optional>
#include <string>
#include <vector>

#include <minima/lesson/probes/probe_result.hpp>
#include <minima/report/chart.hpp>
#include <minima/report/text_table.hpp>

namespace minima::lesson {

// Columns: run, then one per probed layer ("hidden 1", ...): the layer's
// drift (drift.hpp), median [min–max] over seeds.
TextTable drift_table(const CompareSummary& summary);
// Per variant and its baseline (not in a sweep): each probed layer's drift,
// which drifts more and the ratio of the medians.
std::vector<std::string> drift_sentences(const CompareSummary& summary);
std::string format_drift(const std::optional<Spread>& s);  // "4.2 [3.9–5.0]"; "—"
// The paper's claim (BN makes the inputs' distribution more stable) checked
// on each pair of a variant and its baseline of which exactly one uses BN:
// in how many hidden layers BN's median drift is the smaller, in one sentence.
std::vector<std::string> drift_verdicts(const CompareSummary& summary);

// The probed layers the page charts, read from the first variant that ran:
// the last one (the paper's last hidden layer) and, before it, the last one
// whose units are channels when there is one (a CNN's last convolution).
std::vector<size_t> charted_probe_layers(const CompareSummary& summary);
// One chart per variant: the typical unit (or channel) of its probed layer
// `layer` in its first seed's run, all on the same y range.
std::vector<Chart> probe_charts(const CompareSummary& summary, size_t layer);

}  // namespace minima::lesson
