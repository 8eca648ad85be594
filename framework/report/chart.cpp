#include <minima/report/chart.hpp>

#include <algorithm>
#include <cmath>
#include <string>

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

namespace {

constexpr double kOuterPad = 10;  // outer padding, px
constexpr double kTickGap = 6;    // between an axis and its tick labels
constexpr double kLegendGap = 6;  // between a swatch and its text
constexpr double kLegendSpacing = 22;
constexpr double kGuideLabelGap = 8;  // between two guide labels side by side
constexpr double kLineHeight = 1.5;   // line pitch as a multiple of the font size

}  // namespace

double ChartLayout::map_x(double x) const {
  return plot.x + (x_map.to_axis(x) - x_lo) / (x_hi - x_lo) * plot.w;
}

double ChartLayout::map_y(double y) const {
  return plot.y + plot.h - (y_map.to_axis(y) - y_lo) / (y_hi - y_lo) * plot.h;
}

std::vector<std::vector<Point>> ChartLayout::project(const std::vector<double>& x,
                                                     const std::vector<double>& y) const {
  std::vector<std::vector<Point>> runs(1);
  const size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (x_map.shows(x[i]) && y_map.shows(y[i])) {
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
    if (x_map.shows(band.x[i]) && y_map.shows(band.lo[i]) && y_map.shows(band.hi[i])) {
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

namespace {

// Counts the points a layout's axes leave out, by the side they fall on.
struct Hidden {
  size_t outside_scale = 0, below = 0, above = 0, left = 0, right = 0;

  void add(const ChartLayout& l, double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;  // NaN breaks a line on purpose
    if (!l.x_map.shows(x) || !l.y_map.shows(y)) {
      ++outside_scale;
      return;
    }
    constexpr double eps = 1e-9;
    const double ax = l.x_map.to_axis(x), ay = l.y_map.to_axis(y);
    const double ey = eps * (l.y_hi - l.y_lo), ex = eps * (l.x_hi - l.x_lo);
    if (ay < l.y_lo - ey)
      ++below;
    else if (ay > l.y_hi + ey)
      ++above;
    else if (ax < l.x_lo - ex)
      ++left;
    else if (ax > l.x_hi + ex)
      ++right;
  }
  void add_all(const ChartLayout& l, const std::vector<double>& x, const std::vector<double>& y) {
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) add(l, x[i], y[i]);
  }
  // A band's sample counts once: by its middle when that is hidden, else
  // by whichever edge is.
  void add_band(const ChartLayout& l, const Band& b) {
    const size_t n = std::min({b.x.size(), b.lo.size(), b.mid.size(), b.hi.size()});
    for (size_t i = 0; i < n; ++i) {
      Hidden one;
      for (double v : {b.mid[i], b.lo[i], b.hi[i]}) {
        one.add(l, b.x[i], v);
        if (one.total() > 0) break;
      }
      outside_scale += one.outside_scale, below += one.below, above += one.above;
      left += one.left, right += one.right;
    }
  }
  size_t total() const { return outside_scale + below + above + left + right; }
};

// A value of an axis at its end (axis units) in words: "70", "1k", "0.01".
std::string axis_end(const AxisMap& map, double axis_value) {
  switch (map.scale) {
    case Scale::Log:
      return format_number(std::pow(10.0, axis_value));
    case Scale::Steps:
      return format_count(axis_value <= 1 ? axis_value * map.c
                                          : map.c * std::pow(10.0, axis_value - 1));
    case Scale::Linear:
      break;
  }
  return format_number(axis_value);
}

std::vector<std::string> hidden_notes(const Chart& chart, const ChartLayout& l) {
  Hidden h;
  for (const Series& s : chart.series) h.add_all(l, s.x, s.y);
  for (const Band& b : chart.bands) h.add_band(l, b);
  auto points = [](size_t n) { return std::to_string(n) + (n == 1 ? " point " : " points "); };
  const std::string& unit = chart.y_unit;
  std::vector<std::string> notes;
  if (h.below) notes.push_back(points(h.below) + "below " + axis_end(l.y_map, l.y_lo) + unit);
  if (h.above) notes.push_back(points(h.above) + "above " + axis_end(l.y_map, l.y_hi) + unit);
  if (h.left) notes.push_back(points(h.left) + "left of " + axis_end(l.x_map, l.x_lo));
  if (h.right) notes.push_back(points(h.right) + "right of " + axis_end(l.x_map, l.x_hi));
  if (h.outside_scale) notes.push_back(points(h.outside_scale) + "\u2264 0 on a log scale");
  for (std::string& n : notes) n += " not shown";
  for (const Guide& g : chart.guides) {
    const bool inside = l.y_map.shows(g.value) && l.y_map.to_axis(g.value) >= l.y_lo - 1e-9 &&
                        l.y_map.to_axis(g.value) <= l.y_hi + 1e-9;
    if (!inside)
      notes.push_back("line " + (g.label.empty() ? format_number(g.value) + unit : g.label) +
                      " off the axis, not shown");
  }
  return notes;
}

// Every x and y value the axes must cover: the series, the bands, the
// guides and the heat cells.
struct ChartValues {
  std::vector<double> xs, ys;
};

ChartValues chart_values(const Chart& chart) {
  ChartValues v;
  for (const Series& s : chart.series) {
    v.xs.insert(v.xs.end(), s.x.begin(), s.x.end());
    v.ys.insert(v.ys.end(), s.y.begin(), s.y.end());
  }
  for (const Band& b : chart.bands) {
    v.xs.insert(v.xs.end(), b.x.begin(), b.x.end());
    for (const auto* values : {&b.lo, &b.mid, &b.hi})
      v.ys.insert(v.ys.end(), values->begin(), values->end());
  }
  for (const Guide& g : chart.guides) v.ys.push_back(g.value);
  for (const HeatCell& c : chart.cells) {
    v.xs.insert(v.xs.end(), {c.x0, c.x1});
    v.ys.insert(v.ys.end(), {c.y0, c.y1});
  }
  return v;
}

// The plot's left, right and top margins, from the text they hold (the
// bottom one is ChartRowsBelow's).
struct ChartMargins {
  double left, right, top;
};

ChartMargins chart_margins(const Chart& chart, const Axis& xa, const Axis& ya,
                           const TextWidth& text_width) {
  double y_tick_width = 0;
  for (const std::string& label : ya.labels)
    y_tick_width = std::max(y_tick_width, text_width(label, FontSizes::tick));
  const double left = kOuterPad + (chart.y_label.empty() ? 0 : FontSizes::axis * kLineHeight) +
                      y_tick_width + kTickGap;
  const double last_x_label = xa.labels.empty() ? 0 : text_width(xa.labels.back(), FontSizes::tick);
  const double right = std::max(kOuterPad + 6, last_x_label / 2 + kOuterPad);
  const double top =
      chart.title.empty() ? kOuterPad + 4 : kOuterPad + FontSizes::title * kLineHeight;
  return {left, right, top};
}

// A labelled series or band in the legend; `w` includes the spacing after it.
struct ChartLegendEntry {
  size_t index;
  bool band;
  const std::string* label;
  double w;
};

// The legend's entries flowing left to right from `left`, into a new row
// where one would pass `right`.
struct ChartLegendRows {
  double left = 0;
  std::vector<ChartLegendEntry> entries;
  std::vector<int> row_of;  // per entry
  int rows = 0;
};

ChartLegendRows flow_legend(const Chart& chart, double swatch_width, double left, double right,
                            const TextWidth& text_width) {
  ChartLegendRows legend;
  legend.left = left;
  auto entry_width = [&](const std::string& label) {
    return swatch_width + kLegendGap + text_width(label, FontSizes::legend) + kLegendSpacing;
  };
  for (size_t i = 0; i < chart.series.size(); ++i)
    if (!chart.series[i].label.empty() && !chart.series[i].faint)
      legend.entries.push_back(
          {i, false, &chart.series[i].label, entry_width(chart.series[i].label)});
  for (size_t i = 0; i < chart.bands.size(); ++i)
    if (!chart.bands[i].label.empty())
      legend.entries.push_back({i, true, &chart.bands[i].label, entry_width(chart.bands[i].label)});
  legend.row_of.resize(legend.entries.size());
  legend.rows = legend.entries.empty() ? 0 : 1;
  double flow_x = left;
  for (size_t i = 0; i < legend.entries.size(); ++i) {
    if (flow_x > left && flow_x + legend.entries[i].w - kLegendSpacing > right) {
      ++legend.rows;
      flow_x = left;
    }
    legend.row_of[i] = legend.rows - 1;
    flow_x += legend.entries[i].w;
  }
  return legend;
}

// The heights of what lies under the plot, top to bottom: the x tick
// labels, the x axis title, each legend row, each note.
struct ChartRowsBelow {
  double x_ticks, x_title, legend_row, note;
};

ChartRowsBelow chart_rows_below(const Chart& chart) {
  return {kTickGap + FontSizes::tick * kLineHeight,
          chart.x_label.empty() ? 0 : FontSizes::axis * kLineHeight, FontSizes::legend * 1.7,
          FontSizes::note * kLineHeight};
}

// The ticks of both axes, the major ones labelled.
void place_ticks(ChartLayout& out, const Axis& xa, const Axis& ya) {
  const Rect& p = out.plot;
  for (size_t i = 0; i < xa.major.size(); ++i) {
    const double v = xa.major[i];
    out.x_ticks.push_back({v, out.map_x(v), true});
    out.labels.push_back({xa.labels[i],
                          {out.map_x(v), p.y + p.h + kTickGap + FontSizes::tick * 0.6},
                          FontSizes::tick,
                          Anchor::Middle});
  }
  for (double v : xa.minor) out.x_ticks.push_back({v, out.map_x(v), false});
  for (size_t i = 0; i < ya.major.size(); ++i) {
    const double v = ya.major[i];
    out.y_ticks.push_back({v, out.map_y(v), true});
    out.labels.push_back(
        {ya.labels[i], {p.x - kTickGap, out.map_y(v)}, FontSizes::tick, Anchor::End});
  }
  for (double v : ya.minor) out.y_ticks.push_back({v, out.map_y(v), false});
}

// The pixel heights of the guide lines the plot shows.
std::vector<double> guide_line_heights(const ChartLayout& out, const Chart& chart) {
  std::vector<double> heights;
  for (const Guide& g : chart.guides)
    if (out.y_map.shows(g.value)) {
      const double y = out.map_y(g.value);
      if (y >= out.plot.y - 0.5 && y <= out.plot.y + out.plot.h + 0.5) heights.push_back(y);
    }
  return heights;
}

// How far (px) a guide label's centre may sit from its line at height `y`:
// up to `up` above it and `down` below. Its centre stays at least 1.5 times
// as near its own line as any other (a label halfway between two lines,
// nearer one by a pixel, names neither): a shift s toward a line g px away
// needs 1.5 s <= g - s, so s <= 0.4 g; away from it, 1.5 s <= g + s, so
// s <= 2 g. And the label stays inside the plot. A negative value means
// the label must sit on the other side.
struct LabelRoom {
  double up, down;
};

LabelRoom label_room(double y, const std::vector<double>& lines, const Rect& p) {
  const double half_height = FontSizes::guide * 0.6;
  LabelRoom room{y - half_height - p.y, p.y + p.h - y - half_height};
  for (double other : lines) {
    const double gap = std::abs(other - y);
    if (gap < 1e-9) continue;  // the line itself (or one drawn on top of it)
    double& toward = other < y ? room.up : room.down;
    double& away = other < y ? room.down : room.up;
    toward = std::min(toward, 0.4 * gap);
    away = std::min(away, 2 * gap);
  }
  return room;
}

// A guide's label sits at the plot's right end, its centre 0.75 font sizes
// above its line, or below it when above would leave the plot. Close lines
// (95%, 97% and 98% on a 0-100 axis) leave no such room: so that every
// label stays nearer its own line than any other (label_room), a label
// goes to the other side of its line when that side has the room, else as
// far toward its side as the room allows (onto its line when there is
// none). A label that then meets one already placed moves to that one's
// left; one that lies across a line gets a white box under it.
void place_guide_labels(ChartLayout& out, const Chart& chart, const TextWidth& text_width) {
  const Rect& p = out.plot;
  const std::vector<double> lines = guide_line_heights(out, chart);
  const double offset = FontSizes::guide * 0.75;
  for (const Guide& g : chart.guides) {
    if (g.label.empty() || !out.y_map.shows(g.value)) continue;
    const double y = out.map_y(g.value);
    if (y < p.y - 0.5 || y > p.y + p.h + 0.5) continue;
    const LabelRoom room = label_room(y, lines, p);
    // px below the line (negative: above), the preferred side first
    const double preferred = y - offset - FontSizes::guide * 0.6 < p.y ? offset : -offset;
    auto fits = [&](double shift) { return -shift <= room.up && shift <= room.down; };
    double shift = fits(preferred) ? preferred : -preferred;
    if (!fits(shift))
      shift = -room.up <= room.down ? std::clamp(preferred, -room.up, room.down) : 0;
    Point at{p.x + p.w - 4, y + shift};
    const double width = text_width(g.label, FontSizes::guide);
    for (bool moved = true; moved;) {
      moved = false;
      for (const Label& other : out.guide_labels) {
        const double other_left = other.at.x - text_width(other.text, FontSizes::guide);
        if (std::abs(other.at.y - at.y) < FontSizes::guide && at.x - width < other.at.x &&
            other_left < at.x) {
          at.x = other_left - kGuideLabelGap;
          moved = true;
        }
      }
    }
    out.guide_labels.push_back({g.label, at, FontSizes::guide, Anchor::End});
    const double half_height = FontSizes::guide / 2;
    const bool on_a_line = std::any_of(lines.begin(), lines.end(), [&](double line) {
      return std::abs(line - at.y) < half_height;
    });
    if (on_a_line)
      out.guide_label_boxes.push_back(
          {at.x - width - 1, at.y - half_height, width + 2, 2 * half_height});
  }
}

// The chart's title above the plot, the x axis title under the tick labels
// and the y axis title, vertical, at the left edge.
void place_titles(ChartLayout& out, const Chart& chart, const ChartRowsBelow& below) {
  const Rect& p = out.plot;
  if (!chart.title.empty())
    out.labels.push_back({chart.title,
                          {p.x + p.w / 2, kOuterPad + FontSizes::title * 0.6},
                          FontSizes::title,
                          Anchor::Middle,
                          false,
                          true});
  if (!chart.x_label.empty())
    out.labels.push_back({chart.x_label,
                          {p.x + p.w / 2, p.y + p.h + below.x_ticks + FontSizes::axis * 0.7},
                          FontSizes::axis,
                          Anchor::Middle});
  if (!chart.y_label.empty())
    out.labels.push_back({chart.y_label,
                          {kOuterPad + FontSizes::axis * 0.6, p.y + p.h / 2},
                          FontSizes::axis,
                          Anchor::Middle,
                          true});
}

// The legend's swatches and labels under the x axis title, row by row.
void place_legend(ChartLayout& out, const ChartLegendRows& legend, const ChartRowsBelow& below) {
  const Rect& p = out.plot;
  const double legend_top = p.y + p.h + below.x_ticks + below.x_title + below.legend_row * 0.6;
  double x = legend.left;
  for (size_t i = 0; i < legend.entries.size(); ++i) {
    if (i > 0 && legend.row_of[i] != legend.row_of[i - 1]) x = legend.left;
    const double y = legend_top + legend.row_of[i] * below.legend_row;
    const ChartLegendEntry& entry = legend.entries[i];
    out.legend.push_back({entry.index, entry.band, {x, y}});
    out.labels.push_back(
        {*entry.label, {x + out.swatch_width + kLegendGap, y}, FontSizes::legend, Anchor::Start});
    x += entry.w;
  }
}

// The notes on hidden points, one per line under the legend.
void place_notes(ChartLayout& out, const ChartLegendRows& legend, const ChartRowsBelow& below) {
  const Rect& p = out.plot;
  const double notes_top =
      p.y + p.h + below.x_ticks + below.x_title + legend.rows * below.legend_row;
  for (size_t i = 0; i < out.notes.size(); ++i)
    out.labels.push_back({out.notes[i],
                          {legend.left, notes_top + (double(i) + 0.5) * below.note},
                          FontSizes::note,
                          Anchor::Start});
}

}  // namespace

ChartLayout layout_chart(const Chart& chart, double width, double height,
                         const TextWidth& text_width) {
  ChartLayout out;
  out.width = width;
  out.height = height;

  const ChartValues values = chart_values(chart);
  const Axis xa = make_axis(chart.x_scale, values.xs, chart.x_min, chart.x_max,
                            std::clamp(int(width / 110), 3, 10), chart.x_ticks);
  const Axis ya = make_axis(chart.log_y ? Scale::Log : Scale::Linear, values.ys, chart.y_min,
                            chart.y_max, std::clamp(int(height / 70), 3, 8));
  out.x_map = xa.map;
  out.y_map = ya.map;
  out.x_lo = xa.lo;
  out.x_hi = xa.hi;
  out.y_lo = ya.lo;
  out.y_hi = ya.hi;
  out.notes = hidden_notes(chart, out);

  const ChartMargins margin = chart_margins(chart, xa, ya, text_width);
  const ChartLegendRows legend =
      flow_legend(chart, out.swatch_width, margin.left, width - margin.right, text_width);
  const ChartRowsBelow below = chart_rows_below(chart);
  const double bottom = below.x_ticks + below.x_title + legend.rows * below.legend_row +
                        double(out.notes.size()) * below.note + kOuterPad;
  out.plot = {margin.left, margin.top, std::max(10.0, width - margin.left - margin.right),
              std::max(10.0, height - margin.top - bottom)};

  place_ticks(out, xa, ya);
  place_guide_labels(out, chart, text_width);
  place_titles(out, chart, below);
  place_legend(out, legend, below);
  place_notes(out, legend, below);
  return out;
}

}  // namespace minima
