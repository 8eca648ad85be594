#include <minima/models/mlp.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <minima/models/model_keys.hpp>
#include <minima/nn/model_builder.hpp>

namespace minima {

MINIMA_REGISTER(model_registry(), "mlp", build_mlp);

namespace {

// Where the mlp puts BatchNorm: "batchnorm_position" (before or after the
// activation) and "batchnorm_layers" (the hidden layers that get one,
// numbered from 1; all by default), read only with "batchnorm" on.
struct MlpBatchNormPlacement {
  bool after_activation = false;
  std::vector<bool> in_layer;  // per hidden layer
};

MlpBatchNormPlacement read_mlp_placement(ConfigObject& spec, const BatchNormKey& batchnorm,
                                         size_t hidden_layers) {
  const std::string position = spec.get<std::string>("batchnorm_position", "before_activation");
  spec.expect(position == "before_activation" || position == "after_activation",
              "batchnorm_position", one_of({"before_activation", "after_activation"}));
  spec.expect(batchnorm.on || !spec.has("batchnorm_position"), "batchnorm_position",
              "only with \"batchnorm\" on");
  MlpBatchNormPlacement placement{position == "after_activation",
                                  std::vector<bool>(hidden_layers, batchnorm.on)};
  spec.accept({"batchnorm_layers"});
  if (!spec.has("batchnorm_layers")) return placement;
  const std::vector<int64_t> numbers = spec.get<std::vector<int64_t>>("batchnorm_layers", {});
  spec.expect(batchnorm.on, "batchnorm_layers", "only with \"batchnorm\" on");
  std::fill(placement.in_layer.begin(), placement.in_layer.end(), false);
  for (int64_t i : numbers) {
    spec.expect(i >= 1 && i <= int64_t(hidden_layers), "batchnorm_layers",
                "hidden layer numbers from 1 to " + std::to_string(hidden_layers));
    placement.in_layer[size_t(i - 1)] = true;
  }
  return placement;
}

}  // namespace

json build_mlp(ConfigObject& spec) {
  const std::vector<int64_t> hidden = read_sizes(
      spec, "hidden", spec.required<std::vector<int64_t>>("hidden"), "units", "a dense layer");
  const std::string activation = read_activation(spec, "relu");
  const BatchNormKey batchnorm = read_batchnorm(spec);
  const MlpBatchNormPlacement placement = read_mlp_placement(spec, batchnorm, hidden.size());
  const bool bias_before_batchnorm = spec.get<bool>("bias_before_batchnorm", false);
  spec.expect(batchnorm.on || !bias_before_batchnorm, "bias_before_batchnorm",
              "only with \"batchnorm\" on");
  const WeightKeys weights = read_weight_keys(spec);
  const int64_t classes = read_classes(spec);
  const double dropout = spec.get<double>("dropout", 0.0);
  spec.expect(dropout >= 0 && dropout < 1, "dropout", "a probability in [0, 1)");

  json layers = json::array();
  for (size_t i = 0; i < hidden.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    const bool bn_after_dense = placement.in_layer[i] && !placement.after_activation;
    // BN's beta replaces the bias of the dense layer right before it.
    layers.push_back(
        dense_spec(i + 1, hidden[i], !bn_after_dense || bias_before_batchnorm, weights));
    if (bn_after_dense) layers.push_back(batchnorm.layer(i + 1));
    layers.push_back({{"type", activation}, {"name", activation + n}});
    if (placement.in_layer[i] && placement.after_activation)
      layers.push_back(batchnorm.layer(i + 1));
    if (dropout > 0)
      layers.push_back({{"type", "dropout"}, {"name", "dropout" + n}, {"p", dropout}});
  }
  layers.push_back(dense_spec(hidden.size() + 1, classes, true, weights));
  return layers;
}

}  // namespace minima
