#include <minima/data/jpeg_decoder.hpp>

#include <memory>
#include <stdexcept>
#include <string>

#include <turbojpeg.h>

namespace minima {
namespace {

struct TjDestroy {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using Decompressor = std::unique_ptr<void, TjDestroy>;

Decompressor make_decompressor() {
  Decompressor handle(tjInitDecompress());
  if (!handle) throw std::runtime_error(std::string("libjpeg-turbo: ") + tjGetErrorStr2(nullptr));
  return handle;
}

[[noreturn]] void fail(const Decompressor& handle) {
  throw std::runtime_error(std::string("libjpeg-turbo: ") + tjGetErrorStr2(handle.get()));
}

const unsigned char* data_of(std::string_view bytes) {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}

}  // namespace

bool is_jpeg(std::string_view bytes) { return bytes.substr(0, 2) == "\xff\xd8"; }

JpegSize jpeg_size(std::string_view bytes) {
  const Decompressor handle = make_decompressor();
  JpegSize size;
  int subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(handle.get(), data_of(bytes), static_cast<unsigned long>(bytes.size()),
                          &size.width, &size.height, &subsampling, &colorspace) != 0)
    fail(handle);
  // A file that ends inside its header reads as tables only, with no frame.
  if (size.width <= 0 || size.height <= 0)
    throw std::runtime_error("no frame header: the file ends before the image's size");
  return size;
}

std::vector<uint8_t> decode_jpeg(std::string_view bytes, int channels) {
  if (channels != 1 && channels != 3)
    throw std::invalid_argument("decode_jpeg: channels must be 1 or 3");
  const JpegSize size = jpeg_size(bytes);
  const Decompressor handle = make_decompressor();
  std::vector<uint8_t> pixels(size_t(size.width) * size_t(size.height) * size_t(channels));
  if (tjDecompress2(handle.get(), data_of(bytes), static_cast<unsigned long>(bytes.size()),
                    pixels.data(), size.width, /*pitch=*/0, size.height,
                    channels == 1 ? TJPF_GRAY : TJPF_RGB, TJFLAG_STOPONWARNING) != 0)
    fail(handle);
  return pixels;
}

}  // namespace minima
