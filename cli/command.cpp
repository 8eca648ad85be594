#include <cctype>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/command.hpp"

namespace minima::cli {

std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}

bool register_command(Command command) {
  commands().push_back(std::move(command));
  return true;
}

const std::string& option_value(const std::vector<std::string>& args, size_t& i) {
  if (i + 1 >= args.size()) throw UsageError(args[i] + " needs a value");
  return args[++i];
}

int64_t integer_option(const std::vector<std::string>& args, size_t& i, int64_t lo, int64_t hi) {
  const std::string& option = args[i];
  const std::string& text = option_value(args, i);
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      value < lo || value > hi) {
    const std::string expected =
        lo == 1 && hi >= std::numeric_limits<int>::max()
            ? "a positive integer"
            : "an integer " + std::to_string(lo) + ".." + std::to_string(hi);
    throw UsageError(option + " expects " + expected + ", got '" + text + "'");
  }
  return value;
}

}  // namespace minima::cli
