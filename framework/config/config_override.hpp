#pragma once
// Dotted-path overrides of a JSON config: "optimizer.lr=0.1" (from
// `--set`) or {"model.batchnorm": false} (a compare variant).
#include <string>

#include <nlohmann/json.hpp>

namespace minima {

// Sets config[a][b][c] = value for path "a.b.c". A list element is named by
// its index ("model.layers.2.units"). Intermediate keys must exist (a typo
// must not create new branches); the last key may be new, and the config
// reader then judges it. Throws ConfigError naming the JSON pointer.
void apply_override(nlohmann::json& config, const std::string& dotted_path,
                    const nlohmann::json& value);

// "path=value": value is parsed as JSON when it is valid JSON (0.1, true,
// [1,2], "s", null), otherwise taken as a plain string (sgd).
void apply_override(nlohmann::json& config, const std::string& assignment);

}  // namespace minima
