#pragma once
// Eval mode (BatchNorm on its running statistics) against train mode (on
// each test batch's own statistics, train_mode_accuracy.hpp): the final
// test accuracy of each, their gap in percentage points, its course over
// training, and sentences made from those numbers. Median [min–max] over
// seeds.
#include <optional>
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>
#include <minima/report/html_report.hpp>
#include <minima/report/text_table.hpp>

namespace minima::lesson {

// Over the seeds that measured it: the last train-mode accuracy, and the
// last eval-mode minus train-mode accuracy (a fraction). nullopt without.
std::optional<Spread> train_mode_final_spread(const VariantSummary& v);
std::optional<Spread> train_eval_gap_spread(const VariantSummary& v);

// Columns: run, eval mode, train mode, gap (points).
TextTable train_eval_table(const CompareSummary& summary);
// Per run using BN: both accuracies and the gap; then where BN's gap is
// largest and smallest; then the largest gap of the runs without BN.
std::vector<std::string> train_eval_sentences(const CompareSummary& summary);
// Eval minus train accuracy (points) over training, per run (median over seeds).
Chart train_eval_gap_chart(const CompareSummary& summary);

// Nothing when no run measured train-mode accuracy.
void train_eval_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
