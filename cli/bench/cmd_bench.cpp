// `minima bench`: training-step and inference speed against the GEMM-only bound.
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>

#include <minima/platform/threads.hpp>
#include <minima/train/thread_choice.hpp>
#include "cli/bench/bench.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
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
  std::printf("\nGEMMs of %s, each call timed alone (C[m,n] = op(A)[m,k] op(B)[k,n]):\n",
              r.network.c_str());
  std::printf("  %-5s %6s %6s %6s %4s  %5s  %8s %6s %7s\n", "op", "m", "n", "k", "beta", "calls",
              "ms/step", "share", "GFLOP/s");
  for (const GemmProfileRow& g : r.gemm_profile)
    std::printf("  %c%c    %6d %6d %6d %4g  %5d  %8.3f %5.1f%% %7.1f\n", g.trans_a ? 'T' : 'N',
                g.trans_b ? 'T' : 'N', g.m, g.n, g.k, double(g.beta), g.calls, g.ms,
                100.0 * g.share, g.gflops);
}

struct BenchArgs {
  BenchOptions options;
  bool as_json = false;
  std::vector<std::string> names, configs;  // NETWORK... and --config FILE...
};

// The networks the command line named (NETWORK and --config FILE in the
// order given), else all named ones.
std::vector<BenchNetwork> chosen_networks(const BenchArgs& args, const CLI::App& app) {
  const CLI::Option* name_option = app.get_option("NETWORK");
  const CLI::Option* config_option = app.get_option("--config");
  std::vector<BenchNetwork> networks;
  size_t next_name = 0, next_config = 0;
  for (const CLI::Option* given : app.parse_order()) {
    if (given == name_option)
      networks.push_back(named_bench_network(args.names.at(next_name++)));
    else if (given == config_option)
      networks.push_back(config_bench_network(args.configs.at(next_config++)));
  }
  if (networks.empty()) networks = named_bench_networks();
  return networks;
}

int run_bench_command(const BenchArgs& args, const CLI::App& app) {
  const BenchOptions& options = args.options;
  const bool as_json = args.as_json;
  const std::vector<BenchNetwork> networks = chosen_networks(args, app);

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

CommandRun declare_bench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  app.add_option("NETWORK", args->names, "a network below (default: all of them)");
  add_repeatable_option(app, "--config", args->configs,
                        "a run config's model, batch size and threads (repeatable)")
      ->type_name("FILE");
  app.add_option("--threads", args->options.threads,
                 "threads for GEMMs and minima's own loops\n"
                 "(default: chosen per network, see choose_threads)")
      ->type_name("N")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
  app.add_option("--steps", args->options.steps,
                 "timed steps per measurement (default: about one second's worth)")
      ->type_name("N")
      ->check(whole_number());
  app.add_flag("--profile", args->options.profile,
               "also print each part's share of a step (layer types, loss, optimizer)\n"
               "and each GEMM of the bound (shape, transposes, calls per step, ms, share)");
  app.add_flag("--json", args->as_json, "print the machine facts and results as JSON");
  app.footer(
      "Times a training step (forward + loss + backward + SGD update, lr 0.1) and an\n"
      "inference pass on synthetic MNIST-shaped data, and the step's GEMM-only lower\n"
      "bound: the step's own GEMM calls replayed alone, on the step's buffers, with\n"
      "the same slices and threads, timed like the step. ratio = step / bound (1.00x\n"
      "would be all time in GEMM; below 1.00x only by noise).\n"
      "The BLAS kernel, who chose it and why are printed first (see minima info).\n"
      "\n"
      "networks:\n"
      "  paper, paper-nobn  784-100-100-100-10 sigmoid, batch 60 (the BN paper's MNIST net)\n"
      "  relu, relu-nobn    784-256-256-10 ReLU, batch 128\n"
      "  wide, wide-nobn    784-1024-1024-10 ReLU, batch 256\n"
      "  lenet, lenet-nobn  LeNet-5 on [1, 28, 28] images (conv 6, 16 channels 5x5,\n"
      "                     average pooling, dense 120, 84, sigmoid), batch 128:\n"
      "                     BNLeNet (configs/mnist_lenet_bn.json's model)\n"
      "  (-nobn: the same without batchnorm layers)");
  return [args, &app] { return run_bench_command(*args, app); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "bench",
                (CommandEntry{"time the training step and inference against the GEMM-only bound",
                              declare_bench}));

}  // namespace minima::cli
