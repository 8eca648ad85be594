#pragma once
// The config of `minima compare`: which runs to train side by side. One of
//   {"base": "paper_fig1_bn.json", "variants": {"without BN": {"model.batchnorm": false},
//                                               "with BN": {"model.batchnorm": true}}}
//   {"configs": ["a.json", "b.json"]}
//   {"base": ..., "sweep": {"key": "optimizer.lr", "values": [0.1, 0.5]}, "variants": {...}}
// (a sweep runs every value with every variant), plus optional
//   "description", "baseline" (the variant others are compared with; default
//   the first, per sweep value), "seed", "eval_every" and "eval_early"
//   (default true: train.eval_early; set in every variant, after its own
//   overrides and before --set), "seeds" (how often each variant runs:
//   3 = the variant's seed + 0, 1, 2; [0, 7, 9] = those seeds; default once,
//   with its own seed), "samples": {"total", "eval_every"} (every run sees
//   this many training samples, evaluated every so many: batch sizes
//   compared at the same samples seen), "output" (default runs/<file stem>),
//   and the settings of the measurements under their names
//   (framework/lesson/: "thresholds", "probe", "landscape", "telemetry",
//   "train_mode_accuracy", and any a plugin registers).
// Paths are relative to the compare file. Variant keys are dotted override
// paths (apply_override); every error names the JSON pointer.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/report/chart.hpp>

namespace minima::cli {

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
  std::string sweep_key;  // "optimizer.lr"; "" without a sweep
  // The settings of every measurement that is on, by name
  // (lesson::Measurement::configure of the value under its name).
  nlohmann::json measures = nlohmann::json::object();
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

}  // namespace minima::cli
