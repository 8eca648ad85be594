#pragma once
// A line chart as data (Chart), and its layout (ChartLayout): axis ranges,
// "nice" ticks, the plot rectangle, label and legend positions and the
// data-to-pixel mapping. The SVG and PNG renderers draw a ChartLayout and
// compute no geometry of their own, so both pictures agree.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <minima/report/axis.hpp>

namespace minima {

// How one line looks: indices into a colour-blind-safe palette, a dash
// pattern and a marker shape, so that lines stay apart in grey print too.
struct LineStyle {
  int color = 0;
  int dash = 0;
  int marker = 0;
  static LineStyle numbered(int i) { return {i, i, i}; }
};

struct Rgb {
  uint8_t r, g, b;
};
enum class Marker { Circle, Square, Triangle, Diamond, Cross };

Rgb style_color(int i);                        // Okabe-Ito palette, cycled
const std::vector<double>& style_dash(int i);  // dash, gap, ... in px; empty = solid
Marker style_marker(int i);

struct Series {
  std::string label;
  std::vector<double> x, y;  // same length; NaN (or <= 0 on a log axis) breaks the line
  LineStyle style;
  // A thin pale line drawn under the bands and the other lines, without
  // markers or a legend entry: one seed under the median of all seeds.
  bool faint = false;
};

// A range around a middle line, e.g. the 15th/50th/85th percentiles, or
// the mean over seeds with the min..max band. Several bands may share a
// chart; each gets its style's colour and a legend entry when labelled.
struct Band {
  std::string label;
  std::vector<double> x, lo, mid, hi;  // same length
  LineStyle style;
};

// A horizontal reference line (a threshold), labelled at its right end
// inside the plot, e.g. {97, "97%"}; each label nearer its own line than
// any other (layout_chart).
struct Guide {
  double value;
  std::string label;
};

// A cell of a heat map: the rectangle [x0, x1] x [y0, y1] in data units,
// shaded from white (value 0) to the chart's heat colour (value 1), e.g.
// the share of a layer's activations in one histogram bin at one step.
struct HeatCell {
  double x0, x1, y0, y1;
  double value;  // in [0, 1]
};

struct Chart {
  std::string title, x_label, y_label;
  std::string y_unit;  // appended to y values the chart writes, e.g. "%"
  Scale x_scale = Scale::Linear;
  bool log_y = false;
  std::optional<double> x_min, x_max;  // fixed x range (default: from the data)
  std::optional<double> y_min, y_max;  // fixed y range (default: from the data)
  // Labelled x ticks in place of the automatic ones, e.g. the swept
  // learning rates on a log axis (the automatic ticks stay as grid lines).
  std::vector<double> x_ticks;
  std::vector<Guide> guides;
  std::vector<Series> series;
  std::vector<Band> bands;
  std::vector<HeatCell> cells;  // drawn under everything else
  int heat_color = 0;           // palette index of value 1
};

struct Point {
  double x, y;
};
struct Rect {
  double x, y, w, h;
};

// Font sizes in px, shared by both renderers.
struct FontSizes {
  static constexpr double title = 16, axis = 14, tick = 12, legend = 13, guide = 12, note = 12;
};

// Width in px of `text` drawn at font size `size` by a renderer.
using TextWidth = std::function<double(const std::string& text, double size)>;

enum class Anchor { Start, Middle, End };

// A piece of text. `at` is the anchor point on the text's vertical centre
// line; vertical text reads bottom to top and `at` is its centre.
struct Label {
  std::string text;
  Point at;
  double size;
  Anchor anchor = Anchor::Start;
  bool vertical = false;
  bool bold = false;
};

struct Tick {
  double value;  // in data units
  double pixel;  // x for the x axis, y for the y axis
  bool major;    // major ticks carry a label and a stronger grid line
};

// A legend entry: a swatch (line sample, or a filled box for a band) from
// `swatch.x` to `swatch.x + ChartLayout::swatch_width` on line `swatch.y`.
struct LegendItem {
  size_t index;  // into Chart::series or Chart::bands
  bool band;
  Point swatch;
};

struct ChartLayout {
  double width = 0, height = 0;
  Rect plot{};
  AxisMap x_map, y_map;                           // data units -> axis units
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // axis range in axis units
  std::vector<Tick> x_ticks, y_ticks;
  std::vector<Label> labels;        // title, axis titles, tick labels, legend labels, notes
  std::vector<Label> guide_labels;  // at the guides' right ends, inside the plot
  // White boxes under the guide labels that close lines leave lying across
  // a line, so that the line does not strike through the text.
  std::vector<Rect> guide_label_boxes;
  std::vector<LegendItem> legend;
  // What the axes leave out, in words ("3 points below 70% not shown"),
  // also laid out as labels under the legend.
  std::vector<std::string> notes;
  double swatch_width = 34;

  double map_x(double x) const;
  double map_y(double y) const;
  // Pixel polylines of (x, y), split where the axis cannot show a value.
  std::vector<std::vector<Point>> project(const std::vector<double>& x,
                                          const std::vector<double>& y) const;
  // Closed outlines of a band's lo..hi area (one per unbroken stretch).
  std::vector<std::vector<Point>> band_outlines(const Band& band) const;
  // Where to draw markers on a line: a few evenly spaced points, offset
  // by the series' position so markers of different lines do not overlap.
  std::vector<Point> marker_points(const Series& series, size_t position) const;
};

// The few drawing primitives a renderer provides. paint_chart() decides
// what goes where, so the SVG and the PNG show the same picture.
class ChartPainter {
 public:
  virtual ~ChartPainter() = default;
  // A polyline `width` px wide; `dash` as in style_dash(), continued across vertices.
  virtual void line(const std::vector<Point>& points, Rgb color, double width,
                    const std::vector<double>& dash) = 0;
  // A filled polygon (even-odd rule), `opacity` in (0, 1].
  virtual void area(const std::vector<Point>& outline, Rgb color, double opacity) = 0;
  virtual void text(const Label& label, Rgb color) = 0;
  // Clip what follows to `rect` until clip(nullptr).
  virtual void clip(const Rect* rect) = 0;
};

// Draws background, grid, guides, bands, lines, markers, axes, labels and
// legend of `chart` as laid out by `layout`.
void paint_chart(const Chart& chart, const ChartLayout& layout, ChartPainter& painter);

// The outline of a marker of `size` px centred on `at`.
std::vector<Point> marker_outline(Marker marker, Point at, double size);

// Lays out `chart` on a width x height canvas (px). The legend goes below
// the plot, flowing into as many rows as it needs.
ChartLayout layout_chart(const Chart& chart, double width, double height,
                         const TextWidth& text_width);

}  // namespace minima
