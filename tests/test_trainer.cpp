// The training loop on a tiny synthetic problem (tests/train_fixture.hpp):
// learning, the run directory, determinism, divergence, stopping, progress.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include <sys/wait.h>
#include <unistd.h>

#include <minima/core/atomic_file.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/train/evaluate.hpp>
#include <minima/train/trainer.hpp>
#include "tests/allocation_counter.hpp"
#include "tests/build_paths.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using minima::test::TempDir;

namespace {

TrainerOptions quiet() {
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  return options;
}

std::string read_stream(std::FILE* f) {
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += char(c);
  return text;
}

}  // namespace

TEST_CASE("trainer: learns two blobs and writes its run directory") {
  TempDir tmp("trainer_learns");
  test::write_blobs(tmp.path());
  const RunConfig config = test::blob_config(tmp.path(), tmp.path("run"));
  std::vector<EvalPoint> points;
  TrainerOptions options = quiet();
  options.on_eval = [&](const EvalPoint& p, Trainer& t) {
    points.push_back(p);
    CHECK(t.step() == p.step);
  };
  Trainer trainer(config, options);
  CHECK(trainer.steps_per_epoch() == 16);  // 256 samples / 16
  CHECK(trainer.total_steps() == 40);
  CHECK(trainer.eval_name() == "test");
  CHECK(trainer.eval_data().count == 64);
  const EvalPoint last = trainer.run();

  CHECK_FALSE(trainer.stopped());
  REQUIRE(points.size() == 4);
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i].step == int64_t(10 * (i + 1)));
    CHECK(points[i].epoch == doctest::Approx(10.0 * double(i + 1) / 16.0));
  }
  CHECK(last.step == 40);
  CHECK(last.eval_acc >= 0.95);
  CHECK(last.eval_loss < 0.3);
  CHECK(last.train_acc >= 0.9);
  CHECK(points[0].lr > last.lr);  // cosine decay

  // metrics.csv: the header and one row per evaluation point, as reported.
  const auto rows = test::metrics_without_seconds(tmp.path("run/metrics.csv"));
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == "step,epoch,lr,train_loss,train_acc,eval_loss,eval_acc");
  CHECK(rows[4].starts_with("40,2.500000,"));
  double eval_acc = 0;
  REQUIRE(std::sscanf(rows[4].c_str(), "%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],%lf",
                      &eval_acc) == 1);
  CHECK(eval_acc == doctest::Approx(last.eval_acc).epsilon(1e-6));

  CHECK(json::parse(test::read_text(tmp.path("run/config.json"))) == config.resolved());

  // The checkpoint is the final model: reloaded, it scores the same.
  Graph reloaded = Graph::from_json(config.layers, "/model/layers");
  reloaded.build(trainer.train_data().sample_shape, 99);
  load_model(tmp.path("run/model.safetensors"), reloaded);
  const EvalResult again = evaluate(reloaded, trainer.eval_data(), trainer.normalization());
  CHECK(again.accuracy() == doctest::Approx(last.eval_acc));
  CHECK(again.loss == doctest::Approx(last.eval_loss).epsilon(1e-6));
  const auto metadata = load_safetensors(tmp.path("run/model.safetensors")).metadata;
  CHECK(metadata.at(kStepKey) == "40");
  CHECK(normalization_from_metadata(metadata, "model").std == trainer.normalization().std);
}

TEST_CASE("trainer: the same seed and thread count give identical runs, another seed does not") {
  TempDir tmp("trainer_repeat");
  test::write_blobs(tmp.path());
  for (const char* run : {"a", "b"})
    Trainer(test::blob_config(tmp.path(), tmp.path(run)), quiet()).run();
  Trainer(test::blob_config(tmp.path(), tmp.path("c"), {{"seed", 8}}), quiet()).run();

  CHECK(test::metrics_without_seconds(tmp.path("a/metrics.csv")) ==
        test::metrics_without_seconds(tmp.path("b/metrics.csv")));
  CHECK(test::read_text(tmp.path("a/model.safetensors")) ==
        test::read_text(tmp.path("b/model.safetensors")));
  CHECK(test::read_text(tmp.path("a/model.safetensors")) !=
        test::read_text(tmp.path("c/model.safetensors")));
  CHECK(test::metrics_without_seconds(tmp.path("a/metrics.csv")) !=
        test::metrics_without_seconds(tmp.path("c/metrics.csv")));
}

TEST_CASE(
    "trainer: a diverging run stops at the first non-finite value and keeps the last good "
    "checkpoint") {
  TempDir tmp("trainer_diverge");
  test::write_blobs(tmp.path());
  const RunConfig config = test::blob_config(tmp.path(), tmp.path("run"),
                                             {{"optimizer", {{"lr", 1e30}, {"momentum", 0}}},
                                              {"schedule", {{"type", "constant"}}},
                                              {"output", {{"checkpoint_every", 1}}}});
  Trainer trainer(config, quiet());
  std::string message;
  try {
    trainer.run();
  } catch (const TrainingDiverged& e) {
    message = e.what();
  }
  INFO(message);
  const int64_t good = trainer.checkpoint_step();
  REQUIRE(good >= 1);
  CHECK(message.starts_with("training diverged at step "));
  CHECK(message.find("(lr 1e+30); the last good checkpoint is " +
                     (tmp.path("run/model.safetensors")) + " (step " + std::to_string(good) +
                     ")") != std::string::npos);
  CHECK(trainer.step() <= good + 1);

  Graph reloaded = Graph::from_json(config.layers, "/model/layers");
  reloaded.build(trainer.train_data().sample_shape, 7);
  load_model(tmp.path("run/model.safetensors"), reloaded);
  for (const StateEntry& e : reloaded.state())
    for (int64_t k = 0; k < e.tensor->numel(); ++k) REQUIRE(std::isfinite((*e.tensor)[k]));
  CHECK(load_safetensors(tmp.path("run/model.safetensors")).metadata.at(kStepKey) ==
        std::to_string(good));
}

TEST_CASE("trainer: a stop request or stop_at_step ends the run with a checkpoint") {
  TempDir tmp("trainer_stop");
  test::write_blobs(tmp.path());
  std::atomic<bool> stop{false};
  TrainerOptions options = quiet();
  options.stop = &stop;
  options.on_eval = [&](const EvalPoint& p, Trainer&) { stop = p.step == 20; };
  Trainer flagged(test::blob_config(tmp.path(), tmp.path("flag")), options);
  flagged.run();
  CHECK(flagged.stopped());
  CHECK(flagged.step() == 20);
  CHECK(flagged.checkpoint_step() == 20);
  CHECK(test::metrics_without_seconds(tmp.path("flag/metrics.csv")).size() == 3);

  TrainerOptions at = quiet();
  at.stop_at_step = 15;
  Trainer limited(test::blob_config(tmp.path(), tmp.path("limit")), at);
  limited.run();
  CHECK(limited.stopped());
  CHECK(limited.step() == 15);
  CHECK(load_safetensors(tmp.path("limit/model.safetensors")).metadata.at(kStepKey) == "15");
  CHECK(test::metrics_without_seconds(tmp.path("limit/metrics.csv")).size() == 2);
}

TEST_CASE("trainer: a training step does not allocate") {
  if (!test::counting_allocations()) {
    MESSAGE("skipped: allocations are not counted in sanitizer builds");
    return;
  }
  TempDir tmp("trainer_allocations");
  test::write_blobs(tmp.path());
  // Allocations from the evaluation point at step 40 to the one at step 80:
  // 40 steps and one evaluation (every 40 steps) or two (every 20). No
  // checkpoint in between.
  auto allocations_to_step_80 = [&](int64_t eval_every) {
    long long at_40 = 0, at_80 = 0;
    TrainerOptions options = quiet();
    options.on_eval = [&](const EvalPoint& p, Trainer&) {
      if (p.step == 40) at_40 = test::heap_allocations();
      if (p.step == 80) at_80 = test::heap_allocations();
    };
    Trainer(test::blob_config(tmp.path(), tmp.path("run"),
                              {{"train", {{"steps", 100}, {"eval_every", eval_every}}},
                               {"output", {{"checkpoint_every", 100}}}}),
            options)
        .run();
    return at_80 - at_40;
  };
  const long long one_evaluation = allocations_to_step_80(40);
  CHECK(one_evaluation > 0);  // an evaluation allocates (its batcher): the counter counts
  CHECK(allocations_to_step_80(20) == 2 * one_evaluation);
}

TEST_CASE("trainer: a config whose model does not match the data is refused") {
  TempDir tmp("trainer_mismatch");
  test::write_blobs(tmp.path());
  const json three_outputs = {{"model", {{"layers", {{{"type", "dense"}, {"units", 3}}}}}}};
  CHECK_THROWS_WITH_AS(
      Trainer(test::blob_config(tmp.path(), tmp.path("run"), three_outputs), quiet()),
      "/model: expected a last layer with 10 outputs (one per class of the data set), got [3]",
      ConfigError);
  CHECK_THROWS_WITH_AS(
      Trainer(test::blob_config(tmp.path(), tmp.path("run"), {{"train", {{"batch_size", 300}}}}),
              quiet()),
      "/train/batch_size: expected at most the 256 training samples, got 300", ConfigError);
}

TEST_CASE("metrics log: resuming keeps the rows up to the checkpoint's step") {
  TempDir tmp("metrics_log");
  const std::string path = tmp.path("metrics.csv");
  {
    MetricsLog log = MetricsLog::create(path);
    for (int64_t step : {10, 20, 30}) log.append({step, 0.5, 0.1f, 1.0, 0.5, 2.0, 0.25, 1.5});
  }
  CHECK(test::read_text(path) ==
        "step,epoch,lr,train_loss,train_acc,eval_loss,eval_acc,seconds\n"
        "10,0.500000,0.100000001,1.000000,0.500000,2.000000,0.250000,1.500\n"
        "20,0.500000,0.100000001,1.000000,0.500000,2.000000,0.250000,1.500\n"
        "30,0.500000,0.100000001,1.000000,0.500000,2.000000,0.250000,1.500\n");
  {
    MetricsLog log = MetricsLog::resume(path, 25);
    log.append({40, 1.0, 0.1f, 1.0, 0.5, 2.0, 0.25, 1.5});
  }
  const auto rows = test::metrics_without_seconds(path);
  REQUIRE(rows.size() == 4);
  CHECK(rows[2].starts_with("20,"));
  CHECK(rows[3].starts_with("40,"));

  write_file_atomically(path, "step,loss\n");
  CHECK_THROWS_WITH(MetricsLog::resume(path, 1), doctest::Contains("expected the header"));
}

TEST_CASE("progress: one line per evaluation point off a terminal, a bar on one") {
  char lr[32];
  for (auto [value, text] :
       {std::pair{2.0f, "2.0"}, {0.1f, "0.1"}, {3e-5f, "3e-05"}, {0.25f, "0.25"}}) {
    Progress::format_lr(lr, sizeof lr, value);
    CHECK(std::string(lr) == text);
  }
  const EvalPoint p{1000, 1.2, 2.0f, 0.2345, 0.931, 0.21, 0.94, 12.34};

  std::FILE* lines = std::tmpfile();
  Progress(ProgressStyle::Lines, 50000, 1000, lines).eval_point(p);
  CHECK(read_stream(lines) ==
        "step 1000/50000  epoch 1.20  lr 2.0  loss 0.2345  acc 93.10%  eval_loss 0.2100  eval_acc "
        "94.00%  12.3s\n");
  std::fclose(lines);

  std::FILE* bar = std::tmpfile();
  Progress progress(ProgressStyle::Bar, 50000, 1000, bar);
  progress.begin_interval(0, 1000, 0.0);
  progress.update(500, 0.5, 0.75, 5.0);
  progress.update(501, 0.5, 0.75, 5.01);  // within 0.1 s of the last draw: not redrawn
  const std::string drawn = read_stream(bar);
  CHECK(drawn ==
        "Epoch 1/50\n\r 500/1000 [==============>...............] - ETA: 5s - loss: 0.5000 - acc: "
        "75.00%\033[K");
  std::fclose(bar);
}

TEST_CASE("minima train: Ctrl-C saves a checkpoint and exits 130") {
  TempDir tmp("cli_interrupt");
  test::write_blobs(tmp.path());
  const std::string config = tmp.path("blobs.json");
  // Many evaluations, so the run is still going when the signal comes.
  write_file_atomically(config,
                        test::blob_config_json(tmp.path(), tmp.path("run"),
                                               {{"train", {{"steps", 200000}, {"eval_every", 1}}}})
                            .dump());
  const std::string cli = test::cli();
  int out[2];
  REQUIRE(pipe(out) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    close(out[0]);
    execl(cli.c_str(), "minima", "train", config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string output;
  char buffer[4096];
  // Wait for the first metrics line, then interrupt.
  while (output.find("eval_acc") == std::string::npos) {
    const ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    output.append(buffer, size_t(n));
  }
  kill(child, SIGINT);
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) output.append(buffer, size_t(n));
  close(out[0]);
  int status = 0;
  waitpid(child, &status, 0);
  INFO(output);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(output.find("minima train: interrupted at step ") != std::string::npos);
  CHECK(output.find("continue with: minima train --resume " + (tmp.path("run"))) !=
        std::string::npos);
  // The checkpoint is committed: the symlink names a directory holding both files.
  REQUIRE(std::filesystem::is_symlink(tmp.path("run/model.safetensors")));
  const std::filesystem::path weights =
      std::filesystem::path(tmp.path("run")) /
      std::filesystem::read_symlink(tmp.path("run/model.safetensors"));
  CHECK(std::filesystem::exists(weights.parent_path() / "train_state.safetensors"));
}

TEST_CASE("trainer: a CNN receives the images [1, 4, 4] and learns, an MLP receives [16]") {
  TempDir tmp("trainer_cnn");
  test::write_blobs(tmp.path());
  Trainer cnn(test::blob_config(tmp.path(), tmp.path("cnn"), test::blob_cnn()), quiet());
  CHECK(cnn.train_data().sample_shape == Shape{1, 4, 4});
  CHECK(cnn.model().input_shape() == Shape{1, 4, 4});
  CHECK(cnn.model().find("bn1")->input_shapes()[0] == Shape{2, 4, 4});  // BN over 2 channels
  CHECK(cnn.run().eval_acc > 0.9);
  Trainer mlp(test::blob_config(tmp.path(), tmp.path("mlp")), quiet());
  CHECK(mlp.model().input_shape() == Shape{16});
}
