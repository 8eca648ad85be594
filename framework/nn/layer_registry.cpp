#include <minima/nn/layer_registry.hpp>

#include <stdexcept>

#include <minima/config/option_error.hpp>

namespace minima {

Registry<LayerEntry>& layer_registry() {
  static Registry<LayerEntry> registry("layer type", "known types");
  return registry;
}

std::vector<std::string> activation_types() {
  std::vector<std::string> types;
  for (const std::string& type : layer_registry().names())
    if (layer_registry().find(type)->traits.activation) types.push_back(type);
  return types;
}

const LayerTraits& layer_traits(const std::string& type) {
  const LayerEntry* entry = layer_registry().find(type);
  return entry ? entry->traits : Layer::kTraits;
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
  if (layer->traits() != entry.traits)  // a kTraits without its traits() override
    throw std::logic_error("layer type '" + type +
                           "': traits() differs from the kTraits it was registered with");
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
