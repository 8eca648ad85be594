#include <minima/nn/gradcheck.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include <minima/nn/loss.hpp>

namespace minima {
namespace {

// Compares `analytic` (a copy) with central differences of `loss` over `value`.
void compare(GradCheckResult& result, const std::string& label, Tensor& value,
             const Tensor& analytic, const std::function<double()>& loss,
             const GradCheckOptions& o) {
  for (int64_t k = 0; k < value.numel(); ++k) {
    // Divide by the step float32 actually took: far from zero, v +- h
    // rounds to a visibly different distance (near 1e4 by up to 5%).
    const float saved = value[k];
    const float up = float(saved + o.step), down = float(saved - o.step);
    value[k] = up;
    const double plus = loss();
    value[k] = down;
    const double minus = loss();
    value[k] = saved;
    const double numeric = (plus - minus) / (double(up) - double(down));
    const double a = analytic[k];
    const double error =
        std::fabs(a - numeric) / std::max({std::fabs(a), std::fabs(numeric), o.floor});
    ++result.checked;
    if (error > result.max_error || std::isnan(error)) {
      result.max_error = std::isnan(error) ? INFINITY : error;
      result.where = label + " [" + std::to_string(k) + "]";
      result.analytic = a;
      result.numeric = numeric;
    }
  }
  result.passed = result.max_error <= o.tolerance;
}

}  // namespace

std::string GradCheckResult::summary() const {
  std::ostringstream s;
  s << (passed ? "passed" : "FAILED") << ": worst relative error " << max_error << " at " << where
    << " (analytic " << analytic << ", numeric " << numeric << ") over " << checked << " elements";
  return s.str();
}

GradCheckResult check_gradients(Layer& layer, const std::vector<Tensor>& inputs,
                                const GradCheckOptions& o) {
  std::vector<Tensor> x = inputs;
  std::vector<const Tensor*> ptrs;
  for (const Tensor& t : x) ptrs.push_back(&t);

  Tensor r = layer.forward(ptrs, o.mode);  // same shape as the output
  Rng rng(o.seed);
  for (int64_t k = 0; k < r.numel(); ++k) r[k] = rng.normal();
  auto loss = [&]() {
    const Tensor& y = layer.forward(ptrs, o.mode);
    double sum = 0.0;
    for (int64_t k = 0; k < y.numel(); ++k) sum += double(y[k]) * double(r[k]);
    return sum;
  };

  loss();
  layer.zero_grad();
  layer.backward(r);
  std::vector<Tensor> dx;
  for (size_t i = 0; i < x.size(); ++i) dx.push_back(layer.input_grad(int(i)));
  std::vector<Tensor> dparams;
  for (Param* p : layer.params()) dparams.push_back(p->grad);

  GradCheckResult result;
  for (size_t i = 0; i < x.size(); ++i)
    compare(result, "input " + std::to_string(i), x[i], dx[i], loss, o);
  for (size_t j = 0; j < dparams.size(); ++j)
    compare(result, "param " + layer.params()[j]->name, layer.params()[j]->value, dparams[j], loss,
            o);
  result.passed = result.max_error <= o.tolerance;
  return result;
}

GradCheckResult check_gradients(Graph& graph, const Tensor& x, std::span<const int32_t> labels,
                                const GradCheckOptions& o) {
  SoftmaxCrossEntropy ce;
  auto loss = [&]() { return double(ce.forward(graph.forward(x, o.mode), labels)); };
  loss();
  graph.zero_grad();
  graph.backward(ce.backward());
  GradCheckResult result;
  for (const StateEntry& e : graph.state()) {
    if (!e.trainable) continue;
    // The gradient view sits at the same arena offset as the value view.
    const int64_t offset = e.tensor->data() - graph.values().data();
    Tensor analytic = Tensor::view(graph.grads().data() + offset, e.tensor->shape());
    compare(result, "param " + e.name, *e.tensor, Tensor(analytic), loss, o);
  }
  result.passed = result.max_error <= o.tolerance;
  return result;
}

}  // namespace minima
