#pragma once
// The table of steps to each test accuracy, final accuracy and ms per
// step that `minima compare` prints and puts on its page; median [min–max]
// over seeds.
#include <optional>
#include <string>

#include <minima/lesson/summary.hpp>
#include <minima/report/text_table.hpp>

namespace minima::lesson {

// Columns: run, one per threshold ("1200", "1500 [1000–2000]", "≥5000" when
// the median seed never got there, "—" when no seed did), final accuracy,
// steps run, ms per step (median). Each run with a baseline gets a speed-up
// row below it: the median [min–max] of the per-seed ratios.
TextTable results_table(const CompareSummary& summary);

// "1500 [1000–2000]" steps; "—" when no seed reached it.
std::string format_steps(const VariantSummary& v, double threshold);
std::string format_steps_run(const VariantSummary& v);       // "5000", "3000 [2000–5000]"
std::string format_speedup(const std::optional<Spread>& s);  // "2.0× [1.5×–3.0×]"; "—"

}  // namespace minima::lesson
