#include <minima/models/mlp.hpp>

#include <string>
#include <vector>

#include <minima/models/model_keys.hpp>
#include <minima/nn/model_builder.hpp>

namespace minima {

MINIMA_REGISTER(model_registry(), "mlp", build_mlp);

json build_mlp(ConfigObject& spec) {
  const std::vector<int64_t> hidden = read_sizes(
      spec, "hidden", spec.required<std::vector<int64_t>>("hidden"), "units", "a dense layer");
  const std::string activation = read_activation(spec, "relu");
  const BatchNormKey batchnorm = read_batchnorm(spec);
  const WeightKeys weights = read_weight_keys(spec);
  const int64_t classes = read_classes(spec);
  const double dropout = spec.get<double>("dropout", 0.0);
  spec.expect(dropout >= 0 && dropout < 1, "dropout", "a probability in [0, 1)");

  json layers = json::array();
  for (size_t i = 0; i < hidden.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    layers.push_back(dense_spec(i + 1, hidden[i], !batchnorm.on, weights));
    if (batchnorm.on) layers.push_back(batchnorm.layer(i + 1));
    layers.push_back({{"type", activation}, {"name", activation + n}});
    if (dropout > 0)
      layers.push_back({{"type", "dropout"}, {"name", "dropout" + n}, {"p", dropout}});
  }
  layers.push_back(dense_spec(hidden.size() + 1, classes, true, weights));
  return layers;
}

}  // namespace minima
