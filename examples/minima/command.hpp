#pragma once
// `minima <command> ...`: each command lives in its own cmd_<name>.cpp and
// registers itself with MINIMA_COMMAND, so main.cpp never changes.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace minima::cli {

struct Command {
  std::string name;
  std::string summary;  // one line for `minima --help`
  std::string usage;    // full text for `minima <name> --help`
  std::function<int(const std::vector<std::string>& args)> run;  // args after the command name
};

std::vector<Command>& commands();
bool register_command(Command command);

// An error in how a command was called: printed with its usage line, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace minima::cli

#define MINIMA_COMMAND_CONCAT_INNER(a, b) a##b
#define MINIMA_COMMAND_CONCAT(a, b) MINIMA_COMMAND_CONCAT_INNER(a, b)
#define MINIMA_COMMAND(...) \
  static const bool MINIMA_COMMAND_CONCAT(minima_command_, __LINE__) = ::minima::cli::register_command({__VA_ARGS__})
