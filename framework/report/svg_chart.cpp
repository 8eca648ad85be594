#include <minima/report/svg_chart.hpp>

#include <cstdio>
#include <sstream>

namespace minima {

std::string escape_xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double svg_text_width(const std::string& text, double size) {
  double em = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: same character
    if (std::string_view("ijlI.,:;'!|()[] ").find(char(c)) != std::string_view::npos)
      em += 0.32;
    else if (std::string_view("mwMW%").find(char(c)) != std::string_view::npos)
      em += 0.9;
    else if (c >= 'A' && c <= 'Z')
      em += 0.7;
    else
      em += 0.6;
  }
  return em * size;
}

namespace {

std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", v);
  std::string s = text;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

std::string hex(Rgb c) {
  char text[8];
  std::snprintf(text, sizeof(text), "#%02x%02x%02x", c.r, c.g, c.b);
  return text;
}

std::string points(const std::vector<Point>& pts) {
  std::string s;
  for (const Point& p : pts) {
    if (!s.empty()) s += ' ';
    s += num(p.x) + ',' + num(p.y);
  }
  return s;
}

class SvgPainter : public ChartPainter {
 public:
  SvgPainter(std::ostringstream& out, std::string id) : out_(out), id_(std::move(id)) {}

  void line(const std::vector<Point>& pts, Rgb color, double width,
            const std::vector<double>& dash) override {
    out_ << "<polyline fill=\"none\" stroke=\"" << hex(color) << "\" stroke-width=\"" << num(width)
         << "\" stroke-linejoin=\"round\"";
    if (!dash.empty()) {
      out_ << " stroke-dasharray=\"";
      for (size_t i = 0; i < dash.size(); ++i) out_ << (i ? " " : "") << num(dash[i]);
      out_ << '"';
    }
    out_ << " points=\"" << points(pts) << "\"/>\n";
  }

  void area(const std::vector<Point>& outline, Rgb color, double opacity) override {
    out_ << "<polygon fill=\"" << hex(color) << '"';
    if (opacity < 1) out_ << " fill-opacity=\"" << opacity << '"';
    out_ << " fill-rule=\"evenodd\" points=\"" << points(outline) << "\"/>\n";
  }

  void text(const Label& label, Rgb color) override {
    static const char* anchors[] = {"start", "middle", "end"};
    // `at` is on the text's vertical centre; SVG places the baseline, about
    // 0.35 em below the centre of lower-case and digit glyphs.
    out_ << "<text font-size=\"" << num(label.size) << "\" fill=\"" << hex(color)
         << "\" text-anchor=\"" << anchors[int(label.anchor)] << '"'
         << (label.bold ? " font-weight=\"bold\"" : "");
    if (label.vertical)
      out_ << " transform=\"translate(" << num(label.at.x) << ',' << num(label.at.y)
           << ") rotate(-90)\" x=\"0\" y=\"" << num(label.size * 0.35) << '"';
    else
      out_ << " x=\"" << num(label.at.x) << "\" y=\"" << num(label.at.y + label.size * 0.35) << '"';
    out_ << '>' << escape_xml(label.text) << "</text>\n";
  }

  void clip(const Rect* rect) override {
    if (!rect) {
      out_ << "</g>\n";
      return;
    }
    const std::string clip_id = id_ + "-clip" + std::to_string(clips_++);
    out_ << "<clipPath id=\"" << clip_id << "\"><rect x=\"" << num(rect->x) << "\" y=\""
         << num(rect->y) << "\" width=\"" << num(rect->w) << "\" height=\"" << num(rect->h)
         << "\"/></clipPath>\n"
         << "<g clip-path=\"url(#" << clip_id << ")\">\n";
  }

 private:
  std::ostringstream& out_;
  std::string id_;
  int clips_ = 0;
};

}  // namespace

std::string render_svg(const Chart& chart, const SvgOptions& options) {
  const ChartLayout layout = layout_chart(chart, options.width, options.height, svg_text_width);
  std::ostringstream out;
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" << escape_xml(options.id)
      << "\" width=\"" << options.width << "\" height=\"" << options.height << "\" viewBox=\"0 0 "
      << options.width << ' ' << options.height
      << "\" role=\"img\" font-family=\"DejaVu Sans, Verdana, Arial, Helvetica, sans-serif\">\n"
      << "<title>"
      << escape_xml(chart.title.empty() ? chart.y_label + " vs " + chart.x_label : chart.title)
      << "</title>\n";
  SvgPainter painter(out, options.id);
  paint_chart(chart, layout, painter);
  out << "</svg>\n";
  return out.str();
}

}  // namespace minima
