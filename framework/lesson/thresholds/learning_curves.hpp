#pragma once
// The learning curves of a comparison: test accuracy with a line per
// threshold, and training loss, per variant over its seeds.
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>

namespace minima::lesson {

Chart accuracy_chart(const CompareSummary& summary);
Chart loss_chart(const CompareSummary& summary);
// A labelled line per threshold: {97, "97%"}.
std::vector<Guide> threshold_guides(const CompareSummary& summary);

}  // namespace minima::lesson
