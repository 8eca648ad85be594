#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <minima/core/rng.hpp>
#include <minima/nn/fold_batchnorm.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/layer_registry.hpp>
#include "tests/support.hpp"

using namespace minima;

namespace {

Graph built(const std::string& layers, Shape sample, uint64_t seed = 3) {
  Graph g = Graph::from_json(json::parse(layers), "/model/layers");
  g.build(sample, seed);
  return g;
}
Graph built(const std::string& layers, int64_t inputs) { return built(layers, Shape{inputs}); }

// Moves every BatchNorm's running statistics (training forwards) and gives
// gamma and beta values other than 1 and 0, as a trained model has.
void make_trained(Graph& g, Shape sample) {
  Rng rng(5);
  for (int step = 0; step < 4; ++step)
    g.forward(test::random_normal(sample.with_batch(16), rng, 0.7f, 2.0f), Mode::Train);
  for (size_t i = 0; i < g.size(); ++i)
    if (g.layer(i).type() == "batchnorm")
      for (Param* p : g.layer(i).params())
        for (int64_t k = 0; k < p->value.numel(); ++k)
          p->value[k] = (p->name == "weight" ? 1.0f : 0.0f) + rng.normal();
}

void make_trained(Graph& g, int64_t inputs) { make_trained(g, Shape{inputs}); }

const Tensor& param(Graph& g, const std::string& layer, const std::string& name) {
  for (Param* p : g.find(layer)->params())
    if (p->name == name) return p->value;
  FAIL("no parameter " << layer << "." << name);
  throw;
}

}  // namespace

TEST_CASE(
    "fold_batchnorm computes W' = s W, b' = s (b - mean) + beta with s = gamma / sqrt(var + eps)") {
  Graph g = built(
      R"([{"type":"dense","units":1,"name":"fc"},{"type":"batchnorm","name":"bn","eps":0.75}])", 1);
  g.find("fc")->params()[0]->value[0] = 2.0f;    // W
  g.find("fc")->params()[1]->value[0] = 1.0f;    // b
  g.find("bn")->params()[0]->value[0] = 3.0f;    // gamma
  g.find("bn")->params()[1]->value[0] = 0.5f;    // beta
  g.find("bn")->buffers()[0]->value[0] = 4.0f;   // running_mean
  g.find("bn")->buffers()[1]->value[0] = 0.25f;  // running_var: sqrt(0.25 + 0.75) = 1

  FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded == std::vector<std::string>{"fc + bn"});
  CHECK(folded.layers ==
        json::parse(R"([{"type":"dense","name":"fc","units":1,"bias":true,"init":"he"}])"));
  CHECK(param(folded.graph, "fc", "weight")[0] == 6.0f);  // 3 * 2
  CHECK(param(folded.graph, "fc", "bias")[0] == -8.5f);   // 3 * (1 - 4) + 0.5
}

TEST_CASE(
    "a folded MLP gives the original's eval outputs, keeps names and the other layers' weights") {
  const std::string layers = R"([
    {"type":"dense","units":12,"name":"fc1"},{"type":"batchnorm","name":"bn1"},{"type":"relu","name":"relu1"},
    {"type":"dense","units":7,"bias":false,"name":"fc2"},{"type":"batchnorm","name":"bn2","momentum":null},
    {"type":"tanh","name":"tanh2"},{"type":"dense","units":3,"name":"out"}])";
  Graph g = built(layers, 9);
  make_trained(g, 9);

  FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded == std::vector<std::string>{"fc1 + bn1", "fc2 + bn2"});
  CHECK(folded.skipped.empty());
  std::vector<std::string> names;
  for (const json& spec : folded.layers) names.push_back(spec["name"]);
  CHECK(names == std::vector<std::string>{"fc1", "relu1", "fc2", "tanh2", "out"});
  CHECK(folded.layers[2]["bias"] == true);
  for (const json& spec : folded.layers) CHECK_FALSE(spec.contains("inputs"));
  CHECK(param(folded.graph, "out", "weight").numel() == 21);
  test::check_close(param(folded.graph, "out", "weight"), param(g, "out", "weight"), 0, 0,
                    "out.weight copied");

  Rng rng(17);
  const Tensor x = test::random_normal(Shape{32, 9}, rng, 0.5f, 1.5f);
  const Tensor expected = g.forward(x, Mode::Eval);
  const Tensor got = folded.graph.forward(x, Mode::Eval);
  test::check_close(got, expected, 1e-5, 1e-6, "folded vs original outputs");
  // The fold changed the weights (it is not an identity on trained BN).
  CHECK(param(folded.graph, "fc1", "weight")[0] != param(g, "fc1", "weight")[0]);
}

TEST_CASE("a folded CNN (BN after conv2d, per channel, and after dense) gives the same outputs") {
  const std::string layers = R"([
    {"type":"conv2d","out_channels":3,"kernel":3,"padding":1,"bias":false,"name":"conv1"},
    {"type":"batchnorm","name":"bn1"},{"type":"relu","name":"relu1"},
    {"type":"maxpool2d","kernel":2,"name":"pool1"},
    {"type":"conv2d","out_channels":4,"kernel":2,"name":"conv2"},{"type":"batchnorm","name":"bn2"},
    {"type":"sigmoid","name":"sigmoid2"},{"type":"flatten","name":"flatten"},
    {"type":"dense","units":5,"bias":false,"name":"fc1"},{"type":"batchnorm","name":"bn3"},
    {"type":"tanh","name":"tanh3"},{"type":"dense","units":3,"name":"fc2"}])";
  const Shape image{2, 6, 6};
  Graph g = built(layers, image);
  make_trained(g, image);

  FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded == std::vector<std::string>{"conv1 + bn1", "conv2 + bn2", "fc1 + bn3"});
  CHECK(folded.skipped.empty());
  CHECK(folded.layers[0]["bias"] == true);
  CHECK(param(folded.graph, "conv1", "weight").shape() == Shape{3, 2, 3, 3});
  CHECK(param(folded.graph, "conv1", "bias").shape() == Shape{3});
  Rng rng(11);
  const Tensor x = test::random_normal(image.with_batch(8), rng, 0.5f, 1.5f);
  const Tensor expected = g.forward(x, Mode::Eval);
  test::check_close(folded.graph.forward(x, Mode::Eval), expected, 1e-5, 1e-5, "outputs");
  CHECK(param(folded.graph, "conv2", "weight")[0] != param(g, "conv2", "weight")[0]);
}

// The 1-unit layer above with eps 3.75 (sqrt(var + eps) = 2): "full" s = 1.5,
// "mean" s = gamma = 3 and b' = 3 (1 - 4) + 0.5, "variance" s = 1.5 and
// b' = 1.5 (1 - 0) + 0.5.
TEST_CASE("fold_batchnorm folds normalize mean (s = gamma) and variance (the mean taken as 0)") {
  for (const auto& [normalize, folded_w, folded_b] :
       {std::tuple{"full", 3.0f, -4.0f}, std::tuple{"mean", 6.0f, -8.5f},
        std::tuple{"variance", 3.0f, 2.0f}}) {
    CAPTURE(normalize);
    const json layers = {
        {{"type", "dense"}, {"units", 1}, {"name", "fc"}},
        {{"type", "batchnorm"}, {"name", "bn"}, {"eps", 3.75}, {"normalize", normalize}}};
    Graph g = built(layers.dump(), 1);
    g.find("fc")->params()[0]->value[0] = 2.0f;    // W
    g.find("fc")->params()[1]->value[0] = 1.0f;    // b
    g.find("bn")->params()[0]->value[0] = 3.0f;    // gamma
    g.find("bn")->params()[1]->value[0] = 0.5f;    // beta
    g.find("bn")->buffers()[0]->value[0] = 4.0f;   // running_mean
    g.find("bn")->buffers()[1]->value[0] = 0.25f;  // running_var
    FoldedModel folded = fold_batchnorm(g);
    CHECK(folded.folded == std::vector<std::string>{"fc + bn"});
    CHECK(param(folded.graph, "fc", "weight")[0] == folded_w);
    CHECK(param(folded.graph, "fc", "bias")[0] == folded_b);
  }
}

TEST_CASE("folded MLPs and CNNs with normalize mean or variance give the original's eval outputs") {
  for (const char* normalize : {"mean", "variance"}) {
    CAPTURE(normalize);
    const json bn = {{"type", "batchnorm"}, {"normalize", normalize}};
    const json mlp = {{{"type", "dense"}, {"units", 6}},
                      bn,
                      {{"type", "relu"}},
                      {{"type", "dense"}, {"units", 4}, {"bias", false}},
                      bn,
                      {{"type", "tanh"}},
                      {{"type", "dense"}, {"units", 3}}};
    const json cnn = {{{"type", "conv2d"}, {"out_channels", 3}, {"kernel", 3}, {"padding", 1}},
                      bn,
                      {{"type", "relu"}},
                      {{"type", "flatten"}},
                      {{"type", "dense"}, {"units", 3}}};
    for (const auto& [layers, sample] :
         {std::pair{mlp, Shape{7}}, std::pair{cnn, Shape{2, 5, 5}}}) {
      CAPTURE(sample.str());
      Graph g = built(layers.dump(), sample);
      make_trained(g, sample);
      FoldedModel folded = fold_batchnorm(g);
      CHECK(folded.skipped.empty());
      CHECK(folded.folded.size() == (sample.rank() == 1 ? 2 : 1));
      Rng rng(19);
      const Tensor x = test::random_normal(sample.with_batch(12), rng, 0.5f, 1.5f);
      const Tensor expected = g.forward(x, Mode::Eval);
      test::check_close(folded.graph.forward(x, Mode::Eval), expected, 1e-5, 1e-5, "outputs");
    }
  }
}

TEST_CASE("fold_batchnorm without affine parameters, and a BatchNorm that is the output layer") {
  Graph g = built(R"([{"type":"dense","units":4,"name":"a"},{"type":"sigmoid","name":"s"},
                     {"type":"dense","units":3,"name":"b"},{"type":"batchnorm","name":"bn","affine":false}])",
                  5);
  make_trained(g, 5);
  FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded == std::vector<std::string>{"b + bn"});
  CHECK(folded.layers.back()["name"] == "b");
  Rng rng(2);
  const Tensor x = test::random_normal(Shape{8, 5}, rng);
  const Tensor expected = g.forward(x, Mode::Eval);
  test::check_close(folded.graph.forward(x, Mode::Eval), expected, 1e-5, 1e-6, "outputs");
}

TEST_CASE("fold_batchnorm leaves BatchNorms it cannot fold, saying why") {
  Graph g = built(R"([{"type":"batchnorm","name":"bn0"},
                     {"type":"dense","units":4,"name":"fc1"},{"type":"relu","name":"r1"},{"type":"batchnorm","name":"bn1"},
                     {"type":"dense","units":4,"name":"fc2"},{"type":"batchnorm","name":"bn2","track_running_stats":false},
                     {"type":"dense","units":4,"name":"fc3"}])",
                  3);
  make_trained(g, 3);
  FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded.empty());
  CHECK(folded.skipped ==
        std::vector<std::string>{
            "bn0: its input 'input' is the network's input, not a layer BN can fold into (one "
            "whose outputs are weight rows times the input plus a bias, like dense or conv2d)",
            "bn1: its input 'r1' (relu) is not a layer BN can fold into (one whose outputs are "
            "weight rows times the input plus a bias, like dense or conv2d)",
            "bn2: without running statistics, Eval mode normalizes with batch statistics",
        });
  CHECK(folded.layers == g.config());
  Rng rng(8);
  const Tensor x = test::random_normal(Shape{10, 3}, rng);
  const Tensor expected = g.forward(x, Mode::Eval);
  test::check_close(folded.graph.forward(x, Mode::Eval), expected, 0, 0, "outputs unchanged");
}

// Branching graphs need a layer with two inputs ("add", from layers/add.cpp).
TEST_CASE(
    "fold_batchnorm in a branching graph: rewrites inputs that named a folded BatchNorm, skips a "
    "shared Dense") {
  if (!layer_registry().contains("add")) {
    MESSAGE("skipped: no \"add\" layer registered");
    return;
  }
  Graph g = built(R"([{"type":"dense","units":4,"name":"fc1"},{"type":"batchnorm","name":"bn1"},
                     {"type":"tanh","name":"t","inputs":["input"]},{"type":"add","name":"sum","inputs":["bn1","t"]},
                     {"type":"dense","units":4,"name":"fc2"},{"type":"batchnorm","name":"bn2"},
                     {"type":"sigmoid","name":"side","inputs":["fc2"]},{"type":"add","name":"out","inputs":["bn2","side"]}])",
                  4);
  make_trained(g, 4);
  FoldedModel folded = fold_batchnorm(g);
  CHECK(folded.folded == std::vector<std::string>{"fc1 + bn1"});
  CHECK(folded.skipped ==
        std::vector<std::string>{"bn2: the output of 'fc2' also feeds other layers"});
  REQUIRE(folded.layers.size() == 7);
  CHECK(folded.layers[0]["name"] == "fc1");
  CHECK(folded.layers[1]["name"] == "t");
  CHECK(folded.layers[1]["inputs"] == json::array({"input"}));
  CHECK(folded.layers[2]["inputs"] == json::array({"fc1", "t"}));
  Rng rng(4);
  const Tensor x = test::random_normal(Shape{6, 4}, rng);
  const Tensor expected = g.forward(x, Mode::Eval);
  test::check_close(folded.graph.forward(x, Mode::Eval), expected, 1e-5, 1e-6, "outputs");
}
