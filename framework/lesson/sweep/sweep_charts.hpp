#pragma once
// The charts of a sweep (a compare config with "sweep"): final accuracy and
// steps to a threshold against the swept value, one line per setting (the
// variant without its value), and one small accuracy chart per value
// instead of every curve in one chart.
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>

namespace minima::lesson {

// Final test accuracy against the swept value: per setting the median over
// seeds, with a min–max band when there are several.
Chart final_accuracy_chart(const CompareSummary& summary);
// Steps to `threshold` against the swept value (median over seeds); a value
// whose median seed never reached it is left out of the line (the page
// lists those).
Chart steps_chart(const CompareSummary& summary, double threshold);
// The threshold steps_chart shows: 97% if the summary has it, else its highest.
double sweep_threshold(const CompareSummary& summary);
// One accuracy chart per swept value, its settings' curves in each, on one y range.
std::vector<Chart> accuracy_per_value(const CompareSummary& summary);

}  // namespace minima::lesson
