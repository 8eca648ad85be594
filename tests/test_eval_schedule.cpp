// Where a run evaluates: every eval_every steps and at its last step, and
// with train.eval_early also at 10, 20, 50, ... below the first of those.
#include <doctest/doctest.h>

#include <vector>

#include <minima/train/eval_schedule.hpp>
#include <minima/train/trainer.hpp>
#include "tests/train_fixture.hpp"

using namespace minima;
using minima::test::TempDir;

namespace {

// Every step of `schedule` from 1 to its last at which it evaluates.
std::vector<int64_t> evaluated_steps(const EvalSchedule& schedule) {
  std::vector<int64_t> steps;
  for (int64_t s = 1; s <= schedule.last; ++s)
    if (schedule.at(s)) steps.push_back(s);
  return steps;
}

// The steps a trainer on the blobs evaluates at with `train` merged over the fixture's.
std::vector<int64_t> trained_eval_steps(const nlohmann::json& train) {
  TempDir tmp("eval_early");
  test::write_blobs(tmp.path());
  std::vector<int64_t> steps;
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  options.on_eval = [&](const EvalPoint& p, Trainer&) { steps.push_back(p.step); };
  Trainer(test::blob_config(tmp.path(), tmp.path("run"), {{"train", train}}), options).run();
  return steps;
}

}  // namespace

TEST_CASE("eval schedule: the log-spaced steps are 1, 2 and 5 times each power of ten from 10") {
  std::vector<int64_t> steps;
  for (int64_t s = 0; s <= 5000; ++s)
    if (is_log_spaced_step(s)) steps.push_back(s);
  CHECK(steps == std::vector<int64_t>{10, 20, 50, 100, 200, 500, 1000, 2000, 5000});
}

TEST_CASE("eval schedule: early points below the first regular evaluation, then its cadence") {
  CHECK(evaluated_steps({500, 1200, true}) ==
        std::vector<int64_t>{10, 20, 50, 100, 200, 500, 1000, 1200});
  CHECK(evaluated_steps({500, 1200, false}) == std::vector<int64_t>{500, 1000, 1200});
  // Every 5000: the early points run on to 2000; 5000 is a regular one.
  CHECK(evaluated_steps({5000, 10000, true}) ==
        std::vector<int64_t>{10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000});
  // Nothing below a first evaluation at 10, and a run shorter than the
  // first one keeps its early points and its last step.
  CHECK(evaluated_steps({10, 30, true}) == std::vector<int64_t>{10, 20, 30});
  CHECK(evaluated_steps({500, 60, true}) == std::vector<int64_t>{10, 20, 50, 60});
  CHECK(EvalSchedule{500, 1200, true}.early_steps() == std::vector<int64_t>{10, 20, 50, 100, 200});
  CHECK(EvalSchedule{500, 60, true}.early_steps() == std::vector<int64_t>{10, 20, 50});
  CHECK(EvalSchedule{500, 1200, false}.early_steps().empty());
  // next_after() walks the same points.
  for (const EvalSchedule& schedule :
       {EvalSchedule{500, 1200, true}, EvalSchedule{500, 1200, false}, EvalSchedule{7, 60, true},
        EvalSchedule{500, 60, true}}) {
    std::vector<int64_t> walked;
    for (int64_t s = 0; s < schedule.last; s = schedule.next_after(s))
      walked.push_back(schedule.next_after(s));
    CHECK(walked == evaluated_steps(schedule));
  }
}

TEST_CASE("trainer: train.eval_early evaluates at 10, 20, 50, ... then every eval_every") {
  CHECK(trained_eval_steps({{"steps", 130}, {"eval_every", 60}, {"eval_early", true}}) ==
        std::vector<int64_t>{10, 20, 50, 60, 120, 130});
  CHECK(trained_eval_steps({{"steps", 130}, {"eval_every", 60}}) ==
        std::vector<int64_t>{60, 120, 130});
  // Once per epoch (16 steps of the blobs): step 10 comes before the first.
  CHECK(trained_eval_steps({{"steps", 40}, {"eval_every", 0}, {"eval_early", true}}) ==
        std::vector<int64_t>{10, 16, 32, 40});
}
