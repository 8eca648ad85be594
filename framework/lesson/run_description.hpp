#pragma once
// What a run config trains, read from its settings, for the report's words.
#include <string>

#include <nlohmann/json.hpp>

namespace minima::lesson {

// Whether the run config `config` normalizes with BatchNorm (a model
// builder's "batchnorm": true or BN settings, or in a layer list a layer
// whose type normalizes over the batch, LayerTraits).
bool uses_batchnorm(const nlohmann::json& config);

// What a run config trains, in one line made from its settings:
// "mlp 100-100-100 sigmoid, BN; sgd lr 2; batch 60; 5000 steps". Settings it
// lacks are left out.
std::string describe_run(const nlohmann::json& config);

}  // namespace minima::lesson
