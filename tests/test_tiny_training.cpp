// End to end: a 2-16-2 MLP with BatchNorm learns XOR-like quadrants with
// plain SGD written out here (values -= lr * grads over the flat arena).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>
#include "tests/support.hpp"

using minima::json;
using minima::Mode;
using minima::Shape;
using minima::Tensor;

namespace {

// Points in [-1, 1]^2 with |x0|, |x1| >= 0.1; class 1 when x0 * x1 > 0.
// Not linearly separable, so the hidden layer has to work.
struct Quadrants {
  Tensor x;
  std::vector<int32_t> labels;
};
Quadrants quadrants(int64_t n, uint64_t seed) {
  minima::Rng rng(seed);
  Quadrants d{Tensor(Shape{n, 2}), std::vector<int32_t>(n)};
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < 2; ++j) {
      const float magnitude = 0.1f + 0.9f * rng.uniform();
      d.x.at(i, j) = rng.uniform() < 0.5f ? -magnitude : magnitude;
    }
    d.labels[i] = d.x.at(i, 0) * d.x.at(i, 1) > 0.0f ? 1 : 0;
  }
  return d;
}

}  // namespace

TEST_CASE("a 2-16-2 MLP with BatchNorm learns quadrants with plain SGD") {
  const auto start = std::chrono::steady_clock::now();
  minima::Graph net = minima::Graph::from_json(json::parse(R"([
      {"type": "dense", "units": 16, "name": "fc1"},
      {"type": "batchnorm", "name": "bn1"},
      {"type": "relu"},
      {"type": "dense", "units": 2, "name": "fc2", "init": "xavier"}])"),
                                               "/model/layers");
  net.build(Shape{2}, 42);
  const Quadrants train = quadrants(512, 1), test = quadrants(1000, 2);
  minima::SoftmaxCrossEntropy ce;

  const float initial_loss = ce.forward(net.forward(train.x, Mode::Eval), train.labels);
  const int64_t batch = 32, epochs = 30;
  const float lr = 0.2f;
  minima::Rng order_rng(3);
  std::vector<int64_t> order(train.labels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = int64_t(i);
  Tensor xb(Shape{batch, 2});
  std::vector<int32_t> yb(batch);
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    for (size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[order_rng.below(i + 1)]);
    for (int64_t s = 0; s < int64_t(order.size()) / batch; ++s) {
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t i = order[s * batch + b];
        xb.at(b, 0) = train.x.at(i, 0);
        xb.at(b, 1) = train.x.at(i, 1);
        yb[b] = train.labels[i];
      }
      ce.forward(net.forward(xb, Mode::Train), yb);
      net.zero_grad();
      net.backward(ce.backward());
      Tensor& values = net.values();
      const Tensor& grads = net.grads();
      for (int64_t k = 0; k < values.numel(); ++k) values[k] -= lr * grads[k];
    }
  }

  // Eval mode (BatchNorm uses its running statistics), on the training set
  // and on held-out points.
  const float final_loss = ce.forward(net.forward(train.x, Mode::Eval), train.labels);
  const float test_loss = ce.forward(net.forward(test.x, Mode::Eval), test.labels);
  const double accuracy = double(ce.correct()) / double(test.labels.size());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("loss " << initial_loss << " -> " << final_loss << ", test loss " << test_loss
               << ", test accuracy " << accuracy << ", " << seconds << " s");
  CHECK(initial_loss > 0.5);                // it started out ignorant (ln 2 = 0.69 at chance)
  CHECK(final_loss < initial_loss / 10.0);  // the loss falls 10x
  CHECK(test_loss < initial_loss / 10.0);   // and not only on the points it saw
  CHECK(accuracy > 0.95);
  CHECK(seconds < 1.0);
}
