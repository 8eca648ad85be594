#pragma once
// Helpers for the model builder tests: expand a spec, list its layers as
// "name:type", and the ConfigError a spec gives.
#include <string>
#include <vector>

#include <minima/nn/model_builder.hpp>

namespace minima::test {

inline json expand(const json& spec) { return expand_model(spec, "/model"); }

inline std::vector<std::string> names(const json& layers) {
  std::vector<std::string> out;
  for (const json& layer : layers)
    out.push_back(layer["name"].get<std::string>() + ":" + layer["type"].get<std::string>());
  return out;
}

inline std::string error_of(const json& spec) {
  try {
    expand(spec);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace minima::test
