// Batcher: every sample once per epoch, seeded and resumable order, scaling,
// drop_last and argument checks.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include <minima/core/rng.hpp>
#include <minima/data/batcher.hpp>
#include "tests/idx_fixtures.hpp"

using namespace minima;
using namespace minima::test;

namespace {

// n samples of 2 features; sample i has pixels {i, 255 - i} and label i.
Dataset indexed_dataset(int64_t n) {
  Dataset data;
  data.sample_shape = Shape{2};
  data.count = n;
  data.num_classes = int(n);
  for (int64_t i = 0; i < n; ++i) {
    data.pixels.push_back(uint8_t(i));
    data.pixels.push_back(uint8_t(255 - i));
    data.labels.push_back(int32_t(i));
  }
  return data;
}

// The labels (= sample indices) of the rest of the current epoch, batch sizes in `sizes`.
std::vector<int32_t> rest_of_epoch(Batcher& batcher, std::vector<int64_t>* sizes = nullptr) {
  std::vector<int32_t> served;
  Batch batch;
  while (batcher.next(batch)) {
    served.insert(served.end(), batch.labels.begin(), batch.labels.end());
    if (sizes) sizes->push_back(batch.size());
  }
  return served;
}

std::vector<int32_t> identity(int n) {
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  return order;
}

}  // namespace

TEST_CASE("every sample is served once per epoch, the last batch partial") {
  const Dataset data = indexed_dataset(10);
  Batcher batcher(data, 3, {}, true, 42, false);
  CHECK(batcher.batches_per_epoch() == 4);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    CHECK(batcher.epoch() == epoch);
    std::vector<int64_t> sizes;
    std::vector<int32_t> served = rest_of_epoch(batcher, &sizes);
    CHECK(sizes == std::vector<int64_t>{3, 3, 3, 1});
    CHECK(served != identity(10));  // shuffled
    std::sort(served.begin(), served.end());
    CHECK(served == identity(10));
  }
  CHECK(batcher.epoch() == 3);
  CHECK(batcher.position() == 0);
}

TEST_CASE("without shuffle every epoch is in file order") {
  const Dataset data = indexed_dataset(7);
  Batcher batcher(data, 4, {}, false, 42, false);
  CHECK(rest_of_epoch(batcher) == identity(7));
  CHECK(rest_of_epoch(batcher) == identity(7));
}

TEST_CASE("the shuffled order follows the documented keyed Fisher-Yates") {
  const Dataset data = indexed_dataset(50);
  Batcher same(data, 8, {}, true, 7, false), other_seed(data, 8, {}, true, 8, false);
  Batcher batcher(data, 8, {}, true, 7, false);
  const std::vector<int32_t> epoch0 = rest_of_epoch(batcher), epoch1 = rest_of_epoch(batcher);
  CHECK(epoch0 != epoch1);
  CHECK(rest_of_epoch(same) == epoch0);
  CHECK(rest_of_epoch(other_seed) != epoch0);

  std::vector<int32_t> expected = identity(50);  // epoch 1 drawn by hand from the contract
  Rng rng = Rng::keyed(7, "epoch 1");
  for (int64_t i = 49; i > 0; --i)
    std::swap(expected[size_t(i)], expected[size_t(rng.below(uint64_t(i) + 1))]);
  CHECK(epoch1 == expected);
}

TEST_CASE("seek re-enters any epoch and position exactly") {
  const Dataset data = indexed_dataset(23);
  Batcher reference(data, 5, {}, true, 3, false);
  std::vector<int32_t> epochs[3];
  for (auto& epoch : epochs) epoch = rest_of_epoch(reference);

  Batcher resumed(data, 5, {}, true, 3, false);
  resumed.seek(1, 7);  // mid-epoch, not on a batch boundary
  CHECK(resumed.epoch() == 1);
  CHECK(resumed.position() == 7);
  CHECK(rest_of_epoch(resumed) == std::vector<int32_t>(epochs[1].begin() + 7, epochs[1].end()));
  CHECK(rest_of_epoch(resumed) == epochs[2]);

  resumed.seek(0, 23);  // end of epoch 0: the next call closes it
  Batch batch;
  CHECK_FALSE(resumed.next(batch));
  CHECK(resumed.epoch() == 1);
  CHECK(rest_of_epoch(resumed) == epochs[1]);

  resumed.seek(0, 0);
  CHECK(rest_of_epoch(resumed) == epochs[0]);

  CHECK(!error_of([&] { resumed.seek(0, 24); }).empty());
  CHECK(!error_of([&] { resumed.seek(-1, 0); }).empty());
}

TEST_CASE("pixels are scaled as (pixel/255 - mean) / std") {
  const Dataset data = indexed_dataset(2);  // pixels {0, 255}, {1, 254}
  Batch batch;
  Batcher plain(data, 2, {0.0f, 1.0f}, false, 0, false);
  REQUIRE(plain.next(batch));
  CHECK(batch.x.shape() == Shape{2, 2});
  CHECK(batch.x.at(0, 0) == 0.0f);
  CHECK(batch.x.at(0, 1) == 1.0f);
  CHECK(batch.x.at(1, 0) == doctest::Approx(1.0 / 255).epsilon(1e-6));
  CHECK(batch.x.at(1, 1) == doctest::Approx(254.0 / 255).epsilon(1e-6));
  CHECK(batch.labels == std::vector<int32_t>{0, 1});

  Batcher standardized(data, 2, {0.5f, 0.25f}, false, 0, false);
  REQUIRE(standardized.next(batch));
  CHECK(batch.x.at(0, 0) == doctest::Approx(-2.0).epsilon(1e-6));
  CHECK(batch.x.at(0, 1) == doctest::Approx(2.0).epsilon(1e-6));
  CHECK(batch.x.at(1, 0) == doctest::Approx((1.0 / 255 - 0.5) / 0.25).epsilon(1e-6));
}

TEST_CASE(
    "normalize_pixels: every pixel value, at every position of a vector, as the scalar formula") {
  // 256 values shifted by 0..8 positions, so each value meets every lane of
  // an 8-float vector and the scalar tail; a length that is no multiple of 8.
  const minima::Normalization norm{0.1307f, 0.3081f};
  for (int64_t shift = 0; shift <= 8; ++shift) {
    std::vector<uint8_t> pixels(size_t(256 + shift + 3));
    for (size_t j = 0; j < pixels.size(); ++j) pixels[j] = uint8_t(j - size_t(shift));
    std::vector<float> out(pixels.size());
    minima::normalize_pixels(pixels.data(), int64_t(pixels.size()), norm, out.data());
    for (size_t j = 0; j < pixels.size(); ++j) {
      const volatile float scaled =
          float(pixels[j]) / 255.0f;  // no vector code for the expectation
      CHECK(out[j] == (scaled - norm.mean) / norm.std);
    }
  }
}

TEST_CASE("drop_last serves only whole batches") {
  const Dataset data = indexed_dataset(10);
  Batcher batcher(data, 3, {}, true, 5, true);
  CHECK(batcher.batches_per_epoch() == 3);
  for (int epoch = 0; epoch < 2; ++epoch) {
    std::vector<int64_t> sizes;
    std::vector<int32_t> served = rest_of_epoch(batcher, &sizes);
    CHECK(sizes == std::vector<int64_t>{3, 3, 3});
    std::sort(served.begin(), served.end());
    CHECK(std::unique(served.begin(), served.end()) == served.end());
  }
  CHECK(Batcher(data, 10, {}, false, 0, true).batches_per_epoch() == 1);
  CHECK(Batcher(data, 4, {}, false, 0, false).batches_per_epoch() == 3);
}

TEST_CASE("the batch shrinks for a partial batch and grows back") {
  const Dataset data = indexed_dataset(5);
  Batcher batcher(data, 3, {}, false, 0, false);
  Batch batch;
  REQUIRE(batcher.next(batch));
  REQUIRE(batcher.next(batch));
  CHECK(batch.x.shape() == Shape{2, 2});
  CHECK(batch.labels == std::vector<int32_t>{3, 4});
  CHECK_FALSE(batcher.next(batch));
  REQUIRE(batcher.next(batch));
  CHECK(batch.x.shape() == Shape{3, 2});
  CHECK(batch.x.at(2, 0) == doctest::Approx(2.0 / 255).epsilon(1e-6));
}

TEST_CASE("Batcher refuses impossible settings") {
  const Dataset data = indexed_dataset(10);
  CHECK(error_of([&] { Batcher(data, 0, {}, true, 0, false); }) ==
        "batch size must be at least 1, got 0");
  CHECK(error_of([&] { Batcher(data, 11, {}, true, 0, true); }) ==
        "batch size 11 with drop_last exceeds the 10 samples of the data set: no batch would be "
        "served");
  CHECK(error_of([&] { Batcher(data, 11, {}, true, 0, false); }).empty());
  CHECK(error_of([&] {
          Batcher(data, 2, {0.0f, 0.0f}, true, 0, false);
        }).starts_with("normalization needs a finite mean and a positive std"));
  CHECK(error_of([&] { Batcher(Dataset{}, 2, {}, true, 0, false); }) ==
        "cannot serve batches of an empty data set");
}
