#pragma once
// Reading IDX files, the format of MNIST and Fashion-MNIST (big-endian):
//   labels: magic 2049 (0x00000801), count, then count bytes
//   images: magic 2051 (0x00000803), count, rows, cols, then count*rows*cols bytes
// A file may be raw or gzip-compressed; the gzip magic (1f 8b) decides, not
// the file name. Headers are checked before anything is allocated: a wrong
// magic, a size that overflows or exceeds the limit, and a payload that does
// not match the header are errors (std::runtime_error starting with the path).
// Every product of header fields (count * rows * cols, and rows * cols for
// one image) is checked for overflow and against the limit.
#include <cstdint>
#include <string>
#include <vector>

namespace minima {

struct IdxLimits {
  int64_t max_bytes = int64_t(1) << 31;  // payload claims above this are refused before allocating
};

struct ImageSet {
  int64_t count = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // [count, rows, cols] row-major, count*rows*cols bytes
};

ImageSet read_idx_images(const std::string& path, const IdxLimits& limits = {});
// Only the header (count, rows, cols; pixels left empty): the input shape
// without reading the images.
ImageSet read_idx_image_header(const std::string& path, const IdxLimits& limits = {});
std::vector<uint8_t> read_idx_labels(const std::string& path, const IdxLimits& limits = {});

}  // namespace minima
