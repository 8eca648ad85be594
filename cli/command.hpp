#pragma once
// `minima <command> ...`: each command lives in its own cmd_<name>.cpp and
// adds itself to command_registry() with MINIMA_REGISTER, so main.cpp never
// changes when a command is added:
//   MINIMA_REGISTER(command_registry(), "train", (CommandEntry{"train a model", declare_train}));
// main.cpp gives each command a CLI11 subcommand, lets its entry declare the
// options there, parses, and calls the function the entry returned.
#include <functional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>
#include <minima/config/registry.hpp>

namespace minima::cli {

// Runs a command whose options were parsed; returns the exit status.
using CommandRun = std::function<int()>;

struct CommandEntry {
  std::string summary;  // one line for `minima --help`
  // Declares the command's options (and its description) on `app`, binding
  // them to variables the returned function reads when it runs.
  std::function<CommandRun(CLI::App& app)> declare;
};

Registry<CommandEntry>& command_registry();

// A mistake in how a command was called that the parser cannot see (a
// missing positional, options that go together): exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace minima::cli
