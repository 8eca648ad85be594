#include <minima/models/cnn.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <minima/models/model_keys.hpp>
#include <minima/nn/model_builder.hpp>

namespace minima {
namespace {

// "key": one whole number >= `least` for every stage, or a list of one per stage.
std::vector<int64_t> per_stage(ConfigObject& spec, const std::string& key, int64_t fallback,
                               size_t stages, int64_t least) {
  const std::string expected = "a whole number >= " + std::to_string(least) + " or a list of " +
                               std::to_string(stages) + " (one per conv stage)";
  spec.accept({key.c_str()});
  if (!spec.has(key)) return std::vector<int64_t>(stages, fallback);
  const json& value = spec.raw(key);
  std::vector<int64_t> values;
  if (value.is_number_integer())
    values.assign(stages, value.get<int64_t>());
  else if (value.is_array() && value.size() == stages &&
           std::all_of(value.begin(), value.end(),
                       [](const json& v) { return v.is_number_integer(); }))
    values = value.get<std::vector<int64_t>>();
  spec.expect(values.size() == stages, key, expected);
  for (int64_t v : values) spec.expect(v >= least, key, expected);
  return values;
}

}  // namespace

MINIMA_REGISTER(model_registry(), "cnn", build_cnn);

json build_cnn(ConfigObject& spec) {
  const std::vector<int64_t> conv = read_sizes(
      spec, "conv", spec.required<std::vector<int64_t>>("conv"), "channels", "a conv2d layer");
  spec.expect(!conv.empty(), "conv", "at least one conv stage (output channels)");
  const std::vector<int64_t> kernel = per_stage(spec, "kernel", 5, conv.size(), 1);
  const std::vector<int64_t> padding = per_stage(spec, "padding", 0, conv.size(), 0);
  const std::string pool = spec.get<std::string>("pool", "max");
  spec.expect(pool == "max" || pool == "avg", "pool", "\"max\" or \"avg\"");
  const std::vector<int64_t> dense = read_sizes(
      spec, "dense", spec.get<std::vector<int64_t>>("dense", {}), "units", "a dense layer");
  const std::string activation = read_activation(spec, "relu");
  const BatchNormKey batchnorm = read_batchnorm(spec);
  const WeightKeys weights = read_weight_keys(spec);
  const int64_t classes = read_classes(spec);

  json layers = json::array();
  int norms = 0, activations = 0;
  // BN (with batchnorm) and the activation after a weighted layer.
  auto normalize_and_activate = [&] {
    if (batchnorm.on) layers.push_back(batchnorm.layer(size_t(++norms)));
    layers.push_back({{"type", activation}, {"name", activation + std::to_string(++activations)}});
  };
  for (size_t i = 0; i < conv.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    json layer = {{"type", "conv2d"},    {"name", "conv" + n},    {"out_channels", conv[i]},
                  {"kernel", kernel[i]}, {"padding", padding[i]}, {"bias", !batchnorm.on}};
    weights.apply(layer);
    layers.push_back(layer);
    normalize_and_activate();
    layers.push_back({{"type", pool + "pool2d"}, {"name", "pool" + n}, {"kernel", 2}});
  }
  layers.push_back({{"type", "flatten"}, {"name", "flatten"}});
  for (size_t j = 0; j < dense.size(); ++j) {
    layers.push_back(dense_spec(j + 1, dense[j], !batchnorm.on, weights));
    normalize_and_activate();
  }
  layers.push_back(dense_spec(dense.size() + 1, classes, true, weights));
  return layers;
}

}  // namespace minima
