#include <minima/lesson/run_description.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima::lesson {

using nlohmann::json;

bool uses_batchnorm(const json& config) {
  const json model = config.value("model", json::object());
  const json builder_key = model.value("batchnorm", json(false));  // true or BN settings
  if (builder_key.is_object() || builder_key == json(true)) return true;
  for (const json& layer : model.value("layers", json::array()))
    if (layer.is_object() && layer_traits(layer.value("type", "")).normalizes_over_batch)
      return true;
  return false;
}

std::string describe_run(const json& config) {
  auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  std::vector<std::string> parts;
  const json model = config.value("model", json::object());
  if (model.contains("hidden") && model["hidden"].is_array()) {
    std::string hidden;
    for (const json& h : model["hidden"]) hidden += (hidden.empty() ? "" : "-") + text(h);
    parts.push_back(text(model.value("type", json("model"))) + " " + hidden + " " +
                    text(model.value("activation", json("relu"))) +
                    (uses_batchnorm(config) ? ", BN" : ", no BN"));
  } else if (model.contains("layers") && model["layers"].is_array()) {
    parts.push_back(std::to_string(model["layers"].size()) + " layers");
  }
  const json optimizer = config.value("optimizer", json::object());
  if (optimizer.contains("type"))
    parts.push_back(
        text(optimizer["type"]) + (optimizer.contains("lr") ? " lr " + text(optimizer["lr"]) : "") +
        (optimizer.contains("momentum") ? " momentum " + text(optimizer["momentum"]) : ""));
  const json train = config.value("train", json::object());
  if (train.contains("batch_size")) parts.push_back("batch " + text(train["batch_size"]));
  if (train.value("steps", json(0)) != json(0))
    parts.push_back(text(train["steps"]) + " steps");
  else if (train.contains("epochs"))
    parts.push_back(text(train["epochs"]) + " epochs");
  std::string line;
  for (const std::string& p : parts) line += (line.empty() ? "" : "; ") + p;
  return line;
}

std::vector<std::pair<const VariantSummary*, const VariantSummary*>> bn_pairs(
    const CompareSummary& summary) {
  std::vector<std::pair<const VariantSummary*, const VariantSummary*>> pairs;
  for (const VariantSummary& v : summary.variants) {
    const VariantSummary* base = baseline_of(summary, v);
    if (!base || v.seeds.empty() || uses_batchnorm(v.config) == uses_batchnorm(base->config))
      continue;
    pairs.push_back(uses_batchnorm(v.config) ? std::pair{&v, base} : std::pair{base, &v});
  }
  return pairs;
}

}  // namespace minima::lesson
