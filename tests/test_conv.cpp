// conv2d, maxpool2d, avgpool2d and flatten against PyTorch
// (tests/data/pytorch_reference.json "conv2d", "maxpool2d", "avgpool2d",
// written by scripts/pytorch_reference.py): forward, input gradient and
// parameter gradients, with stride and padding; plus their shapes, keys
// and errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <minima/config/option_error.hpp>
#include <minima/layers/avgpool2d.hpp>
#include <minima/layers/conv2d.hpp>
#include <minima/layers/flatten.hpp>
#include <minima/layers/maxpool2d.hpp>
#include <minima/layers/window2d.hpp>
#include "tests/support.hpp"

using minima::json;
using minima::Mode;
using minima::Shape;
using minima::Tensor;
using minima::test::check_close;
using minima::test::copy_into;
using minima::test::to_tensor;

namespace {

// The reference is float64 PyTorch on float32-exact inputs; minima's sums
// run in float32 (at most 5 x 5 x 4 = 100 terms of O(1) numbers per
// output): the BN tests' tolerances, rtol 1e-4 / atol 1e-5.
constexpr double kConvRtol = 1e-4, kConvAtol = 1e-5;

}  // namespace

TEST_CASE("conv2d matches PyTorch Conv2d: y, dx, dweight, dbias, with stride and padding") {
  for (const json& c : minima::test::reference()["conv2d"]) {
    const std::string name = c["name"];
    CAPTURE(name);
    const Tensor x = to_tensor(c["x"]), w = to_tensor(c["weight"]);
    const bool bias = !c["bias"].is_null();
    const json spec = {{"type", "conv2d"},        {"out_channels", c["out_channels"]},
                       {"kernel", c["kernel"]},   {"stride", c["stride"]},
                       {"padding", c["padding"]}, {"bias", bias}};
    auto layer = minima::test::make_layer(spec, x.shape().tail());
    auto& conv = dynamic_cast<minima::Conv2d&>(*layer);
    REQUIRE(conv.weight().value.shape() == w.shape());  // [out, in, kh, kw], as PyTorch
    copy_into(conv.weight().value, w);
    if (bias) copy_into(conv.bias().value, to_tensor(c["bias"]));
    const Tensor expected_y = to_tensor(c["y"]);
    REQUIRE(layer->output_shape() == expected_y.shape().tail());
    check_close(layer->forward(x, Mode::Train), expected_y, kConvRtol, kConvAtol, name + " y");
    layer->zero_grad();
    layer->backward(to_tensor(c["dy"]));
    check_close(layer->input_grad(), to_tensor(c["dx"]), kConvRtol, kConvAtol, name + " dx");
    check_close(conv.weight().grad, to_tensor(c["dweight"]), kConvRtol, kConvAtol,
                name + " dweight");
    if (bias)
      check_close(conv.bias().grad, to_tensor(c["dbias"]), kConvRtol, kConvAtol, name + " dbias");
  }
}

TEST_CASE("conv2d keeps PyTorch's values after forwards on other batch sizes (padding's zeros)") {
  // im2col never writes the padding's columns (zeros from build): larger
  // and smaller batches of other inputs in between must not leave values there.
  minima::Rng rng(5);
  for (const json& c : minima::test::reference()["conv2d"]) {
    if (c["padding"] == 0) continue;
    const std::string name = c["name"];
    CAPTURE(name);
    const Tensor x = to_tensor(c["x"]);
    const json spec = {{"type", "conv2d"},        {"out_channels", c["out_channels"]},
                       {"kernel", c["kernel"]},   {"stride", c["stride"]},
                       {"padding", c["padding"]}, {"bias", !c["bias"].is_null()}};
    auto layer = minima::test::make_layer(spec, x.shape().tail());
    auto& conv = dynamic_cast<minima::Conv2d&>(*layer);
    copy_into(conv.weight().value, to_tensor(c["weight"]));
    if (!c["bias"].is_null()) copy_into(conv.bias().value, to_tensor(c["bias"]));
    for (const int64_t batch : {x.dim(0) + 2, int64_t(1), x.dim(0)}) {
      Shape shape = x.shape();
      shape[0] = batch;
      layer->forward(minima::test::random_uniform(shape, rng, 5.0f, 9.0f), Mode::Train);
      check_close(layer->forward(x, Mode::Train), to_tensor(c["y"]), kConvRtol, kConvAtol,
                  name + " y");
    }
  }
}

TEST_CASE("conv2d on a batch of several chunks equals the samples one by one") {
  // 4 channels of 32 x 32, 5 x 5 filters: the patch matrix of a sample is
  // 100 x 1024 floats, so the layer takes 2 samples per chunk; a batch of 5
  // runs as chunks of 2, 2 and 1.
  minima::Rng rng(11);
  const json spec = {
      {"type", "conv2d"}, {"out_channels", 3}, {"kernel", 5}, {"padding", 2}, {"bias", true}};
  const Shape sample{4, 32, 32};
  auto batch_layer = minima::test::make_layer(spec, sample);
  auto one_layer = minima::test::make_layer(spec, sample);
  auto& conv = dynamic_cast<minima::Conv2d&>(*batch_layer);
  auto& one = dynamic_cast<minima::Conv2d&>(*one_layer);
  copy_into(conv.weight().value, minima::test::random_uniform(conv.weight().value.shape(), rng));
  copy_into(conv.bias().value, minima::test::random_uniform(conv.bias().value.shape(), rng));
  copy_into(one.weight().value, conv.weight().value);
  copy_into(one.bias().value, conv.bias().value);
  const int64_t n = 5;
  const Tensor x = minima::test::random_uniform(Shape{n, 4, 32, 32}, rng);
  const Tensor y = batch_layer->forward(x, Mode::Train);
  const Tensor dy = minima::test::random_uniform(y.shape(), rng);
  batch_layer->zero_grad();
  batch_layer->backward(dy);
  one_layer->zero_grad();
  const int64_t in = sample.numel(), out = y.numel() / n;
  for (int64_t i = 0; i < n; ++i) {
    CAPTURE(i);
    Tensor xi(Shape{1, 4, 32, 32}), dyi(Shape{1, 3, 32, 32});
    std::copy_n(x.data() + i * in, in, xi.data());
    std::copy_n(dy.data() + i * out, out, dyi.data());
    const Tensor& yi = one_layer->forward(xi, Mode::Train);
    for (int64_t j = 0; j < out; ++j)
      REQUIRE(yi[j] == doctest::Approx(y[i * out + j]).epsilon(1e-5));
    one_layer->backward(dyi);  // parameter gradients add up over the samples
    const Tensor& dxi = one_layer->input_grad();
    for (int64_t j = 0; j < in; ++j)
      REQUIRE(dxi[j] == doctest::Approx(batch_layer->input_grad()[i * in + j]).epsilon(1e-5));
  }
  check_close(one.weight().grad, conv.weight().grad, 1e-4, 1e-4, "dweight");
  check_close(one.bias().grad, conv.bias().grad, 1e-4, 1e-4, "dbias");
}

TEST_CASE("maxpool2d and avgpool2d match PyTorch: y and dx, with stride and padding") {
  for (const char* type : {"maxpool2d", "avgpool2d"})
    for (const json& c : minima::test::reference()[type]) {
      const std::string name = std::string(type) + " " + c["name"].get<std::string>();
      CAPTURE(name);
      const Tensor x = to_tensor(c["x"]);
      auto layer = minima::test::make_layer(json{{"type", type},
                                                 {"kernel", c["kernel"]},
                                                 {"stride", c["stride"]},
                                                 {"padding", c["padding"]}},
                                            x.shape().tail());
      check_close(layer->forward(x, Mode::Train), to_tensor(c["y"]), kConvRtol, kConvAtol,
                  name + " y");
      layer->backward(to_tensor(c["dy"]));
      check_close(layer->input_grad(), to_tensor(c["dx"]), kConvRtol, kConvAtol, name + " dx");
    }
}

TEST_CASE("conv2d and the poolings: output shapes, PyTorch's state names, config keys") {
  minima::Conv2d conv(6, 5, {.padding = 2, .bias = false});
  conv.set_name("conv1");
  CHECK(conv.build({Shape{1, 28, 28}}) == Shape{6, 28, 28});
  REQUIRE(conv.params().size() == 1);
  CHECK(conv.params()[0]->name == "weight");
  CHECK(conv.params()[0]->shape == Shape{6, 1, 5, 5});
  CHECK(conv.config() == json{{"out_channels", 6},
                              {"kernel", 5},
                              {"stride", 1},
                              {"padding", 2},
                              {"bias", false},
                              {"init", "he"}});
  minima::Conv2d strided(16, 3, {.stride = 2, .padding = 1});
  CHECK(strided.build({Shape{6, 14, 13}}) == Shape{16, 7, 7});  // floor((13 + 2 - 3) / 2) + 1
  CHECK(strided.params()[1]->shape == Shape{16});
  minima::MaxPool2d pool(2);
  CHECK(pool.build({Shape{16, 10, 10}}) == Shape{16, 5, 5});
  CHECK(pool.config() == json{{"kernel", 2}, {"stride", 2}, {"padding", 0}});  // stride = kernel
  minima::AvgPool2d overlapping(3, {.stride = 1, .padding = 1});
  CHECK(overlapping.build({Shape{2, 4, 4}}) == Shape{2, 4, 4});
  minima::Flatten flatten;
  CHECK(flatten.build({Shape{16, 5, 5}}) == Shape{400});
}

TEST_CASE("conv2d and the poolings refuse bad options and inputs that are not images") {
  CHECK_THROWS_AS(minima::Conv2d(0, 3), minima::OptionError);
  CHECK_THROWS_AS(minima::Conv2d(4, 0), minima::OptionError);
  CHECK_THROWS_AS(minima::Conv2d(4, 3, {.stride = 0}), minima::OptionError);
  CHECK_THROWS_AS(minima::Conv2d(4, 3, {.padding = -1}), minima::OptionError);
  CHECK_THROWS_AS(minima::Conv2d(4, 3, {.init = "orthogonal"}), minima::OptionError);
  CHECK_THROWS_AS(minima::MaxPool2d(2, {.padding = 2}), minima::OptionError);  // PyTorch: <= k/2
  minima::Conv2d conv(4, 3);
  CHECK_THROWS_WITH_AS(conv.build({Shape{784}}),
                       doctest::Contains("its input must be [N, C, H, W], got per-sample shape"),
                       std::invalid_argument);
  minima::AvgPool2d pool(5);
  CHECK_THROWS_WITH_AS(pool.build({Shape{1, 4, 4}}), doctest::Contains("does not fit"),
                       std::invalid_argument);
}

TEST_CASE("maxpool2d passes each gradient to the first of equal maxima, never to padding") {
  // All inputs equal and negative: PyTorch's max ignores the padding
  // (-inf, not 0) and picks the first of equal values.
  minima::MaxPool2d pool(2, {.stride = 2, .padding = 1});
  pool.set_name("pool");
  pool.build({Shape{1, 3, 3}});
  Tensor x(Shape{1, 1, 3, 3});
  x.fill(-1.0f);
  const Tensor& y = pool.forward(x, Mode::Train);
  REQUIRE(y.shape() == Shape{1, 1, 2, 2});
  for (int64_t k = 0; k < 4; ++k) CHECK(y[k] == -1.0f);
  Tensor dy(y.shape());
  dy.fill(1.0f);
  pool.backward(dy);
  // Windows: {(0,0)}, {(0,1),(0,2)}, {(1,0),(2,0)}, {(1,1),(1,2),(2,1),(2,2)}.
  const float expected[9] = {1, 1, 0, 1, 1, 0, 0, 0, 0};
  for (int64_t k = 0; k < 9; ++k) CHECK(pool.input_grad()[k] == expected[k]);
}

TEST_CASE("Window2d::inside: the output positions whose window element lands in the input") {
  // Against the offsets table (the rows of one column of windows), for
  // strides, paddings and inputs where the padding covers whole windows.
  for (const minima::Window2d window :
       {minima::Window2d{3, 1, 0}, minima::Window2d{3, 1, 1}, minima::Window2d{5, 2, 2},
        minima::Window2d{2, 3, 1}, minima::Window2d{4, 1, 3}}) {
    for (const int64_t in : {1, 2, 5, 7}) {
      if (in + 2 * window.padding < window.kernel) continue;
      // Rows of an in x kernel image; in output column 0, window column
      // `padding` is input column 0, inside.
      const int64_t out = window.out(in), kernel = window.kernel, out_w = window.out(kernel);
      const std::vector<int32_t> offsets = window.offsets(in, kernel);
      for (int64_t element = 0; element < kernel; ++element) {
        INFO("kernel ", window.kernel, " stride ", window.stride, " padding ", window.padding,
             " in ", in, " element ", element);
        const minima::Window2d::Span span = window.inside(in, element);
        for (int64_t o = 0; o < out; ++o) {
          const int64_t q = element * kernel + window.padding;
          const bool inside = offsets[size_t(o * out_w * kernel * kernel + q)] >= 0;
          CHECK(inside == (o >= span.begin && o < span.end));
        }
      }
    }
  }
}

TEST_CASE("Window2d::gather: each window element's runs read the pixels of the offsets table") {
  // A plane whose pixels hold their own index: gathering element q writes,
  // at each output position p, offsets[p, q]; positions in the padding keep -1.
  // Planes 8 to 19 wide give stride-1 runs of 8 floats and more (copied in
  // blocks of 8, the last one overlapping).
  for (const minima::Window2d window :
       {minima::Window2d{3, 1, 0}, minima::Window2d{3, 1, 1}, minima::Window2d{5, 2, 2},
        minima::Window2d{2, 3, 1}, minima::Window2d{4, 1, 3}, minima::Window2d{2, 2, 0}}) {
    for (const auto& [h, w] :
         {std::pair<int64_t, int64_t>{5, 7}, {7, 5}, {4, 4}, {9, 3}, {4, 8}, {6, 19}, {5, 16}}) {
      if (h + 2 * window.padding < window.kernel || w + 2 * window.padding < window.kernel)
        continue;
      const int64_t kk = window.kernel * window.kernel, p_out = window.out(h) * window.out(w);
      std::vector<float> pixels(size_t(h * w));
      for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = float(i);
      const std::vector<int32_t> offsets = window.offsets(h, w);
      const std::vector<minima::Window2d::Runs> runs = window.element_runs(h, w);
      REQUIRE(runs.size() == size_t(kk));
      for (int64_t q = 0; q < kk; ++q) {
        INFO("kernel ", window.kernel, " stride ", window.stride, " padding ", window.padding,
             " plane ", h, "x", w, " element ", q);
        std::vector<float> positions(size_t(p_out), -1.0f);
        window.gather(runs[size_t(q)], pixels.data(), positions.data());
        for (int64_t p = 0; p < p_out; ++p)
          CHECK(positions[size_t(p)] == float(offsets[size_t(p * kk + q)]));
      }
    }
  }
}
