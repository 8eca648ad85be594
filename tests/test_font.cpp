#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include <minima/report/font.hpp>
#include <minima/report/png_chart.hpp>

using namespace minima;

namespace {

// Inked pixels (darker than a light grey) inside [x0, x1) x [y0, y1).
size_t ink_in(const RgbImage& image, int x0, int y0, int x1, int y1) {
  size_t n = 0;
  for (int y = std::max(0, y0); y < std::min(image.height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(image.width, x1); ++x) n += image.at(x, y).r < 160;
  return n;
}

}  // namespace

TEST_CASE("Font: widths from the font's metrics, drawing inks pixels on the baseline's right") {
  const Font& font = ui_font();
  CHECK(font.width("WWW", 20) > 2 * font.width("iii", 20));
  CHECK(font.width("", 20) == 0);
  CHECK(font.width("\u2265 97%", 20) > font.width("97%", 20));  // a real glyph for U+2265
  int min_x = 1000, max_x = -1000, min_y = 1000, max_y = -1000;
  float total = 0;
  font.draw("H", 40, [&](int dx, int dy, float coverage) {
    min_x = std::min(min_x, dx), max_x = std::max(max_x, dx);
    min_y = std::min(min_y, dy), max_y = std::max(max_y, dy);
    total += coverage;
  });
  CHECK(min_x >= 0);
  CHECK(max_x <= int(font.width("H", 40)));
  CHECK(max_y <= 0);              // a capital sits on the baseline
  CHECK(min_y <= -27);            // ~0.73 em tall
  CHECK(total > 40 * 40 * 0.15);  // two stems and a bar
  CHECK(ui_font(FontWeight::Bold).width("H", 40) > font.width("H", 40));
}

TEST_CASE("Font: a missing font file is an error naming the file and the package to install") {
  try {
    Font font("/nonexistent-fonts/DejaVuSans.ttf");
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("/nonexistent-fonts/DejaVuSans.ttf") != std::string::npos);
    CHECK(what.find("fonts-dejavu-core") != std::string::npos);
  }
}

TEST_CASE("font_path: MINIMA_FONT_DIR overrides the folder CMake found") {
  const char* before = std::getenv("MINIMA_FONT_DIR");
  const std::string saved = before ? before : "";
  CHECK(font_path(FontWeight::Regular).find("DejaVuSans.ttf") != std::string::npos);
  setenv("MINIMA_FONT_DIR", "/somewhere/else", 1);
  CHECK(font_path(FontWeight::Bold) == "/somewhere/else/DejaVuSans-Bold.ttf");
  if (before)
    setenv("MINIMA_FONT_DIR", saved.c_str(), 1);
  else
    unsetenv("MINIMA_FONT_DIR");
}

TEST_CASE("render_rgb: a label's text inks pixels where the layout puts it, and only there") {
  Chart plain;
  plain.title = " ";  // the same layout as with a title, with no ink
  plain.series.push_back({"", {0, 1}, {0, 1}, {}});
  Chart titled = plain;
  titled.title = "Accuracy";
  const RgbImage without = render_rgb(plain, 600, 400, 1);
  const RgbImage with = render_rgb(titled, 600, 400, 1);
  const ChartLayout layout = layout_chart(titled, 600, 400, png_text_width);
  const double half = ui_font(FontWeight::Bold).width("Accuracy", FontSizes::title) / 2;  // bold
  const int cx = int(layout.plot.x + layout.plot.w / 2), cy = int(10 + FontSizes::title * 0.6);
  CHECK(ink_in(without, cx - int(half), cy - 10, cx + int(half), cy + 10) == 0);
  CHECK(ink_in(with, cx - int(half), cy - 10, cx + int(half), cy + 10) > 60);
  // Nothing beyond the title's measured width: the font's metrics place it.
  CHECK(ink_in(with, cx + int(half) + 3, cy - 10, cx + int(half) + 40, cy + 10) == 0);
  CHECK(ink_in(with, cx - int(half) - 40, cy - 10, cx - int(half) - 3, cy + 10) == 0);
}
