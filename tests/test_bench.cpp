// The bench harness: statistics, the recorded GEMM calls and their replay,
// the thread rule, system facts and the JSON output. Never asserts on speed.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <minima/nn/model_builder.hpp>
#include <minima/platform/gemm_check.hpp>
#include <minima/platform/threads.hpp>
#include "cli/bench/bench.hpp"
#include "cli/system_info.hpp"
#include "tests/build_paths.hpp"
#include "tests/threads_guard.hpp"

using namespace minima;

namespace {

// 20 features -> fc1 (8, no bias) bn relu -> fc2 (6, no bias) bn relu -> fc3 (10, bias); batch 5.
BenchNetwork tiny_network() {
  const json spec = {
      {"type", "mlp"}, {"hidden", {8, 6}}, {"activation", "relu"}, {"batchnorm", true}};
  return {"tiny", expand_model(spec, "/model"), 5, Shape{20}, 10};
}

std::string call_str(const GemmCall& c) {
  return std::string(c.trans_a ? "T" : "N") + (c.trans_b ? "T" : "N") +
         " m=" + std::to_string(c.m) + " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k) +
         " beta=" + std::to_string(int(c.beta));
}

std::vector<std::string> call_strs(const std::vector<GemmCall>& calls) {
  std::vector<std::string> out;
  for (const GemmCall& c : calls) out.push_back(call_str(c));
  return out;
}

// stdout (and stderr) of a shell command and its exit status.
std::pair<std::string, int> run(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = ::pclose(pipe);
  return {output, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

TEST_CASE("timing_stats: median, min, p90 and max of unsorted timings") {
  TimingStats s = timing_stats({5, 1, 4, 2, 3});
  CHECK(s.count == 5);
  CHECK(s.median == 3);
  CHECK(s.min == 1);
  CHECK(s.max == 5);
  CHECK(s.p90 == 5);
  s = timing_stats({4, 1, 3, 2});
  CHECK(s.median == doctest::Approx(2.5));
  s = timing_stats({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
  CHECK(s.p90 == 9);
  CHECK(timing_stats({}).count == 0);
}

TEST_CASE("named bench networks are the mlp builder's networks at the issue's batch sizes") {
  const std::vector<BenchNetwork> all = named_bench_networks();
  REQUIRE(all.size() == 8);
  CHECK(all[0].name == "paper");
  CHECK(all[1].name == "paper-nobn");
  CHECK(all[0].batch == 60);
  CHECK(named_bench_network("relu").batch == 128);
  CHECK(named_bench_network("wide-nobn").batch == 256);
  // paper: fc1 bn1 sigmoid1 fc2 bn2 sigmoid2 fc3 bn3 sigmoid3 fc4
  const json& paper = all[0].layers;
  REQUIRE(paper.size() == 10);
  CHECK(paper[0]["units"] == 100);
  CHECK(paper[1]["type"] == "batchnorm");
  CHECK(paper[2]["type"] == "sigmoid");
  CHECK(paper[9]["units"] == 10);
  CHECK(all[1].layers.size() == 7);  // no batchnorm layers
  CHECK_THROWS_WITH(
      named_bench_network("huge"),
      "unknown network 'huge' (known: paper, paper-nobn, relu, relu-nobn, wide, wide-nobn, lenet, "
      "lenet-nobn)");
}

TEST_CASE("bench's lenet is BNLeNet on [1, 28, 28] images, batch 128, and takes a step") {
  const BenchNetwork lenet = named_bench_network("lenet");
  CHECK(lenet.batch == 128);
  CHECK(lenet.sample == Shape{1, 28, 28});
  CHECK(lenet.layers[0]["name"] == "conv1");
  CHECK(lenet.layers[1]["type"] == "batchnorm");
  CHECK(named_bench_network("lenet-nobn").layers.size() == 12);
  TrainingStep step(lenet, {{"type", "sgd"}, {"lr", 0.1}});
  CHECK(std::isfinite(step.train()));
  CHECK(record_step_gemms(step).size() >= 10);  // conv1, conv2 and fc1-fc3: forward and backward
}

TEST_CASE(
    "record_step_gemms: a training step's GEMMs in order, and the replay repeats them exactly") {
  TrainingStep step(tiny_network(), {{"type", "sgd"}, {"lr", 0.1}});
  const std::vector<GemmCall> calls = record_step_gemms(step);
  // Forward x W^T for fc1..fc3 (fc3's bias is preloaded: beta 1), then per
  // layer backwards dx = dy W and dW += dy^T x (beta 1); the first layer's
  // dx (the gradient of the network input) is never computed.
  const std::vector<std::string> expected = {"NT m=5 n=8 k=20 beta=0", "NT m=5 n=6 k=8 beta=0",
                                             "NT m=5 n=10 k=6 beta=1", "NN m=5 n=6 k=10 beta=0",
                                             "TN m=10 n=6 k=5 beta=1", "NN m=5 n=8 k=6 beta=0",
                                             "TN m=6 n=8 k=5 beta=1",  "TN m=8 n=20 k=5 beta=1"};
  CHECK(call_strs(calls) == expected);

  // They point at the step's own memory: the weights and gradients in the
  // graph's arenas (forward reads fc1's weight, dW of fc1 accumulates into its gradient).
  auto in = [](const void* p, Tensor& arena) {
    return p >= arena.data() && p < arena.data() + arena.numel();
  };
  CHECK(in(calls[0].b, step.graph().values()));
  CHECK(in(calls[7].c, step.graph().grads()));

  GemmReplay replay(calls);
  CHECK(replay.flops() == doctest::Approx(2.0 * (5 * 8 * 20 + 5 * 6 * 8 + 5 * 10 * 6 + 10 * 6 * 5 +
                                                 5 * 6 * 10 + 6 * 8 * 5 + 5 * 8 * 6 + 8 * 20 * 5)));
  // The replay issues exactly the recorded calls: the same operands, leading
  // dimensions, alpha and beta, through the same code as gemm().
  std::vector<GemmCall> replayed;
  set_gemm_recorder(&replayed);
  replay.run();
  set_gemm_recorder(nullptr);
  REQUIRE(replayed.size() == calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    CAPTURE(call_str(calls[i]));
    const GemmCall &a = calls[i], &b = replayed[i];
    CHECK((a.trans_a == b.trans_a && a.trans_b == b.trans_b && a.m == b.m && a.n == b.n &&
           a.k == b.k && a.a == b.a && a.b == b.b && a.c == b.c && a.lda == b.lda &&
           a.ldb == b.ldb && a.ldc == b.ldc && a.alpha == b.alpha && a.beta == b.beta));
  }
}

TEST_CASE("the replay repeats the calls of conv2d's parts: every one, each part's in its order") {
  const minima::test::ThreadsGuard guard;
  minima::set_threads(2);
  TrainingStep step(named_bench_network("lenet-nobn"), {{"type", "sgd"}, {"lr", 0.1}});
  const std::vector<GemmCall> calls = record_step_gemms(step);
  std::vector<GemmCall> replayed;
  set_gemm_recorder(&replayed);
  GemmReplay(calls).run();
  set_gemm_recorder(nullptr);
  // The calls of each part (-1: the step's own thread) as strings, in order.
  auto of_part = [](const std::vector<GemmCall>& all, int part) {
    std::vector<std::string> out;
    for (const GemmCall& c : all)
      if (c.part == part)
        out.push_back(call_str(c) + " a=" + std::to_string(uintptr_t(c.a)) +
                      " c=" + std::to_string(uintptr_t(c.c)));
    return out;
  };
  REQUIRE(replayed.size() == calls.size());
  CHECK(of_part(calls, 0).size() >= 6);  // conv1 and conv2: forward, dW; conv2's dcols
  CHECK(of_part(calls, 1).size() == of_part(calls, 0).size());
  for (const int part : {-1, 0, 1}) {
    CAPTURE(part);
    CHECK(of_part(replayed, part) == of_part(calls, part));
  }
}

TEST_CASE("gemm_profile: one row per shape, in the step's order, calls and shares that add up") {
  TrainingStep step(named_bench_network("paper"), {{"type", "sgd"}, {"lr", 0.1}});
  const GemmReplay replay(record_step_gemms(step));
  REQUIRE(replay.calls().size() == 11);  // 4 forward, 4 dW, 3 dx (none for the input)
  const std::vector<GemmProfileRow> rows = gemm_profile(replay, 3);
  int calls = 0;
  double share = 0;
  for (const GemmProfileRow& r : rows) {
    calls += r.calls;
    share += r.share;
    CHECK(r.ms >= 0);
  }
  CHECK(calls == 11);
  CHECK(share == doctest::Approx(1.0));
  // The first row is fc1's forward x W^T: [60, 784] x [100, 784]^T.
  REQUIRE(!rows.empty());
  CHECK((!rows[0].trans_a && rows[0].trans_b && rows[0].m == 60 && rows[0].n == 100 &&
         rows[0].k == 784));
  CHECK(rows[0].calls == 1);
  // fc2 and fc3 forward share one shape: [60, 100] x [100, 100]^T, two calls.
  CHECK((rows[1].m == 60 && rows[1].n == 100 && rows[1].k == 100 && rows[1].calls == 2));
}

TEST_CASE("TrainingStep trains: the loss on a fixed batch falls") {
  TrainingStep step(tiny_network(), {{"type", "sgd"}, {"lr", 0.1}});
  const float first = step.train();
  float last = first;
  for (int i = 0; i < 30; ++i) last = step.train();
  CHECK(last < 0.5f * first);
  CHECK(step.infer().shape() == Shape{5, 10});
}

TEST_CASE("run_bench reports every measurement, a profile that adds up, and JSON with the fields") {
  BenchOptions options;
  options.threads = 1;
  options.steps = 4;
  options.warmup = 1;
  options.profile = true;
  const BenchResult r = run_bench(tiny_network(), options);
  CHECK(r.network == "tiny");
  CHECK(r.threads == 1);
  CHECK(r.params == 20 * 8 + 2 * 8 + 8 * 6 + 2 * 6 + 6 * 10 + 10);
  CHECK(r.gemm_calls == 8);
  for (const TimingStats* s : {&r.step, &r.inference, &r.gemm_bound}) {
    CHECK(s->count == 4);
    CHECK(s->min <= s->median);
    CHECK(s->median <= s->p90);
    CHECK(s->p90 <= s->max);
  }
  double share = 0;
  std::vector<std::string> parts;
  for (const auto& [part, value] : r.profile) {
    parts.push_back(part);
    share += value.second;
  }
  CHECK(share == doctest::Approx(1.0).epsilon(0.01));
  const std::vector<std::string> expected_parts = {
      "dense forward",  "batchnorm forward",  "relu forward",
      "dense backward", "batchnorm backward", "relu backward",
      "loss",           "optimizer",          "other"};
  CHECK(parts == expected_parts);

  const json j = to_json(r);
  for (const char* key : {"network", "batch", "params", "threads", "step_ms", "inference_ms",
                          "gemm_bound_ms", "step_over_gemm_bound", "samples_per_second",
                          "inference_samples_per_second", "gemm_calls", "gemm_gflops", "profile"})
    CHECK_MESSAGE(j.contains(key), key);
  for (const char* key : {"median", "min", "p90", "max", "count"})
    CHECK(j["step_ms"].contains(key));
  CHECK(j["step_over_gemm_bound"].get<double>() ==
        doctest::Approx(r.step.median / r.gemm_bound.median));
}

TEST_CASE("system facts: the kernel in use, who chose it and why, as text and JSON") {
  const SystemInfo info = system_info();
  CHECK(info.blas_config.find("OpenBLAS") != std::string::npos);
  CHECK(!info.blas_corename.empty());
  CHECK(info.threads >= 1);
  CHECK(describe(info).find("kernel:  " + info.blas_corename) != std::string::npos);
  CHECK(describe(info).find(", chosen by " + std::string(to_string(info.kernel.source)) + ": " +
                            info.kernel.reason) != std::string::npos);
  const json j = to_json(info);
  CHECK(j["blas_corename"] == info.blas_corename);
  CHECK(j["blas_kernel"]["name"] == info.kernel.kernel);
  CHECK(j["blas_kernel"]["source"] == to_string(info.kernel.source));
  CHECK(j["blas_kernel"]["reason"] == info.kernel.reason);
  CHECK(peak_rss_bytes() > 0);
  const GemmCheck check = gemm_sanity_check();
  CHECK(check.ok);
  CHECK(check.max_error < 1e-5);
}

TEST_CASE("minima info and minima bench --json from the command line") {
  auto [info, info_status] = run(minima::test::cli() + " info");
  CHECK(info_status == 0);
  CHECK(info.find("gemm:    OK (max relative error") != std::string::npos);
  CHECK(info.find("blas:    OpenBLAS") != std::string::npos);

  auto [out, status] = run(minima::test::cli() + " bench paper --steps 3 --threads 1 --json");
  REQUIRE(status == 0);
  const json j = json::parse(out);
  REQUIRE(j["results"].size() == 1);
  const json& r = j["results"][0];
  CHECK(r["network"] == "paper");
  CHECK(r["batch"] == 60);
  CHECK(r["threads"] == 1);
  CHECK(r["gemm_calls"] == 11);  // 4 forward, 4 dW, 3 dx (none for the input)
  CHECK(r["step_ms"]["count"] == 3);
  CHECK(!j["system"]["blas_corename"].get<std::string>().empty());
  for (const char* key : {"name", "source", "reason", "warning"})
    CHECK_MESSAGE(j["system"]["blas_kernel"].contains(key), key);
  CHECK(j["peak_rss_bytes"].get<int64_t>() > 0);

  auto [bad, bad_status] = run(minima::test::cli() + " bench nosuch");
  CHECK(bad_status == 1);
  CHECK(bad.find("unknown network 'nosuch'") != std::string::npos);
  auto [usage, usage_status] = run(minima::test::cli() + " bench --steps 0");
  CHECK(usage_status == 2);
  CHECK(usage.find("--steps expects a positive integer, got '0'") != std::string::npos);
}
