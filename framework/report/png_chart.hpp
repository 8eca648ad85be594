#pragma once
// Rasterizes a Chart (same layout and drawing as the SVG) to an RGB image
// and writes it as PNG. Lines are anti-aliased by 3x supersampling; text
// uses stb_easy_font's segment glyphs (ASCII; other characters are
// transliterated: "—" -> "-", "×" -> "x").
#include <cstdint>
#include <string>
#include <vector>

#include <minima/report/chart.hpp>

namespace minima {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // row-major, 3 bytes per pixel
  Rgb at(int x, int y) const {
    const uint8_t* p = &pixels[(size_t(y) * size_t(width) + size_t(x)) * 3];
    return {p[0], p[1], p[2]};
  }
};

RgbImage render_rgb(const Chart& chart, int width, int height);
// Renders and writes `path` atomically (write_file_atomically).
void write_png_chart(const Chart& chart, const std::string& path, int width = 960,
                     int height = 560);

// Width in px of `text` in the PNG's bitmap font at `size` px.
double png_text_width(const std::string& text, double size);
// `text` with non-ASCII characters replaced by ASCII look-alikes.
std::string to_ascii(const std::string& text);

}  // namespace minima
