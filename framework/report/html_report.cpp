#include <minima/report/html_report.hpp>

#include <algorithm>

#include <minima/core/atomic_file.hpp>
#include <minima/report/chart_data.hpp>
#include <minima/report/svg_chart.hpp>

namespace minima {

namespace {

const char* const kStyle = R"(
body { font-family: "DejaVu Sans", Verdana, Arial, Helvetica, sans-serif; color: #222; background: #fff;
       max-width: 960px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
.row { display: flex; flex-wrap: wrap; gap: 12px; }
.row figure { flex: 1 1 420px; margin: 0.5em 0; }
.grid { display: grid; gap: 8px; }
.grid figure { margin: 0; min-width: 0; }
blockquote { margin: 1em 0; padding: 0.2em 1em; border-left: 4px solid #bbb; color: #444; }
blockquote p { margin: 0.3em 0; font-style: italic; }
blockquote footer { font-size: 0.85em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: right; }
th { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { border-bottom: 2px solid #444; }
tr.secondary td { color: #555; font-style: italic; border-bottom: 1px solid #bbb; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 8px; font-size: 0.85em;
      white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin: 0.4em 0; }
summary { cursor: pointer; }
body > footer { margin-top: 2.5em; border-top: 1px solid #ccc; padding-top: 0.5em; }
body > footer p { font-size: 0.8em; color: #555; margin: 0.3em 0; }
figcaption { font-size: 0.75em; color: #555; overflow-wrap: anywhere; }
figcaption code { font-size: 1em; }
@media print { body { max-width: none; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
)";

}  // namespace

HtmlReport::HtmlReport(std::string title) : title_(std::move(title)) {}

void HtmlReport::heading(const std::string& text) {
  body_ += "<h2>" + escape_xml(text) + "</h2>\n";
}

void HtmlReport::paragraph(const std::string& text) {
  body_ += "<p>" + escape_xml(text) + "</p>\n";
}

std::string HtmlReport::figure(const Chart& chart, int width, int height) {
  const std::string id = "chart" + std::to_string(charts_++);
  std::string caption = "<a download=\"" + id + ".csv\" href=\"" + csv_data_uri(chart_csv(chart)) +
                        "\">data (CSV)</a>";
  if (!command_.empty()) caption += " \u00b7 made by <code>" + escape_xml(command_) + "</code>";
  return "<figure>\n" + render_svg(chart, {width, height, id}) + "<figcaption>" + caption +
         "</figcaption>\n</figure>\n";
}

std::string HtmlReport::grid(const std::vector<Chart>& charts, int columns, int width, int height) {
  std::string html = "<div class=\"grid\" style=\"grid-template-columns: repeat(" +
                     std::to_string(std::max(1, columns)) + ", minmax(0, 1fr))\">\n";
  for (const Chart& c : charts) html += figure(c, width, height);
  return html + "</div>\n";
}

void HtmlReport::quote(const std::string& text, const std::string& source) {
  body_ += "<blockquote><p>\u201c" + escape_xml(text) + "\u201d</p><footer>\u2014 " +
           escape_xml(source) + "</footer></blockquote>\n";
}

void HtmlReport::chart(const Chart& chart, int width, int height) {
  body_ += figure(chart, width, height);
}

void HtmlReport::chart_row(const std::vector<Chart>& charts, int width, int height) {
  body_ += "<div class=\"row\">\n";
  for (const Chart& c : charts) body_ += figure(c, width, height);
  body_ += "</div>\n";
}

void HtmlReport::chart_grid(const std::vector<Chart>& charts, int columns, int width, int height) {
  body_ += grid(charts, columns, width, height);
}

void HtmlReport::collapsed_chart_grid(const std::string& summary, const std::vector<Chart>& charts,
                                      int columns, int width, int height) {
  body_ += "<details><summary>" + escape_xml(summary) + "</summary>\n" +
           grid(charts, columns, width, height) + "</details>\n";
}

void HtmlReport::table(const TextTable& table) {
  std::string t = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const std::string& h : table.header) t += "<th>" + escape_xml(h) + "</th>";
  t += "</tr></thead>\n<tbody>\n";
  for (const TableRow& row : table.rows) {
    t += row.secondary ? "<tr class=\"secondary\">" : "<tr>";
    for (const std::string& cell : row.cells) t += "<td>" + escape_xml(cell) + "</td>";
    t += "</tr>\n";
  }
  body_ += t + "</tbody>\n</table></div>\n";
}

void HtmlReport::code(const std::string& summary, const std::string& text) {
  body_ += "<details><summary>" + escape_xml(summary) + "</summary>\n<pre>" + escape_xml(text) +
           "</pre></details>\n";
}

void HtmlReport::footer(const std::string& text) { footer_ += "<p>" + escape_xml(text) + "</p>\n"; }

std::string HtmlReport::html() const {
  return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" "
         "xml:lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\"/>\n"
         "<title>" +
         escape_xml(title_) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" +
         escape_xml(title_) + "</h1>\n" + body_ +
         (footer_.empty() ? "" : "<footer>\n" + footer_ + "</footer>\n") + "</body>\n</html>\n";
}

void HtmlReport::write(const std::string& path) const { write_file_atomically(path, html()); }

}  // namespace minima
