#include <minima/optim/schedule.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace minima {
namespace {

// "warmup_steps", a key of every schedule.
int64_t read_warmup(ConfigObject& config, int64_t total_steps) {
  const int64_t warmup = config.get<int64_t>("warmup_steps", 0);
  config.expect(warmup >= 0, "warmup_steps", "an integer >= 0");
  config.expect(total_steps <= 0 || warmup < total_steps, "warmup_steps",
                "fewer than the run's " + std::to_string(total_steps) + " steps");
  return warmup;
}

// Linear warm-up shared by every schedule: during the first W steps
// lr = base_lr * (step + 1) / W, so it starts at base_lr / W and reaches
// base_lr at step W - 1; afterwards the schedule's own decay applies.
// Options holds warmup_steps (W) and the schedule's own settings.
template <class Options>
class WarmupSchedule : public Schedule {
 public:
  explicit WarmupSchedule(const Options& options) : options_(options) {}
  float lr(int64_t step, float base_lr) const final {
    const int64_t warmup = options_.warmup_steps;
    if (step < warmup) return float(double(base_lr) * double(step + 1) / double(warmup));
    return decayed(step, base_lr);
  }

 protected:
  virtual float decayed(int64_t step, float base_lr) const = 0;
  Options options_;
};

struct ConstantOptions {
  int64_t warmup_steps = 0;
};

class ConstantSchedule : public WarmupSchedule<ConstantOptions> {
 public:
  using Options = ConstantOptions;
  static Options read(ConfigObject& config, int64_t total_steps) {
    return {.warmup_steps = read_warmup(config, total_steps)};
  }
  static json to_json(const Options& o) {
    return {{"type", "constant"}, {"warmup_steps", o.warmup_steps}};
  }
  ConstantSchedule(ConfigObject& config, int64_t total_steps)
      : WarmupSchedule(read(config, total_steps)) {}
  json config() const override { return to_json(options_); }

 protected:
  float decayed(int64_t, float base_lr) const override { return base_lr; }
};
MINIMA_REGISTER(schedule_registry(), "constant", schedule_entry<ConstantSchedule>());

struct StepOptions {
  int64_t warmup_steps = 0;
  int64_t step_size = 0;  // required
  double gamma = 0.1;
};

// lr = base_lr * gamma^floor(step / step_size), step counted from 0 (warm-up included).
class StepSchedule : public WarmupSchedule<StepOptions> {
 public:
  using Options = StepOptions;
  static Options read(ConfigObject& config, int64_t total_steps) {
    const Options o = {.warmup_steps = read_warmup(config, total_steps),
                       .step_size = config.required<int64_t>("step_size"),
                       .gamma = config.get<double>("gamma", Options{}.gamma)};
    config.expect(o.step_size > 0, "step_size", "a positive integer");
    config.expect(o.gamma > 0 && o.gamma <= 1, "gamma", "a number in (0, 1]");
    return o;
  }
  static json to_json(const Options& o) {
    return {{"type", "step"},
            {"step_size", o.step_size},
            {"gamma", o.gamma},
            {"warmup_steps", o.warmup_steps}};
  }
  StepSchedule(ConfigObject& config, int64_t total_steps)
      : WarmupSchedule(read(config, total_steps)) {}
  json config() const override { return to_json(options_); }

 protected:
  float decayed(int64_t step, float base_lr) const override {
    return float(base_lr * std::pow(options_.gamma, double(step / options_.step_size)));
  }
};
MINIMA_REGISTER(schedule_registry(), "step", schedule_entry<StepSchedule>());

struct CosineOptions {
  int64_t warmup_steps = 0;
  double min_lr = 0.0;
};

// Cosine annealing over the T = total - warmup steps after warm-up (SGDR,
// Loshchilov & Hutter 2017, one cycle): with t = step - warmup,
//   lr = min_lr + (base_lr - min_lr) * (1 + cos(pi * t / T)) / 2.
class CosineSchedule : public WarmupSchedule<CosineOptions> {
 public:
  using Options = CosineOptions;
  static Options read(ConfigObject& config, int64_t total_steps) {
    const Options o = {.warmup_steps = read_warmup(config, total_steps),
                       .min_lr = config.get<double>("min_lr", Options{}.min_lr)};
    config.expect(o.min_lr >= 0, "min_lr", "a number >= 0");
    return o;
  }
  static json to_json(const Options& o) {
    return {{"type", "cosine"}, {"min_lr", o.min_lr}, {"warmup_steps", o.warmup_steps}};
  }
  CosineSchedule(ConfigObject& config, int64_t total_steps)
      : WarmupSchedule(read(config, total_steps)), total_(total_steps) {}
  json config() const override { return to_json(options_); }

 protected:
  float decayed(int64_t step, float base_lr) const override {
    const int64_t warmup = options_.warmup_steps;
    const double span = double(std::max<int64_t>(total_ - warmup, 1));
    const double t = std::min(double(step - warmup), span);
    const double min_lr = options_.min_lr;
    return float(min_lr + (base_lr - min_lr) * (1.0 + std::cos(std::numbers::pi * t / span)) / 2.0);
  }

 private:
  int64_t total_;
};
MINIMA_REGISTER(schedule_registry(), "cosine", schedule_entry<CosineSchedule>());

// The entry "type" names; absent means "constant".
const ScheduleEntry& entry_for(ConfigObject& config) {
  const std::string type = config.get<std::string>("type", "constant");
  return schedule_registry().at(type, config.pointer_to("type"));
}

}  // namespace

Registry<ScheduleEntry>& schedule_registry() {
  static Registry<ScheduleEntry> registry("schedule");
  return registry;
}

json resolve_schedule(ConfigObject& config, int64_t total_steps) {
  json resolved = entry_for(config).resolve(config, total_steps);
  config.finish();
  return resolved;
}

std::unique_ptr<Schedule> make_schedule(ConfigObject& config, int64_t total_steps) {
  auto schedule = entry_for(config).make(config, total_steps);
  config.finish();
  return schedule;
}

}  // namespace minima
