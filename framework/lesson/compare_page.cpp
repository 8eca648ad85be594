#include <minima/lesson/compare_page.hpp>

#include <minima/lesson/measurement.hpp>
#include <minima/lesson/run_description.hpp>
#include <minima/report/html_report.hpp>

namespace minima::lesson {

std::string compare_report_html(const CompareSummary& summary) {
  HtmlReport page(summary.title);
  page.set_command(summary.command);
  for (const std::string& note : summary.notes) page.paragraph(note);
  for (const NamedMeasurement& m : measurements_in(summary))
    m.measurement->page_section(page, summary);

  page.heading("Runs");
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    const std::string settings = describe_run(v.config);
    const std::string changes = v.changes.empty() ? "" : "changed from the base: " + v.changes;
    page.paragraph(v.name + ": " + settings +
                   (settings.empty() || changes.empty() ? changes : " (" + changes + ")") + ".");
  }
  page.heading("Configs");
  for (const VariantSummary& v : summary.variants)
    page.code(v.name + (v.changes.empty() ? "" : " (" + v.changes + ")") +
                  (v.source.empty() ? "" : ", from " + v.source),
              v.config.dump(2));
  if (!summary.source.empty()) page.footer("Compare config: " + summary.source);
  if (!summary.hardware.empty()) page.footer(summary.hardware);
  return page.html();
}

std::string compare_report_text(const CompareSummary& summary) {
  std::string text;
  std::vector<std::string> said;
  for (const NamedMeasurement& m : measurements_in(summary)) {
    for (const ReportTable& t : m.measurement->tables(summary)) {
      if (!text.empty()) text += "\n";
      if (!t.caption.empty()) text += t.caption + "\n";
      text += format_text_table(t.table);
      if (!t.footnote.empty()) text += t.footnote + "\n";
    }
    for (std::string& sentence : m.measurement->sentences(summary)) said.push_back(sentence);
  }
  if (!said.empty()) text += "\nIn this run:\n";
  for (const std::string& sentence : said) text += "  " + sentence + "\n";
  return text;
}

}  // namespace minima::lesson
