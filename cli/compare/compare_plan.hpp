#pragma once
// The runs of one `minima compare`, checked before any training: one per
// variant and seed, each with its run config, its data and its thread count.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <minima/data/data_source.hpp>
#include <minima/train/run_config.hpp>
#include "cli/compare/compare_config.hpp"

namespace minima::cli {

// One run of one variant with one seed, checked and ready to train.
struct Plan {
  size_t variant;  // index in CompareConfig::variants
  int64_t seed;
  RunConfig config;
  std::shared_ptr<const TrainingData> data;
  int threads = 1;  // the run's training threads (train.threads, or the trainer's choice)
};

// Validates every run (config, data, what each measurement needs) before
// any training, so that a typo in the last variant does not surface an
// hour in; each run writes to out_dir/<variant>/seed-<seed>. Data sets are
// loaded once and shared. Runs are seed-major (every variant's first seed,
// then every variant's second, ...), so the runs of one seed train at about
// the same time and their ms per step see the same load on the host.
std::vector<Plan> plan_runs(const CompareConfig& compare, const std::string& out_dir);

// The notes on the page about the whole comparison: which seeds, and when
// and on what test accuracy is measured.
std::vector<std::string> setup_notes(const std::vector<Plan>& plans, const CompareConfig& compare);

}  // namespace minima::cli
