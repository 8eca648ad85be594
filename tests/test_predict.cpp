// `minima predict` end to end: a hand-made linear model that tells a
// horizontal bar from a vertical one, images written as PNG files, the
// output (text and JSON), --show-input and per-file errors.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <stb_image.h>
#include <stb_image_write.h>

#include <minima/core/atomic_file.hpp>
#include <minima/data/data_source.hpp>
#include <minima/data/image_prep.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/nn/graph.hpp>
#include <minima/report/raster.hpp>
#include <minima/train/trainer.hpp>
#include "tests/build_paths.hpp"
#include "tests/image_fixtures.hpp"
#include "tests/run_command.hpp"
#include "tests/safetensors_reader.hpp"
#include "tests/temp_dir.hpp"

using namespace minima;
using minima::test::run_command;
using minima::test::TempDir;

namespace {

constexpr float kMean = 0.1f, kStd = 0.5f;  // the model's input normalization (metadata)

// Dark bars on light paper: class 0 "horizontal", class 1 "vertical".
Image bar(bool horizontal) {
  Image paper = make_canvas(90, 90, 1, gray_level(240));
  if (horizontal)
    fill_rect(paper, 10, 40, 80, 55, gray_level(30));
  else
    fill_rect(paper, 40, 10, 55, 80, gray_level(30));
  return paper;
}

// x = (pixel / 255 - mean) / std, as predict scales its input.
std::vector<float> scaled(const Image& prepared) {
  std::vector<float> x;
  for (uint8_t p : prepared.pixels) x.push_back((float(p) / 255.0f - kMean) / kStd);
  return x;
}

// A run directory holding a 784 -> 10 linear model whose class-k weights
// are the prepared bar k (k = 0, 1) times 0.01, and zero for the others.
struct LinearRun {
  Graph graph;
  std::string dir;
};

LinearRun write_linear_run(const TempDir& tmp) {
  const json layers = json::parse(R"([{"type": "dense", "units": 10, "name": "fc"}])");
  LinearRun run{Graph::from_json(layers, "/model/layers"), tmp.path("run")};
  run.graph.build(Shape{784}, 1);
  Tensor& w = run.graph.layer(0).params()[0]->value;
  Tensor& b = run.graph.layer(0).params()[1]->value;
  w.zero();
  for (int k = 0; k < 2; ++k) {
    const std::vector<float> x = scaled(prepare_like_mnist(bar(k == 0), "template"));
    for (int64_t j = 0; j < 784; ++j) w.at(k, j) = 0.01f * x[size_t(j)];
    b[k] = 0.25f * float(k);
  }
  std::filesystem::create_directories(run.dir);
  const json config = {{"data", {{"dataset", "mnist"}, {"dir", tmp.path("no-data-needed")}}},
                       {"model", {{"layers", layers}}},
                       {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}},
                       {"train", {{"steps", 1}}}};
  write_file_atomically(run.dir + "/config.json", config.dump());
  save_model(run.dir + "/model.safetensors", run.graph, {{kMeanKey, "0.1"}, {kStdKey, "0.5"}});
  std::vector<std::string> names = {"horizontal", "vertical"};
  for (int k = 2; k < 10; ++k) names.push_back("unused " + std::to_string(k));
  write_class_names(run.dir + "/classes.json", names);
  return run;
}

// The model's logits for an image file, computed here from the MNIST-style preparation.
std::vector<double> expected_logits(LinearRun& run, const std::string& file) {
  const std::vector<float> x = scaled(prepare_like_mnist(load_image(file, 1), file));
  Tensor input(Shape{1, 784});
  std::copy(x.begin(), x.end(), input.data());
  const Tensor& logits = run.graph.forward(input, Mode::Eval);
  return std::vector<double>(logits.data(), logits.data() + logits.numel());
}

std::vector<double> softmax(const std::vector<double>& z) {
  double sum = 0;
  for (double v : z) sum += std::exp(v);
  std::vector<double> p;
  for (double v : z) p.push_back(std::exp(v) / sum);
  return p;
}

std::string percent(double p) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * p);
  return text;
}

}  // namespace

TEST_CASE(
    "minima predict: top-3 classes per image with softmax probabilities, named from classes.json") {
  TempDir tmp("predict_text");
  LinearRun run = write_linear_run(tmp);
  const std::string h = tmp.path("h.png"), v = tmp.path("v.jpg");
  write_png(h, bar(true));
  REQUIRE(stbi_write_jpg(v.c_str(), 90, 90, 1, bar(false).pixels.data(), 95));

  const auto [status, output] =
      run_command(minima::test::cli() + " predict " + run.dir + " " + h + " " + v);
  INFO(output);
  CHECK(status == 0);
  const std::vector<double> ph = softmax(expected_logits(run, h)),
                            pv = softmax(expected_logits(run, v));
  CHECK(ph[0] > 0.5);
  CHECK(pv[1] > 0.5);
  // The third most probable class: all 8 unused classes have logit 0; the first of them wins ties.
  CHECK(output == h + ":  horizontal (" + percent(ph[0]) + ")  vertical (" + percent(ph[1]) +
                      ")  unused 2 (" + percent(ph[2]) + ")\n" + v + ":  vertical (" +
                      percent(pv[1]) + ")  horizontal (" + percent(pv[0]) + ")  unused 2 (" +
                      percent(pv[2]) + ")\n");
}

TEST_CASE(
    "minima predict --json --show-input: logits, probabilities and the exact input the model saw") {
  TempDir tmp("predict_json");
  LinearRun run = write_linear_run(tmp);
  const std::string h = tmp.path("h.png"), v = tmp.path("v.png"), seen = tmp.path("seen.png");
  write_png(h, bar(true));
  write_png(v, bar(false));
  const std::string json_path = tmp.path("out.json");
  // (...) > file: stdout to the file, stderr still to run_command.
  const auto [status, output] =
      run_command("(" + minima::test::cli() + " predict " + run.dir + "/model.safetensors " + h +
                  " " + v + " --json --top 2 --show-input " + seen + " > " + json_path + ")");
  INFO(output);
  REQUIRE(status == 0);
  const json out = json::parse(read_file(json_path));
  CHECK(out["normalization"]["mean"].get<double>() == doctest::Approx(kMean));
  CHECK(out["normalization"]["std"].get<double>() == doctest::Approx(kStd));
  REQUIRE(out["predictions"].size() == 2);

  int seen_w = 0, seen_h = 0, seen_c = 0;
  stbi_uc* strip = stbi_load(seen.c_str(), &seen_w, &seen_h, &seen_c, 1);
  REQUIRE(strip);
  CHECK(seen_w == 28 + 2 + 28);
  CHECK(seen_h == 28);
  for (size_t i = 0; i < 2; ++i) {
    const json& p = out["predictions"][i];
    const std::string file = i == 0 ? h : v;
    CAPTURE(file);
    CHECK(p["file"] == file);
    const Image prepared = prepare_like_mnist(load_image(file, 1), file);
    CHECK(p["input"]["shape"] == json::array({28, 28, 1}));
    CHECK(p["input"]["pixels"].get<std::vector<uint8_t>>() == prepared.pixels);
    int differing = 0;
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x)
        differing += strip[y * seen_w + int(i) * 30 + x] != prepared.at(x, y);
    CHECK(differing == 0);

    const std::vector<double> logits = expected_logits(run, file);
    const auto got = p["logits"].get<std::vector<double>>();
    REQUIRE(got.size() == 10);
    for (size_t k = 0; k < 10; ++k) CHECK(got[k] == doctest::Approx(logits[k]).epsilon(1e-6));
    const std::vector<double> probabilities = softmax(logits);
    REQUIRE(p["top"].size() == 2);
    CHECK(p["top"][0]["index"] == int(i));
    CHECK(p["top"][0]["class"] == (i == 0 ? "horizontal" : "vertical"));
    CHECK(p["top"][0]["probability"].get<double>() ==
          doctest::Approx(probabilities[i]).epsilon(1e-6));
    CHECK(p["top"][1]["index"] == int(1 - i));
  }
  stbi_image_free(strip);
}

TEST_CASE(
    "minima predict: unreadable, empty, absurdly large and blank files fail alone, the others "
    "still run") {
  TempDir tmp("predict_errors");
  LinearRun run = write_linear_run(tmp);
  const std::string good = tmp.path("good.png"), missing = tmp.path("missing.png"),
                    empty = tmp.path("empty.png"), huge = tmp.path("huge.png"),
                    blank = tmp.path("blank.png");
  write_png(good, bar(true));
  test::write_bytes(empty, "");
  test::write_bytes(huge, test::png_header_only(50000, 100));
  write_png(blank, make_canvas(20, 20, 1, gray_level(250)));

  const std::string files = " " + missing + " " + good + " " + empty + " " + huge + " " + blank;
  const auto [status, output] = run_command(minima::test::cli() + " predict " + run.dir + files);
  INFO(output);
  CHECK(status == 1);
  CHECK(output.find(good + ":  horizontal (") != std::string::npos);
  CHECK(output.find("minima predict: error: " + missing +
                    ": cannot read: No such file or directory\n") != std::string::npos);
  CHECK(output.find("minima predict: error: " + empty + ": empty file\n") != std::string::npos);
  CHECK(output.find("minima predict: error: " + huge +
                    ": image of 50000 x 100 pixels is outside the limits") != std::string::npos);
  CHECK(output.find("minima predict: error: " + blank + ": no digit found") != std::string::npos);

  const std::string json_path = tmp.path("out.json");
  const auto [json_status, json_errors] = run_command(
      "(" + minima::test::cli() + " predict " + run.dir + files + " --json > " + json_path + ")");
  CHECK(json_status == 1);
  CHECK(json_errors.find("minima predict: error: " + empty + ": empty file\n") !=
        std::string::npos);
  const json out = json::parse(read_file(json_path));
  REQUIRE(out["predictions"].size() == 5);
  CHECK(out["predictions"][0]["error"] == missing + ": cannot read: No such file or directory");
  CHECK(out["predictions"][1]["top"][0]["class"] == "horizontal");
  CHECK(out["predictions"][2]["error"] == empty + ": empty file");
  CHECK_FALSE(out["predictions"][3].contains("top"));
}

TEST_CASE("minima predict: usage errors and a model that does not take 28x28 images") {
  TempDir tmp("predict_usage");
  LinearRun run = write_linear_run(tmp);
  auto [status, output] = run_command(minima::test::cli() + " predict " + run.dir);
  CHECK(status == 2);
  CHECK(output.find("minima predict: expected one or more image files after " + run.dir) == 0);
  std::tie(status, output) =
      run_command(minima::test::cli() + " predict " + run.dir + " x.png --top 0");
  CHECK(status == 2);
  CHECK(output.find("--top expects a positive integer, got '0'") != std::string::npos);
  std::tie(status, output) =
      run_command(minima::test::cli() + " predict " + run.dir + " x.png --top 99999999999");
  CHECK(status == 2);  // beyond int: a usage error, not an escaped std::out_of_range
  CHECK(output.find("--top expects a positive integer, got '99999999999'") != std::string::npos);

  // Weights for 16 inputs (a 4x4 IDX data set) cannot read 28x28 digits.
  Graph small = Graph::from_json(json::parse(R"([{"type": "dense", "units": 10, "name": "fc"}])"),
                                 "/model/layers");
  small.build(Shape{16}, 1);
  save_model(run.dir + "/model.safetensors", small);
  std::tie(status, output) = run_command(minima::test::cli() + " predict " + run.dir + " x.png");
  CHECK(status == 1);
  CHECK(output == "minima predict: error: " + run.dir +
                      "/model.safetensors: tensor 'fc.weight' has shape [10, 16] but the model "
                      "expects [10, 784]\n");
}

TEST_CASE("minima predict with a CNN on RGB images: the model reads the picture as [3, H, W]") {
  TempDir tmp("predict_cnn");
  const json layers = json::parse(R"([
    {"type": "conv2d", "out_channels": 2, "kernel": 3, "name": "conv1"}, {"type": "relu"},
    {"type": "flatten"}, {"type": "dense", "units": 2, "name": "fc1"}])");
  Graph graph = Graph::from_json(layers, "/model/layers");
  graph.build(Shape{3, 6, 5}, 4);
  const std::string dir = tmp.path("run");
  std::filesystem::create_directories(dir);
  const json config = {{"data",
                        {{"dataset", "folder"},
                         {"dir", tmp.path("no-data")},
                         {"size", {6, 5}},
                         {"grayscale", false}}},
                       {"model", {{"layers", layers}}},
                       {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}},
                       {"train", {{"steps", 1}}}};
  write_file_atomically(dir + "/config.json", config.dump());
  save_model(dir + "/model.safetensors", graph, {{kMeanKey, "0.1"}, {kStdKey, "0.5"}});
  write_class_names(dir + "/classes.json", {"a", "b"});
  // A picture whose channels differ: red left, green right, a blue bar.
  Image picture = make_canvas(5, 6, 3, {200, 0, 0});
  fill_rect(picture, 3, 0, 5, 6, {0, 180, 0});
  fill_rect(picture, 0, 2, 5, 3, {0, 0, 250});
  const std::string file = tmp.path("p.png");
  write_png(file, picture);

  const auto [status, output] =
      run_command(minima::test::cli() + " predict " + dir + " " + file + " --json");
  INFO(output);
  REQUIRE(status == 0);
  const json logits = json::parse(output)["predictions"][0]["logits"];
  // The same picture as a training sample: channels first, scaled.
  const std::vector<uint8_t> planar = channels_first(load_image(file, 3));
  Tensor x(Shape{1, 3, 6, 5});
  for (size_t j = 0; j < planar.size(); ++j) x[int64_t(j)] = (planar[j] / 255.0f - kMean) / kStd;
  const Tensor& expected = graph.forward(x, Mode::Eval);
  REQUIRE(logits.size() == 2);
  CHECK(logits[0].get<float>() == doctest::Approx(expected[0]).epsilon(1e-5));
  CHECK(logits[1].get<float>() == doctest::Approx(expected[1]).epsilon(1e-5));
}
