#pragma once
// The fold_bn measurement's outputs (fold_result.hpp): per run the largest
// logit difference and the accuracy before and after folding, over seeds.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/measurement.hpp>

namespace minima::lesson {

// {"max_abs_logit_difference", "accuracy_change" (points)}: median [min-max]
// over seeds; null for a run with nothing folded.
nlohmann::json fold_aggregate(const VariantSummary& v);
std::vector<ReportTable> fold_tables(const CompareSummary& summary);
std::vector<std::string> fold_sentences(const CompareSummary& summary);
void fold_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
