// The bn_statistics measurement: the running statistics' errors and the
// variance shift on a constructed case whose answer is known, and the
// sentences that follow the numbers.
#include <doctest/doctest.h>

#include <cmath>

#include <minima/data/batcher.hpp>
#include <minima/lesson/bn_statistics/bn_statistics.hpp>
#include <minima/lesson/bn_statistics/bn_statistics_report.hpp>
#include <minima/lesson/measurement.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

// fc1 (3 units) -> bn1 with momentum 1 (its running statistics are the last
// training batch's) -> fc2, on the blobs.
struct KnownRunningStats {
  test::TempDir tmp{"bn_statistics"};
  TrainingData data;
  Graph model;
  explicit KnownRunningStats(int64_t m) {
    test::write_blobs(tmp.path());
    data = load_training_data(test::blob_config(tmp.path(), tmp.path("run")).data);
    model = Graph::from_json({{{"type", "dense"}, {"name", "fc1"}, {"units", 3}},
                              {{"type", "batchnorm"}, {"name", "bn1"}, {"momentum", 1.0}},
                              {{"type", "dense"}, {"name", "fc2"}, {"units", 10}}},
                             "/model/layers");
    model.build(Shape{1, 4, 4}, 3);
    model.forward(first_samples(data.train, data.normalization, m).x, Mode::Train);
  }
};

}  // namespace

TEST_CASE("bn_statistics: unbiased running_var of a batch of 4 is 4/3 the data's variance") {
  // The meter's data are the same 4 images, in one train-mode batch: the
  // running mean is their mean; the running variance their variance times
  // m/(m-1) = 4/3, so it is 1/3 off, and eval mode divides by 4/3 the
  // variance the input has there (no layer before bn1 depends on the mode).
  KnownRunningStats known(4);
  BatchNormStatsMeter meter(known.model, 4, 4);
  CHECK(meter.layer_names() == std::vector<std::string>{"bn1"});
  const BatchNormStatsPoint p = meter.measure(known.model, known.data, 7);
  CHECK(p.step == 7);
  REQUIRE(p.mean_error.size() == 1);
  CHECK(*p.mean_error[0] == doctest::Approx(0).epsilon(1e-5));
  CHECK(*p.var_error[0] == doctest::Approx(1.0 / 3).epsilon(1e-4));
  CHECK(*p.variance_shift[0] == doctest::Approx(4.0 / 3).epsilon(1e-4));
}

TEST_CASE(
    "bn_statistics: fewer samples than a batch measure one batch, a set smaller than a batch "
    "none") {
  KnownRunningStats known(4);
  const BatchNormStatsPoint one_batch =
      BatchNormStatsMeter(known.model, 4, 2).measure(known.model, known.data, 0);
  CHECK(*one_batch.var_error[0] == doctest::Approx(1.0 / 3).epsilon(1e-4));
  const BatchNormStatsPoint none = BatchNormStatsMeter(known.model, 1000, 2000)
                                       .measure(known.model, known.data, 0);  // 256 images
  REQUIRE(none.var_error.size() == 1);
  CHECK_FALSE(none.var_error[0]);
  CHECK_FALSE(none.variance_shift[0]);
}

TEST_CASE("bn_statistics: the meter leaves the run's model as it was") {
  KnownRunningStats known(16);
  const auto running_var = [&] { return known.model.find("bn1")->buffers()[1]->value; };
  const Tensor params = known.model.values(), var = running_var();
  BatchNormStatsMeter meter(known.model, 16, 64);
  meter.measure(known.model, known.data, 0);
  for (int64_t k = 0; k < params.numel(); ++k) CHECK(known.model.values()[k] == params[k]);
  CHECK(known.model.find("bn1")->buffers()[1]->name == "running_var");
  for (int64_t k = 0; k < var.numel(); ++k) CHECK(running_var()[k] == var[k]);
}

namespace {

// "without BN" and "with BN" (baseline "without BN"), one seed each; with
// BN's last point has errors `var_error` and a variance shift `shift`.
CompareSummary with_bn_statistics(double var_error, double shift) {
  CompareSummary s = test::bn_wins();
  s.measures["bn_statistics"] = {{"samples", 64}};
  for (VariantSummary& v : s.variants) v.seeds.resize(1);
  BatchNormStatsResult r;
  r.layers = {"bn1", "bn2"};
  r.points = {{0, {0.5, 0.5}, {0.5, 0.5}, {1.0, 1.0}},
              {500, {0.02, 0.03}, {0.01, var_error}, {1.01, shift}}};
  s.variants[1].seeds[0].measures["bn_statistics"] = r;
  s.variants[0].seeds[0].measures["bn_statistics"] = BatchNormStatsResult{};
  return s;
}

}  // namespace

TEST_CASE("bn_statistics sentences: the variance shift is said only from 10% off 1") {
  const std::vector<std::string> shifted = bn_statistics_sentences(with_bn_statistics(0.2, 1.35));
  REQUIRE(shifted.size() == 2);
  CHECK(shifted[0] ==
        "At the end of 'with BN', BN's running variances are 20.0% off the data's (bn2, median "
        "over units) and its running means 0.030 of an input's standard deviation (bn2).");
  CHECK(shifted[1] ==
        "In 'with BN', bn2 divides in eval mode by a running variance 1.35\u00d7 "
        "the variance its input has there: a variance shift (Li et al. 2018).");
  const std::vector<std::string> fits = bn_statistics_sentences(with_bn_statistics(0.2, 0.95));
  CHECK(fits[1] ==
        "In 'with BN', every BN layer's running variance is within 10% of the "
        "variance its input has in eval mode (farthest: bn2, 0.95\u00d7): no variance "
        "shift.");
  const nlohmann::json aggregate =
      bn_statistics_aggregate(with_bn_statistics(0.2, 1.35).variants[1]);
  CHECK(aggregate["bn2"]["variance_shift"]["median"]["value"] == 1.35);
  CHECK(bn_statistics_aggregate(with_bn_statistics(0.2, 1.35).variants[0]).is_null());
  CHECK(bn_statistics_tables(with_bn_statistics(0.2, 1.35))[0].table.rows.size() == 2);
}

TEST_CASE("bn_statistics settings: true, or samples, with errors naming the key") {
  const Measurement& m = *measurement_registry().find("bn_statistics")->measurement;
  const nlohmann::json on = true, few = {{"samples", 1}}, word = "yes", typo = {{"sample", 10}};
  CHECK(*m.configure(&on, "/bn_statistics") == nlohmann::json{{"samples", 2000}});
  CHECK_THROWS_WITH(m.configure(&few, "/bn_statistics"),
                    "/bn_statistics/samples: expected an integer of at least 2, got 1");
  CHECK_THROWS_WITH(m.configure(&word, "/bn_statistics"),
                    "/bn_statistics: expected true, false or {\"samples\": N}");
  CHECK_THROWS_WITH_AS(m.configure(&typo, "/bn_statistics"),
                       doctest::Contains("/bn_statistics/sample: unknown key"), ConfigError);
}
