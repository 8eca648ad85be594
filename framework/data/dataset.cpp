#include <minima/data/dataset.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <minima/core/vector_clones.hpp>

namespace minima {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFashionClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

bool names_fashion(const std::string& dir) {
  fs::path path = fs::path(dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // "data/fashion/"
  std::string name = path.filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return name.find("fashion") != std::string::npos;
}

// How to get the data into `dir`: Fashion-MNIST for a directory named like
// it, else MNIST.
std::string fetch_hint(const std::string& dir) {
  if (names_fashion(dir)) return "to get Fashion-MNIST run scripts/fetch-data.sh fashion " + dir;
  return "to get the data run scripts/fetch-data.sh mnist " + dir + " (or: fetch-data.sh fashion " +
         dir + " for Fashion-MNIST)";
}

// "<dir>/<name>" if it exists, else "<dir>/<name>.gz" if that exists.
std::string find_idx_file(const std::string& dir, const std::string& name) {
  if (!fs::is_directory(dir)) {
    std::error_code error;
    const std::string relative =
        fs::path(dir).is_relative()
            ? " (relative to the current directory, " + fs::current_path(error).string() + ")"
            : "";
    throw std::runtime_error(dir + ": no such directory" + relative + "; " + fetch_hint(dir));
  }
  for (const std::string& candidate : {name, name + ".gz"}) {
    const fs::path path = fs::path(dir) / candidate;
    if (fs::exists(path)) return path.string();
  }
  throw std::runtime_error(dir + ": neither " + name + " nor " + name + ".gz found; " +
                           fetch_hint(dir));
}

}  // namespace

Dataset load_idx_dataset(const std::string& dir, const std::string& split,
                         const IdxLimits& limits) {
  if (split != "train" && split != "test")
    throw std::invalid_argument("data split must be \"train\" or \"test\", got \"" + split + "\"");
  const std::string prefix = split == "train" ? "train" : "t10k";
  const std::string images_path = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  ImageSet images = read_idx_images(images_path, limits);
  const std::vector<uint8_t> labels = read_idx_labels(labels_path, limits);
  if (int64_t(labels.size()) != images.count)
    throw std::runtime_error(labels_path + ": holds " + std::to_string(labels.size()) +
                             " labels but " + images_path + " holds " +
                             std::to_string(images.count) + " images");

  Dataset data;
  data.sample_shape = Shape{1, images.rows, images.cols};
  data.count = images.count;
  data.pixels = std::move(images.pixels);
  data.labels.assign(labels.begin(), labels.end());
  const int max_label = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end());
  data.num_classes = std::max(10, max_label + 1);
  data.labels_source = labels_path;
  const bool fashion = names_fashion(dir) && data.num_classes == int(kFashionClassNames.size());
  for (int k = 0; k < data.num_classes; ++k)
    data.class_names.push_back(fashion ? kFashionClassNames[k] : std::to_string(k));
  return data;
}

std::pair<Dataset, Dataset> split_validation(Dataset all, int64_t validation_count) {
  if (validation_count < 0 || validation_count >= all.count)
    throw std::invalid_argument("validation count " + std::to_string(validation_count) +
                                " must be at least 0 and less than the " +
                                std::to_string(all.count) + " samples of the data set");
  const int64_t train_count = all.count - validation_count;
  const int64_t features = all.sample_shape.numel();
  Dataset validation;
  validation.sample_shape = all.sample_shape;
  validation.count = validation_count;
  validation.num_classes = all.num_classes;
  validation.class_names = all.class_names;
  validation.labels_source = all.labels_source;
  validation.pixels.assign(all.pixels.begin() + train_count * features, all.pixels.end());
  validation.labels.assign(all.labels.begin() + train_count, all.labels.end());
  all.count = train_count;
  all.pixels.resize(size_t(train_count * features));
  all.labels.resize(size_t(train_count));
  return {std::move(all), std::move(validation)};
}

// Vectorized (8 pixels per step with AVX2); each float operation rounds as
// a scalar one would, so the result does not depend on the clone that ran.
MINIMA_VECTOR_CLONES void normalize_pixels(const uint8_t* pixels, int64_t count,
                                           const Normalization& norm, float* out) {
  const float mean = norm.mean, std = norm.std;
  for (int64_t j = 0; j < count; ++j) out[j] = (float(pixels[j]) / 255.0f - mean) / std;
}

Normalization standardization_of(const Dataset& data) {
  if (data.pixels.empty()) throw std::invalid_argument("cannot standardize an empty data set");
  // A histogram of the 256 pixel values gives the exact sums in two cheap passes:
  // mean = sum_v h[v] v/255 / N, var = sum_v h[v] (v/255 - mean)^2 / N.
  std::array<int64_t, 256> histogram{};
  for (uint8_t p : data.pixels) ++histogram[p];
  const double n = double(data.pixels.size());
  double sum = 0.0;
  for (int v = 0; v < 256; ++v) sum += double(histogram[v]) * (v / 255.0);
  const double mean = sum / n;
  double squares = 0.0;
  for (int v = 0; v < 256; ++v)
    squares += double(histogram[v]) * (v / 255.0 - mean) * (v / 255.0 - mean);
  const double deviation = std::sqrt(squares / n);
  if (deviation == 0.0)
    throw std::invalid_argument("cannot standardize: every pixel of the data set has the value " +
                                std::to_string(data.pixels[0]));
  return {float(mean), float(deviation)};
}

}  // namespace minima
