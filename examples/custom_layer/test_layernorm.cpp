// Checks the layernorm layer with minima's public gradient checker: alone,
// and inside a network built from a config that names it.
#include <cmath>
#include <cstdio>
#include <vector>

#include <minima/nn/gradcheck.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/layer_registry.hpp>

using namespace minima;

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  failures += !ok;
}

Tensor random_tensor(Shape shape, uint64_t seed) {
  Tensor t(shape);
  Rng rng(seed);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = 3.0f * rng.normal() + 1.0f;
  return t;
}

}  // namespace

int main() {
  // The layer alone, made by its type name like any built-in layer.
  std::unique_ptr<Layer> norm = make_layer("layernorm", {{"eps", 1e-5}});
  norm->build({Shape{6}});
  Rng rng(1);
  norm->init_params(rng);
  const Tensor x = random_tensor(Shape{4, 6}, 2);

  // Each output row has mean 0 and variance 1 (gamma = 1, beta = 0).
  const Tensor& y = norm->forward(x, Mode::Train);
  double worst = 0.0;
  for (int64_t i = 0; i < 4; ++i) {
    double mean = 0.0, var = 0.0;
    for (int64_t k = 0; k < 6; ++k) mean += y.at(i, k) / 6.0;
    for (int64_t k = 0; k < 6; ++k) var += (y.at(i, k) - mean) * (y.at(i, k) - mean) / 6.0;
    worst = std::max({worst, std::fabs(mean), std::fabs(var - 1.0)});
  }
  expect(worst < 1e-4, "rows are normalized (worst deviation " + std::to_string(worst) + ")");

  // Gamma and beta away from 1 and 0 so their gradients are exercised too.
  for (Param* p : norm->params())
    for (int64_t k = 0; k < p->value.numel(); ++k) p->value[k] += 0.1f * float(k + 1);
  const GradCheckResult alone = check_gradients(*norm, {x});
  expect(alone.passed, "layer gradients: " + alone.summary());

  // Unlike batchnorm, a batch of one sample trains fine.
  const GradCheckResult one = check_gradients(*norm, {random_tensor(Shape{1, 6}, 3)});
  expect(one.passed, "batch of one: " + one.summary());

  // In a network from a config, by name.
  Graph net = Graph::from_json(json::parse(R"([
    {"type": "dense", "name": "fc1", "units": 8},
    {"type": "layernorm", "name": "ln1"},
    {"type": "tanh"},
    {"type": "dense", "name": "logits", "units": 3}])"),
                               "/model/layers");
  net.build(Shape{5}, 7);
  const std::vector<int32_t> labels = {0, 2, 1};
  const GradCheckResult whole = check_gradients(net, random_tensor(Shape{3, 5}, 4), labels);
  expect(whole.passed, "network gradients: " + whole.summary());

  return failures == 0 ? 0 : 1;
}
