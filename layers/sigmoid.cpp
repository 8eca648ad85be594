#include <minima/layers/sigmoid.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima {

template class Activation<SigmoidOp>;

MINIMA_REGISTER_LAYER(SigmoidOp::name, Sigmoid);

}  // namespace minima
