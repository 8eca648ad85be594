#pragma once
// What a run config trains, read from its settings, for the report's words.
#include <string>

#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// Whether the run config `config` normalizes with BatchNorm (a model
// builder's "batchnorm": true or BN settings, or in a layer list a layer
// whose type normalizes over the batch, LayerTraits).
bool uses_batchnorm(const nlohmann::json& config);

// What a run config trains, in one line made from its settings:
// "mlp 100-100-100 sigmoid, BN; sgd lr 2; batch 60; 5000 steps". Settings it
// lacks are left out.
std::string describe_run(const nlohmann::json& config);

// Each variant and its baseline (with results) of which exactly one uses
// BatchNorm, as {the one with BN, the one without}: the pairs a claim about
// BN is checked on.
std::vector<std::pair<const VariantSummary*, const VariantSummary*>> bn_pairs(
    const CompareSummary& summary);

}  // namespace minima::lesson
