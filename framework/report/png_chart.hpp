#pragma once
// Rasterizes a Chart (same layout and drawing as the SVG) to an RGB image
// and writes it as PNG. Lines are anti-aliased by supersampling; text is
// DejaVu Sans drawn by stb_truetype (font.hpp), any Unicode it covers.
// A picture at `scale` s is laid out on width / s x height / s px and drawn
// s times larger: the default 1600 x 1000 PNG is an 800 x 500 chart at
// twice the size, its text legible on a projected slide.
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

RgbImage render_rgb(const Chart& chart, int width, int height, double scale = 1);
// Renders and writes `path` atomically (write_file_atomically).
void write_png_chart(const Chart& chart, const std::string& path, int width = 1600,
                     int height = 1000, double scale = 2);

// Width in px of `text` in the PNG's font at `size` px (from its metrics).
double png_text_width(const std::string& text, double size);

}  // namespace minima
