// dropout: kept fraction and scaling, eval identity, seeded masks, and
// gradient checks with a held mask.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <minima/layers/dropout.hpp>
#include <minima/nn/gradcheck.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/layer_registry.hpp>

using namespace minima;

namespace {

std::unique_ptr<Dropout> make_dropout(double p, const Shape& sample, uint64_t seed) {
  std::unique_ptr<Dropout> d(static_cast<Dropout*>(make_layer("dropout", {{"p", p}}).release()));
  d->build({sample});
  Rng rng(seed);
  d->init_params(rng);
  return d;
}

Tensor random_dropout_input(Shape shape, uint64_t seed) {
  Tensor t(shape);
  Rng rng(seed);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = rng.normal();
  return t;
}

}  // namespace

TEST_CASE("dropout: keeps a fraction 1-p of a large tensor, scaled by 1/(1-p)") {
  const double p = 0.3;
  auto d = make_dropout(p, Shape{1000}, 42);
  Tensor x(Shape{1000, 1000});
  x.fill(2.0f);
  const Tensor& y = d->forward(x, Mode::Train);
  const float scaled = float(2.0 / (1.0 - p));
  int64_t kept = 0, wrong = 0;
  double sum = 0.0;
  for (int64_t k = 0; k < y.numel(); ++k) {
    sum += y[k];
    if (y[k] == 0.0f) continue;
    ++kept;
    wrong += std::fabs(y[k] - scaled) > 1e-6f * scaled;
  }
  CHECK(wrong == 0);
  // 1e6 Bernoulli(0.7) draws: the kept fraction's standard deviation is
  // 4.6e-4, so 0.003 is about 6.5 standard deviations.
  const double fraction = double(kept) / double(y.numel());
  CHECK(std::fabs(fraction - (1.0 - p)) < 0.003);
  // Inverted dropout keeps the expected value: mean(y) ~ 2 within 2 * 0.003 / 0.7.
  CHECK(std::fabs(sum / double(y.numel()) - 2.0) < 0.009);
}

TEST_CASE("dropout: eval mode is the identity, forward and backward") {
  auto d = make_dropout(0.5, Shape{7}, 1);
  const Tensor x = random_dropout_input(Shape{3, 7}, 2);
  const Tensor& y = d->forward(x, Mode::Eval);
  for (int64_t k = 0; k < x.numel(); ++k) CHECK(y[k] == x[k]);
  const Tensor dy = random_dropout_input(Shape{3, 7}, 3);
  d->backward(dy);
  for (int64_t k = 0; k < x.numel(); ++k) CHECK(d->input_grad()[k] == dy[k]);
}

TEST_CASE("dropout: p = 0 keeps everything in train mode") {
  auto d = make_dropout(0.0, Shape{5}, 1);
  const Tensor x = random_dropout_input(Shape{4, 5}, 2);
  const Tensor& y = d->forward(x, Mode::Train);
  for (int64_t k = 0; k < x.numel(); ++k) CHECK(y[k] == x[k]);
}

TEST_CASE("dropout: backward multiplies dy by the forward's mask") {
  auto d = make_dropout(0.5, Shape{6}, 9);
  const Tensor x = random_dropout_input(Shape{5, 6}, 2);
  d->forward(x, Mode::Train);
  const Tensor dy = random_dropout_input(Shape{5, 6}, 3);
  d->backward(dy);
  int64_t dropped = 0;
  for (int64_t k = 0; k < x.numel(); ++k) {
    CHECK(d->input_grad()[k] == dy[k] * d->mask()[k]);
    CHECK((d->mask()[k] == 0.0f || d->mask()[k] == 2.0f));
    dropped += d->mask()[k] == 0.0f;
  }
  CHECK(dropped > 0);
  CHECK(dropped < x.numel());
}

TEST_CASE("dropout: masks are reproducible from the seed and new on every step") {
  const Tensor x = random_dropout_input(Shape{8, 16}, 2);
  auto a = make_dropout(0.5, Shape{16}, 123);
  auto b = make_dropout(0.5, Shape{16}, 123);
  auto c = make_dropout(0.5, Shape{16}, 124);
  const Tensor a1 = a->forward(x, Mode::Train);
  const Tensor a2 = a->forward(x, Mode::Train);
  const Tensor b1 = b->forward(x, Mode::Train);
  const Tensor c1 = c->forward(x, Mode::Train);
  int64_t same_step = 0, same_seed = 0, other_seed = 0;
  for (int64_t k = 0; k < x.numel(); ++k) {
    same_seed += a1[k] == b1[k];
    same_step += a1[k] == a2[k];
    other_seed += a1[k] == c1[k];
  }
  CHECK(same_seed == x.numel());
  CHECK(same_step < x.numel());   // the second step drew a new mask
  CHECK(other_seed < x.numel());  // another seed, other masks
}

TEST_CASE("dropout: in a graph, the same seed gives the same training outputs") {
  const json layers = json::parse(R"([
    {"type": "dense", "name": "fc", "units": 32},
    {"type": "dropout", "name": "drop", "p": 0.25}])");
  const Tensor x = random_dropout_input(Shape{4, 3}, 1);
  Graph g1 = Graph::from_json(layers, "/layers"), g2 = Graph::from_json(layers, "/layers");
  g1.build(Shape{3}, 5);
  g2.build(Shape{3}, 5);
  const Tensor y1 = g1.forward(x, Mode::Train);
  const Tensor& y2 = g2.forward(x, Mode::Train);
  for (int64_t k = 0; k < y1.numel(); ++k) CHECK(y1[k] == y2[k]);
  CHECK(g1.config()[1]["p"] == 0.25);
}

TEST_CASE("dropout: p below 0 or at least 1 is a config error at /p") {
  CHECK_THROWS_WITH_AS(make_layer("dropout", {{"p", 1.0}}),
                       doctest::Contains("/p: expected a drop probability in [0, 1)"), ConfigError);
  CHECK_THROWS_AS(make_layer("dropout", {{"p", -0.1}}), ConfigError);
}

TEST_CASE("dropout: gradients check with a held mask") {
  auto d = make_dropout(0.4, Shape{6}, 3);
  d->hold_mask(true);
  const GradCheckResult r = check_gradients(*d, {random_dropout_input(Shape{4, 6}, 8)});
  INFO(r.summary());
  CHECK(r.passed);
  CHECK(r.checked == 24);
  // A held mask refuses a batch of another shape instead of reusing a wrong one.
  CHECK_THROWS_WITH_AS(d->forward(random_dropout_input(Shape{5, 6}, 8), Mode::Train),
                       doctest::Contains("the held mask is [4, 6] but the batch is [5, 6]"),
                       std::invalid_argument);
}

TEST_CASE("dropout: a network with dropout checks its gradients with the mask held") {
  Graph g = Graph::from_json(json::parse(R"([
    {"type": "dense", "name": "fc1", "units": 8},
    {"type": "tanh"},
    {"type": "dropout", "name": "drop", "p": 0.5},
    {"type": "dense", "name": "logits", "units": 3}])"),
                             "/model/layers");
  g.build(Shape{4}, 21);
  static_cast<Dropout*>(g.find("drop"))->hold_mask(true);
  const std::vector<int32_t> labels = {1, 0, 2, 2, 1};
  const GradCheckResult r = check_gradients(g, random_dropout_input(Shape{5, 4}, 4), labels);
  INFO(r.summary());
  CHECK(r.passed);
}
