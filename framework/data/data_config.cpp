#include <minima/data/data_config.hpp>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <minima/data/idx.hpp>

namespace minima {
namespace fs = std::filesystem;
namespace {

constexpr KnownDataset kKnownDatasets[] = {{"mnist", 60000, 28, 10}, {"fashion", 60000, 28, 10}};

// data.size [height, width] and data.grayscale, read for "folder" only
// (elsewhere finish() refuses them as unknown keys).
void parse_folder_keys(ConfigObject& c, DataConfig& d) {
  const std::vector<int> size = c.get<std::vector<int>>("size", {d.height, d.width});
  c.expect(size.size() == 2 && size[0] >= 1 && size[1] >= 1 && size[0] <= 4096 && size[1] <= 4096,
           "size", "[height, width] in pixels, each 1..4096");
  d.height = size[0];
  d.width = size[1];
  d.grayscale = c.get<bool>("grayscale", d.grayscale);
}

}  // namespace

const KnownDataset* find_known(const std::string& dataset) {
  for (const KnownDataset& d : kKnownDatasets)
    if (dataset == d.name) return &d;
  return nullptr;
}

DataConfig parse_data(ConfigObject c) {
  DataConfig d;
  d.dataset = c.get<std::string>("dataset", d.dataset);
  c.expect(d.dataset == "idx" || d.dataset == "folder" || find_known(d.dataset), "dataset",
           "one of \"mnist\", \"fashion\", \"idx\", \"folder\"");
  d.dir = c.get<std::string>("dir", "data/" + d.dataset);
  c.expect(!d.dir.empty(), "dir", "a directory path");
  d.validation = c.get<int64_t>("validation", d.validation);
  c.expect(d.validation >= 0, "validation", "a number of samples >= 0");
  if (const KnownDataset* known = find_known(d.dataset))
    c.expect(d.validation < known->train_samples, "validation",
             "fewer than the " + std::to_string(known->train_samples) + " training samples of " +
                 d.dataset);
  d.normalize = c.get<std::string>("normalize", d.normalize);
  c.expect(d.normalize == "scale" || d.normalize == "standardize", "normalize",
           "\"scale\" or \"standardize\"");
  if (d.dataset == "folder") parse_folder_keys(c, d);
  c.finish();
  return d;
}

std::optional<Shape> known_sample_shape(const DataConfig& data) {
  if (const KnownDataset* known = find_known(data.dataset))
    return Shape{1, known->side, known->side};
  if (data.dataset == "folder") return Shape{data.grayscale ? 1 : 3, data.height, data.width};
  return std::nullopt;
}

Shape sample_shape(const DataConfig& data) {
  if (std::optional<Shape> known = known_sample_shape(data)) return *known;
  fs::path file = fs::path(data.dir) / "train-images-idx3-ubyte";
  if (!fs::exists(file)) file += ".gz";
  if (!fs::exists(file))
    throw std::runtime_error(
        data.dir +
        ": no train-images-idx3-ubyte or train-images-idx3-ubyte.gz to read the input shape from");
  const ImageSet header = read_idx_image_header(file.string());
  return Shape{1, header.rows, header.cols};
}

SampleGeometry sample_geometry(const DataConfig& data, int64_t features) {
  if (data.dataset == "folder") return {data.height, data.width, data.grayscale ? 1 : 3};
  const int side = int(std::lround(std::sqrt(double(features))));
  if (int64_t(side) * side != features)
    throw std::invalid_argument("cannot draw samples of " + std::to_string(features) +
                                " features as images (not a square number of gray pixels)");
  return {side, side, 1};
}

}  // namespace minima
