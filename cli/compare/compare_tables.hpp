#pragma once
// The tables `minima compare` prints and puts on its page, made from a
// CompareSummary: steps to each test accuracy, final accuracy and ms per
// step, and the drift of every probed layer; median [min–max] over seeds.
#include <string>

#include <minima/report/text_table.hpp>
#include "cli/compare/summary.hpp"

namespace minima {

// Columns: run, one per threshold ("1200", "1500 [1000–2000]", "≥5000" when
// the median seed never got there, "—" when no seed did), final accuracy,
// steps run, ms per step (median). Each run with a baseline gets a speed-up
// row below it: the median [min–max] of the per-seed ratios.
TextTable results_table(const CompareSummary& summary);

// Columns: run, then one per probed layer ("hidden 1", ...): the layer's
// drift (drift.hpp), median [min–max] over seeds.
TextTable drift_table(const CompareSummary& summary);

// "1500 [1000–2000]" steps; "—" when no seed reached it.
std::string format_steps(const VariantSummary& v, double threshold);
std::string format_steps_run(const VariantSummary& v);       // "5000", "3000 [2000–5000]"
std::string format_speedup(const std::optional<Spread>& s);  // "2.0× [1.5×–3.0×]"; "—"
std::string format_drift(const std::optional<Spread>& s);    // "4.2 [3.9–5.0]"; "—"

}  // namespace minima
