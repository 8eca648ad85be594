// The report page in a real browser: headless Chromium (Debian's chromium)
// loads a representative page, which must log no console error and throw
// no uncaught exception; its screenshot is kept in the build tree
// (artifacts/report.png, a CI artifact). MINIMA_SKIP_BROWSER=1 skips the
// check; without chromium it fails.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <stb_image.h>

#include <minima/core/atomic_file.hpp>
#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/telemetry/telemetry.hpp>
#include <minima/report/html_report.hpp>
#include <minima/report/png_chart.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/run_command.hpp"
#include "tests/temp_dir.hpp"
#include "tests/xml_check.hpp"

using namespace minima;

namespace {

constexpr int kWindowWidth = 1280, kWindowHeight = 2400;

// Accuracy over training steps for one seed of a synthetic run that
// approaches 99% with time constant `tau` steps.
double accuracy(double step, double tau, int seed) {
  return 99 - 89 * std::exp(-step / tau) - 0.4 * seed * std::exp(-step / 20000);
}

std::vector<double> probe_steps() {
  std::vector<double> steps{0};
  for (double decade = 10; decade <= 10000; decade *= 10)
    for (double m : {1.0, 2.0, 5.0}) steps.push_back(m * decade);
  return steps;
}

// Mean over three seeds with the min..max band.
Band seed_band(const std::string& label, double tau, int style) {
  Band b{label, probe_steps(), {}, {}, {}, LineStyle::numbered(style)};
  for (double s : b.x) {
    const double a0 = accuracy(s, tau, 0), a1 = accuracy(s, tau, 1), a2 = accuracy(s, tau, 2);
    b.lo.push_back(std::min({a0, a1, a2}));
    b.mid.push_back((a0 + a1 + a2) / 3);
    b.hi.push_back(std::max({a0, a1, a2}));
  }
  return b;
}

Chart sample_accuracy_chart() {
  Chart acc;
  acc.title = "Test accuracy (mean of 3 seeds, band min\u2013max)";
  acc.x_label = "training step (log scale after 10)";
  acc.y_label = "test accuracy (%)";
  acc.y_unit = "%";
  acc.x_scale = Scale::Steps;
  acc.y_min = 70;
  acc.y_max = 100;
  acc.guides = {{95, "95%"}, {97, "97%"}};
  acc.bands = {seed_band("without BN", 1500, 0), seed_band("with BN", 300, 1)};
  return acc;
}

// A page with every kind of block the compare report uses.
HtmlReport sample_page() {
  HtmlReport page("Batch Normalization: with and without (synthetic data)");
  page.paragraph("Synthetic curves for the browser check; no network was trained.");
  page.quote("the distribution changes a lot over time without batch normalization",
             "Ioffe & Szegedy (2015), Figure 1");
  page.heading("Steps to reach test accuracy");
  // As wide as compare's table: eight columns of median [min–max] cells.
  page.table(
      {{"run", "\u226590%", "\u226595%", "\u226597%", "\u226598%", "final acc", "steps", "ms/step"},
       {{{"without BN", median_range(7000, 7000, 7500), median_range(11000, 10000, 11500),
          median_range(32500, 27500, 33500), "\u2014", median_range(97.05, 96.99, 97.08, 2, "%"),
          "50000", "1.082"}},
        {{"with BN", median_range(1000, 1000, 1500), median_range(3000, 2500, 3000),
          median_range(6500, 6500, 6500), median_range(20500, 16000, 22000),
          median_range(98.09, 98.02, 98.12, 2, "%"), "50000", "1.152"}},
        {{"  speed-up vs without BN", median_range(7.0, 5.0, 7.0, 1, "\u00d7"),
          median_range(3.8, 3.7, 4.0, 1, "\u00d7"), median_range(5.0, 4.2, 5.2, 1, "\u00d7"),
          "\u22652.4\u00d7 [\u22652.3\u00d7\u2013\u22653.1\u00d7]", "", "", ""},
         true}}});
  page.chart(sample_accuracy_chart());

  page.heading("Learning-rate sweep");
  Chart sweep;
  sweep.title = "Final accuracy against the learning rate";
  sweep.x_label = "learning rate (log scale)";
  sweep.y_label = "test accuracy (%)";
  sweep.x_scale = Scale::Log;
  sweep.x_ticks = {0.1, 0.5, 2, 5};
  sweep.series = {
      {"without BN", {0.1, 0.5, 2, 5}, {48.6, 96.9, 97.2, 96.7}, LineStyle::numbered(0)},
      {"with BN", {0.1, 0.5, 2, 5}, {97.4, 98.2, 98.4, 98.1}, LineStyle::numbered(1)}};
  page.chart(sweep, 900, 400);
  std::vector<Chart> panels;
  for (double lr : {0.1, 0.5, 2.0, 5.0}) {
    Chart p;
    p.title = "lr " + format_number(lr);
    p.x_scale = Scale::Steps;
    p.y_min = 0;
    p.y_max = 100;
    p.bands = {seed_band("without BN", 300 / lr, 0), seed_band("with BN", 60 / lr, 1)};
    panels.push_back(p);
  }
  page.chart_grid(panels, 2, 440, 300);

  page.heading("Configs");
  page.code("without BN: config (configs/paper_fig1.json)",
            "{\"description\": \"" + std::string(300, 'w') + "\", \"optimizer\": {\"lr\": 0.5}}");
  page.footer("BLAS kernel: SkylakeX (AVX-512), 1 thread. Synthetic numbers.");
  return page;
}

struct BrowserRun {
  int status;
  std::string log;       // Chromium's stdout and stderr
  std::string problems;  // the console errors and uncaught exceptions it logged
};

std::string find_chromium() {
  const auto [status, path] =
      test::run_command("command -v chromium || command -v chromium-browser");
  if (status != 0) return "";
  return path.substr(0, path.find('\n'));
}

// Loads `page` in headless Chromium with its console log on stderr: each
// console error or uncaught exception is a "CONSOLE" line there.
BrowserRun load_page(const std::string& chromium, const std::string& page,
                     const std::string& screenshot) {
  test::TempDir profile("chromium_profile");
  const std::string command =
      "timeout 180 '" + chromium +
      "' --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
      "--user-data-dir='" +
      profile.path() +
      "' --enable-logging=stderr --v=0 --window-size=" + std::to_string(kWindowWidth) + "," +
      std::to_string(kWindowHeight) + " --screenshot='" + screenshot + "' 'file://" + page + "'";
  const auto [status, output] = test::run_command(command);  // stdout and stderr
  BrowserRun run{status, output, ""};
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);)
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
      run.problems += line + "\n";
  return run;
}

// Makes `page` log a console error for any block wider than its box, and
// for any figure without its data link or the command that made it.
void add_page_checks(const std::string& page) {
  std::string html = read_file(page);
  html.insert(
      html.rfind("</body>"),
      "<script>for (const e of document.querySelectorAll('body, body *'))"
      " if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')"
      " console.error('wider than its box: ' + e.tagName + ' ' + e.textContent.slice(0, 40));"
      "if (document.documentElement.scrollWidth > window.innerWidth)"
      " console.error('the page scrolls sideways');"
      "for (const f of document.querySelectorAll('figure')) {"
      " const a = f.querySelector('figcaption a[download]');"
      " if (!a || !a.href.startsWith('data:text/csv;base64,') || atob(a.href.split(',')[1])"
      ".indexOf('\\n') < 0) console.error('a figure without its data: ' + f.id);"
      " if (document.body.dataset.command === 'yes' && !f.querySelector('figcaption code'))"
      " console.error('a figure without its command');}</script>");
  write_file_atomically(page, html);
}

bool skipped() {
  const char* skip = std::getenv("MINIMA_SKIP_BROWSER");
  if (!skip || std::string(skip) != "1") return false;
  MESSAGE("browser check skipped: MINIMA_SKIP_BROWSER=1");
  return true;
}

}  // namespace

TEST_CASE("the report page loads in headless Chromium with no console error, screenshot kept") {
  if (skipped()) return;
  const std::string chromium = find_chromium();
  REQUIRE_MESSAGE(!chromium.empty(),
                  "chromium not found: install Debian's chromium (scripts/install-deps.sh); "
                  "MINIMA_SKIP_BROWSER=1 skips this check");
  const std::filesystem::path dir = MINIMA_ARTIFACT_DIR;
  std::filesystem::create_directories(dir);
  const std::string page = (dir / "report.html").string(), shot = (dir / "report.png").string();
  std::filesystem::remove(shot);
  sample_page().write(page);
  CHECK(test::xmllint_status(page) == 0);  // well-formed
  // A classroom page never scrolls sideways: any block wider than its box
  // is a console error the check below reports.
  add_page_checks(page);
  write_png_chart(sample_accuracy_chart(), (dir / "chart.png").string());  // the --png slide

  const BrowserRun run = load_page(chromium, page, shot);
  CHECK(run.status == 0);
  CHECK_MESSAGE(run.problems.empty(), run.problems);

  int w = 0, h = 0, channels = 0;
  std::unique_ptr<unsigned char, decltype(&stbi_image_free)> pixels(
      stbi_load(shot.c_str(), &w, &h, &channels, 3), stbi_image_free);
  REQUIRE_MESSAGE(pixels, "no screenshot at " << shot);
  CHECK(w == kWindowWidth);
  CHECK(h == kWindowHeight);
  // Not blank: text, grid and the charts' colours are on it.
  size_t ink = 0, blue = 0;
  std::set<int> colours;
  const Rgb bn = style_color(1);
  for (size_t i = 0; i < size_t(w) * size_t(h); ++i) {
    const unsigned char* p = &pixels.get()[i * 3];
    ink += p[0] < 128 && p[1] < 128 && p[2] < 128;
    blue += std::abs(p[0] - bn.r) < 16 && std::abs(p[1] - bn.g) < 16 && std::abs(p[2] - bn.b) < 16;
    colours.insert((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3));
  }
  CHECK(ink > 20000);
  CHECK(blue > 500);
  CHECK(colours.size() > 100);
}

TEST_CASE("a compare report: every chart with its data and command, no console error") {
  if (skipped()) return;
  const std::string chromium = find_chromium();
  REQUIRE(!chromium.empty());
  lesson::CompareSummary s = test::bn_wins();
  s.command = "minima compare configs/compare_paper_fig1.json --set train.steps=5000";
  s.measures["telemetry"] = {{"bins", 4}};
  for (lesson::VariantSummary& v : s.variants)
    for (lesson::SeedResult& seed : v.seeds) {
      lesson::LayerTelemetry t{0, "sigmoid1", "sigmoid", 0, 1, "unit", {}};
      for (int64_t step : {10, 20, 50, 100})
        t.points.push_back({step, 0.5, 0.1 + 0.01 * double(seed.seed), 0.02, {0.1, 0.4, 0.4, 0.1}});
      seed.measures["telemetry"] = std::vector<lesson::LayerTelemetry>{t};
    }
  const std::filesystem::path dir = MINIMA_ARTIFACT_DIR;
  std::filesystem::create_directories(dir);
  const std::string page = (dir / "compare_report.html").string();
  std::string html = lesson::compare_report_html(s);
  html.replace(html.find("<body>"), 6, "<body data-command=\"yes\">");
  write_file_atomically(page, html);
  CHECK(test::xmllint_status(page) == 0);
  add_page_checks(page);
  const BrowserRun run = load_page(chromium, page, (dir / "compare_report.png").string());
  CHECK(run.status == 0);
  CHECK_MESSAGE(run.problems.empty(), run.problems);
}

TEST_CASE("the browser check catches a page that throws or logs a console error") {
  if (skipped()) return;
  const std::string chromium = find_chromium();
  REQUIRE(!chromium.empty());
  test::TempDir dir("browser_negative");
  const std::string throws = dir.path("throws.html"), logs = dir.path("logs.html");
  std::ofstream(throws) << "<!DOCTYPE html><html><body><p>x</p>"
                           "<script>throw new Error('deliberate');</script></body></html>\n";
  std::ofstream(logs) << "<!DOCTYPE html><html><body><p>x</p>"
                         "<script>console.error('deliberate');</script></body></html>\n";
  const BrowserRun a = load_page(chromium, throws, dir.path("a.png"));
  CHECK_MESSAGE(a.problems.find("Uncaught Error: deliberate") != std::string::npos, a.log);
  const BrowserRun b = load_page(chromium, logs, dir.path("b.png"));
  CHECK_MESSAGE(b.problems.find("deliberate") != std::string::npos, b.log);
  // A figure without its data link is reported.
  const std::string bare = dir.path("bare.html");
  std::ofstream(bare) << "<!DOCTYPE html><html><body><figure id=\"f\"><svg></svg></figure>"
                         "</body></html>\n";
  add_page_checks(bare);
  const BrowserRun c = load_page(chromium, bare, dir.path("c.png"));
  CHECK_MESSAGE(c.problems.find("a figure without its data") != std::string::npos, c.log);
}
