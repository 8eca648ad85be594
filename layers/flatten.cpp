#include <minima/layers/flatten.hpp>

#include <algorithm>

#include <minima/core/parallel.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("flatten", Flatten);

namespace {

// to[k] = from[k]: the same floats, in the same order, under the other shape.
void copy(const Tensor& from, Tensor& to) {
  const float* in = from.data();
  float* out = to.data();
  parallel_for(from.numel(), kParallelGrain,
               [=](int64_t begin, int64_t end) { std::copy(in + begin, in + end, out + begin); });
}

}  // namespace

// y[n, (c H + h) W + w] = x[n, c, h, w]
void Flatten::do_forward(const Tensor& x, Tensor& y, Mode) { copy(x, y); }

// dx[n, c, h, w] = dy[n, (c H + h) W + w]
void Flatten::do_backward(const Tensor&, const Tensor&, const Tensor& dy, Tensor& dx) {
  copy(dy, dx);
}

// ONNX: Flatten with axis 1: [N, C, H, W] -> [N, C H W], row-major as here.
void Flatten::to_onnx(OnnxScope& scope) const {
  scope.node("Flatten", {scope.inputs()[0]}, scope.output()).attribute("axis", int64_t(1));
}

}  // namespace minima
