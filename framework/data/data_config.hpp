#pragma once
// The "data" section of a run config: which data set, where, how it is
// split and normalized, and what that says about a sample's shape.
#include <cstdint>
#include <optional>
#include <string>

#include <minima/config/config_object.hpp>
#include <minima/core/shape.hpp>

namespace minima {

struct DataConfig {
  std::string dataset =
      "mnist";      // "mnist" | "fashion" | "idx" (any IDX set in `dir`) | "folder" (image folders)
  std::string dir;  // default: data/<dataset>
  // "folder" only: dir/train/<class>/*.png|jpg and dir/test/<class>/..., each
  // image resized to height x width (data.size: [height, width]), gray or RGB.
  int height = 28, width = 28;
  bool grayscale = true;
  int64_t validation = 0;  // samples split off the end of the training set; eval uses them when > 0
  std::string normalize = "scale";  // "scale" (x/255) | "standardize" (training set mean/std)
};

// What is known about the built-in data sets ("mnist", "fashion") before
// loading them.
struct KnownDataset {
  const char* name;
  int64_t train_samples;
  int64_t side;  // gray images side x side
  int64_t classes;
};
// nullptr for a data set that is not built in.
const KnownDataset* find_known(const std::string& dataset);

// Reads and validates the "data" section (errors name its JSON pointer).
DataConfig parse_data(ConfigObject c);

// The per-sample image shape [C, H, W] of a built-in data set ([1, 28, 28]
// for "mnist" and "fashion"; [1 or 3, height, width] for "folder"); nullopt
// for "idx", whose shape is in its files' headers.
std::optional<Shape> known_sample_shape(const DataConfig& data);
// The per-sample image shape [C, H, W]: the known shape, or for "idx"
// [1, rows, cols] from the header of the training images file
// (<dir>/train-images-idx3-ubyte, raw or .gz; only its header is read).
// A model whose first layer takes flat vectors sees it flattened (Graph).
Shape sample_shape(const DataConfig& data);

// How a sample's features form an image.
struct SampleGeometry {
  int height = 0, width = 0, channels = 1;
};
// For "folder" data: data.size and 1 or 3 channels; else square gray
// images (784 features -> 28 x 28).
SampleGeometry sample_geometry(const DataConfig& data, int64_t features);

}  // namespace minima
