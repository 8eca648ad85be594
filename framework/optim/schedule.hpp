#pragma once
// Learning-rate schedules: lr(step) from the optimizer's base lr.
#include <cstdint>
#include <memory>

#include <minima/config/config_object.hpp>

namespace minima {

class Schedule {
 public:
  virtual ~Schedule() = default;
  // Learning rate for 0-based `step` of `total_steps`.
  virtual float lr(int64_t step, float base_lr) const = 0;
  virtual json config() const = 0;
};

// From the config's "schedule" object (absent = constant):
//   {"type": "constant", "warmup_steps": 0}
//   {"type": "step", "step_size": 1000, "gamma": 0.1, "warmup_steps": 0}
//   {"type": "cosine", "min_lr": 0, "warmup_steps": 0}
// Warm-up rises linearly from base_lr/warmup_steps to base_lr; "step" counts
// its decays from step 0, "cosine" anneals over the steps after warm-up.
// total_steps <= 0 means "not known yet" (validating a config before the data
// set size is known): the checks that need it are skipped.
std::unique_ptr<Schedule> make_schedule(ConfigObject& config, int64_t total_steps);

}  // namespace minima
