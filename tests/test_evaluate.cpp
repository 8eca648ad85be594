// evaluate(): loss, accuracy and confusion matrix against hand-computed
// values; `minima eval` on a trained run.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdio>

#include <minima/layers/dense.hpp>
#include <minima/train/evaluate.hpp>
#include <minima/train/trainer.hpp>
#include "tests/build_paths.hpp"
#include "tests/run_command.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using minima::test::TempDir;

using minima::test::run_command;

TEST_CASE("evaluate: mean loss, accuracy and confusion matrix of a known linear model") {
  // Seven 2-pixel samples, three classes; logits = W x with x = pixel / 255.
  Dataset data;
  data.sample_shape = Shape{2};
  data.count = 7;
  data.num_classes = 3;
  data.pixels = {255, 0, 0, 255, 255, 255, 255, 0, 0, 255, 0, 0, 51, 102};
  data.labels = {0, 1, 2, 1, 1, 0, 2};
  Graph model = Graph::from_json(
      json{{{"type", "dense"}, {"name", "fc"}, {"units", 3}, {"bias", false}}}, "/layers");
  model.build(Shape{2}, 1);
  const std::array<float, 6> w = {2, 0, 0, 2, 1.5f, 1.5f};  // [3, 2]
  Tensor& weight = static_cast<Dense*>(model.find("fc"))->weight().value;
  for (int k = 0; k < 6; ++k) weight[k] = w[size_t(k)];

  const EvalResult r =
      evaluate(model, data, Normalization{}, /*batch_size=*/3);  // 3 + 3 + a partial 1

  double loss = 0;
  std::array<int64_t, 9> confusion{};
  for (int i = 0; i < 7; ++i) {
    const double x0 = data.pixels[size_t(2 * i)] / 255.0,
                 x1 = data.pixels[size_t(2 * i + 1)] / 255.0;
    const std::array<double, 3> z = {2 * x0, 2 * x1, 1.5 * (x0 + x1)};
    int predicted = 0;
    for (int c = 1; c < 3; ++c)
      if (z[size_t(c)] > z[size_t(predicted)]) predicted = c;
    loss += std::log(std::exp(z[0]) + std::exp(z[1]) + std::exp(z[2])) -
            z[size_t(data.labels[size_t(i)])];
    ++confusion[size_t(data.labels[size_t(i)] * 3 + predicted)];
  }
  CHECK(r.count == 7);
  CHECK(r.loss == doctest::Approx(loss / 7).epsilon(1e-6));
  // Predictions: 0, 1, 2, 0, 1, 0 (the zero image: a tie, argmax takes the first), 2.
  CHECK(r.confusion == std::vector<int64_t>(confusion.begin(), confusion.end()));
  CHECK(r.confusion == std::vector<int64_t>{2, 0, 0, 1, 2, 0, 0, 0, 2});
  CHECK(r.correct == 6);
  CHECK(r.accuracy() == doctest::Approx(6.0 / 7.0));
  CHECK(r.class_count(1) == 3);
  CHECK(r.class_accuracy(1) == doctest::Approx(2.0 / 3.0));
  CHECK(r.class_accuracy(2) == 1.0);
}

TEST_CASE("evaluate: refuses a model whose outputs are not the data set's classes") {
  Dataset data;
  data.sample_shape = Shape{2};
  data.count = 1;
  data.num_classes = 3;
  data.pixels = {1, 2};
  data.labels = {0};
  Graph model = Graph::from_json(json{{{"type", "dense"}, {"units", 4}}}, "/layers");
  model.build(Shape{2}, 1);
  CHECK_THROWS_WITH(evaluate(model, data, Normalization{}),
                    "the model has 4 outputs but the data set has 3 classes");
}

TEST_CASE(
    "minima eval: prints loss, accuracy, per-class accuracy and the confusion matrix of a run") {
  TempDir tmp("cli_eval");
  test::write_blobs(tmp.path());
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  const EvalPoint last = Trainer(test::blob_config(tmp.path(), tmp.path("run")), options).run();

  char accuracy[64];
  std::snprintf(accuracy, sizeof accuracy, "accuracy   %.2f%%  (%lld/64)", 100.0 * last.eval_acc,
                static_cast<long long>(std::llround(last.eval_acc * 64)));
  for (const std::string& target : {tmp.path("run"), tmp.path("run/model.safetensors")}) {
    const auto [status, output] = run_command(minima::test::cli() + " eval " + target);
    INFO(output);
    CHECK(status == 0);
    CHECK(output.find(accuracy) != std::string::npos);
    CHECK(output.find("confusion matrix (rows: true class, columns: predicted class):") !=
          std::string::npos);
    CHECK(output.find("per-class accuracy:") != std::string::npos);
  }
  const auto [status, output] = run_command(minima::test::cli() + " eval " + (tmp.path("missing")));
  CHECK(status == 1);
  CHECK(output.find("minima eval: error: ") != std::string::npos);
}
