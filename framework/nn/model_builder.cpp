#include <minima/nn/model_builder.hpp>

#include <stdexcept>

namespace minima {

ModelBuilderRegistry& ModelBuilderRegistry::instance() {
  static ModelBuilderRegistry registry;
  return registry;
}

void ModelBuilderRegistry::add(const std::string& type, ModelBuilder builder) {
  if (!builders_.emplace(type, std::move(builder)).second)
    throw std::logic_error("model builder '" + type + "' is registered twice");
}

bool ModelBuilderRegistry::contains(const std::string& type) const {
  return builders_.count(type) > 0;
}

std::vector<std::string> ModelBuilderRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& [type, builder] : builders_) names.push_back(type);
  return names;
}

json ModelBuilderRegistry::expand(const json& spec, const std::string& pointer) const {
  ConfigObject args(spec, pointer);
  const std::string type = args.required<std::string>("type");
  auto it = builders_.find(type);
  if (it == builders_.end()) {
    std::string known;
    for (const std::string& t : types()) known += (known.empty() ? "" : ", ") + t;
    throw ConfigError(args.pointer_to("type"),
                      "unknown model builder '" + type + "'; known builders: " + known);
  }
  json layers = it->second(args);
  args.finish();
  return layers;
}

}  // namespace minima
