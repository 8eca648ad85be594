#pragma once
// Renders a Chart as a standalone SVG document (also valid inline in HTML):
// no scripts, no external fonts or links, a <title> for screen readers.
#include <string>

#include <minima/report/chart.hpp>

namespace minima {

struct SvgOptions {
  int width = 720;
  int height = 420;
  std::string id = "chart";  // prefix of the ids inside; unique per page
};

std::string render_svg(const Chart& chart, const SvgOptions& options = {});

// The width a browser's sans-serif font gives `text` at `size` px, estimated
// per character class (the layout reserves room from it).
double svg_text_width(const std::string& text, double size);

// Escapes & < > " ' for XML/HTML text and attribute values.
std::string escape_xml(const std::string& text);

}  // namespace minima
