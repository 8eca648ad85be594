// Inputs that used to end in undefined behaviour, a wrong answer or a
// message pointing nowhere, each through the real `minima` binary: header
// fields whose product overflows, a safetensors header listing too many
// tensors, a top-down BMP, a config from a pipe, non-finite weights, and
// paths that are not what a command expects.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include <minima/data/image_prep.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/nn/graph.hpp>
#include "tests/cli_runner.hpp"
#include "tests/idx_fixtures.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::test;
namespace fs = std::filesystem;

namespace {

// Runs `minima ARGS`; checks exit 1 and one stderr line; returns that line.
std::string error_line(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  CAPTURE(r.err);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 1);
  CHECK(line_count(r.err) == 1);
  return first_line(r.err);
}

// An INPUTS -> 10 model saved in RUN without normalization metadata, its config
// asking for standardized inputs from `data_dir` (so eval and predict read
// the training images' header).
std::string write_run(const std::string& run, const std::string& data_dir, float fill = 0.01f,
                      int64_t inputs = 784) {
  const json layers = {{{"type", "dense"}, {"name", "fc1"}, {"units", 10}}};
  Graph graph = Graph::from_json(layers, "/model/layers");
  graph.build(Shape{inputs}, 1);
  for (const StateEntry& s : graph.state()) s.tensor->fill(fill);
  fs::create_directories(run);
  const json config = {
      {"data", {{"dataset", "idx"}, {"dir", data_dir}, {"normalize", "standardize"}}},
      {"model", {{"layers", layers}}},
      {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}},
      {"train", {{"steps", 1}, {"batch_size", 1}}}};
  write_file_atomically(run + "/config.json", config.dump());
  save_model(run + "/model.safetensors", graph);
  return run;
}

// A white 28 x 28 image with a dark bar, as PNG.
std::string write_digit(const std::string& path) {
  Image image{28, 28, 1, std::vector<uint8_t>(28 * 28, 255)};
  for (int y = 6; y < 22; ++y)
    for (int x = 12; x < 16; ++x) image.pixels[size_t(y * 28 + x)] = 0;
  write_png(path, image);
  return path;
}

}  // namespace

TEST_CASE("hostile: an IDX header whose rows x cols overflows is refused by every command") {
  TempDir dir("hostile_idx");
  write_blobs(dir.path());
  // 0 images of 4294967295 x 4294967295: 16 valid bytes, nothing to read.
  for (const char* prefix : {"train", "t10k"}) {
    write_raw(dir.path(std::string(prefix) + "-images-idx3-ubyte"),
              idx_images(0, 0xffffffffu, 0xffffffffu, {}));
    write_raw(dir.path(std::string(prefix) + "-labels-idx1-ubyte"), idx_labels({}));
  }
  const auto refused = [&](const char* prefix) {
    return dir.path(std::string(prefix) + "-images-idx3-ubyte") +
           ": header says 0 images of 4294967295x4294967295; one image would be "
           "18446744065119617025 bytes, more than the limit of 2147483648 bytes "
           "(IdxLimits::max_bytes)";
  };
  const std::string config = dir.path("blobs.json");
  write_file_atomically(config, blob_config_json(dir.path(), dir.path("run")).dump());
  CHECK(error_line({"train", config, "--quiet"}) == "minima train: error: " + refused("train"));
  CHECK(error_line({"summary", config}) == "minima summary: error: " + refused("train"));
  const std::string run = write_run(dir.path("run784"), dir.path());
  CHECK(error_line({"eval", run}) == "minima eval: error: " + refused("t10k"));
  const std::string digit = write_digit(dir.path("digit.png"));
  CHECK(error_line({"predict", run, digit}) == "minima predict: error: " + refused("train"));

  // 4 images of 65536 x 65536: one image alone is over the limit.
  write_raw(dir.path("train-images-idx3-ubyte"), idx_images(4, 65536, 65536, {}));
  CHECK(error_line({"summary", config}) ==
        "minima summary: error: " + dir.path("train-images-idx3-ubyte") +
            ": header says 4 images of 65536x65536; one image would be 4294967296 bytes, more "
            "than the limit of 2147483648 bytes (IdxLimits::max_bytes)");
}

TEST_CASE("hostile: non-finite weights are refused by eval and predict, naming the tensor") {
  TempDir dir("hostile_nan");
  write_blobs(dir.path());
  const std::string digit = write_digit(dir.path("digit.png"));
  for (const float bad :
       {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    const std::string what = std::isnan(bad) ? "NaN" : "an infinite value";
    const auto message = [&](const std::string& run) {
      return run + "/model.safetensors: tensor 'fc1.weight' holds " + what +
             " at element 0 (weights must be finite)";
    };
    // eval scores the blobs (16 inputs); predict takes 28 x 28 images.
    const std::string blobs = write_run(dir.path("run16"), dir.path(), bad, 16);
    CHECK(error_line({"eval", blobs}) == "minima eval: error: " + message(blobs));
    const std::string digits = write_run(dir.path("run784"), dir.path(), bad, 784);
    CHECK(error_line({"predict", digits, digit}) == "minima predict: error: " + message(digits));
  }
}

TEST_CASE(
    "hostile: a safetensors header with too many tensors is refused, many allowed ones load") {
  const auto many = [](int count) {
    std::vector<TensorEntry> tensors;
    for (int i = 0; i < count; ++i) {
      TensorEntry& e = tensors.emplace_back();
      e.name = std::to_string(i);  // (not "t" + ...: GCC 12 warns falsely about that memcpy)
      e.dtype = "F32";
      e.shape = {1};
      e.data.assign(4, '\0');
    }
    return encode_safetensors(tensors);
  };
  const SafetensorsContents loaded = decode_safetensors(many(30000), "many.safetensors");
  CHECK(loaded.tensors.size() == 30000);
  CHECK(loaded.tensors[29999].name == "29999");
  CHECK_THROWS_WITH(decode_safetensors(many(100001), "lots.safetensors"),
                    "lots.safetensors: header lists more than 100000 tensors (the limit of "
                    "minima's safetensors reader)");

  TempDir dir("hostile_tensors");
  write_blobs(dir.path());
  const std::string run = write_run(dir.path("run"), dir.path());
  write_file_atomically(run + "/model.safetensors", many(100001));
  CHECK(error_line({"eval", run}) == "minima eval: error: " + run +
                                         "/model.safetensors: header lists more than 100000 "
                                         "tensors (the limit of minima's safetensors reader)");
}

TEST_CASE("hostile: a config read from a pipe is read to its end") {
  TempDir dir("hostile_fifo");
  write_blobs(dir.path());
  const std::string fifo = dir.path("config.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string text =
      blob_config_json(dir.path(), dir.path("run"), {{"train", {{"steps", 2}}}}).dump(2);
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);  // blocks until minima opens the FIFO
    out << text;
  });
  const CliResult r = run_cli({"summary", fifo});
  writer.join();
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("fc1") != std::string::npos);
}

TEST_CASE("hostile: eval says what it expected of a path that is no run directory or checkpoint") {
  TempDir dir("hostile_eval_paths");
  CHECK(error_line({"eval", dir.path("does_not_exist")}) ==
        "minima eval: error: " + dir.path("does_not_exist") +
            ": no such run directory or .safetensors checkpoint");
  write_file_atomically(dir.path("metrics.csv"), "step,epoch,lr,loss\n");
  CHECK(error_line({"eval", dir.path("metrics.csv")}) ==
        "minima eval: error: " + dir.path("metrics.csv") +
            ": expected a run directory or a .safetensors checkpoint (with the config.json "
            "beside it)");
  CHECK(error_line({"eval", dir.path()}) ==
        "minima eval: error: " + dir.path() +
            ": not a run directory (expected the config.json and model.safetensors that minima "
            "train writes)");
}

TEST_CASE("hostile: a missing relative data.dir says it is relative to the current directory") {
  TempDir dir("hostile_relative");
  const std::string config = dir.path("c.json");
  write_file_atomically(
      config,
      blob_config_json("no/such/data", dir.path("run"), {{"data", {{"dataset", "idx"}}}}).dump());
  CliOptions in_dir;
  in_dir.cwd = dir.path();
  const CliResult r = run_cli({"train", config, "--quiet"}, in_dir);
  CHECK(r.exit_code == 1);
  CHECK(first_line(r.err) ==
        "minima train: error: no/such/data: no such directory (relative to the current "
        "directory, " +
            fs::canonical(dir.path()).string() +
            "); to get the data run scripts/fetch-data.sh mnist no/such/data (or: fetch-data.sh "
            "fashion no/such/data for Fashion-MNIST)");

  // A Fashion-MNIST directory gets the Fashion-MNIST hint only.
  fs::create_directories(dir.path("fashion"));
  write_file_atomically(config, blob_config_json(dir.path("fashion"), dir.path("run"),
                                                 {{"data", {{"dataset", "idx"}}}})
                                    .dump());
  CHECK(error_line({"train", config, "--quiet"}) ==
        "minima train: error: " + dir.path("fashion") +
            ": neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz found; to get "
            "Fashion-MNIST run scripts/fetch-data.sh fashion " +
            dir.path("fashion"));
}
