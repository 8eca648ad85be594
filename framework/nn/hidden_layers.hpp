#pragma once
// The hidden nonlinearities of a network, whose inputs `minima compare`
// probes (the paper's Figure 1 b, c) and TensorBoard logs show as
// histograms: layers whose traits say they are activations (relu, sigmoid,
// tanh, ...) that are neither fed by the network's input nor the last layer.
#include <vector>

#include <minima/nn/graph.hpp>

namespace minima {

// Their indices in the graph, in graph order.
std::vector<size_t> hidden_activations(const Graph& model);

}  // namespace minima
