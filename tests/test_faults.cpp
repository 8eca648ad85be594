// Faults while a run writes its checkpoints: a full disk, a read-only
// directory, SIGKILL in the middle of a write, a diverging run. In every
// case the last good checkpoint stays whole and loadable, and the run says
// what happened in one line. The CLI cases run the real `minima` binary on
// the tiny two-blob IDX set of train_fixture.hpp.
#include <doctest/doctest.h>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/io/train_state.hpp>
#include <minima/train/trainer.hpp>
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

// Writes the blob config (40 steps, a checkpoint at every 10th) to `path`.
std::string write_config(const std::string& path, const std::string& data_dir,
                         const std::string& run_dir, const json& changes = json::object()) {
  write_file_atomically(path, test::blob_config_json(data_dir, run_dir, changes).dump(2));
  return path;
}

// Loads RUN/model.safetensors into a fresh model built from RUN/config.json
// (all of it is checked: shapes, sizes, offsets) and returns its step.
std::string load_checkpoint(const std::string& run_dir) {
  const RunConfig config = load_run_config(run_dir + "/config.json");
  Graph model = Graph::from_json(config.layers, "/model/layers");
  model.build(Shape{16}, config.seed);
  load_model(run_dir + "/model.safetensors", model);
  return load_safetensors(run_dir + "/model.safetensors").metadata.at(kStepKey);
}

// Temp files that writers left in `dir` ("<name>.tmp.<pid>").
std::vector<std::string> temp_files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos)
      names.push_back(entry.path().filename());
  return names;
}

// Checks the CLI failed with exit code 1 and one stderr line, and returns that line.
std::string single_error_line(const CliResult& r) {
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 1);
  CHECK(test::line_count(r.err) == 1);
  return test::first_line(r.err);
}

void check_success(const CliResult& r) {
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 0);
}

// A small tmpfs mounted over a directory for one test (needs root and
// CAP_SYS_ADMIN); unmounted at scope exit.
class Tmpfs {
 public:
  Tmpfs(const std::string& where, const std::string& size) : where_(where) {
    fs::create_directories(where);
    mounted_ = ::geteuid() == 0 &&
               ::mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  bool remount_read_only() {
    return ::mount("tmpfs", where_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }
  int64_t free_bytes() const {
    struct statvfs s {};
    ::statvfs(where_.c_str(), &s);
    return int64_t(s.f_bavail) * int64_t(s.f_bsize);
  }

 private:
  std::string where_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace

TEST_CASE(
    "faults: a save failing half-way (injected ENOSPC) keeps the last checkpoint, and the run "
    "resumes from it") {
  TempDir tmp("faults_enospc");
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("run");
  const RunConfig config = test::blob_config(tmp.path(), run);
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  // The next atomic write after the step-20 evaluation is the step-20 model.
  options.on_eval = [](const EvalPoint& p, Trainer&) {
    if (p.step == 20) testing::fail_writes_after(100);
  };
  std::string message;
  try {
    Trainer(config, options).run();
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK(message ==
        run + "/checkpoints/step-20/model.safetensors: cannot write: " + std::strerror(ENOSPC));
  CHECK(load_checkpoint(run) == "10");
  CHECK(temp_files(run).empty());

  TrainerOptions resume;
  resume.progress = ProgressStyle::Quiet;
  resume.resume = true;
  Trainer resumed(config, resume);
  CHECK(resumed.step() == 10);
  resumed.run();
  CHECK(load_checkpoint(run) == "40");
}

TEST_CASE(
    "faults: `minima train` on a full disk (a small tmpfs) says so and keeps the last checkpoint") {
  TempDir tmp("faults_full_disk");
  Tmpfs disk(tmp.path("disk"), "512k");
  if (!disk.mounted()) {
    MESSAGE("skipped: cannot mount a tmpfs here ("
            << disk.error() << "); the injected ENOSPC test covers the logic");
    return;
  }
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("disk/run");
  // 256 hidden units: model.safetensors is about 30 KB.
  const std::string config = write_config(tmp.path("blobs.json"), tmp.path(), run,
                                          {{"model", {{"layers", json::parse(R"([
                                              {"type": "dense", "name": "fc1", "units": 256},
                                              {"type": "batchnorm", "name": "bn1"},
                                              {"type": "relu"},
                                              {"type": "dense", "name": "fc2", "units": 10}])")}}},
                                           {"train", {{"steps", 20}}}});
  check_success(run_cli({"train", config, "--quiet"}));
  const std::string checkpoint = test::read_text(run + "/model.safetensors");
  REQUIRE(checkpoint.size() > 30000);

  // Leave 12 KB: room for config.json and metrics.csv, not for a new checkpoint.
  const std::string filler = tmp.path("disk/filler");
  write_file_atomically(filler, std::string(size_t(disk.free_bytes() - 12 * 1024), 'f'));
  const CliResult full = run_cli({"train", "--resume", run, "--set", "train.steps=40", "--quiet"});
  CHECK(single_error_line(full) ==
        "minima train: error: " + run +
            "/checkpoints/step-30/model.safetensors: cannot write: " + std::strerror(ENOSPC));
  CHECK(test::read_text(run + "/model.safetensors") == checkpoint);
  CHECK(load_checkpoint(run) == "20");
  CHECK(temp_files(run).empty());

  // With space again, the run continues from its last checkpoint.
  fs::remove(filler);
  check_success(run_cli({"train", "--resume", run, "--set", "train.steps=40", "--quiet"}));
  CHECK(load_checkpoint(run) == "40");
}

TEST_CASE(
    "faults: `minima train` into a read-only directory says so and keeps the last checkpoint") {
  TempDir tmp("faults_read_only");
  Tmpfs disk(tmp.path("disk"), "1m");
  if (!disk.mounted()) {
    MESSAGE("skipped: cannot mount a tmpfs here (" << disk.error() << ")");
    return;
  }
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("disk/run");
  const std::string config =
      write_config(tmp.path("blobs.json"), tmp.path(), run, {{"train", {{"steps", 20}}}});
  check_success(run_cli({"train", config, "--quiet"}));
  const std::string checkpoint = test::read_text(run + "/model.safetensors");
  REQUIRE(disk.remount_read_only());

  const CliResult r = run_cli({"train", "--resume", run, "--set", "train.steps=40", "--quiet"});
  CHECK(single_error_line(r) ==
        "minima train: error: " + run + "/lock: cannot open: " + std::strerror(EROFS));
  CHECK(test::read_text(run + "/model.safetensors") == checkpoint);
  CHECK(load_checkpoint(run) == "20");
  // Evaluating needs no write.
  check_success(run_cli({"eval", run}));
}

TEST_CASE(
    "faults: SIGKILL half-way through writing model.safetensors leaves the previous one in place") {
  TempDir tmp("faults_kill_model");
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("run");
  const std::string config = write_config(tmp.path("blobs.json"), tmp.path(), run);
  // The 3rd replacement named model.safetensors: step 20's weights (the
  // 2nd is the symlink committing step 10).
  CliOptions kill_second_save;
  kill_second_save.env = {{"MINIMA_TEST_KILL_DURING_SAVE", "model.safetensors:3"}};
  const CliResult killed = run_cli({"train", config, "--quiet"}, kill_second_save);
  CAPTURE(killed.err);
  REQUIRE(killed.signal == SIGKILL);

  // The half-written temp file is there, in step 20's directory, beside the
  // untouched step-10 checkpoint.
  const std::vector<std::string> temps = temp_files(run + "/checkpoints/step-20");
  REQUIRE(temps.size() == 1);
  CHECK(temps[0].starts_with("model.safetensors.tmp."));
  const int64_t full_size = int64_t(fs::file_size(run + "/model.safetensors"));
  CHECK(int64_t(fs::file_size(run + "/checkpoints/step-20/" + temps[0])) == full_size / 2);
  CHECK(load_checkpoint(run) == "10");
  CHECK(fs::read_symlink(run + "/model.safetensors") == "checkpoints/step-10/model.safetensors");

  // Resuming continues from step 10 and leaves only its last checkpoint.
  check_success(run_cli({"train", "--resume", run, "--quiet"}));
  CHECK(load_checkpoint(run) == "40");
  CHECK(temp_files(run).empty());
  CHECK(fs::read_symlink(run + "/model.safetensors") == "checkpoints/step-40/model.safetensors");
  CHECK(!fs::exists(run + "/checkpoints/step-20"));
}

TEST_CASE("faults: SIGKILL between the two files of a checkpoint resumes from the previous one") {
  TempDir tmp("faults_kill_state");
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("run");
  const std::string config = write_config(tmp.path("blobs.json"), tmp.path(), run);
  CliOptions kill_second_save;
  kill_second_save.env = {{"MINIMA_TEST_KILL_DURING_SAVE", "train_state.safetensors:2"}};
  REQUIRE(run_cli({"train", config, "--quiet"}, kill_second_save).signal == SIGKILL);

  // Step 20's weights are written, its training state is not: step 10 stays committed.
  CHECK(load_checkpoint(run) == "10");
  CHECK(
      load_safetensors(run + "/checkpoints/step-10/train_state.safetensors").metadata.at("step") ==
      "10");
  check_success(run_cli({"eval", run}));
  check_success(run_cli({"train", "--resume", run, "--quiet"}));
  CHECK(load_checkpoint(run) == "40");
}

TEST_CASE("faults: a run without checkpoint directories is refused, naming what is missing") {
  TempDir tmp("faults_legacy");
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("run");
  const std::string config = write_config(tmp.path("blobs.json"), tmp.path(), run);
  check_success(run_cli({"train", config, "--quiet", "--set", "train.steps=20"}));
  // The old layout: both files as regular files in the run directory.
  const std::string step = run + "/checkpoints/step-20/";
  fs::remove(run + "/model.safetensors");
  fs::rename(step + "model.safetensors", run + "/model.safetensors");
  fs::rename(step + "train_state.safetensors", run + "/train_state.safetensors");
  fs::remove_all(run + "/checkpoints");
  const CliResult r = run_cli({"train", "--resume", run, "--quiet", "--set", "train.steps=40"});
  CHECK(r.exit_code == 1);
  CHECK(single_error_line(r) == "minima train: error: " + run +
                                    ": nothing to resume from (no committed checkpoint: "
                                    "model.safetensors naming checkpoints/step-<S>/)");
  CHECK(fs::is_regular_file(run + "/train_state.safetensors"));  // nothing lost
}

TEST_CASE("faults: SIGKILL at arbitrary moments of a run never leaves a damaged checkpoint") {
  TempDir tmp("faults_kill_random");
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("run");
  // A checkpoint after every step, so that kills often land inside a write.
  const std::string config = write_config(tmp.path("blobs.json"), tmp.path(), run,
                                          {{"train", {{"steps", 100000}, {"eval_every", 1000}}},
                                           {"output", {{"checkpoint_every", 1}}}});
  Rng rng(2024);
  for (int round = 0; round < 4; ++round) {
    fs::remove_all(run);
    CliProcess train({"train", config, "--quiet"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::is_symlink(run + "/model.safetensors") &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(50000)));
    train.kill(SIGKILL);
    const CliResult r = train.wait();
    CAPTURE(r.err);
    REQUIRE(r.signal == SIGKILL);
    // Whatever the moment, both files of the committed checkpoint are complete and valid.
    CHECK_NOTHROW(load_checkpoint(run));
    const fs::path committed = fs::path(run) / fs::read_symlink(run + "/model.safetensors");
    CHECK_NOTHROW(load_safetensors((committed.parent_path() / "train_state.safetensors").string()));
  }
}

TEST_CASE(
    "faults: a diverging run stops at the first non-finite loss, names the step, and its last "
    "checkpoint loads") {
  TempDir tmp("faults_diverge");
  test::write_blobs(tmp.path());
  const std::string run = tmp.path("run");
  const std::string config =
      write_config(tmp.path("blobs.json"), tmp.path(), run, {{"train", {{"steps", 20}}}});
  check_success(run_cli({"train", config, "--quiet"}));
  const std::string checkpoint = test::read_text(run + "/model.safetensors");

  // The same run continued with an absurd learning rate.
  const CliResult r = run_cli({"train", "--resume", run, "--set", "train.steps=40", "--set",
                               "optimizer.lr=1e30", "--quiet"});
  const std::string line = single_error_line(r);
  CHECK(line.starts_with("minima train: error: training diverged at step 2"));
  CHECK(line.find(": loss is ") != std::string::npos);
  CHECK(line.ends_with("; the last good checkpoint is " + run + "/model.safetensors (step 20)"));
  CHECK(test::read_text(run + "/model.safetensors") == checkpoint);
  CHECK(load_checkpoint(run) == "20");
  check_success(run_cli({"eval", run}));
}
