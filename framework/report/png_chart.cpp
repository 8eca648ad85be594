#include <minima/report/png_chart.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <stb_easy_font.h>
#include <stb_image_write.h>

#include <minima/core/atomic_file.hpp>

namespace minima {

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

namespace {

constexpr int kSupersample = 3;
constexpr double kGlyphUnits = 9;     // stb_easy_font line: 7 units of capitals + descenders
constexpr double kGlyphCentre = 3.5;  // units below the top: centre of digits and capitals

int glyph_width(std::string ascii) { return stb_easy_font_width(ascii.data()); }

class Raster : public ChartPainter {
 public:
  Raster(int width, int height)
      : w_(width * kSupersample),
        h_(height * kSupersample),
        rgb_(size_t(w_) * size_t(h_) * 3, 1.0f) {
    clip(nullptr);
  }

  void line(const std::vector<Point>& points, Rgb color, double width,
            const std::vector<double>& dash) override {
    const std::vector<Point> pts = crisp(points);
    const double r = width * kSupersample / 2;
    size_t phase = 0;                                         // index into dash
    double left = dash.empty() ? 0 : dash[0] * kSupersample;  // length left in this dash entry
    for (size_t i = 1; i < pts.size(); ++i) {
      const Point a = scaled(pts[i - 1]), b = scaled(pts[i]);
      const double length = std::hypot(b.x - a.x, b.y - a.y);
      if (dash.empty()) {
        capsule(a, b, r, color);
        continue;
      }
      // Walk the segment piece by piece through the dash pattern: even
      // entries draw, odd entries skip.
      double done = 0;
      while (done < length) {
        const double step = std::min(left, length - done);
        if (phase % 2 == 0)
          capsule(along(a, b, done / length), along(a, b, (done + step) / length), r, color);
        done += step;
        left -= step;
        if (left <= 1e-9) {
          phase = (phase + 1) % dash.size();
          left = dash[phase] * kSupersample;
        }
      }
    }
  }

  void area(const std::vector<Point>& outline, Rgb color, double opacity) override {
    if (outline.size() < 3) return;
    double y_min = 1e300, y_max = -1e300;
    for (const Point& p : outline) {
      y_min = std::min(y_min, p.y * kSupersample);
      y_max = std::max(y_max, p.y * kSupersample);
    }
    std::vector<double> crossings;
    for (int y = std::max(clip_y0_, int(std::floor(y_min)));
         y < std::min(clip_y1_, int(std::ceil(y_max))); ++y) {
      const double cy = y + 0.5;
      crossings.clear();
      for (size_t i = 0, j = outline.size() - 1; i < outline.size(); j = i++) {
        const Point a = scaled(outline[j]), b = scaled(outline[i]);
        if ((a.y <= cy) != (b.y <= cy))
          crossings.push_back(a.x + (cy - a.y) / (b.y - a.y) * (b.x - a.x));
      }
      std::sort(crossings.begin(), crossings.end());
      for (size_t k = 0; k + 1 < crossings.size(); k += 2) {
        const int x0 = std::max(clip_x0_, int(std::ceil(crossings[k] - 0.5)));
        const int x1 = std::min(clip_x1_, int(std::ceil(crossings[k + 1] - 0.5)));
        for (int x = x0; x < x1; ++x) blend(x, y, color, opacity);
      }
    }
  }

  void text(const Label& label, Rgb color) override {
    std::string ascii = to_ascii(label.text);
    std::vector<char> quads(ascii.size() * 64 * 16 + 64);  // at most 16 quads a glyph
    const int count =
        stb_easy_font_print(0, 0, ascii.data(), nullptr, quads.data(), int(quads.size()));
    const double unit = label.size / kGlyphUnits * kSupersample;
    const double width = glyph_width(ascii) * unit;
    const double shift = label.anchor == Anchor::Start    ? 0
                         : label.anchor == Anchor::Middle ? width / 2
                                                          : width;
    const Point at = scaled(label.at);
    for (int bold = 0; bold <= (label.bold ? 1 : 0); ++bold) {
      for (int q = 0; q < count; ++q) {
        // Vertex 0 and 2 of a quad are opposite corners (x, y floats first).
        const float* v0 = reinterpret_cast<const float*>(&quads[size_t(q) * 64]);
        const float* v2 = reinterpret_cast<const float*>(&quads[size_t(q) * 64 + 32]);
        // Local coordinates: x along the text from the anchor, y down from the centre line.
        const double lx0 = v0[0] * unit - shift + bold * unit * 0.5,
                     lx1 = v2[0] * unit - shift + bold * unit * 0.5;
        const double ly0 = (v0[1] - kGlyphCentre) * unit, ly1 = (v2[1] - kGlyphCentre) * unit;
        if (label.vertical)  // rotated -90 degrees: (x, y) -> (y, -x)
          fill(at.x + ly0, at.y - lx1, at.x + ly1, at.y - lx0, color);
        else
          fill(at.x + lx0, at.y + ly0, at.x + lx1, at.y + ly1, color);
      }
    }
  }

  void clip(const Rect* rect) override {
    if (!rect) {
      clip_x0_ = clip_y0_ = 0;
      clip_x1_ = w_;
      clip_y1_ = h_;
      return;
    }
    clip_x0_ = std::max(0, int(std::floor(rect->x * kSupersample)));
    clip_y0_ = std::max(0, int(std::floor(rect->y * kSupersample)));
    clip_x1_ = std::min(w_, int(std::ceil((rect->x + rect->w) * kSupersample)));
    clip_y1_ = std::min(h_, int(std::ceil((rect->y + rect->h) * kSupersample)));
  }

  // Averages each kSupersample x kSupersample block into one pixel.
  RgbImage downsample() const {
    RgbImage image{w_ / kSupersample, h_ / kSupersample, {}};
    image.pixels.resize(size_t(image.width) * size_t(image.height) * 3);
    constexpr float norm = 255.0f / (kSupersample * kSupersample);
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x)
        for (int c = 0; c < 3; ++c) {
          float sum = 0;
          for (int dy = 0; dy < kSupersample; ++dy)
            for (int dx = 0; dx < kSupersample; ++dx)
              sum += rgb_[(size_t(y * kSupersample + dy) * size_t(w_) +
                           size_t(x * kSupersample + dx)) *
                              3 +
                          size_t(c)];
          image.pixels[(size_t(y) * size_t(image.width) + size_t(x)) * 3 + size_t(c)] =
              uint8_t(std::lround(std::clamp(sum * norm, 0.0f, 255.0f)));
        }
    return image;
  }

 private:
  static Point scaled(Point p) { return {p.x * kSupersample, p.y * kSupersample}; }

  // Lines made only of horizontal and vertical segments (grid, frame,
  // ticks) moved onto pixel centres, so that they stay sharp after
  // downsampling instead of smearing over two pixels.
  static std::vector<Point> crisp(const std::vector<Point>& pts) {
    for (size_t i = 1; i < pts.size(); ++i)
      if (pts[i].x != pts[i - 1].x && pts[i].y != pts[i - 1].y) return pts;
    std::vector<Point> out;
    for (const Point& p : pts) out.push_back({std::floor(p.x) + 0.5, std::floor(p.y) + 0.5});
    return out;
  }
  static Point along(Point a, Point b, double t) {
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
  }

  void blend(int x, int y, Rgb c, double opacity) {
    float* p = &rgb_[(size_t(y) * size_t(w_) + size_t(x)) * 3];
    const float a = float(opacity);
    p[0] += (c.r / 255.0f - p[0]) * a;
    p[1] += (c.g / 255.0f - p[1]) * a;
    p[2] += (c.b / 255.0f - p[2]) * a;
  }

  // Every subpixel whose centre lies within r of segment ab.
  void capsule(Point a, Point b, double r, Rgb color) {
    const int x0 = std::max(clip_x0_, int(std::floor(std::min(a.x, b.x) - r)));
    const int x1 = std::min(clip_x1_, int(std::ceil(std::max(a.x, b.x) + r)));
    const int y0 = std::max(clip_y0_, int(std::floor(std::min(a.y, b.y) - r)));
    const int y1 = std::min(clip_y1_, int(std::ceil(std::max(a.y, b.y) + r)));
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const double px = x + 0.5 - a.x, py = y + 0.5 - a.y;
        const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
        const double ex = px - t * dx, ey = py - t * dy;
        if (ex * ex + ey * ey <= r * r) blend(x, y, color, 1);
      }
  }

  void fill(double x0, double y0, double x1, double y1, Rgb color) {
    const int ix0 = std::max(clip_x0_, int(std::lround(x0))),
              ix1 = std::min(clip_x1_, int(std::lround(x1)));
    const int iy0 = std::max(clip_y0_, int(std::lround(y0))),
              iy1 = std::min(clip_y1_, int(std::lround(y1)));
    for (int y = iy0; y < iy1; ++y)
      for (int x = ix0; x < ix1; ++x) blend(x, y, color, 1);
  }

  int w_, h_;
  std::vector<float> rgb_;  // [h_, w_, 3] in [0, 1], starts white
  int clip_x0_ = 0, clip_y0_ = 0, clip_x1_ = 0, clip_y1_ = 0;
};

}  // namespace

double png_text_width(const std::string& text, double size) {
  return glyph_width(to_ascii(text)) * size / kGlyphUnits;
}

RgbImage render_rgb(const Chart& chart, int width, int height) {
  if (width < 16 || height < 16)
    throw std::invalid_argument("chart image must be at least 16x16 px");
  const ChartLayout layout = layout_chart(chart, width, height, png_text_width);
  Raster raster(width, height);
  paint_chart(chart, layout, raster);
  return raster.downsample();
}

void write_png_chart(const Chart& chart, const std::string& path, int width, int height) {
  const RgbImage image = render_rgb(chart, width, height);
  std::string png;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
  };
  if (!stbi_write_png_to_func(append, &png, image.width, image.height, 3, image.pixels.data(),
                              image.width * 3))
    throw std::runtime_error(path + ": cannot encode PNG");
  write_file_atomically(path, png);
}

}  // namespace minima
