#pragma once
// What a speed number was measured on: the CPU's vector extensions, the BLAS
// build and kernel, thread counts, peak memory, and a GEMM sanity check
// (like torch.__config__.show()). Used by `minima info` and `minima bench`.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  int threads = 0;                             // default_threads(): the most minima uses
  // Non-empty when the kernel in use is narrower than the CPU supports
  // (e.g. OPENBLAS_CORETYPE=Haswell on an AVX-512 CPU).
  std::string kernel_warning;
};

SystemInfo system_info();
// Human-readable lines ("cpu: ...", "blas: ...") and the same as JSON.
std::string describe(const SystemInfo& info);
nlohmann::json to_json(const SystemInfo& info);

// Which of the x86 vector extensions in `flags` (a /proc/cpuinfo flags line)
// matter for GEMM kernels, widest last.
std::vector<std::string> vector_extensions_from_flags(const std::string& flags);
// The widest instruction set among `extensions`: "avx512", "avx2", "avx", "sse".
std::string cpu_isa(const std::vector<std::string>& extensions);
// The instruction set an OpenBLAS kernel ("Haswell", "SkylakeX") is written
// for, or "" for a name this table does not know.
std::string kernel_isa(const std::string& corename);
// A warning when the kernel's set is narrower than the CPU's, else "".
std::string kernel_warning(const std::string& corename, const std::string& kernel_isa,
                           const std::string& cpu_isa, const std::string& coretype_env);

// Peak resident set size of this process in bytes (getrusage ru_maxrss).
int64_t peak_rss_bytes();

// Multiplies small random matrices (all four transpose combinations) with
// gemm() and with a double-precision loop; ok when every relative error is
// below float rounding for the inner dimension.
struct GemmCheck {
  bool ok = false;
  double max_error = 0.0;  // max |gemm - reference| / (|reference| + 1)
};
GemmCheck gemm_sanity_check();

}  // namespace minima
