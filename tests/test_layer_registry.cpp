// layer_registry(): type names -> layers, with errors that name the JSON
// pointer and list what exists.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include <minima/nn/layer_registry.hpp>
#include "tests/support.hpp"

using minima::json;
using minima::layer_registry;

namespace {

std::string create_error(const json& spec) {
  return minima::test::config_error([&] { minima::create_layer(spec, "/model/layers/2"); });
}

}  // namespace

TEST_CASE("registry: the core layers are registered, sorted") {
  const auto types = layer_registry().names();
  CHECK(std::is_sorted(types.begin(), types.end()));
  for (const char* t : {"batchnorm", "dense", "relu", "sigmoid", "tanh"}) {
    CAPTURE(t);
    CHECK(layer_registry().contains(t));
    CHECK(std::count(types.begin(), types.end(), t) == 1);
  }
  CHECK_FALSE(layer_registry().contains("Dense"));
}

TEST_CASE("registry: create() builds the named type with its keys") {
  auto layer = minima::create_layer(
      json{{"type", "dense"}, {"units", 5}, {"bias", false}, {"name", "fc"}}, "/model/layers/0");
  CHECK(layer->type() == "dense");
  CHECK(layer->config() == json{{"units", 5}, {"bias", false}, {"init", "he"}});
  CHECK(layer->name().empty());  // "name" and "inputs" are left to the caller
  CHECK(minima::create_layer(json{{"type", "relu"}, {"inputs", {"fc"}}}, "/x")->type() == "relu");
}

TEST_CASE("registry: an unknown type lists every known type") {
  std::string known;
  for (const std::string& t : layer_registry().names()) known += (known.empty() ? "" : ", ") + t;
  CHECK(create_error(json{{"type", "dens"}, {"units", 3}}) ==
        "/model/layers/2/type: unknown layer type 'dens'; known types: " + known);
}

TEST_CASE("registry: bad specs name the pointer of the bad value") {
  CHECK(create_error(json{{"units", 3}}) == "/model/layers/2/type: is required (a string)");
  CHECK(create_error(json{{"type", 3}}) == "/model/layers/2/type: expected a string, got 3");
  CHECK(create_error(json::array({"dense"})) ==
        "/model/layers/2: expected an object {...}, got [\"dense\"]");
  CHECK(create_error(json{{"type", "dense"}}) == "/model/layers/2/units: is required (an integer)");
  CHECK(create_error(json{{"type", "dense"}, {"units", 0}}) ==
        "/model/layers/2/units: expected a positive integer, got 0");
  CHECK(create_error(json{{"type", "dense"}, {"units", 3}, {"unit", 3}}) ==
        "/model/layers/2/unit: unknown key; known keys here: bias, init, inputs, name, std, type, "
        "units");
  CHECK(create_error(json{{"type", "relu"}, {"units", 3}}) ==
        "/model/layers/2/units: unknown key; known keys here: inputs, name, type");
  CHECK(create_error(json{{"type", "batchnorm"}, {"momentum", 2}}) ==
        "/model/layers/2/momentum: expected a number in [0, 1] or null, got 2");
  CHECK(create_error(json{{"type", "batchnorm"}, {"eps", 0}}) ==
        "/model/layers/2/eps: expected a positive number, got 0");
}

TEST_CASE("registry: a type cannot be registered twice") {
  const auto before = layer_registry().names();
  CHECK_THROWS_WITH_AS(
      layer_registry().add("dense", {[](minima::ConfigObject&) { return nullptr; }}),
      "layer type 'dense' is registered twice", std::logic_error);
  CHECK(layer_registry().names() == before);
  // The original factory still works.
  CHECK(minima::create_layer(json{{"type", "dense"}, {"units", 2}}, "/x")->type() == "dense");
}
