// `minima info`: what minima runs on (CPU, BLAS, kernel, threads) and a GEMM sanity check.
#include <cstdio>
#include <iostream>
#include <memory>

#include <minima/platform/gemm_check.hpp>
#include <minima/platform/threads.hpp>
#include "cli/command.hpp"
#include "cli/system_info.hpp"

namespace minima::cli {
namespace {

int run_info(bool as_json) {
  const SystemInfo info = system_info();
  const GemmCheck check = gemm_sanity_check();
  if (as_json) {
    nlohmann::json j = to_json(info);
    j["available_cpus"] = available_cpus();
    j["gemm_check"] = {{"ok", check.ok}, {"max_error", check.max_error}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << describe(info);
    std::printf("cpus:    %d available to this process\n", available_cpus());
    std::printf("gemm:    %s (max relative error %.2g against a double-precision loop)\n",
                check.ok ? "OK" : "WRONG", check.max_error);
  }
  return check.ok ? 0 : 1;
}

CommandRun declare_info(CLI::App& app) {
  auto as_json = std::make_shared<bool>(false);
  app.add_flag("--json", *as_json, "print the same facts as JSON");
  app.footer(
      "Prints the CPU model and vector extensions, the BLAS build, the kernel in use\n"
      "and who chose it: OpenBLAS (its own detection), minima, or the user\n"
      "(OPENBLAS_CORETYPE). When OpenBLAS falls back to a generic kernel on a CPU\n"
      "with AVX2 or AVX-512, minima restarts itself once with the best kernel for\n"
      "the CPU and keeps it only if it passes the GEMM check below;\n"
      "MINIMA_BLAS_KERNEL=openblas keeps OpenBLAS's choice. A set OPENBLAS_CORETYPE\n"
      "is never changed; a warning says when it leaves a wider kernel unused.\n"
      "Then multiplies small matrices with BLAS and with a double-precision loop and\n"
      "says OK or WRONG with the largest error; exits 1 when WRONG.");
  return [as_json] { return run_info(*as_json); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "info",
                (CommandEntry{"show the CPU, BLAS library, kernel and threads minima runs on",
                              declare_info}));

}  // namespace minima::cli
