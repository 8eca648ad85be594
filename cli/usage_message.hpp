#pragma once
// A CLI11 parse error in minima's words, e.g. "unknown option '--x'",
// "--resume needs a value", "--batch expects an integer 2..999999, got '1'".
#include <string>

#include <CLI/CLI.hpp>

namespace minima::cli {

// `app` is the (sub)command whose arguments failed to parse.
std::string usage_message(const CLI::ParseError& error, const CLI::App& app);

}  // namespace minima::cli
