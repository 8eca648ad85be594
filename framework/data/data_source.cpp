#include <minima/data/data_source.hpp>

#include <filesystem>
#include <stdexcept>

#include <minima/core/atomic_file.hpp>
#include <minima/data/image_folder.hpp>

namespace minima {

Dataset load_split(const DataConfig& data, const std::string& split) {
  if (data.dataset != "folder") return load_idx_dataset(data.dir, split);
  ImageFolderOptions options;
  options.height = data.height;
  options.width = data.width;
  options.grayscale = data.grayscale;
  return load_image_folder_split(data.dir, split, options);
}

void write_class_names(const std::string& path, const std::vector<std::string>& names) {
  write_file_atomically(path, json{{"classes", names}}.dump(2) + "\n");
}

std::optional<std::vector<std::string>> read_class_names(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    const json file = json::parse(read_file(path, 1 << 20));
    return file.at("classes").get<std::vector<std::string>>();
  } catch (const json::exception&) {
    throw std::runtime_error(path + ": expected {\"classes\": [\"name of class 0\", ...]}");
  }
}

TrainingData load_training_data(const DataConfig& config) {
  TrainingData data;
  Dataset train = load_split(config, "train");
  if (config.validation > 0) {
    auto [rest, validation] = split_validation(std::move(train), config.validation);
    data.train = std::move(rest);
    data.eval = std::move(validation);
    data.eval_name = "validation";
  } else {
    data.train = std::move(train);
    data.eval = load_split(config, "test");
    data.eval_name = "test";
  }
  if (config.normalize == "standardize") data.normalization = standardization_of(data.train);
  return data;
}

}  // namespace minima
