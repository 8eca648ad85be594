#pragma once
// Synthetic `minima compare` summaries for the table, page and sentence tests.
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <minima/lesson/landscape/landscape_summary.hpp>
#include <minima/lesson/probes/probe_result.hpp>
#include <minima/lesson/summary.hpp>

namespace minima::test {

using namespace minima::lesson;

// input [1, 2, 2] -> conv1 (2 channels, 1x1 kernel) -> `act` -> flatten ->
// out, with channel c = weight_c x + bias_c ({weight, bias} per channel).
inline Graph two_channel_net(const std::string& act, std::pair<float, float> channel0,
                             std::pair<float, float> channel1) {
  Graph g = Graph::from_json(
      nlohmann::json::array(
          {{{"type", "conv2d"}, {"name", "conv1"}, {"out_channels", 2}, {"kernel", 1}},
           {{"type", act}, {"name", act + "1"}},
           {{"type", "flatten"}},
           {{"type", "dense"}, {"name", "out"}, {"units", 2}}}),
      "/model/layers");
  g.build(Shape{1, 2, 2}, 0);
  for (Param* p : g.find("conv1")->params()) {  // weight [2, 1, 1, 1], bias [2]
    const bool weight = p->name == "weight";
    p->value[0] = weight ? channel0.first : channel0.second;
    p->value[1] = weight ? channel1.first : channel1.second;
  }
  return g;
}

// One seed's run: evaluated at step 0 and every 100 steps with
// `accuracies`, the given drift per layer (NaN: none), a shown unit per
// layer, probed over 64 test inputs.
inline SeedResult seed_run(int64_t seed, const std::vector<double>& accuracies,
                           const std::vector<double>& drift, double ms_per_step = 0.5) {
  SeedResult s;
  s.seed = seed;
  s.ms_per_step = ms_per_step;
  ProbeResult probe;
  probe.batch = 64;
  for (size_t i = 0; i < accuracies.size(); ++i) {
    const int64_t step = int64_t(i) * 100;
    s.accuracy.push_back({step, accuracies[i]});
    if (i > 0) s.loss.push_back({step, 2.0 * std::exp(-double(i))});
  }
  s.steps = int64_t(accuracies.size() - 1) * 100;
  for (size_t l = 0; l < drift.size(); ++l) {
    const std::string n = std::to_string(l + 1);
    probe.layers.push_back("input to sigmoid" + n + " (fc" + n + ")");
    probe.units.push_back("unit");
    probe.drift.push_back(std::isnan(drift[l]) ? std::nullopt : std::optional<double>(drift[l]));
    ShownUnit u{int64_t(l) + 3, {}};
    for (size_t i = 0; i < accuracies.size(); ++i)
      u.trace.push_back({int64_t(i) * 100, -1.0 - 0.1 * double(i), 0.0, 1.0 + 0.1 * double(i)});
    probe.shown.push_back(u);
  }
  s.measures["probe"] = probe;
  return s;
}

// Calls change(result) on seed `s`'s result of `measurement`, read as a
// Result, which the seed then keeps.
template <class Result, class Change>
void change_result(SeedResult& s, const std::string& measurement, Change change) {
  Result result = s.measures.at(measurement).get<Result>();
  change(result);
  s.measures[measurement] = result;
}
template <class Change>
void change_probe(SeedResult& s, Change change) {
  change_result<ProbeResult>(s, "probe", change);
}
// Calls change(point) on every landscape point of seed `s`.
template <class Change>
void change_landscape(SeedResult& s, Change change) {
  change_result<LandscapeResult>(s, "landscape", [&](LandscapeResult& r) {
    for (LandscapePoint& p : r.points) change(p);
  });
}

// The measurements every comparison has on, with these thresholds.
inline nlohmann::json standard_measures(const std::vector<double>& thresholds) {
  return {{"thresholds", thresholds},
          {"sweep_charts", nlohmann::json::object()},
          {"probe", {{"layer", ""}, {"batch", 64}}}};
}

inline VariantSummary variant(const std::string& name, const std::string& baseline, int style) {
  VariantSummary v;
  v.name = name;
  v.setting = name;
  v.baseline = baseline;
  v.description = name + " description";
  v.changes = baseline.empty() ? "model.batchnorm=false" : "";
  v.source = "configs/base.json";
  v.config = {{"model", {{"batchnorm", !baseline.empty()}}}, {"note", "a < b"}};
  v.style = LineStyle::numbered(style);
  return v;
}

// "without BN" (the baseline) and "with BN", three seeds each, thresholds
// 90% and 95%, 500 steps. With BN reaches 90% at 100-200 steps and 95% at
// 200-300; without BN reaches 90% at 300-400 and 95% only with seed 2. The
// plain net drifts more in both layers.
inline CompareSummary bn_wins() {
  CompareSummary s;
  s.title = "BN <vs> plain & more";
  s.source = "configs/compare_test.json";
  s.measures = standard_measures({0.90, 0.95});
  s.hardware = "BLAS kernel: OpenBLAS Haswell (AVX2)";
  VariantSummary plain = variant("without BN", "", 0), bn = variant("with BN", "without BN", 1);
  plain.seeds = {seed_run(0, {0.1, 0.5, 0.8, 0.91, 0.93, 0.94}, {8.0, 12.0}),
                 seed_run(1, {0.1, 0.6, 0.85, 0.88, 0.92, 0.93}, {9.0, 10.0}),
                 seed_run(2, {0.1, 0.6, 0.85, 0.90, 0.94, 0.96}, {7.0, 14.0})};
  bn.seeds = {seed_run(0, {0.1, 0.92, 0.96, 0.97, 0.975, 0.98}, {2.0, 3.0}),
              seed_run(1, {0.1, 0.88, 0.94, 0.96, 0.97, 0.975}, {2.5, 2.0}),
              seed_run(2, {0.1, 0.91, 0.95, 0.96, 0.97, 0.97}, {1.5, 4.0})};
  s.variants = {plain, bn};
  return s;
}

// Landscape measures for every seed of `v` at steps 0, 100, ..., 500: weight
// layers fc1 (nothing below: no shift) and fc2 (shift `l2`, cosine
// `cosine`), a loss range, gradient change and beta that grow with
// `roughness`; seed k adds k% so that the seeds differ.
inline void add_landscape(VariantSummary& v, double l2, double cosine, double roughness) {
  for (SeedResult& s : v.seeds) {
    const double k = 1 + 0.01 * double(s.seed);
    s.run_seconds = 10;
    LandscapeResult result{{"fc1", "fc2"}, 1, {}};
    for (int64_t step = 0; step <= 500; step += 100) {
      LandscapePoint p;
      p.step = step;
      p.loss = 1.0;
      p.ics = {{0.0, 1.0}, {l2 * k, cosine}};
      p.along = {1.0 - 0.1 * roughness, 1.0 + roughness * k, 0.1 * roughness, roughness * k,
                 2 * roughness * k};
      result.points.push_back(p);
    }
    s.measures["landscape"] = result;
  }
}

// bn_wins() with landscape measures: with BN less shift and a smoother landscape.
inline CompareSummary bn_smoother() {
  CompareSummary s = bn_wins();
  s.measures["landscape"] = nlohmann::json::object();
  add_landscape(s.variants[0], 0.5, 0.90, 2.0);
  add_landscape(s.variants[1], 0.1, 0.99, 0.5);
  return s;
}

// A sweep of optimizer.lr over 0.1 and 2, one seed each: without BN stalls
// at 0.1 (never 90%); at 2 it beats BN (higher and faster).
inline CompareSummary lr_sweep() {
  CompareSummary s;
  s.measures = standard_measures({0.90, 0.95});
  s.sweep_key = "optimizer.lr";
  const std::vector<std::vector<double>> accuracies = {{0.1, 0.3, 0.4, 0.5},
                                                       {0.1, 0.92, 0.96, 0.97},
                                                       {0.1, 0.93, 0.96, 0.98},
                                                       {0.1, 0.85, 0.91, 0.955}};
  for (int i = 0; i < 4; ++i) {
    const bool bn = i % 2 == 1;
    VariantSummary v = variant(bn ? "with BN" : "without BN", "", i);
    v.sweep_value = i < 2 ? nlohmann::json(0.1) : nlohmann::json(2);
    v.name += std::string(", lr=") + (i < 2 ? "0.1" : "2");
    v.baseline = bn ? (i < 2 ? "without BN, lr=0.1" : "without BN, lr=2") : "";
    v.style = {bn ? 1 : 0, i / 2, bn ? 1 : 0};  // colour: the setting; dash: the value
    v.seeds = {seed_run(0, accuracies[size_t(i)], {1.0, 1.0})};
    s.variants.push_back(v);
  }
  return s;
}

}  // namespace minima::test
