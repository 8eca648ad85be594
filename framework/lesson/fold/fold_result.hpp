#pragma once
// What the fold_bn measurement records per run: BatchNorm folded into the
// layer before it at the end of training (nn/fold_batchnorm.hpp), checked
// on the run's own test set (train/fold_check.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/statistics.hpp>

namespace minima::lesson {

struct FoldResult {
  std::vector<std::string> folded;   // "fc1 + bn1" per folded pair
  std::vector<std::string> skipped;  // why a BatchNorm stayed
  int64_t samples = 0;
  std::optional<double> max_abs_logit_difference;  // null when the logits are not finite
  double accuracy = 0, folded_accuracy = 0;
  int64_t changed_predictions = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FoldResult, folded, skipped, samples, max_abs_logit_difference,
                                   accuracy, folded_accuracy, changed_predictions)

}  // namespace minima::lesson
