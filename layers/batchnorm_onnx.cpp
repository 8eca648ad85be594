// BatchNorm's ONNX form (minima export --onnx), apart from its math.
#include <minima/layers/batchnorm.hpp>

#include <stdexcept>

#include <minima/nn/onnx_graph.hpp>

namespace minima {

// ONNX: BatchNormalization(x, scale, B, input_mean, input_var) with epsilon,
// in inference mode: per channel (axis 1) of [N, C] or [N, C, H, W],
//   y = scale (x - input_mean) / sqrt(input_var + epsilon) + B,
// Eval mode with running statistics; scale = 1, B = 0 without affine.
// normalize "mean" (y = gamma (x - running_mean) + beta): input_var = 1 - epsilon,
// so that sqrt(input_var + epsilon) = 1; "variance" (y = gamma x /
// sqrt(running_var + eps) + beta): input_mean = 0.
void BatchNorm::to_onnx(OnnxScope& scope) const {
  if (!options_.track_running_stats)
    throw std::invalid_argument("layer '" + name() +
                                "' (type batchnorm) has no ONNX form without "
                                "track_running_stats: its Eval mode normalizes with the "
                                "batch's own statistics");
  const std::vector<int64_t> dims = {features_};
  const std::string scale = options_.affine
                                ? scope.state("weight")
                                : scope.constant("scale", dims, std::vector<float>(features_, 1));
  const std::string shift = options_.affine
                                ? scope.state("bias")
                                : scope.constant("shift", dims, std::vector<float>(features_, 0));
  const std::string mean = options_.normalize == "variance"
                               ? scope.constant("zero_mean", dims, std::vector<float>(features_, 0))
                               : scope.state("running_mean");
  const std::string var =
      options_.normalize == "mean"
          ? scope.constant("unit_var", dims,
                           std::vector<float>(features_, float(1.0 - options_.eps)))
          : scope.state("running_var");
  scope.node("BatchNormalization", {scope.inputs()[0], scale, shift, mean, var}, scope.output())
      .attribute("epsilon", float(options_.eps));
}

}  // namespace minima
