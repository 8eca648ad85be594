#include <minima/nn/layer.hpp>

#include <stdexcept>

namespace minima {

namespace {
std::string who(const Layer& l) { return "layer '" + l.name() + "' (" + l.type() + ")"; }
}  // namespace

Shape Layer::build(const std::vector<Shape>& input_shapes, ParamStorage storage) {
  if (built_) throw std::logic_error(who(*this) + ": build() called twice");
  const int n = int(input_shapes.size());
  if (arity() == 0 ? n < 2 : n != arity())
    throw std::invalid_argument(
        who(*this) + ": takes " +
        (arity() == 0 ? std::string("two or more inputs") : std::to_string(arity()) + " input(s)") +
        ", got " + std::to_string(n));
  input_shapes_ = input_shapes;
  output_shape_ = do_build(input_shapes);
  if (storage == ParamStorage::Layer)
    for (Param* p : params_) {
      p->value = Tensor(p->shape);
      p->grad = Tensor(p->shape);
    }
  x_.assign(n, nullptr);
  dx_.resize(n);
  built_ = true;
  return output_shape_;
}

const Tensor& Layer::forward(std::span<const Tensor* const> inputs, Mode mode) {
  if (!built_) throw std::logic_error(who(*this) + ": forward() before build()");
  if (inputs.size() != x_.size())
    throw std::invalid_argument(who(*this) + ": expected " + std::to_string(x_.size()) +
                                " input(s), got " + std::to_string(inputs.size()));
  const int64_t n = inputs[0]->shape().rank() ? inputs[0]->dim(0) : 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Shape expected = input_shapes_[i].with_batch(n);
    if (inputs[i]->shape() !=
        expected)  // the message is built only on error: a training step must not allocate
      check_shape(*inputs[i], expected, who(*this) + " input " + std::to_string(i));
    x_[i] = inputs[i];
  }
  y_.resize(output_shape_.with_batch(n));
  do_forward(inputs, y_, mode);
  has_forward_ = true;
  return y_;
}

const Tensor& Layer::forward(const Tensor& x, Mode mode) {
  const Tensor* inputs[1] = {&x};
  return forward(inputs, mode);
}

void Layer::backward(const Tensor& dy) {
  if (!has_forward_) throw std::logic_error(who(*this) + ": backward() before forward()");
  if (dy.shape() != y_.shape()) check_shape(dy, y_.shape(), who(*this) + " output gradient");
  const int64_t n = y_.dim(0);
  for (size_t i = 0; i < dx_.size(); ++i) dx_[i].resize(input_shapes_[i].with_batch(n));
  do_backward(x_, y_, dy, dx_);
}

void Layer::zero_grad() {
  for (Param* p : params_) p->grad.zero();
}

void Layer::add_param(Param& p, std::string name, Shape shape) {
  check_tensor_size(shape);
  p.name = std::move(name);
  p.shape = shape;
  params_.push_back(&p);
}

void Layer::add_buffer(Buffer& b, std::string name, Shape shape, float fill, bool integer) {
  b.name = std::move(name);
  b.value = Tensor(shape);
  b.value.fill(fill);
  b.integer = integer;
  buffers_.push_back(&b);
}

void Layer::to_onnx(OnnxScope&) const {
  throw std::invalid_argument("layer '" + name() + "' (type " + type() + ") has no ONNX form");
}

}  // namespace minima
