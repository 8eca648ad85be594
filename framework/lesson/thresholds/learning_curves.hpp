#pragma once
// The learning curves of a comparison: test accuracy with a line per
// threshold (and test error on a log axis when the accuracy chart leaves
// the thresholds too little room), and training loss, per variant over its
// seeds.
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>

namespace minima::lesson {

Chart accuracy_chart(const CompareSummary& summary);
// Test error, 100 % - accuracy, on a log axis, with a line per threshold.
Chart error_chart(const CompareSummary& summary);
// The accuracy chart, and error_chart beside it when the accuracy chart
// squeezes the thresholds into its top (the rule is in learning_curves.cpp).
std::vector<Chart> accuracy_panels(const CompareSummary& summary);
Chart loss_chart(const CompareSummary& summary);
// A labelled line per threshold: {97, "97%"}.
std::vector<Guide> threshold_guides(const CompareSummary& summary);

}  // namespace minima::lesson
