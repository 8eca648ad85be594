#include <minima/layers/conv2d.hpp>

#include <algorithm>

#include <minima/config/option_error.hpp>
#include <minima/core/blas.hpp>
#include <minima/core/parallel.hpp>
#include <minima/core/reductions.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>
#include <minima/nn/weight_init.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("conv2d", Conv2d);

namespace {

Conv2dOptions read_conv2d_options(ConfigObject& args) {
  const Conv2dOptions defaults;
  return {.stride = args.get<int64_t>("stride", defaults.stride),
          .padding = args.get<int64_t>("padding", defaults.padding),
          .bias = args.get<bool>("bias", defaults.bias),
          .init = args.get<std::string>("init", defaults.init),
          .std = args.get<double>("std", defaults.std)};
}

// C (m x n, leading dimension ldc) = op(A) op(B) + beta C, row-major, on
// matrices inside a part's chunk buffers (their rows are a full chunk
// long), run whole on the part's thread.
void multiply(int64_t part, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
              const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
              int64_t ldc) {
  run_gemm({trans_a, trans_b, int(m), int(n), int(k), 1.0f, beta, a, b, c, int(lda), int(ldb),
            int(ldc), int(part)});
}

// The patch matrix of a chunk of samples takes about this many floats (1 MB):
// im2col writes it and the GEMM reads it back while it is still in the cache.
constexpr int64_t kChunkFloats = int64_t(1) << 18;

}  // namespace

Conv2d::Conv2d(int64_t out_channels, int64_t kernel, Options options)
    : out_channels_(out_channels),
      options_(std::move(options)),
      window_{kernel, options_.stride, options_.padding} {
  check();
}

Conv2d::Conv2d(ConfigObject& args)
    : Conv2d(args.required<int64_t>("out_channels"), args.required<int64_t>("kernel"),
             read_conv2d_options(args)) {}

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
  const int64_t k = window_.kernel, patch = input_shape[0] * k * k;
  channels_ = input_shape[0];
  height_ = input_shape[1];
  width_ = input_shape[2];
  out_height_ = out[1];
  out_width_ = out[2];
  runs_ = window_.element_runs(height_, width_);
  chunk_ = std::max(int64_t(1), kChunkFloats / (patch * out_height_ * out_width_));
  parts_.clear();
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

int64_t Conv2d::prepare_parts(int64_t batch) {
  const int64_t parts = std::min<int64_t>(parallel_threads(), batch);
  const int64_t patch = channels_ * window_.kernel * window_.kernel,
                columns = chunk_ * out_height_ * out_width_;
  while (int64_t(parts_.size()) < parts)
    parts_.push_back(
        {.cols = Tensor(Shape{patch, columns}),  // zeros: im2col never writes the padding's
         .products = Tensor(Shape{out_channels_, columns}),
         .dcols = Tensor(Shape{patch, columns}),
         .dweight = Tensor(Shape{out_channels_, patch}),
         .bias_sums = std::vector<double>(size_t(out_channels_))});
  return parts;
}

template <class Visit>
void Conv2d::for_each_chunk(int64_t batch, int64_t parts, int64_t part, const Visit& visit) const {
  const int64_t begin = batch * part / parts, end = batch * (part + 1) / parts;
  for (int64_t first = begin; first < end; first += chunk_)
    visit(first, std::min(chunk_, end - first));
}

// im2col of the samples first .. first + n - 1 (a chunk), row r = c kk +
// ki k + kj (patch element: channel c, window element ki, kj):
//   cols[r, i P + oh W' + ow] = x[first + i, c, oh s - pad + ki, ow s - pad + kj]
// (0 in the padding: im2col never writes there, the zeros stay).
void Conv2d::im2col(const Tensor& x, int64_t first, int64_t n, Tensor& cols) const {
  const int64_t kk = window_.kernel * window_.kernel, ld = cols.cols(), hw = height_ * width_,
                image = channels_ * hw, p_out = out_height_ * out_width_;
  const float* in = x.data() + first * image;
  for (int64_t r = 0; r < cols.dim(0); ++r) {
    const float* channel = in + (r / kk) * hw;
    for (int64_t i = 0; i < n; ++i)
      window_.gather(runs_[size_t(r % kk)], channel + i * image, cols.data() + r * ld + i * p_out);
  }
}

// Forward, each part a chunk of n samples at a time (P = H' W' output
// positions each):
//   im2col:  cols (above), [K, n P]
//   GEMM:    products = W cols                      ([O, K] x [K, n P])
//   reorder: y[i, o, p] = products[o, (i - first) P + p] + b[o]
void Conv2d::do_forward(const Tensor& x, Tensor& y, Mode) {
  const int64_t batch = x.dim(0), p_out = out_height_ * out_width_, o_out = out_channels_,
                parts = prepare_parts(batch);
  const float* b = options_.bias ? bias_.value.data() : nullptr;
  parallel_parts(parts, [&](int64_t part) {
    Part& buffers = parts_[size_t(part)];
    const int64_t k = buffers.cols.dim(0), ld = buffers.cols.cols();
    const float* products = buffers.products.data();
    for_each_chunk(batch, parts, part, [&](int64_t first, int64_t n) {
      im2col(x, first, n, buffers.cols);
      multiply(part, false, false, o_out, n * p_out, k, weight_.value.data(), k,
               buffers.cols.data(), ld, 0.0f, buffers.products.data(), ld);
      float* out = y.data() + first * o_out * p_out;
      for (int64_t t = 0; t < n * o_out; ++t) {  // t = i O + o, i counted from first
        const int64_t i = t / o_out, o = t % o_out;
        const float bias = b ? b[o] : 0.0f;
        const float* from = products + o * ld + i * p_out;
        for (int64_t p = 0; p < p_out; ++p) out[t * p_out + p] = from[p] + bias;
      }
    });
  });
}

// Backward, each part a chunk of n samples at a time (the forward's steps
// in reverse, im2col done again: cheaper than keeping the whole batch's
// patches), into the part's own dW and db:
//   reorder: dproducts[o, (i - first) P + p] = dy[i, o, p]
//   db[o] += sum over i, p of dy[i, o, p]  (in double)
//   dW += dproducts cols^T      ([O, n P] x [n P, K])
//   dcols = W^T dproducts       ([K, O] x [O, n P])
//   col2im:  dx[i, c, ih, iw] = sum of dcols[r, (i - first) P + p] over
//            every (r, p) that im2col read x[i, c, ih, iw] from
// then the parts' dW and db are added to the gradients in part order.
void Conv2d::do_backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx) {
  const int64_t batch = x.dim(0), hw = height_ * width_, p_out = out_height_ * out_width_,
                kk = window_.kernel * window_.kernel, o_out = out_channels_,
                parts = prepare_parts(batch);
  parallel_parts(parts, [&](int64_t part) {
    Part& buffers = parts_[size_t(part)];
    const int64_t k = buffers.cols.dim(0), ld = buffers.cols.cols();
    float* dproducts = buffers.products.data();
    const float* dcols = buffers.dcols.data();
    buffers.dweight.zero();
    std::fill(buffers.bias_sums.begin(), buffers.bias_sums.end(), 0.0);
    for_each_chunk(batch, parts, part, [&](int64_t first, int64_t n) {
      const float* g = dy.data() + first * o_out * p_out;
      for (int64_t t = 0; t < n * o_out; ++t) {  // t = i O + o, i counted from first
        const int64_t i = t / o_out, o = t % o_out;
        std::copy_n(g + t * p_out, p_out, dproducts + o * ld + i * p_out);
      }
      // Each channel's sum in one fixed order: the same bits on every run.
      if (options_.bias)
        for (int64_t o = 0; o < o_out; ++o) {
          const float* row = dproducts + o * ld;
          buffers.bias_sums[size_t(o)] += lane_sum([=](int64_t j) { return row[j]; }, 0, n * p_out);
        }
      im2col(x, first, n, buffers.cols);
      multiply(part, false, true, o_out, k, n * p_out, dproducts, ld, buffers.cols.data(), ld, 1.0f,
               buffers.dweight.data(), k);
      if (!needs_input_grad()) return;
      multiply(part, true, false, k, n * p_out, o_out, weight_.value.data(), k, dproducts, ld, 0.0f,
               buffers.dcols.data(), ld);
      float* d = dx.data() + first * channels_ * hw;
      for (int64_t t = 0; t < n * channels_; ++t) {  // t = i C + c
        const int64_t i = t / channels_, c = t % channels_;
        float* plane = d + t * hw;
        std::fill_n(plane, hw, 0.0f);
        for (int64_t q = 0; q < kk; ++q)
          window_.scatter_add(runs_[size_t(q)], dcols + (c * kk + q) * ld + i * p_out, 1.0f, plane);
      }
    });
  });
  for (int64_t part = 0; part < parts; ++part) {
    const Part& buffers = parts_[size_t(part)];
    for (int64_t j = 0; j < weight_.grad.numel(); ++j) weight_.grad[j] += buffers.dweight[j];
  }
  if (options_.bias)
    for (int64_t o = 0; o < o_out; ++o) {
      double sum = 0.0;
      for (int64_t part = 0; part < parts; ++part) sum += parts_[size_t(part)].bias_sums[size_t(o)];
      bias_.grad[o] += float(sum);
    }
}

// ONNX: Conv(x, W, b) with kernel_shape [k, k], strides [s, s] and pads
// [p, p, p, p] (the start then the end of each spatial axis).
void Conv2d::to_onnx(OnnxScope& scope) const {
  std::vector<std::string> inputs = {scope.inputs()[0], scope.state("weight")};
  if (options_.bias) inputs.push_back(scope.state("bias"));
  const int64_t k = window_.kernel, s = window_.stride, p = window_.padding;
  scope.node("Conv", inputs, scope.output())
      .attribute("kernel_shape", std::vector<int64_t>{k, k})
      .attribute("strides", std::vector<int64_t>{s, s})
      .attribute("pads", std::vector<int64_t>{p, p, p, p});
}

}  // namespace minima
