#include <minima/nn/weight_init.hpp>

#include <cmath>

namespace minima {

const std::vector<std::string>& weight_inits() {
  static const std::vector<std::string> names = {"he", "xavier", "gaussian", "zeros"};
  return names;
}

void init_weights(Tensor& w, const std::string& init, double fan_in, double fan_out, double std,
                  Rng& rng) {
  for (int64_t k = 0; k < w.numel(); ++k) {
    if (init == "he")  // Kaiming normal for ReLU: std = sqrt(2 / fan_in)
      w[k] = float(rng.normal() * std::sqrt(2.0 / fan_in));
    else if (init == "xavier")  // Glorot uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
      w[k] = float((2.0 * rng.uniform() - 1.0) * std::sqrt(6.0 / (fan_in + fan_out)));
    else if (init == "gaussian")
      w[k] = float(rng.normal() * std);
    else
      w[k] = 0.0f;
  }
}

}  // namespace minima
