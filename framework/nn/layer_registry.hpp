#pragma once
// The layer registry: JSON type name -> how to make that layer, and the
// traits its class declares (LayerTraits). Each layer registers itself in
// its own .cpp with one line and nothing central lists layers:
//   MINIMA_REGISTER_LAYER("dense", Dense);  // Dense(ConfigObject&) reads its keys
// An activation is a layer whose traits say so (layers/activation.hpp).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/config/registry.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

struct LayerEntry {
  // Reads the layer's own keys from `args` (type/name/inputs are taken already).
  std::function<std::unique_ptr<Layer>(ConfigObject& args)> make;
  // The class's kTraits: what every layer it makes returns from traits().
  // traits.activation: what a model builder may place after a dense layer
  // as its activation.
  LayerTraits traits{};
};

// Unknown names read "unknown layer type 'x'; known types: add, batchnorm, ...".
Registry<LayerEntry>& layer_registry();

// The types registered as activations, sorted.
std::vector<std::string> activation_types();

// The traits of a registered type, for code that holds a config and not a
// built layer (the batch-of-one check); none for an unknown type.
const LayerTraits& layer_traits(const std::string& type);

// The entry of a layer class whose constructor takes the ConfigObject.
template <class L>
LayerEntry layer_entry() {
  return {[](ConfigObject& args) -> std::unique_ptr<Layer> { return std::make_unique<L>(args); },
          L::kTraits};
}

// Builds the layer described by `spec` (an object with "type" and the
// layer's keys; "name" and "inputs" are accepted and left to the caller).
// Unknown types and keys, and options a layer refuses, are ConfigErrors
// naming the pointer of the value at fault (`pointer` is the layer's).
std::unique_ptr<Layer> create_layer(const json& spec, const std::string& pointer);

// Builds a registered layer by name with the keys a config would give it:
//   make_layer("dense", {{"units", 100}})
// From C++, the typed constructors say the same without JSON: Dense(100).
std::unique_ptr<Layer> make_layer(const std::string& type, const json& args = json::object());

}  // namespace minima

// In a layer's .cpp: MINIMA_REGISTER_LAYER("dense", Dense); Dense must have a
// constructor taking ConfigObject&.
#define MINIMA_REGISTER_LAYER(TYPE_NAME, CLASS) \
  MINIMA_REGISTER(::minima::layer_registry(), TYPE_NAME, ::minima::layer_entry<CLASS>())
