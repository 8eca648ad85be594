#include <minima/data/image_folder.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace minima {
namespace fs = std::filesystem;
namespace {

bool is_image_file(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".gif";
}

std::vector<fs::path> image_files(const fs::path& class_dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(class_dir))
    if (e.is_regular_file() && is_image_file(e.path())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<std::string> image_folder_classes(const std::string& dir) {
  if (!fs::is_directory(dir))
    throw std::runtime_error(dir + ": not a directory (expected DIR/<class name>/<image files>)");
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  if (names.empty())
    throw std::runtime_error(dir + ": no class folders (expected DIR/<class name>/<image files>)");
  return names;
}

Dataset load_image_folder(const std::string& dir, const ImageFolderOptions& options,
                          const std::vector<std::string>& class_names) {
  if (options.height < 1 || options.width < 1)
    throw std::invalid_argument(dir + ": image size must be positive, got " +
                                std::to_string(options.height) + " x " +
                                std::to_string(options.width));
  const std::vector<std::string> folders = image_folder_classes(dir);
  Dataset data;
  data.class_names = class_names.empty() ? folders : class_names;
  data.num_classes = int(data.class_names.size());
  const int channels = options.grayscale ? 1 : 3;
  data.sample_shape = Shape{channels, options.height, options.width};
  for (const std::string& folder : folders) {
    const auto known = std::find(data.class_names.begin(), data.class_names.end(), folder);
    if (known == data.class_names.end())
      throw std::runtime_error((fs::path(dir) / folder).string() + ": class '" + folder +
                               "' is not one of the training classes");
    const std::vector<fs::path> files = image_files(fs::path(dir) / folder);
    if (files.empty())
      throw std::runtime_error((fs::path(dir) / folder).string() +
                               ": no .png, .jpg, .jpeg, .bmp or .gif files");
    for (const fs::path& file : files) {
      const std::vector<uint8_t> planar = channels_first(resize_image(
          load_image(file.string(), channels, options.limits), options.width, options.height));
      data.pixels.insert(data.pixels.end(), planar.begin(), planar.end());
      data.labels.push_back(int32_t(known - data.class_names.begin()));
    }
  }
  data.count = int64_t(data.labels.size());
  return data;
}

Dataset load_image_folder_split(const std::string& dir, const std::string& split,
                                const ImageFolderOptions& options) {
  const std::string train_dir = (fs::path(dir) / "train").string();
  if (split == "train") return load_image_folder(train_dir, options);
  return load_image_folder((fs::path(dir) / split).string(), options,
                           image_folder_classes(train_dir));
}

}  // namespace minima
