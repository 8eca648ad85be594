#include "cli/system_info.hpp"

#include <sys/resource.h>

#include <cstdlib>
#include <thread>

#include <minima/core/blas.hpp>
#include <minima/platform/cpu_features.hpp>
#include <minima/platform/threads.hpp>
#include <minima/train/run_system.hpp>

namespace minima {

SystemInfo system_info() {
  SystemInfo info;
  info.cpu_model = cpuinfo_field("model name");
  info.logical_cpus = int(std::thread::hardware_concurrency());
  info.vector_extensions = cpu_vector_extensions();
  info.blas_config = blas_config();
  info.blas_corename = blas_corename();
  info.kernel_isa = kernel_isa(info.blas_corename);
  info.cpu_isa = cpu_isa(info.vector_extensions);
  if (const char* env = std::getenv("OPENBLAS_CORETYPE")) info.coretype_env = env;
  info.kernel = blas_kernel_decision();
  info.threads = default_threads();
  return info;
}

std::string describe(const SystemInfo& info) {
  std::string ext;
  for (const std::string& e : info.vector_extensions) ext += (ext.empty() ? "" : " ") + e;
  std::string text =
      "cpu:     " + (info.cpu_model.empty() ? std::string("unknown") : info.cpu_model) + ", " +
      std::to_string(info.logical_cpus) + " logical CPUs\n" +
      "vector:  " + (ext.empty() ? std::string("none of the AVX family") : ext) +
      " (widest: " + info.cpu_isa + ")\n" + "blas:    " + info.blas_config + "\n" +
      "kernel:  " + info.blas_corename +
      (info.kernel_isa.empty() ? "" : " (" + info.kernel_isa + ")") + ", chosen by " +
      to_string(info.kernel.source) + ": " + info.kernel.reason + "\n" + "threads: up to " +
      std::to_string(info.threads) +
      " (a large GEMM splits into one single-threaded OpenBLAS call per thread)\n";
  if (!info.kernel.warning.empty()) text += "warning: " + info.kernel.warning + "\n";
  return text;
}

nlohmann::json to_json(const SystemInfo& info) {
  return {{"cpu_model", info.cpu_model},
          {"logical_cpus", info.logical_cpus},
          {"vector_extensions", info.vector_extensions},
          {"cpu_isa", info.cpu_isa},
          {"blas_config", info.blas_config},
          {"blas_corename", info.blas_corename},
          {"kernel_isa", info.kernel_isa},
          {"openblas_coretype", info.coretype_env},
          {"blas_kernel", to_json(info.kernel)},
          {"threads", info.threads},
          {"kernel_warning", info.kernel.warning}};
}

int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

}  // namespace minima
