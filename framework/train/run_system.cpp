#include <minima/train/run_system.hpp>

namespace minima {

nlohmann::json to_json(const BlasKernelDecision& d) {
  return {{"name", d.kernel},
          {"source", to_string(d.source)},
          {"reason", d.reason},
          {"warning", d.warning}};
}

nlohmann::json run_system(int threads) {
  return {{"blas_kernel", to_json(blas_kernel_decision())}, {"threads", threads}};
}

}  // namespace minima
