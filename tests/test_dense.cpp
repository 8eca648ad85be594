// Dense against PyTorch's Linear (tests/data/pytorch_reference.json
// "linear"): y = x W^T + b, dx = dy W, dW = dy^T x, db = sum dy, with
// PyTorch's weight layout [out, in].
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <minima/layers/dense.hpp>
#include "tests/support.hpp"

using minima::json;
using minima::Mode;
using minima::Shape;
using minima::Tensor;
using minima::test::check_close;
using minima::test::copy_into;
using minima::test::to_tensor;

namespace {

// Float32 GEMMs over 9 inputs / 5 rows of O(1) numbers: within ~1e-6 of
// the float64 reference; a transposed or misindexed weight is off by O(1).
constexpr double kDenseRtol = 1e-5, kDenseAtol = 1e-5;

}  // namespace

TEST_CASE("dense matches PyTorch Linear: forward, dx, dweight, dbias") {
  const json& ref = minima::test::reference()["linear"];
  const Tensor x = to_tensor(ref["x"]), w = to_tensor(ref["weight"]), b = to_tensor(ref["bias"]);
  const int64_t in = x.dim(1), out = w.dim(0);
  auto layer = minima::test::make_layer(json{{"type", "dense"}, {"units", out}}, Shape{in});
  auto& dense = dynamic_cast<minima::Dense&>(*layer);
  REQUIRE(dense.weight().value.shape() == w.shape());  // [out, in], as PyTorch
  copy_into(dense.weight().value, w);
  copy_into(dense.bias().value, b);

  check_close(layer->forward(x, Mode::Train), to_tensor(ref["y"]), kDenseRtol, kDenseAtol, "y");
  layer->zero_grad();
  layer->backward(to_tensor(ref["dy"]));
  check_close(layer->input_grad(), to_tensor(ref["dx"]), kDenseRtol, kDenseAtol, "dx");
  check_close(dense.weight().grad, to_tensor(ref["dweight"]), kDenseRtol, kDenseAtol, "dweight");
  check_close(dense.bias().grad, to_tensor(ref["dbias"]), kDenseRtol, kDenseAtol, "dbias");

  // Parameter gradients accumulate; the input gradient is overwritten.
  layer->backward(to_tensor(ref["dy"]));
  Tensor twice = to_tensor(ref["dweight"]);
  for (int64_t k = 0; k < twice.numel(); ++k) twice[k] *= 2.0f;
  check_close(dense.weight().grad, twice, kDenseRtol, kDenseAtol, "dweight after two backwards");
  check_close(layer->input_grad(), to_tensor(ref["dx"]), kDenseRtol, kDenseAtol,
              "dx after two backwards");
}

TEST_CASE("dense without bias, and on a [N, 2, 3] input (flattened per sample)") {
  minima::Rng rng(12);
  auto layer =
      minima::test::make_layer(json{{"type", "dense"}, {"units", 2}, {"bias", false}}, Shape{2, 3});
  CHECK(layer->params().size() == 1);
  CHECK(layer->output_shape() == Shape{2});
  const Tensor& w = layer->params()[0]->value;
  CHECK(w.shape() == Shape{2, 6});
  const Tensor x = minima::test::random_normal(Shape{4, 2, 3}, rng);
  const Tensor& y = layer->forward(x, Mode::Eval);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 2; ++j) {
      double sum = 0.0;
      for (int64_t k = 0; k < 6; ++k) sum += double(x[i * 6 + k]) * w.at(j, k);
      CHECK(y.at(i, j) == doctest::Approx(sum).epsilon(1e-5));
    }
}

TEST_CASE("dense initialisations have the documented scale") {
  // 256 x 400 weights: the sample std is within ~1% of the target.
  for (const char* init : {"he", "xavier", "gaussian"}) {
    CAPTURE(init);
    auto layer = minima::test::make_layer(
        json{{"type", "dense"}, {"units", 256}, {"init", init}, {"std", 0.05}}, Shape{400});
    const Tensor& w = layer->params()[0]->value;
    double sum = 0.0, sq = 0.0, max_abs = 0.0;
    for (int64_t k = 0; k < w.numel(); ++k) {
      sum += w[k];
      sq += double(w[k]) * w[k];
      max_abs = std::max(max_abs, std::fabs(double(w[k])));
    }
    const double mean = sum / double(w.numel()),
                 std = std::sqrt(sq / double(w.numel()) - mean * mean);
    const std::string name = init;
    const double target = name == "he" ? std::sqrt(2.0 / 400)  // Kaiming normal
                          : name == "xavier"
                              ? std::sqrt(6.0 / 656) / std::sqrt(3.0)  // U(-a, a) has std a/sqrt(3)
                              : 0.05;
    CHECK(std == doctest::Approx(target).epsilon(0.02));
    CHECK(std::fabs(mean) < 0.02 * target);
    if (name == "xavier") CHECK(max_abs <= std::sqrt(6.0 / 656));
    const Tensor& bias = layer->params()[1]->value;
    for (int64_t k = 0; k < bias.numel(); ++k) REQUIRE(bias[k] == 0.0f);
  }
  auto zeros =
      minima::test::make_layer(json{{"type", "dense"}, {"units", 3}, {"init", "zeros"}}, Shape{2});
  for (int64_t k = 0; k < 6; ++k) CHECK(zeros->params()[0]->value[k] == 0.0f);
}
