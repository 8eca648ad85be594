#include "cli/usage_message.hpp"

namespace minima::cli {
namespace {

// CLI11 names the option first: "<option>: <what is wrong>".
std::pair<std::string, std::string> option_and_problem(const std::string& text) {
  const size_t colon = text.find(": ");
  if (colon == std::string::npos) return {"", text};
  return {text.substr(0, colon), text.substr(colon + 2)};
}

std::string unexpected(const std::string& argument, const CLI::App& app) {
  if (argument.starts_with("-")) return "unknown option '" + argument + "'";
  if (app.get_parent() == nullptr) return "unknown command '" + argument + "'";
  return "unexpected argument '" + argument + "'";
}

}  // namespace

std::string usage_message(const CLI::ParseError& error, const CLI::App& app) {
  if (dynamic_cast<const CLI::ExtrasError*>(&error) && !app.remaining().empty())
    return unexpected(app.remaining().front(), app);
  const auto [option, problem] = option_and_problem(error.what());
  // "--resume: 1 required TEXT missing"
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) && problem.ends_with(" missing"))
    return option + " needs a value";
  // "--steps: expects a positive integer, got '0'" (from whole_number)
  if (dynamic_cast<const CLI::ValidationError*>(&error) && !option.empty())
    return option + " " + problem;
  return error.what();
}

}  // namespace minima::cli
