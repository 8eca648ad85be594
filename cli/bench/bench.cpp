#include "cli/bench/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <minima/core/parallel.hpp>
#include <minima/core/rng.hpp>
#include <minima/nn/model_builder.hpp>
#include <minima/platform/threads.hpp>
#include <minima/train/run_config.hpp>
#include <minima/train/thread_choice.hpp>
#include "cli/system_info.hpp"

namespace minima {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

TimingStats timing_stats(std::vector<double> ms) {
  TimingStats s;
  s.count = int64_t(ms.size());
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  s.median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  s.min = ms.front();
  s.max = ms.back();
  s.p90 = ms[std::min(n - 1, size_t(std::ceil(0.9 * double(n))) - 1)];
  return s;
}

std::vector<BenchNetwork> named_bench_networks() {
  struct Spec {
    const char* name;
    std::vector<int64_t> hidden;
    const char* activation;
    int64_t batch;
  };
  const Spec specs[] = {{"paper", {100, 100, 100}, "sigmoid", 60},
                        {"relu", {256, 256}, "relu", 128},
                        {"wide", {1024, 1024}, "relu", 256}};
  std::vector<BenchNetwork> networks;
  for (const Spec& s : specs)
    for (bool bn : {true, false}) {
      const json spec = {
          {"type", "mlp"}, {"hidden", s.hidden}, {"activation", s.activation}, {"batchnorm", bn}};
      networks.push_back(
          {std::string(s.name) + (bn ? "" : "-nobn"), expand_model(spec, "/model"), s.batch});
    }
  // LeNet-5 / BNLeNet (configs/mnist_lenet_bn.json's model) on 28 x 28 images.
  for (bool bn : {true, false}) {
    const json spec = {{"type", "cnn"},           {"conv", {6, 16}}, {"kernel", 5},
                       {"padding", {2, 0}},       {"pool", "avg"},   {"dense", {120, 84}},
                       {"activation", "sigmoid"}, {"batchnorm", bn}, {"init", "xavier"}};
    networks.push_back({bn ? "lenet" : "lenet-nobn", expand_model(spec, "/model"), 128});
  }
  return networks;
}

BenchNetwork named_bench_network(const std::string& name) {
  std::string known;
  for (BenchNetwork& n : named_bench_networks()) {
    if (n.name == name) return n;
    known += (known.empty() ? "" : ", ") + n.name;
  }
  throw std::invalid_argument("unknown network '" + name + "' (known: " + known + ")");
}

BenchNetwork config_bench_network(const std::string& path) {
  const RunConfig config = load_run_config(path);
  const std::string stem = std::filesystem::path(path).stem().string();
  return {stem, config.layers, config.train.batch_size, sample_shape(config.data),
          config.train.threads};
}

TrainingStep::TrainingStep(const BenchNetwork& network, const json& optimizer, uint64_t seed)
    : graph_(Graph::from_json(network.layers, "/model/layers")),
      batch_(network.batch),
      x_(network.sample.with_batch(network.batch)),
      labels_(size_t(network.batch)) {
  graph_.build(network.sample, seed);
  ConfigObject config(optimizer, "/optimizer");
  optimizer_ = make_optimizer(config, graph_.values().numel());  // the arena, padding included
  lr_ = optimizer_->base_lr();
  Rng rng(seed);
  for (int64_t i = 0; i < x_.numel(); ++i) x_[i] = rng.uniform();
  const uint64_t classes = uint64_t(graph_.output_shape().numel());
  for (int32_t& label : labels_) label = int32_t(rng.below(classes));
}

float TrainingStep::train(StepProfile* profile) {
  if (!profile) {
    graph_.zero_grad();
    const float loss = loss_.forward(graph_.forward(x_, Mode::Train), labels_);
    graph_.backward(loss_.backward());
    optimizer_->step(graph_.values(), graph_.grads(), lr_);
    return loss;
  }
  const size_t layers = graph_.size();
  if (profile->layer_types.empty()) {
    for (size_t i = 0; i < layers; ++i) profile->layer_types.push_back(graph_.layer(i).type());
    profile->forward_s.assign(layers, 0.0);
    profile->backward_s.assign(layers, 0.0);
  }
  graph_.set_layer_timer([profile](size_t layer, bool backward, double seconds) {
    (backward ? profile->backward_s : profile->forward_s)[layer] += seconds;
  });
  const auto start = Clock::now();
  graph_.zero_grad();
  const Tensor& logits = graph_.forward(x_, Mode::Train);
  auto t = Clock::now();
  const float loss = loss_.forward(logits, labels_);
  const Tensor& dlogits = loss_.backward();
  profile->loss_s += std::chrono::duration<double>(Clock::now() - t).count();
  graph_.backward(dlogits);
  t = Clock::now();
  optimizer_->step(graph_.values(), graph_.grads(), lr_);
  profile->optimizer_s += std::chrono::duration<double>(Clock::now() - t).count();
  profile->total_s += std::chrono::duration<double>(Clock::now() - start).count();
  ++profile->steps;
  graph_.set_layer_timer(nullptr);
  return loss;
}

const Tensor& TrainingStep::infer() { return graph_.forward(x_, Mode::Eval); }

std::vector<GemmCall> record_step_gemms(TrainingStep& step) {
  step.train();  // so that the recorded step is a steady-state one
  std::vector<GemmCall> calls;
  set_gemm_recorder(&calls);
  try {
    step.train();
  } catch (...) {
    set_gemm_recorder(nullptr);
    throw;
  }
  set_gemm_recorder(nullptr);
  return calls;
}

GemmReplay::GemmReplay(std::vector<GemmCall> calls) : calls_(std::move(calls)) {
  for (size_t begin = 0; begin < calls_.size();) {
    const bool in_parts = calls_[begin].part >= 0;
    size_t end = begin;
    int64_t parts = 0;
    for (; end < calls_.size() && (calls_[end].part >= 0) == in_parts; ++end)
      parts = std::max<int64_t>(parts, calls_[end].part + 1);
    stretches_.push_back({begin, end, parts});
    begin = end;
  }
}

void GemmReplay::run() const {
  for (const Stretch& s : stretches_) {
    if (s.parts == 0) {
      for (size_t i = s.begin; i < s.end; ++i) run_gemm(calls_[i]);
      continue;
    }
    parallel_parts(s.parts, [&](int64_t part) {
      for (size_t i = s.begin; i < s.end; ++i)
        if (calls_[i].part == part) run_gemm(calls_[i]);
    });
  }
}

double GemmReplay::flops() const {
  double total = 0;
  for (const GemmCall& c : calls_) total += 2.0 * double(c.m) * double(c.n) * double(c.k);
  return total;
}

std::vector<GemmProfileRow> gemm_profile(const GemmReplay& replay, int64_t repeats) {
  const std::vector<GemmCall>& calls = replay.calls();
  std::vector<std::vector<double>> ms(calls.size());
  for (int64_t r = 0; r < repeats; ++r)
    for (size_t i = 0; i < calls.size(); ++i) {
      const auto start = Clock::now();
      replay.run(i);
      ms[i].push_back(ms_since(start));
    }
  std::vector<GemmProfileRow> rows;
  double total = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    const GemmCall& c = calls[i];
    auto row = std::find_if(rows.begin(), rows.end(), [&](const GemmProfileRow& r) {
      return r.trans_a == c.trans_a && r.trans_b == c.trans_b && r.m == c.m && r.n == c.n &&
             r.k == c.k && r.beta == c.beta;
    });
    if (row == rows.end())
      row = rows.insert(rows.end(), {c.trans_a, c.trans_b, c.m, c.n, c.k, c.beta});
    const double median = timing_stats(ms[i]).median;
    ++row->calls;
    row->ms += median;
    total += median;
  }
  for (GemmProfileRow& row : rows) {
    row.share = total > 0 ? row.ms / total : 0;
    row.gflops = row.ms > 0 ? 2.0 * row.m * row.n * row.k * row.calls / (row.ms * 1e6) : 0;
  }
  return rows;
}

namespace {

json stats_json(const TimingStats& s) {
  return {{"median", s.median}, {"min", s.min}, {"p90", s.p90}, {"max", s.max}, {"count", s.count}};
}

// The profile's totals per "<type> forward|backward" part, in layer order.
std::vector<std::pair<std::string, std::pair<double, double>>> profile_shares(
    const StepProfile& p) {
  std::vector<std::pair<std::string, double>> parts;
  auto add = [&](const std::string& part, double seconds) {
    auto it =
        std::find_if(parts.begin(), parts.end(), [&](const auto& e) { return e.first == part; });
    if (it == parts.end())
      parts.emplace_back(part, seconds);
    else
      it->second += seconds;
  };
  double accounted = p.loss_s + p.optimizer_s;
  for (size_t i = 0; i < p.layer_types.size(); ++i) {
    add(p.layer_types[i] + " forward", p.forward_s[i]);
    accounted += p.forward_s[i];
  }
  for (size_t i = 0; i < p.layer_types.size(); ++i) {
    add(p.layer_types[i] + " backward", p.backward_s[i]);
    accounted += p.backward_s[i];
  }
  add("loss", p.loss_s);
  add("optimizer", p.optimizer_s);
  add("other", std::max(0.0, p.total_s - accounted));  // zero_grad, graph bookkeeping
  std::vector<std::pair<std::string, std::pair<double, double>>> shares;
  for (const auto& [part, seconds] : parts)
    shares.push_back(
        {part, {seconds * 1e3 / double(p.steps), p.total_s > 0 ? seconds / p.total_s : 0.0}});
  return shares;
}

}  // namespace

BenchResult run_bench(const BenchNetwork& network, const BenchOptions& options) {
  TrainingStep step(network, options.optimizer);
  const int threads = options.threads > 0   ? options.threads
                      : network.threads > 0 ? network.threads
                                            : choose_threads(step.graph(), network.batch);
  set_threads(threads);
  for (int64_t i = 0; i < options.warmup; ++i) {
    step.train();
    step.infer();
  }
  GemmReplay replay(record_step_gemms(step));
  for (int64_t i = 0; i < options.warmup; ++i) replay.run();

  int64_t steps = options.steps;
  if (steps <= 0) {  // about one second of training steps
    const auto start = Clock::now();
    for (int i = 0; i < 5; ++i) step.train();
    steps = std::clamp(int64_t(1000.0 / std::max(ms_since(start) / 5.0, 1e-3)), int64_t(20),
                       int64_t(3000));
  }
  // Rounds alternate the three measurements so that load from elsewhere on a
  // shared machine falls on all of them alike.
  const int64_t rounds = std::min<int64_t>(5, steps);
  std::vector<double> step_ms, infer_ms, gemm_ms;
  for (int64_t r = 0; r < rounds; ++r) {
    const int64_t count = steps / rounds + (r < steps % rounds ? 1 : 0);
    for (int64_t i = 0; i < count; ++i) {
      const auto start = Clock::now();
      step.train();
      step_ms.push_back(ms_since(start));
    }
    for (int64_t i = 0; i < count; ++i) {
      const auto start = Clock::now();
      step.infer();
      infer_ms.push_back(ms_since(start));
    }
    for (int64_t i = 0; i < count; ++i) {
      const auto start = Clock::now();
      replay.run();
      gemm_ms.push_back(ms_since(start));
    }
  }

  BenchResult result;
  result.network = network.name;
  result.batch = network.batch;
  result.params = step.graph().num_params();
  result.threads = threads;
  result.step = timing_stats(step_ms);
  result.inference = timing_stats(infer_ms);
  result.gemm_bound = timing_stats(gemm_ms);
  result.gemm_calls = int64_t(replay.calls().size());
  result.gemm_gflops =
      result.gemm_bound.median > 0 ? replay.flops() / (result.gemm_bound.median * 1e6) : 0;
  if (options.profile) {
    StepProfile profile;
    for (int64_t i = 0; i < std::max<int64_t>(steps / rounds, 10); ++i) step.train(&profile);
    result.profile = profile_shares(profile);
    result.gemm_profile = gemm_profile(replay, std::max<int64_t>(steps / rounds, 10));
  }
  return result;
}

json to_json(const BenchResult& r) {
  json j = {{"network", r.network},
            {"batch", r.batch},
            {"params", r.params},
            {"threads", r.threads},
            {"step_ms", stats_json(r.step)},
            {"inference_ms", stats_json(r.inference)},
            {"gemm_bound_ms", stats_json(r.gemm_bound)},
            {"step_over_gemm_bound", r.bound_ratio()},
            {"samples_per_second", r.samples_per_second()},
            {"inference_samples_per_second", r.inference_samples_per_second()},
            {"gemm_calls", r.gemm_calls},
            {"gemm_gflops", r.gemm_gflops}};
  if (!r.profile.empty()) {
    json profile = json::array();
    for (const auto& [part, value] : r.profile)
      profile.push_back({{"part", part}, {"ms", value.first}, {"share", value.second}});
    j["profile"] = profile;
  }
  if (!r.gemm_profile.empty()) {
    json gemms = json::array();
    for (const GemmProfileRow& g : r.gemm_profile)
      gemms.push_back({{"trans_a", g.trans_a},
                       {"trans_b", g.trans_b},
                       {"m", g.m},
                       {"n", g.n},
                       {"k", g.k},
                       {"beta", g.beta},
                       {"calls", g.calls},
                       {"ms", g.ms},
                       {"share", g.share},
                       {"gflops", g.gflops}});
    j["gemm_profile"] = gemms;
  }
  return j;
}

}  // namespace minima
