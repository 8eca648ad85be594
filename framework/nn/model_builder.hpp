#pragma once
// Model builders expand a compact model spec into an explicit layer list:
//   {"type": "mlp", "hidden": [100, 100], ...}  ->  [{"type": "dense", ...}, ...]
// Each builder registers itself in its own file under models/, like layers:
//   MINIMA_REGISTER(model_registry(), "mlp", build_mlp);
#include <functional>
#include <string>

#include <minima/config/config_object.hpp>
#include <minima/config/registry.hpp>

namespace minima {

// Reads the builder's own keys from `spec` ("type" is taken already) and
// returns the layer list ([{"type": ..., "name": ..., ...}, ...]).
using ModelBuilder = std::function<json(ConfigObject& spec)>;

// Unknown names read "unknown model builder 'x'; known builders: mlp".
Registry<ModelBuilder>& model_registry();

// Expands `spec` (an object with "type" and the builder's keys) into its
// layer list. Unknown types and keys are ConfigErrors naming `pointer`.
json expand_model(const json& spec, const std::string& pointer);

}  // namespace minima
