#pragma once
// Images in: decoding PNG/BMP/GIF files (stb_image) and JPEG files
// (libjpeg-turbo, jpeg_decoder.hpp) with their size
// checked before decoding, resizing (stb_image_resize), and preparing a
// photo or drawing of a digit the way MNIST's digits were prepared.
//
// MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/): "size normalized
// to fit in a 20x20 pixel box while preserving their aspect ratio ...
// centered in a 28x28 image by computing the center of mass of the pixels,
// and translating the image so as to position this point at the center of
// the 28x28 field." Digits are light on a black background.
#include <cstdint>
#include <string>
#include <vector>

namespace minima {

// 8-bit pixels, row-major, `channels` interleaved values per pixel
// (1 = gray, 3 = RGB).
struct Image {
  int width = 0, height = 0, channels = 1;
  std::vector<uint8_t> pixels;  // [height, width, channels]

  uint8_t at(int x, int y, int c = 0) const {
    return pixels[(size_t(y) * size_t(width) + size_t(x)) * size_t(channels) + size_t(c)];
  }
};

// Caps checked from the file's header before anything is decoded.
struct ImageLimits {
  int64_t max_file_bytes = int64_t(64) << 20;
  int max_side = 16384;                    // pixels per side
  int64_t max_pixels = int64_t(64) << 20;  // width * height
};

// Decodes `path` into `channels` (1 or 3) channels; a transparent image is
// composited over white first (a transparent background reads as paper).
// Errors are std::runtime_error starting with the path: "<path>: empty
// file", "<path>: not a PNG, JPEG, BMP or GIF image (stb_image: ...)",
// "<path>: cannot decode the JPEG image (libjpeg-turbo: ...)",
// "<path>: image of 100000 x 100000 pixels exceeds the limit of ...".
Image load_image(const std::string& path, int channels, const ImageLimits& limits = {});

// `image` resized to exactly width x height (aspect not kept).
Image resize_image(const Image& image, int width, int height);

// The pixels channel by channel, [channels, height, width] (the layout of a
// data set's samples, PyTorch's): planar[c][y][x] = image.at(x, y, c).
std::vector<uint8_t> channels_first(const Image& image);
// The inverse: an Image from `planar` pixels [channels, height, width].
Image from_channels_first(const uint8_t* planar, int width, int height, int channels);

// A gray image of a digit prepared like MNIST's digits, into a 28x28 gray
// image: a light background is inverted to black (the background is the
// median of the border pixels), the background level is subtracted and the
// contrast stretched to 0..255, the digit's bounding box is scaled to fit
// 20x20 keeping its aspect ratio, and placed so that its centre of mass is
// at pixel (14, 14) (pixel coordinates: column, row index) when the whole
// digit still fits, else as close as fits. Throws std::invalid_argument for
// an image without a digit (uniform), naming `source`.
Image prepare_like_mnist(const Image& gray, const std::string& source);

// Centre of mass (x, y) of a gray image's values, in pixel index coordinates.
struct CentreOfMass {
  double x = 0, y = 0;
};
CentreOfMass centre_of_mass(const Image& gray);

// Writes a PNG atomically. std::runtime_error "<path>: cannot write: ..." on failure.
void write_png(const std::string& path, const Image& image);

}  // namespace minima
