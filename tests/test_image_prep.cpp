#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include <stb_image_write.h>

#include <minima/core/atomic_file.hpp>
#include <minima/data/image_prep.hpp>
#include <minima/report/raster.hpp>
#include "tests/image_fixtures.hpp"
#include "tests/temp_dir.hpp"

using namespace minima;
using minima::test::TempDir;

namespace {

// Bounding box of the pixels >= threshold.
struct Extent {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

Extent extent(const Image& gray, int threshold) {
  Extent e;
  for (int y = 0; y < gray.height; ++y)
    for (int x = 0; x < gray.width; ++x)
      if (gray.at(x, y) >= threshold) {
        e.x0 = std::min(e.x0, x), e.y0 = std::min(e.y0, y);
        e.x1 = std::max(e.x1, x), e.y1 = std::max(e.y1, y);
      }
  return e;
}

std::string load_error(const std::string& path, const ImageLimits& limits = {}) {
  try {
    load_image(path, 1, limits);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("centre_of_mass weighs pixel indices by value") {
  const Image row{3, 1, 1, {0, 100, 200}};
  CHECK(centre_of_mass(row).x == doctest::Approx(500.0 / 300.0));
  CHECK(centre_of_mass(row).y == 0.0);
  const Image column{1, 2, 1, {50, 150}};
  CHECK(centre_of_mass(column).y == doctest::Approx(0.75));
}

TEST_CASE(
    "prepare_like_mnist: a dark bar on light paper is inverted, fit into 20x20 with its aspect, "
    "centred by mass") {
  // A 120 x 30 bar (aspect 4:1), off-centre in a 200 x 100 image.
  Image paper = make_canvas(200, 100, 1, gray_level(230));
  fill_rect(paper, 30, 50, 150, 80, gray_level(20));
  const Image digit = prepare_like_mnist(paper, "bar");

  REQUIRE(digit.width == 28);
  REQUIRE(digit.height == 28);
  CHECK(digit.channels == 1);
  // Inverted: the corners (paper) are black, the bar is at full brightness.
  CHECK(digit.at(0, 0) == 0);
  CHECK(digit.at(27, 27) == 0);
  CHECK(digit.at(14, 14) == 255);
  // Every non-zero pixel lies in a 20 x 5 box (120 x 30 scaled by 1/6).
  const Extent ink = extent(digit, 1);
  CHECK(ink.width() == 20);
  CHECK(ink.height() == 5);
  const CentreOfMass com = centre_of_mass(digit);
  CHECK(std::abs(com.x - 14.0) <= 0.5);
  CHECK(std::abs(com.y - 14.0) <= 0.5);
}

TEST_CASE(
    "prepare_like_mnist keeps a tall digit's aspect and treats light-on-dark like dark-on-light") {
  Image dark_on_light = make_canvas(60, 90, 1, gray_level(255));
  fill_rect(dark_on_light, 10, 5, 25, 65, gray_level(0));  // 15 x 60: 1:4
  Image light_on_dark = make_canvas(60, 90, 1, gray_level(0));
  fill_rect(light_on_dark, 10, 5, 25, 65, gray_level(255));

  const Image a = prepare_like_mnist(dark_on_light, "a");
  const Image b = prepare_like_mnist(light_on_dark, "b");
  CHECK(a.pixels == b.pixels);
  const Extent ink = extent(a, 1);
  CHECK(ink.width() == 5);
  CHECK(ink.height() == 20);
  CHECK(std::abs(centre_of_mass(a).x - 14.0) <= 0.5);
  CHECK(std::abs(centre_of_mass(a).y - 14.0) <= 0.5);
}

TEST_CASE(
    "prepare_like_mnist scales a small digit up to 20 pixels and ignores faint paper texture") {
  Image paper = make_canvas(40, 40, 1, gray_level(200));
  for (int x = 0; x < 40; x += 3) paper.pixels[size_t(x)] = 185;  // faint texture in the top row
  fill_rect(paper, 2, 30, 12, 38, gray_level(40));                // a 10 x 8 blot near a corner
  const Image digit = prepare_like_mnist(paper, "small");
  const Extent ink = extent(digit, 1);
  CHECK(ink.width() == 20);
  CHECK(ink.height() == 16);
  CHECK(std::abs(centre_of_mass(digit).x - 14.0) <= 0.5);
  CHECK(std::abs(centre_of_mass(digit).y - 14.0) <= 0.5);
}

TEST_CASE("prepare_like_mnist refuses an image without a digit") {
  Image blank = make_canvas(30, 30, 1, gray_level(240));
  blank.pixels[100] = 225;
  CHECK_THROWS_WITH_AS(
      prepare_like_mnist(blank, "blank.png"),
      "blank.png: no digit found (the image is almost uniform: background 240, contrast 15)",
      std::invalid_argument);
}

TEST_CASE(
    "load_image reads PNG, BMP and JPEG, converts to gray and composites transparency over white") {
  TempDir dir("image_load");
  Image rgb = make_canvas(8, 6, 3, gray_level(0));
  for (int x = 0; x < 8; ++x) rgb.pixels[size_t(x) * 3] = 255;  // top row red
  write_png(dir.path("red.png"), rgb);
  REQUIRE(stbi_write_bmp(dir.path("red.bmp").c_str(), 8, 6, 3, rgb.pixels.data()));

  const Image png = load_image(dir.path("red.png"), 1);
  CHECK(png.width == 8);
  CHECK(png.height == 6);
  CHECK(png.channels == 1);
  // stb_image's luma: (77 r + 150 g + 29 b) >> 8.
  CHECK(png.at(3, 0) == (77 * 255) >> 8);
  CHECK(png.at(3, 1) == 0);
  CHECK(load_image(dir.path("red.bmp"), 1).pixels == png.pixels);
  CHECK(load_image(dir.path("red.png"), 3).pixels == rgb.pixels);

  Image gray = make_canvas(16, 16, 1, gray_level(0));
  fill_rect(gray, 4, 4, 12, 12, gray_level(255));
  REQUIRE(stbi_write_jpg(dir.path("square.jpg").c_str(), 16, 16, 1, gray.pixels.data(), 95));
  const Image jpg = load_image(dir.path("square.jpg"), 1);
  CHECK(jpg.at(8, 8) >= 245);
  CHECK(jpg.at(0, 0) <= 10);

  // Gray + alpha: a transparent background with an opaque black stroke.
  const std::vector<uint8_t> gray_alpha = {0, 0, 0, 255, 0, 128, 0, 0};  // (v, a) x 4
  REQUIRE(stbi_write_png(dir.path("alpha.png").c_str(), 4, 1, 2, gray_alpha.data(), 8));
  CHECK(load_image(dir.path("alpha.png"), 1).pixels == std::vector<uint8_t>{255, 0, 127, 255});
}

TEST_CASE(
    "load_image names the file and the problem: unreadable, empty, not an image, absurd size") {
  TempDir dir("image_errors");
  const std::string missing = dir.path("missing.png");
  CHECK(load_error(missing) == missing + ": cannot read: No such file or directory");

  const std::string empty = dir.path("empty.png");
  test::write_bytes(empty, "");
  CHECK(load_error(empty) == empty + ": empty file");

  const std::string text = dir.path("notes.png");
  test::write_bytes(text, "these are not pixels");
  CHECK(load_error(text) ==
        text + ": not a PNG, JPEG, BMP or GIF image (stb_image: unknown image type)");

  const std::string huge = dir.path("huge.png");
  test::write_bytes(huge, test::png_header_only(20000, 3000));
  CHECK(load_error(huge) ==
        huge +
            ": image of 20000 x 3000 pixels is outside the limits (1 to 16384 per side, at "
            "most 67108864 pixels)");
  test::write_bytes(huge, test::png_header_only(9000, 9000));
  CHECK(load_error(huge) ==
        huge +
            ": image of 9000 x 9000 pixels is outside the limits (1 to 16384 per side, at "
            "most 67108864 pixels)");
  // Beyond 2^30 bytes stb_image itself refuses the header: its reason is kept.
  test::write_bytes(huge, test::png_header_only(100000, 100000));
  CHECK(load_error(huge) == huge + ": cannot decode the image (stb_image: too large)");
  ImageLimits small;
  small.max_side = 16;
  small.max_pixels = 64;
  test::write_bytes(huge, test::png_header_only(10, 10));
  CHECK(load_error(huge, small) ==
        huge +
            ": image of 10 x 10 pixels is outside the limits (1 to 16 per side, at most "
            "64 pixels)");
  small.max_file_bytes = 4;
  CHECK(load_error(huge, small) == huge + ": " +
                                       std::to_string(test::png_header_only(10, 10).size()) +
                                       " bytes exceeds the limit of 4 bytes");
}

TEST_CASE("JPEGs go to libjpeg-turbo: a truncated or oversized one is refused with the reason") {
  TempDir dir("jpeg_errors");
  const Image gray = make_canvas(16, 12, 1, gray_level(200));
  const std::string good = dir.path("good.jpg");
  REQUIRE(stbi_write_jpg(good.c_str(), 16, 12, 1, gray.pixels.data(), 95));
  const std::string bytes = read_file(good, 1 << 20);
  CHECK(load_image(good, 1).pixels.size() == 16 * 12);

  const std::string cut = dir.path("cut.jpg");
  test::write_bytes(cut, bytes.substr(0, bytes.size() - 6));
  CHECK(load_error(cut) ==
        cut + ": cannot decode the JPEG image (libjpeg-turbo: Premature end of JPEG file)");

  // The baseline frame header (FF C0): length (2 bytes), precision (1),
  // height (2), width (2).
  const size_t frame = bytes.find("\xff\xc0");
  REQUIRE(frame != std::string::npos);
  std::string tall = bytes;
  tall[frame + 5] = char(0x4e);  // height 0x4e20 = 20000
  tall[frame + 6] = char(0x20);
  const std::string big = dir.path("big.jpg");
  test::write_bytes(big, tall);
  CHECK(load_error(big) ==
        big +
            ": image of 16 x 20000 pixels is outside the limits (1 to 16384 per side, at "
            "most 67108864 pixels)");

  const std::string header_only = dir.path("header.jpg");
  test::write_bytes(header_only, "\xff\xd8\xff");
  CHECK(load_error(header_only) ==
        header_only +
            ": cannot decode the JPEG image (no frame header: the file ends "
            "before the image's size)");
}

TEST_CASE("resize_image gives exactly the requested size and keeps a uniform image uniform") {
  const Image gray = make_canvas(50, 30, 1, gray_level(77));
  const Image small = resize_image(gray, 7, 9);
  CHECK(small.width == 7);
  CHECK(small.height == 9);
  CHECK(small.pixels == std::vector<uint8_t>(63, 77));
}

TEST_CASE("load_image reads a top-down BMP (negative height) the right way up") {
  TempDir dir("image_bmp");
  std::vector<uint8_t> gray(28 * 28, 255);
  for (int x = 0; x < 28; ++x) gray[size_t(x)] = 0;  // the top row is black
  const std::string path = dir.path("top_down.bmp");
  test::write_bytes(path, test::bmp_top_down(28, 28, gray));
  const Image image = load_image(path, 1);
  CHECK(image.width == 28);
  CHECK(image.height == 28);
  CHECK(image.pixels == gray);
}

TEST_CASE("load_image keeps stb_image's reason for a truncated PNG") {
  TempDir dir("image_truncated");
  std::vector<uint8_t> gray(64 * 64);
  for (size_t i = 0; i < gray.size(); ++i) gray[i] = uint8_t(i * 7 + i / 13);
  const std::string path = dir.path("cut.png");
  REQUIRE(stbi_write_png(path.c_str(), 64, 64, 1, gray.data(), 64));
  const std::string whole = read_file(path);
  test::write_bytes(path, whole.substr(0, whole.size() / 2));
  CHECK(load_error(path) == path + ": cannot decode the image (stb_image: outofdata)");
  // Not an earlier file's reason: a valid file first, then the truncated one.
  test::write_bytes(dir.path("notes.png"), "not pixels");
  CHECK(load_error(dir.path("notes.png")).ends_with("(stb_image: unknown image type)"));
  CHECK(load_error(path) == path + ": cannot decode the image (stb_image: outofdata)");
}
