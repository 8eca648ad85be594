#pragma once
// A self-contained report page: headings, text, inline SVG charts, tables,
// collapsed code blocks and a small-print footer, with its CSS inline. No
// scripts, no external resources: under every chart, the data behind it
// is a CSV download carried in the page (a data: link), beside the
// command that made it (set_command). Laid out for a 1280 px screen and a
// projector: code wraps, nothing scrolls sideways.
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
  // The command that reproduces the page's figures, shown under each chart ("" = none).
  void set_command(std::string command) { command_ = std::move(command); }

  void heading(const std::string& text);    // a section title
  void paragraph(const std::string& text);  // plain text, escaped
  // A quotation with its source, e.g. a paper's claim, marked as theirs.
  void quote(const std::string& text, const std::string& source);
  void chart(const Chart& chart, int width = 900, int height = 460);
  // Charts side by side (wrapping on narrow screens), e.g. one per run.
  void chart_row(const std::vector<Chart>& charts, int width = 460, int height = 320);
  // Small multiples: `columns` charts a row, each drawn width x height and
  // scaled to its cell, e.g. one panel per swept learning rate.
  void chart_grid(const std::vector<Chart>& charts, int columns, int width = 300, int height = 240);
  // The same grid collapsed under a one-line summary the reader clicks to open.
  void collapsed_chart_grid(const std::string& summary, const std::vector<Chart>& charts,
                            int columns, int width = 300, int height = 240);
  // A table; the first column is left-aligned, the others right-aligned.
  void table(const TextTable& table);
  // Preformatted text (e.g. a config file), collapsed under a one-line
  // summary the reader clicks to open; long lines wrap.
  void code(const std::string& summary, const std::string& text);
  // Small print at the foot of the page (e.g. the hardware), in call order.
  void footer(const std::string& text);

  std::string html() const;
  // Writes html() to `path` atomically (write_file_atomically).
  void write(const std::string& path) const;

 private:
  // The chart as a figure: its SVG, then its data link and the command.
  std::string figure(const Chart& chart, int width, int height);
  std::string grid(const std::vector<Chart>& charts, int columns, int width, int height);

  std::string title_;
  std::string command_;
  std::string body_;
  std::string footer_;
  int charts_ = 0;
};

}  // namespace minima
