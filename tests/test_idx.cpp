// IDX reading: raw and gzip files read back exactly; every malformed file is
// refused with a message that starts with its path and says what is wrong.
#include <doctest/doctest.h>

#include <string>

#include <minima/data/idx.hpp>
#include "tests/idx_fixtures.hpp"

using namespace minima;
using namespace minima::test;

namespace {

const Bytes kPixels = {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};  // 2 images of 2x3

}  // namespace

TEST_CASE("read_idx_images reads raw and gzip files, detecting gzip by its magic") {
  TempDir dir("idx");
  write_raw(dir.path("raw"), idx_images(2, 2, 3, kPixels));
  write_gzip(dir.path("compressed-without-suffix"), idx_images(2, 2, 3, kPixels));
  write_raw(dir.path("raw-with-suffix.gz"), idx_images(2, 2, 3, kPixels));
  for (const char* name : {"raw", "compressed-without-suffix", "raw-with-suffix.gz"}) {
    CAPTURE(name);
    const ImageSet images = read_idx_images(dir.path(name));
    CHECK(images.count == 2);
    CHECK(images.rows == 2);
    CHECK(images.cols == 3);
    CHECK(images.pixels == kPixels);
  }
}

TEST_CASE("read_idx_labels reads raw and gzip files") {
  TempDir dir("idx");
  const Bytes labels = {7, 0, 9, 3, 3};
  write_raw(dir.path("labels"), idx_labels(labels));
  write_gzip(dir.path("labels.gz"), idx_labels(labels));
  CHECK(read_idx_labels(dir.path("labels")) == labels);
  CHECK(read_idx_labels(dir.path("labels.gz")) == labels);
}

TEST_CASE("a gzip file larger than one read chunk reads back exactly") {
  TempDir dir("idx");
  Bytes pixels(3 * 700 * 1000);  // 2.1 MB: the gzip buffer grows several times
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 31 + i / 977);
  write_gzip(dir.path("big.gz"), idx_images(3, 700, 1000, pixels));
  CHECK(read_idx_images(dir.path("big.gz")).pixels == pixels);
}

TEST_CASE("a wrong magic is refused and the other IDX kind is named") {
  TempDir dir("idx");
  const std::string labels = dir.path("labels"), images = dir.path("images");
  write_raw(labels, idx_labels({1, 2}));
  write_raw(images, idx_images(2, 2, 3, kPixels));
  CHECK(error_of([&] { read_idx_images(labels); }) ==
        labels +
            ": wrong magic 0x00000801 (expected 2051 = 0x00000803, an IDX image file); 0x00000801 "
            "marks an IDX label file");
  CHECK(error_of([&] { read_idx_labels(images); }) ==
        images +
            ": wrong magic 0x00000803 (expected 2049 = 0x00000801, an IDX label file); 0x00000803 "
            "marks an IDX image file");
  const std::string text = dir.path("text");
  write_raw(text, {'h', 'e', 'l', 'l', 'o', '\n'});
  CHECK(error_of([&] { read_idx_labels(text); }) ==
        text + ": wrong magic 0x68656c6c (expected 2049 = 0x00000801, an IDX label file)");
}

TEST_CASE("a file that ends inside the header is refused") {
  TempDir dir("idx");
  const std::string path = dir.path("short");
  write_raw(path, big_endian({2051, 5}));
  CHECK(error_of([&] { read_idx_images(path); }) ==
        path + ": the file ends inside the 16-byte header of an IDX image file (it holds 8 bytes)");
  write_raw(path, {0, 0});
  CHECK(error_of([&] { read_idx_labels(path); }) ==
        path + ": the file ends inside the 8-byte header of an IDX label file (it holds 2 bytes)");
}

TEST_CASE("a header count that disagrees with the file size is refused, raw or gzip") {
  TempDir dir("idx");
  SUBCASE("more images claimed than held") {
    for (const std::string& path : {dir.path("images"), dir.path("images.gz")}) {
      (path.ends_with(".gz") ? write_gzip : write_raw)(path, idx_images(5, 2, 3, kPixels));
      CHECK(error_of([&] { read_idx_images(path); }) ==
            path +
                ": header says 5 images of 2x3 (30 bytes) but the file holds 12 bytes after the "
                "header");
    }
  }
  SUBCASE("fewer images claimed than held") {
    const std::string path = dir.path("images.gz");
    write_gzip(path, idx_images(1, 2, 3, kPixels));
    CHECK(
        error_of([&] { read_idx_images(path); }) ==
        path +
            ": header says 1 images of 2x3 (6 bytes) but the file holds 12 bytes after the header");
  }
  SUBCASE("labels") {
    const std::string path = dir.path("labels");
    Bytes bytes = idx_labels({1, 2, 3});
    bytes.pop_back();
    write_raw(path, bytes);
    CHECK(error_of([&] { read_idx_labels(path); }) ==
          path + ": header says 3 labels (3 bytes) but the file holds 2 bytes after the header");
  }
}

TEST_CASE("zero rows or cols are refused") {
  TempDir dir("idx");
  const std::string path = dir.path("images");
  write_raw(path, idx_images(2, 0, 3, {}));
  CHECK(error_of([&] { read_idx_images(path); }) ==
        path + ": header says 2 images of 0x3; rows and cols must be at least 1");
  write_raw(path, idx_images(2, 3, 0, {}));
  CHECK(error_of([&] { read_idx_images(path); }) ==
        path + ": header says 2 images of 3x0; rows and cols must be at least 1");
}

TEST_CASE("sizes that overflow or exceed the limit are refused before allocating") {
  TempDir dir("idx");
  const std::string path = dir.path("images");
  // (2^32 - 1)^3 bytes overflows int64; the file itself is 16 bytes. One
  // image alone is over the limit, and is refused first; with no images
  // at all too (rows * cols once overflowed downstream).
  for (const uint32_t count : {0xffffffffu, 0u}) {
    write_raw(path, idx_images(count, 0xffffffff, 0xffffffff, {}));
    CHECK(error_of([&] { read_idx_images(path); }) ==
          path + ": header says " + std::to_string(count) +
              " images of 4294967295x4294967295; one image would be 18446744065119617025 bytes, "
              "more than the limit of 2147483648 bytes (IdxLimits::max_bytes)");
    CHECK(error_of([&] { read_idx_image_header(path); }) ==
          error_of([&] { read_idx_images(path); }));
  }
  // 4 TB claimed: refused by the default 2 GiB limit (allocating it would fail or take minutes).
  write_raw(path, idx_images(0xffffffff, 1000, 1000, {}));
  CHECK(error_of([&] { read_idx_images(path); }) ==
        path +
            ": header says 4294967295 images of 1000x1000 (4294967295000000 bytes), more than the "
            "limit of "
            "2147483648 bytes (IdxLimits::max_bytes)");
  // A well-formed file above a caller's limit.
  write_raw(path, idx_images(2, 2, 3, kPixels));
  CHECK(error_of([&] { read_idx_images(path, IdxLimits{11}); }) ==
        path +
            ": header says 2 images of 2x3 (12 bytes), more than the limit of 11 bytes "
            "(IdxLimits::max_bytes)");
  CHECK(read_idx_images(path, IdxLimits{12}).pixels == kPixels);
  write_raw(path, idx_labels({1, 2, 3}));
  CHECK(error_of([&] { read_idx_labels(path, IdxLimits{2}); }) ==
        path +
            ": header says 3 labels (3 bytes), more than the limit of 2 bytes "
            "(IdxLimits::max_bytes)");
}

TEST_CASE("a truncated or corrupt gzip file is refused") {
  TempDir dir("idx");
  Bytes pixels(4 * 20 * 20);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t(i * 2654435761u >> 13);  // poorly compressible
  const std::string path = dir.path("images.gz");
  write_gzip(path, idx_images(4, 20, 20, pixels));
  Bytes compressed = read_all(path);
  REQUIRE(compressed.size() > 200);

  SUBCASE("cut in the middle of the stream") {
    compressed.resize(compressed.size() / 2);
    write_raw(path, compressed);
    CHECK(error_of([&] { read_idx_images(path); }) ==
          path + ": truncated gzip stream (the compressed data ends early)");
  }
  SUBCASE("checksum trailer damaged") {
    compressed[compressed.size() - 8] ^= 0xff;  // first byte of the CRC-32
    write_raw(path, compressed);
    const std::string message = error_of([&] { read_idx_images(path); });
    CHECK(message.starts_with(path + ": corrupt gzip data ("));
  }
}

TEST_CASE("a missing file is refused with the system's reason") {
  TempDir dir("idx");
  const std::string path = dir.path("nothing-here");
  CHECK(error_of([&] { read_idx_images(path); }) ==
        path + ": cannot open: No such file or directory");
  CHECK(error_of([&] { read_idx_labels(path); }) ==
        path + ": cannot open: No such file or directory");
  CHECK(error_of([&] { read_idx_labels(dir.path()); }) ==
        dir.path() + ": cannot open: not a regular file");
}
