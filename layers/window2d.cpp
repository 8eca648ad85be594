#include <minima/layers/window2d.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <minima/config/option_error.hpp>
#include <minima/core/vector_clones.hpp>

namespace minima {

void Window2d::check(const std::string& owner, bool max_half_padding) const {
  expect_option(kernel >= 1, owner, "kernel", "a positive integer");
  expect_option(stride >= 1, owner, "stride", "a positive integer");
  expect_option(padding >= 0 && (!max_half_padding || padding <= kernel / 2), owner, "padding",
                max_half_padding ? "an integer from 0 to kernel / 2" : "a non-negative integer");
}

Shape Window2d::output_shape(const Shape& input, int64_t channels, const std::string& owner) const {
  if (input.rank() != 3)
    throw std::invalid_argument(owner + " takes images: its input must be [N, C, H, W], got " +
                                "per-sample shape " + input.str());
  if (input[1] + 2 * padding < kernel || input[2] + 2 * padding < kernel)
    throw std::invalid_argument(owner + ": the " + std::to_string(kernel) + "x" +
                                std::to_string(kernel) + " window does not fit in the input " +
                                input.str() + " padded by " + std::to_string(padding));
  return Shape{channels, out(input[1]), out(input[2])};
}

std::vector<int32_t> Window2d::offsets(int64_t h, int64_t w) const {
  const int64_t out_h = out(h), out_w = out(w), kk = kernel * kernel;
  std::vector<int32_t> table(size_t(out_h * out_w * kk));
  for (int64_t oh = 0; oh < out_h; ++oh)
    for (int64_t ow = 0; ow < out_w; ++ow)
      for (int64_t ki = 0; ki < kernel; ++ki)
        for (int64_t kj = 0; kj < kernel; ++kj) {
          const int64_t ih = oh * stride - padding + ki, iw = ow * stride - padding + kj;
          const bool inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
          table[size_t((oh * out_w + ow) * kk + ki * kernel + kj)] =
              inside ? int32_t(ih * w + iw) : -1;
        }
  return table;
}

Window2d::Span Window2d::inside(int64_t in, int64_t element) const {
  // o stride >= padding - element  and  o stride <= in - 1 + padding - element
  const int64_t low = padding - element, high = in - 1 + padding - element;
  const int64_t begin = low <= 0 ? 0 : (low + stride - 1) / stride;
  const int64_t end = high < 0 ? 0 : std::min(out(in), high / stride + 1);
  return {begin, std::max(begin, end)};
}

Window2d::Runs Window2d::runs(int64_t h, int64_t w, int64_t ki, int64_t kj) const {
  const Span rows = inside(h, ki), columns = inside(w, kj);
  const int64_t count = columns.end - columns.begin;
  return {.rows = count > 0 ? rows.end - rows.begin : 0,
          .count = count,
          .position = rows.begin * out(w) + columns.begin,
          .pixel = (rows.begin * stride - padding + ki) * w + columns.begin * stride - padding + kj,
          .position_step = out(w),
          .pixel_step = stride * w};
}

std::vector<Window2d::Runs> Window2d::element_runs(int64_t h, int64_t w) const {
  std::vector<Runs> all;
  for (int64_t ki = 0; ki < kernel; ++ki)
    for (int64_t kj = 0; kj < kernel; ++kj) all.push_back(runs(h, w, ki, kj));
  return all;
}

namespace {

// op(positions[p], pixels[i]) for each output position p of each run and
// the pixel i under it. Stride 1 has a loop of its own: contiguous on both
// sides, it vectorizes. Loops, not std::copy_n: runs are short, a call to
// memmove costs more.
template <class Position, class Pixel, class Op>
inline void along_runs(const Window2d::Runs& runs, int64_t stride, Pixel* pixels,
                       Position* positions, const Op& op) {
  runs.for_each([&](int64_t position, int64_t pixel, int64_t count) {
    Position* at = positions + position;
    Pixel* under = pixels + pixel;
    if (stride == 1)
      for (int64_t t = 0; t < count; ++t) op(at[t], under[t]);
    else
      for (int64_t t = 0; t < count; ++t) op(at[t], under[t * stride]);
  });
}

}  // namespace

MINIMA_VECTOR_CLONES void Window2d::gather(const Runs& runs, const float* pixels,
                                           float* positions) const {
  constexpr int64_t kBlock = 8;  // floats in a 32-byte copy: one AVX2 register
  if (stride != 1 || runs.count < kBlock) {
    along_runs(runs, stride, pixels, positions, [](float& p, float i) { p = i; });
    return;
  }
  // Contiguous runs of 8 floats or more: blocks of 8, the last one ending at
  // the run's end (it may copy some of the block before it a second time).
  runs.for_each([&](int64_t position, int64_t pixel, int64_t count) {
    float* to = positions + position;
    const float* from = pixels + pixel;
    for (int64_t t = 0; t < count - kBlock; t += kBlock)
      std::memcpy(to + t, from + t, sizeof(float) * kBlock);
    std::memcpy(to + count - kBlock, from + count - kBlock, sizeof(float) * kBlock);
  });
}

MINIMA_VECTOR_CLONES void Window2d::gather_add(const Runs& runs, const float* pixels,
                                               float* positions) const {
  along_runs(runs, stride, pixels, positions, [](float& p, float i) { p += i; });
}

MINIMA_VECTOR_CLONES void Window2d::scatter_add(const Runs& runs, const float* positions,
                                                float scale, float* pixels) const {
  along_runs(runs, stride, pixels, positions, [scale](float p, float& i) { i += p * scale; });
}

}  // namespace minima
