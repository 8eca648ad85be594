#pragma once
// Keys the model builders ("mlp", "cnn") share, read and checked alike.
#include <cstdint>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>

namespace minima {

// "key": a list of positive sizes (units, channels), each at most INT_MAX;
// errors name the element, e.g. "/model/hidden/1: expected a positive
// number of units, got -3". `unit` names what a size counts ("units"),
// `layer` the kind of layer it sizes ("a dense layer").
std::vector<int64_t> read_sizes(ConfigObject& spec, const std::string& key,
                                const std::vector<int64_t>& sizes, const std::string& unit,
                                const std::string& layer);

// "activation": the type of a layer registered as an activation.
std::string read_activation(ConfigObject& spec, const std::string& fallback);

// "init" and "std" (only with init "gaussian") of the weighted layers, with
// the layers' defaults.
struct WeightKeys {
  std::string init;
  double std;
  // Writes "init" (and "std" with "gaussian") into a layer's config.
  void apply(json& layer) const;
};
WeightKeys read_weight_keys(ConfigObject& spec);

// Dense "fc<index>" with `units` outputs, its bias on or off, and `weights`' init.
json dense_spec(size_t index, int64_t units, bool bias, const WeightKeys& weights);

// "batchnorm": false (the default, no BN), true (BN with its default
// settings) or an object of the batchnorm layer's settings for every BN of
// the model, e.g. {"sync": true} (checked here, so a mistake names this key).
struct BatchNormKey {
  bool on = false;
  json settings = json::object();
  // Batchnorm "bn<index>" with the settings.
  json layer(size_t index) const;
};
BatchNormKey read_batchnorm(ConfigObject& spec);

// "classes": the number of outputs, positive (default 10).
int64_t read_classes(ConfigObject& spec);

}  // namespace minima
