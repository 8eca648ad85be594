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

// Runs plane(t) for t = 0 .. count - 1 on the pool; each touches `floats` floats.
template <class Plane>
void for_each_plane(int64_t count, int64_t floats, const Plane& plane) {
  parallel_for(count, grain_for(floats), [&plane](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) plane(t);
  });
}

// sum of v[0 .. count - 1] in double, in index order.
double sum_in_double(const float* v, int64_t count) {
  double sum = 0.0;
  for (int64_t j = 0; j < count; ++j) sum += v[j];
  return sum;
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
  height_ = input_shape[1];
  width_ = input_shape[2];
  out_height_ = out[1];
  out_width_ = out[2];
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

// The im2col row r = c kk + ki k + kj (patch element: channel c, window
// element ki, kj) of samples 0 .. n - 1: every output position's input
// under that element, and the input it reads or, backward, accumulates into.
//   cols[r, i P + oh W' + ow] = x[i, c, oh s - pad + ki, ow s - pad + kj]
// (0 in the padding). visit(column, pixel, count) gets each run of `count`
// columns whose pixels are pixel, pixel + s, ... (pixel counted from
// x[i, c, 0, 0] of sample 0, images C H W apart); the columns in the
// padding are left out.
template <class Visit>
void Conv2d::for_each_run(int64_t r, int64_t n, const Visit& visit) const {
  const int64_t k = window_.kernel, kk = k * k, q = r % kk, ki = q / k, kj = q % k,
                p_out = out_height_ * out_width_, image = channels_ * height_ * width_;
  const Window2d::Span rows = window_.inside(height_, ki), columns = window_.inside(width_, kj);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t oh = rows.begin; oh < rows.end; ++oh) {
      const int64_t ih = oh * window_.stride - window_.padding + ki;
      visit(i * p_out + oh * out_width_ + columns.begin,
            i * image + ih * width_ + columns.begin * window_.stride - window_.padding + kj,
            columns.end - columns.begin);
    }
}

// Forward, with P = H' W' output positions per sample:
//   im2col:  cols (above), [K, N P]
//   GEMM:    products = W cols                      ([O, K] x [K, N P])
//   reorder: y[i, o, p] = products[o, i P + p] + b[o]
void Conv2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t n = x.dim(0), hw = height_ * width_, p_out = out_height_ * out_width_,
                kk = window_.kernel * window_.kernel, k = channels_ * kk, o_out = out_channels_,
                columns = n * p_out, stride = window_.stride;
  if (cols_.shape() != Shape{k, columns}) {  // the padding's zeros, once per batch size
    cols_.resize(Shape{k, columns});
    cols_.zero();
  }
  products_.resize(Shape{o_out, columns});
  const float* in = x.data();
  float* cols = cols_.data();
  for_each_plane(k, n * p_out, [&](int64_t r) {
    const float* channel = in + (r / kk) * hw;
    float* row = cols + r * columns;
    for_each_run(r, n, [=](int64_t column, int64_t pixel, int64_t count) {
      if (stride == 1)  // a loop, not std::copy_n: runs are short, a call to memmove costs more
        for (int64_t j = 0; j < count; ++j) row[column + j] = channel[pixel + j];
      else
        for (int64_t j = 0; j < count; ++j) row[column + j] = channel[pixel + j * stride];
    });
  });
  gemm(weight_.value, Trans::No, cols_, Trans::No, products_);
  const float* products = products_.data();
  const float* b = options_.bias ? bias_.value.data() : nullptr;
  float* out = y.data();
  for_each_plane(n * o_out, p_out, [=](int64_t t) {  // t = i O + o
    const int64_t i = t / o_out, o = t % o_out;
    const float bias = b ? b[o] : 0.0f;
    const float* from = products + o * columns + i * p_out;
    for (int64_t p = 0; p < p_out; ++p) out[t * p_out + p] = from[p] + bias;
  });
}

// Backward (the forward's three steps in reverse):
//   reorder: dproducts[o, i P + p] = dy[i, o, p]
//   dW += dproducts cols^T;  db[o] += sum over i, p of dy[i, o, p]
//   dcols = W^T dproducts      ([K, O] x [O, N P])
//   col2im:  dx[i, c, ih, iw] += dcols[r, i P + p] over every (r, p) that
//            im2col read x[i, c, ih, iw] from, from dx = 0
void Conv2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t n = x.dim(0), hw = height_ * width_, p_out = out_height_ * out_width_,
                kk = window_.kernel * window_.kernel, o_out = out_channels_, columns = n * p_out,
                stride = window_.stride;
  const float* g = dy.data();
  float* dproducts = products_.data();
  for_each_plane(n * o_out, p_out, [=](int64_t t) {  // t = i O + o
    const int64_t i = t / o_out, o = t % o_out;
    std::copy_n(g + t * p_out, p_out, dproducts + o * columns + i * p_out);
  });
  gemm(products_, Trans::No, cols_, Trans::Yes, weight_.grad, 1.0f, 1.0f);
  if (options_.bias) {  // each channel's sum in one fixed order: the same bits on any thread count
    float* db = bias_.grad.data();
    parallel_for(o_out, grain_for(columns), [=](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o)
        db[o] += float(sum_in_double(dproducts + o * columns, columns));
    });
  }
  if (!needs_input_grad()) return;
  dcols_.resize(cols_.shape());
  gemm(weight_.value, Trans::Yes, products_, Trans::No, dcols_);
  const float* dcols = dcols_.data();
  float* d = dx.data();
  for_each_plane(n * channels_, kk * p_out, [&](int64_t t) {  // t = i C + c
    const int64_t i = t / channels_, c = t % channels_;
    float* plane = d + t * hw;
    std::fill_n(plane, hw, 0.0f);
    for (int64_t r = c * kk; r < (c + 1) * kk; ++r) {
      const float* row = dcols + r * columns + i * p_out;
      for_each_run(r, 1, [=](int64_t column, int64_t pixel, int64_t count) {
        if (stride == 1)
          for (int64_t j = 0; j < count; ++j) plane[pixel + j] += row[column + j];
        else
          for (int64_t j = 0; j < count; ++j) plane[pixel + j * stride] += row[column + j];
      });
    }
  });
}

}  // namespace minima
