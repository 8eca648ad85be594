#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <minima/core/atomic_file.hpp>
#include <minima/core/rng.hpp>
#include <minima/data/image_folder.hpp>
#include <minima/report/raster.hpp>
#include <minima/train/run_config.hpp>
#include <minima/train/trainer.hpp>
#include "tests/build_paths.hpp"
#include "tests/image_fixtures.hpp"
#include "tests/run_command.hpp"
#include "tests/temp_dir.hpp"

using namespace minima;
using minima::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string folder_error(const std::string& dir, const ImageFolderOptions& options = {}) {
  try {
    load_image_folder(dir, options);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void write_uniform_png_like(const std::string& path, const Image& image) {
  fs::create_directories(fs::path(path).parent_path());
  write_png(path, image);
}

void write_uniform_png(const std::string& path, int width, int height, Color color) {
  write_uniform_png_like(path, make_canvas(width, height, 3, color));
}

// A bar across a 12x12 light image at a random place: class "horizontal" or "vertical".
Image random_bar(bool horizontal, Rng& rng) {
  Image image = make_canvas(12, 12, 1, gray_level(uint8_t(200 + rng.below(50))));
  const int at = 2 + int(rng.below(7)), from = int(rng.below(3)), to = 9 + int(rng.below(4));
  if (horizontal)
    fill_rect(image, from, at, to, at + 2, gray_level(uint8_t(rng.below(60))));
  else
    fill_rect(image, at, from, at + 2, to, gray_level(uint8_t(rng.below(60))));
  return image;
}

// DIR/{train,test}/{horizontal,vertical}/<k>.png
void write_bar_folders(const std::string& dir, int train_per_class, int test_per_class) {
  Rng rng(3);
  for (const auto& [split, count] :
       {std::pair{"train", train_per_class}, std::pair{"test", test_per_class}})
    for (const char* cls : {"horizontal", "vertical"})
      for (int k = 0; k < count; ++k)
        write_uniform_png_like(dir + "/" + split + "/" + cls + "/" + std::to_string(k) + ".png",
                               random_bar(std::string(cls) == "horizontal", rng));
}

json folder_config(const std::string& data_dir, const std::string& run_dir) {
  return json::parse(R"({
    "seed": 1,
    "data": {"dataset": "folder", "dir": ")" +
                     data_dir + R"(", "size": [8, 8], "grayscale": true},
    "model": {"layers": [{"type": "dense", "units": 16, "name": "fc1"}, {"type": "batchnorm", "name": "bn1"},
                         {"type": "relu"}, {"type": "dense", "units": 2, "name": "fc2"}]},
    "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9},
    "train": {"batch_size": 8, "steps": 60, "eval_every": 60, "threads": 1},
    "output": {"dir": ")" +
                     run_dir + R"("}})");
}

std::string folder_config_error(const json& config) {
  try {
    parse_run_config(config, "folder.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE(
    "load_image_folder: sorted classes, files per class in name order, resized, gray or RGB") {
  TempDir dir("image_folder");
  const std::string root = dir.path("shapes");
  // Classes written out of order; a stray text file and a nested folder are ignored.
  write_uniform_png(root + "/zebra/b.png", 40, 30, {100, 100, 100});
  write_uniform_png(root + "/zebra/a.PNG", 12, 12, {10, 10, 10});
  write_uniform_png(root + "/ant/only.png", 5, 9, {255, 0, 0});
  test::write_bytes(root + "/ant/notes.txt", "not an image");
  fs::create_directories(root + "/ant/nested");

  ImageFolderOptions options;
  options.height = 4;
  options.width = 6;
  const Dataset gray = load_image_folder(root, options);
  CHECK(gray.class_names == std::vector<std::string>{"ant", "zebra"});
  CHECK(gray.num_classes == 2);
  CHECK(gray.count == 3);
  CHECK(gray.sample_shape == Shape{1, 4, 6});
  CHECK(gray.labels == std::vector<int32_t>{0, 1, 1});
  REQUIRE(gray.pixels.size() == 72);
  // Uniform images stay uniform when resized; red is stb_image's luma (77 * 255) >> 8.
  CHECK(gray.pixels[0] == (77 * 255) >> 8);
  CHECK(gray.pixels[23] == (77 * 255) >> 8);
  CHECK(gray.pixels[24] == 10);  // zebra/a.PNG before zebra/b.png
  CHECK(gray.pixels[71] == 100);

  options.grayscale = false;
  const Dataset rgb = load_image_folder(root, options);
  CHECK(rgb.sample_shape == Shape{3, 4, 6});
  // Channels first, like PyTorch's [C, H, W]: the red plane, then green, then blue.
  CHECK(rgb.pixels[0] == 255);
  CHECK(rgb.pixels[23] == 255);
  CHECK(rgb.pixels[24] == 0);
  CHECK(rgb.pixels[71] == 0);
}

TEST_CASE("load_image_folder_split: the test split keeps the training split's class indices") {
  TempDir dir("image_folder_split");
  const std::string root = dir.path("data");
  write_uniform_png(root + "/train/a/1.png", 3, 3, gray_level(1));
  write_uniform_png(root + "/train/b/1.png", 3, 3, gray_level(2));
  write_uniform_png(root + "/train/c/1.png", 3, 3, gray_level(3));
  write_uniform_png(root + "/test/c/1.png", 3, 3, gray_level(3));
  ImageFolderOptions options;
  options.height = options.width = 3;
  const Dataset test = load_image_folder_split(root, "test", options);
  CHECK(test.class_names == std::vector<std::string>{"a", "b", "c"});
  CHECK(test.num_classes == 3);
  CHECK(test.labels == std::vector<int32_t>{2});

  write_uniform_png(root + "/test/d/1.png", 3, 3, gray_level(4));
  CHECK_THROWS_WITH_AS(load_image_folder_split(root, "test", options),
                       (root + "/test/d: class 'd' is not one of the training classes").c_str(),
                       std::runtime_error);
}

TEST_CASE("load_image_folder names the directory or file at fault") {
  TempDir dir("image_folder_errors");
  const std::string root = dir.path("data");
  CHECK(folder_error(root) == root + ": not a directory (expected DIR/<class name>/<image files>)");
  fs::create_directories(root);
  CHECK(folder_error(root) ==
        root + ": no class folders (expected DIR/<class name>/<image files>)");
  fs::create_directories(root + "/empty");
  CHECK(folder_error(root) == root + "/empty: no .png, .jpg, .jpeg, .bmp or .gif files");
  test::write_bytes(root + "/empty/broken.jpg", "");
  CHECK(folder_error(root) == root + "/empty/broken.jpg: empty file");
}

TEST_CASE(
    "run config: data.dataset \"folder\" reads data.size and data.grayscale, and knows the input "
    "shape") {
  const RunConfig config = parse_run_config(folder_config("bars", "run"), "folder.json");
  CHECK(config.data.height == 8);
  CHECK(config.data.width == 8);
  CHECK(known_sample_shape(config.data) == Shape{1, 8, 8});
  CHECK(config.resolved()["data"]["size"] == json::array({8, 8}));
  CHECK(config.resolved()["data"]["grayscale"] == true);
  CHECK(parse_run_config(config.resolved(), "again.json").resolved() == config.resolved());

  json rgb = folder_config("bars", "run");
  rgb["data"]["grayscale"] = false;
  rgb["data"]["size"] = {4, 6};
  CHECK(known_sample_shape(parse_run_config(rgb, "rgb.json").data) == Shape{3, 4, 6});

  json bad = folder_config("bars", "run");
  bad["data"]["size"] = {0, 8};
  CHECK(folder_config_error(bad) ==
        "/data/size: expected [height, width] in pixels, each 1..4096, got [0,8]");
  json mnist = folder_config("bars", "run");
  mnist["data"]["dataset"] = "mnist";
  mnist["data"].erase("grayscale");
  CHECK(folder_config_error(mnist).rfind("/data/size: unknown key", 0) == 0);
}

TEST_CASE(
    "training on an image folder: the Trainer learns generated bars, writes classes.json, predict "
    "names them") {
  TempDir dir("folder_training");
  write_bar_folders(dir.path("bars"), 24, 8);
  const RunConfig config =
      parse_run_config(folder_config(dir.path("bars"), dir.path("run")), "folder.json");
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  Trainer trainer(config, options);
  CHECK(trainer.train_data().count == 48);
  CHECK(trainer.eval_data().count == 16);
  CHECK(trainer.eval_data().class_names == std::vector<std::string>{"horizontal", "vertical"});
  const EvalPoint last = trainer.run();
  CHECK(last.eval_acc >= 0.9);
  CHECK(json::parse(read_file(dir.path("run/classes.json"))) ==
        json::parse(R"({"classes": ["horizontal", "vertical"]})"));

  const auto [eval_status, eval_output] =
      test::run_command(minima::test::cli() + " eval " + dir.path("run"));
  INFO(eval_output);
  CHECK(eval_status == 0);
  CHECK(eval_output.find("test set   " + dir.path("bars") + " (16 samples)") != std::string::npos);
  CHECK(eval_output.find("horizontal") != std::string::npos);

  Rng rng(99);
  const std::string image = dir.path("new.png"), seen = dir.path("seen.png");
  write_png(image, random_bar(false, rng));
  const auto [status, output] = test::run_command(
      minima::test::cli() + " predict " + dir.path("run") + " " + image + " --show-input " + seen);
  INFO(output);
  CHECK(status == 0);
  CHECK(output.rfind(image + ":  vertical (", 0) == 0);
  const Image input = load_image(seen, 1);
  CHECK(input.width == 8);
  CHECK(input.height == 8);
  CHECK(input.pixels == resize_image(load_image(image, 1), 8, 8).pixels);
}
