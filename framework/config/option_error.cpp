#include <minima/config/option_error.hpp>

namespace minima {

OptionError::OptionError(const std::string& owner, std::string key, std::string expected)
    : std::invalid_argument(owner + ": " + key + ": expected " + expected),
      key_(std::move(key)),
      expected_(std::move(expected)) {}

void expect_option(bool ok, const std::string& owner, const std::string& key,
                   const std::string& expected) {
  if (!ok) throw OptionError(owner, key, expected);
}

}  // namespace minima
