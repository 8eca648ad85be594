#pragma once
// The page's sections on Santurkar et al.'s measures, when the runs took
// them: internal covariate shift per weight layer (their Definition 2.1)
// and the landscape along the gradient (their Figure 4 a, b, c), each
// variant a line (the median over seeds, shaded min–max), the generated
// sentences beside each paper's claim, and what measuring cost.
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>
#include <minima/report/html_report.hpp>

namespace minima::lesson {

// Per weight layer with layers below it: the l2 shift, then the cosine.
std::vector<Chart> ics_charts(const CompareSummary& summary);
// Loss along the gradient (range over eta, line at theta), gradient change
// (range over eta), effective beta-smoothness.
std::vector<Chart> smoothness_charts(const CompareSummary& summary);

// Nothing when no run measured the landscape.
void landscape_sections(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
