// Layers made from C++ options (Dense(8, {.bias = false})) equal the same
// layers made from config keys (make_layer("dense", {...})): same config(),
// same outputs. Both constructors fill one Options struct.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include <minima/config/option_error.hpp>
#include <minima/layers/batchnorm.hpp>
#include <minima/layers/dense.hpp>
#include <minima/layers/dropout.hpp>
#include <minima/layers/relu.hpp>
#include <minima/layers/sigmoid.hpp>
#include <minima/layers/tanh.hpp>
#include <minima/nn/layer_registry.hpp>
#include "tests/support.hpp"

using namespace minima;

namespace {

// Builds both layers for [N, 6] inputs from one seed, runs the same batch
// through them in `mode` and checks their configs, types and outputs match.
void check_same(Layer& typed, Layer& from_json, Mode mode = Mode::Train) {
  CHECK(typed.type() == from_json.type());
  CHECK(typed.config() == from_json.config());
  const Shape shape{6};
  typed.build({shape});
  from_json.build({shape});
  Rng a(3), b(3);
  typed.init_params(a);
  from_json.init_params(b);
  Rng data(11);
  const Tensor x = test::random_uniform(shape.with_batch(5), data);
  const Tensor& y1 = typed.forward(x, mode);
  const Tensor& y2 = from_json.forward(x, mode);
  REQUIRE(y1.shape() == y2.shape());
  for (int64_t k = 0; k < y1.numel(); ++k) REQUIRE(y1[k] == y2[k]);
}

}  // namespace

TEST_CASE("typed dense equals the dense a config describes") {
  Dense plain(4);
  check_same(plain, *make_layer("dense", {{"units", 4}}));
  Dense tuned(3, {.bias = false, .init = "gaussian", .std = 0.5});
  check_same(
      tuned,
      *make_layer("dense", {{"units", 3}, {"bias", false}, {"init", "gaussian"}, {"std", 0.5}}));
  CHECK(tuned.config() == json{{"units", 3}, {"bias", false}, {"init", "gaussian"}, {"std", 0.5}});
}

TEST_CASE("typed batchnorm equals the batchnorm a config describes") {
  BatchNorm plain;
  check_same(plain, *make_layer("batchnorm"));
  BatchNorm tuned({.eps = 1e-3, .momentum = 0.25, .track_running_stats = false});
  check_same(
      tuned,
      *make_layer("batchnorm", {{"eps", 1e-3}, {"momentum", 0.25}, {"track_running_stats", false}}),
      Mode::Eval);
  BatchNorm cumulative({.momentum = std::nullopt});
  check_same(cumulative, *make_layer("batchnorm", {{"momentum", nullptr}}));
}

TEST_CASE("typed dropout and activations equal their config forms") {
  Dropout dropout(0.25);
  check_same(dropout, *make_layer("dropout", {{"p", 0.25}}));
  Dropout half;
  CHECK(half.p() == 0.5);
  Relu relu;
  check_same(relu, *make_layer("relu"));
  Sigmoid sigmoid;
  check_same(sigmoid, *make_layer("sigmoid"));
  Tanh tanh;
  check_same(tanh, *make_layer("tanh"));
}

TEST_CASE("typed options out of range throw OptionError naming layer and key") {
  CHECK_THROWS_WITH_AS(Dense(0), "dense: units: expected a positive integer", OptionError);
  CHECK_THROWS_WITH_AS(Dense(3, {.init = "uniform"}),
                       "dense: init: expected one of \"he\", \"xavier\", \"gaussian\", \"zeros\"",
                       OptionError);
  CHECK_THROWS_WITH_AS(BatchNorm({.momentum = 2.0}),
                       "batchnorm: momentum: expected a number in [0, 1] or null", OptionError);
  CHECK_THROWS_WITH_AS(Dropout(1.0), "dropout: p: expected a drop probability in [0, 1)",
                       OptionError);
}
