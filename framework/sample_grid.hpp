#pragma once
// A picture of a model's mistakes: the test samples it got wrong, each
// drawn with its true and predicted class.
#include <cstdint>
#include <string>
#include <vector>

#include "framework/dataset.hpp"
#include "framework/graph.hpp"
#include "framework/image_prep.hpp"
#include "framework/run_config.hpp"

namespace minima {

struct Misclassified {
  int64_t index;  // sample index in the data set
  int label, predicted;
};

// The samples whose Eval-mode argmax differs from their label, in data
// order, at most `limit` of them; `wrong_total` gets the count of all.
std::vector<Misclassified> find_misclassified(Graph& model, const Dataset& data, const Normalization& normalization,
                                              int64_t limit, int64_t& wrong_total);

// How a sample's features form an image.
struct SampleGeometry {
  int height = 0, width = 0, channels = 1;
};
// For "folder" data: data.size and 1 or 3 channels; else square gray
// images (784 features -> 28 x 28).
SampleGeometry sample_geometry(const DataConfig& data, int64_t features);

// A grid (`columns` wide) of the samples, zoomed 3x, each captioned
// "true <name>" and "pred <name>" (in red), under a title line.
Image draw_misclassified_grid(const Dataset& data, const SampleGeometry& geometry,
                              const std::vector<Misclassified>& samples, const std::string& title, int columns = 10);

}  // namespace minima
