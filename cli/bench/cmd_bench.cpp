// `minima bench`: training-step and inference speed against the GEMM-only bound.
#include <cstdio>
#include <iostream>

#include <minima/core/threads.hpp>
#include <minima/train/thread_choice.hpp>
#include "cli/bench/bench.hpp"
#include "cli/command.hpp"
#include "cli/system_info.hpp"

namespace minima::cli {
namespace {

void print_table(const std::vector<BenchResult>& results) {
  std::printf("%-12s %5s %3s  %-24s %10s  %-9s %-14s %6s\n", "network", "batch", "thr",
              "step ms median (min-p90)", "samples/s", "infer ms", "GEMM bound ms", "ratio");
  for (const BenchResult& r : results) {
    char step[64];
    std::snprintf(step, sizeof step, "%.3f (%.3f-%.3f)", r.step.median, r.step.min, r.step.p90);
    std::printf("%-12s %5lld %3d  %-24s %10.0f  %-9.3f %-14.3f %5.2fx\n", r.network.c_str(),
                (long long)r.batch, r.threads, step, r.samples_per_second(), r.inference.median,
                r.gemm_bound.median, r.bound_ratio());
  }
}

void print_profile(const BenchResult& r) {
  std::printf("\nprofile of %s (ms per step, share):\n", r.network.c_str());
  for (const auto& [part, value] : r.profile)
    std::printf("  %-20s %8.3f  %5.1f%%\n", part.c_str(), value.first, 100.0 * value.second);
}

int run_bench_command(const std::vector<std::string>& args) {
  BenchOptions options;
  bool as_json = false;
  std::vector<BenchNetwork> networks;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--threads")
      options.threads = int(integer_option(args, i, 1, std::numeric_limits<int>::max()));
    else if (a == "--steps")
      options.steps = integer_option(args, i);
    else if (a == "--profile")
      options.profile = true;
    else if (a == "--json")
      as_json = true;
    else if (a == "--config") {
      if (i + 1 >= args.size()) throw UsageError("--config needs a file");
      networks.push_back(config_bench_network(args[++i]));
    } else if (a.rfind("--", 0) == 0)
      throw UsageError("unknown option '" + a + "'");
    else
      networks.push_back(named_bench_network(a));
  }
  if (networks.empty()) networks = named_bench_networks();

  const SystemInfo info = system_info();
  if (!as_json) {
    std::cout << describe(info);
    std::printf(
        "cpus:    %d available; threads per network: %s\n\n", available_cpus(),
        options.threads ? std::to_string(options.threads).c_str() : "chosen for the workload");
    std::fflush(stdout);
  }
  std::vector<BenchResult> results;
  for (const BenchNetwork& n : networks) {
    results.push_back(run_bench(n, options));
    if (!as_json) {
      std::fprintf(stderr, "  timed %s\n", n.name.c_str());
    }
  }
  if (as_json) {
    json j = {{"system", to_json(info)},
              {"available_cpus", available_cpus()},
              {"results", json::array()}};
    for (const BenchResult& r : results) j["results"].push_back(to_json(r));
    j["peak_rss_bytes"] = peak_rss_bytes();
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  print_table(results);
  for (const BenchResult& r : results)
    if (!r.profile.empty()) print_profile(r);
  std::printf("\npeak resident memory: %.1f MB\n", double(peak_rss_bytes()) / (1024.0 * 1024.0));
  return 0;
}

}  // namespace

MINIMA_COMMAND(
    "bench", "time the training step and inference against the GEMM-only bound",
    "usage: minima bench [NETWORK...] [--config FILE]... [--threads N] [--steps N] [--profile] "
    "[--json]\n\n"
    "Times a training step (forward + loss + backward + SGD update, lr 0.1) and an\n"
    "inference pass on synthetic MNIST-shaped data, and the step's GEMM-only lower\n"
    "bound: its cblas_sgemm calls replayed alone with the same shapes and threads.\n"
    "ratio = step / bound (1.00x would be all time in GEMM).\n\n"
    "networks (default: all):\n"
    "  paper, paper-nobn  784-100-100-100-10 sigmoid, batch 60 (the BN paper's MNIST net)\n"
    "  relu, relu-nobn    784-256-256-10 ReLU, batch 128\n"
    "  wide, wide-nobn    784-1024-1024-10 ReLU, batch 256\n"
    "  (-nobn: the same without batchnorm layers)\n"
    "  --config FILE       a run config's model, batch size and threads (repeatable)\n\n"
    "options:\n"
    "  --threads N  threads for GEMMs and minima's own loops (default: chosen per network, see "
    "choose_threads)\n"
    "  --steps N    timed steps per measurement (default: about one second's worth)\n"
    "  --profile    also print each part's share of a step (layer types, loss, optimizer)\n"
    "  --json       print the machine facts and results as JSON\n",
    run_bench_command);

}  // namespace minima::cli
