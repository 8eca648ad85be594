#include <minima/report/text_table.hpp>

#include <algorithm>
#include <cstdio>

namespace minima {
namespace {

// Columns of a terminal a UTF-8 string takes (one per code point).
size_t display_width(const std::string& s) {
  return size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_text_table(const TextTable& table) {
  std::vector<size_t> widths(table.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(cells[i]));
  };
  measure(table.header);
  for (const TableRow& r : table.rows) measure(r.cells);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(table.header);
  for (const TableRow& r : table.rows) out += line(r.cells);
  return out;
}

}  // namespace minima

namespace minima {

std::string median_range(double median, double min, double max, int decimals,
                         const std::string& unit) {
  auto fixed = [&](double v) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, v);
    return std::string(text);
  };
  const std::string head = fixed(median) + unit;
  if (fixed(min) == fixed(max)) return head;
  return head + " [" + fixed(min) + "\u2013" + fixed(max) + "]";
}

}  // namespace minima
