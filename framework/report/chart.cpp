#include <minima/report/chart.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

namespace minima {

Rgb style_color(int i) {
  // Okabe & Ito (2008), "Color Universal Design": distinguishable with any
  // common colour-vision deficiency. Yellow is left out (unreadable on white).
  static const Rgb palette[] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
                                {230, 159, 0}, {86, 180, 233}, {0, 0, 0}};
  constexpr int n = sizeof(palette) / sizeof(palette[0]);
  return palette[((i % n) + n) % n];
}

const std::vector<double>& style_dash(int i) {
  static const std::vector<std::vector<double>> dashes = {
      {}, {7, 4}, {2, 3}, {9, 3, 2, 3}, {4, 2}, {12, 4, 2, 4, 2, 4}};
  const int n = int(dashes.size());
  return dashes[((i % n) + n) % n];
}

Marker style_marker(int i) {
  static const Marker markers[] = {Marker::Circle, Marker::Square, Marker::Triangle,
                                   Marker::Diamond, Marker::Cross};
  constexpr int n = sizeof(markers) / sizeof(markers[0]);
  return markers[((i % n) + n) % n];
}

double nice_step(double lo, double hi, int target) {
  double span = hi - lo;
  if (!(span > 0)) span = std::fabs(lo) > 0 ? std::fabs(lo) : 1.0;
  const double rough = span / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double f = rough / magnitude;
  const double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nice * magnitude;
}

std::string format_tick(double value, double step) {
  const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  if (std::fabs(value) < step * 1e-6) value = 0;  // no "-0"
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string format_power_of_ten(int exponent) {
  char text[32];
  if (exponent >= -4 && exponent <= 6)
    std::snprintf(text, sizeof(text), "%.*f", std::max(0, -exponent), std::pow(10.0, exponent));
  else
    std::snprintf(text, sizeof(text), "1e%d", exponent);
  return text;
}

namespace {

constexpr double kPad = 10;       // outer padding, px
constexpr double kTickGap = 6;    // between an axis and its tick labels
constexpr double kLegendGap = 6;  // between a swatch and its text
constexpr double kLegendSpacing = 22;
constexpr double kLineHeight = 1.5;  // line pitch as a multiple of the font size

bool shown_on(bool log_axis, double v) { return std::isfinite(v) && (!log_axis || v > 0); }

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  void add_all(const std::vector<double>& values, bool log_axis) {
    for (double v : values)
      if (shown_on(log_axis, v)) add(v);
  }
  bool empty() const { return !(lo <= hi); }
};

// Ticks k * step for all integers k with k * step in [lo, hi].
std::vector<double> multiples_in(double lo, double hi, double step) {
  std::vector<double> out;
  const double eps = step * 1e-9;
  for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1)
    out.push_back(k * step);
  return out;
}

struct Axis {
  double lo, hi;                     // axis range (decades when logarithmic)
  std::vector<double> major, minor;  // tick values in data units
  double step = 1;                   // between major ticks (linear axes)
};

Axis linear_axis(Range data, std::optional<double> fixed_lo, std::optional<double> fixed_hi,
                 int target) {
  if (fixed_lo) data.lo = *fixed_lo;
  if (fixed_hi) data.hi = *fixed_hi;
  if (data.empty()) data = {0, 1};
  if (data.hi - data.lo <= 0) {
    const double spread = data.lo != 0 ? std::fabs(data.lo) * 0.1 : 1.0;
    if (!fixed_lo) data.lo -= spread;
    if (!fixed_hi) data.hi += spread;
  }
  Axis axis;
  axis.step = nice_step(data.lo, data.hi, target);
  axis.lo = fixed_lo ? data.lo : std::floor(data.lo / axis.step) * axis.step;
  axis.hi = fixed_hi ? data.hi : std::ceil(data.hi / axis.step) * axis.step;
  axis.major = multiples_in(axis.lo, axis.hi, axis.step);
  return axis;
}

// A log axis spans whole decades and labels only powers of ten (every
// `stride`-th decade when there are many); 2..9 x 10^k are minor ticks.
Axis log_axis(Range data, std::optional<double> fixed_lo, std::optional<double> fixed_hi) {
  if (fixed_lo && *fixed_lo > 0) data.lo = *fixed_lo;
  if (fixed_hi && *fixed_hi > 0) data.hi = *fixed_hi;
  if (data.empty()) data = {1, 10};
  Axis axis;
  axis.lo = fixed_lo && *fixed_lo > 0 ? std::log10(data.lo) : std::floor(std::log10(data.lo));
  axis.hi = fixed_hi && *fixed_hi > 0 ? std::log10(data.hi) : std::ceil(std::log10(data.hi));
  if (axis.hi <= axis.lo) axis.hi = axis.lo + 1;
  const int first = int(std::ceil(axis.lo - 1e-9)), last = int(std::floor(axis.hi + 1e-9));
  const int stride = std::max(1, int(std::ceil((last - first) / 8.0)));
  for (int e = first; e <= last; e += stride) axis.major.push_back(std::pow(10.0, e));
  if (axis.hi - axis.lo <= 6) {
    for (int e = first - 1; e <= last; ++e)
      for (int m = 2; m <= 9; ++m) {
        const double v = m * std::pow(10.0, e);
        const double d = std::log10(v);
        if (d >= axis.lo - 1e-9 && d <= axis.hi + 1e-9) axis.minor.push_back(v);
      }
  }
  return axis;
}

}  // namespace

double ChartLayout::map_x(double x) const { return plot.x + (x - x_lo) / (x_hi - x_lo) * plot.w; }

double ChartLayout::map_y(double y) const {
  const double v = log_y ? std::log10(y) : y;
  return plot.y + plot.h - (v - y_lo) / (y_hi - y_lo) * plot.h;
}

std::vector<std::vector<Point>> ChartLayout::project(const std::vector<double>& x,
                                                     const std::vector<double>& y) const {
  std::vector<std::vector<Point>> runs(1);
  const size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(x[i]) && shown_on(log_y, y[i])) {
      runs.back().push_back({map_x(x[i]), map_y(y[i])});
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

std::vector<std::vector<Point>> ChartLayout::band_outlines(const Band& band) const {
  std::vector<std::vector<Point>> outlines;
  std::vector<Point> lower, upper;
  auto close_stretch = [&] {
    if (lower.size() >= 2) {
      outlines.push_back(lower);
      outlines.back().insert(outlines.back().end(), upper.rbegin(), upper.rend());
    }
    lower.clear();
    upper.clear();
  };
  const size_t n = std::min({band.x.size(), band.lo.size(), band.hi.size()});
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(band.x[i]) && shown_on(log_y, band.lo[i]) && shown_on(log_y, band.hi[i])) {
      lower.push_back({map_x(band.x[i]), map_y(band.lo[i])});
      upper.push_back({map_x(band.x[i]), map_y(band.hi[i])});
    } else {
      close_stretch();
    }
  }
  close_stretch();
  return outlines;
}

std::vector<Point> ChartLayout::marker_points(const Series& series, size_t position) const {
  std::vector<Point> points;
  for (const auto& run : project(series.x, series.y))
    points.insert(points.end(), run.begin(), run.end());
  std::vector<Point> marks;
  if (points.empty()) return marks;
  constexpr int kMarks = 8;
  const double offset = 0.2 + 0.15 * double(position % 5);  // staggers the lines' markers
  for (int k = 0; k < kMarks; ++k) {
    const double target = plot.x + (k + offset) * plot.w / kMarks;
    const Point* best = &points.front();
    for (const Point& p : points)
      if (std::fabs(p.x - target) < std::fabs(best->x - target)) best = &p;
    const bool inside = best->y >= plot.y - 0.5 && best->y <= plot.y + plot.h + 0.5;
    const bool fresh = marks.empty() || std::fabs(marks.back().x - best->x) > 1e-9;
    if (inside && fresh) marks.push_back(*best);
  }
  return marks;
}

ChartLayout layout_chart(const Chart& chart, double width, double height,
                         const TextWidth& text_width) {
  ChartLayout out;
  out.width = width;
  out.height = height;
  out.log_y = chart.log_y;

  Range xr, yr;
  for (const Series& s : chart.series) {
    xr.add_all(s.x, false);
    yr.add_all(s.y, chart.log_y);
  }
  for (const Band& b : chart.bands) {
    xr.add_all(b.x, false);
    for (const auto* v : {&b.lo, &b.mid, &b.hi}) yr.add_all(*v, chart.log_y);
  }
  yr.add_all(chart.guides, chart.log_y);

  const Axis xa = linear_axis(xr, chart.x_min, std::nullopt, std::clamp(int(width / 110), 3, 10));
  const Axis ya =
      chart.log_y ? log_axis(yr, chart.y_min, chart.y_max)
                  : linear_axis(yr, chart.y_min, chart.y_max, std::clamp(int(height / 70), 3, 8));
  auto y_label_of = [&](double v) {
    return chart.log_y ? format_power_of_ten(int(std::lround(std::log10(v))))
                       : format_tick(v, ya.step);
  };

  // Margins from the text they hold.
  double y_tick_width = 0;
  for (double v : ya.major)
    y_tick_width = std::max(y_tick_width, text_width(y_label_of(v), FontSizes::tick));
  const double left =
      kPad + (chart.y_label.empty() ? 0 : FontSizes::axis * kLineHeight) + y_tick_width + kTickGap;
  const double last_x_label =
      xa.major.empty() ? 0 : text_width(format_tick(xa.major.back(), xa.step), FontSizes::tick);
  const double right = std::max(kPad + 6, last_x_label / 2 + kPad);
  const double top = chart.title.empty() ? kPad + 4 : kPad + FontSizes::title * kLineHeight;

  // Legend entries flow left to right under the x axis title.
  struct Entry {
    size_t index;
    bool band;
    const std::string* label;
    double w;
  };
  std::vector<Entry> entries;
  auto entry_width = [&](const std::string& label) {
    return out.swatch_width + kLegendGap + text_width(label, FontSizes::legend) + kLegendSpacing;
  };
  for (size_t i = 0; i < chart.series.size(); ++i)
    if (!chart.series[i].label.empty())
      entries.push_back({i, false, &chart.series[i].label, entry_width(chart.series[i].label)});
  for (size_t i = 0; i < chart.bands.size(); ++i)
    if (!chart.bands[i].label.empty())
      entries.push_back({i, true, &chart.bands[i].label, entry_width(chart.bands[i].label)});
  const double legend_left = left, legend_right = width - right;
  std::vector<int> row_of(entries.size());
  int rows = entries.empty() ? 0 : 1;
  double flow_x = legend_left;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (flow_x > legend_left && flow_x + entries[i].w - kLegendSpacing > legend_right) {
      ++rows;
      flow_x = legend_left;
    }
    row_of[i] = rows - 1;
    flow_x += entries[i].w;
  }
  const double row_height = FontSizes::legend * 1.7;
  const double x_ticks_height = kTickGap + FontSizes::tick * kLineHeight;
  const double x_title_height = chart.x_label.empty() ? 0 : FontSizes::axis * kLineHeight;
  const double bottom = x_ticks_height + x_title_height + rows * row_height + kPad;

  out.plot = {left, top, std::max(10.0, width - left - right),
              std::max(10.0, height - top - bottom)};
  out.x_lo = xa.lo;
  out.x_hi = xa.hi;
  out.y_lo = ya.lo;
  out.y_hi = ya.hi;
  const Rect& p = out.plot;

  for (double v : xa.major) {
    out.x_ticks.push_back({v, out.map_x(v), true});
    out.labels.push_back({format_tick(v, xa.step),
                          {out.map_x(v), p.y + p.h + kTickGap + FontSizes::tick * 0.6},
                          FontSizes::tick,
                          Anchor::Middle});
  }
  for (double v : ya.major) {
    out.y_ticks.push_back({v, out.map_y(v), true});
    out.labels.push_back(
        {y_label_of(v), {p.x - kTickGap, out.map_y(v)}, FontSizes::tick, Anchor::End});
  }
  for (double v : ya.minor) out.y_ticks.push_back({v, out.map_y(v), false});

  if (!chart.title.empty())
    out.labels.push_back({chart.title,
                          {p.x + p.w / 2, kPad + FontSizes::title * 0.6},
                          FontSizes::title,
                          Anchor::Middle,
                          false,
                          true});
  if (!chart.x_label.empty())
    out.labels.push_back({chart.x_label,
                          {p.x + p.w / 2, p.y + p.h + x_ticks_height + FontSizes::axis * 0.7},
                          FontSizes::axis,
                          Anchor::Middle});
  if (!chart.y_label.empty())
    out.labels.push_back({chart.y_label,
                          {kPad + FontSizes::axis * 0.6, p.y + p.h / 2},
                          FontSizes::axis,
                          Anchor::Middle,
                          true});

  const double legend_top = p.y + p.h + x_ticks_height + x_title_height + row_height * 0.6;
  double x = legend_left;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && row_of[i] != row_of[i - 1]) x = legend_left;
    const double y = legend_top + row_of[i] * row_height;
    out.legend.push_back({entries[i].index, entries[i].band, {x, y}});
    out.labels.push_back({*entries[i].label,
                          {x + out.swatch_width + kLegendGap, y},
                          FontSizes::legend,
                          Anchor::Start});
    x += entries[i].w;
  }
  return out;
}

}  // namespace minima

namespace minima {

std::vector<Point> marker_outline(Marker marker, Point at, double size) {
  const double r = size / 2;
  std::vector<Point> out;
  switch (marker) {
    case Marker::Circle:
      for (int k = 0; k < 16; ++k) {
        const double a = 2 * std::numbers::pi * k / 16;
        out.push_back({at.x + r * std::cos(a), at.y + r * std::sin(a)});
      }
      break;
    case Marker::Square: {
      const double h = r * 0.85;
      out = {
          {at.x - h, at.y - h}, {at.x + h, at.y - h}, {at.x + h, at.y + h}, {at.x - h, at.y + h}};
      break;
    }
    case Marker::Triangle:
      out = {{at.x, at.y - r * 1.15}, {at.x + r, at.y + r * 0.75}, {at.x - r, at.y + r * 0.75}};
      break;
    case Marker::Diamond:
      out = {{at.x, at.y - r * 1.2}, {at.x + r, at.y}, {at.x, at.y + r * 1.2}, {at.x - r, at.y}};
      break;
    case Marker::Cross: {
      const double t = r * 0.35;  // half the bar thickness of a "+"
      out = {{at.x - t, at.y - r}, {at.x + t, at.y - r}, {at.x + t, at.y - t},
             {at.x + r, at.y - t}, {at.x + r, at.y + t}, {at.x + t, at.y + t},
             {at.x + t, at.y + r}, {at.x - t, at.y + r}, {at.x - t, at.y + t},
             {at.x - r, at.y + t}, {at.x - r, at.y - t}, {at.x - t, at.y - t}};
      break;
    }
  }
  return out;
}

namespace {

constexpr Rgb kWhite{255, 255, 255}, kInk{34, 34, 34}, kFrame{68, 68, 68};
constexpr Rgb kGridMajor{221, 221, 221}, kGridMinor{238, 238, 238}, kGuide{120, 120, 120};
constexpr double kLineWidth = 2, kMarkerSize = 8, kBandOpacity = 0.18, kTickLength = 5;
const std::vector<double> kSolid, kGuideDash{4, 4}, kBandEdgeDash{2, 3};

void draw_marker(ChartPainter& painter, const LineStyle& style, Point at) {
  painter.area(marker_outline(style_marker(style.marker), at, kMarkerSize + 2), kWhite, 1);
  painter.area(marker_outline(style_marker(style.marker), at, kMarkerSize),
               style_color(style.color), 1);
}

}  // namespace

void paint_chart(const Chart& chart, const ChartLayout& layout, ChartPainter& painter) {
  const Rect& p = layout.plot;
  const double left = p.x, right = p.x + p.w, top = p.y, bottom = p.y + p.h;
  painter.area({{0, 0}, {layout.width, 0}, {layout.width, layout.height}, {0, layout.height}},
               kWhite, 1);

  for (const Tick& t : layout.y_ticks)
    painter.line({{left, t.pixel}, {right, t.pixel}}, t.major ? kGridMajor : kGridMinor, 1, kSolid);
  for (const Tick& t : layout.x_ticks)
    painter.line({{t.pixel, top}, {t.pixel, bottom}}, kGridMajor, 1, kSolid);

  painter.clip(&p);
  for (double g : chart.guides)
    for (const auto& run : layout.project({layout.x_lo, layout.x_hi}, {g, g}))
      painter.line(run, kGuide, 1, kGuideDash);
  for (const Band& band : chart.bands) {
    const Rgb color = style_color(band.style.color);
    for (const auto& outline : layout.band_outlines(band))
      painter.area(outline, color, kBandOpacity);
    for (const auto* edge : {&band.lo, &band.hi})
      for (const auto& run : layout.project(band.x, *edge))
        painter.line(run, color, 1, kBandEdgeDash);
    for (const auto& run : layout.project(band.x, band.mid))
      painter.line(run, color, kLineWidth, style_dash(band.style.dash));
  }
  for (const Series& s : chart.series)
    for (const auto& run : layout.project(s.x, s.y))
      painter.line(run, style_color(s.style.color), kLineWidth, style_dash(s.style.dash));
  for (size_t i = 0; i < chart.series.size(); ++i)
    for (const Point& m : layout.marker_points(chart.series[i], i))
      draw_marker(painter, chart.series[i].style, m);
  painter.clip(nullptr);

  painter.line({{left, top}, {right, top}, {right, bottom}, {left, bottom}, {left, top}}, kFrame, 1,
               kSolid);
  for (const Tick& t : layout.x_ticks)
    painter.line({{t.pixel, bottom}, {t.pixel, bottom + kTickLength}}, kFrame, 1, kSolid);
  for (const Tick& t : layout.y_ticks)
    painter.line({{left - (t.major ? kTickLength : kTickLength / 2), t.pixel}, {left, t.pixel}},
                 kFrame, 1, kSolid);

  for (const Label& label : layout.labels) painter.text(label, kInk);

  for (const LegendItem& item : layout.legend) {
    const Point a = item.swatch, b{a.x + layout.swatch_width, a.y};
    if (item.band) {
      const Band& band = chart.bands[item.index];
      const Rgb color = style_color(band.style.color);
      const double h = FontSizes::legend * 0.45;
      painter.area({{a.x, a.y - h}, {b.x, a.y - h}, {b.x, a.y + h}, {a.x, a.y + h}}, color,
                   kBandOpacity);
      painter.line({{a.x, a.y - h}, {b.x, a.y - h}}, color, 1, kBandEdgeDash);
      painter.line({{a.x, a.y + h}, {b.x, a.y + h}}, color, 1, kBandEdgeDash);
      painter.line({a, b}, color, kLineWidth, style_dash(band.style.dash));
    } else {
      const Series& s = chart.series[item.index];
      painter.line({a, b}, style_color(s.style.color), kLineWidth, style_dash(s.style.dash));
      draw_marker(painter, s.style, {(a.x + b.x) / 2, a.y});
    }
  }
}

}  // namespace minima
