#include "tests/idx_fixtures.hpp"

#include <zlib.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace minima::test {

Bytes big_endian(std::initializer_list<uint32_t> words) {
  Bytes bytes;
  for (uint32_t w : words)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(w >> shift));
  return bytes;
}

Bytes idx_images(uint32_t count, uint32_t rows, uint32_t cols, const Bytes& pixels) {
  Bytes bytes = big_endian({2051, count, rows, cols});
  bytes.insert(bytes.end(), pixels.begin(), pixels.end());
  return bytes;
}

Bytes idx_labels(const Bytes& labels) {
  Bytes bytes = big_endian({2049, uint32_t(labels.size())});
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}

void write_raw(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error(path + ": cannot write test file");
}

void write_gzip(const std::string& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error(path + ": cannot open test file for gzip");
  const int written = bytes.empty() ? 0 : gzwrite(file, bytes.data(), unsigned(bytes.size()));
  if (gzclose(file) != Z_OK || written != int(bytes.size()))
    throw std::runtime_error(path + ": cannot write gzip");
}

Bytes read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace minima::test
