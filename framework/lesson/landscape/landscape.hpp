#pragma once
// What Santurkar, Tsipras, Ilyas & Madry, "How Does Batch Normalization Help
// Optimization?" (NeurIPS 2018) measure, written over any loss of a flat
// parameter vector: internal covariate shift as the change of a layer's
// gradient when the layers below it update (their Definition 2.1), and the
// loss and gradient along the gradient direction (their Figure 4: loss
// landscape, gradient predictiveness, effective beta-smoothness).
// Legend: P parameters (the graph's flat arena, padding included).
#include <cstdint>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/core/tensor.hpp>

namespace minima::lesson {

// The training loss at parameters theta [P] on a fixed batch: returns
// L(theta) and writes dL/dtheta into grad [P]. It must be deterministic
// (the same theta gives the same loss and gradient).
using Objective = std::function<double(const Tensor& theta, Tensor& grad)>;

// A layer whose weights ICS follows: its weights are theta[weight_begin,
// weight_end) and the parameters of the layers below it theta[0, below_end).
struct IcsLayer {
  int64_t weight_begin = 0, weight_end = 0;
  int64_t below_end = 0;
};

struct GradientShift {
  double l2 = 0;      // ||G - G'||_2
  double cosine = 1;  // <G, G'> / (||G|| ||G'||); 1 when both are zero, 0 when one is
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(GradientShift, l2, cosine)

// Santurkar et al. 2018, Definition 2.1, for each layer i:
//   G  = grad_{W_i} L(W_1, ..., W_k)                         at theta, where grad = dL/dtheta
//   G' = grad_{W_i} L(W_1 - lr g_1, ..., W_{i-1} - lr g_{i-1}, W_i, ..., W_k)
// the layers below i take their plain SGD step (g = grad, same batch), i and
// above stay. One evaluation of f per layer.
std::vector<GradientShift> internal_covariate_shift(const Objective& f, const Tensor& theta,
                                                    const Tensor& grad, double lr,
                                                    const std::vector<IcsLayer>& layers);

// The loss and the gradient along the gradient direction.
struct AlongGradient {
  double loss_min = 0, loss_max = 0;                // of L(theta - eta g) over eta
  double grad_change_min = 0, grad_change_max = 0;  // of ||g - grad L(theta - eta g)||_2
  double beta = 0;  // effective beta-smoothness: max over eta of the change / ||eta g||_2
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AlongGradient, loss_min, loss_max, grad_change_min,
                                   grad_change_max, beta)

// For each eta in `etas` (> 0), theta_eta = theta - eta g with g = grad:
//   L_eta = L(theta_eta),  d_eta = ||g - grad L(theta_eta)||_2
//   loss range = [min_eta L_eta, max_eta L_eta]          (Santurkar et al., Fig. 4a)
//   gradient predictiveness = [min_eta d_eta, max_eta d_eta]           (Fig. 4b)
//   beta = max_eta d_eta / ||eta g||_2                                 (Fig. 4c)
// (beta is 0 when g is 0). One evaluation of f per eta.
AlongGradient along_gradient(const Objective& f, const Tensor& theta, const Tensor& grad,
                             const std::vector<double>& etas);

}  // namespace minima::lesson
