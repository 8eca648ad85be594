#pragma once
// report.html of a comparison and the text `minima compare` prints after
// its runs, both made from a CompareSummary: every measurement that was on
// adds its section (its tables and sentences for the terminal), in
// registry order; the page ends with the runs' settings and configs.
#include <string>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

std::string compare_report_html(const CompareSummary& summary);

// The measurements' tables, then "In this run:" and their sentences.
std::string compare_report_text(const CompareSummary& summary);

}  // namespace minima::lesson
