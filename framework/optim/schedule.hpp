#pragma once
// Learning-rate schedules: lr(step) from the optimizer's base lr.
#include <cstdint>
#include <functional>
#include <memory>

#include <minima/config/config_object.hpp>
#include <minima/config/registry.hpp>

namespace minima {

class Schedule {
 public:
  virtual ~Schedule() = default;
  // Learning rate for 0-based `step` of `total_steps`.
  virtual float lr(int64_t step, float base_lr) const = 0;
  virtual json config() const = 0;
};

// A registered schedule: how to check its config object and how to make it.
// total_steps <= 0 means "not known yet" (validating a config before the
// data set size is known): the checks that need it are skipped.
struct ScheduleEntry {
  // Reads and checks the keys besides "type" and returns the whole object
  // with defaults filled in ("type" included), constructing nothing.
  std::function<json(ConfigObject& config, int64_t total_steps)> resolve;
  std::function<std::unique_ptr<Schedule>(ConfigObject& config, int64_t total_steps)> make;
};

// Each schedule registers where it is defined:
//   MINIMA_REGISTER(schedule_registry(), "step", schedule_entry<StepSchedule>());
// Unknown names read "unknown schedule 'x'; known: constant, cosine, step".
Registry<ScheduleEntry>& schedule_registry();

// The entry of a schedule class S with
//   static S::Options read(ConfigObject&, int64_t total_steps)   reads and checks the keys
//   static json to_json(const S::Options&)                       the resolved object
//   S(ConfigObject&, int64_t total_steps)
template <class S>
ScheduleEntry schedule_entry() {
  return {[](ConfigObject& config, int64_t total_steps) {
            return S::to_json(S::read(config, total_steps));
          },
          [](ConfigObject& config, int64_t total_steps) -> std::unique_ptr<Schedule> {
            return std::make_unique<S>(config, total_steps);
          }};
}

// From the config's "schedule" object ("type" absent = constant):
//   {"type": "constant", "warmup_steps": 0}
//   {"type": "step", "step_size": 1000, "gamma": 0.1, "warmup_steps": 0}
//   {"type": "cosine", "min_lr": 0, "warmup_steps": 0}
// Warm-up rises linearly from base_lr/warmup_steps to base_lr; "step" counts
// its decays from step 0, "cosine" anneals over the steps after warm-up.
// resolve_schedule() checks it and fills in its defaults; make_schedule()
// builds it. Errors name the JSON pointer.
json resolve_schedule(ConfigObject& config, int64_t total_steps);
std::unique_ptr<Schedule> make_schedule(ConfigObject& config, int64_t total_steps);

}  // namespace minima
