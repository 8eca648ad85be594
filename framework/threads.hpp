#pragma once
// How many threads minima computes with, and setting them. One number
// serves both OpenBLAS and minima's own loops (parallel.hpp): they take
// turns within a step, so n threads each never oversubscribe n cores.
#include <cstdint>

#include "framework/graph.hpp"

namespace minima {

// Sets OpenBLAS's threads and the parallel_for pool's to `threads`.
void set_threads(int threads);

// How many threads a training step of `graph` at `batch` should use on
// this machine: one per 16M multiply-adds of a forward pass (a second
// thread slows the paper's 100-wide GEMMs down), never more than the CPUs
// this process may use or OPENBLAS_NUM_THREADS / OMP_NUM_THREADS.
int choose_threads(const Graph& graph, int64_t batch);
// Per-sample multiply-adds of the graph's dense layers (sum of D * H).
int64_t dense_macs_per_sample(const Graph& graph);
// CPUs this process may use: its affinity mask, capped by a cgroup CPU
// quota (a container's --cpus) when there is one.
int available_cpus();

}  // namespace minima
