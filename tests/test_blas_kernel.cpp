// Which BLAS kernel minima runs with: the rule on made-up CPUs and kernel
// names, and end to end through `minima info --json` in a child process,
// with a test-only hook that pretends OpenBLAS detected 'Prescott'. The
// tests never set OPENBLAS_CORETYPE for minima to find: where one is given
// to a child, it plays a user's setting that must be kept.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/core/blas.hpp>
#include <minima/platform/blas_kernel.hpp>
#include <minima/platform/cpu_features.hpp>
#include <minima/train/trainer.hpp>
#include "tests/cli_runner.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using nlohmann::json;

namespace {

const std::vector<std::string> kAvx2 = {"sse4_2", "avx", "fma", "f16c", "avx2"};
const std::vector<std::string> kAvx512 = {"sse4_2",  "avx",      "fma",      "f16c",    "avx2",
                                          "avx512f", "avx512dq", "avx512bw", "avx512vl"};
std::vector<std::string> with_bf16(std::vector<std::string> extensions) {
  extensions.push_back("avx512_bf16");
  return extensions;
}

BlasKernelDecision choose(const std::string& loaded, const std::vector<std::string>& cpu,
                          const std::string& coretype = "", const std::string& setting = "",
                          const std::string& guard = "") {
  return choose_blas_kernel({loaded, cpu, coretype, setting, guard});
}

// "keep Haswell by user": a decision's action, kernel and source in one line.
std::string summary(const BlasKernelDecision& d) {
  const char* actions[] = {"keep", "restart", "verify"};
  return std::string(actions[int(d.action)]) + " " + d.kernel + " by " + to_string(d.source);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs `minima info --json` with these variables set on top of ours.
std::pair<json, test::CliResult> info_json(
    const std::vector<std::pair<std::string, std::string>>& env) {
  test::CliOptions options;
  options.env = env;
  const test::CliResult r = test::run_cli({"info", "--json"}, options);
  json j;
  if (r.exit_code == 0) j = json::parse(r.out);
  return {j, r};
}

// The end-to-end tests need a CPU that runs the Haswell kernel (AVX2 and
// FMA) and an environment that sets none of the variables the rule reads.
bool can_run_end_to_end() {
  for (const char* var : {"OPENBLAS_CORETYPE", kBlasKernelSetting, kBlasKernelGuard})
    if (std::getenv(var)) {
      MESSAGE("skipped: " << var << " is set in the test's environment");
      return false;
    }
  if (best_blas_kernel(cpu_vector_extensions()).empty()) {
    MESSAGE("skipped: this CPU has neither AVX2+FMA nor AVX-512");
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("cpu features: vector extensions from a flags line, the widest set, kernel widths") {
  const auto ext =
      vector_extensions_from_flags("fpu sse4_2 avx fma avx2 avx512f avx512bw hypervisor");
  CHECK(ext == std::vector<std::string>{"sse4_2", "avx", "fma", "avx2", "avx512f", "avx512bw"});
  CHECK(cpu_isa(ext) == "avx512");
  CHECK(cpu_isa(vector_extensions_from_flags("sse4_2 avx fma avx2")) == "avx2");
  CHECK(cpu_isa({}) == "sse");
  CHECK(kernel_isa("Haswell") == "avx2");
  CHECK(kernel_isa("SkylakeX") == "avx512");
  CHECK(kernel_isa("Cooperlake") == "avx512");
  CHECK(kernel_isa("Prescott") == "sse");
  CHECK(kernel_isa("mystery") == "");
  CHECK(isa_rank("sse") < isa_rank("avx2"));
  CHECK(isa_rank("avx2") < isa_rank("avx512"));
  CHECK(isa_rank("") == -1);
}

TEST_CASE("best_blas_kernel: Cooperlake with bf16, SkylakeX with AVX-512, Haswell with AVX2+FMA") {
  CHECK(best_blas_kernel(with_bf16(kAvx512)) == "Cooperlake");
  CHECK(best_blas_kernel(kAvx512) == "SkylakeX");
  CHECK(best_blas_kernel(kAvx2) == "Haswell");
  CHECK(best_blas_kernel({"sse4_2", "avx", "avx2"}) == "");  // no FMA
  CHECK(best_blas_kernel({"sse4_2", "avx"}) == "");
  // AVX-512 without VL: OpenBLAS's own detection would not take SkylakeX either.
  CHECK(best_blas_kernel({"avx", "fma", "avx2", "avx512f", "avx512dq", "avx512bw"}) == "Haswell");
}

TEST_CASE("choose_blas_kernel: a generic fallback on an AVX2 or AVX-512 CPU is replaced") {
  BlasKernelDecision d = choose("Prescott", kAvx512);
  CHECK(summary(d) == "restart SkylakeX by minima");
  CHECK(d.reason == "OpenBLAS chose 'Prescott' (sse) but this CPU supports avx512");
  CHECK(d.warning == "");
  CHECK(choose("Prescott", with_bf16(kAvx512)).kernel == "Cooperlake");
  for (const char* generic : {"Core2", "Nehalem", "Sandybridge"}) {
    CAPTURE(generic);
    CHECK(summary(choose(generic, kAvx2)) == "restart Haswell by minima");
  }
  // A kernel for AVX2 on an AVX-512 CPU is narrower too.
  CHECK(choose("Haswell", kAvx512).kernel == "SkylakeX");
}

TEST_CASE("choose_blas_kernel: OpenBLAS's choice stays when it is as wide as the CPU") {
  for (const auto& [loaded, cpu] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"Zen", kAvx2},
           {"Haswell", kAvx2},
           {"SkylakeX", kAvx512},
           {"Cooperlake", with_bf16(kAvx512)},
           {"Prescott", {"sse4_2"}},           // nothing wider to load
           {"Prescott", {"sse4_2", "avx"}},    // no kernel in the table for AVX alone
           {"FutureLake", with_bf16(kAvx512)}  // a name minima does not know
       }) {
    CAPTURE(loaded);
    const BlasKernelDecision d = choose(loaded, cpu);
    CHECK(summary(d) == "keep " + loaded + " by openblas");
    CHECK(d.warning == "");
  }
  CHECK(choose("Zen", kAvx2).reason == "OpenBLAS's choice for this CPU");
}

TEST_CASE("choose_blas_kernel: the user's OPENBLAS_CORETYPE is kept, with a warning and a fix") {
  BlasKernelDecision d = choose("Haswell", kAvx512, "Haswell");
  CHECK(summary(d) == "keep Haswell by user");
  CHECK(d.reason == "OPENBLAS_CORETYPE=Haswell is set");
  CHECK(d.warning ==
        "the BLAS kernel 'Haswell' uses avx2 but this CPU supports avx512: unset "
        "OPENBLAS_CORETYPE to let minima choose, or set it to SkylakeX");
  // Even a generic kernel, and whatever MINIMA_BLAS_KERNEL says.
  d = choose("Prescott", kAvx512, "prescott", "auto");
  CHECK(summary(d) == "keep Prescott by user");
  // A name OpenBLAS did not know: it says which kernel it took instead.
  d = choose("Zen", kAvx2, "Skylake");
  CHECK(d.reason == "OPENBLAS_CORETYPE=Skylake is set (OpenBLAS loaded 'Zen' for it)");
  CHECK(choose("SkylakeX", kAvx512, "SkylakeX").warning == "");
}

TEST_CASE("choose_blas_kernel: MINIMA_BLAS_KERNEL=openblas is the off switch") {
  BlasKernelDecision d = choose("Prescott", kAvx512, "", "openblas");
  CHECK(summary(d) == "keep Prescott by openblas");
  CHECK(d.reason == "OpenBLAS's choice (MINIMA_BLAS_KERNEL=openblas)");
  CHECK(d.warning ==
        "the BLAS kernel 'Prescott' uses sse but this CPU supports avx512: unset "
        "MINIMA_BLAS_KERNEL to let minima use 'SkylakeX'");
  CHECK(choose("Prescott", kAvx512, "", "OpenBLAS").action == BlasKernelAction::Keep);
  // "auto" is the default; anything else is named and ignored.
  CHECK(choose("Prescott", kAvx512, "", "auto").action == BlasKernelAction::Restart);
  d = choose("Prescott", kAvx512, "", "fast");
  CHECK(d.action == BlasKernelAction::Restart);
  CHECK(d.warning == "MINIMA_BLAS_KERNEL='fast' is not 'auto' or 'openblas': ignored");
}

TEST_CASE("choose_blas_kernel: after the re-execution, verify once, after a failure, never again") {
  // minima set OPENBLAS_CORETYPE=SkylakeX and re-executed itself.
  BlasKernelDecision d = choose("SkylakeX", kAvx512, "SkylakeX", "", "SkylakeX over Prescott");
  CHECK(summary(d) == "verify SkylakeX by minima");
  CHECK(d.reason == "OpenBLAS chose 'Prescott' (sse) but this CPU supports avx512");
  // Its GEMM check failed: back on OpenBLAS's kernel, with the reason.
  d = choose("Prescott", kAvx512, "", "", "SkylakeX over Prescott failed");
  CHECK(summary(d) == "keep Prescott by openblas");
  CHECK(d.reason == "OpenBLAS's choice: minima's 'SkylakeX' failed the GEMM check");
  CHECK(contains(d.warning, "'SkylakeX' computed wrong GEMM results here"));
  // The guard: with MINIMA_BLAS_KERNEL_CHOSEN set, whatever its value, never a new restart.
  for (const char* guard :
       {"SkylakeX over Prescott", "SkylakeX over Prescott failed", "garbage", "Haswell over"}) {
    CAPTURE(guard);
    CHECK(choose("Prescott", kAvx512, "", "", guard).action != BlasKernelAction::Restart);
  }
  // A user's OPENBLAS_CORETYPE other than minima's wins over a stale guard.
  CHECK(summary(choose("Haswell", kAvx512, "Haswell", "", "SkylakeX over Prescott")) ==
        "keep Haswell by user");
}

TEST_CASE("no warning says 'autodetected' or guesses how much slower") {
  for (const BlasKernelDecision& d :
       {choose("Haswell", kAvx512, "Haswell"), choose("Prescott", kAvx512, "", "openblas"),
        choose("Prescott", kAvx512, "", "", "SkylakeX over Prescott failed")}) {
    CAPTURE(d.warning);
    CHECK(!d.warning.empty());
    CHECK(!contains(d.warning, "autodetected"));
    CHECK(!contains(d.warning, "slower"));
    CHECK(!contains(d.warning, "about"));
  }
}

TEST_CASE("blas_kernel_decision without use_best_blas_kernel: the loaded kernel, kept") {
  const BlasKernelDecision& d = blas_kernel_decision();
  CHECK(d.kernel == blas_corename());
  CHECK(d.action == BlasKernelAction::Keep);
  CHECK(d.source != BlasKernelSource::Minima);  // nothing here re-executed the tests
}

TEST_CASE("minima re-executes itself with the best kernel when OpenBLAS picked a generic one") {
  if (!can_run_end_to_end()) return;
  const std::string best = best_blas_kernel(cpu_vector_extensions());
  const auto [j, r] = info_json({{kTestLoadedKernel, "Prescott"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(j["openblas_coretype"] == best);  // set by minima, not by the test
  CHECK(j["blas_corename"] == best);      // what OpenBLAS loaded after the re-execution
  CHECK(j["blas_kernel"]["name"] == best);
  CHECK(j["blas_kernel"]["source"] == "minima");
  CHECK(j["blas_kernel"]["reason"] == "OpenBLAS chose 'Prescott' (sse) but this CPU supports " +
                                          cpu_isa(cpu_vector_extensions()));
  CHECK(j["gemm_check"]["ok"] == true);
}

TEST_CASE("a kernel that fails the GEMM check: one notice, OpenBLAS's kernel, no loop") {
  if (!can_run_end_to_end()) return;
  const auto [j, r] = info_json({{kTestLoadedKernel, "Prescott"}, {kTestCheck, "fail"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(r.timed_out);
  CHECK(test::line_count(r.err) == 1);
  CHECK(contains(r.err, "failed the GEMM check; back to OpenBLAS's 'Prescott'"));
  CHECK(j["openblas_coretype"] == "");  // minima's setting taken back
  CHECK(j["blas_kernel"]["source"] == "openblas");
  CHECK(j["blas_kernel"]["name"] == "Prescott");
  CHECK(contains(j["blas_kernel"]["reason"].get<std::string>(), "failed the GEMM check"));
}

TEST_CASE("the guard: a process that is already minima's re-execution never restarts again") {
  if (!can_run_end_to_end()) return;
  for (const char* guard : {"Haswell over Prescott failed", "garbage"}) {
    CAPTURE(guard);
    const auto [j, r] = info_json({{kTestLoadedKernel, "Prescott"}, {kBlasKernelGuard, guard}});
    REQUIRE(r.exit_code == 0);
    CHECK(j["openblas_coretype"] == "");
    CHECK(j["blas_kernel"]["source"] == "openblas");
    CHECK(j["blas_kernel"]["name"] == "Prescott");
    CHECK(!j["blas_kernel"]["warning"].get<std::string>().empty());
  }
}

TEST_CASE("a user's OPENBLAS_CORETYPE and the off switch are respected end to end") {
  if (!can_run_end_to_end()) return;
  // The user's own setting (here given to the child as a user would).
  auto [j, r] = info_json({{"OPENBLAS_CORETYPE", "Haswell"}, {kTestLoadedKernel, "Prescott"}});
  REQUIRE(r.exit_code == 0);
  CHECK(j["openblas_coretype"] == "Haswell");
  CHECK(j["blas_corename"] == "Haswell");
  CHECK(j["blas_kernel"]["source"] == "user");
  CHECK(j["blas_kernel"]["reason"] == "OPENBLAS_CORETYPE=Haswell is set");

  std::tie(j, r) = info_json({{kBlasKernelSetting, "openblas"}, {kTestLoadedKernel, "Prescott"}});
  REQUIRE(r.exit_code == 0);
  CHECK(j["openblas_coretype"] == "");
  CHECK(j["blas_kernel"]["source"] == "openblas");
  CHECK(j["blas_kernel"]["name"] == "Prescott");
  CHECK(contains(j["blas_kernel"]["warning"].get<std::string>(), "unset MINIMA_BLAS_KERNEL"));
  CHECK(r.err == "");
}

TEST_CASE("a run directory says which BLAS kernel the run computed with (system.json)") {
  test::TempDir tmp("run_system");
  test::write_blobs(tmp.path());
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  Trainer trainer(test::blob_config(tmp.path(), tmp.path("run")), options);
  const json system = json::parse(test::read_text(tmp.path("run/system.json")));
  CHECK(system["blas_kernel"]["name"] == blas_kernel_decision().kernel);
  CHECK(system["blas_kernel"]["source"] == to_string(blas_kernel_decision().source));
  CHECK(!system["blas_kernel"]["reason"].get<std::string>().empty());
  CHECK(system["threads"] == trainer.threads());
}
