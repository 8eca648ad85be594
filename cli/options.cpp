#include "cli/options.hpp"

#include <cctype>
#include <charconv>

namespace minima::cli {
namespace {

// Only digits (no sign, no space), within int64_t and [lo, hi].
bool is_whole_number_in(const std::string& text, int64_t lo, int64_t hi) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc{} && stop == end && value >= lo && value <= hi;
}

}  // namespace

CLI::Option* add_repeatable_option(CLI::App& app, const std::string& name,
                                   std::vector<std::string>& values, const std::string& help) {
  return app.add_option(name, values, help)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::Option* add_config_overrides(CLI::App& app, std::vector<std::string>& overrides,
                                  const std::string& help) {
  const CLI::Validator assignment(
      [](const std::string& text) {
        const size_t eq = text.find('=');
        return eq != std::string::npos && eq > 0
                   ? std::string()
                   : "expects KEY=VALUE (e.g. optimizer.lr=0.1), got '" + text + "'";
      },
      "KEY=VALUE");
  return add_repeatable_option(app, "--set", overrides, help)
      ->type_name("KEY=VALUE")
      ->check(assignment);
}

CLI::Validator whole_number(int64_t lo, int64_t hi) {
  const bool positive = lo == 1 && hi >= std::numeric_limits<int>::max();
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  const std::string expected = positive ? "a positive integer" : "an integer " + range;
  return CLI::Validator(
      [=](const std::string& text) {
        return is_whole_number_in(text, lo, hi) ? std::string()
                                                : "expects " + expected + ", got '" + text + "'";
      },
      positive ? "POSITIVE" : range);
}

}  // namespace minima::cli
