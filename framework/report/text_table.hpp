#pragma once
// A table of text cells, printed on a terminal or drawn in a report.
#include <string>
#include <vector>

namespace minima {

struct TableRow {
  std::vector<std::string> cells;
  bool secondary = false;  // drawn less prominently (e.g. a speed-up row under its run)
};
struct TextTable {
  std::vector<std::string> header;
  std::vector<TableRow> rows;
};

// The table with aligned columns, for a terminal (UTF-8 aware).
std::string format_text_table(const TextTable& table);

// A statistic over seeds as a cell, "median [min\u2013max]" with `decimals`
// digits and `unit` after the median: "1200 [900\u20131500]", "97.4% [97.1\u201397.6]";
// only the median when min == max (one seed).
std::string median_range(double median, double min, double max, int decimals = 0,
                         const std::string& unit = "");

}  // namespace minima
