#include <minima/report/chart.hpp>

#include <cmath>
#include <numbers>

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
constexpr Rgb kGuideInk{85, 85, 85};
constexpr double kLineWidth = 2, kMarkerSize = 8, kBandOpacity = 0.18, kTickLength = 5;
// A faint line's colour: this share of its style's, the rest white.
constexpr double kFaintShare = 0.45;
constexpr double kLabelBoxOpacity = 0.8;  // a line under a guide label shows faintly
const std::vector<double> kSolid, kGuideDash{4, 4}, kBandEdgeDash{2, 3};

// c * share + white * (1 - share), per channel
Rgb paler(Rgb c, double share) {
  const auto mix = [share](uint8_t v) {
    return uint8_t(std::lround(v * share + 255 * (1 - share)));
  };
  return {mix(c.r), mix(c.g), mix(c.b)};
}

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
    painter.line({{t.pixel, top}, {t.pixel, bottom}}, t.major ? kGridMajor : kGridMinor, 1, kSolid);

  painter.clip(&p);
  for (const HeatCell& c : chart.cells) {
    if (!(c.value > 0)) continue;
    const double x0 = layout.map_x(c.x0), x1 = layout.map_x(c.x1);
    const double y0 = layout.map_y(c.y0), y1 = layout.map_y(c.y1);
    painter.area({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, style_color(chart.heat_color),
                 std::min(1.0, c.value));
  }
  for (const Guide& g : chart.guides)
    if (layout.y_map.shows(g.value))
      painter.line({{left, layout.map_y(g.value)}, {right, layout.map_y(g.value)}}, kGuide, 1,
                   kGuideDash);
  for (const Series& s : chart.series)
    if (s.faint)
      for (const auto& run : layout.project(s.x, s.y))
        painter.line(run, paler(style_color(s.style.color), kFaintShare), 1, kSolid);
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
    if (!s.faint)
      for (const auto& run : layout.project(s.x, s.y))
        painter.line(run, style_color(s.style.color), kLineWidth, style_dash(s.style.dash));
  for (size_t i = 0; i < chart.series.size(); ++i)
    if (!chart.series[i].faint)
      for (const Point& m : layout.marker_points(chart.series[i], i))
        draw_marker(painter, chart.series[i].style, m);
  painter.clip(nullptr);

  painter.line({{left, top}, {right, top}, {right, bottom}, {left, bottom}, {left, top}}, kFrame, 1,
               kSolid);
  for (const Tick& t : layout.x_ticks)
    painter.line({{t.pixel, bottom}, {t.pixel, bottom + (t.major ? kTickLength : kTickLength / 2)}},
                 kFrame, 1, kSolid);
  for (const Tick& t : layout.y_ticks)
    painter.line({{left - (t.major ? kTickLength : kTickLength / 2), t.pixel}, {left, t.pixel}},
                 kFrame, 1, kSolid);

  for (const Label& label : layout.labels) painter.text(label, kInk);
  for (const Rect& r : layout.guide_label_boxes)
    painter.area({{r.x, r.y}, {r.x + r.w, r.y}, {r.x + r.w, r.y + r.h}, {r.x, r.y + r.h}}, kWhite,
                 kLabelBoxOpacity);
  for (const Label& label : layout.guide_labels) painter.text(label, kGuideInk);

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
