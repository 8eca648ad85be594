#include <minima/lesson/landscape/landscape_meter.hpp>

#include <algorithm>
#include <stdexcept>

namespace minima::lesson {

LandscapeMeter::LandscapeMeter(const Graph& model, Batch batch, double lr,
                               std::vector<double> eta_factors)
    : copy_(Graph::from_json(model.config(), "/model/layers")), batch_(std::move(batch)), lr_(lr) {
  if (!(lr > 0)) throw std::invalid_argument("LandscapeMeter: the learning rate must be > 0");
  for (double factor : eta_factors) {
    if (!(factor > 0)) throw std::invalid_argument("LandscapeMeter: step sizes must be > 0");
    etas_.push_back(factor * lr);
  }
  copy_.build(model.input_shape(), 0);
  const float* base = copy_.values().data();
  for (size_t i = 0; i < copy_.size(); ++i) {
    const Layer& layer = copy_.layer(i);
    if (layer.params().empty()) continue;
    const int64_t below_end = layer.params()[0]->value.data() - base;
    for (const Param* p : layer.params())
      if (p->name == "weight" && p->shape.rank() >= 2) {
        const int64_t begin = p->value.data() - base;
        ics_layers_.push_back({begin, begin + p->shape.numel(), below_end});
        names_.push_back(layer.name());
      }
  }
  for (const auto& [name, stream] : copy_.random_streams())
    streams_.emplace_back(stream, stream->state());
}

double LandscapeMeter::loss_and_grad(const Tensor& theta, Tensor& grad) {
  Tensor& values = copy_.values();
  std::copy(theta.data(), theta.data() + values.numel(), values.data());
  for (auto& [stream, state] : streams_) stream->set_state(state);
  copy_.zero_grad();
  const double loss = loss_.forward(copy_.forward(batch_.x, Mode::Train), batch_.labels);
  copy_.backward(loss_.backward());
  grad = copy_.grads();
  return loss;
}

LandscapePoint LandscapeMeter::measure(const Tensor& theta, int64_t step) {
  if (theta.numel() != copy_.values().numel())
    throw std::invalid_argument("LandscapeMeter::measure: parameters of another model");
  const Objective f = [this](const Tensor& t, Tensor& g) { return loss_and_grad(t, g); };
  LandscapePoint point;
  point.step = step;
  Tensor grad;
  point.loss = f(theta, grad);
  point.ics = internal_covariate_shift(f, theta, grad, lr_, ics_layers_);
  point.along = along_gradient(f, theta, grad, etas_);
  return point;
}

}  // namespace minima::lesson
