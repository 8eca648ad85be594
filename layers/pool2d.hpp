#pragma once
// What maxpool2d and avgpool2d share: their keys, the window's geometry
// (layers/window2d.hpp) and the output shape [C, H', W'] of an input
// [C, H, W]. Each pools every channel's plane on its own (PyTorch's
// MaxPool2d / AvgPool2d with ceil_mode false).
// Config: {"type": "maxpool2d" | "avgpool2d", "kernel": k,
//          "stride": k (default: the kernel), "padding": 0}
#include <cstdint>
#include <optional>
#include <string>

#include <minima/config/config_object.hpp>
#include <minima/core/parallel.hpp>
#include <minima/layers/window2d.hpp>
#include <minima/nn/layer.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

// A pooling's settings besides its kernel: MaxPool2d(2, {.stride = 1}).
struct Pool2dOptions {
  std::optional<int64_t> stride = std::nullopt;  // std::nullopt: the kernel (windows side by side)
  int64_t padding = 0;                           // at most kernel / 2 (PyTorch's limit)
};

class Pool2d : public UnaryLayer {
 public:
  using Options = Pool2dOptions;
  json config() const override;
  InputForm input_form() const override { return InputForm::Image; }
  const Window2d& window() const { return window_; }

 protected:
  // Throws OptionError for a kernel or stride < 1 or a padding outside [0, kernel / 2].
  Pool2d(const std::string& type, int64_t kernel, Options options);
  // Reads "kernel" and the keys of Options.
  Pool2d(const std::string& type, ConfigObject& args);
  Shape do_build(const Shape& input_shape) override;
  // The ONNX node `op_type` ("MaxPool", "AveragePool") over the window.
  OnnxNode& pool_node(OnnxScope& scope, const char* op_type) const;

  // Runs plane(j) for every channel plane j of a batch [n, C, ...], on the pool.
  template <class Plane>
  void for_each_plane(int64_t n, const Plane& plane) const {
    parallel_for(n * channels_, grain_for(pixels_ + positions_),
                 [&plane](int64_t begin, int64_t end) {
                   for (int64_t j = begin; j < end; ++j) plane(j);
                 });
  }

  Window2d window_;
  int64_t channels_ = 0, height_ = 0, width_ = 0, positions_ = 0;  // C, H, W, P = H' W'
  int64_t pixels_ = 0;                                             // H W
};

}  // namespace minima
