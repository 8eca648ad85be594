#pragma once
// The BLAS kernel described in words a class can read: "OpenBLAS Zen (AVX2)".
#include <string>

namespace minima {

// `corename` (openblas_get_corename) with the widest vector instructions it
// uses: "Zen" -> "OpenBLAS Zen (AVX2)", "SkylakeX" -> "OpenBLAS SkylakeX
// (AVX-512)", "Prescott" -> "OpenBLAS Prescott (SSE only)"; an unknown name
// stays alone.
std::string blas_kernel_description(const std::string& corename);

}  // namespace minima
