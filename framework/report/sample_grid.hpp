#pragma once
// A picture of a model's mistakes (find_misclassified in evaluate.hpp):
// the samples it got wrong, each drawn with its true and predicted class.
#include <cstdint>
#include <string>
#include <vector>

#include <minima/data/data_config.hpp>
#include <minima/data/dataset.hpp>
#include <minima/data/image_prep.hpp>
#include <minima/train/evaluate.hpp>

namespace minima {

// A grid (`columns` wide) of the samples, zoomed 3x, each captioned
// "true <name>" and "pred <name>" (in red), under a title line.
Image draw_misclassified_grid(const Dataset& data, const SampleGeometry& geometry,
                              const std::vector<Misclassified>& samples, const std::string& title,
                              int columns = 10);

}  // namespace minima
