#include <minima/nn/hidden_layers.hpp>

namespace minima {

std::vector<size_t> hidden_activations(const Graph& model) {
  std::vector<size_t> out;
  for (size_t a = 0; a + 1 < model.size(); ++a)
    // an activation of the raw input is no hidden layer
    if (model.layer(a).traits().activation && model.inputs_of(a).at(0) != Graph::kInputName)
      out.push_back(a);
  return out;
}

}  // namespace minima
