#pragma once
// The "cnn" model builder: convolution stages, then dense layers, with or
// without Batch Normalization; LeNet-5 and d2l.ai's BNLeNet are
//   {"type": "cnn", "conv": [6, 16], "kernel": 5, "padding": [2, 0],
//    "pool": "avg", "dense": [120, 84], "activation": "sigmoid",
//    "batchnorm": false | true | {batchnorm settings}}
// Keys and defaults: "conv" (output channels per stage, required),
// "kernel": 5, "padding": 0 (each a number for every stage or a list with
// one per stage; stride 1), "pool": "max" | "avg" (2x2 windows, stride 2),
// "dense": [] (hidden units), "activation": "relu" (any registered
// activation), "batchnorm": false, "init", "std" (as for "mlp": the weighted
// layers' init), "classes": 10.
// Expands, with PyTorch-style names (a state_dict holds conv1.weight
// [6, 1, 5, 5], bn1.running_var [6]), for conv stage i = 1..S to
//   conv2d "conv<i>" (no bias with batchnorm), batchnorm "bn<b>" (with
//   batchnorm), activation "<activation><a>", pooling "pool<i>",
// then flatten "flatten", for hidden dense layer j = 1..D to
//   dense "fc<j>" (no bias with batchnorm), batchnorm "bn<b>", activation,
// and dense "fc<D+1>" with `classes` units and a bias. b and a count on
// through the network (bn1, bn2 for the convolutions, bn3 for fc1, ...);
// BN sits before each nonlinearity, where it replaces the bias.
#include <minima/config/config_object.hpp>

namespace minima {

json build_cnn(ConfigObject& spec);

}  // namespace minima
