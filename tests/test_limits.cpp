// Sizes claimed by a file or a config are checked before anything that
// size is allocated: tensors (and so layer widths) have a cap, shapes whose
// element count overflows are refused, and a model's parameters must fit
// the cap together, checked layer by layer.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include <minima/core/tensor.hpp>
#include <minima/nn/graph.hpp>

using namespace minima;

namespace {

// Sets the tensor limit for one test and restores it at scope exit.
struct TensorLimit {
  int64_t previous = max_tensor_bytes();
  explicit TensorLimit(int64_t bytes) { set_max_tensor_bytes(bytes); }
  ~TensorLimit() { set_max_tensor_bytes(previous); }
};

Graph mlp(const std::string& hidden_units) {
  return Graph::from_json(
      json::parse(R"([{"type": "dense", "name": "fc1", "units": )" + hidden_units + R"(},
                                          {"type": "dense", "name": "fc2", "units": )" +
                  hidden_units + R"(},
                                          {"type": "dense", "name": "out", "units": 10}])"),
      "/model/layers");
}

}  // namespace

TEST_CASE("limits: the default tensor limit is 4 GiB") {
  CHECK(max_tensor_bytes() == int64_t(4) << 30);
}

TEST_CASE(
    "limits: a tensor over the limit is refused before allocating, naming its shape and size") {
  CHECK_THROWS_WITH_AS(
      Tensor(Shape{2000000000, 784}),
      "a tensor of shape [2000000000, 784] needs 5.7 TB, more than the limit of 4.0 GB per tensor",
      std::runtime_error);
  const TensorLimit limit(4096);
  CHECK(Tensor(Shape{32, 32}).numel() == 1024);  // exactly 4096 bytes
  CHECK_THROWS_WITH(
      Tensor(Shape{1025}),
      "a tensor of shape [1025] needs 4.0 KB, more than the limit of 4.0 KB per tensor");
  Tensor grows(Shape{10});
  CHECK_THROWS_WITH(
      grows.resize(Shape{2, 1000}),
      "a tensor of shape [2, 1000] needs 7.8 KB, more than the limit of 4.0 KB per tensor");
  CHECK(grows.shape() == Shape{10});
}

TEST_CASE("limits: a shape whose element count overflows int64 is refused") {
  const Shape huge{int64_t(1) << 62, 784};
  CHECK_THROWS_WITH_AS(
      huge.numel(),
      "shape [4611686018427387904, 784] has more elements than a 64-bit integer can count",
      std::overflow_error);
  CHECK(Shape{int64_t(1) << 31, int64_t(1) << 31}.numel() == int64_t(1) << 62);
}

TEST_CASE("limits: a layer too wide for the limit names its JSON pointer") {
  Graph wide = mlp("2000000000");
  CHECK_THROWS_WITH_AS(wide.build(Shape{784}, 1),
                       "/model/layers/0: a tensor of shape [2000000000, 784] needs 5.7 TB, more "
                       "than the limit of 4.0 GB "
                       "per tensor",
                       ConfigError);
  Graph overflowing = mlp("4611686018427387904");
  CHECK_THROWS_WITH_AS(overflowing.build(Shape{784}, 1),
                       "/model/layers/0: shape [4611686018427387904, 784] has more elements than a "
                       "64-bit integer can count",
                       ConfigError);
}

TEST_CASE(
    "limits: a model whose layers each fit but together do not is refused at the layer that "
    "crosses the limit") {
  const TensorLimit limit(int64_t(1) << 20);  // 262144 floats
  // fc1: 100*200 + 200 = 20200; fc2: 200*200 + 200 = 40200 (60400 so far); out: 2010.
  Graph fits = mlp("200");
  fits.build(Shape{100}, 1);
  CHECK(fits.num_params() == 62410);
  // fc1: 100*500 + 500 = 50500; fc2: 500*500 + 500 = 250500 (301000 > 262144).
  Graph crosses = mlp("500");
  CHECK_THROWS_WITH_AS(crosses.build(Shape{100}, 1),
                       "/model/layers/1: the parameters up to this layer (301000) need 1.1 MB in "
                       "one arena, more than the "
                       "limit of 1.0 MB per tensor",
                       ConfigError);
}
