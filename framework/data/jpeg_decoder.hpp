#pragma once
// JPEG decoding with libjpeg-turbo (its TurboJPEG API). stb_image 2.27, the
// version Debian ships, reads out of bounds on some corrupt JPEG scan data
// (docs/reliability.md), so JPEG files never reach it.
#include <cstdint>
#include <string_view>
#include <vector>

namespace minima {

// Whether `bytes` start with a JPEG's start-of-image marker (FF D8).
bool is_jpeg(std::string_view bytes);

struct JpegSize {
  int width = 0, height = 0;
};

// The image size from the JPEG's header, without decoding. Throws
// std::runtime_error("libjpeg-turbo: <its reason>") for a broken header,
// and for one that ends before the frame header gives the size.
JpegSize jpeg_size(std::string_view bytes);

// Decodes the whole image into `channels` (1 = gray, 3 = RGB) 8-bit values
// per pixel, row-major. A warning from the decoder (truncated or corrupt
// data) is an error too: a half-decoded image is refused, never guessed at.
std::vector<uint8_t> decode_jpeg(std::string_view bytes, int channels);

}  // namespace minima
