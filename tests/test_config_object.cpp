// ConfigObject: strict reading of one config object; every error names the
// JSON pointer, and unknown keys list the known ones.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include "tests/support.hpp"

using minima::ConfigObject;
using minima::json;
using minima::test::config_error;

TEST_CASE("ConfigObject reads every supported type") {
  const json j =
      json::parse(R"({"i": 3, "big": 5000000000, "e3": 1e3, "d": 0.5, "f": 2, "b": true, "s": "sgd",
                                 "vi": [1, 2], "vd": [0.5, 1], "vs": ["a", "b"], "n": null})");
  ConfigObject c(j, "/x");
  CHECK(c.required<int>("i") == 3);
  CHECK(c.required<int64_t>("big") == 5000000000LL);
  CHECK(c.required<int>("e3") == 1000);  // 1e3 is a fine way to write an integer
  CHECK(c.required<double>("d") == 0.5);
  CHECK(c.required<float>("f") == 2.0f);
  CHECK(c.required<bool>("b"));
  CHECK(c.required<std::string>("s") == "sgd");
  CHECK(c.required<std::vector<int>>("vi") == std::vector<int>{1, 2});
  CHECK(c.required<std::vector<double>>("vd") == std::vector<double>{0.5, 1.0});
  CHECK(c.required<std::vector<std::string>>("vs") == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(c.get_nullable<double>("n", 0.1).has_value());
  CHECK(c.get_nullable<double>("absent", 0.1) == std::optional<double>(0.1));
  CHECK(c.get_nullable<double>("d", 0.1) == std::optional<double>(0.5));
  CHECK(c.get<int>("absent2", 7) == 7);
  CHECK(c.has("i"));
  CHECK_FALSE(c.has("absent"));
  CHECK_NOTHROW(c.finish());
}

TEST_CASE("ConfigObject type errors name the pointer, the expected type and the value") {
  const json j = json::parse(R"({"units": "ten", "half": 1.5, "huge": 3e9, "flag": 1, "name": 3,
                                 "sizes": [1, "x"], "rates": [0.1, true], "n": null})");
  ConfigObject c(j, "/model/layers/3");
  std::string pointer;
  CHECK(config_error([&] { c.required<int>("units"); }, &pointer) ==
        "/model/layers/3/units: expected an integer, got \"ten\"");
  CHECK(pointer == "/model/layers/3/units");
  CHECK(config_error([&] { c.get<int64_t>("half", 0); }) ==
        "/model/layers/3/half: expected an integer, got 1.5");
  CHECK(config_error([&] { c.get<int>("huge", 0); }) ==
        "/model/layers/3/huge: expected an integer from -2147483648 to 2147483647, got "
        "3000000000.0");
  CHECK(config_error([&] { c.get<bool>("flag", false); }) ==
        "/model/layers/3/flag: expected true or false, got 1");
  CHECK(config_error([&] { c.get<std::string>("name", ""); }) ==
        "/model/layers/3/name: expected a string, got 3");
  CHECK(config_error([&] { c.get<double>("n", 0.0); }) ==
        "/model/layers/3/n: expected a number, got null");
  CHECK(config_error([&] { c.get<std::vector<int>>("sizes", {}); }) ==
        "/model/layers/3/sizes: expected a list of integers, got [1,\"x\"]");
  CHECK(config_error([&] { c.get<std::vector<double>>("rates", {}); }) ==
        "/model/layers/3/rates: expected a list of numbers, got [0.1,true]");
  CHECK(config_error([&] { c.get<std::vector<std::string>>("units", {}); }) ==
        "/model/layers/3/units: expected a list of strings, got \"ten\"");
}

TEST_CASE("ConfigObject: missing required keys, and long values are shortened") {
  const json j = json::parse(
      R"({"text": "0123456789012345678901234567890123456789012345678901234567890123456789"})");
  ConfigObject c(j, "/data");
  CHECK(config_error([&] { c.required<int>("batch_size"); }) ==
        "/data/batch_size: is required (an integer)");
  CHECK(config_error([&] { c.child("sub"); }) == "/data/sub: is required (an object {...})");
  CHECK(config_error([&] { c.raw("raw"); }) == "/data/raw: is required");
  const std::string message = config_error([&] { c.required<int>("text"); });
  CHECK(message.size() < 120);
  CHECK(message.find("...") != std::string::npos);
}

TEST_CASE("ConfigObject: only objects, and the root pointer is \"/\"") {
  CHECK(config_error([] { ConfigObject(json::array(), ""); }) ==
        "/: expected an object {...}, got []");
  CHECK(config_error([] { ConfigObject(json(3), "/model"); }) ==
        "/model: expected an object {...}, got 3");
}

TEST_CASE("ConfigObject: unknown keys are refused, listing the keys read here") {
  const json j = json::parse(R"({"type": "dense", "units": 10, "unit": 3})");
  ConfigObject c(j, "/model/layers/0");
  c.required<std::string>("type");
  c.get<int>("units", 1);
  c.get<bool>("bias", true);  // known even though absent
  c.accept({"name", "inputs"});
  std::string pointer;
  CHECK(config_error([&] { c.finish(); }, &pointer) ==
        "/model/layers/0/unit: unknown key; known keys here: bias, inputs, name, type, units");
  CHECK(pointer == "/model/layers/0/unit");

  const json lone = json::parse(R"({"x": 1})");
  ConfigObject nothing_read(lone, "/train");
  CHECK(config_error([&] { nothing_read.finish(); }) ==
        "/train/x: unknown key; known keys here: (none)");
}

TEST_CASE("ConfigObject: child objects carry their pointer, expect() names the key") {
  const json j = json::parse(R"({"optimizer": {"lr": -1, "typo": 0}, "seed": 3})");
  ConfigObject root(j, "");
  ConfigObject opt = root.child("optimizer");
  CHECK(opt.pointer() == "/optimizer");
  const double lr = opt.required<double>("lr");
  CHECK(config_error([&] { opt.expect(lr > 0, "lr", "a positive number"); }) ==
        "/optimizer/lr: expected a positive number, got -1");
  CHECK(config_error([&] { opt.expect(false, "absent", "something"); }) ==
        "/optimizer/absent: expected something");
  CHECK(config_error([&] { opt.finish(); }) == "/optimizer/typo: unknown key; known keys here: lr");
  CHECK(root.raw("seed") == json(3));
  CHECK_NOTHROW(root.finish());
  CHECK(config_error([&] { root.child("seed"); }) == "/seed: expected an object {...}, got 3");
}
