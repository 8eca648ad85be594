#pragma once
// Whether a run trained stably, and over a learning-rate sweep the largest
// rate that does: a run is stable when every training loss it logged is
// finite (the trainer ends a run at the first that is not: it diverged)
// and its final test accuracy is at least `min_accuracy`; a run that stays
// finite below it never learned (in its budget).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// How one run ended, as its recorder saw it.
struct RunEnd {
  std::string ended = "finished";  // "finished", "diverged" or "stopped" (Ctrl-C)
  int64_t step = 0;                // the steps it trained
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunEnd, ended, step)

enum class Stability { Stable, Diverged, NeverLearned, Stopped };
const char* stability_words(Stability s);  // "stable", "diverges", "never learns", "stopped"

// A seed's verdict; nullopt when the stability measurement did not record it.
std::optional<Stability> stability_of(const SeedResult& s, double min_accuracy);

// One setting (variant without the sweep value) and seed over the sweep's values.
struct StableRange {
  std::string setting;
  int64_t seed = 0;
  std::optional<double> largest_stable;  // the largest swept value with a stable run
  std::optional<Stability> above;        // the verdict at the next value above it
  std::optional<double> above_value;     // that value
};
// Per setting and seed, in the summary's order; empty outside a sweep.
std::vector<StableRange> stable_ranges(const CompareSummary& summary, double min_accuracy);

// The min_accuracy (a fraction) the summary's stability settings name.
double stability_min_accuracy(const CompareSummary& summary);

}  // namespace minima::lesson
