// The stability measurement: how a run ended, the largest stable learning
// rate over a sweep whose divergence point is known, and sentences that
// follow the numbers when BN loses.
#include <doctest/doctest.h>

#include <minima/lesson/measurement.hpp>
#include <minima/lesson/stability/stability.hpp>
#include <minima/lesson/stability/stability_report.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

// A seed that ended as `ended` with final test accuracy `final`.
SeedResult ended_run(int64_t seed, const std::string& ended, double final) {
  SeedResult s = test::seed_run(seed, {0.1, final}, {});
  s.measures.erase("probe");
  s.measures["stability"] = RunEnd{ended, 100};
  return s;
}

// A sweep of optimizer.lr over 0.5, 2, 8 and 32, two seeds. `bn` runs:
// 0.5 never learns (80%), 2 and 8 stable, 32 diverges; `plain` runs: 0.5
// and 2 stable, 8 never learns, 32 diverges; seed 1 of `plain` is also
// stable at 8.
CompareSummary lr_stability(const std::string& bn, const std::string& plain) {
  CompareSummary s;
  s.measures = {{"stability", {{"min_accuracy", 90}}}};
  s.sweep_key = "optimizer.lr";
  const std::vector<double> lrs = {0.5, 2, 8, 32};
  for (const std::string& setting : {plain, bn})
    for (double lr : lrs) {
      VariantSummary v = test::variant(setting, "", 0);
      v.sweep_value = lr;
      v.name = setting + ", lr=" + format_fixed(lr, 1);
      for (int64_t seed : {0, 1}) {
        std::string ended = lr == 32 ? "diverged" : "finished";
        double final = 0.95;
        if (setting == bn && lr == 0.5) final = 0.8;
        if (setting == plain && lr == 8 && seed == 0) final = 0.5;
        v.seeds.push_back(ended_run(seed, ended, final));
      }
      s.variants.push_back(v);
    }
  return s;
}

}  // namespace

TEST_CASE("stability: the largest stable learning rate and what happens above it") {
  const CompareSummary s = lr_stability("with BN", "without BN");
  const std::vector<StableRange> ranges = stable_ranges(s, 0.9);
  REQUIRE(ranges.size() == 4);
  CHECK(ranges[0].setting == "without BN");
  CHECK(*ranges[0].largest_stable == 2);
  CHECK(*ranges[0].above == Stability::NeverLearned);
  CHECK(*ranges[1].largest_stable == 8);  // seed 1 is stable at 8
  CHECK(*ranges[1].above == Stability::Diverged);
  CHECK(*ranges[2].largest_stable == 8);
  CHECK(*ranges[2].above_value == 32);
  CHECK(*ranges[3].above == Stability::Diverged);
  CHECK(stability_of(s.variants[4].seeds[0], 0.9) == Stability::NeverLearned);
  CHECK(stability_of(s.variants[7].seeds[0], 0.9) == Stability::Diverged);
}

TEST_CASE("stability sentences and tables follow the numbers") {
  const std::vector<std::string> said = stability_sentences(lr_stability("with BN", "without BN"));
  REQUIRE(said.size() == 2);
  CHECK(said[0] ==
        "The largest optimizer.lr at which 'without BN' trains stably is 5 (median over the 2 of 2 "
        "seeds with a stable value: 5 [2\u20138]); at the next value: diverges (1 of 2 seeds), "
        "never learns (1 of 2 seeds).");
  CHECK(said[1] ==
        "The largest optimizer.lr at which 'with BN' trains stably is 8 (median over the 2 of 2 "
        "seeds with a stable value: 8); at the next value: diverges (2 of 2 seeds); 1.60\u00d7 "
        "that of 'without BN'.");
  const std::vector<ReportTable> tables = stability_tables(lr_stability("with BN", "without BN"));
  REQUIRE(tables.size() == 2);
  CHECK(tables[0].table.header == std::vector<std::string>{"run", "0.5", "2", "8", "32"});
  CHECK(tables[0].table.rows[1].cells == std::vector<std::string>{"with BN", "never learns 2",
                                                                  "stable 2", "stable 2",
                                                                  "diverges 2"});
  CHECK(tables[0].table.rows[0].cells[3] == "stable 1, never learns 1");
}

TEST_CASE("stability sentences: when BN tolerates smaller rates the words say so") {
  // The same numbers with the names swapped: BN is now the setting whose
  // largest stable rate is smaller.
  const std::vector<std::string> said = stability_sentences(lr_stability("without BN", "with BN"));
  CHECK(said[0].starts_with("The largest optimizer.lr at which 'with BN' trains stably is 5 "));
  CHECK(said[1].find("'without BN' trains stably is 8") != std::string::npos);
  CHECK(said[1].ends_with("1.60\u00d7 that of 'with BN'."));
}

TEST_CASE("stability recorder: a run that blows up is recorded as diverged") {
  test::TempDir tmp("stability_diverges");
  test::write_blobs(tmp.path());
  const Measurement& stability = *measurement_registry().find("stability")->measurement;
  const nlohmann::json on = true;
  const std::optional<nlohmann::json> settings = stability.configure(&on, "/stability");
  REQUIRE(settings);
  CHECK(*settings == nlohmann::json{{"min_accuracy", 90.0}});
  for (const auto& [lr, ended] : {std::pair{0.1, "finished"}, std::pair{1e38, "diverged"}}) {
    const RunConfig config = parse_run_config(
        test::blob_config_json(
            tmp.path(), tmp.path("run"),
            {{"optimizer", {{"lr", lr}}},
             {"model", {{"layers", {{{"type", "dense"}, {"name", "fc1"}, {"units", 10}}}}}}}),
        "blobs.json");
    const auto data = std::make_shared<const TrainingData>(load_training_data(config.data));
    TrainerOptions options;
    options.progress = ProgressStyle::Quiet;
    Trainer trainer(config, data, options);
    std::unique_ptr<Recorder> recorder =
        stability.attach(*settings, {config, *data, trainer.model(), ""});
    recorder->start(trainer);
    try {
      trainer.run();
    } catch (const TrainingDiverged&) {
    }
    CHECK(recorder->result()["ended"].get<std::string>() == ended);
  }
}

TEST_CASE("stability settings: errors name the key") {
  const Measurement& stability = *measurement_registry().find("stability")->measurement;
  const nlohmann::json bad = {{"min_accuracy", 0}};
  CHECK_THROWS_WITH(
      stability.configure(&bad, "/stability"),
      "/stability/min_accuracy: expected a test accuracy in percent, in (0, 100], got 0");
  const nlohmann::json word = "yes";
  CHECK_THROWS_WITH(stability.configure(&word, "/stability"),
                    "/stability: expected true, false or {\"min_accuracy\": percent}");
}
