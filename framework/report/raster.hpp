#pragma once
// Drawing on an Image (minima/data/image_prep.hpp) for pictures of results:
// filled rectangles, zoomed images and text in stb_easy_font's bitmap
// glyphs (ASCII, other characters transliterated by to_ascii; a glyph is
// about 6 x 12 font units).
#include <array>
#include <cstdint>
#include <string>

#include <minima/data/image_prep.hpp>

namespace minima {

// Channel values; a gray image uses only the first.
using Color = std::array<uint8_t, 3>;
inline Color gray_level(uint8_t v) { return {v, v, v}; }

// A width x height image of 1 or 3 channels filled with `background`.
Image make_canvas(int width, int height, int channels, Color background);

// Fills pixels [x0, x1) x [y0, y1), clipped to the image.
void fill_rect(Image& image, int x0, int y0, int x1, int y1, Color color);

// Draws a gray or RGB image with its top-left at (x, y), each pixel as a
// zoom x zoom square, clipped to the canvas.
void draw_zoomed(Image& canvas, int x, int y, const Image& image, int zoom);

// `text` with non-ASCII characters replaced by ASCII look-alikes
// ("\u2014" -> "-", "\u00d7" -> "x"), others by "?".
std::string to_ascii(const std::string& text);

// Draws `text` with its top-left at (x, y), `scale` pixels per font unit.
void draw_text(Image& canvas, int x, int y, const std::string& text, Color color, int scale = 1);
// The size `text` takes in pixels at `scale`.
int text_width(const std::string& text, int scale = 1);
int text_height(const std::string& text, int scale = 1);

}  // namespace minima
