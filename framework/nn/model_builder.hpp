#pragma once
// Model builders expand a compact model spec into an explicit layer list:
//   {"type": "mlp", "hidden": [100, 100], ...}  ->  [{"type": "dense", ...}, ...]
// Each builder registers itself in its own file under models/ with
// MINIMA_REGISTER_MODEL, like layers do; nothing central lists builders.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/nn/registry.hpp>  // MINIMA_CONCAT

namespace minima {

// Reads the builder's own keys from `spec` ("type" is taken already) and
// returns the layer list ([{"type": ..., "name": ..., ...}, ...]).
using ModelBuilder = std::function<json(ConfigObject& spec)>;

class ModelBuilderRegistry {
 public:
  static ModelBuilderRegistry& instance();

  // Throws if `type` is taken.
  void add(const std::string& type, ModelBuilder builder);
  bool contains(const std::string& type) const;
  std::vector<std::string> types() const;  // sorted

  // Expands `spec` (an object with "type" and the builder's keys) into its
  // layer list. Unknown types and keys are ConfigErrors naming `pointer`.
  json expand(const json& spec, const std::string& pointer) const;

 private:
  std::map<std::string, ModelBuilder> builders_;
};

}  // namespace minima

// In a builder's .cpp: MINIMA_REGISTER_MODEL("mlp", build_mlp); build_mlp is
// a json(ConfigObject&) function.
#define MINIMA_REGISTER_MODEL(TYPE_NAME, FUNCTION)                           \
  static const bool MINIMA_CONCAT(minima_registered_model_, __LINE__) = [] { \
    ::minima::ModelBuilderRegistry::instance().add(TYPE_NAME, FUNCTION);     \
    return true;                                                             \
  }()
