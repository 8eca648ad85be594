#include <minima/data/image_prep.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string_view>

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <minima/core/atomic_file.hpp>
#include <minima/data/jpeg_decoder.hpp>

namespace minima {
namespace {

constexpr int kField = 28;  // MNIST's image side
constexpr int kBox = 20;    // the side of the box a digit is scaled into
// After the contrast stretch, values at or above kInk are the digit (they
// set its bounding box); values below kNoise are set to 0 (paper texture,
// JPEG ringing).
constexpr int kInk = 64;
constexpr int kNoise = 32;
// A digit must differ from the background by at least this much.
constexpr int kMinContrast = 32;

struct StbiFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

// stb_image keeps its last failure reason until the next failure, so a
// reason read after a call may be an earlier file's. clear_stb_reason()
// sets a known one (by failing on no bytes) and returns it; stb_reason()
// then yields "" unless a later failure replaced it.
const char* clear_stb_reason() {
  int w = 0, h = 0, c = 0;
  stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(""), 0, &w, &h, &c);
  return stbi_failure_reason();
}

std::string stb_reason(const char* cleared) {
  const char* reason = stbi_failure_reason();
  return reason && reason != cleared ? reason : "";
}

// Whether the bytes start like a PNG, BMP or GIF file (the formats stb
// decodes here; JPEGs go to libjpeg-turbo).
bool stb_signature(const stbi_uc* data, int length) {
  const auto starts_with = [&](std::string_view signature) {
    return length >= int(signature.size()) &&
           std::memcmp(data, signature.data(), signature.size()) == 0;
  };
  return starts_with("\x89PNG\r\n\x1a\n") || starts_with("BM") || starts_with("GIF8");
}

// Why `stbi_info_from_memory` refused the bytes. It tries every format in
// turn, so its own reason is the last format's ("unknown image type") even
// when an earlier one recognised the file and refused its header (a
// 100000 x 100000 PNG: "too large"). For a PNG, BMP or GIF signature, the loader picks that
// format's decoder, which runs the same header checks first and fails where the header reader did,
// before decoding anything: its reason is the real one. Other bytes never reach a decoder (stb's
// less common ones, such as TGA, read garbage unsafely).
std::string info_failure(const stbi_uc* data, int length) {
  if (!stb_signature(data, length)) return "unknown image type";
  const char* cleared = clear_stb_reason();
  int w = 0, h = 0, c = 0;
  std::unique_ptr<stbi_uc, StbiFree> pixels(stbi_load_from_memory(data, length, &w, &h, &c, 1));
  const std::string reason = pixels ? "" : stb_reason(cleared);
  return reason.empty() ? "unknown image type" : reason;
}

std::string decode_error(const std::string& path, const std::string& reason) {
  if (reason == "unknown image type")
    return path + ": not a PNG, JPEG, BMP or GIF image (stb_image: " + reason + ")";
  return path +
         ": cannot decode the image (stb_image: " + (reason.empty() ? "gave no reason" : reason) +
         ")";
}

// Median of the values on the image's outer border: the background level.
int border_median(const Image& gray) {
  std::vector<uint8_t> border;
  for (int x = 0; x < gray.width; ++x) {
    border.push_back(gray.at(x, 0));
    border.push_back(gray.at(x, gray.height - 1));
  }
  for (int y = 1; y + 1 < gray.height; ++y) {
    border.push_back(gray.at(0, y));
    border.push_back(gray.at(gray.width - 1, y));
  }
  auto middle = border.begin() + std::ptrdiff_t(border.size() / 2);
  std::nth_element(border.begin(), middle, border.end());
  return *middle;
}

// Light digit on black: inverts a light background, then maps the
// background level to 0 and the brightest value to 255.
Image digit_on_black(const Image& gray, const std::string& source) {
  const int background = border_median(gray);
  const bool invert = background > 127;
  Image out = gray;
  if (invert)
    for (uint8_t& v : out.pixels) v = uint8_t(255 - v);
  const int floor = invert ? 255 - background : background;
  const int peak = *std::max_element(out.pixels.begin(), out.pixels.end());
  if (peak - floor < kMinContrast)
    throw std::invalid_argument(
        source + ": no digit found (the image is almost uniform: background " +
        std::to_string(background) + ", contrast " + std::to_string(peak - floor) + ")");
  for (uint8_t& v : out.pixels) {
    const int stretched =
        int(std::lround(double(std::max(0, v - floor)) * 255.0 / double(peak - floor)));
    v = uint8_t(stretched < kNoise ? 0 : std::min(255, stretched));
  }
  return out;
}

struct Box {
  int x0, y0, x1, y1;  // inclusive
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

Box ink_box(const Image& gray) {
  Box box{gray.width, gray.height, -1, -1};
  for (int y = 0; y < gray.height; ++y)
    for (int x = 0; x < gray.width; ++x)
      if (gray.at(x, y) >= kInk)
        box = {std::min(box.x0, x), std::min(box.y0, y), std::max(box.x1, x), std::max(box.y1, y)};
  return box;  // never empty: the stretch maps the peak to 255
}

// Where a patch of `size` pixels with centre of mass `com` starts so that
// the centre lands on pixel kField/2, kept inside the field.
int placement(double com, int size) {
  return std::clamp(int(std::lround(kField / 2.0 - com)), 0, kField - size);
}

}  // namespace

namespace {

void check_size(const std::string& path, int width, int height, const ImageLimits& limits) {
  if (width <= 0 || height <= 0 || width > limits.max_side || height > limits.max_side ||
      int64_t(width) * height > limits.max_pixels)
    throw std::runtime_error(path + ": image of " + std::to_string(width) + " x " +
                             std::to_string(height) + " pixels is outside the limits (1 to " +
                             std::to_string(limits.max_side) + " per side, at most " +
                             std::to_string(limits.max_pixels) + " pixels)");
}

// A JPEG has no alpha channel: its decoded values are the image.
Image load_jpeg(const std::string& path, const std::string& bytes, int channels,
                const ImageLimits& limits) {
  try {
    const JpegSize size = jpeg_size(bytes);
    check_size(path, size.width, size.height, limits);
    return {size.width, size.height, channels, decode_jpeg(bytes, channels)};
  } catch (const std::runtime_error& e) {
    const std::string reason = e.what();
    if (reason.rfind(path, 0) == 0) throw;  // check_size's message
    throw std::runtime_error(path + ": cannot decode the JPEG image (" + reason + ")");
  }
}

// PNG, BMP and GIF through stb_image, decoded with an alpha channel and
// composited over white.
Image load_with_stb(const std::string& path, const std::string& bytes, int channels,
                    const ImageLimits& limits) {
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int length = int(bytes.size());
  int width = 0, height = 0, file_channels = 0;
  if (!stb_signature(data, length) ||
      !stbi_info_from_memory(data, length, &width, &height, &file_channels))
    throw std::runtime_error(decode_error(path, info_failure(data, length)));
  // A top-down BMP stores its height negated; stb's header reader passes
  // that on, its loader flips the rows and reports the magnitude.
  if (height < 0 && height != INT_MIN) height = -height;
  check_size(path, width, height, limits);

  const int with_alpha = channels + 1;
  int got_w = 0, got_h = 0, ignored = 0;
  const char* cleared = clear_stb_reason();
  std::unique_ptr<stbi_uc, StbiFree> decoded(
      stbi_load_from_memory(data, length, &got_w, &got_h, &ignored, with_alpha));
  if (!decoded) throw std::runtime_error(decode_error(path, stb_reason(cleared)));
  Image image{got_w, got_h, channels,
              std::vector<uint8_t>(size_t(got_w) * size_t(got_h) * size_t(channels))};
  const stbi_uc* in = decoded.get();
  for (size_t p = 0; p < size_t(got_w) * size_t(got_h); ++p) {
    const int alpha = in[p * size_t(with_alpha) + size_t(channels)];
    // v over white: (v a + 255 (255 - a)) / 255, rounded.
    for (int c = 0; c < channels; ++c)
      image.pixels[p * size_t(channels) + size_t(c)] = uint8_t(
          (in[p * size_t(with_alpha) + size_t(c)] * alpha + 255 * (255 - alpha) + 127) / 255);
  }
  return image;
}

}  // namespace

Image load_image(const std::string& path, int channels, const ImageLimits& limits) {
  if (channels != 1 && channels != 3)
    throw std::invalid_argument("load_image: channels must be 1 or 3");
  const std::string bytes = read_file(path, limits.max_file_bytes);
  if (bytes.empty()) throw std::runtime_error(path + ": empty file");
  return is_jpeg(bytes) ? load_jpeg(path, bytes, channels, limits)
                        : load_with_stb(path, bytes, channels, limits);
}

Image resize_image(const Image& image, int width, int height) {
  if (width == image.width && height == image.height) return image;
  Image out{width, height, image.channels,
            std::vector<uint8_t>(size_t(width) * size_t(height) * size_t(image.channels))};
  if (!stbir_resize_uint8(image.pixels.data(), image.width, image.height, 0, out.pixels.data(),
                          width, height, 0, image.channels))
    throw std::runtime_error("resize_image: stb_image_resize failed");
  return out;
}

std::vector<uint8_t> channels_first(const Image& image) {
  const size_t plane = size_t(image.width) * size_t(image.height);
  std::vector<uint8_t> planar(image.pixels.size());
  for (size_t p = 0; p < plane; ++p)
    for (int c = 0; c < image.channels; ++c)
      planar[size_t(c) * plane + p] = image.pixels[p * size_t(image.channels) + size_t(c)];
  return planar;
}

Image from_channels_first(const uint8_t* planar, int width, int height, int channels) {
  const size_t plane = size_t(width) * size_t(height);
  Image image{width, height, channels, std::vector<uint8_t>(plane * size_t(channels))};
  for (size_t p = 0; p < plane; ++p)
    for (int c = 0; c < channels; ++c)
      image.pixels[p * size_t(channels) + size_t(c)] = planar[size_t(c) * plane + p];
  return image;
}

CentreOfMass centre_of_mass(const Image& gray) {
  double sum = 0, sum_x = 0, sum_y = 0;
  for (int y = 0; y < gray.height; ++y)
    for (int x = 0; x < gray.width; ++x) {
      const double v = gray.at(x, y);
      sum += v;
      sum_x += v * x;
      sum_y += v * y;
    }
  if (sum == 0) return {(gray.width - 1) / 2.0, (gray.height - 1) / 2.0};
  return {sum_x / sum, sum_y / sum};
}

Image prepare_like_mnist(const Image& gray, const std::string& source) {
  if (gray.channels != 1)
    throw std::invalid_argument(source + ": prepare_like_mnist needs a gray image");
  const Image digit = digit_on_black(gray, source);
  const Box box = ink_box(digit);

  // Crop to the bounding box, scale its longer side to kBox.
  Image crop{box.width(), box.height(), 1, {}};
  for (int y = box.y0; y <= box.y1; ++y)
    crop.pixels.insert(crop.pixels.end(),
                       digit.pixels.begin() + std::ptrdiff_t(y * digit.width + box.x0),
                       digit.pixels.begin() + std::ptrdiff_t(y * digit.width + box.x1 + 1));
  const double scale = double(kBox) / std::max(box.width(), box.height());
  const Image patch = resize_image(crop, std::max(1, int(std::lround(box.width() * scale))),
                                   std::max(1, int(std::lround(box.height() * scale))));

  // Translate so that the centre of mass sits at the field's centre.
  const CentreOfMass com = centre_of_mass(patch);
  const int left = placement(com.x, patch.width), top = placement(com.y, patch.height);
  Image field{kField, kField, 1, std::vector<uint8_t>(kField * kField, 0)};
  for (int y = 0; y < patch.height; ++y)
    std::copy_n(patch.pixels.begin() + std::ptrdiff_t(y * patch.width), patch.width,
                field.pixels.begin() + std::ptrdiff_t((top + y) * kField + left));
  return field;
}

void write_png(const std::string& path, const Image& image) {
  std::string bytes;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
  };
  if (!stbi_write_png_to_func(append, &bytes, image.width, image.height, image.channels,
                              image.pixels.data(), image.width * image.channels))
    throw std::runtime_error(path + ": cannot write: PNG encoding failed");
  write_file_atomically(path, bytes);
}

}  // namespace minima
