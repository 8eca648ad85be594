#pragma once
// Which OpenBLAS kernel minima computes with, who chose it and why.
//
// OpenBLAS picks its kernels when it loads, from the CPUs it knows; on a CPU
// newer than its tables it falls back to a generic kernel (Prescott, SSE
// only) that runs GEMMs several times slower than one written for the CPU's
// AVX2 or AVX-512. It reads OPENBLAS_CORETYPE only while loading, so a
// program that wants another kernel must set it and start again. One call,
// first thing in main(), does that:
//
//   int main(int argc, char** argv) {
//     minima::use_best_blas_kernel(argv);  // may re-execute the program once
//     ...
//
// The rule (choose_blas_kernel), first match wins:
//   1. After minima's own re-execution (MINIMA_BLAS_KERNEL_CHOSEN is set):
//      keep the kernel; if it fails the GEMM check (gemm_check.hpp), go back
//      to OpenBLAS's choice with a one-line notice (one more re-execution,
//      never a third).
//   2. OPENBLAS_CORETYPE set by the user or the environment: kept as it is.
//   3. MINIMA_BLAS_KERNEL=openblas (the off switch): OpenBLAS's choice kept.
//   4. OpenBLAS's kernel is as wide as the CPU's widest instruction set, or
//      is a name minima does not know: kept.
//   5. Else set OPENBLAS_CORETYPE to the best kernel for the CPU
//      (best_blas_kernel) and re-execute (/proc/self/exe, same argv).
#include <string>
#include <vector>

namespace minima {

// Who chose the kernel a process runs with.
enum class BlasKernelSource { OpenBLAS, Minima, User };
const char* to_string(BlasKernelSource source);  // "openblas", "minima", "user"

// What to do with the decision: run with the loaded kernel; load `kernel`
// (set OPENBLAS_CORETYPE and re-execute); or check that minima's kernel,
// now loaded, computes GEMMs right.
enum class BlasKernelAction { Keep, Restart, Verify };

// Everything the choice depends on, read from the process by
// blas_kernel_inputs(); tests pass made-up values.
struct BlasKernelInputs {
  std::string loaded;                       // the kernel OpenBLAS loaded (openblas_get_corename)
  std::vector<std::string> cpu_extensions;  // vector_extensions_from_flags(/proc/cpuinfo flags)
  std::string coretype;                     // OPENBLAS_CORETYPE, "" when unset
  std::string setting;                      // MINIMA_BLAS_KERNEL: "" or "auto", or "openblas"
  std::string guard;                        // MINIMA_BLAS_KERNEL_CHOSEN, "" when unset
};

struct BlasKernelDecision {
  std::string kernel;  // the kernel run with (for Restart: the one to load)
  BlasKernelSource source = BlasKernelSource::OpenBLAS;
  std::string reason;   // why, in one line
  std::string warning;  // when a wider kernel exists but is not used: why, and the fix; else ""
  BlasKernelAction action = BlasKernelAction::Keep;
};

// The environment variables of the rule above.
inline constexpr const char* kBlasKernelSetting = "MINIMA_BLAS_KERNEL";
inline constexpr const char* kBlasKernelGuard = "MINIMA_BLAS_KERNEL_CHOSEN";
// Test-only: pretend OpenBLAS detected this kernel (when OPENBLAS_CORETYPE
// is unset), and with MINIMA_TEST_BLAS_CHECK=fail pretend the GEMM check
// failed, so the re-execution and its fallback can be tested on any CPU.
inline constexpr const char* kTestLoadedKernel = "MINIMA_TEST_OPENBLAS_KERNEL";
inline constexpr const char* kTestCheck = "MINIMA_TEST_BLAS_CHECK";

// The best OpenBLAS (0.3.21) kernel for a CPU with these vector extensions:
// "Cooperlake" (AVX-512 with bf16), "SkylakeX" (AVX-512 F/DQ/BW/VL),
// "Haswell" (AVX2 and FMA), else "".
std::string best_blas_kernel(const std::vector<std::string>& extensions);

// The rule above, without side effects.
BlasKernelDecision choose_blas_kernel(const BlasKernelInputs& in);

// The inputs of this process (environment, /proc/cpuinfo, OpenBLAS).
BlasKernelInputs blas_kernel_inputs();

// Applies the rule to this process: may set OPENBLAS_CORETYPE and
// MINIMA_BLAS_KERNEL_CHOSEN and re-execute the program with `argv` (so call
// it first in main(), before threads or output). Records the decision.
void use_best_blas_kernel(char** argv);

// The kernel this process runs with, who chose it and why: what
// use_best_blas_kernel() decided, or, when it was not called, what the rule
// says of the loaded kernel (with a warning naming the call when a wider
// kernel exists).
const BlasKernelDecision& blas_kernel_decision();

}  // namespace minima
