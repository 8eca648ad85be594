// Layer graphs (DAGs): wiring errors, topological order, fan-out gradients,
// and the multi-input layers add and concat.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <minima/nn/gradcheck.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/layer_registry.hpp>
#include "tests/build_paths.hpp"

using namespace minima;

namespace {

Tensor random_tensor(Shape shape, uint64_t seed) {
  Tensor t(shape);
  Rng rng(seed);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = rng.normal();
  return t;
}

// The ConfigError that building `layers` (at /model/layers) for inputs [4] throws.
ConfigError build_error(const json& layers) {
  try {
    Graph g = Graph::from_json(layers, "/model/layers");
    g.build(Shape{4}, 1);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  return ConfigError("", "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A residual MLP in miniature: stem, one block with fan-out at "stem_act"
// (into fc1 and into the add), a classifier. tanh keeps it smooth for the
// finite differences.
json residual_layers() {
  return json::parse(R"([
    {"type": "dense", "name": "stem", "units": 5},
    {"type": "tanh", "name": "stem_act"},
    {"type": "dense", "name": "fc1", "units": 5},
    {"type": "batchnorm", "name": "bn1"},
    {"type": "tanh", "name": "act1"},
    {"type": "dense", "name": "fc2", "units": 5},
    {"type": "batchnorm", "name": "bn2"},
    {"type": "add", "name": "sum", "inputs": ["bn2", "stem_act"]},
    {"type": "tanh", "name": "block_out"},
    {"type": "dense", "name": "logits", "units": 3}
  ])");
}

}  // namespace

TEST_CASE("graph: an unknown input name is an error at its JSON pointer") {
  const ConfigError e = build_error(json::parse(R"([
    {"type": "dense", "units": 4},
    {"type": "relu", "inputs": ["nope"]}])"));
  CHECK(e.pointer() == "/model/layers/1/inputs/0");
  CHECK(contains(e.what(), "unknown input 'nope'"));
}

TEST_CASE("graph: a cycle is an error naming a layer on it") {
  const ConfigError e = build_error(json::parse(R"([
    {"type": "dense", "name": "a", "units": 4, "inputs": ["input"]},
    {"type": "relu", "name": "b", "inputs": ["c"]},
    {"type": "tanh", "name": "c", "inputs": ["b"]},
    {"type": "add", "name": "out", "inputs": ["a", "c"]}])"));
  CHECK(e.pointer() == "/model/layers/1/inputs");
  CHECK(contains(e.what(), "'b' is part of a cycle"));
}

TEST_CASE("graph: a layer feeding itself is an error") {
  const ConfigError e =
      build_error(json::parse(R"([{"type": "relu", "name": "r", "inputs": ["r"]}])"));
  CHECK(e.pointer() == "/model/layers/0/inputs/0");
  CHECK(contains(e.what(), "cannot be its own input"));
}

TEST_CASE("graph: duplicate names are an error at the second one") {
  const ConfigError e = build_error(json::parse(R"([
    {"type": "dense", "name": "fc", "units": 4},
    {"type": "dense", "name": "fc", "units": 4}])"));
  CHECK(e.pointer() == "/model/layers/1/name");
  CHECK(contains(e.what(), "duplicate layer name 'fc'"));
}

TEST_CASE("graph: 'input' is reserved") {
  const ConfigError e = build_error(json::parse(R"([{"type": "relu", "name": "input"}])"));
  CHECK(e.pointer() == "/model/layers/0/name");
}

TEST_CASE("graph: an output nobody uses is an error") {
  const ConfigError e = build_error(json::parse(R"([
    {"type": "dense", "name": "lost", "units": 3, "inputs": ["input"]},
    {"type": "dense", "name": "out", "units": 2, "inputs": ["input"]}])"));
  CHECK(e.pointer() == "/model/layers/0");
  CHECK(contains(e.what(), "'lost' is never used"));
}

TEST_CASE("graph: add of mismatched shapes names the layer and both shapes") {
  const ConfigError e = build_error(json::parse(R"([
    {"type": "dense", "name": "wide", "units": 6, "inputs": ["input"]},
    {"type": "dense", "name": "narrow", "units": 3, "inputs": ["input"]},
    {"type": "add", "inputs": ["wide", "narrow"]}])"));
  CHECK(e.pointer() == "/model/layers/2");
  CHECK(contains(e.what(), "input 0 is [6] and input 1 is [3]"));
}

TEST_CASE("graph: add and concat need two or more inputs") {
  const ConfigError e =
      build_error(json::parse(R"([{"type": "dense", "units": 4}, {"type": "add"}])"));
  CHECK(e.pointer() == "/model/layers/1");
  CHECK(contains(e.what(), "takes two or more inputs, got 1"));
  const ConfigError c = build_error(json::parse(R"([{"type": "concat", "inputs": ["input"]}])"));
  CHECK(c.pointer() == "/model/layers/0");
}

TEST_CASE("graph: layers listed out of order run in topological order") {
  // "late" is listed before the "early" layer it reads.
  Graph g = Graph::from_json(json::parse(R"([
    {"type": "dense", "name": "h", "units": 3, "inputs": ["input"]},
    {"type": "relu", "name": "late", "inputs": ["early"]},
    {"type": "tanh", "name": "early", "inputs": ["h"]},
    {"type": "add", "name": "out", "inputs": ["late", "h"]}])"),
                             "/layers");
  g.build(Shape{2}, 7);
  REQUIRE(g.size() == 4);
  CHECK(g.layer(1).name() == "early");
  CHECK(g.layer(2).name() == "late");

  const Tensor x = random_tensor(Shape{4, 2}, 3);
  const Tensor& y = g.forward(x, Mode::Eval);
  const Tensor& h = g.find("h")->output();
  for (int64_t k = 0; k < y.numel(); ++k)
    CHECK(y[k] == doctest::Approx(std::max(std::tanh(h[k]), 0.0f) + h[k]).epsilon(1e-6));

  // The config keeps the wiring, so it rebuilds to the same network.
  Graph again = Graph::from_json(g.config(), "/layers");
  again.build(Shape{2}, 7);
  const Tensor& y2 = again.forward(x, Mode::Eval);
  for (int64_t k = 0; k < y.numel(); ++k) CHECK(y2[k] == y[k]);
}

TEST_CASE("graph: gradients through a residual add with fan-out match finite differences") {
  Graph g = Graph::from_json(residual_layers(), "/model/layers");
  g.build(Shape{4}, 11);
  const Tensor x = random_tensor(Shape{6, 4}, 5);
  const std::vector<int32_t> labels = {0, 2, 1, 1, 0, 2};
  const GradCheckResult r = check_gradients(g, x, labels);
  INFO(r.summary());
  CHECK(r.passed);
  CHECK(r.checked == g.num_params());
}

TEST_CASE("graph: fan-out sums its consumers' gradients") {
  // y = tanh(h) + h with h = x W^T: dL/dW must carry both paths (1 - tanh^2 + 1).
  Graph g = Graph::from_json(json::parse(R"([
    {"type": "dense", "name": "h", "units": 2, "bias": false},
    {"type": "tanh", "name": "t"},
    {"type": "add", "inputs": ["t", "h"]}])"),
                             "/layers");
  g.build(Shape{1}, 2);
  Tensor x(Shape{1, 1});
  x[0] = 1.0f;
  const Tensor& y = g.forward(x, Mode::Train);
  Tensor dy(y.shape());
  dy.fill(1.0f);
  g.zero_grad();
  g.backward(dy);
  const Tensor& h = g.find("h")->output();
  for (int k = 0; k < 2; ++k) {
    const float t = std::tanh(h[k]);
    CHECK(g.grads()[k] == doctest::Approx(2.0f - t * t).epsilon(1e-6));
  }
}

TEST_CASE("add: sums its inputs and passes dy to each, gradients check") {
  auto add = make_layer("add");
  add->build({Shape{3}, Shape{3}, Shape{3}});
  const std::vector<Tensor> x = {random_tensor(Shape{2, 3}, 1), random_tensor(Shape{2, 3}, 2),
                                 random_tensor(Shape{2, 3}, 3)};
  const Tensor* ptrs[3] = {&x[0], &x[1], &x[2]};
  const Tensor& y = add->forward(ptrs, Mode::Train);
  for (int64_t k = 0; k < y.numel(); ++k)
    CHECK(y[k] == doctest::Approx(x[0][k] + x[1][k] + x[2][k]));
  const GradCheckResult r = check_gradients(*add, x);
  INFO(r.summary());
  CHECK(r.passed);
  CHECK(r.checked == 18);
}

TEST_CASE("concat: joins rows side by side, gradients check") {
  auto concat = make_layer("concat");
  CHECK(concat->build({Shape{2}, Shape{3}}) == Shape{5});
  const std::vector<Tensor> x = {random_tensor(Shape{4, 2}, 1), random_tensor(Shape{4, 3}, 2)};
  const Tensor* ptrs[2] = {&x[0], &x[1]};
  const Tensor& y = concat->forward(ptrs, Mode::Train);
  for (int64_t r = 0; r < 4; ++r) {
    for (int64_t j = 0; j < 2; ++j) CHECK(y.at(r, j) == x[0].at(r, j));
    for (int64_t j = 0; j < 3; ++j) CHECK(y.at(r, 2 + j) == x[1].at(r, j));
  }
  const GradCheckResult r = check_gradients(*concat, x);
  INFO(r.summary());
  CHECK(r.passed);
  CHECK(r.checked == 20);
}

TEST_CASE("concat: only feature vectors") {
  auto concat = make_layer("concat");
  CHECK_THROWS_WITH_AS(concat->build({Shape{2}, Shape{2, 2}}),
                       doctest::Contains("input 1 has per-sample shape [2, 2]"),
                       std::invalid_argument);
}

TEST_CASE("graph: two branches joined by concat check their gradients") {
  Graph g = Graph::from_json(json::parse(R"([
    {"type": "dense", "name": "a", "units": 3, "inputs": ["input"]},
    {"type": "sigmoid", "name": "a_act"},
    {"type": "dense", "name": "b", "units": 2, "inputs": ["input"]},
    {"type": "concat", "name": "both", "inputs": ["a_act", "b"]},
    {"type": "dense", "name": "logits", "units": 3}])"),
                             "/model/layers");
  g.build(Shape{4}, 3);
  CHECK(g.find("both")->output_shape() == Shape{5});
  const Tensor x = random_tensor(Shape{5, 4}, 8);
  const std::vector<int32_t> labels = {2, 0, 1, 2, 1};
  const GradCheckResult r = check_gradients(g, x, labels);
  INFO(r.summary());
  CHECK(r.passed);
}

TEST_CASE("configs/mnist_resmlp_bn.json: its layer graph builds 784 -> 10 with two residual adds") {
  std::ifstream in(minima::test::source_dir() + "/configs/mnist_resmlp_bn.json");
  REQUIRE(in);
  const json config = json::parse(in);
  Graph g = Graph::from_json(config["model"]["layers"], "/model/layers");
  g.build(Shape{784}, 1);
  CHECK(g.output_shape() == Shape{10});
  CHECK(g.inputs_of(g.size() - 1) == std::vector<std::string>{"block2_out"});
  for (const char* block : {"block1_add", "block2_add"}) {
    Layer* add = g.find(block);
    REQUIRE(add != nullptr);
    CHECK(add->input_shapes() == std::vector<Shape>{Shape{128}, Shape{128}});
  }
  // 784*128 + 4 * 128*128 dense weights, 5 BN layers * 2 * 128, 128*10 + 10 classifier.
  CHECK(g.num_params() == 784 * 128 + 4 * 128 * 128 + 5 * 2 * 128 + 128 * 10 + 10);
}
