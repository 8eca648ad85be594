#pragma once
// TrueType text for raster pictures, drawn by stb_truetype (libstb-dev) in
// DejaVu Sans from Debian's fonts-dejavu-core. The font folder is the one
// CMake found at configure time, or $MINIMA_FONT_DIR when set.
#include <functional>
#include <memory>
#include <string>

namespace minima {

class Font {
 public:
  // Reads a .ttf file; a missing or unreadable one is an error that names
  // the file and the package that provides it.
  explicit Font(const std::string& path);
  ~Font();
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  // Advance width in px of UTF-8 `text` at font size `size` px (the em, as
  // CSS's font-size), kerning included.
  double width(const std::string& text, double size) const;

  // Rasterizes `text` at `size` px with the start of its baseline at the
  // origin: ink(dx, dy, coverage) for every pixel the glyphs touch, dx to
  // the right and dy down from the origin, coverage in (0, 1].
  void draw(const std::string& text, double size,
            const std::function<void(int dx, int dy, float coverage)>& ink) const;

 private:
  struct Face;
  std::unique_ptr<Face> face_;
};

enum class FontWeight { Regular, Bold };

// The path of DejaVu Sans (or DejaVu Sans Bold): $MINIMA_FONT_DIR when set,
// else the folder CMake found.
std::string font_path(FontWeight weight);
// That font, read once on first use.
const Font& ui_font(FontWeight weight = FontWeight::Regular);

}  // namespace minima
