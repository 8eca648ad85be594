#pragma once
// Weight initialisations shared by the layers with weights (dense, conv2d),
// by the name a config gives them.
#include <string>
#include <vector>

#include <minima/core/rng.hpp>
#include <minima/core/tensor.hpp>

namespace minima {

// The names "init" may take, in the order messages list them:
// "he", "xavier", "gaussian", "zeros".
const std::vector<std::string>& weight_inits();

// Fills w by `init`. fan_in / fan_out: the inputs and outputs each weight
// connects (PyTorch's: in * kh * kw and out * kh * kw for a convolution);
// std: the standard deviation for "gaussian".
void init_weights(Tensor& w, const std::string& init, double fan_in, double fan_out, double std,
                  Rng& rng);

}  // namespace minima
