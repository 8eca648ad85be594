// A run killed (SIGKILL) at any instant resumes from its newest committed
// checkpoint and ends byte-identical to an uninterrupted run: kills inside
// every file and symlink replacement of a save (the test hook), and at
// random instants. And one run directory takes one run at a time.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include <minima/core/rng.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include "tests/cli_runner.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using minima::test::CliOptions;
using minima::test::CliProcess;
using minima::test::CliResult;
using minima::test::run_cli;
using minima::test::TempDir;

namespace fs = std::filesystem;

namespace {

// 30 steps with a checkpoint after every one, so that kills land inside saves.
const json kEveryStep = {{"train", {{"steps", 30}, {"eval_every", 10}}},
                         {"output", {{"checkpoint_every", 1}}}};

// The blobs and their config (run directory TMP/run) in `tmp`; returns the config's path.
std::string write_every_step_run(const TempDir& tmp) {
  test::write_blobs(tmp.path());
  const std::string config = tmp.path("blobs.json");
  write_file_atomically(config,
                        test::blob_config_json(tmp.path(), tmp.path("run"), kEveryStep).dump());
  return config;
}

struct Outcome {
  std::string model;                 // model.safetensors' bytes
  std::vector<std::string> metrics;  // metrics.csv without the seconds
};

Outcome outcome(const std::string& run) {
  return {test::read_text(run + "/model.safetensors"),
          test::metrics_without_seconds(run + "/metrics.csv")};
}

// The step of the run's committed checkpoint, -1 if none.
int64_t committed_step(const std::string& run) {
  if (!fs::is_symlink(run + "/model.safetensors")) return -1;
  return std::stoll(load_safetensors(run + "/model.safetensors").metadata.at(kStepKey));
}

// Starts the run afresh if it committed no checkpoint yet, else resumes it.
std::vector<std::string> next_command(const std::string& config, const std::string& run) {
  if (fs::is_symlink(run + "/model.safetensors")) return {"train", "--resume", run, "--quiet"};
  return {"train", config, "--quiet"};
}

// Resumes (or restarts) `run` until it finishes; returns its outcome.
Outcome finish(const std::string& config, const std::string& run) {
  const CliResult r = run_cli(next_command(config, run));
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  // Only the committed checkpoint's directory is left.
  CHECK(
      std::vector(fs::directory_iterator(run + "/checkpoints"), fs::directory_iterator()).size() ==
      1);
  return outcome(run);
}

}  // namespace

TEST_CASE("kill: SIGKILL inside every step of a save leaves a run that resumes byte-identically") {
  TempDir tmp("kill_hook");
  const std::string config = write_every_step_run(tmp);
  REQUIRE(run_cli({"train", config, "--quiet"}).exit_code == 0);
  const Outcome straight = outcome(tmp.path("run"));
  REQUIRE(straight.metrics.size() == 4);

  // A save replaces checkpoints/step-S/model.safetensors, then
  // checkpoints/step-S/train_state.safetensors, then the symlink
  // model.safetensors (the commit): the n-th replacement of "model.safetensors"
  // alternates between the weights and the symlink.
  for (const std::string file : {"model.safetensors", "train_state.safetensors"})
    for (int n = 1; n <= 4; ++n)
      for (const std::string phase : {"", ":renamed"}) {
        const std::string hook = file + ":" + std::to_string(n) + phase;
        CAPTURE(hook);
        fs::remove_all(tmp.path("run"));
        CliOptions kill;
        kill.env = {{"MINIMA_TEST_KILL_DURING_SAVE", hook}};
        const CliResult killed = run_cli({"train", config, "--quiet"}, kill);
        CAPTURE(killed.err);
        REQUIRE(killed.signal == SIGKILL);
        const Outcome resumed = finish(config, tmp.path("run"));
        CHECK(resumed.model == straight.model);
        CHECK(resumed.metrics == straight.metrics);
      }
}

TEST_CASE("kill: SIGKILL at 50 random instants, each resumed, ends byte-identical") {
  TempDir tmp("kill_random");
  const std::string config = write_every_step_run(tmp);
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(run_cli({"train", config, "--quiet"}).exit_code == 0);
  const auto run_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  const Outcome straight = outcome(tmp.path("run"));

  // Chains of runs: start afresh, then kill at a random instant and resume
  // (or restart, if nothing was committed yet) until a process finishes.
  Rng rng(2025);
  int kills = 0, chains = 0;
  while (kills < 50) {
    fs::remove_all(tmp.path("run"));
    ++chains;
    for (;;) {
      CliProcess train(next_command(config, tmp.path("run")));
      std::this_thread::sleep_for(std::chrono::microseconds(rng.below(uint64_t(run_time.count()))));
      train.kill(SIGKILL);
      const CliResult r = train.wait();
      CAPTURE(r.err);
      if (r.signal != SIGKILL) {
        REQUIRE(r.exit_code == 0);  // it finished before the kill
        break;
      }
      ++kills;
      if (committed_step(tmp.path("run")) == 30) break;  // killed after its last checkpoint
    }
    const Outcome resumed = outcome(tmp.path("run"));
    CHECK(resumed.model == straight.model);
    CHECK(resumed.metrics == straight.metrics);
  }
  MESSAGE(kills << " kills in " << chains << " chains of runs");
}

TEST_CASE("lock: a second run into a directory in use is refused, naming the first's PID") {
  TempDir tmp("run_lock");
  test::write_blobs(tmp.path());
  const std::string config = tmp.path("blobs.json");
  write_file_atomically(
      config, test::blob_config_json(tmp.path(), tmp.path("run"),
                                     {{"train", {{"steps", 1000000}, {"eval_every", 100000}}}})
                  .dump());
  CliProcess first({"train", config, "--quiet"});
  const std::string lock = tmp.path("run/lock");
  const std::string pid = std::to_string(first.pid()) + "\n";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (test::read_text(lock) != pid && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(test::read_text(lock) == pid);

  for (const std::vector<std::string>& second :
       {std::vector<std::string>{"train", config, "--quiet"},
        std::vector<std::string>{"train", "--resume", tmp.path("run"), "--quiet"}}) {
    const CliResult r = run_cli(second);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(test::line_count(r.err) == 1);
    CHECK(test::first_line(r.err) ==
          "minima train: error: " + tmp.path("run") + ": in use by another minima run (pid " +
              std::to_string(first.pid()) + "); wait for it to end or choose another output.dir");
  }
  first.kill(SIGKILL);
  first.wait();
  // The kernel dropped the dead run's lock: the directory is free again.
  const CliResult again = run_cli({"train", config, "--quiet", "--set", "train.steps=3"});
  CAPTURE(again.err);
  CHECK(again.exit_code == 0);
}
