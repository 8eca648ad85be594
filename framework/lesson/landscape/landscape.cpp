#include <minima/lesson/landscape/landscape.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace minima::lesson {
namespace {

// sum_k a_k b_k over [begin, end), in double.
double dot(const float* a, const float* b, int64_t begin, int64_t end) {
  double sum = 0;
  for (int64_t k = begin; k < end; ++k) sum += double(a[k]) * double(b[k]);
  return sum;
}

// ||a - b||_2 over [begin, end), in double.
double distance(const float* a, const float* b, int64_t begin, int64_t end) {
  double sum = 0;
  for (int64_t k = begin; k < end; ++k) {
    const double d = double(a[k]) - double(b[k]);
    sum += d * d;
  }
  return std::sqrt(sum);
}

// moved = theta - step * grad over [0, end), theta elsewhere.
void move_along(const Tensor& theta, const Tensor& grad, double step, int64_t end, Tensor& moved) {
  moved = theta;
  for (int64_t k = 0; k < end; ++k) moved[k] = float(double(theta[k]) - step * double(grad[k]));
}

}  // namespace

std::vector<GradientShift> internal_covariate_shift(const Objective& f, const Tensor& theta,
                                                    const Tensor& grad, double lr,
                                                    const std::vector<IcsLayer>& layers) {
  std::vector<GradientShift> out;
  Tensor moved, moved_grad(theta.shape());
  for (const IcsLayer& layer : layers) {
    if (layer.weight_begin < layer.below_end || layer.weight_end > theta.numel())
      throw std::invalid_argument("internal_covariate_shift: a layer's weights overlap its below");
    move_along(theta, grad, lr, layer.below_end, moved);
    f(moved, moved_grad);
    const float* g = grad.data();
    const float* g2 = moved_grad.data();
    const int64_t b = layer.weight_begin, e = layer.weight_end;
    GradientShift shift;
    shift.l2 = distance(g, g2, b, e);
    // cos(G, G') = <G, G'> / (||G|| ||G'||)
    const double norms = std::sqrt(dot(g, g, b, e)) * std::sqrt(dot(g2, g2, b, e));
    const bool both_zero = dot(g, g, b, e) == 0 && dot(g2, g2, b, e) == 0;
    shift.cosine = norms > 0 ? dot(g, g2, b, e) / norms : both_zero ? 1.0 : 0.0;
    out.push_back(shift);
  }
  return out;
}

AlongGradient along_gradient(const Objective& f, const Tensor& theta, const Tensor& grad,
                             const std::vector<double>& etas) {
  if (etas.empty()) throw std::invalid_argument("along_gradient: no step sizes");
  AlongGradient out;
  const int64_t p = theta.numel();
  const double grad_norm = std::sqrt(dot(grad.data(), grad.data(), 0, p));
  Tensor moved, moved_grad(theta.shape());
  for (size_t i = 0; i < etas.size(); ++i) {
    move_along(theta, grad, etas[i], p, moved);
    const double loss = f(moved, moved_grad);
    // d_eta = ||g - grad L(theta - eta g)||_2
    const double change = distance(grad.data(), moved_grad.data(), 0, p);
    // d_eta / ||eta g||_2
    const double ratio = grad_norm > 0 ? change / (etas[i] * grad_norm) : 0.0;
    out.loss_min = i == 0 ? loss : std::min(out.loss_min, loss);
    out.loss_max = i == 0 ? loss : std::max(out.loss_max, loss);
    out.grad_change_min = i == 0 ? change : std::min(out.grad_change_min, change);
    out.grad_change_max = i == 0 ? change : std::max(out.grad_change_max, change);
    out.beta = std::max(out.beta, ratio);
  }
  return out;
}

}  // namespace minima::lesson
