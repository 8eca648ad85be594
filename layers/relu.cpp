#include <minima/layers/relu.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima {

template class Activation<ReluOp>;

MINIMA_REGISTER_ACTIVATION(ReluOp::name, Relu);

}  // namespace minima
