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
  // `rows` runs of `count` output positions each (oh W' + ow), run t from
  // position + t position_step at pixels (ih w + iw) pixel + t pixel_step,
  // step stride; the positions whose element falls in the padding are left
  // out. Found once per element (at build): the divisions behind it cost
  // more than copying a short run.
  struct Runs {
    int64_t rows = 0, count = 0, position = 0, pixel = 0, position_step = 0, pixel_step = 0;
    template <class Visit>
    void for_each(const Visit& visit) const {
      for (int64_t t = 0; t < rows; ++t)
        visit(position + t * position_step, pixel + t * pixel_step, count);
    }
  };
  Runs runs(int64_t h, int64_t w, int64_t ki, int64_t kj) const;
  // runs(h, w, ki, kj) of every window element q = ki kernel + kj, in order.
  std::vector<Runs> element_runs(int64_t h, int64_t w) const;

  // The copies along the runs of one window element, between a plane's
  // pixels and its output positions (all run lengths; vectorized):
  //   gather:      positions[p] = pixels[i]
  //   gather_add:  positions[p] += pixels[i]
  //   scatter_add: pixels[i] += positions[p] * scale
  // for each output position p of a run and the pixel i under it.
  void gather(const Runs& runs, const float* pixels, float* positions) const;
  void gather_add(const Runs& runs, const float* pixels, float* positions) const;
  void scatter_add(const Runs& runs, const float* positions, float scale, float* pixels) const;
};

}  // namespace minima
