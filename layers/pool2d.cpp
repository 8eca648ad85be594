#include <minima/layers/pool2d.hpp>

namespace minima {

namespace {

Pool2dOptions read_pool2d_options(ConfigObject& args, int64_t kernel) {
  return {.stride = args.get<int64_t>("stride", kernel),
          .padding = args.get<int64_t>("padding", Pool2dOptions{}.padding)};
}

}  // namespace

Pool2d::Pool2d(const std::string& type, int64_t kernel, Options options)
    : window_{kernel, options.stride.value_or(kernel), options.padding} {
  window_.check(type, true);
}

Pool2d::Pool2d(const std::string& type, ConfigObject& args)
    : Pool2d(type, args.required<int64_t>("kernel"),
             read_pool2d_options(args, args.required<int64_t>("kernel"))) {}

json Pool2d::config() const {
  return {{"kernel", window_.kernel}, {"stride", window_.stride}, {"padding", window_.padding}};
}

Shape Pool2d::do_build(const Shape& input_shape) {
  const Shape out = window_.output_shape(input_shape, input_shape[0], type());
  channels_ = input_shape[0];
  height_ = input_shape[1];
  width_ = input_shape[2];
  pixels_ = height_ * width_;
  positions_ = out[1] * out[2];
  return out;
}

// ONNX: MaxPool or AveragePool with kernel_shape [k, k], strides [s, s] and
// pads [p, p, p, p]; ceil_mode 0 (the default).
OnnxNode& Pool2d::pool_node(OnnxScope& scope, const char* op_type) const {
  const int64_t k = window_.kernel, s = window_.stride, p = window_.padding;
  return scope.node(op_type, {scope.inputs()[0]}, scope.output())
      .attribute("kernel_shape", std::vector<int64_t>{k, k})
      .attribute("strides", std::vector<int64_t>{s, s})
      .attribute("pads", std::vector<int64_t>{p, p, p, p});
}

}  // namespace minima
