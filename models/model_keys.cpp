#include <minima/models/model_keys.hpp>

#include <algorithm>
#include <limits>

#include <minima/layers/batchnorm.hpp>
#include <minima/layers/dense.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/weight_init.hpp>

namespace minima {

std::vector<int64_t> read_sizes(ConfigObject& spec, const std::string& key,
                                const std::vector<int64_t>& sizes, const std::string& unit,
                                const std::string& layer) {
  for (size_t i = 0; i < sizes.size(); ++i) {
    const std::string at = spec.pointer_to(key) + "/" + std::to_string(i);
    if (sizes[i] <= 0)
      throw ConfigError(
          at, "expected a positive number of " + unit + ", got " + std::to_string(sizes[i]));
    if (sizes[i] > std::numeric_limits<int>::max())
      throw ConfigError(at, std::to_string(sizes[i]) + " " + unit + " is more than the " +
                                std::to_string(std::numeric_limits<int>::max()) + " " + layer +
                                " can have");
  }
  return sizes;
}

std::string read_activation(ConfigObject& spec, const std::string& fallback) {
  const std::string activation = spec.get<std::string>("activation", fallback);
  const LayerEntry* entry = layer_registry().find(activation);
  spec.expect(entry && entry->traits.activation, "activation", one_of(activation_types()));
  return activation;
}

void WeightKeys::apply(json& layer) const {
  layer["init"] = init;
  if (init == "gaussian") layer["std"] = std;
}

WeightKeys read_weight_keys(ConfigObject& spec) {
  const DenseOptions defaults;
  WeightKeys keys{spec.get<std::string>("init", defaults.init),
                  spec.get<double>("std", defaults.std)};
  const std::vector<std::string>& inits = weight_inits();
  spec.expect(std::find(inits.begin(), inits.end(), keys.init) != inits.end(), "init",
              one_of(inits));
  spec.expect(keys.std > 0, "std", "a positive number");
  spec.expect(keys.init == "gaussian" || !spec.has("std"), "std",
              "only with \"init\": \"gaussian\"");
  return keys;
}

json dense_spec(size_t index, int64_t units, bool bias, const WeightKeys& weights) {
  json layer = {
      {"type", "dense"}, {"name", "fc" + std::to_string(index)}, {"units", units}, {"bias", bias}};
  weights.apply(layer);
  return layer;
}

int64_t read_classes(ConfigObject& spec) {
  const int64_t classes = spec.get<int64_t>("classes", 10);
  spec.expect(classes > 0, "classes", "a positive integer");
  return classes;
}

json BatchNormKey::layer(size_t index) const {
  json bn = {{"type", "batchnorm"}, {"name", "bn" + std::to_string(index)}};
  bn.update(settings);
  return bn;
}

BatchNormKey read_batchnorm(ConfigObject& spec) {
  spec.accept({"batchnorm"});
  if (!spec.has("batchnorm")) return {};
  const json& value = spec.raw("batchnorm");
  if (value.is_boolean()) return {value.get<bool>(), json::object()};
  spec.expect(value.is_object(), "batchnorm", "true, false or an object of batchnorm settings");
  ConfigObject settings(value, spec.pointer_to("batchnorm"));
  BatchNorm check(settings);
  settings.finish();
  return {true, value};
}

}  // namespace minima
