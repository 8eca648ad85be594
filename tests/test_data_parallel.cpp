// Data-parallel training (platform/processes.hpp): the batch split into equal
// parts, synchronized BatchNorm, and `mpirun -np 2 minima train` against one
// process doing the same arithmetic.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <minima/config/config_object.hpp>
#include <minima/core/atomic_file.hpp>
#include <minima/data/batcher.hpp>
#include <minima/data/data_source.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/layers/batchnorm.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>
#include <minima/optim/optimizer.hpp>
#include <minima/platform/processes.hpp>
#include "tests/cli_runner.hpp"
#include "tests/train_fixture.hpp"

namespace minima {
namespace {

using nlohmann::json;
using test::TempDir;

Dataset counting_dataset(int64_t count) {
  Dataset d;
  d.count = count;
  d.sample_shape = Shape{1};
  d.num_classes = 10;
  for (int64_t i = 0; i < count; ++i) {
    d.pixels.push_back(uint8_t(i));
    d.labels.push_back(int32_t(i % 10));
  }
  return d;
}

TEST_CASE(
    "a batcher's parts are the whole batch split in order, every part walking the same order") {
  const Dataset data = counting_dataset(40);
  Batcher whole(data, 8, {0.0f, 1.0f}, true, 3, true), first(data, 8, {0.0f, 1.0f}, true, 3, true),
      second(data, 8, {0.0f, 1.0f}, true, 3, true);
  first.serve_part(0, 2);
  second.serve_part(1, 2);
  Batch all, a, b;
  for (int step = 0; step < 7; ++step) {  // across an epoch's end (5 batches per epoch)
    const bool more = whole.next(all);
    CHECK(first.next(a) == more);
    CHECK(second.next(b) == more);
    if (!more) continue;
    REQUIRE(a.size() == 4);
    REQUIRE(b.size() == 4);
    for (int64_t i = 0; i < 4; ++i) {
      CHECK(a.labels[size_t(i)] == all.labels[size_t(i)]);
      CHECK(b.labels[size_t(i)] == all.labels[size_t(i + 4)]);
      CHECK(a.x[i] == all.x[i]);
      CHECK(b.x[i] == all.x[i + 4]);
    }
    CHECK(first.position() == whole.position());
  }
}

TEST_CASE("a batcher refuses parts that do not divide its batches") {
  const Dataset data = counting_dataset(40);
  Batcher odd(data, 9, {0.0f, 1.0f}, true, 3, true);
  CHECK_THROWS_WITH_AS(odd.serve_part(0, 2), doctest::Contains("parts must divide the batch size"),
                       std::invalid_argument);
  Batcher keep_last(data, 8, {0.0f, 1.0f}, true, 3, false);
  CHECK_THROWS_AS(keep_last.serve_part(1, 2), std::invalid_argument);
  Batcher fine(data, 8, {0.0f, 1.0f}, true, 3, true);
  CHECK_THROWS_AS(fine.serve_part(2, 2), std::invalid_argument);
}

TEST_CASE("batchnorm's sync setting is read, written back, and on one process changes nothing") {
  json settings = {{"sync", true}};
  ConfigObject args(settings, "/model/layers/1");
  BatchNorm synced(args);
  CHECK(synced.config()["sync"] == true);
  CHECK(BatchNorm().config()["sync"] == false);

  // Feature vectors, and images (sync adds each channel's m x_0 + sum (x - x_0)).
  for (const Shape& sample : {Shape{3}, Shape{3, 4, 5}}) {
    CAPTURE(sample.str());
    BatchNorm plain, synced_bn({.sync = true});
    Rng rng(5);
    Tensor x(sample.with_batch(6));
    for (int64_t k = 0; k < x.numel(); ++k) x[k] = 100.0f + float(k % 7) + rng.normal();
    plain.build({sample});
    synced_bn.build({sample});
    plain.init_params(rng);
    synced_bn.init_params(rng);
    const Tensor& y_plain = plain.forward(x, Mode::Train);
    const Tensor& y_synced = synced_bn.forward(x, Mode::Train);
    REQUIRE(process_count() == 1);
    for (int64_t k = 0; k < x.numel(); ++k)
      CHECK(y_synced[k] == doctest::Approx(y_plain[k]).epsilon(1e-5));
    for (int64_t k = 0; k < 3; ++k) {
      CHECK(synced_bn.running_mean()[k] == doctest::Approx(plain.running_mean()[k]).epsilon(1e-6));
      CHECK(synced_bn.running_var()[k] == doctest::Approx(plain.running_var()[k]).epsilon(1e-6));
    }
  }
}

TEST_CASE("a model builder takes batchnorm settings, and names the key of a wrong one") {
  TempDir dir("bn_option");
  test::write_blobs(dir.path());
  const json mlp = {{"type", "mlp"}, {"hidden", {8}}, {"batchnorm", {{"sync", true}}}};
  json spec = test::blob_config_json(dir.path(), dir.path("run"));
  spec["model"] = mlp;
  const RunConfig built = parse_run_config(spec, "mlp.json");
  bool found = false;
  for (const json& layer : built.layers)
    if (layer["type"] == "batchnorm") found = layer.at("sync") == true;
  CHECK(found);
  spec["model"]["batchnorm"] = {{"sink", true}};
  CHECK_THROWS_WITH(parse_run_config(spec, "mlp.json"), doctest::Contains("/model/batchnorm"));
  spec["model"]["batchnorm"] = 3;
  CHECK_THROWS_WITH(parse_run_config(spec, "mlp.json"),
                    doctest::Contains("true, false or an object of batchnorm settings"));
}

// ---- Several processes: only where this build has MPI and mpirun. ----

#ifdef MINIMA_MPIEXEC
// `mpirun -np <processes> minima ARGS...` on this machine.
test::CliResult run_processes(int processes, const std::vector<std::string>& args) {
  test::CliOptions options;
  options.launcher = {MINIMA_MPIEXEC, "-np", std::to_string(processes), "--oversubscribe"};
  if (::geteuid() == 0) options.launcher.push_back("--allow-run-as-root");
  options.timeout = std::chrono::milliseconds(120000);
  // Open MPI keeps allocations to the end of a process (LeakSanitizer counts
  // ~120 KB in a two-line MPI program): no leak check under mpirun; every
  // other sanitizer check stays on.
  const char* asan = std::getenv("ASAN_OPTIONS");
  options.env = {{"ASAN_OPTIONS", std::string(asan ? asan : "") + ":detect_leaks=0"}};
  return test::run_cli(args, options);
}

// A blob run of `steps` plain-SGD steps of batch 16, logging every step.
std::string write_config(const TempDir& dir, const std::string& name, const json& batchnorm,
                         int steps) {
  json config =
      test::blob_config_json(dir.path(), dir.path(name),
                             {{"optimizer", {{"type", "sgd"}, {"lr", 0.1}, {"momentum", 0}}},
                              {"schedule", {{"type", "constant"}}},
                              {"train", {{"steps", steps}, {"eval_every", 1}}}});
  config["model"]["layers"][1].update(batchnorm);
  const std::string path = dir.path(name + ".json");
  write_file_atomically(path, config.dump(2));
  return path;
}

// Column `column` of every row of a metrics.csv.
std::vector<double> metrics_column(const std::string& path, int column) {
  std::vector<double> values;
  const std::vector<std::string> rows = test::metrics_without_seconds(path);
  for (size_t r = 1; r < rows.size(); ++r) {
    std::istringstream row(rows[r]);
    std::string cell;
    for (int c = 0; c <= column; ++c) std::getline(row, cell, ',');
    values.push_back(std::stod(cell));
  }
  return values;
}

// max |a - b| / max |b|: the largest difference against the values' scale.
double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return diff / scale;
}

// The trainable parameters of a run's model.safetensors (buffers left out:
// without sync each process keeps running statistics of its own part).
std::vector<double> trained_params(const RunConfig& config, const std::string& model) {
  Graph graph = Graph::from_json(config.layers, "/model/layers");
  graph.build(Shape{16}, config.seed);
  load_model(model, graph);
  const Tensor& values = graph.values();
  return std::vector<double>(values.data(), values.data() + values.numel());
}

// What P processes without sync compute, done by one: each part of the
// batch through the model on its own (BatchNorm normalizes that part
// alone), the gradients averaged, one SGD step.
std::vector<double> params_after_parts(const RunConfig& config, int parts, int steps) {
  const TrainingData data = load_training_data(config.data);
  Graph graph = Graph::from_json(config.layers, "/model/layers");
  graph.build(data.train.sample_shape, config.seed);
  std::vector<std::unique_ptr<Batcher>> batchers;
  for (int p = 0; p < parts; ++p) {
    batchers.push_back(std::make_unique<Batcher>(data.train, config.train.batch_size,
                                                 data.normalization, true, config.seed, true));
    batchers.back()->serve_part(p, parts);
  }
  ConfigObject optimizer_config(config.optimizer, "/optimizer");
  const auto optimizer = make_optimizer(optimizer_config, graph.values().numel());
  SoftmaxCrossEntropy loss;
  Batch batch;
  for (int step = 0; step < steps; ++step) {
    graph.zero_grad();
    for (auto& batcher : batchers) {
      if (!batcher->next(batch)) batcher->next(batch);
      loss.forward(graph.forward(batch.x, Mode::Train), batch.labels);
      graph.backward(loss.backward());  // adds to the parameter gradients
    }
    Tensor& grads = graph.grads();
    for (int64_t k = 0; k < grads.numel(); ++k) grads[k] /= float(parts);
    optimizer->step(graph.values(), graph.grads(), float(optimizer->base_lr()));
  }
  const Tensor& values = graph.values();
  return std::vector<double>(values.data(), values.data() + values.numel());
}

// Also with normalize "variance" and "mean" (the latter with running_var "biased").
TEST_CASE("two processes with synchronized batchnorm train like one process on the whole batch") {
  TempDir dir("mpi_sync");
  test::write_blobs(dir.path());
  const std::vector<std::pair<std::string, json>> variants = {
      {"sync", {{"sync", true}}},
      {"sync_variance", {{"sync", true}, {"normalize", "variance"}}},
      {"sync_mean", {{"sync", true}, {"normalize", "mean"}, {"running_var", "biased"}}}};
  for (const auto& [name, batchnorm] : variants) {
    CAPTURE(name);
    const std::string config = write_config(dir, name, batchnorm, 50);
    const std::string one_dir = dir.path(name + "_one");
    const test::CliResult one =
        test::run_cli({"train", config, "--quiet", "--set", "output.dir=" + one_dir});
    REQUIRE_MESSAGE(one.exit_code == 0, one.err);
    const test::CliResult two = run_processes(2, {"train", config, "--quiet"});
    REQUIRE_MESSAGE(two.exit_code == 0, two.err);
    CHECK(test::line_count(two.out) == 3);  // rank 0 alone reports
    CHECK(two.out.find("data parallel: 2 processes, ") !=
          std::string::npos);  // step time, all-reduce share
    const RunConfig run = load_run_config(config);
    // Limits 1e-5 over 50 steps; measured 3.3e-7 (losses) and 2.1e-7 (weights) with "full".
    CHECK(relative_difference(metrics_column(dir.path(name + "/metrics.csv"), 3),
                              metrics_column(one_dir + "/metrics.csv", 3)) <= 1e-5);
    CHECK(relative_difference(trained_params(run, dir.path(name + "/model.safetensors")),
                              trained_params(run, one_dir + "/model.safetensors")) <= 1e-5);
  }
}

TEST_CASE("two processes without sync train like one process normalizing each half on its own") {
  TempDir dir("mpi_local");
  test::write_blobs(dir.path());
  const std::string config = write_config(dir, "local", {{"sync", false}}, 50);
  const test::CliResult two = run_processes(2, {"train", config, "--quiet"});
  REQUIRE_MESSAGE(two.exit_code == 0, two.err);
  const RunConfig run = load_run_config(config);
  const std::vector<double> halves = params_after_parts(run, 2, 50);
  // Limit 1e-5; measured 8.6e-8. One process normalizing the whole batch differs by 5.2e-2.
  CHECK(relative_difference(trained_params(run, dir.path("local/model.safetensors")), halves) <=
        1e-5);
  // ... and not like one process normalizing the whole batch.
  CHECK(relative_difference(params_after_parts(run, 1, 50), halves) > 1e-3);
}

TEST_CASE("a run of two processes resumes with two, as if never stopped") {
  TempDir dir("mpi_resume");
  test::write_blobs(dir.path());
  const std::string config = write_config(dir, "straight", {{"sync", true}}, 30);
  const test::CliResult straight = run_processes(2, {"train", config});
  REQUIRE(straight.exit_code == 0);
  // mpirun gives rank 0 a pseudo-terminal even into a pipe: lines, no bar.
  CHECK(straight.out.find("step 30/30") != std::string::npos);
  CHECK(straight.out.find("per process, 2 processes of 8 samples each") != std::string::npos);
  CHECK(straight.out.find('\r') == std::string::npos);
  const std::string stopped = dir.path("stopped");
  REQUIRE(run_processes(2, {"train", config, "--quiet", "--set", "output.dir=" + stopped, "--set",
                            "train.steps=20"})
              .exit_code == 0);
  const test::CliResult resumed = run_processes(
      2, {"train", config, "--quiet", "--resume", stopped, "--set", "train.steps=30"});
  REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
  CHECK(test::metrics_without_seconds(stopped + "/metrics.csv") ==
        test::metrics_without_seconds(dir.path("straight/metrics.csv")));
  CHECK(test::read_text(stopped + "/model.safetensors") ==
        test::read_text(dir.path("straight/model.safetensors")));
}

TEST_CASE("compare under mpirun: each run data parallel, rank 0 alone reports") {
  TempDir dir("mpi_compare");
  test::write_blobs(dir.path());
  json base = test::blob_config_json(dir.path(), "unused");
  base["model"] = {
      {"type", "mlp"}, {"hidden", {8, 8}}, {"activation", "sigmoid"}, {"batchnorm", true}};
  base["schedule"] = {{"type", "constant"}};
  write_file_atomically(dir.path("base.json"), base.dump());
  write_file_atomically(dir.path("compare.json"), R"({"base": "base.json",
      "variants": {"BN per process": {}, "synchronized BN": {"model.batchnorm": {"sync": true}}},
      "thresholds": [60], "probe": {"batch": 16}, "landscape": {"every": 20},
      "train_mode_accuracy": true})");
  const test::CliResult one =
      test::run_cli({"compare", dir.path("compare.json"), "--quiet", "--out", dir.path("one")});
  REQUIRE_MESSAGE(one.exit_code == 0, one.err);
  const test::CliResult two =
      run_processes(2, {"compare", dir.path("compare.json"), "--quiet", "--out", dir.path("two")});
  REQUIRE_MESSAGE(two.exit_code == 0, two.err);
  size_t reports = 0;
  for (size_t at = two.out.find("report: "); at != std::string::npos;
       at = two.out.find("report: ", at + 1))
    ++reports;
  CHECK(reports == 1);
  CHECK(test::read_text(dir.path("two/summary.json")).find("synchronized BN") != std::string::npos);
  // Synchronized, two processes train like one; per process, they do not.
  const std::string run = "/seed-7/metrics.csv";
  CHECK(relative_difference(metrics_column(dir.path("two/synchronized-bn") + run, 3),
                            metrics_column(dir.path("one/synchronized-bn") + run, 3)) <= 1e-5);
  CHECK(relative_difference(metrics_column(dir.path("two/bn-per-process") + run, 3),
                            metrics_column(dir.path("one/bn-per-process") + run, 3)) > 1e-4);
}

TEST_CASE("a batch the processes cannot share is one clear error, not a hang") {
  TempDir dir("mpi_odd");
  test::write_blobs(dir.path());
  const std::string config = write_config(dir, "odd", json::object(), 5);
  const test::CliResult two =
      run_processes(2, {"train", config, "--quiet", "--set", "train.batch_size=15"});
  CHECK_FALSE(two.timed_out);
  CHECK(two.exit_code != 0);
  CHECK(two.err.find("/train/batch_size: expected a multiple of the 2 processes") !=
        std::string::npos);
}
#endif

}  // namespace
}  // namespace minima
