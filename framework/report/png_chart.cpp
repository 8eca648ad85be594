#include <minima/report/png_chart.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <stb_image_write.h>

#include <minima/core/atomic_file.hpp>
#include <minima/report/font.hpp>

namespace minima {

namespace {

// Subsamples per image pixel and axis: lines and areas are anti-aliased
// by averaging them. A picture drawn at scale >= 1.5 needs fewer.
int supersampling(double scale) { return scale >= 1.5 ? 2 : 3; }

class Raster : public ChartPainter {
 public:
  // An image of width x height px showing a layout of width / scale x
  // height / scale px.
  Raster(int width, int height, double scale)
      : ss_(supersampling(scale)),
        f_(scale * ss_),
        w_(width * ss_),
        h_(height * ss_),
        rgb_(size_t(w_) * size_t(h_) * 3, 1.0f) {
    clip(nullptr);
  }

  void line(const std::vector<Point>& points, Rgb color, double width,
            const std::vector<double>& dash) override {
    const std::vector<Point> pts = crisp(points, width);
    const double r = width * f_ / 2;
    size_t phase = 0;                               // index into dash
    double left = dash.empty() ? 0 : dash[0] * f_;  // length left in this dash entry
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
          left = dash[phase] * f_;
        }
      }
    }
  }

  void area(const std::vector<Point>& outline, Rgb color, double opacity) override {
    if (outline.size() < 3) return;
    double y_min = 1e300, y_max = -1e300;
    for (const Point& p : outline) {
      y_min = std::min(y_min, p.y * f_);
      y_max = std::max(y_max, p.y * f_);
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
    const Font& font = ui_font(label.bold ? FontWeight::Bold : FontWeight::Regular);
    const double size = label.size * f_;
    const double width = font.width(label.text, size);
    const double shift = label.anchor == Anchor::Start    ? 0
                         : label.anchor == Anchor::Middle ? width / 2
                                                          : width;
    // `at` is on the centre line of digits and capitals; the baseline lies
    // 0.35 em below it (as in the SVG).
    const Point at = scaled(label.at);
    const int x0 = int(std::lround(label.vertical ? at.x + 0.35 * size : at.x - shift));
    const int y0 = int(std::lround(label.vertical ? at.y + shift : at.y + 0.35 * size));
    font.draw(label.text, size, [&](int dx, int dy, float coverage) {
      // Vertical text reads bottom to top: rotated -90 degrees, (dx, dy) -> (dy, -dx).
      const int x = label.vertical ? x0 + dy : x0 + dx, y = label.vertical ? y0 - dx : y0 + dy;
      if (x >= clip_x0_ && x < clip_x1_ && y >= clip_y0_ && y < clip_y1_)
        blend(x, y, color, coverage);
    });
  }

  void clip(const Rect* rect) override {
    if (!rect) {
      clip_x0_ = clip_y0_ = 0;
      clip_x1_ = w_;
      clip_y1_ = h_;
      return;
    }
    clip_x0_ = std::max(0, int(std::floor(rect->x * f_)));
    clip_y0_ = std::max(0, int(std::floor(rect->y * f_)));
    clip_x1_ = std::min(w_, int(std::ceil((rect->x + rect->w) * f_)));
    clip_y1_ = std::min(h_, int(std::ceil((rect->y + rect->h) * f_)));
  }

  // Averages each ss_ x ss_ block into one pixel.
  RgbImage downsample() const {
    RgbImage image{w_ / ss_, h_ / ss_, {}};
    image.pixels.resize(size_t(image.width) * size_t(image.height) * 3);
    const float norm = 255.0f / float(ss_ * ss_);
    for (int y = 0; y < image.height; ++y)
      for (int x = 0; x < image.width; ++x)
        for (int c = 0; c < 3; ++c) {
          float sum = 0;
          for (int dy = 0; dy < ss_; ++dy)
            for (int dx = 0; dx < ss_; ++dx)
              sum +=
                  rgb_[(size_t(y * ss_ + dy) * size_t(w_) + size_t(x * ss_ + dx)) * 3 + size_t(c)];
          image.pixels[(size_t(y) * size_t(image.width) + size_t(x)) * 3 + size_t(c)] =
              uint8_t(std::lround(std::clamp(sum * norm, 0.0f, 255.0f)));
        }
    return image;
  }

 private:
  Point scaled(Point p) const { return {p.x * f_, p.y * f_}; }

  // Lines made only of horizontal and vertical segments (grid, frame,
  // ticks) moved so that their edges fall on image pixel edges: they stay
  // sharp after downsampling instead of smearing over two pixels.
  std::vector<Point> crisp(const std::vector<Point>& pts, double width) const {
    for (size_t i = 1; i < pts.size(); ++i)
      if (pts[i].x != pts[i - 1].x && pts[i].y != pts[i - 1].y) return pts;
    const double scale = f_ / ss_;  // image px per layout px
    const double odd = int(std::lround(width * scale)) % 2 ? 0.5 : 0;
    auto snap = [&](double v) { return (std::floor(v * scale) + odd) / scale; };
    std::vector<Point> out;
    for (const Point& p : pts) out.push_back({snap(p.x), snap(p.y)});
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

  int ss_;                  // subsamples per image pixel and axis
  double f_;                // subsamples per layout px
  int w_, h_;               // in subsamples
  std::vector<float> rgb_;  // [h_, w_, 3] in [0, 1], starts white
  int clip_x0_ = 0, clip_y0_ = 0, clip_x1_ = 0, clip_y1_ = 0;
};

}  // namespace

double png_text_width(const std::string& text, double size) { return ui_font().width(text, size); }

RgbImage render_rgb(const Chart& chart, int width, int height, double scale) {
  if (!(scale > 0)) throw std::invalid_argument("chart scale must be positive");
  if (width < 16 || height < 16 || width / scale < 16 || height / scale < 16)
    throw std::invalid_argument("chart image must be at least 16x16 px (at its scale)");
  const ChartLayout layout = layout_chart(chart, width / scale, height / scale, png_text_width);
  Raster raster(width, height, scale);
  paint_chart(chart, layout, raster);
  return raster.downsample();
}

void write_png_chart(const Chart& chart, const std::string& path, int width, int height,
                     double scale) {
  const RgbImage image = render_rgb(chart, width, height, scale);
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
