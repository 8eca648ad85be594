#include <doctest/doctest.h>

#include <minima/report/raster.hpp>

using namespace minima;

namespace {

// Pixels whose first channel differs from `background`, and their bounding box.
struct Marked {
  int count = 0, x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
};

Marked marked(const Image& image, uint8_t background) {
  Marked m;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.at(x, y) != background) {
        ++m.count;
        m.x0 = std::min(m.x0, x), m.y0 = std::min(m.y0, y), m.x1 = std::max(m.x1, x),
        m.y1 = std::max(m.y1, y);
      }
  return m;
}

}  // namespace

TEST_CASE("fill_rect clips to the image and writes every channel") {
  Image canvas = make_canvas(4, 3, 3, {1, 2, 3});
  fill_rect(canvas, -2, 1, 2, 10, {200, 100, 50});
  CHECK(canvas.at(0, 0, 2) == 3);
  CHECK(canvas.at(1, 2, 0) == 200);
  CHECK(canvas.at(1, 2, 1) == 100);
  CHECK(canvas.at(1, 2, 2) == 50);
  CHECK(canvas.at(2, 2, 0) == 1);
}

TEST_CASE("draw_zoomed turns each pixel into a zoom x zoom square") {
  const Image gray{2, 1, 1, {10, 250}};
  Image canvas = make_canvas(8, 5, 3, gray_level(0));
  draw_zoomed(canvas, 1, 1, gray, 3);
  CHECK(canvas.at(0, 0) == 0);
  CHECK(canvas.at(1, 1) == 10);
  CHECK(canvas.at(3, 3, 2) == 10);
  CHECK(canvas.at(4, 1, 1) == 250);
  CHECK(canvas.at(6, 3) == 250);
  CHECK(canvas.at(7, 4) == 0);
}

TEST_CASE("draw_text inks glyphs inside the box text_width x text_height, growing with scale") {
  for (int scale : {1, 2}) {
    CAPTURE(scale);
    Image canvas = make_canvas(80, 40, 1, gray_level(255));
    draw_text(canvas, 5, 6, "7 -> 1", gray_level(0), scale);
    const Marked m = marked(canvas, 255);
    CHECK(m.count > 10 * scale * scale);
    CHECK(m.x0 >= 5);
    CHECK(m.y0 >= 6);
    CHECK(m.x1 < 5 + text_width("7 -> 1", scale));
    CHECK(m.y1 < 6 + text_height("7 -> 1", scale));
    CHECK(m.x1 >= 5 + text_width("7 -> 1", scale) - 4 * scale);  // the last glyph reaches the end
  }
  CHECK(text_width("12", 1) == 12);  // digits advance 6 units
  CHECK(text_width("12", 3) == 36);
  // Non-ASCII characters draw as look-alikes or '?' instead of reading past the font's table.
  Image a = make_canvas(30, 20, 1, gray_level(0)), b = a;
  draw_text(a, 0, 0,
            "2\xc3\x97"
            "3 \xe2\x82\xac",
            gray_level(255));  // "2×3 €"
  draw_text(b, 0, 0, "2x3 ?", gray_level(255));
  CHECK(a.pixels == b.pixels);
}

TEST_CASE("to_ascii: look-alikes for the symbols reports use, ? for the rest") {
  CHECK(to_ascii("\u226598% \u2014 3.0\u00d7 \u03b1") == ">=98% - 3.0x ?");
}
