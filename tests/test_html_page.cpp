#include <doctest/doctest.h>

#include <minima/report/html_report.hpp>
#include <minima/report/text_table.hpp>
#include "tests/temp_dir.hpp"
#include "tests/xml_check.hpp"

using namespace minima;

namespace {

Chart small_chart(const std::string& title) {
  Chart c;
  c.title = title;
  c.series.push_back({"acc", {0, 10, 100}, {10, 50, 90}, {}});
  return c;
}

}  // namespace

TEST_CASE("HtmlReport: code is collapsed under its summary and wraps instead of scrolling") {
  HtmlReport page("p");
  page.code("with BN: config (configs/paper_fig1_bn.json)", std::string(400, 'x'));
  const std::string html = page.html();
  CHECK(html.find("<details><summary>with BN: config (configs/paper_fig1_bn.json)</summary>") !=
        std::string::npos);
  CHECK(html.find("<details open") == std::string::npos);  // closed until clicked
  CHECK(html.find("white-space: pre-wrap") != std::string::npos);
  CHECK(html.find("overflow-wrap: anywhere") != std::string::npos);
}

TEST_CASE("HtmlReport: small multiples in a grid of N columns, each chart its own ids") {
  HtmlReport page("p");
  page.chart_grid({small_chart("lr 0.1"), small_chart("lr 0.5"), small_chart("lr 2")}, 3);
  const std::string html = page.html();
  CHECK(html.find(
            "<div class=\"grid\" style=\"grid-template-columns: repeat(3, minmax(0, 1fr))\">") !=
        std::string::npos);
  CHECK(test::count_of(html, "<figure>") == 3);
  CHECK(html.find("id=\"chart0\"") != std::string::npos);
  CHECK(html.find("id=\"chart2\"") != std::string::npos);
  CHECK(html.find("<title>lr 0.5</title>") != std::string::npos);
}

TEST_CASE("HtmlReport: footer small print comes last, a quotation names its source, valid XML") {
  HtmlReport page("p & q");
  page.footer("BLAS kernel: SkylakeX (AVX-512)");
  page.paragraph("body text");
  page.quote("the distribution drifts <without> BN", "Ioffe & Szegedy (2015), \u00a74.1");
  page.footer("minima 0.2.0");
  const std::string html = page.html();
  const size_t foot =
      html.find("<footer>\n<p>BLAS kernel: SkylakeX (AVX-512)</p>\n<p>minima 0.2.0</p>");
  REQUIRE(foot != std::string::npos);
  CHECK(foot > html.find("<p>body text</p>"));
  CHECK(html.find("\u201cthe distribution drifts &lt;without&gt; BN\u201d") != std::string::npos);
  CHECK(html.find("<footer>\u2014 Ioffe &amp; Szegedy (2015), \u00a74.1</footer>") !=
        std::string::npos);
  test::TempDir dir("html_page");
  page.write(dir.path("page.html"));
  CHECK(test::xmllint_status(dir.path("page.html")) == 0);
  HtmlReport bare("no footer");
  CHECK(bare.html().find("<footer>") == std::string::npos);
}

TEST_CASE("median_range: median [min\u2013max] cells, only the median for one seed") {
  CHECK(median_range(1200, 900, 1500) == "1200 [900\u20131500]");
  CHECK(median_range(97.43, 97.12, 97.61, 1, "%") == "97.4% [97.1\u201397.6]");
  CHECK(median_range(0.314, 0.314, 0.314, 2, "\u00d7") == "0.31\u00d7");
  const TextTable t{{"run", "steps to 97%"}, {{{"with BN", median_range(1200, 900, 1500)}}}};
  CHECK(format_text_table(t) == "run      steps to 97%\nwith BN  1200 [900\u20131500]\n");
}
