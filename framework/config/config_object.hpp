#pragma once
// Strict, self-describing reading of one JSON object from a config.
// Every read names the key it accepts; finish() refuses any other key.
// Every error carries the JSON pointer of the offending value.
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace minima {

using json = nlohmann::json;

// An error in a config: "<pointer>: <what was expected>".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& pointer, const std::string& message);
  const std::string& pointer() const { return pointer_; }
  const std::string& message() const { return message_; }
  // The same error about file `path`: "<path>: <pointer>: <message>".
  ConfigError in_file(const std::string& path) const;

 private:
  std::string pointer_, message_;
};

// `one of "a", "b", "c"`: the choices an expect() message offers, in order.
std::string one_of(const std::vector<std::string>& choices);

class ConfigObject {
 public:
  // `pointer` is where `object` sits in the whole config, e.g. "/model/layers/3".
  ConfigObject(const json& object, std::string pointer);

  const std::string& pointer() const { return pointer_; }
  std::string pointer_to(const std::string& key) const { return pointer_ + "/" + key; }
  bool has(const std::string& key) const { return object_.contains(key); }

  // A required value of type T (int, int64_t, double, float, bool, std::string,
  // std::vector<int>, std::vector<double>, std::vector<std::string>).
  template <class T>
  T required(const std::string& key);
  // The value of `key`, or `fallback` when absent.
  template <class T>
  T get(const std::string& key, T fallback);
  // Like get(), but JSON null reads as std::nullopt (e.g. BN momentum: null).
  template <class T>
  std::optional<T> get_nullable(const std::string& key, std::optional<T> fallback);
  // A nested object, to be read the same way.
  ConfigObject child(const std::string& key);
  // The raw JSON of `key` (marks it as known).
  const json& raw(const std::string& key);
  // Marks keys as accepted without reading them (e.g. keys read elsewhere).
  void accept(std::initializer_list<const char*> keys);
  void accept(const std::string& key);  // one key, named at run time (a registered measurement)

  // Throws "<pointer>/<key>: expected <expected>" unless ok.
  void expect(bool ok, const std::string& key, const std::string& expected) const;
  // Throws for the first key no read accepted, listing the accepted ones.
  void finish() const;

 private:
  const json& object_;
  std::string pointer_;
  std::set<std::string> known_;
};

}  // namespace minima
