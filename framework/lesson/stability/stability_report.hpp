#pragma once
// The stability measurement's outputs (stability.hpp): a table of verdicts
// per setting and swept value, the largest stable value per setting over
// its seeds, and sentences made from them.
#include <string>
#include <vector>

#include <minima/lesson/measurement.hpp>

namespace minima::lesson {

std::vector<ReportTable> stability_tables(const CompareSummary& summary);
std::vector<std::string> stability_sentences(const CompareSummary& summary);
void stability_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson
