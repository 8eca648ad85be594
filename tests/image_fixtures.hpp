#pragma once
// Generated files for the image tests: a PNG header that claims any size.
#include <cstdint>
#include <string>
#include <vector>

namespace minima::test {

// The bytes of a PNG whose header (IHDR) says width x height; its image
// data is missing, which a decoder reading only the header cannot tell.
std::string png_header_only(uint32_t width, uint32_t height);
// A 24-bit BMP stored top-down (negative height in its header, the first
// row in the file is the top one) of a gray image, width * height values.
std::string bmp_top_down(int width, int height, const std::vector<uint8_t>& gray);
// Writes raw bytes to `path`.
void write_bytes(const std::string& path, const std::string& bytes);

}  // namespace minima::test
