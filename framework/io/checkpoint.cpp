#include <minima/io/checkpoint.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <minima/io/safetensors.hpp>

namespace minima {
namespace {

// A NaN or infinite weight would make every prediction meaningless.
void check_finite(const Tensor& t, const std::string& name, const std::string& path) {
  for (int64_t k = 0; k < t.numel(); ++k)
    if (!std::isfinite(t[k]))
      throw std::runtime_error(path + ": tensor '" + name + "' holds " +
                               (std::isnan(t[k]) ? "NaN" : "an infinite value") + " at element " +
                               std::to_string(k) + " (weights must be finite)");
}

}  // namespace

void save_model(const std::string& path, Graph& graph,
                const std::map<std::string, std::string>& metadata) {
  std::vector<TensorEntry> entries;
  for (const StateEntry& s : graph.state())
    entries.push_back(to_entry(s.name, *s.tensor, s.integer));
  std::map<std::string, std::string> all_metadata = metadata;
  all_metadata.try_emplace("format", "pt");  // what transformers checks for PyTorch weights
  save_safetensors(path, entries, all_metadata);
}

void load_model(const std::string& path, Graph& graph) {
  const SafetensorsContents file = load_safetensors(path);
  const std::vector<StateEntry> state = graph.state();
  std::map<std::string, const TensorEntry*> by_name;
  for (const TensorEntry& e : file.tensors) by_name[e.name] = &e;

  // Validate by copying into staging tensors; the graph is written only after all succeed.
  std::vector<Tensor> staged;
  std::set<std::string> model_names;
  for (const StateEntry& s : state) {
    model_names.insert(s.name);
    const auto found = by_name.find(s.name);
    if (found == by_name.end())
      throw std::runtime_error(path + ": missing tensor '" + s.name + "'");
    const TensorEntry* e = found->second;
    const std::string expected_dtype = s.integer ? "I64" : "F32";
    if (e->dtype != expected_dtype)
      throw std::runtime_error(path + ": tensor '" + s.name + "' has dtype " + e->dtype +
                               " but the model expects " + expected_dtype);
    staged.emplace_back(s.tensor->shape());
    copy_from_entry(*e, staged.back(), path);
    check_finite(staged.back(), s.name, path);
  }
  for (const TensorEntry& e : file.tensors)
    if (!model_names.count(e.name))
      throw std::runtime_error(path + ": unexpected tensor '" + e.name +
                               "' (the model has no such parameter or buffer)");

  for (size_t i = 0; i < state.size(); ++i)
    std::copy(staged[i].data(), staged[i].data() + staged[i].numel(), state[i].tensor->data());
}

Normalization normalization_from_metadata(const std::map<std::string, std::string>& metadata,
                                          const std::string& path) {
  Normalization n;
  for (auto [key, value] : {std::pair{kMeanKey, &n.mean}, std::pair{kStdKey, &n.std}}) {
    auto it = metadata.find(key);
    if (it == metadata.end())
      throw std::runtime_error(path + ": metadata has no '" + key +
                               "' (not saved by minima train?)");
    char* end = nullptr;
    *value = std::strtof(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !std::isfinite(*value))
      throw std::runtime_error(path + ": metadata '" + key + "' is '" + it->second +
                               "', expected a number");
  }
  if (!(n.std > 0))
    throw std::runtime_error(path + ": metadata '" + std::string(kStdKey) + "' must be positive");
  return n;
}

}  // namespace minima
