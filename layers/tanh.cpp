#include <minima/layers/tanh.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima {

template class Activation<TanhOp>;

MINIMA_REGISTER_LAYER(TanhOp::name, Tanh);

}  // namespace minima
