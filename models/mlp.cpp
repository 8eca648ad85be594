#include <minima/models/mlp.hpp>

#include <string>
#include <vector>

#include <minima/nn/model_builder.hpp>

namespace minima {

MINIMA_REGISTER_MODEL("mlp", build_mlp);

json build_mlp(ConfigObject& spec) {
  const std::vector<int> hidden = spec.required<std::vector<int>>("hidden");
  const std::string activation = spec.get<std::string>("activation", "relu");
  const bool batchnorm = spec.get<bool>("batchnorm", false);
  const std::string init = spec.get<std::string>("init", "he");
  const double std = spec.get<double>("std", 0.01);
  const int64_t classes = spec.get<int64_t>("classes", 10);
  const double dropout = spec.get<double>("dropout", 0.0);

  for (size_t i = 0; i < hidden.size(); ++i)
    if (hidden[i] <= 0)
      throw ConfigError(spec.pointer_to("hidden") + "/" + std::to_string(i),
                        "expected a positive number of units, got " + std::to_string(hidden[i]));
  spec.expect(activation == "relu" || activation == "sigmoid" || activation == "tanh", "activation",
              "one of \"relu\", \"sigmoid\", \"tanh\"");
  spec.expect(init == "he" || init == "xavier" || init == "gaussian" || init == "zeros", "init",
              "one of \"he\", \"xavier\", \"gaussian\", \"zeros\"");
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
    layers.push_back(dense(int(i + 1), hidden[i], !batchnorm));
    if (batchnorm) layers.push_back({{"type", "batchnorm"}, {"name", "bn" + n}});
    layers.push_back({{"type", activation}, {"name", activation + n}});
    if (dropout > 0)
      layers.push_back({{"type", "dropout"}, {"name", "dropout" + n}, {"p", dropout}});
  }
  layers.push_back(dense(int(hidden.size() + 1), classes, true));
  return layers;
}

}  // namespace minima
