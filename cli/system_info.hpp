#pragma once
// What a speed number was measured on: the CPU's vector extensions, the BLAS
// build and kernel (and who chose it), thread counts, peak memory (like
// torch.__config__.show()). Used by `minima info` and `minima bench`; the
// facts themselves come from the core (cpu_features, blas_kernel).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/platform/blas_kernel.hpp>

namespace minima {

struct SystemInfo {
  std::string cpu_model;                       // /proc/cpuinfo "model name"
  int logical_cpus = 0;                        // usable by this process
  std::vector<std::string> vector_extensions;  // present of: sse4_2 avx avx2 fma avx512f ...
  std::string blas_config;                     // openblas_get_config()
  std::string blas_corename;                   // kernel in use, e.g. "Haswell"
  std::string kernel_isa;                      // what that kernel uses: "avx512", "avx2", ...
  std::string cpu_isa;                         // the widest the CPU offers
  std::string coretype_env;                    // OPENBLAS_CORETYPE, empty when unset
  BlasKernelDecision kernel;                   // who chose the kernel, why, and any warning
  int threads = 0;                             // default_threads(): the most minima uses
};

SystemInfo system_info();
// Human-readable lines ("cpu: ...", "blas: ...") and the same as JSON.
std::string describe(const SystemInfo& info);
nlohmann::json to_json(const SystemInfo& info);

// Peak resident set size of this process in bytes (getrusage ru_maxrss).
int64_t peak_rss_bytes();

}  // namespace minima
