// `minima compare` with "landscape" and "telemetry": the measures land in
// summary.json per variant, layer and seed, the page and the terminal show
// them, and the runs train exactly as they do without measuring.
#include <doctest/doctest.h>

#include <minima/core/atomic_file.hpp>
#include <minima/lesson/landscape/landscape_summary.hpp>
#include <minima/lesson/summary.hpp>
#include <minima/lesson/telemetry/telemetry.hpp>
#include "tests/cli_runner.hpp"
#include "tests/train_fixture.hpp"
#include "tests/xml_check.hpp"

using namespace minima;
using namespace minima::lesson;

TEST_CASE("minima compare with landscape: measures per variant, layer and seed, runs unchanged") {
  test::TempDir tmp("compare_landscape");
  const std::string variants = test::write_blob_compare(tmp.path());
  write_file_atomically(tmp.path("plain.json"), "{" + variants + "}");
  write_file_atomically(tmp.path("measured.json"),
                        "{" + variants +
                            R"(, "landscape": {"every": 15, "step_sizes": [0.5, 2]},
                                 "telemetry": {"bins": 10}, "train_mode_accuracy": true})");
  const test::CliResult plain =
      test::run_cli({"compare", tmp.path("plain.json"), "--quiet", "--out", tmp.path("plain")});
  REQUIRE(plain.exit_code == 0);
  const test::CliResult measured = test::run_cli(
      {"compare", tmp.path("measured.json"), "--quiet", "--out", tmp.path("measured")});
  INFO(measured.out << measured.err);
  REQUIRE(measured.exit_code == 0);

  for (const char* run : {"without-bn/seed-7", "with-bn/seed-7", "with-bn/seed-8"}) {
    const std::string a = tmp.path("plain/") + run, b = tmp.path("measured/") + run;
    CHECK(test::metrics_without_seconds(a + "/metrics.csv") ==
          test::metrics_without_seconds(b + "/metrics.csv"));
    CHECK(read_file(a + "/probe.csv") == read_file(b + "/probe.csv"));
    CHECK(read_file(a + "/model.safetensors") == read_file(b + "/model.safetensors"));
  }

  const CompareSummary s =
      summary_from_json(nlohmann::json::parse(read_file(tmp.path("measured/summary.json"))));
  REQUIRE(s.variants.size() == 2);
  for (const VariantSummary& v : s.variants) {
    REQUIRE(v.seeds.size() == 2);
    for (const SeedResult& seed : v.seeds) {
      const LandscapeResult landscape = *result_of<LandscapeResult>(seed, "landscape");
      CHECK(landscape.layers == std::vector<std::string>{"fc1", "fc2", "fc3"});
      // Steps 0, 10, 20 (log-spaced), 15, 30 (every 15) and 40 (the last).
      std::vector<int64_t> steps;
      for (const LandscapePoint& p : landscape.points) steps.push_back(p.step);
      CHECK(steps == std::vector<int64_t>{0, 10, 15, 20, 30, 40});
      CHECK(landscape.points[3].ics.size() == 3);
      CHECK(landscape.points[3].ics[0].l2 == 0.0);
      CHECK(landscape.points[3].ics[2].l2 > 0);
      CHECK(landscape.points[3].along.beta > 0);
      CHECK(landscape.measure_seconds > 0);
      CHECK(seed.run_seconds > landscape.measure_seconds);
      // Telemetry of both hidden sigmoids at steps 10, 20 (log-spaced), 30 and 40 (evaluations).
      const auto telemetry = *result_of<std::vector<LayerTelemetry>>(seed, "telemetry");
      REQUIRE(telemetry.size() == 2);
      CHECK(telemetry[1].name == "sigmoid2");
      CHECK(telemetry[1].points.size() == 4);
      CHECK(telemetry[1].points[0].histogram.size() == 10);
      // Train-mode test accuracy at every evaluation, step 0 included; without BN the same.
      const auto train_mode = *result_of<std::vector<AccuracyPoint>>(seed, "train_mode_accuracy");
      REQUIRE(train_mode.size() == seed.accuracy.size());
      if (v.name == "without BN")
        CHECK(train_mode.back().accuracy == seed.accuracy.back().accuracy);
    }
  }
  CHECK(measured.out.find("internal covariate shift (Santurkar et al. 2018, Def. 2.1)") !=
        std::string::npos);
  CHECK(measured.out.find("Ioffe & Szegedy's claim (the paper's)") != std::string::npos);
  CHECK(measured.out.find("measuring took ") != std::string::npos);
  CHECK(plain.out.find("internal covariate shift") == std::string::npos);
  const std::string page = read_file(tmp.path("measured/report.html"));
  CHECK(page.find("Internal covariate shift, measured") != std::string::npos);
  CHECK(page.find("\u03b2-smoothness (4c)") != std::string::npos);
  CHECK(page.find("Activations over training") != std::string::npos);
  CHECK(page.find("Train mode and eval mode") != std::string::npos);
  CHECK(test::xmllint_status(tmp.path("measured/report.html")) == 0);
}
