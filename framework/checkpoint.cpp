#include "framework/checkpoint.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "framework/safetensors.hpp"

namespace minima {

void save_model(const std::string& path, Graph& graph, const std::map<std::string, std::string>& metadata) {
  std::vector<TensorEntry> entries;
  for (const StateEntry& s : graph.state()) entries.push_back(to_entry(s.name, *s.tensor, s.integer));
  std::map<std::string, std::string> all_metadata = metadata;
  all_metadata.try_emplace("format", "pt");  // what transformers checks for PyTorch weights
  save_safetensors(path, entries, all_metadata);
}

void load_model(const std::string& path, Graph& graph) {
  const SafetensorsContents file = load_safetensors(path);
  const std::vector<StateEntry> state = graph.state();

  // Validate by copying into staging tensors; the graph is written only after all succeed.
  std::vector<Tensor> staged;
  std::set<std::string> model_names;
  for (const StateEntry& s : state) {
    model_names.insert(s.name);
    const TensorEntry* e = file.find(s.name);
    if (!e) throw std::runtime_error(path + ": missing tensor '" + s.name + "'");
    const std::string expected_dtype = s.integer ? "I64" : "F32";
    if (e->dtype != expected_dtype)
      throw std::runtime_error(path + ": tensor '" + s.name + "' has dtype " + e->dtype + " but the model expects " +
                               expected_dtype);
    staged.emplace_back(s.tensor->shape());
    copy_from_entry(*e, staged.back(), path);
  }
  for (const TensorEntry& e : file.tensors)
    if (!model_names.count(e.name))
      throw std::runtime_error(path + ": unexpected tensor '" + e.name + "' (the model has no such parameter or buffer)");

  for (size_t i = 0; i < state.size(); ++i)
    std::copy(staged[i].data(), staged[i].data() + staged[i].numel(), state[i].tensor->data());
}

}  // namespace minima
