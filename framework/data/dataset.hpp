#pragma once
// A labelled image data set held in memory as uint8 (scaled per batch by the
// Batcher), loaded from the four IDX files of MNIST or Fashion-MNIST.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <minima/core/shape.hpp>
#include <minima/data/idx.hpp>

namespace minima {

struct Dataset {
  Shape sample_shape;  // [C, H, W], e.g. [1, 28, 28]
  int64_t count = 0;
  int num_classes = 0;                   // max(10, 1 + max label)
  std::vector<uint8_t> pixels;           // [count, C, H, W], channels first
  std::vector<int32_t> labels;           // [count]
  std::vector<std::string> class_names;  // num_classes names
  std::string labels_source;             // where the labels came from (for messages)
};

// Reads split "train" (<dir>/train-images-idx3-ubyte + train-labels-idx1-ubyte)
// or "test" (t10k-...), each raw or with ".gz" (raw preferred when both exist).
// Image and label counts must agree. Class names are Fashion-MNIST's when the
// directory's name contains "fashion", else the digits "0", "1", ...
// Missing files give an error that says how to fetch the data.
Dataset load_idx_dataset(const std::string& dir, const std::string& split,
                         const IdxLimits& limits = {});

// Splits off the last `validation_count` samples (deterministic, no shuffle)
// as {train, validation}. Both keep the shape, classes and names.
std::pair<Dataset, Dataset> split_validation(Dataset all, int64_t validation_count);

// Input scaling x = (pixel/255 - mean) / std.
struct Normalization {
  float mean = 0.0f, std = 1.0f;
};
// out[j] = (pixels[j] / 255 - mean) / std for j < count, in float: every
// training batch and every image given to predict goes through this formula.
void normalize_pixels(const uint8_t* pixels, int64_t count, const Normalization& norm, float* out);
// Mean and (population) standard deviation of pixel/255 over all pixels.
Normalization standardization_of(const Dataset& data);

}  // namespace minima
