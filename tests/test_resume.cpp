// A run stopped part-way and resumed must end exactly like an
// uninterrupted one: byte-identical model.safetensors and the same metrics
// rows (except the seconds column).
#include <doctest/doctest.h>

#include <filesystem>

#include <minima/core/atomic_file.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/io/train_state.hpp>
#include <minima/train/trainer.hpp>
#include "tests/cli_runner.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using minima::test::TempDir;

namespace {

TrainerOptions quiet(bool resume = false, int64_t stop_at_step = 0) {
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  options.resume = resume;
  options.stop_at_step = stop_at_step;
  return options;
}

// Runs `changes` over the blob config once straight through and once
// stopped at each of `stops` and resumed; compares the outcomes. Returns
// the resumed run's metrics rows (without the seconds).
std::vector<std::string> check_resume_matches(const json& changes,
                                              std::initializer_list<int64_t> stops) {
  TempDir tmp("resume");
  test::write_blobs(tmp.path());
  const EvalPoint straight =
      Trainer(test::blob_config(tmp.path(), tmp.path("straight"), changes), quiet()).run();

  const RunConfig config = test::blob_config(tmp.path(), tmp.path("resumed"), changes);
  Trainer first(config, quiet(false, *stops.begin()));
  first.run();
  REQUIRE(first.stopped());
  EvalPoint resumed;
  for (auto stop = stops.begin() + 1;; ++stop) {
    Trainer next(config, quiet(true, stop == stops.end() ? 0 : *stop));
    CHECK(next.step() == *(stop - 1));
    resumed = next.run();
    if (stop == stops.end()) break;
  }

  CHECK(resumed.step == straight.step);
  CHECK(resumed.eval_loss == straight.eval_loss);
  const auto rows = test::metrics_without_seconds(tmp.path("resumed/metrics.csv"));
  CHECK(rows == test::metrics_without_seconds(tmp.path("straight/metrics.csv")));
  CHECK(rows.size() > 2);
  CHECK(test::read_text(tmp.path("resumed/model.safetensors")) ==
        test::read_text(tmp.path("straight/model.safetensors")));
  return rows;
}

}  // namespace

TEST_CASE(
    "resume: SGD with momentum, BatchNorm and a cosine schedule, stopped between evaluations") {
  check_resume_matches(json::object(), {25});
}

TEST_CASE("resume: a run that evaluates early, stopped between its early points, keeps them") {
  const auto rows = check_resume_matches(
      {{"train", {{"steps", 130}, {"eval_every", 60}, {"eval_early", true}}}}, {15, 55});
  std::vector<std::string> steps;
  for (size_t i = 1; i < rows.size(); ++i) steps.push_back(rows[i].substr(0, rows[i].find(',')));
  CHECK(steps == std::vector<std::string>{"10", "20", "50", "60", "120", "130"});
}

TEST_CASE("resume: Adam with a step schedule, stopped twice") {
  check_resume_matches({{"optimizer", {{"type", "adam"}, {"lr", 0.01}, {"momentum", nullptr}}},
                        {"schedule", {{"type", "step"}, {"step_size", 15}, {"gamma", 0.5}}}},
                       {7, 30});
}

TEST_CASE(
    "resume: epochs over a validation split with standardized inputs, stopped across an epoch "
    "boundary") {
  check_resume_matches({{"data", {{"validation", 64}, {"normalize", "standardize"}}},
                        {"train", {{"steps", 0}, {"epochs", 3}, {"eval_every", 0}}},
                        {"output", {{"checkpoint_every", 5}}}},
                       {13, 24});
}

TEST_CASE("resume: dropout's masks continue from the checkpoint's stream position") {
  const json with_dropout = {{"model",
                              {{"layers",
                                {{{"type", "dense"}, {"name", "fc1"}, {"units", 8}},
                                 {{"type", "relu"}},
                                 {{"type", "dropout"}, {"name", "drop1"}, {"p", 0.3}},
                                 {{"type", "dense"}, {"name", "fc2"}, {"units", 10}}}}}}};
  check_resume_matches(with_dropout, {17});
}

TEST_CASE("resume: a CNN (conv2d, BatchNorm over channels, pooling) continues bit-exactly") {
  check_resume_matches(test::blob_cnn(), {9, 26});
}

TEST_CASE("train_state: random streams round-trip exactly, a damaged one is named") {
  TempDir tmp("train_state_streams");
  const std::string path = tmp.path("train_state.safetensors");
  const json sgd = {{"type", "sgd"}, {"lr", 0.1}};
  ConfigObject config(sgd, "/optimizer");
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(config, 4);
  TrainState state;
  state.step = 3;
  state.streams["drop1"] = {1, 2, 18446744073709551615ull, 42};
  state.streams["drop2"] = {0, 0, 0, 7};
  save_train_state(path, state, *optimizer);
  CHECK(load_train_state(path, *optimizer).streams == state.streams);

  SafetensorsContents file = load_safetensors(path);
  file.metadata["stream.drop1"] = "1 2 x 4";
  save_safetensors(path, file.tensors, file.metadata);
  CHECK_THROWS_WITH(
      load_train_state(path, *optimizer),
      doctest::Contains(
          "metadata 'stream.drop1' is '1 2 x 4', expected four unsigned 64-bit integers"));
  file.metadata["stream.drop1"] = "1 2 3";
  save_safetensors(path, file.tensors, file.metadata);
  CHECK_THROWS_WITH(load_train_state(path, *optimizer),
                    doctest::Contains("expected four unsigned 64-bit integers"));
}

TEST_CASE(
    "resume: refuses a run without a checkpoint, mismatched files and a different config, a "
    "finished run resumes as complete") {
  TempDir tmp("resume_refusals");
  test::write_blobs(tmp.path());
  const RunConfig config = test::blob_config(tmp.path(), tmp.path("run"));
  std::filesystem::create_directories(tmp.path("run"));
  CHECK_THROWS_WITH(Trainer(config, quiet(true)), doctest::Contains("nothing to resume from"));

  Trainer(config, quiet(false, 20)).run();
  const std::string state_at_20 =
      test::read_text(tmp.path("run/checkpoints/step-20/train_state.safetensors"));
  Trainer(config, quiet(true)).run();
  const std::string metrics = test::read_text(tmp.path("run/metrics.csv"));
  Trainer finished(config, quiet(true));
  CHECK(finished.complete());
  finished.run();
  CHECK(finished.step() == 40);
  CHECK(test::read_text(tmp.path("run/metrics.csv")) == metrics);
  RunConfig shorter = config;
  shorter.train.steps = 30;
  CHECK_THROWS_WITH(
      Trainer(shorter, quiet(true)),
      doctest::Contains(
          "the run already did 40 of its 30 steps (raise train.steps or train.epochs"));

  // A hand-made mix in the committed checkpoint: model.safetensors is at step 40.
  write_file_atomically(tmp.path("run/checkpoints/step-40/train_state.safetensors"), state_at_20);
  CHECK_THROWS_WITH(Trainer(config, quiet(true)),
                    doctest::Contains("model.safetensors is not from step 20"));

  const RunConfig other =
      test::blob_config(tmp.path(), tmp.path("run"), {{"train", {{"batch_size", 32}}}});
  CHECK_THROWS_WITH(
      check_same_run(config, other, tmp.path("run")),
      doctest::Contains("differs at /train/batch_size (the run has 16, the config 32)"));
  const RunConfig wider = test::blob_config(
      tmp.path(), tmp.path("run"), {{"model", {{"layers", {{{"type", "dense"}, {"units", 9}}}}}}});
  CHECK_THROWS_WITH(check_same_run(config, wider, tmp.path("run")),
                    doctest::Contains("differs at /model/layers/0"));
  // What only changes the road ahead may change.
  check_same_run(config,
                 test::blob_config(tmp.path(), tmp.path("elsewhere"),
                                   {{"optimizer", {{"lr", 0.05}}}, {"train", {{"steps", 80}}}}),
                 tmp.path("run"));

  const RunConfig sgd_run = test::blob_config(
      tmp.path(), tmp.path("run"), {{"optimizer", {{"type", "adam"}, {"momentum", nullptr}}}});
  CHECK_THROWS_WITH(
      Trainer(sgd_run, quiet(true)),
      doctest::Contains("holds the state of optimizer 'sgd' but the config asks for 'adam'"));
}

TEST_CASE("resume: `minima train --resume` of a finished run says it is complete and exits 0") {
  TempDir tmp("resume_finished_cli");
  test::write_blobs(tmp.path());
  const std::string config = tmp.path("blobs.json");
  write_file_atomically(config, test::blob_config_json(tmp.path(), tmp.path("run")).dump());
  REQUIRE(test::run_cli({"train", config, "--quiet"}).exit_code == 0);
  const test::CliResult again = test::run_cli({"train", "--resume", tmp.path("run")});
  CAPTURE(again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("is complete (40 of 40 steps); nothing to do") != std::string::npos);
}
