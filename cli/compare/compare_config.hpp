#pragma once
// The config of `minima compare`: which runs to train side by side. One of
//   {"base": "paper_fig1_bn.json", "variants": {"without BN": {"model.batchnorm": false},
//                                               "with BN": {"model.batchnorm": true}}}
//   {"configs": ["a.json", "b.json"]}
//   {"base": ..., "sweep": {"key": "optimizer.lr", "values": [0.1, 0.5]}, "variants": {...}}
// (a sweep runs every value with every variant), plus optional
//   "description", "baseline" (the variant others are compared with; default
//   the first, per sweep value), "seed" and "eval_every" (set in every
//   variant, after its own overrides), "seeds" (how often each variant runs:
//   3 = the variant's seed + 0, 1, 2; [0, 7, 9] = those seeds; default once,
//   with its own seed), "thresholds" (test accuracy in %, default [90, 95, 97, 98]),
//   "probe": {"layer", "batch"}, "landscape": {"every", "batch", "step_sizes"}
//   (measure ICS and the loss landscape, see LandscapeSpec; off without it),
//   "telemetry": {"bins"} (activation statistics per hidden layer; off without it),
//   "samples": {"total", "eval_every"} (every run sees this many training samples,
//   evaluated every so many: batch sizes compared at the same samples seen),
//   "train_mode_accuracy": true (test accuracy with BN on batch statistics too)
//   and "output" (default runs/<file stem>).
// Paths are relative to the compare file. Variant keys are dotted override
// paths (apply_override); every error names the JSON pointer.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/report/chart.hpp>

namespace minima {

// Which hidden values to follow over training (the paper's Figure 1(b,c)).
struct ProbeSpec {
  std::string layer;     // "" = the input of every hidden activation
  int64_t batch = 1000;  // fixed test inputs whose values give the percentiles
};

// Santurkar et al.'s measures (framework/train/landscape_meter.hpp), taken
// on a copy of the model at the log-spaced probe steps (0, 10, 20, 50, ...),
// every `every` steps and at the last step.
struct LandscapeSpec {
  bool enabled = false;
  // Measure every this many steps besides the log-spaced ones; 0 = those
  // only. The default keeps the paper's Figure 1 run within 25% of its wall
  // time (docs/why-bn-works.md).
  int64_t every = 100;
  int64_t batch = 0;  // fixed training samples (the first ones) measured on; 0 = the batch size
  // The moves along the gradient, eta, as multiples of the learning rate.
  std::vector<double> step_sizes = {0.05, 0.1, 0.25, 0.5, 1, 2, 4};
};

struct CompareVariant {
  std::string name;     // "with BN", "without BN, lr=0.5"
  std::string setting;  // the name without the sweep value: "without BN" ("" in a plain sweep)
  nlohmann::json sweep_value;  // its value of the swept key; null outside a sweep
  std::string slug;            // its subfolder: "with-bn", "without-bn-lr-0-5"
  nlohmann::json config;       // the run config with all overrides applied
  std::string source;          // the config file it came from
  std::string changes;         // what it changes in the base: "model.batchnorm=false"; "" for none
  std::string baseline;        // name of the variant it is compared with; "" for a baseline
  LineStyle style;             // how its lines look in the charts
  std::vector<int64_t> seeds;  // one run per seed, each in <slug>/seed-<seed>
};

struct CompareConfig {
  std::string source;  // the compare file
  std::string description;
  std::string output_dir;
  std::string sweep_key;           // "optimizer.lr"; "" without a sweep
  std::vector<double> thresholds;  // test accuracy fractions, e.g. 0.9
  ProbeSpec probe;
  LandscapeSpec landscape;
  int telemetry_bins = 0;  // histogram bins of the activation telemetry; 0 = not recorded
  // Also the test accuracy in Train mode (BatchNorm on the statistics of each
  // test batch of the run's batch size), on a copy of the model.
  bool train_mode_accuracy = false;
  std::vector<CompareVariant> variants;
};

// Reads `path`. `overrides` ("train.steps=500", as for `--set`) apply to every
// variant last: the command line wins over the compare file.
CompareConfig load_compare_config(const std::string& path,
                                  const std::vector<std::string>& overrides = {});
// The same for an already parsed document; `source` is its file name (paths
// in it are relative to its directory).
CompareConfig parse_compare_config(const nlohmann::ordered_json& doc, const std::string& source,
                                   const std::vector<std::string>& overrides = {});

// Whether the run config `config` normalizes with BatchNorm (a model
// builder's "batchnorm": true or BN settings, or in a layer list a layer
// whose type normalizes over the batch, LayerTraits).
bool uses_batchnorm(const nlohmann::json& config);

// What a run config trains, in one line made from its settings:
// "mlp 100-100-100 sigmoid, BN; sgd lr 2; batch 60; 5000 steps". Settings it
// lacks are left out.
std::string describe_run(const nlohmann::json& config);

// "without BN, lr=0.5" -> "without-bn-lr-0-5".
std::string slugify(const std::string& name);

}  // namespace minima
