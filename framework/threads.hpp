#pragma once
// How many threads minima computes with, and setting them. One pool
// (parallel.hpp) runs minima's loops and its GEMMs: gemm() splits a large
// product into one single-threaded OpenBLAS call per pool thread, so
// nothing else spins on the cores between them.
#include <cstdint>

#include "framework/graph.hpp"

namespace minima {

// Sizes the pool to `threads` and keeps OpenBLAS on one thread.
void set_threads(int threads);

// The most threads minima uses: the CPUs this process may use, capped by
// OPENBLAS_NUM_THREADS / OMP_NUM_THREADS.
int default_threads();

// How many threads a training step of `graph` at `batch` should use: one
// per 16M multiply-adds of a forward pass, at most default_threads().
int choose_threads(const Graph& graph, int64_t batch);
// Per-sample multiply-adds of the graph's dense layers (sum of D * H).
int64_t dense_macs_per_sample(const Graph& graph);
// CPUs this process may use: its affinity mask, capped by a cgroup CPU
// quota (a container's --cpus) when there is one.
int available_cpus();

}  // namespace minima
