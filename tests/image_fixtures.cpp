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

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace minima::test
