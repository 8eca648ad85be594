#pragma once
// Option declarations that several commands share, so that they read and
// behave alike everywhere (`--set KEY=VALUE`, whole-number ranges).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace minima::cli {

// `NAME VALUE`, given any number of times; each occurrence adds one value.
CLI::Option* add_repeatable_option(CLI::App& app, const std::string& name,
                                   std::vector<std::string>& values, const std::string& help);

// `--set KEY=VALUE` (or `--set=KEY=VALUE`), repeatable: config overrides by dotted path.
// A value without "=" (or with an empty KEY) is a command-line mistake.
CLI::Option* add_config_overrides(CLI::App& app, std::vector<std::string>& overrides,
                                  const std::string& help);

// Accepts only digits whose value lies in [lo, hi]; otherwise "expects a
// positive integer, got '<text>'" (lo = 1, hi at least INT_MAX) or "expects
// an integer lo..hi, got '<text>'".
CLI::Validator whole_number(int64_t lo = 1, int64_t hi = std::numeric_limits<int64_t>::max());

}  // namespace minima::cli
