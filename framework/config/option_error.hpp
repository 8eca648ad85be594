#pragma once
// A typed option out of its range. Constructors that take C++ options throw
// it, e.g. Dense(0): "dense: units: expected a positive integer". A reader
// that filled those options from a config turns it into the ConfigError at
// the key's pointer (ConfigObject::expect), so each rule is written once.
#include <stdexcept>
#include <string>

namespace minima {

class OptionError : public std::invalid_argument {
 public:
  // `owner` names who was given the option ("dense").
  OptionError(const std::string& owner, std::string key, std::string expected);
  const std::string& key() const { return key_; }
  const std::string& expected() const { return expected_; }

 private:
  std::string key_, expected_;
};

// Throws OptionError(owner, key, expected) unless ok.
void expect_option(bool ok, const std::string& owner, const std::string& key,
                   const std::string& expected);

}  // namespace minima
