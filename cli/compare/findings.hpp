#pragma once
// The sentences that state a result, on the page and on the terminal, made
// from the measured numbers only, so that they cannot contradict the
// charts: which variant reaches each threshold first and by how much, which
// ends higher, which drifts more in each hidden layer, and for sweeps where
// runs stall and at which values a variant wins or loses against its
// baseline. Numbers are median [min–max] over the seeds.
#include <string>
#include <vector>

#include "cli/compare/summary.hpp"

namespace minima {

struct Findings {
  // Per variant and its baseline: each threshold, then final accuracy. A
  // sweep: where runs stall, then per variant the values where it ends
  // higher or lower and reaches 97% (sweep_threshold) in fewer or more steps.
  std::vector<std::string> speed;
  // Per variant and its baseline (not in a sweep): each probed layer's drift.
  std::vector<std::string> drift;
};
// Outside a sweep, empty without a variant that has a baseline with results.
Findings findings(const CompareSummary& summary);

}  // namespace minima
