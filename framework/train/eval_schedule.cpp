#include <minima/train/eval_schedule.hpp>

#include <algorithm>

namespace minima {
namespace {

// The first log-spaced step after `step`.
int64_t next_log_spaced_step(int64_t step) {
  for (int64_t decade = 10;; decade *= 10)
    for (int64_t times : {1, 2, 5})
      if (times * decade > step) return times * decade;
}

}  // namespace

bool is_log_spaced_step(int64_t step) {
  return step >= 10 && next_log_spaced_step(step - 1) == step;
}

bool EvalSchedule::at(int64_t step) const {
  if (step == last || step % every == 0) return true;
  return early && step < every && is_log_spaced_step(step);
}

int64_t EvalSchedule::next_after(int64_t step) const {
  const int64_t regular = std::min(last, (step / every + 1) * every);
  const int64_t early_step = next_log_spaced_step(step);
  return early && early_step < every && early_step < regular ? early_step : regular;
}

std::vector<int64_t> EvalSchedule::early_steps() const {
  std::vector<int64_t> steps;
  for (int64_t s = next_after(0); s < std::min(every, last); s = next_after(s)) steps.push_back(s);
  return steps;
}

}  // namespace minima
