#include <minima/data/idx.hpp>

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <stdexcept>

namespace minima {
namespace {

constexpr uint32_t kLabelMagic = 0x00000801;  // 2049
constexpr uint32_t kImageMagic = 0x00000803;  // 2051

std::runtime_error file_error(const std::string& path, const std::string& what) {
  return std::runtime_error(path + ": " + what);
}

std::string hex32(uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

uint32_t big_endian_u32(const uint8_t* b) {
  return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
}

const char* idx_kind(uint32_t magic) {
  if (magic == kLabelMagic) return "an IDX label file";
  if (magic == kImageMagic) return "an IDX image file";
  return nullptr;
}

// An IDX file opened for sequential reading. zlib reads files without the
// gzip magic transparently, so one code path serves both; for a raw file the
// size is known up front, which lets a lying header be refused before any
// allocation.
class IdxStream {
 public:
  explicit IdxStream(const std::string& path) : path_(path) {
    struct stat info;
    if (::stat(path.c_str(), &info) != 0)
      throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
    if (!S_ISREG(info.st_mode)) throw file_error(path, "cannot open: not a regular file");
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(file_, 1 << 17);
    if (gzdirect(file_)) raw_size_ = info.st_size;
  }
  ~IdxStream() { gzclose(file_); }
  IdxStream(const IdxStream&) = delete;
  IdxStream& operator=(const IdxStream&) = delete;

  const std::string& path() const { return path_; }

  // Reads up to n bytes, fewer only where the data ends. A gzip stream that
  // breaks off or fails its checksum is an error.
  int64_t read(uint8_t* dst, int64_t n) {
    int64_t total = 0;
    while (total < n) {
      const unsigned chunk = unsigned(std::min<int64_t>(n - total, int64_t(1) << 30));
      const int got = gzread(file_, dst + total, chunk);
      if (got > 0) total += got;
      if (got < int(chunk)) break;
    }
    check_stream();
    consumed_ += total;
    return total;
  }

  // Reads and counts whatever is left in the file.
  int64_t skip_rest() {
    uint8_t scratch[1 << 14];
    int64_t total = 0;
    for (;;) {
      const int64_t got = read(scratch, sizeof scratch);
      total += got;
      if (got < int64_t(sizeof scratch)) return total;
    }
  }

  // Bytes after the current position, or -1 when unknown without decompressing.
  int64_t raw_bytes_left() const { return raw_size_ < 0 ? -1 : raw_size_ - consumed_; }

 private:
  void check_stream() {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    if (code == Z_OK) return;
    if (code == Z_BUF_ERROR)
      throw file_error(path_, "truncated gzip stream (the compressed data ends early)");
    if (code == Z_ERRNO)
      throw file_error(path_, std::string("read error: ") + std::strerror(errno));
    throw file_error(path_, std::string("corrupt gzip data (") + message + ")");
  }

  std::string path_;
  gzFile file_ = nullptr;
  int64_t raw_size_ = -1;
  int64_t consumed_ = 0;
};

// Reads the magic and `n` more big-endian 32-bit header fields into `fields`.
void read_header(IdxStream& in, uint32_t expected_magic, uint32_t* fields, int n) {
  uint8_t bytes[16];
  const int64_t header_bytes = 4 * (n + 1);
  int64_t got = in.read(bytes, 4);
  if (got == 4) {
    const uint32_t magic = big_endian_u32(bytes);
    if (magic != expected_magic) {
      std::string message = "wrong magic " + hex32(magic) + " (expected " +
                            std::to_string(expected_magic) + " = " + hex32(expected_magic) + ", " +
                            idx_kind(expected_magic) + ")";
      if (const char* kind = idx_kind(magic)) message += "; " + hex32(magic) + " marks " + kind;
      throw file_error(in.path(), message);
    }
    got += in.read(bytes + 4, header_bytes - 4);
  }
  if (got < header_bytes)
    throw file_error(in.path(), "the file ends inside the " + std::to_string(header_bytes) +
                                    "-byte header of " + idx_kind(expected_magic) + " (it holds " +
                                    std::to_string(got) + " bytes)");
  for (int i = 0; i < n; ++i) fields[i] = big_endian_u32(bytes + 4 * (i + 1));
}

// Bytes of a payload with the given dimensions, checked against overflow and
// the limit. `claim` describes the header for error messages.
int64_t payload_bytes(const IdxStream& in, std::initializer_list<uint32_t> dims,
                      const std::string& claim, const IdxLimits& limits) {
  int64_t bytes = 1;
  for (uint32_t d : dims)
    if (__builtin_mul_overflow(bytes, int64_t(d), &bytes))
      throw file_error(in.path(), claim + ", a size that overflows a 64-bit integer");
  if (bytes > limits.max_bytes)
    throw file_error(in.path(),
                     claim + " (" + std::to_string(bytes) + " bytes), more than the limit of " +
                         std::to_string(limits.max_bytes) + " bytes (IdxLimits::max_bytes)");
  return bytes;
}

// Reads the `expected` payload bytes after the header and checks that the
// file holds exactly that many.
std::vector<uint8_t> read_payload(IdxStream& in, int64_t expected, const std::string& claim) {
  const auto mismatch = [&](int64_t held) {
    return file_error(in.path(), claim + " (" + std::to_string(expected) +
                                     " bytes) but the file holds " + std::to_string(held) +
                                     " bytes after the header");
  };
  const int64_t known = in.raw_bytes_left();
  if (known >= 0 && known != expected) throw mismatch(known);
  // A gzip file's real size shows only while decompressing, so its buffer
  // grows as data arrives: a lying header costs no more memory than the data.
  std::vector<uint8_t> data;
  int64_t got = 0;
  while (got < expected) {
    const int64_t want =
        known >= 0 ? expected : std::min(expected, std::max(2 * got, int64_t(1) << 20));
    data.resize(size_t(want));
    got += in.read(data.data() + got, want - got);
    if (got < want) break;
  }
  const int64_t held = got + in.skip_rest();
  if (held != expected) throw mismatch(held);
  return data;
}

std::string image_claim(int64_t count, int64_t rows, int64_t cols) {
  return "header says " + std::to_string(count) + " images of " + std::to_string(rows) + "x" +
         std::to_string(cols);
}

// Reads and checks an image file's header: count, rows, cols. One image
// (rows * cols bytes, the size of a sample everywhere downstream) must fit
// the limit too, so that an empty set of absurdly large images is refused
// here rather than overflow later. rows * cols < 2^64: exact in uint64_t.
ImageSet read_image_header(IdxStream& in, const IdxLimits& limits) {
  uint32_t dims[3];
  read_header(in, kImageMagic, dims, 3);
  const std::string claim = image_claim(dims[0], dims[1], dims[2]);
  if (dims[1] == 0 || dims[2] == 0)
    throw file_error(in.path(), claim + "; rows and cols must be at least 1");
  const uint64_t image_bytes = uint64_t(dims[1]) * dims[2];
  if (image_bytes > uint64_t(limits.max_bytes))
    throw file_error(in.path(), claim + "; one image would be " + std::to_string(image_bytes) +
                                    " bytes, more than the limit of " +
                                    std::to_string(limits.max_bytes) +
                                    " bytes (IdxLimits::max_bytes)");
  ImageSet images;
  images.count = dims[0];
  images.rows = dims[1];
  images.cols = dims[2];
  return images;
}

}  // namespace

ImageSet read_idx_image_header(const std::string& path, const IdxLimits& limits) {
  IdxStream in(path);
  return read_image_header(in, limits);
}

ImageSet read_idx_images(const std::string& path, const IdxLimits& limits) {
  IdxStream in(path);
  ImageSet images = read_image_header(in, limits);
  const std::string claim = image_claim(images.count, images.rows, images.cols);
  const int64_t bytes = payload_bytes(
      in, {uint32_t(images.count), uint32_t(images.rows), uint32_t(images.cols)}, claim, limits);
  images.pixels = read_payload(in, bytes, claim);
  return images;
}

std::vector<uint8_t> read_idx_labels(const std::string& path, const IdxLimits& limits) {
  IdxStream in(path);
  uint32_t count;
  read_header(in, kLabelMagic, &count, 1);
  const std::string claim = "header says " + std::to_string(count) + " labels";
  const int64_t bytes = payload_bytes(in, {count}, claim, limits);
  return read_payload(in, bytes, claim);
}

}  // namespace minima
