#pragma once
// Loading the data set a run config names, whatever its source: IDX files
// ("mnist", "fashion", "idx") or image folders ("folder").
#include <optional>
#include <string>
#include <vector>

#include <minima/data/data_config.hpp>
#include <minima/data/dataset.hpp>

namespace minima {

// Split "train" or "test".
Dataset load_split(const DataConfig& data, const std::string& split);

// A run directory's classes.json, {"classes": ["cat", "dog"]}: class k is
// the k-th name (the model's k-th output). Written atomically.
void write_class_names(const std::string& path, const std::vector<std::string>& names);
// nullopt when the file does not exist; errors name the file.
std::optional<std::vector<std::string>> read_class_names(const std::string& path);

// The data of a run, loaded once (several Trainers may share it).
struct TrainingData {
  Dataset train;
  Dataset eval;                 // the validation split when data.validation > 0, else the test set
  std::string eval_name;        // "validation" | "test"
  Normalization normalization;  // from the training set
};
TrainingData load_training_data(const DataConfig& config);

}  // namespace minima
