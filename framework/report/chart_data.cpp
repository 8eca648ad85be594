#include <minima/report/chart_data.hpp>

#include <cstdio>

namespace minima {
namespace {

// A field quoted when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", v);
  return text;
}

}  // namespace

std::string chart_csv(const Chart& chart) {
  if (!chart.cells.empty()) {
    std::string csv = "x_from,x_to,y_from,y_to,share\n";
    for (const HeatCell& c : chart.cells)
      csv += number(c.x0) + "," + number(c.x1) + "," + number(c.y0) + "," + number(c.y1) + "," +
             number(c.value) + "\n";
    return csv;
  }
  std::string csv = "line,x,y,low,high\n";
  for (const Series& s : chart.series)
    for (size_t k = 0; k < s.x.size(); ++k)
      csv += csv_field(s.label) + "," + number(s.x[k]) + "," + number(s.y[k]) + ",,\n";
  for (const Band& b : chart.bands)
    for (size_t k = 0; k < b.x.size(); ++k)
      csv += csv_field(b.label) + "," + number(b.x[k]) + "," + number(b.mid[k]) + "," +
             number(b.lo[k]) + "," + number(b.hi[k]) + "\n";
  return csv;
}

std::string csv_data_uri(const std::string& csv) {
  static const char* const kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = "data:text/csv;base64,";
  // Every 3 bytes b0 b1 b2 become 4 characters of 6 bits each; '=' pads the last group.
  for (size_t i = 0; i < csv.size(); i += 3) {
    const size_t n = std::min<size_t>(3, csv.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k) group = (group << 8) | (k < n ? uint8_t(csv[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

}  // namespace minima
