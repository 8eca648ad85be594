#pragma once
// The summary of a `minima compare` (framework/lesson/summary.hpp) made from
// its config and the runs finished so far: what summary.json and report.html
// hold, rewritten after every run (cmd_compare) and watched live (--serve).
#include <optional>
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_plan.hpp"
#include "cli/compare/compare_run.hpp"

namespace minima::cli {

// The summary's settings and variants, before any run has finished.
lesson::CompareSummary summary_setup(const CompareConfig& compare, const std::vector<Plan>& plans,
                                     const std::string& config_file,
                                     const std::vector<std::string>& overrides);

// `setup` with the runs finished so far (in plan order) and their notes.
lesson::CompareSummary summary_so_far(lesson::CompareSummary setup, const std::vector<Plan>& plans,
                                      const std::vector<std::optional<RunOutcome>>& outcomes);

}  // namespace minima::cli
