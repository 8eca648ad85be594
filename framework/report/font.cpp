#include <minima/report/font.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include <stb_truetype.h>

namespace minima {

struct Font::Face {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
};

namespace {

// The next code point of UTF-8 `text` from `i` (advanced past it); a
// malformed byte reads as U+FFFD.
int next_code_point(const std::string& text, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  const size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  if (c >= 0x80 && (c & 0xC0) == 0x80) {
    ++i;
    return 0xFFFD;
  }
  int code = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
  size_t k = 1;
  for (; k < length && i + k < text.size(); ++k)
    code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += k;
  return k == length ? code : 0xFFFD;
}

std::vector<int> code_points(const std::string& text) {
  std::vector<int> out;
  for (size_t i = 0; i < text.size();) out.push_back(next_code_point(text, i));
  return out;
}

}  // namespace

Font::Font(const std::string& path) : face_(std::make_unique<Face>()) {
  std::ifstream in(path, std::ios::binary);
  face_->data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (face_->data.empty() || !stbtt_InitFont(&face_->info, face_->data.data(),
                                             stbtt_GetFontOffsetForIndex(face_->data.data(), 0)))
    throw std::runtime_error(
        "cannot read the font " + path +
        ": PNG pictures need DejaVu Sans (Debian package fonts-dejavu-core, see "
        "scripts/install-deps.sh), or set MINIMA_FONT_DIR to a folder holding DejaVuSans.ttf "
        "and DejaVuSans-Bold.ttf");
}

Font::~Font() = default;

double Font::width(const std::string& text, double size) const {
  const float scale = stbtt_ScaleForMappingEmToPixels(&face_->info, float(size));
  const std::vector<int> cps = code_points(text);
  double units = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&face_->info, cps[i], &advance, &bearing);
    units += advance;
    if (i + 1 < cps.size())
      units += stbtt_GetCodepointKernAdvance(&face_->info, cps[i], cps[i + 1]);
  }
  return units * scale;
}

void Font::draw(const std::string& text, double size,
                const std::function<void(int, int, float)>& ink) const {
  const float scale = stbtt_ScaleForMappingEmToPixels(&face_->info, float(size));
  const std::vector<int> cps = code_points(text);
  std::vector<unsigned char> bitmap;
  double pen = 0;  // in px from the origin
  for (size_t i = 0; i < cps.size(); ++i) {
    const float shift = float(pen - std::floor(pen));
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    stbtt_GetCodepointBitmapBoxSubpixel(&face_->info, cps[i], scale, scale, shift, 0, &x0, &y0, &x1,
                                        &y1);
    const int w = x1 - x0, h = y1 - y0;
    if (w > 0 && h > 0) {
      bitmap.assign(size_t(w) * size_t(h), 0);
      stbtt_MakeCodepointBitmapSubpixel(&face_->info, bitmap.data(), w, h, w, scale, scale, shift,
                                        0, cps[i]);
      const int left = int(std::floor(pen)) + x0;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          if (const unsigned char c = bitmap[size_t(y) * size_t(w) + size_t(x)])
            ink(left + x, y0 + y, float(c) / 255.0f);
    }
    int advance = 0, bearing = 0;
    stbtt_GetCodepointHMetrics(&face_->info, cps[i], &advance, &bearing);
    pen += advance * scale;
    if (i + 1 < cps.size())
      pen += stbtt_GetCodepointKernAdvance(&face_->info, cps[i], cps[i + 1]) * scale;
  }
}

std::string font_path(FontWeight weight) {
  const char* env = std::getenv("MINIMA_FONT_DIR");
  const std::string dir = env && *env ? env : MINIMA_FONT_DIR;
  const char* file = weight == FontWeight::Bold ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf";
  return dir.empty() ? file : dir + "/" + file;
}

const Font& ui_font(FontWeight weight) {
  static const Font regular(font_path(FontWeight::Regular));
  if (weight == FontWeight::Regular) return regular;
  static const Font bold(font_path(FontWeight::Bold));
  return bold;
}

}  // namespace minima
