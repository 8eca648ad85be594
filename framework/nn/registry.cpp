#include <minima/nn/registry.hpp>

#include <algorithm>
#include <stdexcept>

namespace minima {

LayerRegistry& LayerRegistry::instance() {
  static LayerRegistry registry;
  return registry;
}

void LayerRegistry::add(const std::string& type, LayerFactory factory) {
  if (contains(type)) throw std::logic_error("layer type '" + type + "' is registered twice");
  factories_.emplace_back(type, std::move(factory));
}

bool LayerRegistry::contains(const std::string& type) const {
  return std::any_of(factories_.begin(), factories_.end(),
                     [&](const auto& f) { return f.first == type; });
}

std::vector<std::string> LayerRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& f : factories_) names.push_back(f.first);
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<Layer> LayerRegistry::create(const json& spec, const std::string& pointer) const {
  ConfigObject args(spec, pointer);
  const std::string type = args.required<std::string>("type");
  auto it = std::find_if(factories_.begin(), factories_.end(),
                         [&](const auto& f) { return f.first == type; });
  if (it == factories_.end()) {
    std::string known;
    for (const std::string& t : types()) known += (known.empty() ? "" : ", ") + t;
    throw ConfigError(args.pointer_to("type"),
                      "unknown layer type '" + type + "'; known types: " + known);
  }
  args.accept({"name", "inputs"});
  std::unique_ptr<Layer> layer;
  try {
    layer = it->second(args);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(pointer, e.what());
  }
  args.finish();
  return layer;
}

std::unique_ptr<Layer> make_layer(const std::string& type, const json& args) {
  if (!args.is_object())
    throw ConfigError("/", "make_layer(\"" + type + "\"): expected an object of layer keys");
  json spec = args;
  spec["type"] = type;
  return LayerRegistry::instance().create(spec, "");
}

}  // namespace minima
