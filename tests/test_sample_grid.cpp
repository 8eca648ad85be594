#include <doctest/doctest.h>

#include <string>

#include <stb_image.h>

#include <minima/report/raster.hpp>
#include <minima/report/sample_grid.hpp>
#include <minima/train/trainer.hpp>
#include "tests/build_paths.hpp"
#include "tests/run_command.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::test;

namespace {

// 2x2 gray samples; class = which half is bright (0 left, 1 right) for a
// linear model with W = [[1, 0, 1, 0], [0, 1, 0, 1]].
Dataset halves() {
  Dataset data;
  data.sample_shape = Shape{4};
  data.num_classes = 2;
  data.class_names = {"left", "right"};
  // Samples 1 and 3 are labelled against their brightness.
  data.pixels = {200, 10,  200,     10,  /**/ 200, 10,  200,     10, /**/ 10, 200,
                 10,  200, /**/ 10, 200, 10,       200, /**/ 77, 0,  77,      0};
  data.labels = {0, 1, 1, 0, 0};
  data.count = 5;
  return data;
}

Graph halves_model() {
  Graph g = Graph::from_json(json::parse(R"([{"type": "dense", "units": 2, "bias": false}])"),
                             "/model/layers");
  g.build(Shape{4}, 1);
  Tensor& w = g.layer(0).params()[0]->value;
  for (int64_t j = 0; j < 4; ++j) {
    w.at(0, j) = j % 2 == 0 ? 1.0f : 0.0f;
    w.at(1, j) = j % 2 == 1 ? 1.0f : 0.0f;
  }
  return g;
}

int count_color(const Image& image, Color color) {
  int n = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      n += image.at(x, y, 0) == color[0] && image.at(x, y, 1) == color[1] &&
           image.at(x, y, 2) == color[2];
  return n;
}

}  // namespace

TEST_CASE(
    "find_misclassified lists the wrong samples in data order, up to a limit, and counts them "
    "all") {
  const Dataset data = halves();
  Graph model = halves_model();
  int64_t wrong = 0;
  const auto all = find_misclassified(model, data, Normalization{}, 10, wrong);
  CHECK(wrong == 2);
  REQUIRE(all.size() == 2);
  CHECK(all[0].index == 1);
  CHECK(all[0].label == 1);
  CHECK(all[0].predicted == 0);
  CHECK(all[1].index == 3);
  CHECK(all[1].label == 0);
  CHECK(all[1].predicted == 1);
  const auto first = find_misclassified(model, data, Normalization{}, 1, wrong);
  CHECK(wrong == 2);
  REQUIRE(first.size() == 1);
  CHECK(first[0].index == 1);
}

TEST_CASE("draw_misclassified_grid draws each sample zoomed 3x with red predicted-class captions") {
  const Dataset data = halves();
  const Image grid = draw_misclassified_grid(data, sample_geometry(DataConfig{}, 4),
                                             {{4, 1, 0}, {1, 1, 0}}, "title");
  CHECK(grid.channels == 3);
  // Sample 4 has two pixels of value 77, each drawn as a 3x3 square.
  CHECK(count_color(grid, gray_level(77)) == 2 * 9);
  CHECK(count_color(grid, {200, 0, 0}) > 20);
  // Both tiles side by side: the grid is wider than tall.
  CHECK(grid.width > grid.height);
}

TEST_CASE(
    "sample_geometry: folder data keeps its size and channels, other data must be square gray") {
  DataConfig folder;
  folder.dataset = "folder";
  folder.height = 5;
  folder.width = 7;
  folder.grayscale = false;
  const SampleGeometry g = sample_geometry(folder, 105);
  CHECK(g.height == 5);
  CHECK(g.width == 7);
  CHECK(g.channels == 3);
  CHECK(sample_geometry(DataConfig{}, 784).width == 28);
  CHECK_THROWS_WITH(
      sample_geometry(DataConfig{}, 10),
      "cannot draw samples of 10 features as images (not a square number of gray pixels)");
}

TEST_CASE("minima eval --samples writes the grid of the test samples the model got wrong") {
  TempDir tmp("eval_samples");
  write_blobs(tmp.path());
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  const RunConfig config =
      blob_config(tmp.path(), tmp.path("run"), json::parse(R"({"train": {"steps": 5}})"));
  const EvalPoint last = Trainer(config, options).run();
  const int64_t wrong = 64 - std::llround(last.eval_acc * 64);
  REQUIRE(wrong > 0);

  const std::string grid = tmp.path("grid.png");
  const auto [status, output] =
      run_command(minima::test::cli() + " eval " + tmp.path("run") + " --samples " + grid);
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("wrote " + grid + ": " + std::to_string(wrong) +
                    " of 64 test samples misclassified\n") != std::string::npos);
  int width = 0, height = 0, channels = 0;
  REQUIRE(stbi_info(grid.c_str(), &width, &height, &channels));
  CHECK(channels == 3);
  CHECK(height > 40);
}
