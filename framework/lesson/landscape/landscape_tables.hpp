#pragma once
// The tables of Santurkar et al.'s measures, printed and on the page: per
// run, each number's median over training, median [min–max] over seeds.
#include <minima/lesson/summary.hpp>
#include <minima/report/text_table.hpp>

namespace minima::lesson {

// Columns: run, then per weight layer with layers below it its l2 shift
// and cosine ("fc2 ℓ2", "fc2 cos").
TextTable ics_table(const CompareSummary& summary);
// Columns: run, loss range, gradient change, beta along the gradient, and
// the time measuring added to the run's own.
TextTable smoothness_table(const CompareSummary& summary);

}  // namespace minima::lesson
