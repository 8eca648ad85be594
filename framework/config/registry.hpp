#pragma once
// One way to register things by name. Layers, model builders, optimizers,
// schedules and the CLI's commands each keep a Registry of entries
// (factories), and every entry adds itself from its own .cpp:
//   MINIMA_REGISTER(optimizer_registry(), "sgd", make_sgd);
// Nothing central lists them; an unknown name is an error that lists the
// known ones.
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <minima/config/config_object.hpp>

namespace minima {

template <class Entry>
class Registry {
 public:
  // Messages read "unknown <what> 'x'; <known_label>: a, b".
  explicit Registry(std::string what, std::string known_label = "known")
      : what_(std::move(what)), known_label_(std::move(known_label)) {}

  // Throws std::logic_error if `name` is taken (two entries, one name).
  void add(const std::string& name, Entry entry) {
    if (!entries_.emplace(name, std::move(entry)).second)
      throw std::logic_error(what_ + " '" + name + "' is registered twice");
  }
  // Takes `name`'s entry out again, if there is one (a test's own entry).
  void remove(const std::string& name) { entries_.erase(name); }
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  // Sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> all;
    for (const auto& [name, entry] : entries_) all.push_back(name);
    return all;
  }
  // nullptr when `name` is unknown.
  const Entry* find(const std::string& name) const {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  // The entry a config names at JSON pointer `pointer`; a ConfigError there
  // when it is unknown.
  const Entry& at(const std::string& name, const std::string& pointer) const {
    if (const Entry* entry = find(name)) return *entry;
    throw ConfigError(pointer, unknown(name));
  }
  // "unknown <what> 'x'; <known_label>: a, b".
  std::string unknown(const std::string& name) const {
    std::string known;
    for (const auto& [entry_name, entry] : entries_)
      known += (known.empty() ? "" : ", ") + entry_name;
    return "unknown " + what_ + " '" + name + "'; " + known_label_ + ": " + known;
  }

 private:
  std::string what_, known_label_;
  std::map<std::string, Entry> entries_;
};

}  // namespace minima

#define MINIMA_CONCAT_INNER(a, b) a##b
#define MINIMA_CONCAT(a, b) MINIMA_CONCAT_INNER(a, b)
// At namespace scope in an entry's own .cpp: adds `entry` under `name` to
// `registry` when the program starts.
#define MINIMA_REGISTER(registry, name, entry)                       \
  static const bool MINIMA_CONCAT(minima_registered_, __COUNTER__) = \
      ((registry).add(name, entry), true)
