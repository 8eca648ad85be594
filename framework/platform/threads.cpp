#include <minima/platform/threads.hpp>

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include <minima/core/blas.hpp>
#include <minima/core/parallel.hpp>

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
    if (const char* value = std::getenv(var); value && std::atoi(value) > 0)
      cpus = std::min(cpus, std::atoi(value));
  return cpus;
}

}  // namespace minima
