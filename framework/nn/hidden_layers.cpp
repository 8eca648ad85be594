#include <minima/nn/hidden_layers.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima {

std::vector<size_t> hidden_activations(const Graph& model) {
  std::vector<size_t> out;
  for (size_t a = 0; a + 1 < model.size(); ++a) {
    const LayerEntry* entry = layer_registry().find(model.layer(a).type());
    // an activation of the raw input is no hidden layer
    if (entry && entry->activation && model.inputs_of(a).at(0) != Graph::kInputName)
      out.push_back(a);
  }
  return out;
}

}  // namespace minima
