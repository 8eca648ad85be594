// examples/custom_measurement's "mean_abs_activation", as its plugin module
// registers it (built from the example's own source): the number it
// records, its config value, and the table, aggregate, sentences and page
// section it makes of a comparison. The install test runs the same plugin,
// built out of tree, in the installed `minima compare`.
#include <doctest/doctest.h>

#include <dlfcn.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include <minima/lesson/measurement.hpp>
#include "examples/custom_measurement/mean_abs_recorder.hpp"
#include "tests/build_paths.hpp"
#include "tests/support.hpp"
#include "tests/train_fixture.hpp"
#include "tests/xml_check.hpp"

using namespace minima;
using namespace minima::lesson;
using mean_abs_example::MeanAbsPoint;
using mean_abs_example::MeanAbsResult;

namespace {

// The plugin's measurement. Taken out of the registry at once, so that the
// other tests of this process see minima's own measurements only.
const Measurement& mean_abs_measurement() {
  static const std::shared_ptr<const Measurement> loaded = [] {
    if (!dlopen(test::mean_abs_plugin().c_str(), RTLD_NOW | RTLD_LOCAL))
      throw std::runtime_error(dlerror());
    const MeasurementEntry* entry = measurement_registry().find("mean_abs_activation");
    if (!entry) throw std::runtime_error("the plugin registered no mean_abs_activation");
    std::shared_ptr<const Measurement> measurement = entry->measurement;
    measurement_registry().remove("mean_abs_activation");
    return measurement;
  }();
  return *loaded;
}

// One seed whose record ends with `last` for tanh1 and tanh2.
SeedResult seed_ending_with(int64_t seed, const std::vector<double>& last) {
  SeedResult s;
  s.seed = seed;
  s.accuracy = {{0, 0.1}, {40, 0.9}};
  s.measures["mean_abs_activation"] =
      MeanAbsResult{{"tanh1", "tanh2"}, {{10, {0.5, 0.5}}, {40, last}}};
  return s;
}

// "without BN" (the baseline) and "with BN", a seed each ending as given.
CompareSummary with_and_without_bn(const std::vector<double>& without,
                                   const std::vector<double>& with) {
  CompareSummary summary;
  summary.measures["mean_abs_activation"] = json::object();
  summary.variants.resize(2);
  summary.variants[0].name = "without BN";
  summary.variants[0].seeds = {seed_ending_with(7, without)};
  summary.variants[1].name = "with BN";
  summary.variants[1].baseline = "without BN";
  summary.variants[1].seeds = {seed_ending_with(7, with)};
  return summary;
}

}  // namespace

TEST_CASE("custom measurement: mean|a| = (1/M) sum_k |y_k| over every value of the batch") {
  Tensor y(Shape{2, 3});
  const float values[] = {-1, 2, -3, 4, 0, -6};
  for (int64_t k = 0; k < 6; ++k) y[k] = values[k];
  CHECK(mean_abs_example::mean_abs(y) == doctest::Approx(16.0 / 6.0));
}

TEST_CASE(
    "custom measurement: the plugin records after steps 10, 20 and the last, per hidden "
    "activation, from the step just trained") {
  test::TempDir tmp("mean_abs_recorder");
  test::write_blobs(tmp.path());
  json config = test::blob_config_json(tmp.path(), tmp.path("run"));
  config["model"] = {
      {"type", "mlp"}, {"hidden", {8, 8}}, {"activation", "tanh"}, {"batchnorm", true}};
  const RunConfig run = parse_run_config(config, "blobs");
  const auto data = std::make_shared<const TrainingData>(load_training_data(run.data));
  std::unique_ptr<Recorder> recorder;
  std::vector<MeanAbsPoint> expected;  // the same, by a plain loop over the outputs
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  options.after_step = [&](Trainer& trainer) {
    recorder->after_step(trainer);
    if (trainer.step() != 10 && trainer.step() != 20 && trainer.step() != 40) return;
    MeanAbsPoint point{trainer.step(), {}};
    for (const char* name : {"tanh1", "tanh2"}) {
      const Tensor& y = trainer.model().find(name)->output();
      double sum = 0;
      for (int64_t k = 0; k < y.numel(); ++k) sum += std::fabs(y[k]);
      point.values.push_back(sum / double(y.numel()));
    }
    expected.push_back(point);
  };
  Trainer trainer(run, data, options);
  const Measurement& measurement = mean_abs_measurement();
  const json on = true;
  const std::optional<json> settings = measurement.configure(&on, "/mean_abs_activation");
  REQUIRE(settings);
  recorder = measurement.attach(*settings, RunSetup{run, *data, trainer.model(), ""});
  trainer.run();

  const MeanAbsResult recorded = recorder->result().get<MeanAbsResult>();
  CHECK(recorded.layers == std::vector<std::string>{"tanh1", "tanh2"});
  REQUIRE(recorded.points.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(recorded.points[i].step == expected[i].step);
    for (size_t l = 0; l < 2; ++l)
      CHECK(recorded.points[i].values[l] == doctest::Approx(expected[i].values[l]).epsilon(1e-12));
  }
}

TEST_CASE(
    "custom measurement: true turns it on, false or no key leaves it off, anything else is "
    "refused") {
  const Measurement& measurement = mean_abs_measurement();
  const json yes = true, no = false, number = 1;
  CHECK(measurement.configure(&yes, "/mean_abs_activation") == json::object());
  CHECK_FALSE(measurement.configure(&no, "/mean_abs_activation"));
  CHECK_FALSE(measurement.configure(nullptr, "/mean_abs_activation"));
  CHECK(test::config_error([&] { measurement.configure(&number, "/mean_abs_activation"); }) ==
        "/mean_abs_activation: expected true or false");
  Graph linear =
      Graph::from_json(json::array({{{"type", "dense"}, {"units", 2}}}), "/model/layers");
  linear.build(Shape{3}, 0);
  CHECK(test::config_error([&] { measurement.check(json::object(), linear); }) ==
        "/mean_abs_activation: the model has no hidden activation layer to measure");
}

TEST_CASE("custom measurement: the table, aggregate and sentences follow the numbers") {
  const Measurement& measurement = mean_abs_measurement();
  const CompareSummary summary = with_and_without_bn({0.2, 0.8}, {0.6, 0.4});
  const std::vector<ReportTable> tables = measurement.tables(summary);
  REQUIRE(tables.size() == 1);
  CHECK(tables[0].table.header == std::vector<std::string>{"run", "tanh1", "tanh2"});
  REQUIRE(tables[0].table.rows.size() == 2);
  CHECK(tables[0].table.rows[0].cells == std::vector<std::string>{"without BN", "0.200", "0.800"});
  CHECK(tables[0].table.rows[1].cells == std::vector<std::string>{"with BN", "0.600", "0.400"});
  const json aggregate = measurement.aggregate(summary, summary.variants[1]);
  CHECK(aggregate["tanh1"]["median"]["value"].get<double>() == 0.6);
  CHECK(aggregate["tanh2"]["max"]["value"].get<double>() == 0.4);
  CHECK(measurement.sentences(summary) ==
        std::vector<std::string>{
            "Mean |activation| of tanh1 at the end: with BN 0.600, without BN 0.200; with BN's is "
            "3.00\u00d7 as large.",
            "Mean |activation| of tanh2 at the end: with BN 0.400, without BN 0.800; without BN's "
            "is 2.00\u00d7 as large."});

  CHECK(measurement.sentences(with_and_without_bn({0.2, 0.8}, {0.1, 0.8})) ==
        std::vector<std::string>{
            "Mean |activation| of tanh1 at the end: with BN 0.100, without BN 0.200; without BN's "
            "is 2.00\u00d7 as large.",
            "Mean |activation| of tanh2 at the end: with BN 0.800, without BN 0.800; the same."});
}

TEST_CASE(
    "custom measurement: over several seeds, the median [min-max] and the median's sentence") {
  const Measurement& measurement = mean_abs_measurement();
  CompareSummary summary = with_and_without_bn({0.2, 0.8}, {0.6, 0.4});
  summary.variants[1].seeds.push_back(seed_ending_with(8, {0.3, 0.4}));
  summary.variants[1].seeds.push_back(seed_ending_with(9, {0.9, 0.4}));
  CHECK(measurement.tables(summary)[0].table.rows[1].cells[1] == "0.600 [0.300\u20130.900]");
  CHECK(measurement.aggregate(summary, summary.variants[1])["tanh1"]["min"]["value"] == 0.3);
  CHECK(measurement.sentences(summary)[0] ==
        "Mean |activation| of tanh1 at the end: with BN 0.600, without BN 0.200; with BN's is "
        "3.00\u00d7 as large. (Medians over seeds.)");
}

TEST_CASE("custom measurement: its page section has the formula, the table and a chart per layer") {
  const Measurement& measurement = mean_abs_measurement();
  HtmlReport page("mean |a|");
  measurement.page_section(page, with_and_without_bn({0.2, 0.8}, {0.6, 0.4}));
  const std::string html = page.html();
  CHECK(html.find("<h2>Mean |activation| of the hidden layers</h2>") != std::string::npos);
  CHECK(html.find("mean |a| = (1/M) \u03a3_k |y_k|") != std::string::npos);
  CHECK(html.find("with BN&#39;s is 3.00\u00d7 as large.") != std::string::npos);
  CHECK(html.find(">0.600<") != std::string::npos);
  CHECK(test::count_of(html, "<svg ") == 2);  // tanh1, tanh2

  CompareSummary unmeasured = with_and_without_bn({0.2, 0.8}, {0.6, 0.4});
  for (VariantSummary& v : unmeasured.variants) v.seeds[0].measures = json::object();
  HtmlReport empty("mean |a|");
  measurement.page_section(empty, unmeasured);
  CHECK(empty.html() == HtmlReport("mean |a|").html());
  CHECK(measurement.tables(unmeasured).empty());
  CHECK(measurement.aggregate(unmeasured, unmeasured.variants[0]).is_null());
}
