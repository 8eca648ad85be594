// Gradient checks of every registered layer type (Train mode, several
// shapes), of whole networks, and proof that the checker can fail.
//
// Tolerances: check_gradients compares with central differences, error =
// |analytic - numeric| / max(|analytic|, |numeric|, floor). Its defaults
// (step 1e-2, tolerance 1e-2, floor 1e-2) are used unless stated; a wrong
// factor (2x -> error 0.5), sign (error 2) or index fails them by far. For
// layers that are linear in what is perturbed (dense) central differences
// are exact up to float rounding, so those use 1e-3.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <minima/layers/batchnorm.hpp>
#include <minima/nn/gradcheck.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/layer_registry.hpp>
#include "tests/support.hpp"

using minima::check_gradients;
using minima::GradCheckOptions;
using minima::GradCheckResult;
using minima::json;
using minima::Mode;
using minima::Shape;
using minima::Tensor;

namespace {

// Every registered type must have a gradient check; the test "every
// registered layer type has a gradient check" enforces it. Add the type here
// together with its TEST_CASE (below, or beside the layer's other tests:
// add and concat in test_dag.cpp, dropout in test_dropout.cpp).
const std::vector<std::string> kGradientCheckedTypes = {
    "add",     "avgpool2d", "batchnorm", "concat", "conv2d",  "dense",
    "dropout", "flatten",   "maxpool2d", "relu",   "sigmoid", "tanh"};

// Builds `spec` for per-sample `sample`, fills a batch of `n` from `fill`,
// and runs the checker.
template <class Fill>
GradCheckResult check_layer(const json& spec, Shape sample, int64_t n, Fill fill,
                            GradCheckOptions options = {}) {
  std::unique_ptr<minima::Layer> layer =
      minima::test::make_layer(spec, sample, uint64_t(n) * 31 + 5);
  Tensor x(sample.with_batch(n));
  fill(x);
  const GradCheckResult r = check_gradients(*layer, {x}, options);
  INFO(spec.dump() << " on " << x.shape().str() << ": " << r.summary());
  CHECK(r.passed);
  CHECK(r.checked == x.numel() + [&] {
    int64_t p = 0;
    for (const minima::Param* param : layer->params()) p += param->value.numel();
    return p;
  }());
  return r;
}

auto normal_inputs(uint64_t seed, float mean = 0.0f, float std = 1.0f) {
  return [=](Tensor& x) {
    minima::Rng rng(seed);
    for (int64_t k = 0; k < x.numel(); ++k) x[k] = mean + std * rng.normal();
  };
}

// |x| in [0.1, 1] with random signs: 10 steps away from relu's kink at 0.
auto away_from_zero(uint64_t seed) {
  return [=](Tensor& x) {
    minima::Rng rng(seed);
    for (int64_t k = 0; k < x.numel(); ++k) {
      const float magnitude = 0.1f + 0.9f * rng.uniform();
      x[k] = rng.uniform() < 0.5f ? -magnitude : magnitude;
    }
  };
}

// Per feature (an image's channel: its N H W values), the m values spread
// over [3, 7) in random order, at least 2/m apart (an evenly spaced grid
// with jitter). Batch normalization of two values closer than ~sqrt(eps)
// is a near-step that finite differences cannot follow, so BN's checks
// keep values apart.
auto separated_inputs(uint64_t seed) {
  return [=](Tensor& x) {
    minima::Rng rng(seed);
    const int64_t d = x.dim(1), m = x.numel() / d, spatial = m / x.dim(0);
    std::vector<int64_t> order(m);
    for (int64_t k = 0; k < d; ++k) {
      for (int64_t j = 0; j < m; ++j) order[j] = j;
      for (int64_t j = m - 1; j > 0; --j) std::swap(order[j], order[rng.below(uint64_t(j + 1))]);
      for (int64_t j = 0; j < m; ++j)  // value j: sample j / spatial, position j % spatial
        x[(j / spatial * d + k) * spatial + j % spatial] =
            3.0f + 4.0f * (float(order[j]) + 0.5f * rng.uniform()) / float(m);
    }
  };
}

// BN's finite differences: step 2e-2 (0.5% of the inputs' spread) balances
// truncation against float32 rounding of the m outputs a step moves; over
// 40 seeds per configuration the worst error seen is 4e-3, under the
// default tolerance 1e-2.
GradCheckOptions batchnorm_options(Mode mode = Mode::Train) {
  GradCheckOptions o;
  o.step = 2e-2;
  o.mode = mode;
  return o;
}

struct LayerShape {
  Shape sample;
  int64_t n;
};
const LayerShape kShapes[] = {{Shape{1}, 1}, {Shape{5}, 3}, {Shape{7}, 8}, {Shape{2, 3}, 4}};

}  // namespace

TEST_CASE("every registered layer type has a gradient check") {
  for (const std::string& type : minima::layer_registry().names()) {
    INFO(
        "layer type '" << type
                       << "' is registered but has no gradient check in test_layers_gradcheck.cpp");
    CHECK(std::count(kGradientCheckedTypes.begin(), kGradientCheckedTypes.end(), type) == 1);
  }
  for (const std::string& type : kGradientCheckedTypes)
    CHECK(minima::layer_registry().contains(type));
}

TEST_CASE("gradcheck dense, with and without bias, several shapes") {
  GradCheckOptions tight;
  tight.tolerance = 1e-3;
  for (const bool bias : {true, false})
    for (const LayerShape& s : kShapes)
      for (const int64_t units : {1, 4}) {
        const GradCheckResult r = check_layer(
            json{{"type", "dense"}, {"units", units}, {"bias", bias}, {"init", "xavier"}}, s.sample,
            s.n, normal_inputs(uint64_t(s.n + units)), tight);
        CHECK(r.max_error < 1e-3);
      }
}

// Convolution is linear in x and in its weights, like dense: tolerance 1e-3.
// Stride and padding variants, a window that does not tile the input
// evenly (5x6 by 3 with stride 2), and a 1x1 kernel.
TEST_CASE("gradcheck conv2d: stride, padding, bias on and off") {
  GradCheckOptions tight;
  tight.tolerance = 1e-3;
  struct Case {
    Shape sample;
    int64_t out_channels, kernel, stride, padding;
  };
  for (const bool bias : {true, false})
    for (const Case& c : {Case{Shape{1, 4, 4}, 1, 3, 1, 0}, Case{Shape{2, 5, 6}, 3, 3, 2, 1},
                          Case{Shape{3, 4, 4}, 2, 2, 2, 0}, Case{Shape{2, 3, 3}, 2, 3, 1, 2},
                          Case{Shape{2, 3, 4}, 4, 1, 1, 0}}) {
      const GradCheckResult r = check_layer(json{{"type", "conv2d"},
                                                 {"out_channels", c.out_channels},
                                                 {"kernel", c.kernel},
                                                 {"stride", c.stride},
                                                 {"padding", c.padding},
                                                 {"bias", bias},
                                                 {"init", "xavier"}},
                                            c.sample, 3, normal_inputs(uint64_t(c.kernel)), tight);
      CHECK(r.max_error < 1e-3);
    }
}

// Each sample's values a random permutation of 0, 0.1, 0.2, ...: no two
// within a window closer than 10 steps, so the max never switches.
auto distinct_inputs(uint64_t seed) {
  return [=](Tensor& x) {
    minima::Rng rng(seed);
    const int64_t d = x.cols();
    std::vector<int64_t> order(d);
    for (int64_t i = 0; i < x.dim(0); ++i) {
      for (int64_t k = 0; k < d; ++k) order[k] = k;
      for (int64_t k = d - 1; k > 0; --k) std::swap(order[k], order[rng.below(uint64_t(k + 1))]);
      for (int64_t k = 0; k < d; ++k) x[i * d + k] = 0.1f * float(order[k]) - 1.0f;
    }
  };
}

TEST_CASE("gradcheck maxpool2d and avgpool2d: stride, padding, overlapping windows") {
  GradCheckOptions tight;  // both are piecewise linear: exact away from the max's switches
  tight.tolerance = 1e-3;
  struct Case {
    Shape sample;
    int64_t kernel, stride, padding;
  };
  for (const char* type : {"maxpool2d", "avgpool2d"})
    for (const Case& c : {Case{Shape{1, 4, 4}, 2, 2, 0}, Case{Shape{2, 5, 5}, 3, 2, 1},
                          Case{Shape{2, 4, 5}, 2, 1, 1}, Case{Shape{3, 6, 6}, 3, 3, 0}})
      check_layer(
          json{{"type", type}, {"kernel", c.kernel}, {"stride", c.stride}, {"padding", c.padding}},
          c.sample, 2, distinct_inputs(uint64_t(c.kernel + c.stride)), tight);
}

TEST_CASE("gradcheck flatten") {
  for (const Shape& sample : {Shape{2, 3, 4}, Shape{5}})
    check_layer(json{{"type", "flatten"}}, sample, 3, normal_inputs(2));
}

TEST_CASE("gradcheck relu, inputs kept away from 0") {
  for (const LayerShape& s : kShapes)
    check_layer(json{{"type", "relu"}}, s.sample, s.n, away_from_zero(uint64_t(s.n)));
}

TEST_CASE("gradcheck sigmoid and tanh, including saturated inputs") {
  for (const char* type : {"sigmoid", "tanh"})
    for (const LayerShape& s : kShapes) {
      check_layer(json{{"type", type}}, s.sample, s.n, normal_inputs(uint64_t(s.n), 0.0f, 1.0f));
      check_layer(json{{"type", type}}, s.sample, s.n,
                  normal_inputs(uint64_t(s.n) + 1, 0.0f, 4.0f));
    }
}

TEST_CASE("gradcheck batchnorm in Train mode: m = 2, 3, 64, affine on and off") {
  for (const bool affine : {true, false})
    for (const int64_t m : {2, 3, 64})
      for (const int64_t d : {1, 5}) {
        CAPTURE(affine);
        CAPTURE(m);
        CAPTURE(d);
        // Non-trivial gamma/beta, so a gradient that ignores them fails.
        auto layer =
            minima::test::make_layer(json{{"type", "batchnorm"}, {"affine", affine}}, Shape{d});
        minima::Rng rng(uint64_t(m * 10 + d));
        for (minima::Param* p : layer->params())
          for (int64_t k = 0; k < p->value.numel(); ++k) p->value[k] = 0.5f + rng.uniform();
        Tensor x(Shape{m, d});
        separated_inputs(uint64_t(m + d))(x);
        const GradCheckResult r = check_gradients(*layer, {x}, batchnorm_options());
        INFO(r.summary());
        CHECK(r.passed);
        CHECK(r.checked == m * d + (affine ? 2 * d : 0));
      }
}

namespace {

// The batchnorm `spec` on a batch of s.n samples s.sample with gamma, beta in
// [0.5, 1.5) (from `seed`): Train, then Eval with the running statistics the
// Train passes left (affine in x: differences are exact, tolerance 1e-3).
void check_batchnorm_train_then_eval(const json& spec, const LayerShape& s, uint64_t seed,
                                     uint64_t input_seed) {
  CAPTURE(spec.dump());
  CAPTURE(s.sample.str());
  auto layer = minima::test::make_layer(spec, s.sample);
  minima::Rng rng(seed);
  for (minima::Param* p : layer->params())
    for (int64_t k = 0; k < p->value.numel(); ++k) p->value[k] = 0.5f + rng.uniform();
  Tensor x(s.sample.with_batch(s.n));
  separated_inputs(input_seed)(x);
  const GradCheckResult r = check_gradients(*layer, {x}, batchnorm_options());
  INFO(r.summary());
  CHECK(r.passed);
  GradCheckOptions eval;
  eval.mode = Mode::Eval;
  eval.tolerance = 1e-3;
  const GradCheckResult e = check_gradients(*layer, {x}, eval);
  INFO(e.summary());
  CHECK(e.passed);
}

}  // namespace

TEST_CASE("gradcheck batchnorm over channels of images [N, C, H, W], Train and Eval") {
  for (const bool affine : {true, false})
    for (const LayerShape& s : {LayerShape{Shape{2, 3, 3}, 2}, LayerShape{Shape{3, 2, 4}, 1}})
      check_batchnorm_train_then_eval(json{{"type", "batchnorm"}, {"affine", affine}}, s,
                                      uint64_t(s.n), uint64_t(s.n + 7));
}

TEST_CASE("gradcheck batchnorm without running statistics, in Train and Eval mode") {
  // Without running statistics Eval normalizes with the batch statistics too,
  // so its gradient is the full Train-mode gradient.
  for (const Mode mode : {Mode::Train, Mode::Eval})
    check_layer(json{{"type", "batchnorm"}, {"track_running_stats", false}}, Shape{4}, 6,
                separated_inputs(3), batchnorm_options(mode));
}

// normalize "mean" (y = gamma (x - mu) + beta) and "variance" (y = gamma x /
// sqrt(var + eps) + beta), with either running_var.
TEST_CASE("gradcheck batchnorm normalize mean and variance, features and images, Train and Eval") {
  for (const char* normalize : {"mean", "variance"})
    for (const char* running_var : {"unbiased", "biased"})
      for (const LayerShape& s : {LayerShape{Shape{4}, 6}, LayerShape{Shape{2, 3, 3}, 2}})
        check_batchnorm_train_then_eval(
            json{{"type", "batchnorm"}, {"normalize", normalize}, {"running_var", running_var}}, s,
            uint64_t(s.n) + 17, uint64_t(s.n + 11));
}

TEST_CASE("gradcheck batchnorm in Eval mode with running statistics") {
  auto layer = minima::test::make_layer(json{{"type", "batchnorm"}, {"momentum", 0.5}}, Shape{3});
  minima::Rng rng(4);
  for (int step = 0; step < 3; ++step)  // move the running statistics away from 0 / 1
    layer->forward(minima::test::random_normal(Shape{5, 3}, rng, 2.0f, 3.0f), Mode::Train);
  for (minima::Param* p : layer->params())
    for (int64_t k = 0; k < p->value.numel(); ++k) p->value[k] = 0.5f + rng.uniform();
  GradCheckOptions options;
  options.mode = Mode::Eval;
  options.tolerance = 1e-3;  // Eval BN is affine in x, gamma and beta: differences are exact
  for (const int64_t m : {1, 4}) {
    const GradCheckResult r = check_gradients(
        *layer, {minima::test::random_normal(Shape{m, 3}, rng, 2.0f, 3.0f)}, options);
    INFO(r.summary());
    CHECK(r.passed);
  }
}

namespace {

// y = 2x with a backward that forgets the factor 2: the checker must fail it.
class WrongDouble : public minima::UnaryLayer {
 public:
  std::string type() const override { return "wrong_double"; }
  json config() const override { return json::object(); }

 protected:
  Shape do_build(const Shape& s) override { return s; }
  void do_forward(const Tensor& x, Tensor& y, Mode) override {
    for (int64_t k = 0; k < x.numel(); ++k) y[k] = 2.0f * x[k];
  }
  void do_backward(const Tensor&, const Tensor&, const Tensor& dy, Tensor& dx) override {
    for (int64_t k = 0; k < dy.numel(); ++k) dx[k] = dy[k];  // BUG on purpose: should be 2 dy
  }
};

// y = w * x per feature with the sign of dw flipped: a wrong parameter gradient.
class WrongScale : public minima::UnaryLayer {
 public:
  std::string type() const override { return "wrong_scale"; }
  json config() const override { return json::object(); }
  void init_params(minima::Rng&) override { w_.value.fill(1.5f); }

 protected:
  Shape do_build(const Shape& s) override {
    add_param(w_, "weight", s);
    return s;
  }
  void do_forward(const Tensor& x, Tensor& y, Mode) override {
    const int64_t d = x.cols();
    for (int64_t k = 0; k < x.numel(); ++k) y[k] = w_.value[k % d] * x[k];
  }
  void do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) override {
    const int64_t d = x.cols();
    for (int64_t k = 0; k < x.numel(); ++k) {
      dx[k] = w_.value[k % d] * dy[k];
      w_.grad[k % d] -= dy[k] * x[k];  // BUG on purpose: should be +=
    }
  }

 private:
  minima::Param w_;
};

}  // namespace

TEST_CASE("the gradient checker fails a layer with a wrong input gradient") {
  WrongDouble layer;
  layer.set_name("double");
  layer.build({Shape{3}});
  minima::Rng rng(2);
  const GradCheckResult r = check_gradients(layer, {minima::test::random_normal(Shape{4, 3}, rng)});
  CHECK_FALSE(r.passed);
  CHECK(r.max_error == doctest::Approx(0.5).epsilon(1e-3));  // |1 - 2| / 2
  CHECK(r.where.rfind("input 0 [", 0) == 0);
  CHECK(r.analytic == doctest::Approx(r.numeric / 2).epsilon(1e-3));
  CHECK(r.summary().rfind("FAILED: worst relative error 0.5", 0) == 0);
}

TEST_CASE("the gradient checker fails a layer with a wrong parameter gradient") {
  WrongScale layer;
  layer.set_name("scale");
  layer.build({Shape{3}});
  minima::Rng rng(2);
  layer.init_params(rng);
  const GradCheckResult r = check_gradients(layer, {minima::test::random_normal(Shape{4, 3}, rng)});
  CHECK_FALSE(r.passed);
  CHECK(r.max_error == doctest::Approx(2.0).epsilon(1e-3));  // opposite signs
  CHECK(r.where.rfind("param weight [", 0) == 0);
}

TEST_CASE("the gradient checker divides by the step it actually took") {
  // Near 10000 float32 spacing is ~1e-3, so x +- 0.01 lands up to 5% away
  // from the nominal step; relu (identity here) is still checked exactly.
  GradCheckOptions options;
  options.tolerance = 1e-4;
  const GradCheckResult r =
      check_layer(json{{"type", "relu"}}, Shape{5}, 3, normal_inputs(4, 10000.0f, 100.0f), options);
  CHECK(r.max_error < 1e-4);
}

namespace {

// dense-bn-sigmoid-dense, softmax cross-entropy over 3 classes.
minima::Graph small_network(const char* bn_options) {
  const std::string layers = std::string(R"([
      {"type": "dense", "units": 5, "name": "fc1"},
      {"type": "batchnorm", "name": "bn1")") +
                             bn_options + R"(},
      {"type": "sigmoid"},
      {"type": "dense", "units": 3, "name": "fc2", "init": "xavier"}])";
  return minima::Graph::from_json(json::parse(layers), "/model/layers");
}

}  // namespace

TEST_CASE("gradcheck a whole network: dense-bn-sigmoid-dense with softmax cross-entropy") {
  minima::Rng rng(8);
  const Tensor x = minima::test::random_normal(Shape{6, 4}, rng);
  const std::vector<int32_t> labels = {0, 2, 1, 1, 0, 2};
  for (const char* bn : {"", R"(, "affine": false)", R"(, "momentum": null)"})
    for (const Mode mode : {Mode::Train, Mode::Eval}) {
      CAPTURE(bn);
      minima::Graph g = small_network(bn);
      g.build(Shape{4}, 3);
      g.forward(x, Mode::Train);  // running statistics away from 0 / 1 for Eval
      GradCheckOptions options;
      options.mode = mode;
      const GradCheckResult r = check_gradients(g, x, labels, options);
      INFO(r.summary());
      CHECK(r.passed);
      CHECK(r.checked == g.num_params());
    }
}

TEST_CASE("the whole-network checker catches a wrong input gradient inside the network") {
  minima::Rng rng(8);
  const Tensor x = minima::test::random_normal(Shape{6, 4}, rng);
  const std::vector<int32_t> labels = {0, 2, 1, 1, 0, 2};
  minima::Graph g;
  g.add(minima::create_layer(json{{"type", "dense"}, {"units", 5}}, "/0"));
  g.add(std::make_unique<WrongDouble>());  // no parameters: only fc1's gradients can show the bug
  g.add(minima::create_layer(json{{"type", "dense"}, {"units", 3}}, "/2"));
  g.build(Shape{4}, 3);
  const GradCheckResult r = check_gradients(g, x, labels);
  CHECK_FALSE(r.passed);
  CHECK(r.where.rfind("param dense1.", 0) == 0);
}
