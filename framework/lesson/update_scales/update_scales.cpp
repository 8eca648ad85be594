#include <minima/lesson/update_scales/update_scales.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace minima::lesson {
namespace {

std::span<const float> tensor_elements(const Tensor& t) { return {t.data(), size_t(t.numel())}; }

// std(a) / std(w); NaN when std(w) is 0, a ratio to nothing.
double ratio_to_weights(double std_a, double std_w) {
  return std_w > 0 ? std_a / std_w : std::nan("");
}

}  // namespace

double population_std(std::span<const float> x) {
  if (x.empty()) return 0;
  const double n = double(x.size());
  // m = 1/n sum_k x_k, then var = 1/n sum_k (x_k - m)^2 (two passes: no
  // cancellation when the values sit far from 0)
  double sum = 0;
  for (float v : x) sum += v;
  const double m = sum / n;
  double squares = 0;
  for (float v : x) squares += (v - m) * (v - m);
  return std::sqrt(squares / n);
}

double population_std_of_difference(std::span<const float> after, std::span<const float> before) {
  if (after.size() != before.size())
    throw std::invalid_argument("population_std_of_difference: " + std::to_string(after.size()) +
                                " values after, " + std::to_string(before.size()) + " before");
  if (after.empty()) return 0;
  const double n = double(after.size());
  // d_k = after_k - before_k; m = 1/n sum_k d_k, var = 1/n sum_k (d_k - m)^2
  double sum = 0;
  for (size_t k = 0; k < after.size(); ++k) sum += double(after[k]) - double(before[k]);
  const double m = sum / n;
  double squares = 0;
  for (size_t k = 0; k < after.size(); ++k) {
    const double d = double(after[k]) - double(before[k]) - m;
    squares += d * d;
  }
  return std::sqrt(squares / n);
}

std::vector<WeightTensor> weight_tensors(const Graph& model) {
  std::vector<WeightTensor> out;
  for (size_t i = 0; i < model.size(); ++i) {
    const Layer& layer = model.layer(i);
    for (const Param* p : layer.params())
      if (p->name == "weight" && p->shape.rank() >= 2) out.push_back({layer.name() + ".weight", p});
  }
  return out;
}

UpdateScaleMeter::UpdateScaleMeter(const Graph& model) : tensors_(weight_tensors(model)) {
  for (const WeightTensor& t : tensors_) before_.emplace_back(size_t(t.param->value.numel()));
}

std::vector<std::string> UpdateScaleMeter::tensor_names() const {
  std::vector<std::string> names;
  for (const WeightTensor& t : tensors_) names.push_back(t.name);
  return names;
}

void UpdateScaleMeter::keep_weights() {
  for (size_t t = 0; t < tensors_.size(); ++t) {
    const Tensor& w = tensors_[t].param->value;
    std::copy(w.data(), w.data() + w.numel(), before_[t].begin());
  }
}

UpdateScalesPoint UpdateScaleMeter::measure(int64_t step) const {
  UpdateScalesPoint point;
  point.step = step;
  for (size_t t = 0; t < tensors_.size(); ++t) {
    const std::span<const float> w = tensor_elements(tensors_[t].param->value);
    const double std_w = population_std(w);
    // update:data = std(W_after - W_before) / std(W_after)
    point.update_ratio.push_back(
        ratio_to_weights(population_std_of_difference(w, before_[t]), std_w));
    // gradient:data = std(grad W) / std(W_after)
    point.grad_ratio.push_back(
        ratio_to_weights(population_std(tensor_elements(tensors_[t].param->grad)), std_w));
  }
  return point;
}

}  // namespace minima::lesson
