#include <doctest/doctest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "framework/image_folder.hpp"
#include "framework/raster.hpp"
#include "tests/image_fixtures.hpp"
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

void write_uniform_png(const std::string& path, int width, int height, Color color) {
  fs::create_directories(fs::path(path).parent_path());
  write_png(path, make_canvas(width, height, 3, color));
}

}  // namespace

TEST_CASE("load_image_folder: sorted classes, files per class in name order, resized, gray or RGB") {
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
  CHECK(gray.sample_shape == Shape{24});
  CHECK(gray.labels == std::vector<int32_t>{0, 1, 1});
  REQUIRE(gray.pixels.size() == 72);
  // Uniform images stay uniform when resized; red is stb_image's luma (77 * 255) >> 8.
  CHECK(gray.pixels[0] == (77 * 255) >> 8);
  CHECK(gray.pixels[23] == (77 * 255) >> 8);
  CHECK(gray.pixels[24] == 10);   // zebra/a.PNG before zebra/b.png
  CHECK(gray.pixels[71] == 100);

  options.grayscale = false;
  const Dataset rgb = load_image_folder(root, options);
  CHECK(rgb.sample_shape == Shape{72});
  CHECK(rgb.pixels[0] == 255);
  CHECK(rgb.pixels[1] == 0);
  CHECK(rgb.pixels[2] == 0);
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
                       (root + "/test/d: class 'd' is not one of the training classes").c_str(), std::runtime_error);
}

TEST_CASE("load_image_folder names the directory or file at fault") {
  TempDir dir("image_folder_errors");
  const std::string root = dir.path("data");
  CHECK(folder_error(root) == root + ": not a directory (expected DIR/<class name>/<image files>)");
  fs::create_directories(root);
  CHECK(folder_error(root) == root + ": no class folders (expected DIR/<class name>/<image files>)");
  fs::create_directories(root + "/empty");
  CHECK(folder_error(root) == root + "/empty: no .png, .jpg, .jpeg, .bmp or .gif files");
  test::write_bytes(root + "/empty/broken.jpg", "");
  CHECK(folder_error(root) == root + "/empty/broken.jpg: empty file");
}
