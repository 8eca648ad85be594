// Writes valid inputs for each fuzz target into <dir>/<target>/, so that
// fuzzing starts from files that load and mutates them into hostile ones:
//   make_fuzz_seeds DIR
// idx: image and label files (first byte 0 = file as is, 1 = the fuzz
// target gzips the rest; one stored .gz file too); safetensors: the fuzz
// model's checkpoint as save_model writes it, and one with more metadata;
// config: a layer-list config over "idx" data using every layer type;
// image: a small digit-like drawing as PNG (gray, gray+alpha, RGB), JPEG,
// BMP, TGA and PGM, and a 1x1 GIF (first byte 1 = read as an MNIST digit,
// 0 = as an RGB image-folder sample).
// (The shipped configs/*.json are added by scripts/fuzz.sh.)
#include <stb_image_write.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <minima/io/checkpoint.hpp>
#include "fuzz/fuzz_inputs.hpp"

namespace fs = std::filesystem;

namespace {

std::string big_endian(std::initializer_list<uint32_t> words) {
  std::string bytes;
  for (uint32_t w : words)
    for (int shift = 24; shift >= 0; shift -= 8) bytes += char((w >> shift) & 0xff);
  return bytes;
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

std::string gzip_file_bytes(const fs::path& scratch, const std::string& bytes) {
  gzFile out = gzopen(scratch.c_str(), "wb");
  if (!out || gzwrite(out, bytes.data(), unsigned(bytes.size())) != int(bytes.size()) ||
      gzclose(out) != Z_OK)
    throw std::runtime_error(scratch.string() + ": cannot gzip");
  std::ifstream in(scratch, std::ios::binary);
  std::string compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(scratch);
  return compressed;
}

void idx_seeds(const fs::path& dir) {
  std::string pixels;
  for (int i = 0; i < 3 * 4 * 5; ++i) pixels += char(i * 4);
  const std::string images = big_endian({2051, 3, 4, 5}) + pixels;
  const std::string labels = big_endian({2049, 3}) + std::string("\x01\x07\x09", 3);
  write(dir / "images_raw", '\0' + images);
  write(dir / "images_gzipped", '\1' + images);
  write(dir / "labels_raw", '\0' + labels);
  write(dir / "labels_gzipped", '\1' + labels);
  write(dir / "images_gz_file", '\0' + gzip_file_bytes(dir / "scratch.gz", images));
}

void safetensors_seeds(const fs::path& dir) {
  minima::Graph graph = minima::fuzz::small_model();
  minima::save_model((dir / "small_model.safetensors").string(), graph);
  minima::save_model((dir / "with_metadata.safetensors").string(), graph,
                     {{"step", "12"}, {"note", "seed"}});
}

void config_seeds(const fs::path& dir) {
  write(dir / "layer_list.json", R"({
  "description": "every core layer type on idx data",
  "seed": 3,
  "data": {"dataset": "idx", "dir": "data/tiny", "validation": 2, "normalize": "standardize"},
  "model": {"layers": [
    {"type": "dense", "name": "fc1", "units": 8, "init": "xavier"},
    {"type": "batchnorm", "name": "bn1", "momentum": null, "eps": 0.001},
    {"type": "relu"},
    {"type": "dense", "name": "fc2", "units": 6, "bias": false, "init": "gaussian", "std": 0.1},
    {"type": "tanh"},
    {"type": "dense", "name": "fc3", "units": 4},
    {"type": "sigmoid"},
    {"type": "dense", "name": "out", "units": 3}]},
  "optimizer": {"type": "adam", "lr": 0.001, "weight_decay": 0.01},
  "schedule": {"type": "step", "step_size": 5, "gamma": 0.5, "warmup_steps": 2},
  "train": {"batch_size": 4, "steps": 20, "eval_every": 5, "threads": 1},
  "output": {"dir": "runs/tiny", "checkpoint_every": 10}
})");
}

// A dark "7" on light paper, 12x10, in `channels` channels (the last one
// alpha when channels is 2 or 4).
std::vector<unsigned char> digit_drawing(int channels) {
  const int width = 10, height = 12;
  std::vector<unsigned char> pixels(size_t(width * height * channels));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const bool ink = (y == 1 && x >= 2 && x <= 8) || (y >= 2 && x == 9 - y / 2 && x >= 2);
      for (int c = 0; c < channels; ++c) {
        const bool alpha = (channels == 2 || channels == 4) && c == channels - 1;
        pixels[size_t((y * width + x) * channels + c)] = alpha ? 255 : (ink ? 20 : 235);
      }
    }
  return pixels;
}

void append(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
}

void image_seeds(const fs::path& dir) {
  const int width = 10, height = 12;
  const auto encode = [&](const std::string& name, int channels, auto writer) {
    const std::vector<unsigned char> pixels = digit_drawing(channels);
    std::string bytes;
    if (!writer(&bytes, channels, pixels.data()))
      throw std::runtime_error(name + ": stb_image_write failed");
    write(dir / (name + "_digit"), '\1' + bytes);
    write(dir / (name + "_rgb"), '\0' + bytes);
  };
  const auto png = [&](std::string* out, int channels, const unsigned char* pixels) {
    return stbi_write_png_to_func(append, out, width, height, channels, pixels, width * channels);
  };
  encode("png_gray", 1, png);
  encode("png_gray_alpha", 2, png);
  encode("png_rgb", 3, png);
  encode("jpeg", 3, [&](std::string* out, int channels, const unsigned char* pixels) {
    return stbi_write_jpg_to_func(append, out, width, height, channels, pixels, 80);
  });
  encode("bmp", 3, [&](std::string* out, int channels, const unsigned char* pixels) {
    return stbi_write_bmp_to_func(append, out, width, height, channels, pixels);
  });
  encode("tga", 4, [&](std::string* out, int channels, const unsigned char* pixels) {
    return stbi_write_tga_to_func(append, out, width, height, channels, pixels);
  });
  const std::vector<unsigned char> gray = digit_drawing(1);
  write(dir / "pgm_digit", "\1P5\n10 12\n255\n" + std::string(gray.begin(), gray.end()));
  const std::string gif(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
      ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
      43);
  write(dir / "gif_rgb", '\0' + gif);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_seeds DIR\n";
    return 2;
  }
  const fs::path root = argv[1];
  try {
    for (const char* target : {"idx", "safetensors", "config", "image"})
      fs::create_directories(root / target);
    idx_seeds(root / "idx");
    safetensors_seeds(root / "safetensors");
    config_seeds(root / "config");
    image_seeds(root / "image");
  } catch (const std::exception& e) {
    std::cerr << "make_fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
