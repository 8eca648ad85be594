#include <minima/config/config_object.hpp>

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace minima {
namespace {

std::string show(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Per-type conversion with a description for error messages.
template <class T>
struct Reader;

template <>
struct Reader<int64_t> {
  static constexpr const char* what = "an integer";
  static constexpr const char* plural = "integers";
  static bool ok(const json& v) {
    if (v.is_number_integer()) return true;
    // 1e3 is a fine way to write 1000 in JSON.
    return v.is_number_float() && std::isfinite(v.get<double>()) &&
           std::floor(v.get<double>()) == v.get<double>() && std::fabs(v.get<double>()) < 9e15;
  }
  static int64_t read(const json& v) {
    return v.is_number_integer() ? v.get<int64_t>() : int64_t(v.get<double>());
  }
};
template <>
struct Reader<int> {
  static constexpr const char* what = "an integer";
  static constexpr const char* plural = "integers";
  static bool ok(const json& v) {
    if (!Reader<int64_t>::ok(v)) return false;
    const int64_t x = Reader<int64_t>::read(v);
    return x >= INT32_MIN && x <= INT32_MAX;
  }
  static int read(const json& v) { return int(Reader<int64_t>::read(v)); }
};
template <>
struct Reader<double> {
  static constexpr const char* what = "a number";
  static constexpr const char* plural = "numbers";
  static bool ok(const json& v) { return v.is_number(); }
  static double read(const json& v) { return v.get<double>(); }
};
template <>
struct Reader<float> {
  static constexpr const char* what = "a number";
  static constexpr const char* plural = "numbers";
  static bool ok(const json& v) { return v.is_number(); }
  static float read(const json& v) { return v.get<float>(); }
};
template <>
struct Reader<bool> {
  static constexpr const char* what = "true or false";
  static bool ok(const json& v) { return v.is_boolean(); }
  static bool read(const json& v) { return v.get<bool>(); }
};
template <>
struct Reader<std::string> {
  static constexpr const char* what = "a string";
  static constexpr const char* plural = "strings";
  static bool ok(const json& v) { return v.is_string(); }
  static std::string read(const json& v) { return v.get<std::string>(); }
};
template <class E>
struct Reader<std::vector<E>> {
  static std::string what_text() { return std::string("a list of ") + Reader<E>::plural; }
  static bool ok(const json& v) {
    if (!v.is_array()) return false;
    for (const json& e : v)
      if (!Reader<E>::ok(e)) return false;
    return true;
  }
  static std::vector<E> read(const json& v) {
    std::vector<E> out;
    for (const json& e : v) out.push_back(Reader<E>::read(e));
    return out;
  }
};

template <class T>
std::string describe() {
  if constexpr (requires { Reader<T>::what_text(); })
    return Reader<T>::what_text();
  else
    return Reader<T>::what;
}

// "expected <what T is>, got <v>"; for a whole number beyond int, its range.
template <class T>
std::string mismatch(const json& v) {
  if constexpr (std::is_same_v<T, int>)
    if (Reader<int64_t>::ok(v))
      return "expected an integer from " + std::to_string(INT32_MIN) + " to " +
             std::to_string(INT32_MAX) + ", got " + show(v);
  return "expected " + describe<T>() + ", got " + show(v);
}

}  // namespace

std::string one_of(const std::vector<std::string>& choices) {
  std::string text = "one of ";
  for (size_t i = 0; i < choices.size(); ++i) text += (i ? ", \"" : "\"") + choices[i] + "\"";
  return text;
}

ConfigError::ConfigError(const std::string& pointer, const std::string& message)
    : std::runtime_error(pointer + ": " + message), pointer_(pointer), message_(message) {}

ConfigError ConfigError::in_file(const std::string& path) const {
  return ConfigError(path + ": " + pointer_, message_);
}

ConfigObject::ConfigObject(const json& object, std::string pointer)
    : object_(object), pointer_(std::move(pointer)) {
  if (!object_.is_object())
    throw ConfigError(pointer_.empty() ? "/" : pointer_,
                      "expected an object {...}, got " + show(object_));
}

template <class T>
T ConfigObject::required(const std::string& key) {
  known_.insert(key);
  if (!object_.contains(key))
    throw ConfigError(pointer_to(key), "is required (" + describe<T>() + ")");
  const json& v = object_.at(key);
  if (!Reader<T>::ok(v)) throw ConfigError(pointer_to(key), mismatch<T>(v));
  return Reader<T>::read(v);
}

template <class T>
T ConfigObject::get(const std::string& key, T fallback) {
  known_.insert(key);
  if (!object_.contains(key)) return fallback;
  return required<T>(key);
}

template <class T>
std::optional<T> ConfigObject::get_nullable(const std::string& key, std::optional<T> fallback) {
  known_.insert(key);
  if (!object_.contains(key)) return fallback;
  if (object_.at(key).is_null()) return std::nullopt;
  return required<T>(key);
}

ConfigObject ConfigObject::child(const std::string& key) {
  known_.insert(key);
  if (!object_.contains(key)) throw ConfigError(pointer_to(key), "is required (an object {...})");
  return ConfigObject(object_.at(key), pointer_to(key));
}

const json& ConfigObject::raw(const std::string& key) {
  known_.insert(key);
  if (!object_.contains(key)) throw ConfigError(pointer_to(key), "is required");
  return object_.at(key);
}

void ConfigObject::accept(std::initializer_list<const char*> keys) {
  for (const char* k : keys) known_.insert(k);
}

void ConfigObject::accept(const std::string& key) { known_.insert(key); }

void ConfigObject::expect(bool ok, const std::string& key, const std::string& expected) const {
  if (ok) return;
  std::string got = object_.contains(key) ? ", got " + show(object_.at(key)) : "";
  throw ConfigError(pointer_to(key), "expected " + expected + got);
}

void ConfigObject::finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (known_.count(key)) continue;
    std::string list;
    for (const std::string& k : known_) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(pointer_to(key),
                      "unknown key; known keys here: " + (list.empty() ? "(none)" : list));
  }
}

#define MINIMA_INSTANTIATE(T)                               \
  template T ConfigObject::required<T>(const std::string&); \
  template T ConfigObject::get<T>(const std::string&, T);   \
  template std::optional<T> ConfigObject::get_nullable<T>(const std::string&, std::optional<T>);
MINIMA_INSTANTIATE(int)
MINIMA_INSTANTIATE(int64_t)
MINIMA_INSTANTIATE(double)
MINIMA_INSTANTIATE(float)
MINIMA_INSTANTIATE(bool)
MINIMA_INSTANTIATE(std::string)
MINIMA_INSTANTIATE(std::vector<int>)
MINIMA_INSTANTIATE(std::vector<int64_t>)
MINIMA_INSTANTIATE(std::vector<double>)
MINIMA_INSTANTIATE(std::vector<std::string>)
#undef MINIMA_INSTANTIATE

}  // namespace minima
