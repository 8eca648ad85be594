#pragma once
// The bn_statistics measurement's outputs (bn_statistics.hpp): per run and
// BN layer the numbers at the end of training, their charts over training,
// and the sentences, made from the measured numbers only.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/measurement.hpp>

namespace minima::lesson {

// {"<layer>": {"mean_error", "var_error", "variance_shift"}: median [min-max]
// over seeds at the last point}; null without BN layers.
nlohmann::json bn_statistics_aggregate(const VariantSummary& v);
std::vector<ReportTable> bn_statistics_tables(const CompareSummary& summary);
std::vector<std::string> bn_statistics_sentences(const CompareSummary& summary);
void bn_statistics_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
