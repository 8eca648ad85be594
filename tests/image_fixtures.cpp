#include "tests/image_fixtures.hpp"

#include <fstream>
#include <stdexcept>

#include <zlib.h>

namespace minima::test {

namespace {

void append_be32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 0xff);
}

}  // namespace

std::string png_header_only(uint32_t width, uint32_t height) {
  // PNG: 8-byte signature, then chunks (length, type, data, CRC-32 of type + data).
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr = "IHDR";
  append_be32(ihdr, width);
  append_be32(ihdr, height);
  ihdr += std::string("\x08\x00\x00\x00\x00",
                      5);  // 8-bit gray, deflate, no filter method, no interlace
  append_be32(png, uint32_t(ihdr.size() - 4));
  png += ihdr;
  append_be32(png,
              uint32_t(crc32(0, reinterpret_cast<const Bytef*>(ihdr.data()), uInt(ihdr.size()))));
  return png;
}

std::string bmp_top_down(int width, int height, const std::vector<uint8_t>& gray) {
  const auto le = [](std::string& out, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += char((v >> (8 * i)) & 0xff);
  };
  const int row_bytes = (3 * width + 3) / 4 * 4;  // rows are padded to 4 bytes
  std::string bmp = "BM";
  le(bmp, uint32_t(54 + row_bytes * height), 4);  // file size
  le(bmp, 0, 4);                                  // reserved
  le(bmp, 54, 4);                                 // pixel data offset
  le(bmp, 40, 4);                                 // BITMAPINFOHEADER size
  le(bmp, uint32_t(width), 4);
  le(bmp, uint32_t(-height), 4);              // negative: top-down
  le(bmp, 1, 2);                              // planes
  le(bmp, 24, 2);                             // bits per pixel
  for (int i = 0; i < 6; ++i) le(bmp, 0, 4);  // no compression, sizes, palette
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) bmp += std::string(3, char(gray[size_t(y * width + x)]));
    bmp += std::string(size_t(row_bytes - 3 * width), '\0');
  }
  return bmp;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace minima::test
