// Activation telemetry (framework/lesson/telemetry/): mean, std, saturated or
// dead share and histogram of each hidden layer's outputs, values by hand.
#include <doctest/doctest.h>

#include <minima/lesson/telemetry/telemetry.hpp>
#include <minima/lesson/telemetry/telemetry_report.hpp>
#include "tests/compare_fixtures.hpp"

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

TEST_CASE("telemetry page: mean±std and saturation per layer, a heat map per variant and layer") {
  CompareSummary s = test::bn_wins();
  for (VariantSummary& v : s.variants)
    for (SeedResult& seed : v.seeds) {
      LayerTelemetry t;
      t.name = "sigmoid1";
      t.type = "sigmoid";
      for (int64_t step : {10, 20, 50})
        t.points.push_back({step, 0.5, 0.1, 0.25, {0.5, 0.25, 0.25, 0.0}});
      seed.measures["telemetry"] = std::vector<LayerTelemetry>{t};
    }
  s.measures["telemetry"] = {{"bins", 4}};
  const std::vector<Chart> charts = telemetry_charts(s);
  REQUIRE(charts.size() == 2);
  CHECK(charts[0].bands.size() == 2);
  CHECK(charts[0].bands[0].hi[0] == doctest::Approx(0.6));
  CHECK(charts[1].series[1].y[0] == doctest::Approx(25.0));
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
  REQUIRE(charts.size() == 2);
  CHECK(charts[1].title == "Hidden 1: dead channels (0 on the whole batch)");
  const CompareSummary back = summary_from_json(summary_to_json(s));
  CHECK(back.variants[0].seeds[0].measures["telemetry"][0]["unit"] == "channel");
  s.variants[0].seeds[0].measures["telemetry"][0]["unit"] = "unit";
  CHECK(telemetry_charts(s)[1].title == "Hidden 1: dead units (0 on the whole batch)");
}
