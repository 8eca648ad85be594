#pragma once
// What one `minima compare` measured: per variant and seed the accuracy
// curve, the training loss, the time per step, and what each measurement
// (measurement.hpp) recorded. The tables, the page and summary.json are all
// made from a CompareSummary, so tests can feed synthetic ones.
//
// summary.json is to_json(summary): the fields below by name, each
// measurement's per-seed result under seeds[k].measures.<measurement>, and
// per variant an "aggregate" of derived numbers (median [min-max] over
// seeds) that summary_from_json ignores. docs/compare.md describes the
// format; kFormat is its version.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/statistics.hpp>
#include <minima/report/chart.hpp>

namespace minima {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LineStyle, color, dash, marker)
}  // namespace minima

namespace minima::lesson {

struct AccuracyPoint {
  int64_t step = 0;     // optimizer steps done when evaluated
  double accuracy = 0;  // test accuracy in [0, 1]
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AccuracyPoint, step, accuracy)

struct LossPoint {
  int64_t step = 0;
  double loss = 0;  // mean training loss over the steps since the previous point
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LossPoint, step, loss)

struct SeedResult {
  int64_t seed = 0;
  int64_t steps = 0;       // steps trained
  bool finished = true;    // false when stopped early or diverged
  double ms_per_step = 0;  // training steps only (no evaluation or measurements), in this process
  double run_seconds = 0;  // wall time of the run: training, evaluations, measurements
  std::vector<AccuracyPoint> accuracy;  // from step 0 (before training)
  std::vector<LossPoint> loss;
  // What each measurement recorded in this run, by the measurement's name
  // (its Recorder::result()); a measurement that was off has no entry.
  nlohmann::json measures = nlohmann::json::object();
  double final_accuracy() const { return accuracy.empty() ? 0 : accuracy.back().accuracy; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SeedResult, seed, steps, finished, ms_per_step, run_seconds,
                                   accuracy, loss, measures)

struct VariantSummary {
  std::string name;            // "without BN, lr=0.5"
  std::string setting;         // "without BN" (the name without the sweep value)
  nlohmann::json sweep_value;  // null outside a sweep
  std::string baseline;        // the variant it is compared with; "" for a baseline
  std::string description;     // its run config's description
  std::string changes;         // what it changes in the base: "model.batchnorm=false"
  std::string source;          // the run config file it came from
  nlohmann::json config;       // the run config as trained (shown on the page)
  LineStyle style;
  std::vector<SeedResult> seeds;  // in the compare config's seed order
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(VariantSummary, name, setting, sweep_value, baseline,
                                   description, changes, source, config, style, seeds)

struct CompareSummary {
  static constexpr int kFormat = 2;  // the version of summary.json's layout
  std::string title;
  std::string source;              // the compare config file
  std::string command;             // the command that ran it: "minima compare configs/x.json ..."
  std::string sweep_key;           // "" without a sweep
  std::string hardware;            // "BLAS kernel: OpenBLAS Haswell (AVX2)"
  std::vector<std::string> notes;  // setup and "stopped early" notes
  // The settings of every measurement that was on, by name (Measurement::configure).
  nlohmann::json measures = nlohmann::json::object();
  std::vector<VariantSummary> variants;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CompareSummary, title, source, command, sweep_key, hardware,
                                   notes, measures, variants)

// summary.json: the summary, "format": kFormat, and in every variant with
// results an "aggregate": {"final_accuracy", "ms_per_step", and per
// measurement that has one its Measurement::aggregate}.
nlohmann::json summary_to_json(const CompareSummary& summary);
// Refuses (std::runtime_error) a document of another format version.
CompareSummary summary_from_json(const nlohmann::json& doc);

// One measurement's per-seed results in `v`, read into its own type: one
// per seed that recorded it, in seed order.
template <class Result>
std::vector<Result> results_of(const VariantSummary& v, const std::string& measurement) {
  std::vector<Result> out;
  for (const SeedResult& s : v.seeds)
    if (const auto it = s.measures.find(measurement); it != s.measures.end())
      out.push_back(it->template get<Result>());
  return out;
}
// The same for one seed; nullopt when it did not record it.
template <class Result>
std::optional<Result> result_of(const SeedResult& s, const std::string& measurement) {
  const auto it = s.measures.find(measurement);
  if (it == s.measures.end()) return std::nullopt;
  return it->template get<Result>();
}

// Whether any variant ran more than one seed: the sentences then speak of
// "the median seed", else of the run itself.
bool several_seeds(const CompareSummary& summary);
// The most seeds any variant ran.
size_t seed_count(const CompareSummary& summary);

// The variant `v` is compared with, or nullptr.
const VariantSummary* baseline_of(const CompareSummary& summary, const VariantSummary& v);

// Over the seeds of `v` (which must have at least one): the final accuracy
// and the median ms per step.
Spread final_accuracy_spread(const VariantSummary& v);
double median_ms_per_step(const VariantSummary& v);

}  // namespace minima::lesson
