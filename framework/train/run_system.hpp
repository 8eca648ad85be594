#pragma once
// What a run computed on, written into its directory as system.json next to
// config.json, so its speed can be read later: the BLAS kernel, who chose it
// (OpenBLAS, minima or the user's OPENBLAS_CORETYPE) and why, and the threads.
#include <string>

#include <nlohmann/json.hpp>

#include <minima/platform/blas_kernel.hpp>

namespace minima {

// {"name", "source", "reason", "warning"} of a kernel decision.
nlohmann::json to_json(const BlasKernelDecision& decision);

// {"blas_kernel": to_json(blas_kernel_decision()), "threads": threads}.
nlohmann::json run_system(int threads);

}  // namespace minima
