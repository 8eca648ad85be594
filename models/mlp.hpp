#pragma once
// The "mlp" model builder: a multilayer perceptron, with or without Batch
// Normalization, as in Ioffe & Szegedy (2015), Figure 1.
//   {"type": "mlp", "hidden": [100, 100, 100], "activation": "relu",
//    "batchnorm": false (or true, or {batchnorm settings}), "init": "he", "std": 0.01 (only with
//    init "gaussian"), "classes": 10, "dropout": 0,
//    with batchnorm on: "batchnorm_position": "before_activation" (the paper) or
//    "after_activation", "batchnorm_layers": [1, 2, 3] (the hidden layers with BN, default all),
//    "bias_before_batchnorm": false}
// "activation" names any layer whose traits say it is one (relu, sigmoid,
// tanh, or a user's Activation<Op>); "init", "std" and their defaults are
// the dense layer's (Dense::inits(), DenseOptions).
// expands, for hidden layer i = 1..L, to
//   dense "fc<i>" (no bias when BN follows it: BN's beta replaces it, unless
//   "bias_before_batchnorm"), batchnorm "bn<i>" (in the layers with BN, given its
//   settings), activation "<activation><i>" (after_activation: BN comes here),
//   dropout "dropout<i>" {"p": dropout} (when dropout > 0),
// then dense "fc<L+1>" with `classes` units and a bias. The dense layers have
// the same names with and without BN, so both variants start from the same
// weights for the same seed.
#include <minima/config/config_object.hpp>

namespace minima {

json build_mlp(ConfigObject& spec);

}  // namespace minima
