#pragma once
// A self-contained report page: headings, text, inline SVG charts, tables
// and code blocks, with its CSS inline. No scripts, no external resources.
// The page is well-formed XML (XHTML syntax that browsers read as HTML), so
// any XML parser can check it.
#include <string>
#include <vector>

#include <minima/report/chart.hpp>
#include <minima/report/text_table.hpp>

namespace minima {

class HtmlReport {
 public:
  explicit HtmlReport(std::string title);

  void heading(const std::string& text);    // a section title
  void paragraph(const std::string& text);  // plain text, escaped
  void chart(const Chart& chart, int width = 900, int height = 460);
  // Charts side by side (wrapping on narrow screens), e.g. one per run.
  void chart_row(const std::vector<Chart>& charts, int width = 460, int height = 320);
  // A table; the first column is left-aligned, the others right-aligned.
  void table(const TextTable& table);
  // Preformatted text under a caption (e.g. a config file).
  void code(const std::string& caption, const std::string& text);

  std::string html() const;
  // Writes html() to `path` atomically (write_file_atomically).
  void write(const std::string& path) const;

 private:
  std::string svg(const Chart& chart, int width, int height);

  std::string title_;
  std::string body_;
  int charts_ = 0;
};

}  // namespace minima
