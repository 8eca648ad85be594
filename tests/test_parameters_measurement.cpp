// The parameters measurement: a run's trainable parameters and the
// sentence against its baseline, which follows the counts.
#include <doctest/doctest.h>

#include <minima/lesson/measurement.hpp>
#include <minima/nn/model_builder.hpp>
#include "tests/builder_support.hpp"
#include "tests/compare_fixtures.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

const Measurement& parameters() { return *measurement_registry().find("parameters")->measurement; }

// What the recorder counts for an mlp spec built for MNIST's [784].
int64_t counted(const json& mlp) {
  Graph model = Graph::from_json(test::expand(mlp), "/model/layers");
  model.build(Shape{784}, 0);
  const RunConfig config;
  const TrainingData data;
  return parameters()
      .attach(json::object(), {config, data, model, ""})
      ->result()["trainable"]
      .get<int64_t>();
}

}  // namespace

TEST_CASE("parameters: a bias before BN adds one per hidden unit, affine off takes two away") {
  const json base = {{"type", "mlp"}, {"hidden", {100, 100, 100}}, {"batchnorm", true}};
  json bias = base, no_affine = base;
  bias["bias_before_batchnorm"] = true;
  no_affine["batchnorm"] = {{"affine", false}};
  CHECK(counted(base) == 784 * 100 + 100 * 100 * 2 + 100 * 10 + 10 + 2 * 300);
  CHECK(counted(bias) - counted(base) == 300);
  CHECK(counted(base) - counted(no_affine) == 600);
}

TEST_CASE("parameters sentences: more, fewer or as many as the baseline") {
  CompareSummary s = test::bn_wins();
  s.measures["parameters"] = nlohmann::json::object();
  const auto set = [&](int64_t plain, int64_t bn) {
    for (SeedResult& seed : s.variants[0].seeds)
      seed.measures["parameters"] = {{"trainable", plain}};
    for (SeedResult& seed : s.variants[1].seeds) seed.measures["parameters"] = {{"trainable", bn}};
    return parameters().sentences(s);
  };
  CHECK(set(99710, 100010) == std::vector<std::string>{"'with BN' trains 300 more parameters than "
                                                       "'without BN' (100,010 and 99,710)."});
  CHECK(set(100310, 100010) ==
        std::vector<std::string>{"'with BN' trains 300 fewer parameters "
                                 "than 'without BN' (100,010 and 100,310)."});
  CHECK(set(5, 5) == std::vector<std::string>{"'with BN' trains as many parameters as 'without "
                                              "BN' (5 and 5)."});
  CHECK(parameters().aggregate(s, s.variants[1]) == 5);
}
