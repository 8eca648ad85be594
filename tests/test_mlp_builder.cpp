// The "mlp" model builder: layer names, bias flags, BN placement, dropout.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <minima/nn/graph.hpp>
#include <minima/nn/model_builder.hpp>
#include "tests/builder_support.hpp"

using namespace minima;
using minima::test::error_of;
using minima::test::expand;
using minima::test::names;

TEST_CASE("mlp without batchnorm: dense, activation, ..., dense with biases") {
  const json layers = expand({{"type", "mlp"}, {"hidden", {100, 50}}, {"activation", "sigmoid"}});
  CHECK(names(layers) == std::vector<std::string>{"fc1:dense", "sigmoid1:sigmoid", "fc2:dense",
                                                  "sigmoid2:sigmoid", "fc3:dense"});
  CHECK(layers[0] ==
        json{{"type", "dense"}, {"name", "fc1"}, {"units", 100}, {"bias", true}, {"init", "he"}});
  CHECK(layers[2]["units"] == 50);
  CHECK(layers[4] ==
        json{{"type", "dense"}, {"name", "fc3"}, {"units", 10}, {"bias", true}, {"init", "he"}});
}

TEST_CASE("mlp with batchnorm: BN between dense and activation, hidden dense without bias") {
  const json layers = expand({{"type", "mlp"},
                              {"hidden", {100, 100, 100}},
                              {"activation", "sigmoid"},
                              {"batchnorm", true},
                              {"init", "gaussian"},
                              {"std", 0.01},
                              {"classes", 7}});
  CHECK(names(layers) == std::vector<std::string>{"fc1:dense", "bn1:batchnorm", "sigmoid1:sigmoid",
                                                  "fc2:dense", "bn2:batchnorm", "sigmoid2:sigmoid",
                                                  "fc3:dense", "bn3:batchnorm", "sigmoid3:sigmoid",
                                                  "fc4:dense"});
  for (int i : {0, 3, 6}) {
    CHECK(layers[i]["bias"] == false);
    CHECK(layers[i]["init"] == "gaussian");
    CHECK(layers[i]["std"] == 0.01);
  }
  CHECK(layers[1] == json{{"type", "batchnorm"}, {"name", "bn1"}});
  CHECK(layers[9] == json{{"type", "dense"},
                          {"name", "fc4"},
                          {"units", 7},
                          {"bias", true},
                          {"init", "gaussian"},
                          {"std", 0.01}});
}

TEST_CASE("mlp dropout layers only when dropout > 0") {
  const json with = expand({{"type", "mlp"}, {"hidden", {20, 20}}, {"dropout", 0.25}});
  CHECK(names(with) == std::vector<std::string>{"fc1:dense", "relu1:relu", "dropout1:dropout",
                                                "fc2:dense", "relu2:relu", "dropout2:dropout",
                                                "fc3:dense"});
  CHECK(with[2] == json{{"type", "dropout"}, {"name", "dropout1"}, {"p", 0.25}});
  CHECK(expand({{"type", "mlp"}, {"hidden", {20, 20}}, {"dropout", 0}}).size() == 5);
}

TEST_CASE("mlp with and without BN start from the same dense weights") {
  const json spec = {{"type", "mlp"}, {"hidden", {16, 8}}, {"init", "gaussian"}, {"std", 0.1}};
  json bn_spec = spec;
  bn_spec["batchnorm"] = true;
  Graph plain = Graph::from_json(expand(spec), "/model/layers");
  Graph with_bn = Graph::from_json(expand(bn_spec), "/model/layers");
  plain.build(Shape{12}, 42);
  with_bn.build(Shape{12}, 42);
  for (const char* name : {"fc1.weight", "fc2.weight", "fc3.weight"}) {
    Tensor *a = nullptr, *b = nullptr;
    for (const StateEntry& e : plain.state())
      if (e.name == name) a = e.tensor;
    for (const StateEntry& e : with_bn.state())
      if (e.name == name) b = e.tensor;
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    REQUIRE(a->shape() == b->shape());
    for (int64_t k = 0; k < a->numel(); ++k) REQUIRE((*a)[k] == (*b)[k]);
  }
}

TEST_CASE("mlp errors name the pointer") {
  CHECK(error_of({{"type", "mlp"}}).starts_with("/model/hidden: is required (a list of"));
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8, -3}}}) ==
        "/model/hidden/1: expected a positive number of units, got -3");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"activation", "gelu"}}) ==
        "/model/activation: expected one of \"relu\", \"sigmoid\", \"tanh\", got \"gelu\"");
  CHECK(
      error_of({{"type", "mlp"}, {"hidden", {8}}, {"init", "uniform"}}) ==
      "/model/init: expected one of \"he\", \"xavier\", \"gaussian\", \"zeros\", got \"uniform\"");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"std", 0.1}}) ==
        "/model/std: expected only with \"init\": \"gaussian\", got 0.1");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"init", "gaussian"}, {"std", 0}}) ==
        "/model/std: expected a positive number, got 0");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"classes", 0}}) ==
        "/model/classes: expected a positive integer, got 0");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"dropout", 1}}) ==
        "/model/dropout: expected a probability in [0, 1), got 1");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"batchnorm", "yes"}}) ==
        "/model/batchnorm: expected true, false or an object of batchnorm settings, got \"yes\"");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"hiden", {8}}}) ==
        "/model/hiden: unknown key; known keys here: activation, batchnorm, batchnorm_layers, "
        "batchnorm_position, bias_before_batchnorm, classes, dropout, hidden, init, std, type");
  CHECK(error_of({{"type", "resnet"}})
            .starts_with("/model/type: unknown model builder 'resnet'; known builders: "));
  CHECK(model_registry().contains("mlp"));
}

TEST_CASE(
    "mlp batchnorm_position after_activation: BN after the activation, dense keeps its bias") {
  const json layers = expand({{"type", "mlp"},
                              {"hidden", {20, 20}},
                              {"activation", "sigmoid"},
                              {"batchnorm", true},
                              {"batchnorm_position", "after_activation"}});
  CHECK(names(layers) == std::vector<std::string>{"fc1:dense", "sigmoid1:sigmoid", "bn1:batchnorm",
                                                  "fc2:dense", "sigmoid2:sigmoid", "bn2:batchnorm",
                                                  "fc3:dense"});
  CHECK(layers[0]["bias"] == true);
  CHECK(layers[3]["bias"] == true);
}

TEST_CASE("mlp batchnorm_layers: BN only in the hidden layers named") {
  const json first = expand({{"type", "mlp"},
                             {"hidden", {20, 20, 20}},
                             {"batchnorm", {{"momentum", 0.01}}},
                             {"batchnorm_layers", {1}}});
  CHECK(names(first) == std::vector<std::string>{"fc1:dense", "bn1:batchnorm", "relu1:relu",
                                                 "fc2:dense", "relu2:relu", "fc3:dense",
                                                 "relu3:relu", "fc4:dense"});
  CHECK(first[0]["bias"] == false);
  CHECK(first[3]["bias"] == true);
  CHECK(first[1]["momentum"] == 0.01);
  const json last = expand(
      {{"type", "mlp"}, {"hidden", {20, 20, 20}}, {"batchnorm", true}, {"batchnorm_layers", {3}}});
  CHECK(names(last)[5] == "bn3:batchnorm");
  CHECK(last.size() == 8);
}

TEST_CASE("mlp bias_before_batchnorm keeps the dense bias BN would make redundant") {
  const json layers = expand(
      {{"type", "mlp"}, {"hidden", {20}}, {"batchnorm", true}, {"bias_before_batchnorm", true}});
  CHECK(names(layers) ==
        std::vector<std::string>{"fc1:dense", "bn1:batchnorm", "relu1:relu", "fc2:dense"});
  CHECK(layers[0]["bias"] == true);
}

TEST_CASE("mlp placement keys: errors name the key") {
  CHECK(error_of({{"type", "mlp"},
                  {"hidden", {8}},
                  {"batchnorm", true},
                  {"batchnorm_position", "middle"}}) ==
        "/model/batchnorm_position: expected one of \"before_activation\", \"after_activation\", "
        "got \"middle\"");
  CHECK(
      error_of(
          {{"type", "mlp"}, {"hidden", {8, 8}}, {"batchnorm", true}, {"batchnorm_layers", {3}}}) ==
      "/model/batchnorm_layers: expected hidden layer numbers from 1 to 2, got [3]");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"batchnorm_layers", {1}}}) ==
        "/model/batchnorm_layers: expected only with \"batchnorm\" on, got [1]");
  CHECK(error_of({{"type", "mlp"}, {"hidden", {8}}, {"bias_before_batchnorm", true}}) ==
        "/model/bias_before_batchnorm: expected only with \"batchnorm\" on, got true");
}
