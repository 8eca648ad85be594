// An MLP built and trained from C++ alone: no config file, no CLI.
// The problem: three interleaved spiral arms in the plane, which no linear
// model separates. The network: 2 -> 64 -> 64 -> 3 with BatchNorm and ReLU.
//
// Build: part of minima's build (target cpp_api_mlp); run: ./build/cpp_api_mlp
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include <minima/layers/batchnorm.hpp>
#include <minima/layers/dense.hpp>
#include <minima/layers/relu.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>
#include <minima/platform/blas_kernel.hpp>

using namespace minima;

namespace {

constexpr int kClasses = 3;

// 3n points, each on a random arm c at a random radius r in [0, 1) and
// angle 4r + 2 pi c / 3, with Gaussian noise on the angle.
void make_spirals(int64_t n, uint64_t seed, Tensor& x, std::vector<int32_t>& labels) {
  Rng rng(seed);
  x = Tensor(Shape{n * kClasses, 2});
  labels.resize(n * kClasses);
  for (int64_t i = 0; i < n * kClasses; ++i) {
    const int32_t c = int32_t(rng.below(kClasses));
    const float r = rng.uniform();
    const float angle = 4.0f * r + 2.0944f * float(c) + 0.2f * rng.normal();
    x.at(i, 0) = r * std::cos(angle);
    x.at(i, 1) = r * std::sin(angle);
    labels[i] = c;
  }
}

float accuracy(Graph& net, const Tensor& x, const std::vector<int32_t>& labels) {
  SoftmaxCrossEntropy loss;
  loss.forward(net.forward(x, Mode::Eval), labels);
  return float(loss.correct()) / float(labels.size());
}

}  // namespace

int main(int, char** argv) {
  // 0. The best OpenBLAS kernel for this CPU (may re-execute the program once).
  use_best_blas_kernel(argv);

  // 1. The network, layer by layer, from typed layers. The settings a config
  //    writes as keys are fields of each layer's Options, with the same
  //    defaults: Dense(64, {.bias = false}) is {"type": "dense", "units": 64,
  //    "bias": false}; make_layer("dense", {{"units", 64}}) takes the keys.
  Graph net;
  net.add(std::make_unique<Dense>(64));
  net.add(std::make_unique<BatchNorm>(BatchNorm::Options{.momentum = 0.1}));
  net.add(std::make_unique<Relu>());
  net.add(std::make_unique<Dense>(64, Dense::Options{.init = "he"}));
  net.add(std::make_unique<BatchNorm>());
  net.add(std::make_unique<Relu>());
  net.add(std::make_unique<Dense>(kClasses));
  net.build(Shape{2}, /*seed=*/1);  // input: 2 features per sample

  Tensor train_x, test_x;
  std::vector<int32_t> train_y, test_y;
  make_spirals(300, 1, train_x, train_y);
  make_spirals(100, 2, test_x, test_y);

  // 2. Training: minibatch SGD. All parameters sit in one flat arena with
  //    a matching gradient arena, so the update is one loop.
  const int64_t batch = 30, n = train_x.dim(0);
  const float lr = 0.1f;
  SoftmaxCrossEntropy loss;
  for (int epoch = 1; epoch <= 60; ++epoch) {
    double total = 0.0;
    for (int64_t begin = 0; begin < n; begin += batch) {
      const Tensor xb = train_x.slice_rows(begin, batch);  // a view, not a copy
      const std::span<const int32_t> yb(train_y.data() + begin, batch);
      total += loss.forward(net.forward(xb, Mode::Train), yb);
      net.zero_grad();
      net.backward(loss.backward());
      float* w = net.values().data();
      const float* g = net.grads().data();
      for (int64_t k = 0; k < net.values().numel(); ++k) w[k] -= lr * g[k];
    }
    if (epoch % 20 == 0)
      std::printf("epoch %d: mean loss %.4f\n", epoch, total / double(n / batch));
  }

  // 3. Evaluation (BatchNorm uses its running statistics in Eval mode).
  std::printf("train accuracy %.1f%%\n", 100.0f * accuracy(net, train_x, train_y));
  std::printf("test accuracy %.1f%%\n", 100.0f * accuracy(net, test_x, test_y));
  return 0;
}
