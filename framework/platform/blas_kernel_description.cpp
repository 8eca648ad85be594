#include <minima/platform/blas_kernel_description.hpp>

#include <minima/platform/cpu_features.hpp>

namespace minima {

std::string blas_kernel_description(const std::string& corename) {
  const std::string isa = kernel_isa(corename);
  const std::string instructions = isa == "avx512" ? "AVX-512"
                                   : isa == "avx2" ? "AVX2"
                                   : isa == "avx"  ? "AVX"
                                   : isa == "sse"  ? "SSE only"
                                                   : "";
  return "OpenBLAS " + corename + (instructions.empty() ? "" : " (" + instructions + ")");
}

}  // namespace minima
