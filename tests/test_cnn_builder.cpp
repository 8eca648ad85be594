// The "cnn" model builder: LeNet-5's layers and parameter count, BN placement
// and bias flags, PyTorch state names and shapes, per-stage keys, errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <minima/nn/graph.hpp>
#include <minima/nn/model_builder.hpp>
#include "tests/builder_support.hpp"

using namespace minima;
using minima::test::error_of;
using minima::test::expand;
using minima::test::names;

namespace {

const json kLeNet = {{"type", "cnn"},          {"conv", {6, 16}}, {"kernel", 5},
                     {"padding", {2, 0}},      {"pool", "avg"},   {"dense", {120, 84}},
                     {"activation", "sigmoid"}};

}  // namespace

TEST_CASE("cnn: LeNet-5 on 28x28 images, its layers and 61,706 parameters") {
  const json layers = expand(kLeNet);
  CHECK(names(layers) == std::vector<std::string>{
                             "conv1:conv2d", "sigmoid1:sigmoid", "pool1:avgpool2d", "conv2:conv2d",
                             "sigmoid2:sigmoid", "pool2:avgpool2d", "flatten:flatten", "fc1:dense",
                             "sigmoid3:sigmoid", "fc2:dense", "sigmoid4:sigmoid", "fc3:dense"});
  CHECK(layers[0] == json{{"type", "conv2d"},
                          {"name", "conv1"},
                          {"out_channels", 6},
                          {"kernel", 5},
                          {"padding", 2},
                          {"bias", true},
                          {"init", "he"}});
  CHECK(layers[3]["padding"] == 0);
  CHECK(layers[2] == json{{"type", "avgpool2d"}, {"name", "pool1"}, {"kernel", 2}});
  Graph g = Graph::from_json(layers, "/model/layers");
  g.build(Shape{1, 28, 28}, 1);
  CHECK(g.find("conv2")->output_shape() == Shape{16, 10, 10});
  CHECK(g.find("flatten")->output_shape() == Shape{400});
  // (6*25 + 6) + (16*6*25 + 16) + (400*120 + 120) + (120*84 + 84) + (84*10 + 10).
  CHECK(g.num_params() == 61706);
}

TEST_CASE("cnn with batchnorm: BN before each activation, no bias under it, PyTorch names") {
  json spec = kLeNet;
  spec["batchnorm"] = true;
  spec["pool"] = "max";
  const json layers = expand(spec);
  CHECK(names(layers) == std::vector<std::string>{
                             "conv1:conv2d", "bn1:batchnorm", "sigmoid1:sigmoid", "pool1:maxpool2d",
                             "conv2:conv2d", "bn2:batchnorm", "sigmoid2:sigmoid", "pool2:maxpool2d",
                             "flatten:flatten", "fc1:dense", "bn3:batchnorm", "sigmoid3:sigmoid",
                             "fc2:dense", "bn4:batchnorm", "sigmoid4:sigmoid", "fc3:dense"});
  CHECK(layers[0]["bias"] == false);
  CHECK(layers[9]["bias"] == false);
  CHECK(layers[15]["bias"] == true);
  Graph g = Graph::from_json(layers, "/model/layers");
  g.build(Shape{1, 28, 28}, 1);
  std::vector<std::string> state;
  for (const StateEntry& e : g.state()) state.push_back(e.name + " " + e.tensor->shape().str());
  for (const char* expected : {"conv1.weight [6, 1, 5, 5]", "bn1.weight [6]", "bn1.running_var [6]",
                               "bn2.running_mean [16]", "conv2.weight [16, 6, 5, 5]",
                               "fc1.weight [120, 400]", "bn3.running_var [120]", "fc3.bias [10]"})
    CHECK(std::find(state.begin(), state.end(), expected) != state.end());
  CHECK(std::find(state.begin(), state.end(), "conv1.bias [6]") == state.end());
}

TEST_CASE("cnn: kernel and padding per stage, defaults, no dense layers") {
  const json layers = expand({{"type", "cnn"}, {"conv", {4, 8}}, {"kernel", {3, 5}}});
  CHECK(names(layers) == std::vector<std::string>{"conv1:conv2d", "relu1:relu", "pool1:maxpool2d",
                                                  "conv2:conv2d", "relu2:relu", "pool2:maxpool2d",
                                                  "flatten:flatten", "fc1:dense"});
  CHECK(layers[0]["kernel"] == 3);
  CHECK(layers[3]["kernel"] == 5);
  CHECK(layers[3]["padding"] == 0);
  CHECK(layers[7]["units"] == 10);
}

TEST_CASE("cnn errors name the pointer") {
  CHECK(error_of({{"type", "cnn"}}).starts_with("/model/conv: is required"));
  CHECK(error_of({{"type", "cnn"}, {"conv", json::array()}}) ==
        "/model/conv: expected at least one conv stage (output channels), got []");
  CHECK(error_of({{"type", "cnn"}, {"conv", {6, 0}}}) ==
        "/model/conv/1: expected a positive number of channels, got 0");
  CHECK(
      error_of({{"type", "cnn"}, {"conv", {6, 16}}, {"padding", {2}}}) ==
      "/model/padding: expected a whole number >= 0 or a list of 2 (one per conv stage), got [2]");
  CHECK(error_of({{"type", "cnn"}, {"conv", {6}}, {"kernel", 0}}) ==
        "/model/kernel: expected a whole number >= 1 or a list of 1 (one per conv stage), got 0");
  CHECK(error_of({{"type", "cnn"}, {"conv", {6}}, {"pool", "min"}}) ==
        "/model/pool: expected \"max\" or \"avg\", got \"min\"");
  CHECK(error_of({{"type", "cnn"}, {"conv", {6}}, {"dense", {-1}}}) ==
        "/model/dense/0: expected a positive number of units, got -1");
  CHECK(error_of({{"type", "cnn"}, {"conv", {6}}, {"activation", "gelu"}}) ==
        "/model/activation: expected one of \"relu\", \"sigmoid\", \"tanh\", got \"gelu\"");
  CHECK(error_of({{"type", "cnn"}, {"conv", {6}}, {"hidden", {8}}}) ==
        "/model/hidden: unknown key; known keys here: activation, batchnorm, classes, conv, "
        "dense, init, kernel, padding, pool, std, type");
  CHECK(model_registry().contains("cnn"));
}
