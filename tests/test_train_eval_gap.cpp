// Eval mode against train mode (BN on batch statistics): the numbers, the
// sentences that follow them, and the train-mode accuracy of a real model.
#include <doctest/doctest.h>

#include <minima/lesson/train_mode/train_eval_gap.hpp>
#include <minima/lesson/train_mode/train_mode_accuracy.hpp>
#include <minima/train/evaluate.hpp>
#include "tests/compare_fixtures.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

// bn_wins() with train-mode accuracy: each run's eval-mode curve minus
// `bn_gap` (BN) or minus 0 (without BN) at every evaluation.
CompareSummary with_train_mode(double bn_gap) {
  CompareSummary s = test::bn_wins();
  s.measures["train_mode_accuracy"] = nlohmann::json::object();
  for (VariantSummary& v : s.variants)
    for (SeedResult& seed : v.seeds) {
      std::vector<AccuracyPoint> train_mode;
      for (const AccuracyPoint& p : seed.accuracy)
        train_mode.push_back({p.step, p.accuracy - (v.name == "with BN" ? bn_gap : 0.0)});
      seed.measures["train_mode_accuracy"] = train_mode;
    }
  return s;
}

}  // namespace

TEST_CASE("train/eval gap: BN lower in train mode, the plain net the same, in words and table") {
  const CompareSummary s = with_train_mode(0.05);
  CHECK(train_eval_gap_spread(s.variants[1])->median.value == doctest::Approx(0.05));
  CHECK(train_eval_gap_spread(s.variants[0])->median.value == doctest::Approx(0.0));
  const std::vector<std::string> words = train_eval_sentences(s);
  REQUIRE(words.size() == 2);
  CHECK(words[0] ==
        "with BN: test accuracy 97.50% [97.00%\u201398.00%] in eval mode (running statistics), "
        "92.50% [92.00%\u201393.00%] in train mode (each test batch's own statistics): 5.00 "
        "points lower in train mode.");
  CHECK(words[1] ==
        "Without BN the two modes differ by at most 0.00 points (nothing in those "
        "networks depends on the batch).");
  const TextTable table = train_eval_table(s);
  REQUIRE(table.rows.size() == 2);
  CHECK(table.rows[1].cells[3] == "5.00");
  const Chart chart = train_eval_gap_chart(s);
  REQUIRE(chart.bands.size() == 2);  // the median over 3 seeds per variant
  CHECK(chart.series.size() == 6);   // and each seed, faint
  CHECK(chart.bands[1].mid.back() == doctest::Approx(5.0));
  CHECK(chart.bands[1].label == "with BN (median of 3 seeds, min\u2013max)");
  // Train mode ahead: the words turn.
  CHECK(train_eval_sentences(with_train_mode(-0.01))[0].find("1.00 points higher in train mode.") !=
        std::string::npos);
  CHECK(train_eval_sentences(test::bn_wins()).empty());
}

TEST_CASE("train/eval gap: largest and smallest over a sweep of batch sizes") {
  CompareSummary s = with_train_mode(0.02);
  VariantSummary tiny = s.variants[1];
  tiny.name = "with BN, batch_size=2";
  for (SeedResult& seed : tiny.seeds)
    for (nlohmann::json& p : seed.measures["train_mode_accuracy"])
      p["accuracy"] = p["accuracy"].get<double>() - 0.3;
  s.variants.push_back(tiny);
  const std::vector<std::string> words = train_eval_sentences(s);
  CHECK(words[2] ==
        "With BN the gap is largest for with BN, batch_size=2 (32.00 points) and smallest for "
        "with BN (2.00 points).");
}

TEST_CASE("TrainModeAccuracy: BN on each test batch's statistics, on a copy of the model") {
  const json layers = json::array({{{"type", "dense"}, {"name", "fc"}, {"units", 4}},
                                   {{"type", "batchnorm"}, {"name", "bn"}},
                                   {{"type", "dense"}, {"name", "out"}, {"units", 10}}});
  Graph model = Graph::from_json(layers, "/model/layers");
  model.build(Shape{3}, 5);
  TrainingData data;
  data.eval.count = 6;
  data.eval.num_classes = 10;
  data.eval.sample_shape = Shape{3};
  data.eval.pixels = {0, 255, 10, 200, 30, 40, 90, 100, 110, 250, 0, 5, 7, 77, 177, 30, 60, 90};
  data.eval.labels = {0, 1, 2, 3, 4, 5};
  data.normalization = {0.5f, 0.25f};
  TrainModeAccuracy train_mode(model, 2);
  const double a = train_mode(model.values(), data);
  // The same as a Train-mode evaluation in batches of 2 of an identical net ...
  Graph twin = Graph::from_json(layers, "/model/layers");
  twin.build(Shape{3}, 5);
  CHECK(a == evaluate(twin, data.eval, data.normalization, 2, Mode::Train).accuracy());
  CHECK(train_mode(model.values(), data) == a);
  // ... while the model's own running statistics stay as built.
  for (const StateEntry& e : model.state())
    if (e.name == "bn.running_var")
      for (int64_t k = 0; k < e.tensor->numel(); ++k) CHECK((*e.tensor)[k] == 1.0f);
}
