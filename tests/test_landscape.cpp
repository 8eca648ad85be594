// Santurkar et al.'s measures (framework/train/landscape.hpp) on objectives
// whose values follow by hand, and the meter on a copy of a real model,
// which must leave the run it measures exactly as it was.
#include <doctest/doctest.h>

#include <cmath>

#include <minima/core/atomic_file.hpp>
#include <minima/lesson/landscape/landscape_meter.hpp>
#include <minima/train/trainer.hpp>
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

Tensor vector_of(std::initializer_list<float> values) {
  Tensor t(Shape{int64_t(values.size())});
  int64_t k = 0;
  for (float v : values) t[k++] = v;
  return t;
}

// A linear model with quadratic loss, L(w) = 1/(2N) sum_i (x_i . w - y_i)^2,
// grad = X^T (X w - y) / N, Hessian X^T X / N. With X = 2 I (N = D = 2) the
// Hessian is 2 I: every move along the gradient changes it by exactly 2 per
// unit moved, so beta = 2.
double linear_quadratic(const Tensor& w, Tensor& grad) {
  const double x[2][2] = {{2, 0}, {0, 2}}, y[2] = {1, -3};
  double loss = 0;
  grad = Tensor(w.shape());
  for (int i = 0; i < 2; ++i) {
    const double r = x[i][0] * w[0] + x[i][1] * w[1] - y[i];
    loss += r * r / 4;
    for (int j = 0; j < 2; ++j) grad[j] += float(x[i][j] * r / 2);
  }
  return loss;
}

// L(a, b) = (a b)^2 / 2: dL/da = a b^2, dL/db = a^2 b. "Layer" 1 is a, layer 2 is b.
double product_squared(const Tensor& t, Tensor& grad) {
  grad = Tensor(t.shape());
  grad[0] = t[0] * t[1] * t[1];
  grad[1] = t[0] * t[0] * t[1];
  return 0.5 * double(t[0] * t[1]) * double(t[0] * t[1]);
}

json dense_layers(bool batchnorm, bool dropout) {
  json layers = json::array();
  layers.push_back({{"type", "dense"}, {"name", "fc1"}, {"units", 6}});
  if (batchnorm) layers.push_back({{"type", "batchnorm"}, {"name", "bn1"}});
  layers.push_back({{"type", "sigmoid"}});
  if (dropout) layers.push_back({{"type", "dropout"}, {"p", 0.3}});
  layers.push_back({{"type", "dense"}, {"name", "fc2"}, {"units", 3}});
  return layers;
}

Batch fixed_batch(int64_t n, int64_t d, int classes) {
  Batch b{Tensor(Shape{n, d}), {}};
  for (int64_t k = 0; k < b.x.numel(); ++k) b.x[k] = float(std::sin(0.7 * double(k)));
  for (int64_t i = 0; i < n; ++i) b.labels.push_back(int32_t(i % classes));
  return b;
}

}  // namespace

TEST_CASE("along_gradient: a quadratic-loss linear model has beta = its Hessian's eigenvalue") {
  const Tensor w = vector_of({0.5f, 1.0f});
  Tensor g;
  const double loss0 = linear_quadratic(w, g);
  const AlongGradient a = along_gradient(linear_quadratic, w, g, {0.05, 0.1, 0.4});
  CHECK(a.beta == doctest::Approx(2.0).epsilon(1e-6));
  // The gradient changes by H (eta g) = 2 eta g: 2 * 0.05 * |g| to 2 * 0.4 * |g|.
  const double g_norm = std::hypot(double(g[0]), double(g[1]));
  CHECK(a.grad_change_min == doctest::Approx(0.1 * g_norm).epsilon(1e-6));
  CHECK(a.grad_change_max == doctest::Approx(0.8 * g_norm).epsilon(1e-6));
  // L(w - eta g) = L(w) (1 - 2 eta)^2 on this loss (the residual shrinks by 1 - 2 eta).
  CHECK(a.loss_min == doctest::Approx(loss0 * 0.2 * 0.2).epsilon(1e-6));
  CHECK(a.loss_max == doctest::Approx(loss0 * 0.9 * 0.9).epsilon(1e-6));
}

TEST_CASE("internal_covariate_shift: the change of a layer's gradient when the layers below step") {
  const Tensor t = vector_of({1.0f, 1.0f});
  Tensor g;
  product_squared(t, g);
  // Layer a has nothing below it; layer b sees a step to a' = 1 - 0.5 * 1 = 0.5, so
  // G = a^2 b = 1 and G' = a'^2 b = 0.25.
  const std::vector<GradientShift> ics =
      internal_covariate_shift(product_squared, t, g, 0.5, {{0, 1, 0}, {1, 2, 1}});
  REQUIRE(ics.size() == 2);
  CHECK(ics[0].l2 == 0.0);
  CHECK(ics[0].cosine == 1.0);
  CHECK(ics[1].l2 == doctest::Approx(0.75));
  CHECK(ics[1].cosine == doctest::Approx(1.0));
  // L(a, b) = a b: b's gradient is a, and a step of a by 3 * dL/da = 3 b
  // takes it from 1 to -2: G = 1, G' = -2, opposite directions.
  const Objective bilinear = [](const Tensor& p, Tensor& grad) {
    grad = Tensor(p.shape());
    grad[0] = p[1];
    grad[1] = p[0];
    return double(p[0]) * double(p[1]);
  };
  Tensor bg;
  bilinear(t, bg);
  const std::vector<GradientShift> flip =
      internal_covariate_shift(bilinear, t, bg, 3.0, {{1, 2, 1}});
  CHECK(flip[0].cosine == doctest::Approx(-1.0));
  CHECK(flip[0].l2 == doctest::Approx(3.0));
}

TEST_CASE("LandscapeMeter: a one-layer net has no layer below, so no shift, deterministic") {
  Graph model = Graph::from_json(json::array({{{"type", "dense"}, {"name", "fc"}, {"units", 3}}}),
                                 "/model/layers");
  model.build(Shape{4}, 3);
  LandscapeMeter meter(model, fixed_batch(8, 4, 3), 0.5, {0.1, 1, 4});
  CHECK(meter.layers() == std::vector<std::string>{"fc"});
  const Tensor before = model.values();
  const LandscapePoint p = meter.measure(model.values(), 7);
  CHECK(p.step == 7);
  REQUIRE(p.ics.size() == 1);
  CHECK(p.ics[0].l2 == 0.0);
  CHECK(p.ics[0].cosine == doctest::Approx(1.0));
  CHECK(p.loss > 0);
  CHECK(p.along.beta > 0);
  CHECK(p.along.loss_min <= p.along.loss_max);
  for (int64_t k = 0; k < before.numel(); ++k) CHECK(model.values()[k] == before[k]);
}

TEST_CASE("LandscapeMeter: every weight layer, BN's scale counted below, same answer twice") {
  Graph model = Graph::from_json(dense_layers(true, true), "/model/layers");
  model.build(Shape{5}, 11);
  LandscapeMeter meter(model, fixed_batch(16, 5, 3), 0.5, {0.05, 1, 4});
  CHECK(meter.layers() == std::vector<std::string>{"fc1", "fc2"});
  const LandscapePoint a = meter.measure(model.values(), 0);
  const LandscapePoint b = meter.measure(model.values(), 0);
  REQUIRE(a.ics.size() == 2);
  CHECK(a.ics[0].l2 == 0.0);  // nothing below fc1
  CHECK(a.ics[1].l2 > 0);     // fc1 and bn1 stepped below fc2
  CHECK(a.ics[1].cosine < 1);
  // Dropout's masks are reset before every evaluation: the same parameters, the same numbers.
  CHECK(a.loss == b.loss);
  CHECK(a.ics[1].l2 == b.ics[1].l2);
  CHECK(a.along.beta == b.along.beta);
  CHECK(a.along.loss_min == b.along.loss_min);
  // L(theta) is the Train-mode loss of the batch on these parameters (BN on batch statistics).
  Graph twin = Graph::from_json(dense_layers(true, false), "/model/layers");
  twin.build(Shape{5}, 11);
  const Batch batch = fixed_batch(16, 5, 3);
  SoftmaxCrossEntropy loss;
  Graph plain = Graph::from_json(dense_layers(true, false), "/model/layers");
  plain.build(Shape{5}, 11);
  LandscapeMeter no_dropout(plain, batch, 0.5, {1});
  CHECK(no_dropout.measure(plain.values(), 0).loss ==
        doctest::Approx(loss.forward(twin.forward(batch.x, Mode::Train), batch.labels)));
}

TEST_CASE("measuring after every step leaves the run as it was: metrics and weights identical") {
  test::TempDir tmp("landscape_no_effect");
  const json config = test::run_unwatched(tmp, "measured");
  std::unique_ptr<LandscapeMeter> meter;
  std::vector<LandscapePoint> points;
  TrainerOptions options;
  options.after_step = [&](Trainer& t) {
    if (!meter)
      meter = std::make_unique<LandscapeMeter>(t.model(), fixed_batch(16, 16, 10), 0.1,
                                               std::vector<double>{0.05, 1, 4});
    points.push_back(meter->measure(t.model().values(), t.step()));
  };
  Trainer measured(parse_run_config(config, "blob"), options);
  measured.run();
  REQUIRE(points.size() == 40);
  CHECK(points.back().ics.size() == 3);
  CHECK(points.back().ics[1].l2 > 0);
  CHECK(test::metrics_without_seconds(tmp.path("plain/metrics.csv")) ==
        test::metrics_without_seconds(tmp.path("measured/metrics.csv")));
  CHECK(read_file(tmp.path("plain/model.safetensors")) ==
        read_file(tmp.path("measured/model.safetensors")));
}
