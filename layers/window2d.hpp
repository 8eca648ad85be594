#pragma once
// The geometry shared by conv2d and the poolings: a square window of side
// `kernel` sliding with `stride` over each channel of an image [C, H, W]
// padded with `padding` on every side (PyTorch's meaning). Per dimension:
//   H' = floor((H + 2 padding - kernel) / stride) + 1.
// Shape legend for images: C channels, H x W pixels in, H' x W' out,
// P = H' W' output positions, kk = kernel^2 window elements.
#include <cstdint>
#include <string>
#include <vector>

#include <minima/core/shape.hpp>

namespace minima {

struct Window2d {
  int64_t kernel = 1, stride = 1, padding = 0;

  // Throws OptionError (owner: the layer type) for a kernel or stride < 1
  // or a negative padding, or padding > kernel / 2 where max_half_padding.
  void check(const std::string& owner, bool max_half_padding) const;
  int64_t out(int64_t in) const { return (in + 2 * padding - kernel) / stride + 1; }
  // [C, H, W] -> [channels, H', W']; throws std::invalid_argument naming
  // `owner` when the input is not an image or smaller than the window.
  Shape output_shape(const Shape& input, int64_t channels, const std::string& owner) const;
  // offsets[p * kk + q]: the pixel ih * W + iw under window element
  // q = ki * kernel + kj at output position p = oh * W' + ow, with
  // ih = oh * stride - padding + ki (iw likewise); -1 in the padding.
  std::vector<int32_t> offsets(int64_t h, int64_t w) const;
  // The output positions o in [begin, end) at which window element
  // `element` (0 .. kernel - 1) lies inside an input of length `in`:
  //   0 <= o stride - padding + element < in.
  struct Span {
    int64_t begin, end;
  };
  Span inside(int64_t in, int64_t element) const;
  // Window element (ki, kj) over an h x w plane, output row by output row:
  // visit(position, pixel, count) for each run of `count` output positions
  // position, position + 1, ... (oh W' + ow) whose element lies inside,
  // at pixels pixel, pixel + stride, ... (ih w + iw); positions whose
  // element falls in the padding are left out.
  template <class Visit>
  void for_each_run(int64_t h, int64_t w, int64_t ki, int64_t kj, const Visit& visit) const {
    const Span rows = inside(h, ki), columns = inside(w, kj);
    for (int64_t oh = rows.begin; oh < rows.end; ++oh)
      visit(oh * out(w) + columns.begin,
            (oh * stride - padding + ki) * w + columns.begin * stride - padding + kj,
            columns.end - columns.begin);
  }
};

}  // namespace minima
