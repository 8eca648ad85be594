#pragma once
// One run of `minima compare`: trains one variant with one seed, with every
// measurement that is on attached (framework/lesson/measurement.hpp), and
// returns what it adds to the summary.
#include <atomic>
#include <mutex>
#include <string>

#include <minima/lesson/summary.hpp>
#include "cli/compare/compare_plan.hpp"
#include "cli/serve/run_observer.hpp"

namespace minima::cli {

struct RunOutcome {
  lesson::SeedResult result;
  std::string diverged_note, stop_note;  // empty unless it diverged / Ctrl-C stopped it
};

struct RunContext {
  const CompareConfig& compare;
  size_t count;                    // of runs
  bool quiet;                      // print nothing while training
  bool side_by_side;               // runs share the terminal: one line per evaluation, named
  bool writer;                     // writes files and messages (rank 0 of a data-parallel compare)
  const std::string& tensorboard;  // the TensorBoard log's directory, or ""
  std::mutex& print;               // held while printing
  RunObserver* observer;           // told of each start, evaluation and end (--serve), or null
  std::atomic<bool>* stop;  // stops the runs at their next step: Ctrl-C, or a cancelled what-if
};

// Trains run `index` of the plan. Ctrl-C (interrupt_requested) stops it at
// its next step; a diverged run ends early; both are noted, not thrown.
RunOutcome run_one(const Plan& plan, size_t index, const RunContext& context);

}  // namespace minima::cli
