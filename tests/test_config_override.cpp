// apply_override: dotted paths into a config (`--set a.b=v`, compare variants).
#include <doctest/doctest.h>

#include <string>

#include <minima/config/config_object.hpp>
#include <minima/config/config_override.hpp>
#include "tests/support.hpp"

using minima::apply_override;
using minima::json;
using minima::test::config_error;

namespace {

json sample_config() {
  return json::parse(R"({
    "seed": 1,
    "optimizer": {"type": "sgd", "lr": 0.1},
    "model": {"layers": [{"type": "dense", "units": 100}, {"type": "batchnorm"}, {"type": "dense", "units": 10}]}
  })");
}

}  // namespace

TEST_CASE("apply_override sets nested keys and list elements, leaving the rest alone") {
  json c = sample_config();
  apply_override(c, "optimizer.lr", 0.5);
  CHECK(c["optimizer"]["lr"] == 0.5);
  CHECK(c["optimizer"]["type"] == "sgd");
  apply_override(c, "model.layers.2.units", 7);
  CHECK(c["model"]["layers"][2]["units"] == 7);
  CHECK(c["model"]["layers"][0]["units"] == 100);
  apply_override(c, "seed", 9);
  CHECK(c["seed"] == 9);
  // The last key may be new (the config reader judges it later).
  apply_override(c, "model.layers.1.momentum", nullptr);
  CHECK(c["model"]["layers"][1].contains("momentum"));
  CHECK(c["model"]["layers"][1]["momentum"].is_null());
  // A whole subtree can be replaced.
  apply_override(c, "optimizer", json{{"type", "adam"}});
  CHECK(c["optimizer"] == json{{"type", "adam"}});
  apply_override(c, "model.layers.0", json{{"type", "relu"}});
  CHECK(c["model"]["layers"][0] == json{{"type", "relu"}});
}

TEST_CASE("apply_override errors name the JSON pointer of the bad step") {
  json c = sample_config();
  const json before = c;
  std::string pointer;
  CHECK(config_error([&] { apply_override(c, "model.layers.x.units", 1); }, &pointer) ==
        "/model/layers/x: expected a list index in override path 'model.layers.x.units'");
  CHECK(pointer == "/model/layers/x");
  CHECK(config_error([&] { apply_override(c, "model.layers.1x.units", 1); }) ==
        "/model/layers/1x: expected a list index in override path 'model.layers.1x.units'");
  CHECK(config_error([&] { apply_override(c, "model.layers.3.units", 1); }, &pointer) ==
        "/model/layers/3: list index out of range (the list has 3 items)");
  CHECK(pointer == "/model/layers/3");
  CHECK(config_error([&] { apply_override(c, "model.layer.0.units", 1); }, &pointer) ==
        "/model/layer: no such key to override (from 'model.layer.0.units')");
  CHECK(config_error([&] { apply_override(c, "optimizer.lr.value", 1); }, &pointer) ==
        "/optimizer/lr: cannot override inside a number (from 'optimizer.lr.value')");
  CHECK(config_error([&] { apply_override(c, "optimizer..lr", 1); }) ==
        "/optimizer: empty key in override path 'optimizer..lr'");
  CHECK(config_error([&] { apply_override(c, ".lr", 1); }) ==
        "/: empty key in override path '.lr'");
  CHECK(config_error([&] { apply_override(c, "optimizer.", 1); }) ==
        "/optimizer: empty key in override path 'optimizer.'");
  CHECK(config_error([&] { apply_override(c, "", 1); }) ==
        "/: an override needs a key path like optimizer.lr");
  CHECK(c == before);  // a failed override changes nothing
}

TEST_CASE("apply_override(\"path=value\") parses JSON values, else takes a string") {
  json c = sample_config();
  apply_override(c, "optimizer.lr=0.01");
  CHECK(c["optimizer"]["lr"].is_number_float());
  CHECK(c["optimizer"]["lr"] == 0.01);
  apply_override(c, "seed=42");
  CHECK(c["seed"].is_number_integer());
  CHECK(c["seed"] == 42);
  apply_override(c, "optimizer.type=adam");  // not JSON: a plain string
  CHECK(c["optimizer"]["type"] == "adam");
  apply_override(c, "optimizer.type=\"sgd\"");  // quoted JSON string
  CHECK(c["optimizer"]["type"] == "sgd");
  apply_override(c, "optimizer.nesterov=true");
  CHECK(c["optimizer"]["nesterov"] == true);
  apply_override(c, "model.layers.1.momentum=null");
  CHECK(c["model"]["layers"][1]["momentum"].is_null());
  apply_override(c, "model.hidden=[256, 128]");
  CHECK(c["model"]["hidden"] == json::array({256, 128}));
  apply_override(c, "optimizer.name=a=b");  // only the first '=' splits
  CHECK(c["optimizer"]["name"] == "a=b");
  apply_override(c, "optimizer.name=");
  CHECK(c["optimizer"]["name"] == "");
  CHECK(config_error([&] { apply_override(c, "optimizer.lr"); }) ==
        "/: expected key=value, got 'optimizer.lr'");
  CHECK(config_error([&] { apply_override(c, "nope.lr=1"); }) ==
        "/nope: no such key to override (from 'nope.lr')");
}
