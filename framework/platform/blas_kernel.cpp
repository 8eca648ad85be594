#include <minima/platform/blas_kernel.hpp>

#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>

#include <minima/core/blas.hpp>
#include <minima/platform/cpu_features.hpp>
#include <minima/platform/gemm_check.hpp>

namespace minima {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// MINIMA_BLAS_KERNEL_CHOSEN = "<minima's kernel> over <OpenBLAS's kernel>",
// with " failed" appended once minima's kernel failed the GEMM check.
struct Guard {
  std::string chosen, detected;
  bool failed = false;
};
std::string guard_value(const Guard& g) {
  return g.chosen + " over " + g.detected + (g.failed ? " failed" : "");
}
std::optional<Guard> parse_guard(const std::string& value) {
  std::istringstream words(value);
  Guard g;
  std::string over, failed, extra;
  if (!(words >> g.chosen >> over >> g.detected) || over != "over") return std::nullopt;
  if (words >> failed) {
    if (failed != "failed" || words >> extra) return std::nullopt;
    g.failed = true;
  }
  return g;
}

std::string described(const std::string& kernel) {
  const std::string isa = kernel_isa(kernel);
  return "'" + kernel + "'" + (isa.empty() ? "" : " (" + isa + ")");
}

// "" unless `kernel` is narrower than the CPU and a wider kernel exists.
std::string wider_kernel(const std::string& kernel, const std::vector<std::string>& extensions) {
  const std::string best = best_blas_kernel(extensions);
  const int rank = isa_rank(kernel_isa(kernel));
  return rank >= 0 && isa_rank(kernel_isa(best)) > rank ? best : "";
}

// "the BLAS kernel 'Prescott' uses sse but this CPU supports avx512"
std::string narrower(const std::string& kernel, const std::vector<std::string>& extensions) {
  return "the BLAS kernel '" + kernel + "' uses " + kernel_isa(kernel) + " but this CPU supports " +
         cpu_isa(extensions);
}

}  // namespace

const char* to_string(BlasKernelSource source) {
  switch (source) {
    case BlasKernelSource::Minima:
      return "minima";
    case BlasKernelSource::User:
      return "user";
    case BlasKernelSource::OpenBLAS:
      break;
  }
  return "openblas";
}

std::string best_blas_kernel(const std::vector<std::string>& extensions) {
  auto has = [&](const char* e) {
    return std::find(extensions.begin(), extensions.end(), e) != extensions.end();
  };
  // What OpenBLAS's own detection requires of each (driver/others/dynamic.c).
  const bool avx512 = has("avx512f") && has("avx512dq") && has("avx512bw") && has("avx512vl");
  if (avx512 && has("avx512_bf16")) return "Cooperlake";
  if (avx512) return "SkylakeX";
  if (has("avx2") && has("fma")) return "Haswell";
  return "";
}

BlasKernelDecision choose_blas_kernel(const BlasKernelInputs& in) {
  BlasKernelDecision d;
  d.kernel = in.loaded;
  const std::string wider = wider_kernel(in.loaded, in.cpu_extensions);

  // 1. After minima's re-execution: its kernel is loaded, or it failed the check.
  if (const std::optional<Guard> g = parse_guard(in.guard)) {
    if (!g->failed && in.coretype == g->chosen) {
      d.source = BlasKernelSource::Minima;
      d.reason = "OpenBLAS chose " + described(g->detected) + " but this CPU supports " +
                 cpu_isa(in.cpu_extensions);
      d.action = BlasKernelAction::Verify;
      return d;
    }
    if (g->failed && in.coretype.empty()) {
      d.reason = "OpenBLAS's choice: minima's '" + g->chosen + "' failed the GEMM check";
      d.warning = narrower(in.loaded, in.cpu_extensions) + ", and '" + g->chosen +
                  "' computed wrong GEMM results here (MINIMA_BLAS_KERNEL=openblas skips the try)";
      return d;
    }
  }
  // 2. The user's OPENBLAS_CORETYPE.
  if (!in.coretype.empty()) {
    d.source = BlasKernelSource::User;
    d.reason = "OPENBLAS_CORETYPE=" + in.coretype + " is set";
    if (strcasecmp(in.coretype.c_str(), in.loaded.c_str()) != 0)
      d.reason += " (OpenBLAS loaded '" + in.loaded + "' for it)";
    if (!wider.empty())
      d.warning = narrower(in.loaded, in.cpu_extensions) + ": unset OPENBLAS_CORETYPE to let " +
                  "minima choose, or set it to " + wider;
    return d;
  }
  // 3. The off switch.
  const bool off = strcasecmp(in.setting.c_str(), "openblas") == 0;
  if (off) {
    d.reason = "OpenBLAS's choice (" + std::string(kBlasKernelSetting) + "=openblas)";
    if (!wider.empty())
      d.warning = narrower(in.loaded, in.cpu_extensions) + ": unset " +
                  std::string(kBlasKernelSetting) + " to let minima use '" + wider + "'";
    return d;
  }
  const bool bad_setting = !in.setting.empty() && in.setting != "auto";
  const std::string setting_note = bad_setting
                                       ? std::string(kBlasKernelSetting) + "='" + in.setting +
                                             "' is not 'auto' or 'openblas': ignored"
                                       : "";
  // 4. OpenBLAS's kernel is as good as minima's table knows.
  if (wider.empty()) {
    d.reason = kernel_isa(in.loaded).empty() ? "OpenBLAS's choice (a kernel minima does not rank)"
                                             : "OpenBLAS's choice for this CPU";
    d.warning = setting_note;
    return d;
  }
  // 5. A wider kernel exists: load it, unless this process is minima's re-execution already.
  if (!in.guard.empty()) {
    d.reason = "OpenBLAS's choice (" + std::string(kBlasKernelGuard) + " is set: no second try)";
    d.warning = narrower(in.loaded, in.cpu_extensions);
    return d;
  }
  d.kernel = wider;
  d.source = BlasKernelSource::Minima;
  d.reason = "OpenBLAS chose " + described(in.loaded) + " but this CPU supports " +
             cpu_isa(in.cpu_extensions);
  d.warning = setting_note;
  d.action = BlasKernelAction::Restart;
  return d;
}

BlasKernelInputs blas_kernel_inputs() {
  BlasKernelInputs in;
  in.coretype = env("OPENBLAS_CORETYPE");
  const std::string pretend = env(kTestLoadedKernel);
  in.loaded = in.coretype.empty() && !pretend.empty() ? pretend : blas_corename();
  in.cpu_extensions = cpu_vector_extensions();
  in.setting = env(kBlasKernelSetting);
  in.guard = env(kBlasKernelGuard);
  return in;
}

namespace {

std::optional<BlasKernelDecision>& recorded() {
  static std::optional<BlasKernelDecision> decision;
  return decision;
}

void notice(const std::string& line) { std::fprintf(stderr, "minima: %s\n", line.c_str()); }

// Replaces this process with the same program and arguments; returns only on failure.
void reexecute(char** argv) {
  std::fflush(nullptr);
  ::execv("/proc/self/exe", argv);
}

}  // namespace

void use_best_blas_kernel(char** argv) {
  const BlasKernelInputs in = blas_kernel_inputs();
  BlasKernelDecision d = choose_blas_kernel(in);
  if (d.action == BlasKernelAction::Restart) {
    ::setenv("OPENBLAS_CORETYPE", d.kernel.c_str(), 1);
    ::setenv(kBlasKernelGuard, guard_value({d.kernel, in.loaded, false}).c_str(), 1);
    reexecute(argv);
    const std::string error = std::strerror(errno);
    ::unsetenv("OPENBLAS_CORETYPE");
    ::unsetenv(kBlasKernelGuard);
    const std::string wanted = d.kernel;
    d = {in.loaded, BlasKernelSource::OpenBLAS, "OpenBLAS's choice: restarting failed",
         narrower(in.loaded, in.cpu_extensions) + ", and restarting to load '" + wanted +
             "' failed (" + error + "): set OPENBLAS_CORETYPE=" + wanted};
    notice(d.warning);
  } else if (d.action == BlasKernelAction::Verify) {
    const bool ok = env(kTestCheck) != "fail" && gemm_sanity_check().ok;
    if (!ok) {
      Guard g = *parse_guard(in.guard);
      g.failed = true;
      ::setenv(kBlasKernelGuard, guard_value(g).c_str(), 1);
      ::unsetenv("OPENBLAS_CORETYPE");
      notice("the BLAS kernel '" + g.chosen + "' failed the GEMM check; back to OpenBLAS's '" +
             g.detected + "'");
      reexecute(argv);
      notice(std::string("could not restart the program: ") + std::strerror(errno));
      std::exit(1);
    }
    d.action = BlasKernelAction::Keep;
  }
  recorded() = d;
}

const BlasKernelDecision& blas_kernel_decision() {
  std::optional<BlasKernelDecision>& d = recorded();
  if (d) return *d;
  d = choose_blas_kernel(blas_kernel_inputs());
  if (d->action == BlasKernelAction::Restart) {  // nobody called use_best_blas_kernel()
    const BlasKernelInputs in = blas_kernel_inputs();
    d->warning = narrower(in.loaded, in.cpu_extensions) +
                 ": call minima::use_best_blas_kernel(argv) first in main(), or set "
                 "OPENBLAS_CORETYPE=" +
                 d->kernel;
    d->kernel = in.loaded;
    d->source = BlasKernelSource::OpenBLAS;
    d->reason = "OpenBLAS's choice";
  }
  d->action = BlasKernelAction::Keep;
  return *d;
}

}  // namespace minima
