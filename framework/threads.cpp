#include "framework/threads.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "framework/blas.hpp"
#include "framework/parallel.hpp"

namespace minima {

void set_threads(int threads) {
  // OpenBLAS's own threads would spin for about 0.1 s after each call,
  // taking the second core from the loops between GEMMs (docs/speed.md).
  set_blas_threads(1);
  set_parallel_threads(threads);
}

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  int cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? std::max(1, CPU_COUNT(&set)) : 1;
  // cgroup v2 "<quota> <period>" in microseconds, or "max <period>" without a quota.
  std::ifstream quota_file("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (quota_file >> quota >> period && quota != "max" && period > 0)
    cpus = std::clamp(int(std::ceil(std::stod(quota) / period)), 1, cpus);
  return cpus;
}

int default_threads() {
  int cpus = available_cpus();
  // A user's OPENBLAS_NUM_THREADS / OMP_NUM_THREADS is a ceiling, not a hint.
  for (const char* var : {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"})
    if (const char* value = std::getenv(var); value && std::atoi(value) > 0) cpus = std::min(cpus, std::atoi(value));
  return cpus;
}

int64_t dense_macs_per_sample(const Graph& graph) {
  int64_t macs = 0;
  for (size_t i = 0; i < graph.size(); ++i)
    for (const Param* p : graph.layer(i).params())
      if (p->value.shape().rank() == 2) macs += p->value.numel();  // a [H, D] weight: D * H per sample
  return macs;
}

int choose_threads(const Graph& graph, int64_t batch) {
  // One more thread per 16M multiply-adds in a forward pass. Measured on 2
  // cores, step ms on 1 vs 2 threads (`minima bench`, the range over a
  // quiet and a busy host): paper (6M at batch 60) 0.33 vs 0.26-0.37, relu
  // (34M) 1.72 vs 0.92-1.20, wide (477M) 26.5 vs 13.5-15.5. Small steps gain
  // little from a second core and lose much when the host is busy.
  constexpr double kMacsPerThread = 16e6;
  const double macs = double(dense_macs_per_sample(graph)) * double(batch);
  return std::clamp(int(macs / kMacsPerThread), 1, default_threads());
}

}  // namespace minima
