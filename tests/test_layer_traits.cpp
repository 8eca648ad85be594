// Layers describe themselves (LayerTraits): a brand-new activation,
// registered here with its traits beside its forward and derivative, is a
// model builder's activation, probed by `minima compare` and recorded by its
// telemetry, with no line elsewhere naming it; a layer that normalizes over
// the batch under another type name meets the batch-of-one check and is
// folded; the registry keeps each class's kTraits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <minima/layers/activation.hpp>
#include <minima/layers/batchnorm.hpp>
#include <minima/layers/relu.hpp>
#include <minima/lesson/probes/probes.hpp>
#include <minima/lesson/run_description.hpp>
#include <minima/lesson/telemetry/telemetry.hpp>
#include <minima/lesson/telemetry/telemetry_report.hpp>
#include <minima/nn/fold_batchnorm.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/model_builder.hpp>
#include <minima/train/run_config.hpp>
#include "tests/compare_fixtures.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

// hardtanh: y = clamp(x, -1, 1), dy/dx = 1 inside (-1, 1), else 0;
// saturated where it clamps.
struct HardtanhOp {
  static constexpr const char* name = "hardtanh";
  static float forward(float x) { return std::clamp(x, -1.0f, 1.0f); }
  static float derivative(float x, float) { return x > -1.0f && x < 1.0f ? 1.0f : 0.0f; }
  static constexpr ActivationTraits traits{.out_lo = -1,
                                           .out_hi = 1,
                                           .saturated_below = -1,
                                           .saturated_above = 1,
                                           .saturated_words = "|y| = 1"};
};
using Hardtanh = Activation<HardtanhOp>;

// BatchNorm under another type name: found by its traits, never its name.
class RenamedBatchNorm : public BatchNorm {
 public:
  explicit RenamedBatchNorm(ConfigObject& args) : BatchNorm(args) {}
  std::string type() const override { return "renamed_bn"; }
};

// A class that declares kTraits but forgets to return them from traits().
class ForgetfulHardtanh : public Hardtanh {
 public:
  explicit ForgetfulHardtanh(ConfigObject& args) : Hardtanh(args) {}
  std::string type() const override { return "forgetful"; }
  static constexpr LayerTraits kTraits{.normalizes_over_batch = true};
};

// A layer type registered for one test case only (other tests go over
// every registered layer).
struct ScopedLayerType {
  std::string name;
  ScopedLayerType(std::string type, LayerEntry entry) : name(std::move(type)) {
    layer_registry().add(name, std::move(entry));
  }
  ~ScopedLayerType() { layer_registry().remove(name); }
  ScopedLayerType(const ScopedLayerType&) = delete;
  ScopedLayerType& operator=(const ScopedLayerType&) = delete;
};

}  // namespace

TEST_CASE("layer traits: a new activation is a builder's activation, probed and recorded") {
  const ScopedLayerType hardtanh(HardtanhOp::name, layer_entry<Hardtanh>());
  const std::vector<std::string> activations = activation_types();
  CHECK(std::find(activations.begin(), activations.end(), "hardtanh") != activations.end());
  CHECK(make_layer("hardtanh")->traits().activation == &HardtanhOp::traits);

  // input [2] -> fc1 (2 units, identity weights) -> hardtanh1 -> fc2: the
  // activation sees x itself.
  const json layers = expand_model(
      {{"type", "mlp"}, {"hidden", {2}}, {"activation", "hardtanh"}, {"classes", 2}}, "/model");
  Graph g = Graph::from_json(layers, "/model/layers");
  g.build(Shape{2}, 0);
  REQUIRE(g.find("hardtanh1") != nullptr);
  Layer& fc = *g.find("fc1");
  Tensor& w = fc.params()[0]->value;
  w.zero();
  w[0] = w[3] = 1;  // [[1, 0], [0, 1]]
  for (Param* p : fc.params())
    if (p->name == "bias") p->value.zero();

  // The compare probe follows the activation's input.
  const std::vector<ProbeTarget> probes = resolve_probes(g, {});
  REQUIRE(probes.size() == 1);
  CHECK(probes[0].name == "fc1");
  CHECK(probes[0].label == "input to hardtanh1 (fc1)");

  // Telemetry records it over its declared range [-1, 1]. Unit 0 sees
  // +-0.5, unit 1 sees +-3 (clamped to +-1: saturated).
  std::vector<LayerTelemetry> recorded = telemetry_layers(g);
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0].name == "hardtanh1");
  CHECK(recorded[0].type == "hardtanh");
  CHECK(recorded[0].lo == -1);
  CHECK(recorded[0].hi == 1);
  Tensor x(Shape{2, 2});
  x.at(0, 0) = 0.5f;
  x.at(1, 0) = -0.5f;
  x.at(0, 1) = 3;
  x.at(1, 1) = -3;
  g.forward(x, Mode::Train);
  record_telemetry(g, 10, recorded, 4);
  const TelemetryPoint& p = recorded[0].points.at(0);
  CHECK(p.mean == doctest::Approx(0.0));
  CHECK(p.std == doctest::Approx(std::sqrt(0.625)));  // outputs 0.5, 1, -0.5, -1
  CHECK(p.saturated == doctest::Approx(0.5));         // -1 and 1, the bounds included
  // Four bins of [-1, 1]: -1 in the first, -0.5 in the second, 0.5 and 1 in the last.
  CHECK(p.histogram == std::vector<double>{0.25, 0.25, 0.0, 0.5});

  // The page's chart says what its traits call saturated.
  CompareSummary s = test::bn_wins();
  s.measures["telemetry"] = {{"bins", 4}};
  for (VariantSummary& v : s.variants) v.seeds[0].measures["telemetry"] = recorded;
  CHECK(telemetry_charts(s).at(2).title == "Hidden 1: saturated (|y| = 1)");
}

TEST_CASE("layer traits: the probe's error lists the registered activations") {
  Graph linear =
      Graph::from_json(json::array({{{"type", "dense"}, {"units", 2}}}), "/model/layers");
  linear.build(Shape{3}, 0);
  const ScopedLayerType hardtanh(HardtanhOp::name, layer_entry<Hardtanh>());
  CHECK_THROWS_WITH_AS(resolve_probes(linear, {}),
                       doctest::Contains("no hidden hardtanh, relu, sigmoid or tanh layer"),
                       ConfigError);
}

TEST_CASE("layer traits: a layer normalizing over the batch, whatever its name") {
  const ScopedLayerType renamed("renamed_bn", layer_entry<RenamedBatchNorm>());
  CHECK(layer_traits("renamed_bn").normalizes_over_batch);
  CHECK(uses_batchnorm({{"model", {{"layers", {{{"type", "renamed_bn"}}}}}}}));

  // The batch-of-one check, from the config alone.
  const json layers = json::array({{{"type", "dense"}, {"name", "fc1"}, {"units", 4}},
                                   {{"type", "renamed_bn"}, {"name", "bn1"}},
                                   {{"type", "relu"}},
                                   {{"type", "dense"}, {"name", "out"}, {"units", 10}}});
  const json config = {{"model", {{"layers", layers}}},
                       {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}},
                       {"train", {{"steps", 10}, {"batch_size", 1}}}};
  CHECK_THROWS_WITH_AS(parse_run_config(config, "x.json"),
                       "/train/batch_size: expected at least 2 with renamed_bn layer 'bn1' (it "
                       "normalizes over the batch; one sample has no variance)",
                       ConfigError);

  // Folding finds it and the dense layer before it by their traits.
  Graph g = Graph::from_json(layers, "/model/layers");
  g.build(Shape{3}, 0);
  const FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded == std::vector<std::string>{"fc1 + bn1"});
  CHECK(folded.skipped.empty());
}

TEST_CASE("layer traits: the registry keeps each class's kTraits, and checks traits() says so") {
  CHECK(layer_traits("batchnorm") == BatchNorm::kTraits);
  CHECK(layer_traits("batchnorm").normalizes_over_batch);
  CHECK(layer_traits("dense").accepts_folded_scale);
  CHECK(layer_traits("conv2d").accepts_folded_scale);
  CHECK(layer_traits("relu").activation == &ReluOp::traits);
  CHECK(layer_traits("flatten") == LayerTraits{});
  CHECK(layer_traits("no such type") == LayerTraits{});
  for (const char* type : {"batchnorm", "relu", "sigmoid", "tanh", "flatten"})
    CHECK(make_layer(type)->traits() == layer_traits(type));

  const ScopedLayerType forgetful("forgetful", layer_entry<ForgetfulHardtanh>());
  CHECK_THROWS_WITH_AS(
      make_layer("forgetful"),
      "layer type 'forgetful': traits() differs from the kTraits it was registered with",
      std::logic_error);
}
