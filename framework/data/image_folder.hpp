#pragma once
// Image folders as a data set, laid out like torchvision's ImageFolder:
//   DIR/<class name>/<any name>.png|.jpg|.jpeg|.bmp|.gif
// Class names are the sub-directories' names, sorted (byte order): class k
// is the k-th name. Each image is decoded, converted to gray or RGB and
// resized to exactly height x width (minima/data/image_prep.hpp); a sample
// is [C, H, W], channel by channel (channels_first), as in PyTorch.
#include <string>
#include <vector>

#include <minima/data/dataset.hpp>
#include <minima/data/image_prep.hpp>

namespace minima {

struct ImageFolderOptions {
  int height = 28, width = 28;
  bool grayscale = true;  // else 3 channels (RGB)
  ImageLimits limits;
};

// The sorted names of DIR's sub-directories (the classes).
std::vector<std::string> image_folder_classes(const std::string& dir);

// Reads every image of DIR's class folders (sorted by class, then file
// name). With `class_names` given (e.g. the training split's), every
// sub-directory must be one of them and labels index into that list;
// else the classes are image_folder_classes(dir). Errors name the
// directory or file: a missing directory, no class folders, a class
// folder without images, an image that does not decode.
Dataset load_image_folder(const std::string& dir, const ImageFolderOptions& options,
                          const std::vector<std::string>& class_names = {});

// Split "train" or "test" of a data set kept as DIR/train/<class>/... and
// DIR/test/<class>/...: the test split uses the training split's classes.
Dataset load_image_folder_split(const std::string& dir, const std::string& split,
                                const ImageFolderOptions& options);

}  // namespace minima
