// The sentences, tables and charts of Santurkar et al.'s measures follow the
// numbers: fed summaries where BN shifts less and is smoother, and ones
// where it shifts more and is rougher.
#include <doctest/doctest.h>

#include <utility>

#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/landscape/landscape_report.hpp>
#include <minima/lesson/landscape/landscape_sentences.hpp>
#include <minima/lesson/landscape/landscape_summary.hpp>
#include <minima/lesson/landscape/landscape_tables.hpp>
#include "tests/compare_fixtures.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

bool has(const std::vector<std::string>& sentences, const std::string& part) {
  for (const std::string& s : sentences)
    if (s.find(part) != std::string::npos) return true;
  return false;
}

// Every sentence in the order the terminal prints them: each part's
// numbers, then its verdicts.
LandscapeSentences in_order(const CompareSummary& s) {
  LandscapeSentences f = landscape_sentences(s);
  f.ics.insert(f.ics.end(), f.ics_verdicts.begin(), f.ics_verdicts.end());
  f.smoothness.insert(f.smoothness.end(), f.smoothness_verdicts.begin(),
                      f.smoothness_verdicts.end());
  return f;
}

// bn_smoother() with the two variants' landscape swapped: BN shifts more and is rougher.
CompareSummary bn_rougher() {
  CompareSummary s = test::bn_smoother();
  for (size_t k = 0; k < s.variants[0].seeds.size(); ++k)
    std::swap(s.variants[0].seeds[k].measures["landscape"],
              s.variants[1].seeds[k].measures["landscape"]);
  return s;
}

}  // namespace

TEST_CASE(
    "landscape sentences: BN with less shift and a smoother landscape agrees with both papers") {
  REQUIRE(landscape_sentences(test::bn_smoother()).ics_verdicts.size() == 2);
  const LandscapeSentences f = in_order(test::bn_smoother());
  REQUIRE(f.ics.size() == 4);  // fc2's numbers, the counts, Ioffe & Szegedy, Santurkar et al.
  CHECK(f.ics[0] ==
        "ICS of fc2: with BN \u21132 0.101 [0.1\u20130.102], cosine 0.99; without BN \u21132 0.505 "
        "[0.5\u20130.51], cosine 0.9.");
  CHECK(f.ics[1] ==
        "With BN the \u21132 shift is smaller in 1 of 1 layers and the cosine closer to 1 (the "
        "gradient keeps its direction) in 1 of 1.");
  CHECK(f.ics[2] ==
        "Ioffe & Szegedy's claim (the paper's), that BN reduces internal covariate shift, with "
        "the shift measured as Santurkar et al. define it: this run agrees, in every layer by "
        "both measures.");
  CHECK(f.ics[3].find("not seen here: BN reduces it in every layer") != std::string::npos);
  REQUIRE(f.smoothness.size() == 4);
  CHECK(f.smoothness[2] ==
        "Effective \u03b2-smoothness: with BN 1.01 [1\u20131.02], without BN 4.04 [4\u20134.08]: "
        "smaller with BN (4\u00d7).");
  CHECK(f.smoothness[3].find("this run agrees on all three measures.") != std::string::npos);
}

TEST_CASE("landscape sentences: BN with more shift and a rougher landscape, the words say so") {
  const LandscapeSentences f = in_order(bn_rougher());
  REQUIRE(f.ics.size() == 4);
  CHECK(f.ics[1].find("smaller in 0 of 1 layers") != std::string::npos);
  CHECK(f.ics[1].find("closer to 1 (the gradient keeps its direction) in 0 of 1.") !=
        std::string::npos);
  CHECK(f.ics[2].find("this run does not agree: with BN the shift is larger") != std::string::npos);
  CHECK(f.ics[3].find("this run agrees: BN does not reduce it") != std::string::npos);
  REQUIRE(f.smoothness.size() == 4);
  CHECK(f.smoothness[0].find(": larger with BN (") != std::string::npos);
  CHECK(f.smoothness[3].find("this run does not agree: with BN all three are larger") !=
        std::string::npos);
  CHECK_FALSE(has(f.smoothness, "smaller with BN"));
}

TEST_CASE("landscape sentences: mixed results are named measure by measure") {
  CompareSummary s = test::bn_smoother();
  // BN's beta now larger than the plain net's; loss range and gradient change still smaller.
  for (SeedResult& seed : s.variants[1].seeds)
    test::change_landscape(seed, [](LandscapePoint& p) { p.along.beta = 100; });
  // ... and its cosine lower while its l2 stays smaller.
  for (SeedResult& seed : s.variants[1].seeds)
    test::change_landscape(seed, [](LandscapePoint& p) { p.ics[1].cosine = 0.5; });
  const LandscapeSentences f = in_order(s);
  CHECK(f.ics[2].find("this run agrees only in part") != std::string::npos);
  CHECK(
      f.smoothness[3].find("agrees on the loss range and gradient change but not on the \u03b2.") !=
      std::string::npos);
}

TEST_CASE("landscape sentences: nothing without measures, nor between two runs that both use BN") {
  CHECK(landscape_sentences(test::bn_wins()).ics.empty());
  CompareSummary both = test::bn_smoother();
  both.variants[0].config["model"]["batchnorm"] = true;
  CHECK(landscape_sentences(both).ics.empty());
  CHECK(landscape_sentences(both).smoothness.empty());
}

TEST_CASE("landscape tables and charts: every layer with a shift, each variant a band") {
  const CompareSummary s = test::bn_smoother();
  const TextTable ics = ics_table(s);
  CHECK(ics.header == std::vector<std::string>{"run", "fc2 \u21132", "fc2 cos"});
  REQUIRE(ics.rows.size() == 2);
  CHECK(ics.rows[0].cells[1] == "0.505 [0.5\u20130.51]");
  const TextTable smooth = smoothness_table(s);
  REQUIRE(smooth.rows.size() == 2);
  CHECK(smooth.rows[1].cells[4] == "+11%");  // 1 s measuring per 9 s of run
  const std::vector<Chart> charts = ics_charts(s);
  REQUIRE(charts.size() == 2);  // fc2's l2 and cosine; fc1 has no shift
  CHECK(charts[0].bands.size() == 2);
  CHECK(charts[0].bands[1].mid[0] == doctest::Approx(0.101));
  CHECK(charts[0].bands[1].lo[0] == doctest::Approx(0.1));
  const std::vector<Chart> smooth_charts = smoothness_charts(s);
  REQUIRE(smooth_charts.size() == 3);
  CHECK(smooth_charts[0].bands[0].lo[0] == doctest::Approx(0.8));   // loss_min, the same every seed
  CHECK(smooth_charts[2].bands[0].hi[0] == doctest::Approx(4.08));  // the largest seed's beta
  CHECK(measure_overhead(s).value() == doctest::Approx(1.0 / 9.0));
}

TEST_CASE("the report page: landscape sections with the papers' claims and this run's words") {
  const std::string page = compare_report_html(test::bn_smoother());
  CHECK(page.find("Internal covariate shift, measured") != std::string::npos);
  CHECK(page.find("Ioffe &amp; Szegedy (2015), the paper&#39;s claim, abstract") !=
        std::string::npos);
  CHECK(page.find("the paper&#39;s finding, abstract") != std::string::npos);
  CHECK(page.find("this run agrees on all three measures") != std::string::npos);
  CHECK(page.find("Measuring took 11%") != std::string::npos);
  CHECK(compare_report_html(test::bn_wins()).find("Internal covariate shift") == std::string::npos);
}
