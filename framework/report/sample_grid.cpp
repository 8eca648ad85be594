#include <minima/report/sample_grid.hpp>

#include <cmath>
#include <stdexcept>

#include <minima/report/raster.hpp>

namespace minima {
namespace {

constexpr int kZoom = 3;
constexpr int kTilePad = 6;    // around each tile
constexpr int kLine = 12;      // caption line height (stb_easy_font)
constexpr int kCharWidth = 6;  // a glyph's advance, about

// `text` cut to fit `width` pixels.
std::string fitted(const std::string& text, int width) {
  const size_t max_chars = size_t(std::max(1, width / kCharWidth));
  return text.size() <= max_chars ? text : text.substr(0, max_chars - 1) + "~";
}

Image sample_image(const Dataset& data, const SampleGeometry& g, int64_t index) {
  const size_t features = size_t(g.height) * size_t(g.width) * size_t(g.channels);
  return from_channels_first(data.pixels.data() + size_t(index) * features, g.width, g.height,
                             g.channels);
}

}  // namespace

Image draw_misclassified_grid(const Dataset& data, const SampleGeometry& geometry,
                              const std::vector<Misclassified>& samples, const std::string& title,
                              int columns) {
  if (int64_t(geometry.height) * geometry.width * geometry.channels != data.sample_shape.numel())
    throw std::invalid_argument(
        "draw_misclassified_grid: the geometry does not match the samples' features");
  const int tile_w = std::max(geometry.width * kZoom, 10 * kCharWidth) + 2 * kTilePad;
  const int tile_h = geometry.height * kZoom + 2 * kLine + 2 * kTilePad;
  const int count = int(samples.size());
  const int cols = std::max(1, std::min(columns, count));
  const int rows = (count + cols - 1) / cols;
  const int header = kLine + 2 * kTilePad;
  Image canvas = make_canvas(std::max(cols * tile_w, text_width(title) + 2 * kTilePad),
                             header + rows * tile_h, 3, gray_level(255));
  draw_text(canvas, kTilePad, kTilePad, title, gray_level(0));
  const int text_room = tile_w - 2 * kTilePad;
  for (int k = 0; k < count; ++k) {
    const Misclassified& s = samples[size_t(k)];
    const int x = (k % cols) * tile_w + kTilePad, y = header + (k / cols) * tile_h + kTilePad;
    draw_zoomed(canvas, x, y, sample_image(data, geometry, s.index), kZoom);
    const int caption = y + geometry.height * kZoom + 2;
    draw_text(canvas, x, caption, fitted("true " + data.class_names[size_t(s.label)], text_room),
              gray_level(0));
    draw_text(canvas, x, caption + kLine,
              fitted("pred " + data.class_names[size_t(s.predicted)], text_room), {200, 0, 0});
  }
  return canvas;
}

}  // namespace minima
