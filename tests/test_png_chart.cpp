#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>

#include <stb_image.h>

#include <minima/report/png_chart.hpp>
#include "tests/temp_dir.hpp"

using namespace minima;

namespace {

Chart two_line_chart() {
  Chart c;
  c.title = "Test accuracy \u2265 90%";
  c.x_label = "training step";
  c.y_label = "accuracy (%)";
  c.series.push_back(
      {"without BN", {0, 100, 200, 300, 400}, {10, 40, 60, 70, 75}, LineStyle::numbered(0)});
  c.series.push_back(
      {"with BN", {0, 100, 200, 300, 400}, {10, 80, 90, 95, 97}, LineStyle::numbered(1)});
  return c;
}

bool near(Rgb a, Rgb b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

size_t count_pixels(const RgbImage& image, Rgb color, int tolerance) {
  size_t n = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) n += near(image.at(x, y), color, tolerance);
  return n;
}

// Whether a pixel of `color` lies within `radius` px of (x, y).
bool color_near(const RgbImage& image, double x, double y, Rgb color, int radius) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx) {
      const int px = int(x) + dx, py = int(y) + dy;
      if (px >= 0 && py >= 0 && px < image.width && py < image.height &&
          near(image.at(px, py), color, 20))
        return true;
    }
  return false;
}

}  // namespace

TEST_CASE(
    "write_png_chart: the PNG decodes to the requested size with both lines in their colours") {
  test::TempDir dir("png_chart");
  const std::string path = dir.path("acc.png");
  const Chart chart = two_line_chart();
  write_png_chart(chart, path, 640, 400, 1);

  int w = 0, h = 0, channels = 0;
  std::unique_ptr<unsigned char, decltype(&stbi_image_free)> data(
      stbi_load(path.c_str(), &w, &h, &channels, 3), stbi_image_free);
  REQUIRE(data);
  CHECK(w == 640);
  CHECK(h == 400);
  CHECK(channels == 3);
  RgbImage image{w, h, std::vector<uint8_t>(data.get(), data.get() + size_t(w) * size_t(h) * 3)};

  CHECK(count_pixels(image, {255, 255, 255}, 0) > size_t(w * h / 2));  // mostly white background
  CHECK(count_pixels(image, style_color(0), 12) > 200);                // blue line
  CHECK(count_pixels(image, style_color(1), 12) > 150);                // vermillion dashed line
  CHECK(count_pixels(image, {34, 34, 34}, 12) > 300);                  // text

  // The lines pass where the shared layout puts the data points.
  const ChartLayout layout = layout_chart(chart, 640, 400, png_text_width);
  CHECK(color_near(image, layout.map_x(200), layout.map_y(60), style_color(0), 2));
  CHECK(color_near(image, layout.map_x(100), layout.map_y(80), style_color(1), 4));
  CHECK_FALSE(color_near(image, layout.map_x(400), layout.map_y(40), style_color(0),
                         2));  // empty plot area
}

TEST_CASE(
    "render_rgb: a filled band blends with the background, text pixels sit where labels are laid "
    "out") {
  Chart c;
  c.y_max = 2;
  c.bands.push_back({"15/50/85", {0, 10}, {-1, -1}, {0, 0}, {1, 1}, LineStyle::numbered(2)});
  const RgbImage image = render_rgb(c, 300, 200);
  const ChartLayout layout = layout_chart(c, 300, 200, png_text_width);
  // Points off the grid lines (ticks fall on multiples of 0.5 and 2).
  const Rgb inside = image.at(int(layout.map_x(5.3)), int(layout.map_y(0.37)));
  const Rgb green = style_color(2);
  // 18% of the colour over white.
  CHECK(inside.r == doctest::Approx(255 + 0.18 * (green.r - 255)).epsilon(0.02));
  CHECK(inside.g == doctest::Approx(255 + 0.18 * (green.g - 255)).epsilon(0.02));
  CHECK(color_near(image, layout.map_x(5), layout.map_y(0), green, 1));  // the median line
  CHECK(near(image.at(int(layout.map_x(5.3)), int(layout.map_y(1.63))), {255, 255, 255},
             0));  // above the band
}

TEST_CASE("render_rgb: an empty chart still draws axes, tiny canvases are refused") {
  const RgbImage image = render_rgb(Chart{}, 300, 200);
  CHECK(image.width == 300);
  CHECK(image.pixels.size() == 300u * 200u * 3u);
  CHECK(count_pixels(image, {68, 68, 68}, 30) > 500);  // frame
  CHECK_THROWS_AS(render_rgb(Chart{}, 8, 8), std::invalid_argument);
}

TEST_CASE("png_text_width from the font's metrics") {
  CHECK(png_text_width("10", 9) == doctest::Approx(2 * png_text_width("1", 9)));  // tabular digits
  CHECK(png_text_width("WWW", 12) > 2 * png_text_width("iii", 12));
  CHECK(png_text_width("\u2014", 12) > png_text_width("-", 12));  // an em dash, not a hyphen
  CHECK(png_text_width("abc", 24) == doctest::Approx(2 * png_text_width("abc", 12)));
}

TEST_CASE("write_png_chart: by default 1600 px wide, drawn at twice the layout's size") {
  test::TempDir dir("png_chart_default");
  const std::string path = dir.path("slide.png");
  Chart c = two_line_chart();
  write_png_chart(c, path);
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<unsigned char, decltype(&stbi_image_free)> data(
      stbi_load(path.c_str(), &w, &h, &channels, 3), stbi_image_free);
  REQUIRE(data);
  CHECK(w >= 1600);
  RgbImage image{w, h, std::vector<uint8_t>(data.get(), data.get() + size_t(w) * size_t(h) * 3)};
  // The bold title's ink: rows with dark pixels in the band above the plot.
  const ChartLayout layout = layout_chart(c, w / 2.0, h / 2.0, png_text_width);
  int ink_rows = 0;
  for (int y = 0; y < int(layout.plot.y * 2); ++y) {
    bool dark = false;
    for (int x = 0; x < w && !dark; ++x) dark = near(image.at(x, y), {34, 34, 34}, 40);
    ink_rows += dark;
  }
  CHECK(ink_rows >= 20);  // a 32 px title: capitals about 23 px tall
}

TEST_CASE("write_png_chart: an unwritable path is an error naming it") {
  try {
    write_png_chart(two_line_chart(), "/nonexistent-dir/x.png", 100, 100);
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("/nonexistent-dir/x.png") != std::string::npos);
  }
}
