#include <minima/layers/concat.hpp>

#include <algorithm>
#include <stdexcept>

#include <minima/nn/layer_registry.hpp>
#include <minima/nn/onnx_graph.hpp>

namespace minima {

MINIMA_REGISTER_LAYER("concat", Concat);

Concat::Concat(ConfigObject&) {}

Shape Concat::do_build(const std::vector<Shape>& input_shapes) {
  total_ = 0;
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    if (input_shapes[i].rank() != 1)
      throw std::invalid_argument("concat joins feature vectors, but input " + std::to_string(i) +
                                  " has per-sample shape " + input_shapes[i].str());
    widths_.push_back(input_shapes[i][0]);
    total_ += input_shapes[i][0];
  }
  return Shape{total_};
}

// Row r of y is [row r of x_0, row r of x_1, ...].
void Concat::do_forward(std::span<const Tensor* const> x, Tensor& y, Mode) {
  const int64_t n = y.dim(0);
  int64_t offset = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const int64_t w = widths_[i];
    for (int64_t r = 0; r < n; ++r) {
      const float* in = x[i]->data() + r * w;
      std::copy(in, in + w, y.data() + r * total_ + offset);
    }
    offset += w;
  }
}

// dx_i is dy's column block of input i.
void Concat::do_backward(std::span<const Tensor* const>, const Tensor&, const Tensor& dy,
                         std::span<Tensor> dx) {
  const int64_t n = dy.dim(0);
  int64_t offset = 0;
  for (size_t i = 0; i < dx.size(); ++i) {
    const int64_t w = widths_[i];
    for (int64_t r = 0; r < n; ++r) {
      const float* g = dy.data() + r * total_ + offset;
      std::copy(g, g + w, dx[i].data() + r * w);
    }
    offset += w;
  }
}

// ONNX: Concat with axis 1 of the feature vectors [N, D_i].
void Concat::to_onnx(OnnxScope& scope) const {
  scope.node("Concat", scope.inputs(), scope.output()).attribute("axis", int64_t(1));
}

}  // namespace minima
