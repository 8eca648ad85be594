#include <minima/report/raster.hpp>

#include <algorithm>
#include <cstring>
#include <vector>

// stb_easy_font is header-only with static functions; not all are used here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

namespace minima {
namespace {

// stb_easy_font indexes a table by (char - 32): printable ASCII only.
std::vector<char> printable(const std::string& text) {
  const std::string ascii = to_ascii(text);
  std::vector<char> out(ascii.begin(), ascii.end());
  out.push_back('\0');
  return out;
}

}  // namespace

std::string to_ascii(const std::string& text) {
  static const std::pair<const char*, const char*> lookalikes[] = {
      {"\u2014", "-"},  {"\u2013", "-"}, {"\u2212", "-"},   {"\u00d7", "x"}, {"\u2265", ">="},
      {"\u2264", "<="}, {"\u00b5", "u"}, {"\u2026", "..."}, {"\u00b7", "."}, {"\u2248", "~"}};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    if (c < 0x80) {
      out += c >= 32 && c < 127 ? char(c) : ' ';
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    len = std::min(len, text.size() - i);
    const char* replacement = "?";
    for (const auto& [from, to] : lookalikes)
      if (text.compare(i, len, from) == 0) replacement = to;
    out += replacement;
    i += len;
  }
  return out;
}

Image make_canvas(int width, int height, int channels, Color background) {
  Image image{width, height, channels,
              std::vector<uint8_t>(size_t(width) * size_t(height) * size_t(channels))};
  fill_rect(image, 0, 0, width, height, background);
  return image;
}

void fill_rect(Image& image, int x0, int y0, int x1, int y1, Color color) {
  x0 = std::max(x0, 0), y0 = std::max(y0, 0);
  x1 = std::min(x1, image.width), y1 = std::min(y1, image.height);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x)
      for (int c = 0; c < image.channels; ++c)
        image.pixels[(size_t(y) * size_t(image.width) + size_t(x)) * size_t(image.channels) +
                     size_t(c)] = color[size_t(c)];
}

void draw_zoomed(Image& canvas, int x, int y, const Image& image, int zoom) {
  for (int row = 0; row < image.height; ++row)
    for (int col = 0; col < image.width; ++col) {
      const Color color = image.channels == 1 ? gray_level(image.at(col, row))
                                              : Color{image.at(col, row, 0), image.at(col, row, 1),
                                                      image.at(col, row, 2)};
      fill_rect(canvas, x + col * zoom, y + row * zoom, x + (col + 1) * zoom, y + (row + 1) * zoom,
                color);
    }
}

void draw_text(Image& canvas, int x, int y, const std::string& text, Color color, int scale) {
  std::vector<char> chars = printable(text);
  // Each glyph is a few axis-aligned quads: 4 vertices of {float x, y, z; uint8 rgba[4]}.
  struct Vertex {
    float x, y, z;
    unsigned char rgba[4];
  };
  std::vector<Vertex> vertices(chars.size() * 4 * 24);
  const int quads = stb_easy_font_print(0, 0, chars.data(), nullptr, vertices.data(),
                                        int(vertices.size() * sizeof(Vertex)));
  for (int q = 0; q < quads; ++q) {
    const Vertex* v =
        &vertices[size_t(q) * 4];  // corners: top-left, top-right, bottom-right, bottom-left
    fill_rect(canvas, x + int(v[0].x * float(scale)), y + int(v[0].y * float(scale)),
              x + int(v[2].x * float(scale)), y + int(v[2].y * float(scale)), color);
  }
}

int text_width(const std::string& text, int scale) {
  std::vector<char> chars = printable(text);
  return stb_easy_font_width(chars.data()) * scale;
}

int text_height(const std::string& text, int scale) {
  std::vector<char> chars = printable(text);
  return stb_easy_font_height(chars.data()) * scale;
}

}  // namespace minima
