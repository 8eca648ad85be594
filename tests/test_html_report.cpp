#include <doctest/doctest.h>

#include <minima/core/atomic_file.hpp>
#include <minima/report/html_report.hpp>
#include "tests/temp_dir.hpp"
#include "tests/xml_check.hpp"

using namespace minima;

TEST_CASE("HtmlReport: escaped text, tables and code, well-formed XML without scripts") {
  HtmlReport page("A & B");
  page.heading("<h2> inside");
  page.paragraph("x < y");
  page.table({{"run", "\u226590%"}, {{{"a", "\u2014"}}, {{"  speed-up", "2.0\u00d7"}, true}}});
  page.code("config", "{\"a\": \"<b>\"}");
  const std::string html = page.html();
  CHECK(html.find("<title>A &amp; B</title>") != std::string::npos);
  CHECK(html.find("<h2>&lt;h2&gt; inside</h2>") != std::string::npos);
  CHECK(html.find("<p>x &lt; y</p>") != std::string::npos);
  CHECK(html.find("<tr class=\"secondary\"><td>  speed-up</td><td>2.0\u00d7</td></tr>") !=
        std::string::npos);
  CHECK(html.find("<pre>{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</pre>") != std::string::npos);
  test::TempDir dir("html_report");
  page.write(dir.path("page.html"));
  CHECK(read_file(dir.path("page.html")) == html);
  CHECK(test::xmllint_status(dir.path("page.html")) == 0);
}
