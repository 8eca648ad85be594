#include <minima/layers/dense.hpp>

#include <algorithm>

#include <minima/config/option_error.hpp>
#include <minima/core/blas.hpp>
#include <minima/core/parallel.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>
#include <minima/nn/weight_init.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("dense", Dense);

namespace {

DenseOptions read_dense_options(ConfigObject& args) {
  const DenseOptions defaults;
  return {.bias = args.get<bool>("bias", defaults.bias),
          .init = args.get<std::string>("init", defaults.init),
          .std = args.get<double>("std", defaults.std)};
}

}  // namespace

Dense::Dense(int64_t units, Options options) : units_(units), options_(std::move(options)) {
  check();
}

Dense::Dense(ConfigObject& args)
    : units_(args.required<int64_t>("units")), options_(read_dense_options(args)) {
  check();
}

const std::vector<std::string>& Dense::inits() { return weight_inits(); }

void Dense::check() const {
  expect_option(units_ > 0, "dense", "units", "a positive integer");
  expect_option(std::find(inits().begin(), inits().end(), options_.init) != inits().end(), "dense",
                "init", one_of(inits()));
  expect_option(options_.std > 0, "dense", "std", "a positive number");
}

json Dense::config() const {
  json c = {{"units", units_}, {"bias", options_.bias}, {"init", options_.init}};
  if (options_.init == "gaussian") c["std"] = options_.std;
  return c;
}

Shape Dense::do_build(const Shape& input_shape) {
  add_param(weight_, "weight", Shape{units_, input_shape.numel()});
  if (options_.bias) add_param(bias_, "bias", Shape{units_});
  return Shape{units_};
}

void Dense::init_params(Rng& rng) {
  init_weights(weight_.value, options_.init, double(weight_.value.dim(1)), double(units_),
               options_.std, rng);
  if (options_.bias) bias_.value.zero();
}

void Dense::do_forward(const Tensor& x, Tensor& y, Mode) {
  // x: [N, D], y: [N, H]. The bias is fused: rows of y start as b, then
  // GEMM adds x W^T on top (beta = 1).
  float beta = 0.0f;
  if (options_.bias) {
    const float* b = bias_.value.data();
    float* out = y.data();
    const int64_t h = units_;
    parallel_for(y.dim(0), grain_for(h), [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) std::copy(b, b + h, out + i * h);
    });
    beta = 1.0f;
  }
  gemm(x, Trans::No, weight_.value, Trans::Yes, y, 1.0f, beta);
}

// dx = dy W;  dW += dy^T x;  db += sum over rows of dy.
void Dense::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  if (needs_input_grad()) gemm(dy, Trans::No, weight_.value, Trans::No, dx);
  gemm(dy, Trans::Yes, x, Trans::No, weight_.grad, 1.0f, 1.0f);
  if (options_.bias) {
    float* db = bias_.grad.data();
    const float* g = dy.data();
    const int64_t n = dy.dim(0), h = units_;
    parallel_for(h, grain_for(n), [=](int64_t begin, int64_t end) {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = begin; j < end; ++j) db[j] += g[i * h + j];
    });
  }
}

// ONNX: Gemm(x, W, b) = x W^T + b with transB = 1 (x flattened to [N, D] first
// if it is an image).
void Dense::to_onnx(OnnxScope& scope) const {
  std::vector<std::string> inputs = {scope.flat_input(0), scope.state("weight")};
  if (options_.bias) inputs.push_back(scope.state("bias"));
  scope.node("Gemm", inputs, scope.output()).attribute("transB", int64_t(1));
}

}  // namespace minima
