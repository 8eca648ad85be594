// Data sets from IDX files: loading a split, validation split, standardization;
// plus integration tests on the real MNIST / Fashion-MNIST files when present.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <minima/data/dataset.hpp>
#include "tests/build_paths.hpp"
#include "tests/idx_fixtures.hpp"

using namespace minima;
using namespace minima::test;

namespace {

// Three 2x2 images whose pixels encode their index, labels 4, 0, 9.
const Bytes kPixels = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 255};
const Bytes kLabels = {4, 0, 9};

// Writes <dir>/<prefix>-images-idx3-ubyte (2x2 images) and -labels-idx1-ubyte, raw or ".gz".
void write_split(const std::string& dir, const std::string& prefix, bool gzip, const Bytes& pixels,
                 const Bytes& labels) {
  const auto write = gzip ? write_gzip : write_raw;
  const std::string suffix = gzip ? ".gz" : "";
  write(dir + "/" + prefix + "-images-idx3-ubyte" + suffix,
        idx_images(uint32_t(pixels.size() / 4), 2, 2, pixels));
  write(dir + "/" + prefix + "-labels-idx1-ubyte" + suffix, idx_labels(labels));
}

Dataset tiny_dataset(const Bytes& pixels, int64_t features) {
  Dataset data;
  data.sample_shape = Shape{features};
  data.count = int64_t(pixels.size()) / features;
  data.num_classes = 10;
  data.pixels = pixels;
  for (int64_t i = 0; i < data.count; ++i) data.labels.push_back(int32_t(i));
  return data;
}

std::vector<int64_t> label_counts(const Dataset& data) {
  std::vector<int64_t> counts(size_t(data.num_classes), 0);
  for (int32_t label : data.labels) ++counts[size_t(label)];
  return counts;
}

}  // namespace

TEST_CASE("load_idx_dataset reads the train and test splits, raw or gzip") {
  TempDir dir("dataset");
  write_split(dir.path(), "train", false, kPixels, kLabels);
  write_split(dir.path(), "t10k", true, {9, 9, 9, 9}, {5});

  const Dataset train = load_idx_dataset(dir.path(), "train");
  CHECK(train.sample_shape == Shape{1, 2, 2});
  CHECK(train.count == 3);
  CHECK(train.pixels == kPixels);
  CHECK(train.labels == std::vector<int32_t>{4, 0, 9});
  CHECK(train.num_classes == 10);
  CHECK(train.class_names ==
        std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});

  const Dataset test = load_idx_dataset(dir.path(), "test");
  CHECK(test.count == 1);
  CHECK(test.pixels == Bytes{9, 9, 9, 9});
  CHECK(test.labels == std::vector<int32_t>{5});
}

TEST_CASE("load_idx_dataset prefers the raw file when both raw and gzip exist") {
  TempDir dir("dataset");
  write_split(dir.path(), "train", false, kPixels, kLabels);
  write_split(dir.path(), "train", true, {7, 7, 7, 7}, {1});
  CHECK(load_idx_dataset(dir.path(), "train").pixels == kPixels);
}

TEST_CASE("num_classes is 1 + the largest label, at least 10") {
  TempDir dir("dataset");
  write_split(dir.path(), "train", false, kPixels, {2, 11, 0});
  const Dataset data = load_idx_dataset(dir.path(), "train");
  CHECK(data.num_classes == 12);
  REQUIRE(data.class_names.size() == 12);
  CHECK(data.class_names[11] == "11");
}

TEST_CASE("a directory named like fashion gets the Fashion-MNIST class names") {
  TempDir parent("dataset");
  const std::string dir = parent.path("Fashion-MNIST");
  std::filesystem::create_directory(dir);
  write_split(dir, "train", true, kPixels, kLabels);
  const std::vector<std::string> expected = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                             "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                             "Bag",         "Ankle boot"};
  CHECK(load_idx_dataset(dir, "train").class_names == expected);
  CHECK(load_idx_dataset(dir + "/", "train").class_names == expected);
}

TEST_CASE("load_idx_dataset errors name the files and how to get the data") {
  TempDir dir("dataset");
  SUBCASE("missing files") {
    const std::string message = error_of([&] { load_idx_dataset(dir.path(), "train"); });
    CHECK(message.starts_with(
        dir.path() + ": neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz found"));
    CHECK(message.find("scripts/fetch-data.sh mnist " + dir.path()) != std::string::npos);
  }
  SUBCASE("image and label counts disagree") {
    write_split(dir.path(), "t10k", false, kPixels, {1, 2});
    CHECK(error_of([&] { load_idx_dataset(dir.path(), "test"); }) ==
          dir.path("t10k-labels-idx1-ubyte") + ": holds 2 labels but " +
              dir.path("t10k-images-idx3-ubyte") + " holds 3 images");
  }
  SUBCASE("a malformed file") {
    write_split(dir.path(), "train", false, kPixels, kLabels);
    write_raw(dir.path("train-labels-idx1-ubyte"), idx_images(1, 2, 2, {0, 0, 0, 0}));
    CHECK(error_of([&] {
            load_idx_dataset(dir.path(), "train");
          }).starts_with(dir.path("train-labels-idx1-ubyte") + ": wrong magic 0x00000803"));
  }
  SUBCASE("an unknown split") {
    CHECK(error_of([&] { load_idx_dataset(dir.path(), "valid"); }) ==
          "data split must be \"train\" or \"test\", got \"valid\"");
  }
}

TEST_CASE("split_validation keeps the last samples for validation") {
  Dataset all = tiny_dataset({0, 1, 10, 11, 20, 21, 30, 31, 40, 41}, 2);
  all.class_names = {"a", "b"};
  auto [train, validation] = split_validation(all, 2);
  CHECK(train.count == 3);
  CHECK(train.pixels == Bytes{0, 1, 10, 11, 20, 21});
  CHECK(train.labels == std::vector<int32_t>{0, 1, 2});
  CHECK(validation.count == 2);
  CHECK(validation.pixels == Bytes{30, 31, 40, 41});
  CHECK(validation.labels == std::vector<int32_t>{3, 4});
  for (const Dataset* part : {&train, &validation}) {
    CHECK(part->sample_shape == Shape{2});
    CHECK(part->num_classes == 10);
    CHECK(part->class_names == all.class_names);
  }

  auto [everything, none] = split_validation(all, 0);
  CHECK(everything.count == 5);
  CHECK(none.count == 0);
  CHECK(none.pixels.empty());

  CHECK(error_of([&] { split_validation(all, 5); }) ==
        "validation count 5 must be at least 0 and less than the 5 samples of the data set");
  CHECK(!error_of([&] { split_validation(all, -1); }).empty());
}

TEST_CASE("standardization_of gives the mean and population std of pixel/255") {
  // pixel/255 = 0, 0.2, 0.4, 0.4: mean 0.25, var = (0.0625 + 0.0025 + 0.0225 * 2) / 4 = 0.0275
  const Normalization norm = standardization_of(tiny_dataset({0, 51, 102, 102}, 2));
  CHECK(norm.mean == doctest::Approx(0.25).epsilon(1e-6));
  CHECK(norm.std == doctest::Approx(std::sqrt(0.0275)).epsilon(1e-6));

  const Normalization half = standardization_of(tiny_dataset({0, 255, 255, 0}, 1));
  CHECK(half.mean == doctest::Approx(0.5).epsilon(1e-6));
  CHECK(half.std == doctest::Approx(0.5).epsilon(1e-6));

  CHECK(error_of([] {
          standardization_of(tiny_dataset({7, 7}, 1));
        }) == "cannot standardize: every pixel of the data set has the value 7");
}

namespace {

// The directory of a real data set: $<env> if set, else <source>/data/<name> if it exists; "" if
// neither.
std::string real_data_dir(const char* env, const std::string& fallback) {
  if (const char* dir = std::getenv(env)) return dir;
  return std::filesystem::exists(fallback) ? fallback : "";
}

}  // namespace

TEST_CASE("integration: real MNIST has the published label counts") {
  const std::string dir =
      real_data_dir("MINIMA_MNIST_DIR", minima::test::source_dir() + "/data/mnist");
  if (dir.empty()) {
    MESSAGE("skipped: no MNIST (set MINIMA_MNIST_DIR or run scripts/fetch-data.sh mnist)");
    return;
  }
  const Dataset train = load_idx_dataset(dir, "train");
  const Dataset test = load_idx_dataset(dir, "test");
  CHECK(train.count == 60000);
  CHECK(test.count == 10000);
  CHECK(train.sample_shape == Shape{1, 28, 28});
  CHECK(train.num_classes == 10);
  CHECK(label_counts(train) ==
        std::vector<int64_t>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949});
  CHECK(label_counts(test) ==
        std::vector<int64_t>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009});
  // The usual MNIST statistics: mean 0.1307, std 0.3081.
  const Normalization norm = standardization_of(train);
  CHECK(norm.mean == doctest::Approx(0.1307).epsilon(0.001));
  CHECK(norm.std == doctest::Approx(0.3081).epsilon(0.001));
}

TEST_CASE("integration: real Fashion-MNIST (gzip) has 6000/1000 samples per class") {
  const std::string dir = real_data_dir("MINIMA_FASHION_DIR", "/usr/share/datasets/fashion-mnist");
  if (dir.empty()) {
    MESSAGE(
        "skipped: no Fashion-MNIST (set MINIMA_FASHION_DIR or run scripts/fetch-data.sh fashion)");
    return;
  }
  const Dataset train = load_idx_dataset(dir, "train");
  const Dataset test = load_idx_dataset(dir, "test");
  CHECK(train.count == 60000);
  CHECK(test.count == 10000);
  CHECK(label_counts(train) == std::vector<int64_t>(10, 6000));
  CHECK(label_counts(test) == std::vector<int64_t>(10, 1000));
  CHECK(train.class_names[9] == "Ankle boot");
}
