#include <minima/config/config_override.hpp>

#include <minima/config/config_object.hpp>

namespace minima {

void apply_override(json& config, const std::string& dotted_path, const json& value) {
  if (dotted_path.empty()) throw ConfigError("/", "an override needs a key path like optimizer.lr");
  json* node = &config;
  std::string pointer;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted_path.find('.', start);
    const std::string key =
        dotted_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty())
      throw ConfigError(pointer.empty() ? "/" : pointer,
                        "empty key in override path '" + dotted_path + "'");
    const bool last = dot == std::string::npos;
    json* next = nullptr;
    if (node->is_array()) {
      size_t index = 0;
      try {
        size_t used = 0;
        index = std::stoul(key, &used);
        if (used != key.size()) throw std::invalid_argument(key);
      } catch (const std::exception&) {
        throw ConfigError(pointer + "/" + key,
                          "expected a list index in override path '" + dotted_path + "'");
      }
      if (index >= node->size())
        throw ConfigError(pointer + "/" + key, "list index out of range (the list has " +
                                                   std::to_string(node->size()) + " items)");
      next = &(*node)[index];
    } else if (node->is_object()) {
      if (!last && !node->contains(key))
        throw ConfigError(pointer + "/" + key,
                          "no such key to override (from '" + dotted_path + "')");
      next = &(*node)[key];
    } else {
      throw ConfigError(pointer, "cannot override inside a " + std::string(node->type_name()) +
                                     " (from '" + dotted_path + "')");
    }
    pointer += "/" + key;
    node = next;
    if (last) break;
    start = dot + 1;
  }
  *node = value;
}

void apply_override(json& config, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ConfigError("/", "expected key=value, got '" + assignment + "'");
  const std::string text = assignment.substr(eq + 1);
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;
  apply_override(config, assignment.substr(0, eq), value);
}

}  // namespace minima
