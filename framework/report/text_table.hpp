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

}  // namespace minima
