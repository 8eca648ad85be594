#include <minima/models/mlp.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <minima/layers/dense.hpp>
#include <minima/models/batchnorm_option.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/model_builder.hpp>

namespace minima {

MINIMA_REGISTER(model_registry(), "mlp", build_mlp);

json build_mlp(ConfigObject& spec) {
  const DenseOptions dense_defaults;
  const std::vector<int64_t> hidden = spec.required<std::vector<int64_t>>("hidden");
  const std::string activation = spec.get<std::string>("activation", "relu");
  const json batchnorm = read_batchnorm_option(spec);
  const std::string init = spec.get<std::string>("init", dense_defaults.init);
  const double std = spec.get<double>("std", dense_defaults.std);
  const int64_t classes = spec.get<int64_t>("classes", 10);
  const double dropout = spec.get<double>("dropout", 0.0);

  for (size_t i = 0; i < hidden.size(); ++i) {
    const std::string at = spec.pointer_to("hidden") + "/" + std::to_string(i);
    if (hidden[i] <= 0)
      throw ConfigError(at,
                        "expected a positive number of units, got " + std::to_string(hidden[i]));
    if (hidden[i] > std::numeric_limits<int>::max())
      throw ConfigError(at, std::to_string(hidden[i]) + " units is more than the " +
                                std::to_string(std::numeric_limits<int>::max()) +
                                " a dense layer can have");
  }
  const LayerEntry* entry = layer_registry().find(activation);
  spec.expect(entry && entry->activation, "activation", one_of(activation_types()));
  const std::vector<std::string>& inits = Dense::inits();
  spec.expect(std::find(inits.begin(), inits.end(), init) != inits.end(), "init", one_of(inits));
  spec.expect(std > 0, "std", "a positive number");
  spec.expect(init == "gaussian" || !spec.has("std"), "std", "only with \"init\": \"gaussian\"");
  spec.expect(classes > 0, "classes", "a positive integer");
  spec.expect(dropout >= 0 && dropout < 1, "dropout", "a probability in [0, 1)");

  auto dense = [&](int index, int64_t units, bool bias) {
    json layer = {{"type", "dense"},
                  {"name", "fc" + std::to_string(index)},
                  {"units", units},
                  {"bias", bias},
                  {"init", init}};
    if (init == "gaussian") layer["std"] = std;
    return layer;
  };
  json layers = json::array();
  for (size_t i = 0; i < hidden.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    layers.push_back(dense(int(i + 1), hidden[i], batchnorm.is_null()));
    if (!batchnorm.is_null()) {
      json bn = {{"type", "batchnorm"}, {"name", "bn" + n}};
      bn.update(batchnorm);
      layers.push_back(bn);
    }
    layers.push_back({{"type", activation}, {"name", activation + n}});
    if (dropout > 0)
      layers.push_back({{"type", "dropout"}, {"name", "dropout" + n}, {"p", dropout}});
  }
  layers.push_back(dense(int(hidden.size() + 1), classes, true));
  return layers;
}

}  // namespace minima
