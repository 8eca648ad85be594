#include "cli/system_info.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <minima/core/blas.hpp>
#include <minima/core/rng.hpp>
#include <minima/core/threads.hpp>

namespace minima {
namespace {

// Instruction-set levels, narrowest first; a kernel or CPU is ranked by its index.
const std::vector<std::string> kIsaLevels = {"sse", "avx", "avx2", "avx512"};

int isa_rank(const std::string& isa) {
  auto it = std::find(kIsaLevels.begin(), kIsaLevels.end(), isa);
  return it == kIsaLevels.end() ? -1 : int(it - kIsaLevels.begin());
}

// The value of the first "<key>\t: value" line of /proc/cpuinfo, or "".
std::string cpuinfo_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    if (name == key) return line.substr(std::min(line.size(), colon + 2));
  }
  return "";
}

}  // namespace

std::vector<std::string> vector_extensions_from_flags(const std::string& flags) {
  static const char* kExtensions[] = {"sse4_2",   "avx",         "fma",         "f16c",
                                      "avx2",     "avx512f",     "avx512dq",    "avx512bw",
                                      "avx512vl", "avx512_bf16", "avx512_fp16", "amx_tile"};
  std::istringstream words(flags);
  std::vector<std::string> present((std::istream_iterator<std::string>(words)),
                                   std::istream_iterator<std::string>());
  std::vector<std::string> found;
  for (const char* e : kExtensions)
    if (std::find(present.begin(), present.end(), e) != present.end()) found.push_back(e);
  return found;
}

std::string cpu_isa(const std::vector<std::string>& extensions) {
  auto has = [&](const char* e) {
    return std::find(extensions.begin(), extensions.end(), e) != extensions.end();
  };
  if (has("avx512f")) return "avx512";
  if (has("avx2") && has("fma")) return "avx2";
  if (has("avx")) return "avx";
  return "sse";
}

std::string kernel_isa(const std::string& corename) {
  // OpenBLAS's x86-64 DYNAMIC_ARCH kernel names (driver/others/dynamic.c).
  static const std::pair<const char*, const char*> kKernels[] = {
      {"SkylakeX", "avx512"}, {"Cooperlake", "avx512"}, {"SapphireRapids", "avx512"},
      {"Haswell", "avx2"},    {"Zen", "avx2"},          {"Sandybridge", "avx"},
      {"Bulldozer", "avx"},   {"Piledriver", "avx"},    {"Steamroller", "avx"},
      {"Excavator", "avx"},   {"Nehalem", "sse"},       {"Core2", "sse"},
      {"Penryn", "sse"},      {"Dunnington", "sse"},    {"Prescott", "sse"},
      {"Barcelona", "sse"},   {"Opteron", "sse"},       {"Atom", "sse"},
      {"Nano", "sse"},        {"Bobcat", "sse"}};
  for (const auto& [name, isa] : kKernels)
    if (corename == name) return isa;
  return "";
}

std::string kernel_warning(const std::string& corename, const std::string& kernel,
                           const std::string& cpu, const std::string& coretype_env) {
  if (kernel.empty() || isa_rank(kernel) >= isa_rank(cpu)) return "";
  std::string why =
      coretype_env.empty() ? "" : " because OPENBLAS_CORETYPE=" + coretype_env + " forces it";
  return "the BLAS kernel '" + corename + "' uses " + kernel + " but this CPU supports " + cpu +
         why +
         "; GEMMs run slower than with the autodetected kernel (about 1.8x for avx2 on an avx512 "
         "CPU)";
}

SystemInfo system_info() {
  SystemInfo info;
  info.cpu_model = cpuinfo_field("model name");
  info.logical_cpus = int(std::thread::hardware_concurrency());
  info.vector_extensions = vector_extensions_from_flags(cpuinfo_field("flags"));
  info.blas_config = blas_config();
  info.blas_corename = blas_corename();
  info.kernel_isa = kernel_isa(info.blas_corename);
  info.cpu_isa = cpu_isa(info.vector_extensions);
  if (const char* env = std::getenv("OPENBLAS_CORETYPE")) info.coretype_env = env;
  info.threads = default_threads();
  info.kernel_warning =
      kernel_warning(info.blas_corename, info.kernel_isa, info.cpu_isa, info.coretype_env);
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
      (info.kernel_isa.empty() ? "" : " (" + info.kernel_isa + ")") +
      (info.coretype_env.empty() ? "" : ", OPENBLAS_CORETYPE=" + info.coretype_env) + "\n" +
      "threads: up to " + std::to_string(info.threads) +
      " (a large GEMM splits into one single-threaded OpenBLAS call per thread)\n";
  if (!info.kernel_warning.empty()) text += "warning: " + info.kernel_warning + "\n";
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
          {"threads", info.threads},
          {"kernel_warning", info.kernel_warning}};
}

int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

GemmCheck gemm_sanity_check() {
  // Odd sizes so that kernels' edge cases (partial tiles) are exercised.
  const int64_t m = 37, n = 29, k = 53;
  Rng rng(12345);
  GemmCheck check{true, 0.0};
  for (Trans ta : {Trans::No, Trans::Yes})
    for (Trans tb : {Trans::No, Trans::Yes}) {
      Tensor a(ta == Trans::No ? Shape{m, k} : Shape{k, m});
      Tensor b(tb == Trans::No ? Shape{k, n} : Shape{n, k});
      Tensor c(Shape{m, n});
      for (Tensor* t : {&a, &b, &c})
        for (int64_t i = 0; i < t->numel(); ++i) (*t)[i] = rng.uniform() * 2.0f - 1.0f;
      const Tensor c0 = c;
      const float alpha = 0.75f, beta = 0.5f;
      gemm(a, ta, b, tb, c, alpha, beta);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double ref = 0.0;  // alpha * op(A) op(B) + beta * C0 in double
          for (int64_t p = 0; p < k; ++p)
            ref += double(ta == Trans::No ? a.at(i, p) : a.at(p, i)) *
                   double(tb == Trans::No ? b.at(p, j) : b.at(j, p));
          ref = alpha * ref + beta * double(c0.at(i, j));
          check.max_error =
              std::max(check.max_error, std::abs(double(c.at(i, j)) - ref) / (std::abs(ref) + 1.0));
        }
    }
  // float32 sums of k products of terms in [-1, 1]: error grows ~ k * 2^-24.
  check.ok = check.max_error < double(k) * 1.2e-7 * 4.0;
  return check;
}

}  // namespace minima
