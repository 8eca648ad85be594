#include <minima/layers/conv2d.hpp>

#include <algorithm>

#include <minima/config/option_error.hpp>
#include <minima/core/blas.hpp>
#include <minima/core/parallel.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/weight_init.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("conv2d", Conv2d);

namespace {

Conv2dOptions read_options(ConfigObject& args) {
  const Conv2dOptions defaults;
  return {.stride = args.get<int64_t>("stride", defaults.stride),
          .padding = args.get<int64_t>("padding", defaults.padding),
          .bias = args.get<bool>("bias", defaults.bias),
          .init = args.get<std::string>("init", defaults.init),
          .std = args.get<double>("std", defaults.std)};
}

// Runs sample(n) for every sample of a batch of n, on the pool; each
// sample touches `floats` floats.
template <class Sample>
void for_each_sample(int64_t n, int64_t floats, const Sample& sample) {
  parallel_for(n, grain_for(floats), [&sample](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) sample(i);
  });
}

}  // namespace

Conv2d::Conv2d(int64_t out_channels, int64_t kernel, Options options)
    : out_channels_(out_channels),
      options_(std::move(options)),
      window_{kernel, options_.stride, options_.padding} {
  check();
}

Conv2d::Conv2d(ConfigObject& args)
    : Conv2d(args.required<int64_t>("out_channels"), args.required<int64_t>("kernel"),
             read_options(args)) {}

void Conv2d::check() const {
  expect_option(out_channels_ > 0, "conv2d", "out_channels", "a positive integer");
  window_.check("conv2d", false);
  const std::vector<std::string>& inits = weight_inits();
  expect_option(std::find(inits.begin(), inits.end(), options_.init) != inits.end(), "conv2d",
                "init", one_of(inits));
  expect_option(options_.std > 0, "conv2d", "std", "a positive number");
}

json Conv2d::config() const {
  json c = {{"out_channels", out_channels_}, {"kernel", window_.kernel}, {"stride", window_.stride},
            {"padding", window_.padding},    {"bias", options_.bias},    {"init", options_.init}};
  if (options_.init == "gaussian") c["std"] = options_.std;
  return c;
}

Shape Conv2d::do_build(const Shape& input_shape) {
  const Shape out = window_.output_shape(input_shape, out_channels_, "conv2d");
  const int64_t k = window_.kernel;
  channels_ = input_shape[0];
  pixels_ = input_shape[1] * input_shape[2];
  positions_ = out[1] * out[2];
  offsets_ = window_.offsets(input_shape[1], input_shape[2]);
  add_param(weight_, "weight", Shape{out_channels_, channels_, k, k});
  if (options_.bias) add_param(bias_, "bias", Shape{out_channels_});
  return out;
}

void Conv2d::init_params(Rng& rng) {
  const double kk = double(window_.kernel * window_.kernel);
  init_weights(weight_.value, options_.init, double(channels_) * kk, double(out_channels_) * kk,
               options_.std, rng);
  if (options_.bias) bias_.value.zero();
}

// Forward, per sample n, output position p, window element q, channel c:
//   im2col:  cols[n P + p, c kk + q] = x[n, c, offsets[p, q]] (0 in the padding)
//   GEMM:    products = cols W^T                    ([N P, K] x [K, O])
//   reorder: y[n, o, p] = products[n P + p, o] + b[o]
void Conv2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t n = x.dim(0), c_in = channels_, hw = pixels_, p_out = positions_,
                kk = window_.kernel * window_.kernel, k = c_in * kk, o_out = out_channels_;
  cols_.resize(Shape{n * p_out, k});  // grows with the batch only
  products_.resize(Shape{n * p_out, o_out});
  const int32_t* offsets = offsets_.data();
  const float* in = x.data();
  float* cols = cols_.data();
  for_each_sample(n, p_out * k, [=](int64_t i) {
    for (int64_t p = 0; p < p_out; ++p) {
      float* row = cols + (i * p_out + p) * k;
      for (int64_t c = 0; c < c_in; ++c) {
        const float* plane = in + (i * c_in + c) * hw;
        for (int64_t q = 0; q < kk; ++q) {
          const int32_t at = offsets[p * kk + q];
          row[c * kk + q] = at >= 0 ? plane[at] : 0.0f;
        }
      }
    }
  });
  gemm(cols_, Trans::No, weight_.value, Trans::Yes, products_);
  const float* products = products_.data();
  const float* b = options_.bias ? bias_.value.data() : nullptr;
  float* out = y.data();
  for_each_sample(n, p_out * o_out, [=](int64_t i) {
    for (int64_t o = 0; o < o_out; ++o) {
      const float bias = b ? b[o] : 0.0f;
      for (int64_t p = 0; p < p_out; ++p)
        out[(i * o_out + o) * p_out + p] = products[(i * p_out + p) * o_out + o] + bias;
    }
  });
}

// Backward (the forward's three steps in reverse):
//   reorder: dproducts[n P + p, o] = dy[n, o, p]
//   dW += dproducts^T cols;  db[o] += sum over n, p of dy[n, o, p]
//   dcols = dproducts W      ([N P, O] x [O, K])
//   col2im:  dx[n, c, offsets[p, q]] += dcols[n P + p, c kk + q], from dx = 0
void Conv2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t n = x.dim(0), c_in = channels_, hw = pixels_, p_out = positions_,
                kk = window_.kernel * window_.kernel, k = c_in * kk, o_out = out_channels_;
  const float* g = dy.data();
  float* dproducts = products_.data();
  for_each_sample(n, p_out * o_out, [=](int64_t i) {
    for (int64_t o = 0; o < o_out; ++o)
      for (int64_t p = 0; p < p_out; ++p)
        dproducts[(i * p_out + p) * o_out + o] = g[(i * o_out + o) * p_out + p];
  });
  gemm(products_, Trans::Yes, cols_, Trans::No, weight_.grad, 1.0f, 1.0f);
  if (options_.bias) {  // each channel's sum in one fixed order: the same bits on any thread count
    float* db = bias_.grad.data();
    parallel_for(o_out, grain_for(n * p_out), [=](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        double sum = 0.0;
        for (int64_t i = 0; i < n; ++i)
          for (int64_t p = 0; p < p_out; ++p) sum += g[(i * o_out + o) * p_out + p];
        db[o] += float(sum);
      }
    });
  }
  if (!needs_input_grad()) return;
  dcols_.resize(Shape{n * p_out, k});
  gemm(products_, Trans::No, weight_.value, Trans::No, dcols_);
  const int32_t* offsets = offsets_.data();
  const float* dcols = dcols_.data();
  float* d = dx.data();
  for_each_sample(n, p_out * k, [=](int64_t i) {
    std::fill(d + i * c_in * hw, d + (i + 1) * c_in * hw, 0.0f);
    for (int64_t p = 0; p < p_out; ++p) {
      const float* row = dcols + (i * p_out + p) * k;
      for (int64_t c = 0; c < c_in; ++c) {
        float* plane = d + (i * c_in + c) * hw;
        for (int64_t q = 0; q < kk; ++q) {
          const int32_t at = offsets[p * kk + q];
          if (at >= 0) plane[at] += row[c * kk + q];
        }
      }
    }
  });
}

}  // namespace minima
