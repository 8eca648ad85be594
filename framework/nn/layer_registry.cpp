#include <minima/nn/layer_registry.hpp>

#include <minima/config/option_error.hpp>

namespace minima {

Registry<LayerEntry>& layer_registry() {
  static Registry<LayerEntry> registry("layer type", "known types");
  return registry;
}

std::vector<std::string> activation_types() {
  std::vector<std::string> types;
  for (const std::string& type : layer_registry().names())
    if (layer_registry().find(type)->activation) types.push_back(type);
  return types;
}

std::unique_ptr<Layer> create_layer(const json& spec, const std::string& pointer) {
  ConfigObject args(spec, pointer);
  const std::string type = args.required<std::string>("type");
  const LayerEntry& entry = layer_registry().at(type, args.pointer_to("type"));
  args.accept({"name", "inputs"});
  std::unique_ptr<Layer> layer;
  try {
    layer = entry.make(args);
  } catch (const ConfigError&) {
    throw;
  } catch (const OptionError& e) {
    args.expect(false, e.key(), e.expected());
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
  return create_layer(spec, "");
}

}  // namespace minima
