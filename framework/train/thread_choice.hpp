#pragma once
// How many threads a training step should use.
#include <cstdint>

#include <minima/nn/graph.hpp>

namespace minima {

// How many threads a training step of `graph` at `batch` should use: one
// per 16M multiply-adds of a forward pass, at most default_threads().
int choose_threads(const Graph& graph, int64_t batch);
// Per-sample multiply-adds of the graph's weighted layers: D * H for a dense
// weight [H, D], O C k k * H' W' for a conv2d weight [O, C, k, k] applied at
// each of its output's H' W' positions.
int64_t weight_macs_per_sample(const Graph& graph);

}  // namespace minima
