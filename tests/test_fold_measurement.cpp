// Folding checked on real data (train/fold_check.hpp) and the fold_bn
// measurement: a hand-built model whose fold is known, a trained run, and
// the sentences.
#include <doctest/doctest.h>

#include <minima/lesson/fold/fold_report.hpp>
#include <minima/lesson/fold/fold_result.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/nn/fold_batchnorm.hpp>
#include <minima/train/fold_check.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::lesson;

TEST_CASE("check_fold: a hand-built dense + batchnorm folds to the same classifier") {
  test::TempDir tmp("fold_check");
  test::write_blobs(tmp.path());
  const TrainingData data = load_training_data(test::blob_config(tmp.path(), tmp.path("run")).data);
  Graph model = Graph::from_json({{{"type", "dense"}, {"name", "fc1"}, {"units", 10}},
                                  {{"type", "batchnorm"}, {"name", "bn1"}}},
                                 "/model/layers");
  model.build(Shape{1, 4, 4}, 5);
  // Running statistics far from the defaults, so folding has work to do.
  for (Buffer* b : model.find("bn1")->buffers())
    for (int64_t k = 0; k < b->value.numel(); ++k)
      if (b->name == "running_mean")
        b->value[k] = 0.3f * float(k) - 1;
      else if (b->name == "running_var")
        b->value[k] = 0.5f + 0.25f * float(k);
  FoldedModel folded = fold_batchnorm(model);
  CHECK(folded.folded == std::vector<std::string>{"fc1 + bn1"});
  const FoldCheck check = check_fold(model, folded.graph, data.eval, data.normalization, 16);
  CHECK(check.samples == 64);
  CHECK(check.max_abs_logit_difference < 1e-5);
  CHECK(check.changed_predictions == 0);
  CHECK(check.folded_accuracy == check.accuracy);
  // A folded copy with one weight changed is caught.
  folded.graph.values()[0] += 1.0f;
  CHECK(check_fold(model, folded.graph, data.eval, data.normalization).max_abs_logit_difference >
        0.01);
}

TEST_CASE("fold_bn measurement: a trained run folds and predicts the same") {
  test::TempDir tmp("fold_measurement");
  test::write_blobs(tmp.path());
  const RunConfig config = test::blob_config(tmp.path(), tmp.path("run"));
  const auto data = std::make_shared<const TrainingData>(load_training_data(config.data));
  const Measurement& fold = *measurement_registry().find("fold_bn")->measurement;
  const nlohmann::json on = true;
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  Trainer trainer(config, data, options);
  std::unique_ptr<Recorder> recorder =
      fold.attach(*fold.configure(&on, "/fold_bn"), {config, *data, trainer.model(), ""});
  recorder->start(trainer);
  trainer.run();
  const FoldResult r = recorder->result().get<FoldResult>();
  CHECK(r.folded == std::vector<std::string>{"fc1 + bn1"});
  CHECK(r.samples == 64);
  REQUIRE(r.max_abs_logit_difference);
  CHECK(*r.max_abs_logit_difference < 1e-4);
  CHECK(r.changed_predictions == 0);
  CHECK(r.accuracy == r.folded_accuracy);
}

TEST_CASE("fold_bn sentences: the same classifier, or the predictions that change") {
  CompareSummary s = test::bn_wins();
  s.measures["fold_bn"] = nlohmann::json::object();
  for (SeedResult& seed : s.variants[1].seeds)
    seed.measures["fold_bn"] = FoldResult{{"fc1 + bn1"}, {}, 10000, 2e-6, 0.97, 0.97, 0};
  CHECK(fold_sentences(s) ==
        std::vector<std::string>{
            "Folding BN in 'with BN' changes its logits by at most 2.0e-06 "
            "on the 10000 test images (median over its 3 runs) and no prediction: "
            "the folded model is the same classifier."});
  s.variants[1].seeds[0].measures["fold_bn"] =
      FoldResult{{"fc1 + bn1"}, {}, 10000, 0.5, 0.97, 0.96, 120};
  s.variants[1].seeds[1].measures["fold_bn"] =
      FoldResult{{"fc1 + bn1"}, {}, 10000, 0.4, 0.97, 0.965, 80};
  CHECK(fold_sentences(s)[0].ends_with("; 80 predictions change (test accuracy -0.50 points)."));
  CHECK(fold_aggregate(s.variants[0]).is_null());
  CHECK(fold_aggregate(s.variants[1])["changed_predictions"]["max"]["value"] == 120);
}
