// Learning-rate schedules at chosen steps (base lr 0.1).
#include <doctest/doctest.h>

#include <string>

#include <minima/optim/schedule.hpp>

using namespace minima;

namespace {

std::unique_ptr<Schedule> schedule(const json& config, int64_t total_steps) {
  ConfigObject object(config, "/schedule");
  return make_schedule(object, total_steps);
}

std::string schedule_error(const json& config, int64_t total_steps = 100) {
  try {
    schedule(config, total_steps);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("constant schedule, with and without warm-up") {
  auto flat = schedule(json::object(), 100);
  CHECK(flat->lr(0, 0.1f) == 0.1f);
  CHECK(flat->lr(99, 0.1f) == 0.1f);
  CHECK(flat->config() == json{{"type", "constant"}, {"warmup_steps", 0}});
  // Warm-up over 4 steps: 0.025, 0.05, 0.075, 0.1, then 0.1.
  auto warm = schedule({{"type", "constant"}, {"warmup_steps", 4}}, 100);
  CHECK(warm->lr(0, 0.1f) == doctest::Approx(0.025));
  CHECK(warm->lr(2, 0.1f) == doctest::Approx(0.075));
  CHECK(warm->lr(3, 0.1f) == doctest::Approx(0.1));
  CHECK(warm->lr(50, 0.1f) == doctest::Approx(0.1));
}

TEST_CASE("step schedule: lr * gamma^floor(step / step_size)") {
  auto s = schedule({{"type", "step"}, {"step_size", 10}, {"gamma", 0.5}}, 100);
  CHECK(s->lr(0, 0.1f) == doctest::Approx(0.1));
  CHECK(s->lr(9, 0.1f) == doctest::Approx(0.1));
  CHECK(s->lr(10, 0.1f) == doctest::Approx(0.05));
  CHECK(s->lr(25, 0.1f) == doctest::Approx(0.025));
  CHECK(s->config() ==
        json{{"type", "step"}, {"step_size", 10}, {"gamma", 0.5}, {"warmup_steps", 0}});
  // Default gamma 0.1; warm-up first, decay counted from step 0.
  auto w = schedule({{"type", "step"}, {"step_size", 10}, {"warmup_steps", 2}}, 100);
  CHECK(w->lr(0, 0.1f) == doctest::Approx(0.05));
  CHECK(w->lr(5, 0.1f) == doctest::Approx(0.1));
  CHECK(w->lr(10, 0.1f) == doctest::Approx(0.01));
}

TEST_CASE("cosine schedule anneals to min_lr after warm-up") {
  // T = 100 - 10 = 90 steps after warm-up, t = step - 10.
  auto s = schedule({{"type", "cosine"}, {"min_lr", 0.01}, {"warmup_steps", 10}}, 100);
  CHECK(s->lr(0, 0.1f) == doctest::Approx(0.01));
  CHECK(s->lr(10, 0.1f) == doctest::Approx(0.1));
  // t = 45 = T/2: 0.01 + 0.09 * (1 + cos(pi/2)) / 2 = 0.055
  CHECK(s->lr(55, 0.1f) == doctest::Approx(0.055));
  // t = 30 = T/3: 0.01 + 0.09 * 1.5 / 2 = 0.0775
  CHECK(s->lr(40, 0.1f) == doctest::Approx(0.0775));
  CHECK(s->lr(100, 0.1f) == doctest::Approx(0.01));
  CHECK(s->lr(500, 0.1f) == doctest::Approx(0.01));
  CHECK(s->config() == json{{"type", "cosine"}, {"min_lr", 0.01}, {"warmup_steps", 10}});
}

TEST_CASE("schedule errors name the pointer") {
  CHECK(schedule_error({{"type", "exp"}}) ==
        "/schedule/type: unknown schedule 'exp'; known: constant, cosine, step");
  CHECK(schedule_error({{"type", "step"}}) == "/schedule/step_size: is required (an integer)");
  CHECK(schedule_error({{"type", "step"}, {"step_size", 0}}) ==
        "/schedule/step_size: expected a positive integer, got 0");
  CHECK(schedule_error({{"type", "step"}, {"step_size", 5}, {"gamma", 1.5}}) ==
        "/schedule/gamma: expected a number in (0, 1], got 1.5");
  CHECK(schedule_error({{"type", "cosine"}, {"min_lr", -1}}) ==
        "/schedule/min_lr: expected a number >= 0, got -1");
  CHECK(schedule_error({{"warmup_steps", -3}}) ==
        "/schedule/warmup_steps: expected an integer >= 0, got -3");
  CHECK(schedule_error({{"warmup_steps", 100}}, 100) ==
        "/schedule/warmup_steps: expected fewer than the run's 100 steps, got 100");
  CHECK(schedule_error({{"warmup_steps", 100}}, 0) == "(no error)");  // total not known yet
  CHECK(schedule_error({{"type", "cosine"}, {"step_size", 3}}) ==
        "/schedule/step_size: unknown key; known keys here: min_lr, type, warmup_steps");
}
