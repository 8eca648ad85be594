#pragma once
// What one `minima compare` measured: per variant and seed the accuracy
// curve, training loss, ms per step, the drift of every probed layer and the
// percentiles of the unit each chart shows. The table, the page's charts and
// sentences and summary.json are all made from a CompareSummary, so tests
// can feed synthetic ones.
//
// summary.json (to_json): {"title", "source", "thresholds": [0.9, ...],
//   "sweep_key" ("" without a sweep), "probe_batch", "hardware", "notes": [...],
//   "variants": [{"name", "setting", "sweep_value", "baseline", "description",
//     "changes", "source", "config", "layers": ["input to sigmoid1 (bn1)", ...],
//     "layer_units": ["channel", ..., "unit"] (what one trace of each layer follows),
//     "seeds": [{"seed", "steps", "finished", "ms_per_step", "final_accuracy",
//       "steps_to": [500, null, ...] (per threshold; null = not reached),
//       "drift": [per layer; null = no scale], "accuracy": [[step, acc], ...],
//       "loss": [[step, loss], ...], "shown": [{"unit", "points": [[step, p15, p50, p85], ...]}],
//       "run_seconds", "measure_seconds", "landscape": [{"step", "loss", "loss_min",
//       "loss_max", "grad_change_min", "grad_change_max", "beta", "ics_l2": [per layer],
//       "ics_cosine": [per layer]}, ...] (empty when not measured),
//       "telemetry": [{"name", "type", "lo", "hi", "points": [[step, mean, std, saturated,
//       [histogram shares]], ...], "unit"}] (empty when not recorded),
//       "train_mode_accuracy": [[step, acc], ...] (empty when not asked for)}],
//     "landscape_layers": ["fc1", ...] (the weight layers ICS follows),
//     "aggregate": {"steps_to", "speedup", "final_accuracy", "drift": median/min/max
//       over seeds, "ms_per_step": median}}]}
// "final_accuracy", "steps_to" and "aggregate" are derived: from_json
// ignores them and recomputes from the curves.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/report/chart.hpp>
#include <minima/train/landscape_meter.hpp>
#include "cli/compare/convergence.hpp"
#include "cli/compare/probe.hpp"
#include "cli/compare/telemetry.hpp"

namespace minima {

struct LossPoint {
  int64_t step;
  double loss;  // mean training loss over the steps since the previous point
};

// The unit of a probed layer that the charts show (the typical one, drift.hpp).
struct ShownUnit {
  int64_t unit = 0;
  UnitTrace trace;
};

struct SeedResult {
  int64_t seed = 0;
  int64_t steps = 0;       // steps trained
  bool finished = true;    // false when stopped early or diverged
  double ms_per_step = 0;  // training steps only (no evaluation or probes), in this process
  std::vector<AccuracyPoint> accuracy;  // from step 0 (before training)
  std::vector<LossPoint> loss;
  std::vector<double> drift;     // per probed layer (unit_drift's median); NaN = no scale
  std::vector<ShownUnit> shown;  // per probed layer
  double run_seconds = 0;        // wall time of the run: training, evaluations, probes, measures
  double measure_seconds = 0;    // of which measuring the landscape (0 when not measured)
  std::vector<LandscapePoint> landscape;  // at every measured step, in step order
  std::vector<LayerTelemetry> telemetry;  // per hidden activation; empty when not recorded
  // Test accuracy with BN on batch statistics (train_mode_accuracy.hpp) at
  // the evaluated steps; empty when not asked for.
  std::vector<AccuracyPoint> train_mode_accuracy;
  double final_accuracy() const { return accuracy.empty() ? 0 : accuracy.back().accuracy; }
};

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
  std::vector<std::string> layers;  // labels of the probed layers
  // Per probed layer, what one trace follows: "unit", or "channel" (an image
  // layer's, unit_layout); summaries written before channels have none.
  std::vector<std::string> layer_units;
  std::vector<std::string> landscape_layers;  // the weight layers ICS follows ("fc1", ...)
  std::vector<SeedResult> seeds;              // in the compare config's seed order
};

struct CompareSummary {
  std::string title;
  std::string source;              // the compare config file
  std::vector<double> thresholds;  // test accuracy fractions
  std::string sweep_key;           // "" without a sweep
  int64_t probe_batch = 0;         // test inputs behind each percentile
  std::string hardware;            // "BLAS kernel: OpenBLAS Haswell (AVX2)"
  std::vector<std::string> notes;  // setup and "stopped early" notes
  std::vector<VariantSummary> variants;
};

nlohmann::json to_json(const CompareSummary& summary);
CompareSummary summary_from_json(const nlohmann::json& doc);

// Whether any variant ran more than one seed: the words then speak of "the
// median seed", else of the run itself.
bool several_seeds(const CompareSummary& summary);

// The variant `v` is compared with, or nullptr.
const VariantSummary* baseline_of(const CompareSummary& summary, const VariantSummary& v);

// Over the seeds of `v` (which must have at least one): the steps to
// `threshold` (a seed that never reached it counts as at least the steps it
// ran), the final accuracy, and the median ms per step.
Spread steps_spread(const VariantSummary& v, double threshold);
Spread final_accuracy_spread(const VariantSummary& v);
double median_ms_per_step(const VariantSummary& v);
// True when at least one seed of `v` reached `threshold`.
bool any_reached(const VariantSummary& v, double threshold);
// The per-seed ratios base steps / v steps to `threshold`, each seed of `v`
// paired with the baseline's run of the same seed; nullopt when no pair
// has a known ratio (neither reached it).
std::optional<Spread> speedup_spread(const VariantSummary& base, const VariantSummary& v,
                                     double threshold);
// What one trace of probed layer `layer` of `v` follows: "unit" or "channel".
std::string unit_of(const VariantSummary& v, size_t layer);

// The drift of probed layer `layer` over the seeds that measured it.
std::optional<Spread> drift_spread(const VariantSummary& v, size_t layer);

}  // namespace minima
