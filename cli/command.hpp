#pragma once
// `minima <command> ...`: each command lives in its own cmd_<name>.cpp and
// registers itself with MINIMA_COMMAND, so main.cpp never changes.
#include <cstdint>
#include <functional>
#include <limits>
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

// The value after option args[i] (i moves onto it); "<option> needs a value"
// when there is none.
const std::string& option_value(const std::vector<std::string>& args, size_t& i);
// The same, as a whole number in [lo, hi]; otherwise "<option> expects a
// positive integer" (lo = 1, hi at least INT_MAX) or "an integer lo..hi".
int64_t integer_option(const std::vector<std::string>& args, size_t& i, int64_t lo = 1,
                       int64_t hi = std::numeric_limits<int64_t>::max());

}  // namespace minima::cli

#define MINIMA_COMMAND_CONCAT_INNER(a, b) a##b
#define MINIMA_COMMAND_CONCAT(a, b) MINIMA_COMMAND_CONCAT_INNER(a, b)
#define MINIMA_COMMAND(...)                                            \
  static const bool MINIMA_COMMAND_CONCAT(minima_command_, __LINE__) = \
      ::minima::cli::register_command({__VA_ARGS__})
