// Activation telemetry (framework/lesson/telemetry/): mean, std, saturated or
// dead share and histogram of each hidden layer's outputs, values by hand.
#include <doctest/doctest.h>

#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/telemetry/telemetry.hpp>
#include <minima/lesson/telemetry/telemetry_report.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

// input -> fc (2 units, identity weights) -> act -> out: the activation sees x itself.
Graph identity_net(const std::string& act) {
  Graph g = Graph::from_json(json::array({{{"type", "dense"}, {"name", "fc"}, {"units", 2}},
                                          {{"type", act}, {"name", "a"}},
                                          {{"type", "dense"}, {"name", "out"}, {"units", 2}}}),
                             "/model/layers");
  g.build(Shape{2}, 0);
  Layer& fc = *g.find("fc");
  Tensor& w = fc.params()[0]->value;
  w.zero();
  w[0] = w[3] = 1;  // [[1, 0], [0, 1]]
  fc.params()[1]->value.zero();
  return g;
}

}  // namespace

TEST_CASE("telemetry: sigmoid outputs' mean, std, saturated share and histogram") {
  Graph g = identity_net("sigmoid");
  std::vector<LayerTelemetry> layers = telemetry_layers(g);
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].name == "a");
  CHECK(layers[0].type == "sigmoid");
  // Unit 0 sees 0 (sigmoid 0.5), unit 1 sees +-10 (0.99995 and 0.0000454: saturated).
  Tensor x(Shape{2, 2});
  x.at(0, 1) = 10;
  x.at(1, 1) = -10;
  g.forward(x, Mode::Train);
  record_telemetry(g, 20, layers, 4);
  const TelemetryPoint& p = layers[0].points.at(0);
  CHECK(p.step == 20);
  CHECK(p.mean == doctest::Approx(0.5));
  // Outputs 0.5, 0.5, ~1, ~0: variance (0 + 0 + 0.25 + 0.25) / 4.
  CHECK(p.std == doctest::Approx(0.5 / std::sqrt(2.0)).epsilon(1e-3));
  CHECK(p.saturated == doctest::Approx(0.5));
  // Four bins of [0, 1]: ~0 in the first, the two 0.5 in the third, ~1 in the last.
  CHECK(p.histogram == std::vector<double>{0.25, 0.0, 0.5, 0.25});
}

TEST_CASE("telemetry: after a convolution a ReLU channel is dead when 0 at every position") {
  // Channel 0 = -x: 0 everywhere (dead); channel 1 = 10 - 2x: 0 except at
  // one position of one sample (alive).
  Graph g = test::two_channel_net("relu", {-1, 0}, {-2, 10});
  std::vector<LayerTelemetry> layers = telemetry_layers(g);
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].unit == "channel");
  CHECK(telemetry_layers(identity_net("relu"))[0].unit == "unit");
  Tensor x(Shape{2, 1, 2, 2});
  const float values[] = {6, 7, 8, 9, 10, 11, 12, 4};  // channel 1 is 2 at x = 4
  for (int64_t k = 0; k < 8; ++k) x[k] = values[k];
  g.forward(x, Mode::Train);
  record_telemetry(g, 10, layers);
  // 1 of 2 channels (counted per pixel: 7 of 8 positions would be dead).
  CHECK(layers[0].points[0].saturated == doctest::Approx(0.5));
}

TEST_CASE("telemetry: a ReLU unit that is 0 on the whole batch is dead") {
  Graph g = identity_net("relu");
  std::vector<LayerTelemetry> layers = telemetry_layers(g);
  CHECK(layers[0].hi == 4);
  Tensor x(Shape{3, 2});
  for (int64_t i = 0; i < 3; ++i) {
    x.at(i, 0) = -1.0f - float(i);  // always negative: dead
    x.at(i, 1) = float(i) - 1.0f;   // -1, 0, 1: alive once
  }
  g.forward(x, Mode::Train);
  record_telemetry(g, 10, layers);
  CHECK(layers[0].points[0].saturated == doctest::Approx(0.5));
}

namespace {

// bn_wins() with telemetry of one sigmoid layer at steps 10, 20, 50 in
// every seed: mean 0.5, saturated share 0.25 and a four-bin histogram; the
// standard deviation is `plain_std` (+0.01 per seed) without BN and 0.2 with it.
CompareSummary with_telemetry(double plain_std) {
  CompareSummary s = test::bn_wins();
  for (VariantSummary& v : s.variants)
    for (SeedResult& seed : v.seeds) {
      LayerTelemetry t;
      t.name = "sigmoid1";
      t.type = "sigmoid";
      const double std = v.name == "with BN" ? 0.2 : plain_std + 0.01 * double(seed.seed);
      for (int64_t step : {10, 20, 50})
        t.points.push_back({step, 0.5, std, 0.25, {0.5, 0.25, 0.25, 0.0}});
      seed.measures["telemetry"] = std::vector<LayerTelemetry>{t};
    }
  s.measures["telemetry"] = {{"bins", 4}};
  return s;
}

}  // namespace

TEST_CASE("telemetry page: mean, std and saturation per layer over seeds, heat maps per seed") {
  const CompareSummary s = with_telemetry(0.02);
  const std::vector<Chart> charts = telemetry_charts(s);
  REQUIRE(charts.size() == 3);  // mean, standard deviation, saturated share
  // Per variant the median over its 3 seeds with a band, and each seed as a faint line.
  CHECK(charts[0].bands.size() == 2);
  CHECK(charts[0].bands[0].label == "without BN (median of 3 seeds, min\u2013max)");
  CHECK(charts[0].series.size() == 6);
  CHECK(charts[0].series[0].faint);
  CHECK(charts[1].bands[0].mid[0] == doctest::Approx(0.03));  // seeds 0.02, 0.03, 0.04
  CHECK(charts[1].bands[0].lo[0] == doctest::Approx(0.02));
  CHECK(charts[1].bands[0].hi[0] == doctest::Approx(0.04));
  CHECK(charts[2].bands[1].mid[0] == doctest::Approx(25.0));
  const std::string page = compare_report_html(s);
  CHECK(page.find("Heat maps of each variant&#39;s seed number 3") != std::string::npos);
  const std::vector<Chart> maps = telemetry_heatmaps(s);
  REQUIRE(maps.size() == 2);  // one layer, two variants
  // Two columns (10-20, 20-50) of four bins; the largest share is full colour.
  REQUIRE(maps[0].cells.size() == 8);
  CHECK(maps[0].cells[0].value == doctest::Approx(1.0));
  CHECK(maps[0].cells[1].value == doctest::Approx(0.5));
  CHECK(maps[0].cells[1].y0 == doctest::Approx(0.25));
  CHECK(maps[0].cells[4].x0 == doctest::Approx(20.0));
}

TEST_CASE("telemetry page: a ReLU layer after a convolution counts dead channels") {
  CompareSummary s = test::bn_wins();
  LayerTelemetry t;
  t.name = "relu1";
  t.type = "relu";
  t.unit = "channel";
  t.points.push_back({10, 0.5, 0.1, 0.25, {1.0}});
  s.variants[0].seeds[0].measures["telemetry"] = std::vector<LayerTelemetry>{t};
  s.measures["telemetry"] = {{"bins", 1}};
  const std::vector<Chart> charts = telemetry_charts(s);
  REQUIRE(charts.size() == 3);
  CHECK(charts[2].title == "Hidden 1: dead channels (0 on the whole batch)");
  const CompareSummary back = summary_from_json(summary_to_json(s));
  CHECK(back.variants[0].seeds[0].measures["telemetry"][0]["unit"] == "channel");
  s.variants[0].seeds[0].measures["telemetry"][0]["unit"] = "unit";
  CHECK(telemetry_charts(s)[2].title == "Hidden 1: dead units (0 on the whole batch)");
}

TEST_CASE("telemetry sentences and table follow the numbers: which layer ends in a narrow band") {
  const CompareSummary narrow = with_telemetry(0.02);  // without BN: std 0.02-0.04, BN 0.2
  std::vector<std::string> said = telemetry_sentences(narrow);
  REQUIRE(said.size() == 2);
  CHECK(said[0] ==
        "Hidden 1 (sigmoid1) over training: with BN's outputs have a median standard deviation "
        "of 0.2, "
        "without BN's 0.03 [0.02\u20130.04]: with BN's are 6.7\u00d7 as spread out; without BN's "
        "sit in a narrow band.");
  CHECK(said[1] ==
        "The largest saturated (or dead) share of any layer in any run is 25.0% (without BN, "
        "seed 0, hidden 1 (sigmoid1) at step 10).");
  const TextTable table = telemetry_table(narrow);
  CHECK(table.header ==
        std::vector<std::string>{"run", "hidden 1 std (median)", "hidden 1 most saturated"});
  CHECK(table.rows[0].cells ==
        std::vector<std::string>{"without BN", "0.03 [0.02\u20130.04]", "25.0%"});
  // The other way round: the plain net's outputs spread wider, and the words say so.
  said = telemetry_sentences(with_telemetry(0.79));
  CHECK(said[0].find(": without BN's are 4.0\u00d7 as spread out") != std::string::npos);
  // Between 1.1x and 1.5x: the factor, without the words of a narrow band.
  said = telemetry_sentences(with_telemetry(0.13));
  CHECK(said[0].find(": with BN's are 1.4\u00d7 as spread out.") != std::string::npos);
  CompareSummary low = with_telemetry(0.02);
  for (VariantSummary& v : low.variants)
    for (SeedResult& seed : v.seeds)
      for (nlohmann::json& p : seed.measures["telemetry"][0]["points"]) p["saturated"] = 0.05;
  CHECK(telemetry_sentences(low)[1].rfind("Few outputs saturate: the largest saturated (or dead) "
                                          "share of any layer in any run is 5.0%",
                                          0) == 0);
  CompareSummary equal = with_telemetry(0.19);
  CHECK(telemetry_sentences(equal)[0].find(": about as spread out.") != std::string::npos);
}

TEST_CASE("telemetry recorder: with eval_every 0 it follows the per-epoch evaluations") {
  test::TempDir tmp("telemetry_epochs");
  test::write_blobs(tmp.path());
  // 256 training samples in batches of 16: an epoch is 16 steps, the run 40.
  const RunConfig config = parse_run_config(
      test::blob_config_json(tmp.path(), tmp.path("run"), {{"train", {{"eval_every", 0}}}}),
      "blobs.json");
  const auto data = std::make_shared<const TrainingData>(load_training_data(config.data));
  const Measurement& telemetry = *measurement_registry().find("telemetry")->measurement;
  const nlohmann::json on = {{"bins", 4}};
  const std::optional<nlohmann::json> settings = telemetry.configure(&on, "/telemetry");
  REQUIRE(settings);
  std::unique_ptr<Recorder> recorder;
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  options.after_step = [&](Trainer& trainer) { recorder->after_step(trainer); };
  Trainer trainer(config, data, options);
  recorder = telemetry.attach(*settings, {config, *data, trainer.model(), ""});
  trainer.run();
  const auto layers = recorder->result().get<std::vector<LayerTelemetry>>();
  REQUIRE_FALSE(layers.empty());
  std::vector<int64_t> steps;
  for (const TelemetryPoint& p : layers[0].points) steps.push_back(p.step);
  CHECK(steps == std::vector<int64_t>{10, 16, 20, 32, 40});
}
