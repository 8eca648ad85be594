#pragma once
// Layer registry: JSON type name -> factory. Each layer registers itself in
// its own .cpp with MINIMA_REGISTER_LAYER; nothing central lists layers.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

// Reads the layer's own keys from `args` (type/name/inputs are taken already).
using LayerFactory = std::function<std::unique_ptr<Layer>(ConfigObject& args)>;

class LayerRegistry {
 public:
  static LayerRegistry& instance();

  // Throws if `type` is taken.
  void add(const std::string& type, LayerFactory factory);
  bool contains(const std::string& type) const;
  std::vector<std::string> types() const;  // sorted

  // Builds the layer described by `spec` (an object with "type" and the
  // layer's keys; "name" and "inputs" are accepted and left to the caller).
  // Unknown types and keys are ConfigErrors naming `pointer`.
  std::unique_ptr<Layer> create(const json& spec, const std::string& pointer) const;

 private:
  std::vector<std::pair<std::string, LayerFactory>> factories_;
};

// Builds a registered layer from C++ without a config file:
//   make_layer("dense", {{"units", 100}})
// `args` holds the layer's own keys, read exactly as in a config.
std::unique_ptr<Layer> make_layer(const std::string& type, const json& args = json::object());

}  // namespace minima

#define MINIMA_CONCAT_INNER(a, b) a##b
#define MINIMA_CONCAT(a, b) MINIMA_CONCAT_INNER(a, b)
// In a layer's .cpp: MINIMA_REGISTER_LAYER("dense", Dense); Dense must have a
// constructor taking ConfigObject&.
#define MINIMA_REGISTER_LAYER(TYPE_NAME, CLASS)                                        \
  static const bool MINIMA_CONCAT(minima_registered_, __LINE__) = [] {                 \
    ::minima::LayerRegistry::instance().add(TYPE_NAME, [](::minima::ConfigObject& a) { \
      return std::unique_ptr<::minima::Layer>(new CLASS(a));                           \
    });                                                                                \
    return true;                                                                       \
  }()
