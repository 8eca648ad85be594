#pragma once
// How many threads minima computes with, and setting them. One pool
// (parallel.hpp) runs minima's loops and its GEMMs: gemm() splits a large
// product into one single-threaded OpenBLAS call per pool thread, so
// nothing else spins on the cores between them.

namespace minima {

// Sizes the pool to `threads` and keeps OpenBLAS on one thread.
void set_threads(int threads);

// The most threads minima uses: the CPUs this process may use, capped by
// OPENBLAS_NUM_THREADS / OMP_NUM_THREADS.
int default_threads();

// CPUs this process may use: its affinity mask, capped by a cgroup CPU
// quota (a container's --cpus) when there is one.
int available_cpus();

}  // namespace minima
