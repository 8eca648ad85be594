#include <minima/optim/schedule.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace minima {
namespace {

// Linear warm-up shared by every schedule: during the first W steps
// lr = base_lr * (step + 1) / W, so it starts at base_lr / W and reaches
// base_lr at step W - 1; afterwards the schedule's own decay applies.
class WarmupSchedule : public Schedule {
 public:
  WarmupSchedule(ConfigObject& config, int64_t total_steps)
      : warmup_(config.get<int64_t>("warmup_steps", 0)) {
    config.expect(warmup_ >= 0, "warmup_steps", "an integer >= 0");
    config.expect(total_steps <= 0 || warmup_ < total_steps, "warmup_steps",
                  "fewer than the run's " + std::to_string(total_steps) + " steps");
  }
  float lr(int64_t step, float base_lr) const final {
    if (step < warmup_) return float(double(base_lr) * double(step + 1) / double(warmup_));
    return decayed(step, base_lr);
  }
  json config() const final {
    json c = own_config();
    c["warmup_steps"] = warmup_;
    return c;
  }

 protected:
  virtual float decayed(int64_t step, float base_lr) const = 0;
  virtual json own_config() const = 0;
  int64_t warmup_;
};

class ConstantSchedule : public WarmupSchedule {
 public:
  using WarmupSchedule::WarmupSchedule;

 protected:
  float decayed(int64_t, float base_lr) const override { return base_lr; }
  json own_config() const override { return {{"type", "constant"}}; }
};

// lr = base_lr * gamma^floor(step / step_size), step counted from 0 (warm-up included).
class StepSchedule : public WarmupSchedule {
 public:
  StepSchedule(ConfigObject& config, int64_t total_steps)
      : WarmupSchedule(config, total_steps),
        step_size_(config.required<int64_t>("step_size")),
        gamma_(config.get<double>("gamma", 0.1)) {
    config.expect(step_size_ > 0, "step_size", "a positive integer");
    config.expect(gamma_ > 0 && gamma_ <= 1, "gamma", "a number in (0, 1]");
  }

 protected:
  float decayed(int64_t step, float base_lr) const override {
    return float(base_lr * std::pow(gamma_, double(step / step_size_)));
  }
  json own_config() const override {
    return {{"type", "step"}, {"step_size", step_size_}, {"gamma", gamma_}};
  }

 private:
  int64_t step_size_;
  double gamma_;
};

// Cosine annealing over the T = total - warmup steps after warm-up (SGDR,
// Loshchilov & Hutter 2017, one cycle): with t = step - warmup,
//   lr = min_lr + (base_lr - min_lr) * (1 + cos(pi * t / T)) / 2.
class CosineSchedule : public WarmupSchedule {
 public:
  CosineSchedule(ConfigObject& config, int64_t total_steps)
      : WarmupSchedule(config, total_steps),
        min_lr_(config.get<double>("min_lr", 0.0)),
        total_(total_steps) {
    config.expect(min_lr_ >= 0, "min_lr", "a number >= 0");
  }

 protected:
  float decayed(int64_t step, float base_lr) const override {
    const double span = double(std::max<int64_t>(total_ - warmup_, 1));
    const double t = std::min(double(step - warmup_), span);
    return float(min_lr_ +
                 (base_lr - min_lr_) * (1.0 + std::cos(std::numbers::pi * t / span)) / 2.0);
  }
  json own_config() const override { return {{"type", "cosine"}, {"min_lr", min_lr_}}; }

 private:
  double min_lr_;
  int64_t total_;
};

}  // namespace

std::unique_ptr<Schedule> make_schedule(ConfigObject& config, int64_t total_steps) {
  const std::string type = config.get<std::string>("type", "constant");
  std::unique_ptr<Schedule> schedule;
  if (type == "constant")
    schedule = std::make_unique<ConstantSchedule>(config, total_steps);
  else if (type == "step")
    schedule = std::make_unique<StepSchedule>(config, total_steps);
  else if (type == "cosine")
    schedule = std::make_unique<CosineSchedule>(config, total_steps);
  else
    throw ConfigError(config.pointer_to("type"),
                      "unknown schedule '" + type + "'; known: constant, cosine, step");
  config.finish();
  return schedule;
}

}  // namespace minima
