#pragma once
// The steps at which a run evaluates: every `every` steps and at its last
// step; with `early`, also at the log-spaced steps 10, 20, 50, 100, 200,
// 500, ... below the first regular evaluation (with every = 500: 10, 20, 50,
// 100, 200), so that a fast start (BN's first 500 steps take test accuracy
// from 10 % to 90 %) is measured instead of drawn as one straight line. A
// function of the step alone: a resumed run evaluates where an
// uninterrupted one does.
#include <cstdint>
#include <vector>

namespace minima {

struct EvalSchedule {
  int64_t every = 1;  // steps between regular evaluations (> 0)
  int64_t last = 0;   // the run's last step
  bool early = false;

  // Whether the run evaluates after `step` steps.
  bool at(int64_t step) const;
  // The first step after `step` at which it evaluates (at most `last`).
  int64_t next_after(int64_t step) const;
  // The early evaluation steps: those below `every` and `last` (none without `early`).
  std::vector<int64_t> early_steps() const;
};

// 10, 20, 50, 100, 200, 500, ...: 1, 2 and 5 times each power of ten from 10.
bool is_log_spaced_step(int64_t step);

}  // namespace minima
