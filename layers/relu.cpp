#include <minima/layers/relu.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima {

template class Activation<ReluOp>;

MINIMA_REGISTER_LAYER(ReluOp::name, Relu);

}  // namespace minima
