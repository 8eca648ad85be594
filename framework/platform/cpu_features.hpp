#pragma once
// What the CPU offers a GEMM kernel: its model name, the x86 vector
// extensions that matter (from /proc/cpuinfo), the widest instruction set
// among them, and which set each OpenBLAS kernel is written for. The BLAS
// kernel choice (blas_kernel.hpp) and `minima info` read these.
#include <string>
#include <vector>

namespace minima {

// The value of the first "<key> : value" line of /proc/cpuinfo, or "".
std::string cpuinfo_field(const std::string& key);

// Which of the x86 vector extensions in `flags` (a /proc/cpuinfo flags line)
// matter for GEMM kernels, narrowest first.
std::vector<std::string> vector_extensions_from_flags(const std::string& flags);
// The vector extensions of the CPU this process runs on.
std::vector<std::string> cpu_vector_extensions();

// The widest instruction set among `extensions`: "avx512", "avx2", "avx", "sse".
std::string cpu_isa(const std::vector<std::string>& extensions);
// The instruction set an OpenBLAS kernel ("Haswell", "SkylakeX") is written
// for, or "" for a name this table does not know.
std::string kernel_isa(const std::string& corename);
// Rank of an instruction set, narrowest first ("sse" 0 ... "avx512" 3); -1
// for "" or a name not listed.
int isa_rank(const std::string& isa);

}  // namespace minima
